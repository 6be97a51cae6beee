//! What the fuzz targets check, one function per target, shared with the stable test
//! `tests/fuzz_regressions.rs` (which includes this file by path), so that every kept crash
//! input is replayed through exactly the same checks on stable Rust, without libFuzzer.
//!
//! In: the bytes libFuzzer made (or a regression file). Out: nothing; a check that fails
//! panics, which is how libFuzzer and the test harness both see it. Each check runs the reader
//! the pipeline runs on that kind of file and then asserts what the reader promises beyond "no
//! panic": every record and diagnostic is located inside the input, ordinals are distinct,
//! a contact written with our vCard exporter reads back with the same name, e-mails and
//! phones, normalisers are idempotent, confidences stay in `0.0..=1.0`.
//!
//! It depends on `netwerk_import`, `image` (a dependency of the main crate already, for the
//! `prepare` target's pictures) and `std` only: no `arbitrary`, no libFuzzer, so that the main
//! crate needs no new dev-dependency to replay the regressions. The card-text target therefore
//! builds its words with a small byte decoder of its own ([`words`]) instead of `arbitrary`.
//!
//! It does not look at what a reader *should* have found in a valid file: the golden tests do.

use netwerk_import::diag::Diagnostic;
use netwerk_import::export;
use netwerk_import::model::{Person, RawContact, RawName, Value};
use netwerk_import::normalize::{self, email, name, phone};
use netwerk_import::sources::scan::extract::{self, Word};
use netwerk_import::sources::{ics, json, table, vcard, FileRead, ReadOptions};

/// The last line a record or diagnostic may claim: one more than the line ends in the input.
/// Every line end (LF, CR) contains a byte `\n` or `\r` in every encoding the readers decode
/// (UTF-8, UTF-16 LE/BE, single-byte code pages), so this bounds the line count from above.
pub fn line_bound(bytes: &[u8]) -> u32 {
    let ends = bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count();
    u32::try_from(ends).unwrap_or(u32::MAX).saturating_add(1)
}

fn check_line(what: &str, line: Option<u32>, bound: u32, required: bool) {
    match line {
        Some(l) => assert!(
            (1..=bound).contains(&l),
            "{what}: line {l} outside 1..={bound}"
        ),
        None => assert!(!required, "{what}: no line"),
    }
}

fn check_diagnostics(diags: &[Diagnostic], path: &str, bound: u32) {
    for d in diags {
        assert_eq!(d.path, path, "diagnostic with another path: {d:?}");
        check_line("diagnostic", d.line, bound, false);
        assert!(!d.message.is_empty(), "diagnostic without a message: {d:?}");
    }
}

/// Every record of a file read is located inside the input and has its own ordinal; every
/// rejection has its reason and a diagnostic at its place.
fn check_file_read(read: &FileRead, path: &str, bytes: &[u8], lines_required: bool) {
    let bound = line_bound(bytes);
    let mut ordinals = Vec::new();
    for c in &read.contacts {
        assert_eq!(c.source.path, path);
        check_line("contact", c.source.line, bound, lines_required);
        ordinals.push(c.source.record);
    }
    for r in &read.rejected {
        assert_eq!(r.source.path, path);
        check_line("rejected record", r.source.line, bound, lines_required);
        assert!(!r.reason.is_empty(), "rejection without a reason: {r:?}");
        assert!(
            read.diagnostics
                .iter()
                .any(|d| d.line == r.source.line && d.message == r.reason),
            "rejection without its diagnostic: {r:?}"
        );
        ordinals.push(r.source.record);
    }
    assert!(ordinals.iter().all(|&o| o >= 1), "record ordinal 0");
    ordinals.sort_unstable();
    let n = ordinals.len();
    ordinals.dedup();
    assert_eq!(ordinals.len(), n, "two records with one ordinal");
    check_diagnostics(&read.diagnostics, path, bound);
}

