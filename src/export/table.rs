//! CSV export in Google Contacts' current import layout.
//!
//! In: persons. Out: a header and one row per person, in the given order (UTF-8, `,`, fields
//! quoted where needed, CRLF record ends as RFC 4180 asks; newlines inside a cell stay).
//!
//! The header is Google's (FORMATS.md): the fixed name and organisation columns, then
//! `E-mail N`, `Phone N` (label, value), `Address N` (label, formatted, street, city, PO box,
//! region, postal code, country, extended address), `Website N` (label, value) and `IM N`
//! (label, service, value) groups. The number of groups of each kind is what the widest person
//! needs, counted over all persons before the first row is written, so no e-mail, phone,
//! address, url or social profile is ever dropped; at least one `E-mail` and one `Phone` group
//! is always there, because readers recognise Google's layout by them. Columns that hold one
//! value in Google's layout get every value joined by ` ::: `, Google's own separator:
//! nickname, organisation, title, department, notes.
//!
//! Socials go to the `IM N` groups (their label in `IM N - Label`). A year-less birthday is
//! written the way Google exports it, `   1-MM-DD` (year 1, padded), because `--MM-DD` would
//! trip the formula guard below.
//!
//! Every cell is cleaned first (CR and CRLF inside a cell become LF, other control characters
//! are dropped; see [`super::clean`]) and then passes the formula-injection guard of
//! DESIGN.md: a cell that starts with `=` or `@`, or with `+`/`-` followed by anything but a
//! number, gets a leading `'` (and so does one that starts with a tab or a line end). An E.164
//! number such as `+31612345678` is written as it is.
//!
//! Not written: photos, `Labels` (groups), encounters, provenance, other names and birthdays
//! than the shown ones (Google's layout has one name and one birthday).

use std::borrow::Cow;
use std::io;

use crate::dedup::merge::{merge, AddressParts, Field, Item, Merged, Provenance};
use crate::model::Person;

/// The columns before the numbered groups, in Google's order.
const FIXED: [&str; 17] = [
    "First Name",
    "Middle Name",
    "Last Name",
    "Phonetic First Name",
    "Phonetic Middle Name",
    "Phonetic Last Name",
    "Name Prefix",
    "Name Suffix",
    "Nickname",
    "File As",
    "Organization Name",
    "Organization Title",
    "Organization Department",
    "Birthday",
    "Notes",
    "Photo",
    "Labels",
];

/// The parts of one `Address N` group, in Google's order.
const ADDRESS_PARTS: [&str; 9] = [
    "Label",
    "Formatted",
    "Street",
    "City",
    "PO Box",
    "Region",
    "Postal Code",
    "Country",
    "Extended Address",
];

/// Google's separator for several values in one cell.
const JOIN: &str = " ::: ";

/// How many numbered groups of each kind the header has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Widths {
    emails: usize,
    phones: usize,
    addresses: usize,
    websites: usize,
    ims: usize,
}

impl Widths {
    fn of(merged: &[Merged]) -> Widths {
        let mut w = Widths {
            emails: 1,
            phones: 1,
            ..Widths::default()
        };
        for m in merged {
            w.emails = w.emails.max(m.emails.len());
            w.phones = w.phones.max(m.phones.len());
            w.addresses = w.addresses.max(m.addresses.len());
            w.websites = w.websites.max(m.urls.len());
            w.ims = w.ims.max(m.socials.len());
        }
        w
    }

    fn header(&self) -> Vec<String> {
        let mut h: Vec<String> = FIXED.iter().map(|s| s.to_string()).collect();
        let mut groups = |kind: &str, n: usize, parts: &[&str]| {
            for i in 1..=n {
                h.extend(parts.iter().map(|p| format!("{kind} {i} - {p}")));
            }
        };
        groups("E-mail", self.emails, &["Label", "Value"]);
        groups("Phone", self.phones, &["Label", "Value"]);
        groups("Address", self.addresses, &ADDRESS_PARTS);
        groups("Website", self.websites, &["Label", "Value"]);
        groups("IM", self.ims, &["Label", "Service", "Value"]);
        h
    }
}

