//! A second look at the e-mail lines of a card: the prepared card and its OCR words in, the
//! words with each e-mail line replaced by a better reading (or left as they were) out.
//!
//! Small, light type loses characters at full-card OCR: the part of the local part before a
//! dot (`n.walker@` read as `walker@`), a dot itself (`i.elamrani` as `ielamrani`), or the
//! end of the domain. Read again alone, at twice the size and with a white margin, the same
//! line usually comes back whole. The second reading replaces the first only when it is
//! plainly the fuller one ([`prefer_second`]): an address where there was none, or the same
//! address with a dot or a dotted head the first reading lost. Two readings that disagree
//! otherwise keep the first: a choice between them would be a guess.
//!
//! Phone lines get the same second look, but only where the first reading gave no number at
//! all ([`phone_lines`]): a valid number in the second reading is then kept, none is guessed.
//!
//! What it does not do: re-read other lines (names, addresses), or OCR anything itself (the
//! caller's engine does).

use super::extract::{self, Word};
use super::ocr::Engine;
use image::GrayImage;

/// How much larger the line is read the second time.
const SCALE: u32 = 2;

/// Re-read every OCR line that holds an `@` and keep the better reading of each (see the
/// module notes). Errors of the second reading leave the first in place.
pub fn email_lines(
    image: &GrayImage,
    words: Vec<Word>,
    ppi: u32,
    region: &str,
    engine: &mut dyn Engine,
) -> Vec<Word> {
    let mut lines: Vec<u32> = Vec::new();
    for w in &words {
        if w.text.contains('@') && !lines.contains(&w.line) {
            lines.push(w.line);
        }
    }
    let mut words = words;
    for line in lines {
        let first: Vec<Word> = words.iter().filter(|w| w.line == line).cloned().collect();
        let Some(second) = read_line_again(image, &first, ppi, engine) else {
            continue;
        };
        let emails = |ws: &[Word]| -> Vec<String> {
            extract::extract(ws, region)
                .emails
                .into_iter()
                .map(|e| e.value)
                .collect()
        };
        if prefer_second(&emails(&first), &emails(&second)) {
            words = replace_line(words, line, second);
        }
    }
    words
}

/// Re-read every OCR line that looks like it holds a phone number (seven digits or more, or a
/// `+` before a digit) but gave none, and keep the second reading when it gives one: a number
/// OCR garbled at card scale (`+317(0)20 Sid wor,` for `+31 (0)20 371 7577`) comes back whole
/// when read alone and enlarged, and a valid number is what the extractor demands of it.
pub fn phone_lines(
    image: &GrayImage,
    words: Vec<Word>,
    ppi: u32,
    region: &str,
    engine: &mut dyn Engine,
) -> Vec<Word> {
    let mut lines: Vec<u32> = Vec::new();
    for w in &words {
        if !lines.contains(&w.line) {
            lines.push(w.line);
        }
    }
    let mut words = words;
    for line in lines {
        let first: Vec<Word> = words.iter().filter(|w| w.line == line).cloned().collect();
        if !looks_like_phone_line(&first) && !doubtful_number_line(&first) {
            continue;
        }
        let phones = |ws: &[Word]| extract::extract(ws, region).phones.len();
        if phones(&first) > 0 {
            continue;
        }
        let Some(second) = read_line_again(image, &first, ppi, engine) else {
            continue;
        };
        if phones(&second) > 0 {
            words = replace_line(words, line, second);
        }
    }
    words
}

/// A line OCR read doubtfully (mean word confidence under [`DOUBTFUL`]) that holds a digit or
/// a bracket: a phone line garbled at card scale past looking like one (`yo aed (242) MOED`
/// for `T: +1 (212) 951-1658`, `Te (So SossA` for `T: +1 (312) 596-3374`) may be one. An
/// address or a logo read so comes back with no valid number, and stays as it was.
fn doubtful_number_line(line: &[Word]) -> bool {
    let chars: usize = line.iter().map(|w| w.text.chars().count()).sum();
    let mean = line.iter().map(|w| w.conf).sum::<f32>() / line.len().max(1) as f32;
    chars >= 6
        && mean < DOUBTFUL
        && !line.iter().any(|w| w.text.contains('@'))
        && line
            .iter()
            .any(|w| w.text.contains(|c: char| c.is_ascii_digit() || c == '('))
}