/// The vCard reader, byte pre-pass included, and a round trip through the vCard exporter.
pub fn vcard(bytes: &[u8]) {
    const PATH: &str = "fuzz.vcf";
    let _ = vcard::sniff(bytes);
    let read = vcard::read(PATH, bytes);
    check_file_read(&read, PATH, bytes, true);
    for raw in &read.contacts {
        round_trip(raw);
    }
}

/// Normalise `raw`, export it as vCard 4.0, read that back and normalise again: the name,
/// the e-mails and the phones must be the same.
fn round_trip(raw: &RawContact) {
    let opts = normalize::Options::default();
    let (first, _) = normalize::contact(raw, &opts);
    let person = Person {
        id: "p-000000000000".to_string(),
        records: vec![first.clone()],
        encounters: Vec::new(),
    };
    let mut written = Vec::new();
    export::vcard::write(std::slice::from_ref(&person), &mut written)
        .expect("writing to a Vec cannot fail");
    let again = vcard::read("export.vcf", &written);
    let text = String::from_utf8_lossy(&written);
    assert!(
        again.rejected.is_empty() && again.contacts.len() == 1,
        "the export of {:?} does not read back as one card: {:?}\n{text}",
        raw.raw,
        again.diagnostics
    );
    let (second, _) = normalize::contact(&again.contacts[0], &opts);
    if first.name.full.is_some() {
        assert_eq!(
            first.name.full, second.name.full,
            "name of {:?} changed on the way through\n{text}",
            raw.raw
        );
    }
    assert_eq!(
        values(&first.emails),
        values(&second.emails),
        "e-mails of {:?} changed on the way through\n{text}",
        raw.raw
    );
    assert_eq!(
        values(&first.phones),
        values(&second.phones),
        "phones of {:?} changed on the way through\n{text}",
        raw.raw
    );
}

/// The normalised values of one field, sorted (the exporter may order them its own way).
fn values(field: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = field.iter().map(|v| v.value.clone()).collect();
    v.sort();
    v
}

/// The CSV sniffer and reader, every flavour through the entry the pipeline uses.
pub fn csv(bytes: &[u8]) {
    const PATH: &str = "fuzz.csv";
    let _ = table::sniff(bytes);
    let read = table::read(PATH, bytes, &ReadOptions::default());
    check_file_read(&read, PATH, bytes, false);
}

/// The Facebook JSON reader.
pub fn json(bytes: &[u8]) {
    const PATH: &str = "fuzz.json";
    let read = json::read(PATH, bytes);
    check_file_read(&read, PATH, bytes, false);
}

/// The calendar reader: events are numbered from 1 upwards, located inside the input.
pub fn ics(bytes: &[u8]) {
    const PATH: &str = "fuzz.ics";
    let read = ics::read(PATH, bytes);
    let bound = line_bound(bytes);
    let mut last = 0;
    for e in &read.events {
        assert!(e.ordinal > last, "event ordinals not increasing: {e:?}");
        last = e.ordinal;
        check_line("event", e.line, bound, false);
    }
    check_diagnostics(&read.diagnostics, PATH, bound);
}

/// A small reader over the fuzz bytes (what `arbitrary::Unstructured` would be).
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn i8(&mut self) -> Option<i32> {
        self.u8().map(|b| i32::from(b as i8))
    }
    fn i32(&mut self) -> Option<i32> {
        let b = self.0.get(..4)?;
        let v = i32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        self.0 = &self.0[4..];
        Some(v)
    }
}

