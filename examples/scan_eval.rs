//! Reads a folder written by `gen_cards` with the scan reader and compares every card with its
//! ground truth:
//!
//! ```text
//! OMP_THREAD_LIMIT=1 scan_eval DIR [--threads N] [--lang nld+eng] [--errors] [--misses]
//!           [--dump DIR] [--find]
//! ```
//!
//! Prints per-field accuracy (exact match after normalisation: case, accents kept, spaces
//! collapsed; phones as E.164 sets; websites without scheme, `www.` and trailing slash;
//! postcodes without spaces; addresses as street or PO box, postcode and city), the share of
//! cards with every field right, cards per second, and how much of the time was spent inside
//! tesseract. `--errors` lists every mismatch; `--misses` lists each name, e-mail, phone and
//! organisation miss with the image, truth and reading, and the OCR lines that hold what was
//! printed (every OCR line for a name or an organisation) (use both on a
//! tuning set, never on the set you report). `--dump DIR` writes the prepared card images
//! (found, straightened, before orientation) into DIR as PNG: of every image with a miss
//! with `--misses`, of every image without. `--find` runs no OCR: it only finds the cards on
//! every image and lists the images where the count differs from the truth.

#[path = "gen_cards/truth.rs"]
mod truth;

use image::GrayImage;
use netwerk_import::model::RawContact;
use netwerk_import::sources::scan::extract::Word;
use netwerk_import::sources::scan::ocr::{self, Engine, OcrError};
use netwerk_import::sources::scan::{self, ScanOptions};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// CPU time of the calling thread. The machine is shared, so wall-clock time per call would
/// count the time other processes held the core; the split inside/outside tesseract is made
/// on CPU time.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Wraps the thread's engine and adds up the CPU time spent inside tesseract.
struct Timed<'e> {
    inner: &'e mut dyn Engine,
    spent: Duration,
}

impl Engine for Timed<'_> {
    fn words(&mut self, image: &GrayImage, ppi: u32) -> Result<Vec<Word>, OcrError> {
        let t = thread_cpu();
        let r = self.inner.words(image, ppi);
        self.spent += thread_cpu().saturating_sub(t);
        r
    }
    fn orientation(&mut self, image: &GrayImage) -> Option<(u32, f32)> {
        let t = thread_cpu();
        let r = self.inner.orientation(image);
        self.spent += thread_cpu().saturating_sub(t);
        r
    }
}

const FIELDS: &[&str] = &[
    "name", "org", "title", "email", "phone", "website", "postcode", "address",
];

/// An address as one comparable string: street (or PO box), postcode without space, city.
fn address(
    street: Option<&String>,
    po_box: Option<&String>,
    postcode: Option<&String>,
    city: Option<&String>,
) -> String {
    let norm_opt = |v: Option<&String>| v.map(|s| norm(s)).unwrap_or_default();
    format!(
        "{} {} | {} | {}",
        norm_opt(street),
        norm_opt(po_box),
        postcode
            .map(|p| p.replace(' ', "").to_uppercase())
            .unwrap_or_default(),
        norm_opt(city)
    )
}

fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(|c: char| matches!(c, ',' | ';' | '.' | ':'))
        .to_lowercase()
}

fn site(s: &str) -> String {
    s.to_lowercase()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.")
        .trim_end_matches('/')
        .to_string()
}

/// The field values a card has, normalised, as sorted lists (empty: the field is absent).
fn truth_values(c: &truth::Card) -> BTreeMap<&'static str, Vec<String>> {
    let mut m: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    m.insert("name", c.name.iter().map(|v| norm(v)).collect());
    m.insert("org", c.org.iter().map(|v| norm(v)).collect());
    m.insert("title", c.title.iter().map(|v| norm(v)).collect());
    m.insert("email", c.emails.iter().map(|v| norm(v)).collect());
    m.insert("phone", c.phones.iter().map(|p| p.value.clone()).collect());
    m.insert("website", c.websites.iter().map(|v| site(v)).collect());
    m.insert(
        "postcode",
        c.address
            .iter()
            .filter_map(|a| a.postcode.as_ref())
            .map(|p| p.replace(' ', "").to_uppercase())
            .collect(),
    );
    m.insert(
        "address",
        c.address
            .iter()
            .map(|a| {
                address(
                    a.street.as_ref(),
                    a.po_box.as_ref(),
                    a.postcode.as_ref(),
                    a.city.as_ref(),
                )
            })
            .collect(),
    );
    for v in m.values_mut() {
        v.sort();
        v.dedup();
    }
    m
}

