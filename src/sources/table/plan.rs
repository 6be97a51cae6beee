//! The per-file mapping plan, and one row turned into a [`RawContact`] with it.
//!
//! In: a role per column (from the flavour tables, the generic vocabulary or `--csv-map`).
//! Out: a [`Plan`] built once per file, with column indexes grouped (an address's parts, a
//! Google `E-mail N` label/value pair, an organisation and its department), and per row a
//! [`RawContact`] plus warnings.
//!
//! Values are trimmed and placed, never normalised: the only values that are put together
//! are parts the model has no place for (a `tussenvoegsel` goes in front of the family name,
//! a house number joins the street in the file's own column order, Thunderbird's birth
//! year/month/day become one `YYYY-MM-DD`). Vendor placeholders that carry no data (Outlook's
//! `0-0-00`, `Onwaar`, `Normaal`; LinkedIn's Company ` -`) count as empty. Whatever has no
//! place is kept as `(header, value)` in `extra`, so nothing is lost.

use super::field::Field;
use super::header::HeaderName;
use crate::model::{Labeled, Photo, RawAddress, RawContact, RawOrg, Source, SourceKind};

/// Groups of columns that make one value are told apart by number (Google's `Address 2`) or by
/// the label their columns imply (Outlook's `Business …` → `work`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct GroupKey {
    pub n: u16,
    pub label: Option<&'static str>,
}

/// The group of columns with no number and no label (a generic file's one address).
const PLAIN: GroupKey = GroupKey { n: 0, label: None };

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AddrPart {
    /// Google's `Address N - Label`/`Type`: the label is a value.
    Label,
    Formatted,
    Street,
    HouseNumber,
    HouseNumberSuffix,
    /// Street 2, street 3, Google's extended address, FEBRL's `address_2`.
    Extended,
    PoBox,
    City,
    Region,
    Postcode,
    Country,
    /// An address in one string, or the street when the group has postcode/city columns.
    Address,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OrgPart {
    Name,
    Department,
}

/// Google's label/value column pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum PairKind {
    Email,
    Phone,
    Url,
    Social,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PairPart {
    Label,
    Value,
    /// `IM N - Service`: the label of a messaging handle.
    Service,
}

/// LinkedIn Invitations.csv columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum InvPart {
    From,
    To,
    SentAt,
    Message,
    Direction,
    FromUrl,
    ToUrl,
}

/// What one column means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// Not mapped: a non-empty value goes to `extra`.
    Extra,
    /// Dropped (`--csv-map X=ignore`).
    Ignore,
    /// A field of its own, with the label the column implies (phones, e-mails, URLs, socials).
    Field(Field, Option<&'static str>),
    Addr(GroupKey, AddrPart),
    /// Organisation number (Google legacy `Organization N`; 0 elsewhere).
    Org(u16, OrgPart),
    Pair(PairKind, u16, PairPart),
    Inv(InvPart),
}

impl Role {
    /// The role of a generic or `--csv-map` field.
    pub fn from_field(field: Field, label: Option<&'static str>) -> Role {
        let addr = |part| Role::Addr(PLAIN, part);
        match field {
            Field::Street => addr(AddrPart::Street),
            Field::HouseNumber => addr(AddrPart::HouseNumber),
            Field::HouseNumberSuffix => addr(AddrPart::HouseNumberSuffix),
            Field::Address2 => addr(AddrPart::Extended),
            Field::Postcode => addr(AddrPart::Postcode),
            Field::City => addr(AddrPart::City),
            Field::Region => addr(AddrPart::Region),
            Field::Country => addr(AddrPart::Country),
            Field::PoBox => addr(AddrPart::PoBox),
            Field::Address => addr(AddrPart::Address),
            Field::Org => Role::Org(0, OrgPart::Name),
            Field::Department => Role::Org(0, OrgPart::Department),
            Field::Extra => Role::Extra,
            Field::Ignore => Role::Ignore,
            other => Role::Field(other, label),
        }
    }

    /// Whether a value in this column can identify or reach a person.
    fn identifies(self) -> bool {
        match self {
            Role::Field(f, _) => f.identifies(),
            Role::Org(_, OrgPart::Name) | Role::Pair(_, _, PairPart::Value) => true,
            Role::Inv(InvPart::From | InvPart::To) => true,
            _ => false,
        }
    }
}

