//! Prepared records: the comparable features of each contact, interned once.
//!
//! In: normalised [`Contact`]s. Out: a [`Prepared`] set in which every record is a short list
//! of [`Item`]s — a [`Kind`] (given name, family name without particles, e-mail, phone,
//! postcode, …) and a symbol that stands for the folded value — plus its birthday and a
//! canonical rank. Each kind has its own [`Table`] of distinct values with the number of
//! records that carry each value (the term frequencies the model needs) and the values'
//! lexicographic order (for sorted neighbourhoods).
//!
//! Why intern: a million records hold a few million distinct values; comparing symbols is
//! cheaper than comparing strings, the counts come for free, and the working set stays far
//! below the size of the contacts themselves, so callers can stream contacts through
//! [`Builder::add`] and drop them.
//!
//! What is derived from a contact (all text folded to ASCII lower case with
//! [`crate::normalize::text::fold`]):
//! - names: the given name, its first word, the initials when that is all there is; the family
//!   name with particles (`vanderberg`) and without them (`berg`), so that `van der Berg` and
//!   `Berg, J. van der` and `Berg` compare well; Double Metaphone codes of the first given name
//!   and of the family name without particles; the contact's nicknames.
//! - e-mail: the address, its local part, and its domain unless the domain is a public mail
//!   provider (a shared company domain is weak evidence; a shared `gmail.com` is none). Generic
//!   addresses (`info@`, `secretariaat@`, …) are left out altogether: a shared one is no
//!   evidence at all.
//! - phones (E.164 where the normaliser could place them, digits otherwise), LinkedIn profile
//!   slugs (as [`super::identity::keys`] finds them), organisation keys ([`crate::model::Org`]
//!   `key`), postcodes without spaces, cities, the street split into street words, house number
//!   and the part after the first comma (a second address line).
//! - the birthday as eight digits `YYYYMMDD`, or month and day only.
//!
//! The canonical rank is a hash of the record's source and content. Whatever needs an order
//! that must not depend on input positions (tie-breaks, random samples) uses it, which is why
//! shuffling the input does not change the result.
//!
//! What this does not do: compare anything (that is [`super::compare`]), or keep the contacts.

use super::compare::Text;
use super::identity::{keys, Key};
use crate::model::Contact;
use crate::normalize::name::is_particle;
use crate::normalize::text::fold;
use rayon::prelude::*;
use rphonetic::DoubleMetaphone;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A value's number in its kind's [`Table`].
pub type Sym = u32;

/// What a feature is. Items of a record are sorted by kind, so the order here is also the
/// order in which they are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Kind {
    /// The whole given name (`jan willem`); absent when the source gave only initials.
    Given,
    /// The first word of the given name (`jan`).
    Given1,
    /// The family name with particles, without spaces (`vanderberg`).
    Family,
    /// The family name without particles (`berg`; `jansen vries` for `Jansen-de Vries`).
    Core,
    /// Double Metaphone of the first given name.
    GivenPhon,
    /// Double Metaphone of the family name without particles.
    CorePhon,
    /// A nickname the source gave (first word).
    Nick,
    Email,
    /// The local part of an e-mail address (`jan.jansen`).
    Local,
    /// The domain of a non-public e-mail address.
    Domain,
    /// The name part of such a domain (`vitaalwerk` of `r.bakker@vitaalwerk.nl`): compared with
    /// the other record's organisation.
    Label,
    Phone,
    Linkedin,
    Org,
    Postcode,
    City,
    /// Street words without the house number (`wallaby place`, `oudegracht`).
    Street,
    Number,
    /// What follows the first comma of a street line (FEBRL's `address_2`, `3e etage`).
    Extension,
}

/// Number of [`Kind`]s.
pub const KINDS: usize = 19;

impl Kind {
    pub const ALL: [Kind; KINDS] = [
        Kind::Given,
        Kind::Given1,
        Kind::Family,
        Kind::Core,
        Kind::GivenPhon,
        Kind::CorePhon,
        Kind::Nick,
        Kind::Email,
        Kind::Local,
        Kind::Domain,
        Kind::Label,
        Kind::Phone,
        Kind::Linkedin,
        Kind::Org,
        Kind::Postcode,
        Kind::City,
        Kind::Street,
        Kind::Number,
        Kind::Extension,
    ];
}

