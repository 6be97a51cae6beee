//! Every input the fuzzers ever broke something with, replayed on stable Rust.
//!
//! In: the files under `fuzz/regressions/<target>/`, one input each, kept as libFuzzer wrote
//! it, and the hand-written seeds under `fuzz/seeds/<target>/`. Each goes through `fuzz/src/checks.rs` — the very function the fuzz target `<target>`
//! calls, included here by path — so CI runs the same checks as the fuzzer without nightly or
//! libFuzzer. A failure names the file.
//!
//! It does not fuzz: `FUZZING.md` says how to run the fuzzers.

#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// What a fuzz target checks: the whole input, a panic when something is wrong.
type Check = fn(&[u8]);

/// The fuzz targets and their checks; a folder under `fuzz/regressions/` must be one of them.
const TARGETS: &[(&str, Check)] = &[
    ("vcard", checks::vcard),
    ("csv", checks::csv),
    ("json", checks::json),
    ("ics", checks::ics),
    ("extract", checks::extract),
    ("normalize", checks::normalize),
    ("prepare", checks::prepare),
];

/// The folders of kept inputs, each with one folder per target.
const KEPT: &[&str] = &["fuzz/regressions", "fuzz/seeds"];

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    entries
}

#[test]
fn every_regression_passes_its_target_checks() {
    let mut failures = Vec::new();
    let mut replayed = 0;
    let kept = KEPT
        .iter()
        .map(|k| Path::new(env!("CARGO_MANIFEST_DIR")).join(k))
        .filter(|k| k.is_dir());
    for dir in kept.flat_map(|k| sorted_entries(&k)) {
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let Some((_, check)) = TARGETS.iter().find(|(t, _)| *t == name) else {
            panic!("{}: no fuzz target of that name", dir.display());
        };
        for file in sorted_entries(&dir) {
            let bytes = std::fs::read(&file).expect("regression input is readable");
            replayed += 1;
            if let Err(e) = panic::catch_unwind(AssertUnwindSafe(|| check(&bytes))) {
                let why = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!("{}: {why}", file.display()));
            }
        }
    }
    assert!(replayed > 0, "no regression inputs found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The checks themselves catch what they are meant to catch: a line past the input's end.
#[test]
fn line_bound_counts_every_kind_of_line_end() {
    const CASES: &[(&[u8], u32)] = &[
        (b"", 1),
        (b"a", 1),
        (b"a\n", 2),
        (b"a\r\nb", 3),
        (b"a\rb\r\r\nc", 5),
        (b"a\x00\n\x00b\x00", 2),
    ];
    for (bytes, want) in CASES {
        assert_eq!(checks::line_bound(bytes), *want, "case {bytes:?}");
    }
}

/// The word decoder keeps the card text's words when no perturbation bytes follow, and a
/// perturbation byte changes the word it belongs to.
#[test]
fn words_decoder_reads_text_then_perturbations() {
    let plain = checks::words(b"[20]Jan van der Berg\n[14]06-12345678");
    let texts: Vec<&str> = plain.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(texts, ["Jan", "van", "der", "Berg", "06-12345678"]);

    // 0x0a: op 2 (set a coordinate), field 2 (width), then the i32.
    let mut input = b"Jan Berg\x00\x0a".to_vec();
    input.extend_from_slice(&(-7i32).to_le_bytes());
    let changed = checks::words(&input);
    assert_eq!(changed[0].width, -7);
    assert_eq!(changed[1], plain_words("Jan Berg")[1]);

    // 0x10 drops the word, 0x20 swaps it with the one before.
    let dropped = checks::words(b"Jan Berg\x00\x00\x10");
    assert_eq!(dropped.len(), 1);
    let swapped = checks::words(b"Jan Berg\x00\x00\x20");
    assert_eq!(swapped[0].text, "Berg");
}

fn plain_words(text: &str) -> Vec<netwerk_import::sources::scan::extract::Word> {
    checks::words(text.as_bytes())
}
