//! Postal addresses: Dutch postcodes and country names.
//!
//! In: a [`RawAddress`] as the source split it (or only its one-string `formatted` form).
//! Out: an [`Address`] with every part cleaned, a Dutch postcode written `1234 AB` (only when
//! the country is the Netherlands or unknown), the country as ISO 3166-1 alpha-2 where the name
//! is known in Dutch, English, German or French (`Nederland`, `The Netherlands`, `Duitsland`,
//! `UK`, `NLD`), else as given. From a formatted address alone the postcode and place are taken
//! where the Dutch pattern `1234 AB Plaats` occurs, and the country from its last line.
//!
//! It does not split streets into name and house number and does not check that a postcode
//! exists.

use super::text;
use super::Invalid;
use crate::model::{Address, RawAddress};
use std::collections::HashMap;
use std::sync::LazyLock;

/// Country names (folded with [`text::fold`]) and ISO 3166-1 alpha-3 codes to alpha-2.
const COUNTRIES: &[(&str, &[&str])] = &[
    (
        "NL",
        &[
            "nederland",
            "netherlands",
            "the netherlands",
            "holland",
            "nld",
            "niederlande",
            "pays bas",
            "nederlan",
            "koninkrijk der nederlanden",
            "kingdom of the netherlands",
        ],
    ),
    (
        "BE",
        &[
            "belgie",
            "belgium",
            "belgique",
            "belgien",
            "bel",
            "belgie belgique",
        ],
    ),
    (
        "DE",
        &[
            "deutschland",
            "duitsland",
            "germany",
            "allemagne",
            "deu",
            "bundesrepublik deutschland",
        ],
    ),
    (
        "GB",
        &[
            "united kingdom",
            "uk",
            "u k",
            "great britain",
            "groot brittannie",
            "verenigd koninkrijk",
            "england",
            "engeland",
            "scotland",
            "schotland",
            "wales",
            "gbr",
            "grossbritannien",
            "royaume uni",
        ],
    ),
    ("FR", &["frankrijk", "france", "frankreich", "fra"]),
    (
        "ES",
        &["spain", "spanje", "espana", "spanien", "espagne", "esp"],
    ),
    (
        "US",
        &[
            "usa",
            "u s a",
            "united states",
            "united states of america",
            "verenigde staten",
            "vereinigte staaten",
            "etats unis",
            "america",
            "amerika",
        ],
    ),
    ("IT", &["italy", "italie", "italia", "italien", "ita"]),
    ("LU", &["luxembourg", "luxemburg", "lux"]),
    (
        "AT",
        &[
            "austria",
            "oostenrijk",
            "osterreich",
            "oesterreich",
            "autriche",
            "aut",
        ],
    ),
    (
        "CH",
        &[
            "switzerland",
            "zwitserland",
            "schweiz",
            "suisse",
            "svizzera",
            "che",
        ],
    ),
    (
        "DK",
        &["denmark", "denemarken", "danemark", "danmark", "dnk"],
    ),
    (
        "SE",
        &["sweden", "zweden", "schweden", "sverige", "suede", "swe"],
    ),
    (
        "NO",
        &["norway", "noorwegen", "norwegen", "norge", "norvege", "nor"],
    ),
    ("FI", &["finland", "finnland", "suomi", "finlande", "fin"]),
    ("IE", &["ireland", "ierland", "irland", "irlande", "irl"]),
    ("PT", &["portugal", "prt"]),
    ("PL", &["poland", "polen", "polska", "pologne", "pol"]),
    (
        "CZ",
        &["czech republic", "czechia", "tsjechie", "tschechien", "cze"],
    ),
    (
        "GR",
        &["greece", "griekenland", "griechenland", "grece", "grc"],
    ),
    (
        "TR",
        &["turkey", "turkije", "turkiye", "turkei", "turquie", "tur"],
    ),
    ("HU", &["hungary", "hongarije", "ungarn", "hongrie", "hun"]),
    (
        "RO",
        &["romania", "roemenie", "rumanien", "roumanie", "rou"],
    ),
    ("BG", &["bulgaria", "bulgarije", "bulgarien", "bgr"]),
    ("UA", &["ukraine", "oekraine", "ukr"]),
    ("RU", &["russia", "rusland", "russland", "russie", "rus"]),
    ("MA", &["morocco", "marokko", "maroc", "mar"]),
    ("SR", &["suriname", "sur"]),
    ("CW", &["curacao", "cuw"]),
    ("AW", &["aruba", "abw"]),
    ("ID", &["indonesia", "indonesie", "indonesien", "idn"]),
    ("CN", &["china", "chn"]),
    ("JP", &["japan", "jpn"]),
    ("IN", &["india", "indie", "indien", "ind"]),
    ("CA", &["canada", "kanada", "can"]),
    ("AU", &["australia", "australie", "australien", "aus"]),
    ("NZ", &["new zealand", "nieuw zeeland", "neuseeland", "nzl"]),
    (
        "BR",
        &["brazil", "brazilie", "brasilien", "bresil", "brasil", "bra"],
    ),
    ("ZA", &["south africa", "zuid afrika", "sudafrika", "zaf"]),
    ("IL", &["israel", "isr"]),
    ("SG", &["singapore", "sgp"]),
    ("MX", &["mexico", "mexiko", "mex"]),
    (
        "AE",
        &[
            "united arab emirates",
            "verenigde arabische emiraten",
            "uae",
            "are",
        ],
    ),
];

