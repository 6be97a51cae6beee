//! vCard reader (2.1, 3.0 and 4.0, as phones, mail clients and our own exporter write them).
//!
//! In: the bytes of one file and its display path. Out: a [`FileRead`] with one [`RawContact`]
//! per card — `record` is the card's ordinal in the file, `line` the line of its
//! `BEGIN:VCARD` in the decoded text, `raw` the card from BEGIN to END as it stood (decoded to
//! UTF-8) — the cards that could not be read or carry nothing (raw kept, located reason), and
//! warnings at the line of each property that was dropped or doubtful. A card nested in
//! another (old `AGENT`s) is a record of its own; the outer card's raw text contains it.
//!
//! How: a byte pre-pass (`decode`, `prepass`) deals with what real files do before any parser
//! can: a UTF-8 BOM, UTF-16 LE/BE with or without BOM, line ends LF / CRLF / CR CR LF, folded
//! lines, quoted-printable with soft line breaks, base64 photos ended by a blank line,
//! `CHARSET=` (Shift_JIS, ISO-8859-1, cp1252, …) and quoted-printable without a charset (UTF-8,
//! else cp1252). It splits the cards itself, which gives every card and property its line, and
//! hands each card, now clean UTF-8 with one property per line, to `calcard` (lenient, reads
//! all three versions), card by card. `map` turns calcard's entries into the contact.
//!
//! It does not normalise anything (names, phones, e-mails stay as written, only trimmed and
//! unescaped; `tel:` and `mailto:` come off), does not decode photos as images, and never
//! panics on bad input.

mod decode;
mod map;
mod prepass;

pub(crate) use prepass::is_card_marker;

use crate::diag::Diagnostic;
use crate::model::{RawContact, Source, SourceKind};
use crate::sources::FileRead;
use calcard::vcard::{VCard, VCardEntry};
use decode::FileText;
use prepass::{Card, Chunk, Transfer};
use std::borrow::Cow;
use std::ops::Range;

/// How far into a file `sniff` looks for `BEGIN:VCARD`.
const SNIFF_LEN: usize = 4096;

/// Whether these bytes look like vCard (after BOM / UTF-16 detection): a line starting with
/// `BEGIN:VCARD` near the start.
pub fn sniff(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SNIFF_LEN)];
    let text = decode::file_text(head);
    text.bytes
        .split(|&b| b == b'\n' || b == b'\r')
        .map(|line| {
            let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
            line.trim_ascii_start()
        })
        .any(|line| {
            line.get(..11)
                .is_some_and(|s| s.eq_ignore_ascii_case(b"BEGIN:VCARD"))
        })
}

/// The most properties one card may have. Real cards have tens; every property becomes values
/// to normalise, store, index and compare, so a hostile card of a million e-mail addresses ran
/// for minutes (HARDENING.md). Above the limit the card is rejected and its raw text kept.
pub const MAX_PROPERTIES: usize = 10_000;

/// Read every card of one file. `path` is the display path used in sources and diagnostics.
pub fn read(path: &str, bytes: &[u8]) -> FileRead {
    let mut out = FileRead::new(SourceKind::Vcard);
    let text = decode::file_text(bytes);
    if let Some(problem) = &text.problem {
        out.diagnostics
            .push(Diagnostic::warning(path, None, problem.clone()));
    }
    let mut cards = 0usize;
    let strays = prepass::split(&text.bytes, |chunk| {
        cards += 1;
        match chunk {
            Chunk::Orphan { record, line, span } => {
                let raw = decode::span_text(&text.bytes, span, &[]);
                out.reject(
                    source(path, record, line),
                    raw,
                    "END:VCARD without BEGIN:VCARD",
                );
            }
            Chunk::Card(card) if !card.closed => {
                let raw = card_raw(&text, &card);
                out.reject(
                    source(path, card.record, card.line),
                    raw,
                    "BEGIN:VCARD without END:VCARD",
                );
            }
            Chunk::Card(card) if card.props.len() > MAX_PROPERTIES => {
                let raw = card_raw(&text, &card);
                let reason = format!(
                    "card has {} properties, above the limit of {MAX_PROPERTIES}; kept, not imported",
                    card.props.len()
                );
                out.reject(source(path, card.record, card.line), raw, reason);
            }
            Chunk::Card(card) => match read_card(path, &text, &card, &mut out.diagnostics) {
                Ok(contact) => out.contacts.push(contact),
                Err((raw, reason)) => {
                    out.reject(source(path, card.record, card.line), raw, reason);
                }
            },
        }
    });
    for stray in &strays {
        let first = snippet(&text.bytes[stray.first.clone()]);
        let what = match stray.lines {
            1 => "a line".to_string(),
            n => format!("{n} lines"),
        };
        // The text itself may be a contact's name or number: debug level only (-vv), never in
        // the diagnostic that nightly logs keep (HARDENING.md, privacy).
        tracing::debug!(path, line = stray.line, text = %first, "ignored text");
        out.diagnostics.push(Diagnostic::warning(
            path,
            Some(stray.line),
            format!("ignored {what} outside BEGIN:VCARD … END:VCARD"),
        ));
    }
    if cards == 0 {
        let message = if text.bytes.trim_ascii().is_empty() {
            Diagnostic::warning(path, None, "empty file")
        } else {
            Diagnostic::file(path, "no BEGIN:VCARD found")
        };
        out.diagnostics.push(message);
    }
    // Inner cards end before the cards around them: put records back in file order.
    out.contacts.sort_by_key(|c| c.source.record);
    out.rejected.sort_by_key(|r| r.source.record);
    out.diagnostics.sort_by_key(|d| (d.line, d.record));
    out
}