/// One feature of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub kind: Kind,
    pub sym: Sym,
}

/// The distinct values of one kind.
///
/// While records are added, values live in `strings` with a lookup `index`; [`Builder::finish`]
/// moves them into one `arena` (with each value's letter set beside its span, so comparing
/// touches one place in memory) and drops the index, which nothing needs afterwards.
#[derive(Debug, Default)]
pub struct Table {
    index: HashMap<Box<str>, Sym, BuildHasherDefault<Fx>>,
    strings: Vec<Box<str>>,
    arena: String,
    spans: Vec<Span>,
    /// Records that carry the value (each record counted once).
    counts: Vec<u32>,
    /// Records that carry any value of this kind.
    records: u64,
    /// Lexicographic rank of each symbol; filled by [`Builder::finish`].
    order: Vec<u32>,
}

/// Where a value lies in its table's arena, and what [`super::compare::similar`] needs to know
/// about it.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: u32,
    end: u32,
    set: u64,
    ij: bool,
}

impl Table {
    fn intern(&mut self, s: &str) -> Sym {
        if let Some(&sym) = self.index.get(s) {
            self.counts[sym as usize] += 1;
            return sym;
        }
        let sym = self.strings.len() as Sym;
        self.strings.push(s.into());
        self.index.insert(s.into(), sym);
        self.counts.push(1);
        sym
    }

    pub fn get(&self, sym: Sym) -> &str {
        match self.spans.get(sym as usize) {
            Some(span) => self
                .arena
                .get(span.start as usize..span.end as usize)
                .unwrap_or(""),
            None => self.strings.get(sym as usize).map(|s| &**s).unwrap_or(""),
        }
    }

    /// Records that carry this value.
    pub fn count(&self, sym: Sym) -> u32 {
        self.counts.get(sym as usize).copied().unwrap_or(0)
    }

    /// Records that carry any value of this kind.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// The value as a [`Text`] with its letter set, for comparing.
    pub fn word(&self, sym: Sym) -> Text<'_> {
        match self.spans.get(sym as usize) {
            Some(span) => Text {
                s: self
                    .arena
                    .get(span.start as usize..span.end as usize)
                    .unwrap_or(""),
                set: span.set,
                ij: span.ij,
            },
            None => Text::new(self.get(sym)),
        }
    }

    /// The symbol's rank in lexicographic order of the values.
    pub fn order(&self, sym: Sym) -> u32 {
        self.order.get(sym as usize).copied().unwrap_or(u32::MAX)
    }

    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

/// A birthday as eight ASCII digits `YYYYMMDD`; with only month and day known the year digits
/// are `0000`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Birthday {
    pub digits: [u8; 8],
    pub known: Known,
}

/// How much of a birthday is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Known {
    #[default]
    None,
    /// Year, month and day.
    Full,
    /// Month and day (`--MM-DD`).
    MonthDay,
}

impl Birthday {
    /// From a normalised birthday value: `YYYY-MM-DD`, `--MM-DD`, or the cleaned text the
    /// normaliser kept for an impossible date (`19561409`: its digits still compare).
    pub fn parse(value: &str) -> Birthday {
        let digits: Vec<u8> = value.bytes().filter(u8::is_ascii_digit).collect();
        let mut out = Birthday::default();
        if value.starts_with("--") && digits.len() == 4 {
            out.digits[..4].copy_from_slice(b"0000");
            out.digits[4..].copy_from_slice(&digits);
            out.known = Known::MonthDay;
        } else if digits.len() == 8 {
            out.digits.copy_from_slice(&digits);
            out.known = Known::Full;
        }
        out
    }
}

/// At most this many items are kept per record (the rest are dropped): a record with hundreds
/// of e-mail addresses is a mailing list, not a person, and offsets fit in a byte.
const MAX_ITEMS: usize = 255;

/// One prepared record: its items of kind `k` are
/// `items[start + offsets[k]..start + offsets[k + 1]]` of the [`Prepared`] set.
#[derive(Debug, Clone, Copy)]
pub struct Rec {
    start: u32,
    offsets: [u8; KINDS + 1],
    pub birthday: Birthday,
    /// First letter of the given name or of the initials (`b'j'`), 0 when none.
    pub initial: u8,
    /// The source gave only initials for the given name.
    pub initials_only: bool,
    /// Hash of source and content: an order that does not depend on input positions.
    pub rank: u64,
}

