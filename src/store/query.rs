//! Read-only questions `who`, `note` and the exports ask the index, plus the one write that is
//! not a run: the user's purpose note.
//!
//! In: the index. Out: search candidates (full-text, exact values, the search vocabulary),
//! search rows, and per-person [`Detail`]s — what the model's `Person` cannot carry: values
//! from older versions of a source (historic records), where each source came from (run,
//! deleted file), encounters with their notes and how the person was linked to them, and the
//! purpose. It does not rank, merge or render anything (that is `crate::query`).

use super::{Context, StoreError};
use crate::model::{Contact, Encounter};
use rusqlite::{params, Connection, OptionalExtension};

/// One person's row of the full-text index: every distinct value, one a line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchRow {
    pub person_id: String,
    pub name: String,
    pub emails: String,
    pub phones: String,
    pub orgs: String,
    pub titles: String,
    /// The person has no active record any more; only history keeps it findable.
    pub retired: bool,
}

/// What the user wrote about why they keep a contact.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Purpose {
    /// What the user can offer the person.
    pub offer: Option<String>,
    /// What the user hopes from the person.
    pub ask: Option<String>,
    /// RFC 3339 UTC.
    pub updated_at: String,
}

/// Where an active record of the person comes from, with the run that imported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDetail {
    pub path: String,
    pub record: u32,
    pub line: Option<u32>,
    /// The run that imported this version of the file.
    pub run: i64,
    /// When that run started (RFC 3339).
    pub run_at: String,
    /// Set when the file was no longer found under the inputs of that later run.
    pub deleted_run: Option<i64>,
}

/// A record of an older version of a file: what a source said before it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoricRecord {
    pub contact: Contact,
    /// The run that imported that version of the file.
    pub run: i64,
    /// The run that brought a newer version of the file.
    pub superseded_run: i64,
}

/// Where a record or event sits in its file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Location {
    pub path: String,
    pub record: u32,
    pub line: Option<u32>,
}

/// One encounter of a person, with what the model's [`Encounter`] leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncounterDetail {
    pub encounter: Encounter,
    pub note: Option<String>,
    /// `record`, `email` or `name` (see schema_v2.sql).
    pub matched_by: String,
    /// Calendar events: invited people besides the user.
    pub attendees: Option<u32>,
    /// False when the record or calendar that told it has a newer version without it.
    pub current: bool,
    /// The run that recorded the encounter.
    pub run: i64,
    /// The record (or calendar event) that brought the person to this encounter.
    pub via: Option<Location>,
}

/// Everything about a person beyond its active records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub id: String,
    pub created_run: i64,
    pub retired_run: Option<i64>,
    /// The active records' sources, sorted by (path, record).
    pub sources: Vec<SourceDetail>,
    /// Records of older file versions linked to this person, sorted by (path, record, run).
    pub historic: Vec<HistoricRecord>,
    /// Deduplicated (same how, event, date, place and source: the current one, else the first
    /// told), sorted by (date, event, source); undated ones last.
    pub encounters: Vec<EncounterDetail>,
    pub purpose: Option<Purpose>,
}

/// A person met since a date without a purpose.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NoPurpose {
    pub id: String,
    pub name: Option<String>,
    /// The latest encounter date on or after the cut-off.
    pub last_met: String,
    /// The event of that encounter, or how it happened.
    pub what: String,
    /// Encounters on or after the cut-off.
    pub encounters: usize,
}

/// One person at one encounter, for `who --met`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MetRow {
    pub encounter: i64,
    pub event: Option<String>,
    pub date: Option<String>,
    pub place: Option<String>,
    pub how: String,
    /// The file that told it.
    pub source: String,
    pub person: String,
    pub name: Option<String>,
    /// `record`, `email` or `name` (see `person_encounters.matched_by`).
    pub matched_by: String,
    /// For calendar events: how many others were invited.
    pub attendees: Option<u32>,
}

