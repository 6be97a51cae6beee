//! Card text → contact fields: the pure half of the scan reader.
//!
//! In: the words OCR found on one card, each with its box, its confidence and the text line it
//! belongs to ([`Word`]), and the default country. Out: a [`Card`]: person name, organisation,
//! job title, department, e-mails, phones (labelled mobile / work / fax, as E.164), websites,
//! social handles and postal addresses, each with a confidence in `0.0..=1.0`; the country the
//! card's evidence points at; and the registry numbers (KvK, BTW, IBAN, …) that were recognised
//! and deliberately *not* read as phone numbers.
//!
//! How: words become line segments (a wide gap or a `|` splits a line, so two columns stay
//! apart); e-mails, URLs, handles, registry numbers, phones and addresses are taken out first by
//! their shape, with the repairs OCR needs (`jan @ voorbeeld . n1` → `jan@voorbeeld.nl`); what
//! is left is sorted into organisation (legal form, institution word, agreement with the web
//! or mail domain), title (Dutch and English lexicons, compound endings), department and name
//! (word shape, agreement with the e-mail address, font size from the word boxes).
//!
//! What it does not do: no image work and no OCR (see `ocr` and `prepare`), no normalisation
//! beyond what reading a card needs (phones are parsed to E.164 because only the card knows its
//! country). A field without enough evidence stays empty rather than guessed.

use super::lexicon::{self, fold};
use phonenumber::country::Id as CountryId;
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

/// One word as OCR read it. Coordinates are pixels of the prepared card image.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub text: String,
    pub left: i32,
    pub top: i32,
    pub width: i32,
    pub height: i32,
    /// Recognition confidence, `0.0..=100.0` as tesseract reports it.
    pub conf: f32,
    /// Words with the same `line` were read as one text line.
    pub line: u32,
}

/// A text value with how sure the extractor is of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub value: String,
    /// `0.0..=1.0`: the strength of the rule that found it times the OCR confidence.
    pub confidence: f32,
}

/// What a phone number is for, from its label or (without one) from the number itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PhoneKind {
    Mobile,
    Work,
    Fax,
}

impl PhoneKind {
    pub fn label(self) -> &'static str {
        match self {
            PhoneKind::Mobile => "mobile",
            PhoneKind::Work => "work",
            PhoneKind::Fax => "fax",
        }
    }
}

/// A phone number read from a card.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Phone {
    /// E.164, parsed with the card's country: `+31612345678`.
    pub value: String,
    /// As printed (after OCR): `06-12345678`.
    pub written: String,
    pub kind: PhoneKind,
    pub confidence: f32,
}

/// A social profile or handle: `linkedin.com/in/janvdberg`, `@janvdberg`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Social {
    pub value: String,
    /// `linkedin`, `twitter`, `instagram`, … where the card says so.
    pub service: Option<String>,
    pub confidence: f32,
}

/// A postal address read from a card. Any part may be missing.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PostalAddress {
    pub street: Option<String>,
    /// `Postbus 1234` / `PO Box 12`.
    pub po_box: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2 where the card names or implies the country.
    pub country: Option<String>,
    pub confidence: f32,
}

/// Everything read from one card.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Card {
    pub name: Option<Field>,
    pub organisation: Option<Field>,
    pub title: Option<Field>,
    pub department: Option<Field>,
    pub emails: Vec<Field>,
    pub phones: Vec<Phone>,
    pub websites: Vec<Field>,
    pub socials: Vec<Social>,
    pub addresses: Vec<PostalAddress>,
    /// The country the card's evidence points at (ISO alpha-2), used for its phone numbers.
    pub country: String,
    /// Registry numbers recognised and kept out of the phones: `("KvK", "12345678")`.
    pub registry: Vec<(String, String)>,
}

impl Card {
    /// True when nothing that identifies or reaches a person was found.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.organisation.is_none()
            && self.emails.is_empty()
            && self.phones.is_empty()
            && self.websites.is_empty()
            && self.socials.is_empty()
    }
}

/// Fields below this confidence are left empty: a wrong name is worse than none.
const MIN_CONFIDENCE: f32 = 0.4;

/// Read the fields of one card from its OCR words. `default_country` (ISO alpha-2) is used
/// when nothing on the card points at a country.
pub fn extract(words: &[Word], default_country: &str) -> Card {
    let words: Vec<Word> = words.iter().map(bounded).collect();
    let mut segs = segments(&words);
    let mut card = Card {
        country: default_country.to_ascii_uppercase(),
        ..Card::default()
    };
    let names = NameLines::of(&segs);
    let mut sure = agree::Sureness::default();
    for seg in segs.iter_mut() {
        take_emails(seg, &names, &mut card, &mut sure.emails);
        take_urls(seg, &mut card);
        take_handles(seg, &mut card);
        take_registry(seg, &mut card);
    }
    card.country = choose_country(&segs, &card, default_country);
    for seg in segs.iter_mut() {
        take_phones(seg, &mut card);
    }
    take_addresses(&mut segs, &mut card);
    (sure.name, sure.organisation) = take_people_and_orgs(&segs, &mut card);
    agree::mend(&mut card, &sure);
    card
}

/// The largest coordinate or box size the extractor works with, in pixels. A prepared card is a
/// few thousand pixels wide; the layout rules multiply coordinates by small factors (`* 16`),
/// which overflows `i32` for absurd boxes (found by fuzzing: `fuzz/regressions/extract/`).
const MAX_COORD: i32 = 1 << 20;

/// A word with its box clamped to `±MAX_COORD` and a confidence that is a number, so that no
/// box, however absurd, can overflow the layout arithmetic or make a confidence NaN; curly
/// apostrophes straightened.
fn bounded(w: &Word) -> Word {
    let clamp = |v: i32| v.clamp(-MAX_COORD, MAX_COORD);
    Word {
        // OCR reads the straight apostrophe of `'s-Hertogenbosch` or `van 't Hof` as a curly
        // one about as often as not; cards print the straight one, so it is that.
        text: w.text.replace(['\u{2018}', '\u{2019}', '\u{201B}'], "'"),
        left: clamp(w.left),
        top: clamp(w.top),
        width: clamp(w.width),
        height: clamp(w.height),
        conf: if w.conf.is_nan() { 0.0 } else { w.conf },
        line: w.line,
    }
}

/// Build words from plain text, one line per text line, for tests, fuzzing and QR payloads.
///
/// A line may start with `[h]` or `[h,x]`: the line's text height and left edge in pixels
/// (default 20 and 0). `||` inside a line moves what follows 600 px to the right (a second
/// column). Every word gets confidence 95.
pub fn words_from_text(text: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut top = 10;
    for (n, raw_line) in text.lines().enumerate() {
        let (mut height, mut x, mut line) = (20, 0, raw_line);
        if let Some(rest) = raw_line.strip_prefix('[') {
            if let Some((spec, tail)) = rest.split_once(']') {
                let mut parts = spec.split(',').map(|p| p.trim().parse::<i32>().ok());
                if let Some(Some(h)) = parts.next() {
                    height = h.clamp(1, 500);
                    line = tail;
                }
                if let Some(Some(left)) = parts.next() {
                    // Bounded like every box (`MAX_COORD`), so that columns cannot overflow.
                    x = left.clamp(-MAX_COORD, MAX_COORD);
                }
            }
        }
        // Saturating: a long text (a QR payload, a fuzz input) must not overflow the layout.
        for (col, part) in line.split("||").enumerate() {
            let col = i32::try_from(col).unwrap_or(i32::MAX);
            let mut left = x.saturating_add(col.saturating_mul(600));
            for w in part.split_whitespace() {
                let chars = i32::try_from(w.chars().count()).unwrap_or(i32::MAX);
                let width = chars.saturating_mul(height * 6) / 10;
                words.push(Word {
                    text: w.to_string(),
                    left,
                    top,
                    width,
                    height,
                    conf: 95.0,
                    line: u32::try_from(n).unwrap_or(u32::MAX),
                });
                left = left.saturating_add(width.saturating_add(height / 3));
            }
        }
        top = top.saturating_add(height + height / 2);
    }
    words
}

// ---------------------------------------------------------------------------------------------
// Segments

/// A run of words on one text line, with which of its bytes a field has taken.
#[derive(Debug, Clone)]
struct Seg {
    text: String,
    /// Byte range and confidence (`0..=1`) of each word in `text`.
    spans: Vec<(usize, usize, f32)>,
    left: i32,
    top: i32,
    right: i32,
    bottom: i32,
    /// Text height in pixels (tallest word): the font size.
    height: i32,
    used: Vec<bool>,
}

impl Seg {
    fn new(words: &[&Word]) -> Seg {
        let mut text = String::new();
        let mut spans = Vec::with_capacity(words.len());
        for w in words {
            if !text.is_empty() {
                text.push(' ');
            }
            let start = text.len();
            text.push_str(w.text.trim());
            spans.push((start, text.len(), (w.conf / 100.0).clamp(0.0, 1.0)));
        }
        let left = words.iter().map(|w| w.left).min().unwrap_or(0);
        let top = words.iter().map(|w| w.top).min().unwrap_or(0);
        let right = words.iter().map(|w| w.left + w.width).max().unwrap_or(0);
        let bottom = words.iter().map(|w| w.top + w.height).max().unwrap_or(0);
        let height = words.iter().map(|w| w.height).max().unwrap_or(0).max(1);
        let used = vec![false; text.len()];
        Seg {
            text,
            spans,
            left,
            top,
            right,
            bottom,
            height,
            used,
        }
    }

    fn mark(&mut self, start: usize, end: usize) {
        let end = end.min(self.used.len());
        for u in &mut self.used[start.min(end)..end] {
            *u = true;
        }
    }

    /// Mean word confidence over a byte range.
    fn conf(&self, start: usize, end: usize) -> f32 {
        let hits: Vec<f32> = self
            .spans
            .iter()
            .filter(|(s, e, _)| *s < end && *e > start)
            .map(|(_, _, c)| *c)
            .collect();
        if hits.is_empty() {
            0.0
        } else {
            hits.iter().sum::<f32>() / hits.len() as f32
        }
    }

    /// The text no field has taken, with taken bytes blanked (byte offsets stay valid).
    fn free(&self) -> String {
        let mut out = String::with_capacity(self.text.len());
        for (i, ch) in self.text.char_indices() {
            if self.used[i] {
                out.extend(std::iter::repeat_n(' ', ch.len_utf8()));
            } else {
                out.push(ch);
            }
        }
        out
    }

