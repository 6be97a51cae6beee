//! vCard 4.0 export (RFC 6350), written with the `vcard4` crate.
//!
//! In: persons. Out: one card per person, in the given order, CRLF line ends, lines folded at
//! 75 octets but never inside a character or a backslash escape (see `refold`). Every merged
//! value becomes a property:
//!
//! | merged            | property                                                        |
//! |-------------------|-----------------------------------------------------------------|
//! | name              | `FN` (falls back to an e-mail, organisation, phone or the id), `N` (family;given;;prefix;suffix) |
//! | other names       | `X-NETWERK-NAME` (FN variants would be read as the name by most readers) |
//! | nicknames         | `NICKNAME`                                                      |
//! | birthday          | `BDAY:YYYYMMDD`, `BDAY:--MMDD` without a year, `BDAY;VALUE=text` when not a date |
//! | other birthdays   | `X-NETWERK-BDAY` (BDAY may occur once)                          |
//! | urls              | `URL`; a value that is no URI even after percent-encoding goes to `X-NETWERK-URL` |
//! | addresses         | `ADR` (po box;;street;city;region;postcode;country), `TYPE` from labels |
//! | titles            | `TITLE`                                                         |
//! | orgs, departments | `ORG:org` or one `ORG:org;department` per department            |
//! | phones            | `TEL;VALUE=uri:tel:+31…` for E.164 numbers, else `TEL;VALUE=text`; `TYPE` from labels |
//! | emails            | `EMAIL`, `TYPE` from labels                                     |
//! | notes             | `NOTE`                                                          |
//! | socials           | `X-SOCIALPROFILE`, `TYPE="<label>"` when the label is a plain word |
//! | id                | `UID;VALUE=text:p-…` and `X-NETWERK-ID:p-…`                     |
//! | sources           | `X-NETWERK-SOURCE:<kind> <path>#<record>`, one per source       |
//!
//! Labels map to `TYPE` only where RFC 6350 has a type for them (`work`, `home`, and for `TEL`
//! `cell`, `fax`, `pager`, `voice`, `text`, `video`, `textphone`); other labels are not written,
//! so no free text ever reaches a parameter. Text values are escaped by `vcard4` (`\\`, `\n`,
//! `\,`, and `\;` inside structured values); before that, CR and CRLF become LF and other control
//! characters are dropped, because `vcard4` does not escape CR and RFC 6350 allows no controls.
//! A value therefore can never end its property or its card.
//!
//! Not written: encounters (vCard has no property for them), photos (the merged view has none),
//! provenance beyond the sources of the card as a whole, `REV` (it would make output depend on
//! the clock).

use std::io;

use vcard4::parameter::{Parameters, TelephoneType, TypeParameter, ValueType};
use vcard4::property::{
    AnyProperty, DateTimeOrTextProperty, DeliveryAddress, ExtensionProperty, TextListProperty,
    TextOrUriProperty, TextProperty, UriProperty,
};
use vcard4::{Uri, Vcard};

use crate::sources::vcard::is_card_marker;

use crate::dedup::merge::{merge, AddressParts, Field, Item, Merged, Provenance};
use crate::model::Person;

/// Write one vCard 4.0 per person.
pub fn write(persons: &[Person], out: &mut impl io::Write) -> io::Result<()> {
    for person in persons {
        out.write_all(refold(&card(&merge(person)).to_string()).as_bytes())?;
    }
    Ok(())
}

