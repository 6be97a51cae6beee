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
    header.known > 0 || (plausible_header(&header.names) && next_row_fits(text, &header))
}

/// The row after an unrecognised header has as many fields as the header.
fn next_row_fits(text: &str, header: &header::Header) -> bool {
    let rest = &text[header.data_offset..];
    header::reparse(rest, header.delimiter).is_some_and(|row| row.len() == header.names.len())
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
        // Compared the way `read` matches headers: case, accents and punctuation ignored.
        let key = HeaderName::new(header).compact;
        if pairs.iter().any(|(h, _)| HeaderName::new(h).compact == key) {
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
    let text: &str = &decoded.text;
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
    // Reserve room for every line (an upper bound on rows): growing a vector of 100 000
    // contacts by doubling copies and touches twice the memory, while reserved pages that are
    // never written cost nothing. Capped so a file of blank lines cannot reserve gigabytes.
    let lines = header::breaks(text.as_bytes(), header.data_offset, text.len()) + 1;
    out.contacts.reserve(lines.min(text.len() / 32 + 16));
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
            let n = header::breaks(self.bytes, self.at, offset);
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
                        let line_end = header::line_end(self.text, start);
                        let source = self.source(record, lines.line_at(start));
                        out.reject(
                            source,
                            &self.text[start..line_end],
                            format!("unreadable row: {err}"),
                        );
                        base = line_end.max(end).max(base + 1);
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
                        // `start` is never a line break, so this always moves forward.
                        base = header::line_end(self.text, start);
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
        // A quote that opens and never closes swallows the lines after it: the record then
        // spans lines and holds an odd number of quote characters (closed quoted fields hold
        // an even number, doubled quotes included) — or an even number, when the quote that
        // opens a later row's multi-line cell closes it, and then its field count is wrong.
        // Either way the lines after the first may be good rows: read them again.
        let multi_line = raw.contains(['\n', '\r']);
        let odd_quotes = raw.bytes().filter(|&b| b == b'"').count() % 2 == 1;
        if multi_line && (odd_quotes || !self.shape_ok(row)) {
            let first = &raw[..header::line_end(raw, 0)];
            let spans = header::breaks(raw.as_bytes(), 0, raw.len()) + 1;
            out.reject(
                source,
                first,
                format!(
                    "unbalanced quote: a quoted field opened on this line runs over {spans} lines \
                     (expected {} fields, found {}); reading resumes on the next line",
                    plan.width,
                    row.len()
                ),
            );
            return Flow::Resume;
        }
        if !self.shape_ok(row) {
            out.reject(
                source,
                raw,
                format!("expected {} fields, found {}", plan.width, row.len()),
            );
            return Flow::Next;
        }
        match plan.build(row, source, raw.to_owned()) {
            Ok((contact, warnings)) => {
                for w in warnings {
                    out.diagnostics
                        .push(Diagnostic::warning(self.path, Some(line), w).with_record(record));
                }
                self.keep(contact, out);
            }
            Err(reason) => out.reject(self.source(record, line), raw, reason),
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// (argument, `Ok` pairs as `header=field|…` or `Err` containing this text)
    const CSV_MAP: &[(&str, Result<&str, &str>)] = &[
        ("Naam=full-name,Mail=email", Ok("Naam=full-name|Mail=email")),
        (
            "Werkadres, straat=street,Plaats=city",
            Ok("Werkadres, straat=street|Plaats=city"),
        ),
        (" Naam = name ,", Ok("Naam=full-name")),
        ("Naam", Err("\"Naam\" has no \"=FIELD\"")),
        ("Naam=full-name,Mail", Err("\"Mail\" has no")),
        ("Naam=colour", Err("unknown field \"colour\"")),
        ("=email", Err("names no column header")),
        ("", Err("is empty")),
        ("Naam=full-name,naam=email", Err("mapped twice")),
    ];

    #[test]
    fn parses_csv_map() {
        for (arg, want) in CSV_MAP {
            let got = parse_csv_map(arg).map(|pairs| {
                pairs
                    .iter()
                    .map(|(h, f)| format!("{h}={f}"))
                    .collect::<Vec<_>>()
                    .join("|")
            });
            match (got, want) {
                (Ok(got), Ok(want)) => assert_eq!(got, *want, "case {arg:?}"),
                (Err(got), Err(want)) => assert!(got.contains(want), "case {arg:?}: {got}"),
                (got, want) => panic!("case {arg:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    const SNIFF: &[(&[u8], bool)] = &[
        (
            b"First Name,Middle Name,Last Name,E-mail 1 - Label,E-mail 1 - Value\n",
            true,
        ),
        (b"Naam;E-mailadres\r\nJan;jan@voorbeeld.nl\r\n", true),
        (
            b"Notes:\n\"When exporting, you may.\"\n\nFirst Name,Last Name,URL\n",
            true,
        ),
        (
            b"\xFF\xFEN\x00a\x00a\x00m\x00,\x00E\x00m\x00a\x00i\x00l\x00\n\x00",
            true,
        ),
        (b"Kleur,Maat\nrood,L\n", true),
        (b"Kleur,Maat\nrood\n", false),
        (b"Some prose, with a comma.\nAnd a second line.\n", false),
        (
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jan\r\nEND:VCARD\r\n",
            false,
        ),
        (
            b"{\"friends_v2\":[{\"name\":\"A, B\",\"timestamp\":1}]}",
            false,
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", false),
        (b"", false),
        (b"email\njan@voorbeeld.nl\n", false),
    ];

    #[test]
    fn sniffs_tables_only() {
        for (bytes, want) in SNIFF {
            assert_eq!(
                sniff(bytes),
                *want,
                "case {:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    /// A compact, readable rendering of what a file gave.
    fn digest(read: &FileRead) -> String {
        let mut s = format!("{}\n", read.kind);
        for c in &read.contacts {
            let _ = write!(s, "{}@{}", c.source.record, c.source.line.unwrap_or(0));
            let n = &c.name;
            for (k, v) in [
                ("full", &n.full),
                ("given", &n.given),
                ("middle", &n.middle),
                ("family", &n.family),
                ("prefix", &n.prefix),
                ("suffix", &n.suffix),
                ("birthday", &c.birthday),
                ("connected", &c.connected_on),
            ] {
                if let Some(v) = v {
                    let _ = write!(s, " {k}={v}");
                }
            }
            let labeled = |l: &crate::model::Labeled| match &l.label {
                Some(label) => format!("{}({label})", l.value),
                None => l.value.clone(),
            };
            for (k, list) in [
                ("emails", &c.emails),
                ("phones", &c.phones),
                ("urls", &c.urls),
                ("socials", &c.socials),
            ] {
                if !list.is_empty() {
                    let items: Vec<String> = list.iter().map(labeled).collect();
                    let _ = write!(s, " {k}={}", items.join(";"));
                }
            }
            for o in &c.orgs {
                let _ = write!(s, " org={}", o.name);
                if let Some(d) = &o.department {
                    let _ = write!(s, "/{d}");
                }
            }
            for t in &c.titles {
                let _ = write!(s, " title={t}");
            }
            for note in &c.notes {
                let _ = write!(s, " note={note}");
            }
            for a in &c.addresses {
                let parts: Vec<&str> = [
                    &a.street,
                    &a.extended,
                    &a.postcode,
                    &a.city,
                    &a.region,
                    &a.country,
                    &a.po_box,
                    &a.formatted,
                ]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect();
                let _ = write!(
                    s,
                    " addr[{}]={}",
                    a.label.as_deref().unwrap_or(""),
                    parts.join("|")
                );
            }
            for (h, v) in &c.extra {
                let _ = write!(s, " extra[{h}]={v}");
            }
            let _ = writeln!(s, " raw={:?}", c.raw);
        }
        for d in &read.diagnostics {
            let _ = writeln!(s, "! {:?} {d}", d.severity);
        }
        s
    }

    /// (what, file text, --csv-map, expected digest)
    type ReadCase = (
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str)],
        &'static str,
    );

    const READ: &[ReadCase] = &[
        (
            "tussenvoegsel joins the family name",
            "Voornaam;Tussenvoegsel;Achternaam;E-mailadres\nJan;van der;Berg;jan@voorbeeld.nl\n",
            &[],
            "csv:generic\n1@2 given=Jan family=van der Berg emails=jan@voorbeeld.nl raw=\"Jan;van der;Berg;jan@voorbeeld.nl\"\n",
        ),
        (
            "lines count from the row's first byte after CRLF and blank lines",
            "Naam,Email\r\n\r\nJan,j@x.nl\r\nPiet,p@x.nl\r\n",
            &[],
            "csv:generic\n1@3 full=Jan emails=j@x.nl raw=\"Jan,j@x.nl\"\n2@4 full=Piet emails=p@x.nl raw=\"Piet,p@x.nl\"\n",
        ),
        (
            "a short row is rejected, the next one read",
            "Naam,Email,Tel\nJan,j@x.nl\nPiet,p@x.nl,06-12345678\n",
            &[],
            "csv:generic\n2@3 full=Piet emails=p@x.nl phones=06-12345678 raw=\"Piet,p@x.nl,06-12345678\"\n! RecordRejected t.csv:2 (record 1): expected 3 fields, found 2\n",
        ),
        (
            "surplus empty fields are repaired, surplus values are not",
            "Naam,Email\nJan,j@x.nl,,\nPiet,p@x.nl,extra\n",
            &[],
            "csv:generic\n1@2 full=Jan emails=j@x.nl raw=\"Jan,j@x.nl,,\"\n! RecordRejected t.csv:3 (record 2): expected 2 fields, found 3\n",
        ),
        (
            "a row wrapped whole in quotes is parsed from its content",
            "Naam,Email\n\"Jan,j@x.nl\"\n",
            &[],
            "csv:generic\n1@2 full=Jan emails=j@x.nl raw=\"\\\"Jan,j@x.nl\\\"\"\n",
        ),
        (
            "an unclosed quote rejects its line and reading resumes",
            "Naam,Email\nJan,\"j@x.nl\nPiet,p@x.nl\n",
            &[],
            "csv:generic\n2@3 full=Piet emails=p@x.nl raw=\"Piet,p@x.nl\"\n! RecordRejected t.csv:2 (record 1): unbalanced quote: a quoted field opened on this line runs over 2 lines (expected 2 fields, found 2); reading resumes on the next line\n",
        ),
        (
            "a quote closed by a later row's quote rejects only its first line",
            "Naam,Opmerkingen,Email\nJan,\"Belt terug,j@x.nl\nPiet,\"Twee\nregels\",p@x.nl\n",
            &[],
            "csv:generic\n2@3 full=Piet emails=p@x.nl note=Twee\nregels raw=\"Piet,\\\"Twee\\nregels\\\",p@x.nl\"\n! RecordRejected t.csv:2 (record 1): unbalanced quote: a quoted field opened on this line runs over 2 lines (expected 3 fields, found 2); reading resumes on the next line\n",
        ),
        (
            "a particle without a family name is no name",
            "Voornaam;Tussenvoegsel;Achternaam;Postcode\n;van der;;1234 AB\nJan;van;;\n",
            &[],
            "csv:generic\n2@3 given=Jan extra[Tussenvoegsel]=van raw=\"Jan;van;;\"\n! RecordRejected t.csv:2 (record 1): row carries no name, e-mail, phone, organisation or profile\n",
        ),
        (
            "a row with nothing in it is rejected",
            "Naam,Email\n , \n",
            &[],
            "csv:generic\n! RecordRejected t.csv:2 (record 1): row carries no name, e-mail, phone, organisation or profile\n",
        ),
        (
            "--csv-map names an unknown column",
            "Kleur,Maat\nrood,L\n",
            &[("kleur", "full-name")],
            "csv:generic\n1@2 full=rood extra[Maat]=L raw=\"rood,L\"\n",
        ),
        (
            "--csv-map overrides a flavour's mapping",
            "First Name,Last Name,URL,Email Address,Company,Position,Connected On\nJan,Berg,u,j@x.nl,Acme,CEO,09 Oct 2024\n",
            &[("Position", "extra")],
            "csv:linkedin\n1@2 given=Jan family=Berg connected=09 Oct 2024 emails=j@x.nl urls=u(linkedin) org=Acme extra[Position]=CEO raw=\"Jan,Berg,u,j@x.nl,Acme,CEO,09 Oct 2024\"\n",
        ),
        (
            "no recognisable column rejects the file",
            "Kleur,Maat\nrood,L\n",
            &[],
            "csv:generic\n! FileRejected t.csv: no column recognised as a name, e-mail, phone, organisation or profile (header: \"Kleur\", \"Maat\"); name the columns with --csv-map, e.g. --csv-map \"Kleur=full-name\"\n",
        ),
        (
            "a second value for a single field goes to extra",
            "Naam,Volledige naam,Email\nJan Berg,J. van den Berg,j@x.nl\n",
            &[],
            "csv:generic\n1@2 full=Jan Berg emails=j@x.nl extra[Volledige naam]=J. van den Berg raw=\"Jan Berg,J. van den Berg,j@x.nl\"\n",
        ),
        (
            "street and house number join in the file's column order",
            "Naam,Straat,Huisnummer,Postcode,Plaats\nJan,Oudegracht,12,3511 AB,Utrecht\n",
            &[],
            "csv:generic\n1@2 full=Jan addr[]=Oudegracht 12|3511 AB|Utrecht raw=\"Jan,Oudegracht,12,3511 AB,Utrecht\"\n",
        ),
        (
            "an address column alone is a one-string address",
            "Naam\tAdres\nJan\tOudegracht 12, 3511 AB Utrecht\n",
            &[],
            "csv:generic\n1@2 full=Jan addr[]=Oudegracht 12, 3511 AB Utrecht raw=\"Jan\\tOudegracht 12, 3511 AB Utrecht\"\n",
        ),
        (
            "invitations keep the other party",
            "From,To,Sent At,Message,Direction\nJan Berg,Ik Zelf,\"10/3/26, 9:14 AM\",Leuk je te spreken op het congres,INCOMING\nIk Zelf,Piet Smit,\"10/4/26, 8:00 AM\",,OUTGOING\nA,B,C,D,SIDEWAYS\n",
            &[],
            "csv:linkedin-invitations\n1@2 full=Jan Berg connected=10/3/26, 9:14 AM note=Leuk je te spreken op het congres extra[To]=Ik Zelf extra[Direction]=INCOMING raw=\"Jan Berg,Ik Zelf,\\\"10/3/26, 9:14 AM\\\",Leuk je te spreken op het congres,INCOMING\"\n2@3 full=Piet Smit connected=10/4/26, 8:00 AM extra[From]=Ik Zelf extra[Direction]=OUTGOING raw=\"Ik Zelf,Piet Smit,\\\"10/4/26, 8:00 AM\\\",,OUTGOING\"\n! RecordRejected t.csv:4 (record 3): direction \"SIDEWAYS\" is neither INCOMING nor OUTGOING\n",
        ),
        (
            "a header without rows is a warning",
            "Naam,Email\r\n",
            &[],
            "csv:generic\n! Warning t.csv:1: header row found, but no data rows\n",
        ),
        (
            "an empty file is rejected",
            " \r\n",
            &[],
            "csv:generic\n! FileRejected t.csv: empty file: no header row and no data\n",
        ),
    ];

    #[test]
    fn reads_rows() {
        for (what, text, map, want) in READ {
            let opts = ReadOptions {
                csv_map: map
                    .iter()
                    .map(|(h, f)| ((*h).to_owned(), (*f).to_owned()))
                    .collect(),
            };
            let got = digest(&read("t.csv", text.as_bytes(), &opts));
            assert_eq!(got, *want, "case: {what}");
        }
    }
}