    /// Whitespace-separated tokens of the free text, `Label:value` split after the colon.
    fn tokens(&self) -> Vec<Tok> {
        let free = self.free();
        let mut toks = Vec::new();
        let mut start = None;
        for (i, ch) in free
            .char_indices()
            .chain(std::iter::once((free.len(), ' ')))
        {
            match (ch.is_whitespace(), start) {
                (false, None) => start = Some(i),
                (true, Some(s)) => {
                    push_token(&free[s..i], s, &mut toks);
                    start = None;
                }
                _ => {}
            }
        }
        toks
    }
}

#[derive(Debug, Clone)]
struct Tok {
    start: usize,
    end: usize,
    text: String,
}

fn push_token(text: &str, start: usize, toks: &mut Vec<Tok>) {
    // `T:020…`, `E:jan@…`: a known label glued to its value.
    if let Some(colon) = text.find(':') {
        let (head, tail) = (&text[..colon], &text[colon + 1..]);
        if !tail.is_empty() && !tail.starts_with("//") && label_kind(&fold(head)).is_some() {
            toks.push(Tok {
                start,
                end: start + colon + 1,
                text: text[..=colon].to_string(),
            });
            toks.push(Tok {
                start: start + colon + 1,
                end: start + text.len(),
                text: tail.to_string(),
            });
            return;
        }
    }
    toks.push(Tok {
        start,
        end: start + text.len(),
        text: text.to_string(),
    });
}

/// Whether the `|` at `i` stands between an e-mail label and an address (`E | green@…`): no
/// separator goes there, so it is the `l` of `l.green@…` with its dot read as a space.
fn is_bar_of_address(line: &[&Word], i: usize) -> bool {
    let label = i
        .checked_sub(1)
        .and_then(|p| line.get(p))
        .is_some_and(|p| label_kind(&fold(&p.text)) == Some(Label::Email));
    line[i].text.trim() == "|" && label && line.get(i + 1).is_some_and(|n| n.text.contains('@'))
}

fn is_separator(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| matches!(c, '|' | '•' | '·' | '◦' | '▪' | '●' | '■' | '/' | '—' | '–'))
}

fn is_ornament(w: &Word, line_height: i32, words_on_line: usize) -> bool {
    let text = w.text.trim();
    let alnum = text.chars().filter(|c| c.is_alphanumeric()).count();
    if alnum == 0 {
        // Punctuation OCR split off an address (`jan @ voorbeeld . nl`) stays.
        return !text.chars().all(|c| ".,-_@:;/|•·–—()+&".contains(c));
    }
    let tall = words_on_line > 1 && w.height * 10 > line_height * 16;
    if alnum > 2 {
        return false;
    }
    if text.chars().all(|c| c.is_ascii_digit()) {
        // Digits are part of numbers, except a logo read as one (a ring read as `8`, a bar as
        // `1`): far taller than the text beside it and doubtful; no digit group of a number is.
        return tall && w.conf < 60.0;
    }
    if tall {
        return true;
    }
    let folded = fold(text);
    if alnum == 1 && text.chars().count() == 1 {
        // A lone letter is a label (`T 030…`) or a logo read as a letter (`A`, `q`, `o`).
        return !matches!(text, "T" | "M" | "F" | "E" | "W" | "P" | "X");
    }
    let known = label_kind(&folded).is_some()
        || lexicon::HONORIFICS.binary_search(&folded.as_str()).is_ok()
        || lexicon::PARTICLES.binary_search(&folded.as_str()).is_ok();
    !known && w.conf < if alnum == 1 { 75.0 } else { 60.0 }
}

/// Whether word `i` of a line (sorted left to right) is a short piece of an address rather
/// than an ornament: no taller than the text, letters or a dot, and right beside (closer than
/// the text height) a word with an `@`.
fn beside_address(line: &[&Word], i: usize, h: i32) -> bool {
    let w = line[i];
    let text = w.text.trim();
    let shape = w.height * 10 <= h * 16
        && text.chars().any(|c| c.is_alphanumeric())
        && text.chars().all(|c| c.is_alphanumeric() || c == '.');
    let near = |a: &Word, b: &Word| b.left - (a.left + a.width) <= h;
    let before = i
        .checked_sub(1)
        .and_then(|p| line.get(p))
        .is_some_and(|p| p.text.contains('@') && near(p, w));
    let after = line
        .get(i + 1)
        .is_some_and(|n| n.text.contains('@') && near(w, n));
    shape && (before || after)
}

/// Group words into segments: by OCR line, split at wide gaps and separator marks.
fn segments(words: &[Word]) -> Vec<Seg> {
    let mut by_id: std::collections::BTreeMap<u32, Vec<&Word>> = Default::default();
    for w in words {
        if !w.text.trim().is_empty() && w.width >= 0 && w.height > 0 {
            by_id.entry(w.line).or_default().push(w);
        }
    }
    let lines = merge_lines(by_id.into_values().collect());
    let columns = column_starts(&lines);
    let mut segs = Vec::new();
    for mut line in lines {
        line.sort_by_key(|w| (w.left, w.top));
        let mut heights: Vec<i32> = line.iter().map(|w| w.height).collect();
        heights.sort_unstable();
        let h = heights[heights.len() / 2].max(1);
        // Logos and ornaments come back as one or two doubtful characters, often taller than
        // the text beside them (`oO`, `q`, `@`): they are no part of any field.
        // A short piece beside an address is part of it (`o harrison@`, `kompas .nl`).
        let keep: Vec<bool> = (0..line.len())
            .map(|i| !is_ornament(line[i], h, heights.len()) || beside_address(&line, i, h))
            .collect();
        let mut keep = keep.into_iter();
        line.retain(|_| keep.next().unwrap_or(true));
        if line.is_empty() {
            continue;
        }
        let mut current: Vec<&Word> = Vec::new();
        for (i, &w) in line.iter().enumerate() {
            let gap = current
                .last()
                .map(|p| w.left - (p.left + p.width))
                .unwrap_or(0);
            if is_separator(w.text.trim()) && !is_bar_of_address(&line, i) {
                if !current.is_empty() {
                    segs.push(Seg::new(&current));
                    current.clear();
                }
                continue;
            }
            let column = gap > h && columns.iter().any(|c| (w.left - c).abs() <= COLUMN_SLACK);
            if !current.is_empty() && (gap > h * 5 / 2 || column) {
                segs.push(Seg::new(&current));
                current.clear();
            }
            current.push(w);
        }
        if !current.is_empty() {
            segs.push(Seg::new(&current));
        }
    }
    segs.sort_by_key(|s| (s.top, s.left));
    segs
}

/// How far (pixels) the left edges of words may differ and still start the same column.
const COLUMN_SLACK: i32 = 12;

/// Left edges where a second column starts: an x at which three lines or more have a word
/// begin (the first word of a line, or one after a gap wider than the text height), and at
/// which at least one line has a word after such a gap. Two-column cards often leave less than
/// the gap that splits a line by itself between their columns.
fn column_starts(lines: &[Vec<&Word>]) -> Vec<i32> {
    let mut starts: Vec<(i32, bool)> = Vec::new();
    for line in lines {
        let mut sorted: Vec<&&Word> = line.iter().collect();
        sorted.sort_by_key(|w| w.left);
        if let Some(first) = sorted.first() {
            starts.push((first.left, false));
        }
        for pair in sorted.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let h = a.height.max(b.height).max(1);
            if b.left - (a.left + a.width) > h {
                starts.push((b.left, true));
            }
        }
    }
    starts.sort_unstable();
    let mut columns = Vec::new();
    let mut i = 0;
    while i < starts.len() {
        let mut j = i;
        while j + 1 < starts.len() && starts[j + 1].0 - starts[i].0 <= 2 * COLUMN_SLACK {
            j += 1;
        }
        if j + 1 - i >= 3 && starts[i..=j].iter().any(|(_, after_gap)| *after_gap) {
            columns.push(starts[(i + j) / 2].0);
        }
        i = j + 1;
    }
    columns
}

/// Join OCR lines that lie on one text line. Tesseract's sparse-text mode often returns a
/// label and its value (`T` | `030 123 4567`), or `dr.` and the name, as lines of their own;
/// lines that overlap vertically by 60 % of the smaller one and are of similar height are one
/// line (columns are split again by their gap in [`segments`]).
fn merge_lines(lines: Vec<Vec<&Word>>) -> Vec<Vec<&Word>> {
    let span = |l: &[&Word]| {
        let top = l.iter().map(|w| w.top).min().unwrap_or(0);
        let bottom = l.iter().map(|w| w.top + w.height).max().unwrap_or(0);
        let mut hs: Vec<i32> = l.iter().map(|w| w.height).collect();
        hs.sort_unstable();
        (
            top,
            bottom,
            hs.get(hs.len() / 2).copied().unwrap_or(1).max(1),
        )
    };
    let mut lines = lines;
    lines.sort_by_key(|l| span(l).0);
    let mut merged: Vec<Vec<&Word>> = Vec::new();
    for line in lines {
        let (top, bottom, h) = span(&line);
        let target = merged.iter_mut().rev().find(|m| {
            let (mt, mb, mh) = span(m);
            let overlap = bottom.min(mb) - top.max(mt);
            overlap * 10 >= h.min(mh) * 6 && h.max(mh) * 10 <= h.min(mh) * 16
        });
        match target {
            Some(m) => m.extend(line),
            None => merged.push(line),
        }
    }
    merged
}

/// The segment right above `i` in the same column, if it is close.
fn above(segs: &[Seg], i: usize) -> Option<usize> {
    let me = &segs[i];
    segs.iter()
        .enumerate()
        .filter(|(j, s)| {
            *j != i
                && s.bottom <= me.top + me.height / 2
                && me.top - s.bottom < 2 * me.height.max(s.height)
                && s.left < me.right
                && me.left < s.right
        })
        .max_by_key(|(_, s)| s.bottom)
        .map(|(j, _)| j)
}

// ---------------------------------------------------------------------------------------------
// Labels

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Phone(PhoneKind),
    Email,
    Web,
    Registry,
    Address,
    Social,
}

