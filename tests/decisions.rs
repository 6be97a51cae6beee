//! The user's decisions end to end: `review`, `merge`, `separate`, `unmerge` through the binary,
//! on small Dutch member lists written here; decisions held across re-runs and across a file
//! exported again with changed raw text; refusals that leave the index byte for byte as it was;
//! determinism of exports and `match_evidence`; and a property test through the library that
//! every stored decision holds after every run.

// clippy's allow-unwrap-in-tests covers #[test] functions only, not the helpers they share.
#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use netwerk_import::config::ImportConfig;
use netwerk_import::store::{Decision, Index, StoreError};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Duration;

const HEADER: &str = "Voornaam;Tussenvoegsel;Achternaam;Organisatie;Functie;E-mailadres;Telefoon;\
Mobiel;Straat;Huisnummer;Postcode;Woonplaats;Geboortedatum";

/// A couple sharing address, landline and family e-mail (the engine leaves them for review),
/// and two people who appear again in `vrijwilligers.csv` (merged automatically).
const LEDEN: &[&str] = &[
    "Jan;van der;Berg;Stichting Buurtwerk;Coördinator;jan.vanderberg@buurtwerk.nl;030-1234567;06-12345678;Oudegracht;12;3511 AB;Utrecht;12-04-1975",
    "Marie;de;Vries;;;devries.thuis@ziggo.nl;030-7654321;;Kerkstraat;5;3512 CD;Utrecht;03-02-1980",
    "Piet;de;Vries;;;devries.thuis@ziggo.nl;030-7654321;;Kerkstraat;5;3512 CD;Utrecht;17-09-1978",
    "Fatima;;Yilmaz;Wijkteam Zuid;Maatschappelijk werker;f.yilmaz@wijkteamzuid.nl;;06-22233344;;;;;",
];

const VRIJWILLIGERS: &[&str] = &[
    "Jan;van der;Berg;Buurtwerk;;jan.vanderberg@buurtwerk.nl;;06-12345678;;;;;",
    "Fatima;;Yilmaz;;Vrijwilliger;;;06-22233344;;;;;",
    "Kees;;Bakker;Gemeente Utrecht;Beleidsadviseur;c.bakker@utrecht.nl;;06-11122233;;;;;",
];

fn csv(rows: &[&str]) -> String {
    let mut text = format!("{HEADER}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    text
}

/// A temporary folder with the two member lists and an index; the binary runs inside it, so
/// paths (and with them stable keys and person ids) are the same in every test run.
struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let env = Env {
            dir: tempfile::tempdir().unwrap(),
        };
        env.write("leden.csv", &csv(LEDEN));
        env.write("vrijwilligers.csv", &csv(VRIJWILLIGERS));
        env
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.dir.path().join(name), text).unwrap();
    }

    fn index(&self) -> PathBuf {
        self.dir.path().join("index.db")
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        let mut cmd = Command::cargo_bin("netwerk-import").unwrap();
        cmd.env_remove("NETWERK_INDEX")
            .env_remove("RUST_LOG")
            .current_dir(self.dir.path())
            .arg("--index")
            .arg(self.index())
            .args(args)
            .output()
            .unwrap()
    }

    /// Run and expect this exit status; returns stdout.
    fn ok(&self, args: &[&str], status: i32) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(status),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn import(&self) {
        self.ok(&["leden.csv", "vrijwilligers.csv"], 0);
    }

    /// The exported persons as JSON values.
    fn persons(&self) -> Vec<serde_json::Value> {
        self.ok(&["export"], 0)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The id of the one exported person with this full name.
    fn id(&self, name: &str) -> String {
        let found: Vec<String> = self
            .persons()
            .iter()
            .filter(|p| p["name"]["full"] == name)
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        found[0].clone()
    }

    /// Each exported person's sources, as sorted `path#record` lists, sorted.
    fn groups(&self) -> Vec<Vec<String>> {
        let mut groups: Vec<Vec<String>> = self
            .persons()
            .iter()
            .map(|p| {
                let mut g: Vec<String> = p["sources"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| format!("{}#{}", s["path"].as_str().unwrap(), s["record"]))
                    .collect();
                g.sort();
                g
            })
            .collect();
        groups.sort();
        groups
    }

    fn dump(&self) -> String {
        dump(&self.index())
    }
}

/// Every row of every table: two equal dumps mean an unchanged index.
fn dump(index: &Path) -> String {
    let conn = rusqlite::Connection::open(index).unwrap();
    let mut tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables.retain(|t| !t.starts_with("sqlite_"));
    let mut out = String::new();
    for table in tables {
        out.push_str(&format!("## {table}\n"));
        out.push_str(&rows(&conn, &format!("SELECT * FROM \"{table}\"")));
    }
    out
}