static COUNTRY_NAMES: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for (code, names) in COUNTRIES {
        for name in *names {
            map.insert(*name, *code);
        }
    }
    map
});

/// The ISO 3166-1 alpha-2 code for a country name or code, `None` when unknown.
pub fn country(raw: &str) -> Option<String> {
    let folded = text::fold(raw);
    if let Some(code) = COUNTRY_NAMES.get(folded.as_str()) {
        return Some((*code).to_owned());
    }
    // Any two-letter region the phone metadata knows is an ISO code (`nl`, `DE`).
    if folded.len() == 2 {
        let id = super::phone::region(&folded)?;
        return Some(id.as_ref().to_owned());
    }
    None
}

/// A Dutch postcode (`1234ab`, `1234 AB`, `1234-AB`) written `1234 AB`; `None` when `raw` is
/// not one. The first digit is never 0.
pub fn postcode_nl(raw: &str) -> Option<String> {
    let compact: Vec<char> = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    match compact.as_slice() {
        [d1 @ '1'..='9', d2, d3, d4, l1, l2]
            if [d2, d3, d4].iter().all(|d| d.is_ascii_digit())
                && l1.is_ascii_alphabetic()
                && l2.is_ascii_alphabetic() =>
        {
            Some(format!(
                "{d1}{d2}{d3}{d4} {}{}",
                l1.to_ascii_uppercase(),
                l2.to_ascii_uppercase()
            ))
        }
        _ => None,
    }
}

/// What a formatted address gave: the text before the postcode (the street), the postcode and
/// the place after it.
struct Found {
    street: Option<String>,
    postcode: String,
    city: Option<String>,
}

/// Finds `1234 AB Plaats` in a formatted address (lines already cleaned).
fn find_postcode_city(formatted: &str) -> Option<Found> {
    let lines: Vec<&str> = formatted.lines().collect();
    for (n, line) in lines.iter().enumerate() {
        for (byte_start, c) in line.char_indices() {
            if !('1'..='9').contains(&c) {
                continue;
            }
            // A postcode starts a word.
            if line[..byte_start].ends_with(char::is_alphanumeric) {
                continue;
            }
            let rest = &line[byte_start..];
            // `1234AB` or `1234 AB`: four digits, an optional space, two letters.
            let len = if rest.as_bytes().get(4) == Some(&b' ') {
                7
            } else {
                6
            };
            let Some(candidate) = rest.get(..len) else {
                continue;
            };
            let Some(postcode) = postcode_nl(candidate) else {
                continue;
            };
            let after = &rest[len..];
            // The postcode must end a word: `1234 ABC` is not one.
            if after.starts_with(char::is_alphanumeric) {
                continue;
            }
            let city = text::clean(
                after
                    .trim_start_matches([',', ' '])
                    .split(',')
                    .next()
                    .unwrap_or_default(),
            );
            let mut before: Vec<&str> = lines[..n].to_vec();
            let head = line[..byte_start].trim_end_matches([',', ' ']);
            if !head.is_empty() {
                before.push(head);
            }
            let street = before.join(", ");
            return Some(Found {
                street: (!street.is_empty()).then_some(street),
                postcode,
                city: (!city.is_empty()).then_some(city),
            });
        }
    }
    None
}

fn part(raw: &Option<String>) -> Option<String> {
    raw.as_deref().map(text::clean).filter(|s| !s.is_empty())
}