pub(super) fn person_exists(
    conn: &Connection,
    index: &str,
    person: &str,
) -> Result<bool, StoreError> {
    conn.query_row("SELECT 1 FROM persons WHERE id = ?1", [person], |_| Ok(()))
        .optional()
        .map(|found| found.is_some())
        .ctx(index, || format!("looking up person {person}"))
}

pub(super) fn set_purpose(
    conn: &mut Connection,
    index: &str,
    person: &str,
    offer: Option<&str>,
    ask: Option<&str>,
    now: &str,
) -> Result<Purpose, StoreError> {
    let what = || format!("writing the purpose of {person}");
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .ctx(index, what)?;
    let exists = tx
        .query_row("SELECT 1 FROM persons WHERE id = ?1", [person], |_| Ok(()))
        .optional()
        .ctx(index, what)?
        .is_some();
    if !exists {
        return Err(StoreError::Input {
            path: index.to_string(),
            what: format!("no person {person} in the index"),
        });
    }
    let old: Option<(Option<String>, Option<String>)> = tx
        .query_row(
            "SELECT offer, ask FROM purposes WHERE person_id = ?1",
            [person],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()
        .ctx(index, what)?;
    let (old_offer, old_ask) = old.unwrap_or((None, None));
    let pick = |new: Option<&str>, old: Option<String>| match new {
        Some(text) => Some(text.trim().to_string()).filter(|t| !t.is_empty()),
        None => old,
    };
    let purpose = Purpose {
        offer: pick(offer, old_offer),
        ask: pick(ask, old_ask),
        updated_at: now.to_string(),
    };
    if purpose.offer.is_none() && purpose.ask.is_none() {
        tx.execute("DELETE FROM purposes WHERE person_id = ?1", [person])
            .ctx(index, what)?;
    } else {
        tx.execute(
            "INSERT INTO purposes (person_id, offer, ask, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (person_id) DO UPDATE
             SET offer = excluded.offer, ask = excluded.ask, updated_at = excluded.updated_at",
            params![person, purpose.offer, purpose.ask, purpose.updated_at],
        )
        .ctx(index, what)?;
    }
    tx.commit().ctx(index, what)?;
    Ok(purpose)
}

pub(super) fn search(
    conn: &Connection,
    index: &str,
    fts_query: &str,
    limit: usize,
) -> Result<Vec<String>, StoreError> {
    let what = || format!("searching for {fts_query:?}");
    // Column weights follow the column order: person_id (unindexed), name, emails, phones,
    // orgs, titles. A name hit outweighs an organisation hit.
    let mut st = conn
        .prepare_cached(
            "SELECT person_id FROM person_search WHERE person_search MATCH ?1
             ORDER BY bm25(person_search, 0.0, 10.0, 6.0, 6.0, 3.0, 1.0), person_id LIMIT ?2",
        )
        .ctx(index, what)?;
    let rows = st
        .query_map(
            params![fts_query, i64::try_from(limit).unwrap_or(i64::MAX)],
            |row| row.get(0),
        )
        .ctx(index, what)?;
    rows.collect::<rusqlite::Result<_>>().ctx(index, what)
}

pub(super) fn persons_with_value(
    conn: &Connection,
    index: &str,
    field: &str,
    value: &str,
) -> Result<Vec<String>, StoreError> {
    let what = || format!("looking up {field} {value:?}");
    let mut st = conn
        .prepare_cached(
            "SELECT DISTINCT pr.person_id FROM record_keys v
             JOIN person_records pr ON pr.record_id = v.record_id
             WHERE v.field = ?1 AND v.value = ?2
             ORDER BY pr.person_id",
        )
        .ctx(index, what)?;
    let rows = st
        .query_map(params![field, value], |row| row.get(0))
        .ctx(index, what)?;
    rows.collect::<rusqlite::Result<_>>().ctx(index, what)
}

pub(super) fn search_terms(
    conn: &Connection,
    index: &str,
    columns: &[&str],
    lengths: std::ops::RangeInclusive<usize>,
    first: char,
) -> Result<Vec<String>, StoreError> {
    const KNOWN: [&str; 5] = ["name", "emails", "phones", "orgs", "titles"];
    let what = || "reading the search vocabulary".to_string();
    let columns: Vec<&str> = columns
        .iter()
        .copied()
        .filter(|c| KNOWN.contains(c))
        .collect();
    if columns.is_empty() {
        return Ok(Vec::new());
    }
    // Column names come from the fixed list above, never from the user: safe to inline. The
    // filters run inside SQLite, and fts5vocab seeks to the range of terms that start with
    // `first` (it implements `>=` and `<=` on term), so the vocabulary is never read whole.
    let list = columns
        .iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut st = conn
        .prepare_cached(&format!(
            "SELECT DISTINCT term FROM person_search_terms
             WHERE term >= ?3 AND term <= ?4 AND col IN ({list})
               AND length(term) BETWEEN ?1 AND ?2
             ORDER BY term"
        ))
        .ctx(index, what)?;
    let (lo, hi) = (
        i64::try_from(*lengths.start()).unwrap_or(i64::MAX),
        i64::try_from(*lengths.end()).unwrap_or(i64::MAX),
    );
    let from = first.to_string();
    // U+10FFFF sorts after every character, byte-wise too.
    let to = format!("{first}\u{10FFFF}");
    let rows = st
        .query_map(params![lo, hi, from, to], |row| row.get(0))
        .ctx(index, what)?;
    rows.collect::<rusqlite::Result<_>>().ctx(index, what)
}

pub(super) fn search_rows(
    conn: &Connection,
    index: &str,
    ids: &[String],
) -> Result<Vec<SearchRow>, StoreError> {
    let what = || "reading search rows".to_string();
    let mut st = conn
        .prepare_cached(
            "SELECT s.name, s.emails, s.phones, s.orgs, s.titles, p.retired_run IS NOT NULL
             FROM persons p JOIN person_search s ON s.rowid = p.rowid WHERE p.id = ?1",
        )
        .ctx(index, what)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let row = st
            .query_row([id], |row| {
                Ok(SearchRow {
                    person_id: id.clone(),
                    name: row.get(0)?,
                    emails: row.get(1)?,
                    phones: row.get(2)?,
                    orgs: row.get(3)?,
                    titles: row.get(4)?,
                    retired: row.get(5)?,
                })
            })
            .optional()
            .ctx(index, what)?;
        out.extend(row);
    }
    Ok(out)
}

