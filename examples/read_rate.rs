//! Reads and normalises files on the calling thread only, as the pipeline's read stage does
//! for one file, and prints how many records it produced: `read_rate FILE...`.
//! `scripts/bench-import` times it with `/usr/bin/time`, so the rate is per CPU-second of one
//! core, which a busy machine does not distort the way wall-clock time is distorted.

use netwerk_import::discover::{self, FileKind};
use netwerk_import::normalize;
use netwerk_import::sources::{json, table, vcard, ReadOptions};

fn main() -> std::process::ExitCode {
    let opts = normalize::Options::default();
    let read_opts = ReadOptions::default();
    let mut records = 0usize;
    let mut emails = 0usize;
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("read_rate: {path}: {err}");
                return std::process::ExitCode::from(2);
            }
        };
        let read = match discover::sniff(&bytes) {
            Some(FileKind::Vcard) => vcard::read(&path, &bytes),
            Some(FileKind::Csv) => table::read(&path, &bytes, &read_opts),
            Some(FileKind::Json) => json::read(&path, &bytes),
            _ => {
                eprintln!("read_rate: {path}: not a vCard, CSV or JSON file");
                return std::process::ExitCode::from(2);
            }
        };
        for raw in &read.contacts {
            let (contact, _) = normalize::contact(raw, &opts);
            emails += contact.emails.len();
            records += 1;
        }
    }
    println!("{records} records ({emails} e-mails)");
    std::process::ExitCode::SUCCESS
}
