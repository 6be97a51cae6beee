//! Golden snapshots of the Facebook friends reader over every fixture in `fixtures/json/`,
//! malformed ones included: what each imports to, what it rejects, and the located messages.

use netwerk_import::sources::json;
use serde_json::json;
use std::path::Path;

fn snapshot_of(rel: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/json")
        .join(rel);
    let bytes = std::fs::read(&path).expect("fixture exists");
    let read = json::read(rel, &bytes);
    json!({
        "kind": read.kind.as_str(),
        "contacts": read.contacts,
        "rejected": read.rejected.iter().map(|r| json!({
            "source": r.source, "raw": r.raw, "reason": r.reason,
        })).collect::<Vec<_>>(),
        "diagnostics": read.diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>(),
    })
}

const FIXTURES: &[&str] = &[
    "your_friends.json",
    "friends-legacy.json",
    "malformed/entry-without-name.json",
    "malformed/truncated.json",
    "malformed/instagram-followers.json",
    "malformed/not-utf8.json",
    "malformed/bad-escape.json",
];

#[test]
fn every_fixture_has_a_snapshot() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/json");
    let mut found = Vec::new();
    for dir in [root.clone(), root.join("malformed")] {
        for entry in std::fs::read_dir(&dir).expect("fixture dir") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                found.push(
                    path.strip_prefix(&root)
                        .expect("inside")
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    found.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(found, listed, "every JSON fixture is snapshotted");
}

#[test]
fn fixtures_import_as_snapshotted() {
    for rel in FIXTURES {
        let name = rel.replace(['/', '.'], "_");
        insta::assert_json_snapshot!(name, snapshot_of(rel));
    }
}

#[test]
fn mojibake_is_repaired_and_timestamps_kept() {
    let v = snapshot_of("your_friends.json");
    assert_eq!(v["contacts"][0]["name"]["full"], "Håkan de Vries");
    assert_eq!(v["contacts"][1]["name"]["full"], "Zoë van der Meer 🌍");
    assert_eq!(v["contacts"][0]["connected_on"], "1772926883");
    assert_eq!(v["contacts"][1]["source"]["line"], 7);
}

#[test]
fn one_bad_entry_does_not_stop_the_file() {
    let v = snapshot_of("malformed/entry-without-name.json");
    assert_eq!(v["contacts"].as_array().expect("list").len(), 2);
    assert_eq!(v["rejected"].as_array().expect("list").len(), 2);
    let v = snapshot_of("malformed/bad-escape.json");
    assert_eq!(v["contacts"].as_array().expect("list").len(), 2, "{v}");
}