fn label_kind(folded: &str) -> Option<Label> {
    let w = folded.trim_end_matches([':', '.']);
    Some(match w {
        "t" | "tel" | "telefoon" | "telephone" | "phone" | "ph" | "p" | "office" | "kantoor"
        | "vast" | "direct" | "telefoonnummer" | "tel.nr" | "telnr" | "work" | "werk" => {
            Label::Phone(PhoneKind::Work)
        }
        "m" | "mob" | "mobiel" | "mobile" | "cell" | "gsm" | "mobielnummer" => {
            Label::Phone(PhoneKind::Mobile)
        }
        "f" | "fax" => Label::Phone(PhoneKind::Fax),
        "e" | "e-mail" | "email" | "mail" => Label::Email,
        "w" | "web" | "website" | "i" | "internet" | "site" => Label::Web,
        "kvk" | "k.v.k" | "kvk-nummer" | "kvk-nr" | "kvknr" | "btw" | "btw-nr" | "btw-nummer"
        | "btw-id" | "btwnr" | "vat" | "iban" | "bic" | "swift" | "coc" | "rsin" | "ust-idnr"
        | "reg" | "handelsregister" => Label::Registry,
        "a" | "adres" | "address" | "bezoekadres" | "postadres" | "visiting" => Label::Address,
        "linkedin" | "twitter" | "x" | "instagram" | "ig" | "insta" | "facebook" | "fb"
        | "tiktok" | "mastodon" | "bluesky" | "github" => Label::Social,
        _ => return None,
    })
}

/// The label a token is, if it is one. A single letter counts only with a colon or dot, or
/// right before the kind of value it labels, so that the `a` of a sentence is no label.
fn token_label(toks: &[Tok], i: usize) -> Option<Label> {
    let tok = &toks[i];
    let folded = fold(&tok.text);
    let kind = label_kind(&folded)?;
    let bare = folded.trim_end_matches([':', '.']);
    let marked = folded.len() > bare.len();
    if bare.chars().count() > 1 || marked {
        return Some(kind);
    }
    let next = toks.get(i + 1).map(|t| t.text.as_str()).unwrap_or("");
    let fits = match kind {
        Label::Phone(_) => next.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '('),
        Label::Email => next.contains('@'),
        Label::Web => next.to_ascii_lowercase().starts_with("www") || next.starts_with("http"),
        Label::Social => next.starts_with('@'),
        _ => false,
    };
    fits.then_some(kind)
}

// ---------------------------------------------------------------------------------------------
// E-mail, URLs, handles

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[a-z0-9][a-z0-9._%+\-]*@[a-z0-9][a-z0-9\-]*(\.[a-z0-9\-]+)*\.[a-z]{2,24}$")
        .expect("the e-mail pattern is valid")
});

/// Repair what OCR breaks in an e-mail address; `None` when it is no address after all.
fn repair_email(joined: &str) -> Option<String> {
    let mut s = joined
        .replace("(at)", "@")
        .replace("[at]", "@")
        .replace(['©', '®'], "@")
        .replace(',', ".");
    for prefix in ["e-mail:", "email:", "mail:", "e:"] {
        if s.len() > prefix.len()
            && s.get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
        {
            s = s[prefix.len()..].to_string();
        }
    }
    // A lower-case `l` read as `|`: at the head of the local part only where a dot follows
    // (`|.wolters@` is `l.wolters@`; a glued separator, `|jan@`, is trimmed below), and
    // between letters, digits or dots inside it.
    let s = match s.split_once('@') {
        Some((local, domain)) if local.contains('|') => {
            format!("{}@{domain}", bar_as_l(local))
        }
        _ => s,
    };
    let s = s.trim_matches(|c: char| !c.is_alphanumeric());
    let (local, domain) = s.split_once('@')?;
    let local: String = fold(local)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "._%+-".contains(*c))
        .collect();
    let domain = repair_domain(domain)?;
    let email = format!("{local}@{domain}");
    EMAIL.is_match(&email).then_some(email)
}

/// `|` as the `l` it stands for in a local part: before a dot, or between letters, digits and
/// dots; elsewhere (a separator) it is left to be trimmed.
fn bar_as_l(local: &str) -> String {
    let chars: Vec<char> = local.chars().collect();
    let inner = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || *c == '.');
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let prev = i.checked_sub(1).and_then(|p| chars.get(p));
            let next = chars.get(i + 1);
            let l = c == '|' && (next == Some(&'.') || (inner(prev) && inner(next)));
            if l {
                'l'
            } else {
                c
            }
        })
        .collect()
}

/// Lower-case a host, swap digits OCR put between letters back (`v0orbeeld`), mend the TLD.
fn repair_domain(domain: &str) -> Option<String> {
    let folded = fold(domain);
    let chars: Vec<char> = folded
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-' || *c == '|')
        .collect();
    let mut out = String::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let letters = prev.is_some_and(|p| p.is_ascii_alphabetic())
            && next.is_some_and(|n| n.is_ascii_alphabetic());
        out.push(match c {
            '0' if letters => 'o',
            '1' if letters => 'l',
            '|' => 'l',
            _ => c,
        });
    }
    while out.contains("..") {
        out = out.replace("..", ".");
    }
    let out = out.trim_matches(['.', '-']);
    let (host, tld) = out.rsplit_once('.')?;
    let tld = match tld {
        "n1" | "ni" | "nll" | "n" => "nl",
        "corn" | "c0m" | "con" | "cm" | "co1n" => "com",
        "0rg" | "orq" => "org",
        "b e" => "be",
        t => t,
    };
    if host.is_empty() || !tld.chars().all(|c| c.is_ascii_alphabetic()) || tld.len() < 2 {
        return None;
    }
    Some(format!("{host}.{tld}"))
}

/// A token that continues into the next one (`jan.`, `jan@`); a lone dash is a separator.
fn ends_joinable(s: &str) -> bool {
    s == "@" || s == "." || (s.len() > 1 && s.ends_with(['.', '@', '-', '_']))
}

/// A token that continues the previous one (`.nl`, `@voorbeeld.nl`).
fn starts_joinable(s: &str) -> bool {
    s == "@" || s == "." || (s.len() > 1 && s.starts_with(['.', '@', '_']))
}

/// The head of a local part that OCR split off at its dot and read the dot as a comma:
/// lower-case letters (digits, `.`, `-`, `_` inside) and a trailing `,`.
fn is_local_head(s: &str) -> bool {
    let Some(head) = s.strip_suffix(',') else {
        return false;
    };
    head.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && head
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c))
}

