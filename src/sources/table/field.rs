//! The fields a CSV column can map to, and the generic mapper's vocabulary.
//!
//! In: a field name (`--csv-map`) or a header name. Out: a [`Field`], with a label where the
//! header implies one (`Mobiel` → phone labelled `mobile`).
//!
//! The vocabulary is English and Dutch, plus the column names of the FEBRL research data sets
//! exactly as they are (`given_name`, `soc_sec_id`, …). Names are compared folded (case,
//! accents, punctuation and spaces ignored), then once more without trailing digits
//! (`telefoon 2` is a phone). It maps nothing by position and guesses nothing from values.

use super::header::{fold, fold_lost_accents, HeaderName};
use std::collections::HashMap;
use std::sync::LazyLock;

/// Where a column's value goes in a [`crate::model::RawContact`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The whole name in one string.
    FullName,
    GivenName,
    MiddleName,
    FamilyName,
    /// A Dutch `tussenvoegsel` (`van der`): put in front of the family name.
    FamilyPrefix,
    /// A title before the name (`Dr.`, `ir.`, `Dhr.`).
    NamePrefix,
    NameSuffix,
    /// Initials (`J.P.`): the given name when no column gives one.
    Initials,
    Nickname,
    Email,
    Phone,
    /// A phone labelled `mobile`.
    Mobile,
    /// A phone labelled `work`.
    WorkPhone,
    /// A phone labelled `home`.
    HomePhone,
    /// A phone labelled `fax`.
    Fax,
    Org,
    Department,
    /// A job title or function.
    Title,
    Street,
    HouseNumber,
    /// `toevoeging`: `A`, `bis`, `-2`.
    HouseNumberSuffix,
    /// A second address line (FEBRL `address_2`): the address's extended part.
    Address2,
    Postcode,
    City,
    Region,
    Country,
    PoBox,
    /// An address in one string; the street when the file also has postcode or city columns.
    Address,
    Url,
    /// A URL labelled `linkedin`.
    Linkedin,
    /// A social profile or messaging handle.
    Social,
    Notes,
    Birthday,
    BirthYear,
    BirthMonth,
    BirthDay,
    /// A relationship date (LinkedIn's `Connected On`).
    ConnectedOn,
    /// A photo URL.
    Photo,
    /// Keep the value in `extra` (what an unrecognised column does anyway).
    Extra,
    /// Drop the column: its value stays in the record's raw text only.
    Ignore,
}

const FIELDS: &[(&str, Field)] = &[
    ("full-name", Field::FullName),
    ("given-name", Field::GivenName),
    ("middle-name", Field::MiddleName),
    ("family-name", Field::FamilyName),
    ("family-prefix", Field::FamilyPrefix),
    ("name-prefix", Field::NamePrefix),
    ("name-suffix", Field::NameSuffix),
    ("initials", Field::Initials),
    ("nickname", Field::Nickname),
    ("email", Field::Email),
    ("phone", Field::Phone),
    ("mobile", Field::Mobile),
    ("work-phone", Field::WorkPhone),
    ("home-phone", Field::HomePhone),
    ("fax", Field::Fax),
    ("org", Field::Org),
    ("department", Field::Department),
    ("title", Field::Title),
    ("street", Field::Street),
    ("house-number", Field::HouseNumber),
    ("house-number-suffix", Field::HouseNumberSuffix),
    ("address-2", Field::Address2),
    ("postcode", Field::Postcode),
    ("city", Field::City),
    ("region", Field::Region),
    ("country", Field::Country),
    ("po-box", Field::PoBox),
    ("address", Field::Address),
    ("url", Field::Url),
    ("linkedin", Field::Linkedin),
    ("social", Field::Social),
    ("notes", Field::Notes),
    ("birthday", Field::Birthday),
    ("birth-year", Field::BirthYear),
    ("birth-month", Field::BirthMonth),
    ("birth-day", Field::BirthDay),
    ("connected-on", Field::ConnectedOn),
    ("photo", Field::Photo),
    ("extra", Field::Extra),
    ("ignore", Field::Ignore),
];

static NAMES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| FIELDS.iter().map(|(n, _)| *n).collect());

