//! A quick throughput check of the vCard reader, not a benchmark (the criterion bench is the
//! lead's): reads 200 000 simple generated cards and prints cards per second.
//!
//! `cargo test --release --test vcard_speed -- --ignored --nocapture`

use netwerk_import::sources::vcard;
use std::fmt::Write as _;
use std::time::Instant;

fn simple_cards(n: usize) -> String {
    let mut out = String::with_capacity(n * 200);
    for i in 0..n {
        let _ = write!(
            out,
            "BEGIN:VCARD\r\nVERSION:3.0\r\nN:van der Berg;Jan {i};;;\r\nFN:Jan {i} van der Berg\r\n\
             EMAIL;TYPE=INTERNET:jan{i}@voorbeeld.nl\r\nTEL;TYPE=CELL:06-{:08}\r\n\
             ORG:Stichting Voorbeeld\r\nEND:VCARD\r\n",
            i % 100_000_000
        );
    }
    out
}

#[test]
#[ignore = "timing, run by hand"]
fn simple_cards_per_second() {
    const N: usize = 200_000;
    let text = simple_cards(N);
    let start = Instant::now();
    let read = vcard::read("speed.vcf", text.as_bytes());
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(read.contacts.len(), N);
    assert!(read.diagnostics.is_empty());
    println!(
        "{N} simple cards ({} MB) in {secs:.3} s: {:.0} cards/s on one thread",
        text.len() / 1_000_000,
        N as f64 / secs
    );
}