/// Fold the content lines of a card that vcard4 wrote again, at 75 octets, never inside a
/// character or a backslash escape, and never so that a continuation line reads as a card's
/// `BEGIN:VCARD` or `END:VCARD`.
///
/// vcard4 folds between any two graphemes, so `\n` can become `\` CRLF SPACE `n`. RFC 6350
/// §3.2 allows that (lines are unfolded before escapes are read), but readers that unescape
/// before unfolding — vcard4's own parser among them (measured: a LF at octet 75 of a NOTE came
/// back as a backslash and an `n`) — then read a different value. Every `\r\n ` in vcard4's
/// output is a fold, because values hold no raw line ends (they are escaped or cleaned away).
///
/// Lenient readers, ours among them, take an indented `BEGIN:VCARD` line for a card of its
/// own (old `AGENT` cards nest that way), so a NOTE whose last 11 characters are `BEGIN:VCARD`
/// must not be folded just before them (found by fuzzing with a real Apple card): such a
/// piece is cut once more, after its first letter.
fn refold(card: &str) -> String {
    const LIMIT: usize = 75;
    let unfolded = card.replace("\r\n ", "");
    let mut out = String::with_capacity(card.len());
    for line in unfolded.split_terminator("\r\n") {
        // Byte offsets where a continuation line starts.
        let mut cuts = Vec::new();
        let mut len = 0;
        let mut chars = line.char_indices();
        while let Some((at, c)) = chars.next() {
            // A backslash always starts an escape in what vcard4 writes: keep the pair.
            let pair = if c == '\\' {
                chars.next().map(|(_, p)| p)
            } else {
                None
            };
            let n = c.len_utf8() + pair.map_or(0, char::len_utf8);
            if len + n > LIMIT {
                cuts.push(at);
                len = 1;
            }
            len += n;
        }
        let mut start = 0;
        for end in cuts.iter().copied().chain([line.len()]) {
            let piece = &line[start..end];
            if start > 0 && is_card_marker(piece.as_bytes()) {
                // Only spaces, tabs and BOMs come before the marker's first letter, an ASCII
                // byte: cut after it, so that neither half reads as a marker.
                let letter = piece
                    .find(|c: char| c.is_ascii_alphabetic())
                    .expect("a marker holds letters");
                out.push_str(&piece[..=letter]);
                out.push_str("\r\n ");
                out.push_str(&piece[letter + 1..]);
            } else {
                out.push_str(piece);
            }
            if end < line.len() {
                out.push_str("\r\n ");
            }
            start = end;
        }
        out.push_str("\r\n");
    }
    out
}

/// The card for one merged person.
pub fn card(m: &Merged) -> Vcard {
    let mut card = Vcard::new(text(&formatted_name(m)));

    let n = &m.name;
    if [&n.given, &n.family, &n.prefix, &n.suffix]
        .iter()
        .any(|v| v.is_some())
    {
        let part = |v: &Option<String>| text(v.as_deref().unwrap_or(""));
        card.name = Some(TextListProperty::new_semi_colon(vec![
            part(&n.family),
            part(&n.given),
            String::new(),
            part(&n.prefix),
            part(&n.suffix),
        ]));
    }
    for p in m.provenance_of(Field::Name) {
        if let Item::Text(other) = &p.value {
            if Some(other) != n.full.as_ref() && shows(other) {
                card.extensions.push(extension("X-NETWERK-NAME", other));
            }
        }
    }

    card.nickname = m
        .nicknames
        .iter()
        .filter(|v| shows(v))
        .map(|v| plain(v, None))
        .collect();

    if let Some(b) = m.birthday.as_ref().filter(|b| shows(b)) {
        card.bday = Some(birthday(b));
    }
    for p in m.provenance_of(Field::Birthday) {
        if let Item::Text(other) = &p.value {
            if Some(other) != m.birthday.as_ref() && shows(other) {
                card.extensions.push(extension("X-NETWERK-BDAY", other));
            }
        }
    }

    let urls: Vec<&Provenance> = m.provenance_of(Field::Urls).collect();
    for (i, url) in m.urls.iter().enumerate() {
        if !shows(url) {
            continue;
        }
        let types = urls.get(i).map(|p| types(m, p, false)).unwrap_or_default();
        match uri(url) {
            Some(value) => card.url.push(UriProperty {
                group: None,
                value,
                parameters: params(None, types),
            }),
            None => card.extensions.push(extension("X-NETWERK-URL", url)),
        }
    }

    let addresses: Vec<&Provenance> = m.provenance_of(Field::Addresses).collect();
    for (i, shown) in m.addresses.iter().enumerate() {
        let prov = addresses.get(i);
        let parts = match prov.map(|p| &p.value) {
            Some(Item::Address(parts)) => parts.clone(),
            _ => AddressParts {
                street: shown.street.clone(),
                postcode: shown.postcode.clone(),
                city: shown.city.clone(),
                country: shown.country.clone(),
                ..AddressParts::default()
            },
        };
        let part = |v: &Option<String>| v.as_deref().map(text);
        card.address.push(vcard4::property::AddressProperty {
            group: None,
            value: DeliveryAddress {
                po_box: part(&parts.po_box),
                extended_address: None,
                street_address: part(&parts.street),
                locality: part(&parts.city),
                region: part(&parts.region),
                postal_code: part(&parts.postcode),
                country_name: part(&parts.country),
            },
            parameters: params(None, prov.map(|p| types(m, p, false)).unwrap_or_default()),
        });
    }

    card.title = m
        .titles
        .iter()
        .filter(|v| shows(v))
        .map(|v| plain(v, None))
        .collect();

    for org in m.orgs.iter().filter(|o| shows(o)) {
        let departments: Vec<&str> = m
            .departments
            .iter()
            .filter(|d| &d.org == org && shows(&d.name))
            .map(|d| d.name.as_str())
            .collect();
        if departments.is_empty() {
            card.org
                .push(TextListProperty::new_semi_colon(vec![text(org)]));
        }
        for department in departments {
            card.org.push(TextListProperty::new_semi_colon(vec![
                text(org),
                text(department),
            ]));
        }
    }

    let phones: Vec<&Provenance> = m.provenance_of(Field::Phones).collect();
    for (i, phone) in m.phones.iter().enumerate() {
        if !shows(phone) {
            continue;
        }
        let types = phones.get(i).map(|p| types(m, p, true)).unwrap_or_default();
        card.tel.push(telephone(phone, types));
    }

    let emails: Vec<&Provenance> = m.provenance_of(Field::Emails).collect();
    for (i, email) in m.emails.iter().enumerate() {
        if !shows(email) {
            continue;
        }
        let types = emails
            .get(i)
            .map(|p| types(m, p, false))
            .unwrap_or_default();
        card.email.push(plain(email, params(None, types)));
    }

    card.note = m
        .notes
        .iter()
        .filter(|v| shows(v))
        .map(|v| plain(v, None))
        .collect();

    card.uid = Some(TextOrUriProperty::Text(plain(
        &m.id,
        params(Some(ValueType::Text), Vec::new()),
    )));

    let socials: Vec<&Provenance> = m.provenance_of(Field::Socials).collect();
    for (i, social) in m.socials.iter().enumerate() {
        if !shows(social) {
            continue;
        }
        let mut prop = extension("X-SOCIALPROFILE", social);
        if let Some(kind) = socials
            .get(i)
            .and_then(|p| m.best_label(p))
            .and_then(social_type)
        {
            // A quoted TYPE value: vcard4 writes TypeParameter::Extension as `X-…`, which
            // would rename Apple's `type=linkedin`. `social_type` lets only [a-z0-9-] through.
            // `Parameters` implements Drop (zeroize), so no struct-update syntax.
            let mut parameters = Parameters::default();
            parameters.extensions = Some(vec![("TYPE".to_string(), vec![kind])]);
            prop.parameters = Some(parameters);
        }
        card.extensions.push(prop);
    }

    card.extensions.push(extension("X-NETWERK-ID", &m.id));
    for s in &m.sources {
        card.extensions.push(extension(
            "X-NETWERK-SOURCE",
            &format!("{} {}#{}", s.kind.as_str(), s.path, s.record),
        ));
    }
    card
}