/// Words from fuzz bytes: the part before the first NUL is card text in the form of
/// [`extract::words_from_text`] (`[height,left]text`, `||` for a second column), so the
/// corpus can be seeded with readable card texts; every further byte perturbs the words in
/// order: jitter a box, set a coordinate to any `i32`, change the confidence and the line,
/// drop the word or swap it with the one before.
pub fn words(bytes: &[u8]) -> Vec<Word> {
    let (text, tail) = match bytes.iter().position(|&b| b == 0) {
        Some(i) => (&bytes[..i], &bytes[i + 1..]),
        None => (bytes, &[][..]),
    };
    let mut words = extract::words_from_text(&String::from_utf8_lossy(text));
    let mut u = Bytes(tail);
    let mut out: Vec<Word> = Vec::with_capacity(words.len());
    for mut w in words.drain(..) {
        let Some(op) = u.u8() else {
            out.push(w);
            continue;
        };
        match op & 0x03 {
            1 => {
                w.left = w.left.saturating_add(u.i8().unwrap_or(0));
                w.top = w.top.saturating_add(u.i8().unwrap_or(0));
                w.width = w.width.saturating_add(u.i8().unwrap_or(0));
                w.height = w.height.saturating_add(u.i8().unwrap_or(0));
            }
            2 => {
                let v = u.i32().unwrap_or(0);
                match (op >> 2) & 0x03 {
                    0 => w.left = v,
                    1 => w.top = v,
                    2 => w.width = v,
                    _ => w.height = v,
                }
            }
            3 => {
                // Tesseract reports -1 for boxes that are no words, else 0..=100.
                w.conf = f32::from(u.u8().unwrap_or(0)) * 101.0 / 255.0 - 1.0;
                w.line = u32::from(u.u8().unwrap_or(0));
            }
            _ => {}
        }
        if op & 0x10 != 0 {
            continue;
        }
        if op & 0x20 != 0 {
            if let Some(prev) = out.pop() {
                out.push(w);
                out.push(prev);
                continue;
            }
        }
        out.push(w);
    }
    out
}

fn check_confidence(what: &str, c: f32) {
    assert!(
        (0.0..=1.0).contains(&c),
        "{what}: confidence {c} outside 0..=1"
    );
}

/// The pure card-text extractor: deterministic, confidences in range, phones E.164, e-mails
/// with one `@`.
pub fn extract(bytes: &[u8]) {
    let words = words(bytes);
    let card = extract::extract(&words, "NL");
    let again = extract::extract(&words, "NL");
    assert_eq!(
        format!("{card:?}"),
        format!("{again:?}"),
        "not deterministic"
    );
    for (what, f) in [
        ("name", &card.name),
        ("organisation", &card.organisation),
        ("title", &card.title),
        ("department", &card.department),
    ] {
        if let Some(f) = f {
            check_confidence(what, f.confidence);
        }
    }
    for f in &card.emails {
        check_confidence("e-mail", f.confidence);
        assert_eq!(f.value.matches('@').count(), 1, "e-mail {:?}", f.value);
    }
    for f in &card.websites {
        check_confidence("website", f.confidence);
    }
    for s in &card.socials {
        check_confidence("social", s.confidence);
    }
    for a in &card.addresses {
        check_confidence("address", a.confidence);
    }
    for p in &card.phones {
        check_confidence("phone", p.confidence);
        assert!(
            p.value.starts_with('+') && p.value.len() > 1,
            "phone {:?} is not E.164",
            p.value
        );
    }
}

