//! The data every stage passes on.
//!
//! In: nothing (plain types). Out: [`RawContact`] — what a source said, verbatim and located —
//! and [`Contact`] — the same record normalised. They are different types on purpose, so that
//! the dedup stage can only ever see normalised data. Neither type knows about SQLite.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of source a record came from. Its string form (`kind()`) is part of the JSON Lines
/// export contract and of the index, so variants are only ever added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SourceKind {
    Vcard,
    CsvGoogle,
    CsvGoogleLegacy,
    CsvOutlook,
    CsvThunderbird,
    CsvLinkedin,
    CsvLinkedinInvitations,
    CsvGeneric,
    JsonFacebook,
    Scan,
    Ics,
}

impl SourceKind {
    pub const ALL: [SourceKind; 11] = [
        SourceKind::Vcard,
        SourceKind::CsvGoogle,
        SourceKind::CsvGoogleLegacy,
        SourceKind::CsvOutlook,
        SourceKind::CsvThunderbird,
        SourceKind::CsvLinkedin,
        SourceKind::CsvLinkedinInvitations,
        SourceKind::CsvGeneric,
        SourceKind::JsonFacebook,
        SourceKind::Scan,
        SourceKind::Ics,
    ];

    /// The stable name used in exports, the index and the summary.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Vcard => "vcard",
            SourceKind::CsvGoogle => "csv:google",
            SourceKind::CsvGoogleLegacy => "csv:google-legacy",
            SourceKind::CsvOutlook => "csv:outlook",
            SourceKind::CsvThunderbird => "csv:thunderbird",
            SourceKind::CsvLinkedin => "csv:linkedin",
            SourceKind::CsvLinkedinInvitations => "csv:linkedin-invitations",
            SourceKind::CsvGeneric => "csv:generic",
            SourceKind::JsonFacebook => "json:facebook",
            SourceKind::Scan => "scan",
            SourceKind::Ics => "ics",
        }
    }

    pub fn parse(s: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// How much a display value from this kind of source is trusted (higher wins).
    /// A phone or mail-client address book is curated by the user; LinkedIn and Facebook
    /// give what the other person typed; a scan is OCR.
    pub fn trust(self) -> u8 {
        match self {
            SourceKind::Vcard => 90,
            SourceKind::CsvGoogle | SourceKind::CsvGoogleLegacy => 85,
            SourceKind::CsvOutlook | SourceKind::CsvThunderbird => 80,
            SourceKind::CsvGeneric => 70,
            SourceKind::CsvLinkedin => 60,
            SourceKind::Scan => 50,
            SourceKind::JsonFacebook => 40,
            SourceKind::CsvLinkedinInvitations => 30,
            SourceKind::Ics => 20,
        }
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a record came from: the contract's `sources[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Source {
    /// The path as the user gave it joined with the file's path beneath it.
    pub path: String,
    pub kind: SourceKind,
    /// 1-based ordinal of the record inside its file.
    pub record: u32,
    /// 1-based line where the record starts; `None` where lines mean nothing.
    pub line: Option<u32>,
}

impl Source {
    /// `path:line` (or `path (record N)` where there are no lines), for messages.
    pub fn locate(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.path),
            None => format!("{} (record {})", self.path, self.record),
        }
    }
}

/// A value with the label its source gave it (`work`, `Mobile`, `_$!<HomePage>!$_` → `homepage`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Labeled {
    pub value: String,
    pub label: Option<String>,
}

impl Labeled {
    pub fn new(value: impl Into<String>) -> Self {
        Labeled {
            value: value.into(),
            label: None,
        }
    }

    pub fn with_label(value: impl Into<String>, label: Option<String>) -> Self {
        Labeled {
            value: value.into(),
            label,
        }
    }
}

/// A name exactly as the source split it (or did not).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawName {
    /// FN, `Display Name`, `Name`, a Facebook name: the whole name as one string.
    pub full: Option<String>,
    pub given: Option<String>,
    pub middle: Option<String>,
    pub family: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
}

/// An organisation and, where given, the department.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawOrg {
    pub name: String,
    pub department: Option<String>,
}

/// A postal address as the source gave it; any part may be missing. `formatted` holds a
/// one-string address (Google's `Address 1 - Formatted`, a vCard LABEL) when that is all there is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawAddress {
    pub label: Option<String>,
    pub po_box: Option<String>,
    pub extended: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postcode: Option<String>,
    pub country: Option<String>,
    pub formatted: Option<String>,
}

/// A photo kept as the source gave it: stored, never decoded into the person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    /// `image/jpeg`, … where known.
    pub media_type: Option<String>,
    /// The decoded bytes when the source embedded the image.
    pub data: Vec<u8>,
    /// A URI when the source only pointed at the image.
    pub uri: Option<String>,
}

