//! CSV readers: Google, Outlook, Thunderbird, LinkedIn and any other address-book table.
//!
//! In: the bytes of one file, its display path, and `--csv-map` overrides. Out: a
//! [`FileRead`] whose kind is the detected flavour, one [`RawContact`] per data row, rejected
//! rows with their raw text, and located diagnostics (`Connections.csv:42 (record 38): expected
//! 7 fields, found 5`).
//!
//! Steps: decode the bytes (`decode`: BOM, UTF-16, UTF-8, Windows-1252); find the header row
//! and the delimiter among the first records (`header`; LinkedIn's preamble is skipped by
//! content, never by a fixed count); tell the flavour from the header's signature and give each
//! column a role by its NAME (`flavour`, `field`); build a plan once per file (`plan`) and apply
//! it to every row, reusing one `csv::StringRecord`.
//!
//! Row numbers: `source.record` is the 1-based data-row ordinal after the header; `source.line`
//! is the 1-based line where the row starts. The csv crate's own `Position::line()` points at
//! the previous row's line terminator (so it is one short after CRLF and blank lines): the line
//! here is counted from the row's first byte instead.
//!
//! Bad input never stops the file: a row with the wrong number of fields, a quote that never
//! closes (the row's first line is rejected and reading resumes on the next line), or a row
//! that carries nothing is rejected with its raw text. Only a file that is empty, binary, or
//! has no column that could name or reach a person is rejected as a whole (with a hint at
//! `--csv-map`). Values are trimmed, never normalised: that is the `normalize` stage's job.

mod decode;
mod field;
mod flavour;
mod header;
mod plan;

pub use field::Field;

use crate::diag::Diagnostic;
use crate::model::{RawContact, Source, SourceKind};
use crate::sources::{FileRead, ReadOptions};
use header::HeaderName;
use plan::{Plan, Role};

/// How much of a file [`sniff`] looks at.
const SNIFF_BYTES: usize = 8 * 1024;

/// Whether these bytes (the first few KiB of a file) look like a delimited text table with a
/// header we recognise or at least a plausible header row (for the generic mapper).
pub fn sniff(bytes: &[u8]) -> bool {
    let window = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let decoded = decode::decode(window);
    let text = decoded.text.trim_start();
    if text.is_empty() || decode::looks_binary(text) {
        return false;
    }
    // Other readers' formats: JSON, XML/HTML, vCard and iCalendar.
    let head = text.get(..6).unwrap_or(text).to_ascii_uppercase();
    if text.starts_with(['{', '[', '<']) || head.starts_with("BEGIN:") {
        return false;
    }
    let Some(header) = header::find(text, &flavour::known) else {
        return false;
    };
    if header.names.len() < 2 {
        return false;
    }
    header.known > 0 || plausible_header(&header.names)
}

/// A row of short, non-empty, non-numeric names: what a header row looks like.
fn plausible_header(names: &[HeaderName]) -> bool {
    names.iter().all(|n| {
        let o = &n.original;
        !o.is_empty()
            && o.chars().count() <= 64
            && o.chars().any(char::is_alphabetic)
            && !o.contains(['@', '\n'])
    })
}

/// Parse a `--csv-map` argument like `"Naam=full-name,Mail=email"` into `(header, field)`
/// pairs. A header may itself contain commas (`Werkadres, straat=street`): a comma only ends a
/// pair after its `=field`. Field names are checked against [`Field::names`] and returned in
/// their canonical form.
pub fn parse_csv_map(arg: &str) -> Result<Vec<(String, String)>, String> {
    if arg.trim().is_empty() {
        return Err(
            "--csv-map is empty; expected HEADER=FIELD pairs such as \"Naam=full-name\"".into(),
        );
    }
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut rest = arg;
    while !rest.trim().is_empty() {
        let Some(eq) = rest.find('=') else {
            return Err(format!(
                "--csv-map: \"{}\" has no \"=FIELD\"; expected HEADER=FIELD pairs separated by commas",
                rest.trim().trim_start_matches(',').trim()
            ));
        };
        let header = rest[..eq].trim().trim_start_matches(',').trim();
        let after = &rest[eq + 1..];
        let end = after.find(',').unwrap_or(after.len());
        let field = after[..end].trim();
        rest = &after[end..];
        rest = rest.strip_prefix(',').unwrap_or(rest);
        if header.is_empty() {
            return Err(format!("--csv-map: \"={field}\" names no column header"));
        }
        let Some(parsed) = Field::parse(field) else {
            return Err(format!(
                "--csv-map: unknown field \"{field}\" for column \"{header}\"; known fields: {}",
                Field::names().join(", ")
            ));
        };
        let key = header::fold(header);
        if pairs.iter().any(|(h, _)| header::fold(h) == key) {
            return Err(format!("--csv-map: column \"{header}\" is mapped twice"));
        }
        pairs.push((header.to_owned(), parsed.name().to_owned()));
    }
    Ok(pairs)
}

