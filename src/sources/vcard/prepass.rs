//! Byte pre-pass: a file's text in, cards of unfolded property lines out, each located.
//!
//! In: the file as bytes (a UTF-8 BOM and UTF-16 already dealt with by `decode::file_text`;
//! single properties may still be in Shift_JIS, Latin-1, …). Out, one at a time: [`Chunk`]s,
//! every `BEGIN:VCARD` … `END:VCARD` with its 1-based record ordinal, the line of its `BEGIN`,
//! its byte span (for the raw record) and its logical lines; then the runs of text outside
//! any card.
//!
//! Line ends may be LF, CRLF, iOS's CR CR LF, or a lone CR; each counts as one line. A logical
//! line continues on the next physical line when that line
//! - starts with a space or tab (folding; one character is removed, so iOS's two-space
//!   continuation of base64 photos leaves a space that base64 decoding skips),
//! - follows a quoted-printable line ending in `=` (soft line break, vCard 2.1),
//! - holds only base64 characters after a base64 line (vCard 2.1 photos, ended by a blank line),
//! - has no `:` and follows a line ending in a lone `\` (Android's multi-line 2.1 values).
//!
//! Cards nest (an old `AGENT` embeds one; Android reads nested cards as cards of their own):
//! a `BEGIN:VCARD` inside a card opens an inner card with the next ordinal.
//!
//! It does not decode charsets or escapes, and it does not judge property lines beyond what
//! continuation needs: the reader does that per card. It runs once over the bytes and borrows
//! every line that needs no unfolding.

use std::borrow::Cow;
use std::ops::Range;

/// One logical line (a property, or a line that turns out not to be one), unfolded.
pub(super) struct Logical<'a> {
    /// 1-based line of its first physical line.
    pub line: u32,
    /// Bytes from its first character to the end of its last physical line.
    pub span: Range<usize>,
    pub content: Cow<'a, [u8]>,
}

/// A `BEGIN:VCARD` with what followed it.
pub(super) struct Card<'a> {
    pub record: u32,
    /// 1-based line of `BEGIN:VCARD`.
    pub line: u32,
    /// From `BEGIN` to the end of `END:VCARD` (or of the file, when it has no END).
    pub span: Range<usize>,
    pub closed: bool,
    /// Its own logical lines; those of nested cards belong to them.
    pub props: Vec<Logical<'a>>,
}

pub(super) enum Chunk<'a> {
    Card(Card<'a>),
    /// `END:VCARD` with no card open: the text since the previous card, up to that END.
    Orphan {
        record: u32,
        line: u32,
        span: Range<usize>,
    },
}

/// Text outside any card that no `END:VCARD` claimed.
pub(super) struct Stray {
    pub line: u32,
    /// How many logical lines the run holds.
    pub lines: u32,
    /// The run's first logical line, for the message.
    pub first: Range<usize>,
}

/// How a property's value is transfer-encoded (vCard 2.1 `ENCODING=`; 3.0 `ENCODING=b`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Transfer {
    Plain,
    QuotedPrintable,
    Base64,
}

/// Split a file's text into cards of logical lines. Each card goes to `on_chunk` as soon as it
/// ends (inner cards before the cards around them; record ordinals follow the order the cards
/// began), so that a large file is never held as lines all at once. Returns the text outside
/// any card.
pub(super) fn split<'a>(text: &'a [u8], on_chunk: impl FnMut(Chunk<'a>)) -> Vec<Stray> {
    let mut s = Splitter {
        stack: Vec::new(),
        on_chunk,
        strays: Vec::new(),
        stray: None,
        next_record: 1,
    };
    let mut current: Option<(Logical<'_>, Transfer)> = None;
    let mut pos = 0;
    let mut no = 0u32;
    while pos < text.len() {
        no = no.saturating_add(1);
        let (start, end, next) = line_at(text, pos);
        pos = next;
        let content = &text[start..end];
        if let Some((logical, transfer)) = current.as_mut() {
            if continues(logical, *transfer, content) {
                logical.span.end = end;
                continue;
            }
        }
        if let Some((logical, _)) = current.take() {
            s.push(logical);
        }
        let body = trim_start(content);
        if body.trim_ascii_end().is_empty() {
            continue;
        }
        let at = end - body.len();
        if is_marker(body, b"BEGIN:VCARD") {
            s.begin(no, at);
        } else if is_marker(body, b"END:VCARD") {
            s.end(no, at, at + body.trim_ascii_end().len());
        } else {
            let transfer = header(body).map_or(Transfer::Plain, |h| transfer(h.params).0);
            current = Some((
                Logical {
                    line: no,
                    span: at..end,
                    content: Cow::Borrowed(body),
                },
                transfer,
            ));
        }
    }
    if let Some((logical, _)) = current.take() {
        s.push(logical);
    }
    s.finish(text.trim_ascii_end().len())
}

struct Splitter<'a, F> {
    stack: Vec<Card<'a>>,
    on_chunk: F,
    strays: Vec<Stray>,
    stray: Option<Stray>,
    next_record: u32,
}