/// A piece of a host OCR split off at a space (`look.`, `com`, `Look.`: OCR capitalises
/// such a piece at times): letters, digits, dots and dashes, at most a TLD-and-label's
/// length. Kept only where it completes an address.
fn is_domain_piece(s: &str) -> bool {
    (1..=30).contains(&s.len())
        && s.chars().any(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

fn looks_like_tld(s: &str) -> bool {
    let f = fold(s.trim_end_matches(['.', ',', ';']));
    matches!(
        f.as_str(),
        "nl" | "n1" | "com" | "corn" | "be" | "de" | "org" | "net" | "eu" | "uk" | "io"
    )
}

/// The lines of a card that could be a person's name: the evidence the e-mail repairs need.
struct NameLines {
    /// The words of each such line (letters only, no `@`, no digits), folded.
    words: Vec<Vec<String>>,
    /// The local parts those names are commonly given ([`agree::local_parts_of`]), longest
    /// first.
    spelled: Vec<String>,
}

impl NameLines {
    fn of(segs: &[Seg]) -> NameLines {
        let words: Vec<Vec<String>> = segs
            .iter()
            .filter(|s| !s.text.contains('@') && !s.text.chars().any(|c| c.is_ascii_digit()))
            .map(|s| {
                fold(&s.text)
                    .split(|c: char| !c.is_alphabetic())
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .filter(|words| (2..=6).contains(&words.len()))
            .collect();
        let mut spelled: Vec<String> = words
            .iter()
            .flat_map(|w| agree::local_parts_of(&w.join(" ")))
            .collect();
        spelled.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        spelled.dedup();
        NameLines { words, spelled }
    }
}

/// Whether `head` and `local` are the two parts of a local part whose dot OCR read as a space
/// (`inge vandermeer@…`, `l wolters@…`): only when a line of the card spells the same name,
/// `head` being its first word (or that word's initial) and `local` the rest run together
/// (`Inge van der Meer`), or nearly: one letter apart in five or more. Without that evidence
/// the word before an address stays out of it (`contact jan@…`).
fn spaced_head(head: &str, local: &str, names: &[Vec<String>]) -> bool {
    // `|` for the `l` of an initial (`E | green@` for `E l.green@`).
    let head = if head == "|" {
        "l".to_owned()
    } else {
        fold(head)
    };
    if head.is_empty() || !head.chars().all(|c| c.is_ascii_lowercase()) || local.is_empty() {
        return false;
    }
    names.iter().any(|words| {
        let first = &words[0];
        let rest: String = words[1..].concat();
        let head_fits = *first == head || (head.len() == 1 && first.starts_with(head.as_str()));
        // The rest may carry one slip of its own (`sophie willitams@`): `agree` mends it.
        let slip = local.len() >= 5 && strsim::levenshtein(&rest, local) == 1;
        head_fits && (rest == local || slip)
    })
}

/// An address after an e-mail label whose `@` OCR read as a letter
/// (`E rachel.wrighteblueharbour.com`): a local part that a name line of the card spells, one
/// glyph OCR makes of an `@` (`e`, `©`, `&`, `Q`), then a host. Without a name that spells
/// the local part no `@` is guessed.
fn lost_at(token: &str, names: &NameLines) -> Option<String> {
    let folded = fold(token);
    if folded.contains(['@', '/']) || folded.starts_with("www") {
        return None;
    }
    // The longest first: `rachel.wright` before `rachel`.
    names.spelled.iter().find_map(|local| {
        let rest = folded.strip_prefix(local.as_str())?;
        let mut chars = rest.chars();
        let glyph = chars.next()?;
        let host = chars.as_str();
        if !matches!(glyph, 'e' | '©' | '&' | 'q') || !host.contains('.') || host.starts_with('.')
        {
            return None;
        }
        repair_email(&format!("{local}@{host}"))
    })
}

/// `l.` read as a capital `L` (`Ldejong@` for `l.dejong@`: the dot sits at the foot of the
/// `l`), where a name line of the card spells the address with `l.`. An address is written in
/// lower case, so the capital is OCR's; without a name that vouches for the dot it stays
/// `ldejong@`.
fn capital_l_as_l_dot(joined: &str, names: &NameLines) -> Option<String> {
    let rest = joined.strip_prefix('L')?;
    let (local, _) = rest.split_once('@')?;
    if !local.starts_with(|c: char| c.is_ascii_lowercase()) {
        return None;
    }
    let dotted = format!("l.{}", fold(local));
    names.spelled.contains(&dotted).then(|| format!("l.{rest}"))
}

/// How many of the tokens just before an address's local part (one or two) belong to it: the
/// pieces OCR cut a local part into (`ahmed.` `yi` | `lmaz`), joined without spaces, spell an
/// address a name line of the card gives (`Ahmed Yilmaz` → `ahmed.yilmaz`), and the pieces
/// hold the separator between the names.
fn split_local(before: &[Tok], local: &str, names: &NameLines) -> Option<usize> {
    (1..=2.min(before.len())).find(|&k| {
        let pieces = &before[before.len() - k..];
        let head: String = pieces.iter().map(|t| fold(&t.text)).collect();
        // Only where the pieces already hold the separator between the names, so that every
        // space is inside a name (`ahmed. yi`): a space between the names (`inge meer@`) may
        // have been a dot, and which is not for this rule to guess.
        head.contains(['.', '_', '-'])
            && pieces.iter().all(|t| {
                t.text
                    .chars()
                    .all(|c| c.is_alphanumeric() || ".-_".contains(c))
            })
            && names.spelled.contains(&format!("{head}{local}"))
    })
}

/// The dot between a second-level label and the country read as a space (`fairview.co uk`):
/// a host ending in one of these labels, then one of these countries.
fn is_split_country(host: &str, next: &str) -> bool {
    let last = host.rsplit('.').next().unwrap_or(host);
    matches!(last, "co" | "ac" | "org" | "gov" | "com" | "net")
        && matches!(next, "uk" | "au" | "nz" | "za")
}

/// Take the e-mail addresses of a segment into `card.emails`; `sure` gets how surely OCR read
/// each one (mean word confidence), aligned with `card.emails`.
fn take_emails(seg: &mut Seg, names: &NameLines, card: &mut Card, sure: &mut Vec<f32>) {
    let toks = seg.tokens();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i].text;
        let at = t.contains('@') || t.contains("(at)") || t.contains("[at]") || t.contains('©');
        if !at {
            // (`E` alone counts: the label of an address whose `@` is lost.)
            let labelled = i > 0 && label_kind(&fold(&toks[i - 1].text)) == Some(Label::Email);
            if let Some(email) = labelled.then(|| lost_at(t, names)).flatten() {
                let (start, end) = (toks[i].start, toks[i].end);
                let read = seg.conf(start, end);
                seg.mark(start, end);
                if !card.emails.iter().any(|e| e.value == email) {
                    sure.push(read);
                    card.emails.push(Field {
                        value: email,
                        confidence: round(0.75 * ocr_factor(read)),
                    });
                }
            }
            i += 1;
            continue;
        }
        // A bare handle (`@janvdberg`) is no address: leave it for the handles.
        if t.starts_with('@') && t.len() > 1 && !t[1..].contains('.') {
            let prev_ok = i > 0 && ends_joinable(&toks[i - 1].text);
            if !prev_ok {
                i += 1;
                continue;
            }
        }
        let (mut a, mut b) = (i, i);
        if (starts_joinable(t) || t == "@") && a > 0 && token_label(&toks, a - 1).is_none() {
            a -= 1;
        }
        while a > 0
            && (starts_joinable(&toks[a].text) || ends_joinable(&toks[a - 1].text))
            && token_label(&toks, a - 1).is_none()
        {
            a -= 1;
        }
        while b + 1 < toks.len()
            && (ends_joinable(&toks[b].text)
                || starts_joinable(&toks[b + 1].text)
                || (toks[b].text.ends_with('.') && looks_like_tld(&toks[b + 1].text)))
        {
            b += 1;
        }
        // OCR read the dot after the first part of the local part as a comma and split
        // there (`hannah, fitzgerald@…`): a lower-case word ending in `,` right before the
        // address is that part. A capitalised one is prose (`Jansen, jan@…`).
        if a > 0
            && toks[a].text.contains('@')
            && is_local_head(&toks[a - 1].text)
            && token_label(&toks, a - 1).is_none()
        {
            a -= 1;
        }
        let mut joined: String = toks[a..=b].iter().map(|t| t.text.as_str()).collect();
        if let Some(mended) = capital_l_as_l_dot(&joined, names) {
            joined = mended;
        }
        // The dot of the local part read as a space, where a name line vouches for it.
        if a > 0 && token_label(&toks, a - 1).is_none() {
            if let Some((local, _)) = joined.split_once('@') {
                if spaced_head(&toks[a - 1].text, &fold(local), &names.words) {
                    joined = format!("{}.{joined}", toks[a - 1].text);
                    a -= 1;
                } else if let Some(k) = split_local(&toks[..a], &fold(local), names) {
                    // A local part OCR cut into pieces (`ahmed. yi lmaz@`): joined where
                    // it then spells a name line's address (`ahmed.yilmaz`).
                    let head: String = toks[a - k..a].iter().map(|t| t.text.as_str()).collect();
                    joined = format!("{head}{joined}");
                    a -= k;
                }
            }
        }
        let mut found = repair_email(&joined);
        if found.is_none() && joined.contains('@') {
            // OCR put a space inside the domain (`jan@out look. com`): take up to two more
            // domain-shaped tokens, and keep them only if they complete an address.
            for next in b + 1..(b + 3).min(toks.len()) {
                if !is_domain_piece(&toks[next].text) || token_label(&toks, next).is_some() {
                    break;
                }
                let longer: String = toks[a..=next].iter().map(|t| t.text.as_str()).collect();
                if let Some(email) = repair_email(&longer) {
                    (b, joined, found) = (next, longer, Some(email));
                    break;
                }
                // The dots before the last labels read as spaces (`jan@ziggo nl`,
                // `l.green@evergreen co uk`).
                let piece = &toks[next].text;
                let pieces: Vec<&str> =
                    toks[b + 1..=next].iter().map(|t| t.text.as_str()).collect();
                if looks_like_tld(piece)
                    && pieces
                        .iter()
                        .all(|p| !p.starts_with('.') && !p.ends_with('.'))
                    && !joined.ends_with('.')
                {
                    let dotted = format!("{joined}.{}", pieces.join("."));
                    if let Some(email) = repair_email(&dotted) {
                        (b, joined, found) = (next, dotted, Some(email));
                        break;
                    }
                }
            }
        }
        if let Some(email) = &found {
            let next = toks.get(b + 1).map(|t| fold(&t.text)).unwrap_or_default();
            let host = email.split_once('@').map(|(_, d)| d).unwrap_or("");
            if is_split_country(host, &next) && token_label(&toks, b + 1).is_none() {
                let dotted = format!("{}.{next}", joined.trim_end_matches('.'));
                if let Some(longer) = repair_email(&dotted) {
                    (b, joined, found) = (b + 1, dotted, Some(longer));
                }
            }
        }
        if let Some(email) = found {
            let (start, end) = (toks[a].start, toks[b].end);
            let repaired =
                a != b || fold(&joined).trim_matches(|c: char| !c.is_alphanumeric()) != email;
            let rule = if repaired { 0.85 } else { 0.95 };
            let read = seg.conf(start, end);
            let confidence = rule * ocr_factor(read);
            seg.mark(start, end);
            if !card.emails.iter().any(|e| e.value == email) {
                sure.push(read);
                card.emails.push(Field {
                    value: email,
                    confidence: round(confidence),
                });
            }
            i = b + 1;
        } else {
            i += 1;
        }
    }
}

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(https?://)?([a-z0-9][a-z0-9\-]*\.)+[a-z]{2,24}(/[^\s]*)?$")
        .expect("the URL pattern is valid")
});

/// TLDs a bare host (without `www.` or a scheme) must end in to count as a website.
const KNOWN_TLDS: &[&str] = &[
    "app", "be", "biz", "co", "com", "de", "dev", "eu", "fr", "frl", "info", "io", "net", "nl",
    "nu", "online", "org", "uk",
];

const SOCIAL_HOSTS: &[(&str, &str)] = &[
    ("linkedin.com", "linkedin"),
    ("twitter.com", "twitter"),
    ("x.com", "twitter"),
    ("instagram.com", "instagram"),
    ("facebook.com", "facebook"),
    ("github.com", "github"),
    ("youtube.com", "youtube"),
    ("tiktok.com", "tiktok"),
];

/// Repair and recognise a URL; `(value, is_explicit)` where explicit means `www.` or a scheme.
fn repair_url(joined: &str) -> Option<(String, bool)> {
    let mut s =
        fold(joined.trim_matches(|c: char| matches!(c, '(' | ')' | '<' | '>' | ',' | ';' | '"')));
    for (bad, good) in [
        ("http//", "http://"),
        ("https//", "https://"),
        ("http:/", "http://"),
        ("https:/", "https://"),
        ("wwww.", "www."),
        ("vvww.", "www."),
        ("wvvw.", "www."),
        ("vvvvw.", "www."),
        ("www,", "www."),
        ("ww.", "www."),
    ] {
        if s.starts_with(bad) && !s.starts_with(good) {
            s = format!("{good}{}", &s[bad.len()..]);
        }
        if let Some(rest) = s
            .strip_prefix("http://")
            .or_else(|| s.strip_prefix("https://"))
        {
            if rest.starts_with(bad) && !rest.starts_with(good) && bad.starts_with('w') {
                let scheme = &s[..s.len() - rest.len()];
                s = format!("{scheme}{good}{}", &rest[bad.len()..]);
            }
        }
    }
    let s = s
        .trim_end_matches(['.', '/', ',', ';', ':'])
        .replace(',', ".");
    let explicit = s.starts_with("http") || s.starts_with("www.");
    let (scheme, rest) = match s.find("://") {
        Some(p) => (&s[..p + 3], &s[p + 3..]),
        None => ("", s.as_str()),
    };
    let (host, path) = match rest.find('/') {
        Some(p) => (&rest[..p], &rest[p..]),
        None => (rest, ""),
    };
    let host = repair_domain(host)?;
    let url = format!("{scheme}{host}{path}");
    if !URL.is_match(&url) {
        return None;
    }
    let tld = host.rsplit('.').next().unwrap_or("");
    if !explicit && KNOWN_TLDS.binary_search(&tld).is_err() {
        return None;
    }
    Some((url, explicit))
}

fn take_urls(seg: &mut Seg, card: &mut Card) {
    let toks = seg.tokens();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i].text;
        if t.contains('@') || !t.contains(['.', ',']) || token_label(&toks, i).is_some() {
            i += 1;
            continue;
        }
        let mut b = i;
        while b + 1 < toks.len()
            && (ends_joinable(&toks[b].text) || starts_joinable(&toks[b + 1].text))
            && !toks[b + 1].text.contains('@')
        {
            b += 1;
        }
        let joined: String = toks[i..=b].iter().map(|t| t.text.as_str()).collect();
        // `B.V.`, `J.P.`, `Ltd.`: dotted abbreviations are no hosts.
        let letters = joined.chars().filter(|c| c.is_alphabetic()).count();
        let Some((url, explicit)) = (letters >= 4).then(|| repair_url(&joined)).flatten() else {
            i += 1;
            continue;
        };
        let (start, end) = (toks[i].start, toks[b].end);
        let conf = seg.conf(start, end);
        seg.mark(start, end);
        let bare = url
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_start_matches("www.")
            .to_string();
        let social = SOCIAL_HOSTS
            .iter()
            .find(|(host, _)| bare.starts_with(host) && bare.len() > host.len() + 1);
        if let Some((_, service)) = social {
            push_social(
                card,
                bare,
                Some(service.to_string()),
                round(0.9 * ocr_factor(conf)),
            );
        } else if !card.websites.iter().any(|w| w.value == url) {
            let rule = if explicit { 0.9 } else { 0.75 };
            card.websites.push(Field {
                value: url,
                confidence: round(rule * ocr_factor(conf)),
            });
        }
        i = b + 1;
    }
}

