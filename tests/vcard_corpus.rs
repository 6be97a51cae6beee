//! The vCard reader on a real-world corpus: files from other projects' test suites (Android's
//! vCard tests, ez-vcard's vendor samples), listed in `SOURCES.tsv` beside them.
//!
//! The corpus lives outside the project (`../shared/corpus/vcard` from the manifest directory,
//! or the nearest such folder further up) and is never copied in; when it is absent the test
//! prints a note and passes.
//!
//! Claims, checked against a plain reading of each card's raw text (not the reader's own view):
//! - every `BEGIN:VCARD` in a file becomes exactly one record (imported or rejected);
//! - every card that carries a name (`FN`, `N`) or an e-mail imports, with a name or e-mail;
//! - every card that does not import with a name or e-mail has a located diagnostic.
//!
//! `cargo test --test vcard_corpus -- --nocapture` prints the table.

use netwerk_import::diag::Diagnostic;
use netwerk_import::sources::vcard;
use std::path::{Path, PathBuf};

fn corpus_dir() -> Option<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(1)
        .map(|dir| dir.join("shared/corpus/vcard"))
        .find(|dir| dir.is_dir())
}

/// The file as text, the way a person would read it (BOM off, UTF-16 decoded).
fn text_of(bytes: &[u8]) -> String {
    let (enc, body) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((enc, len)) => (enc, &bytes[len..]),
        None if bytes.get(..2).is_some_and(|b| b[0] == 0) => (encoding_rs::UTF_16BE, bytes),
        None if bytes.get(..2).is_some_and(|b| b[1] == 0) => (encoding_rs::UTF_16LE, bytes),
        None => (encoding_rs::UTF_8, bytes),
    };
    enc.decode_without_bom_handling(body).0.into_owned()
}

fn is_marker(line: &str, marker: &str) -> bool {
    line.trim().eq_ignore_ascii_case(marker)
}

/// Whether the card's own lines (not those of cards nested in it) hold an `FN`, `N` or
/// `EMAIL` with something in its value.
fn carries_name_or_email(raw: &str) -> bool {
    let mut depth = 0;
    for line in raw.lines() {
        if is_marker(line, "BEGIN:VCARD") {
            depth += 1;
            continue;
        }
        if is_marker(line, "END:VCARD") {
            depth -= 1;
            continue;
        }
        if depth != 1 {
            continue;
        }
        let Some((head, value)) = line.split_once(':') else {
            continue;
        };
        let name = head.split(';').next().unwrap_or("");
        let name = name.rsplit('.').next().unwrap_or("");
        let wanted = ["FN", "N", "EMAIL"]
            .iter()
            .any(|n| name.trim().eq_ignore_ascii_case(n));
        if wanted && value.chars().any(|c| !matches!(c, ';' | ',' | ' ' | '\t')) {
            return true;
        }
    }
    false
}

#[test]
fn corpus_cards_with_a_name_or_email_import_with_one() {
    let Some(dir) = corpus_dir() else {
        println!(
            "note: no shared/corpus/vcard above {}, corpus test skipped",
            env!("CARGO_MANIFEST_DIR")
        );
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the corpus folder can be listed")
        .map(|e| e.expect("a corpus entry").path())
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("vcf")))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .vcf files in {}", dir.display());

    let mut failures = Vec::new();
    let mut without: Vec<String> = Vec::new();
    let (mut total_cards, mut total_named, mut total_diags) = (0, 0, 0);
    println!(
        "{:<72} {:>5} {:>10} {:>5}",
        "file", "cards", "name/email", "diags"
    );
    for path in &files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = std::fs::read(path).expect("a corpus file can be read");
        let text = text_of(&bytes);
        let read = vcard::read(&name, &bytes);

        let begins = text.lines().filter(|l| is_marker(l, "BEGIN:VCARD")).count();
        let records = read.contacts.len()
            + read
                .rejected
                .iter()
                .filter(|r| {
                    r.raw
                        .trim_start()
                        .to_ascii_uppercase()
                        .starts_with("BEGIN:VCARD")
                })
                .count();
        if records != begins {
            failures.push(format!(
                "{name}: {begins} BEGIN:VCARD lines but {records} records"
            ));
        }

        let diags_of = |record: u32| -> Vec<&Diagnostic> {
            read.diagnostics
                .iter()
                .filter(|d| d.record == Some(record) && d.line.is_some())
                .collect()
        };
        let mut named = 0;
        for contact in &read.contacts {
            let n = &contact.name;
            let has = [&n.full, &n.given, &n.middle, &n.family]
                .iter()
                .any(|v| v.is_some())
                || !contact.emails.is_empty();
            if has {
                named += 1;
                continue;
            }
            if carries_name_or_email(&contact.raw) {
                failures.push(format!(
                    "{name} record {}: carries a name or e-mail but imported without",
                    contact.source.record
                ));
            }
            let diags = diags_of(contact.source.record);
            if diags.is_empty() {
                failures.push(format!(
                    "{name} record {}: imported without name or e-mail and no diagnostic",
                    contact.source.record
                ));
            }
            without.extend(diags.iter().map(|d| d.to_string()));
        }
        for rejected in &read.rejected {
            if carries_name_or_email(&rejected.raw) {
                failures.push(format!(
                    "{name} record {}: carries a name or e-mail but was rejected: {}",
                    rejected.source.record, rejected.reason
                ));
            }
            let diags = diags_of(rejected.source.record);
            if diags.is_empty() {
                failures.push(format!(
                    "{name} record {}: rejected without a located diagnostic",
                    rejected.source.record
                ));
            }
            without.extend(diags.iter().map(|d| d.to_string()));
        }
        for d in &read.diagnostics {
            if d.line.is_none() {
                failures.push(format!("{name}: diagnostic without a line: {d}"));
            }
        }
        println!(
            "{:<72} {:>5} {:>10} {:>5}",
            name,
            begins,
            named,
            read.diagnostics.len()
        );
        total_cards += begins;
        total_named += named;
        total_diags += read.diagnostics.len();
    }
    println!(
        "{:<72} {:>5} {:>10} {:>5}",
        format!("total ({} files)", files.len()),
        total_cards,
        total_named,
        total_diags
    );
    println!("\ndiagnostics of the cards that import without a name or e-mail:");
    for line in &without {
        println!("  {line}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
