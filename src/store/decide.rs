//! The user's decisions: checked, stored and applied in one transaction.
//!
//! In: a [`Decision`] about current persons (`merge A B`, `separate A B`, `unmerge P`). Out:
//! rows in `decisions` that name records by stable key, and the index re-clustered at once
//! with every decision (a `runs` row with the command, then the same identity step as an
//! import, so `who` and `export` show the result); or a refusal with nothing written.
//!
//! The engine knows only records, so a decision about persons becomes record pairs:
//! - merge A B: must-link (`merge`) rows from the smallest record of A ∪ B to each other record
//!   of A ∪ B: everything the user saw as A or as B stays one person, whatever later runs find;
//! - separate A B: cannot-link (`not-same`) rows for every record of A with every record of B;
//! - unmerge P: P's records fall into the groups the user merged themselves (usually each
//!   record alone); cannot-link (`split`) rows for every two records in different groups, so
//!   the automatic merges that formed P are undone and stay undone.
//!
//! Refused (nothing written): an unknown or retired person, the same person twice, a merge
//! across records the user separated or unmerged, a separation across records the user merged,
//! an unmerge of a person with one record or with only records the user merged. After applying,
//! the decision is checked to hold; should it not, the run is rolled back and refused.
//!
//! What it does not do: turn names into person ids (the caller passes ids), or print.

use super::apply::Writer;
use super::{Changes, Context, RunInput, RunOutcome, StoreError};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashSet};

/// One decision of the user's, about current persons (ids `p-…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Always the same person.
    Merge(String, String),
    /// Never the same person.
    Separate(String, String),
    /// Undo the automatic merges that formed this person.
    Unmerge(String),
}

impl Decision {
    fn persons(&self) -> Vec<&str> {
        match self {
            Decision::Merge(a, b) | Decision::Separate(a, b) => vec![a, b],
            Decision::Unmerge(p) => vec![p],
        }
    }
}

/// What applying a decision did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionOutcome {
    /// The `runs` row written.
    pub run_id: i64,
    /// Rows added to `decisions` (0 when the same decision was already stored).
    pub rows: usize,
    /// The current persons that hold the records the decision was about, sorted: one for a
    /// merge, the two (or more) parts for a separation or an unmerge.
    pub persons: Vec<String>,
    /// The run's counts and changes, as for an import.
    pub outcome: RunOutcome,
}

/// One row of `match_evidence`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceRow {
    pub seq: i64,
    /// Stable keys (`path#record#sha256`).
    pub record_a: String,
    pub record_b: String,
    pub person_a: Option<String>,
    pub person_b: Option<String>,
    /// log2 Bayes factor.
    pub weight: f64,
    pub probability: f64,
    pub swapped: bool,
    pub fields: Vec<FieldRow>,
}

/// One field's part in a pair's score, as stored (`dedup::engine::FieldEvidence`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldRow {
    pub field: String,
    pub level: String,
    pub weight: f64,
}

/// A stored decision, as far as checking a new one needs it.
struct Stored {
    kind: String,
    a: String,
    b: String,
    made_at: String,
}

fn refused<T>(what: String) -> Result<T, StoreError> {
    Err(StoreError::Refused { what })
}