fn push_social(card: &mut Card, value: String, service: Option<String>, confidence: f32) {
    if !card.socials.iter().any(|s| s.value == value) {
        card.socials.push(Social {
            value,
            service,
            confidence,
        });
    }
}

fn take_handles(seg: &mut Seg, card: &mut Card) {
    let toks = seg.tokens();
    for (i, tok) in toks.iter().enumerate() {
        let Some(handle) = tok.text.strip_prefix('@') else {
            continue;
        };
        let handle = handle.trim_end_matches(['.', ',', ';']);
        let ok = (2..=30).contains(&handle.len())
            && handle
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        if !ok {
            continue;
        }
        let service = toks[..i].iter().rev().find_map(|t| {
            let f = fold(&t.text);
            let f = f.trim_end_matches([':', '.']);
            match f {
                "twitter" | "x" => Some("twitter"),
                "instagram" | "ig" | "insta" => Some("instagram"),
                "linkedin" => Some("linkedin"),
                "facebook" | "fb" => Some("facebook"),
                "tiktok" => Some("tiktok"),
                "mastodon" => Some("mastodon"),
                "bluesky" => Some("bluesky"),
                "github" => Some("github"),
                _ => None,
            }
        });
        let conf = seg.conf(tok.start, tok.end);
        seg.mark(tok.start, tok.end);
        let rule = if service.is_some() { 0.85 } else { 0.7 };
        push_social(
            card,
            format!("@{}", handle.to_lowercase()),
            service.map(str::to_string),
            round(rule * ocr_factor(conf)),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Registry numbers

static IBAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[A-Z]{2}\d{2}\s?[A-Z]{4}(?:\s?\d{4}){2}\s?\d{2}\b|\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b")
        .expect("the IBAN pattern is valid")
});
static VAT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:NL\s?\d{9}\s?B\s?\d{2}|BE\s?0?\d{3}[.\s]?\d{3}[.\s]?\d{3}|DE\s?\d{9})\b")
        .expect("the VAT pattern is valid")
});

/// Registry labels and what they label: a value runs up to the next label.
fn take_registry(seg: &mut Seg, card: &mut Card) {
    let toks = seg.tokens();
    let labels: Vec<(usize, Label)> = (0..toks.len())
        .filter_map(|i| token_label(&toks, i).map(|l| (i, l)))
        .collect();
    for (n, &(i, label)) in labels.iter().enumerate() {
        if label != Label::Registry {
            continue;
        }
        let stop = labels.get(n + 1).map(|&(j, _)| j).unwrap_or(toks.len());
        // `Chamber of Commerce 1234`, `KvK-nummer: 1234`: skip label words without digits.
        let values: Vec<&Tok> = toks[i + 1..stop]
            .iter()
            .skip_while(|t| !t.text.chars().any(|c| c.is_ascii_digit()))
            .collect();
        let name = toks[i].text.trim_end_matches([':', '.']).to_string();
        let value: String = values
            .iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let end = values.last().map(|t| t.end).unwrap_or(toks[i].end);
        seg.mark(toks[i].start, end);
        if !value.is_empty() {
            card.registry.push((name, value));
        }
    }
    for (re, name) in [(&*IBAN, "IBAN"), (&*VAT, "BTW")] {
        let free = seg.free();
        let found: Vec<(usize, usize)> =
            re.find_iter(&free).map(|m| (m.start(), m.end())).collect();
        for (s, e) in found {
            card.registry
                .push((name.to_string(), free[s..e].to_string()));
            seg.mark(s, e);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Country

fn country_of_tld(host: &str) -> Option<&'static str> {
    let tld = host.rsplit('.').next()?;
    Some(match tld {
        "nl" | "frl" | "amsterdam" => "NL",
        "be" => "BE",
        "de" => "DE",
        "uk" => "GB",
        "fr" => "FR",
        _ => return None,
    })
}

static NL_POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b([1-9][0-9OoIl]{3}) ?([A-Z]{2})\b").expect("the postcode pattern is valid")
});

/// The country the card's evidence points at: printed country names, postcode shapes,
/// international prefixes, mail and web domains, registry labels. Ties and silence go to
/// `default`.
fn choose_country(segs: &[Seg], card: &Card, default: &str) -> String {
    let mut votes: std::collections::BTreeMap<&str, i32> = Default::default();
    for seg in segs {
        let folded = fold(&seg.text);
        for (name, code) in lexicon::COUNTRIES {
            if contains_words(&folded, name) {
                *votes.entry(code).or_default() += 4;
            }
        }
        let free = seg.free();
        if NL_POSTCODE
            .captures_iter(&free)
            .any(|c| !matches!(&c[2], "SA" | "SD" | "SS"))
        {
            *votes.entry("NL").or_default() += 3;
        }
        for tok in free.split_whitespace() {
            if let Some(digits) = tok.strip_prefix('+').or_else(|| tok.strip_prefix("00")) {
                let code: String = digits.chars().take_while(|c| c.is_ascii_digit()).collect();
                let country = match code.get(..2).unwrap_or("") {
                    "31" => Some("NL"),
                    "32" => Some("BE"),
                    "49" => Some("DE"),
                    "44" => Some("GB"),
                    "33" => Some("FR"),
                    _ if code.starts_with('1') && code.len() <= 3 => Some("US"),
                    _ => None,
                };
                if let Some(c) = country {
                    *votes.entry(c).or_default() += 3;
                }
            }
            let f = fold(tok);
            if f.starts_with("b-") && f[2..].chars().take(4).all(|c| c.is_ascii_digit()) {
                *votes.entry("BE").or_default() += 2;
            }
            if f.starts_with("d-") && f.len() >= 7 && f[2..7].chars().all(|c| c.is_ascii_digit()) {
                *votes.entry("DE").or_default() += 2;
            }
        }
        for word in folded.split_whitespace() {
            match word.trim_end_matches([':', '.']) {
                "kvk" | "postbus" | "telefoon" | "mobiel" => *votes.entry("NL").or_default() += 1,
                _ => {}
            }
        }
    }
    for host in card
        .emails
        .iter()
        .filter_map(|e| e.value.split_once('@').map(|(_, d)| d.to_string()))
        .chain(card.websites.iter().map(|w| w.value.clone()))
    {
        if let Some(c) = country_of_tld(&host) {
            *votes.entry(c).or_default() += 2;
        }
    }
    for (name, value) in &card.registry {
        if fold(name) == "btw" || fold(name) == "vat" || fold(name) == "iban" {
            let code = value.get(..2).unwrap_or("");
            let c = match code {
                "NL" => Some("NL"),
                "BE" => Some("BE"),
                "DE" => Some("DE"),
                "GB" => Some("GB"),
                "FR" => Some("FR"),
                _ => None,
            };
            if let Some(c) = c {
                *votes.entry(c).or_default() += 2;
            }
        }
    }
    let default = default.to_ascii_uppercase();
    let best = votes.values().copied().max().unwrap_or(0);
    if best == 0 || votes.get(default.as_str()) == Some(&best) {
        return default;
    }
    votes
        .into_iter()
        .find(|(_, v)| *v == best)
        .map(|(c, _)| c.to_string())
        .unwrap_or(default)
}

fn contains_words(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(i, _)| {
        let before = haystack[..i].chars().next_back();
        let after = haystack[i + needle.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric()) && !after.is_some_and(|c| c.is_alphanumeric())
    })
}

// ---------------------------------------------------------------------------------------------
// Phones

/// A character OCR gives for a digit, mapped back; `None` for characters phones do not hold.
fn phone_char(c: char) -> Option<char> {
    match c {
        '0'..='9' | '+' => Some(c),
        'O' | 'o' | 'Q' => Some('0'),
        'I' | 'l' | '|' => Some('1'),
        _ => None,
    }
}

fn is_phone_token(t: &str) -> bool {
    let mut digits = 0;
    let mut confusable = 0;
    let chars: Vec<char> = t.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let between_digits =
            prev.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit());
        match c {
            '0'..='9' => digits += 1,
            '+' | '(' | ')' | '-' | '.' | '/' | '–' => {}
            // A space between digit groups read as a mark (`750'95:73`): noise the parser
            // drops, like the dashes. A colon only where it makes no clock time (`09:00`).
            '\'' | '’' if between_digits => {}
            ':' if between_digits && !is_clock_time(&chars, i) => {}
            // `(035),`: a comma after the area code's bracket; `7577,` at the end of a token
            // ends the number there (the run stops after it: `Postbus 16200, 3500 CE`).
            ',' if prev == Some(')') || next.is_none() => {}
            c if phone_char(c).is_some() => confusable += 1,
            _ => return false,
        }
    }
    digits > 0 && confusable <= 1
}