/// Which vendor placeholders count as empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Blanks {
    Plain,
    /// `0-0-00`, `0.0.00`, `Onwaar`, `Waar`, `Niet-gespecificeerd`, `Normaal` and English ones.
    Outlook,
    /// Company ` -`.
    Linkedin,
}

#[derive(Debug, Default)]
struct AddrPlan {
    label: Option<&'static str>,
    label_col: Option<usize>,
    /// In column order, so that `street_number,address_1` gives `12 Smith Street` and
    /// `straat,huisnummer` gives `Oudegracht 12`.
    parts: Vec<(AddrPart, usize)>,
    /// `Address` is the street (other parts exist), not a one-string address.
    address_is_street: bool,
}

#[derive(Debug, Default)]
struct OrgPlan {
    name: Option<usize>,
    department: Option<usize>,
}

#[derive(Debug)]
struct PairPlan {
    kind: PairKind,
    label: Option<usize>,
    service: Option<usize>,
    value: Option<usize>,
}

#[derive(Debug, Default)]
struct BirthPlan {
    year: Option<usize>,
    month: Option<usize>,
    day: Option<usize>,
}

#[derive(Debug, Default)]
struct InvPlan {
    from: Option<usize>,
    to: Option<usize>,
    sent_at: Option<usize>,
    message: Option<usize>,
    direction: Option<usize>,
    from_url: Option<usize>,
    to_url: Option<usize>,
}