pub(super) fn decide(
    conn: &mut Connection,
    index: &str,
    decision: &Decision,
    note: Option<&str>,
    started_at: &str,
    command: &str,
) -> Result<DecisionOutcome, StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .ctx(index, || "starting the decision's transaction".to_string())?;
    let persons = decision.persons();
    if persons.len() == 2 && persons[0] == persons[1] {
        return refused(format!(
            "{} is named twice; give two different persons",
            persons[0]
        ));
    }
    let mut records: Vec<Vec<String>> = Vec::new();
    for p in &persons {
        records.push(records_of(&tx, index, p)?);
    }
    let stored = stored(&tx, index)?;
    let pair_known = |kinds: &[&str], x: &str, y: &str| {
        stored.iter().any(|s| {
            kinds.contains(&s.kind.as_str()) && ((s.a == x && s.b == y) || (s.a == y && s.b == x))
        })
    };
    // (kind, record_a, record_b, person)
    let mut rows: Vec<(&str, String, String, &str)> = Vec::new();
    match decision {
        Decision::Merge(a, b) => {
            if let Some(s) = crossing(&stored, &records[0], &records[1], |k| k != "merge") {
                return refused(format!(
                    "{a} and {b} were marked as different people (`{}` on {}); nothing changed",
                    if s.kind == "split" {
                        "unmerge"
                    } else {
                        "separate"
                    },
                    s.made_at
                ));
            }
            let all: BTreeSet<&String> = records[0].iter().chain(&records[1]).collect();
            let mut all = all.into_iter();
            if let Some(first) = all.next() {
                for x in all {
                    if !pair_known(&["merge"], first, x) {
                        rows.push(("merge", first.clone(), x.clone(), a.as_str()));
                    }
                }
            }
        }
        Decision::Separate(a, b) => {
            if let Some(s) = crossing(&stored, &records[0], &records[1], |k| k == "merge") {
                return refused(format!(
                    "{a} and {b} were merged by you (`merge` on {}); nothing changed",
                    s.made_at
                ));
            }
            for x in &records[0] {
                for y in &records[1] {
                    if !pair_known(&["not-same", "split"], x, y) {
                        let (lo, hi) = if x <= y { (x, y) } else { (y, x) };
                        rows.push(("not-same", lo.clone(), hi.clone(), a.as_str()));
                    }
                }
            }
        }
        Decision::Unmerge(p) => {
            let recs = &records[0];
            if recs.len() < 2 {
                return refused(format!("{p} holds one record; there is no merge to undo"));
            }
            let group = user_groups(recs, &stored);
            if group.iter().all(|&g| g == group[0]) {
                return refused(format!(
                    "{p} holds only records you merged yourself (`netwerk-import merge`); \
                     there is no automatic merge to undo"
                ));
            }
            for i in 0..recs.len() {
                for j in i + 1..recs.len() {
                    if group[i] != group[j]
                        && !pair_known(&["not-same", "split"], &recs[i], &recs[j])
                    {
                        rows.push(("split", recs[i].clone(), recs[j].clone(), p.as_str()));
                    }
                }
            }
        }
    }

    for (kind, a, b, person) in &rows {
        tx.prepare_cached(
            "INSERT INTO decisions (made_at, kind, record_a, record_b, person_id, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .and_then(|mut st| st.execute(params![started_at, kind, a, b, person, note]))
        .ctx(index, || "storing the decision".to_string())?;
    }

    let mut w = Writer {
        tx: &tx,
        index,
        run_id: 0,
        encounters_added: std::cell::Cell::new(0),
    };
    w.run_id = w.insert_run(&RunInput::new(started_at, command, Vec::new()))?;
    let mut changes = Changes::default();
    let counts = w.identify(&mut changes)?;
    w.link_calendars()?;
    for list in [
        &mut changes.persons_new,
        &mut changes.persons_updated,
        &mut changes.persons_retired,
    ] {
        list.sort();
    }
    let mut outcome = RunOutcome {
        run_id: Some(w.run_id),
        changed: true,
        changes,
        ..RunOutcome::default()
    };
    counts.fill(&mut outcome);
    w.finish_run(&outcome)?;

    // Check that the decision holds before committing it.
    let mut holders: Vec<BTreeSet<String>> = Vec::new();
    for recs in &records {
        let mut set = BTreeSet::new();
        for key in recs {
            if let Some(p) = person_of(&tx, index, key)? {
                set.insert(p);
            }
        }
        holders.push(set);
    }
    let holds = match decision {
        Decision::Merge(..) => holders[0] == holders[1] && holders[0].len() == 1,
        Decision::Separate(..) => holders[0].is_disjoint(&holders[1]),
        Decision::Unmerge(..) => holders[0].len() > 1,
    };
    if !holds {
        return refused(format!(
            "{}: the index could not be brought in line with this decision; nothing changed",
            persons.join(" and ")
        ));
    }
    let persons: Vec<String> = holders
        .into_iter()
        .flatten()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let run_id = w.run_id;
    tx.commit()
        .ctx(index, || "committing the decision".to_string())?;
    Ok(DecisionOutcome {
        run_id,
        rows: rows.len(),
        persons,
        outcome,
    })
}

/// The stable keys of a current person's active records, sorted; refused for an unknown or
/// retired person.
fn records_of(tx: &Transaction<'_>, index: &str, person: &str) -> Result<Vec<String>, StoreError> {
    let what = || format!("loading the records of {person}");
    let current: Option<bool> = tx
        .query_row(
            "SELECT retired_run IS NULL FROM persons WHERE id = ?1",
            [person],
            |row| row.get(0),
        )
        .optional()
        .ctx(index, what)?;
    match current {
        None => return refused(format!("{person}: no such person in the index")),
        Some(false) => {
            return refused(format!(
                "{person} is no longer in the index (merged into another person, or its \
                 records are gone); `netwerk-import who` finds the current one"
            ))
        }
        Some(true) => {}
    }
    let mut st = tx
        .prepare(
            "SELECT r.stable_key FROM person_records pr
             JOIN records r ON r.id = pr.record_id
             JOIN files f ON f.id = r.file_id
             WHERE pr.person_id = ?1 AND f.superseded_by IS NULL AND r.status = 'imported'
             ORDER BY r.stable_key",
        )
        .ctx(index, what)?;
    let rows = st
        .query_map([person], |row| row.get::<_, String>(0))
        .ctx(index, what)?;
    rows.collect::<rusqlite::Result<_>>().ctx(index, what)
}