/// Prepared records, in input order.
#[derive(Debug, Default)]
pub struct Prepared {
    recs: Vec<Rec>,
    items: Vec<Item>,
    tables: Vec<Table>,
}

impl Prepared {
    /// Prepare `contacts` (in parallel, in chunks).
    pub fn new(contacts: &[&Contact]) -> Prepared {
        let mut b = Builder::new();
        b.add(contacts);
        b.finish()
    }

    pub fn len(&self) -> usize {
        self.recs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    pub fn rec(&self, r: u32) -> &Rec {
        &self.recs[r as usize]
    }

    pub fn recs(&self) -> &[Rec] {
        &self.recs
    }

    pub fn table(&self, kind: Kind) -> &Table {
        &self.tables[kind as usize]
    }

    /// All items of record `r`, sorted by kind.
    pub fn items(&self, r: u32) -> &[Item] {
        let rec = &self.recs[r as usize];
        let start = rec.start as usize;
        &self.items[start..start + usize::from(rec.offsets[KINDS])]
    }

    /// The items of one kind of record `r`.
    #[inline]
    pub fn of(&self, r: u32, kind: Kind) -> &[Item] {
        let rec = &self.recs[r as usize];
        let start = rec.start as usize;
        let k = kind as usize;
        &self.items[start + usize::from(rec.offsets[k])..start + usize::from(rec.offsets[k + 1])]
    }

    /// Reads record `r`'s entry and its first and last items and returns something made of both, so
    /// that a caller can bring a batch of records into cache ahead of comparing them (the
    /// value itself means nothing).
    pub fn warm(&self, r: u32) -> u32 {
        let rec = &self.recs[r as usize];
        let start = rec.start as usize;
        let end = start + usize::from(rec.offsets[KINDS]);
        // A record's items span two or three cache lines: its first and its last.
        let sym = |i: usize| self.items.get(i).map_or(0, |x| x.sym);
        sym(start) ^ sym(end.saturating_sub(1))
    }

    /// The first value of one kind of record `r`.
    pub fn first(&self, r: u32, kind: Kind) -> Option<Sym> {
        self.of(r, kind).first().map(|i| i.sym)
    }

    /// Value `sym` of `kind` as a [`Text`] for comparing.
    pub fn word(&self, kind: Kind, sym: Sym) -> Text<'_> {
        self.table(kind).word(sym)
    }

    /// The first value of one kind of record `r`, as text.
    pub fn text(&self, r: u32, kind: Kind) -> Option<&str> {
        self.first(r, kind).map(|s| self.table(kind).get(s))
    }
}

/// Builds a [`Prepared`] set from contacts given in one or more batches (so a caller can
/// normalise, add and drop contacts chunk by chunk).
#[derive(Debug)]
pub struct Builder {
    p: Prepared,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

/// Contacts prepared in parallel per chunk; the chunk size bounds the owned strings alive at
/// once.
const CHUNK: usize = 16 * 1024;

impl Builder {
    pub fn new() -> Builder {
        Builder {
            p: Prepared {
                recs: Vec::new(),
                items: Vec::new(),
                tables: Kind::ALL.iter().map(|_| Table::default()).collect(),
            },
        }
    }

    /// Add contacts; they get the next input positions.
    pub fn add(&mut self, contacts: &[&Contact]) {
        for chunk in contacts.chunks(CHUNK) {
            let features: Vec<Features> = chunk.par_iter().map(|c| features(c)).collect();
            self.intern(features);
        }
    }