/// How one file's columns are read: built once per file, applied to every row.
#[derive(Debug)]
pub(super) struct Plan {
    pub kind: SourceKind,
    /// Header names as written (`column N` for an empty one), for `extra`.
    headers: Vec<String>,
    /// The header's field count.
    pub width: usize,
    /// A row may omit trailing columns whose header is empty (Thunderbird's `Notes,`).
    pub required: usize,
    fields: Vec<(usize, Field, Option<&'static str>)>,
    extras: Vec<usize>,
    addrs: Vec<AddrPlan>,
    orgs: Vec<OrgPlan>,
    pairs: Vec<PairPlan>,
    birth: Option<BirthPlan>,
    inv: Option<InvPlan>,
    blanks: Blanks,
    /// Google joins several values in one cell with ` ::: `.
    split_multi: bool,
}

/// Google's separator of several values in one cell, written ` ::: `. Split on the bare
/// `:::` (parts are trimmed): an empty first or last part leaves `a :::` or `::: b` once the
/// cell is trimmed, and that must not become a value `a :::`.
const MULTI: &str = ":::";

impl Plan {
    /// Build the plan from one role per column.
    pub fn new(kind: SourceKind, names: &[HeaderName], roles: &[Role]) -> Plan {
        let headers = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                if n.original.is_empty() {
                    format!("column {}", i + 1)
                } else {
                    n.original.clone()
                }
            })
            .collect();
        let required = names
            .iter()
            .rposition(|n| !n.original.is_empty())
            .map_or(0, |i| i + 1);
        let mut plan = Plan {
            kind,
            headers,
            width: names.len(),
            required,
            fields: Vec::new(),
            extras: Vec::new(),
            addrs: Vec::new(),
            orgs: Vec::new(),
            pairs: Vec::new(),
            birth: None,
            inv: None,
            blanks: match kind {
                SourceKind::CsvOutlook => Blanks::Outlook,
                SourceKind::CsvLinkedin => Blanks::Linkedin,
                _ => Blanks::Plain,
            },
            split_multi: matches!(kind, SourceKind::CsvGoogle | SourceKind::CsvGoogleLegacy),
        };
        let mut addr_keys: Vec<GroupKey> = Vec::new();
        let mut org_keys: Vec<u16> = Vec::new();
        let mut pair_keys: Vec<(PairKind, u16)> = Vec::new();
        for (col, role) in roles.iter().enumerate() {
            match *role {
                Role::Extra => plan.extras.push(col),
                Role::Ignore => {}
                Role::Field(Field::BirthYear, _) => {
                    plan.birth.get_or_insert_default().year = Some(col)
                }
                Role::Field(Field::BirthMonth, _) => {
                    plan.birth.get_or_insert_default().month = Some(col)
                }
                Role::Field(Field::BirthDay, _) => {
                    plan.birth.get_or_insert_default().day = Some(col)
                }
                Role::Field(field, label) => plan.fields.push((col, field, label)),
                Role::Addr(key, part) => {
                    let i = index_of(&mut addr_keys, key, &mut plan.addrs, || AddrPlan {
                        label: key.label,
                        ..AddrPlan::default()
                    });
                    let group = &mut plan.addrs[i];
                    match part {
                        AddrPart::Label => group.label_col = Some(col),
                        part => group.parts.push((part, col)),
                    }
                }
                Role::Org(n, part) => {
                    let i = index_of(&mut org_keys, n, &mut plan.orgs, OrgPlan::default);
                    match part {
                        OrgPart::Name => plan.orgs[i].name = Some(col),
                        OrgPart::Department => plan.orgs[i].department = Some(col),
                    }
                }
                Role::Pair(kind, n, part) => {
                    let i = index_of(&mut pair_keys, (kind, n), &mut plan.pairs, || PairPlan {
                        kind,
                        label: None,
                        service: None,
                        value: None,
                    });
                    let pair = &mut plan.pairs[i];
                    match part {
                        PairPart::Label => pair.label = Some(col),
                        PairPart::Service => pair.service = Some(col),
                        PairPart::Value => pair.value = Some(col),
                    }
                }
                Role::Inv(part) => {
                    let inv = plan.inv.get_or_insert_default();
                    let slot = match part {
                        InvPart::From => &mut inv.from,
                        InvPart::To => &mut inv.to,
                        InvPart::SentAt => &mut inv.sent_at,
                        InvPart::Message => &mut inv.message,
                        InvPart::Direction => &mut inv.direction,
                        InvPart::FromUrl => &mut inv.from_url,
                        InvPart::ToUrl => &mut inv.to_url,
                    };
                    *slot = Some(col);
                }
            }
        }
        for group in &mut plan.addrs {
            let structured = group.parts.iter().any(|(p, _)| {
                matches!(
                    p,
                    AddrPart::Postcode | AddrPart::City | AddrPart::HouseNumber
                )
            });
            let has_street = group.parts.iter().any(|(p, _)| *p == AddrPart::Street);
            group.address_is_street = structured && !has_street;
        }
        // A pair without a value column (a lone `E-mail 3 - Label`) carries nothing: keep its
        // label as extra rather than lose it.
        let (pairs, orphans): (Vec<_>, Vec<_>) =
            plan.pairs.drain(..).partition(|p| p.value.is_some());
        plan.pairs = pairs;
        for orphan in orphans {
            plan.extras
                .extend(orphan.label.into_iter().chain(orphan.service));
        }
        plan.extras.sort_unstable();
        plan
    }

    /// Whether some column can identify or reach a person.
    pub fn identifies(roles: &[Role]) -> bool {
        roles.iter().any(|r| r.identifies())
    }

    /// One row → a contact (possibly empty: the caller rejects those) and warnings, or the
    /// reason the row cannot be read.
    pub fn build(
        &self,
        row: &csv::StringRecord,
        source: Source,
        raw: String,
    ) -> Result<(RawContact, Vec<String>), String> {
        let mut b = Builder {
            plan: self,
            row,
            c: RawContact::new(source, raw),
            extra: Vec::new(),
            family_prefix: None,
            initials: None,
            warnings: Vec::new(),
        };
        b.fields();
        b.orgs();
        b.pairs();
        b.addresses();
        b.birth();
        b.invitation()?;
        Ok(b.finish())
    }

    fn cell<'r>(&self, row: &'r csv::StringRecord, col: usize) -> &'r str {
        let v = row.get(col).unwrap_or("").trim();
        if self.is_placeholder(v) {
            ""
        } else {
            v
        }
    }

    fn is_placeholder(&self, v: &str) -> bool {
        match self.blanks {
            Blanks::Plain => false,
            Blanks::Linkedin => v == "-",
            Blanks::Outlook => is_outlook_placeholder(v),
        }
    }
}

/// Outlook writes these where a field was never filled in.
fn is_outlook_placeholder(v: &str) -> bool {
    const WORDS: &[&str] = &[
        "onwaar",
        "waar",
        "niet-gespecificeerd",
        "normaal",
        "false",
        "true",
        "normal",
        "unspecified",
    ];
    // Empty dates: `0-0-00`, `0.0.00`, `0/0/00`, `00-00-0000`.
    let empty_date = v.len() >= 5
        && v.bytes().all(|b| matches!(b, b'0' | b'-' | b'.' | b'/'))
        && v.bytes().any(|b| b != b'0');
    empty_date || WORDS.iter().any(|w| v.eq_ignore_ascii_case(w))
}