impl<'a, F: FnMut(Chunk<'a>)> Splitter<'a, F> {
    fn record(&mut self) -> u32 {
        let record = self.next_record;
        self.next_record = self.next_record.saturating_add(1);
        record
    }

    fn push(&mut self, logical: Logical<'a>) {
        if let Some(card) = self.stack.last_mut() {
            card.props.push(logical);
        } else if let Some(stray) = self.stray.as_mut() {
            stray.lines += 1;
        } else {
            self.stray = Some(Stray {
                line: logical.line,
                lines: 1,
                first: logical.span,
            });
        }
    }

    fn begin(&mut self, line: u32, at: usize) {
        self.strays.extend(self.stray.take());
        let record = self.record();
        self.stack.push(Card {
            record,
            line,
            span: at..at,
            closed: false,
            props: Vec::new(),
        });
    }

    fn end(&mut self, line: u32, at: usize, end: usize) {
        if let Some(mut card) = self.stack.pop() {
            card.span.end = end;
            card.closed = true;
            (self.on_chunk)(Chunk::Card(card));
        } else {
            let (line, start) = match self.stray.take() {
                Some(stray) => (stray.line, stray.first.start),
                None => (line, at),
            };
            let record = self.record();
            (self.on_chunk)(Chunk::Orphan {
                record,
                line,
                span: start..end,
            });
        }
    }

    fn finish(mut self, text_end: usize) -> Vec<Stray> {
        self.strays.extend(self.stray.take());
        while let Some(mut card) = self.stack.pop() {
            card.span.end = text_end.max(card.span.start);
            (self.on_chunk)(Chunk::Card(card));
        }
        self.strays
    }
}

/// The physical line at `pos`: (content start, content end, start of the next line).
/// CR* LF is one line end (iOS writes CR CR LF); a CR without LF is one line end per CR.
fn line_at(text: &[u8], pos: usize) -> (usize, usize, usize) {
    let rest = &text[pos..];
    let Some(i) = rest.iter().position(|&b| b == b'\n' || b == b'\r') else {
        return (pos, text.len(), text.len());
    };
    let end = pos + i;
    let crs = rest[i..].iter().take_while(|&&b| b == b'\r').count();
    let next = if rest.get(i + crs) == Some(&b'\n') {
        end + crs + 1
    } else {
        end + 1
    };
    (pos, end, next)
}

/// Whether `next` continues `logical` (and if so, append it).
/// A `BEGIN:VCARD` or `END:VCARD` line never continues anything, even indented.
fn continues(logical: &mut Logical<'_>, transfer: Transfer, next: &[u8]) -> bool {
    if is_card_marker(next) {
        return false;
    }
    if transfer == Transfer::QuotedPrintable && logical.content.last() == Some(&b'=') {
        let content = logical.content.to_mut();
        content.pop();
        content.extend_from_slice(next);
        return true;
    }
    if let Some((b' ' | b'\t', rest)) = next.split_first() {
        logical.content.to_mut().extend_from_slice(rest);
        return true;
    }
    match transfer {
        Transfer::Base64 if is_base64_line(next) => {
            logical.content.to_mut().extend_from_slice(next);
            true
        }
        Transfer::Plain if ends_in_lone_backslash(&logical.content) && is_bare_text(next) => {
            // `\` + line end becomes the escape `\n`: the value goes on on the next line.
            let content = logical.content.to_mut();
            content.push(b'n');
            content.extend_from_slice(next);
            true
        }
        _ => false,
    }
}

