//! Output safety through the real binary (issue 6, item 4): hostile values read from a vCard,
//! a Google CSV and a Facebook JSON export, then written by every exporter.
//!
//! - CSV: no cell starts a formula (`=`, `@`, tab, CR, LF, or `+`/`-` followed by anything but
//!   a number; DESIGN.md), while an E.164 phone number is written as it is.
//! - vCard: values holding newlines, `:`, `;`, `,` and `\` stay inside their property: the
//!   export, read back by the binary, gives exactly the same persons and values and no extra
//!   property or card.
//! - JSON Lines: one line per person whatever the values hold; no raw control character, no
//!   terminal escape and no Unicode line separator reaches the output.
//!
//! The exporters' own unit tests and properties (tests/export_*.rs) check the writers on
//! built persons; this file checks the whole path from a hostile source file to the output.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};

const MALLORY_VCF: &str = concat!(
    "BEGIN:VCARD\r\nVERSION:3.0\r\n",
    "FN:Mallory \\; Evil\\, Inc: x \\\\ y\r\n",
    "N:Evil;Mallory;;;\r\n",
    // Escaped newlines that spell out a second card and a property of their own.
    "NOTE:regel 1\\nEND:VCARD\\nBEGIN:VCARD\\nFN:Injected\\nEMAIL:inj@evil.example\r\n",
    "NOTE:ctl \x01 esc \x1b[31m rood\r\n",
    "ORG:Evil\\; Inc.\\, Ltd: Co\r\n",
    "TITLE:=HYPERLINK(\"http://evil.example\",\"klik\")\r\n",
    "EMAIL:mallory@voorbeeld.nl\r\n",
    "TEL:+31612345678\r\n",
    "ADR:;;Straat 1\\;\\nEND:VCARD;Utrecht;;3511 AB;NL\r\n",
    "END:VCARD\r\n",
);

const GOOGLE_CSV: &str = concat!(
    "First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,Notes\n",
    "\"=cmd|' /C calc'!A0\",Formule,Work,formule@voorbeeld.nl,Mobile,+31612345679,\"\t=1+1\"\n",
    "\"@SUM(A1)\",\"-1+cmd|' /C calc'!A0\",Work,at@voorbeeld.nl,Mobile,06-12345670,\"\r=2+2\"\n",
    "Tab,\"\tTab\",Work,tab@voorbeeld.nl,Mobile,+31 6 12345671,\"+cmd\"\n",
);

const FRIENDS_JSON: &str = "{\"friends_v2\":[{\"name\":\"Bel \\u0007 Esc \\u001b[2J Ls \\u2028 Nel \\u0085 Eind\",\"timestamp\":1500000000}]}";

/// Import the three hostile sources into a fresh index in `dir`.
fn hostile_index(dir: &Path) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir(&input).expect("mkdir");
    std::fs::write(input.join("mallory.vcf"), MALLORY_VCF).expect("write");
    std::fs::write(input.join("google.csv"), GOOGLE_CSV).expect("write");
    std::fs::write(input.join("friends.json"), FRIENDS_JSON).expect("write");
    let index = dir.join("index.db");
    let out = common::command()
        .arg("--index")
        .arg(&index)
        .arg(&input)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    index
}

fn export(index: &Path, format: &str) -> String {
    let out = common::command()
        .arg("--index")
        .arg(index)
        .args(["export", "--format", format])
        .output()
        .expect("export runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 export")
}

/// The strict rule: would a spreadsheet read this cell as a formula?
fn starts_a_formula(cell: &str) -> bool {
    let mut chars = cell.chars();
    match chars.next() {
        Some('=' | '@' | '\t' | '\r' | '\n') => true,
        Some('+' | '-') => {
            let rest = chars.as_str();
            !(rest.starts_with(|c: char| c.is_ascii_digit())
                && rest
                    .chars()
                    .all(|c| c.is_ascii_digit() || " ()./-".contains(c)))
        }
        _ => false,
    }
}