pub(super) fn details(
    conn: &Connection,
    index: &str,
    ids: &[String],
) -> Result<Vec<Detail>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(d) = detail(conn, index, id)? {
            out.push(d);
        }
    }
    Ok(out)
}

fn detail(conn: &Connection, index: &str, id: &str) -> Result<Option<Detail>, StoreError> {
    let what = || format!("reading the history of {id}");
    let person: Option<(i64, Option<i64>)> = conn
        .prepare_cached("SELECT created_run, retired_run FROM persons WHERE id = ?1")
        .and_then(|mut st| {
            st.query_row([id], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()
        })
        .ctx(index, what)?;
    let Some((created_run, retired_run)) = person else {
        return Ok(None);
    };

    let mut sources = Vec::new();
    {
        let mut st = conn
            .prepare_cached(
                "SELECT r.path, r.ordinal, r.line, f.run_id, ru.started_at, f.deleted_run
                 FROM person_records pr
                 JOIN records r ON r.id = pr.record_id
                 JOIN files f ON f.id = r.file_id
                 JOIN runs ru ON ru.id = f.run_id
                 WHERE pr.person_id = ?1 AND f.superseded_by IS NULL AND r.status = 'imported'
                 ORDER BY r.path, r.ordinal, r.id",
            )
            .ctx(index, what)?;
        let rows = st
            .query_map([id], |row| {
                Ok(SourceDetail {
                    path: row.get(0)?,
                    record: row.get(1)?,
                    line: row.get(2)?,
                    run: row.get(3)?,
                    run_at: row.get(4)?,
                    deleted_run: row.get(5)?,
                })
            })
            .ctx(index, what)?;
        for row in rows {
            sources.push(row.ctx(index, what)?);
        }
    }

    let mut historic = Vec::new();
    {
        let mut st = conn
            .prepare_cached(
                "SELECT r.contact_json, f.run_id, f.superseded_by
                 FROM person_records pr
                 JOIN records r ON r.id = pr.record_id
                 JOIN files f ON f.id = r.file_id
                 WHERE pr.person_id = ?1 AND f.superseded_by IS NOT NULL
                   AND r.status = 'imported'
                 ORDER BY r.path, r.ordinal, f.run_id, r.id",
            )
            .ctx(index, what)?;
        let rows = st
            .query_map([id], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, i64>(2)?,
                ))
            })
            .ctx(index, what)?;
        for row in rows {
            let (json, run, superseded_run) = row.ctx(index, what)?;
            let contact = super::json::contact_from_json(&json).ctx(index, what)?;
            historic.push(HistoricRecord {
                contact,
                run,
                superseded_run,
            });
        }
    }

    let mut encounters: Vec<EncounterDetail> = Vec::new();
    {
        let mut st = conn
            .prepare_cached(
                "SELECT e.how, e.event, e.date, e.place, e.source, e.note, e.attendees,
                        pe.matched_by, e.run_id,
                        CASE WHEN e.record_id IS NOT NULL THEN rf.superseded_by IS NULL
                             WHEN e.file_id IS NOT NULL THEN ef.superseded_by IS NULL
                             ELSE 1 END,
                        r.path, r.ordinal, r.line, e.ordinal, e.line, e.id
                 FROM person_encounters pe
                 JOIN encounters e ON e.id = pe.encounter_id
                 LEFT JOIN records r ON r.id = e.record_id
                 LEFT JOIN files rf ON rf.id = r.file_id
                 LEFT JOIN files ef ON ef.id = e.file_id
                 WHERE pe.person_id = ?1
                 ORDER BY e.id",
            )
            .ctx(index, what)?;
        let rows = st
            .query_map([id], |row| {
                let record_path: Option<String> = row.get(10)?;
                let via = match record_path {
                    Some(path) => Some(Location {
                        path,
                        record: row.get(11)?,
                        line: row.get(12)?,
                    }),
                    None => row.get::<_, Option<u32>>(13)?.map(|record| Location {
                        path: String::new(),
                        record,
                        line: None,
                    }),
                };
                let event_line: Option<u32> = row.get(14)?;
                let source: String = row.get(4)?;
                let via = via.map(|mut v| {
                    if v.path.is_empty() {
                        v.path = source.clone();
                        v.line = event_line;
                    }
                    v
                });
                Ok(EncounterDetail {
                    encounter: Encounter {
                        how: row.get(0)?,
                        event: row.get(1)?,
                        date: row.get(2)?,
                        place: row.get(3)?,
                        source,
                    },
                    note: row.get(5)?,
                    attendees: row.get(6)?,
                    matched_by: row.get(7)?,
                    run: row.get(8)?,
                    current: row.get(9)?,
                    via,
                })
            })
            .ctx(index, what)?;
        for row in rows {
            let e = row.ctx(index, what)?;
            // The same encounter told again (two records in one folder, a file imported in a
            // new version): shown once, the current telling first, else the first told.
            match encounters.iter_mut().find(|x| x.encounter == e.encounter) {
                Some(x) => {
                    if !x.current && e.current {
                        *x = e;
                    }
                }
                None => encounters.push(e),
            }
        }
    }
    encounters.sort_by(|a, b| encounter_order(&a.encounter).cmp(&encounter_order(&b.encounter)));

    let purpose = read_purpose(conn, index, id)?;
    Ok(Some(Detail {
        id: id.to_string(),
        created_run,
        retired_run,
        sources,
        historic,
        encounters,
        purpose,
    }))
}