impl Field {
    /// The field for a `--csv-map` name: `full-name`, `email`, … (case-insensitive, `_` for `-`,
    /// plus a few obvious aliases such as `name`, `e-mail`, `organization`, `tussenvoegsel`).
    pub fn parse(name: &str) -> Option<Field> {
        let key = name.trim().to_ascii_lowercase().replace('_', "-");
        if let Some((_, f)) = FIELDS.iter().find(|(n, _)| *n == key) {
            return Some(*f);
        }
        let alias = match key.as_str() {
            "name" | "fn" => Field::FullName,
            "first-name" | "given" | "voornaam" => Field::GivenName,
            "last-name" | "surname" | "family" | "achternaam" => Field::FamilyName,
            "tussenvoegsel" | "particle" => Field::FamilyPrefix,
            "prefix" => Field::NamePrefix,
            "suffix" => Field::NameSuffix,
            "e-mail" | "mail" => Field::Email,
            "tel" | "telephone" => Field::Phone,
            "organization" | "organisation" | "company" => Field::Org,
            "job-title" | "function" => Field::Title,
            "zip" | "postal-code" => Field::Postcode,
            "website" => Field::Url,
            "note" => Field::Notes,
            _ => return None,
        };
        Some(alias)
    }

    /// The canonical field names, in a stable order (for help texts and error messages).
    pub fn names() -> &'static [&'static str] {
        NAMES.as_slice()
    }

    /// The canonical name of this field.
    pub fn name(self) -> &'static str {
        FIELDS
            .iter()
            .find(|(_, f)| *f == self)
            .map(|(n, _)| *n)
            .expect("every Field variant is listed in FIELDS")
    }

    /// Whether a value in this field can identify or reach a person (see
    /// [`crate::model::RawContact::is_empty`]): a file needs at least one such column.
    pub fn identifies(self) -> bool {
        use Field::*;
        matches!(
            self,
            FullName
                | GivenName
                | MiddleName
                | FamilyName
                | Initials
                | Nickname
                | Email
                | Phone
                | Mobile
                | WorkPhone
                | HomePhone
                | Fax
                | Org
                | Url
                | Linkedin
                | Social
        )
    }
}