fn is_base64_line(line: &[u8]) -> bool {
    let line = line.trim_ascii();
    !line.is_empty()
        && line
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

fn ends_in_lone_backslash(content: &[u8]) -> bool {
    let n = content.iter().rev().take_while(|&&b| b == b'\\').count();
    n % 2 == 1
}

fn is_bare_text(line: &[u8]) -> bool {
    !line.trim_ascii().is_empty() && !line.contains(&b':')
}

/// Leading spaces, tabs and byte-order marks (concatenated files carry one per part).
fn trim_start(mut line: &[u8]) -> &[u8] {
    loop {
        if let Some(rest) = line.strip_prefix(b"\xEF\xBB\xBF") {
            line = rest;
        } else if let Some((b' ' | b'\t', rest)) = line.split_first() {
            line = rest;
        } else {
            return line;
        }
    }
}

fn is_marker(line: &[u8], marker: &[u8]) -> bool {
    line.trim_ascii_end().eq_ignore_ascii_case(marker)
}

/// Whether a physical line, even indented, is read as `BEGIN:VCARD` or `END:VCARD` (and so
/// never as the continuation of a folded line). Writers that fold use it to avoid such lines.
pub(crate) fn is_card_marker(line: &[u8]) -> bool {
    let body = trim_start(line);
    is_marker(body, b"END:VCARD") || is_marker(body, b"BEGIN:VCARD")
}

/// A content line taken apart: `[group.]name[;params]:value`.
pub(super) struct Header<'a> {
    pub group: Option<&'a [u8]>,
    pub name: &'a [u8],
    /// Everything between the name and the value colon, with its leading `;` (may be empty).
    pub params: &'a [u8],
    pub value: &'a [u8],
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Take a content line apart, or `None` when it is not one (no name, no `:`).
pub(super) fn header(line: &[u8]) -> Option<Header<'_>> {
    let first = line.iter().take_while(|&&b| is_name_byte(b)).count();
    if first == 0 {
        return None;
    }
    let (group, rest) = match line.get(first) {
        Some(b'.') => (Some(&line[..first]), &line[first + 1..]),
        _ => (None, line),
    };
    let n = rest.iter().take_while(|&&b| is_name_byte(b)).count();
    if n == 0 {
        return None;
    }
    let (name, after) = rest.split_at(n);
    let colon = match after.first() {
        Some(b':') => 0,
        Some(b';') => value_colon(after)?,
        _ => return None,
    };
    Some(Header {
        group,
        name,
        params: &after[..colon],
        value: &after[colon + 1..],
    })
}

/// The colon that ends the parameters: the first one outside double quotes, or (when the
/// quotes do not balance) simply the first one.
fn value_colon(params: &[u8]) -> Option<usize> {
    let mut quoted = false;
    for (i, &b) in params.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b':' if !quoted => return Some(i),
            _ => {}
        }
    }
    params.iter().position(|&b| b == b':')
}

/// The parameters of a header, each as written (`TYPE=WORK,VOICE`, `CELL`, `X-A="b;c"`).
pub(super) fn params(params: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = params;
    std::iter::from_fn(move || loop {
        let s = rest.strip_prefix(b";").unwrap_or(rest);
        if s.is_empty() {
            return None;
        }
        let mut quoted = false;
        let end = s
            .iter()
            .position(|&b| {
                if b == b'"' {
                    quoted = !quoted;
                }
                b == b';' && !quoted
            })
            .unwrap_or(s.len());
        rest = &s[end..];
        let param = s[..end].trim_ascii();
        if !param.is_empty() {
            return Some(param);
        }
    })
}

/// A parameter split at its first `=`: (name, value).
pub(super) fn param_parts(param: &[u8]) -> (&[u8], Option<&[u8]>) {
    match param.iter().position(|&b| b == b'=') {
        Some(i) => (param[..i].trim_ascii(), Some(param[i + 1..].trim_ascii())),
        None => (param, None),
    }
}

/// Whether a parameter is about transfer only (`ENCODING=`, `CHARSET=`, bare
/// `QUOTED-PRINTABLE`, `BASE64`, `8BIT`, `7BIT`): the pre-pass undoes those itself.
pub(super) fn is_transfer_param(param: &[u8]) -> bool {
    let (name, value) = param_parts(param);
    match value {
        Some(_) => name.eq_ignore_ascii_case(b"ENCODING") || name.eq_ignore_ascii_case(b"CHARSET"),
        None => [b"QUOTED-PRINTABLE".as_slice(), b"BASE64", b"8BIT", b"7BIT"]
            .iter()
            .any(|t| name.eq_ignore_ascii_case(t)),
    }
}

