//! Bytes → text for the CSV readers.
//!
//! In: the raw bytes of one file. Out: the text without its byte-order mark, the name of the
//! encoding that was used, and the lines where single bytes had to be repaired.
//!
//! Order of decisions: a BOM decides (UTF-8, UTF-16 LE/BE); UTF-16 without a BOM is recognised
//! from its NUL pattern; valid UTF-8 is UTF-8; text that is not valid UTF-8 and holds no valid
//! multi-byte UTF-8 sequence at all is Windows-1252 (Dutch Outlook exports). A file that is
//! mostly UTF-8 with a few stray bytes (a row pasted from an old Windows program) is decoded as
//! UTF-8, and only the invalid bytes are read as Windows-1252: decoding the whole file as
//! Windows-1252 would turn every correct `ë` into `Ã«`. Each repaired line is reported.
//!
//! It does not guess other legacy code pages (cp1250, Shift_JIS): CSV exports of our users come
//! from Outlook, which writes the Windows ANSI code page, Windows-1252 for Dutch.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};
use std::borrow::Cow;

/// The decoded text of one file.
#[derive(Debug)]
pub(super) struct Decoded<'a> {
    /// The text, without a byte-order mark; borrowed when the bytes were UTF-8 already (the
    /// common case: no copy of a large export).
    pub text: Cow<'a, str>,
    /// `UTF-8`, `UTF-16LE`, `UTF-16BE`, `windows-1252`.
    pub encoding: &'static str,
    /// 1-based lines where invalid UTF-8 bytes were read as Windows-1252, with those bytes.
    pub repaired: Vec<(u32, Vec<u8>)>,
}

/// Decode a whole file (or, for sniffing, its first few KiB: an incomplete UTF-8 sequence at the
/// very end is then dropped rather than repaired).
pub(super) fn decode(bytes: &[u8]) -> Decoded<'_> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decode_utf8(rest);
    }
    if bytes.starts_with(b"\xFF\xFE") {
        return decode_utf16(&bytes[2..], UTF_16LE);
    }
    if bytes.starts_with(b"\xFE\xFF") {
        return decode_utf16(&bytes[2..], UTF_16BE);
    }
    match utf16_without_bom(bytes) {
        Some(enc) => decode_utf16(bytes, enc),
        None => decode_utf8(bytes),
    }
}

/// UTF-16 text without a BOM: the first two code units are ASCII, so every other byte is NUL.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    match bytes {
        [0, a, 0, b, ..] if *a != 0 && *b != 0 && a.is_ascii() && b.is_ascii() => Some(UTF_16BE),
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 && a.is_ascii() && b.is_ascii() => Some(UTF_16LE),
        _ => None,
    }
}

fn decode_utf16(bytes: &[u8], enc: &'static Encoding) -> Decoded<'static> {
    let (text, _) = enc.decode_without_bom_handling(bytes);
    Decoded {
        text: Cow::Owned(text.into_owned()),
        encoding: enc.name(),
        repaired: Vec::new(),
    }
}

fn decode_utf8(bytes: &[u8]) -> Decoded<'_> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: Cow::Borrowed(text),
            encoding: "UTF-8",
            repaired: Vec::new(),
        };
    }
    let (valid_multibyte, invalid) = census(bytes);
    // A cp1252 file can contain a valid UTF-8 pair by accident (`Ã©`), but rarely more of them
    // than invalid bytes; a UTF-8 file with a pasted cp1252 row has many valid sequences.
    if valid_multibyte == 0 || valid_multibyte < invalid {
        let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
        return Decoded {
            text: Cow::Owned(text.into_owned()),
            encoding: WINDOWS_1252.name(),
            repaired: Vec::new(),
        };
    }
    mixed(bytes)
}

/// Count valid multi-byte UTF-8 characters and invalid byte runs.
fn census(mut bytes: &[u8]) -> (usize, usize) {
    let (mut valid, mut invalid) = (0, 0);
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => return (valid + s.chars().filter(|c| !c.is_ascii()).count(), invalid),
            Err(e) => {
                let (good, bad) = bytes.split_at(e.valid_up_to());
                // `good` is valid by the error's own contract; count its non-ASCII characters.
                valid += std::str::from_utf8(good)
                    .map(|s| s.chars().filter(|c| !c.is_ascii()).count())
                    .unwrap_or(0);
                match e.error_len() {
                    Some(n) => {
                        invalid += 1;
                        bytes = &bad[n..];
                    }
                    // Truncated sequence at the very end (a sniffing window): not an error.
                    None => return (valid, invalid),
                }
            }
        }
    }
}