fn got_values(r: &RawContact) -> BTreeMap<&'static str, Vec<String>> {
    let mut m: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    m.insert("name", r.name.full.iter().map(|v| norm(v)).collect());
    m.insert(
        "org",
        r.orgs
            .iter()
            .filter(|o| !o.name.is_empty())
            .map(|o| norm(&o.name))
            .collect(),
    );
    m.insert("title", r.titles.iter().map(|v| norm(v)).collect());
    m.insert("email", r.emails.iter().map(|v| norm(&v.value)).collect());
    m.insert("phone", r.phones.iter().map(|p| p.value.clone()).collect());
    m.insert("website", r.urls.iter().map(|v| site(&v.value)).collect());
    m.insert(
        "postcode",
        r.addresses
            .iter()
            .filter_map(|a| a.postcode.as_ref())
            .map(|p| p.replace(' ', "").to_uppercase())
            .take(1)
            .collect(),
    );
    m.insert(
        "address",
        r.addresses
            .iter()
            .map(|a| {
                address(
                    a.street.as_ref(),
                    a.po_box.as_ref(),
                    a.postcode.as_ref(),
                    a.city.as_ref(),
                )
            })
            .take(1)
            .collect(),
    );
    for v in m.values_mut() {
        v.sort();
        v.dedup();
    }
    m
}

#[derive(Default)]
struct Tally {
    /// Cards where the truth has the field, and of those how many were read exactly.
    present: usize,
    right: usize,
    /// Cards without the field on which the reader filled it anyway.
    absent: usize,
    invented: usize,
}

