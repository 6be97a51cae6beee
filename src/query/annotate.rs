//! What the exports carry beyond the merged view: purposes, history, encounter notes, runs.
//!
//! In: a person, its [`Detail`] and the bytes the plain exporters write. Out:
//!
//! - **JSON Lines** ([`jsonl`]): the merged view with keys added after the existing ones,
//!   never renamed — in `sources[]`: `run` (the import run of that file version; its time is
//!   left out so that the same inputs export the same bytes), `deleted_run` (the file was no
//!   longer found; its values are kept); in
//!   `encounters[]`: `note`, `matched_by` (`record`, `email`, `name`), `attendees`, `current`;
//!   in `provenance[]`: `current: true` on every entry, then one entry with `current: false`
//!   per value only older versions of a source give, whose `from[]` names the old record
//!   itself (`path`, `kind`, `record`, `line`, `original`, `label`, `run`, `superseded_run`)
//!   because `sources` lists current records only; and a last key `purpose`
//!   (`{"offer", "ask", "updated_at"}` or `null`).
//! - **vCard** ([`vcard`]): `X-NETWERK-OFFER` and `X-NETWERK-ASK`, and one
//!   `X-NETWERK-HISTORIC;X-FIELD=<field>:<value>` per historic value, before `END:VCARD`.
//! - **CSV** ([`csv_notes`]): the purpose appended to the `Notes` cell (Google's ` ::: `
//!   separator), formula guard applied again.
//!
//! What it does not do: merge, order or choose persons (the exporters and the store do).

use super::history::historic_values;
use crate::dedup::merge::{merge, Item};
use crate::model::Person;
use crate::store::{Detail, Purpose};
use serde_json::{json, Map, Value};
use std::io;

/// One person's JSON Lines object (see the module doc).
pub fn jsonl(person: &Person, detail: &Detail) -> serde_json::Result<Value> {
    let merged = merge(person);
    let historic = historic_values(&merged, &detail.historic);
    let mut v = serde_json::to_value(&merged)?;
    let Some(obj) = v.as_object_mut() else {
        return Ok(v);
    };
    if let Some(Value::Array(sources)) = obj.get_mut("sources") {
        for s in sources.iter_mut().filter_map(Value::as_object_mut) {
            let path = s.get("path").and_then(Value::as_str).unwrap_or("");
            let record = s.get("record").and_then(Value::as_u64).unwrap_or(0);
            let d = detail
                .sources
                .iter()
                .find(|d| d.path == path && u64::from(d.record) == record);
            s.insert("run".into(), json!(d.map(|d| d.run)));
            s.insert("deleted_run".into(), json!(d.and_then(|d| d.deleted_run)));
        }
    }
    if let Some(Value::Array(encounters)) = obj.get_mut("encounters") {
        for e in encounters.iter_mut().filter_map(Value::as_object_mut) {
            let field = |k: &str| e.get(k).and_then(Value::as_str).map(str::to_string);
            let (event, date, place, how, source) = (
                field("event"),
                field("date"),
                field("place"),
                field("how"),
                field("source"),
            );
            let d = detail.encounters.iter().find(|d| {
                d.encounter.event == event
                    && d.encounter.date == date
                    && d.encounter.place == place
                    && Some(&d.encounter.how) == how.as_ref()
                    && Some(&d.encounter.source) == source.as_ref()
            });
            e.insert("note".into(), json!(d.and_then(|d| d.note.clone())));
            e.insert(
                "matched_by".into(),
                json!(d.map_or("record", |d| d.matched_by.as_str())),
            );
            e.insert("attendees".into(), json!(d.and_then(|d| d.attendees)));
            e.insert("current".into(), json!(d.is_none_or(|d| d.current)));
        }
    }
    if let Some(Value::Array(provenance)) = obj.get_mut("provenance") {
        for p in provenance.iter_mut().filter_map(Value::as_object_mut) {
            p.insert("current".into(), Value::Bool(true));
        }
        for h in &historic {
            let mut entry = Map::new();
            entry.insert("field".into(), serde_json::to_value(h.field)?);
            entry.insert("value".into(), serde_json::to_value(&h.value)?);
            entry.insert("from".into(), serde_json::to_value(&h.from)?);
            entry.insert("current".into(), Value::Bool(false));
            provenance.push(Value::Object(entry));
        }
    }
    obj.insert(
        "purpose".into(),
        match &detail.purpose {
            Some(p) => serde_json::to_value(p)?,
            None => Value::Null,
        },
    );
    Ok(v)
}

