//! Merging the records of one person into the view that exports show (survivorship).
//!
//! In: a [`Person`] — the normalised records that are one person, and the encounters linked to
//! them. Out: a [`Merged`] view. Nothing is thrown away:
//!
//! - **Multi-valued fields** (emails, phones, orgs, titles, urls, addresses, notes, nicknames,
//!   socials, departments) keep every value, deduplicated by its *normalised* value (the exact
//!   `Value::value`; for organisations `Org::name`; for addresses every normalised part). They are
//!   ordered by the best [`SourceKind::trust`] among the sources that gave the value, then by
//!   first appearance (records in source order, values in the order the record gave them)
//!   among the records of that best trust — the same rule that picks single values.
//! - **Single-valued fields** (name, birthday) show the value of the most trusted record that has
//!   one; ties go to the first record in source order. Every other value stays in `provenance`,
//!   and when the values disagree the field is listed in `conflicts`. A year-less birthday
//!   (`--MM-DD`) that matches a full date is a less precise form of it, not a conflict.
//! - `sources` lists every record's [`Source`] sorted by (path, record); `encounters` are
//!   deduplicated and sorted by (date, event, source).
//!
//! The result is serialised by the JSON Lines export. The keys up to `encounters` are the
//! contract in DESIGN.md (order and names fixed); after them come, in this order:
//!
//! - `nicknames`, `socials`: string lists, ordered like the other lists;
//! - `departments`: `[{"org": "…", "name": "…"}]`, the department with the organisation that a
//!   record gave it with;
//! - `provenance`: one entry per shown value, fields in the order of the keys above (`name`,
//!   `emails`, `phones`, `orgs`, `titles`, `urls`, `addresses`, `birthday`, `notes`, `nicknames`,
//!   `socials`, `departments`) and values in the order of their list (so entry *i* of a field
//!   describes element *i* of that field's list):
//!   `{"field": "emails", "value": "jan@voorbeeld.nl",
//!     "from": [{"source": 0, "original": "Jan@Voorbeeld.NL", "label": "work"}, …]}`.
//!   `source` indexes `sources`; `original` is the value exactly as that record wrote it; `from`
//!   is in source order. `value` is a string, except for `addresses` (an object with `street`,
//!   `postcode`, `city`, `region`, `country`, `po_box`: the parts the contract's four keys leave
//!   out live here) and `departments` (`{"org", "name"}`). For `name` the value is the full name,
//!   one entry per distinct full name.
//! - `conflicts`: `[{"field": "birthday", "values": ["1980-05-01", "1981-05-01"]}]`, values in
//!   display order (the shown value first).
//!
//! Not done here: deciding *which* records are one person (that is `dedup::identity`), reading
//! or writing the index, normalising values (they arrive normalised), and labels as display
//! values (they are kept per source in `provenance`; see [`Merged::best_label`]).

use std::cmp::Reverse;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Contact, Encounter, Name, Person, Source, SourceKind, Value};

/// One person as the exports show it. Field order is the JSON Lines contract; see the module
/// documentation for the keys after `encounters`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merged {
    pub id: String,
    pub name: MergedName,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    /// `Org::name` of every organisation.
    pub orgs: Vec<String>,
    pub titles: Vec<String>,
    pub urls: Vec<String>,
    pub addresses: Vec<MergedAddress>,
    /// ISO `YYYY-MM-DD`, or `--MM-DD` when the year is unknown.
    pub birthday: Option<String>,
    pub notes: Vec<String>,
    pub sources: Vec<SourceRef>,
    pub encounters: Vec<Encounter>,
    // Everything below is added after the contract's keys.
    pub nicknames: Vec<String>,
    pub socials: Vec<String>,
    pub departments: Vec<Department>,
    pub provenance: Vec<Provenance>,
    pub conflicts: Vec<Conflict>,
}

/// The shown name: the contract's five keys, `null` where unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergedName {
    pub full: Option<String>,
    pub given: Option<String>,
    pub family: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
}

/// The contract's four address keys. Region, PO box and label are in `provenance`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergedAddress {
    pub street: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
}

/// Every normalised part of an address: the `value` of an address in `provenance`, and the key
/// addresses are deduplicated by.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressParts {
    pub street: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub po_box: Option<String>,
}

impl AddressParts {
    /// The contract's view of these parts.
    pub fn shown(&self) -> MergedAddress {
        MergedAddress {
            street: self.street.clone(),
            postcode: self.postcode.clone(),
            city: self.city.clone(),
            country: self.country.clone(),
        }
    }
}