/// Read one CSV file. `path` is the display path used in sources and diagnostics.
pub fn read(path: &str, bytes: &[u8], opts: &ReadOptions) -> FileRead {
    let mut out = FileRead::new(SourceKind::CsvGeneric);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        out.diagnostics.push(Diagnostic::file(
            path,
            "empty file: no header row and no data",
        ));
        return out;
    }
    let decoded = decode::decode(bytes);
    let text = decoded.text.as_str();
    if decode::looks_binary(text) {
        out.diagnostics.push(Diagnostic::file(
            path,
            "binary content (NUL or control bytes), not a text table",
        ));
        return out;
    }
    for (line, bad) in &decoded.repaired {
        let hex: Vec<String> = bad.iter().map(|b| format!("0x{b:02X}")).collect();
        let (as_text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bad);
        out.diagnostics.push(Diagnostic::warning(
            path,
            Some(*line),
            format!(
                "invalid UTF-8 byte(s) {} read as Windows-1252 \"{as_text}\"",
                hex.join(" ")
            ),
        ));
    }

    let overrides = overrides(path, opts, &mut out);
    let known =
        |n: &HeaderName| flavour::known(n) || overrides.iter().any(|(k, _)| *k == n.compact);
    let Some(header) = header::find(text, &known) else {
        out.diagnostics.push(Diagnostic::file(
            path,
            "no header row: the file holds no records",
        ));
        return out;
    };
    let kind = flavour::detect(&header.names);
    out.kind = kind;
    tracing::debug!(
        path,
        encoding = decoded.encoding,
        delimiter = %char::from(header.delimiter).escape_default(),
        header_line = header.line,
        kind = %kind,
        "csv header found"
    );
    let roles: Vec<Role> = header
        .names
        .iter()
        .map(|n| match overrides.iter().find(|(k, _)| *k == n.compact) {
            Some((_, f)) => Role::from_field(*f, None),
            None => flavour::role(kind, n).unwrap_or(Role::Extra),
        })
        .collect();
    if !Plan::identifies(&roles) {
        out.diagnostics
            .push(Diagnostic::file(path, unrecognised(&header.names)));
        return out;
    }
    let plan = Plan::new(kind, &header.names, &roles);
    let rows = Rows {
        path,
        text,
        plan: &plan,
        delimiter: header.delimiter,
    };
    let count = rows.read_all(header.data_offset, &mut out);
    if count == 0 {
        out.diagnostics.push(Diagnostic::warning(
            path,
            Some(header.line),
            "header row found, but no data rows",
        ));
    }
    out
}

/// `--csv-map` pairs as (folded header, field); unknown field names are reported and skipped.
fn overrides(path: &str, opts: &ReadOptions, out: &mut FileRead) -> Vec<(String, Field)> {
    let mut list = Vec::new();
    for (header, field) in &opts.csv_map {
        match Field::parse(field) {
            Some(f) => list.push((HeaderName::new(header).compact, f)),
            None => out.diagnostics.push(Diagnostic::warning(
                path,
                None,
                format!("--csv-map field \"{field}\" for column \"{header}\" is unknown; ignored"),
            )),
        }
    }
    list
}

/// The message for a file none of whose columns could name or reach a person.
fn unrecognised(names: &[HeaderName]) -> String {
    const SHOWN: usize = 8;
    let mut shown: Vec<String> = names
        .iter()
        .take(SHOWN)
        .map(|n| format!("\"{}\"", n.original))
        .collect();
    if names.len() > SHOWN {
        shown.push(format!("… {} more", names.len() - SHOWN));
    }
    let example = names
        .iter()
        .find(|n| !n.original.is_empty())
        .map_or("Naam", |n| n.original.as_str());
    format!(
        "no column recognised as a name, e-mail, phone, organisation or profile (header: {}); \
         name the columns with --csv-map, e.g. --csv-map \"{example}=full-name\"",
        shown.join(", ")
    )
}

/// The data rows of one file.
struct Rows<'a> {
    path: &'a str,
    text: &'a str,
    plan: &'a Plan,
    delimiter: u8,
}

/// 1-based line numbers for increasing byte offsets, counted once over the text.
struct Lines<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u32,
}

impl Lines<'_> {
    fn line_at(&mut self, offset: usize) -> u32 {
        let offset = offset.min(self.bytes.len());
        if offset > self.at {
            let n = self.bytes[self.at..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.line = self
                .line
                .saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
            self.at = offset;
        }
        self.line
    }
}

