//! JSON Lines export: the contract's keys and order, and a golden snapshot.

mod export_support;

use export_support::*;
use netwerk_import::export::{self, Format};
use netwerk_import::model::{Address, Contact, Name, Person, SourceKind};
use serde_json::Value as Json;

fn jsonl(persons: &[Person]) -> String {
    let mut out = Vec::new();
    export::write(Format::Jsonl, persons, &mut out).expect("writing to a Vec");
    String::from_utf8(out).expect("JSON is UTF-8")
}

const CONTRACT_KEYS: [&str; 13] = [
    "id",
    "name",
    "emails",
    "phones",
    "orgs",
    "titles",
    "urls",
    "addresses",
    "birthday",
    "notes",
    "sources",
    "encounters",
    // Added after the contract's keys, in this order.
    "nicknames",
];

fn keys(v: &Json) -> Vec<&str> {
    v.as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn one_line_per_person_in_the_given_order() {
    let persons = persons();
    let text = jsonl(&persons);
    assert!(text.ends_with('\n'));
    let ids: Vec<String> = text
        .lines()
        .map(|l| {
            let v: Json = serde_json::from_str(l).expect("each line is JSON");
            v["id"].as_str().expect("id").to_string()
        })
        .collect();
    let want: Vec<&str> = persons.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, want);
}

#[test]
fn keys_are_in_contract_order() {
    for line in jsonl(&persons()).lines() {
        let v: Json = serde_json::from_str(line).expect("JSON");
        assert_eq!(
            keys(&v),
            [
                &CONTRACT_KEYS[..],
                &["socials", "departments", "provenance", "conflicts"]
            ]
            .concat(),
            "line {line}"
        );
        assert_eq!(
            keys(&v["name"]),
            ["full", "given", "family", "prefix", "suffix"]
        );
        for a in v["addresses"].as_array().expect("addresses") {
            assert_eq!(keys(a), ["street", "postcode", "city", "country"]);
        }
        for s in v["sources"].as_array().expect("sources") {
            assert_eq!(keys(s), ["path", "kind", "record", "line"]);
        }
        for e in v["encounters"].as_array().expect("encounters") {
            assert_eq!(keys(e), ["event", "date", "place", "how", "source"]);
        }
    }
}

/// The person of DESIGN.md's example, record for record.
fn contract_person() -> Person {
    let mut scan = Contact::empty(source(
        "scans/2026-10-03 Congres/IMG_0012.jpg",
        SourceKind::Scan,
        1,
        None,
    ));
    scan.name = Name {
        full: Some("Jan van der Berg".into()),
        given: Some("Jan".into()),
        family: Some("van der Berg".into()),
        ..Name::default()
    };
    scan.emails = vec![same("jan@voorbeeld.nl")];
    scan.phones = vec![value("+31612345678", "06-12345678", None)];
    scan.orgs = vec![org("Stichting Voorbeeld", None)];
    scan.titles = vec![same("Coördinator")];
    scan.addresses = vec![Address {
        street: Some("…".into()),
        postcode: Some("3511 AB".into()),
        city: Some("Utrecht".into()),
        country: Some("NL".into()),
        original: "…, 3511 AB Utrecht".into(),
        ..Address::default()
    }];
    let mut li = Contact::empty(source(
        "exports/Connections.csv",
        SourceKind::CsvLinkedin,
        17,
        Some(21),
    ));
    li.urls = vec![same("https://www.linkedin.com/in/janvdberg")];
    Person {
        id: "p-0123456789ab".into(),
        records: vec![scan, li],
        encounters: vec![encounter(
            "Congres",
            "2026-10-03",
            Some("Utrecht"),
            "card",
            "scans/2026-10-03 Congres/netwerk.toml",
        )],
    }
}

#[test]
fn matches_the_contract_example() {
    // DESIGN.md's example, with `sources` sorted by (path, record) as the contract requires
    // (the example lists the scan first, which is not sorted).
    let expected = r#"{"id":"p-0123456789ab","name":{"full":"Jan van der Berg","given":"Jan","family":"van der Berg","prefix":null,"suffix":null},
 "emails":["jan@voorbeeld.nl"],"phones":["+31612345678"],"orgs":["Stichting Voorbeeld"],"titles":["Coördinator"],
 "urls":["https://www.linkedin.com/in/janvdberg"],"addresses":[{"street":"…","postcode":"3511 AB","city":"Utrecht","country":"NL"}],
 "birthday":null,"notes":[],
 "sources":[{"path":"exports/Connections.csv","kind":"csv:linkedin","record":17,"line":21},
            {"path":"scans/2026-10-03 Congres/IMG_0012.jpg","kind":"scan","record":1,"line":null}],
 "encounters":[{"event":"Congres","date":"2026-10-03","place":"Utrecht","how":"card","source":"scans/2026-10-03 Congres/netwerk.toml"}]}"#;
    let expected: String = expected
        .split('\n')
        .map(|l| l.trim_start())
        .collect::<Vec<_>>()
        .join("");
    let line = jsonl(&[contract_person()]);
    let prefix = expected.trim_end_matches('}');
    assert!(
        line.starts_with(prefix),
        "the export must begin with the contract, byte for byte:\n{line}\n{expected}"
    );
    assert!(line[prefix.len()..].starts_with(",\"nicknames\":"));
}

#[test]
fn newlines_in_values_stay_inside_their_line() {
    let text = jsonl(&[mallory()]);
    assert_eq!(text.lines().count(), 1);
    let v: Json = serde_json::from_str(text.trim_end()).expect("JSON");
    assert_eq!(v["notes"][0], INJECTED_NOTE);
}

#[test]
fn snapshot() {
    insta::assert_snapshot!(jsonl(&persons()));
}
