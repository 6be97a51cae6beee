//! End to end through the binary: the demo import, exit codes, exports, idempotence,
//! determinism, the vCard round trip and file permissions.

mod common;

use common::{bin, demo, export, persons};
use std::path::Path;

fn import(index: &Path, args: &[&str]) -> std::process::Output {
    bin()
        .arg("--index")
        .arg(index)
        .args(args)
        .output()
        .expect("runs")
}

/// Every row of every table, in rowid order: two equal dumps mean an unchanged index.
fn dump(index: &Path) -> String {
    let conn = rusqlite::Connection::open(index).expect("open index");
    let mut tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .expect("list tables")
        .query_map([], |row| row.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("names");
    tables.retain(|t| !t.starts_with("sqlite_"));
    let mut out = String::new();
    for table in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{table}\""))
            .expect("select");
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |row| {
                let mut cells = Vec::new();
                for i in 0..n {
                    let v: rusqlite::types::Value = row.get(i)?;
                    cells.push(format!("{v:?}"));
                }
                Ok(cells.join("|"))
            })
            .expect("rows");
        out.push_str(&format!("## {table}\n"));
        for row in rows {
            out.push_str(&row.expect("row"));
            out.push('\n');
        }
    }
    out
}

#[test]
fn demo_imports_and_exports_the_same_people_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = dir.path().join("index.db");
    let out = import(&index, &[demo().to_str().expect("utf-8 path")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "stdout must stay empty: {:?}",
        out.stdout
    );
    assert!(stderr.contains("persons:"), "summary on stderr: {stderr}");

    let jsonl = export(&index, "jsonl");
    let persons = persons(&jsonl);
    let has = |email: &str| {
        persons
            .iter()
            .filter(|p| {
                p["emails"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|e| e == email))
            })
            .count()
    };
    // Jan is in the phone vCard and Google (shared e-mail and mobile): one person.
    assert_eq!(has("jan.vanderberg@buurtvoorbeeld.nl"), 1, "{jsonl}");
    // Kees is in Google, LinkedIn and a congress vCard (shared e-mail): one person.
    assert_eq!(has("kees@debrug-voorbeeld.nl"), 1, "{jsonl}");
    let kees = persons
        .iter()
        .find(|p| {
            p["emails"]
                .as_array()
                .is_some_and(|a| a.iter().any(|e| e == "kees@debrug-voorbeeld.nl"))
        })
        .expect("kees");
    assert!(
        kees["sources"].as_array().expect("sources").len() >= 3,
        "{kees}"
    );
    // Fatima: vCard and LinkedIn share the canonical LinkedIn profile.
    let fatima: Vec<_> = persons
        .iter()
        .filter(|p| p["name"]["family"] == "El Amrani")
        .collect();
    assert_eq!(fatima.len(), 1, "{jsonl}");
    assert_eq!(fatima[0]["phones"][0], "+31334608900");
    // The contract's keys, in order.
    let keys: Vec<&str> = persons[0]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert!(keys.len() >= 12, "{keys:?}");
    assert_eq!(
        &keys[..12],
        &[
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
            "encounters"
        ]
    );
}

#[test]
fn rerunning_the_same_import_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = dir.path().join("index.db");
    let path = demo();
    let path = path.to_str().expect("utf-8 path");
    assert_eq!(import(&index, &[path]).status.code(), Some(0));
    let before = dump(&index);
    let second = import(&index, &[path]);
    assert_eq!(second.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&second.stderr).contains("nothing changed"));
    assert_eq!(before, dump(&index));
}

#[test]
fn thread_count_and_input_order_do_not_change_a_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = demo();
    let a = demo.join("exports");
    let b = demo.join("2026-10-03 Congres GGZ, Utrecht");
    let one = dir.path().join("one.db");
    let many = dir.path().join("many.db");
    let o1 = import(
        &one,
        &["-j", "1", a.to_str().expect("p"), b.to_str().expect("p")],
    );
    let o2 = import(
        &many,
        &["-j", "8", b.to_str().expect("p"), a.to_str().expect("p")],
    );
    assert_eq!(o1.status.code(), o2.status.code());
    assert_eq!(o1.stderr, o2.stderr);
    for format in ["jsonl", "vcard", "csv"] {
        assert_eq!(
            export(&one, format),
            export(&many, format),
            "format {format}"
        );
    }
}

/// Values of a person without what necessarily differs after a round trip (id, sources).
fn values(jsonl: &str) -> Vec<serde_json::Value> {
    let mut persons: Vec<serde_json::Value> = persons(jsonl)
        .into_iter()
        .map(|mut v| {
            let obj = v.as_object_mut().expect("object");
            // What necessarily differs: ids and sources are new; conflicts between records of
            // one person become alternative values (X-NETWERK-NAME) of one record.
            for key in ["id", "sources", "encounters", "provenance", "conflicts"] {
                obj.remove(key);
            }
            v
        })
        .collect();
    persons.sort_by_key(|p| p.to_string());
    persons
}

#[test]
fn vcard_export_reads_back_to_the_same_persons_and_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = dir.path().join("first.db");
    assert_eq!(
        import(&first, &[demo().to_str().expect("p")]).status.code(),
        Some(0)
    );
    let vcf = dir.path().join("all.vcf");
    let out = bin()
        .arg("--index")
        .arg(&first)
        .args(["export", "--format", "vcard", "-o"])
        .arg(&vcf)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let second = dir.path().join("second.db");
    let reimport = import(&second, &[vcf.to_str().expect("p")]);
    assert_eq!(
        reimport.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&reimport.stderr)
    );
    assert_eq!(
        values(&export(&first, "jsonl")),
        values(&export(&second, "jsonl"))
    );
}

#[cfg(unix)]
#[test]
fn index_and_exports_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let index = dir.path().join("index.db");
    assert_eq!(
        import(&index, &[demo().to_str().expect("p")]).status.code(),
        Some(0)
    );
    let out_file = dir.path().join("out.csv");
    bin()
        .arg("--index")
        .arg(&index)
        .args(["export", "--format", "csv", "-o"])
        .arg(&out_file)
        .assert()
        .success();
    for path in [&index, &out_file] {
        let mode = std::fs::metadata(path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", path.display());
    }
}

#[test]
fn a_bad_file_is_reported_located_and_the_rest_imported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    std::fs::write(
        input.join("good.vcf"),
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Eva de Boer\r\nEMAIL:eva@voorbeeld.nl\r\nEND:VCARD\r\n",
    )
    .expect("write");
    std::fs::write(
        input.join("bad.vcf"),
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Half Kaart\r\nEMAIL:half@voorbeeld.nl\r\n",
    )
    .expect("write");
    std::fs::write(input.join("broken.json"), "{\"friends_v2\": [ {\"name\": ").expect("write");
    let index = dir.path().join("index.db");
    let out = import(&index, &[input.to_str().expect("p")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("bad.vcf:1"), "located message: {stderr}");
    assert!(stderr.contains("broken.json"), "located message: {stderr}");
    assert!(export(&index, "jsonl").contains("eva@voorbeeld.nl"));
}

#[test]
fn usage_errors_exit_2() {
    bin().assert().code(2);
    bin().args(["--region", "XX", "."]).assert().code(2);
    bin().arg("/no/such/folder/anywhere").assert().code(2);
    let dir = tempfile::tempdir().expect("tempdir");
    bin()
        .arg("--index")
        .arg(dir.path().join("missing.db"))
        .args(["export"])
        .assert()
        .code(2);
}
