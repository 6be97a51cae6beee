//! A generated business-card scan (examples/gen_cards, seed 7, ground truth beside it) in a dated
//! event folder goes through the whole pipeline with real tesseract: one person with the
//! card's e-mail and mobile number, met at the event the folder names, the source pointing at
//! the image (card 1, no line).

use assert_cmd::Command;
use std::path::Path;

#[test]
fn a_scanned_card_in_an_event_folder_becomes_a_person_met_there() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scan-demo");
    let truth: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root.join("dirk.truth.json")).expect("truth beside the image"),
    )
    .expect("truth is JSON");
    let card = &truth["cards"][0];
    let dir = tempfile::tempdir().expect("tempdir");
    let index = dir.path().join("index.db");
    let out = Command::cargo_bin("netwerk-import")
        .expect("binary")
        .env_remove("NETWERK_INDEX")
        .arg("--index")
        .arg(&index)
        .arg(root.join("cards"))
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let export = Command::cargo_bin("netwerk-import")
        .expect("binary")
        .arg("--index")
        .arg(&index)
        .args(["export", "--format", "jsonl"])
        .output()
        .expect("runs");
    let text = String::from_utf8(export.stdout).expect("utf-8");
    let persons: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(persons.len(), 1, "{text}");
    let p = &persons[0];
    assert_eq!(p["emails"][0], card["emails"][0], "{p}");
    assert_eq!(p["phones"][0], card["phones"][0]["value"], "{p}");
    assert_eq!(p["name"]["full"], card["name"], "{p}");
    assert_eq!(p["sources"][0]["kind"], "scan");
    assert_eq!(p["sources"][0]["record"], 1);
    assert!(p["sources"][0]["line"].is_null());
    assert!(p["sources"][0]["path"]
        .as_str()
        .is_some_and(|s| s.ends_with("dirk.jpg")));
    let e = &p["encounters"][0];
    assert_eq!(e["event"], "Congres GGZ");
    assert_eq!(e["date"], "2026-10-03");
    assert_eq!(e["how"], "card");
}
