//! Text decoding for the vCard reader: bytes in, Unicode text out.
//!
//! In: the bytes of a whole file, or the bytes of one property value with its `CHARSET=` and
//! `ENCODING=` parameters. Out: UTF-8 text plus, where something was guessed or replaced, a
//! short lower-case message for a warning. Also the small text helpers the reader shares:
//! quoted-printable, vCard unescaping, splitting of structured values.
//!
//! It does not split lines or cards (see `prepass`) and never fails: undecodable bytes become
//! U+FFFD and a message, so that one bad byte never costs a whole card.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use std::borrow::Cow;
use std::ops::Range;

/// A whole file as text.
pub(super) struct FileText<'a> {
    /// UTF-8, or (for files without a UTF-16 signature) the bytes as they were, where single
    /// properties may still be in another charset.
    pub bytes: Cow<'a, [u8]>,
    /// The file was UTF-16: its text is Unicode already, so `CHARSET=` parameters on raw
    /// values describe nothing any more.
    pub from_utf16: bool,
    /// Set when the UTF-16 held invalid sequences (replaced by U+FFFD).
    pub problem: Option<String>,
}

/// Strip a UTF-8 BOM, or decode UTF-16 (LE or BE, with or without BOM) into UTF-8.
/// Everything else is passed through untouched: single properties may carry their own
/// `CHARSET=`, so a file-wide decode would be wrong.
pub(super) fn file_text(bytes: &[u8]) -> FileText<'_> {
    let utf16 = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return FileText {
            bytes: Cow::Borrowed(rest),
            from_utf16: false,
            problem: None,
        };
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        Some((rest, UTF_16LE))
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        Some((rest, UTF_16BE))
    } else {
        utf16_without_bom(bytes).map(|enc| (bytes, enc))
    };
    match utf16 {
        Some((rest, enc)) => {
            let (text, had_errors) = enc.decode_without_bom_handling(rest);
            FileText {
                bytes: Cow::Owned(text.into_owned().into_bytes()),
                from_utf16: true,
                problem: had_errors.then(|| format!("invalid {} sequences replaced", enc.name())),
            }
        }
        None => FileText {
            bytes: Cow::Borrowed(bytes),
            from_utf16: false,
            problem: None,
        },
    }
}

/// Apple Contacts writes UTF-16BE without a BOM (first bytes `00 42 00 45`). A vCard starts
/// with ASCII (`BEGIN:VCARD`), so in UTF-16 one byte of nearly every leading pair is zero.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let pairs: Vec<(u8, u8)> = bytes
        .chunks_exact(2)
        .take(32)
        .map(|p| (p[0], p[1]))
        .collect();
    if pairs.len() < 4 {
        return None;
    }
    let big = pairs.iter().filter(|(a, b)| *a == 0 && *b != 0).count();
    let little = pairs.iter().filter(|(a, b)| *a != 0 && *b == 0).count();
    // 80 %: tolerate a few non-ASCII characters among the first 32.
    if big * 10 >= pairs.len() * 8 {
        Some(UTF_16BE)
    } else if little * 10 >= pairs.len() * 8 {
        Some(UTF_16LE)
    } else {
        None
    }
}

/// One value decoded to text.
pub(super) struct Decoded<'a> {
    pub text: Cow<'a, str>,
    /// The encoding the bytes were read with (for decoding the raw record the same way).
    pub encoding: &'static Encoding,
    pub warning: Option<String>,
}