/// Normalise one address; `None` when it holds nothing. The [`Invalid`] is a warning for a
/// postcode that should be Dutch (the country says so) and is not.
pub fn normalize(raw: &RawAddress) -> (Option<Address>, Option<Invalid>) {
    let mut street = part(&raw.street);
    let extended = part(&raw.extended);
    let mut city = part(&raw.city);
    let region = part(&raw.region);
    let mut postcode = part(&raw.postcode);
    let po_box = part(&raw.po_box);
    let given_country = part(&raw.country);
    let formatted = raw
        .formatted
        .as_deref()
        .map(text::clean_multiline)
        .filter(|s| !s.is_empty());

    let parts_raw: Vec<&str> = [
        &raw.po_box,
        &raw.extended,
        &raw.street,
        &raw.city,
        &raw.region,
        &raw.postcode,
        &raw.country,
    ]
    .iter()
    .filter_map(|p| p.as_deref())
    .filter(|p| !p.trim().is_empty())
    .collect();
    let only_formatted = parts_raw.is_empty();
    if only_formatted && formatted.is_none() {
        return (None, None);
    }
    let original = if only_formatted {
        raw.formatted.clone().unwrap_or_default()
    } else {
        parts_raw.join(", ")
    };

    let mut country_code = given_country.map(|c| country(&c).unwrap_or(c));
    if let (true, Some(f)) = (only_formatted, formatted.as_deref()) {
        let last_line = f.lines().last().filter(|_| f.contains('\n'));
        country_code = last_line.and_then(country);
        match find_postcode_city(f) {
            Some(found) => {
                street = found.street;
                postcode = Some(found.postcode);
                city = found.city;
            }
            // No Dutch postcode: the whole text stands where the street would, so that
            // nothing is lost from view.
            None => street = Some(f.replace('\n', ", ")),
        }
    }
    // The extended part (`2e etage`, `t.a.v.`) stays with the street it belongs to.
    if let Some(ext) = extended {
        street = Some(match street {
            Some(s) => format!("{s}, {ext}"),
            None => ext,
        });
    }

    let mut problem = None;
    let dutch_or_unknown = country_code.as_deref().is_none_or(|c| c == "NL");
    if let Some(pc) = postcode.as_deref() {
        if dutch_or_unknown {
            match postcode_nl(pc) {
                Some(nl) => postcode = Some(nl),
                None if country_code.as_deref() == Some("NL") => {
                    problem = Some(Invalid::new(
                        "postcode",
                        pc,
                        "is not a Dutch postcode (1234 AB)",
                    ));
                }
                None => {}
            }
        }
    }

    let address = Address {
        label: super::label::normalize(raw.label.as_deref()),
        street,
        postcode,
        city,
        region,
        country: country_code,
        po_box,
        original,
    };
    (Some(address), problem)
}

#[cfg(test)]
mod tests {
    use super::*;

    const COUNTRY_CASES: &[(&str, Option<&str>)] = &[
        ("Nederland", Some("NL")),
        ("Netherlands", Some("NL")),
        ("The Netherlands", Some("NL")),
        ("the netherlands", Some("NL")),
        ("Holland", Some("NL")),
        ("NL", Some("NL")),
        ("nl", Some("NL")),
        ("NLD", Some("NL")),
        ("België", Some("BE")),
        ("Belgie", Some("BE")),
        ("Belgium", Some("BE")),
        ("Deutschland", Some("DE")),
        ("Duitsland", Some("DE")),
        ("Germany", Some("DE")),
        ("United Kingdom", Some("GB")),
        ("UK", Some("GB")),
        ("U.K.", Some("GB")),
        ("Frankrijk", Some("FR")),
        ("France", Some("FR")),
        ("Spain", Some("ES")),
        ("USA", Some("US")),
        ("U.S.A.", Some("US")),
        ("Verenigde Staten", Some("US")),
        ("Curaçao", Some("CW")),
        ("Österreich", Some("AT")),
        ("DE", Some("DE")),
        ("Atlantis", None),
        ("", None),
    ];

    #[test]
    fn country_cases() {
        for (input, want) in COUNTRY_CASES {
            assert_eq!(country(input).as_deref(), *want, "country {input:?}");
        }
    }

