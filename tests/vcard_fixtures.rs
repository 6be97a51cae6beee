//! Golden tests of the vCard reader over `fixtures/vcard/` (see its README for what each
//! fixture holds): the whole `FileRead` — contacts, rejected records, diagnostics — as JSON
//! snapshots in `tests/snapshots/`. Photos are shown as media type, size and first bytes.
//! A few claims are also asserted directly, so that a careless snapshot update cannot hide them.
//!
//! Update: `INSTA_UPDATE=always cargo test --test vcard_fixtures`, then read the `.snap` diff.

use netwerk_import::model::RawContact;
use netwerk_import::sources::{vcard, FileRead};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/vcard")
}

fn read_fixture(name: &str) -> FileRead {
    let bytes = std::fs::read(fixtures().join(name)).expect("fixture exists");
    vcard::read(&format!("fixtures/vcard/{name}"), &bytes)
}

/// A contact as JSON, with photo bytes summarised (size, first bytes in hex).
fn contact_json(contact: &RawContact) -> Value {
    let mut value = serde_json::to_value(contact).expect("RawContact serialises");
    if let Some(photos) = value.get_mut("photos").and_then(Value::as_array_mut) {
        for (photo, original) in photos.iter_mut().zip(&contact.photos) {
            let head: String = original
                .data
                .iter()
                .take(8)
                .map(|b| format!("{b:02x}"))
                .collect();
            photo["data"] = json!({ "len": original.data.len(), "head": head });
        }
    }
    value
}

/// The serialisable view of a `FileRead` (it does not derive `Serialize` itself).
fn view(read: &FileRead) -> Value {
    json!({
        "kind": read.kind.as_str(),
        "contacts": read.contacts.iter().map(contact_json).collect::<Vec<_>>(),
        "rejected": read.rejected.iter().map(|r| json!({
            "source": r.source,
            "reason": r.reason,
            "raw": r.raw,
        })).collect::<Vec<_>>(),
        "diagnostics": read.diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>(),
    })
}

/// Snapshot name from the fixture path: `malformed/missing-end.vcf` → `malformed__missing-end`.
fn snapshot_name(fixture: &str) -> String {
    fixture.trim_end_matches(".vcf").replace('/', "__")
}

macro_rules! fixtures {
    ($($test:ident => $file:literal),* $(,)?) => {
        /// Every fixture with a snapshot test, so that none is forgotten.
        const FIXTURES: &[&str] = &[$($file),*];
        $(
            #[test]
            fn $test() {
                let read = read_fixture($file);
                insta::assert_json_snapshot!(snapshot_name($file), view(&read));
            }
        )*
    };
}

fixtures! {
    iphone_3_0 => "iphone-3.0.vcf",
    android_2_1 => "android-2.1.vcf",
    apple_utf16be_without_bom => "apple-utf16be-nobom.vcf",
    windows_utf16le_with_bom => "windows-utf16le-bom.vcf",
    vcard_4_0 => "v4.0.vcf",
    multi_card => "multi.vcf",
    dutch_names => "dutch-names.vcf",
    legacy_charsets => "charsets.vcf",
    malformed_missing_end => "malformed/missing-end.vcf",
    malformed_garbage_between => "malformed/garbage-between.vcf",
    malformed_invalid_base64_photo => "malformed/invalid-base64-photo.vcf",
    malformed_invalid_qp => "malformed/invalid-qp.vcf",
    malformed_binary_junk_after => "malformed/binary-junk-after.vcf",
    malformed_empty => "malformed/empty.vcf",
    malformed_only_note => "malformed/only-note.vcf",
    malformed_orphan_end => "malformed/orphan-end.vcf",
    malformed_bad_lines => "malformed/bad-lines.vcf",
}

#[test]
fn every_fixture_has_a_snapshot_test() {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("fixture folder can be listed") {
            let path = entry.expect("fixture entry").path();
            if path.is_dir() {
                walk(&path, base, out);
            } else if path.extension().is_some_and(|e| e == "vcf") {
                let rel = path.strip_prefix(base).expect("under the fixture folder");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut found = Vec::new();
    walk(&fixtures(), &fixtures(), &mut found);
    found.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(ToString::to_string).collect();
    listed.sort();
    assert_eq!(
        found, listed,
        "fixtures on disk vs. fixtures with a snapshot test"
    );
}

fn only(read: &FileRead) -> &RawContact {
    assert_eq!(read.contacts.len(), 1, "contacts: {:#?}", read.contacts);
    &read.contacts[0]
}

fn label_of<'a>(values: &'a [netwerk_import::model::Labeled], value: &str) -> Option<&'a str> {
    values
        .iter()
        .find(|l| l.value == value)
        .unwrap_or_else(|| panic!("no value {value:?} in {values:#?}"))
        .label
        .as_deref()
}