/// Mean word confidence (tesseract's `0..=100`) under which a line is read doubtfully.
const DOUBTFUL: f32 = 60.0;

/// A line with seven digits or more, or a `+` right before a digit: a phone line unless the
/// extractor says otherwise.
pub fn looks_like_phone_line(line: &[Word]) -> bool {
    let digits: usize = line
        .iter()
        .map(|w| w.text.chars().filter(|c| c.is_ascii_digit()).count())
        .sum();
    let plus = line.iter().any(|w| {
        w.text
            .as_bytes()
            .windows(2)
            .any(|p| p[0] == b'+' && p[1].is_ascii_digit())
    });
    !line.iter().any(|w| w.text.contains('@')) && (digits >= 7 || plus)
}

/// OCR the box of one line again, enlarged, and return its words in card coordinates, all on
/// the line `line_words` had.
fn read_line_again(
    image: &GrayImage,
    line_words: &[Word],
    ppi: u32,
    engine: &mut dyn Engine,
) -> Option<Vec<Word>> {
    let line = line_words.first()?.line;
    let h = line_words.iter().map(|w| w.height).max()?.max(1);
    let left = line_words.iter().map(|w| w.left).min()?;
    let right = line_words.iter().map(|w| w.left + w.width).max()?;
    let top = line_words.iter().map(|w| w.top).min()?;
    let bottom = line_words.iter().map(|w| w.top + w.height).max()?;
    let (iw, ih) = (image.width() as i32, image.height() as i32);
    // Wide on both sides: the characters the first reading lost lie beyond its words' box.
    let x0 = (left - 3 * h).clamp(0, iw);
    let x1 = (right + 3 * h).clamp(0, iw);
    let y0 = (top - h / 2).clamp(0, ih);
    let y1 = (bottom + h / 2).clamp(0, ih);
    if x1 - x0 < 8 || y1 - y0 < 4 {
        return None;
    }
    let (cw, ch) = ((x1 - x0) as u32, (y1 - y0) as u32);
    let mut crop = image::imageops::crop_imm(image, x0 as u32, y0 as u32, cw, ch).to_image();
    stretch(&mut crop);
    let big = image::imageops::resize(
        &crop,
        cw * SCALE,
        ch * SCALE,
        image::imageops::FilterType::Triangle,
    );
    let pad = (h as u32) * SCALE;
    let mut framed = GrayImage::from_pixel(
        cw * SCALE + 2 * pad,
        ch * SCALE + 2 * pad,
        image::Luma([255]),
    );
    image::imageops::replace(&mut framed, &big, pad as i64, pad as i64);
    let read = engine.words(&framed, ppi * SCALE).ok()?;
    let (pad, scale) = (pad as i32, SCALE as i32);
    Some(
        read.into_iter()
            .map(|w| Word {
                left: (w.left - pad) / scale + x0,
                top: (w.top - pad) / scale + y0,
                width: w.width / scale,
                height: w.height / scale,
                line,
                ..w
            })
            .collect(),
    )
}

/// Stretch the grey levels of a line so that its darkest ink is black and its paper (the
/// median: most of a text line is paper) white. Light type on a noisy ground loses strokes in
/// tesseract's global threshold; on the stretched line it keeps them.
fn stretch(line: &mut GrayImage) {
    let mut hist = [0usize; 256];
    for p in line.pixels() {
        hist[p.0[0] as usize] += 1;
    }
    let total: usize = hist.iter().sum();
    let level = |share: usize| {
        let mut seen = 0;
        for (v, n) in hist.iter().enumerate() {
            seen += n;
            if seen * 100 >= total * share {
                return v as i32;
            }
        }
        255
    };
    let (ink, paper) = (level(1), level(50));
    if paper - ink < 16 {
        return;
    }
    for p in line.pixels_mut() {
        let v = (i32::from(p.0[0]) - ink) * 255 / (paper - ink);
        p.0[0] = v.clamp(0, 255) as u8;
    }
}

