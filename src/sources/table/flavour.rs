//! Which vendor wrote a CSV, and what each of its columns means.
//!
//! In: the header names. Out: the flavour ([`SourceKind`]) from the header's signature, and a
//! [`Role`] per column, looked up by NAME: vendors move columns, vary the number of
//! `E-mail N`/`Phone N`/`Address N` groups and localise headers, so positions mean nothing.
//!
//! Tables hold the headers of Google (current and legacy), Outlook (English desktop,
//! Outlook.com, Dutch), Thunderbird, LinkedIn Connections (every generation: the columns are the
//! same names, some missing) and LinkedIn Invitations; every other file goes to the generic
//! vocabulary in `field`. A column no table knows is `extra`. It does not read values.

use super::field::{self, Field};
use super::header::{fold, fold_lost_accents, HeaderName};
use super::plan::{AddrPart, GroupKey, InvPart, OrgPart, PairKind, PairPart, Role};
use crate::model::SourceKind;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The flavour of a file, from its header signature.
pub(super) fn detect(names: &[HeaderName]) -> SourceKind {
    let has = |key: &str| names.iter().any(|n| n.compact == key);
    let any = |keys: &[&str]| keys.iter().any(|k| has(k));
    if has("from") && has("to") && has("direction") {
        return SourceKind::CsvLinkedinInvitations;
    }
    if has("firstname") && has("lastname") && has("connectedon") {
        return SourceKind::CsvLinkedin;
    }
    if has("primaryemail") && any(&["displayname", "secondaryemail", "screenname"]) {
        return SourceKind::CsvThunderbird;
    }
    let google_group = |part: &str| {
        names
            .iter()
            .filter_map(|n| group(&n.spaced))
            .any(|(g, _, p)| p == part && matches!(g, "email" | "phone" | "address"))
    };
    if has("givenname")
        && has("familyname")
        && (any(&["additionalname", "groupmembership"]) || google_group("type"))
    {
        return SourceKind::CsvGoogleLegacy;
    }
    if has("firstname")
        && has("lastname")
        && (any(&["fileas", "phoneticfirstname", "organizationname"]) || google_group("label"))
    {
        return SourceKind::CsvGoogle;
    }
    let outlook_marks = names
        .iter()
        .filter(|n| OUTLOOK_MARKS.contains(&n.compact.as_str()))
        .count();
    if any(&["firstname", "voornaam"]) && outlook_marks >= 2 {
        return SourceKind::CsvOutlook;
    }
    SourceKind::CsvGeneric
}

/// Columns only Outlook writes (in English or Dutch); two of them and a first-name column make
/// an Outlook file. `E-mailadres` and `Mobiele telefoon` are missing on purpose: hand-made
/// Dutch lists use them too.
const OUTLOOK_MARKS: &[&str] = &[
    "middlename",
    "middelstenaam",
    "suffix",
    "achtervoegsel",
    "email2address",
    "emailadres2",
    "emailtype",
    "emaildisplayname",
    "weergavenaamvooremail",
    "businessstreet",
    "werkadresstraat",
    "homestreet",
    "huisadresstraat",
    "otherstreet",
    "anderadresstraat",
    "businessphone",
    "telefoonopwerk",
    "businessfax",
    "faxopwerk",
    "companymainphone",
    "hoofdtelefoonbedrijf",
    "assistantsphone",
    "telefoonassistent",
    "categories",
    "categorieen",
    "categorien",
    "sensitivity",
    "gevoeligheid",
    "givenyomi",
    "surnameyomi",
    "personalwebpage",
];

/// The role of one column in a file of this flavour; `None`: not mapped (kept as extra).
pub(super) fn role(kind: SourceKind, name: &HeaderName) -> Option<Role> {
    match kind {
        SourceKind::CsvGoogle | SourceKind::CsvGoogleLegacy => google(name),
        SourceKind::CsvOutlook => lookup(&OUTLOOK, name),
        SourceKind::CsvThunderbird => lookup(&THUNDERBIRD, name),
        SourceKind::CsvLinkedin => lookup(&LINKEDIN, name),
        SourceKind::CsvLinkedinInvitations => lookup(&INVITATIONS, name),
        _ => field::generic(name).map(|(f, label)| Role::from_field(f, label)),
    }
}