#[test]
fn iphone_groups_labels_and_folded_photo() {
    let read = read_fixture("iphone-3.0.vcf");
    let c = only(&read);
    assert_eq!(c.name.family.as_deref(), Some("van der Berg"));
    assert_eq!(
        label_of(&c.urls, "https://www.voorbeeld.nl/jan"),
        Some("homepage,pref")
    );
    assert_eq!(label_of(&c.phones, "030 123 4567"), Some("Kantoor Utrecht"));
    assert_eq!(label_of(&c.phones, "06-12345678"), Some("cell,pref"));
    assert_eq!(c.photos.len(), 1);
    assert_eq!(c.photos[0].media_type.as_deref(), Some("image/jpeg"));
    assert!(
        c.photos[0].data.starts_with(&[0xFF, 0xD8, 0xFF]),
        "JPEG bytes"
    );
    // The raw record is the file's text, CR CR LF included.
    assert!(c.raw.starts_with("BEGIN:VCARD\r\r\nVERSION:3.0\r\r\n"));
    assert!(c.raw.ends_with("END:VCARD"));
    // A label on a group whose property is not mapped stays with it in extra.
    assert!(c
        .extra
        .iter()
        .any(|(k, v)| k == "item5.X-ABLabel" && v == "_$!<Spouse>!$_"));
    assert!(read.diagnostics.is_empty(), "{:#?}", read.diagnostics);
}

#[test]
fn android_quoted_printable_and_custom_nickname() {
    let read = read_fixture("android-2.1.vcf");
    let c = &read.contacts[0];
    assert_eq!(c.name.full.as_deref(), Some("Zoë Hoëvenaars"));
    assert_eq!(c.nicknames, ["Zo"]);
    assert_eq!(
        c.notes,
        ["Gesproken over de cursus één op één.\nTweede regel: coördinatie en begeleiding."]
    );
    assert_eq!(c.photos[0].data.len(), 51);
    assert_eq!(read.contacts[1].source.line, Some(21));
}

#[test]
fn utf16_files_decode() {
    for file in ["apple-utf16be-nobom.vcf", "windows-utf16le-bom.vcf"] {
        let read = read_fixture(file);
        let c = only(&read);
        assert!(
            c.name
                .full
                .as_deref()
                .is_some_and(|n| n.contains(['ï', 'ı'])),
            "{file}: {:?}",
            c.name
        );
        assert_eq!(c.source.line, Some(1), "{file}");
    }
}

#[test]
fn vcard4_from_our_exporter() {
    let read = read_fixture("v4.0.vcf");
    let c = &read.contacts[0];
    assert_eq!(label_of(&c.phones, "+31612345678"), Some("cell,pref"));
    assert_eq!(c.emails[0].value, "jan@voorbeeld.nl");
    assert_eq!(c.birthday.as_deref(), Some("--0307"));
    assert!(c
        .extra
        .iter()
        .any(|(k, v)| k == "X-NETWERK-ID" && v == "p-0123456789ab"));
    assert_eq!(c.photos[0].media_type.as_deref(), Some("image/png"));
    let uri = read.contacts[1].photos[0].uri.as_deref();
    assert_eq!(uri, Some("https://example.nl/foto/anna.jpg"));
}

#[test]
fn legacy_charsets_decode() {
    let read = read_fixture("charsets.vcf");
    assert_eq!(read.contacts[0].name.family.as_deref(), Some("安藤"));
    // 0x5C inside a Shift_JIS character is not a backslash escape.
    assert_eq!(read.contacts[0].name.full.as_deref(), Some("表 示"));
    assert_eq!(read.contacts[0].notes, ["メモ"]);
    assert_eq!(read.contacts[1].name.given.as_deref(), Some("Anaïs"));
    assert_eq!(
        read.contacts[1].name.full.as_deref(),
        Some("Anaïs Hoëvenaars")
    );
    assert_eq!(read.contacts[1].orgs[0].name, "Café de Keizer");
    // The raw record is decoded with the charset its property declared.
    assert!(read.contacts[0]
        .raw
        .contains("N;CHARSET=SHIFT_JIS:安藤;ロイド;;;"));
}

#[test]
fn malformed_records_are_located() {
    let read = read_fixture("malformed/missing-end.vcf");
    assert_eq!(read.contacts.len(), 1);
    assert_eq!(read.rejected.len(), 1);
    assert_eq!(read.rejected[0].reason, "BEGIN:VCARD without END:VCARD");
    assert_eq!(
        read.diagnostics[0].to_string(),
        "fixtures/vcard/malformed/missing-end.vcf:6 (record 2): BEGIN:VCARD without END:VCARD"
    );

    let read = read_fixture("malformed/only-note.vcf");
    assert!(read.contacts.is_empty());
    assert!(read.rejected[0].raw.contains("NOTE:Terugbellen"));

    let read = read_fixture("malformed/invalid-base64-photo.vcf");
    assert_eq!(
        read.contacts.len(),
        2,
        "a bad photo costs the photo, not the card"
    );
    assert!(read.contacts.iter().all(|c| c.photos.is_empty()));
    assert_eq!(read.diagnostics.len(), 2);
    assert_eq!(read.diagnostics[0].line, Some(6));

    let read = read_fixture("malformed/binary-junk-after.vcf");
    assert_eq!(read.contacts.len(), 1);
    assert_eq!(read.diagnostics[0].line, Some(6));
}
