//! The index end to end: open, apply runs, read persons back, and look at every table.
//!
//! Records are built by hand (the readers and the normaliser are tested elsewhere); a second
//! plain SQLite connection inspects the file the way a user's `sqlite3` would.

// clippy's allow-unwrap-in-tests covers #[test] functions only, not the helpers they share.
#![allow(clippy::unwrap_used)]

use netwerk_import::model::{
    Address, Contact, Name, Org, Photo, RawContact, RawName, Source, SourceKind, Value,
};
use netwerk_import::sources::Rejected;
use netwerk_import::store::{FileInput, Index, RecordInput, RunInput, RunOutcome, StoreError};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// Building inputs

fn value(v: &str) -> Value {
    Value {
        value: v.to_string(),
        original: v.to_string(),
        label: None,
    }
}

/// A record from a compact spec: a name, then `e:` e-mails, `p:` phones, `d:` a connection
/// date, separated by spaces (`Jan e:jan@x.nl p:+31612345678`).
fn record(path: &str, ordinal: u32, spec: &str) -> RecordInput {
    let kind = kind_of(path);
    let source = Source {
        path: path.to_string(),
        kind,
        record: ordinal,
        line: Some(ordinal + 1),
    };
    let mut raw = RawContact::new(source.clone(), format!("{spec}\n"));
    let mut contact = Contact::empty(source);
    let mut parts = spec.split(' ');
    if let Some(name) = parts.next().filter(|n| !n.contains(':')) {
        raw.name = RawName {
            full: Some(name.to_string()),
            ..RawName::default()
        };
        contact.name = Name {
            full: Some(name.to_string()),
            original: Some(name.to_string()),
            ..Name::default()
        };
    }
    for part in spec.split(' ').filter(|p| p.contains(':')) {
        let (k, v) = part.split_once(':').unwrap();
        match k {
            "e" => {
                raw.emails.push(netwerk_import::model::Labeled::new(v));
                contact.emails.push(value(v));
            }
            "p" => {
                raw.phones.push(netwerk_import::model::Labeled::new(v));
                contact.phones.push(value(v));
            }
            "d" => {
                raw.connected_on = Some(v.to_string());
                contact.connected_on = Some(value(v));
            }
            _ => panic!("bad spec {spec:?}"),
        }
    }
    RecordInput { raw, contact }
}

fn kind_of(path: &str) -> SourceKind {
    if path.ends_with(".csv") {
        SourceKind::CsvLinkedin
    } else {
        SourceKind::Vcard
    }
}

/// A file from record specs separated by ` | `; its hash is that of its records' raw text.
fn file(path: &str, records: &str) -> FileInput {
    let records: Vec<RecordInput> = records
        .split(" | ")
        .filter(|s| !s.is_empty())
        .enumerate()
        .map(|(i, spec)| record(path, i as u32 + 1, spec))
        .collect();
    let text: String = records.iter().map(|r| r.raw.raw.as_str()).collect();
    FileInput {
        path: path.to_string(),
        hash: hex::encode(Sha256::digest(text.as_bytes())),
        size: text.len() as u64,
        kind: kind_of(path),
        records,
        encoded: Vec::new(),
        rejected: Vec::new(),
        encounter: None,
        events: Vec::new(),
    }
}

fn run(files: Vec<FileInput>) -> RunInput {
    RunInput::new("2026-10-03T12:00:00Z", "netwerk-import test", files)
}

fn temp_index() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.db");
    (dir, path)
}

// ---------------------------------------------------------------------------------------------
// Looking at the file

/// Every row of every table (FTS shadow tables included), in rowid order where there is one.
fn dump(path: &Path) -> String {
    let conn = Connection::open(path).unwrap();
    dump_conn(&conn, |_| true)
}

fn dump_conn(conn: &Connection, keep: impl Fn(&str) -> bool) -> String {
    let mut out = String::new();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in tables.iter().filter(|t| keep(t)) {
        out.push_str(&format!("== {table}\n"));
        // WITHOUT ROWID tables (FTS5's index) have no rowid; their primary key orders them.
        let mut st = conn
            .prepare(&format!("SELECT * FROM \"{table}\" ORDER BY rowid"))
            .or_else(|_| conn.prepare(&format!("SELECT * FROM \"{table}\"")))
            .unwrap();
        let n = st.column_count();
        let mut rows = st.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let cells: Vec<String> = (0..n)
                .map(|i| match row.get_ref(i).unwrap() {
                    ValueRef::Null => "NULL".to_string(),
                    ValueRef::Integer(v) => v.to_string(),
                    ValueRef::Real(v) => v.to_string(),
                    ValueRef::Text(t) => format!("{:?}", String::from_utf8_lossy(t)),
                    ValueRef::Blob(b) => format!("x'{}'", hex::encode(b)),
                })
                .collect();
            out.push_str(&cells.join(" | "));
            out.push('\n');
        }
    }
    out
}