    const POSTCODES: &[(&str, Option<&str>)] = &[
        ("1234ab", Some("1234 AB")),
        ("1234AB", Some("1234 AB")),
        ("1234 AB", Some("1234 AB")),
        ("1234  ab", Some("1234 AB")),
        ("1234-AB", Some("1234 AB")),
        ("3511 BN", Some("3511 BN")),
        ("0123 AB", None),
        ("12345", None),
        ("1234", None),
        ("1234 ABC", None),
        ("SW1A 1AA", None),
    ];

    #[test]
    fn postcode_cases() {
        for (input, want) in POSTCODES {
            assert_eq!(postcode_nl(input).as_deref(), *want, "postcode {input:?}");
        }
    }

    fn raw(street: &str, postcode: &str, city: &str, country: &str) -> RawAddress {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        RawAddress {
            street: opt(street),
            postcode: opt(postcode),
            city: opt(city),
            country: opt(country),
            ..RawAddress::default()
        }
    }

    #[test]
    fn dutch_postcode_only_for_dutch_or_unknown_country() {
        let (a, p) = normalize(&raw("Oudegracht 1", "3511ab", "Utrecht", "Nederland"));
        let a = a.expect("an address");
        assert_eq!(a.postcode.as_deref(), Some("3511 AB"));
        assert_eq!(a.country.as_deref(), Some("NL"));
        assert_eq!(a.original, "Oudegracht 1, Utrecht, 3511ab, Nederland");
        assert_eq!(p, None);

        let (a, _) = normalize(&raw("Oudegracht 1", "3511ab", "Utrecht", ""));
        assert_eq!(a.expect("an address").postcode.as_deref(), Some("3511 AB"));

        // A German postcode stays as written.
        let (a, p) = normalize(&raw("Hauptstraße 1", "10115", "Berlin", "Duitsland"));
        let a = a.expect("an address");
        assert_eq!(a.postcode.as_deref(), Some("10115"));
        assert_eq!(a.country.as_deref(), Some("DE"));
        assert_eq!(p, None);

        // A UK postcode that happens to look like nothing Dutch.
        let (a, _) = normalize(&raw("1 Main St", "sw1a 1aa", "London", "UK"));
        assert_eq!(a.expect("an address").postcode.as_deref(), Some("sw1a 1aa"));

        // The country says NL, the postcode is not Dutch: kept, with a warning.
        let (a, p) = normalize(&raw("Oudegracht 1", "351", "Utrecht", "NL"));
        assert_eq!(a.expect("an address").postcode.as_deref(), Some("351"));
        assert_eq!(
            p.map(|p| p.to_string()).as_deref(),
            Some("postcode \"351\" is not a Dutch postcode (1234 AB)")
        );
    }

    #[test]
    fn formatted_only() {
        let raw = RawAddress {
            formatted: Some("Oudegracht 1\n3511ab Utrecht\nNederland".to_owned()),
            ..RawAddress::default()
        };
        let (a, p) = normalize(&raw);
        let a = a.expect("an address");
        assert_eq!(a.postcode.as_deref(), Some("3511 AB"));
        assert_eq!(a.city.as_deref(), Some("Utrecht"));
        assert_eq!(a.country.as_deref(), Some("NL"));
        assert_eq!(a.street.as_deref(), Some("Oudegracht 1"));
        assert_eq!(a.original, "Oudegracht 1\n3511ab Utrecht\nNederland");
        assert_eq!(p, None);

        let one_line = RawAddress {
            formatted: Some("Oudegracht 1, 3511 AB  UTRECHT".to_owned()),
            ..RawAddress::default()
        };
        let a = normalize(&one_line).0.expect("an address");
        assert_eq!(a.postcode.as_deref(), Some("3511 AB"));
        assert_eq!(a.city.as_deref(), Some("UTRECHT"));
        assert_eq!(a.street.as_deref(), Some("Oudegracht 1"));
        assert_eq!(a.country, None);

        let foreign = RawAddress {
            formatted: Some("1 Main Street\nSpringfield, IL 62701\nUSA".to_owned()),
            ..RawAddress::default()
        };
        let a = normalize(&foreign).0.expect("an address");
        assert_eq!(a.postcode, None);
        assert_eq!(a.country.as_deref(), Some("US"));
        assert_eq!(
            a.street.as_deref(),
            Some("1 Main Street, Springfield, IL 62701, USA")
        );
    }

    #[test]
    fn empty_address_is_none() {
        assert_eq!(normalize(&RawAddress::default()), (None, None));
        assert_eq!(normalize(&raw(" ", "", "", "")), (None, None));
    }
}
