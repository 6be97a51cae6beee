//! One module per input kind. Each reader takes the bytes of one file (already read by the
//! pipeline) and its display path, and returns the records it found, the records it had to
//! reject (raw text kept, so nothing is lost), and located diagnostics. Readers never panic on
//! bad input and never stop at the first bad record.

pub mod ics;
pub mod json;
pub mod scan;
pub mod table;
pub mod vcard;

use crate::diag::Diagnostic;
use crate::model::{RawContact, Source, SourceKind};

/// Settings that change how files are read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// `--csv-map`: `(column header, field)` pairs that override the generic CSV mapper.
    /// Fields: see [`table::Field::parse`].
    pub csv_map: Vec<(String, String)>,
}

/// A record a reader could not import. Its raw text goes into the index all the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub source: Source,
    pub raw: String,
    pub reason: String,
}

/// What one file gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRead {
    /// The kind of the file as a whole (a CSV flavour is known only after its header is read).
    pub kind: SourceKind,
    pub contacts: Vec<RawContact>,
    pub rejected: Vec<Rejected>,
    /// Every problem, located; one per rejected record at least, plus warnings.
    pub diagnostics: Vec<Diagnostic>,
}

impl FileRead {
    pub fn new(kind: SourceKind) -> Self {
        FileRead {
            kind,
            contacts: Vec::new(),
            rejected: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// Reject a record: keep its raw text and report it at its location.
    pub fn reject(&mut self, source: Source, raw: impl Into<String>, reason: impl Into<String>) {
        let reason = reason.into();
        self.diagnostics.push(
            Diagnostic::record(source.path.clone(), source.line, reason.clone())
                .with_record(source.record),
        );
        self.rejected.push(Rejected {
            source,
            raw: raw.into(),
            reason,
        });
    }
}

/// The longest physical line a text reader accepts. Readers hold a line several times over
/// (raw text kept, decoded, unfolded, parsed, indexed for search): a 64 MiB vCard line peaked
/// at 1.28 GB of memory (HARDENING.md), so a file of 512 MiB in one line would need about
/// 10 GB. Real exports fold their lines (RFC 6350 §3.2) and CSV cells stay small; the largest
/// legitimate lines are inline photos, well below this.
pub const MAX_LINE_BYTES: usize = 8 * 1024 * 1024;

/// The first physical line longer than `limit` bytes, as (1-based line, length in bytes).
/// `\n` ends a line in every encoding the readers take (UTF-16 included: its newline unit
/// holds the byte 0x0A), so this works on the raw bytes before any decoding.
pub fn long_line(bytes: &[u8], limit: usize) -> Option<(u32, usize)> {
    let mut line: u32 = 1;
    let mut start = 0;
    loop {
        let end = bytes[start..]
            .iter()
            .position(|b| *b == b'\n')
            .map(|i| start + i);
        let len = end.unwrap_or(bytes.len()) - start;
        if len > limit {
            return Some((line, len));
        }
        start = end? + 1;
        line = line.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (bytes, limit, the long line found: 1-based line and its length)
    type Case = (&'static [u8], usize, Option<(u32, usize)>);

    const LINES: &[Case] = &[
        (b"", 4, None),
        (b"abcd\nabcd\n", 4, None),
        (b"abcd\nabcde\nx", 4, Some((2, 5))),
        (b"abcdef", 4, Some((1, 6))),
        (b"ab\r\nabcd\r\n", 4, Some((2, 5))),
        (b"a\0b\0\n\0", 4, None),
        (b"a\0b\0c\0\n\0", 4, Some((1, 6))),
    ];

    #[test]
    fn finds_the_first_line_above_the_limit() {
        for (bytes, limit, want) in LINES {
            assert_eq!(
                long_line(bytes, *limit),
                *want,
                "case {bytes:?} limit {limit}"
            );
        }
    }
}
