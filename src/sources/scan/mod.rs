//! Business-card scans: an image file in, one [`RawContact`] per card on it out.
//!
//! ```text
//! bytes ──► prepare (decode with limits, find the cards, straighten, flatten light)
//!             │ one grey image per card, reading order
//!             ▼
//!        ocr: orientation (tesseract OSD, 0/90/180/270) ──► words with boxes (tesseract)
//!             │  reread (e-mail and phone lines again, alone, 2×)  qr: payloads (rqrr) ──► card fields
//!             ▼                                                  │
//!        extract (pure: words ──► fields with confidences) ◄─ merge (QR wins)
//!             ▼
//!        RawContact (kind scan, record = card number in the file, raw = OCR text + QR)
//! ```
//!
//! A card on which neither a name, an e-mail nor a phone was found is read again turned the
//! other ways (orientation detection misses some quarter turns); the fullest reading is kept.
//!
//! A file that cannot be decoded (truncated, empty, not an image, larger than the limits in
//! [`prepare`]) gives one located `FileRejected` diagnostic and no records; a card on which
//! nothing identifying was found is a rejected record whose OCR text is kept. Nothing here
//! panics on input, and no image is decoded before its size is checked.
//!
//! What it does not do: encounters (the pipeline takes them from sidecars and folder names;
//! [`photo_date`] offers the EXIF date to that stage), normalisation (the normaliser does it),
//! photos of the person (not needed). HEIC photos are decoded like the rest (`prepare`, with
//! libheif), and their EXIF date and position come from the HEIC's own `Exif` item.

pub mod extract;
pub mod lexicon;
pub mod marks;
pub mod ocr;
pub mod prepare;
pub mod qr;
pub mod reread;

use crate::diag::Diagnostic;
use crate::model::{Labeled, RawAddress, RawContact, RawOrg, Source, SourceKind};
use crate::sources::FileRead;
use extract::Card;
use image::GrayImage;
use ocr::{Engine, OcrError};

/// Settings of the scan reader.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Tesseract languages, `+`-joined: `nld+eng`.
    pub lang: String,
    /// The country for phone numbers when nothing on a card points at one (ISO alpha-2).
    pub region: String,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            lang: "nld+eng".to_string(),
            region: "NL".to_string(),
        }
    }
}

/// OSD below this confidence is not trusted to turn a card (tesseract's own scale; measured
/// on the generated set, wrong turns come with confidences under 1).
const MIN_ORIENTATION_CONFIDENCE: f32 = 1.5;

/// Resolution the prepared cards have, roughly: what tesseract is told.
const PPI: u32 = 300;

/// Read one image file with this thread's tesseract engine.
pub fn read(path: &str, bytes: &[u8], opts: &ScanOptions) -> FileRead {
    match ocr::with_engine(&opts.lang, |engine| read_with(path, bytes, opts, engine)) {
        Ok(read) => read,
        Err(err) => {
            let mut read = FileRead::new(SourceKind::Scan);
            read.diagnostics
                .push(Diagnostic::file(path, err.to_string()));
            read
        }
    }
}

/// Read one image file with the given engine (tests and benchmarks pass their own).
pub fn read_with(
    path: &str,
    bytes: &[u8],
    opts: &ScanOptions,
    engine: &mut dyn Engine,
) -> FileRead {
    let mut out = FileRead::new(SourceKind::Scan);
    let pages = match prepare::pages(bytes) {
        Ok(pages) => pages,
        Err(err) => {
            out.diagnostics
                .push(Diagnostic::file(path, err.to_string()));
            return out;
        }
    };
    let mut record = 0u32;
    for page in pages {
        for card in page.cards {
            record += 1;
            let source = Source {
                path: path.to_string(),
                kind: SourceKind::Scan,
                record,
                line: None,
            };
            match read_card(card.image, opts, engine) {
                Ok((card, raw)) if card.is_empty() => {
                    out.reject(
                        source,
                        raw,
                        "no name, organisation or contact details found on the card",
                    );
                }
                Ok((card, raw)) => out.contacts.push(to_raw(source, raw, &card)),
                Err(err) => out.reject(source, String::new(), err.to_string()),
            }
        }
    }
    out
}