/// Whether any flavour or the generic vocabulary knows this header name (header search).
pub(super) fn known(name: &HeaderName) -> bool {
    field::generic(name).is_some()
        || [&*OUTLOOK, &*THUNDERBIRD, &*LINKEDIN, &*INVITATIONS]
            .iter()
            .any(|t| t.contains_key(&name.compact))
        || google(name).is_some()
}

fn lookup(table: &HashMap<String, Role>, name: &HeaderName) -> Option<Role> {
    table.get(&name.compact).copied()
}

/// Build a table keyed by the folded name and by the name with its accents lost.
fn table(entries: impl IntoIterator<Item = (String, Role)>) -> HashMap<String, Role> {
    let mut map = HashMap::new();
    for (name, role) in entries {
        map.entry(fold_lost_accents(&name)).or_insert(role);
        map.insert(fold(&name).replace(' ', ""), role);
    }
    map
}

fn named(entries: &[(&str, Role)]) -> Vec<(String, Role)> {
    entries.iter().map(|(n, r)| ((*n).to_owned(), *r)).collect()
}

fn f(field: Field) -> Role {
    Role::Field(field, None)
}

fn phone(label: &'static str) -> Role {
    Role::Field(Field::Phone, Some(label))
}

const ORG: Role = Role::Org(0, OrgPart::Name);
const DEPARTMENT: Role = Role::Org(0, OrgPart::Department);

fn addr(label: &'static str, part: AddrPart) -> Role {
    Role::Addr(
        GroupKey {
            n: 0,
            label: Some(label),
        },
        part,
    )
}

static OUTLOOK: LazyLock<HashMap<String, Role>> = LazyLock::new(|| {
    let mut entries = named(&[
        ("Title", f(Field::NamePrefix)),
        ("Titel", f(Field::NamePrefix)),
        ("First Name", f(Field::GivenName)),
        ("Voornaam", f(Field::GivenName)),
        ("Middle Name", f(Field::MiddleName)),
        ("Middelste naam", f(Field::MiddleName)),
        ("Last Name", f(Field::FamilyName)),
        ("Achternaam", f(Field::FamilyName)),
        ("Suffix", f(Field::NameSuffix)),
        ("Achtervoegsel", f(Field::NameSuffix)),
        ("Nickname", f(Field::Nickname)),
        ("Bijnaam", f(Field::Nickname)),
        ("Company", ORG),
        ("Bedrijf", ORG),
        ("Department", DEPARTMENT),
        ("Afdeling", DEPARTMENT),
        ("Job Title", f(Field::Title)),
        ("Functie", f(Field::Title)),
        ("E-mail Address", f(Field::Email)),
        ("E-mail 2 Address", f(Field::Email)),
        ("E-mail 3 Address", f(Field::Email)),
        ("E-mailadres", f(Field::Email)),
        ("E-mailadres 2", f(Field::Email)),
        ("E-mailadres 3", f(Field::Email)),
        ("Web Page", f(Field::Url)),
        ("Webpagina", f(Field::Url)),
        ("Personal Web Page", Role::Field(Field::Url, Some("home"))),
        ("IMAddress", Role::Field(Field::Social, Some("im"))),
        ("Notes", f(Field::Notes)),
        ("Notities", f(Field::Notes)),
        ("Birthday", f(Field::Birthday)),
        ("Verjaardag", f(Field::Birthday)),
        // Phones: the column names the label.
        ("Assistant's Phone", phone("assistant")),
        ("Telefoon assistent", phone("assistant")),
        ("Business Fax", phone("work fax")),
        ("Fax op werk", phone("work fax")),
        ("Business Phone", phone("work")),
        ("Business Phone 2", phone("work")),
        ("Telefoon op werk", phone("work")),
        ("Telefoon op werk 2", phone("work")),
        ("Callback", phone("callback")),
        ("Terugbellen", phone("callback")),
        ("Car Phone", phone("car")),
        ("Autotelefoon", phone("car")),
        ("Company Main Phone", phone("company main")),
        ("Hoofdtelefoon bedrijf", phone("company main")),
        ("Home Fax", phone("home fax")),
        ("Fax thuis", phone("home fax")),
        ("Home Phone", phone("home")),
        ("Home Phone 2", phone("home")),
        ("Telefoon thuis", phone("home")),
        ("Telefoon thuis 2", phone("home")),
        ("ISDN", phone("isdn")),
        ("Mobile Phone", phone("mobile")),
        ("Mobiele telefoon", phone("mobile")),
        ("Other Fax", phone("other fax")),
        ("Andere fax", phone("other fax")),
        ("Other Phone", phone("other")),
        ("Andere telefoon", phone("other")),
        ("Pager", phone("pager")),
        ("Primary Phone", phone("primary")),
        ("Hoofdtelefoon", phone("primary")),
        ("Radio Phone", phone("radio")),
        ("Radiotelefoon", phone("radio")),
        ("TTY/TDD Phone", phone("tty")),
        ("Teksttelefoon", phone("tty")),
        ("Telex", phone("telex")),
    ]);
    // Address column groups: `Business Street 2`, `Werkadres 2, straat`, `Land/regio (werk)`.
    for (en, nl, nl_country, label) in [
        ("Business", "Werkadres", "werk", "work"),
        ("Home", "Huisadres", "thuis", "home"),
        ("Other", "Ander adres", "anders", "other"),
    ] {
        let parts = [
            (format!("{en} Street"), AddrPart::Street),
            (format!("{en} Street 2"), AddrPart::Extended),
            (format!("{en} Street 3"), AddrPart::Extended),
            (format!("{en} City"), AddrPart::City),
            (format!("{en} State"), AddrPart::Region),
            (format!("{en} Postal Code"), AddrPart::Postcode),
            (format!("{en} Country/Region"), AddrPart::Country),
            (format!("{en} Country"), AddrPart::Country),
            (format!("{en} Address PO Box"), AddrPart::PoBox),
            (format!("{nl}, straat"), AddrPart::Street),
            (format!("{nl} 2, straat"), AddrPart::Extended),
            (format!("{nl} 3, straat"), AddrPart::Extended),
            (format!("{nl}, straat 2"), AddrPart::Extended),
            (format!("{nl}, straat 3"), AddrPart::Extended),
            (format!("{nl}, plaats"), AddrPart::City),
            (format!("{nl}, provincie"), AddrPart::Region),
            (format!("{nl}, postcode"), AddrPart::Postcode),
            (format!("{nl}, postbusnummer"), AddrPart::PoBox),
            (format!("Land/regio ({nl_country})"), AddrPart::Country),
        ];
        entries.extend(parts.into_iter().map(|(n, p)| (n, addr(label, p))));
    }
    table(entries)
});