/// Put `second` where the words of `line` were (at the first of them), keeping the order of
/// everything else.
fn replace_line(words: Vec<Word>, line: u32, second: Vec<Word>) -> Vec<Word> {
    let mut out = Vec::with_capacity(words.len() + second.len());
    let mut second = Some(second);
    for w in words {
        if w.line == line {
            if let Some(s) = second.take() {
                out.extend(s);
            }
        } else {
            out.push(w);
        }
    }
    out
}

/// Whether the second reading of an e-mail line is the fuller one: it has an address where
/// the first has none, or its first address is the first reading's with a dot put back
/// (`ielamrani@` → `i.elamrani@`) or with a dotted head put back (`walker@` → `n.walker@`).
pub fn prefer_second(first: &[String], second: &[String]) -> bool {
    let (Some(b), Some(a)) = (second.first(), first.first()) else {
        return first.is_empty() && !second.is_empty();
    };
    if a == b {
        return false;
    }
    let (Some((al, ad)), Some((bl, bd))) = (a.split_once('@'), b.split_once('@')) else {
        return false;
    };
    if ad != bd {
        return false;
    }
    let undotted = |s: &str| s.replace('.', "");
    let dot_back =
        undotted(al) == undotted(bl) && bl.matches('.').count() > al.matches('.').count();
    let head_back =
        bl.len() > al.len() + 1 && bl.ends_with(al) && bl[..bl.len() - al.len()].ends_with('.');
    dot_back || head_back
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    const CHOICES: &[(&[&str], &[&str], bool)] = &[
        // Nothing first, an address second.
        (&[], &["n.walker@ziggo.nl"], true),
        (&[], &[], false),
        (&["jan@voorbeeld.nl"], &[], false),
        (&["jan@voorbeeld.nl"], &["jan@voorbeeld.nl"], false),
        // A dot put back, a dotted head put back.
        (
            &["ielamrani@gemeente.nl"],
            &["i.elamrani@gemeente.nl"],
            true,
        ),
        (&["jacobs@wijkteam.nl"], &["anouk.jacobs@wijkteam.nl"], true),
        // The reverse: the second reading lost what the first had.
        (
            &["i.elamrani@gemeente.nl"],
            &["ielamrani@gemeente.nl"],
            false,
        ),
        (
            &["anouk.jacobs@wijkteam.nl"],
            &["jacobs@wijkteam.nl"],
            false,
        ),
        // A head without a dot is no lost head; another domain or local part is a guess.
        (&["jacobs@wijkteam.nl"], &["xjacobs@wijkteam.nl"], false),
        (&["jan@voorbeeld.nl"], &["jan@voorbeeld.com"], false),
        (&["jan@voorbeeld.nl"], &["jen@voorbeeld.nl"], false),
    ];

    #[test]
    fn stretching_makes_light_ink_black_and_paper_white() {
        // Paper at 200 with noise, light ink at 150 on a tenth of the line.
        let mut line = GrayImage::from_fn(100, 10, |x, y| {
            if x % 10 == 0 {
                image::Luma([150])
            } else {
                image::Luma([195 + ((x + y) % 10) as u8])
            }
        });
        stretch(&mut line);
        assert_eq!(line.get_pixel(0, 0).0[0], 0);
        assert!(line.pixels().filter(|p| p.0[0] == 255).count() >= 450);
        // A blank line (no ink) is left as it is.
        let mut blank = GrayImage::from_pixel(50, 10, image::Luma([240]));
        stretch(&mut blank);
        assert!(blank.pixels().all(|p| p.0[0] == 240));
    }

    #[test]
    fn the_fuller_reading_wins() {
        for (first, second, want) in CHOICES {
            assert_eq!(
                prefer_second(&v(first), &v(second)),
                *want,
                "case {first:?} / {second:?}"
            );
        }
    }

    /// An engine that answers the first call with one reading and every later call (the
    /// second look) with another, and records the sizes it was shown.
    struct TwoReadings {
        first: &'static str,
        second: &'static str,
        calls: Vec<(u32, u32, u32)>,
    }

    impl Engine for TwoReadings {
        fn words(
            &mut self,
            image: &GrayImage,
            ppi: u32,
        ) -> Result<Vec<Word>, super::super::ocr::OcrError> {
            self.calls.push((image.width(), image.height(), ppi));
            let text = if self.calls.len() == 1 {
                self.first
            } else {
                self.second
            };
            Ok(extract::words_from_text(text))
        }
        fn orientation(&mut self, _: &GrayImage) -> Option<(u32, f32)> {
            None
        }
    }

    impl TwoReadings {
        /// A blank page, the engine scripted with `first` and `second`, and the words of its
        /// first reading (what the card's OCR gave before any second look).
        fn first_look(first: &'static str, second: &'static str) -> (GrayImage, Self, Vec<Word>) {
            let image = GrayImage::from_pixel(1000, 600, image::Luma([250]));
            let mut engine = TwoReadings {
                first,
                second,
                calls: Vec::new(),
            };
            let words = engine
                .words(&image, 300)
                .expect("the scripted engine reads");
            (image, engine, words)
        }
    }

    #[test]
    fn phone_lines_are_the_ones_with_digits() {
        for (text, want) in [
            ("+317(0)20 Sid wor,", true),
            ("T 030 - 123 45 67", true),
            ("(035), 750'95:73", true),
            ("3511 AB Utrecht", false),
            ("Oudegracht 12", false),
            ("jan@voorbeeld123456.nl", false),
            ("Jan de Vries", false),
        ] {
            let words = extract::words_from_text(text);
            assert_eq!(looks_like_phone_line(&words), want, "{text}");
        }
    }

    #[test]
    fn doubtful_lines_with_a_digit_or_a_bracket_are_read_again() {
        let with_conf = |text: &str, conf: f32| {
            let mut words = extract::words_from_text(text);
            for w in &mut words {
                w.conf = conf;
            }
            words
        };
        for (text, conf, want) in [
            ("yo aed (242) MOED", 40.0, true),
            ("Te (So SossA", 35.0, true),
            // Read surely, or no digit and no bracket, or too short, or an address line.
            ("yo aed (242) MOED", 90.0, false),
            ("Met hart en hoofd", 30.0, false),
            ("(2)", 30.0, false),
            ("jan@voorbeeld1.nl", 30.0, false),
        ] {
            let words = with_conf(text, conf);
            assert_eq!(doubtful_number_line(&words), want, "{text} at {conf}");
        }
    }

    #[test]
    fn a_garbled_phone_line_is_read_again() {
        for (first, second, want, calls) in [
            // Garbled first, whole second: the second is kept.
            (
                "Jan Jansen\n+317(0)20 Sid wor,",
                "T +31 (0)20 371 7577",
                vec!["+31203717577"],
                2,
            ),
            // Read well the first time: no second look.
            ("Jan Jansen\n030 - 371 75 77", "", vec!["+31303717577"], 1),
            // Garbled both times: nothing is guessed.
            ("Jan Jansen\n+317(0)20 Sid wor,", "+3 Sid wor", vec![], 2),
        ] {
            let (image, mut engine, words) = TwoReadings::first_look(first, second);
            let words = phone_lines(&image, words, 300, "NL", &mut engine);
            assert_eq!(engine.calls.len(), calls, "case {first:?}");
            let card = extract::extract(&words, "NL");
            let phones: Vec<&str> = card.phones.iter().map(|p| p.value.as_str()).collect();
            assert_eq!(phones, want, "case {first:?}");
        }
    }

    #[test]
    fn a_line_read_whole_the_second_time_replaces_the_first() {
        for (first, second, want) in [
            (
                "Nathan Walker\nwalker@zigg",
                "n.walker@ziggo.nl",
                "n.walker@ziggo.nl",
            ),
            (
                "Jan Jansen\njan@voorbeeld.nl",
                "jen@voorbeeld.nl",
                "jan@voorbeeld.nl",
            ),
        ] {
            let (image, mut engine, words) = TwoReadings::first_look(first, second);
            let words = email_lines(&image, words, 300, "NL", &mut engine);
            assert_eq!(
                engine.calls.len(),
                2,
                "one second look at the one e-mail line"
            );
            assert_eq!(engine.calls[1].2, 600, "the second look is told its scale");
            let card = extract::extract(&words, "NL");
            assert_eq!(card.emails[0].value, want, "case {first:?}");
            // The name line is untouched and still comes first.
            assert!(words[0].text.ends_with('n'), "{words:?}");
        }
    }
}