/// The current person of the active record with this stable key.
fn person_of(tx: &Transaction<'_>, index: &str, key: &str) -> Result<Option<String>, StoreError> {
    tx.prepare_cached(
        "SELECT pr.person_id FROM records r
         JOIN files f ON f.id = r.file_id
         JOIN person_records pr ON pr.record_id = r.id
         WHERE r.stable_key = ?1 AND f.superseded_by IS NULL",
    )
    .and_then(|mut st| st.query_row([key], |row| row.get(0)).optional())
    .ctx(index, || format!("looking up the person of {key}"))
}

/// Every stored pair decision, oldest first.
fn stored(tx: &Transaction<'_>, index: &str) -> Result<Vec<Stored>, StoreError> {
    let what = || "loading the decisions".to_string();
    let mut st = tx
        .prepare(
            "SELECT kind, record_a, record_b, made_at FROM decisions
             WHERE record_b IS NOT NULL ORDER BY id",
        )
        .ctx(index, what)?;
    let rows = st
        .query_map([], |row| {
            Ok(Stored {
                kind: row.get(0)?,
                a: row.get(1)?,
                b: row.get(2)?,
                made_at: row.get(3)?,
            })
        })
        .ctx(index, what)?;
    rows.collect::<rusqlite::Result<_>>().ctx(index, what)
}

/// The first stored decision of a matching kind between a record of `xs` and one of `ys`.
fn crossing<'s>(
    stored: &'s [Stored],
    xs: &[String],
    ys: &[String],
    kind: impl Fn(&str) -> bool,
) -> Option<&'s Stored> {
    // Only looked up, never iterated.
    let xs: HashSet<&str> = xs.iter().map(String::as_str).collect();
    let ys: HashSet<&str> = ys.iter().map(String::as_str).collect();
    stored.iter().find(|s| {
        kind(&s.kind)
            && ((xs.contains(s.a.as_str()) && ys.contains(s.b.as_str()))
                || (ys.contains(s.a.as_str()) && xs.contains(s.b.as_str())))
    })
}

/// For each of `recs`, the number of its group: records joined by the user's own merges share
/// one (connected components of the stored must-link pairs among them).
fn user_groups(recs: &[String], stored: &[Stored]) -> Vec<usize> {
    let mut group: Vec<usize> = (0..recs.len()).collect();
    let at = |key: &str| recs.iter().position(|r| r == key);
    // Few records per person: relabelling whole groups is simpler than union-find and cheap.
    for s in stored.iter().filter(|s| s.kind == "merge") {
        if let (Some(i), Some(j)) = (at(&s.a), at(&s.b)) {
            let (from, to) = (group[j], group[i]);
            if from != to {
                for g in group.iter_mut() {
                    if *g == from {
                        *g = to;
                    }
                }
            }
        }
    }
    group
}

/// The rows of `match_evidence` of one kind, in `seq` order.
pub(super) fn evidence(
    conn: &Connection,
    index: &str,
    kind: &str,
) -> Result<Vec<EvidenceRow>, StoreError> {
    let what = || format!("reading the {kind} evidence");
    let mut st = conn
        .prepare(
            "SELECT seq, record_a, record_b, person_a, person_b, weight, probability, swapped,
                    fields_json
             FROM match_evidence WHERE kind = ?1 ORDER BY seq, id",
        )
        .ctx(index, what)?;
    let rows = st
        .query_map([kind], |row| {
            Ok((
                EvidenceRow {
                    seq: row.get(0)?,
                    record_a: row.get(1)?,
                    record_b: row.get(2)?,
                    person_a: row.get(3)?,
                    person_b: row.get(4)?,
                    weight: row.get(5)?,
                    probability: row.get(6)?,
                    swapped: row.get(7)?,
                    fields: Vec::new(),
                },
                row.get::<_, String>(8)?,
            ))
        })
        .ctx(index, what)?;
    let mut out = Vec::new();
    for row in rows {
        let (mut e, json) = row.ctx(index, what)?;
        e.fields = serde_json::from_str(&json).ctx(index, what)?;
        out.push(e);
    }
    Ok(out)
}
