//! Nightly runs through the binary: five successive imports of a folder whose exports change
//! (a phone number replaced, a person added, a file deleted and restored, a person removed, a
//! calendar updated). After every run: what the run changed (its change list and its `runs`
//! row), that persons keep their ids, and that nothing once imported is lost — every value
//! ever imported still finds its person with `who`, marked historic where the newest export
//! dropped it. Plus: `--dry-run` writes nothing, and a second process is refused while a run
//! holds the index.

mod common;

use common::bin;
use netwerk_import::store::IndexLock;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

const ME: &str = "ik@voorbeeld.nl";

fn run(index: &Path, args: &[&str]) -> std::process::Output {
    bin()
        .arg("--index")
        .arg(index)
        .args(args)
        .output()
        .expect("runs")
}

const GOOGLE_HEADER: &str =
    "First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value\n";

fn google(rows: &[&str]) -> String {
    let mut s = GOOGLE_HEADER.to_string();
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

const JAN_V1: &str = "Jan,van der Berg,Work,jan@x.nl,Mobile,06-12345678";
const JAN_V2: &str = "Jan,van der Berg,Work,jan@x.nl,Mobile,06-87654321";
const PIET: &str = "Piet,Smit,Work,piet@x.nl,Work,020-1234567";
const KEES: &str = "Kees,Jansen,Work,kees@x.nl,,";

const ANNA: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Bakker\r\nN:Bakker;Anna;;;\r\nEMAIL:anna@x.nl\r\nTEL:06-11111111\r\nEND:VCARD\r\n";

fn calendar(events: &[(&str, &str, &str)]) -> String {
    let mut s = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n".to_string();
    for (uid, date, attendee) in events {
        s.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART;VALUE=DATE:{date}\r\nSUMMARY:Overleg {uid}\r\n\
             ORGANIZER:mailto:{ME}\r\nATTENDEE:mailto:{attendee}\r\nEND:VEVENT\r\n"
        ));
    }
    s.push_str("END:VCALENDAR\r\n");
    s
}

/// Import `dir` with `-v` (the change list goes to stderr); returns stderr.
fn import(index: &Path, dir: &Path, extra: &[&str]) -> String {
    let mut args = vec!["-v", "--me", ME];
    args.extend_from_slice(extra);
    let dir = dir.to_str().expect("utf-8");
    args.push(dir);
    let out = run(index, &args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    stderr
}

/// The first match of `who --json QUERY`, or `Value::Null`.
fn who(index: &Path, query: &str) -> Value {
    let out = run(index, &["who", "--json", query]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    doc["matches"][0].clone()
}

fn id(index: &Path, query: &str) -> String {
    who(index, query)["id"]
        .as_str()
        .unwrap_or_else(|| panic!("nobody found for {query:?}"))
        .to_string()
}

/// `field value` of every historic value of a card.
fn historic(card: &Value) -> Vec<String> {
    card["historic"]
        .as_array()
        .expect("historic")
        .iter()
        .map(|h| format!("{} {}", h["field"].as_str().unwrap_or(""), h["value"]))
        .collect()
}

/// The `runs` row of run `n`: files new, changed, deleted; persons new, updated, retired.
fn runs_row(index: &Path, n: i64) -> (i64, i64, i64, i64, i64, i64) {
    let conn = rusqlite::Connection::open(index).expect("open");
    conn.query_row(
        "SELECT files_new, files_changed, files_deleted, persons_new, persons_updated,
                persons_retired FROM runs WHERE id = ?1",
        [n],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        },
    )
    .expect("run row")
}

fn count_runs(index: &Path) -> i64 {
    let conn = rusqlite::Connection::open(index).expect("open");
    conn.query_row("SELECT count(*) FROM runs", [], |r| r.get(0))
        .expect("count")
}

/// Every row of every ordinary table: equal dumps mean an unchanged index.
fn dump(index: &Path) -> String {
    let conn = rusqlite::Connection::open(index).expect("open");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'person_search%' ORDER BY name")
        .expect("tables")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("names");
    let mut out = String::new();
    for t in tables {
        let mut st = conn
            .prepare(&format!("SELECT * FROM \"{t}\""))
            .expect("select");
        let n = st.column_count();
        let rows: Vec<String> = st
            .query_map([], |r| {
                let mut cells = Vec::new();
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    cells.push(format!("{v:?}"));
                }
                Ok(cells.join("|"))
            })
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("row");
        out.push_str(&format!("## {t}\n{}\n", rows.join("\n")));
    }
    out
}