/// A recognised generic column: the field and the label the header implies.
pub(super) type Mapped = (Field, Option<&'static str>);

/// The generic vocabulary: header name → field (and label).
const VOCABULARY: &[(&str, Field, Option<&str>)] = &[
    // Names.
    ("name", Field::FullName, None),
    ("naam", Field::FullName, None),
    ("full name", Field::FullName, None),
    ("volledige naam", Field::FullName, None),
    ("display name", Field::FullName, None),
    ("weergavenaam", Field::FullName, None),
    ("contact", Field::FullName, None),
    ("contact name", Field::FullName, None),
    ("contactpersoon", Field::FullName, None),
    ("contactnaam", Field::FullName, None),
    ("first name", Field::GivenName, None),
    ("given name", Field::GivenName, None),
    ("forename", Field::GivenName, None),
    ("voornaam", Field::GivenName, None),
    ("voornamen", Field::GivenName, None),
    ("middle name", Field::MiddleName, None),
    ("middelste naam", Field::MiddleName, None),
    ("tweede naam", Field::MiddleName, None),
    ("last name", Field::FamilyName, None),
    ("surname", Field::FamilyName, None),
    ("family name", Field::FamilyName, None),
    ("achternaam", Field::FamilyName, None),
    ("familienaam", Field::FamilyName, None),
    ("geslachtsnaam", Field::FamilyName, None),
    ("tussenvoegsel", Field::FamilyPrefix, None),
    ("tussenvoegsels", Field::FamilyPrefix, None),
    ("tussenv", Field::FamilyPrefix, None),
    ("voorvoegsel", Field::FamilyPrefix, None),
    ("titel", Field::NamePrefix, None),
    ("aanhef", Field::NamePrefix, None),
    ("name prefix", Field::NamePrefix, None),
    ("prefix", Field::NamePrefix, None),
    ("salutation", Field::NamePrefix, None),
    ("suffix", Field::NameSuffix, None),
    ("name suffix", Field::NameSuffix, None),
    ("achtervoegsel", Field::NameSuffix, None),
    ("voorletters", Field::Initials, None),
    ("initialen", Field::Initials, None),
    ("initials", Field::Initials, None),
    ("nickname", Field::Nickname, None),
    ("bijnaam", Field::Nickname, None),
    ("roepnaam", Field::Nickname, None),
    // E-mail.
    ("email", Field::Email, None),
    ("e-mail", Field::Email, None),
    ("mail", Field::Email, None),
    ("e-mailadres", Field::Email, None),
    ("mailadres", Field::Email, None),
    ("email address", Field::Email, None),
    ("e-mail adres", Field::Email, None),
    ("primary email", Field::Email, None),
    ("work email", Field::Email, Some("work")),
    ("zakelijk e-mailadres", Field::Email, Some("work")),
    ("e-mail werk", Field::Email, Some("work")),
    ("home email", Field::Email, Some("home")),
    ("personal email", Field::Email, Some("home")),
    ("privé e-mail", Field::Email, Some("home")),
    ("e-mail privé", Field::Email, Some("home")),
    // Phones.
    ("phone", Field::Phone, None),
    ("phone number", Field::Phone, None),
    ("telephone", Field::Phone, None),
    ("tel", Field::Phone, None),
    ("telnr", Field::Phone, None),
    ("telefoon", Field::Phone, None),
    ("telefoonnummer", Field::Phone, None),
    ("mobile", Field::Mobile, None),
    ("mobile phone", Field::Mobile, None),
    ("mobile number", Field::Mobile, None),
    ("cell", Field::Mobile, None),
    ("cell phone", Field::Mobile, None),
    ("mobiel", Field::Mobile, None),
    ("mobiel nummer", Field::Mobile, None),
    ("mobiele telefoon", Field::Mobile, None),
    ("telefoon mobiel", Field::Mobile, None),
    ("gsm", Field::Mobile, None),
    ("work phone", Field::WorkPhone, None),
    ("business phone", Field::WorkPhone, None),
    ("telefoon werk", Field::WorkPhone, None),
    ("telefoon zakelijk", Field::WorkPhone, None),
    ("home phone", Field::HomePhone, None),
    ("telefoon thuis", Field::HomePhone, None),
    ("telefoon privé", Field::HomePhone, None),
    ("fax", Field::Fax, None),
    ("faxnummer", Field::Fax, None),
    ("fax number", Field::Fax, None),
    // Organisation.
    ("company", Field::Org, None),
    ("company name", Field::Org, None),
    ("organization", Field::Org, None),
    ("organisation", Field::Org, None),
    ("organisatie", Field::Org, None),
    ("organisatienaam", Field::Org, None),
    ("bedrijf", Field::Org, None),
    ("bedrijfsnaam", Field::Org, None),
    ("firma", Field::Org, None),
    ("werkgever", Field::Org, None),
    ("employer", Field::Org, None),
    ("instelling", Field::Org, None),
    ("department", Field::Department, None),
    ("afdeling", Field::Department, None),
    ("function", Field::Title, None),
    ("functie", Field::Title, None),
    ("functietitel", Field::Title, None),
    ("functieomschrijving", Field::Title, None),
    ("title", Field::Title, None),
    ("job title", Field::Title, None),
    ("job", Field::Title, None),
    ("position", Field::Title, None),
    ("positie", Field::Title, None),
    ("role", Field::Title, None),
    ("rol", Field::Title, None),
    ("occupation", Field::Title, None),
    ("beroep", Field::Title, None),
    // Address.
    ("address", Field::Address, None),
    ("adres", Field::Address, None),
    ("woonadres", Field::Address, None),
    ("bezoekadres", Field::Address, None),
    ("postadres", Field::Address, None),
    ("street", Field::Street, None),
    ("straat", Field::Street, None),
    ("straatnaam", Field::Street, None),
    ("street address", Field::Street, None),
    ("address 1", Field::Street, None),
    ("address line 1", Field::Street, None),
    ("adresregel 1", Field::Street, None),
    ("address 2", Field::Address2, None),
    ("address line 2", Field::Address2, None),
    ("adresregel 2", Field::Address2, None),
    ("huisnummer", Field::HouseNumber, None),
    ("huisnr", Field::HouseNumber, None),
    ("house number", Field::HouseNumber, None),
    ("street number", Field::HouseNumber, None),
    ("toevoeging", Field::HouseNumberSuffix, None),
    ("huisnummertoevoeging", Field::HouseNumberSuffix, None),
    ("huisnummer toevoeging", Field::HouseNumberSuffix, None),
    ("postcode", Field::Postcode, None),
    ("post code", Field::Postcode, None),
    ("postal code", Field::Postcode, None),
    ("zip", Field::Postcode, None),
    ("zip code", Field::Postcode, None),
    ("plaats", Field::City, None),
    ("woonplaats", Field::City, None),
    ("plaatsnaam", Field::City, None),
    ("vestigingsplaats", Field::City, None),
    ("stad", Field::City, None),
    ("city", Field::City, None),
    ("town", Field::City, None),
    ("suburb", Field::City, None),
    ("provincie", Field::Region, None),
    ("province", Field::Region, None),
    ("state", Field::Region, None),
    ("region", Field::Region, None),
    ("land", Field::Country, None),
    ("country", Field::Country, None),
    ("country/region", Field::Country, None),
    ("postbus", Field::PoBox, None),
    ("po box", Field::PoBox, None),
    // Web and social.
    ("website", Field::Url, None),
    ("web site", Field::Url, None),
    ("webpagina", Field::Url, None),
    ("web page", Field::Url, None),
    ("homepage", Field::Url, None),
    ("url", Field::Url, None),
    ("internet", Field::Url, None),
    ("linkedin", Field::Linkedin, None),
    ("linkedin url", Field::Linkedin, None),
    ("linkedin profile", Field::Linkedin, None),
    ("linkedin profiel", Field::Linkedin, None),
    ("twitter", Field::Social, Some("twitter")),
    ("instagram", Field::Social, Some("instagram")),
    ("facebook", Field::Social, Some("facebook")),
    ("skype", Field::Social, Some("skype")),
    ("mastodon", Field::Social, Some("mastodon")),
    // Notes and dates.
    ("notes", Field::Notes, None),
    ("note", Field::Notes, None),
    ("notities", Field::Notes, None),
    ("notitie", Field::Notes, None),
    ("opmerkingen", Field::Notes, None),
    ("opmerking", Field::Notes, None),
    ("toelichting", Field::Notes, None),
    ("bijzonderheden", Field::Notes, None),
    ("comments", Field::Notes, None),
    ("comment", Field::Notes, None),
    ("memo", Field::Notes, None),
    ("birthday", Field::Birthday, None),
    ("birth date", Field::Birthday, None),
    ("date of birth", Field::Birthday, None),
    ("dob", Field::Birthday, None),
    ("geboortedatum", Field::Birthday, None),
    ("geb datum", Field::Birthday, None),
    ("verjaardag", Field::Birthday, None),
    ("birth year", Field::BirthYear, None),
    ("geboortejaar", Field::BirthYear, None),
    ("birth month", Field::BirthMonth, None),
    ("geboortemaand", Field::BirthMonth, None),
    ("birth day", Field::BirthDay, None),
    ("geboortedag", Field::BirthDay, None),
    ("connected on", Field::ConnectedOn, None),
    ("photo", Field::Photo, None),
    ("foto", Field::Photo, None),
    // FEBRL columns that identify nobody but are recognised, so they are kept as extra.
    ("rec_id", Field::Extra, None),
    ("soc_sec_id", Field::Extra, None),
    ("age", Field::Extra, None),
];

static GENERIC: LazyLock<HashMap<String, Mapped>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for (name, field, label) in VOCABULARY {
        let compact = fold(name).replace(' ', "");
        map.entry(fold_lost_accents(name))
            .or_insert((*field, *label));
        map.insert(compact, (*field, *label));
    }
    map
});