/// The name, e-mail and phone normalisers: no panic, and normalising twice changes nothing.
/// The first byte picks the normaliser, the rest is the text (for names, TAB separates full,
/// given, middle, family, prefix and suffix).
pub fn normalize(bytes: &[u8]) {
    let Some((&which, rest)) = bytes.split_first() else {
        return;
    };
    let s = String::from_utf8_lossy(rest);
    match which % 3 {
        0 => {
            let mut parts = s
                .split('\t')
                .map(|p| (!p.is_empty()).then(|| p.to_string()));
            let mut next = || parts.next().flatten();
            let raw = RawName {
                full: next(),
                given: next(),
                middle: next(),
                family: next(),
                prefix: next(),
                suffix: next(),
            };
            let mut once = name::normalize(&raw).name;
            let mut twice = name::normalize(&RawName {
                full: once.full.clone(),
                given: once.given.clone(),
                middle: None,
                family: once.family.clone(),
                prefix: once.prefix.clone(),
                suffix: once.suffix.clone(),
            })
            .name;
            once.original = None;
            twice.original = None;
            assert_eq!(once, twice, "name not idempotent from {raw:?}");
        }
        1 => {
            if let Ok(v) = email::normalize(&s) {
                assert_eq!(email::normalize(&v), Ok(v.clone()), "e-mail from {s:?}");
                assert_eq!(v.matches('@').count(), 1, "e-mail {v:?} from {s:?}");
            }
        }
        _ => {
            let region = ["NL", "BE", "DE", "??"][usize::from(which / 3) % 4];
            match phone::normalize(&s, region) {
                phone::Phone::Valid(v) => {
                    assert!(v.starts_with('+'), "{v:?} from {s:?}");
                    assert_eq!(
                        phone::normalize(&v, region),
                        phone::Phone::Valid(v.clone()),
                        "phone from {s:?}"
                    );
                }
                phone::Phone::Invalid { kept, .. } => match phone::normalize(&kept, region) {
                    phone::Phone::Invalid { kept: again, .. } => {
                        assert_eq!(again, kept, "phone from {s:?}")
                    }
                    other => panic!("kept {kept:?} from {s:?} gave {other:?}"),
                },
                phone::Phone::NotAPhone(_) => {}
            }
        }
    }
}

/// The image half of the scan reader, without the decoders (other crates' code) and without
/// OCR: card finding, perspective, straightening and light flattening (`prepare::cards`) on a
/// picture drawn from the bytes. Bytes: the width and height of a small picture (1 to 64 pixels
/// each), a scale (1 to 16) and a flag byte (bit 0: colour, as JPEG photos decode), then its
/// pixels row by row (missing ones black). The picture is scaled up smoothly, so that a few
/// bytes draw blocks with soft edges: cards on a background, a shadow, a second card.
/// Checked: no panic, at least one image comes out (the whole picture when no card stands
/// out), each of a size inside the bounds the cutter promises, with a small, finite skew.
pub fn prepare(bytes: &[u8]) {
    use image::{imageops::FilterType, DynamicImage, GrayImage, RgbImage};
    use netwerk_import::sources::scan::prepare::{self, CARD_LONG_SIDE};
    let mut u = Bytes(bytes);
    let (Some(w), Some(h), Some(scale), Some(flags)) = (u.u8(), u.u8(), u.u8(), u.u8()) else {
        return;
    };
    let (w, h) = (u32::from(w % 64) + 1, u32::from(h % 64) + 1);
    let scale = u32::from(scale % 16) + 1;
    let colour = flags & 1 == 1;
    let mut pixels = u.0.to_vec();
    pixels.resize((w * h * if colour { 3 } else { 1 }) as usize, 0);
    let small = if colour {
        DynamicImage::ImageRgb8(RgbImage::from_raw(w, h, pixels).expect("sized above"))
    } else {
        DynamicImage::ImageLuma8(GrayImage::from_raw(w, h, pixels).expect("sized above"))
    };
    let picture = small.resize_exact(w * scale, h * scale, FilterType::Triangle);
    let cards = prepare::cards(&picture);
    assert!(!cards.is_empty(), "neither a card nor the whole picture");
    let long = (w * scale).max(h * scale);
    for c in &cards {
        let (cw, ch) = c.image.dimensions();
        let most = if c.cropped { 4 * CARD_LONG_SIDE } else { long };
        assert!(
            (1..=most).contains(&cw) && (1..=most).contains(&ch),
            "prepared {cw}×{ch} from a {}×{} picture (cropped: {})",
            w * scale,
            h * scale,
            c.cropped
        );
        assert!(
            c.skew.is_finite() && c.skew.abs() <= 10.0,
            "skew {} is not a small angle",
            c.skew
        );
    }
}