#[test]
fn five_nightly_runs_lose_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = dir.path().join("index.db");
    let exports = dir.path().join("exports");
    std::fs::create_dir(&exports).expect("mkdir");
    let write = |name: &str, text: &str| std::fs::write(exports.join(name), text).expect("write");

    // Run 1: Google (Jan, Piet), the phone (Anna), a calendar (a meeting with Jan).
    write("google.csv", &google(&[JAN_V1, PIET]));
    write("telefoon.vcf", ANNA);
    write("agenda.ics", &calendar(&[("a", "20260901", "jan@x.nl")]));
    let log = import(&index, &exports, &[]);
    assert!(log.contains("new person"), "{log}");
    assert_eq!(runs_row(&index, 1), (3, 0, 0, 3, 0, 0));
    let jan = id(&index, "jan berg");
    let piet = id(&index, "piet smit");
    let anna = id(&index, "anna");
    assert_eq!(who(&index, "jan")["timeline"][0]["event"], "Overleg a");

    // Run 2: Jan's mobile number changed, Kees added.
    write("google.csv", &google(&[JAN_V2, PIET, KEES]));
    let log = import(&index, &exports, &[]);
    assert!(log.contains("update file"), "{log}");
    assert!(log.contains("update person"), "{log}");
    assert_eq!(runs_row(&index, 2), (0, 1, 0, 1, 1, 0));
    assert_eq!(id(&index, "jan berg"), jan, "ids are stable");
    assert_eq!(id(&index, "piet"), piet);
    // The old number still finds Jan, marked as from an older version of google.csv.
    let card = who(&index, "06-12345678");
    assert_eq!(card["id"], jan.as_str());
    assert_eq!(card["phones"][0]["value"], "+31687654321");
    assert_eq!(historic(&card), ["phones \"+31612345678\""]);
    let from = &card["historic"][0]["from"][0];
    assert_eq!(
        (from["run"].as_i64(), from["superseded_run"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(id(&index, "06-87654321"), jan);
    let kees = id(&index, "kees");
    // The exports keep it too: a provenance entry with `current: false` in JSON Lines, an
    // X-NETWERK-HISTORIC property in vCard.
    let jsonl = String::from_utf8(run(&index, &["export"]).stdout).expect("utf-8");
    let line: Value = jsonl
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json"))
        .find(|p| p["id"] == jan.as_str())
        .expect("jan");
    assert_eq!(line["phones"], serde_json::json!(["+31687654321"]));
    let old: Vec<&Value> = line["provenance"]
        .as_array()
        .expect("provenance")
        .iter()
        .filter(|p| p["current"] == false)
        .collect();
    assert_eq!(old.len(), 1, "{}", line["provenance"]);
    assert_eq!(old[0]["field"], "phones");
    assert_eq!(old[0]["value"], "+31612345678");
    assert_eq!(old[0]["from"][0]["original"], "06-12345678");
    assert_eq!(old[0]["from"][0]["run"], 1);
    assert_eq!(old[0]["from"][0]["superseded_run"], 2);
    let vcf =
        String::from_utf8(run(&index, &["export", "--format", "vcard"]).stdout).expect("utf-8");
    assert!(
        vcf.contains("X-NETWERK-HISTORIC;X-FIELD=phones:+31612345678\r\n"),
        "{vcf}"
    );

    // Run 3: the phone export is deleted. Marked, kept: Anna is still there.
    std::fs::remove_file(exports.join("telefoon.vcf")).expect("rm");
    let log = import(&index, &exports, &[]);
    assert!(log.contains("mark file gone"), "{log}");
    assert_eq!(runs_row(&index, 3), (0, 0, 1, 0, 0, 0));
    let card = who(&index, "anna");
    assert_eq!(card["id"], anna.as_str());
    assert_eq!(card["retired"], false);
    assert_eq!(card["sources"][0]["deleted_run"], 3);
    let text = String::from_utf8(run(&index, &["who", "anna"]).stdout).expect("utf-8");
    assert!(text.contains("file gone since run 3"), "{text}");

    // Run 4, first dry: Piet disappears from Google. The dry run shows it and writes nothing.
    write("google.csv", &google(&[JAN_V2, KEES]));
    let before = dump(&index);
    let out = run(
        &index,
        &["--me", ME, "--dry-run", exports.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(0));
    let plan = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        plan.starts_with("dry run: nothing was written; this run would\n"),
        "{plan}"
    );
    assert!(plan.contains("  update file      "), "{plan}");
    assert!(
        plan.contains(&format!("  retire person    {piet} Piet Smit\n")),
        "{plan}"
    );
    assert_eq!(dump(&index), before, "a dry run writes nothing");
    assert_eq!(count_runs(&index), 3);
    // Then for real.
    let log = import(&index, &exports, &[]);
    // `-v` names persons by id only: names are contact values, shown from `-vv` on.
    assert!(log.contains(&format!("retire person    {piet}\n")), "{log}");
    // Kees moved up a row: his record is a new one (its place in the file is part of its
    // identity), so he counts as updated; he keeps his id.
    assert_eq!(runs_row(&index, 4), (0, 1, 0, 0, 1, 1));
    assert_eq!(id(&index, "kees"), kees);
    // Piet is out of the exports, but `who` still knows him, from history.
    let card = who(&index, "piet");
    assert_eq!(card["id"], piet.as_str());
    assert_eq!(card["retired"], true);
    assert_eq!(card["name"], "Piet Smit");
    let exported = String::from_utf8(run(&index, &["export"]).stdout).expect("utf-8");
    assert!(!exported.contains("piet@x.nl"), "{exported}");

    // Run 5: the phone export is back (same content), the calendar has a new meeting (with
    // Kees) and lost the old one.
    write("telefoon.vcf", ANNA);
    write("agenda.ics", &calendar(&[("b", "20261010", "kees@x.nl")]));
    let log = import(&index, &exports, &[]);
    assert!(log.contains("file back"), "{log}");
    assert_eq!(runs_row(&index, 5), (0, 1, 0, 0, 0, 0));
    assert_eq!(
        who(&index, "anna")["sources"][0]["deleted_run"],
        Value::Null
    );
    assert_eq!(who(&index, "kees")["timeline"][0]["event"], "Overleg b");
    // The meeting with Jan came from the older calendar: kept, not current.
    let meeting = &who(&index, "jan berg")["timeline"][0];
    assert_eq!(meeting["event"], "Overleg a");
    assert_eq!(meeting["current"], false);

    // Nothing once imported is lost: every value of every run still finds its person.
    const EVER: &[(&str, usize)] = &[
        ("jan@x.nl", 0),
        ("06-12345678", 0),
        ("06-87654321", 0),
        ("piet@x.nl", 1),
        ("020-1234567", 1),
        ("anna@x.nl", 2),
        ("06-11111111", 2),
        ("kees@x.nl", 3),
    ];
    let ids = [&jan, &piet, &anna, &kees];
    for (query, who_) in EVER {
        assert_eq!(&id(&index, query), ids[*who_], "case {query:?}");
    }
    // And every record ever read is in the index, raw.
    let conn = rusqlite::Connection::open(&index).expect("open");
    let records: i64 = conn
        .query_row("SELECT count(*) FROM records", [], |r| r.get(0))
        .expect("count");
    // google.csv: 2 + 3 + 2 records; telefoon.vcf: 1 (found again unchanged: not re-read).
    assert_eq!(records, 8);
}

#[test]
fn a_second_process_waits_then_refuses() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = dir.path().join("index.db");
    let exports = dir.path().join("exports");
    std::fs::create_dir(&exports).expect("mkdir");
    std::fs::write(exports.join("google.csv"), google(&[JAN_V1])).expect("write");
    import(&index, &exports, &[]);

    let lock = IndexLock::acquire(&index, Duration::ZERO).expect("free");
    let start = std::time::Instant::now();
    let out = run(&index, &["--wait", "1", exports.to_str().expect("utf-8")]);
    assert!(start.elapsed() >= Duration::from_secs(1), "it waited");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("in use by another netwerk-import run"),
        "{stderr}"
    );
    let out = run(&index, &["--wait", "0", "note", "jan", "--offer", "x"]);
    assert_eq!(out.status.code(), Some(2));
    // Readers are never held up.
    assert_eq!(run(&index, &["who", "jan"]).status.code(), Some(0));
    drop(lock);
    let out = run(&index, &["--wait", "0", "note", "jan", "--offer", "x"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn run_flags_give_an_encounter_to_files_nothing_else_describes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = dir.path().join("index.db");
    let cards = dir.path().join("kaartjes");
    std::fs::create_dir(&cards).expect("mkdir");
    std::fs::write(cards.join("anna.vcf"), ANNA).expect("write");
    let out = run(
        &index,
        &["--date", "3 oktober", cards.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(2), "a bad --date is a usage error");
    import(
        &index,
        &cards,
        &[
            "--event",
            "Buurtborrel",
            "--date",
            "2026-11-27",
            "--place",
            "De Brug, Utrecht",
        ],
    );
    let m = &who(&index, "anna")["timeline"][0];
    assert_eq!(m["event"], "Buurtborrel");
    assert_eq!(m["date"], "2026-11-27");
    assert_eq!(m["place"], "De Brug, Utrecht");
    assert_eq!(m["source"], "(command line)");
}

#[test]
fn an_index_of_schema_version_1_is_upgraded_in_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = dir.path().join("index.db");
    {
        // A version-1 index as the first release wrote it: one person, Jan van der Berg.
        let conn = rusqlite::Connection::open(&index).expect("open");
        let v1 = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/schema.sql"),
        )
        .expect("schema.sql");
        conn.execute_batch(&v1).expect("v1 schema");
        let contact = serde_json::json!({
            "source": {"path": "a.vcf", "kind": "Vcard", "record": 1, "line": 1},
            "name": {"full": "Jan van der Berg", "given": "Jan", "family": "van der Berg",
                     "prefix": null, "suffix": null, "initials": null, "original": "Jan van der Berg"},
            "nicknames": [], "emails": [{"value": "jan@x.nl", "original": "jan@x.nl", "label": null}],
            "phones": [], "orgs": [], "titles": [], "urls": [], "socials": [], "addresses": [],
            "birthday": null, "notes": [], "connected_on": null
        });
        conn.execute_batch(&format!(
            "INSERT INTO runs (id, started_at, command) VALUES (1, '2026-01-01T00:00:00Z', 'v1');
             INSERT INTO files (id, path, hash, size, kind, run_id) VALUES (1, 'a.vcf', 'h', 1, 'vcard', 1);
             INSERT INTO records (id, file_id, path, ordinal, line, kind, status, raw, raw_hash,
                 stable_key, contact_json)
                 VALUES (1, 1, 'a.vcf', 1, 1, 'vcard', 'imported', 'raw', 'rh', 'a.vcf#1#rh', '{}');
             INSERT INTO persons (id, created_run, updated_run) VALUES ('p-000000000001', 1, 1);
             INSERT INTO person_records (record_id, person_id, run_id) VALUES (1, 'p-000000000001', 1);
             INSERT INTO person_search (rowid, person_id, name, emails, phones, orgs, titles)
                 SELECT rowid, id, 'Jan van der Berg', 'jan@x.nl', '', '', '' FROM persons;
             PRAGMA user_version = 1;",
            contact.to_string().replace('\'', "''")
        ))
        .expect("v1 rows");
    }
    // Opening it (here through `who`) migrates: the search row is rebuilt with the compact
    // family name that version 2 indexes.
    let card = who(&index, "vanderberg");
    assert_eq!(card["id"], "p-000000000001");
    assert_eq!(card["name"], "Jan van der Berg");
    let conn = rusqlite::Connection::open(&index).expect("open");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, 4);
    // And it takes a run and a purpose like a new one.
    let out = run(&index, &["note", "p-000000000001", "--offer", "koffie"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