/// Turn, OCR, decode QR codes and extract the fields of one prepared card. Returns the
/// fields and the raw record text (OCR lines, then each QR payload).
pub fn read_card(
    image: GrayImage,
    opts: &ScanOptions,
    engine: &mut dyn Engine,
) -> Result<(Card, String), OcrError> {
    // Codes first: they read in any orientation, and OCR must not see their modules.
    let codes = qr::decode(&image);
    let mut image = image;
    qr::blank(&mut image, &codes);
    let osd = engine.orientation(&image);
    let turned = match osd {
        Some((deg, conf)) if deg != 0 && conf >= MIN_ORIENTATION_CONFIDENCE => deg,
        _ => 0,
    };
    let (mut card, mut words) = read_turned(&image, turned, &opts.region, engine)?;
    if is_weak(&card) {
        // Orientation detection missed a card turned a quarter (too little text, or a
        // doubtful answer): read it the other ways and keep the reading that found most.
        let mut tries: Vec<u32> = osd.map(|(deg, _)| deg).into_iter().collect();
        tries.extend([90, 270, 180]);
        let mut tried = vec![turned];
        for deg in tries {
            if tried.contains(&deg) {
                continue;
            }
            tried.push(deg);
            let (other, other_words) = read_turned(&image, deg, &opts.region, engine)?;
            if strength(&other) > strength(&card) {
                (card, words) = (other, other_words);
            }
            if !is_weak(&card) {
                break;
            }
        }
    }
    for code in &codes {
        if let Some(from_code) = qr::card_of(&code.payload, &card.country) {
            card = qr::merge(from_code, card);
            break;
        }
    }
    let mut raw = text_of(&words);
    for code in &codes {
        raw.push_str("\n\nQR: ");
        raw.push_str(&code.payload);
    }
    Ok((card, raw))
}

/// OCR the card turned back by `deg`, give its e-mail lines a second look, extract.
fn read_turned(
    image: &GrayImage,
    deg: u32,
    region: &str,
    engine: &mut dyn Engine,
) -> Result<(Card, Vec<extract::Word>), OcrError> {
    let turned;
    let image = if deg == 0 {
        image
    } else {
        turned = turn_back(image, deg);
        &turned
    };
    let words = engine.words(image, PPI)?;
    let words = reread::email_lines(image, words, PPI, region, engine);
    let mut words = reread::phone_lines(image, words, PPI, region, engine);
    marks::restore(image, &mut words);
    Ok((extract::extract(&words, region), words))
}

/// A reading with neither a name nor any way to reach the person: likely a card read on its
/// side.
fn is_weak(card: &Card) -> bool {
    card.name.is_none() && card.emails.is_empty() && card.phones.is_empty()
}

/// How much a reading found, to choose between the orientations of a weak one.
fn strength(card: &Card) -> usize {
    usize::from(card.name.is_some())
        + usize::from(card.organisation.is_some())
        + usize::from(card.title.is_some())
        + card.emails.len()
        + card.phones.len()
        + card.websites.len()
        + card.addresses.len()
}

/// Undo a clockwise turn of `deg` degrees.
fn turn_back(image: &GrayImage, deg: u32) -> GrayImage {
    match deg {
        90 => image::imageops::rotate270(image),
        180 => image::imageops::rotate180(image),
        270 => image::imageops::rotate90(image),
        _ => image.clone(),
    }
}

/// The OCR text, one line per OCR line, in the order tesseract read them.
pub fn text_of(words: &[extract::Word]) -> String {
    let mut out = String::new();
    let mut last = None;
    for w in words {
        if last.is_some() {
            out.push(if last == Some(w.line) { ' ' } else { '\n' });
        }
        out.push_str(&w.text);
        last = Some(w.line);
    }
    out
}