fn count(path: &Path, sql: &str) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row(sql, [], |row| row.get(0))
        .unwrap()
}

/// Person id → the `path#record` of its records, sorted by id.
fn people(index: &Index) -> Vec<(String, Vec<String>)> {
    index
        .persons()
        .unwrap()
        .into_iter()
        .map(|p| {
            let records = p
                .records
                .iter()
                .map(|c| format!("{}#{}", c.source.path, c.source.record))
                .collect();
            (p.id, records)
        })
        .collect()
}

/// The id of the person holding the record `path#record`.
fn id_of(index: &Index, record: &str) -> String {
    people(index)
        .into_iter()
        .find(|(_, records)| records.iter().any(|r| r == record))
        .map(|(id, _)| id)
        .unwrap_or_else(|| panic!("no person holds {record}"))
}

// ---------------------------------------------------------------------------------------------
// Tests

#[cfg(unix)]
#[test]
fn open_creates_owner_only_files_and_directories() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data/netwerk/index.db");
    let mut index = Index::open(&path).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600, "index file");
    assert_eq!(mode(&dir.path().join("data")), 0o700, "created directory");
    assert_eq!(
        mode(&dir.path().join("data/netwerk")),
        0o700,
        "created directory"
    );

    index
        .apply(run(vec![file("a.vcf", "Jan e:jan@x.nl")]))
        .unwrap();
    // While the connection is open the WAL exists, with the database's mode.
    let wal = path.with_file_name("index.db-wal");
    assert!(wal.exists(), "the index runs in WAL mode");
    assert_eq!(mode(&wal), 0o600, "WAL file");
    assert_eq!(
        count(&path, "PRAGMA user_version"),
        4,
        "schema version recorded"
    );
    drop(index);
    // Reopening an existing index keeps it.
    let index = Index::open(&path).unwrap();
    assert_eq!(index.persons().unwrap().len(), 1);
}

#[test]
fn open_refuses_foreign_and_newer_databases() {
    let (_dir, path) = temp_index();
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t (x)").unwrap();
    }
    let err = Index::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::NotAnIndex { .. }), "{err:?}");
    assert!(err.to_string().contains("index.db"), "located: {err}");

    let (_dir2, path2) = temp_index();
    drop(Index::open(&path2).unwrap());
    Connection::open(&path2)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = Index::open(&path2).unwrap_err();
    assert!(
        matches!(err, StoreError::NewerSchema { found: 99, .. }),
        "{err:?}"
    );
}

#[test]
fn the_same_run_twice_changes_nothing() {
    let (_dir, path) = temp_index();
    let input = || {
        run(vec![
            file("a.vcf", "Jan e:jan@x.nl | Piet p:+31201234567"),
            file(
                "c.csv",
                "Jan e:jan@x.nl d:2024-10-09 | Anna e:anna@y.nl d:2023-01-02",
            ),
        ])
    };
    let mut index = Index::open(&path).unwrap();
    let first = index.apply(input()).unwrap();
    assert!(first.changed);
    assert_eq!(first.run_id, Some(1));
    assert_eq!((first.files_new, first.records_added), (2, 4));
    assert_eq!((first.persons_new, first.persons_total), (3, 3));
    drop(index);
    let bytes_before = std::fs::read(&path).unwrap();
    let dump_before = dump(&path);

    let mut index = Index::open(&path).unwrap();
    let second = index.apply(input()).unwrap();
    assert_eq!(
        second,
        RunOutcome {
            run_id: None,
            changed: false,
            files_unchanged: 2,
            persons_total: 3,
            ..RunOutcome::default()
        }
    );
    // Only paths the pipeline already knows are unchanged: still nothing to write.
    let mut only_unchanged = run(Vec::new());
    only_unchanged.unchanged = vec!["a.vcf".to_string(), "c.csv".to_string()];
    let third = index.apply(only_unchanged).unwrap();
    assert!(!third.changed);
    assert_eq!(third.files_unchanged, 2);
    drop(index);

    assert_eq!(dump(&path), dump_before, "every table, row for row");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes_before,
        "the index file, byte for byte"
    );
}

