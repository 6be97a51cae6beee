//! Reading the index back: persons with their records and encounters, and raw records.
//!
//! In: the index. Out: [`Person`]s rebuilt from the stored Contact JSON (exactly what the
//! pipeline stored), and [`RawContact`]s with their photos put back. Read-only.

use super::{Context, StoreError};
use crate::model::{Encounter, Person, RawContact};
use rusqlite::{Connection, OptionalExtension};
use std::collections::BTreeMap;

pub(super) fn persons(conn: &Connection, index: &str) -> Result<Vec<Person>, StoreError> {
    persons_where(conn, index, None)
}

/// The current persons with these ids (sorted by id; unknown or retired ids left out).
pub(super) fn persons_by_id(
    conn: &Connection,
    index: &str,
    ids: &[String],
) -> Result<Vec<Person>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    persons_where(conn, index, Some(ids))
}

/// Every current person, or only those in `only`.
fn persons_where(
    conn: &Connection,
    index: &str,
    only: Option<&[String]>,
) -> Result<Vec<Person>, StoreError> {
    let what = || "reading the persons".to_string();
    // A temporary table of the wanted ids keeps one query plan for one id or thousands.
    let filter = match only {
        Some(ids) => {
            conn.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS wanted (id TEXT PRIMARY KEY);
                 DELETE FROM temp.wanted;",
            )
            .ctx(index, what)?;
            let mut st = conn
                .prepare_cached("INSERT OR IGNORE INTO temp.wanted (id) VALUES (?1)")
                .ctx(index, what)?;
            for id in ids {
                st.execute([id]).ctx(index, what)?;
            }
            "AND p.id IN (SELECT id FROM temp.wanted)"
        }
        None => "",
    };
    let mut by_id: BTreeMap<String, Person> = BTreeMap::new();
    {
        let mut st = conn
            .prepare(&format!(
                "SELECT pr.person_id, r.stable_key, r.contact_json
                 FROM person_records pr
                 JOIN persons p ON p.id = pr.person_id
                 JOIN records r ON r.id = pr.record_id
                 JOIN files f ON f.id = r.file_id
                 WHERE f.superseded_by IS NULL AND r.status = 'imported'
                   AND p.retired_run IS NULL {filter}
                 ORDER BY pr.person_id, r.path, r.ordinal, r.id"
            ))
            .ctx(index, what)?;
        let rows = st
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })
            .ctx(index, what)?;
        for row in rows {
            let (id, key, json) = row.ctx(index, what)?;
            let contact = super::json::contact_from_json(&json)
                .ctx(index, || format!("reading the stored contact {key}"))?;
            by_id
                .entry(id.clone())
                .or_insert_with(|| Person {
                    id,
                    records: Vec::new(),
                    encounters: Vec::new(),
                })
                .records
                .push(contact);
        }
    }
    {
        let mut st = conn
            .prepare(&format!(
                "SELECT pe.person_id, e.event, e.date, e.place, e.how, e.source
                 FROM person_encounters pe
                 JOIN encounters e ON e.id = pe.encounter_id
                 JOIN persons p ON p.id = pe.person_id
                 WHERE p.retired_run IS NULL {filter}"
            ))
            .ctx(index, what)?;
        let rows = st
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    Encounter {
                        event: row.get(1)?,
                        date: row.get(2)?,
                        place: row.get(3)?,
                        how: row.get(4)?,
                        source: row.get(5)?,
                    },
                ))
            })
            .ctx(index, what)?;
        for row in rows {
            let (id, encounter) = row.ctx(index, what)?;
            if let Some(person) = by_id.get_mut(&id) {
                person.encounters.push(encounter);
            }
        }
    }
    let mut out: Vec<Person> = by_id.into_values().collect();
    for person in &mut out {
        // SQL already sorted by path (byte order, as Rust's); the sort makes the contract
        // independent of how the stored JSON spells its own source.
        person.records.sort_by(|a, b| {
            (&a.source.path, a.source.record).cmp(&(&b.source.path, b.source.record))
        });
        // Oldest first; the same encounter told by two records is shown once.
        person.encounters.sort_by(|a, b| {
            (&a.date, &a.how, &a.source, &a.event, &a.place)
                .cmp(&(&b.date, &b.how, &b.source, &b.event, &b.place))
        });
        person.encounters.dedup();
    }
    Ok(out)
}

pub(super) fn raw_contact(
    conn: &Connection,
    index: &str,
    path: &str,
    record: u32,
) -> Result<Option<RawContact>, StoreError> {
    let what = || format!("reading record {record} of {path}");
    let row: Option<(i64, String, String)> = conn
        .query_row(
            "SELECT r.id, r.raw_json, r.raw FROM records r JOIN files f ON f.id = r.file_id
             WHERE r.path = ?1 AND r.ordinal = ?2 AND r.status = 'imported'
               AND f.superseded_by IS NULL
             ORDER BY r.id LIMIT 1",
            rusqlite::params![path, record],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()
        .ctx(index, what)?;
    let Some((id, json, text)) = row else {
        return Ok(None);
    };
    let mut raw: RawContact = super::json::raw_from_json(&json, &text).ctx(index, what)?;
    let mut st = conn
        .prepare("SELECT item, data FROM photos WHERE record_id = ?1 ORDER BY item")
        .ctx(index, what)?;
    let photos = st
        .query_map([id], |row| {
            Ok((row.get::<_, usize>(0)?, row.get::<_, Vec<u8>>(1)?))
        })
        .ctx(index, what)?;
    for photo in photos {
        let (item, data) = photo.ctx(index, what)?;
        if let Some(p) = raw.photos.get_mut(item) {
            p.data = data;
        }
    }
    Ok(Some(raw))
}
