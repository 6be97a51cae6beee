//! What the deduplication report reads from the index, in plain SQL.
//!
//! In: the open index. Out: the report's rows ([`crate::report`]'s types): counts per source
//! kind, the latest run, the matching engine's evidence (`match_evidence`) with the records it
//! names, the rejected records, and the persons whose records disagree on a single-valued
//! field (candidates only; `report::load` merges them to decide). Every list is sorted in SQL
//! by a total order, so that the report never depends on how SQLite happened to walk a table.
//!
//! What it does not do: merge records (that is `dedup::merge`, called by `report::load`),
//! render anything, or write to the index.

use super::{Context, Index, StoreError};
use crate::report::{
    Evidence, FieldScore, KindCount, PersonRef, RecordRef, RejectedRecord, RunInfo,
};
use rusqlite::{Connection, OptionalExtension};

/// Which rows of `match_evidence`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceKind {
    Merge,
    Uncertain,
}

impl EvidenceKind {
    fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Merge => "merge",
            EvidenceKind::Uncertain => "uncertain",
        }
    }
}

/// Totals over the whole index (active file versions only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub runs: usize,
    /// Active files, imported and rejected records per source kind, sorted by kind.
    pub kinds: Vec<KindCount>,
    pub persons_total: usize,
    pub persons_retired: usize,
    pub merges: usize,
    pub uncertain: usize,
}

impl Index {
    /// Counts for the report's summary.
    pub fn report_totals(&self) -> Result<Totals, StoreError> {
        totals(&self.conn).ctx(&self.path, || "counting for the report".to_string())
    }

    /// The latest run that changed the index, if any.
    pub fn last_run(&self) -> Result<Option<RunInfo>, StoreError> {
        last_run(&self.conn).ctx(&self.path, || "reading the latest run".to_string())
    }

    /// The first `limit` rows of one kind of the engine's evidence, in their stored order
    /// (`seq`), with the records they name and the persons those belong to.
    pub fn match_evidence(
        &self,
        kind: EvidenceKind,
        limit: usize,
    ) -> Result<Vec<Evidence>, StoreError> {
        let what = || format!("reading the {} evidence", kind.as_str());
        let rows = evidence_rows(&self.conn, kind, limit).ctx(&self.path, what)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let fields: Vec<FieldScore> =
                serde_json::from_str(&row.fields_json).ctx(&self.path, || {
                    format!(
                        "match_evidence {} ({}): fields_json",
                        row.seq,
                        kind.as_str()
                    )
                })?;
            let a = record_ref(&self.conn, &row.record_a).ctx(&self.path, what)?;
            let b = record_ref(&self.conn, &row.record_b).ctx(&self.path, what)?;
            let person_a = match &row.person_a {
                Some(id) => Some(person_ref(&self.conn, id).ctx(&self.path, what)?),
                None => None,
            };
            let person_b = match &row.person_b {
                Some(id) => Some(person_ref(&self.conn, id).ctx(&self.path, what)?),
                None => None,
            };
            out.push(Evidence {
                seq: row.seq,
                a,
                b,
                person_a,
                person_b,
                weight: row.weight,
                probability: row.probability,
                swapped: row.swapped,
                fields,
            });
        }
        Ok(out)
    }

    /// The first `limit` rejected records of the active file versions, by path and record.
    pub fn rejected_records(&self, limit: usize) -> Result<Vec<RejectedRecord>, StoreError> {
        rejected(&self.conn, limit).ctx(&self.path, || "listing rejected records".to_string())
    }

    /// Current persons whose active records give more than one distinct full name or
    /// birthday, sorted by id: the only persons that can have a conflict.
    pub fn conflict_candidates(&self) -> Result<Vec<String>, StoreError> {
        conflict_candidates(&self.conn)
            .ctx(&self.path, || "looking for conflicting values".to_string())
    }

    /// A person's id, shown name and whether it is retired; an unknown id comes back as it is.
    pub fn person_ref(&self, id: &str) -> Result<PersonRef, StoreError> {
        person_ref(&self.conn, id).ctx(&self.path, || format!("reading person {id}"))
    }
}

fn count(conn: &Connection, sql: &str) -> rusqlite::Result<usize> {
    conn.query_row(sql, [], |row| row.get::<_, i64>(0))
        .map(|n| usize::try_from(n).unwrap_or(0))
}