#[test]
fn known_hash_is_the_active_version() {
    let (_dir, path) = temp_index();
    let mut index = Index::open(&path).unwrap();
    assert_eq!(index.known_hash("a.vcf").unwrap(), None);
    let v1 = file("a.vcf", "Jan e:jan@x.nl");
    let v2 = file("a.vcf", "Jan e:jan@x.nl p:+31612345678");
    index.apply(run(vec![v1.clone()])).unwrap();
    assert_eq!(index.known_hash("a.vcf").unwrap(), Some(v1.hash));
    index.apply(run(vec![v2.clone()])).unwrap();
    assert_eq!(index.known_hash("a.vcf").unwrap(), Some(v2.hash));
}

#[test]
fn a_changed_file_keeps_its_old_records_inactive() {
    let (_dir, path) = temp_index();
    let mut index = Index::open(&path).unwrap();
    index
        .apply(run(vec![file(
            "a.vcf",
            "Jan e:jan@x.nl | Piet e:piet@x.nl",
        )]))
        .unwrap();
    let jan = id_of(&index, "a.vcf#1");
    let piet = id_of(&index, "a.vcf#2");

    // Jan unchanged, Piet edited (a phone added), Anna new.
    let outcome = index
        .apply(run(vec![file(
            "a.vcf",
            "Jan e:jan@x.nl | Piet e:piet@x.nl p:+31201234567 | Anna e:anna@x.nl",
        )]))
        .unwrap();
    assert_eq!(outcome.run_id, Some(2));
    assert_eq!((outcome.files_new, outcome.files_changed), (0, 1));
    assert_eq!(outcome.records_added, 3);
    // Piet's record changed; Jan's is the same text; Anna is new.
    assert_eq!(
        (
            outcome.persons_new,
            outcome.persons_updated,
            outcome.persons_retired
        ),
        (1, 1, 0)
    );
    assert_eq!(outcome.persons_total, 3);

    assert_eq!(
        count(&path, "SELECT count(*) FROM files WHERE path = 'a.vcf'"),
        2
    );
    assert_eq!(
        count(
            &path,
            "SELECT superseded_by FROM files WHERE path = 'a.vcf' AND run_id = 1"
        ),
        2,
        "the old version is superseded by run 2"
    );
    assert_eq!(
        count(&path, "SELECT count(*) FROM records"),
        5,
        "history kept"
    );
    assert_eq!(count(&path, "SELECT count(*) FROM active_records"), 3);
    assert_eq!(
        count(
            &path,
            "SELECT count(*) FROM record_keys v JOIN records r ON r.id = v.record_id
             WHERE r.file_id = 1"
        ),
        4,
        "the old records keep their keys"
    );
    // Ids carried over: Jan by the same text, Piet by his e-mail.
    assert_eq!(id_of(&index, "a.vcf#1"), jan);
    assert_eq!(id_of(&index, "a.vcf#2"), piet);
    assert_eq!(index.persons().unwrap().len(), 3);
}

#[test]
fn ids_are_stable_when_a_new_record_joins_a_person() {
    let (_dir, path) = temp_index();
    let mut index = Index::open(&path).unwrap();
    index
        .apply(run(vec![file(
            "b.vcf",
            "Jan e:jan@x.nl | Piet p:+31201234567",
        )]))
        .unwrap();
    let jan = id_of(&index, "b.vcf#1");
    let piet = id_of(&index, "b.vcf#2");
    assert_ne!(jan, piet);

    // a.csv sorts before b.vcf, so its record is now the cluster's smallest: the id must not
    // move to it.
    let outcome = index
        .apply(run(vec![file("a.csv", "J. e:jan@x.nl d:2024-10-09")]))
        .unwrap();
    assert_eq!(
        (
            outcome.persons_new,
            outcome.persons_updated,
            outcome.persons_total
        ),
        (0, 1, 2)
    );
    assert_eq!(
        people(&index),
        {
            let mut want = vec![
                (
                    jan.clone(),
                    vec!["a.csv#1".to_string(), "b.vcf#1".to_string()],
                ),
                (piet.clone(), vec!["b.vcf#2".to_string()]),
            ];
            want.sort();
            want
        },
        "records sorted by path within the person, persons by id"
    );
    let p = index
        .persons()
        .unwrap()
        .into_iter()
        .find(|p| p.id == jan)
        .unwrap();
    assert_eq!(p.encounters.len(), 1);
    assert_eq!(p.encounters[0].how, "linkedin");
    assert_eq!(p.encounters[0].date.as_deref(), Some("2024-10-09"));
    assert_eq!(p.encounters[0].source, "a.csv");
}