/// Decode the bytes of one value. `charset` is the `CHARSET=` parameter as written, if any.
///
/// - ASCII needs nothing.
/// - A declared charset wins, except that a value which is valid UTF-8 but declared as
///   US-ASCII, ISO-8859-1 or windows-1252 is read as UTF-8: editors re-save files as UTF-8
///   and leave the parameter behind, while valid multi-byte UTF-8 in real Latin-1 text is
///   next to impossible.
/// - Without a charset: UTF-8 when valid, else windows-1252 (some clients write
///   quoted-printable or raw bytes in the Windows code page with no CHARSET), with a warning.
pub(super) fn value_text<'a>(bytes: &'a [u8], charset: Option<&[u8]>) -> Decoded<'a> {
    if bytes.is_ascii() {
        if let Ok(text) = std::str::from_utf8(bytes) {
            return Decoded {
                text: Cow::Borrowed(text),
                encoding: UTF_8,
                warning: None,
            };
        }
    }
    let mut warning = None;
    let declared = match charset {
        Some(label) => match Encoding::for_label(unquote(label)) {
            Some(enc) => Some(enc),
            None => {
                warning = Some(format!(
                    "unknown CHARSET {:?}, read as UTF-8 or windows-1252",
                    String::from_utf8_lossy(label)
                ));
                None
            }
        },
        None => None,
    };
    let utf8 = std::str::from_utf8(bytes).ok();
    match (declared, utf8) {
        (None, Some(text)) => Decoded {
            text: Cow::Borrowed(text),
            encoding: UTF_8,
            warning,
        },
        (Some(enc), Some(text)) if enc == UTF_8 || enc == WINDOWS_1252 => Decoded {
            text: Cow::Borrowed(text),
            encoding: UTF_8,
            warning,
        },
        (None, None) => {
            let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
            Decoded {
                text,
                encoding: WINDOWS_1252,
                warning: warning.or_else(|| {
                    Some("not valid UTF-8 and no CHARSET, read as windows-1252".to_string())
                }),
            }
        }
        (Some(enc), _) => {
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            Decoded {
                text,
                encoding: enc,
                warning: had_errors
                    .then(|| format!("bytes that are not valid {} replaced by U+FFFD", enc.name())),
            }
        }
    }
}

fn unquote(s: &[u8]) -> &[u8] {
    let s = s.trim_ascii();
    s.strip_prefix(b"\"")
        .and_then(|s| s.strip_suffix(b"\""))
        .unwrap_or(s)
}

/// Decode quoted-printable. Soft line breaks were joined by the pre-pass; a `=` left at the
/// very end is one more soft break. An `=` not followed by two hex digits is kept as written
/// and returned as the first bad escape, for a warning.
pub(super) fn quoted_printable(input: &[u8]) -> (Vec<u8>, Option<String>) {
    let mut out = Vec::with_capacity(input.len());
    let mut bad = None;
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        if b != b'=' {
            out.push(b);
            i += 1;
            continue;
        }
        if i + 1 == input.len() {
            break;
        }
        match (
            input.get(i + 1).and_then(|h| hex(*h)),
            input.get(i + 2).and_then(|l| hex(*l)),
        ) {
            (Some(h), Some(l)) => {
                out.push(h << 4 | l);
                i += 3;
            }
            _ => {
                if bad.is_none() {
                    let end = (i + 3).min(input.len());
                    bad = Some(String::from_utf8_lossy(&input[i..end]).into_owned());
                }
                out.push(b'=');
                i += 1;
            }
        }
    }
    (out, bad)
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

/// Line breaks inside a decoded quoted-printable value become the vCard escape `\n`, so the
/// value fits on one content line again.
pub(super) fn escape_line_breaks(text: &str) -> Cow<'_, str> {
    if !text.contains(['\r', '\n']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Undo vCard escapes: `\n` and `\N` are a line break, `\x` is `x` (so `\,` `\;` `\:` `\\`).
/// A lone backslash at the end stays.
pub(super) fn unescape(text: &str) -> Cow<'_, str> {
    if !text.contains('\\') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    Cow::Owned(out)
}