impl Rows<'_> {
    /// Read every row from `offset`; returns how many data rows there were.
    fn read_all(&self, offset: usize, out: &mut FileRead) -> u32 {
        let mut lines = Lines {
            bytes: self.text.as_bytes(),
            at: 0,
            line: 1,
        };
        let mut record: u32 = 0;
        let mut base = offset;
        let mut row = csv::StringRecord::new();
        // One pass per stretch of well-quoted text; an unclosed quote restarts the reader on
        // the line after the one that opened it.
        'restart: while base < self.text.len() {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(self.delimiter)
                .from_reader(&self.text.as_bytes()[base..]);
            loop {
                let before = base + to_usize(reader.position().byte());
                let result = reader.read_record(&mut row);
                let end = (base + to_usize(reader.position().byte())).min(self.text.len());
                let start = header::skip_terminators(self.text, before).min(end);
                match result {
                    Ok(true) => {}
                    Ok(false) => break 'restart,
                    Err(err) => {
                        // Cannot happen on text that is valid UTF-8 already; never stop on it.
                        record += 1;
                        let line_end = self.line_end(start);
                        let source = self.source(record, lines.line_at(start));
                        out.reject(
                            source,
                            &self.text[start..line_end],
                            format!("unreadable row: {err}"),
                        );
                        base = (line_end + 1).max(end);
                        continue 'restart;
                    }
                }
                let raw = self.text[start..end].trim_end_matches(['\r', '\n']);
                if raw.is_empty() {
                    continue;
                }
                record += 1;
                let line = lines.line_at(start);
                match self.row(&row, raw, record, line, out) {
                    Flow::Next => {}
                    Flow::Resume => {
                        // Reject only the line that opened the quote; read on from the next.
                        base = self.line_end(start) + 1;
                        continue 'restart;
                    }
                }
            }
        }
        record
    }

    fn source(&self, record: u32, line: u32) -> Source {
        Source {
            path: self.path.to_owned(),
            kind: self.plan.kind,
            record,
            line: Some(line),
        }
    }

    /// Byte offset of the end of the line that starts at or contains `at` (before its `\n`).
    fn line_end(&self, at: usize) -> usize {
        self.text[at..]
            .find('\n')
            .map_or(self.text.len(), |i| at + i)
    }

    /// One row: check its shape, build the contact, or reject it.
    fn row(
        &self,
        row: &csv::StringRecord,
        raw: &str,
        record: u32,
        line: u32,
        out: &mut FileRead,
    ) -> Flow {
        let plan = self.plan;
        let source = self.source(record, line);
        // A row wrapped whole in quotes after a spreadsheet round trip: parse its content.
        let unwrapped;
        let mut row = row;
        if row.len() == 1 && plan.width > 1 && row[0].as_bytes().contains(&self.delimiter) {
            if let Some(inner) = header::reparse(&row[0], self.delimiter) {
                unwrapped = inner;
                row = &unwrapped;
            }
        }
        let multi_line = raw.contains('\n');
        let odd_quotes = raw.bytes().filter(|&b| b == b'"').count() % 2 == 1;
        if !self.shape_ok(row) || (multi_line && odd_quotes) {
            if multi_line {
                let first = raw.lines().next().unwrap_or(raw);
                out.reject(
                    source,
                    first,
                    format!(
                        "unbalanced quote: a quoted field opened on this line runs over {} lines \
                         (expected {} fields, found {}); reading resumes on the next line",
                        raw.lines().count(),
                        plan.width,
                        row.len()
                    ),
                );
                return Flow::Resume;
            }
            out.reject(
                source,
                raw,
                format!("expected {} fields, found {}", plan.width, row.len()),
            );
            return Flow::Next;
        }
        match plan.build(row, source.clone(), raw.to_owned()) {
            Ok((contact, warnings)) => {
                for w in warnings {
                    out.diagnostics
                        .push(Diagnostic::warning(self.path, Some(line), w).with_record(record));
                }
                self.keep(contact, out);
            }
            Err(reason) => out.reject(source, raw, reason),
        }
        Flow::Next
    }

    /// The row has the header's fields, give or take trailing columns that are empty (a
    /// header ending in an unnamed column, a row ending in surplus delimiters).
    fn shape_ok(&self, row: &csv::StringRecord) -> bool {
        let (n, plan) = (row.len(), self.plan);
        if n < plan.required {
            return false;
        }
        n <= plan.width || row.iter().skip(plan.width).all(|f| f.trim().is_empty())
    }

    fn keep(&self, contact: RawContact, out: &mut FileRead) {
        if contact.is_empty() {
            let reason = "row carries no name, e-mail, phone, organisation or profile";
            let (source, raw) = (contact.source, contact.raw);
            out.reject(source, raw, reason);
        } else {
            out.contacts.push(contact);
        }
    }
}

/// What the row loop does next.
enum Flow {
    Next,
    /// Restart the reader on the line after the row's first line.
    Resume,
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}