/// One person's vCard: what the vCard exporter writes, with the purpose and historic values
/// added before `END:VCARD` (see the module doc).
pub fn vcard(person: &Person, detail: &Detail) -> io::Result<String> {
    let mut buf = Vec::new();
    crate::export::vcard::write(std::slice::from_ref(person), &mut buf)?;
    let card = String::from_utf8(buf).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let mut extra = String::new();
    if let Some(p) = &detail.purpose {
        if let Some(offer) = &p.offer {
            extra.push_str(&property("X-NETWERK-OFFER", "", offer));
        }
        if let Some(ask) = &p.ask {
            extra.push_str(&property("X-NETWERK-ASK", "", ask));
        }
    }
    let merged = merge(person);
    for h in historic_values(&merged, &detail.historic) {
        let field = serde_json::to_value(h.field)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let text = match &h.value {
            Item::Text(t) => t.clone(),
            _ => h.text.clone(),
        };
        extra.push_str(&property(
            "X-NETWERK-HISTORIC",
            &format!(";X-FIELD={field}"),
            &text,
        ));
    }
    if extra.is_empty() {
        return Ok(card);
    }
    Ok(match card.rfind("END:VCARD") {
        Some(at) => format!("{}{extra}{}", &card[..at], &card[at..]),
        None => card,
    })
}

/// `NAME;params:value` with the value escaped (RFC 6350 §3.4: `\\`, `\,`, `\;`, `\n`),
/// control characters cleaned, folded at 75 octets without splitting a character or an
/// escape, CRLF-terminated.
fn property(name: &str, params: &str, value: &str) -> String {
    let mut escaped = String::new();
    for c in crate::export::clean(value).chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            ',' => escaped.push_str("\\,"),
            ';' => escaped.push_str("\\;"),
            '\n' => escaped.push_str("\\n"),
            c => escaped.push(c),
        }
    }
    let line = format!("{name}{params}:{escaped}");
    let mut out = String::with_capacity(line.len() + 8);
    let mut len = 0;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        let pair = if c == '\\' { chars.next() } else { None };
        let n = c.len_utf8() + pair.map_or(0, char::len_utf8);
        if len + n > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(c);
        out.extend(pair);
        len += n;
    }
    out.push_str("\r\n");
    out
}

/// The purpose as one Notes entry: `Offer: …` and `Ask: …`.
fn purpose_note(p: &Purpose) -> Option<String> {
    let parts: Vec<String> = [("Offer", &p.offer), ("Ask", &p.ask)]
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}: {v}")))
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n"))
}

/// Rewrite a CSV export so that each person's purpose is in its `Notes` cell. `purposes` is
/// aligned with the rows (one per person, in order). Rows of persons without a purpose are
/// written back unchanged.
pub fn csv_notes(
    csv: &[u8],
    purposes: &[Option<&Purpose>],
    out: &mut impl io::Write,
) -> io::Result<()> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(csv);
    let header = reader.headers().map_err(io::Error::other)?.clone();
    let notes = header.iter().position(|h| h == "Notes");
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(&header)?;
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(io::Error::other)?;
        let add = purposes.get(i).copied().flatten().and_then(purpose_note);
        match (notes, add) {
            (Some(col), Some(add)) => {
                let cells: Vec<String> = row
                    .iter()
                    .enumerate()
                    .map(|(c, cell)| {
                        if c != col {
                            return cell.to_string();
                        }
                        let joined = if cell.is_empty() {
                            add.clone()
                        } else {
                            format!("{cell} ::: {add}")
                        };
                        crate::export::table::guard(&crate::export::clean(&joined)).into_owned()
                    })
                    .collect();
                w.write_record(&cells)?;
            }
            _ => w.write_record(&row)?,
        }
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_escape_and_fold() {
        const CASES: &[(&str, &str)] = &[
            ("a, b; c\\d", "X-A:a\\, b\\; c\\\\d\r\n"),
            ("two\nlines", "X-A:two\\nlines\r\n"),
        ];
        for (value, want) in CASES {
            assert_eq!(property("X-A", "", value), *want, "case {value:?}");
        }
        let long = property("X-A", "", &"é".repeat(60));
        for line in long.split("\r\n") {
            assert!(line.len() <= 75, "{line:?}");
        }
        assert_eq!(
            long.replace("\r\n ", ""),
            format!("X-A:{}\r\n", "é".repeat(60))
        );
    }

    #[test]
    fn csv_notes_get_the_purpose_and_other_rows_stay() {
        let csv = b"First Name,Notes\r\nJan,met at lunch\r\nPiet,\r\nKees,\r\n";
        let p = Purpose {
            offer: Some("=training".to_string()),
            ask: None,
            updated_at: "t".to_string(),
        };
        let mut out = Vec::new();
        csv_notes(csv, &[Some(&p), None, Some(&p)], &mut out).expect("rewrites");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "First Name,Notes\r\nJan,met at lunch ::: Offer: =training\r\nPiet,\r\nKees,Offer: =training\r\n"
        );
    }
}
