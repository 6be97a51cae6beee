//! An index written by an older netwerk-import opens, upgrades in place and loses nothing.
//!
//! `fixtures/index-v3/index.sqlite` was written by the release binary of commit 910a6ef
//! (schema version 3, one `record_values` row per value) from a copy of `fixtures/demo`
//! without its photos: a first run with a `telefoon.vcf` in which Jan's mobile number was
//! 06-23456789, then a second run with the real one, so the index holds history
//! (a superseded file version with its values). `export.jsonl` beside it is that binary's
//! JSON Lines export of the index. Made with, in a copy of `fixtures/demo` without `fotos/`
//! and the photo folder:
//!
//! ```text
//! netwerk-import --index index.db --quiet exports '2026-11-14 Netwerkavond Sociaal Domein, Amersfoort'   # old telefoon.vcf
//! netwerk-import --index index.db --quiet exports '2026-11-14 Netwerkavond Sociaal Domein, Amersfoort'   # real telefoon.vcf
//! netwerk-import --index index.db export > export.jsonl
//! ```
//!
//! Version 4 replaces `record_values` by `record_keys` (only the values queries look up) and
//! writes the record JSON compactly; the old Contact JSON holds every value `record_values`
//! held, with its original spelling.

mod common;

use common::{bin, demo};
use rusqlite::Connection;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const AMERSFOORT: &str = "2026-11-14 Netwerkavond Sociaal Domein, Amersfoort";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/index-v3")
}

/// A writable copy of the old index.
fn old_index(dir: &Path) -> PathBuf {
    let index = dir.join("index.db");
    std::fs::copy(fixture().join("index.sqlite"), &index).expect("copy the fixture");
    index
}

fn version(conn: &Connection) -> i64 {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version")
}

fn has_table(conn: &Connection, name: &str) -> bool {
    conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
        [name],
        |r| r.get::<_, i64>(0),
    )
    .expect("schema")
        > 0
}