/// Dated encounters first, oldest first; then by event and source.
fn encounter_order(e: &Encounter) -> impl Ord + '_ {
    (
        e.date.is_none(),
        &e.date,
        &e.event,
        &e.source,
        &e.place,
        &e.how,
    )
}

fn read_purpose(conn: &Connection, index: &str, id: &str) -> Result<Option<Purpose>, StoreError> {
    conn.prepare_cached("SELECT offer, ask, updated_at FROM purposes WHERE person_id = ?1")
        .and_then(|mut st| {
            st.query_row([id], |row| {
                Ok(Purpose {
                    offer: row.get(0)?,
                    ask: row.get(1)?,
                    updated_at: row.get(2)?,
                })
            })
            .optional()
        })
        .ctx(index, || format!("reading the purpose of {id}"))
}

pub(super) fn without_purpose(
    conn: &Connection,
    index: &str,
    since: &str,
) -> Result<Vec<NoPurpose>, StoreError> {
    let what = || format!("listing persons met since {since}");
    let mut st = conn
        .prepare(
            "SELECT pe.person_id, e.date, coalesce(e.event, e.how), s.name
             FROM person_encounters pe
             JOIN encounters e ON e.id = pe.encounter_id
             JOIN persons p ON p.id = pe.person_id
             LEFT JOIN person_search s ON s.rowid = p.rowid
             WHERE p.retired_run IS NULL AND e.date IS NOT NULL AND e.date >= ?1
               AND NOT EXISTS (SELECT 1 FROM purposes pu WHERE pu.person_id = pe.person_id)
             ORDER BY pe.person_id, e.date DESC, e.id",
        )
        .ctx(index, what)?;
    let rows = st
        .query_map([since], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?,
            ))
        })
        .ctx(index, what)?;
    let mut out: Vec<NoPurpose> = Vec::new();
    for row in rows {
        let (id, date, what_, names) = row.ctx(index, what)?;
        match out.last_mut().filter(|p| p.id == id) {
            Some(p) => p.encounters += 1,
            None => out.push(NoPurpose {
                id,
                name: names.and_then(|n| n.lines().next().map(str::to_string)),
                last_met: date,
                what: what_,
                encounters: 1,
            }),
        }
    }
    out.sort_by(|a, b| b.last_met.cmp(&a.last_met).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// Every encounter of an active person that has an event name or a place, with the person:
/// the caller filters (accent-folded words) and groups. Ordered by date, encounter, person.
pub(super) fn met_rows(conn: &Connection, index: &str) -> Result<Vec<MetRow>, StoreError> {
    let what = || "listing encounters".to_string();
    let mut st = conn
        .prepare(
            "SELECT e.id, e.event, e.date, e.place, e.how, e.source, pe.person_id, s.name,
                    pe.matched_by, e.attendees
             FROM person_encounters pe
             JOIN encounters e ON e.id = pe.encounter_id
             JOIN persons p ON p.id = pe.person_id
             LEFT JOIN person_search s ON s.rowid = p.rowid
             WHERE p.retired_run IS NULL AND (e.event IS NOT NULL OR e.place IS NOT NULL)
             ORDER BY e.date IS NULL, e.date, e.id, pe.person_id",
        )
        .ctx(index, what)?;
    let rows = st
        .query_map([], |row| {
            Ok(MetRow {
                encounter: row.get(0)?,
                event: row.get(1)?,
                date: row.get(2)?,
                place: row.get(3)?,
                how: row.get(4)?,
                source: row.get(5)?,
                person: row.get(6)?,
                name: row
                    .get::<_, Option<String>>(7)?
                    .and_then(|n| n.lines().next().map(str::to_string)),
                matched_by: row.get(8)?,
                attendees: row.get(9)?,
            })
        })
        .ctx(index, what)?;
    rows.collect::<Result<Vec<_>, _>>().ctx(index, what)
}
