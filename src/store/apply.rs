//! One run, applied in one transaction.
//!
//! In: a [`RunInput`]. Out: the index changed, and a [`RunOutcome`].
//!
//! Steps, all inside one `BEGIN IMMEDIATE` transaction (so the "is anything new?" check and the
//! writes see the same index even with a second process waiting):
//! 1. Drop files whose hash equals their active version. If none is left, roll back: nothing,
//!    not even a `runs` row, is written.
//! 2. Per new or changed file: mark the previous version superseded by this run (its records
//!    stay, inactive), insert the new version, its records (raw verbatim, RawContact and
//!    Contact as JSON), their photos, one `record_values` row per normalised value, rejected
//!    records with their reason, and a `linkedin`/`facebook` encounter per `connected_on`.
//! 3. Identity over all active records ([`SharedKeys`]), ids by [`assign`]; votes come from the
//!    records' current persons and, for the records of a changed file, from their predecessor
//!    in the superseded version (same raw text first, else a shared identity key), so that a
//!    file exported again keeps its people's ids.
//! 4. Only persons whose records changed get their `person_records`, `person_encounters` and
//!    search rows rewritten; persons left without records are retired (kept, never deleted).
//!
//! What it does not do: decide what a file is or whether it changed on disk (the pipeline
//! passes hashes), or apply user decisions (a later issue; the `decisions` table waits).

use super::assign::{self, Ballot};
use super::{sha256_hex, Context, RunInput, RunOutcome, StoreError};
use crate::dedup::identity::{self, Key, Resolver, SharedKeys};
use crate::model::{Contact, RawContact, SourceKind};
use crate::store::{FileInput, RecordInput};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

const ACTIVE_HASH: &str = "SELECT hash FROM files WHERE path = ?1 AND superseded_by IS NULL";

pub(super) fn active_hash(conn: &Connection, path: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(ACTIVE_HASH)?
        .query_row([path], |row| row.get(0))
        .optional()
}

/// The active version's hash and kind.
pub(super) fn active_file(
    conn: &Connection,
    path: &str,
) -> rusqlite::Result<Option<(String, String)>> {
    conn.prepare_cached("SELECT hash, kind FROM files WHERE path = ?1 AND superseded_by IS NULL")?
        .query_row([path], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()
}

pub(super) fn persons_total(conn: &Connection) -> rusqlite::Result<usize> {
    conn.query_row(
        "SELECT count(*) FROM persons WHERE retired_run IS NULL",
        [],
        |row| row.get(0),
    )
}

pub(super) fn apply(
    conn: &mut Connection,
    index: &str,
    run: RunInput,
) -> Result<RunOutcome, StoreError> {
    let mut seen = HashSet::new();
    if let Some(dup) = run.files.iter().find(|f| !seen.insert(f.path.as_str())) {
        return Err(StoreError::Input {
            path: index.to_string(),
            what: format!("{} is given twice in one run", dup.path),
        });
    }

    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .ctx(index, || "starting the run's transaction".to_string())?;

    let mut outcome = RunOutcome {
        files_unchanged: run.unchanged.len(),
        ..RunOutcome::default()
    };
    // (file, whether an older version exists)
    let mut todo: Vec<(&FileInput, bool)> = Vec::new();
    for file in &run.files {
        match active_hash(&tx, &file.path).ctx(index, || format!("looking up {}", file.path))? {
            Some(hash) if hash == file.hash => outcome.files_unchanged += 1,
            known => todo.push((file, known.is_some())),
        }
    }
    if todo.is_empty() {
        outcome.persons_total = persons_total(&tx).ctx(index, || "counting persons".to_string())?;
        // Dropping the transaction rolls it back; it wrote nothing.
        return Ok(outcome);
    }

    let mut w = Writer {
        tx: &tx,
        index,
        run_id: 0,
    };
    w.run_id = w.insert_run(&run)?;
    outcome.run_id = Some(w.run_id);
    outcome.changed = true;

    let mut by_kind: BTreeMap<SourceKind, usize> = BTreeMap::new();
    for (file, has_previous) in &todo {
        if *has_previous {
            w.supersede(&file.path)?;
            outcome.files_changed += 1;
        } else {
            outcome.files_new += 1;
        }
        let file_id = w.insert_file(file)?;
        w.insert_records(file_id, file)?;
        outcome.records_added += file.records.len();
        outcome.records_rejected += file.rejected.len();
        for rec in &file.records {
            *by_kind.entry(rec.raw.source.kind).or_default() += 1;
        }
    }
    outcome.records_by_kind = by_kind.into_iter().collect();

    let counts = w.identify()?;
    outcome.persons_new = counts.new;
    outcome.persons_updated = counts.updated;
    outcome.persons_retired = counts.retired;
    outcome.persons_total = counts.total;
    w.finish_run(&outcome)?;

    tx.commit()
        .ctx(index, || "committing the run".to_string())?;
    Ok(outcome)
}

struct Writer<'a> {
    tx: &'a Transaction<'a>,
    index: &'a str,
    run_id: i64,
}