    /// Intern a chunk: each kind's table on its own task (tables are independent), then the
    /// items are put back together per record.
    fn intern(&mut self, features: Vec<Features>) {
        let syms: Vec<Vec<(u32, Sym)>> = self
            .p
            .tables
            .par_iter_mut()
            .enumerate()
            .map(|(k, table)| {
                let mut out = Vec::new();
                for (r, f) in features.iter().enumerate() {
                    let mut any = false;
                    for (kind, s) in &f.items {
                        if *kind as usize == k {
                            out.push((r as u32, table.intern(s)));
                            any = true;
                        }
                    }
                    table.records += u64::from(any);
                }
                out
            })
            .collect();
        let mut cursor = [0usize; KINDS];
        for (r, f) in features.iter().enumerate() {
            let start = self.p.items.len();
            let mut offsets = [0u8; KINDS + 1];
            for (k, list) in syms.iter().enumerate() {
                while let Some(&(rr, sym)) = list.get(cursor[k]) {
                    if rr != r as u32 {
                        break;
                    }
                    if self.p.items.len() - start < MAX_ITEMS {
                        self.p.items.push(Item {
                            kind: Kind::ALL[k],
                            sym,
                        });
                    }
                    cursor[k] += 1;
                }
                offsets[k + 1] = (self.p.items.len() - start) as u8;
            }
            self.p.recs.push(Rec {
                start: start as u32,
                offsets,
                birthday: f.birthday,
                initial: f.initial,
                initials_only: f.initials_only,
                rank: f.rank,
            });
        }
    }

    /// Finish: compute each table's lexicographic order and pack its values.
    pub fn finish(mut self) -> Prepared {
        self.p.tables.par_iter_mut().for_each(|t| {
            let mut by_text: Vec<Sym> = (0..t.strings.len() as Sym).collect();
            by_text.sort_unstable_by(|&a, &b| t.strings[a as usize].cmp(&t.strings[b as usize]));
            t.order = vec![0; by_text.len()];
            for (rank, sym) in by_text.into_iter().enumerate() {
                t.order[sym as usize] = rank as u32;
            }
            let bytes: usize = t.strings.iter().map(|s| s.len()).sum();
            t.arena = String::with_capacity(bytes);
            t.spans = Vec::with_capacity(t.strings.len());
            for s in &t.strings {
                let start = t.arena.len() as u32;
                t.arena.push_str(s);
                let w = Text::new(s);
                t.spans.push(Span {
                    start,
                    end: t.arena.len() as u32,
                    set: w.set,
                    ij: w.ij,
                });
            }
            t.strings = Vec::new();
            t.index = HashMap::default();
        });
        self.p.items.shrink_to_fit();
        self.p.recs.shrink_to_fit();
        self.p
    }
}

/// What one contact gives, before interning.
#[derive(Debug, Default)]
struct Features {
    /// Sorted by kind, then value; no duplicates.
    items: Vec<(Kind, String)>,
    birthday: Birthday,
    initial: u8,
    initials_only: bool,
    rank: u64,
}

/// Local parts that name a role, not a person (checked without digits: `info2`).
const GENERIC_LOCAL: &[&str] = &[
    "info",
    "informatie",
    "secretariaat",
    "secretariat",
    "secretary",
    "contact",
    "office",
    "kantoor",
    "admin",
    "administratie",
    "administration",
    "receptie",
    "reception",
    "sales",
    "verkoop",
    "inkoop",
    "support",
    "helpdesk",
    "service",
    "klantenservice",
    "hello",
    "hallo",
    "mail",
    "post",
    "postbus",
    "team",
    "hr",
    "personeelszaken",
    "pz",
    "finance",
    "financien",
    "facturen",
    "factuur",
    "billing",
    "invoice",
    "invoices",
    "noreply",
    "no-reply",
    "donotreply",
    "do-not-reply",
    "webmaster",
    "postmaster",
    "enquiries",
    "inquiries",
    "marketing",
    "communicatie",
    "communications",
    "pr",
    "press",
    "pers",
    "vacatures",
    "jobs",
    "careers",
    "recruitment",
    "werving",
    "planning",
    "algemeen",
    "bestuur",
    "board",
    "redactie",
    "orders",
    "bestellingen",
    "boekhouding",
    "accounts",
    "welkom",
    "welcome",
    "aanmelden",
    "zorg",
    "praktijk",
    "balie",
];

/// Mail providers whose domain says nothing about who uses it.
const PUBLIC_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "hotmail.com",
    "hotmail.nl",
    "hotmail.co.uk",
    "outlook.com",
    "outlook.nl",
    "live.com",
    "live.nl",
    "msn.com",
    "yahoo.com",
    "yahoo.nl",
    "yahoo.co.uk",
    "icloud.com",
    "me.com",
    "mac.com",
    "ziggo.nl",
    "kpnmail.nl",
    "kpnplanet.nl",
    "planet.nl",
    "home.nl",
    "xs4all.nl",
    "hetnet.nl",
    "chello.nl",
    "casema.nl",
    "tele2.nl",
    "upcmail.nl",
    "quicknet.nl",
    "zeelandnet.nl",
    "online.nl",
    "versatel.nl",
    "telfort.nl",
    "zonnet.nl",
    "wanadoo.nl",
    "freeler.nl",
    "aol.com",
    "protonmail.com",
    "proton.me",
    "pm.me",
    "gmx.net",
    "gmx.de",
    "gmx.com",
    "web.de",
    "t-online.de",
    "btinternet.com",
    "mail.com",
    "skynet.be",
    "telenet.be",
    "orange.fr",
    "free.fr",
    "yandex.ru",
    "mail.ru",
    "qq.com",
    "163.com",
    "bigpond.com",
    "optusnet.com.au",
    "fastmail.com",
    "tutanota.com",
    "hey.com",
];