static THUNDERBIRD: LazyLock<HashMap<String, Role>> = LazyLock::new(|| {
    let mut entries = named(&[
        ("First Name", f(Field::GivenName)),
        ("Last Name", f(Field::FamilyName)),
        ("Display Name", f(Field::FullName)),
        ("Nickname", f(Field::Nickname)),
        ("Primary Email", f(Field::Email)),
        ("Secondary Email", f(Field::Email)),
        (
            "Screen Name",
            Role::Field(Field::Social, Some("screen name")),
        ),
        ("Work Phone", phone("work")),
        ("Home Phone", phone("home")),
        ("Fax Number", phone("fax")),
        ("Pager Number", phone("pager")),
        ("Mobile Number", phone("mobile")),
        ("Job Title", f(Field::Title)),
        ("Department", DEPARTMENT),
        ("Organization", ORG),
        // Thunderbird's first web page is the work one, the second the home one.
        ("Web Page 1", Role::Field(Field::Url, Some("work"))),
        ("Web Page 2", Role::Field(Field::Url, Some("home"))),
        ("Birth Year", f(Field::BirthYear)),
        ("Birth Month", f(Field::BirthMonth)),
        ("Birth Day", f(Field::BirthDay)),
        ("Notes", f(Field::Notes)),
    ]);
    for (prefix, label) in [("Home", "home"), ("Work", "work")] {
        let parts = [
            (format!("{prefix} Address"), AddrPart::Street),
            (format!("{prefix} Address 2"), AddrPart::Extended),
            (format!("{prefix} City"), AddrPart::City),
            (format!("{prefix} State"), AddrPart::Region),
            (format!("{prefix} ZipCode"), AddrPart::Postcode),
            (format!("{prefix} Country"), AddrPart::Country),
        ];
        entries.extend(parts.into_iter().map(|(n, p)| (n, addr(label, p))));
    }
    table(entries)
});