#[derive(Debug, Default)]
struct PersonCounts {
    new: usize,
    updated: usize,
    retired: usize,
    total: usize,
}

/// An active imported record, loaded for identity.
struct Active {
    id: i64,
    path: String,
    ordinal: i64,
    stable_key: String,
    raw_hash: String,
    /// The run that inserted the record's file version.
    run_id: i64,
    contact: Contact,
}

impl Writer<'_> {
    /// Run one statement (cached: most run once per record or person) with context.
    fn exec(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        what: impl FnOnce() -> String,
    ) -> Result<usize, StoreError> {
        self.tx
            .prepare_cached(sql)
            .and_then(|mut st| st.execute(params))
            .ctx(self.index, what)
    }

    fn insert_run(&self, run: &RunInput) -> Result<i64, StoreError> {
        self.exec(
            "INSERT INTO runs (started_at, command) VALUES (?1, ?2)",
            params![run.started_at, run.command],
            || "recording the run".to_string(),
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    fn finish_run(&self, o: &RunOutcome) -> Result<(), StoreError> {
        self.exec(
            "UPDATE runs SET files_new = ?2, files_changed = ?3, files_unchanged = ?4,
                records_added = ?5, records_rejected = ?6, persons_new = ?7,
                persons_updated = ?8, persons_retired = ?9, persons_total = ?10
             WHERE id = ?1",
            params![
                self.run_id,
                o.files_new,
                o.files_changed,
                o.files_unchanged,
                o.records_added,
                o.records_rejected,
                o.persons_new,
                o.persons_updated,
                o.persons_retired,
                o.persons_total
            ],
            || "recording the run's counts".to_string(),
        )?;
        Ok(())
    }

    fn supersede(&self, path: &str) -> Result<(), StoreError> {
        self.exec(
            "UPDATE files SET superseded_by = ?1 WHERE path = ?2 AND superseded_by IS NULL",
            params![self.run_id, path],
            || format!("superseding the old version of {path}"),
        )?;
        Ok(())
    }

    fn insert_file(&self, file: &FileInput) -> Result<i64, StoreError> {
        self.exec(
            "INSERT INTO files (path, hash, size, kind, run_id) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                file.path,
                file.hash,
                file.size,
                file.kind.as_str(),
                self.run_id
            ],
            || format!("recording file {}", file.path),
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Imported and rejected records interleaved in file order, so that the `records` table
    /// reads like the file.
    fn insert_records(&self, file_id: i64, file: &FileInput) -> Result<(), StoreError> {
        enum Item<'r> {
            Imported(&'r RecordInput),
            Rejected(&'r crate::sources::Rejected),
        }
        let mut items: Vec<(u32, Item)> = file
            .records
            .iter()
            .map(|r| (r.raw.source.record, Item::Imported(r)))
            .chain(
                file.rejected
                    .iter()
                    .map(|r| (r.source.record, Item::Rejected(r))),
            )
            .collect();
        // Stable: records with the same ordinal (a reader bug) keep their given order.
        items.sort_by_key(|(ordinal, _)| *ordinal);
        for (_, item) in items {
            match item {
                Item::Imported(rec) => self.insert_imported(file_id, file, rec)?,
                Item::Rejected(rej) => self.insert_rejected(file_id, file, rej)?,
            }
        }
        Ok(())
    }

    fn insert_imported(
        &self,
        file_id: i64,
        file: &FileInput,
        rec: &RecordInput,
    ) -> Result<(), StoreError> {
        let source = &rec.raw.source;
        let at = || format!("record {} of {}", source.record, file.path);
        let raw_hash = sha256_hex(rec.raw.raw.as_bytes());
        let stable_key = stable_key(&file.path, source.record, &raw_hash);
        let raw_json = raw_json(&rec.raw).ctx(self.index, || format!("serialising {}", at()))?;
        let contact_json = serde_json::to_string(&rec.contact)
            .ctx(self.index, || format!("serialising {}", at()))?;
        self.exec(
            "INSERT INTO records (file_id, path, ordinal, line, kind, status, raw, raw_hash,
                stable_key, raw_json, contact_json)
             VALUES (?1, ?2, ?3, ?4, ?5, 'imported', ?6, ?7, ?8, ?9, ?10)",
            params![
                file_id,
                file.path,
                source.record,
                source.line,
                source.kind.as_str(),
                rec.raw.raw,
                raw_hash,
                stable_key,
                raw_json,
                contact_json
            ],
            || format!("inserting {}", at()),
        )?;
        let record_id = self.tx.last_insert_rowid();

        for (item, photo) in rec.raw.photos.iter().enumerate() {
            self.exec(
                "INSERT INTO photos (record_id, item, media_type, uri, data)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![record_id, item, photo.media_type, photo.uri, photo.data],
                || format!("inserting a photo of {}", at()),
            )?;
        }

        {
            let mut st = self
                .tx
                .prepare_cached(
                    "INSERT INTO record_values (record_id, field, item, value, original, label)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .ctx(self.index, || "preparing value inserts".to_string())?;
            for v in values(&rec.contact) {
                st.execute(params![
                    record_id, v.field, v.item, v.value, v.original, v.label
                ])
                .ctx(self.index, || format!("inserting {} of {}", v.field, at()))?;
            }
        }

        if let Some(date) = rec
            .contact
            .connected_on
            .as_ref()
            .map(|v| v.value.trim())
            .filter(|v| !v.is_empty())
        {
            self.exec(
                "INSERT INTO encounters (how, date, source, record_id, run_id)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    connection_how(source.kind),
                    date,
                    file.path,
                    record_id,
                    self.run_id
                ],
                || format!("inserting the encounter of {}", at()),
            )?;
        }
        if let Some(e) = &file.encounter {
            self.exec(
                "INSERT INTO encounters (how, event, date, place, source, record_id, run_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    e.how,
                    e.event,
                    e.date,
                    e.place,
                    e.source,
                    record_id,
                    self.run_id
                ],
                || format!("inserting the encounter of {}", at()),
            )?;
        }
        Ok(())
    }

    fn insert_rejected(
        &self,
        file_id: i64,
        file: &FileInput,
        rej: &crate::sources::Rejected,
    ) -> Result<(), StoreError> {
        let raw_hash = sha256_hex(rej.raw.as_bytes());
        let stable_key = stable_key(&file.path, rej.source.record, &raw_hash);
        self.exec(
            "INSERT INTO records (file_id, path, ordinal, line, kind, status, reason, raw,
                raw_hash, stable_key)
             VALUES (?1, ?2, ?3, ?4, ?5, 'rejected', ?6, ?7, ?8, ?9)",
            params![
                file_id,
                file.path,
                rej.source.record,
                rej.source.line,
                rej.source.kind.as_str(),
                rej.reason,
                rej.raw,
                raw_hash,
                stable_key
            ],
            || {
                format!(
                    "inserting rejected record {} of {}",
                    rej.source.record, file.path
                )
            },
        )?;
        Ok(())
    }

    /// Steps 3 and 4 of the module doc: resolve identity over every active record and bring
    /// persons, their links, encounters and search rows up to date.
    fn identify(&self) -> Result<PersonCounts, StoreError> {
        let active = self.load_active()?;
        let refs: Vec<&Contact> = active.iter().map(|a| &a.contact).collect();
        let clusters = SharedKeys.resolve(&refs);

        let links = self.current_links()?;
        let predecessors = self.predecessors(&active)?;
        let before = self.membership_before()?;

        let ballots: Vec<Ballot> = clusters
            .iter()
            .map(|members| {
                let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
                for &m in members {
                    let id = active[m].id;
                    if let Some(p) = links.get(&id).or_else(|| predecessors.get(&id)) {
                        *votes.entry(p.as_str()).or_default() += 1;
                    }
                }
                Ballot {
                    first_key: active[members[0]].stable_key.clone(),
                    votes: votes.into_iter().map(|(p, n)| (p.to_string(), n)).collect(),
                }
            })
            .collect();
        let ids = assign::assign(&ballots);

        let states = self.person_states()?;
        let mut counts = PersonCounts {
            total: ids.len(),
            ..PersonCounts::default()
        };
        let empty = Membership::default();
        for (members, person) in clusters.iter().zip(&ids) {
            let now = Membership {
                records: members.iter().map(|&m| active[m].id).collect(),
                keys: members
                    .iter()
                    .map(|&m| active[m].stable_key.clone())
                    .collect(),
            };
            let old = before.get(person).unwrap_or(&empty);
            let existed = match states.get(person) {
                None => {
                    self.exec(
                        "INSERT INTO persons (id, created_run, updated_run) VALUES (?1, ?2, ?2)",
                        params![person, self.run_id],
                        || format!("creating person {person}"),
                    )?;
                    counts.new += 1;
                    false
                }
                Some(true) => true,
                Some(false) => {
                    self.exec(
                        "UPDATE persons SET retired_run = NULL, updated_run = ?2 WHERE id = ?1",
                        params![person, self.run_id],
                        || format!("reviving person {person}"),
                    )?;
                    counts.new += 1;
                    false
                }
            };
            if existed && now.keys != old.keys {
                self.exec(
                    "UPDATE persons SET updated_run = ?2 WHERE id = ?1",
                    params![person, self.run_id],
                    || format!("updating person {person}"),
                )?;
                counts.updated += 1;
            }
            if !existed || now.records != old.records {
                for &m in members {
                    let id = active[m].id;
                    if links.get(&id) != Some(person) {
                        self.link(id, person)?;
                    }
                }
                self.sync_encounters(person)?;
                let contacts: Vec<&Contact> = members.iter().map(|&m| refs[m]).collect();
                self.sync_search(person, &contacts)?;
            }
        }

        let assigned: HashSet<&str> = ids.iter().map(String::as_str).collect();
        // BTreeMap: retire in id order, so the writes are the same in every run.
        for (person, active_before) in &states {
            if *active_before && !assigned.contains(person.as_str()) {
                self.retire(person)?;
                counts.retired += 1;
            }
        }
        Ok(counts)
    }

    /// Every active imported record, in (path, ordinal) order: the order identity sees them in,
    /// which also decides which record is "smallest" in a cluster.
    fn load_active(&self) -> Result<Vec<Active>, StoreError> {
        let what = || "loading the active records".to_string();
        let mut st = self
            .tx
            .prepare(
                "SELECT r.id, r.path, r.ordinal, r.stable_key, r.raw_hash, f.run_id, r.contact_json
                 FROM records r JOIN files f ON f.id = r.file_id
                 WHERE f.superseded_by IS NULL AND r.status = 'imported'
                 ORDER BY r.path, r.ordinal, r.stable_key, r.id",
            )
            .ctx(self.index, what)?;
        let rows = st
            .query_map([], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, i64>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, i64>(5)?,
                    row.get::<_, String>(6)?,
                ))
            })
            .ctx(self.index, what)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, path, ordinal, stable_key, raw_hash, run_id, json) =
                row.ctx(self.index, what)?;
            let contact: Contact = serde_json::from_str(&json).ctx(self.index, || {
                format!("reading the stored contact {stable_key}")
            })?;
            out.push(Active {
                id,
                path,
                ordinal,
                stable_key,
                raw_hash,
                run_id,
                contact,
            });
        }
        Ok(out)
    }

    /// The person of every active record that already has one.
    fn current_links(&self) -> Result<HashMap<i64, String>, StoreError> {
        let what = || "loading the records' persons".to_string();
        let mut st = self
            .tx
            .prepare(
                "SELECT pr.record_id, pr.person_id
                 FROM person_records pr
                 JOIN records r ON r.id = pr.record_id
                 JOIN files f ON f.id = r.file_id
                 WHERE f.superseded_by IS NULL",
            )
            .ctx(self.index, what)?;
        let rows = st
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .ctx(self.index, what)?;
        rows.collect::<rusqlite::Result<_>>().ctx(self.index, what)
    }

    /// For the records of files changed in this run: the person of the record they replace in
    /// the superseded version. Same raw text first (the same record at the same ordinal if
    /// there is one), else the first old record that shares an identity key; each old record
    /// passes its person on once.
    fn predecessors(&self, active: &[Active]) -> Result<HashMap<i64, String>, StoreError> {
        let what = || "loading the superseded records".to_string();
        let mut st = self
            .tx
            .prepare(
                "SELECT r.path, r.ordinal, r.raw_hash, r.contact_json, pr.person_id
                 FROM records r
                 JOIN files f ON f.id = r.file_id
                 JOIN person_records pr ON pr.record_id = r.id
                 WHERE f.superseded_by = ?1 AND r.status = 'imported'
                 ORDER BY r.path, r.ordinal, r.id",
            )
            .ctx(self.index, what)?;
        let rows = st
            .query_map([self.run_id], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                ))
            })
            .ctx(self.index, what)?;
        // path → (record, its person), in ordinal order.
        let mut old_by_path: BTreeMap<String, Vec<(Candidate, String)>> = BTreeMap::new();
        for row in rows {
            let (path, ordinal, raw_hash, json, person) = row.ctx(self.index, what)?;
            let contact: Contact = serde_json::from_str(&json).ctx(self.index, || {
                format!("reading the stored contact {path}#{ordinal}")
            })?;
            let keys = identity::keys(&contact);
            old_by_path.entry(path).or_default().push((
                Candidate {
                    ordinal,
                    raw_hash,
                    keys,
                },
                person,
            ));
        }
        if old_by_path.is_empty() {
            return Ok(HashMap::new());
        }

        let mut new_by_path: BTreeMap<&str, Vec<&Active>> = BTreeMap::new();
        for a in active.iter().filter(|a| a.run_id == self.run_id) {
            new_by_path.entry(a.path.as_str()).or_default().push(a);
        }
        let mut out = HashMap::new();
        for (path, old) in &old_by_path {
            let Some(new) = new_by_path.get(path.as_str()) else {
                continue;
            };
            let old_candidates: Vec<&Candidate> = old.iter().map(|(c, _)| c).collect();
            let new_candidates: Vec<Candidate> = new
                .iter()
                .map(|a| Candidate {
                    ordinal: a.ordinal,
                    raw_hash: a.raw_hash.clone(),
                    keys: identity::keys(&a.contact),
                })
                .collect();
            let matches =
                match_predecessors(&old_candidates, &new_candidates.iter().collect::<Vec<_>>());
            for (a, m) in new.iter().zip(matches) {
                if let Some(i) = m {
                    out.insert(a.id, old[i].1.clone());
                }
            }
        }
        Ok(out)
    }

    /// The records each person held before this run (active then: files inserted earlier that
    /// are still active or were superseded by this run).
    fn membership_before(&self) -> Result<HashMap<String, Membership>, StoreError> {
        let what = || "loading the persons' records".to_string();
        let mut st = self
            .tx
            .prepare(
                "SELECT pr.person_id, r.id, r.stable_key
                 FROM person_records pr
                 JOIN records r ON r.id = pr.record_id
                 JOIN files f ON f.id = r.file_id
                 WHERE f.run_id < ?1 AND (f.superseded_by IS NULL OR f.superseded_by = ?1)",
            )
            .ctx(self.index, what)?;
        let rows = st
            .query_map([self.run_id], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })
            .ctx(self.index, what)?;
        let mut out: HashMap<String, Membership> = HashMap::new();
        for row in rows {
            let (person, record, key) = row.ctx(self.index, what)?;
            let m = out.entry(person).or_default();
            m.records.insert(record);
            m.keys.insert(key);
        }
        Ok(out)
    }

    /// Every known person id and whether it is current (not retired).
    fn person_states(&self) -> Result<BTreeMap<String, bool>, StoreError> {
        let what = || "loading the persons".to_string();
        let mut st = self
            .tx
            .prepare("SELECT id, retired_run IS NULL FROM persons")
            .ctx(self.index, what)?;
        let rows = st
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .ctx(self.index, what)?;
        rows.collect::<rusqlite::Result<_>>().ctx(self.index, what)
    }

    fn link(&self, record_id: i64, person: &str) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO person_records (record_id, person_id, run_id) VALUES (?1, ?2, ?3)
             ON CONFLICT (record_id) DO UPDATE
             SET person_id = excluded.person_id, run_id = excluded.run_id",
            params![record_id, person, self.run_id],
            || format!("linking record {record_id} to person {person}"),
        )?;
        Ok(())
    }

    /// Make the person's record-derived encounters those of its active records: unlink the
    /// ones whose record it no longer holds, link the missing ones. Encounters that are not
    /// tied to a record (sidecars, calendars) are left alone.
    fn sync_encounters(&self, person: &str) -> Result<(), StoreError> {
        self.exec(
            "DELETE FROM person_encounters WHERE id IN (
                 SELECT pe.id FROM person_encounters pe
                 JOIN encounters e ON e.id = pe.encounter_id
                 WHERE pe.person_id = ?1 AND e.record_id IS NOT NULL
                   AND NOT EXISTS (
                     SELECT 1 FROM person_records pr
                     JOIN records r ON r.id = pr.record_id
                     JOIN files f ON f.id = r.file_id
                     WHERE pr.record_id = e.record_id AND pr.person_id = ?1
                       AND f.superseded_by IS NULL))",
            params![person],
            || format!("unlinking encounters of {person}"),
        )?;
        self.exec(
            "INSERT OR IGNORE INTO person_encounters (person_id, encounter_id, run_id)
             SELECT ?1, e.id, ?2 FROM person_records pr
             JOIN records r ON r.id = pr.record_id
             JOIN files f ON f.id = r.file_id
             JOIN encounters e ON e.record_id = r.id
             WHERE pr.person_id = ?1 AND f.superseded_by IS NULL
             ORDER BY e.id",
            params![person, self.run_id],
            || format!("linking encounters of {person}"),
        )?;
        Ok(())
    }

    /// Rewrite the person's full-text row (rowid = the person's rowid).
    fn sync_search(&self, person: &str, contacts: &[&Contact]) -> Result<(), StoreError> {
        let what = || format!("updating the search index for {person}");
        self.delete_search(person)?;
        let text = SearchText::of(contacts);
        self.exec(
            "INSERT INTO person_search (rowid, person_id, name, emails, phones, orgs, titles)
             SELECT rowid, id, ?2, ?3, ?4, ?5, ?6 FROM persons WHERE id = ?1",
            params![
                person,
                text.name,
                text.emails,
                text.phones,
                text.orgs,
                text.titles
            ],
            what,
        )?;
        Ok(())
    }

    fn delete_search(&self, person: &str) -> Result<(), StoreError> {
        self.exec(
            "DELETE FROM person_search WHERE rowid = (SELECT rowid FROM persons WHERE id = ?1)",
            params![person],
            || format!("removing {person} from the search index"),
        )?;
        Ok(())
    }

    /// A person without active records: kept (its id may come back), but out of search and
    /// without record-derived encounters. Its `person_records` rows now all point at
    /// superseded records or have been moved to other persons.
    fn retire(&self, person: &str) -> Result<(), StoreError> {
        self.exec(
            "UPDATE persons SET retired_run = ?2, updated_run = ?2 WHERE id = ?1",
            params![person, self.run_id],
            || format!("retiring person {person}"),
        )?;
        self.sync_encounters(person)?;
        self.delete_search(person)
    }
}