/// Split a structured value at the `;` that are not escaped, and unescape each part.
pub(super) fn split_structured(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            ';' => {
                parts.push(unescape(&text[start..i]).into_owned());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(unescape(&text[start..]).into_owned());
    parts
}

/// Decode part of the file for a record's raw text. `overrides` (sorted, inside `span`) are the
/// properties whose raw bytes were read in another charset; the rest is UTF-8, with invalid
/// bytes replaced.
pub(super) fn span_text(
    text: &[u8],
    span: Range<usize>,
    overrides: &[(Range<usize>, &'static Encoding)],
) -> String {
    let bytes = &text[span.clone()];
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    let mut out = String::with_capacity(bytes.len() + 16);
    let mut pos = span.start;
    for (range, enc) in overrides {
        if range.start < pos || range.end > span.end {
            continue;
        }
        out.push_str(&utf8_text(&text[pos..range.start]));
        out.push_str(&enc.decode_without_bom_handling(&text[range.clone()]).0);
        pos = range.end;
    }
    out.push_str(&utf8_text(&text[pos..span.end]));
    out
}

/// UTF-8 text of raw lines. RFC 6350 lets a fold split a multi-byte character; such a fold
/// moves to the end of that character, so the raw text keeps the character (and the fold).
/// Other invalid bytes become U+FFFD.
fn utf8_text(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Cow::Borrowed(text);
    }
    let mended = mend_split_characters(bytes);
    Cow::Owned(String::from_utf8_lossy(&mended).into_owned())
}

/// Re-cut every folded line at character boundaries: each fold moves forward to the end of
/// the character it splits. Lines that are not valid UTF-8 even unfolded stay as they are.
fn mend_split_characters(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    // The current logical line unfolded, and its folds (position in it, line break + blank).
    let mut content: Vec<u8> = Vec::new();
    let mut folds: Vec<(usize, &[u8])> = Vec::new();
    let mut i = 0;
    loop {
        let end = bytes[i..]
            .iter()
            .position(|&b| b == b'\r' || b == b'\n')
            .map_or(bytes.len(), |at| i + at);
        let crs = bytes[end..].iter().take_while(|&&b| b == b'\r').count();
        let next = match bytes.get(end + crs) {
            Some(b'\n') => end + crs + 1,
            _ => (end + 1).min(bytes.len()),
        };
        content.extend_from_slice(&bytes[i..end]);
        if let Some(b' ' | b'\t') = bytes.get(next) {
            folds.push((content.len(), &bytes[end..next + 1]));
            i = next + 1;
            continue;
        }
        refold(&mut out, &content, &folds);
        content.clear();
        folds.clear();
        out.extend_from_slice(&bytes[end..next]);
        if next >= bytes.len() {
            return out;
        }
        i = next;
    }
}

fn refold(out: &mut Vec<u8>, content: &[u8], folds: &[(usize, &[u8])]) {
    let text = std::str::from_utf8(content).ok();
    let mut last = 0;
    for &(at, fold) in folds {
        let mut at = at.max(last);
        if let Some(text) = text {
            while !text.is_char_boundary(at) {
                at += 1;
            }
        }
        out.extend_from_slice(&content[last..at]);
        out.extend_from_slice(fold);
        last = at;
    }
    out.extend_from_slice(&content[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_cases() {
        const CASES: &[(&str, &str, Option<&str>)] = &[
            ("=C3=91=20=C3=91", "Ñ Ñ", None),
            (
                "100 Waters Edge=0D=0ABaytown",
                "100 Waters Edge\r\nBaytown",
                None,
            ),
            ("lower =c3=ab case", "lower ë case", None),
            ("trailing soft break=", "trailing soft break", None),
            ("bad =G1 escape", "bad =G1 escape", Some("=G1")),
            ("cut at the end =4", "cut at the end =4", Some("=4")),
            ("no escapes at all", "no escapes at all", None),
        ];
        for (input, want, want_bad) in CASES {
            let (bytes, bad) = quoted_printable(input.as_bytes());
            assert_eq!(String::from_utf8_lossy(&bytes), *want, "case {input:?}");
            assert_eq!(bad.as_deref(), *want_bad, "case {input:?}");
        }
    }

    #[test]
    fn unescape_cases() {
        const CASES: &[(&str, &str)] = &[
            (r"plain", "plain"),
            (r"Doe\, John", "Doe, John"),
            (r"a\;b", "a;b"),
            (r"line 1\nline 2\Nline 3", "line 1\nline 2\nline 3"),
            (r"http\://example.nl", "http://example.nl"),
            (r"back\\slash", r"back\slash"),
            (r"ends in \", r"ends in \"),
        ];
        for (input, want) in CASES {
            assert_eq!(unescape(input), *want, "case {input:?}");
        }
    }

    #[test]
    fn split_structured_cases() {
        const CASES: &[(&str, &[&str])] = &[
            ("a;b;c", &["a", "b", "c"]),
            (r"a\;b;c", &["a;b", "c"]),
            (
                r"vnd.android.cursor.item/nickname;Nick;1;;",
                &["vnd.android.cursor.item/nickname", "Nick", "1", "", ""],
            ),
            ("", &[""]),
            (r"ends\\;x", &[r"ends\", "x"]),
        ];
        for (input, want) in CASES {
            assert_eq!(split_structured(input), *want, "case {input:?}");
        }
    }

    #[test]
    fn value_text_cases() {
        // (bytes, charset, text, warns)
        let cases: &[(&[u8], Option<&str>, &str, bool)] = &[
            (b"ascii", None, "ascii", false),
            ("Zoë".as_bytes(), None, "Zoë", false),
            (b"Zo\xEB", None, "Zoë", true),
            (b"Zo\xEB", Some("ISO-8859-1"), "Zoë", false),
            (b"Zo\xEB", Some("iso-8859-1"), "Zoë", false),
            (b"\x80 euro", Some("cp1252"), "€ euro", false),
            ("Zoë".as_bytes(), Some("ISO-8859-1"), "Zoë", false),
            (b"\x88\xc0\x93\xa1", Some("SHIFT_JIS"), "安藤", false),
            (b"Zo\xEB", Some("UTF-8"), "Zo\u{FFFD}", true),
            (b"Zo\xEB", Some("no-such-charset"), "Zoë", true),
        ];
        for (bytes, charset, want, warns) in cases {
            let got = value_text(bytes, charset.map(str::as_bytes));
            assert_eq!(got.text, *want, "case {bytes:?} {charset:?}");
            assert_eq!(got.warning.is_some(), *warns, "case {bytes:?} {charset:?}");
        }
    }

    #[test]
    fn file_text_detects_utf16() {
        let text = "BEGIN:VCARD\r\nFN:Zoë\r\nEND:VCARD\r\n";
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let mut le_bom = vec![0xFF, 0xFE];
        le_bom.extend_from_slice(&le);
        let mut be_bom = vec![0xFE, 0xFF];
        be_bom.extend_from_slice(&be);
        let mut utf8_bom = b"\xEF\xBB\xBF".to_vec();
        utf8_bom.extend_from_slice(text.as_bytes());
        let cases: &[(&str, &[u8], bool)] = &[
            ("utf-16be without bom", &be, true),
            ("utf-16le without bom", &le, true),
            ("utf-16le with bom", &le_bom, true),
            ("utf-16be with bom", &be_bom, true),
            ("utf-8 with bom", &utf8_bom, false),
            ("utf-8", text.as_bytes(), false),
        ];
        for (name, bytes, utf16) in cases {
            let got = file_text(bytes);
            assert_eq!(got.bytes.as_ref(), text.as_bytes(), "case {name}");
            assert_eq!(got.from_utf16, *utf16, "case {name}");
        }
    }

    #[test]
    fn split_characters_are_mended() {
        const CASES: &[(&[u8], &str)] = &[
            (b"NOTE:Zo\xC3\r\n \xABe\r\n", "NOTE:Zoë\r\n e\r\n"),
            (b"NOTE:\xE2\x82\r\r\n \xACx", "NOTE:€\r\r\n x"),
            (b"NOTE:\xE2\r\n\t\x82\xAC", "NOTE:€\r\n\t"),
            (b"N:\xE2\n \x82\n \xAC\nX:1", "N:€\n \n \nX:1"),
            // Not a fold, or not the rest of the character: replaced, nothing moved.
            (b"NOTE:Zo\xC3\r\nX:\xAB", "NOTE:Zo\u{FFFD}\r\nX:\u{FFFD}"),
            (b"NOTE:Zo\xC3\r\n x", "NOTE:Zo\u{FFFD}\r\n x"),
        ];
        for (input, want) in CASES {
            assert_eq!(utf8_text(input), *want, "case {input:?}");
        }
    }

    #[test]
    fn span_text_uses_overrides() {
        let text = b"FN:Zo\xEB\r\nN;CHARSET=SHIFT_JIS:\x88\xc0\r\n";
        let got = span_text(
            text,
            0..text.len(),
            &[(8..text.len(), encoding_rs::SHIFT_JIS)],
        );
        assert_eq!(got, "FN:Zo\u{FFFD}\r\nN;CHARSET=SHIFT_JIS:安\r\n");
    }
}
