//! Finding the header row and the delimiter, and folding header names for matching.
//!
//! In: the decoded text and a test that says whether a header name is known. Out: where the
//! header row is, which delimiter the file uses, the header's names, and where the data begins.
//!
//! The header is the row, among the first records, with the most known names; the delimiter
//! (`,` `;` TAB) is the one that makes that row split into the most known names, then into the
//! most fields. Delimiters are counted by the csv crate itself, so quoted commas (`"Werkadres,
//! straat"`) and quoted preamble paragraphs (LinkedIn's `Notes:` block) never count. No fixed
//! number of lines is ever skipped. It does not map names to fields: see `flavour`.

use std::cmp::Reverse;

/// How far the header search looks: the first records, within the first bytes.
const SCAN_RECORDS: usize = 40;
const SCAN_BYTES: u64 = 64 * 1024;
pub(super) const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// A header name in the forms matching needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct HeaderName {
    /// As in the file, trimmed.
    pub original: String,
    /// Lower-case ASCII (accents folded), every run of other characters one space:
    /// `E-mail 1 - Value` → `e mail 1 value`, `Land/regio (werk)` → `land regio werk`.
    pub spaced: String,
    /// `spaced` without spaces: `email1value`. The key for table look-ups.
    pub compact: String,
}

impl HeaderName {
    pub fn new(original: &str) -> Self {
        let original = original.trim().trim_start_matches('\u{feff}').trim();
        let spaced = fold(original);
        let compact = spaced.replace(' ', "");
        HeaderName {
            original: original.to_owned(),
            spaced,
            compact,
        }
    }
}

/// Case- and accent-insensitive form: `Categorieën` → `categorieen`.
pub(super) fn fold(s: &str) -> String {
    let ascii = deunicode::deunicode(s);
    let mut out = String::with_capacity(ascii.len());
    let mut gap = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

/// The same name with every non-ASCII character dropped instead of folded: exports that lost
/// their accents write `Categorien` for `Categorieën` and `Priv` for `Privé`.
pub(super) fn fold_lost_accents(s: &str) -> String {
    let kept: String = s.chars().filter(char::is_ascii).collect();
    fold(&kept).replace(' ', "")
}

/// Where the header is and how the file is split.
#[derive(Debug, Clone)]
pub(super) struct Header {
    pub delimiter: u8,
    pub names: Vec<HeaderName>,
    /// How many names are known (0: nothing recognised).
    pub known: usize,
    /// 1-based line of the header row.
    pub line: u32,
    /// Byte offset where the data (the record after the header) begins.
    pub data_offset: usize,
}

/// Look for the header among the first records. `None` when the text has no record at all.
pub(super) fn find(text: &str, known: &dyn Fn(&HeaderName) -> bool) -> Option<Header> {
    // Ordered by: more known names, then the earlier row, then more fields.
    type Rank = (usize, Reverse<u32>, usize);
    let mut best: Option<(Rank, Header)> = None;
    for delimiter in DELIMITERS {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let mut record = csv::StringRecord::new();
        for _ in 0..SCAN_RECORDS {
            let start = reader.position().byte();
            if start > SCAN_BYTES {
                break;
            }
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) | Err(_) => break,
            }
            let fields = split_wrapped(&record, delimiter);
            if fields.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let names: Vec<HeaderName> = fields.iter().map(|f| HeaderName::new(f)).collect();
            let score = names.iter().filter(|n| known(n)).count();
            let end = usize::try_from(reader.position().byte()).unwrap_or(text.len());
            let start = usize::try_from(start).unwrap_or(0);
            let line = line_of(text, skip_terminators(text, start));
            let key = (score, Reverse(line), names.len());
            if best.as_ref().is_none_or(|(k, _)| key > *k) {
                let header = Header {
                    delimiter,
                    known: score,
                    line,
                    data_offset: end.min(text.len()),
                    names,
                };
                best = Some((key, header));
            }
        }
    }
    best.map(|(_, h)| h)
}

/// A record that parsed to one field holding delimiters is a row wrapped whole in quotes
/// (a spreadsheet round trip): split its content again.
fn split_wrapped(record: &csv::StringRecord, delimiter: u8) -> Vec<String> {
    if record.len() == 1 {
        let only = &record[0];
        if only.as_bytes().contains(&delimiter) {
            if let Some(inner) = reparse(only, delimiter) {
                if inner.len() > 1 {
                    return inner.iter().map(str::to_owned).collect();
                }
            }
        }
    }
    record.iter().map(str::to_owned).collect()
}

