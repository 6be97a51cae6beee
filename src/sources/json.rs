//! Facebook friends export (JSON), with its mojibake repaired.
//!
//! In: the bytes of `your_friends.json` / `friends.json` (any file name: the shape decides).
//! Out: one [`RawContact`] per friend with the name, the friendship timestamp as
//! `connected_on` (Unix seconds, as written), and `contact_info` where older exports give it.
//! Each record's `raw` is the friend's JSON object exactly as written, and its `line` the line
//! where that object starts: a small scanner finds the byte span of every array element, so one
//! malformed element is rejected alone.
//!
//! Facebook writes every string as UTF-8 bytes escaped one by one (`"H\u00c3\u00a5kan"` is
//! `Håkan`): when every character of a string is at most U+00FF, the characters are taken as
//! bytes and decoded as UTF-8; the original is kept when that is not valid UTF-8 (FORMATS.md).
//! Instagram exports (handles only) and other JSON shapes are rejected as a whole, with a reason.

use crate::diag::Diagnostic;
use crate::model::{Labeled, RawContact, Source, SourceKind};
use crate::sources::FileRead;
use serde_json::Value;

/// The keys under which Facebook exports have kept the friends list.
const FRIEND_KEYS: &[&str] = &[
    "friends_v2",
    "friends",
    "received_requests_v2",
    "sent_requests_v2",
];

/// Read one JSON file.
pub fn read(path: &str, bytes: &[u8]) -> FileRead {
    let mut out = FileRead::new(SourceKind::JsonFacebook);
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let line = line_of(bytes, err.valid_up_to());
            out.diagnostics.push(Diagnostic::new(
                path,
                Some(line),
                crate::diag::Severity::FileRejected,
                format!(
                    "not UTF-8 JSON (invalid byte at offset {})",
                    err.valid_up_to()
                ),
            ));
            return out;
        }
    };
    let Some(array) = find_friend_array(text) else {
        let what = match serde_json::from_str::<serde::de::IgnoredAny>(text) {
            Err(err) => {
                out.diagnostics.push(Diagnostic::new(
                    path,
                    Some(u32::try_from(err.line()).unwrap_or(u32::MAX)),
                    crate::diag::Severity::FileRejected,
                    format!("invalid JSON: {err}"),
                ));
                return out;
            }
            Ok(_) => "JSON shape not recognised (expected a Facebook friends export with \"friends_v2\" or \"friends\")",
        };
        out.diagnostics.push(Diagnostic::file(path, what));
        return out;
    };
    let spans = match element_spans(text, array) {
        Ok(spans) => spans,
        Err(at) => {
            out.diagnostics.push(Diagnostic::new(
                path,
                Some(line_of(text.as_bytes(), at)),
                crate::diag::Severity::FileRejected,
                "unterminated JSON array of friends",
            ));
            return out;
        }
    };
    for (ordinal, (start, end)) in spans.into_iter().enumerate() {
        let raw = &text[start..end];
        let source = Source {
            path: path.to_string(),
            kind: SourceKind::JsonFacebook,
            record: u32::try_from(ordinal + 1).unwrap_or(u32::MAX),
            line: Some(line_of(text.as_bytes(), start)),
        };
        match serde_json::from_str::<Value>(raw) {
            Ok(Value::Object(map)) => {
                let mut contact = RawContact::new(source.clone(), raw);
                for (key, value) in &map {
                    match (key.as_str(), value) {
                        ("name", Value::String(s)) => contact.name.full = non_empty(repair(s)),
                        ("timestamp", Value::Number(n)) => {
                            contact.connected_on = Some(n.to_string())
                        }
                        ("contact_info", Value::String(s)) => {
                            let s = repair(s);
                            if s.contains('@') {
                                contact.emails.push(Labeled::new(s));
                            } else if !s.trim().is_empty() {
                                contact.phones.push(Labeled::new(s));
                            }
                        }
                        (_, Value::String(s)) => contact.extra.push((key.clone(), repair(s))),
                        (_, other) => contact.extra.push((key.clone(), other.to_string())),
                    }
                }
                if contact.is_empty() {
                    out.reject(source, raw, "friend without a name");
                } else {
                    out.contacts.push(contact);
                }
            }
            Ok(_) => out.reject(source, raw, "friend entry is not a JSON object"),
            Err(err) => out.reject(source, raw, format!("invalid JSON: {err}")),
        }
    }
    out
}

fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Undo Facebook's byte-per-character escaping (see the module docs).
pub fn repair(s: &str) -> String {
    if s.is_ascii() || s.chars().any(|c| u32::from(c) > 0xFF) {
        return s.to_string();
    }
    let bytes: Vec<u8> = s.chars().map(|c| c as u8).collect();
    match String::from_utf8(bytes) {
        Ok(fixed) => fixed,
        Err(_) => s.to_string(),
    }
}