/// A department and the organisation a record gave it with.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    pub org: String,
    pub name: String,
}

/// The contract's `sources[]` entry: `kind` is the stable string of [`SourceKind::as_str`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    pub path: String,
    #[serde(with = "kind_str")]
    pub kind: SourceKind,
    pub record: u32,
    pub line: Option<u32>,
}

impl From<&Source> for SourceRef {
    fn from(s: &Source) -> Self {
        SourceRef {
            path: s.path.clone(),
            kind: s.kind,
            record: s.record,
            line: s.line,
        }
    }
}

/// `SourceKind` as its contract string (`csv:linkedin`), not the Rust variant name.
mod kind_str {
    use crate::model::SourceKind;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(kind: &SourceKind, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(kind.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SourceKind, D::Error> {
        let s = String::deserialize(d)?;
        SourceKind::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown source kind \"{s}\"")))
    }
}

/// The fields that `provenance` and `conflicts` talk about; serialised as the key they describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Name,
    Emails,
    Phones,
    Orgs,
    Titles,
    Urls,
    Addresses,
    Birthday,
    Notes,
    Nicknames,
    Socials,
    Departments,
}

/// Which sources gave one shown value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub field: Field,
    pub value: Item,
    /// One entry per record (and occurrence) that gave the value, in source order.
    pub from: Vec<Given>,
}

/// A value in `provenance`: text for most fields, structured for addresses and departments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Item {
    Text(String),
    // Department before Address: untagged tries variants in order, and both are objects.
    Department(Department),
    Address(AddressParts),
}

/// One source's statement of a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Given {
    /// Index into [`Merged::sources`].
    pub source: usize,
    /// The value exactly as the source wrote it.
    pub original: String,
    /// The label the source gave it (`work`, `Mobile`, …).
    pub label: Option<String>,
}

/// A single-valued field for which the records disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub field: Field,
    /// Every distinct value, the shown one first.
    pub values: Vec<String>,
}

impl Merged {
    /// The provenance entries of one field, aligned with that field's list.
    pub fn provenance_of(&self, field: Field) -> impl Iterator<Item = &Provenance> {
        self.provenance.iter().filter(move |p| p.field == field)
    }

    /// The label given by the most trusted source that gave one (ties: source order).
    pub fn best_label<'a>(&self, p: &'a Provenance) -> Option<&'a str> {
        let mut best: Option<(u8, &str)> = None;
        for g in &p.from {
            let Some(label) = g.label.as_deref().filter(|l| !l.trim().is_empty()) else {
                continue;
            };
            let trust = self.sources.get(g.source).map_or(0, |s| s.kind.trust());
            if best.is_none_or(|(t, _)| trust > t) {
                best = Some((trust, label));
            }
        }
        best.map(|(_, l)| l)
    }

    /// Every distinct label the sources gave a value, in source order.
    pub fn labels<'a>(&self, p: &'a Provenance) -> Vec<&'a str> {
        let mut out: Vec<&str> = Vec::new();
        for label in p.from.iter().filter_map(|g| g.label.as_deref()) {
            if !label.trim().is_empty() && !out.contains(&label) {
                out.push(label);
            }
        }
        out
    }
}