/// The records a person holds: by row (which changes when a file is imported again) and by
/// stable key (which changes only when the person really gained or lost a record).
#[derive(Debug, Default, PartialEq, Eq)]
struct Membership {
    records: BTreeSet<i64>,
    keys: BTreeSet<String>,
}

/// A record of one file version, as far as predecessor matching needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Candidate {
    ordinal: i64,
    raw_hash: String,
    keys: Vec<Key>,
}

/// For each record of a file's new version, the index of the record it replaces in the old
/// version, if any: first the same raw text (at the same ordinal if possible, else the first
/// such), then, for records still unmatched, the first old record that shares an identity key.
/// Every old record is claimed at most once. `old` is in ordinal order.
fn match_predecessors(old: &[&Candidate], new: &[&Candidate]) -> Vec<Option<usize>> {
    // Only looked up, never iterated; the lists are in old (ordinal) order.
    let mut by_hash: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_key: HashMap<&Key, Vec<usize>> = HashMap::new();
    for (i, o) in old.iter().enumerate() {
        by_hash.entry(o.raw_hash.as_str()).or_default().push(i);
        for k in &o.keys {
            by_key.entry(k).or_default().push(i);
        }
    }
    let mut claimed = vec![false; old.len()];
    let mut out: Vec<Option<usize>> = vec![None; new.len()];
    for (n, rec) in new.iter().enumerate() {
        let Some(same) = by_hash.get(rec.raw_hash.as_str()) else {
            continue;
        };
        let free = |i: &&usize| !claimed[**i];
        let pick = same
            .iter()
            .filter(free)
            .find(|&&i| old[i].ordinal == rec.ordinal)
            .or_else(|| same.iter().find(free))
            .copied();
        if let Some(i) = pick {
            claimed[i] = true;
            out[n] = Some(i);
        }
    }
    for (n, rec) in new.iter().enumerate() {
        if out[n].is_some() {
            continue;
        }
        let pick = rec
            .keys
            .iter()
            .filter_map(|k| by_key.get(k))
            .filter_map(|list| list.iter().copied().find(|&i| !claimed[i]))
            .min();
        if let Some(i) = pick {
            claimed[i] = true;
            out[n] = Some(i);
        }
    }
    out
}