#[test]
fn a_split_keeps_the_id_with_the_bigger_part() {
    let (_dir, path) = temp_index();
    let mut index = Index::open(&path).unwrap();
    // a#1 and c#1 are joined only through b#1.
    index
        .apply(run(vec![
            file("a.vcf", "Jan e:jan@x.nl"),
            file("b.vcf", "Jan e:jan@x.nl e:j@y.nl"),
            file("c.vcf", "Jan e:j@y.nl"),
        ]))
        .unwrap();
    let people1 = people(&index);
    assert_eq!(people1.len(), 1);
    let id = people1[0].0.clone();

    // b#1 loses the shared address: {a} and {b, c}. The id was founded by a#1, the smallest
    // record, yet it stays with the bigger part; a#1 gets another id.
    let outcome = index
        .apply(run(vec![file("b.vcf", "Jan e:j@y.nl")]))
        .unwrap();
    assert_eq!(
        (
            outcome.persons_new,
            outcome.persons_updated,
            outcome.persons_total
        ),
        (1, 1, 2)
    );
    let big = id_of(&index, "c.vcf#1");
    assert_eq!(big, id);
    assert_eq!(id_of(&index, "b.vcf#1"), id);
    let small = id_of(&index, "a.vcf#1");
    assert_ne!(small, id);
    assert!(
        small.starts_with("p-") && small.len() == 14,
        "id shape: {small}"
    );
}

#[test]
fn a_merge_keeps_the_bigger_person_and_retires_the_other() {
    let (_dir, path) = temp_index();
    let mut index = Index::open(&path).unwrap();
    index
        .apply(run(vec![
            file("a.vcf", "Jan e:jan@x.nl"),
            file("b.vcf", "Jan p:+31612345678 | Jan p:+31612345678"),
        ]))
        .unwrap();
    let jan_a = id_of(&index, "a.vcf#1");
    let jan_b = id_of(&index, "b.vcf#1");
    assert_ne!(jan_a, jan_b);
    let outcome = index
        .apply(run(vec![file("c.vcf", "Jan e:jan@x.nl p:+31612345678")]))
        .unwrap();
    assert_eq!(
        (
            outcome.persons_new,
            outcome.persons_updated,
            outcome.persons_retired,
            outcome.persons_total
        ),
        (0, 1, 1, 1)
    );
    assert_eq!(people(&index)[0].0, jan_b, "two records beat one");
    assert_eq!(
        count(
            &path,
            &format!("SELECT retired_run FROM persons WHERE id = '{jan_a}'")
        ),
        2
    );
    assert_eq!(
        count(&path, "SELECT count(*) FROM person_search"),
        1,
        "the retired person left the search index"
    );
}

#[test]
fn a_person_whose_records_vanish_is_retired_and_comes_back() {
    let (_dir, path) = temp_index();
    let mut index = Index::open(&path).unwrap();
    let v1 = || file("a.vcf", "Jan e:jan@x.nl d:2024-10-09 | Piet e:piet@x.nl");
    index.apply(run(vec![v1()])).unwrap();
    let jan = id_of(&index, "a.vcf#1");

    let outcome = index
        .apply(run(vec![file("a.vcf", "Piet e:piet@x.nl")]))
        .unwrap();
    assert_eq!(outcome.persons_retired, 1);
    assert_eq!(people(&index).len(), 1);
    assert!(people(&index).iter().all(|(id, _)| *id != jan));
    assert_eq!(
        count(&path, "SELECT count(*) FROM person_encounters WHERE person_id = (SELECT id FROM persons WHERE retired_run IS NOT NULL)"),
        1,
        "a retired person keeps the encounters of its history"
    );

    // The old version comes back: the same record founds the same id again.
    let outcome = index.apply(run(vec![v1()])).unwrap();
    assert_eq!(outcome.persons_new, 1);
    assert_eq!(id_of(&index, "a.vcf#1"), jan);
    let persons = index.persons().unwrap();
    let p = persons.iter().find(|p| p.id == jan).unwrap();
    assert_eq!(p.encounters.len(), 1, "encounters follow the record");
}