/// Merge the records of one person. Pure and deterministic: the result does not depend on the
/// order of `person.records` or `person.encounters`.
pub fn merge(person: &Person) -> Merged {
    // Records in source order, whatever order the caller kept them in. (path, record) is unique
    // per record; kind and line only make the order total.
    let mut records: Vec<&Contact> = person.records.iter().collect();
    records.sort_by(|a, b| source_order(&a.source).cmp(&source_order(&b.source)));

    let mut sources: Vec<&Source> = records.iter().map(|r| &r.source).collect();
    sources.dedup();
    // Index of each record's source in `sources` (records are sorted, so this is monotone).
    let source_of: Vec<usize> = records
        .iter()
        .map(|r| sources.iter().position(|s| *s == &r.source).unwrap_or(0))
        .collect();
    let recs: Vec<Rec<'_>> = records
        .iter()
        .zip(&source_of)
        .map(|(c, &source)| Rec {
            contact: c,
            source,
            trust: c.source.kind.trust(),
        })
        .collect();

    let names = collect(&recs, |c| name_values(&c.name));
    let emails = collect(&recs, |c| text_values(&c.emails));
    let phones = collect(&recs, |c| text_values(&c.phones));
    let orgs = collect(&recs, |c| {
        c.orgs
            .iter()
            .map(|o| Offer::new(o.name.clone(), &o.original, None))
            .collect()
    });
    let titles = collect(&recs, |c| text_values(&c.titles));
    let urls = collect(&recs, |c| text_values(&c.urls));
    let addresses = collect(&recs, |c| {
        c.addresses
            .iter()
            .filter_map(|a| {
                let parts = address_parts(a);
                (parts != AddressParts::default()).then(|| Offer {
                    key: parts,
                    original: a.original.clone(),
                    label: a.label.clone(),
                })
            })
            .collect()
    });
    let birthdays = collect(&recs, |c| text_values(c.birthday.as_slice()));
    let notes = collect(&recs, |c| text_values(&c.notes));
    let nicknames = collect(&recs, |c| text_values(&c.nicknames));
    let socials = collect(&recs, |c| text_values(&c.socials));
    let departments = collect(&recs, |c| {
        c.orgs
            .iter()
            .filter_map(|o| {
                let name = o.department.as_deref().map(str::trim).unwrap_or("");
                (!name.is_empty() && !o.name.trim().is_empty()).then(|| Offer {
                    key: Department {
                        org: o.name.clone(),
                        name: name.to_string(),
                    },
                    original: name.to_string(),
                    label: None,
                })
            })
            .collect()
    });

    let name = best_record(&recs, |c| has_name(&c.name))
        .map(|c| shown_name(&c.name))
        .unwrap_or_default();

    let mut conflicts = Vec::new();
    if names.len() > 1 {
        conflicts.push(Conflict {
            field: Field::Name,
            values: names.iter().map(|e| e.key.clone()).collect(),
        });
    }
    let birthday_values: Vec<String> = birthdays.iter().map(|e| e.key.clone()).collect();
    if birthdays_conflict(&birthday_values) {
        conflicts.push(Conflict {
            field: Field::Birthday,
            values: birthday_values.clone(),
        });
    }

    let mut provenance = Vec::new();
    push_provenance(&mut provenance, Field::Name, &names, |k| {
        Item::Text(k.clone())
    });
    push_text(&mut provenance, Field::Emails, &emails);
    push_text(&mut provenance, Field::Phones, &phones);
    push_text(&mut provenance, Field::Orgs, &orgs);
    push_text(&mut provenance, Field::Titles, &titles);
    push_text(&mut provenance, Field::Urls, &urls);
    push_provenance(&mut provenance, Field::Addresses, &addresses, |k| {
        Item::Address(k.clone())
    });
    push_text(&mut provenance, Field::Birthday, &birthdays);
    push_text(&mut provenance, Field::Notes, &notes);
    push_text(&mut provenance, Field::Nicknames, &nicknames);
    push_text(&mut provenance, Field::Socials, &socials);
    push_provenance(&mut provenance, Field::Departments, &departments, |k| {
        Item::Department(k.clone())
    });

    let mut encounters = person.encounters.clone();
    encounters.sort_by(|a, b| encounter_order(a).cmp(&encounter_order(b)));
    encounters.dedup();

    Merged {
        id: person.id.clone(),
        name,
        emails: keys(&emails),
        phones: keys(&phones),
        orgs: keys(&orgs),
        titles: keys(&titles),
        urls: keys(&urls),
        addresses: addresses.iter().map(|e| e.key.shown()).collect(),
        // The first birthday entry is the most trusted record's (see `collect`'s order).
        birthday: birthday_values.first().cloned(),
        notes: keys(&notes),
        sources: sources.into_iter().map(SourceRef::from).collect(),
        encounters,
        nicknames: keys(&nicknames),
        socials: keys(&socials),
        departments: departments.iter().map(|e| e.key.clone()).collect(),
        provenance,
        conflicts,
    }
}

/// The order records and sources are listed in: (path, record), then kind and line.
fn source_order(s: &Source) -> (&str, u32, SourceKind, Option<u32>) {
    (&s.path, s.record, s.kind, s.line)
}

/// Encounters sorted by (date, event, source); the other keys only make the order total.
fn encounter_order(e: &Encounter) -> impl Ord + '_ {
    (&e.date, &e.event, &e.source, &e.place, &e.how)
}