/// Parse one row's text as a record of its own.
pub(super) fn reparse(text: &str, delimiter: u8) -> Option<csv::StringRecord> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => Some(record),
        _ => None,
    }
}

/// The csv crate reports a record as starting where the previous one stopped, which is before
/// the previous line's terminator and any blank lines. The record really starts after them.
pub(super) fn skip_terminators(text: &str, mut at: usize) -> usize {
    let bytes = text.as_bytes();
    while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
        at += 1;
    }
    at
}

/// 1-based line of a byte offset.
pub(super) fn line_of(text: &str, at: usize) -> u32 {
    let n = breaks(text.as_bytes(), 0, at);
    u32::try_from(n + 1).unwrap_or(u32::MAX)
}

/// Line breaks in `bytes[from..to]`: LF, CRLF, and a lone CR (the csv crate ends records at a
/// lone CR too, and Excel's "CSV (Macintosh)" writes nothing else).
pub(super) fn breaks(bytes: &[u8], from: usize, to: usize) -> usize {
    let to = to.min(bytes.len());
    (from.min(to)..to)
        .filter(|&i| bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

/// Byte offset of the first line break at or after `at` (the end of that line).
pub(super) fn line_end(text: &str, at: usize) -> usize {
    text.as_bytes()[at.min(text.len())..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(text.len(), |i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOLD: &[(&str, &str)] = &[
        ("E-mail 1 - Value", "e mail 1 value"),
        ("Categorieën", "categorieen"),
        ("  Land/regio (werk) ", "land regio werk"),
        ("date_of_birth", "date of birth"),
        ("Hobby's", "hobby s"),
    ];

    #[test]
    fn folds_names() {
        for (input, want) in FOLD {
            assert_eq!(fold(input), *want, "case {input:?}");
        }
    }

    #[test]
    fn lost_accents_match_the_dropped_form() {
        assert_eq!(fold_lost_accents("Categorieën"), "categorien");
        assert_eq!(fold_lost_accents("Privé"), "priv");
    }

    fn known(n: &HeaderName) -> bool {
        [
            "firstname",
            "lastname",
            "url",
            "company",
            "naam",
            "email",
            "notes",
        ]
        .contains(&n.compact.as_str())
    }

    /// (text, delimiter, header line, names)
    const FIND: &[(&str, u8, u32, &str)] = &[
        ("Naam,Email\nJan,j@x.nl\n", b',', 1, "Naam|Email"),
        ("Naam;Email\r\nJan;j@x.nl\r\n", b';', 1, "Naam|Email"),
        ("Naam\tEmail\nJan\tj@x.nl\n", b'\t', 1, "Naam|Email"),
        (
            "Notes:\n\"When exporting, you may notice, that.\"\n\nFirst Name,Last Name,URL,Company\nJan,Berg,u,c\n",
            b',',
            4,
            "First Name|Last Name|URL|Company",
        ),
        ("\"Naam,Email\"\n\"Jan,j@x.nl\"\n", b',', 1, "Naam|Email"),
        ("\"Naam\";\"Werk, straat\";\"Email\"\n", b';', 1, "Naam|Werk, straat|Email"),
    ];

    #[test]
    fn finds_header_and_delimiter() {
        for (text, delim, line, names) in FIND {
            let h = find(text, &known).expect("a header");
            assert_eq!(h.delimiter, *delim, "case {text:?}");
            assert_eq!(h.line, *line, "case {text:?}");
            let got: Vec<&str> = h.names.iter().map(|n| n.original.as_str()).collect();
            assert_eq!(got.join("|"), *names, "case {text:?}");
        }
    }

    #[test]
    fn counts_lf_crlf_and_lone_cr() {
        const CASES: &[(&str, u32)] = &[
            ("a\nb\nX", 3),
            ("a\r\nb\r\nX", 3),
            ("a\rb\rX", 3),
            ("a\r\n\rX", 3),
        ];
        for (text, line) in CASES {
            let at = text.find('X').expect("marker");
            assert_eq!(line_of(text, at), *line, "case {text:?}");
        }
    }

    #[test]
    fn data_offset_points_after_the_header() {
        let text = "x\r\n\r\nNaam,Email\r\nJan,j@x.nl\r\n";
        let h = find(text, &known).expect("a header");
        assert_eq!(h.line, 3);
        assert_eq!(
            &text[skip_terminators(text, h.data_offset)..],
            "Jan,j@x.nl\r\n"
        );
    }
}