/// `path#ordinal#sha256(raw)`: names a record across runs and file versions.
fn stable_key(path: &str, ordinal: u32, raw_hash: &str) -> String {
    format!("{path}#{ordinal}#{raw_hash}")
}

/// How a source's own relationship date was made.
fn connection_how(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::CsvLinkedin | SourceKind::CsvLinkedinInvitations => "linkedin",
        SourceKind::JsonFacebook => "facebook",
        _ => "connected",
    }
}

/// The RawContact as JSON, with photo bytes left out (they go to the `photos` table as BLOBs;
/// as JSON number arrays they would be four times their size).
fn raw_json(raw: &RawContact) -> serde_json::Result<String> {
    if raw.photos.iter().all(|p| p.data.is_empty()) {
        return serde_json::to_string(raw);
    }
    let mut slim = raw.clone();
    for photo in &mut slim.photos {
        photo.data = Vec::new();
    }
    serde_json::to_string(&slim)
}

/// One `record_values` row.
#[derive(Debug, PartialEq, Eq)]
struct ValueRow {
    field: &'static str,
    item: usize,
    value: String,
    original: Option<String>,
    label: Option<String>,
}

/// Every normalised value of a contact, in a fixed order. Empty values are skipped: they say
/// nothing and would only match each other.
fn values(c: &Contact) -> Vec<ValueRow> {
    let mut out = Vec::new();
    let mut push = |field: &'static str,
                    item: usize,
                    value: &str,
                    original: Option<&str>,
                    label: Option<&str>| {
        if !value.trim().is_empty() {
            out.push(ValueRow {
                field,
                item,
                value: value.to_string(),
                original: original.map(str::to_string),
                label: label.map(str::to_string),
            });
        }
    };
    let n = &c.name;
    push(
        "name.full",
        0,
        n.full.as_deref().unwrap_or(""),
        n.original.as_deref(),
        None,
    );
    for (field, v) in [
        ("name.given", &n.given),
        ("name.family", &n.family),
        ("name.prefix", &n.prefix),
        ("name.suffix", &n.suffix),
        ("name.initials", &n.initials),
    ] {
        push(field, 0, v.as_deref().unwrap_or(""), None, None);
    }
    for (field, list) in [
        ("nickname", &c.nicknames),
        ("email", &c.emails),
        ("phone", &c.phones),
        ("title", &c.titles),
        ("url", &c.urls),
        ("social", &c.socials),
    ] {
        for (i, v) in list.iter().enumerate() {
            push(field, i, &v.value, Some(&v.original), v.label.as_deref());
        }
    }
    for (i, o) in c.orgs.iter().enumerate() {
        push("org", i, &o.name, Some(&o.original), None);
        push("org.key", i, &o.key, None, None);
        push(
            "org.legal_form",
            i,
            o.legal_form.as_deref().unwrap_or(""),
            None,
            None,
        );
        push(
            "org.department",
            i,
            o.department.as_deref().unwrap_or(""),
            None,
            None,
        );
    }
    for (i, a) in c.addresses.iter().enumerate() {
        let parts = [
            &a.street,
            &a.postcode,
            &a.city,
            &a.region,
            &a.country,
            &a.po_box,
        ];
        let joined = parts
            .iter()
            .filter_map(|p| p.as_deref())
            .filter(|p| !p.trim().is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        let whole = if joined.is_empty() {
            a.original.as_str()
        } else {
            joined.as_str()
        };
        push("address", i, whole, Some(&a.original), a.label.as_deref());
        for (field, v) in [
            ("address.street", &a.street),
            ("address.postcode", &a.postcode),
            ("address.city", &a.city),
            ("address.region", &a.region),
            ("address.country", &a.country),
            ("address.po_box", &a.po_box),
        ] {
            push(field, i, v.as_deref().unwrap_or(""), None, None);
        }
    }
    for (field, v) in [("birthday", &c.birthday), ("connected_on", &c.connected_on)] {
        if let Some(v) = v {
            push(field, 0, &v.value, Some(&v.original), v.label.as_deref());
        }
    }
    for (i, v) in c.notes.iter().enumerate() {
        push("note", i, &v.value, Some(&v.original), v.label.as_deref());
    }
    out
}

/// The text of one person's search row: every distinct value, first seen first, one a line.
#[derive(Debug, Default, PartialEq, Eq)]
struct SearchText {
    name: String,
    emails: String,
    phones: String,
    orgs: String,
    titles: String,
}

impl SearchText {
    fn of(contacts: &[&Contact]) -> SearchText {
        let mut name = Lines::default();
        let mut emails = Lines::default();
        let mut phones = Lines::default();
        let mut orgs = Lines::default();
        let mut titles = Lines::default();
        for c in contacts {
            let n = &c.name;
            for v in [&n.full, &n.original, &n.given, &n.family]
                .into_iter()
                .flatten()
            {
                name.add(v);
            }
            for v in &c.nicknames {
                name.add(&v.value);
            }
            for v in &c.emails {
                emails.add(&v.value);
            }
            // Both forms: people search for `06-12345678` as often as for `+31612345678`.
            for v in &c.phones {
                phones.add(&v.value);
                phones.add(&v.original);
            }
            for o in &c.orgs {
                orgs.add(&o.name);
                if let Some(d) = &o.department {
                    orgs.add(d);
                }
            }
            for v in &c.titles {
                titles.add(&v.value);
            }
        }
        SearchText {
            name: name.text,
            emails: emails.text,
            phones: phones.text,
            orgs: orgs.text,
            titles: titles.text,
        }
    }
}

/// Distinct non-empty lines in first-seen order.
#[derive(Default)]
struct Lines {
    seen: HashSet<String>,
    text: String,
}

impl Lines {
    fn add(&mut self, v: &str) {
        let v = v.trim();
        if !v.is_empty() && self.seen.insert(v.to_string()) {
            if !self.text.is_empty() {
                self.text.push('\n');
            }
            self.text.push_str(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Address, Name, Org, Source, Value};

    fn v(value: &str, original: &str) -> Value {
        Value {
            value: value.to_string(),
            original: original.to_string(),
            label: None,
        }
    }

    fn sample() -> Contact {
        let mut c = Contact::empty(Source {
            path: "a.vcf".to_string(),
            kind: SourceKind::Vcard,
            record: 1,
            line: Some(1),
        });
        c.name = Name {
            full: Some("Jan van der Berg".to_string()),
            given: Some("Jan".to_string()),
            family: Some("van der Berg".to_string()),
            original: Some("Berg, Jan van der".to_string()),
            ..Name::default()
        };
        c.emails = vec![v("jan@x.nl", "Jan@X.nl"), v("", "")];
        c.phones = vec![v("+31612345678", "06-12345678")];
        c.orgs = vec![Org {
            name: "Stichting Voorbeeld".to_string(),
            key: "voorbeeld".to_string(),
            legal_form: Some("Stichting".to_string()),
            department: None,
            original: "Stichting Voorbeeld".to_string(),
        }];
        c.addresses = vec![Address {
            postcode: Some("3511 AB".to_string()),
            city: Some("Utrecht".to_string()),
            original: "3511AB Utrecht".to_string(),
            ..Address::default()
        }];
        c.connected_on = Some(v("2024-10-09", "09 Oct 2024"));
        c
    }

    #[test]
    fn values_rows() {
        let c = sample();
        let got: Vec<String> = values(&c)
            .iter()
            .map(|r| {
                format!(
                    "{}[{}]={}|{}",
                    r.field,
                    r.item,
                    r.value,
                    r.original.as_deref().unwrap_or("-")
                )
            })
            .collect();
        const WANT: &[&str] = &[
            "name.full[0]=Jan van der Berg|Berg, Jan van der",
            "name.given[0]=Jan|-",
            "name.family[0]=van der Berg|-",
            "email[0]=jan@x.nl|Jan@X.nl",
            "phone[0]=+31612345678|06-12345678",
            "org[0]=Stichting Voorbeeld|Stichting Voorbeeld",
            "org.key[0]=voorbeeld|-",
            "org.legal_form[0]=Stichting|-",
            "address[0]=3511 AB, Utrecht|3511AB Utrecht",
            "address.postcode[0]=3511 AB|-",
            "address.city[0]=Utrecht|-",
            "connected_on[0]=2024-10-09|09 Oct 2024",
        ];
        assert_eq!(got, WANT);
    }

    #[test]
    fn search_text_is_distinct_and_ordered() {
        let a = sample();
        let mut b = sample();
        b.emails = vec![v("jan@y.nl", "jan@y.nl"), v("jan@x.nl", "jan@x.nl")];
        let t = SearchText::of(&[&a, &b]);
        assert_eq!(
            t.name,
            "Jan van der Berg\nBerg, Jan van der\nJan\nvan der Berg"
        );
        assert_eq!(t.emails, "jan@x.nl\njan@y.nl");
        assert_eq!(t.phones, "+31612345678\n06-12345678");
        assert_eq!(t.orgs, "Stichting Voorbeeld");
        assert_eq!(t.titles, "");
    }

    /// Records as `ordinal:hash:email,email` separated by spaces.
    fn candidates(spec: &str) -> Vec<Candidate> {
        spec.split(' ')
            .filter(|s| !s.is_empty())
            .map(|c| {
                let mut parts = c.split(':');
                let ordinal = parts.next().and_then(|o| o.parse().ok()).expect("ordinal");
                let raw_hash = parts.next().expect("hash").to_string();
                let keys = parts
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .filter(|k| !k.is_empty())
                    .map(|k| Key::Email(k.to_string()))
                    .collect();
                Candidate {
                    ordinal,
                    raw_hash,
                    keys,
                }
            })
            .collect()
    }

    #[test]
    fn predecessors_by_text_then_key() {
        // (old version, new version, old index per new record or `-`)
        const CASES: &[(&str, &str, &str)] = &[
            ("", "1:a:", "-"),
            ("1:a:", "", ""),
            // Unchanged file.
            ("1:a: 2:b:", "1:a: 2:b:", "0 1"),
            // A record inserted at the top shifts the others: matched by text.
            ("1:a: 2:b:", "1:c: 2:a: 3:b:", "- 0 1"),
            // Two identical records: the one at the same ordinal first.
            ("1:a: 2:a:", "2:a: 1:a:", "1 0"),
            ("1:a: 2:a:", "1:a: 2:a: 3:a:", "0 1 -"),
            // An edited record keeps its predecessor through a shared key …
            ("1:a:x 2:b:y", "1:a:x 2:c:y", "0 1"),
            // … unless that old record was already taken by its unchanged text.
            ("1:a:x", "1:b:x 2:a:x", "- 0"),
            // Among several old records sharing keys, the first in file order.
            ("1:a:x 2:b:y", "1:c:y,x", "0"),
            ("1:a:x", "1:c:z", "-"),
        ];
        for (old, new, want) in CASES {
            let old = candidates(old);
            let new = candidates(new);
            let got = match_predecessors(
                &old.iter().collect::<Vec<_>>(),
                &new.iter().collect::<Vec<_>>(),
            );
            let got: Vec<String> = got
                .iter()
                .map(|m| m.map_or("-".to_string(), |i| i.to_string()))
                .collect();
            assert_eq!(got.join(" "), *want, "case {old:?} -> {new:?}");
        }
    }

    #[test]
    fn connection_how_per_kind() {
        const CASES: &[(SourceKind, &str)] = &[
            (SourceKind::CsvLinkedin, "linkedin"),
            (SourceKind::JsonFacebook, "facebook"),
            (SourceKind::Vcard, "connected"),
        ];
        for (kind, want) in CASES {
            assert_eq!(connection_how(*kind), *want, "case {kind}");
        }
    }
}