/// Whether the colon at `i` sits in a clock time: one or two digits up to 24 before it, two
/// digits up to 59 after.
fn is_clock_time(chars: &[char], i: usize) -> bool {
    let number = |cs: &[char]| -> Option<u32> { cs.iter().collect::<String>().parse().ok() };
    let before = chars[..i]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let after = chars[i + 1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let hours = number(&chars[i - before.min(2)..i]);
    let minutes = number(&chars[i + 1..i + 1 + after.min(2)]);
    before <= 2 && after == 2 && hours.is_some_and(|h| h <= 24) && minutes.is_some_and(|m| m <= 59)
}

/// Where the number starts in a token that begins with a phone label OCR glued to it and
/// misread (`T:` as `1`, `12`, `l` or `I`): the byte offset of the national `0` after one or
/// two such characters. Only tried when the token as read is no number.
fn glued_label_cut(t: &str) -> Option<usize> {
    let b = t.as_bytes();
    (1..=2).find(|&n| {
        b.len() >= n + 2
            && b[n] == b'0'
            && b[n + 1].is_ascii_digit()
            && b[n + 1] != b'0'
            && b[..n].iter().all(|c| b"1lIT2:|7".contains(c))
    })
}

/// A phone label OCR read glued to its number (`T071-737`, `F070`, `Tel.0612…`, `M+31`): its
/// kind and the byte offset where the number starts. Only before a national `0`, a `+` or a
/// `(`, and only when the rest is a number token, so that `M1 1AE` (a Manchester postcode)
/// and words with digits stay as they are.
fn glued_phone_label(t: &str) -> Option<(PhoneKind, usize)> {
    let cut = t.find(|c: char| c.is_ascii_digit() || c == '+' || c == '(')?;
    if cut == 0 {
        return None;
    }
    let Label::Phone(kind) = label_kind(&fold(&t[..cut]))? else {
        return None;
    };
    let rest = &t[cut..];
    let b = rest.as_bytes();
    let second = b.get(1).copied().unwrap_or(b' ');
    let starts = match b[0] {
        b'0' => second.is_ascii_digit(),
        b'+' => second.is_ascii_digit() && second != b'0',
        _ => second == b'0' || second == b'+',
    };
    (starts && is_phone_token(rest)).then_some((kind, cut))
}

/// Parse what is printed as a phone number in `country`; E.164 when it is a valid number.
fn parse_phone(written: &str, country: &str) -> Option<(String, phonenumber::Type)> {
    let mut s = written.replace("(0)", "");
    if let Some(rest) = s.strip_prefix("00") {
        s = format!("+{rest}");
    }
    let digits: String = s.chars().filter_map(phone_char).collect();
    let count = digits.chars().filter(|c| c.is_ascii_digit()).count();
    if !(8..=15).contains(&count) || digits[1..].contains('+') {
        return None;
    }
    let id: Option<CountryId> = country.parse().ok();
    let number = phonenumber::parse(id, &digits).ok()?;
    if !number.is_valid() {
        return None;
    }
    let kind = number.number_type(&phonenumber::metadata::DATABASE);
    Some((
        number.format().mode(phonenumber::Mode::E164).to_string(),
        kind,
    ))
}

fn take_phones(seg: &mut Seg, card: &mut Card) {
    let toks = seg.tokens();
    let mut i = 0;
    let mut last_label: Option<(usize, Label)> = None;
    while i < toks.len() {
        if let Some(l) = token_label(&toks, i) {
            last_label = Some((i, l));
            i += 1;
            continue;
        }
        // A label glued to the number: its kind, and where the number starts in the token.
        let mut glued_label = None;
        let mut head = 0;
        if !is_phone_token(&toks[i].text) {
            let Some((kind, cut)) = glued_phone_label(&toks[i].text) else {
                i += 1;
                continue;
            };
            (glued_label, head) = (Some(kind), cut);
        }
        // The run of number tokens; a lone `-` or `/` between two of them belongs to it.
        let mut end = i;
        loop {
            if toks[end].text.ends_with(',') && !toks[end].text.ends_with("),") {
                break;
            }
            let next = end + 1;
            if next < toks.len()
                && is_phone_token(&toks[next].text)
                && token_label(&toks, next).is_none()
            {
                end = next;
            } else if next + 1 < toks.len()
                && matches!(toks[next].text.as_str(), "-" | "/" | "–")
                && is_phone_token(&toks[next + 1].text)
            {
                end = next + 1;
            } else {
                break;
            }
        }
        // The longest prefix of the run that is a valid number; the rest may be a second one.
        // The text of tokens `i..=k`, without the first `cut` bytes of the first.
        let written = |k: usize, cut: usize| {
            let mut parts: Vec<&str> = toks[i..=k].iter().map(|t| t.text.as_str()).collect();
            parts[0] = &parts[0][cut..];
            parts.join(" ")
        };
        let parse = |cut: usize| {
            (i..=end).rev().find_map(|k| {
                let written = written(k, cut);
                parse_phone(&written, &card.country).map(|parsed| (k, written, parsed))
            })
        };
        let mut found = parse(head);
        // OCR read the label glued to the number and misread it (`T: 030…` as `1030…` or
        // `12030…`): when nothing parses, drop one or two label-shaped characters before a
        // national `0`.
        let mut glued = false;
        if found.is_none() && head == 0 {
            if let Some(cut) = glued_label_cut(&toks[i].text) {
                found = parse(cut);
                glued = found.is_some();
            }
        }
        let Some((k, written, (value, number_type))) = found else {
            // No number starts here; one may start further on (`1 +31 50 270 8227`: a stray
            // `1` OCR put before it).
            i += 1;
            continue;
        };
        let label = match last_label {
            Some((j, Label::Phone(kind))) if j + 1 == i => Some(kind),
            _ => glued_label,
        };
        let kind = match (label, number_type) {
            (Some(PhoneKind::Fax), _) => PhoneKind::Fax,
            (_, phonenumber::Type::Mobile) => PhoneKind::Mobile,
            (Some(kind), _) => kind,
            (None, _) => PhoneKind::Work,
        };
        let (start, stop) = (toks[i].start, toks[k].end);
        let rule = match (glued, label.is_some()) {
            (true, _) => 0.75,
            (false, true) => 0.95,
            (false, false) => 0.85,
        };
        let confidence = round(rule * ocr_factor(seg.conf(start, stop)));
        seg.mark(start, stop);
        if !card.phones.iter().any(|p| p.value == value) {
            card.phones.push(Phone {
                value,
                written: written.trim().to_string(),
                kind,
                confidence,
            });
        }
        last_label = None;
        i = k + 1;
    }
}

// ---------------------------------------------------------------------------------------------
// Addresses

static STREET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\p{L}[\p{L}'.\- ]*?\p{L}\.?)\s+(\d{1,5}(?:\s?[-/]\s?\d{1,5})?(?:\s?[a-zA-Z]{1,3}\b)?(?:\s?-?\s?(?:bis|hs|I{1,3}))?)$")
        .expect("the street pattern is valid")
});
static STREET_EN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,5}[A-Za-z]?)\s+(\p{L}[\p{L}'.\- ]*\p{L}\.?)$")
        .expect("the street pattern is valid")
});
static US_CITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\p{Lu}[\p{L}.'\- ]*?),?\s+([A-Z]{2})\s+(\d{5}(?:-\d{4})?)$")
        .expect("the US city pattern is valid")
});
static PO_BOX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(postbus|p\.?\s?o\.?\s?box)\s*(\d{1,6})\b")
        .expect("the PO box pattern is valid")
});
static FOREIGN_POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:(?:B|D|F)-)?(\d{4,5})\s+(\p{Lu}[\p{L}'\- ]+)$")
        .expect("the postcode pattern is valid")
});
static UK_POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b([A-Z]{1,2}\d[A-Z\d]?) ?([0-9OIl][A-Z0-9]{2})\b")
        .expect("the UK postcode pattern is valid")
});

/// Clean the text after a postcode into a city: up to a comma, without a country name.
fn clean_city(text: &str) -> (Option<String>, Option<String>) {
    let mut city = text.trim().trim_start_matches([',', '-']).trim();
    let mut country = None;
    if let Some((head, tail)) = city.split_once(',') {
        country = country_code(tail.trim());
        city = head.trim();
    }
    let words: Vec<&str> = city.split_whitespace().collect();
    // `Utrecht Nederland`: a country name glued to the city.
    for n in (1..words.len()).rev() {
        if let Some(code) = country_code(&words[n..].join(" ")) {
            country = Some(code);
            city = city[..city.len() - words[n..].join(" ").len()].trim();
            break;
        }
    }
    let ok = city.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && !city.chars().any(|c| c.is_ascii_digit() || c == '@');
    let city = ok.then(|| title_case_if_shouting(city));
    (city, country)
}

fn country_code(text: &str) -> Option<String> {
    let f = fold(text);
    let f = f.trim_matches(|c: char| !c.is_alphanumeric());
    lexicon::COUNTRIES
        .iter()
        .find(|(name, _)| *name == f)
        .map(|(_, code)| code.to_string())
}

/// A street and house number: `Oudegracht 123bis` everywhere, `221B Baker Street` where the
/// card is from an English-speaking country.
fn street_of(text: &str, country: &str) -> Option<String> {
    let t = text.trim().trim_end_matches([',', ';']).trim();
    let name = match STREET.captures(t) {
        Some(caps) => caps.get(1)?.as_str(),
        None if matches!(country, "GB" | "US" | "IE") => STREET_EN.captures(t)?.get(2)?.as_str(),
        None => return None,
    };
    if name.chars().filter(|c| c.is_alphabetic()).count() < 4 || PO_BOX.is_match(t) {
        return None;
    }
    Some(t.to_string())
}

/// `1000 Brussel`, `D-10115 Berlin`: four or five digits and a city.
fn continental_address(free: &str, country: &str) -> Option<(usize, usize, PostalAddress)> {
    let c = FOREIGN_POSTCODE.captures(free.trim_end())?;
    let whole = c.get(0)?;
    let (city, named) = clean_city(&c[2]);
    Some((
        whole.start(),
        free.len(),
        PostalAddress {
            postcode: Some(c[1].to_string()),
            city,
            country: named.or_else(|| Some(country.to_string())),
            ..PostalAddress::default()
        },
    ))
}

/// `San Francisco, CA 94103`.
fn us_address(free: &str) -> Option<(usize, usize, PostalAddress)> {
    let c = US_CITY.captures(free.trim())?;
    let lead = free.len() - free.trim_start().len();
    Some((
        lead,
        free.len(),
        PostalAddress {
            postcode: Some(c[3].to_string()),
            city: Some(c[1].trim().to_string()),
            region: Some(c[2].to_string()),
            country: Some("US".to_string()),
            ..PostalAddress::default()
        },
    ))
}