/// UTF-8 with the invalid bytes read as Windows-1252, one repair entry per affected line.
fn mixed(mut bytes: &[u8]) -> Decoded<'static> {
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut repaired: Vec<(u32, Vec<u8>)> = Vec::new();
    let mut line: u32 = 1;
    let mut counted = 0; // bytes of `text` already scanned for newlines
    loop {
        let (good, bad, len) = match std::str::from_utf8(bytes) {
            Ok(s) => (s, &[][..], 0),
            Err(e) => {
                let (g, b) = bytes.split_at(e.valid_up_to());
                let good = std::str::from_utf8(g).unwrap_or_default();
                (good, b, e.error_len().unwrap_or(b.len()))
            }
        };
        text.push_str(good);
        if len == 0 {
            break;
        }
        let n = super::header::breaks(text.as_bytes(), counted, text.len());
        line = line.saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
        counted = text.len();
        let (invalid, rest) = bad.split_at(len);
        let (fixed, _) = WINDOWS_1252.decode_without_bom_handling(invalid);
        text.push_str(&fixed);
        match repaired.last_mut() {
            Some((l, b)) if *l == line => b.extend_from_slice(invalid),
            _ => repaired.push((line, invalid.to_vec())),
        }
        bytes = rest;
    }
    Decoded {
        text: Cow::Owned(text),
        encoding: "UTF-8",
        repaired,
    }
}

/// Whether decoded text looks like binary data rather than a table: a NUL, or more than 1 in
/// 20 characters being control characters (other than TAB, CR, LF) in the first 8 KiB.
pub(super) fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars().take(8192) {
        total += 1;
        if c == '\0' {
            return true;
        }
        let is_control = (c.is_control() && !matches!(c, '\t' | '\r' | '\n')) || c == '\u{FFFD}';
        if is_control {
            control += 1;
        }
    }
    total > 0 && control * 20 > total
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (bytes, expected text, expected encoding)
    const CASES: &[(&[u8], &str, &str)] = &[
        (b"Naam,Mail\n", "Naam,Mail\n", "UTF-8"),
        (b"\xEF\xBB\xBFNaam\n", "Naam\n", "UTF-8"),
        (b"Zo\xC3\xAB\n", "Zo\u{eb}\n", "UTF-8"),
        // Dutch Outlook: cp1252 `ë` and `é`.
        (
            b"Categorie\xEBn;Priv\xE9\n",
            "Categorie\u{eb}n;Priv\u{e9}\n",
            "windows-1252",
        ),
        (b"\xFF\xFEN\x00a\x00\n\x00", "Na\n", "UTF-16LE"),
        (b"\xFE\xFF\x00N\x00a\x00\n", "Na\n", "UTF-16BE"),
        (b"N\x00a\x00m\x00\n\x00", "Nam\n", "UTF-16LE"),
        (b"\x00N\x00a\x00m\x00\n", "Nam\n", "UTF-16BE"),
        // Mostly UTF-8, one stray cp1252 byte: only that byte is repaired.
        (
            b"Zo\xC3\xAB\nJos\xC3\xA9\nChlo\xEB\n",
            "Zo\u{eb}\nJos\u{e9}\nChlo\u{eb}\n",
            "UTF-8",
        ),
    ];

    #[test]
    fn decodes_each_case() {
        for (bytes, text, enc) in CASES {
            let d = decode(bytes);
            assert_eq!(d.text, *text, "case {bytes:?}");
            assert_eq!(d.encoding, *enc, "case {bytes:?}");
        }
    }

    #[test]
    fn mixed_reports_the_repaired_line() {
        let d = decode(b"a\nZo\xC3\xAB\nJos\xC3\xA9\nChlo\xEB en Bj\xF6rn\n");
        assert_eq!(d.repaired, vec![(4, vec![0xEB, 0xF6])]);
    }

    #[test]
    fn truncated_utf8_at_the_end_is_not_cp1252() {
        // A sniffing window that cuts `ë` in half.
        let d = decode(b"Zo\xC3\xAB,Zo\xC3");
        assert_eq!(d.encoding, "UTF-8");
    }

    const BINARY: &[(&str, bool)] = &[
        ("Naam,Mail\nJan,jan@x.nl\n", false),
        ("a\tb\r\n", false),
        ("PK\u{3}\u{4}\u{14}\0\u{8}", true),
        ("\u{1}\u{2}\u{3}\u{4}abc", true),
        ("", false),
    ];

    #[test]
    fn recognises_binary() {
        for (text, binary) in BINARY {
            assert_eq!(looks_binary(text), *binary, "case {text:?}");
        }
    }
}