/// The index of `key`'s group, adding the group when it is new.
fn index_of<K: PartialEq + Copy, T>(
    keys: &mut Vec<K>,
    key: K,
    groups: &mut Vec<T>,
    new: impl FnOnce() -> T,
) -> usize {
    if let Some(i) = keys.iter().position(|k| *k == key) {
        return i;
    }
    keys.push(key);
    groups.push(new());
    keys.len() - 1
}

/// A Google label: `* Work` → `Work` (the `* ` marks a system group).
fn clean_label(v: &str) -> Option<String> {
    let v = v.strip_prefix("* ").unwrap_or(v).trim();
    (!v.is_empty()).then(|| v.to_owned())
}

/// The values of one cell: itself, or its ` ::: `-separated parts (blank parts skipped).
enum Values<'v> {
    One(Option<&'v str>),
    Many(std::str::Split<'v, &'static str>),
}

impl<'v> Iterator for Values<'v> {
    type Item = &'v str;

    fn next(&mut self) -> Option<&'v str> {
        match self {
            Values::One(v) => v.take(),
            Values::Many(parts) => parts.map(str::trim).find(|p| !p.is_empty()),
        }
    }
}

struct Builder<'a> {
    plan: &'a Plan,
    row: &'a csv::StringRecord,
    c: RawContact,
    /// `(column, value)`: sorted by column at the end, so `extra` keeps the file's order.
    extra: Vec<(usize, String)>,
    family_prefix: Option<String>,
    initials: Option<String>,
    warnings: Vec<String>,
}