/// `London NW1 6XE`, `London, EC1A 1BB`: the city before the postcode.
fn uk_address(free: &str) -> Option<(usize, usize, PostalAddress)> {
    let c = UK_POSTCODE.captures(free)?;
    let m = c.get(0)?;
    // The inward code starts with a digit: OCR's `O` and `I` there are `0` and `1`.
    // The inward code is a digit and two letters: OCR's `O` and `I` in the first place are
    // `0` and `1`, and its digits in the last two are letters (`1Z2` → `1ZZ`).
    let inward: String = c[2]
        .chars()
        .enumerate()
        .map(|(i, ch)| match (i, ch) {
            (0, _) => phone_char(ch).unwrap_or(ch),
            (_, '0') => 'O',
            (_, '1') => 'I',
            (_, '2') => 'Z',
            (_, '5') => 'S',
            (_, '6') => 'G',
            (_, '8') => 'B',
            _ => ch,
        })
        .collect();
    if inward.chars().skip(1).any(|ch| !ch.is_ascii_uppercase()) {
        return None;
    }
    let postcode = format!("{} {inward}", &c[1]);
    let lead = free.len() - free.trim_start().len();
    let head = free
        .get(lead..m.start())
        .unwrap_or("")
        .trim_end()
        .trim_end_matches(',');
    let comma = head.rfind(',').map(|p| p + 1).unwrap_or(0);
    let (city, _) = clean_city(&head[comma..]);
    let city_start = lead + comma;
    Some((
        city_start,
        m.end(),
        PostalAddress {
            postcode: Some(postcode),
            city,
            country: Some("GB".to_string()),
            ..PostalAddress::default()
        },
    ))
}

fn take_addresses(segs: &mut [Seg], card: &mut Card) {
    for i in 0..segs.len() {
        let free = segs[i].free();
        let mut found: Option<(usize, usize, PostalAddress)> = None;
        if let Some(c) = NL_POSTCODE
            .captures_iter(&free)
            .find(|c| !matches!(&c[2], "SA" | "SD" | "SS"))
        {
            let whole = c.get(0).expect("group 0 is the match");
            let digits: String = c[1].chars().filter_map(phone_char).collect();
            let (city, country) = clean_city(&free[whole.end()..]);
            found = Some((
                whole.start(),
                free.len(),
                PostalAddress {
                    postcode: Some(format!("{digits} {}", &c[2])),
                    city,
                    country: country.or_else(|| Some("NL".to_string())),
                    ..PostalAddress::default()
                },
            ));
        } else if card.country == "US" {
            found = us_address(&free);
        } else if card.country == "GB" {
            found = uk_address(&free);
        } else if card.country != "NL" {
            found = continental_address(&free, &card.country);
        }
        let Some((start, end, mut addr)) = found else {
            continue;
        };
        // The street (or PO box) before the postcode: on the same segment after a comma, or
        // on the segment above.
        let before = free[..start]
            .trim()
            .trim_end_matches([',', '-', '|'])
            .trim()
            .to_string();
        let mut conf_parts = vec![segs[i].conf(start, end)];
        segs[i].mark(start, end);
        let mut street_text = None;
        if !before.is_empty() {
            let part = before
                .rsplit(',')
                .next()
                .unwrap_or(&before)
                .trim()
                .to_string();
            let part_start = free[..start].rfind(part.as_str()).unwrap_or(0);
            street_text = Some((i, part_start, part_start + part.len(), part));
        } else if let Some(j) = above(segs, i) {
            let f = segs[j].free();
            let t = f.trim().to_string();
            let s = f.find(t.as_str()).unwrap_or(0);
            street_text = Some((j, s, s + t.len(), t));
        }
        if let Some((j, s, e, text)) = street_text {
            if let Some(po) = PO_BOX.captures(&text) {
                addr.po_box = Some(format!("{} {}", title_case_if_shouting(&po[1]), &po[2]));
                conf_parts.push(segs[j].conf(s, e));
                segs[j].mark(s, e);
            } else if let Some(street) = street_of(&text, &card.country) {
                addr.street = Some(street);
                conf_parts.push(segs[j].conf(s, e));
                segs[j].mark(s, e);
            }
        }
        // A country printed on the line below.
        if let Some(j) = (0..segs.len()).find(|&j| j != i && above(segs, j) == Some(i)) {
            if let Some(code) = country_code(segs[j].free().trim()) {
                addr.country = Some(code);
                let len = segs[j].text.len();
                segs[j].mark(0, len);
            }
        }
        let mean = conf_parts.iter().sum::<f32>() / conf_parts.len() as f32;
        let rule = if addr.city.is_some() { 0.9 } else { 0.7 };
        addr.confidence = round(rule * ocr_factor(mean));
        if addr.confidence >= MIN_CONFIDENCE {
            card.addresses.push(addr);
        }
    }
    // A PO box on its own line whose postcode line was not recognised stays a PO box.
    for seg in segs.iter_mut() {
        let free = seg.free();
        if let Some(po) = PO_BOX.captures(&free) {
            let whole = po.get(0).expect("group 0 is the match");
            let value = format!("{} {}", title_case_if_shouting(&po[1]), &po[2]);
            let confidence = round(0.7 * ocr_factor(seg.conf(whole.start(), whole.end())));
            seg.mark(whole.start(), whole.end());
            card.addresses.push(PostalAddress {
                po_box: Some(value),
                confidence,
                ..PostalAddress::default()
            });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Name, organisation, title, department

/// One piece of left-over text and what it looks like.
#[derive(Debug, Clone)]
struct Part {
    text: String,
    conf: f32,
    height: i32,
    top: i32,
    legal: bool,
    org_word: bool,
    title: bool,
    department: bool,
    name_like: bool,
}

fn strip_labels(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut a = 0;
    let mut b = words.len();
    while a < b && label_kind(&fold(words[a])).is_some() && words[a].ends_with(':') {
        a += 1;
    }
    while b > a && words[b - 1].chars().all(|c| !c.is_alphanumeric()) {
        b -= 1;
    }
    while a < b && words[a].chars().all(|c| !c.is_alphanumeric()) {
        a += 1;
    }
    words[a..b].join(" ")
}

fn classify(text: &str, conf: f32, s: &Seg) -> Part {
    let words: Vec<String> = text.split_whitespace().map(fold).collect();
    let bare = |w: &String| {
        w.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '(' | ')' | '&'))
            .to_string()
    };
    let legal = words.iter().any(|w| {
        let b = bare(w);
        lexicon::LEGAL_FORMS.binary_search(&b.as_str()).is_ok()
            || lexicon::LEGAL_FORMS
                .binary_search(&format!("{b}.").as_str())
                .is_ok()
    });
    let org_word = words
        .iter()
        .any(|w| lexicon::ORG_WORDS.binary_search(&bare(w).as_str()).is_ok());
    let department = words.first().is_some_and(|w| {
        lexicon::DEPARTMENT_WORDS
            .binary_search(&bare(w).as_str())
            .is_ok()
    }) || fold(text).contains("department of");
    let title_words = words
        .iter()
        .filter(|w| lexicon::is_title_word(&bare(w)))
        .count();
    let title = title_words > 0;
    Part {
        text: text.to_string(),
        conf,
        height: s.height,
        top: s.top,
        legal,
        org_word,
        title,
        department,
        name_like: is_name_like(text),
    }
}

/// Whether a text has the shape of a personal name: two to six words, each a capitalised
/// word, an initial, a particle or an honorific, with at least two real name words (or an
/// initial and one); no digits, no lexicon words.
fn is_name_like(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    if !(2..=6).contains(&words.len()) {
        return false;
    }
    let shouting = text
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| c.is_uppercase());
    let mut real = 0;
    let mut initials = 0;
    for (n, w) in words.iter().enumerate() {
        let f = fold(w);
        let f = f.trim_end_matches(',');
        if lexicon::HONORIFICS.binary_search(&f).is_ok() {
            continue;
        }
        if n > 0 && lexicon::PARTICLES.binary_search(&f).is_ok() {
            continue;
        }
        if n == 0 && lexicon::PARTICLES.binary_search(&f).is_ok() && !shouting {
            // A name may start with a capitalised particle only as `Van der Berg, J.`; rare on
            // cards, and `De Brug` is an organisation.
            return false;
        }
        let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
        if letters.is_empty() {
            return false;
        }
        let is_initials = w.len() <= 8
            && w.contains('.')
            && w.split('.').filter(|p| !p.is_empty()).all(|p| {
                p.chars().count() <= 2 && p.chars().next().is_some_and(|c| c.is_uppercase())
            });
        if is_initials {
            initials += 1;
            continue;
        }
        let first_upper = letters[0].is_uppercase();
        let ok_chars = w
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'));
        if !first_upper || !ok_chars || letters.len() < 2 {
            return false;
        }
        real += 1;
    }
    real >= 2 || (real == 1 && initials >= 1)
}