/// The transfer encoding and `CHARSET=` value of a header's parameters.
pub(super) fn transfer(header_params: &[u8]) -> (Transfer, Option<&[u8]>) {
    let mut transfer = Transfer::Plain;
    let mut charset = None;
    for param in params(header_params) {
        let (name, value) = param_parts(param);
        let encoding = match value {
            None => Some(name),
            Some(v) if name.eq_ignore_ascii_case(b"ENCODING") => Some(unquote(v)),
            Some(v) => {
                if name.eq_ignore_ascii_case(b"CHARSET") {
                    charset = Some(unquote(v));
                }
                None
            }
        };
        match encoding {
            Some(e) if e.eq_ignore_ascii_case(b"QUOTED-PRINTABLE") => {
                transfer = Transfer::QuotedPrintable;
            }
            Some(e) if e.eq_ignore_ascii_case(b"BASE64") => transfer = Transfer::Base64,
            Some(e) if value.is_some() && e.eq_ignore_ascii_case(b"B") => {
                transfer = Transfer::Base64;
            }
            _ => {}
        }
    }
    (transfer, charset)
}

fn unquote(s: &[u8]) -> &[u8] {
    s.strip_prefix(b"\"")
        .and_then(|s| s.strip_suffix(b"\""))
        .unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cards as `record@line[!]: logical lines joined by " | "` (`!` = no END).
    fn outline(text: &str) -> Vec<String> {
        let mut chunks = Vec::new();
        let strays = split(text.as_bytes(), |chunk| chunks.push(chunk));
        let mut out: Vec<(u32, String)> = chunks
            .iter()
            .map(|chunk| match chunk {
                Chunk::Card(card) => {
                    let lines: Vec<String> = card
                        .props
                        .iter()
                        .map(|l| format!("{}:{}", l.line, String::from_utf8_lossy(&l.content)))
                        .collect();
                    let mark = if card.closed { "" } else { "!" };
                    (
                        card.record,
                        format!("{}@{}{mark}: {}", card.record, card.line, lines.join(" | ")),
                    )
                }
                Chunk::Orphan { record, line, .. } => (*record, format!("{record}@{line} orphan")),
            })
            .collect();
        out.sort();
        let mut out: Vec<String> = out.into_iter().map(|(_, s)| s).collect();
        out.extend(
            strays
                .iter()
                .map(|s| format!("stray@{}x{}", s.line, s.lines)),
        );
        out
    }

    #[test]
    fn split_cases() {
        const CASES: &[(&str, &str, &str)] = &[
            (
                "lf",
                "BEGIN:VCARD\nFN:A\nEND:VCARD\n",
                "1@1: 2:FN:A",
            ),
            (
                "cr cr lf counts one line",
                "BEGIN:VCARD\r\r\nVERSION:3.0\r\r\nFN:A\r\r\nEND:VCARD\r\r\n",
                "1@1: 2:VERSION:3.0 | 3:FN:A",
            ),
            (
                "lone cr",
                "BEGIN:VCARD\rFN:A\rEND:VCARD",
                "1@1: 2:FN:A",
            ),
            (
                "folding removes one space",
                "BEGIN:VCARD\r\nNOTE:a\r\n  b\r\n\tc\r\nEND:VCARD\r\n",
                "1@1: 2:NOTE:a bc",
            ),
            (
                "qp soft breaks",
                "BEGIN:VCARD\r\nNOTE;ENCODING=QUOTED-PRINTABLE:a=\r\n=C3=AB=\r\n b\r\nFN:x\r\nEND:VCARD\r\n",
                "1@1: 2:NOTE;ENCODING=QUOTED-PRINTABLE:a=C3=AB b | 5:FN:x",
            ),
            (
                "qp soft break does not swallow END",
                "BEGIN:VCARD\nNOTE;QUOTED-PRINTABLE:a=\nEND:VCARD\n",
                "1@1: 2:NOTE;QUOTED-PRINTABLE:a=",
            ),
            (
                "2.1 base64 ends at the blank line",
                "BEGIN:VCARD\nPHOTO;ENCODING=BASE64:AAAA\nBBBB\nCC==\n\nFN:x\nEND:VCARD\n",
                "1@1: 2:PHOTO;ENCODING=BASE64:AAAABBBBCC== | 6:FN:x",
            ),
            (
                "backslash continuation",
                "BEGIN:VCARD\nADR:;;a\\\nb\\\nc;d\nEND:VCARD\n",
                "1@1: 2:ADR:;;a\\nb\\nc;d",
            ),
            (
                "escaped backslash does not continue",
                "BEGIN:VCARD\nNOTE:a\\\\\nb\nEND:VCARD\n",
                "1@1: 2:NOTE:a\\\\ | 3:b",
            ),
            (
                "nested cards get their own ordinals",
                "BEGIN:VCARD\nN:parent\nBEGIN:VCARD\nN:nest\nEND:VCARD\nTEL:1\nEND:VCARD\n",
                "1@1: 2:N:parent | 6:TEL:1\n2@3: 4:N:nest",
            ),
            (
                "missing end",
                "BEGIN:VCARD\nFN:a\n",
                "1@1!: 2:FN:a",
            ),
            (
                "orphan end takes the text before it",
                "FN:a\nEND:VCARD\nBEGIN:VCARD\nFN:b\nEND:VCARD\n",
                "1@1 orphan\n2@3: 4:FN:b",
            ),
            (
                "stray text between cards",
                "BEGIN:VCARD\nFN:a\nEND:VCARD\njunk\nmore junk\nBEGIN:VCARD\nFN:b\nEND:VCARD\n",
                "1@1: 2:FN:a\n2@6: 7:FN:b\nstray@4x2",
            ),
            (
                "lower case markers, bom, trailing spaces",
                "\u{feff}begin:vCard  \nFN:a\nend:vcard",
                "1@1: 2:FN:a",
            ),
            ("empty", "", ""),
        ];
        for (name, input, want) in CASES {
            let got = outline(input).join("\n");
            assert_eq!(got, *want, "case {name}");
        }
    }

    #[test]
    fn spans_cover_begin_to_end() {
        let text = "junk\r\n  BEGIN:VCARD\r\nFN:a\r\nEND:VCARD  \r\nrest";
        let mut chunks = Vec::new();
        split(text.as_bytes(), |chunk| chunks.push(chunk));
        let Some(Chunk::Card(card)) = chunks.first() else {
            panic!("no card");
        };
        assert_eq!(&text[card.span.clone()], "BEGIN:VCARD\r\nFN:a\r\nEND:VCARD");
    }

    #[test]
    fn header_cases() {
        /// (group, name, params, value)
        type Parts = (&'static str, &'static str, &'static str, &'static str);
        const CASES: &[(&str, Option<Parts>)] = &[
            ("FN:Jan", Some(("", "FN", "", "Jan"))),
            (
                "item1.URL;type=pref:http\\://a",
                Some(("item1", "URL", ";type=pref", "http\\://a")),
            ),
            (
                "TEL;TYPE=\"A,B:C.D\",PREF:1",
                Some(("", "TEL", ";TYPE=\"A,B:C.D\",PREF", "1")),
            ),
            (
                "PHOTO;ENCODING=b:a:b",
                Some(("", "PHOTO", ";ENCODING=b", "a:b")),
            ),
            (
                "X-Q;X=\"unbalanced:v",
                Some(("", "X-Q", ";X=\"unbalanced", "v")),
            ),
            ("# comment", None),
            ("no colon", None),
            ("TEL;CELL", None),
            (":value", None),
            ("a.b.c:d", None),
        ];
        for (line, want) in CASES {
            let got = header(line.as_bytes()).map(|h| {
                (
                    String::from_utf8_lossy(h.group.unwrap_or_default()).into_owned(),
                    String::from_utf8_lossy(h.name).into_owned(),
                    String::from_utf8_lossy(h.params).into_owned(),
                    String::from_utf8_lossy(h.value).into_owned(),
                )
            });
            let want = want
                .map(|(g, n, p, v)| (g.to_string(), n.to_string(), p.to_string(), v.to_string()));
            assert_eq!(got, want, "case {line:?}");
        }
    }

    #[test]
    fn transfer_cases() {
        const CASES: &[(&str, Transfer, Option<&str>)] = &[
            ("", Transfer::Plain, None),
            (
                ";ENCODING=QUOTED-PRINTABLE",
                Transfer::QuotedPrintable,
                None,
            ),
            (
                ";CHARSET=UTF-8;QUOTED-PRINTABLE",
                Transfer::QuotedPrintable,
                Some("UTF-8"),
            ),
            (";encoding=b;type=JPEG", Transfer::Base64, None),
            (";BASE64", Transfer::Base64, None),
            (";charset=\"shift_jis\"", Transfer::Plain, Some("shift_jis")),
            (";TYPE=B", Transfer::Plain, None),
        ];
        for (input, want, want_charset) in CASES {
            let (got, charset) = transfer(input.as_bytes());
            assert_eq!(got, *want, "case {input:?}");
            assert_eq!(charset, want_charset.map(str::as_bytes), "case {input:?}");
        }
    }

    #[test]
    fn params_split_outside_quotes() {
        let got: Vec<&[u8]> = params(b";TYPE=WORK,VOICE;X-A=\"b;c\";;CELL").collect();
        assert_eq!(got, [&b"TYPE=WORK,VOICE"[..], b"X-A=\"b;c\"", b"CELL"]);
    }
}