/// The card as a raw record: values as read, labels from the card, confidences and the
/// registry numbers that were kept out of the phones in `extra`.
pub fn to_raw(source: Source, raw: String, card: &Card) -> RawContact {
    let mut rc = RawContact::new(source, raw);
    let mut extra = Vec::new();
    let mut conf = |key: &str, c: f32| extra.push((format!("confidence.{key}"), format!("{c:.2}")));
    if let Some(name) = &card.name {
        rc.name.full = Some(name.value.clone());
        conf("name", name.confidence);
    }
    if let Some(org) = &card.organisation {
        rc.orgs.push(RawOrg {
            name: org.value.clone(),
            department: card.department.as_ref().map(|d| d.value.clone()),
        });
        conf("org", org.confidence);
    }
    if let Some(dept) = &card.department {
        if card.organisation.is_none() {
            rc.orgs.push(RawOrg {
                name: String::new(),
                department: Some(dept.value.clone()),
            });
        }
        conf("department", dept.confidence);
    }
    if let Some(title) = &card.title {
        rc.titles.push(title.value.clone());
        conf("title", title.confidence);
    }
    for e in &card.emails {
        rc.emails.push(Labeled::new(e.value.clone()));
        conf("email", e.confidence);
    }
    for p in &card.phones {
        rc.phones.push(Labeled::with_label(
            p.value.clone(),
            Some(p.kind.label().to_string()),
        ));
        conf("phone", p.confidence);
    }
    for w in &card.websites {
        rc.urls.push(Labeled::new(w.value.clone()));
        conf("url", w.confidence);
    }
    for s in &card.socials {
        rc.socials
            .push(Labeled::with_label(s.value.clone(), s.service.clone()));
        conf("social", s.confidence);
    }
    for a in &card.addresses {
        rc.addresses.push(RawAddress {
            label: Some("work".to_string()),
            po_box: a.po_box.clone(),
            extended: None,
            street: a.street.clone(),
            city: a.city.clone(),
            region: a.region.clone(),
            postcode: a.postcode.clone(),
            country: a.country.clone(),
            formatted: None,
        });
        conf("address", a.confidence);
    }
    for (name, value) in &card.registry {
        extra.push((name.clone(), value.clone()));
    }
    extra.push(("country".to_string(), card.country.clone()));
    rc.extra = extra;
    rc
}

/// The EXIF of a photo: a HEIC's from its `Exif` item as libheif gives it (the same parser
/// that decodes the pixels, see [`prepare::heif_exif`]), any other container's (JPEG, PNG,
/// TIFF, WebP) read by `kamadak-exif` itself.
fn exif_of(bytes: &[u8]) -> Option<exif::Exif> {
    let reader = exif::Reader::new();
    if prepare::is_heif(bytes) {
        return reader.read_raw(prepare::heif_exif(bytes)?).ok();
    }
    reader
        .read_from_container(&mut std::io::Cursor::new(bytes))
        .ok()
}

/// The date a photo was taken (`YYYY-MM-DD`) from its EXIF `DateTimeOriginal` (or
/// `DateTime`), for the encounter stage; `None` without EXIF.
pub fn photo_date(bytes: &[u8]) -> Option<String> {
    let exif = exif_of(bytes)?;
    let field = exif
        .get_field(exif::Tag::DateTimeOriginal, exif::In::PRIMARY)
        .or_else(|| exif.get_field(exif::Tag::DateTime, exif::In::PRIMARY))?;
    let exif::Value::Ascii(values) = &field.value else {
        return None;
    };
    let text = std::str::from_utf8(values.first()?).ok()?;
    let date = text.get(..10)?.replace(':', "-");
    let ok = date.len() == 10
        && date.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        })
        && !date.starts_with("0000");
    ok.then_some(date)
}