fn rows(conn: &rusqlite::Connection, sql: &str) -> String {
    let mut stmt = conn.prepare(sql).unwrap();
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
        .unwrap();
    let mut out = String::new();
    for row in rows {
        out.push_str(&row.unwrap());
        out.push('\n');
    }
    out
}

fn group(records: &[&str]) -> Vec<String> {
    records.iter().map(|s| s.to_string()).collect()
}

/// Every stored decision whose two records are active, with whether it holds now.
fn decisions_hold(index: &Path) -> Vec<(String, bool)> {
    let conn = rusqlite::Connection::open(index).unwrap();
    let mut st = conn
        .prepare(
            "SELECT d.kind, d.record_a, d.record_b, pa.person_id, pb.person_id
             FROM decisions d
             JOIN records ra ON ra.stable_key = d.record_a
             JOIN files fa ON fa.id = ra.file_id AND fa.superseded_by IS NULL
             JOIN person_records pa ON pa.record_id = ra.id
             JOIN records rb ON rb.stable_key = d.record_b
             JOIN files fb ON fb.id = rb.file_id AND fb.superseded_by IS NULL
             JOIN person_records pb ON pb.record_id = rb.id
             ORDER BY d.id",
        )
        .unwrap();
    st.query_map([], |row| {
        let kind: String = row.get(0)?;
        let (a, b): (String, String) = (row.get(1)?, row.get(2)?);
        let (pa, pb): (String, String) = (row.get(3)?, row.get(4)?);
        let holds = if kind == "merge" { pa == pb } else { pa != pb };
        Ok((format!("{kind} {a} {b}"), holds))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn count(index: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(index)
        .unwrap()
        .query_row(sql, [], |row| row.get(0))
        .unwrap()
}

#[test]
fn import_shows_the_dedup_line_and_review_lists_the_couple() {
    let env = Env::new();
    let out = env.run(&["leden.csv", "vrijwilligers.csv"]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "dedup: 2 automatic merges, 2 new this run; 1 pair waiting for review: netwerk-import review"
        ),
        "{stderr}"
    );
    // Jan and Fatima are merged across the two lists; the couple is not.
    assert_eq!(
        env.groups(),
        vec![
            group(&["leden.csv#1", "vrijwilligers.csv#1"]),
            group(&["leden.csv#2"]),
            group(&["leden.csv#3"]),
            group(&["leden.csv#4", "vrijwilligers.csv#2"]),
            group(&["vrijwilligers.csv#3"]),
        ]
    );
    insta::assert_snapshot!("review_text", env.ok(&["review"], 0));

    let json: serde_json::Value = serde_json::from_str(&env.ok(&["review", "--json"], 0)).unwrap();
    assert_eq!(json["total"], 1);
    let pair = &json["pairs"][0];
    let names = [&pair["a"]["name"], &pair["b"]["name"]];
    assert!(
        names.contains(&&serde_json::json!("Marie de Vries")),
        "{pair}"
    );
    assert!(
        names.contains(&&serde_json::json!("Piet de Vries")),
        "{pair}"
    );
    let disagreed: Vec<&str> = pair["disagreed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(disagreed.contains(&"given"), "{pair}");
    assert!(pair["agreed"].as_array().unwrap().len() >= 3, "{pair}");

    // The evidence table: one row per merge, one per uncertain pair, persons filled in.
    let index = env.index();
    assert_eq!(
        count(
            &index,
            "SELECT count(*) FROM match_evidence WHERE kind = 'merge'"
        ),
        2
    );
    assert_eq!(
        count(
            &index,
            "SELECT count(*) FROM match_evidence WHERE kind = 'uncertain'"
        ),
        1
    );
    assert_eq!(
        count(
            &index,
            "SELECT count(*) FROM match_evidence
             WHERE (kind = 'merge') != (person_a = person_b) OR json_array_length(fields_json) = 0"
        ),
        0
    );

    // A second import of the same files writes nothing and still points at the review.
    let before = env.dump();
    let out = env.run(&["leden.csv", "vrijwilligers.csv"]);
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("dedup: 1 pair waiting for review: netwerk-import review"));
    assert_eq!(env.dump(), before);
}

#[test]
fn merge_holds_across_reruns_and_a_re_export_of_the_file() {
    let env = Env::new();
    env.import();
    let (marie, piet) = (env.id("Marie de Vries"), env.id("Piet de Vries"));
    let out = env.run(&["merge", &marie, &piet, "--note", "same household account"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("now one person"));
    assert!(env
        .groups()
        .contains(&group(&["leden.csv#2", "leden.csv#3"])));
    assert_eq!(env.ok(&["review"], 0), "no pairs waiting for review\n");
    let index = env.index();
    assert_eq!(
        count(
            &index,
            "SELECT count(*) FROM decisions WHERE kind = 'merge' AND note = 'same household account'"
        ),
        1
    );
    assert_eq!(
        count(
            &index,
            "SELECT count(*) FROM runs WHERE command LIKE '% merge %'"
        ),
        1
    );

    // The list exported again: a new member on top (every ordinal moves) and the couple's
    // rows changed (new raw text, so new stable keys).
    let mut rows = vec!["Anna;;Smit;;;anna.smit@example.nl;;06-55566677;;;;;"];
    rows.extend(LEDEN);
    rows[2] = "Marie;de;Vries;Wijkteam Oost;Vrijwilliger;devries.thuis@ziggo.nl;030-7654321;;Kerkstraat;5;3512 CD;Utrecht;03-02-1980";
    rows[3] = "Piet;de;Vries;;Penningmeester;devries.thuis@ziggo.nl;030-7654321;;Kerkstraat;5;3512 CD;Utrecht;17-09-1978";
    env.write("leden.csv", &csv(&rows));
    env.import();
    assert!(
        env.groups()
            .contains(&group(&["leden.csv#3", "leden.csv#4"])),
        "{:?}",
        env.groups()
    );
    // The decision now names the records of the new version.
    let held = decisions_hold(&index);
    assert_eq!(held.len(), 1, "{held:?}");
    assert!(held.iter().all(|(_, ok)| *ok), "{held:?}");
    assert_eq!(env.ok(&["review"], 0), "no pairs waiting for review\n");

    // And a run that changes another file leaves it as it is.
    let mut rows = VRIJWILLIGERS.to_vec();
    rows.push("Els;;Hoekstra;;;els.hoekstra@gmail.com;;;;;;;");
    env.write("vrijwilligers.csv", &csv(&rows));
    env.import();
    assert!(env
        .groups()
        .contains(&group(&["leden.csv#3", "leden.csv#4"])));
    assert!(decisions_hold(&index).iter().all(|(_, ok)| *ok));
}

#[test]
fn separate_holds_and_a_contradicting_merge_is_refused() {
    let env = Env::new();
    env.import();
    let (marie, piet) = (env.id("Marie de Vries"), env.id("Piet de Vries"));
    env.ok(&["separate", &marie, &piet], 0);
    assert_eq!(env.ok(&["review"], 0), "no pairs waiting for review\n");
    assert_eq!(
        count(
            &env.index(),
            "SELECT count(*) FROM decisions WHERE kind = 'not-same'"
        ),
        1
    );

    let before = env.dump();
    let out = env.run(&["merge", &piet, &marie]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("were marked as different people (`separate` on"),
        "{stderr}"
    );
    assert_eq!(env.dump(), before, "a refused decision changed the index");

    // Re-exported with changed rows, the two stay apart and out of the review.
    let mut rows = LEDEN.to_vec();
    rows[1] = "Marie;de;Vries;;Voorzitter;devries.thuis@ziggo.nl;030-7654321;;Kerkstraat;5;3512 CD;Utrecht;03-02-1980";
    env.write("leden.csv", &csv(&rows));
    env.import();
    assert!(env.groups().contains(&group(&["leden.csv#2"])));
    assert!(env.groups().contains(&group(&["leden.csv#3"])));
    assert!(decisions_hold(&env.index()).iter().all(|(_, ok)| *ok));
    assert_eq!(env.ok(&["review"], 0), "no pairs waiting for review\n");
}

#[test]
fn unmerge_undoes_an_automatic_merge_for_good() {
    let env = Env::new();
    env.import();
    let jan = env.id("Jan van der Berg");
    let out = env.run(&["unmerge", &jan]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("into 2 persons"));
    let groups = env.groups();
    assert!(groups.contains(&group(&["leden.csv#1"])), "{groups:?}");
    assert!(
        groups.contains(&group(&["vrijwilligers.csv#1"])),
        "{groups:?}"
    );
    // The id stays with one of the parts.
    assert!(env.persons().iter().any(|p| p["id"] == jan.as_str()));

    // Still apart after the second list is exported again with Jan's row changed.
    let mut rows = VRIJWILLIGERS.to_vec();
    rows[0] =
        "Jan;van der;Berg;Buurtwerk;Vrijwilliger;jan.vanderberg@buurtwerk.nl;;06-12345678;;;;;";
    env.write("vrijwilligers.csv", &csv(&rows));
    env.import();
    let groups = env.groups();
    assert!(groups.contains(&group(&["leden.csv#1"])), "{groups:?}");
    assert!(
        groups.contains(&group(&["vrijwilligers.csv#1"])),
        "{groups:?}"
    );
    assert!(decisions_hold(&env.index()).iter().all(|(_, ok)| *ok));

    // Merging them again by hand is a contradiction; unmerging a single record is pointless.
    let before = env.dump();
    let out = env.run(&["unmerge", &jan]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds one record"));
    let other = env
        .persons()
        .iter()
        .filter(|p| p["name"]["full"] == "Jan van der Berg" && p["id"] != jan.as_str())
        .map(|p| p["id"].as_str().unwrap().to_string())
        .next()
        .unwrap();
    let out = env.run(&["merge", &jan, &other]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("(`unmerge` on"));
    assert_eq!(env.dump(), before);
}

#[test]
fn a_user_merge_is_not_undone_by_unmerge() {
    let env = Env::new();
    env.import();
    let (marie, piet) = (env.id("Marie de Vries"), env.id("Piet de Vries"));
    env.ok(&["merge", &marie, &piet], 0);
    let merged = env
        .persons()
        .iter()
        .find(|p| p["sources"].as_array().unwrap().len() == 2 && p["name"]["family"] == "de Vries")
        .map(|p| p["id"].as_str().unwrap().to_string())
        .unwrap();
    let before = env.dump();
    let out = env.run(&["unmerge", &merged]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("merged yourself"));
    assert_eq!(env.dump(), before);
}

#[test]
fn refusals_exit_2_and_change_nothing() {
    let env = Env::new();
    // No index yet.
    let out = env.run(&["merge", "p-000000000001", "p-000000000002"]);
    assert_eq!(out.status.code(), Some(2));
    env.import();
    let marie = env.id("Marie de Vries");
    let before = env.dump();
    const CASES: &[(&[&str], &str)] = &[
        (&["merge", "p-000000000001", "MARIE"], "no such person"),
        (&["separate", "MARIE", "MARIE"], "named twice"),
        (&["merge", "MARIE", "Marie de Vries"], "named twice"),
        (&["merge", "MARIE", "de Vries"], "matches 2 people"),
        (&["unmerge", "Niemand Bestaatniet"], "nobody matches"),
        (&["review", "--limit", "0"], "--limit"),
    ];
    for (args, message) in CASES {
        let args: Vec<&str> = args
            .iter()
            .map(|a| if *a == "MARIE" { marie.as_str() } else { a })
            .collect();
        let out = env.run(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert_eq!(env.dump(), before, "{args:?} changed the index");
    }
}

#[test]
fn threads_and_input_order_change_no_byte_of_exports_or_evidence() {
    let evidence = |env: &Env| {
        rows(
            &rusqlite::Connection::open(env.index()).unwrap(),
            "SELECT * FROM match_evidence ORDER BY id",
        )
    };
    let runs = [
        ["-j", "1", "leden.csv", "vrijwilligers.csv"],
        ["-j", "2", "leden.csv", "vrijwilligers.csv"],
        ["-j", "2", "vrijwilligers.csv", "leden.csv"],
    ];
    let mut seen: Vec<(String, String, String)> = Vec::new();
    for args in runs {
        let env = Env::new();
        env.ok(&args, 0);
        let got = (
            env.ok(&["export"], 0),
            env.ok(&["export", "--format", "csv"], 0),
            evidence(&env),
        );
        assert!(!got.2.is_empty());
        if let Some(first) = seen.first() {
            assert_eq!(&got, first, "{args:?}");
        }
        seen.push(got);
    }
}

// ---------------------------------------------------------------------------------------------
// Property: whatever the user decides and however the files change, every stored decision whose
// records are active holds after every run.

/// A small pool of people, written with variations, so that the engine merges some rows,
/// leaves some uncertain, and keeps others apart.
fn arb_row() -> impl Strategy<Value = String> {
    let person = prop::sample::select(vec![
        (
            "Jan",
            "van der",
            "Berg",
            "jan.vanderberg@buurtwerk.nl",
            "06-12345678",
        ),
        ("Johannes", "van der", "Berg", "", "06-12345678"),
        (
            "Marie",
            "de",
            "Vries",
            "devries.thuis@ziggo.nl",
            "030-7654321",
        ),
        (
            "Piet",
            "de",
            "Vries",
            "devries.thuis@ziggo.nl",
            "030-7654321",
        ),
        (
            "Fatima",
            "",
            "Yilmaz",
            "f.yilmaz@wijkteamzuid.nl",
            "06-22233344",
        ),
        ("Kees", "", "Bakker", "c.bakker@utrecht.nl", "06-11122233"),
        ("Cornelis", "", "Bakker", "", "06-11122233"),
    ]);
    let title = prop::sample::select(vec!["", "Coördinator", "Vrijwilliger"]);
    let keep_mail = any::<bool>();
    (person, title, keep_mail).prop_map(|((given, prefix, family, mail, phone), title, keep)| {
        let mail = if keep { mail } else { "" };
        format!("{given};{prefix};{family};;{title};{mail};;{phone};;;;;")
    })
}

/// 0: merge, 1: separate, 2: unmerge; then two indexes into the current persons.
fn arb_decision() -> impl Strategy<Value = (u8, usize, usize)> {
    (0u8..3, 0usize..16, 0usize..16)
}

fn import_lib(dir: &Path, index: &Path) {
    let cfg = ImportConfig {
        paths: vec![dir.join("a.csv"), dir.join("b.csv")],
        region: "NL".to_string(),
        lang: "nld+eng".to_string(),
        csv_map: Vec::new(),
        dry_run: false,
        event: None,
        date: None,
        place: None,
        me: Vec::new(),
        wait: Duration::from_secs(10),
    };
    netwerk_import::pipeline::import(&cfg, index, false, "netwerk-import test").unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn decisions_always_hold_after_a_run(
        a in prop::collection::vec(arb_row(), 1..6),
        b in prop::collection::vec(arb_row(), 1..6),
        b_again in prop::collection::vec(arb_row(), 1..6),
        decisions in prop::collection::vec(arb_decision(), 1..5),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path().join("index.db");
        let rows = |v: &[String]| csv(&v.iter().map(String::as_str).collect::<Vec<_>>());
        std::fs::write(dir.path().join("a.csv"), rows(&a)).unwrap();
        std::fs::write(dir.path().join("b.csv"), rows(&b)).unwrap();
        import_lib(dir.path(), &index);

        for (kind, i, j) in decisions {
            let mut idx = Index::open(&index).unwrap();
            let ids: Vec<String> = idx.persons().unwrap().into_iter().map(|p| p.id).collect();
            let (x, y) = (ids[i % ids.len()].clone(), ids[j % ids.len()].clone());
            let d = match kind {
                0 => Decision::Merge(x, y),
                1 => Decision::Separate(x, y),
                _ => Decision::Unmerge(x),
            };
            // Where no earlier decision can contradict it, a decision must go through.
            let records = |p: &str| count(
                &index,
                &format!("SELECT count(*) FROM person_records pr JOIN active_records r
                          ON r.id = pr.record_id WHERE pr.person_id = '{p}'"),
            );
            let merges = count(&index, "SELECT count(*) FROM decisions WHERE kind = 'merge'");
            let apart = count(&index, "SELECT count(*) FROM decisions WHERE kind <> 'merge'");
            let must_work = match &d {
                Decision::Merge(x, y) => x != y && apart == 0,
                Decision::Separate(x, y) => x != y && merges == 0,
                Decision::Unmerge(x) => records(x) > 1 && merges == 0,
            };
            match idx.decide(&d, None, "2026-11-27T00:00:00Z", "netwerk-import test") {
                Ok(_) => {}
                Err(StoreError::Refused { what }) => {
                    prop_assert!(!must_work, "{:?} refused: {}", d, what);
                }
                Err(e) => panic!("{d:?}: {e}"),
            }
            let held = decisions_hold(&index);
            prop_assert!(held.iter().all(|(_, ok)| *ok), "after {:?}: {:?}", d, held);
        }

        // The second file exported again, changed: the decisions still hold.
        std::fs::write(dir.path().join("b.csv"), rows(&b_again)).unwrap();
        import_lib(dir.path(), &index);
        let held = decisions_hold(&index);
        prop_assert!(held.iter().all(|(_, ok)| *ok), "after the re-export: {:?}", held);
        // The persons are still a partition of the active records.
        prop_assert_eq!(
            count(&index, "SELECT count(*) FROM active_records WHERE status = 'imported'"),
            count(
                &index,
                "SELECT count(*) FROM person_records pr JOIN active_records r ON r.id = pr.record_id
                 JOIN persons p ON p.id = pr.person_id WHERE p.retired_run IS NULL"
            )
        );
    }
}
