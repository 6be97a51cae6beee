//! Values only history remembers: what records of older file versions gave and no current
//! record gives any more (a phone that disappeared from the newest export).
//!
//! In: a person's merged view (its current values) and its [`HistoricRecord`]s. Out:
//! [`HistoricValue`]s, fields in the order of the merged view's provenance (name, emails,
//! phones, orgs, titles, urls, addresses, birthday, notes, nicknames, socials) and values in
//! the order they were first given (records in (path, record, run) order). Values are compared
//! by their normalised form, as the merge does. Pure.

use crate::dedup::merge::{AddressParts, Field, Item, Merged};
use crate::model::{Address, Contact, SourceKind};
use crate::store::HistoricRecord;
use serde::Serialize;

/// A value no current record gives, with every older record that gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoricValue {
    pub field: Field,
    /// Text for most fields, the address parts for addresses (as in `provenance`).
    pub value: Item,
    /// The value as one line, for people.
    #[serde(skip)]
    pub text: String,
    pub from: Vec<HistoricFrom>,
}

/// One older record that gave a historic value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoricFrom {
    pub path: String,
    #[serde(serialize_with = "kind_str")]
    pub kind: SourceKind,
    pub record: u32,
    pub line: Option<u32>,
    /// The value exactly as that record wrote it.
    pub original: String,
    pub label: Option<String>,
    /// The run that imported that version of the file.
    pub run: i64,
    /// The run that brought the newer version without it.
    pub superseded_run: i64,
}

fn kind_str<S: serde::Serializer>(kind: &SourceKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.as_str())
}

/// One value as a record gives it: (field, normalised key, display text, original, label).
type Given = (Field, Item, String, String, Option<String>);

/// Every value a contact gives, in the merged view's field order.
fn given(c: &Contact) -> Vec<Given> {
    let mut out: Vec<Given> = Vec::new();
    let mut text = |field: Field, value: &str, original: &str, label: &Option<String>| {
        if !value.trim().is_empty() {
            out.push((
                field,
                Item::Text(value.to_string()),
                value.to_string(),
                original.to_string(),
                label.clone(),
            ));
        }
    };
    if let Some(full) = &c.name.full {
        text(
            Field::Name,
            full,
            c.name.original.as_deref().unwrap_or(full),
            &None,
        );
    }
    for v in &c.emails {
        text(Field::Emails, &v.value, &v.original, &v.label);
    }
    for v in &c.phones {
        text(Field::Phones, &v.value, &v.original, &v.label);
    }
    for o in &c.orgs {
        text(Field::Orgs, &o.name, &o.original, &None);
    }
    for v in &c.titles {
        text(Field::Titles, &v.value, &v.original, &v.label);
    }
    for v in &c.urls {
        text(Field::Urls, &v.value, &v.original, &v.label);
    }
    let mut addresses: Vec<Given> = c
        .addresses
        .iter()
        .map(|a| {
            let parts = parts(a);
            let shown = address_text(&parts);
            (
                Field::Addresses,
                Item::Address(parts),
                shown,
                a.original.clone(),
                a.label.clone(),
            )
        })
        .filter(|g| !g.2.is_empty())
        .collect();
    out.append(&mut addresses);
    let mut text = |field: Field, value: &str, original: &str, label: &Option<String>| {
        if !value.trim().is_empty() {
            out.push((
                field,
                Item::Text(value.to_string()),
                value.to_string(),
                original.to_string(),
                label.clone(),
            ));
        }
    };
    if let Some(v) = &c.birthday {
        text(Field::Birthday, &v.value, &v.original, &v.label);
    }
    for v in &c.notes {
        text(Field::Notes, &v.value, &v.original, &v.label);
    }
    for v in &c.nicknames {
        text(Field::Nicknames, &v.value, &v.original, &v.label);
    }
    for v in &c.socials {
        text(Field::Socials, &v.value, &v.original, &v.label);
    }
    out
}

fn parts(a: &Address) -> AddressParts {
    AddressParts {
        street: a.street.clone(),
        postcode: a.postcode.clone(),
        city: a.city.clone(),
        region: a.region.clone(),
        country: a.country.clone(),
        po_box: a.po_box.clone(),
    }
}