/// The generic mapping of one header name.
pub(super) fn generic(name: &HeaderName) -> Option<Mapped> {
    if let Some(m) = GENERIC.get(&name.compact) {
        return Some(*m);
    }
    // `telefoon 2`, `email1`: numbered copies of a known column.
    let base = name.compact.trim_end_matches(|c: char| c.is_ascii_digit());
    if base.len() < name.compact.len() && !base.is_empty() {
        return GENERIC.get(base).copied();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back() {
        for name in Field::names() {
            let field = Field::parse(name).expect("listed names parse");
            assert_eq!(field.name(), *name, "case {name}");
        }
    }

    const PARSE: &[(&str, Option<Field>)] = &[
        ("full-name", Some(Field::FullName)),
        ("Full_Name", Some(Field::FullName)),
        (" email ", Some(Field::Email)),
        ("tussenvoegsel", Some(Field::FamilyPrefix)),
        ("organization", Some(Field::Org)),
        ("colour", None),
        ("", None),
    ];

    #[test]
    fn parses_field_names() {
        for (name, want) in PARSE {
            assert_eq!(Field::parse(name), *want, "case {name:?}");
        }
    }

    const GENERIC_CASES: &[(&str, Option<Field>)] = &[
        ("Naam", Some(Field::FullName)),
        ("E-mailadres", Some(Field::Email)),
        ("E-mail", Some(Field::Email)),
        ("Telefoon 2", Some(Field::Phone)),
        ("Mobiel", Some(Field::Mobile)),
        ("Tussenvoegsel", Some(Field::FamilyPrefix)),
        ("given_name", Some(Field::GivenName)),
        ("surname", Some(Field::FamilyName)),
        ("street_number", Some(Field::HouseNumber)),
        ("address_1", Some(Field::Street)),
        ("address_2", Some(Field::Address2)),
        ("suburb", Some(Field::City)),
        ("postcode", Some(Field::Postcode)),
        ("state", Some(Field::Region)),
        ("date_of_birth", Some(Field::Birthday)),
        ("phone_number", Some(Field::Phone)),
        ("rec_id", Some(Field::Extra)),
        ("soc_sec_id", Some(Field::Extra)),
        ("age", Some(Field::Extra)),
        ("E-mail privé", Some(Field::Email)),
        ("E-mail priv", Some(Field::Email)),
        ("Kleur", None),
        ("2", None),
    ];

    #[test]
    fn maps_generic_headers() {
        for (header, want) in GENERIC_CASES {
            let got = generic(&HeaderName::new(header)).map(|(f, _)| f);
            assert_eq!(got, *want, "case {header:?}");
        }
    }
}