struct Outcome {
    image: String,
    mode: String,
    cards: Vec<(truth::Card, Option<RawContact>)>,
    read_time: Duration,
    tess_time: Duration,
    records: usize,
    diagnostics: Vec<String>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut dir = None;
    let mut threads = 0;
    let mut lang = "nld+eng".to_string();
    let mut errors = false;
    let mut misses = false;
    let mut dump: Option<String> = None;
    let mut find = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--threads" => threads = it.next().and_then(|v| v.parse().ok()).unwrap_or(0),
            "--lang" => lang = it.next().cloned().unwrap_or(lang),
            "--errors" => errors = true,
            "--misses" => misses = true,
            "--dump" => dump = it.next().cloned(),
            "--find" => find = true,
            _ => dir = Some(a.clone()),
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: scan_eval DIR [--threads N] [--lang nld+eng] [--errors] [--misses]");
        return ExitCode::from(2);
    };
    let mut truths: Vec<truth::Image> = Vec::new();
    let mut entries: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(d) => d.filter_map(|e| e.ok()).map(|e| e.path()).collect(),
        Err(e) => {
            eprintln!("scan_eval: {dir}: {e}");
            return ExitCode::from(2);
        }
    };
    entries.sort();
    for p in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        match std::fs::read_to_string(p).map(|s| serde_json::from_str::<truth::Image>(&s)) {
            Ok(Ok(t)) => truths.push(t),
            _ => eprintln!("scan_eval: {}: not a truth file, skipped", p.display()),
        }
    }
    let images: Vec<(truth::Image, Vec<u8>)> = truths
        .into_iter()
        .filter_map(|t| {
            std::fs::read(format!("{dir}/{}", t.image))
                .ok()
                .map(|b| (t, b))
        })
        .collect();
    if find {
        return find_only(&images, dump.as_deref());
    }
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("scan_eval: {e}");
            return ExitCode::from(2);
        }
    };
    let opts = ScanOptions {
        lang: lang.clone(),
        ..ScanOptions::default()
    };
    // Load one engine per worker before the clock starts, as a long-running import would.
    pool.broadcast(|_| {
        let _ = ocr::with_engine(&opts.lang, |_| ());
    });
    let start = Instant::now();
    let outcomes: Vec<Outcome> = pool.install(|| {
        images
            .par_iter()
            .map(|(t, bytes)| {
                let image_name = t.image.clone();
                let t0 = thread_cpu();
                let (read, tess) = ocr::with_engine(&opts.lang, |engine| {
                    let mut timed = Timed {
                        inner: engine,
                        spent: Duration::ZERO,
                    };
                    let read = scan::read_with(&t.image, bytes, &opts, &mut timed);
                    (read, timed.spent)
                })
                .unwrap_or_else(|e| {
                    let mut r = netwerk_import::sources::FileRead::new(
                        netwerk_import::model::SourceKind::Scan,
                    );
                    r.diagnostics.push(netwerk_import::diag::Diagnostic::file(
                        &t.image,
                        e.to_string(),
                    ));
                    (r, Duration::ZERO)
                });
                let read_time = thread_cpu().saturating_sub(t0);
                let records = read.contacts.len();
                let diagnostics = read.diagnostics.iter().map(|d| d.to_string()).collect();
                Outcome {
                    image: image_name,
                    mode: t.mode.clone(),
                    cards: pair(&t.cards, read.contacts),
                    read_time,
                    tess_time: tess,
                    records,
                    diagnostics,
                }
            })
            .collect()
    });
    let wall = start.elapsed();

    let mut tallies: BTreeMap<&str, Tally> =
        FIELDS.iter().map(|f| (*f, Tally::default())).collect();
    let (mut all_right, mut cards, mut nl_cards, mut nl_all_right) = (0, 0, 0, 0);
    let mut kinds_right = 0;
    let mut kinds_total = 0;
    let (mut read_time, mut tess_time, mut records) = (Duration::ZERO, Duration::ZERO, 0);
    let mut diagnostics = 0;
    for o in &outcomes {
        read_time += o.read_time;
        tess_time += o.tess_time;
        records += o.records;
        diagnostics += o.diagnostics.len();
        if errors {
            for d in &o.diagnostics {
                println!("diag {d}");
            }
        }
        for (t, got) in &o.cards {
            cards += 1;
            let want = truth_values(t);
            let have = got.as_ref().map(got_values).unwrap_or_default();
            let mut every = true;
            for f in FIELDS {
                let w = want.get(f).cloned().unwrap_or_default();
                let h = have.get(f).cloned().unwrap_or_default();
                let tally = tallies.get_mut(f).expect("every field has a tally");
                let ok = w == h;
                if w.is_empty() {
                    tally.absent += 1;
                    if !h.is_empty() {
                        tally.invented += 1;
                    }
                } else {
                    tally.present += 1;
                    if ok {
                        tally.right += 1;
                    }
                }
                if !ok && misses && matches!(*f, "name" | "email" | "phone" | "org") {
                    print_miss(o, t, got.as_ref(), f, &w, &h);
                    if let Some(d) = &dump {
                        dump_cards(&dir, &o.image, d);
                    }
                }
                if !misses {
                    if let Some(d) = &dump {
                        dump_cards(&dir, &o.image, d);
                    }
                }
                if !ok {
                    every = false;
                    if errors {
                        println!(
                            "{} [{} {} {}] {f}: want {w:?} got {h:?}",
                            t.printed.first().map(String::as_str).unwrap_or(""),
                            t.layout,
                            t.font,
                            t.rotation
                        );
                    }
                }
            }
            if let Some(g) = got {
                for p in &t.phones {
                    if let Some(gp) = g.phones.iter().find(|x| x.value == p.value) {
                        kinds_total += 1;
                        if gp.label.as_deref() == Some(p.kind.as_str()) {
                            kinds_right += 1;
                        }
                    }
                }
            }
            if every {
                all_right += 1;
            }
            if t.lang == "nl" {
                nl_cards += 1;
                if every {
                    nl_all_right += 1;
                }
            }
        }
    }
    let pct = |a: usize, b: usize| {
        if b == 0 {
            0.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    println!("| field | cards with it | read exactly | accuracy | filled where absent |");
    println!("|---|---:|---:|---:|---:|");
    for f in FIELDS {
        let t = &tallies[f];
        println!(
            "| {f} | {} | {} | {:.1} % | {} of {} |",
            t.present,
            t.right,
            pct(t.right, t.present),
            t.invented,
            t.absent
        );
    }
    println!();
    println!("- images: {}, cards: {cards} ({nl_cards} Dutch), records read: {records}, diagnostics: {diagnostics}", images.len());
    println!("- every field right: {all_right} of {cards} ({:.1} %); Dutch cards {:.1} %, English cards {:.1} %", pct(all_right, cards), pct(nl_all_right, nl_cards), pct(all_right - nl_all_right, cards - nl_cards));
    println!("- phone labels right (mobile/work/fax) where the number was read: {:.1} % of {kinds_total}", pct(kinds_right, kinds_total));
    println!(
        "- threads: {}, wall: {:.1} s, cards/s: {:.2}, CPU s per card: {:.3}",
        pool.current_num_threads(),
        wall.as_secs_f64(),
        cards as f64 / wall.as_secs_f64(),
        read_time.as_secs_f64() / cards.max(1) as f64
    );
    println!(
        "- CPU time inside tesseract: {:.1} s of {:.1} s spent reading; outside tesseract: {:.1} %",
        tess_time.as_secs_f64(),
        read_time.as_secs_f64(),
        100.0 * (1.0 - tess_time.as_secs_f64() / read_time.as_secs_f64().max(1e-9))
    );
    ExitCode::SUCCESS
}

/// `--find`: the number of cards found on each image against the truth, without OCR.
fn find_only(images: &[(truth::Image, Vec<u8>)], dump: Option<&str>) -> ExitCode {
    let (mut want, mut found, mut wrong) = (0, 0, 0);
    for (t, bytes) in images {
        let n = match scan::prepare::pages(bytes) {
            Ok(pages) => pages.iter().map(|p| p.cards.len()).sum(),
            Err(_) => 0,
        };
        want += t.cards.len();
        found += n.min(t.cards.len());
        if n != t.cards.len() {
            wrong += 1;
            let rot: Vec<u32> = t.cards.iter().map(|c| c.rotation).collect();
            println!(
                "FIND {} [{}] want {} found {n} rotations {rot:?}",
                t.image,
                t.mode,
                t.cards.len()
            );
            // With `--dump DIR`: the page, shrunk, to look at.
            if let (Some(d), Ok(img)) = (dump, scan::prepare::decode(bytes)) {
                let stem = t.image.rsplit_once('.').map(|(s, _)| s).unwrap_or(&t.image);
                let path = format!("{d}/{stem}-page.png");
                if let Err(e) = img.thumbnail(600, 600).save(&path) {
                    eprintln!("scan_eval: {path}: {e}");
                }
            }
        }
    }
    println!("- cards: {want}, found (at most the truth per image): {found}, images with another count: {wrong}");
    ExitCode::SUCCESS
}

/// Write the prepared cards of one image as `DIR/STEM-N.png`.
fn dump_cards(dir: &str, image: &str, out: &str) {
    let Ok(bytes) = std::fs::read(format!("{dir}/{image}")) else {
        return;
    };
    let stem = image.rsplit_once('.').map(|(s, _)| s).unwrap_or(image);
    let Ok(pages) = scan::prepare::pages(&bytes) else {
        return;
    };
    for (n, card) in pages.iter().flat_map(|p| p.cards.iter()).enumerate() {
        let path = format!("{out}/{stem}-{}.png", n + 1);
        if let Err(e) = card.image.save(&path) {
            eprintln!("scan_eval: {path}: {e}");
        }
    }
}

/// One e-mail or phone miss: where, truth against reading, and the OCR lines of the record
/// that hold the printed value (or a piece of it), so that an OCR error can be told from an
/// extraction error.
fn print_miss(
    o: &Outcome,
    t: &truth::Card,
    got: Option<&RawContact>,
    field: &str,
    want: &[String],
    have: &[String],
) {
    println!(
        "MISS {field} {} [{} {} {} rot {}] want {want:?} got {have:?}",
        o.image, o.mode, t.layout, t.font, t.rotation
    );
    let printed: Vec<&String> = t
        .printed
        .iter()
        .filter(|l| match field {
            "email" => l.contains('@'),
            "org" | "name" => want.iter().any(|w| norm(l) == *w),
            _ => l.chars().filter(char::is_ascii_digit).count() >= 6 && !l.contains('@'),
        })
        .collect();
    for l in &printed {
        println!("  printed: {l}");
    }
    let Some(r) = got else {
        println!("  (no record paired with this card)");
        return;
    };
    if field == "org" || field == "name" {
        // The line taken may be any line of the card: show them all.
        for line in r.raw.lines().filter(|l| !l.trim().is_empty()) {
            println!("  ocr: {line}");
        }
        return;
    }
    // Pieces of the printed value long enough to find their OCR line again.
    let keys: Vec<String> = match field {
        "email" => want
            .iter()
            .flat_map(|e| {
                e.split(['@', '.'])
                    .filter(|p| p.len() >= 3)
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect(),
        _ => t
            .phones
            .iter()
            .flat_map(|p| {
                let d: String = p.written.chars().filter(char::is_ascii_digit).collect();
                let n = d.len();
                [d[n.saturating_sub(4)..].to_string()]
            })
            .collect(),
    };
    for line in r.raw.lines() {
        let low = line.to_lowercase();
        let digits: String = line.chars().filter(char::is_ascii_digit).collect();
        let hit = match field {
            "email" => low.contains('@') || keys.iter().any(|k| low.contains(k.as_str())),
            // Every line with a few digits: a number OCR broke may not hold its last four.
            _ => digits.len() >= 4 || keys.iter().any(|k| digits.contains(k.as_str())),
        };
        if hit {
            println!("  ocr: {line}");
        }
    }
}

/// Pair each truth card with a record, each record used once; a card without a record is
/// paired with `None`. Pairs are taken best first over the whole image (most fields that
/// agree, then nearest in reading order), so that a card the reader missed on a flatbed page
/// does not take the record of the card beside it; records that agree with no card go to the
/// cards left over, nearest first.
fn pair(cards: &[truth::Card], records: Vec<RawContact>) -> Vec<(truth::Card, Option<RawContact>)> {
    let wants: Vec<_> = cards.iter().map(truth_values).collect();
    let haves: Vec<_> = records.iter().map(got_values).collect();
    let mut candidates: Vec<(usize, usize, usize)> = Vec::new();
    for (i, want) in wants.iter().enumerate() {
        for (j, have) in haves.iter().enumerate() {
            let score = FIELDS
                .iter()
                .filter(|f| !want[*f].is_empty() && want[*f] == have[*f])
                .count();
            candidates.push((score, i, j));
        }
    }
    // Best score first; among equals the pair nearest in reading order, then the first.
    candidates.sort_by_key(|&(s, i, j)| (std::cmp::Reverse(s), i.abs_diff(j), i, j));
    let mut chosen: Vec<Option<usize>> = vec![None; cards.len()];
    let mut taken = vec![false; records.len()];
    for (_, i, j) in candidates {
        if chosen[i].is_none() && !taken[j] {
            chosen[i] = Some(j);
            taken[j] = true;
        }
    }
    let mut records: Vec<Option<RawContact>> = records.into_iter().map(Some).collect();
    cards
        .iter()
        .zip(chosen)
        .map(|(c, j)| (c.clone(), j.and_then(|j| records[j].take())))
        .collect()
}