/// Where a photo was taken, `latitude,longitude` in decimal degrees (six decimals, south and
/// west negative) from its EXIF GPS fields, for the encounter stage; `None` without a complete,
/// plausible position (a zero position is a camera without a fix, not the Gulf of Guinea).
pub fn photo_position(bytes: &[u8]) -> Option<String> {
    let exif = exif_of(bytes)?;
    let degrees = |value: exif::Tag, reference: exif::Tag, negative: u8| -> Option<f64> {
        let field = exif.get_field(value, exif::In::PRIMARY)?;
        let exif::Value::Rational(parts) = &field.value else {
            return None;
        };
        let mut total = 0.0;
        for (part, scale) in parts.iter().zip([1.0, 60.0, 3600.0]) {
            if part.denom == 0 {
                return None;
            }
            total += part.to_f64() / scale;
        }
        let sign = match exif
            .get_field(reference, exif::In::PRIMARY)
            .map(|f| &f.value)
        {
            Some(exif::Value::Ascii(v)) if v.first().and_then(|r| r.first()) == Some(&negative) => {
                -1.0
            }
            _ => 1.0,
        };
        Some(sign * total)
    };
    let lat = degrees(exif::Tag::GPSLatitude, exif::Tag::GPSLatitudeRef, b'S')?;
    let lon = degrees(exif::Tag::GPSLongitude, exif::Tag::GPSLongitudeRef, b'W')?;
    let plausible = lat.is_finite()
        && lon.is_finite()
        && lat.abs() <= 90.0
        && lon.abs() <= 180.0
        && (lat != 0.0 || lon != 0.0);
    plausible.then(|| format!("{lat:.6},{lon:.6}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An engine that reads a fixed text, for the reader's own logic.
    struct Scripted(&'static str);

    impl Engine for Scripted {
        fn words(&mut self, _: &GrayImage, _: u32) -> Result<Vec<extract::Word>, OcrError> {
            Ok(extract::words_from_text(self.0))
        }
        fn orientation(&mut self, _: &GrayImage) -> Option<(u32, f32)> {
            None
        }
    }

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = GrayImage::from_pixel(w, h, image::Luma([250]));
        let mut bytes = Vec::new();
        image::DynamicImage::ImageLuma8(img)
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .expect("encoding a PNG in memory");
        bytes
    }

    #[test]
    fn a_card_becomes_a_located_record() {
        let mut engine =
            Scripted("[30]Jan de Vries\n[16]Directeur\n[14]jan@devries.nl\n[14]06-12345678");
        let read = read_with(
            "scans/IMG_1.png",
            &png(600, 400),
            &ScanOptions::default(),
            &mut engine,
        );
        assert_eq!(read.diagnostics, Vec::new());
        assert_eq!(read.contacts.len(), 1);
        let c = &read.contacts[0];
        assert_eq!(c.source.locate(), "scans/IMG_1.png (record 1)");
        assert_eq!(c.source.kind, SourceKind::Scan);
        assert_eq!(c.name.full.as_deref(), Some("Jan de Vries"));
        assert_eq!(c.phones[0].value, "+31612345678");
        assert_eq!(c.phones[0].label.as_deref(), Some("mobile"));
        assert!(c.raw.starts_with("Jan de Vries\nDirecteur\n"), "{}", c.raw);
        assert!(c.extra.iter().any(|(k, _)| k == "confidence.name"));
    }

    #[test]
    fn an_empty_card_is_a_rejected_record_with_its_text() {
        let mut engine = Scripted("[14]~~ ..");
        let read = read_with(
            "a.png",
            &png(600, 400),
            &ScanOptions::default(),
            &mut engine,
        );
        assert!(read.contacts.is_empty());
        assert_eq!(read.rejected.len(), 1);
        assert_eq!(read.rejected[0].raw, "~~ ..");
        assert_eq!(
            read.diagnostics[0].to_string(),
            "a.png (record 1): no name, organisation or contact details found on the card"
        );
    }

    #[test]
    fn hostile_files_are_rejected_files() {
        let mut engine = Scripted("[30]Jan de Vries");
        let truncated = {
            let mut b = png(600, 400);
            b.truncate(b.len() / 2);
            b
        };
        for (bytes, want) in [
            (Vec::new(), "x.jpg: empty file"),
            (
                b"not an image at all".to_vec(),
                "x.jpg: not a readable image",
            ),
            (truncated, "x.jpg: not a readable image"),
        ] {
            let read = read_with("x.jpg", &bytes, &ScanOptions::default(), &mut engine);
            assert!(read.contacts.is_empty());
            assert_eq!(read.diagnostics.len(), 1, "{want}");
            assert_eq!(
                read.diagnostics[0].severity,
                crate::diag::Severity::FileRejected
            );
            assert!(
                read.diagnostics[0].to_string().starts_with(want),
                "{}",
                read.diagnostics[0]
            );
        }
    }

    /// A JPEG holding only an APP1 Exif segment with `fields` (enough for the EXIF reader).
    fn jpeg_with(fields: &[exif::Field]) -> Vec<u8> {
        use exif::experimental::Writer;
        let mut writer = Writer::new();
        for field in fields {
            writer.push_field(field);
        }
        let mut tiff = std::io::Cursor::new(Vec::new());
        writer
            .write(&mut tiff, false)
            .expect("writing EXIF in memory");
        let tiff = tiff.into_inner();
        // SOI, an APP1 Exif segment, EOI.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
        let len = (tiff.len() + 8) as u16;
        jpeg.extend_from_slice(&len.to_be_bytes());
        jpeg.extend_from_slice(b"Exif\0\0");
        jpeg.extend_from_slice(&tiff);
        jpeg.extend_from_slice(&[0xFF, 0xD9]);
        jpeg
    }

    fn field(tag: exif::Tag, value: exif::Value) -> exif::Field {
        exif::Field {
            tag,
            ifd_num: exif::In::PRIMARY,
            value,
        }
    }

    fn dms(d: u32, m: u32, s_hundredths: u32) -> exif::Value {
        exif::Value::Rational(vec![
            exif::Rational { num: d, denom: 1 },
            exif::Rational { num: m, denom: 1 },
            exif::Rational {
                num: s_hundredths,
                denom: 100,
            },
        ])
    }

    fn ascii(text: &str) -> exif::Value {
        exif::Value::Ascii(vec![text.as_bytes().to_vec()])
    }

    #[test]
    fn exif_date() {
        let jpeg = jpeg_with(&[field(
            exif::Tag::DateTimeOriginal,
            ascii("2026:10:03 14:22:10"),
        )]);
        assert_eq!(photo_date(&jpeg).as_deref(), Some("2026-10-03"));
        assert_eq!(photo_date(&png(10, 10)), None);
        assert_eq!(photo_date(b""), None);
        assert_eq!(photo_position(&jpeg), None, "a date but no position");
    }

    #[test]
    fn exif_position() {
        use exif::Tag;
        let (lat_tag, lat_ref_tag) = (Tag::GPSLatitude, Tag::GPSLatitudeRef);
        let (lon_tag, lon_ref_tag) = (Tag::GPSLongitude, Tag::GPSLongitudeRef);
        // (latitude, its reference, longitude, its reference, expected)
        let cases: &[(exif::Value, &str, exif::Value, &str, Option<&str>)] = &[
            // Jaarbeurs Utrecht: 52°5'21.60"N 5°6'25.20"E.
            (
                dms(52, 5, 2160),
                "N",
                dms(5, 6, 2520),
                "E",
                Some("52.089333,5.107000"),
            ),
            // South and west are negative.
            (
                dms(33, 52, 0),
                "S",
                dms(151, 12, 3600),
                "E",
                Some("-33.866667,151.210000"),
            ),
            (
                dms(40, 42, 4600),
                "N",
                dms(74, 0, 2160),
                "W",
                Some("40.712778,-74.006000"),
            ),
            // A camera without a fix writes zeros.
            (dms(0, 0, 0), "N", dms(0, 0, 0), "E", None),
            // Out of range.
            (dms(95, 0, 0), "N", dms(5, 0, 0), "E", None),
        ];
        for (lat, lat_ref, lon, lon_ref, expected) in cases {
            let jpeg = jpeg_with(&[
                field(lat_ref_tag, ascii(lat_ref)),
                field(lat_tag, lat.clone()),
                field(lon_ref_tag, ascii(lon_ref)),
                field(lon_tag, lon.clone()),
            ]);
            assert_eq!(
                photo_position(&jpeg).as_deref(),
                *expected,
                "{lat:?} {lat_ref} {lon:?} {lon_ref}"
            );
        }
        // A latitude without a longitude is no position; a zero denominator neither.
        let half = jpeg_with(&[field(lat_tag, dms(52, 5, 0))]);
        assert_eq!(photo_position(&half), None);
        let broken = jpeg_with(&[
            field(
                lat_tag,
                exif::Value::Rational(vec![exif::Rational { num: 52, denom: 0 }]),
            ),
            field(lon_tag, dms(5, 0, 0)),
        ]);
        assert_eq!(photo_position(&broken), None);
        assert_eq!(photo_position(b"not an image"), None);
    }

    #[test]
    fn heic_exif_date_and_position() {
        // The fixture's EXIF was written into the JPEG before heif-enc copied it into the
        // HEIC's Exif item (fixtures/scan/README.md).
        let heic = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/scan/card-00001.heic"
        ))
        .expect("the HEIC fixture");
        assert_eq!(photo_date(&heic).as_deref(), Some("2026-10-03"));
        assert_eq!(photo_position(&heic).as_deref(), Some("52.089444,5.110000"));
        // Cut before its metadata: no EXIF, and no panic.
        assert_eq!(photo_date(&heic[..100]), None);
        assert_eq!(photo_position(b"\0\0\0\x18ftypheic\0\0\0\0"), None);
    }
}