/// Whether an e-mail local part names a role (`info`, `info2`, `secretariaat.utrecht`).
pub fn is_generic_local(local: &str) -> bool {
    let first = local.split(['.', '-', '_', '+']).next().unwrap_or(local);
    let bare: String = first.chars().filter(|c| !c.is_ascii_digit()).collect();
    GENERIC_LOCAL.contains(&bare.as_str()) || GENERIC_LOCAL.contains(&local)
}

/// Whether a mail domain is a public provider.
pub fn is_public_domain(domain: &str) -> bool {
    PUBLIC_DOMAINS.contains(&domain)
}

/// The label of a mail domain that names the organisation: the one before the top-level
/// domain, or before a two-part suffix such as `co.uk` (`mail.voorbeeld.nl` → `voorbeeld`).
pub fn domain_label(domain: &str) -> &str {
    let labels: Vec<&str> = domain.split('.').filter(|l| !l.is_empty()).collect();
    let n = labels.len();
    let suffix = match labels.as_slice() {
        [.., second, _]
            if n >= 3 && matches!(*second, "co" | "com" | "org" | "ac" | "gov" | "net") =>
        {
            2
        }
        _ => 1,
    };
    labels
        .get(n.saturating_sub(suffix + 1))
        .copied()
        .unwrap_or(domain)
}

/// Double Metaphone (primary code, at most 4 letters) of a folded word; letters only.
fn phonetic(dm: &DoubleMetaphone, word: &str) -> Option<String> {
    let letters: String = word.chars().filter(char::is_ascii_alphabetic).collect();
    if letters.is_empty() {
        return None;
    }
    let code = dm.double_metaphone(&letters).primary();
    (!code.is_empty()).then_some(code)
}