/// FN is required: the name, else something else that identifies the person.
fn formatted_name(m: &Merged) -> String {
    m.name
        .full
        .iter()
        .chain(m.emails.first())
        .chain(m.orgs.first())
        .chain(m.phones.first())
        .chain(m.nicknames.first())
        .find(|v| shows(v))
        .cloned()
        .unwrap_or_else(|| m.id.clone())
}

/// Text fit for a vCard value: see [`super::clean`]. vcard4 escapes the LF as `\n`; it would
/// write a CR or another control raw, and its own parser rejects them.
fn text(s: &str) -> String {
    super::clean(s)
}

/// Whether a value has anything left to write once cleaned (a value of control characters
/// only would become an empty property).
fn shows(value: &str) -> bool {
    !text(value).trim().is_empty()
}

fn plain(value: &str, parameters: Option<Parameters>) -> TextProperty {
    TextProperty {
        group: None,
        value: text(value),
        parameters,
    }
}

fn extension(name: &str, value: &str) -> ExtensionProperty {
    ExtensionProperty {
        name: name.to_string(),
        group: None,
        value: AnyProperty::Text(text(value)),
        parameters: None,
    }
}

fn params(value: Option<ValueType>, types: Vec<TypeParameter>) -> Option<Parameters> {
    if value.is_none() && types.is_empty() {
        return None;
    }
    let mut parameters = Parameters::default();
    parameters.value = value;
    parameters.types = (!types.is_empty()).then_some(types);
    Some(parameters)
}