fn source(path: &str, record: u32, line: u32) -> Source {
    Source {
        path: path.to_string(),
        kind: SourceKind::Vcard,
        record,
        line: Some(line),
    }
}

/// Where the pieces of one property stand in the card's clean text.
struct Meta {
    line: u32,
    /// `group.NAME`.
    full_name: Range<usize>,
    group: Option<Range<usize>>,
    value: Range<usize>,
    base64: bool,
}

/// Read one closed card. `Err((raw, reason))` when it cannot be imported.
fn read_card(
    path: &str,
    text: &FileText<'_>,
    card: &Card<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<RawContact, (String, String)> {
    let mut warn = |line: u32, message: String| {
        diagnostics.push(Diagnostic::warning(path, Some(line), message).with_record(card.record));
    };
    // The card again, as calcard wants it: UTF-8, one property per line, no transfer encoding.
    let mut clean = String::with_capacity(card.span.len() + 32);
    clean.push_str("BEGIN:VCARD\n");
    let mut metas: Vec<Meta> = Vec::with_capacity(card.props.len());
    for logical in &card.props {
        let Some(header) = prepass::header(&logical.content) else {
            // The line may be a contact's value (a folded line that lost its indent): its text
            // is shown at debug level only (-vv).
            tracing::debug!(path, line = logical.line, text = %snippet(&logical.content), "line ignored");
            warn(
                logical.line,
                "not a property (no NAME:), line ignored".to_string(),
            );
            continue;
        };
        let (transfer, charset) = prepass::transfer(header.params);
        // A UTF-16 file is Unicode already, whatever CHARSET= says about its raw text.
        let raw_charset = if text.from_utf16 { None } else { charset };
        let start = clean.len();
        let group = header.group.map(|g| {
            push_ascii(&mut clean, g);
            let range = start..clean.len();
            clean.push('.');
            range
        });
        push_ascii(&mut clean, header.name);
        let full_name = start..clean.len();
        // `group.NAME`, for messages; allocates only for grouped properties.
        let name = match header.group {
            None => String::from_utf8_lossy(header.name),
            Some(_) => Cow::Owned(clean[full_name.clone()].to_string()),
        };
        for param in prepass::params(header.params) {
            if !prepass::is_transfer_param(param) {
                clean.push(';');
                clean.push_str(&decode::value_text(param, raw_charset).text);
            }
        }
        clean.push(':');
        let value_start = clean.len();
        match transfer {
            Transfer::QuotedPrintable => {
                let (bytes, bad) = decode::quoted_printable(header.value);
                if let Some(bad) = bad {
                    warn(
                        logical.line,
                        format!("{name}: invalid quoted-printable {bad:?} kept as written"),
                    );
                }
                let decoded = decode::value_text(&bytes, charset);
                if let Some(problem) = decoded.warning {
                    warn(logical.line, format!("{name}: {problem}"));
                }
                clean.push_str(&decode::escape_line_breaks(&decoded.text));
            }
            Transfer::Base64 => {
                let compact: Vec<u8> = header
                    .value
                    .iter()
                    .copied()
                    .filter(|b| !b.is_ascii_whitespace())
                    .collect();
                clean.push_str(&String::from_utf8_lossy(&compact));
            }
            Transfer::Plain => {
                let decoded = decode::value_text(header.value, raw_charset);
                if let Some(problem) = decoded.warning {
                    warn(logical.line, format!("{name}: {problem}"));
                }
                clean.push_str(&decoded.text);
            }
        }
        metas.push(Meta {
            line: logical.line,
            full_name,
            group,
            value: value_start..clean.len(),
            base64: transfer == Transfer::Base64,
        });
        clean.push('\n');
    }
    clean.push_str("END:VCARD\n");

    let entries = parse_entries(&clean, metas.len());
    let props: Vec<map::Prop<'_>> = metas
        .iter()
        .zip(&entries)
        .map(|(m, entry)| map::Prop {
            line: m.line,
            full_name: &clean[m.full_name.clone()],
            group: m.group.clone().map(|g| &clean[g]),
            value: &clean[m.value.clone()],
            base64: m.base64,
            entry: entry.as_ref(),
        })
        .collect();
    let raw = card_raw(text, card);
    let mut contact = RawContact::new(source(path, card.record, card.line), raw);
    map::map(&props, &mut contact, &mut warn);

    if contact.is_empty() {
        let reason = "card carries no name, e-mail, phone, organisation, URL, social profile \
                      or nickname";
        return Err((contact.raw, reason.to_string()));
    }
    let n = &contact.name;
    let named = [&n.full, &n.given, &n.middle, &n.family]
        .iter()
        .any(|v| v.is_some());
    if !named && contact.emails.is_empty() {
        warn(card.line, "card has no name or e-mail".to_string());
    }
    Ok(contact)
}

/// A card's raw text: its bytes as UTF-8, except the properties whose `CHARSET=` said
/// otherwise, which are decoded the way their values were.
fn card_raw(text: &FileText<'_>, card: &Card<'_>) -> String {
    if let Ok(raw) = std::str::from_utf8(&text.bytes[card.span.clone()]) {
        return raw.to_string();
    }
    let overrides: Vec<_> = card
        .props
        .iter()
        .filter(|_| !text.from_utf16)
        .filter_map(|logical| {
            let header = prepass::header(&logical.content)?;
            let (transfer, charset) = prepass::transfer(header.params);
            let encoding = decode::value_text(header.value, charset).encoding;
            (transfer == Transfer::Plain && encoding != encoding_rs::UTF_8)
                .then(|| (logical.span.clone(), encoding))
        })
        .collect();
    decode::span_text(&text.bytes, card.span.clone(), &overrides)
}

/// calcard's entries, one per property. The whole card is parsed at once; should calcard see
/// a different number of properties than the pre-pass (it skips what it cannot read), each
/// property is parsed alone, so that one odd line costs only itself.
fn parse_entries(clean: &str, count: usize) -> Vec<Option<VCardEntry>> {
    if let Ok(card) = VCard::parse(clean) {
        if card.entries.len() == count {
            return card.entries.into_iter().map(Some).collect();
        }
    }
    clean
        .split('\n')
        .skip(1)
        .take(count)
        .map(|line| {
            let one = format!("BEGIN:VCARD\n{line}\nEND:VCARD\n");
            match VCard::parse(one) {
                Ok(card) if card.entries.len() == 1 => card.entries.into_iter().next(),
                _ => None,
            }
        })
        .collect()
}

/// Group and property names are ASCII by construction (`prepass::header`).
fn push_ascii(out: &mut String, bytes: &[u8]) {
    out.extend(bytes.iter().map(|&b| char::from(b)));
}

/// The start of a line for a message, quoted.
fn snippet(bytes: &[u8]) -> String {
    const MAX: usize = 40;
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    let mut short: String = text.chars().take(MAX).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    format!("{short:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_cases() {
        let utf16be: Vec<u8> = "BEGIN:VCARD\r\nVERSION:3.0\r\n"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        let cases: &[(&str, &[u8], bool)] = &[
            ("plain", b"BEGIN:VCARD\r\nVERSION:3.0\r\n", true),
            (
                "lower case after blank lines",
                b"\r\n\r\nbegin:vcard\n",
                true,
            ),
            ("utf-8 bom", b"\xEF\xBB\xBFBEGIN:VCARD\n", true),
            ("utf-16be without bom", &utf16be, true),
            ("calendar", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", false),
            ("csv", b"First Name,Last Name\nJan,Berg\n", false),
            ("mentioned mid-line", b"note,BEGIN:VCARD\n", false),
            ("empty", b"", false),
        ];
        for (name, bytes, want) in cases {
            assert_eq!(sniff(bytes), *want, "case {name}");
        }
    }

    #[test]
    fn snippet_cases() {
        const CASES: &[(&str, &str)] = &[
            ("short", "\"short\""),
            ("  trimmed\t", "\"trimmed\""),
            ("a\u{1}control", "\"a\\u{1}control\""),
            (
                "0123456789012345678901234567890123456789 and more",
                "\"0123456789012345678901234567890123456789…\"",
            ),
        ];
        for (input, want) in CASES {
            assert_eq!(snippet(input.as_bytes()), *want, "case {input:?}");
        }
    }
}