impl<'a> Builder<'a> {
    fn cell(&self, col: usize) -> &'a str {
        self.plan.cell(self.row, col)
    }

    fn opt(&self, col: Option<usize>) -> &'a str {
        col.map_or("", |c| self.cell(c))
    }

    /// Split a Google multi-value cell; other flavours never do.
    fn values<'v>(&self, v: &'v str) -> Values<'v> {
        if self.plan.split_multi && v.contains(MULTI) {
            Values::Many(v.split(MULTI))
        } else {
            Values::One(Some(v))
        }
    }

    /// Set a single-valued slot; a second, different value is kept in `extra`.
    fn set(&mut self, col: usize, v: &str, slot: fn(&mut Self) -> &mut Option<String>) {
        let conflict = match slot(self) {
            empty @ None => {
                *empty = Some(v.to_owned());
                false
            }
            Some(old) => old != v,
        };
        if conflict {
            self.extra.push((col, v.to_owned()));
        }
    }

    fn email(&mut self, v: &str, label: Option<String>) {
        // LinkedIn 2018 writes member URNs where the address was withheld: an id, not a mailbox.
        if v.starts_with("urn:li:") {
            self.c
                .socials
                .push(Labeled::with_label(v, Some("linkedin".into())));
        } else {
            self.c.emails.push(Labeled::with_label(v, label));
        }
    }

    fn fields(&mut self) {
        let plan = self.plan;
        for &(col, field, label) in &plan.fields {
            let row = self.row;
            let v = plan.cell(row, col);
            if v.is_empty() {
                continue;
            }
            let label_of = |fixed: Option<&'static str>| fixed.or(label).map(str::to_owned);
            match field {
                Field::FullName => self.set(col, v, |b| &mut b.c.name.full),
                Field::GivenName => self.set(col, v, |b| &mut b.c.name.given),
                Field::MiddleName => self.set(col, v, |b| &mut b.c.name.middle),
                Field::FamilyName => self.set(col, v, |b| &mut b.c.name.family),
                Field::FamilyPrefix => self.set(col, v, |b| &mut b.family_prefix),
                Field::NamePrefix => self.set(col, v, |b| &mut b.c.name.prefix),
                Field::NameSuffix => self.set(col, v, |b| &mut b.c.name.suffix),
                Field::Initials => self.set(col, v, |b| &mut b.initials),
                Field::Birthday => self.set(col, v, |b| &mut b.c.birthday),
                Field::ConnectedOn => self.set(col, v, |b| &mut b.c.connected_on),
                Field::Nickname => {
                    for v in self.values(v) {
                        self.c.nicknames.push(v.to_owned());
                    }
                }
                Field::Email => {
                    for v in self.values(v) {
                        self.email(v, label_of(None));
                    }
                }
                Field::Phone | Field::Mobile | Field::WorkPhone | Field::HomePhone | Field::Fax => {
                    let fixed = match field {
                        Field::Mobile => Some("mobile"),
                        Field::WorkPhone => Some("work"),
                        Field::HomePhone => Some("home"),
                        Field::Fax => Some("fax"),
                        _ => None,
                    };
                    for v in self.values(v) {
                        self.c.phones.push(Labeled::with_label(v, label_of(fixed)));
                    }
                }
                Field::Url | Field::Linkedin => {
                    let fixed = (field == Field::Linkedin).then_some("linkedin");
                    for v in self.values(v) {
                        self.c.urls.push(Labeled::with_label(v, label_of(fixed)));
                    }
                }
                Field::Social => {
                    for v in self.values(v) {
                        self.c.socials.push(Labeled::with_label(v, label_of(None)));
                    }
                }
                Field::Title => self.c.titles.push(v.to_owned()),
                Field::Notes => self.c.notes.push(v.to_owned()),
                Field::Photo => self.c.photos.push(Photo {
                    media_type: None,
                    data: Vec::new(),
                    uri: Some(v.to_owned()),
                }),
                // Grouped or handled elsewhere; `Role::from_field` never puts them here.
                Field::BirthYear
                | Field::BirthMonth
                | Field::BirthDay
                | Field::Org
                | Field::Department
                | Field::Street
                | Field::HouseNumber
                | Field::HouseNumberSuffix
                | Field::Address2
                | Field::Postcode
                | Field::City
                | Field::Region
                | Field::Country
                | Field::PoBox
                | Field::Address
                | Field::Extra
                | Field::Ignore => self.extra.push((col, v.to_owned())),
            }
        }
        for &col in &plan.extras {
            let v = plan.cell(self.row, col);
            if !v.is_empty() {
                self.extra.push((col, v.to_owned()));
            }
        }
    }

    fn orgs(&mut self) {
        let plan = self.plan;
        for org in &plan.orgs {
            let name = self.opt(org.name).to_owned();
            let department = self.opt(org.department).to_owned();
            if !name.is_empty() {
                self.c.orgs.push(RawOrg {
                    name,
                    department: (!department.is_empty()).then_some(department),
                });
            } else if let (Some(col), false) = (org.department, department.is_empty()) {
                // A department without an organisation has no place of its own.
                self.extra.push((col, department));
            }
        }
    }

    fn pairs(&mut self) {
        let plan = self.plan;
        for pair in &plan.pairs {
            let value = self.opt(pair.value);
            if value.is_empty() {
                continue;
            }
            let label = clean_label(self.opt(pair.label));
            let service = clean_label(self.opt(pair.service));
            for v in self.values(value) {
                match pair.kind {
                    PairKind::Email => self.email(v, label.clone()),
                    PairKind::Phone => self.c.phones.push(Labeled::with_label(v, label.clone())),
                    PairKind::Url => self.c.urls.push(Labeled::with_label(v, label.clone())),
                    PairKind::Social => {
                        let label = service.clone().or_else(|| label.clone());
                        self.c.socials.push(Labeled::with_label(v, label));
                    }
                }
            }
        }
    }

    fn addresses(&mut self) {
        let plan = self.plan;
        for group in &plan.addrs {
            let mut a = RawAddress::default();
            let mut any = false;
            for &(part, col) in &group.parts {
                let v = self.cell(col);
                if v.is_empty() {
                    continue;
                }
                any = true;
                // Parts the model has one place for are joined in the file's column order.
                let (slot, sep) = match part {
                    AddrPart::Street | AddrPart::HouseNumber | AddrPart::HouseNumberSuffix => {
                        (&mut a.street, " ")
                    }
                    AddrPart::Address if group.address_is_street => (&mut a.street, " "),
                    AddrPart::Address | AddrPart::Formatted => (&mut a.formatted, "\n"),
                    AddrPart::Extended => (&mut a.extended, ", "),
                    AddrPart::PoBox
                    | AddrPart::City
                    | AddrPart::Region
                    | AddrPart::Postcode
                    | AddrPart::Country => {
                        let slot = match part {
                            AddrPart::PoBox => &mut a.po_box,
                            AddrPart::City => &mut a.city,
                            AddrPart::Region => &mut a.region,
                            AddrPart::Postcode => &mut a.postcode,
                            _ => &mut a.country,
                        };
                        match slot {
                            None => *slot = Some(v.to_owned()),
                            Some(_) => self.extra.push((col, v.to_owned())),
                        }
                        continue;
                    }
                    AddrPart::Label => continue,
                };
                match slot {
                    None => *slot = Some(v.to_owned()),
                    Some(joined) => {
                        joined.push_str(sep);
                        joined.push_str(v);
                    }
                }
            }
            if !any {
                continue;
            }
            a.label = group
                .label
                .map(str::to_owned)
                .or_else(|| clean_label(self.opt(group.label_col)));
            self.c.addresses.push(a);
        }
    }

    fn birth(&mut self) {
        let plan = self.plan;
        let Some(birth) = &plan.birth else {
            return;
        };
        let (y, m, d) = (
            self.opt(birth.year),
            self.opt(birth.month),
            self.opt(birth.day),
        );
        if y.is_empty() && m.is_empty() && d.is_empty() {
            return;
        }
        match birth_date(y, m, d) {
            Some(date) if self.c.birthday.is_none() => self.c.birthday = Some(date),
            _ => {
                // Not a date, or a second birthday: keep the parts as they were written.
                if self.c.birthday.is_none() {
                    self.warnings.push(format!(
                        "birth year/month/day \"{y}\"/\"{m}\"/\"{d}\" is not a date; kept as extra"
                    ));
                }
                for col in [birth.year, birth.month, birth.day].into_iter().flatten() {
                    let v = self.cell(col);
                    if !v.is_empty() {
                        self.extra.push((col, v.to_owned()));
                    }
                }
            }
        }
    }

    /// Invitations.csv: one contact for the other party.
    fn invitation(&mut self) -> Result<(), String> {
        let plan = self.plan;
        let Some(inv) = &plan.inv else {
            return Ok(());
        };
        let direction = self.opt(inv.direction);
        let (other, other_url, own) = if direction.eq_ignore_ascii_case("incoming") {
            (inv.from, inv.from_url, [inv.to, inv.to_url])
        } else if direction.eq_ignore_ascii_case("outgoing") {
            (inv.to, inv.to_url, [inv.from, inv.from_url])
        } else {
            return Err(format!(
                "direction \"{direction}\" is neither INCOMING nor OUTGOING"
            ));
        };
        let name = self.opt(other);
        if !name.is_empty() {
            self.c.name.full = Some(name.to_owned());
        }
        let url = self.opt(other_url);
        if !url.is_empty() {
            self.c
                .urls
                .push(Labeled::with_label(url, Some("linkedin".into())));
        }
        let message = self.opt(inv.message);
        if !message.is_empty() {
            self.c.notes.push(message.to_owned());
        }
        let sent = self.opt(inv.sent_at);
        if !sent.is_empty() {
            self.c.connected_on = Some(sent.to_owned());
        }
        // The user's own side of the invitation is not this person: keep it as extra.
        for col in own.into_iter().flatten().chain(inv.direction) {
            let v = self.cell(col);
            if !v.is_empty() {
                self.extra.push((col, v.to_owned()));
            }
        }
        Ok(())
    }

    /// The column a single-valued field was read from.
    fn column_of(&self, field: Field) -> Option<usize> {
        self.plan
            .fields
            .iter()
            .find_map(|(c, f, _)| (*f == field).then_some(*c))
    }

    fn finish(mut self) -> (RawContact, Vec<String>) {
        if let Some(particle) = self.family_prefix.take() {
            // `van der` + `Berg` → `van der Berg`: the model's family name carries its particles.
            // A particle without a family name is no name at all: it is kept as extra.
            match self.c.name.family.take() {
                Some(family) => self.c.name.family = Some(format!("{particle} {family}")),
                None => {
                    if let Some(col) = self.column_of(Field::FamilyPrefix) {
                        self.extra.push((col, particle));
                    }
                }
            }
        }
        if let Some(initials) = self.initials.take() {
            if self.c.name.given.is_none() {
                self.c.name.given = Some(initials);
            } else if let Some(col) = self.column_of(Field::Initials) {
                self.extra.push((col, initials));
            }
        }
        self.extra.sort_by_key(|(col, _)| *col);
        let headers = &self.plan.headers;
        self.c.extra = self
            .extra
            .into_iter()
            .map(|(col, v)| {
                let name = headers
                    .get(col)
                    .cloned()
                    .unwrap_or_else(|| format!("column {}", col + 1));
                (name, v)
            })
            .collect();
        (self.c, self.warnings)
    }
}