static LINKEDIN: LazyLock<HashMap<String, Role>> = LazyLock::new(|| {
    let linkedin_url = Role::Field(Field::Url, Some("linkedin"));
    table(named(&[
        ("First Name", f(Field::GivenName)),
        ("Last Name", f(Field::FamilyName)),
        ("URL", linkedin_url),
        ("Profile URL", linkedin_url),
        ("Email Address", f(Field::Email)),
        ("E-mail Address", f(Field::Email)),
        ("Company", ORG),
        ("Position", f(Field::Title)),
        ("Connected On", f(Field::ConnectedOn)),
    ]))
});

static INVITATIONS: LazyLock<HashMap<String, Role>> = LazyLock::new(|| {
    table(named(&[
        ("From", Role::Inv(InvPart::From)),
        ("To", Role::Inv(InvPart::To)),
        ("Sent At", Role::Inv(InvPart::SentAt)),
        ("Message", Role::Inv(InvPart::Message)),
        ("Direction", Role::Inv(InvPart::Direction)),
        ("inviterProfileUrl", Role::Inv(InvPart::FromUrl)),
        ("inviteeProfileUrl", Role::Inv(InvPart::ToUrl)),
    ]))
});

static GOOGLE_PLAIN: LazyLock<HashMap<String, Role>> = LazyLock::new(|| {
    table(named(&[
        // Current layout.
        ("First Name", f(Field::GivenName)),
        ("Middle Name", f(Field::MiddleName)),
        ("Last Name", f(Field::FamilyName)),
        ("Organization Name", ORG),
        ("Organization Title", f(Field::Title)),
        ("Organization Department", DEPARTMENT),
        // Legacy layout.
        ("Name", f(Field::FullName)),
        ("Given Name", f(Field::GivenName)),
        ("Additional Name", f(Field::MiddleName)),
        ("Family Name", f(Field::FamilyName)),
        ("Occupation", f(Field::Title)),
        // Both.
        ("Name Prefix", f(Field::NamePrefix)),
        ("Name Suffix", f(Field::NameSuffix)),
        ("Nickname", f(Field::Nickname)),
        ("Birthday", f(Field::Birthday)),
        ("Notes", f(Field::Notes)),
        ("Photo", f(Field::Photo)),
    ]))
});

/// `E-mail 1 - Value` → (`email`, 1, `value`), from the spaced form `e mail 1 value`.
fn group(spaced: &str) -> Option<(&'static str, u16, String)> {
    let tokens: Vec<&str> = spaced.split(' ').collect();
    let at = tokens
        .iter()
        .position(|t| t.bytes().all(|b| b.is_ascii_digit()))?;
    if at == 0 || at + 1 >= tokens.len() {
        return None;
    }
    let n: u16 = tokens[at].parse().ok()?;
    let name = tokens[..at].concat();
    let part = tokens[at + 1..].concat();
    let name = match name.as_str() {
        "email" => "email",
        "phone" => "phone",
        "address" => "address",
        "website" => "website",
        "im" => "im",
        "organization" => "organization",
        "relation" => "relation",
        "event" => "event",
        "customfield" => "customfield",
        "externalid" => "externalid",
        _ => return None,
    };
    Some((name, n, part))
}