/// A record with what merging needs to know about its source.
struct Rec<'a> {
    contact: &'a Contact,
    /// Index into the merged `sources`.
    source: usize,
    trust: u8,
}

/// One value as one record gave it, keyed by what it is deduplicated by.
struct Offer<K> {
    key: K,
    original: String,
    label: Option<String>,
}

impl Offer<String> {
    fn new(key: String, original: &str, label: Option<String>) -> Self {
        Offer {
            key,
            original: original.to_string(),
            label,
        }
    }
}

/// One deduplicated value with everything known about where it came from.
struct Entry<K> {
    key: K,
    best_trust: u8,
    /// (record index in source order, position inside the record) of its first appearance in a
    /// record of `best_trust`.
    first: (usize, usize),
    from: Vec<Given>,
}

/// Gather the values `offers` finds in every record, deduplicated by key, in display order:
/// best trust first, then first appearance in a record of that trust. That makes the first
/// entry of a single-valued field the value of the most trusted record (ties: source order).
/// Values whose key is blank are skipped.
fn collect<K, F>(recs: &[Rec<'_>], offers: F) -> Vec<Entry<K>>
where
    K: Ord + Clone + Blank,
    F: Fn(&Contact) -> Vec<Offer<K>>,
{
    let mut entries: Vec<Entry<K>> = Vec::new();
    // Key → index in `entries`; a BTreeMap only for lookup, never iterated into output.
    let mut index: BTreeMap<K, usize> = BTreeMap::new();
    for (ri, rec) in recs.iter().enumerate() {
        for (pos, offer) in offers(rec.contact).into_iter().enumerate() {
            if offer.key.is_blank() {
                continue;
            }
            let given = Given {
                source: rec.source,
                original: offer.original,
                label: offer.label.filter(|l| !l.trim().is_empty()),
            };
            match index.get(&offer.key) {
                Some(&i) => {
                    let e = &mut entries[i];
                    // Records come in source order, so a first appearance at a higher trust
                    // is the value's place; at the same or a lower trust the earlier one stays.
                    if rec.trust > e.best_trust {
                        e.best_trust = rec.trust;
                        e.first = (ri, pos);
                    }
                    if !e.from.contains(&given) {
                        e.from.push(given);
                    }
                }
                None => {
                    index.insert(offer.key.clone(), entries.len());
                    entries.push(Entry {
                        key: offer.key,
                        best_trust: rec.trust,
                        first: (ri, pos),
                        from: vec![given],
                    });
                }
            }
        }
    }
    entries.sort_by_key(|e| (Reverse(e.best_trust), e.first));
    entries
}

/// Whether a key holds nothing worth showing.
trait Blank {
    fn is_blank(&self) -> bool;
}

impl Blank for String {
    fn is_blank(&self) -> bool {
        self.trim().is_empty()
    }
}

impl Blank for AddressParts {
    fn is_blank(&self) -> bool {
        *self == AddressParts::default()
    }
}

impl Blank for Department {
    fn is_blank(&self) -> bool {
        self.name.trim().is_empty()
    }
}

fn text_values(values: &[Value]) -> Vec<Offer<String>> {
    values
        .iter()
        .map(|v| Offer::new(v.value.clone(), &v.original, v.label.clone()))
        .collect()
}

fn name_values(name: &Name) -> Vec<Offer<String>> {
    if !has_name(name) {
        return Vec::new();
    }
    let shown = shown_name(name);
    let full = shown.full.unwrap_or_default();
    let original = name.original.clone().unwrap_or_else(|| full.clone());
    vec![Offer {
        key: full,
        original,
        label: None,
    }]
}

fn has_name(name: &Name) -> bool {
    [&name.full, &name.given, &name.family, &name.initials]
        .iter()
        .any(|v| v.as_deref().is_some_and(|s| !s.trim().is_empty()))
}

/// The contract's name from one record: its own parts, the given name falling back to the
/// initials, and the full name built from the parts when the record gave none.
fn shown_name(name: &Name) -> MergedName {
    let given = non_blank(&name.given).or_else(|| non_blank(&name.initials));
    let family = non_blank(&name.family);
    let full = non_blank(&name.full).or_else(|| {
        let joined = [given.as_deref(), family.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        (!joined.is_empty()).then_some(joined)
    });
    MergedName {
        full,
        given,
        family,
        prefix: non_blank(&name.prefix),
        suffix: non_blank(&name.suffix),
    }
}

fn non_blank(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The address key. An address the source gave only as one string (`formatted`, LABEL) has no
/// parts; its original text becomes the street so that it is still shown.
fn address_parts(a: &crate::model::Address) -> AddressParts {
    let parts = AddressParts {
        street: non_blank(&a.street),
        postcode: non_blank(&a.postcode),
        city: non_blank(&a.city),
        region: non_blank(&a.region),
        country: non_blank(&a.country),
        po_box: non_blank(&a.po_box),
    };
    if parts == AddressParts::default() {
        AddressParts {
            street: non_blank(&Some(a.original.clone())),
            ..AddressParts::default()
        }
    } else {
        parts
    }
}

/// The most trusted record that `has` something; ties go to the first in source order.
fn best_record<'a>(recs: &[Rec<'a>], has: impl Fn(&Contact) -> bool) -> Option<&'a Contact> {
    let mut best: Option<&Rec<'a>> = None;
    for r in recs.iter().filter(|r| has(r.contact)) {
        if best.is_none_or(|b| r.trust > b.trust) {
            best = Some(r);
        }
    }
    best.map(|r| r.contact)
}

/// Whether distinct birthdays disagree. `--MM-DD` agrees with any full date on that day.
fn birthdays_conflict(values: &[String]) -> bool {
    let month_day = |v: &str| -> String {
        match v.strip_prefix("--") {
            Some(md) => md.to_string(),
            None => v.get(5..).unwrap_or(v).to_string(),
        }
    };
    let full: Vec<&String> = values.iter().filter(|v| !v.starts_with("--")).collect();
    let partial: Vec<&String> = values.iter().filter(|v| v.starts_with("--")).collect();
    if full.len() > 1 || partial.len() > 1 {
        return true;
    }
    match (full.first(), partial.first()) {
        (Some(f), Some(p)) => month_day(f) != month_day(p),
        _ => false,
    }
}

fn keys(entries: &[Entry<String>]) -> Vec<String> {
    entries.iter().map(|e| e.key.clone()).collect()
}

fn push_text(out: &mut Vec<Provenance>, field: Field, entries: &[Entry<String>]) {
    push_provenance(out, field, entries, |k| Item::Text(k.clone()));
}

fn push_provenance<K>(
    out: &mut Vec<Provenance>,
    field: Field,
    entries: &[Entry<K>],
    item: impl Fn(&K) -> Item,
) {
    out.extend(entries.iter().map(|e| Provenance {
        field,
        value: item(&e.key),
        from: e.from.clone(),
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Address, Org};

    fn src(path: &str, kind: SourceKind, record: u32) -> Source {
        Source {
            path: path.to_string(),
            kind,
            record,
            line: Some(record + 1),
        }
    }

    fn val(v: &str) -> Value {
        Value {
            value: v.to_string(),
            original: v.to_string(),
            label: None,
        }
    }

    fn person(records: Vec<Contact>) -> Person {
        Person {
            id: "p-000000000001".to_string(),
            records,
            encounters: Vec::new(),
        }
    }

    fn named(source: Source, full: &str) -> Contact {
        let mut c = Contact::empty(source);
        c.name.full = Some(full.to_string());
        c
    }

    #[test]
    fn display_name_comes_from_the_most_trusted_source() {
        // (kinds of three records in source order, the full name each gives, expected name)
        const CASES: &[(&[SourceKind], &[&str], &str)] = &[
            (
                &[SourceKind::Scan, SourceKind::Vcard, SourceKind::CsvLinkedin],
                &[
                    "J. vd Berg",
                    "Jan van der Berg",
                    "Jan van der Berg (Stichting)",
                ],
                "Jan van der Berg",
            ),
            (
                &[SourceKind::CsvLinkedin, SourceKind::CsvLinkedin],
                &["Eerste Naam", "Tweede Naam"],
                "Eerste Naam",
            ),
            (
                &[SourceKind::JsonFacebook, SourceKind::CsvGoogle],
                &["Fb Naam", "Google Naam"],
                "Google Naam",
            ),
        ];
        for (kinds, names, want) in CASES {
            let records = kinds
                .iter()
                .zip(names.iter())
                .enumerate()
                .map(|(i, (k, n))| named(src(&format!("f{i}"), *k, 1), n))
                .collect();
            let m = merge(&person(records));
            assert_eq!(m.name.full.as_deref(), Some(*want), "case {names:?}");
            assert_eq!(
                m.conflicts.first().map(|c| c.values.len()),
                Some(names.len()),
                "case {names:?}: every distinct name is a conflict value"
            );
        }
    }

    #[test]
    fn ties_in_trust_go_to_the_first_record_of_that_trust() {
        // X appears first (in a scan) and again in the second vCard; Y is in the first vCard.
        // The most trusted records are the two vCards; the first of them says Y.
        let mut a = named(src("a.jpg", SourceKind::Scan, 1), "X");
        a.birthday = Some(val("1980-01-01"));
        a.emails = vec![val("x@x.nl")];
        let mut b = named(src("b.vcf", SourceKind::Vcard, 1), "Y");
        b.birthday = Some(val("1990-01-01"));
        b.emails = vec![val("y@x.nl")];
        let mut c = named(src("c.vcf", SourceKind::Vcard, 1), "X");
        c.birthday = Some(val("1980-01-01"));
        c.emails = vec![val("x@x.nl")];
        let m = merge(&person(vec![a, b, c]));
        assert_eq!(m.name.full.as_deref(), Some("Y"));
        assert_eq!(m.birthday.as_deref(), Some("1990-01-01"));
        assert_eq!(m.emails, ["y@x.nl", "x@x.nl"]);
        let firsts: Vec<&str> = m.conflicts.iter().map(|c| c.values[0].as_str()).collect();
        assert_eq!(
            firsts,
            ["Y", "1990-01-01"],
            "the shown value is listed first"
        );
    }

    #[test]
    fn lists_are_ordered_by_trust_then_first_appearance() {
        let mut scan = Contact::empty(src("a.jpg", SourceKind::Scan, 1));
        scan.emails = vec![val("scan@x.nl"), val("shared@x.nl")];
        let mut li = Contact::empty(src("b.csv", SourceKind::CsvLinkedin, 1));
        li.emails = vec![val("li@x.nl")];
        let mut vc = Contact::empty(src("c.vcf", SourceKind::Vcard, 1));
        vc.emails = vec![val("vcard@x.nl"), val("shared@x.nl")];
        let m = merge(&person(vec![scan, li, vc]));
        assert_eq!(
            m.emails,
            ["vcard@x.nl", "shared@x.nl", "li@x.nl", "scan@x.nl"],
            "both first ones are in the vCard (trusted most): its order decides, although \
             shared@ appears earlier, in a.jpg"
        );
        let shared = m
            .provenance_of(Field::Emails)
            .nth(1)
            .expect("one entry per email");
        assert_eq!(shared.value, Item::Text("shared@x.nl".into()));
        let from: Vec<usize> = shared.from.iter().map(|g| g.source).collect();
        assert_eq!(from, [0, 2], "shared@ came from a.jpg and c.vcf");
    }

    #[test]
    fn values_are_deduplicated_by_normalised_value_and_keep_their_originals() {
        let mut a = Contact::empty(src("a.vcf", SourceKind::Vcard, 1));
        a.phones = vec![Value {
            value: "+31612345678".into(),
            original: "06-12345678".into(),
            label: Some("cell".into()),
        }];
        let mut b = Contact::empty(src("b.csv", SourceKind::CsvGoogle, 4));
        b.phones = vec![Value {
            value: "+31612345678".into(),
            original: "+31 6 1234 5678".into(),
            label: Some("Mobile".into()),
        }];
        let m = merge(&person(vec![b, a]));
        assert_eq!(m.phones, ["+31612345678"]);
        let p = m.provenance_of(Field::Phones).next().expect("phone entry");
        let originals: Vec<&str> = p.from.iter().map(|g| g.original.as_str()).collect();
        assert_eq!(originals, ["06-12345678", "+31 6 1234 5678"]);
        assert_eq!(m.best_label(p), Some("cell"), "the vCard is trusted more");
        assert_eq!(m.labels(p), ["cell", "Mobile"]);
    }

    #[test]
    fn birthday_conflicts() {
        // (birthdays in source order, all vCards; expected shown value, conflict?)
        const CASES: &[(&[&str], Option<&str>, bool)] = &[
            (&[], None, false),
            (&["1980-05-01"], Some("1980-05-01"), false),
            (&["1980-05-01", "1980-05-01"], Some("1980-05-01"), false),
            (&["--05-01", "1980-05-01"], Some("--05-01"), false),
            (&["1980-05-01", "--05-02"], Some("1980-05-01"), true),
            (&["1980-05-01", "1981-05-01"], Some("1980-05-01"), true),
            (&["--05-01", "--06-01"], Some("--05-01"), true),
        ];
        for (days, want, conflict) in CASES {
            let records = days
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let mut c = Contact::empty(src("a.vcf", SourceKind::Vcard, i as u32 + 1));
                    c.birthday = Some(val(d));
                    c
                })
                .collect();
            let m = merge(&person(records));
            assert_eq!(m.birthday.as_deref(), *want, "case {days:?}");
            assert_eq!(
                m.conflicts.iter().any(|c| c.field == Field::Birthday),
                *conflict,
                "case {days:?}"
            );
        }
    }

    #[test]
    fn orgs_departments_and_addresses() {
        let mut a = Contact::empty(src("a.vcf", SourceKind::Vcard, 1));
        a.orgs = vec![Org {
            name: "Stichting Voorbeeld".into(),
            key: "voorbeeld".into(),
            legal_form: Some("Stichting".into()),
            department: Some("ICT".into()),
            original: "Stichting Voorbeeld;ICT".into(),
        }];
        a.addresses = vec![Address {
            label: Some("work".into()),
            street: Some("Oudegracht 1".into()),
            postcode: Some("3511 AB".into()),
            city: Some("Utrecht".into()),
            region: Some("Utrecht".into()),
            country: Some("NL".into()),
            po_box: None,
            original: "Oudegracht 1, 3511 AB Utrecht".into(),
        }];
        let mut b = Contact::empty(src("b.csv", SourceKind::CsvOutlook, 2));
        b.addresses = vec![Address {
            original: "Postbus 12\n3500 AA Utrecht".into(),
            ..Address::default()
        }];
        b.orgs = vec![Org {
            name: "Stichting Voorbeeld".into(),
            original: "Stichting Voorbeeld".into(),
            ..Org::default()
        }];
        let m = merge(&person(vec![a, b]));
        assert_eq!(m.orgs, ["Stichting Voorbeeld"]);
        assert_eq!(
            m.departments,
            [Department {
                org: "Stichting Voorbeeld".into(),
                name: "ICT".into()
            }]
        );
        assert_eq!(m.addresses.len(), 2);
        assert_eq!(m.addresses[0].postcode.as_deref(), Some("3511 AB"));
        assert_eq!(
            m.addresses[1].street.as_deref(),
            Some("Postbus 12\n3500 AA Utrecht"),
            "an address with only a formatted string is shown as its street"
        );
        let first = m.provenance_of(Field::Addresses).next().expect("address");
        match &first.value {
            Item::Address(parts) => assert_eq!(parts.region.as_deref(), Some("Utrecht")),
            other => panic!("address provenance is structured, got {other:?}"),
        }
    }

    #[test]
    fn name_parts_are_taken_from_one_record_and_full_is_built_when_missing() {
        let mut c = Contact::empty(src("a.csv", SourceKind::CsvGoogle, 1));
        c.name = Name {
            given: Some("Jan".into()),
            family: Some("van der Berg".into()),
            prefix: Some("dr.".into()),
            ..Name::default()
        };
        let m = merge(&person(vec![c]));
        assert_eq!(
            m.name,
            MergedName {
                full: Some("Jan van der Berg".into()),
                given: Some("Jan".into()),
                family: Some("van der Berg".into()),
                prefix: Some("dr.".into()),
                suffix: None,
            }
        );
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn source_kinds_serialise_as_their_contract_strings() {
        let m = merge(&person(vec![named(
            src("x/Connections.csv", SourceKind::CsvLinkedin, 17),
            "A",
        )]));
        let json = serde_json::to_value(&m.sources).expect("serialisable");
        assert_eq!(
            json,
            serde_json::json!([{"path":"x/Connections.csv","kind":"csv:linkedin","record":17,"line":18}])
        );
    }

    #[test]
    fn json_round_trips() {
        let mut a = named(src("a.vcf", SourceKind::Vcard, 1), "Jan");
        a.orgs = vec![Org {
            name: "Org".into(),
            department: Some("Dep".into()),
            original: "Org".into(),
            ..Org::default()
        }];
        a.addresses = vec![Address {
            city: Some("Delft".into()),
            original: "Delft".into(),
            ..Address::default()
        }];
        let m = merge(&person(vec![a]));
        let text = serde_json::to_string(&m).expect("serialisable");
        let back: Merged = serde_json::from_str(&text).expect("deserialisable");
        assert_eq!(back, m);
    }
}