/// Thunderbird's birth year, month (a number or a word) and day as `YYYY-MM-DD`, or
/// `--MM-DD` when the year is missing.
fn birth_date(y: &str, m: &str, d: &str) -> Option<String> {
    let day: u32 = d.parse().ok()?;
    let month = month(m)?;
    if y.is_empty() {
        // Without a year, 29 February may be meant.
        return (1..=days_in(month, 2000))
            .contains(&day)
            .then(|| format!("--{month:02}-{day:02}"));
    }
    let year: u32 = y.parse().ok().filter(|y| (1..=9999).contains(y))?;
    (1..=days_in(month, year))
        .contains(&day)
        .then(|| format!("{year:04}-{month:02}-{day:02}"))
}

/// Days in `month` (1–12) of `year` (Gregorian).
fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A month as a number, or an English or Dutch name or abbreviation.
fn month(m: &str) -> Option<u32> {
    if let Ok(n) = m.parse::<u32>() {
        return (1..=12).contains(&n).then_some(n);
    }
    const NAMES: [&[&str]; 12] = [
        &["january", "januari", "jan"],
        &["february", "februari", "feb"],
        &["march", "maart", "mar", "mrt"],
        &["april", "apr"],
        &["may", "mei"],
        &["june", "juni", "jun"],
        &["july", "juli", "jul"],
        &["august", "augustus", "aug"],
        &["september", "sep", "sept"],
        &["october", "oktober", "oct", "okt"],
        &["november", "nov"],
        &["december", "dec"],
    ];
    let m = m.trim_end_matches('.').to_lowercase();
    (1u32..)
        .zip(NAMES)
        .find(|(_, names)| names.contains(&m.as_str()))
        .map(|(n, _)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIRTH: &[(&str, &str, &str, Option<&str>)] = &[
        ("1988", "11", "5", Some("1988-11-05")),
        ("1988", "March", "5", Some("1988-03-05")),
        ("1988", "mrt", "5", Some("1988-03-05")),
        ("1988", "Okt.", "31", Some("1988-10-31")),
        ("", "3", "7", Some("--03-07")),
        ("1988", "13", "5", None),
        ("1988", "5", "", None),
        ("88x", "5", "1", None),
        ("1993", "februari", "30", None),
        ("1993", "2", "29", None),
        ("1992", "2", "29", Some("1992-02-29")),
        ("1900", "2", "29", None),
        ("2000", "2", "29", Some("2000-02-29")),
        ("", "2", "29", Some("--02-29")),
        ("1988", "april", "31", None),
        ("1988", "5", "0", None),
    ];

    #[test]
    fn birth_dates() {
        for (y, m, d, want) in BIRTH {
            assert_eq!(birth_date(y, m, d).as_deref(), *want, "case {y}/{m}/{d}");
        }
    }

    const PLACEHOLDERS: &[(&str, bool)] = &[
        ("0-0-00", true),
        ("0.0.00", true),
        ("0/0/00", true),
        ("Onwaar", true),
        ("Niet-gespecificeerd", true),
        ("Normaal", true),
        ("1-1-1988", false),
        ("0", false),
        ("000", false),
        ("Jan", false),
    ];

    #[test]
    fn outlook_placeholders() {
        for (v, want) in PLACEHOLDERS {
            assert_eq!(is_outlook_placeholder(v), *want, "case {v:?}");
        }
    }

    const LABELS: &[(&str, Option<&str>)] = &[
        ("* Work", Some("Work")),
        ("Mobile", Some("Mobile")),
        ("* ", None),
        ("", None),
    ];

    #[test]
    fn cleans_google_labels() {
        for (v, want) in LABELS {
            assert_eq!(clean_label(v).as_deref(), *want, "case {v:?}");
        }
    }
}
