//! End to end through the binary on the demo network in `fixtures/demo/`: three people (Jan van
//! der Berg, Fatima El Amrani, Kees Jansen) met at two events (a congress with a sidecar, a
//! networking evening in a dated folder), found in business-card scans and photos (read by
//! tesseract; one photo dated and placed only by its EXIF), vCards exchanged at the evening, a
//! phone export, Google, LinkedIn (connections and an invitation) and a calendar. `who` must
//! find each of them by any way of asking and show the right encounters with their sources;
//! `note` and `who --no-purpose` keep and report purposes; the exports carry them.

mod common;

use common::{bin, demo};
use serde_json::Value;
use std::path::{Path, PathBuf};

const ME: &str = "ik@voorbeeld.nl";

fn run(index: &Path, args: &[&str]) -> std::process::Output {
    bin()
        .arg("--index")
        .arg(index)
        .args(args)
        .output()
        .expect("runs")
}

/// An index with the demo imported (`--me` given, so no owner guessing): imported once per test
/// binary (the cards go through tesseract), then copied for each test, so tests that write to
/// their index do not see each other.
fn imported() -> (tempfile::TempDir, PathBuf) {
    static TEMPLATE: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, template) = TEMPLATE.get_or_init(|| {
        // Statics are never dropped: keep the template under cargo's scratch folder.
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
        let index = dir.path().join("index.db");
        let out = run(&index, &["--me", ME, demo().to_str().expect("utf-8 path")]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (dir, index)
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let index = dir.path().join("index.db");
    // The importing process has exited: its WAL is checkpointed into the file.
    std::fs::copy(template, &index).expect("copying the imported index");
    (dir, index)
}

fn who_json(index: &Path, query: &str) -> Value {
    let out = run(index, &["who", "--json", query]);
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

fn names(doc: &Value) -> Vec<String> {
    doc["matches"]
        .as_array()
        .expect("matches")
        .iter()
        .map(|m| m["name"].as_str().unwrap_or("").to_string())
        .collect()
}

/// `date how event ← source-file-name` per timeline entry, `[weak]` etc. where not strong.
fn timeline(card: &Value) -> Vec<String> {
    card["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|m| {
            let file = |v: &Value| {
                v.as_str()
                    .map(|s| s.rsplit('/').next().unwrap_or(s).to_string())
                    .unwrap_or_default()
            };
            let mut s = format!(
                "{} {} {} <- {}",
                m["date"].as_str().unwrap_or("-"),
                m["how"].as_str().unwrap_or("-"),
                m["event"].as_str().unwrap_or("-"),
                file(&m["via"]),
            );
            if m["strength"] != "strong" {
                s.push_str(&format!(" [{}]", m["strength"].as_str().unwrap_or("")));
            }
            s
        })
        .collect()
}

#[test]
fn who_finds_each_person_with_the_right_encounters_and_sources() {
    let (_dir, index) = imported();
    // (query, expected timeline of the first match)
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "Jan van der Berg",
            "Jan van der Berg",
            &[
                "2026-10-03 card Congres GGZ <- jan.jpg (record 1)",
                "2026-11-14 in-person Netwerkavond Sociaal Domein <- kaartjes.vcf:1",
                "2026-11-15 linkedin LinkedIn invitation received <- Invitations.csv:2",
                "2026-11-20 meeting Koffie met Jan <- agenda.ics:5",
            ],
        ),
        (
            "Fatima El Amrani",
            "Fatima El Amrani",
            &[
                "2024-10-09 linkedin - <- Connections.csv:5",
                "2026-10-03 card Congres GGZ <- fatima.jpg (record 1)",
                // Dated and placed by the photo's EXIF alone (an undated folder).
                "2026-11-14 card - <- IMG_20261114_201533.jpg (record 1)",
                "2026-11-14 in-person Netwerkavond Sociaal Domein <- kaartjes.vcf:17",
                "2026-12-02 meeting Intervisie peer support <- agenda.ics:18 [medium]",
                "2026-12-09 meeting Webinar herstelgerichte zorg <- agenda.ics:30 [weak]",
            ],
        ),
        (
            "Kees Jansen",
            "Kees Jansen",
            &[
                "2026-10-03 linkedin - <- Connections.csv:6",
                "2026-10-03 card Congres GGZ <- kees.jpg (record 1)",
                "2026-11-14 in-person Netwerkavond Sociaal Domein <- kaartjes.vcf:9",
                // Invited under an address the index does not know: matched by name only.
                "2026-12-02 meeting Intervisie peer support <- agenda.ics:18 [weak]",
            ],
        ),
    ];
    for (query, name, want) in cases {
        let doc = who_json(&index, query);
        let card = &doc["matches"][0];
        assert_eq!(card["name"], *name, "case {query:?}");
        assert_eq!(timeline(card), *want, "case {query:?}");
        // First met and last seen are the ends of the dated timeline.
        assert_eq!(card["first_met"], card["timeline"][0], "case {query:?}");
        let n = card["timeline"].as_array().map_or(0, Vec::len);
        assert_eq!(card["last_seen"], card["timeline"][n - 1], "case {query:?}");
        // Every value names its sources, and every source has its run.
        for s in card["sources"].as_array().expect("sources") {
            assert_eq!(s["run"], 1, "case {query:?}: {s}");
        }
        for e in card["emails"].as_array().expect("emails") {
            assert!(!e["sources"].as_array().expect("refs").is_empty(), "{e}");
        }
    }
    // The sidecar's note rides with the congress encounter; the invitation's message and the
    // calendar's description with theirs.
    let jan = &who_json(&index, "jan berg")["matches"][0];
    let notes: Vec<&str> = jan["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|m| m["note"].as_str())
        .collect();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(notes[0].starts_with("Looking for partners"), "{notes:?}");
    assert!(notes[1].starts_with("Leuk je gisteren"), "{notes:?}");
    assert!(
        notes[2].starts_with("Vervolg op de netwerkavond"),
        "{notes:?}"
    );
    // The one-to-one meeting was matched by e-mail, with one other person invited.
    let koffie = &jan["timeline"][3];
    assert_eq!(koffie["matched_by"], "email");
    assert_eq!(koffie["attendees"], 1);
}

#[test]
fn who_finds_people_however_they_are_asked_for() {
    let (_dir, index) = imported();
    const CASES: &[(&str, &str)] = &[
        ("jan", "Jan van der Berg"),
        ("Berg", "Jan van der Berg"),
        ("vd Berg", "Jan van der Berg"),
        ("v.d. berg", "Jan van der Berg"),
        ("van den Berg", "Jan van der Berg"),
        ("vanderberg", "Jan van der Berg"),
        ("JAN BERG", "Jan van der Berg"),
        ("jna van der bergg", "Jan van der Berg"),
        ("06-12345678", "Jan van der Berg"),
        ("0612345678", "Jan van der Berg"),
        ("+31 6 12345678", "Jan van der Berg"),
        ("Jan.vanderBerg@buurtvoorbeeld.nl", "Jan van der Berg"),
        ("buurtvoorbeeld", "Jan van der Berg"),
        ("Buurtzorg", "Jan van der Berg"),
        ("coordinator", "Jan van der Berg"),
        ("fatima", "Fatima El Amrani"),
        ("el amrani", "Fatima El Amrani"),
        ("Amrnai", "Fatima El Amrani"),
        ("033 460 89 00", "Fatima El Amrani"),
        ("06 2345 6789", "Fatima El Amrani"),
        ("ggz centraal", "Fatima El Amrani"),
        ("Cornelis", "Kees Jansen"),
        ("de brug", "Kees Jansen"),
        ("kees@debrug-voorbeeld.nl", "Kees Jansen"),
        ("Jose Ozturk", "José Öztürk"),
        ("sanne wit", "Sanne de Wit"),
    ];
    for (query, want) in CASES {
        let got = names(&who_json(&index, query));
        assert_eq!(
            got.first().map(String::as_str),
            Some(*want),
            "case {query:?}: {got:?}"
        );
    }
    // Nobody: exit status 1, an empty list, a message on stderr.
    let out = run(&index, &["who", "--json", "Zebedeus"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["matches"], serde_json::json!([]));
}

#[test]
fn who_met_lists_the_people_of_an_event() {
    let (_dir, index) = imported();
    let out = run(&index, &["who", "--met", "congres ggz", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let list = doc["encounters"].as_array().expect("encounters");
    // The three cards of the congress folder are one gathering.
    assert_eq!(list.len(), 1, "{doc}");
    assert_eq!(list[0]["date"], "2026-10-03");
    assert_eq!(list[0]["place"], "Jaarbeurs, Utrecht");
    let people: Vec<&str> = list[0]["people"]
        .as_array()
        .expect("people")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(
        people,
        ["Fatima El Amrani", "Jan van der Berg", "Kees Jansen"]
    );
    // A calendar meeting says how strongly each invitee was matched.
    let out = run(&index, &["who", "--met", "Intervisie"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(
            "2026-12-02  Intervisie peer support — Vergaderzaal 2  (meeting, 2 people)"
        ),
        "{text}"
    );
    assert!(text.contains("Kees Jansen  [weak]\n"), "{text}");
    // Nothing met there: exit status 1.
    let out = run(&index, &["who", "--met", "Zebedeus"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn the_text_card_shows_reach_timeline_purpose_and_sources() {
    let (_dir, index) = imported();
    let out = run(&index, &["who", "Koffie", "--limit", "1"]);
    assert_eq!(out.status.code(), Some(1), "events are not people");
    let out = run(&index, &["who", "fatima"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    for want in [
        "Fatima El Amrani  p-",
        "  Ervaringsdeskundige · GGZ Centraal · GGZ Centraal B.V.\n",
        "  e-mail   f.elamrani@ggzvoorbeeld.nl [1,2,4,5]\n",
        "  phone    +31334608900 [4]\n",
        "           +31623456789 [5]\n",
        "2026-11-14  card      business card — 52.15670, 5.39153  ← ",
        "  first met  2024-10-09  LinkedIn connection (linkedin)\n",
        "  last seen  2026-12-09  Webinar herstelgerichte zorg (meeting)\n",
        "2026-12-09  meeting   Webinar herstelgerichte zorg [12 people invited, weak]  ← ",
        "  purpose  (none yet",
        "    [4] ",
        "exports/telefoon.vcf:13 (vcard, record 2, run 1)\n",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

#[test]
fn purposes_are_kept_listed_and_exported() {
    let (_dir, index) = imported();
    // Without a purpose, everyone met since June (the three, met at the events).
    let out = run(
        &index,
        &["who", "--no-purpose", "--since", "2026-06-01", "--json"],
    );
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let listed: Vec<&str> = doc["without_purpose"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(
        listed,
        // Most recently met first.
        ["Fatima El Amrani", "Kees Jansen", "Jan van der Berg"]
    );

    // An ambiguous query lists the candidates and saves nothing (exit 2).
    let out = run(&index, &["note", "ja", "--offer", "x"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("matches 2 people"), "{stderr}");
    assert!(
        stderr.contains("Jan van der Berg") && stderr.contains("Kees Jansen"),
        "{stderr}"
    );
    let out = run(&index, &["note", "Zebedeus", "--offer", "x"]);
    assert_eq!(out.status.code(), Some(2));

    let out = run(
        &index,
        &[
            "note",
            "vd Berg",
            "--offer",
            "Ervaring met de peer-support training",
            "--ask",
            "Toegang tot de wijkteams",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let jan = who_json(&index, "jan berg")["matches"][0].clone();
    assert_eq!(
        jan["purpose"]["offer"],
        "Ervaring met de peer-support training"
    );
    assert_eq!(jan["purpose"]["ask"], "Toegang tot de wijkteams");
    // By id, one part only: the other stays.
    let id = jan["id"].as_str().expect("id").to_string();
    let out = run(
        &index,
        &["note", &id, "--ask", "Een introductie bij de gemeente"],
    );
    assert_eq!(out.status.code(), Some(0));
    let jan = who_json(&index, &id)["matches"][0].clone();
    assert_eq!(
        jan["purpose"]["offer"],
        "Ervaring met de peer-support training"
    );
    assert_eq!(jan["purpose"]["ask"], "Een introductie bij de gemeente");

    // Jan has a purpose now; the list shrinks.
    let out = run(&index, &["who", "--no-purpose", "--since", "2026-06-01"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("2 people met since 2026-06-01"), "{text}");
    assert!(!text.contains("Jan van der Berg"), "{text}");

    // A later run (the demo again, plus nothing new) keeps the purpose.
    let out = run(&index, &["--me", ME, demo().to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0));
    let jan = who_json(&index, &id)["matches"][0].clone();
    assert_eq!(jan["purpose"]["ask"], "Een introductie bij de gemeente");

    // Exports keep it: a last key in JSON Lines, X- properties in vCard, the CSV Notes.
    let out = run(&index, &["export", "--format", "jsonl"]);
    let jsonl = String::from_utf8(out.stdout).expect("utf-8");
    let line: Value = jsonl
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json line"))
        .find(|p| p["id"] == id.as_str())
        .expect("jan exported");
    let keys: Vec<&String> = line.as_object().expect("object").keys().collect();
    assert_eq!(keys.last().map(|k| k.as_str()), Some("purpose"));
    assert_eq!(
        line["purpose"]["offer"],
        "Ervaring met de peer-support training"
    );
    assert!(line["sources"][0]["run"].is_number(), "{}", line["sources"]);
    assert!(line["provenance"]
        .as_array()
        .expect("provenance")
        .iter()
        .all(|p| p["current"] == true));
    let congres = line["encounters"]
        .as_array()
        .expect("encounters")
        .iter()
        .find(|e| e["event"] == "Congres GGZ")
        .expect("congress");
    assert_eq!(
        congres["note"],
        "Looking for partners for the peer-support training"
    );
    let out = run(&index, &["export", "--format", "vcard"]);
    let vcf = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        vcf.contains("X-NETWERK-OFFER:Ervaring met de peer-support training\r\n"),
        "{vcf}"
    );
    let out = run(&index, &["export", "--format", "csv"]);
    let csv = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        csv.contains("Offer: Ervaring met de peer-support training\nAsk: Een introductie"),
        "{csv}"
    );
}

#[test]
fn the_calendar_owner_is_guessed_when_not_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = dir.path().join("index.db");
    let out = run(&index, &[demo().to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("agenda.ics: taking ik@voorbeeld.nl (in every event) as your own address"),
        "{stderr}"
    );
    // So the coffee with Jan is still one-to-one.
    let jan = who_json(&index, "Koffie met Jan");
    assert_eq!(jan["matches"], serde_json::json!([]));
    let jan = &who_json(&index, "jan berg")["matches"][0];
    let koffie = jan["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .find(|m| m["event"] == "Koffie met Jan")
        .expect("the coffee");
    assert_eq!(koffie["attendees"], 1);
}
