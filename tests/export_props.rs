//! Properties of merging and of the exports, on generated persons and hostile text.

use std::collections::BTreeSet;

use netwerk_import::dedup::merge::{merge, Field, Item, Merged};
use netwerk_import::export::{self, Format};
use netwerk_import::model::{
    Address, Contact, Encounter, Name, Org, Person, Source, SourceKind, Value,
};
use proptest::prelude::*;

/// Small pools, so that records share values and deduplication has work to do.
const EMAILS: &[&str] = &["jan@voorbeeld.nl", "j@gmail.com", "info@stichting.nl", ""];
const PHONES: &[&str] = &["+31612345678", "+31302345678", "+3220000000"];
const TEXTS: &[&str] = &["Coördinator", "Adviseur", "  ", "Zoë; de, Wit"];
const NAMES: &[&str] = &["Jan van der Berg", "J. van der Berg", "Zoë de Wit-Ünal"];
const BIRTHDAYS: &[&str] = &["1980-05-01", "--05-01", "1981-05-01"];
const LABELS: &[Option<&str>] = &[None, Some("work"), Some("home"), Some("Mobiel")];

fn pick<T: Clone + std::fmt::Debug + 'static>(pool: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(pool)
}

fn value() -> impl Strategy<Value = Value> {
    (pick(EMAILS), pick(LABELS), any::<bool>()).prop_map(|(v, label, upper)| Value {
        value: v.to_string(),
        original: if upper {
            v.to_uppercase()
        } else {
            v.to_string()
        },
        label: label.map(str::to_string),
    })
}

fn from_pool(pool: &'static [&'static str]) -> impl Strategy<Value = Value> {
    (pick(pool), pick(LABELS)).prop_map(|(v, label)| Value {
        value: v.to_string(),
        original: format!(" {v} "),
        label: label.map(str::to_string),
    })
}

fn contact(source: Source) -> impl Strategy<Value = Contact> {
    (
        proptest::option::of(pick(NAMES)),
        prop::collection::vec(value(), 0..3),
        prop::collection::vec(from_pool(PHONES), 0..3),
        prop::collection::vec(from_pool(TEXTS), 0..3),
        prop::collection::vec((pick(TEXTS), proptest::option::of(pick(TEXTS))), 0..2),
        prop::collection::vec((pick(TEXTS), pick(TEXTS)), 0..2),
        proptest::option::of(from_pool(BIRTHDAYS)),
        prop::collection::vec(from_pool(TEXTS), 0..2),
    )
        .prop_map(
            move |(name, emails, phones, titles, orgs, addresses, birthday, notes)| {
                let mut c = Contact::empty(source.clone());
                c.name = Name {
                    full: name.map(str::to_string),
                    ..Name::default()
                };
                c.emails = emails;
                c.phones = phones;
                c.titles = titles.clone();
                c.nicknames = titles.clone();
                c.socials = notes.clone();
                c.urls = titles;
                c.orgs = orgs
                    .into_iter()
                    .map(|(name, department)| Org {
                        name: name.to_string(),
                        department: department.map(str::to_string),
                        original: name.to_string(),
                        ..Org::default()
                    })
                    .collect();
                c.addresses = addresses
                    .into_iter()
                    .map(|(street, city)| Address {
                        street: Some(street.to_string()),
                        city: Some(city.to_string()),
                        original: format!("{street}, {city}"),
                        ..Address::default()
                    })
                    .collect();
                c.birthday = birthday;
                c.notes = notes;
                c
            },
        )
}

