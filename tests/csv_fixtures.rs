//! Golden tests for the CSV readers: every fixture under `fixtures/csv/` (well-formed exports of
//! every flavour, and malformed files under `malformed/`) is read, and what it gave — the
//! detected kind, the contacts, the rejected rows and the diagnostics as printed — is compared
//! with its committed insta snapshot. A new fixture without a case here fails
//! `every_fixture_has_a_case`.

use netwerk_import::normalize;
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
    ("malformed/google-ragged.csv", true),
    ("malformed/google-legacy-bad.csv", true),
    ("malformed/outlook-nl-bad.csv", true),
    ("malformed/outlook-en-bad.csv", true),
    ("malformed/outlook-com-bad.csv", true),
    ("malformed/thunderbird-bad.csv", true),
    ("malformed/linkedin-preamble-bad.csv", true),
    ("malformed/linkedin-2018-bad.csv", true),
    ("malformed/linkedin-invitations-bad.csv", true),
    ("malformed/generic-nl-bad.csv", true),
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

/// (malformed variant, lines of the contacts it keeps, lines of the rows it rejects)
const VARIANTS: &[(&str, &[u32], &[u32])] = &[
    ("malformed/google-ragged.csv", &[2, 7, 9], &[4, 5, 6]),
    ("malformed/google-legacy-bad.csv", &[2, 5, 8], &[3, 4, 7]),
    ("malformed/outlook-nl-bad.csv", &[2, 5, 7], &[4, 6]),
    ("malformed/outlook-en-bad.csv", &[2, 3, 8], &[5, 6, 7]),
    ("malformed/outlook-com-bad.csv", &[2, 6], &[3, 4, 5]),
    ("malformed/thunderbird-bad.csv", &[2, 4, 5], &[3, 6]),
    ("malformed/linkedin-preamble-bad.csv", &[5, 7, 8, 9], &[6]),
    ("malformed/linkedin-2018-bad.csv", &[2, 4, 7], &[3, 5, 6]),
    (
        "malformed/linkedin-invitations-bad.csv",
        &[2, 7],
        &[3, 4, 5, 6],
    ),
    ("malformed/generic-nl-bad.csv", &[2, 7, 8], &[3, 4, 5]),
];

/// Each flavour's malformed variant keeps its good rows and reports every bad one at the line
/// where it starts, as `path:line (record N): reason`.
#[test]
fn malformed_variants_keep_good_rows_and_locate_bad_ones() {
    for (name, kept, rejected) in VARIANTS {
        let (path, bytes) = fixture(name);
        let got = read(&path, &bytes, &ReadOptions::default());
        let lines = |s: &netwerk_import::model::Source| s.line.unwrap_or(0);
        let kept_lines: Vec<u32> = got.contacts.iter().map(|c| lines(&c.source)).collect();
        assert_eq!(kept_lines, *kept, "case {name}: contacts");
        let rejected_lines: Vec<u32> = got.rejected.iter().map(|r| lines(&r.source)).collect();
        assert_eq!(rejected_lines, *rejected, "case {name}: rejected");
        let printed: Vec<String> = got.diagnostics.iter().map(ToString::to_string).collect();
        for r in &got.rejected {
            let want = format!(
                "{path}:{} (record {}): {}",
                lines(&r.source),
                r.source.record,
                r.reason
            );
            assert!(
                printed.contains(&want),
                "case {name}: no {want:?} in {printed:#?}"
            );
        }
    }
}

/// Google's ` ::: ` cells with an empty part give only the real values.
#[test]
fn google_multi_value_cells_skip_empty_parts() {
    let (path, bytes) = fixture("malformed/google-ragged.csv");
    let got = read(&path, &bytes, &ReadOptions::default());
    let values: Vec<&str> = got
        .contacts
        .iter()
        .flat_map(|c| c.emails.iter().chain(&c.phones))
        .map(|l| l.value.as_str())
        .collect();
    assert_eq!(
        values,
        [
            "w.vandijk@ggzcentraal.example",
            "06-13572468",
            "joost@wijkwerk.example",
            "030-7654321",
            "fatima@elidrissi.example",
            "f.elidrissi@werk.example",
        ]
    );
}

/// Dates are kept verbatim by the reader; an impossible one is reported by `normalize` at the
/// row's line.
#[test]
fn impossible_dates_are_reported_at_their_line() {
    for (name, line, value) in [
        ("malformed/outlook-nl-bad.csv", 5, "31-2-1988"),
        ("malformed/linkedin-preamble-bad.csv", 8, "31 Foo 2024"),
    ] {
        let (path, bytes) = fixture(name);
        let got = read(&path, &bytes, &ReadOptions::default());
        let raw = got
            .contacts
            .iter()
            .find(|c| c.source.line == Some(line))
            .unwrap_or_else(|| panic!("case {name}: no contact at line {line}"));
        let (_, diags) = normalize::contact(raw, &normalize::Options::default());
        let printed: Vec<String> = diags.iter().map(ToString::to_string).collect();
        let prefix = format!("{path}:{line}");
        assert!(
            printed
                .iter()
                .any(|d| d.starts_with(&prefix) && d.contains(value)),
            "case {name}: {printed:#?}"
        );
    }
}
