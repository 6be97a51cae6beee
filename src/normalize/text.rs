//! Plain-text clean-up shared by every field.
//!
//! In: any string a reader produced. Out: the same text in Unicode NFC, trimmed, with every run
//! of whitespace (tabs, newlines, no-break spaces) collapsed to one space and control and
//! invisible format characters dropped ([`clean`]); or, for notes, the same per line with the
//! line breaks kept ([`clean_multiline`]). Also the folding used for matching keys ([`fold`])
//! and the emoji stripping used for names ([`strip_emoji`]).
//!
//! It does not change case or spelling: that is each field's own business.

use std::borrow::Cow;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Characters that are invisible and carry no meaning in contact data: the byte order mark,
/// zero-width space and the soft hyphen. (Zero-width joiners are kept here because some
/// scripts need them; [`strip_emoji`] drops them from names.)
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c, '\u{feff}' | '\u{200b}' | '\u{00ad}' | '\u{2060}')
}

/// True when `s` already is what [`clean`] would return, checked cheaply for plain ASCII so
/// that the common case costs no allocation beyond the copy.
fn is_clean_ascii(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    let mut prev_space = false;
    for &c in b {
        if !(0x20..0x7f).contains(&c) {
            return false;
        }
        let space = c == b' ';
        if space && prev_space {
            return false;
        }
        prev_space = space;
    }
    true
}

/// NFC, trimmed, inner whitespace collapsed to single spaces, control characters dropped.
pub fn clean(s: &str) -> String {
    if is_clean_ascii(s) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if c.is_control() || is_invisible(c) {
            // Dropped without a trace (TAB, CR and LF are whitespace and handled above).
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    nfc(out)
}

/// Like [`clean`], per line, keeping line breaks: notes and formatted addresses hold
/// paragraphs (FORMATS.md), and collapsing them into one line would lose that. CR LF and lone
/// CR become LF, blank lines at the ends are dropped and runs of blank lines become one.
pub fn clean_multiline(s: &str) -> String {
    if !s.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
        return clean(s);
    }
    let s = s.replace("\r\n", "\n");
    let mut out = String::with_capacity(s.len());
    let mut blank_run = false;
    for line in s.split(['\n', '\r', '\u{2028}', '\u{2029}']) {
        let line = clean(line);
        if line.is_empty() {
            blank_run = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank_run {
                out.push('\n');
            }
        }
        blank_run = false;
        out.push_str(&line);
    }
    out
}

pub(crate) fn nfc(s: String) -> String {
    if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s
    } else {
        s.nfc().collect()
    }
}

/// Pictographs, flags, dingbats, variation selectors, skin tones, keycaps and the joiners
/// between them: what LinkedIn users put after their names (`Anna 🌍`, `Jan 🇳🇱`).
pub fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF   // pictographs, emoticons, transport, flags (regional indicators), skin tones
        | 0x2600..=0x27BF   // miscellaneous symbols and dingbats
        | 0x2B00..=0x2BFF   // arrows and stars (⭐)
        | 0x2300..=0x23FF   // technical symbols (⌚, ⏰)
        | 0x2190..=0x21FF   // arrows
        | 0x25A0..=0x25FF   // geometric shapes
        | 0xFE00..=0xFE0F   // variation selectors
        | 0x200D            // zero-width joiner
        | 0x20E3            // combining keycap
        | 0xE0000..=0xE007F // tags (subdivision flags)
        | 0x2122 | 0x2139 | 0x24C2 | 0x3030 | 0x303D | 0x3297 | 0x3299 | 0x00A9 | 0x00AE)
}

/// `s` without emoji (see [`is_emoji`]), cleaned again where something was taken out.
pub fn strip_emoji(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || !s.chars().any(is_emoji) {
        return Cow::Borrowed(s);
    }
    let stripped: String = s.chars().filter(|&c| !is_emoji(c)).collect();
    Cow::Owned(clean(&stripped))
}

/// The matching form of a text: accents folded to ASCII (deunicode), lower-case, letters and
/// digits only; separators (whitespace, `-`, `/`, `&`, `+`, `_`, `,`, `;`, `:`, `|`) become one
/// space, other punctuation is dropped (`A.B.C.` → `abc`).
pub fn fold(s: &str) -> String {
    let ascii: Cow<'_, str> = if s.is_ascii() {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(deunicode::deunicode(s))
    };
    let mut out = String::with_capacity(ascii.len());
    let mut pending_space = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c.to_ascii_lowercase());
        } else if c.is_whitespace()
            || matches!(c, '-' | '/' | '&' | '+' | '_' | ',' | ';' | ':' | '|')
        {
            pending_space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLEAN: &[(&str, &str)] = &[
        ("Jan", "Jan"),
        ("  Jan  ", "Jan"),
        ("Jan\t\t", "Jan"),
        ("Jan   van  der\tBerg", "Jan van der Berg"),
        ("Jan\u{a0}de Vries", "Jan de Vries"),
        ("Jan\r\nde Vries", "Jan de Vries"),
        ("\u{feff}Jan", "Jan"),
        ("Ja\u{0}n", "Jan"),
        ("Ja\u{7}n", "Jan"),
        // NFD "Coöperatie" (o + combining diaeresis) becomes NFC.
        ("Coo\u{308}peratie", "Coöperatie"),
        ("Rene\u{301}", "René"),
        ("", ""),
        ("   ", ""),
    ];

    #[test]
    fn clean_cases() {
        for (input, want) in CLEAN {
            assert_eq!(clean(input), *want, "clean({input:?})");
            assert_eq!(clean(want), *want, "clean is idempotent on {want:?}");
        }
    }

    const MULTILINE: &[(&str, &str)] = &[
        ("one line", "one line"),
        ("Line 1\r\nLine 2", "Line 1\nLine 2"),
        ("\n\nLine 1\n\n\n\nLine 2\n\n", "Line 1\n\nLine 2"),
        ("  a  b \n c ", "a b\nc"),
        ("Para 1\r\n\r\nPara 2", "Para 1\n\nPara 2"),
    ];

    #[test]
    fn multiline_cases() {
        for (input, want) in MULTILINE {
            assert_eq!(clean_multiline(input), *want, "clean_multiline({input:?})");
            assert_eq!(clean_multiline(want), *want, "idempotent on {want:?}");
        }
    }

    const EMOJI: &[(&str, &str)] = &[
        ("Anna 🌍", "Anna"),
        ("Jan 🇳🇱 de Vries", "Jan de Vries"),
        ("👩‍💻 Eva", "Eva"),
        ("Piet ⭐️", "Piet"),
        ("Zoë", "Zoë"),
        ("Jan", "Jan"),
    ];

    #[test]
    fn emoji_cases() {
        for (input, want) in EMOJI {
            assert_eq!(strip_emoji(input), *want, "strip_emoji({input:?})");
        }
    }

    const FOLD: &[(&str, &str)] = &[
        ("Coöperatie", "cooperatie"),
        ("A.B.C. Holding", "abc holding"),
        ("Jansen-de Vries", "jansen de vries"),
        ("AT&T", "at t"),
        ("  Ünïcödé  ", "unicode"),
        ("Procter & Gamble", "procter gamble"),
    ];

    #[test]
    fn fold_cases() {
        for (input, want) in FOLD {
            assert_eq!(fold(input), *want, "fold({input:?})");
        }
    }
}