/// Write the header and one row per person.
pub fn write(persons: &[Person], out: &mut impl io::Write) -> io::Result<()> {
    // Merging twice would be cheaper in memory, but the widths must be known before the header.
    let merged: Vec<Merged> = persons.iter().map(merge).collect();
    let widths = Widths::of(&merged);
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(widths.header())?;
    for m in &merged {
        let row: Vec<String> = row(m, &widths)
            .into_iter()
            .map(|cell| guard(&super::clean(&cell)).into_owned())
            .collect();
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

/// One person's cells, unguarded, in header order.
fn row(m: &Merged, widths: &Widths) -> Vec<String> {
    let n = &m.name;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    // With no split name, the full name goes where Google shows it first.
    let first = match (&n.given, &n.family) {
        (None, None) => opt(&n.full),
        _ => opt(&n.given),
    };
    let departments: Vec<&str> = {
        let mut d: Vec<&str> = Vec::new();
        for dep in &m.departments {
            if !d.contains(&dep.name.as_str()) {
                d.push(&dep.name);
            }
        }
        d
    };
    let mut cells = vec![
        first,
        String::new(),
        opt(&n.family),
        String::new(),
        String::new(),
        String::new(),
        opt(&n.prefix),
        opt(&n.suffix),
        m.nicknames.join(JOIN),
        String::new(),
        m.orgs.join(JOIN),
        m.titles.join(JOIN),
        departments.join(JOIN),
        m.birthday.as_deref().map(birthday).unwrap_or_default(),
        m.notes.join(JOIN),
        String::new(),
        String::new(),
    ];

    labelled(&mut cells, m, Field::Emails, &m.emails, widths.emails);
    labelled(&mut cells, m, Field::Phones, &m.phones, widths.phones);

    let addresses: Vec<&Provenance> = m.provenance_of(Field::Addresses).collect();
    for i in 0..widths.addresses {
        let Some(shown) = m.addresses.get(i) else {
            cells.extend(std::iter::repeat_n(String::new(), ADDRESS_PARTS.len()));
            continue;
        };
        let prov = addresses.get(i).copied();
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
        cells.extend([
            label(m, prov),
            formatted(&parts),
            opt(&parts.street),
            opt(&parts.city),
            opt(&parts.po_box),
            opt(&parts.region),
            opt(&parts.postcode),
            opt(&parts.country),
            String::new(),
        ]);
    }

    labelled(&mut cells, m, Field::Urls, &m.urls, widths.websites);

    let socials: Vec<&Provenance> = m.provenance_of(Field::Socials).collect();
    for i in 0..widths.ims {
        let value = m.socials.get(i).cloned().unwrap_or_default();
        cells.extend([label(m, socials.get(i).copied()), String::new(), value]);
    }
    cells
}

/// `Label, Value` groups for one list field, padded to `width` groups.
fn labelled(cells: &mut Vec<String>, m: &Merged, field: Field, values: &[String], width: usize) {
    let prov: Vec<&Provenance> = m.provenance_of(field).collect();
    for i in 0..width {
        cells.push(label(m, prov.get(i).copied()));
        cells.push(values.get(i).cloned().unwrap_or_default());
    }
}

fn label(m: &Merged, p: Option<&Provenance>) -> String {
    p.and_then(|p| m.best_label(p))
        .unwrap_or_default()
        .to_string()
}

/// The address as Google's `Formatted` cell shows it: street, postcode and city, region,
/// PO box, country, one per line.
fn formatted(a: &AddressParts) -> String {
    let town = [a.postcode.as_deref(), a.city.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    [
        a.street.as_deref(),
        a.po_box.as_deref(),
        (!town.is_empty()).then_some(town.as_str()),
        a.region
            .as_deref()
            .filter(|r| Some(*r) != a.city.as_deref()),
        a.country.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n")
}

/// A birthday as Google writes it: `YYYY-MM-DD`, or `   1-MM-DD` for a year-less `--MM-DD`.
fn birthday(value: &str) -> String {
    match value.strip_prefix("--") {
        Some(month_day) => format!("{:>4}-{month_day}", 1),
        None => value.to_string(),
    }
}

/// The formula-injection guard of DESIGN.md: a cell that starts with `=` or `@`, or with `+`
/// or `-` followed by anything but a number, gets a leading `'`. So does a cell that starts
/// with a tab, CR or LF (OWASP's list: spreadsheets skip them and read the formula behind).
/// "A number" is the whole rest of the cell: a digit first, then only digits, spaces and
/// `( ) . / -`, which is every way phone numbers are written (`+31 (0)6-12345678`) and never a
/// formula that calls anything; a digit first is not enough, `-1+cmd|' /C calc'!A0` runs a
/// program in Excel (HARDENING.md).
pub fn guard(cell: &str) -> Cow<'_, str> {
    let mut chars = cell.chars();
    let risky = match chars.next() {
        Some('=' | '@' | '\t' | '\r' | '\n') => true,
        Some('+' | '-') => !is_number(chars.as_str()),
        _ => false,
    };
    if risky {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Digits, then only digits, spaces and `( ) . / -`: see [`guard`].
fn is_number(rest: &str) -> bool {
    rest.starts_with(|c: char| c.is_ascii_digit())
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '(' | ')' | '.' | '/' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_follows_the_design_rule() {
        const CASES: &[(&str, &str)] = &[
            (
                "=HYPERLINK(\"http://evil\",\"klik\")",
                "'=HYPERLINK(\"http://evil\",\"klik\")",
            ),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-cmd", "'-cmd"),
            ("-", "'-"),
            ("+", "'+"),
            ("+31612345678", "+31612345678"),
            // Only a number passes: a digit first is not enough (DDE through `-1+cmd|…`).
            ("-2+3", "'-2+3"),
            ("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"),
            ("+1cmd|' /C calc'!A0", "'+1cmd|' /C calc'!A0"),
            ("+31 (0)6-12345678", "+31 (0)6-12345678"),
            ("-12.50", "-12.50"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("\n=1+1", "'\n=1+1"),
            ("Jan van der Berg", "Jan van der Berg"),
            (" =niet aan het begin", " =niet aan het begin"),
            ("", ""),
            ("'al een quote", "'al een quote"),
        ];
        for (input, want) in CASES {
            assert_eq!(guard(input), *want, "case {input:?}");
        }
    }

    #[test]
    fn birthdays_in_google_form() {
        const CASES: &[(&str, &str)] = &[("1986-02-07", "1986-02-07"), ("--03-07", "   1-03-07")];
        for (input, want) in CASES {
            assert_eq!(birthday(input), *want, "case {input:?}");
            assert_eq!(
                guard(&birthday(input)),
                *want,
                "case {input:?} passes the guard"
            );
        }
    }

    #[test]
    fn header_widths() {
        let w = Widths {
            emails: 2,
            phones: 1,
            addresses: 1,
            websites: 0,
            ims: 1,
        };
        let h = w.header();
        assert_eq!(h.len(), FIXED.len() + 2 * 2 + 2 + 9 + 3);
        assert_eq!(h[17], "E-mail 1 - Label");
        assert_eq!(h[20], "E-mail 2 - Value");
        assert_eq!(h[h.len() - 1], "IM 1 - Value");
    }
}
