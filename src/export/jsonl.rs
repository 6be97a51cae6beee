//! JSON Lines export: one [`Merged`](crate::dedup::merge::Merged) per line.
//!
//! In: persons. Out: for each person, in the given order, its merged view as one line of JSON
//! (UTF-8, no pretty-printing, `\n` after every line). The keys and their order are the
//! contract in DESIGN.md; the keys added after `encounters` are documented in
//! [`crate::dedup::merge`]. Newlines inside values are escaped by JSON, and U+2028, U+2029
//! and C1 controls are escaped here, so a line is always one person.

use std::io;

use crate::dedup::merge::merge;
use crate::model::Person;

/// Write one line per person.
pub fn write(persons: &[Person], out: &mut impl io::Write) -> io::Result<()> {
    for person in persons {
        let line = serde_json::to_string(&merge(person))?;
        out.write_all(escape_line_breaks(&line).as_bytes())?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// JSON escapes only C0 controls; U+2028, U+2029 and the C1 controls (NEL, U+0085) are left raw,
/// and many line readers (Python's `splitlines`, JavaScript before ES2019, terminals for C1)
/// break a line there or act on them. Outside strings JSON holds none of them, so writing each
/// as `\uXXXX` is lossless and keeps one person per line for every reader (HARDENING.md).
pub fn escape_line_breaks(line: &str) -> std::borrow::Cow<'_, str> {
    let risky = |c: char| matches!(c, '\u{2028}' | '\u{2029}' | '\u{80}'..='\u{9f}');
    if !line.contains(risky) {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 16);
    for c in line.chars() {
        if risky(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASES: &[(&str, &str)] = &[
        ("{\"a\":\"b\"}", "{\"a\":\"b\"}"),
        (
            "{\"a\":\"x\u{2028}y\u{2029}z\"}",
            "{\"a\":\"x\\u2028y\\u2029z\"}",
        ),
        (
            "{\"a\":\"nel\u{85}csi\u{9b}\"}",
            "{\"a\":\"nel\\u0085csi\\u009b\"}",
        ),
        ("{\"a\":\"Zo\u{eb} \u{a0}\"}", "{\"a\":\"Zo\u{eb} \u{a0}\"}"),
    ];

    #[test]
    fn line_breaking_characters_are_escaped_losslessly() {
        for (line, want) in CASES {
            let got = escape_line_breaks(line);
            assert_eq!(got, *want, "case {line:?}");
            let a: serde_json::Value = serde_json::from_str(line).expect("input is JSON");
            let b: serde_json::Value = serde_json::from_str(&got).expect("output is JSON");
            assert_eq!(a, b, "case {line:?}: same value");
        }
    }
}