/// Every string in a JSON document.
fn strings(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => {
            out.insert(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
        Value::Object(map) => map.values().for_each(|i| strings(i, out)),
        _ => {}
    }
}

/// (record id, contact_json) of every imported record, active or not.
fn contacts(conn: &Connection) -> Vec<(i64, String)> {
    conn.prepare("SELECT id, contact_json FROM records WHERE status = 'imported' ORDER BY id")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn who(index: &Path, query: &str) -> Value {
    let out = bin()
        .arg("--index")
        .arg(index)
        .args(["who", "--json", query])
        .output()
        .expect("runs");
    assert!(out.status.success(), "who {query}: {out:?}");
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn a_version_3_index_upgrades_and_loses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = old_index(dir.path());

    // What the old index holds, read before anything opens it with this version.
    let (old_values, old_keys, old_contacts, old_runs) = {
        let conn = Connection::open(&index).expect("open");
        assert_eq!(version(&conn), 3, "the fixture is a version-3 index");
        let values: Vec<(i64, String, String, Option<String>)> = conn
            .prepare("SELECT record_id, field, value, original FROM record_values ORDER BY id")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        let keys: BTreeSet<(String, String, i64, i64)> = conn
            .prepare(
                "SELECT field, value, record_id, item FROM record_values
                 WHERE field IN ('email', 'phone', 'name.full', 'birthday')",
            )
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        let runs: i64 = conn
            .query_row("SELECT count(*) FROM runs", [], |r| r.get(0))
            .expect("runs");
        (values, keys, contacts(&conn), runs)
    };
    assert!(old_values.len() > 50, "{} values", old_values.len());
    assert!(
        old_keys.iter().any(|(f, ..)| f == "phone")
            && old_keys.iter().any(|(f, ..)| f == "birthday"),
        "the fixture has phones and birthdays to carry over"
    );

    // Opening it (here through `export`) upgrades it; the export is byte for byte the one the
    // old binary wrote.
    let out = bin()
        .arg("--index")
        .arg(&index)
        .arg("export")
        .output()
        .expect("runs");
    assert!(out.status.success(), "export: {out:?}");
    let want = std::fs::read_to_string(fixture().join("export.jsonl")).expect("export.jsonl");
    assert_eq!(String::from_utf8_lossy(&out.stdout), want);

    // The index as it was is kept beside it, owner-only, still version 3 and whole.
    let copy = dir.path().join("index.db.schema-v3.bak");
    {
        let kept = Connection::open(&copy).expect("open the kept copy");
        assert_eq!(version(&kept), 3);
        let check: String = kept
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("integrity_check");
        assert_eq!(check, "ok");
        let rows: i64 = kept
            .query_row("SELECT count(*) FROM record_values", [], |r| r.get(0))
            .expect("record_values");
        assert_eq!(rows as usize, old_values.len());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&copy).expect("copy").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the kept copy is the owner's only");
    }

    let conn = Connection::open(&index).expect("open");
    assert_eq!(version(&conn), 4);
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity");
    assert_eq!(integrity, "ok");
    assert!(!has_table(&conn, "record_values"));
    let keys: BTreeSet<(String, String, i64, i64)> = conn
        .prepare("SELECT field, value, record_id, item FROM record_keys")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(keys, old_keys, "every looked-up value carried over");

    // Nothing lost: the records' JSON is untouched, and every value the old table held, with
    // its original spelling, is in its record's Contact JSON.
    let now = contacts(&conn);
    assert_eq!(now, old_contacts);
    for (record, field, value, original) in &old_values {
        let json = &now
            .iter()
            .find(|(id, _)| id == record)
            .unwrap_or_else(|| panic!("record {record} kept"))
            .1;
        let mut all = BTreeSet::new();
        strings(&serde_json::from_str(json).expect("contact JSON"), &mut all);
        // The whole address is the parts joined, not a stored string of its own.
        if field != "address" {
            assert!(all.contains(value), "{field} {value:?} of record {record}");
        }
        if let Some(original) = original {
            assert!(
                all.contains(original),
                "{field} original {original:?} of record {record}"
            );
        }
    }

    // The looked-up values still find their persons: the current phone and e-mail, and the
    // ones only the superseded version of telefoon.vcf held.
    let jan = who(&index, "06-12345678")["matches"][0]["id"].clone();
    assert!(jan.is_string(), "Jan found by phone");
    for query in ["jan.vanderberg@buurtvoorbeeld.nl", "06-23456789"] {
        assert_eq!(who(&index, query)["matches"][0]["id"], jan, "case {query}");
    }

    // The same inputs again: nothing changed, nothing written.
    drop(conn);
    let work = dir.path().join("demo");
    std::fs::create_dir_all(work.join(AMERSFOORT)).expect("mkdir");
    copy_dir(&demo().join("exports"), &work.join("exports"));
    copy_dir(&demo().join(AMERSFOORT), &work.join(AMERSFOORT));
    let out = bin()
        .current_dir(&work)
        .arg("--index")
        .arg(&index)
        .args(["--quiet", "exports", AMERSFOORT])
        .output()
        .expect("runs");
    assert!(out.status.success(), "re-import: {out:?}");
    let conn = Connection::open(&index).expect("open");
    let runs: i64 = conn
        .query_row("SELECT count(*) FROM runs", [], |r| r.get(0))
        .expect("runs");
    assert_eq!(runs, old_runs, "an unchanged import writes no run");
}

#[test]
fn a_version_3_index_takes_a_new_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = old_index(dir.path());
    let input = dir.path().join("nieuw.vcf");
    std::fs::write(
        &input,
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jan van der Berg\r\nN:van der Berg;Jan;;;\r\n\
         TEL:06-55554444\r\nEMAIL:jan.vanderberg@buurtvoorbeeld.nl\r\nEND:VCARD\r\n",
    )
    .expect("write");
    let out = bin()
        .arg("--index")
        .arg(&index)
        .arg("--quiet")
        .arg(&input)
        .output()
        .expect("runs");
    assert!(out.status.success(), "import: {out:?}");
    // The new record joins Jan (by e-mail), and its phone finds him next to the old ones.
    let jan = who(&index, "06-12345678")["matches"][0]["id"].clone();
    assert_eq!(who(&index, "06-55554444")["matches"][0]["id"], jan);
    let conn = Connection::open(&index).expect("open");
    let keys: i64 = conn
        .query_row(
            "SELECT count(*) FROM record_keys WHERE field = 'phone' AND value = '+31655554444'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(keys, 1);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
}