/// `JAN DE VRIES` → `Jan de Vries`; mixed case is kept as printed.
fn title_case_if_shouting(text: &str) -> String {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 2 || !letters.iter().all(|c| c.is_uppercase()) {
        return text.to_string();
    }
    text.split(' ')
        .enumerate()
        .map(|(n, w)| {
            let lower = w.to_lowercase();
            if n > 0
                && lexicon::PARTICLES
                    .binary_search(&fold(&lower).as_str())
                    .is_ok()
            {
                return lower;
            }
            let mut out = String::new();
            let mut up = true;
            for c in lower.chars() {
                if up && c.is_alphabetic() {
                    out.extend(c.to_uppercase());
                    up = false;
                } else {
                    out.push(c);
                }
                if c == '-' || c == '\'' {
                    up = true;
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Letters only, folded: `Stichting De Brug` → `stichtingdebrug`.
fn squash(text: &str) -> String {
    fold(text)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

/// Second-level labels of the mail and web domains that belong to an organisation.
fn org_domains(card: &Card) -> Vec<String> {
    let mut hosts: Vec<String> = card
        .emails
        .iter()
        .filter_map(|e| e.value.split_once('@').map(|(_, d)| d.to_string()))
        .chain(card.websites.iter().map(|w| {
            let v = w
                .value
                .trim_start_matches("https://")
                .trim_start_matches("http://");
            v.split('/').next().unwrap_or(v).to_string()
        }))
        .filter_map(|host| {
            let (a, b) = agree::own_label(&host)?;
            let sld = &host[a..b];
            (lexicon::FREE_MAIL.binary_search(&sld).is_err()).then(|| sld.replace('-', ""))
        })
        .collect();
    hosts.sort();
    hosts.dedup();
    hosts
}

/// Whether an organisation name agrees with a domain label: `Stichting De Brug` ↔ `debrug`,
/// `Zorggroep Noord` ↔ `zorggroepnoord`, `Acme Consulting B.V.` ↔ `acme`, `GGZ Centraal` ↔
/// `ggzcentraal`, initials: `Wijkteam Oost Utrecht` ↔ `wou`.
fn agrees_with_domain(text: &str, domains: &[String]) -> bool {
    let words: Vec<String> = text
        .split_whitespace()
        .map(fold)
        .map(|w| {
            w.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let core: Vec<&String> = words
        .iter()
        .filter(|w| {
            lexicon::LEGAL_FORMS.binary_search(&w.as_str()).is_err()
                && !matches!(w.as_str(), "bv" | "nv" | "ua" | "vof")
        })
        .collect();
    let all = squash(text);
    let core_joined: String = core.iter().map(|w| w.as_str()).collect();
    let initials: String = core.iter().filter_map(|w| w.chars().next()).collect();
    domains.iter().any(|d| {
        d.len() >= 3
            && (all == *d
                || core_joined == *d
                || (core_joined.len() >= 4 && d.contains(&core_joined))
                || (d.len() >= 4 && core_joined.contains(d.as_str()))
                || (initials.len() >= 2 && initials == *d)
                || core.iter().any(|w| w.len() >= 5 && d == *w))
    })
}

/// Whether a name agrees with an e-mail's local part: `jan.devries`, `jdevries`, `jan`,
/// `j.van.der.berg`, `devries`.
fn agrees_with_email(name: &str, emails: &[Field]) -> bool {
    let words: Vec<String> = name
        .split_whitespace()
        .map(fold)
        .filter(|w| lexicon::HONORIFICS.binary_search(&w.as_str()).is_err())
        .map(|w| {
            w.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let Some(given) = words.first() else {
        return false;
    };
    let family: Vec<&String> = words[1..].iter().collect();
    let family_joined: String = family.iter().map(|w| w.as_str()).collect();
    let family_core = family
        .iter()
        .rev()
        .find(|w| lexicon::PARTICLES.binary_search(&w.as_str()).is_err())
        .map(|w| w.as_str())
        .unwrap_or("");
    emails.iter().any(|e| {
        let local: String = e
            .value
            .split('@')
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .collect();
        if local.len() < 2 {
            return false;
        }
        let initial = &given[..given.chars().next().map(|c| c.len_utf8()).unwrap_or(0)];
        (local.contains(given.as_str()) && given.len() >= 3)
            || (!family_core.is_empty() && family_core.len() >= 3 && local.contains(family_core))
            || local == format!("{initial}{family_joined}")
            || (!family_joined.is_empty() && local.contains(&family_joined))
    })
}

/// Sort the text no other field took into name, organisation, title and department; returns
/// how surely OCR read the name and the organisation that were taken.
fn take_people_and_orgs(segs: &[Seg], card: &mut Card) -> (Option<f32>, Option<f32>) {
    let mut parts: Vec<Part> = Vec::new();
    for seg in segs {
        let free = seg.free();
        // Commas and dashes separate `Title, Organisation` on one line.
        let mut offset = 0;
        for piece in split_pieces(&free) {
            let start = free[offset..]
                .find(piece)
                .map(|p| p + offset)
                .unwrap_or(offset);
            offset = start + piece.len();
            let text = strip_labels(piece);
            if text
                .split_whitespace()
                .all(|w| label_kind(&fold(w)).is_some())
            {
                continue;
            }
            let letters = text.chars().filter(|c| c.is_alphabetic()).count();
            let non_space = text.chars().filter(|c| !c.is_whitespace()).count();
            if letters < 2 || (letters as f32) < 0.6 * non_space as f32 {
                continue;
            }
            let conf = seg.conf(start, start + piece.len());
            if conf < 0.35 {
                continue;
            }
            parts.push(classify(&text, conf, seg));
        }
    }
    let domains = org_domains(card);
    let max_height = parts.iter().map(|p| p.height).max().unwrap_or(1).max(1);

    // Organisation: legal form or institution word first, then agreement with a domain.
    let mut taken = vec![false; parts.len()];
    // A name-like line that agrees with the domain is a freelancer's own name
    // (`Sanne de Wit`, `sannedewit.nl`) unless another line is the person by the e-mail.
    let person_by_email: Vec<bool> = parts
        .iter()
        .map(|p| p.name_like && agrees_with_email(&p.text, &card.emails))
        .collect();
    let mut org: Option<(usize, f32)> = None;
    for (n, p) in parts.iter().enumerate() {
        let agree = agrees_with_domain(&p.text, &domains);
        let someone_else = person_by_email
            .iter()
            .enumerate()
            .any(|(m, by_email)| m != n && *by_email);
        let rule = if p.legal || (p.org_word && !p.title) {
            0.85 + if agree { 0.1 } else { 0.0 }
        } else if agree && !p.title && (!p.name_like || someone_else) && !person_by_email[n] {
            0.8
        } else {
            continue;
        };
        if org.is_none_or(|(_, r)| rule > r) {
            org = Some((n, rule));
        }
    }
    if let Some((n, _)) = org {
        taken[n] = true;
    }

    // Department: explicit words only.
    let department = parts
        .iter()
        .enumerate()
        .find(|(n, p)| !taken[*n] && p.department)
        .map(|(n, _)| (n, 0.85));
    if let Some((n, _)) = department {
        taken[n] = true;
    }

    // Name.
    let candidates: Vec<usize> = (0..parts.len())
        .filter(|&n| {
            !taken[n]
                && parts[n].name_like
                && !parts[n].title
                && !parts[n].legal
                && !parts[n].org_word
        })
        .collect();
    let tallest = candidates
        .iter()
        .map(|&n| parts[n].height)
        .max()
        .unwrap_or(0);
    let mut name: Option<(usize, f32)> = None;
    for &n in &candidates {
        let p = &parts[n];
        let mut rule = 0.55;
        if agrees_with_email(&p.text, &card.emails) {
            rule += 0.3;
        }
        if p.height == tallest {
            rule += 0.1;
        }
        if candidates.len() == 1 {
            rule += 0.1;
        }
        if p.height * 10 < max_height * 6 {
            rule -= 0.15;
        }
        if name.is_none_or(|(_, r)| rule > r) {
            name = Some((n, rule));
        }
    }
    if let Some((n, _)) = name {
        taken[n] = true;
    }

    // Title: lexicon words; the one nearest the name wins.
    let name_top = name.map(|(n, _)| parts[n].top);
    let title = parts
        .iter()
        .enumerate()
        .filter(|(n, p)| !taken[*n] && p.title && !p.legal)
        .min_by_key(|(_, p)| name_top.map(|t| (p.top - t).abs()).unwrap_or(p.top))
        .map(|(n, p)| {
            let near = name_top.is_some_and(|t| (p.top - t).abs() < 4 * p.height.max(1));
            (n, if near { 0.9 } else { 0.8 })
        });
    if let Some((n, _)) = title {
        taken[n] = true;
    }

    // Without evidence, a prominent capitalised line that is neither name nor title is the
    // organisation's logo text; weakly.
    if org.is_none() {
        let name_height = name.map(|(n, _)| parts[n].height).unwrap_or(0);
        org = parts
            .iter()
            .enumerate()
            .filter(|(n, p)| {
                // Above the name and nearly as large, or as large as anything on the card.
                let above_name =
                    name_top.is_some_and(|t| p.top < t) && p.height * 4 >= name_height * 3;
                !taken[*n]
                    && !p.title
                    && p.text.split_whitespace().count() <= 4
                    && p.text.chars().next().is_some_and(|c| c.is_uppercase())
                    && (above_name
                        || (p.height * 10 >= max_height * 8 && p.height * 10 >= name_height * 9))
            })
            .max_by_key(|(_, p)| (p.height, -p.top))
            .map(|(n, _)| (n, 0.55));
    }

    let field = |(n, rule): (usize, f32)| {
        let p = &parts[n];
        let confidence = round(rule * ocr_factor(p.conf));
        (confidence >= MIN_CONFIDENCE).then(|| Field {
            value: title_case_if_shouting(p.text.trim_end_matches([',', ';'])),
            confidence,
        })
    };
    card.name = name.and_then(field);
    card.organisation = org.and_then(field).map(|f| Field {
        value: legal_spelling(&f.value),
        ..f
    });
    card.title = title.and_then(field);
    card.department = department.and_then(field);
    let read = |taken: Option<(usize, f32)>, kept: bool| {
        taken.filter(|_| kept).map(|(n, _)| parts[n].conf)
    };
    (
        read(name, card.name.is_some()),
        read(org, card.organisation.is_some()),
    )
}

static SPACED_FORM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b([BCNU])\. ?([VA])\b\.?").expect("the legal-form pattern is valid")
});

/// Legal forms as they are written, where OCR lost what the lexicon knows: the diaeresis of
/// `Coöperatie` (read `Cooperatie`), the dots of `B.V.` read with a space or without the
/// last one (`B. V`).
fn legal_spelling(org: &str) -> String {
    let spaced = SPACED_FORM.replace_all(org, "$1.$2.");
    spaced
        .split(' ')
        .map(|w| match w {
            "Cooperatie" => "Coöperatie",
            "cooperatie" => "coöperatie",
            "COOPERATIE" => "COÖPERATIE",
            w => w,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Split left-over text at commas, ` - ` and wide blanks (where taken text was).
fn split_pieces(free: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let bytes = free.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let cut = match bytes[i] {
            b',' | b';' => Some(1),
            b' ' if free[i..].starts_with(" - ") || free[i..].starts_with(" – ") => {
                Some(if free[i..].starts_with(" - ") {
                    3
                } else {
                    2 + '–'.len_utf8()
                })
            }
            b' ' if free[i..].starts_with("   ") => Some(3),
            _ => None,
        };
        if let Some(len) = cut {
            let piece = free[start..i].trim();
            if !piece.is_empty() {
                pieces.push(piece);
            }
            i += len;
            start = i;
        } else {
            i += 1;
        }
    }
    let piece = free[start..].trim();
    if !piece.is_empty() {
        pieces.push(piece);
    }
    pieces
}

/// How much the OCR confidence scales a rule: fully read text keeps the rule's strength,
/// text OCR doubted loses up to half of it.
fn ocr_factor(conf: f32) -> f32 {
    0.5 + 0.5 * conf.clamp(0.0, 1.0)
}

/// Two decimals in `0..=1`, so that confidences print the same everywhere.
fn round(x: f32) -> f32 {
    ((x * 100.0).round() / 100.0).clamp(0.0, 1.0)
}

mod agree;

#[cfg(test)]
mod tests;