#[test]
fn csv_export_starts_no_formula_and_keeps_phone_numbers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = hostile_index(dir.path());
    let text = export(&index, "csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("header").clone();
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .map(|r| r.expect("the export is valid CSV"))
        .collect();
    assert_eq!(rows.len(), 5, "{text}");
    for row in &rows {
        assert_eq!(row.len(), header.len(), "no cell splits or shifts: {row:?}");
        for cell in row {
            assert!(
                !starts_a_formula(cell),
                "unguarded cell {cell:?} in\n{text}"
            );
        }
    }
    let cells: Vec<&str> = rows.iter().flat_map(|r| r.iter()).collect();
    // The payloads are there, neutralised, not dropped.
    for want in [
        "'=cmd|' /C calc'!A0",
        "'=HYPERLINK(\"http://evil.example\",\"klik\")",
        "'=1+1",
        "'=2+2",
    ] {
        assert!(cells.contains(&want), "{want:?} missing in\n{text}");
    }
    assert!(
        cells
            .iter()
            .any(|c| c.contains("-1+cmd") && c.starts_with('\'')),
        "the DDE payload behind a digit is guarded:\n{text}"
    );
    // Phone numbers stay numbers: the guard must not break them.
    for phone in [
        "+31612345678",
        "+31612345679",
        "+31612345670",
        "+31612345671",
    ] {
        assert!(cells.contains(&phone), "{phone} changed in\n{text}");
    }
}

/// The values a person shows, without ids and sources (which name the file they came from).
fn values(person: &Value) -> Value {
    let mut v = serde_json::Map::new();
    for key in [
        "name",
        "emails",
        "phones",
        "orgs",
        "titles",
        "urls",
        "addresses",
        "birthday",
        "notes",
        "nicknames",
    ] {
        v.insert(key.to_string(), person[key].clone());
    }
    Value::Object(v)
}

fn persons(jsonl: &str) -> Vec<Value> {
    jsonl
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}

/// Persons' values, sorted so that the two indexes' own ids do not matter.
fn value_set(jsonl: &str) -> Vec<String> {
    let mut set: Vec<String> = persons(jsonl)
        .iter()
        .map(|p| values(p).to_string())
        .collect();
    set.sort();
    set
}

#[test]
fn vcard_export_reads_back_to_exactly_the_same_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = hostile_index(dir.path());
    let vcf = export(&index, "vcard");
    let cards = vcf.lines().filter(|l| *l == "BEGIN:VCARD").count();
    assert_eq!(cards, 5, "one card per person:\n{vcf}");
    for line in vcf.lines() {
        for forged in ["FN:Injected", "EMAIL:inj@", "END:VCARD;"] {
            assert!(!line.starts_with(forged), "forged property {line:?}");
        }
    }

    let back = dir.path().join("back");
    std::fs::create_dir(&back).expect("mkdir");
    std::fs::write(back.join("export.vcf"), &vcf).expect("write");
    let index2 = dir.path().join("index2.db");
    let out = common::command()
        .arg("--index")
        .arg(&index2)
        .arg(&back)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = export(&index, "jsonl");
    let second = export(&index2, "jsonl");
    assert_eq!(
        value_set(&first),
        value_set(&second),
        "the vCard export read back differs"
    );
    let mallory = persons(&first)
        .into_iter()
        .find(|p| p["emails"][0] == "mallory@voorbeeld.nl")
        .expect("mallory");
    assert_eq!(mallory["name"]["full"], "Mallory ; Evil, Inc: x \\ y");
    assert_eq!(mallory["orgs"][0], "Evil; Inc., Ltd: Co");
    assert_eq!(
        mallory["notes"][0],
        "regel 1\nEND:VCARD\nBEGIN:VCARD\nFN:Injected\nEMAIL:inj@evil.example"
    );
    assert!(!second.contains("\"inj@evil.example\""), "no forged e-mail");
}

#[test]
fn jsonl_export_is_one_line_per_person_without_raw_controls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = hostile_index(dir.path());
    let jsonl = export(&index, "jsonl");
    assert!(jsonl.ends_with('\n'));
    let lines: Vec<&str> = jsonl.split('\n').filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 5, "{jsonl}");
    for line in &lines {
        let parsed: Value = serde_json::from_str(line).expect("each line is one JSON value");
        assert!(parsed.is_object());
        for c in line.chars() {
            assert!(
                !(c.is_control() || c == '\u{2028}' || c == '\u{2029}'),
                "raw {c:?} in {line}"
            );
        }
    }
    // The multi-line note is kept, escaped: the value is not lost to the line format.
    assert!(
        jsonl.contains("regel 1\\nEND:VCARD\\nBEGIN:VCARD"),
        "{jsonl}"
    );
}