/// TYPE values for the labels the sources gave one value. `tel` also allows the telephone types.
fn types(m: &Merged, p: &Provenance, tel: bool) -> Vec<TypeParameter> {
    let mut out: Vec<TypeParameter> = Vec::new();
    for label in m.labels(p) {
        for t in label_types(label, tel) {
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out
}

/// The RFC 6350 types one label stands for (`Work Fax` → work, fax; `mobiel` → cell).
fn label_types(label: &str, tel: bool) -> Vec<TypeParameter> {
    let lower = label.to_lowercase();
    let mut out = Vec::new();
    for word in lower.split(|c: char| !c.is_alphanumeric()) {
        let t = match word {
            "work" | "werk" | "business" | "zakelijk" | "office" | "kantoor" | "bedrijf" => {
                Some(TypeParameter::Work)
            }
            "home" | "thuis" | "privé" | "prive" | "private" | "personal" | "persoonlijk" => {
                Some(TypeParameter::Home)
            }
            _ if !tel => None,
            "cell" | "mobile" | "mobiel" | "mobiele" | "gsm" | "iphone" => {
                Some(TypeParameter::Telephone(TelephoneType::Cell))
            }
            "fax" => Some(TypeParameter::Telephone(TelephoneType::Fax)),
            "pager" | "semafoon" => Some(TypeParameter::Telephone(TelephoneType::Pager)),
            "voice" => Some(TypeParameter::Telephone(TelephoneType::Voice)),
            "text" | "sms" => Some(TypeParameter::Telephone(TelephoneType::Text)),
            "video" => Some(TypeParameter::Telephone(TelephoneType::Video)),
            "textphone" => Some(TypeParameter::Telephone(TelephoneType::TextPhone)),
            _ => None,
        };
        if let Some(t) = t {
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out
}

/// A social label usable as a bare TYPE value, or nothing.
fn social_type(label: &str) -> Option<String> {
    let lower = label.trim().to_lowercase();
    let ok = !lower.is_empty()
        && lower.len() <= 40
        && lower
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    ok.then_some(lower)
}

/// `tel:` URI for an E.164 number (`+` and 4 to 15 digits); anything else stays text.
fn telephone(phone: &str, types: Vec<TypeParameter>) -> TextOrUriProperty {
    let digits = phone.strip_prefix('+').unwrap_or("");
    let e164 = (4..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    if e164 {
        if let Ok(value) = format!("tel:{phone}").parse::<Uri>() {
            return TextOrUriProperty::Uri(UriProperty {
                group: None,
                value,
                parameters: params(Some(ValueType::Uri), types),
            });
        }
    }
    TextOrUriProperty::Text(plain(phone, params(Some(ValueType::Text), types)))
}

/// Characters that may not appear raw in a URI (RFC 3986): controls, space and the unsafe
/// printable ones. Non-ASCII is always percent-encoded by `utf8_percent_encode`.
const URI_UNSAFE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The URL as a URI, percent-encoding what RFC 3986 does not allow raw (IRIs, spaces).
fn uri(url: &str) -> Option<Uri> {
    let trimmed = url.trim();
    if let Ok(u) = trimmed.parse::<Uri>() {
        return Some(u);
    }
    let encoded = percent_encoding::utf8_percent_encode(trimmed, URI_UNSAFE).to_string();
    encoded.parse::<Uri>().ok()
}

/// BDAY from a merged birthday: a full date as `YYYYMMDD`, a year-less one as `--MMDD`
/// (RFC 6350 §4.3.1, written as text because vcard4's date type always has a year), anything
/// else as `VALUE=text`.
fn birthday(value: &str) -> DateTimeOrTextProperty {
    if let Some((y, m, d)) = ymd(value) {
        let date = vcard4::time::Month::try_from(m)
            .ok()
            .and_then(|month| vcard4::time::Date::from_calendar_date(y, month, d).ok());
        if let Some(date) = date {
            return DateTimeOrTextProperty::from(vcard4::Date::from(date));
        }
    }
    if let Some((m, d)) = value.strip_prefix("--").and_then(month_day) {
        // 2000 is a leap year, so this accepts 29 February and nothing that no year has.
        let valid = vcard4::time::Month::try_from(m)
            .ok()
            .and_then(|month| vcard4::time::Date::from_calendar_date(2000, month, d).ok())
            .is_some();
        if valid {
            return DateTimeOrTextProperty::Text(plain(&format!("--{m:02}{d:02}"), None));
        }
    }
    DateTimeOrTextProperty::Text(plain(value, params(Some(ValueType::Text), Vec::new())))
}

/// `YYYY-MM-DD` → (year, month, day).
fn ymd(value: &str) -> Option<(i32, u8, u8)> {
    let (y, rest) = value.split_once('-')?;
    if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (m, d) = month_day(rest)?;
    Some((y.parse().ok()?, m, d))
}

/// `MM-DD` → (month, day).
fn month_day(value: &str) -> Option<(u8, u8)> {
    let (m, d) = value.split_once('-')?;
    let two = |s: &str| -> Option<u8> {
        if s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    Some((two(m)?, two(d)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refold_keeps_escapes_and_characters_whole() {
        // (logical line, the physical lines it must become)
        let long_escape = format!("NOTE:{}\\nX", "a".repeat(69));
        let long_char = format!("NOTE:{}éé", "a".repeat(68));
        let long_begin = format!("NOTE:{}BEGIN:VCARD", "a".repeat(70));
        let long_end = format!(
            "NOTE:{}{}\u{feff} end:vcard ",
            "a".repeat(70),
            "b".repeat(74)
        );
        let inside = format!("NOTE:{}xBEGIN:VCARD", "a".repeat(70));
        let cases: Vec<(&str, Vec<String>)> = vec![
            ("FN:Jan", vec!["FN:Jan".into()]),
            (
                &long_escape,
                vec![format!("NOTE:{}", "a".repeat(69)), " \\nX".into()],
            ),
            (
                &long_char,
                // 73 octets + a 2-octet é fill the line; the next é may not be split.
                vec![format!("NOTE:{}é", "a".repeat(68)), " é".into()],
            ),
            (
                // The fold would leave ` BEGIN:VCARD` on a line of its own.
                &long_begin,
                vec![
                    format!("NOTE:{}", "a".repeat(70)),
                    " B".into(),
                    " EGIN:VCARD".into(),
                ],
            ),
            (
                &long_end,
                vec![
                    format!("NOTE:{}", "a".repeat(70)),
                    format!(" {}", "b".repeat(74)),
                    " \u{feff} e".into(),
                    " nd:vcard ".into(),
                ],
            ),
            (
                // A marker inside a piece, not the whole piece, is harmless.
                &inside,
                vec![format!("NOTE:{}", "a".repeat(70)), " xBEGIN:VCARD".into()],
            ),
        ];
        for (line, want) in cases {
            // Fold it the way vcard4 might first: after 75 octets, inside the escape.
            let input = format!("{line}\r\n");
            let got = refold(&input);
            let lines: Vec<&str> = got.split_terminator("\r\n").collect();
            assert_eq!(lines, want, "case {line:?}");
            assert!(lines.iter().all(|l| l.len() <= 75), "case {line:?}");
            assert!(
                lines[1..].iter().all(|l| !is_card_marker(l.as_bytes())),
                "case {line:?}: no continuation reads as a card marker"
            );
            assert_eq!(refold(&got), got, "case {line:?}: refolding is stable");
        }
    }

    #[test]
    fn birthdays() {
        const CASES: &[(&str, &str)] = &[
            ("1986-02-07", "19860207"),
            ("--03-07", "--0307"),
            ("--02-29", "--0229"),
            ("--02-30", "--02-30"),
            ("1986-02-30", "1986-02-30"),
            ("ergens in mei", "ergens in mei"),
        ];
        for (input, want) in CASES {
            assert_eq!(birthday(input).to_string(), *want, "case {input:?}");
        }
    }

    #[test]
    fn labels_map_to_types() {
        const CASES: &[(&str, bool, &str)] = &[
            ("work", false, "work"),
            ("Work Fax", true, "work,fax"),
            ("Work Fax", false, "work"),
            ("Mobiel", true, "cell"),
            ("iPhone", true, "cell"),
            ("Privé", false, "home"),
            ("Other", true, ""),
            ("linkedin", false, ""),
        ];
        for (label, tel, want) in CASES {
            let got: Vec<String> = label_types(label, *tel)
                .iter()
                .map(|t| t.to_string())
                .collect();
            assert_eq!(got.join(","), *want, "case {label:?}");
        }
    }

    #[test]
    fn phones_are_tel_uris_when_e164() {
        const CASES: &[(&str, &str)] = &[
            ("+31612345678", "tel:+31612345678"),
            ("06-12345678", "06-12345678"),
            ("+31 6 12", "+31 6 12"),
        ];
        for (input, want) in CASES {
            assert_eq!(
                telephone(input, Vec::new()).to_string(),
                *want,
                "case {input:?}"
            );
        }
    }

    #[test]
    fn urls_become_uris() {
        const CASES: &[(&str, Option<&str>)] = &[
            (
                "https://www.linkedin.com/in/janvdberg",
                Some("https://www.linkedin.com/in/janvdberg"),
            ),
            (
                "https://voorbeeld.nl/één pagina",
                Some("https://voorbeeld.nl/%C3%A9%C3%A9n%20pagina"),
            ),
            ("geen url", None),
        ];
        for (input, want) in CASES {
            assert_eq!(
                uri(input).map(|u| u.to_string()).as_deref(),
                *want,
                "case {input:?}"
            );
        }
    }
}