/// 1-based line of a byte offset.
fn line_of(bytes: &[u8], offset: usize) -> u32 {
    let n = bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count();
    u32::try_from(n + 1).unwrap_or(u32::MAX)
}

/// The byte offset of the `[` of the friends array: a top-level object key from
/// [`FRIEND_KEYS`], or a top-level array of objects with a `name`.
fn find_friend_array(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    match b.get(i)? {
        b'[' => {
            let v: Value = serde_json::from_str(text).ok()?;
            let looks_right = v
                .as_array()
                .is_some_and(|a| a.iter().any(|e| e.get("name").is_some()));
            looks_right.then_some(i)
        }
        b'{' => {
            i += 1;
            loop {
                i = skip_ws(b, i);
                if *b.get(i)? != b'"' {
                    return None;
                }
                let key_end = scan_string(b, i)?;
                let key: String = serde_json::from_str(&text[i..key_end]).ok()?;
                i = skip_ws(b, key_end);
                if *b.get(i)? != b':' {
                    return None;
                }
                i = skip_ws(b, i + 1);
                if FRIEND_KEYS.contains(&key.as_str()) && *b.get(i)? == b'[' {
                    return Some(i);
                }
                i = scan_value(b, i)?;
                i = skip_ws(b, i);
                match b.get(i)? {
                    b',' => i += 1,
                    _ => return None,
                }
            }
        }
        _ => None,
    }
}

/// The byte spans of the elements of the array starting at `open` (a `[`). `Err(offset)` when
/// the array is not terminated.
fn element_spans(text: &str, open: usize) -> Result<Vec<(usize, usize)>, usize> {
    let b = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = skip_ws(b, open + 1);
    if b.get(i) == Some(&b']') {
        return Ok(spans);
    }
    loop {
        let start = skip_ws(b, i);
        let end = scan_value(b, start).ok_or(start)?;
        spans.push((start, end));
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i += 1,
            Some(b']') => return Ok(spans),
            _ => return Err(i),
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// End (exclusive) of the string starting at `i` (a `"`).
fn scan_string(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while let Some(c) = b.get(j) {
        match c {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

/// End (exclusive) of the JSON value starting at `i`: strings and brackets are matched, scalars
/// run to the next delimiter. Validity is left to serde_json.
fn scan_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => scan_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while let Some(c) = b.get(j) {
                match c {
                    b'"' => {
                        j = scan_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while b
                .get(j)
                .is_some_and(|c| !matches!(c, b',' | b']' | b'}') && !c.is_ascii_whitespace())
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPAIRS: &[(&str, &str)] = &[
        ("H\u{00c3}\u{00a5}kan", "Håkan"),
        ("Jan", "Jan"),
        ("Jos\u{00c3}\u{00a9} \u{00c3}\u{0096}zil", "José Özil"),
        // Already correct text with a character above U+00FF stays.
        ("Zoë ☀", "Zoë ☀"),
        // Latin-1 text that is not UTF-8 when taken as bytes stays.
        ("Zoë", "Zoë"),
    ];

    #[test]
    fn repairs_mojibake() {
        for (input, want) in REPAIRS {
            assert_eq!(repair(input), *want, "case {input:?}");
        }
    }

    #[test]
    fn reads_friends_with_lines_and_rejects_bad_entries() {
        let text = "{\n  \"friends_v2\": [\n    {\"name\": \"H\\u00c3\\u00a5kan de Vries\", \"timestamp\": 1772926883},\n    {\"timestamp\": 1},\n    {\"name\": \"Eva\", \"timestamp\": 1500000000}\n  ]\n}\n";
        let read = read("fb.json", text.as_bytes());
        assert_eq!(read.contacts.len(), 2);
        assert_eq!(
            read.contacts[0].name.full.as_deref(),
            Some("Håkan de Vries")
        );
        assert_eq!(read.contacts[0].source.line, Some(3));
        assert_eq!(read.contacts[0].connected_on.as_deref(), Some("1772926883"));
        assert_eq!(read.contacts[1].source.record, 3);
        assert_eq!(read.rejected.len(), 1);
        assert_eq!(
            read.diagnostics[0].to_string(),
            "fb.json:4 (record 2): friend without a name"
        );
    }

    #[test]
    fn rejects_unknown_shapes_and_broken_files() {
        for (text, want) in [
            (
                "{\"relationships_followers\": []}",
                "JSON shape not recognised",
            ),
            ("{\"friends_v2\": [ {\"name\": \"x\"", "unterminated"),
            ("{\"a\": ", "invalid JSON"),
        ] {
            let read = read("x.json", text.as_bytes());
            assert!(read.contacts.is_empty(), "case {text}");
            assert!(
                read.diagnostics[0].message.contains(want),
                "case {text}: {}",
                read.diagnostics[0]
            );
        }
    }
}