/// What a source said about one person, verbatim, with its location. Readers fill it; nothing
/// here is normalised (only trimmed, and decoded to Unicode text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawContact {
    pub source: Source,
    /// The record exactly as it stood in the file (decoded to text): the vCard from BEGIN to END,
    /// the CSV row(s), the JSON object. Kept verbatim in the index so that nothing is lost.
    pub raw: String,
    pub name: RawName,
    pub nicknames: Vec<String>,
    pub emails: Vec<Labeled>,
    pub phones: Vec<Labeled>,
    pub orgs: Vec<RawOrg>,
    pub titles: Vec<String>,
    pub urls: Vec<Labeled>,
    /// Social profiles and messaging handles (X-SOCIALPROFILE, IMPP, `Screen Name`, …).
    pub socials: Vec<Labeled>,
    pub addresses: Vec<RawAddress>,
    pub birthday: Option<String>,
    pub notes: Vec<String>,
    pub photos: Vec<Photo>,
    /// A date the source gives for the relationship (LinkedIn `Connected On`, a Facebook
    /// friendship timestamp), as written; becomes an encounter.
    pub connected_on: Option<String>,
    /// Properties or columns the reader did not map, `(name, value)`, in source order.
    /// They are in `raw` too; this copy lets exports and tests see them.
    pub extra: Vec<(String, String)>,
}

impl RawContact {
    pub fn new(source: Source, raw: impl Into<String>) -> Self {
        RawContact {
            source,
            raw: raw.into(),
            name: RawName::default(),
            nicknames: Vec::new(),
            emails: Vec::new(),
            phones: Vec::new(),
            orgs: Vec::new(),
            titles: Vec::new(),
            urls: Vec::new(),
            socials: Vec::new(),
            addresses: Vec::new(),
            birthday: None,
            notes: Vec::new(),
            photos: Vec::new(),
            connected_on: None,
            extra: Vec::new(),
        }
    }

    /// True when the record carries nothing that could identify or reach a person.
    pub fn is_empty(&self) -> bool {
        let n = &self.name;
        [&n.full, &n.given, &n.middle, &n.family]
            .iter()
            .all(|v| v.as_deref().is_none_or(|s| s.trim().is_empty()))
            && self.emails.is_empty()
            && self.phones.is_empty()
            && self.orgs.is_empty()
            && self.urls.is_empty()
            && self.socials.is_empty()
            && self.nicknames.is_empty()
    }
}

/// A normalised value beside the original the source gave.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Value {
    /// The normalised form (E.164 phone, lower-case e-mail, NFC text, canonical URL).
    pub value: String,
    /// The value exactly as the source wrote it.
    pub original: String,
    pub label: Option<String>,
}

/// A normalised personal name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Name {
    pub full: Option<String>,
    pub given: Option<String>,
    /// The family name with its particles: `van der Berg`.
    pub family: Option<String>,
    /// Titles before the name: `Dr.`, `ir.`, `drs.`.
    pub prefix: Option<String>,
    /// After the name: `MSc`, `Jr.`, `PhD`.
    pub suffix: Option<String>,
    /// Initials when that is all the source gave for the given name (`J.P.`).
    pub initials: Option<String>,
    /// The name as the source wrote it (FN, or the parts joined).
    pub original: Option<String>,
}

/// A normalised organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Org {
    /// The name as it should be shown (NFC, trimmed, legal form kept).
    pub name: String,
    /// The name without legal form, lower-case, for matching: `stichting voorbeeld` → `voorbeeld`.
    pub key: String,
    /// `B.V.`, `Stichting`, `GmbH`, … where recognised.
    pub legal_form: Option<String>,
    pub department: Option<String>,
    pub original: String,
}

/// A normalised postal address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub label: Option<String>,
    pub street: Option<String>,
    /// Dutch postcodes as `1234 AB`.
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2 where recognised, else as given.
    pub country: Option<String>,
    pub po_box: Option<String>,
    /// The address as the source wrote it, parts joined with `, ` (or the formatted string).
    pub original: String,
}

/// One record after normalisation. Carries its [`Source`] so every value stays traceable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub source: Source,
    pub name: Name,
    pub nicknames: Vec<Value>,
    pub emails: Vec<Value>,
    pub phones: Vec<Value>,
    pub orgs: Vec<Org>,
    pub titles: Vec<Value>,
    pub urls: Vec<Value>,
    pub socials: Vec<Value>,
    pub addresses: Vec<Address>,
    /// ISO date `YYYY-MM-DD`, or `--MM-DD` when the year is unknown.
    pub birthday: Option<Value>,
    pub notes: Vec<Value>,
    /// ISO date of the source's own relationship date (LinkedIn `Connected On`, …).
    pub connected_on: Option<Value>,
}

impl Contact {
    pub fn empty(source: Source) -> Self {
        Contact {
            source,
            name: Name::default(),
            nicknames: Vec::new(),
            emails: Vec::new(),
            phones: Vec::new(),
            orgs: Vec::new(),
            titles: Vec::new(),
            urls: Vec::new(),
            socials: Vec::new(),
            addresses: Vec::new(),
            birthday: None,
            notes: Vec::new(),
            connected_on: None,
        }
    }
}

/// Where and when the user met a person, and which source told us so.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Encounter {
    pub event: Option<String>,
    /// ISO date `YYYY-MM-DD`.
    pub date: Option<String>,
    pub place: Option<String>,
    /// `card`, `linkedin`, `facebook`, `meeting`, `in-person`, …
    pub how: String,
    /// The path of the file that told us (a sidecar, the export, the calendar).
    pub source: String,
}

/// A person as the index holds it: a stable id and the normalised records that are this
/// person, sorted by source (path, record). The merged view is computed from these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// `p-` followed by 12 lower-case hex digits; stable across runs.
    pub id: String,
    pub records: Vec<Contact>,
    pub encounters: Vec<Encounter>,
}
