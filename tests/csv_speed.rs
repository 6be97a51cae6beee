//! Throughput of the CSV reader on a generated 100 000-row Google Contacts export (the layout
//! with 3 e-mail, 3 phone and 2 address groups: 69 columns). Ignored by default and never
//! asserts a time; run it with
//! `cargo test --release --test csv_speed -- --ignored --nocapture` and read the figure.

use netwerk_import::sources::table::read;
use netwerk_import::sources::ReadOptions;
use std::fmt::Write as _;
use std::time::Instant;

const ROWS: usize = 100_000;

fn google_csv(rows: usize) -> String {
    let mut header: Vec<String> = [
        "First Name",
        "Middle Name",
        "Last Name",
        "Phonetic First Name",
        "Phonetic Middle Name",
        "Phonetic Last Name",
        "Name Prefix",
        "Name Suffix",
        "Nickname",
        "File As",
        "Organization Name",
        "Organization Title",
        "Organization Department",
        "Birthday",
        "Notes",
        "Photo",
        "Labels",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for n in 1..=3 {
        header.push(format!("E-mail {n} - Label"));
        header.push(format!("E-mail {n} - Value"));
    }
    for n in 1..=3 {
        header.push(format!("Phone {n} - Label"));
        header.push(format!("Phone {n} - Value"));
    }
    for n in 1..=2 {
        for part in [
            "Label",
            "Formatted",
            "Street",
            "City",
            "PO Box",
            "Region",
            "Postal Code",
            "Country",
            "Extended Address",
        ] {
            header.push(format!("Address {n} - {part}"));
        }
    }
    for n in 1..=2 {
        header.push(format!("Website {n} - Label"));
        header.push(format!("Website {n} - Value"));
    }
    for n in 1..=2 {
        header.push(format!("Relation {n} - Label"));
        header.push(format!("Relation {n} - Value"));
    }
    let width = header.len();
    let mut out = header.join(",");
    out.push_str("\r\n");
    let given = [
        "Jan", "Fatima", "Pieter", "Noor", "Sanne", "Mohamed", "Eva", "Bram",
    ];
    let family = [
        "van der Berg",
        "El Amrani",
        "de Boer",
        "Jansen",
        "de Vries",
        "Bouzid",
    ];
    for i in 0..rows {
        let mut cells = vec![String::new(); width];
        cells[0] = given[i % given.len()].to_owned();
        cells[2] = family[i % family.len()].to_owned();
        cells[10] = format!("Stichting {}", i % 977);
        cells[11] = "Coördinator".to_owned();
        cells[14] = format!("\"Ontmoet op congres {}\nNotitie met, komma\"", i % 31);
        cells[16] = "* myContacts ::: Netwerk".to_owned();
        cells[17] = "* Work".to_owned();
        cells[18] = format!("p{i}@voorbeeld.nl ::: p{i}@gmail.example");
        cells[23] = "Mobile".to_owned();
        cells[24] = format!("06-{:08}", i);
        cells[29] = "Work".to_owned();
        cells[30] = format!("\"Oudegracht {}\n3511 AB Utrecht\"", i % 300);
        cells[31] = format!("Oudegracht {}", i % 300);
        cells[32] = "Utrecht".to_owned();
        cells[35] = "3511 AB".to_owned();
        cells[36] = "Nederland".to_owned();
        let _ = write!(out, "{}\r\n", cells.join(","));
    }
    out
}

#[test]
#[ignore = "a measurement, not a check: run with --ignored --nocapture"]
fn google_100k_rows_throughput() {
    let text = google_csv(ROWS);
    let opts = ReadOptions::default();
    let mut best = f64::MAX;
    let mut best_cpu = f64::MAX;
    // Results are kept until the end: freeing 100 000 contacts between runs would make the
    // allocator consolidate that garbage inside the next timed run.
    let mut kept = Vec::new();
    for _ in 0..3 {
        let (started, cpu) = (Instant::now(), thread_cpu_seconds());
        let got = read("speed.csv", text.as_bytes(), &opts);
        let secs = started.elapsed().as_secs_f64();
        if let (Some(before), Some(after)) = (cpu, thread_cpu_seconds()) {
            best_cpu = best_cpu.min(after - before);
        }
        assert_eq!(got.contacts.len(), ROWS, "{:?}", got.diagnostics.first());
        best = best.min(secs);
        kept.push(got);
    }
    // Baseline in the same run: the csv crate alone, splitting the same text into records.
    let mut baseline = f64::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut record = csv::StringRecord::new();
        let mut n = 0usize;
        while reader.read_record(&mut record).unwrap_or(false) {
            n += record.len();
        }
        baseline = baseline.min(started.elapsed().as_secs_f64());
        assert!(n > ROWS);
    }
    let mib = text.len() as f64 / (1024.0 * 1024.0);
    println!(
        "{ROWS} rows, {mib:.1} MiB: read best of 3 {best:.3} s wall = {:.0} rows/s, {:.1} MiB/s \
         (one thread); on-CPU {best_cpu:.3} s = {:.0} rows/s; csv crate alone {baseline:.3} s \
         = {:.0} rows/s",
        ROWS as f64 / best,
        mib / best,
        ROWS as f64 / best_cpu,
        ROWS as f64 / baseline,
    );
}

/// Time this thread has spent on a CPU (Linux `schedstat`), so that a busy machine does not
/// count other processes' time; `None` elsewhere.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}