#[test]
fn ids_do_not_depend_on_the_order_of_files_in_a_run() {
    let files = || {
        vec![
            file("a.vcf", "Jan e:jan@x.nl | Piet p:+31201234567"),
            file("b.csv", "Anna e:anna@x.nl | Jan e:jan@x.nl p:+31201234567"),
        ]
    };
    let (_d1, p1) = temp_index();
    let (_d2, p2) = temp_index();
    let mut i1 = Index::open(&p1).unwrap();
    let mut i2 = Index::open(&p2).unwrap();
    i1.apply(run(files())).unwrap();
    let mut reversed = files();
    reversed.reverse();
    i2.apply(run(reversed)).unwrap();
    assert_eq!(i1.persons().unwrap(), i2.persons().unwrap());
    assert_eq!(i1.persons().unwrap().len(), 2);
}

#[test]
fn an_error_in_the_middle_of_a_run_rolls_everything_back() {
    // Each trigger makes one insert fail, from early in the run to its very end.
    const FAILING: &[(&str, &str)] = &[
        ("files", "recording file"),
        ("record_keys", "inserting"),
        ("encounters", "encounter"),
        ("persons", "creating person"),
        ("person_records", "linking record"),
        ("person_encounters", "linking encounters"),
    ];
    for (table, message) in FAILING {
        let (_dir, path) = temp_index();
        let mut index = Index::open(&path).unwrap();
        index
            .apply(run(vec![file("a.vcf", "Jan e:jan@x.nl")]))
            .unwrap();
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(&format!(
            "CREATE TRIGGER boom BEFORE INSERT ON {table}
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"
        ))
        .unwrap();
        let before = dump_conn(&conn, |_| true);

        let err = index
            .apply(run(vec![
                file("a.vcf", "Jan e:jan@x.nl p:+31612345678"),
                file("b.csv", "Jan e:jan@x.nl d:2024-10-09 | Anna e:anna@x.nl"),
            ]))
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Sqlite { .. }),
            "case {table}: {err:?}"
        );
        assert!(
            err.to_string().contains(message),
            "case {table}: message {err}"
        );
        assert_eq!(dump_conn(&conn, |_| true), before, "case {table}");
        assert_eq!(
            index.known_hash("b.csv").unwrap(),
            None,
            "case {table}: no trace of the failed run"
        );

        // Once the cause is gone, the same run goes through.
        conn.execute_batch("DROP TRIGGER boom").unwrap();
        let outcome = index
            .apply(run(vec![
                file("a.vcf", "Jan e:jan@x.nl p:+31612345678"),
                file("b.csv", "Jan e:jan@x.nl d:2024-10-09 | Anna e:anna@x.nl"),
            ]))
            .unwrap();
        assert_eq!(outcome.run_id, Some(2), "case {table}");
    }
}

#[test]
fn a_path_given_twice_is_refused_before_anything_is_written() {
    let (_dir, path) = temp_index();
    let mut index = Index::open(&path).unwrap();
    let err = index
        .apply(run(vec![file("a.vcf", "Jan"), file("a.vcf", "Piet")]))
        .unwrap_err();
    assert!(matches!(err, StoreError::Input { .. }), "{err:?}");
    assert_eq!(count(&path, "SELECT count(*) FROM runs"), 0);
}