/// A Google column: a plain one, or a part of a numbered group.
fn google(name: &HeaderName) -> Option<Role> {
    if let Some(role) = lookup(&GOOGLE_PLAIN, name) {
        return Some(role);
    }
    let (group, n, part) = group(&name.spaced)?;
    let pair = |kind| {
        let part = match part.as_str() {
            "label" | "type" => PairPart::Label,
            "value" => PairPart::Value,
            "service" => PairPart::Service,
            _ => return Some(Role::Extra),
        };
        Some(Role::Pair(kind, n, part))
    };
    match group {
        "email" => pair(PairKind::Email),
        "phone" => pair(PairKind::Phone),
        "website" => pair(PairKind::Url),
        "im" => pair(PairKind::Social),
        "address" => {
            let part = match part.as_str() {
                "label" | "type" => AddrPart::Label,
                "formatted" => AddrPart::Formatted,
                "street" => AddrPart::Street,
                "city" => AddrPart::City,
                "pobox" => AddrPart::PoBox,
                "region" => AddrPart::Region,
                "postalcode" => AddrPart::Postcode,
                "country" => AddrPart::Country,
                "extendedaddress" => AddrPart::Extended,
                _ => return Some(Role::Extra),
            };
            Some(Role::Addr(GroupKey { n, label: None }, part))
        }
        "organization" => Some(match part.as_str() {
            "name" => Role::Org(n, OrgPart::Name),
            "department" => Role::Org(n, OrgPart::Department),
            "title" => Role::Field(Field::Title, None),
            _ => Role::Extra,
        }),
        // Relations, events, custom fields: recognised, kept as extra.
        _ => Some(Role::Extra),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(header: &str) -> Vec<HeaderName> {
        header.split(',').map(HeaderName::new).collect()
    }

    const DETECT: &[(&str, SourceKind)] = &[
        (
            "First Name,Middle Name,Last Name,Phonetic First Name,File As,E-mail 1 - Label,E-mail 1 - Value",
            SourceKind::CsvGoogle,
        ),
        (
            "Name,Given Name,Additional Name,Family Name,Group Membership,E-mail 1 - Type,E-mail 1 - Value",
            SourceKind::CsvGoogleLegacy,
        ),
        (
            "First Name,Middle Name,Last Name,Title,Suffix,Company,E-mail Address,Business Street",
            SourceKind::CsvOutlook,
        ),
        (
            "Titel,Voornaam,Middelste naam,Achternaam,Achtervoegsel,Bedrijf,E-mailadres",
            SourceKind::CsvOutlook,
        ),
        (
            "First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Screen Name",
            SourceKind::CsvThunderbird,
        ),
        (
            "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
            SourceKind::CsvLinkedin,
        ),
        (
            "First Name,Last Name,Email Address,Company,Position,Connected On",
            SourceKind::CsvLinkedin,
        ),
        (
            "From,To,Sent At,Message,Direction",
            SourceKind::CsvLinkedinInvitations,
        ),
        (
            "Voornaam,Tussenvoegsel,Achternaam,E-mailadres,Mobiele telefoon",
            SourceKind::CsvGeneric,
        ),
        (
            "rec_id,given_name,surname,street_number,address_1",
            SourceKind::CsvGeneric,
        ),
    ];

    #[test]
    fn detects_flavours() {
        for (header, kind) in DETECT {
            assert_eq!(detect(&names(header)), *kind, "case {header:?}");
        }
    }

    /// (spaced header, expected (group, number, part))
    type GroupCase = (&'static str, Option<(&'static str, u16, &'static str)>);

    const GROUPS: &[GroupCase] = &[
        ("e mail 1 value", Some(("email", 1, "value"))),
        (
            "address 12 postal code",
            Some(("address", 12, "postalcode")),
        ),
        (
            "organization 1 job description",
            Some(("organization", 1, "jobdescription")),
        ),
        ("custom field 2 value", Some(("customfield", 2, "value"))),
        ("phone 1", None),
        ("hobby 1 value", None),
    ];

    #[test]
    fn parses_google_groups() {
        for (spaced, want) in GROUPS {
            let got = group(spaced);
            let got = got.as_ref().map(|(g, n, p)| (*g, *n, p.as_str()));
            assert_eq!(got, *want, "case {spaced:?}");
        }
    }

    const OUTLOOK_ROLES: &[(&str, Role)] = &[
        (
            "Werkadres 2, straat",
            Role::Addr(
                GroupKey {
                    n: 0,
                    label: Some("work"),
                },
                AddrPart::Extended,
            ),
        ),
        (
            "Land/regio (thuis)",
            Role::Addr(
                GroupKey {
                    n: 0,
                    label: Some("home"),
                },
                AddrPart::Country,
            ),
        ),
        (
            "Mobiele telefoon",
            Role::Field(Field::Phone, Some("mobile")),
        ),
        ("Titel", Role::Field(Field::NamePrefix, None)),
        ("E-mailadres 2", Role::Field(Field::Email, None)),
    ];

    #[test]
    fn maps_outlook_columns() {
        for (header, want) in OUTLOOK_ROLES {
            let got = role(SourceKind::CsvOutlook, &HeaderName::new(header));
            assert_eq!(got, Some(*want), "case {header:?}");
        }
    }

    #[test]
    fn outlook_marks_match_with_and_without_accents() {
        for header in [
            "Voornaam,Categorieën,Achtervoegsel",
            "Voornaam,Categorien,Achtervoegsel",
        ] {
            assert_eq!(
                detect(&names(header)),
                SourceKind::CsvOutlook,
                "case {header:?}"
            );
        }
        assert_eq!(
            detect(&names("Voornaam,Categorie,Achtervoegsel")),
            SourceKind::CsvGeneric
        );
    }
}