/// The Fx hash (as in rustc): a multiply-rotate hash, several times faster than SipHash for the
/// short strings interned here. Only used for lookups, never iterated into output.
#[derive(Debug, Default, Clone, Copy)]
pub struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.write(&[i]);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// FNV-1a over bytes, then a splitmix finaliser: a fixed, platform-independent hash.
pub fn hash_bytes(mut h: u64, bytes: &[u8]) -> u64 {
    if h == 0 {
        h = 0xcbf2_9ce4_8422_2325;
    }
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The splitmix64 finaliser: spreads the bits of a hash.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn features(c: &Contact) -> Features {
    let dm = DoubleMetaphone::default();
    let mut f = Features::default();
    let push = |items: &mut Vec<(Kind, String)>, kind: Kind, s: String| {
        if !s.is_empty() {
            items.push((kind, s));
        }
    };

    // Names.
    let name = &c.name;
    if let Some(given) = name.given.as_deref() {
        let g = fold(given);
        if name.initials.is_some() {
            f.initials_only = true;
            f.initial = g.bytes().find(u8::is_ascii_alphabetic).unwrap_or(0);
        } else if !g.is_empty() {
            f.initial = g.bytes().find(u8::is_ascii_alphabetic).unwrap_or(0);
            let first = g.split(' ').next().unwrap_or("").to_string();
            if let Some(code) = phonetic(&dm, &first) {
                push(&mut f.items, Kind::GivenPhon, code);
            }
            push(&mut f.items, Kind::Given1, first);
            push(&mut f.items, Kind::Given, g);
        }
    }
    if let Some(family) = name.family.as_deref() {
        let all = fold(family);
        // Folding first splits double names (`Jansen-de Vries` → `jansen de vries`); `'t` and
        // `'s` fold to `t` and `s`.
        let core: Vec<&str> = all
            .split(' ')
            .filter(|w| !w.is_empty() && !is_particle(w) && *w != "t" && *w != "s")
            .collect();
        let core = if core.is_empty() {
            all.clone()
        } else {
            core.join(" ")
        };
        if let Some(code) = phonetic(&dm, &core) {
            push(&mut f.items, Kind::CorePhon, code);
        }
        push(&mut f.items, Kind::Core, core);
        push(&mut f.items, Kind::Family, all.replace(' ', ""));
    }
    for nick in &c.nicknames {
        let n = fold(&nick.value);
        push(
            &mut f.items,
            Kind::Nick,
            n.split(' ').next().unwrap_or("").to_string(),
        );
    }

    // Identifiers.
    for e in &c.emails {
        let v = e.value.trim().to_lowercase();
        let Some((local, domain)) = v.rsplit_once('@') else {
            continue;
        };
        if local.is_empty() || domain.is_empty() || is_generic_local(local) {
            continue;
        }
        if local.len() >= 3 {
            push(&mut f.items, Kind::Local, local.to_string());
        }
        if !is_public_domain(domain) {
            push(&mut f.items, Kind::Domain, domain.to_string());
            push(&mut f.items, Kind::Label, domain_label(domain).to_string());
        }
        push(&mut f.items, Kind::Email, v.clone());
    }
    for p in &c.phones {
        let v = p.value.trim();
        let digits: String = v.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 7 {
            let key = if v.starts_with('+') {
                format!("+{digits}")
            } else {
                digits
            };
            push(&mut f.items, Kind::Phone, key);
        }
    }
    for k in keys(c) {
        if let Key::Linkedin(slug) = k {
            push(&mut f.items, Kind::Linkedin, slug);
        }
    }
    for o in &c.orgs {
        push(&mut f.items, Kind::Org, o.key.clone());
    }

    // Addresses.
    for a in &c.addresses {
        if let Some(pc) = a.postcode.as_deref() {
            push(&mut f.items, Kind::Postcode, fold(pc).replace(' ', ""));
        }
        if let Some(city) = a.city.as_deref() {
            push(&mut f.items, Kind::City, fold(city));
        }
        if let Some(street) = a.street.as_deref() {
            let (main, ext) = street.split_once(',').unwrap_or((street, ""));
            let main = fold(main);
            let mut words = Vec::new();
            let mut number = None;
            for w in main.split(' ') {
                if w.bytes().any(|b| b.is_ascii_digit()) {
                    number.get_or_insert(w);
                } else if !w.is_empty() {
                    words.push(w);
                }
            }
            push(&mut f.items, Kind::Street, words.join(" "));
            if let Some(n) = number {
                push(&mut f.items, Kind::Number, n.to_string());
            }
            push(&mut f.items, Kind::Extension, fold(ext));
        }
    }
    if let Some(b) = &c.birthday {
        f.birthday = Birthday::parse(&b.value);
    }

    f.items.sort_unstable();
    f.items.dedup();

    // Rank: the source first (unique per record in any real input), then the content, so that
    // records with the same source (hand-built tests) still differ by what they say.
    let s = &c.source;
    let mut h = hash_bytes(0, s.path.as_bytes());
    h = hash_bytes(h, &s.record.to_le_bytes());
    h = hash_bytes(h, &s.line.unwrap_or(0).to_le_bytes());
    h = hash_bytes(h, s.kind.as_str().as_bytes());
    for (kind, v) in &f.items {
        h = hash_bytes(h, &[*kind as u8]);
        h = hash_bytes(h, v.as_bytes());
    }
    h = hash_bytes(h, &f.birthday.digits);
    f.rank = mix(h);
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Name, Org, Source, SourceKind, Value};

    fn contact() -> Contact {
        Contact::empty(Source {
            path: "t.vcf".into(),
            kind: SourceKind::Vcard,
            record: 1,
            line: None,
        })
    }

    fn value(v: &str) -> Value {
        Value {
            value: v.into(),
            original: v.into(),
            label: None,
        }
    }

    fn show(p: &Prepared, r: u32) -> String {
        p.items(r)
            .iter()
            .map(|i| format!("{:?}={}", i.kind, p.table(i.kind).get(i.sym)))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn names_split_into_comparable_parts() {
        // (given, initials?, family, items)
        const CASES: &[(&str, bool, &str, &str)] = &[
            (
                "Jan",
                false,
                "van der Berg",
                "Given=jan Given1=jan Family=vanderberg Core=berg GivenPhon=JN CorePhon=PRK",
            ),
            (
                "Jan Willem",
                false,
                "Jansen-de Vries",
                "Given=jan willem Given1=jan Family=jansendevries Core=jansen vries \
                 GivenPhon=JN CorePhon=JNSN",
            ),
            (
                "J.P.",
                true,
                "de Vries",
                "Family=devries Core=vries CorePhon=FRS",
            ),
            ("Zoë", false, "", "Given=zoe Given1=zoe GivenPhon=S"),
        ];
        for (given, initials, family, want) in CASES {
            let mut c = contact();
            c.name = Name {
                given: (!given.is_empty()).then(|| given.to_string()),
                family: (!family.is_empty()).then(|| family.to_string()),
                initials: initials.then(|| given.to_string()),
                ..Name::default()
            };
            let p = Prepared::new(&[&c]);
            assert_eq!(show(&p, 0), *want, "case {given:?} {family:?}");
        }
    }

    #[test]
    fn emails_generic_and_public() {
        const CASES: &[(&str, &str)] = &[
            (
                "jan.jansen@voorbeeld.nl",
                "Email=jan.jansen@voorbeeld.nl Local=jan.jansen Domain=voorbeeld.nl Label=voorbeeld",
            ),
            (
                "jan.jansen@gmail.com",
                "Email=jan.jansen@gmail.com Local=jan.jansen",
            ),
            ("info@voorbeeld.nl", ""),
            ("Secretariaat@voorbeeld.nl", ""),
            ("info2@voorbeeld.nl", ""),
            ("jo@x.nl", "Email=jo@x.nl Domain=x.nl Label=x"),
            (
                "a.b@mail.acme.co.uk",
                "Email=a.b@mail.acme.co.uk Local=a.b Domain=mail.acme.co.uk Label=acme",
            ),
            ("not-an-address", ""),
        ];
        for (email, want) in CASES {
            let mut c = contact();
            c.emails.push(value(email));
            let p = Prepared::new(&[&c]);
            assert_eq!(show(&p, 0), *want, "case {email:?}");
        }
    }

    #[test]
    fn birthdays() {
        const CASES: &[(&str, &str, Known)] = &[
            ("1980-05-01", "19800501", Known::Full),
            ("--05-01", "00000501", Known::MonthDay),
            ("19561409", "19561409", Known::Full),
            ("1980", "\0\0\0\0\0\0\0\0", Known::None),
        ];
        for (v, digits, known) in CASES {
            let b = Birthday::parse(v);
            assert_eq!(b.known, *known, "case {v:?}");
            if *known != Known::None {
                assert_eq!(&b.digits, digits.as_bytes(), "case {v:?}");
            }
        }
    }

    #[test]
    fn counts_and_order() {
        let mut cs = Vec::new();
        for (i, org) in ["beta", "alfa", "beta"].iter().enumerate() {
            let mut c = contact();
            c.source.record = i as u32 + 1;
            c.orgs.push(Org {
                name: org.to_string(),
                key: org.to_string(),
                ..Org::default()
            });
            cs.push(c);
        }
        let refs: Vec<&Contact> = cs.iter().collect();
        let p = Prepared::new(&refs);
        let t = p.table(Kind::Org);
        let beta = p.first(0, Kind::Org).expect("org");
        let alfa = p.first(1, Kind::Org).expect("org");
        assert_eq!((t.count(beta), t.count(alfa), t.records()), (2, 1, 3));
        assert!(t.order(alfa) < t.order(beta));
        // Ranks differ by source.
        assert_ne!(p.rec(0).rank, p.rec(2).rank);
    }
}
