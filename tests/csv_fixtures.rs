//! Golden tests for the CSV readers: every fixture under `fixtures/csv/` (well-formed exports of
//! every flavour, and malformed files under `malformed/`) is read, and what it gave — the
//! detected kind, the contacts, the rejected rows and the diagnostics as printed — is compared
//! with its committed insta snapshot. A new fixture without a case here fails
//! `every_fixture_has_a_case`.

use netwerk_import::sources::table::{read, sniff};
use netwerk_import::sources::{FileRead, ReadOptions};
use serde_json::{json, Value};
use std::path::Path;

/// (fixture path under `fixtures/csv/`, whether `sniff` should say it is a table)
const FIXTURES: &[(&str, bool)] = &[
    ("google.csv", true),
    ("google-legacy.csv", true),
    ("outlook-nl.csv", true),
    ("outlook-en.csv", true),
    ("outlook-com.csv", true),
    ("thunderbird.csv", true),
    ("thunderbird-trailing-comma.csv", true),
    ("linkedin-connections.csv", true),
    ("linkedin-2018.csv", true),
    ("linkedin-2020.csv", true),
    ("linkedin-invitations.csv", true),
    ("generic-nl.csv", true),
    ("generic-utf16le-tab.csv", true),
    ("febrl.csv", true),
    ("malformed/unterminated-quote.csv", true),
    ("malformed/ragged-rows.csv", true),
    ("malformed/header-only.csv", true),
    ("malformed/empty.csv", false),
    ("malformed/binary-junk.csv", false),
    ("malformed/invalid-utf8-row.csv", true),
    ("malformed/no-recognisable-columns.csv", true),
    ("malformed/wrapped-row.csv", true),
];

fn fixture(name: &str) -> (String, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/csv")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (format!("fixtures/csv/{name}"), bytes)
}

fn summary(read: &FileRead) -> Value {
    json!({
        "kind": read.kind.as_str(),
        "contacts": read.contacts,
        "rejected": read.rejected.iter().map(|r| json!({
            "record": r.source.record,
            "line": r.source.line,
            "reason": r.reason,
            "raw": r.raw,
        })).collect::<Vec<_>>(),
        "diagnostics": read.diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>(),
    })
}

#[test]
fn fixtures_match_their_snapshots() {
    for (name, _) in FIXTURES {
        let (path, bytes) = fixture(name);
        let got = read(&path, &bytes, &ReadOptions::default());
        let snapshot = name.trim_end_matches(".csv").replace('/', "__");
        insta::assert_json_snapshot!(snapshot, summary(&got));
    }
}

#[test]
fn sniff_says_which_fixtures_are_tables() {
    for (name, table) in FIXTURES {
        let (_, bytes) = fixture(name);
        assert_eq!(sniff(&bytes), *table, "case {name}");
    }
}

#[test]
fn every_fixture_has_a_case() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/csv");
    let mut found = Vec::new();
    for dir in [root.clone(), root.join("malformed")] {
        for entry in std::fs::read_dir(&dir).expect("fixture folder") {
            let path = entry.expect("dir entry").path();
            if path.is_file() {
                let rel = path.strip_prefix(&root).expect("under root");
                found.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(|(n, _)| (*n).to_owned()).collect();
    listed.sort();
    assert_eq!(found, listed);
}

/// Reading a file twice gives the same result, and `--csv-map` maps a column the generic
/// vocabulary does not know.
#[test]
fn csv_map_rescues_a_file_with_unknown_columns() {
    let (path, bytes) = fixture("malformed/no-recognisable-columns.csv");
    let opts = ReadOptions {
        csv_map: vec![("Kleur".into(), "full-name".into())],
    };
    let got = read(&path, &bytes, &opts);
    assert_eq!(got, read(&path, &bytes, &opts));
    let names: Vec<_> = got
        .contacts
        .iter()
        .map(|c| c.name.full.clone().unwrap_or_default())
        .collect();
    assert_eq!(names, ["rood", "blauw"]);
    assert!(got.diagnostics.is_empty(), "{:?}", got.diagnostics);
}