/// `Oudegracht 12, 3511 AB Utrecht, NL`.
pub fn address_text(a: &AddressParts) -> String {
    let town = [&a.postcode, &a.city]
        .iter()
        .filter_map(|p| p.as_deref().map(str::trim).filter(|p| !p.is_empty()))
        .collect::<Vec<_>>()
        .join(" ");
    [
        a.po_box.as_deref(),
        a.street.as_deref(),
        Some(town.as_str()),
        a.region.as_deref(),
        a.country.as_deref(),
    ]
    .iter()
    .flatten()
    .map(|p| p.trim())
    .filter(|p| !p.is_empty())
    .collect::<Vec<_>>()
    .join(", ")
}

/// Whether the merged (current) view already shows this value.
fn is_current(merged: &Merged, field: Field, value: &Item) -> bool {
    merged.provenance_of(field).any(|p| {
        std::mem::discriminant(&p.value) == std::mem::discriminant(value) && &p.value == value
    })
}

/// The values only history gives (see the module doc).
pub fn historic_values(merged: &Merged, historic: &[HistoricRecord]) -> Vec<HistoricValue> {
    let mut out: Vec<HistoricValue> = Vec::new();
    for h in historic {
        let c = &h.contact;
        for (field, value, text, original, label) in given(c) {
            if is_current(merged, field, &value) {
                continue;
            }
            let from = HistoricFrom {
                path: c.source.path.clone(),
                kind: c.source.kind,
                record: c.source.record,
                line: c.source.line,
                original,
                label,
                run: h.run,
                superseded_run: h.superseded_run,
            };
            match out
                .iter_mut()
                .find(|v| v.field == field && v.value == value)
            {
                Some(v) => {
                    if !v.from.contains(&from) {
                        v.from.push(from);
                    }
                }
                None => out.push(HistoricValue {
                    field,
                    value,
                    text,
                    from: vec![from],
                }),
            }
        }
    }
    // Field order of the merged view, first appearance within a field (stable sort).
    out.sort_by_key(|v| v.field);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::merge::merge;
    use crate::model::{Person, Source, Value};

    fn contact(path: &str, phones: &[&str]) -> Contact {
        let mut c = Contact::empty(Source {
            path: path.to_string(),
            kind: SourceKind::CsvGoogle,
            record: 1,
            line: Some(2),
        });
        c.name.full = Some("Jan Berg".to_string());
        c.phones = phones
            .iter()
            .map(|p| Value {
                value: p.to_string(),
                original: p.to_string(),
                label: None,
            })
            .collect();
        c
    }

    #[test]
    fn only_values_no_current_record_gives_are_historic() {
        let now = contact("g.csv", &["+31612345678"]);
        let merged = merge(&Person {
            id: "p-1".to_string(),
            records: vec![now],
            encounters: Vec::new(),
        });
        let old = |run, phones: &[&str]| HistoricRecord {
            contact: contact("g.csv", phones),
            run,
            superseded_run: run + 1,
        };
        let got = historic_values(
            &merged,
            &[
                old(1, &["+31612345678", "+31611111111"]),
                old(2, &["+31611111111", "+31622222222"]),
            ],
        );
        let shown: Vec<String> = got
            .iter()
            .map(|v| {
                let runs: Vec<String> = v.from.iter().map(|f| f.run.to_string()).collect();
                format!("{:?} {} runs {}", v.field, v.text, runs.join(","))
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                "Phones +31611111111 runs 1,2".to_string(),
                "Phones +31622222222 runs 2".to_string(),
            ]
        );
    }

    #[test]
    fn addresses_read_like_an_envelope() {
        const CASES: &[(&[Option<&str>; 3], &str)] = &[
            (
                &[Some("Oudegracht 12"), Some("3511 AB"), Some("Utrecht")],
                "Oudegracht 12, 3511 AB Utrecht",
            ),
            (&[None, None, Some("Utrecht")], "Utrecht"),
            (&[None, None, None], ""),
        ];
        for (p, want) in CASES {
            let a = AddressParts {
                street: p[0].map(str::to_string),
                postcode: p[1].map(str::to_string),
                city: p[2].map(str::to_string),
                ..AddressParts::default()
            };
            assert_eq!(address_text(&a), *want, "case {p:?}");
        }
    }
}