/// A person of 1 to 5 records with distinct (path, record), sorted by source as the index
/// keeps them.
fn person() -> impl Strategy<Value = Person> {
    let sources = prop::collection::btree_set(
        (
            pick(&["a.vcf", "b/Connections.csv", "c/IMG_1.jpg"]),
            1u32..4,
        ),
        1..6,
    );
    (sources, prop::collection::vec(pick(&SourceKind::ALL), 5))
        .prop_flat_map(|(sources, kinds)| {
            let records: Vec<_> = sources
                .into_iter()
                .zip(kinds)
                .map(|((path, record), kind)| {
                    contact(Source {
                        path: path.to_string(),
                        kind,
                        record,
                        line: Some(record * 10),
                    })
                })
                .collect();
            let encounters = prop::collection::vec(
                (
                    pick(&["Congres", "Borrel"]),
                    pick(&["2026-10-03", "2025-01-01"]),
                ),
                0..3,
            );
            (records, encounters)
        })
        .prop_map(|(records, encounters)| Person {
            id: "p-00000000abcd".into(),
            records,
            encounters: encounters
                .into_iter()
                .map(|(event, date)| Encounter {
                    event: Some(event.into()),
                    date: Some(date.into()),
                    place: None,
                    how: "in-person".into(),
                    source: "netwerk.toml".into(),
                })
                .collect(),
        })
}

/// Every normalised value of every record, per field, with the merged list it must be in.
fn field_values(c: &Contact) -> Vec<(Field, String)> {
    let mut out = Vec::new();
    let mut add = |field, values: &[Value]| {
        out.extend(
            values
                .iter()
                .filter(|v| !v.value.trim().is_empty())
                .map(|v| (field, v.value.clone())),
        )
    };
    add(Field::Emails, &c.emails);
    add(Field::Phones, &c.phones);
    add(Field::Titles, &c.titles);
    add(Field::Urls, &c.urls);
    add(Field::Notes, &c.notes);
    add(Field::Nicknames, &c.nicknames);
    add(Field::Socials, &c.socials);
    add(Field::Birthday, c.birthday.as_slice());
    out.extend(
        c.orgs
            .iter()
            .filter(|o| !o.name.trim().is_empty())
            .map(|o| (Field::Orgs, o.name.clone())),
    );
    out.extend(c.name.full.iter().map(|n| (Field::Name, n.clone())));
    out
}