fn totals(conn: &Connection) -> rusqlite::Result<Totals> {
    let mut kinds: Vec<KindCount> = Vec::new();
    let mut st = conn.prepare(
        "SELECT f.kind, count(DISTINCT f.id),
                count(r.id) FILTER (WHERE r.status = 'imported'),
                count(r.id) FILTER (WHERE r.status = 'rejected')
         FROM files f LEFT JOIN records r ON r.file_id = f.id
         WHERE f.superseded_by IS NULL
         GROUP BY f.kind ORDER BY f.kind",
    )?;
    let rows = st.query_map([], |row| {
        Ok(KindCount {
            kind: row.get(0)?,
            files: to_usize(row.get(1)?),
            records: to_usize(row.get(2)?),
            rejected: to_usize(row.get(3)?),
        })
    })?;
    for row in rows {
        kinds.push(row?);
    }
    Ok(Totals {
        runs: count(conn, "SELECT count(*) FROM runs")?,
        kinds,
        persons_total: count(
            conn,
            "SELECT count(*) FROM persons WHERE retired_run IS NULL",
        )?,
        persons_retired: count(
            conn,
            "SELECT count(*) FROM persons WHERE retired_run IS NOT NULL",
        )?,
        merges: count(
            conn,
            "SELECT count(*) FROM match_evidence WHERE kind = 'merge'",
        )?,
        uncertain: count(
            conn,
            "SELECT count(*) FROM match_evidence WHERE kind = 'uncertain'",
        )?,
    })
}

fn to_usize(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

fn last_run(conn: &Connection) -> rusqlite::Result<Option<RunInfo>> {
    conn.query_row(
        "SELECT id, started_at, command, files_new, files_changed, files_unchanged,
                files_deleted, records_added, records_rejected, persons_new, persons_updated,
                persons_retired, persons_total
         FROM runs ORDER BY id DESC LIMIT 1",
        [],
        |row| {
            Ok(RunInfo {
                id: row.get(0)?,
                started_at: row.get(1)?,
                command: row.get(2)?,
                files_new: to_usize(row.get(3)?),
                files_changed: to_usize(row.get(4)?),
                files_unchanged: to_usize(row.get(5)?),
                files_deleted: to_usize(row.get(6)?),
                records_added: to_usize(row.get(7)?),
                records_rejected: to_usize(row.get(8)?),
                persons_new: to_usize(row.get(9)?),
                persons_updated: to_usize(row.get(10)?),
                persons_retired: to_usize(row.get(11)?),
                persons_total: to_usize(row.get(12)?),
            })
        },
    )
    .optional()
}

/// One `match_evidence` row as stored.
struct EvidenceRow {
    seq: i64,
    record_a: String,
    record_b: String,
    person_a: Option<String>,
    person_b: Option<String>,
    weight: f64,
    probability: f64,
    swapped: bool,
    fields_json: String,
}

fn evidence_rows(
    conn: &Connection,
    kind: EvidenceKind,
    limit: usize,
) -> rusqlite::Result<Vec<EvidenceRow>> {
    let mut st = conn.prepare(
        "SELECT seq, record_a, record_b, person_a, person_b, weight, probability, swapped,
                fields_json
         FROM match_evidence WHERE kind = ?1 ORDER BY seq, id LIMIT ?2",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = st.query_map(rusqlite::params![kind.as_str(), limit], |row| {
        Ok(EvidenceRow {
            seq: row.get(0)?,
            record_a: row.get(1)?,
            record_b: row.get(2)?,
            person_a: row.get(3)?,
            person_b: row.get(4)?,
            weight: row.get(5)?,
            probability: row.get(6)?,
            swapped: row.get::<_, i64>(7)? != 0,
            fields_json: row.get(8)?,
        })
    })?;
    rows.collect()
}

