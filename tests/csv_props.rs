//! Properties of the CSV reader, on generated input:
//!
//! - any bytes: no panic, every rejected row is located, record ordinals are unique;
//! - any table the csv crate writes (quotes, delimiters, CR, LF, TAB and accents inside
//!   values; `,` `;` or TAB; LF or CRLF): reading it back gives every value trimmed, in its
//!   row, at the line where the row starts, and rejects exactly the rows with nothing in them.

use netwerk_import::sources::table::{read, sniff};
use netwerk_import::sources::ReadOptions;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes_are_read_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = sniff(&bytes);
        let got = read("p.csv", &bytes, &ReadOptions::default());
        let mut records: Vec<u32> = got
            .contacts
            .iter()
            .map(|c| c.source.record)
            .chain(got.rejected.iter().map(|r| r.source.record))
            .collect();
        let n = records.len();
        records.sort_unstable();
        records.dedup();
        prop_assert_eq!(records.len(), n, "record ordinals are unique");
        prop_assert!(records.iter().all(|r| *r >= 1));
        for r in &got.rejected {
            prop_assert!(r.source.line.is_some(), "rejected row without a line: {:?}", r);
        }
        prop_assert!(got.diagnostics.len() >= got.rejected.len());
    }

    #[test]
    fn written_tables_read_back(
        rows in prop::collection::vec(prop::collection::vec(cell(), 3), 0..12),
        delimiter in prop::sample::select(vec![b',', b';', b'\t']),
        crlf in any::<bool>(),
    ) {
        let terminator = if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') };
        let mut w = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(terminator)
            .from_writer(Vec::new());
        w.write_record(["Naam", "E-mail", "Telefoon"]).expect("write header");
        let mut starts = Vec::new();
        for row in &rows {
            w.flush().expect("flush");
            starts.push(w.get_ref().len());
            w.write_record(row).expect("write row");
        }
        let bytes = w.into_inner().expect("finish");
        let text = String::from_utf8(bytes.clone()).expect("utf-8");
        let got = read("t.csv", &bytes, &ReadOptions::default());

        let mut contacts = got.contacts.iter();
        let mut rejected = got.rejected.iter();
        for (i, row) in rows.iter().enumerate() {
            let record = u32::try_from(i + 1).expect("small");
            let line = u32::try_from(breaks(&text[..starts[i]]) + 1).expect("small");
            let want: Vec<&str> = row.iter().map(|v| v.trim()).collect();
            if want.iter().all(|v| v.is_empty()) {
                let r = rejected.next().expect("an empty row is rejected");
                prop_assert_eq!(r.source.record, record);
                prop_assert_eq!(r.source.line, Some(line));
                continue;
            }
            let c = contacts.next().expect("a contact per non-empty row");
            prop_assert_eq!(c.source.record, record);
            prop_assert_eq!(c.source.line, Some(line));
            prop_assert_eq!(c.name.full.as_deref().unwrap_or(""), want[0]);
            prop_assert_eq!(c.emails.first().map_or("", |e| e.value.as_str()), want[1]);
            prop_assert_eq!(c.phones.first().map_or("", |p| p.value.as_str()), want[2]);
            prop_assert!(text[starts[i]..].starts_with(&c.raw), "raw is the row's text");
        }
        prop_assert!(contacts.next().is_none());
        prop_assert!(rejected.next().is_none());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Broken quoting and ragged rows: every row the reader reports (kept or rejected) sits at
    /// the line it names, and lines grow with record ordinals.
    #[test]
    fn every_row_is_where_it_says(body in prop::collection::vec(
        prop::sample::select(vec!["Jan", "Piet", "j@x.nl", ",", ";", "\"", "\n", "\r\n", "\r", " ", "\t", "ë"]),
        0..60,
    )) {
        let text = format!("Naam,E-mail\n{}", body.concat());
        let got = read("q.csv", text.as_bytes(), &ReadOptions::default());
        let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
        let lines: Vec<&str> = normalised.split('\n').collect();
        let mut located: Vec<(u32, u32, &str)> = got
            .contacts
            .iter()
            .map(|c| (c.source.record, c.source.line.unwrap_or(0), c.raw.as_str()))
            .chain(got.rejected.iter().map(|r| (r.source.record, r.source.line.unwrap_or(0), r.raw.as_str())))
            .collect();
        located.sort_unstable();
        let mut last_line = 0;
        for (record, line, raw) in located {
            prop_assert!(line > last_line, "record {} at line {} after line {}", record, line, last_line);
            last_line = line;
            let first = raw.split(['\n', '\r']).next().unwrap_or("");
            let at = lines.get(line as usize - 1).copied().unwrap_or("<none>");
            prop_assert_eq!(first, at, "record {} names line {}", record, line);
        }
    }
}

/// Line breaks as the reader counts them: LF, CRLF, lone CR.
fn breaks(text: &str) -> usize {
    text.replace("\r\n", "\n").matches(['\n', '\r']).count()
}

/// A cell with the characters that make CSV hard.
fn cell() -> impl Strategy<Value = String> {
    let chars = vec![
        'a', 'B', 'z', 'ë', 'é', ' ', '\t', ',', ';', '"', '\n', '\r', '0', '@', '-', '.',
    ];
    prop::collection::vec(prop::sample::select(chars), 0..10).prop_map(String::from_iter)
}