#[test]
fn persons_round_trip() {
    let (_dir, path) = temp_index();
    let mut index = Index::open(&path).unwrap();

    let mut rich = record("cards.vcf", 1, "Jan e:jan@voorbeeld.nl p:+31612345678");
    rich.raw.raw = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jan van der Berg\r\nEND:VCARD\r\n".into();
    rich.raw.photos = vec![Photo {
        media_type: Some("image/jpeg".to_string()),
        data: vec![0xff, 0xd8, 0xff, 0x00, 0x42],
        uri: None,
    }];
    rich.raw.extra = vec![("X-ABUID".to_string(), "1234".to_string())];
    let c = &mut rich.contact;
    c.name = Name {
        full: Some("Jan van der Berg".to_string()),
        given: Some("Jan".to_string()),
        family: Some("van der Berg".to_string()),
        prefix: Some("Dr.".to_string()),
        suffix: None,
        initials: None,
        original: Some("Dr. Jan van der Berg".to_string()),
    };
    c.phones[0].original = "06-12345678".to_string();
    c.phones[0].label = Some("mobile".to_string());
    c.orgs = vec![Org {
        name: "Stichting Voorbeeld".to_string(),
        key: "voorbeeld".to_string(),
        legal_form: Some("Stichting".to_string()),
        department: Some("Zorg".to_string()),
        original: "Stichting Voorbeeld".to_string(),
    }];
    c.titles = vec![value("Coördinator")];
    c.urls = vec![value("https://www.linkedin.com/in/janvdberg")];
    c.addresses = vec![Address {
        label: Some("work".to_string()),
        street: Some("Oudegracht 1".to_string()),
        postcode: Some("3511 AB".to_string()),
        city: Some("Utrecht".to_string()),
        region: None,
        country: Some("NL".to_string()),
        po_box: None,
        original: "Oudegracht 1, 3511AB Utrecht".to_string(),
    }];
    c.birthday = Some(value("--03-07"));
    c.notes = vec![value("Met at the congress; \"quotes\" and\nnewlines")];

    let linkedin = record("Connections.csv", 17, "Jan e:jan@voorbeeld.nl d:2024-10-09");
    let mut files = vec![
        FileInput {
            records: vec![rich.clone()],
            ..file("cards.vcf", "")
        },
        FileInput {
            records: vec![linkedin.clone()],
            rejected: vec![Rejected {
                source: Source {
                    path: "Connections.csv".to_string(),
                    kind: SourceKind::CsvLinkedin,
                    record: 18,
                    line: Some(22),
                },
                raw: "broken,row".to_string(),
                reason: "expected 7 fields, found 2".to_string(),
            }],
            ..file("Connections.csv", "")
        },
    ];
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let outcome = index.apply(run(files)).unwrap();
    assert_eq!((outcome.records_added, outcome.records_rejected), (2, 1));
    assert_eq!(
        outcome.records_by_kind,
        vec![(SourceKind::Vcard, 1), (SourceKind::CsvLinkedin, 1)]
    );

    let persons = index.persons().unwrap();
    assert_eq!(persons.len(), 1);
    let p = &persons[0];
    // "Connections.csv" < "cards.vcf" in byte order (upper case first).
    assert_eq!(
        p.records,
        vec![linkedin.contact.clone(), rich.contact.clone()]
    );
    assert_eq!(
        p.encounters,
        vec![netwerk_import::model::Encounter {
            event: None,
            date: Some("2024-10-09".to_string()),
            place: None,
            how: "linkedin".to_string(),
            source: "Connections.csv".to_string(),
        }]
    );
    // The raw record comes back exactly, photo bytes included.
    assert_eq!(
        index.raw_contact("cards.vcf", 1).unwrap(),
        Some(rich.raw.clone())
    );
    assert_eq!(index.raw_contact("cards.vcf", 2).unwrap(), None);

    // The rejected record is kept verbatim with its reason.
    let conn = Connection::open(&path).unwrap();
    let (raw, reason, line): (String, String, i64) = conn
        .query_row(
            "SELECT raw, reason, line FROM records WHERE status = 'rejected'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (raw.as_str(), reason.as_str(), line),
        ("broken,row", "expected 7 fields, found 2", 22)
    );
    // The raw text of an imported record is verbatim too, CR LF and all.
    let stored: String = conn
        .query_row(
            "SELECT raw FROM records WHERE path = 'cards.vcf'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, rich.raw.raw);
    // Every value is linked to its record, with the original beside it (in the record's
    // Contact JSON); the phone is also a key into the record.
    let (phone, json): (String, String) = conn
        .query_row(
            "SELECT v.value, r.contact_json FROM record_keys v
             JOIN records r ON r.id = v.record_id WHERE v.field = 'phone'
               AND r.path = 'cards.vcf'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(phone, "+31612345678");
    let contact: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(contact["phones"][0]["value"], "+31612345678");
    assert_eq!(contact["phones"][0]["original"], "06-12345678");
}

#[test]
fn search_finds_persons_by_name_org_and_number() {
    let (_dir, path) = temp_index();
    let mut index = Index::open(&path).unwrap();
    let mut r = record("a.vcf", 1, "Jan e:jan@voorbeeld.nl p:+31612345678");
    r.contact.phones[0].original = "06-12345678".to_string();
    r.contact.titles = vec![value("Coördinator")];
    r.contact.orgs = vec![Org {
        name: "Stichting Voorbeeld".to_string(),
        key: "voorbeeld".to_string(),
        original: "Stichting Voorbeeld".to_string(),
        ..Org::default()
    }];
    let f = FileInput {
        records: vec![r, record("a.vcf", 2, "Piet e:piet@elders.nl")],
        ..file("a.vcf", "x")
    };
    index.apply(run(vec![f])).unwrap();
    let jan = id_of(&index, "a.vcf#1");
    let conn = Connection::open(&path).unwrap();
    const QUERIES: &[(&str, usize)] = &[
        ("jan", 1),
        ("voorbeeld", 1),
        ("coordinator", 1),
        ("titles:coordinator", 1),
        ("31612345678", 1),
        ("12345678", 1),
        ("piet", 1),
        ("nobody", 0),
    ];
    for (query, want) in QUERIES {
        let found: Vec<String> = conn
            .prepare("SELECT person_id FROM person_search WHERE person_search MATCH ?1")
            .unwrap()
            .query_map([query], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(found.len(), *want, "case {query:?}: {found:?}");
        if *want == 1 && *query != "piet" {
            assert_eq!(found[0], jan, "case {query:?}");
        }
    }
}

#[test]
fn table_dump_after_a_small_run() {
    let (_dir, path) = temp_index();
    let mut index = Index::open(&path).unwrap();
    index
        .apply(run(vec![
            file("a.vcf", "Jan e:jan@x.nl | Piet p:+31201234567"),
            file("b.csv", "Jan e:jan@x.nl d:2024-10-09"),
        ]))
        .unwrap();
    index
        .apply(run(vec![file("a.vcf", "Jan e:jan@x.nl p:+31201234567")]))
        .unwrap();
    drop(index);
    // FTS5's shadow tables hold an opaque binary index; its content shows in person_search.
    let conn = Connection::open(&path).unwrap();
    insta::assert_snapshot!(dump_conn(&conn, |t| !t.starts_with("person_search_")));
}

/// Figures for the report, not a check: `cargo test --test store_index -- --ignored --nocapture`.
#[test]
#[ignore = "timing, run by hand"]
fn timing_of_a_large_run() {
    use std::time::Instant;
    const FILES: usize = 20;
    const PER_FILE: usize = 1000;
    // Every third record shares its e-mail with a record in another file.
    let make = |f: usize, salt: &str| {
        let specs: Vec<String> = (0..PER_FILE)
            .map(|i| {
                let n = f * PER_FILE + i;
                let email = if n.is_multiple_of(3) {
                    format!("shared{}@x.nl", n % 5000)
                } else {
                    format!("p{n}@x.nl")
                };
                format!("Name{n}{salt} e:{email} p:+3161{n:07} d:2024-10-09")
            })
            .collect();
        file(&format!("f{f:02}.csv"), &specs.join(" | "))
    };
    let (_dir, path) = temp_index();
    let mut index = Index::open(&path).unwrap();
    let t = Instant::now();
    let o = index
        .apply(run((0..FILES).map(|f| make(f, "")).collect()))
        .unwrap();
    eprintln!(
        "first run: {} records, {} persons in {:.2?}",
        o.records_added,
        o.persons_total,
        t.elapsed()
    );
    let t = Instant::now();
    let o = index
        .apply(run((0..FILES).map(|f| make(f, "")).collect()))
        .unwrap();
    eprintln!(
        "unchanged run: changed={} in {:.2?}",
        o.changed,
        t.elapsed()
    );
    let t = Instant::now();
    let o = index.apply(run(vec![make(7, "x")])).unwrap();
    eprintln!(
        "one changed file: {} records, {} persons updated in {:.2?}",
        o.records_added,
        o.persons_updated,
        t.elapsed()
    );
    let t = Instant::now();
    let persons = index.persons().unwrap();
    eprintln!("persons(): {} in {:.2?}", persons.len(), t.elapsed());
    eprintln!(
        "index size: {} KiB",
        std::fs::metadata(&path).unwrap().len() / 1024
    );
}