fn text_items(m: &Merged, field: Field) -> Vec<String> {
    m.provenance_of(field)
        .filter_map(|p| match &p.value {
            Item::Text(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

fn list(m: &Merged, field: Field) -> Vec<String> {
    match field {
        Field::Emails => m.emails.clone(),
        Field::Phones => m.phones.clone(),
        Field::Orgs => m.orgs.clone(),
        Field::Titles => m.titles.clone(),
        Field::Urls => m.urls.clone(),
        Field::Notes => m.notes.clone(),
        Field::Nicknames => m.nicknames.clone(),
        Field::Socials => m.socials.clone(),
        _ => text_items(m, field),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn merge_ignores_record_and_encounter_order(
        (p, shuffled) in person().prop_flat_map(|p| {
            let records = Just(p.records.clone()).prop_shuffle();
            let encounters = Just(p.encounters.clone()).prop_shuffle();
            (Just(p), records, encounters)
        }).prop_map(|(p, records, encounters)| {
            let shuffled = Person { records, encounters, ..p.clone() };
            (p, shuffled)
        })
    ) {
        prop_assert_eq!(merge(&p), merge(&shuffled));
        // And the exports are byte for byte the same.
        for f in Format::ALL {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            export::write(f, std::slice::from_ref(&p), &mut a).expect("write");
            export::write(f, std::slice::from_ref(&shuffled), &mut b).expect("write");
            prop_assert_eq!(a, b, "format {}", f);
        }
    }

    #[test]
    fn merge_never_loses_a_value(p in person()) {
        let m = merge(&p);
        for c in &p.records {
            prop_assert!(
                m.sources.iter().any(|s| s.path == c.source.path && s.record == c.source.record),
                "source {:?} lost", c.source
            );
            for (field, v) in field_values(c) {
                prop_assert!(list(&m, field).contains(&v), "{:?} {:?} lost", field, v);
            }
            // Address parts are trimmed, and blank parts are no parts.
            let part = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
            for a in &c.addresses {
                let (mut street, city) = (part(&a.street), part(&a.city));
                if street.is_none() && city.is_none() {
                    // Without parts the original string is shown as the street.
                    street = part(&Some(a.original.clone()));
                    if street.is_none() {
                        continue;
                    }
                }
                let kept = m.addresses.iter().any(|s| s.street == street && s.city == city);
                prop_assert!(kept, "address {:?} lost", a);
            }
            for o in c.orgs.iter().filter(|o| o.department.as_deref().is_some_and(|d| !d.trim().is_empty()) && !o.name.trim().is_empty()) {
                let dep = o.department.as_deref().map(str::trim);
                prop_assert!(
                    m.departments.iter().any(|d| d.org == o.name && Some(d.name.as_str()) == dep),
                    "department {:?} lost", o
                );
            }
        }
        prop_assert_eq!(m.encounters.len(), p.encounters.iter().collect::<BTreeSet<_>>().len());
    }

    #[test]
    fn merged_lists_have_no_duplicates_and_follow_trust(p in person()) {
        let m = merge(&p);
        for field in [Field::Name, Field::Emails, Field::Phones, Field::Orgs, Field::Titles,
                      Field::Urls, Field::Birthday, Field::Notes, Field::Nicknames, Field::Socials] {
            let values = list(&m, field);
            let unique: BTreeSet<&String> = values.iter().collect();
            prop_assert_eq!(unique.len(), values.len(), "{:?} has duplicates", field);
            // Provenance is aligned with the list and ordered by best trust.
            let provenance: Vec<_> = m.provenance_of(field).collect();
            prop_assert_eq!(provenance.len(), values.len());
            let best: Vec<u8> = provenance
                .iter()
                .map(|p| p.from.iter().map(|g| m.sources[g.source].kind.trust()).max().unwrap_or(0))
                .collect();
            prop_assert!(best.windows(2).all(|w| w[0] >= w[1]), "{:?} not by trust: {:?}", field, best);
            // Every source a value is attributed to really gave it.
            for prov in &provenance {
                for g in &prov.from {
                    let s = &m.sources[g.source];
                    let rec = p.records.iter().find(|c| c.source.path == s.path && c.source.record == s.record);
                    let gave = rec.is_some_and(|c| field_values(c).iter().any(|(f, v)| *f == field && Item::Text(v.clone()) == prov.value));
                    prop_assert!(gave, "{:?} {:?} attributed to {:?}", field, prov.value, s);
                }
            }
        }
        // Single values: the shown one is the first in provenance and in its conflict.
        let names = text_items(&m, Field::Name);
        prop_assert_eq!(m.name.full.as_ref(), names.first());
        let birthdays = text_items(&m, Field::Birthday);
        prop_assert_eq!(m.birthday.as_ref(), birthdays.first());
        for c in &m.conflicts {
            let shown = if c.field == Field::Name { m.name.full.as_ref() } else { m.birthday.as_ref() };
            prop_assert_eq!(c.values.first(), shown);
        }
        // The shown name is from a most trusted record that has one.
        if let Some(full) = &m.name.full {
            let best = p.records.iter().filter(|c| c.name.full.is_some()).map(|c| c.source.kind.trust()).max();
            let givers: Vec<u8> = p.records.iter().filter(|c| c.name.full.as_ref() == Some(full)).map(|c| c.source.kind.trust()).collect();
            prop_assert!(givers.iter().max() == best.as_ref());
        }
    }

    /// Any text at all in any property stays in that property: one card, same value back.
    #[test]
    fn vcard_values_cannot_escape(note in "\\PC*|[\\\\;,:\"\r\n\t\u{0}-\u{1f}a-zé]{0,200}", name in "\\PC{0,100}") {
        let mut c = Contact::empty(Source {
            path: "x.vcf".into(),
            kind: SourceKind::Vcard,
            record: 1,
            line: None,
        });
        c.name.full = Some(format!("N{name}"));
        c.notes = vec![Value { value: note.clone(), original: note.clone(), label: None }];
        c.titles = vec![Value { value: note.clone(), original: note.clone(), label: None }];
        c.orgs = vec![Org { name: format!("O{note}"), department: Some(note.clone()), ..Org::default() }];
        let p = Person { id: "p-000000000001".into(), records: vec![c], encounters: Vec::new() };
        let mut out = Vec::new();
        export::write(Format::Vcard, &[p], &mut out).expect("write");
        let text = String::from_utf8(out).expect("UTF-8");

        let mut parser = calcard::Parser::new(&text);
        let calcard::Entry::VCard(card) = parser.entry() else {
            return Err(TestCaseError::fail(format!("not a card:\n{text}")));
        };
        prop_assert!(matches!(parser.entry(), calcard::Entry::Eof), "more than one card:\n{}", text);
        let get = |prop: calcard::vcard::VCardProperty| -> Vec<Vec<String>> {
            card.properties(&prop)
                .map(|e| e.values.iter().map(|v| v.as_text().unwrap_or_default().to_string()).collect())
                .collect()
        };
        // What the card must hold: merge trims names and departments, the writer cleans
        // controls and leaves out what is empty after that.
        let clean = |s: &str| s.replace("\r\n", "\n").replace('\r', "\n").chars()
            .filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect::<String>();
        let shown = |s: String| if s.trim().is_empty() { vec![] } else { vec![vec![s]] };
        let note_shown = shown(clean(&note));
        prop_assert_eq!(get(calcard::vcard::VCardProperty::Note), note_shown.clone());
        prop_assert_eq!(get(calcard::vcard::VCardProperty::Title), note_shown);
        prop_assert_eq!(get(calcard::vcard::VCardProperty::Fn), vec![vec![clean(format!("N{name}").trim())]]);
        let mut org = vec![clean(&format!("O{note}"))];
        let department = clean(note.trim());
        if !note.trim().is_empty() && !department.trim().is_empty() {
            org.push(department);
        }
        prop_assert_eq!(get(calcard::vcard::VCardProperty::Org), vec![org]);
        // vcard4's strict parser agrees (it needs folds outside escapes; see vcard::refold).
        let cards = vcard4::parse(&text).map_err(|e| TestCaseError::fail(format!("{e}:\n{text}")))?;
        prop_assert_eq!(cards.len(), 1);
        let notes: Vec<Vec<String>> = cards[0].note.iter().map(|n| vec![n.value.clone()]).collect();
        prop_assert_eq!(notes, shown(clean(&note)));
        for line in text.split("\r\n") {
            prop_assert!(line.len() <= 75 && !line.contains(['\r', '\n']), "bad line {:?}", line);
        }
    }

    /// Any text in a CSV cell comes back cleaned and guarded, never split or shifted.
    #[test]
    fn csv_cells_round_trip_guarded(note in "\\PC*|[=@+\\-0-9\",;\r\n\u{0}a-z]{0,50}") {
        let mut c = Contact::empty(Source { path: "x.csv".into(), kind: SourceKind::CsvGeneric, record: 1, line: Some(2) });
        c.notes = vec![Value { value: note.clone(), original: note.clone(), label: None }];
        c.emails = vec![Value { value: note.clone(), original: note.clone(), label: Some(note.clone()) }];
        let p = Person { id: "p-000000000001".into(), records: vec![c], encounters: Vec::new() };
        let mut out = Vec::new();
        export::write(Format::Csv, &[p], &mut out).expect("write");
        let mut r = csv::Reader::from_reader(out.as_slice());
        let header = r.headers().expect("header").clone();
        let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
        prop_assert_eq!(rows.len(), 1);
        prop_assert_eq!(rows[0].len(), header.len());
        let notes = header.iter().position(|h| h == "Notes").expect("Notes");
        let clean = note.replace("\r\n", "\n").replace('\r', "\n").chars()
            .filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect::<String>();
        let want = if note.trim().is_empty() { String::new() } else {
            netwerk_import::export::table::guard(&clean).into_owned()
        };
        prop_assert_eq!(&rows[0][notes], want.as_str());
        let first = rows[0][notes].chars().next();
        let second = rows[0][notes].chars().nth(1);
        let risky = matches!(first, Some('=') | Some('@'))
            || (matches!(first, Some('+') | Some('-')) && !second.is_some_and(|c| c.is_ascii_digit()));
        prop_assert!(!risky, "unguarded cell {:?}", &rows[0][notes]);
    }
}