/// The record a stable key names: its active version where there is one (a key names the
/// same text at the same place in every version of a file), else the newest.
fn record_ref(conn: &Connection, key: &str) -> rusqlite::Result<RecordRef> {
    type Found = (String, i64, Option<i64>, String, bool, Option<String>);
    let found: Option<Found> = conn
        .query_row(
            "SELECT r.path, r.ordinal, r.line, r.kind, f.superseded_by IS NULL, r.contact_json
             FROM records r JOIN files f ON f.id = r.file_id
             WHERE r.stable_key = ?1
             ORDER BY f.superseded_by IS NULL DESC, r.id DESC LIMIT 1",
            [key],
            |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                ))
            },
        )
        .optional()?;
    let Some((path, ordinal, line, kind, active, json)) = found else {
        return Ok(RecordRef {
            key: key.to_string(),
            ..RecordRef::default()
        });
    };
    let contact = json
        .map(|j| super::json::contact_from_json(&j))
        .transpose()
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e))
        })?;
    // The first value of each shown field, in the order the record gave them; blank values
    // are no values (as in `record_keys`).
    let filled = |v: Option<&String>| v.filter(|v| !v.trim().is_empty()).cloned();
    let first = |list: &[crate::model::Value]| {
        list.iter()
            .find(|v| !v.value.trim().is_empty())
            .map(|v| v.value.clone())
    };
    let (name, email, phone) = match &contact {
        Some(c) => {
            let name = filled(c.name.full.as_ref()).or_else(|| {
                let parts: Vec<String> = [
                    filled(c.name.given.as_ref()),
                    filled(c.name.family.as_ref()),
                ]
                .into_iter()
                .flatten()
                .collect();
                (!parts.is_empty()).then(|| parts.join(" "))
            });
            (name, first(c.emails.as_slice()), first(c.phones.as_slice()))
        }
        None => (None, None, None),
    };
    Ok(RecordRef {
        key: key.to_string(),
        found: true,
        active,
        path: Some(path),
        record: u32::try_from(ordinal).ok(),
        line: line.and_then(|l| u32::try_from(l).ok()),
        kind: Some(kind),
        name,
        email,
        phone,
    })
}

fn person_ref(conn: &Connection, id: &str) -> rusqlite::Result<PersonRef> {
    let found: Option<(bool, Option<String>)> = conn
        .query_row(
            "SELECT p.retired_run IS NOT NULL, s.name
             FROM persons p LEFT JOIN person_search s ON s.rowid = p.rowid
             WHERE p.id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let (retired, names) = found.unwrap_or((false, None));
    Ok(PersonRef {
        id: id.to_string(),
        // The search row holds one name per line, the shown one first.
        name: names.and_then(|n| n.lines().next().map(str::to_string)),
        retired,
    })
}

fn rejected(conn: &Connection, limit: usize) -> rusqlite::Result<Vec<RejectedRecord>> {
    let mut st = conn.prepare(
        "SELECT r.path, r.ordinal, r.line, r.kind, r.reason
         FROM records r JOIN files f ON f.id = r.file_id
         WHERE f.superseded_by IS NULL AND r.status = 'rejected'
         ORDER BY r.path, r.ordinal, r.id LIMIT ?1",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = st.query_map([limit], |row| {
        Ok(RejectedRecord {
            path: row.get(0)?,
            record: u32::try_from(row.get::<_, i64>(1)?).unwrap_or(0),
            line: row
                .get::<_, Option<i64>>(2)?
                .and_then(|l| u32::try_from(l).ok()),
            kind: row.get(3)?,
            reason: row.get::<_, Option<String>>(4)?.unwrap_or_default(),
        })
    })?;
    rows.collect()
}

fn conflict_candidates(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    // A person is a candidate when its active records give two distinct values for the full
    // name or the birthday (the normaliser always fills the full name when a record has any
    // name, so the parts add nothing). Driven by the (field, value) index, so that only these
    // two fields' rows are read: about half the time of walking each person's records and
    // all their values (measured with sqlite3 on an index of 40 000 records). Active records
    // belong to current persons only, so retired persons need no filter here.
    // `report::load` then merges each candidate, which decides (a year-less birthday that
    // matches a full date is no conflict).
    let mut st = conn.prepare(
        "SELECT pr.person_id
         FROM record_keys v
         JOIN records r ON r.id = v.record_id
         JOIN files f ON f.id = r.file_id
         JOIN person_records pr ON pr.record_id = r.id
         WHERE v.field IN ('birthday', 'name.full')
           AND f.superseded_by IS NULL AND r.status = 'imported'
         GROUP BY pr.person_id
         HAVING count(DISTINCT v.field || char(0) || v.value) > count(DISTINCT v.field)
         ORDER BY pr.person_id",
    )?;
    let rows = st.query_map([], |row| row.get(0))?;
    rows.collect()
}
