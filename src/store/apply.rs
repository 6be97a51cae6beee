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
//!    Contact as compact JSON, [`super::json`]), their photos, a `record_keys` row per value
//!    that queries look up (e-mail, phone, full name, birthday), rejected
//!    records with their reason, each record's encounters ([`encounter::for_record`]: the
//!    file's sidecar, folder or flags encounter, a `linkedin`/`facebook` date, an invitation's
//!    message, a photo's EXIF), and a calendar's events with their attendees. Active files
//!    under the run's roots that were not found are marked deleted (kept, still active); a
//!    deleted file found again unchanged is unmarked.
//! 3. Identity over all active records: the matching engine ([`Engine`]) with the user's
//!    decisions as must-link and cannot-link pairs, ids by [`assign`]; votes come from the
//!    records' current persons and, for the records of a changed file, from their predecessor
//!    in the superseded version (same raw text first, else a shared identity key), so that a
//!    file exported again keeps its people's ids. A decision naming a superseded record is
//!    moved to that record's successor first, so decisions survive a file exported again.
//!    The engine's merges and uncertain pairs replace `match_evidence` as a whole.
//! 4. Only persons whose records changed get their `person_records`, `person_encounters` and
//!    search rows rewritten; persons left without records are retired (kept, never deleted).
//!    A person absorbed by another (a merge) hands it its history (superseded records, calendar
//!    links) and its purpose. Search rows hold current and historic values, so an old phone
//!    number still finds its person; a retired person with history stays findable.
//! 5. Calendar encounters of active calendars are linked to the persons among their
//!    attendees: by e-mail, else by a name exactly one current person has.
//!
//! A dry run does all of this and rolls back. What it does not do: decide what a file is or
//! whether it changed on disk (the pipeline passes hashes), or check or record user decisions
//! (that is [`super::decide`]; this module only obeys them).

use super::assign::{self, Ballot};
use super::json;
use super::{sha256_hex, Changes, Context, PersonChange, RunInput, RunOutcome, StoreError};
use crate::dedup::engine::{Decisions, Engine, Evidence, Outcome};
use crate::dedup::identity::{self, Key};
use crate::dedup::prepare::Prepared;
use crate::encounter;
use crate::model::{Contact, SourceKind};
use crate::normalize::text::fold;
use crate::store::{EncodedRecord, EncounterInput, EventInput, FileInput, RecordInput};
use rayon::prelude::*;
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

pub(super) fn persons_by_kind(
    conn: &Connection,
    run_id: i64,
) -> rusqlite::Result<Vec<(String, usize, usize)>> {
    let mut st = conn.prepare_cached(
        "SELECT r.kind,
                count(DISTINCT CASE WHEN p.created_run = ?1 THEN p.id END),
                count(DISTINCT CASE WHEN p.created_run != ?1 THEN p.id END)
         FROM persons p
         JOIN person_records pr ON pr.person_id = p.id
         JOIN active_records r ON r.id = pr.record_id
         WHERE p.retired_run IS NULL AND p.updated_run = ?1
         GROUP BY r.kind ORDER BY r.kind",
    )?;
    let rows = st.query_map([run_id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    rows.collect()
}

/// Pairs of persons in `match_evidence` waiting for the user's review (several uncertain
/// record pairs between the same two persons are one question for the user).
pub(super) fn uncertain_total(conn: &Connection) -> rusqlite::Result<usize> {
    conn.query_row(
        "SELECT count(*) FROM (
             SELECT DISTINCT min(person_a, person_b), max(person_a, person_b)
             FROM match_evidence WHERE kind = 'uncertain')",
        [],
        |row| row.get(0),
    )
}

impl PersonCounts {
    /// Copy the counts into a run's outcome.
    pub(super) fn fill(&self, o: &mut RunOutcome) {
        o.persons_new = self.new;
        o.persons_updated = self.updated;
        o.persons_retired = self.retired;
        o.persons_total = self.total;
        o.merges = self.merges;
        o.merges_new = self.merges_new;
        o.uncertain = self.uncertain;
    }
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
        dry_run: run.dry_run,
        ..RunOutcome::default()
    };
    // (file, whether an older version exists)
    let mut todo: Vec<(&FileInput, bool)> = Vec::new();
    let mut unchanged: Vec<&str> = run.unchanged.iter().map(String::as_str).collect();
    for file in &run.files {
        match active_hash(&tx, &file.path).ctx(index, || format!("looking up {}", file.path))? {
            Some(hash) if hash == file.hash => {
                outcome.files_unchanged += 1;
                unchanged.push(&file.path);
            }
            known => todo.push((file, known.is_some())),
        }
    }
    let deleted = deleted_files(&tx, index, &run)?;
    let restored = restored_files(&tx, index, &unchanged)?;
    if todo.is_empty() && deleted.is_empty() && restored.is_empty() {
        outcome.persons_total = persons_total(&tx).ctx(index, || "counting persons".to_string())?;
        outcome.uncertain =
            uncertain_total(&tx).ctx(index, || "counting the pairs to review".to_string())?;
        // Dropping the transaction rolls it back; it wrote nothing.
        return Ok(outcome);
    }

    let mut w = Writer {
        tx: &tx,
        index,
        run_id: 0,
        encounters_added: std::cell::Cell::new(0),
    };
    w.run_id = w.insert_run(&run)?;
    outcome.run_id = Some(w.run_id);
    outcome.changed = true;

    let mut laps = crate::lap::Laps::start("index");
    let mut changes = Changes::default();
    let mut by_kind: BTreeMap<SourceKind, usize> = BTreeMap::new();
    for (file, has_previous) in &todo {
        if *has_previous {
            w.supersede(&file.path)?;
            outcome.files_changed += 1;
            changes.files_changed.push(file.path.clone());
        } else {
            outcome.files_new += 1;
            changes.files_new.push(file.path.clone());
        }
        let file_id = w.insert_file(file)?;
        w.insert_records(file_id, file)?;
        w.insert_events(file_id, file)?;
        outcome.records_added += file.records.len() + file.encoded.len();
        outcome.records_rejected += file.rejected.len();
        for kind in file
            .records
            .iter()
            .map(|r| r.raw.source.kind)
            .chain(file.encoded.iter().map(|r| r.kind))
        {
            *by_kind.entry(kind).or_default() += 1;
        }
    }
    outcome.records_by_kind = by_kind.into_iter().collect();
    for (id, path) in &deleted {
        w.exec(
            "UPDATE files SET deleted_run = ?2 WHERE id = ?1",
            params![id, w.run_id],
            || format!("marking {path} deleted"),
        )?;
        changes.files_deleted.push(path.clone());
    }
    outcome.files_deleted = deleted.len();
    for (id, path) in &restored {
        w.exec(
            "UPDATE files SET deleted_run = NULL WHERE id = ?1",
            params![id],
            || format!("marking {path} found again"),
        )?;
        changes.files_restored.push(path.clone());
    }

    // Calendars never change who is who: skip identity when only they (or deletions) changed.
    let needs_identity = todo.iter().any(|(f, _)| f.kind != SourceKind::Ics);
    let wrote_files = !todo.is_empty();
    let dry_run = run.dry_run;
    // Every record is in the index now, and identity reads them back from there: free the
    // run's own copies (raw text, source fields, normalised contact) before it builds its
    // copies. At a million records that is gigabytes (BENCH-DEDUP.md, section 8).
    drop(todo);
    drop(unchanged);
    drop(run);
    release_free_memory();
    laps.lap("writing files and records");
    if needs_identity {
        let counts = w.identify(&mut changes)?;
        counts.fill(&mut outcome);
    } else {
        outcome.persons_total = persons_total(&tx).ctx(index, || "counting persons".to_string())?;
        // The engine's outcome stands as the last identity run left it.
        outcome.uncertain =
            uncertain_total(&tx).ctx(index, || "counting the pairs to review".to_string())?;
    }
    if wrote_files {
        w.link_calendars()?;
    }
    laps.lap("identity and calendars");
    changes.encounters_added = w.encounters_added.get();
    for list in [
        &mut changes.files_new,
        &mut changes.files_changed,
        &mut changes.files_deleted,
        &mut changes.files_restored,
    ] {
        list.sort();
    }
    for list in [
        &mut changes.persons_new,
        &mut changes.persons_updated,
        &mut changes.persons_retired,
    ] {
        list.sort();
    }
    outcome.changes = changes;
    w.finish_run(&outcome)?;

    if dry_run {
        // Everything was computed inside the transaction; dropping it undoes every write,
        // the `runs` row included.
        drop(tx);
        outcome.run_id = None;
        return Ok(outcome);
    }
    tx.commit()
        .ctx(index, || "committing the run".to_string())?;
    laps.lap("committing");
    Ok(outcome)
}

/// Give the memory freed so far back to the system. glibc keeps freed memory in the arena of
/// the thread that freed it, and reading runs on every worker thread, identity on one: without
/// this, what the reading workers freed stays resident while identity allocates afresh. At a
/// million records that is gigabytes (BENCH-DEDUP.md, section 9).
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of glibc's own heaps to the kernel; it takes
    // no pointers and leaves every live allocation where it is.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Active files under the run's roots that the run did not find: `(file id, path)`, by path.
fn deleted_files(
    tx: &Transaction<'_>,
    index: &str,
    run: &RunInput,
) -> Result<Vec<(i64, String)>, StoreError> {
    if run.roots.is_empty() {
        return Ok(Vec::new());
    }
    let what = || "looking for deleted files".to_string();
    // Only looked up, never iterated.
    let seen: HashSet<&str> = run
        .present
        .iter()
        .chain(&run.unchanged)
        .map(String::as_str)
        .chain(run.files.iter().map(|f| f.path.as_str()))
        .collect();
    let mut st = tx
        .prepare(
            "SELECT id, path FROM files WHERE superseded_by IS NULL AND deleted_run IS NULL
             ORDER BY path",
        )
        .ctx(index, what)?;
    let rows = st
        .query_map([], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
        })
        .ctx(index, what)?;
    let mut out = Vec::new();
    for row in rows {
        let (id, path) = row.ctx(index, what)?;
        if !seen.contains(path.as_str()) && run.roots.iter().any(|r| is_under(&path, r)) {
            out.push((id, path));
        }
    }
    Ok(out)
}

/// Whether the display path `path` lies under (or is) the input `root`.
pub(super) fn is_under(path: &str, root: &str) -> bool {
    let root = root.trim_end_matches('/');
    if root.is_empty() {
        // The root `/` itself.
        return path.starts_with('/');
    }
    path == root
        || path
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Unchanged files that were marked deleted by an earlier run: found again.
fn restored_files(
    tx: &Transaction<'_>,
    index: &str,
    unchanged: &[&str],
) -> Result<Vec<(i64, String)>, StoreError> {
    let what = || "looking for files found again".to_string();
    let mut st = tx
        .prepare_cached(
            "SELECT id FROM files WHERE path = ?1 AND superseded_by IS NULL
               AND deleted_run IS NOT NULL",
        )
        .ctx(index, what)?;
    let mut out = Vec::new();
    for path in unchanged {
        if let Some(id) = st
            .query_row([path], |row| row.get::<_, i64>(0))
            .optional()
            .ctx(index, what)?
        {
            out.push((id, path.to_string()));
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

/// Records encoded in parallel at a time by [`Writer::insert_records`].
const ENCODE_CHUNK: usize = 4096;

/// The values of an imported record's rows that take work to compute but no index: its
/// hashes, its JSON, its key rows and the encounters it tells. A JSON error is kept as its
/// message until the record is written, where it fails the run with the record named.
#[derive(Debug, Clone)]
pub(super) struct Encoded {
    raw_hash: String,
    stable_key: String,
    raw_json: Result<String, String>,
    contact_json: Result<String, String>,
    keys: Vec<KeyRow>,
    encounters: Vec<EncounterInput>,
}

impl Encoded {
    pub(super) fn of(
        path: &str,
        file_encounter: Option<&EncounterInput>,
        rec: &RecordInput,
    ) -> Encoded {
        let raw_hash = sha256_hex(rec.raw.raw.as_bytes());
        Encoded {
            stable_key: stable_key(path, rec.raw.source.record, &raw_hash),
            raw_hash,
            raw_json: json::raw_to_json(&rec.raw).map_err(|e| e.to_string()),
            contact_json: json::contact_to_json(&rec.contact).map_err(|e| e.to_string()),
            keys: keys(&rec.contact),
            encounters: encounter::for_record(&rec.raw, &rec.contact, file_encounter),
        }
    }
}

/// What [`Writer::insert_imported`] writes besides the [`Encoded`] rows.
struct RecordRow<'r> {
    ordinal: u32,
    line: Option<u32>,
    kind: SourceKind,
    raw: &'r str,
    photos: &'r [crate::model::Photo],
}

/// Active records loaded and prepared per chunk by [`Writer::load_active`].
const LOAD_CHUNK: usize = 16 * 1024;

/// The superseded records of each path changed in this run, in ordinal order, with the person
/// and key each passes on.
type OldByPath = BTreeMap<String, Vec<(Candidate, Predecessor)>>;

/// What identity needs of the active records, all in the same order.
struct Loaded {
    active: Vec<Active>,
    /// The engine's input.
    prepared: Prepared,
    /// What each record gives its person's search row.
    parts: Vec<SearchParts>,
    /// Identity keys of this run's records of files that replace an older version.
    new_keys: Vec<Option<Vec<Key>>>,
}

/// Whether a person is new to the index in this run (no row yet), so that nothing of it
/// needs clearing before it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fresh {
    Yes,
    No,
}

pub(super) struct Writer<'a> {
    pub(super) tx: &'a Transaction<'a>,
    pub(super) index: &'a str,
    pub(super) run_id: i64,
    /// Encounters written this run (a Cell: every writer method takes `&self`).
    pub(super) encounters_added: std::cell::Cell<usize>,
}

#[derive(Debug, Default)]
pub(super) struct PersonCounts {
    pub(super) new: usize,
    pub(super) updated: usize,
    pub(super) retired: usize,
    pub(super) total: usize,
    /// The engine's automatic merges over the whole index, and how many of them were not
    /// in `match_evidence` before this run.
    pub(super) merges: usize,
    pub(super) merges_new: usize,
    /// Pairs left for review.
    pub(super) uncertain: usize,
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
}

impl Writer<'_> {
    /// Run one statement (cached: most run once per record or person) with context.
    pub(super) fn exec(
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

    pub(super) fn insert_run(&self, run: &RunInput) -> Result<i64, StoreError> {
        self.exec(
            "INSERT INTO runs (started_at, command) VALUES (?1, ?2)",
            params![run.started_at, run.command],
            || "recording the run".to_string(),
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    pub(super) fn finish_run(&self, o: &RunOutcome) -> Result<(), StoreError> {
        self.exec(
            "UPDATE runs SET files_new = ?2, files_changed = ?3, files_unchanged = ?4,
                records_added = ?5, records_rejected = ?6, persons_new = ?7,
                persons_updated = ?8, persons_retired = ?9, persons_total = ?10,
                files_deleted = ?11
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
                o.persons_total,
                o.files_deleted
            ],
            || "recording the run's counts".to_string(),
        )?;
        Ok(())
    }

    fn supersede(&self, path: &str) -> Result<(), StoreError> {
        self.exec(
            "UPDATE files SET superseded_by = ?1, deleted_run = NULL
             WHERE path = ?2 AND superseded_by IS NULL",
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
            Given(&'r RecordInput),
            Encoded(&'r EncodedRecord),
            Rejected(&'r crate::sources::Rejected),
        }
        let mut items: Vec<(u32, Item)> = file
            .records
            .iter()
            .map(|r| (r.raw.source.record, Item::Given(r)))
            .chain(file.encoded.iter().map(|r| (r.ordinal, Item::Encoded(r))))
            .chain(
                file.rejected
                    .iter()
                    .map(|r| (r.source.record, Item::Rejected(r))),
            )
            .collect();
        // Stable: records with the same ordinal (a reader bug) keep their given order.
        items.sort_by_key(|(ordinal, _)| *ordinal);
        // Records given unencoded are encoded in parallel, a chunk at a time (so a big file's
        // JSON never sits in memory whole); the rows are written in file order.
        for chunk in items.chunks(ENCODE_CHUNK) {
            let encoded: Vec<Option<Encoded>> = chunk
                .par_iter()
                .map(|(_, item)| match item {
                    Item::Given(rec) => Some(Encoded::of(&file.path, file.encounter.as_ref(), rec)),
                    Item::Encoded(_) | Item::Rejected(_) => None,
                })
                .collect();
            for ((_, item), enc) in chunk.iter().zip(encoded) {
                match (item, enc) {
                    (Item::Given(rec), Some(enc)) => {
                        let source = &rec.raw.source;
                        let row = RecordRow {
                            ordinal: source.record,
                            line: source.line,
                            kind: source.kind,
                            raw: &rec.raw.raw,
                            photos: &rec.raw.photos,
                        };
                        self.insert_imported(file_id, file, row, &enc)?
                    }
                    (Item::Encoded(rec), _) => {
                        let row = RecordRow {
                            ordinal: rec.ordinal,
                            line: rec.line,
                            kind: rec.kind,
                            raw: &rec.raw,
                            photos: &rec.photos,
                        };
                        self.insert_imported(file_id, file, row, &rec.rows)?
                    }
                    (Item::Rejected(rej), _) => self.insert_rejected(file_id, file, rej)?,
                    (Item::Given(_), None) => unreachable!("every given record is encoded"),
                }
            }
        }
        Ok(())
    }

    fn insert_imported(
        &self,
        file_id: i64,
        file: &FileInput,
        rec: RecordRow,
        enc: &Encoded,
    ) -> Result<(), StoreError> {
        let at = || format!("record {} of {}", rec.ordinal, file.path);
        let failed = |e: &String| StoreError::Input {
            path: self.index.to_string(),
            what: format!("serialising {}: {e}", at()),
        };
        let raw_json = enc.raw_json.as_deref().map_err(failed)?;
        let contact_json = enc.contact_json.as_deref().map_err(failed)?;
        self.exec(
            "INSERT INTO records (file_id, path, ordinal, line, kind, status, raw, raw_hash,
                stable_key, raw_json, contact_json)
             VALUES (?1, ?2, ?3, ?4, ?5, 'imported', ?6, ?7, ?8, ?9, ?10)",
            params![
                file_id,
                file.path,
                rec.ordinal,
                rec.line,
                rec.kind.as_str(),
                rec.raw,
                enc.raw_hash,
                enc.stable_key,
                raw_json,
                contact_json
            ],
            || format!("inserting {}", at()),
        )?;
        let record_id = self.tx.last_insert_rowid();

        for (item, photo) in rec.photos.iter().enumerate() {
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
                    "INSERT INTO record_keys (field, value, record_id, item)
                     VALUES (?1, ?2, ?3, ?4)",
                )
                .ctx(self.index, || "preparing key inserts".to_string())?;
            for k in &enc.keys {
                st.execute(params![k.field, k.value, record_id, k.item])
                    .ctx(self.index, || format!("inserting {} of {}", k.field, at()))?;
            }
        }

        for e in &enc.encounters {
            self.insert_encounter(e, Some(record_id), None)?;
        }
        Ok(())
    }

    /// One encounter row; `record_id` for encounters a record tells, `event` (file id and the
    /// event) for calendar events.
    fn insert_encounter(
        &self,
        e: &EncounterInput,
        record_id: Option<i64>,
        event: Option<(i64, &EventInput)>,
    ) -> Result<i64, StoreError> {
        let m = &e.encounter;
        let (file_id, ordinal, line, raw, attendees) = match event {
            Some((file_id, ev)) => (
                Some(file_id),
                Some(ev.ordinal),
                ev.line,
                Some(ev.raw.as_str()),
                Some(ev.attendees.len()),
            ),
            None => (None, None, None, None, None),
        };
        self.exec(
            "INSERT INTO encounters (how, event, date, place, source, record_id, run_id, note,
                file_id, ordinal, line, raw, attendees)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                m.how,
                m.event,
                m.date,
                m.place,
                m.source,
                record_id,
                self.run_id,
                e.note,
                file_id,
                ordinal,
                line,
                raw,
                attendees
            ],
            || format!("inserting an encounter told by {}", m.source),
        )?;
        self.encounters_added.set(self.encounters_added.get() + 1);
        Ok(self.tx.last_insert_rowid())
    }

    /// A calendar's events and their attendees. Linking them to persons waits until identity
    /// is done ([`Writer::link_calendars`]).
    fn insert_events(&self, file_id: i64, file: &FileInput) -> Result<(), StoreError> {
        for ev in &file.events {
            let encounter_id = self.insert_encounter(&ev.encounter, None, Some((file_id, ev)))?;
            for a in &ev.attendees {
                self.exec(
                    "INSERT INTO encounter_attendees (encounter_id, email, name, folded_name)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![
                        encounter_id,
                        a.email,
                        a.name,
                        a.name.as_deref().map(fold).filter(|n| !n.is_empty())
                    ],
                    || {
                        format!(
                            "inserting an attendee of event {} of {}",
                            ev.ordinal, file.path
                        )
                    },
                )?;
            }
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
    pub(super) fn identify(&self, changes: &mut Changes) -> Result<PersonCounts, StoreError> {
        let mut laps = crate::lap::Laps::start("identity");
        let old_by_path = self.superseded()?;
        let loaded = self.load_active(&old_by_path)?;
        laps.lap("loading the active records");
        let links = self.current_links()?;
        let predecessors = self.predecessors(&old_by_path, &loaded)?;
        drop(old_by_path);
        let Loaded {
            active,
            prepared,
            parts,
            new_keys,
        } = loaded;
        drop(new_keys);
        self.follow_decisions(&active, &predecessors)?;
        let decisions = self.engine_decisions(&active)?;
        laps.lap("links, predecessors and decisions");
        release_free_memory();
        let outcome = Engine::default().run_prepared(&prepared, &decisions);
        drop(prepared);
        let [block, compare, model, score, cluster] = outcome.stats.seconds;
        tracing::info!(
            target: "netwerk_import::timing",
            "identity engine stages: block {block:.2} s, compare {compare:.2} s, model {model:.2} s, score {score:.2} s, cluster {cluster:.2} s"
        );
        laps.lap("the engine");
        let clusters = &outcome.clusters;
        let before = self.membership_before()?;

        let ballots: Vec<Ballot> = clusters
            .iter()
            .map(|members| {
                let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
                for &m in members {
                    let id = active[m].id;
                    let predecessor = predecessors.get(&id).map(|p| &p.person);
                    if let Some(p) = links.get(&id).or(predecessor) {
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
            merges: outcome.merges.len(),
            ..PersonCounts::default()
        };
        // Input position → its person after this run.
        let mut person_at: Vec<&str> = vec![""; active.len()];
        for (members, person) in clusters.iter().zip(&ids) {
            for &m in members {
                person_at[m] = person.as_str();
            }
        }
        laps.lap("assigning person ids");
        counts.merges_new = self.write_evidence(&active, &outcome, &person_at)?;
        laps.lap("writing the evidence");
        counts.uncertain = outcome
            .uncertain
            .iter()
            .map(|e| {
                let (a, b) = (person_at[e.a], person_at[e.b]);
                (a.min(b), a.max(b))
            })
            .collect::<BTreeSet<_>>()
            .len();
        let empty = Membership::default();
        // Person → its cluster, for persons that absorb a retired one below.
        let mut cluster_of: HashMap<&str, &[usize]> = HashMap::new();
        // Record id → its person after this run.
        let mut person_of: HashMap<i64, &str> = HashMap::new();
        // Persons whose records changed, to sync once every link is written.
        let mut to_sync: Vec<(&str, Vec<&SearchParts>, Fresh)> = Vec::new();
        // Links to write, (record, person).
        let mut new_links: Vec<(i64, &str)> = Vec::new();
        for (members, person) in clusters.iter().zip(&ids) {
            cluster_of.insert(person.as_str(), members);
            for &m in members {
                person_of.insert(active[m].id, person.as_str());
            }
            let contacts: Vec<&SearchParts> = members.iter().map(|&m| &parts[m]).collect();
            let change = || PersonChange {
                id: person.clone(),
                name: first_name(&contacts),
            };
            let now = Membership {
                records: members.iter().map(|&m| active[m].id).collect(),
                keys: members
                    .iter()
                    .map(|&m| active[m].stable_key.clone())
                    .collect(),
            };
            let old = before.get(person).unwrap_or(&empty);
            // Persons are never deleted, so a person without a row has nothing in the index
            // yet: no encounters, no search row, no history to clear or read.
            let fresh = if states.contains_key(person) {
                Fresh::No
            } else {
                Fresh::Yes
            };
            let existed = match states.get(person) {
                None => {
                    self.exec(
                        "INSERT INTO persons (id, created_run, updated_run) VALUES (?1, ?2, ?2)",
                        params![person, self.run_id],
                        || format!("creating person {person}"),
                    )?;
                    counts.new += 1;
                    changes.persons_new.push(change());
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
                    changes.persons_new.push(change());
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
                changes.persons_updated.push(change());
            }
            if !existed || now.records != old.records {
                for &m in members {
                    let id = active[m].id;
                    if links.get(&id) != Some(person) {
                        new_links.push((id, person.as_str()));
                    }
                }
                to_sync.push((person.as_str(), contacts, fresh));
            }
        }
        // In record order: each link checks its record's row, and the records table is by far
        // the largest, so that its pages are read once, in order, instead of at random.
        new_links.sort_unstable();
        for (id, person) in new_links {
            self.link(id, person)?;
        }
        let order: Vec<(&str, Fresh)> = to_sync.iter().map(|(p, _, f)| (*p, *f)).collect();
        self.sync_encounters_of(&order)?;
        for (person, contacts, fresh) in to_sync {
            self.sync_search(person, &contacts, fresh)?;
        }

        laps.lap("persons, links, encounters and search rows");
        let assigned: HashSet<&str> = ids.iter().map(String::as_str).collect();
        // Successors are synced once, after every person they absorb (BTreeSet: in id order).
        let mut absorbing: BTreeSet<&str> = BTreeSet::new();
        // BTreeMap: retire in id order, so the writes are the same in every run.
        for (person, active_before) in &states {
            if !*active_before || assigned.contains(person.as_str()) {
                continue;
            }
            let name = self.search_name(person)?;
            // The person now holding most of its records (ties: the smallest id) absorbed it.
            let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
            for record in before.get(person).map(|m| &m.records).into_iter().flatten() {
                if let Some(p) = person_of.get(record).filter(|p| **p != person.as_str()) {
                    *votes.entry(p).or_default() += 1;
                }
            }
            let successor = votes
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(p, _)| *p);
            if let Some(successor) = successor {
                self.absorb(person, successor)?;
                absorbing.insert(successor);
            }
            self.retire(person)?;
            counts.retired += 1;
            changes.persons_retired.push(PersonChange {
                id: person.clone(),
                name,
            });
        }
        for person in absorbing {
            let members = cluster_of.get(person).copied().unwrap_or(&[]);
            let contacts: Vec<&SearchParts> = members.iter().map(|&m| &parts[m]).collect();
            self.sync_encounters(person, Fresh::No)?;
            self.sync_search(person, &contacts, Fresh::No)?;
        }
        laps.lap("retiring persons");
        Ok(counts)
    }

    /// Move the user's decisions that name a record superseded in this run to the record that
    /// replaces it (its predecessor match), so that a decision survives the file being exported
    /// again with changed raw text. Renames happen in one pass (never twice in one run), and a
    /// decision whose record has no successor stays as it is, dormant, until that record is
    /// active again.
    fn follow_decisions(
        &self,
        active: &[Active],
        predecessors: &HashMap<i64, Predecessor>,
    ) -> Result<(), StoreError> {
        // Old key → new key; only looked up, never iterated.
        let renamed: HashMap<&str, &str> = active
            .iter()
            .filter_map(|a| {
                let p = predecessors.get(&a.id)?;
                (p.key != a.stable_key).then_some((p.key.as_str(), a.stable_key.as_str()))
            })
            .collect();
        if renamed.is_empty() {
            return Ok(());
        }
        let what = || "moving decisions to the records that replace theirs".to_string();
        let rows: Vec<(i64, String, Option<String>)> = {
            let mut st = self
                .tx
                .prepare("SELECT id, record_a, record_b FROM decisions ORDER BY id")
                .ctx(self.index, what)?;
            let rows = st
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
                .ctx(self.index, what)?;
            rows.collect::<rusqlite::Result<_>>()
                .ctx(self.index, what)?
        };
        for (id, a, b) in rows {
            let new_a = renamed.get(a.as_str()).copied();
            let new_b = b.as_deref().and_then(|b| renamed.get(b).copied());
            if new_a.is_none() && new_b.is_none() {
                continue;
            }
            self.exec(
                "UPDATE decisions SET record_a = ?2, record_b = ?3 WHERE id = ?1",
                params![id, new_a.unwrap_or(a.as_str()), new_b.or(b.as_deref())],
                what,
            )?;
        }
        Ok(())
    }

    /// The user's decisions as the engine takes them: pairs of input positions. Decisions
    /// naming a record that is not active are left out (they wait).
    fn engine_decisions(&self, active: &[Active]) -> Result<Decisions, StoreError> {
        let what = || "loading the decisions".to_string();
        // Only looked up, never iterated.
        let position: HashMap<&str, usize> = active
            .iter()
            .enumerate()
            .map(|(i, a)| (a.stable_key.as_str(), i))
            .collect();
        let mut st = self
            .tx
            .prepare(
                "SELECT kind, record_a, record_b FROM decisions
                 WHERE record_b IS NOT NULL ORDER BY id",
            )
            .ctx(self.index, what)?;
        let rows = st
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })
            .ctx(self.index, what)?;
        let mut out = Decisions::default();
        for row in rows {
            let (kind, a, b) = row.ctx(self.index, what)?;
            let (Some(&a), Some(&b)) = (position.get(a.as_str()), position.get(b.as_str())) else {
                continue;
            };
            if kind == "merge" {
                out.must_link.push((a, b));
            } else {
                out.cannot_link.push((a, b));
            }
        }
        Ok(out)
    }

    /// Replace `match_evidence` with this run's outcome. Returns how many merges were not
    /// there before (the same two records joined by an earlier run do not count as new).
    fn write_evidence(
        &self,
        active: &[Active],
        outcome: &Outcome,
        person_at: &[&str],
    ) -> Result<usize, StoreError> {
        let what = || "writing the match evidence".to_string();
        let before: HashSet<(String, String)> = {
            let mut st = self
                .tx
                .prepare("SELECT record_a, record_b FROM match_evidence WHERE kind = 'merge'")
                .ctx(self.index, what)?;
            let rows = st
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
                .ctx(self.index, what)?;
            rows.collect::<rusqlite::Result<_>>()
                .ctx(self.index, what)?
        };
        self.exec("DELETE FROM match_evidence", [], what)?;
        let mut new = 0;
        let lists: [(&str, &[Evidence]); 2] = [
            ("merge", &outcome.merges),
            ("uncertain", &outcome.uncertain),
        ];
        for (kind, list) in lists {
            for (seq, e) in list.iter().enumerate() {
                let (a, b) = (&active[e.a], &active[e.b]);
                if kind == "merge"
                    && !before.contains(&(a.stable_key.clone(), b.stable_key.clone()))
                {
                    new += 1;
                }
                let fields = serde_json::to_string(&e.fields).ctx(self.index, what)?;
                self.exec(
                    "INSERT INTO match_evidence (run_id, kind, seq, record_a, record_b, person_a,
                         person_b, weight, probability, swapped, fields_json)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                    params![
                        self.run_id,
                        kind,
                        seq as i64 + 1,
                        a.stable_key,
                        b.stable_key,
                        person_at[e.a],
                        person_at[e.b],
                        e.weight,
                        e.probability,
                        e.swapped,
                        fields
                    ],
                    what,
                )?;
            }
        }
        Ok(new)
    }

    /// The first line of a person's search row: its first full name.
    fn search_name(&self, person: &str) -> Result<Option<String>, StoreError> {
        let name: Option<String> = self
            .tx
            .prepare_cached(
                "SELECT s.name FROM person_search s JOIN persons p ON p.rowid = s.rowid
                 WHERE p.id = ?1",
            )
            .and_then(|mut st| st.query_row([person], |row| row.get(0)).optional())
            .ctx(self.index, || format!("reading the name of {person}"))?;
        Ok(name.and_then(|n| n.lines().next().map(str::to_string)))
    }

    /// `from` was merged into `into`: its history (records of older file versions), its
    /// calendar links and its purpose go with it, so nothing the user knew about it is lost
    /// from view.
    fn absorb(&self, from: &str, into: &str) -> Result<(), StoreError> {
        self.exec(
            "UPDATE person_records SET person_id = ?2, run_id = ?3
             WHERE person_id = ?1 AND record_id IN (
                 SELECT r.id FROM records r JOIN files f ON f.id = r.file_id
                 WHERE f.superseded_by IS NOT NULL)",
            params![from, into, self.run_id],
            || format!("handing the history of {from} to {into}"),
        )?;
        self.exec(
            "UPDATE OR IGNORE person_encounters SET person_id = ?2, run_id = ?3
             WHERE person_id = ?1 AND matched_by <> 'record'",
            params![from, into, self.run_id],
            || format!("handing the calendar links of {from} to {into}"),
        )?;
        self.exec(
            "DELETE FROM person_encounters WHERE person_id = ?1 AND matched_by <> 'record'",
            params![from],
            || format!("removing the calendar links of {from}"),
        )?;
        let purposes: Vec<PurposeRow> = {
            let mut st = self
                .tx
                .prepare_cached(
                    "SELECT person_id, offer, ask, updated_at FROM purposes
                     WHERE person_id IN (?1, ?2) ORDER BY person_id = ?2 DESC",
                )
                .ctx(self.index, || format!("reading the purposes of {from}"))?;
            let rows = st
                .query_map(params![from, into], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })
                .ctx(self.index, || format!("reading the purposes of {from}"))?;
            rows.collect::<rusqlite::Result<_>>()
                .ctx(self.index, || format!("reading the purposes of {from}"))?
        };
        // Listed with `into`'s own purpose first; both texts are kept when both have one.
        if purposes.iter().any(|p| p.0 == from) {
            let join = |pick: fn(&PurposeRow) -> &Option<String>| {
                let parts: Vec<&str> = purposes.iter().filter_map(|p| pick(p).as_deref()).collect();
                (!parts.is_empty()).then(|| parts.join("\n"))
            };
            let offer = join(|p| &p.1);
            let ask = join(|p| &p.2);
            let updated = purposes.iter().map(|p| p.3.as_str()).max().unwrap_or("");
            self.exec(
                "DELETE FROM purposes WHERE person_id = ?1",
                params![from],
                || format!("moving the purpose of {from}"),
            )?;
            self.exec(
                "INSERT INTO purposes (person_id, offer, ask, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (person_id) DO UPDATE
                 SET offer = excluded.offer, ask = excluded.ask, updated_at = excluded.updated_at",
                params![into, offer, ask, updated],
                || format!("moving the purpose of {from} to {into}"),
            )?;
        }
        Ok(())
    }

    /// Link the encounters of every active calendar to the persons among their attendees: by
    /// e-mail (any address any record of a current person ever had), else by a name that
    /// exactly one current person has (folded: case and accents do not count). Only the
    /// differences are written, so an unchanged calendar keeps its links and their runs.
    pub(super) fn link_calendars(&self) -> Result<(), StoreError> {
        let what = || "linking calendar events to persons".to_string();
        let attendees: Vec<(i64, Option<String>, Option<String>)> = {
            let mut st = self
                .tx
                .prepare(
                    "SELECT a.encounter_id, a.email, a.folded_name
                     FROM encounter_attendees a
                     JOIN encounters e ON e.id = a.encounter_id
                     JOIN files f ON f.id = e.file_id
                     WHERE f.superseded_by IS NULL
                     ORDER BY a.encounter_id, a.id",
                )
                .ctx(self.index, what)?;
            let rows = st
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
                .ctx(self.index, what)?;
            rows.collect::<rusqlite::Result<_>>()
                .ctx(self.index, what)?
        };
        let mut by_email = self
            .tx
            .prepare(
                "SELECT DISTINCT pr.person_id FROM record_keys v
                 JOIN person_records pr ON pr.record_id = v.record_id
                 JOIN persons p ON p.id = pr.person_id
                 WHERE v.field = 'email' AND v.value = ?1 AND p.retired_run IS NULL
                 ORDER BY pr.person_id",
            )
            .ctx(self.index, what)?;
        let mut names: Option<HashMap<String, BTreeSet<String>>> = None;
        // (encounter, person) → matched_by; BTreeMap so that writes come in a fixed order.
        let mut want: BTreeMap<(i64, String), &'static str> = BTreeMap::new();
        for (encounter, email, folded) in &attendees {
            let mut found: Vec<String> = Vec::new();
            if let Some(email) = email {
                let rows = by_email
                    .query_map([email], |row| row.get::<_, String>(0))
                    .ctx(self.index, what)?;
                found = rows
                    .collect::<rusqlite::Result<_>>()
                    .ctx(self.index, what)?;
            }
            if !found.is_empty() {
                for person in found {
                    want.insert((*encounter, person), "email");
                }
                continue;
            }
            let Some(folded) = folded else { continue };
            if names.is_none() {
                names = Some(self.names_of_current_persons()?);
            }
            if let Some(persons) = names.as_ref().and_then(|n| n.get(folded)) {
                if persons.len() == 1 {
                    if let Some(person) = persons.iter().next() {
                        want.entry((*encounter, person.clone())).or_insert("name");
                    }
                }
            }
        }

        let have: BTreeMap<(i64, String), (i64, String)> = {
            let mut st = self
                .tx
                .prepare(
                    "SELECT pe.encounter_id, pe.person_id, pe.id, pe.matched_by
                     FROM person_encounters pe
                     JOIN encounters e ON e.id = pe.encounter_id
                     JOIN files f ON f.id = e.file_id
                     WHERE f.superseded_by IS NULL",
                )
                .ctx(self.index, what)?;
            let rows = st
                .query_map([], |row| {
                    Ok((
                        (row.get::<_, i64>(0)?, row.get::<_, String>(1)?),
                        (row.get::<_, i64>(2)?, row.get::<_, String>(3)?),
                    ))
                })
                .ctx(self.index, what)?;
            rows.collect::<rusqlite::Result<_>>()
                .ctx(self.index, what)?
        };
        for (key, (id, _)) in &have {
            if !want.contains_key(key) {
                self.exec(
                    "DELETE FROM person_encounters WHERE id = ?1",
                    params![id],
                    what,
                )?;
            }
        }
        for ((encounter, person), matched_by) in &want {
            match have.get(&(*encounter, person.clone())) {
                Some((_, old)) if old == matched_by => {}
                Some((id, _)) => {
                    self.exec(
                        "UPDATE person_encounters SET matched_by = ?2, run_id = ?3 WHERE id = ?1",
                        params![id, matched_by, self.run_id],
                        what,
                    )?;
                }
                None => {
                    self.exec(
                        "INSERT INTO person_encounters (person_id, encounter_id, run_id, matched_by)
                         VALUES (?1, ?2, ?3, ?4)",
                        params![person, encounter, self.run_id, matched_by],
                        what,
                    )?;
                }
            }
        }
        Ok(())
    }

    /// Folded full name → the current persons whose active records give it.
    fn names_of_current_persons(&self) -> Result<HashMap<String, BTreeSet<String>>, StoreError> {
        let what = || "loading the persons' names".to_string();
        let mut st = self
            .tx
            .prepare(
                "SELECT pr.person_id, v.value FROM record_keys v
                 JOIN records r ON r.id = v.record_id
                 JOIN files f ON f.id = r.file_id
                 JOIN person_records pr ON pr.record_id = r.id
                 JOIN persons p ON p.id = pr.person_id
                 WHERE v.field = 'name.full' AND f.superseded_by IS NULL
                   AND p.retired_run IS NULL",
            )
            .ctx(self.index, what)?;
        let rows = st
            .query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })
            .ctx(self.index, what)?;
        // Only looked up, never iterated.
        let mut out: HashMap<String, BTreeSet<String>> = HashMap::new();
        for row in rows {
            let (person, name) = row.ctx(self.index, what)?;
            let folded = fold(&name);
            if !folded.is_empty() {
                out.entry(folded).or_default().insert(person);
            }
        }
        Ok(out)
    }

    /// Every active imported record, in (path, ordinal) order: the order identity sees them in,
    /// which also decides which record is "smallest" in a cluster.
    ///
    /// Read in chunks: each chunk's contacts are parsed in parallel, added to the engine's
    /// input and to the search parts, and dropped, so that the contacts of a whole index are
    /// never in memory at once. Identity keys are kept only for this
    /// run's records of files that replace an older version (`old_by_path`).
    fn load_active(&self, old_by_path: &OldByPath) -> Result<Loaded, StoreError> {
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
        let mut rows = st
            .query_map([], |row| {
                Ok((
                    Active {
                        id: row.get(0)?,
                        path: row.get(1)?,
                        ordinal: row.get(2)?,
                        stable_key: row.get(3)?,
                        raw_hash: row.get(4)?,
                        run_id: row.get(5)?,
                    },
                    row.get::<_, String>(6)?,
                ))
            })
            .ctx(self.index, what)?;
        let mut loaded = Loaded {
            active: Vec::new(),
            prepared: Prepared::default(),
            parts: Vec::new(),
            new_keys: Vec::new(),
        };
        let mut builder = crate::dedup::prepare::Builder::new();
        loop {
            let mut chunk: Vec<(Active, String)> = Vec::with_capacity(LOAD_CHUNK);
            for row in rows.by_ref().take(LOAD_CHUNK) {
                chunk.push(row.ctx(self.index, what)?);
            }
            if chunk.is_empty() {
                break;
            }
            let contacts: Vec<Contact> = chunk
                .par_iter()
                .map(|(a, json)| {
                    json::contact_from_json(json).ctx(self.index, || {
                        format!("reading the stored contact {}", a.stable_key)
                    })
                })
                .collect::<Result<_, _>>()?;
            let refs: Vec<&Contact> = contacts.iter().collect();
            builder.add(&refs);
            loaded
                .parts
                .par_extend(refs.par_iter().map(|c| SearchParts::of(c)));
            for ((a, _), c) in chunk.iter().zip(&contacts) {
                let replaces = a.run_id == self.run_id && old_by_path.contains_key(&a.path);
                loaded.new_keys.push(replaces.then(|| identity::keys(c)));
            }
            loaded.active.extend(chunk.into_iter().map(|(a, _)| a));
        }
        loaded.prepared = builder.finish();
        Ok(loaded)
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

    /// The records of the file versions this run superseded, by path, with their persons.
    fn superseded(&self) -> Result<OldByPath, StoreError> {
        let what = || "loading the superseded records".to_string();
        let mut st = self
            .tx
            .prepare(
                "SELECT r.path, r.ordinal, r.raw_hash, r.contact_json, pr.person_id, r.stable_key
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
                    row.get::<_, String>(5)?,
                ))
            })
            .ctx(self.index, what)?;
        // path → (record, its person and key), in ordinal order.
        let mut old_by_path: OldByPath = BTreeMap::new();
        for row in rows {
            let (path, ordinal, raw_hash, json, person, key) = row.ctx(self.index, what)?;
            let contact = json::contact_from_json(&json).ctx(self.index, || {
                format!("reading the stored contact {path}#{ordinal}")
            })?;
            let keys = identity::keys(&contact);
            old_by_path.entry(path).or_default().push((
                Candidate {
                    ordinal,
                    raw_hash,
                    keys,
                },
                Predecessor { person, key },
            ));
        }
        Ok(old_by_path)
    }

    /// For the records of files changed in this run: the person of the record they replace in
    /// the superseded version ([`Writer::superseded`]). Same raw text first (the same record at
    /// the same ordinal if there is one), else the first old record that shares an identity
    /// key; each old record passes its person (and, for decisions, its stable key) on once.
    fn predecessors(
        &self,
        old_by_path: &OldByPath,
        loaded: &Loaded,
    ) -> Result<HashMap<i64, Predecessor>, StoreError> {
        let active = &loaded.active;
        if old_by_path.is_empty() {
            return Ok(HashMap::new());
        }

        let mut new_by_path: BTreeMap<&str, Vec<(&Active, &Vec<Key>)>> = BTreeMap::new();
        for (a, keys) in active.iter().zip(&loaded.new_keys) {
            if let Some(keys) = keys {
                new_by_path
                    .entry(a.path.as_str())
                    .or_default()
                    .push((a, keys));
            }
        }
        let mut out = HashMap::new();
        for (path, old) in old_by_path {
            let Some(new) = new_by_path.get(path.as_str()) else {
                continue;
            };
            let old_candidates: Vec<&Candidate> = old.iter().map(|(c, _)| c).collect();
            let new_candidates: Vec<Candidate> = new
                .iter()
                .map(|(a, keys)| Candidate {
                    ordinal: a.ordinal,
                    raw_hash: a.raw_hash.clone(),
                    keys: (*keys).clone(),
                })
                .collect();
            let matches =
                match_predecessors(&old_candidates, &new_candidates.iter().collect::<Vec<_>>());
            for ((a, _), m) in new.iter().zip(matches) {
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

    /// Make the person's record-derived encounters those of the records linked to it, active
    /// or of an older file version (history keeps its encounters): unlink the ones whose record
    /// now belongs to another person, link the missing ones. Calendar links are
    /// [`Writer::link_calendars`]'s; sidecar, folder and flag encounters are told by records.
    fn sync_encounters(&self, person: &str, fresh: Fresh) -> Result<(), StoreError> {
        self.sync_encounters_of(&[(person, fresh)])
    }

    /// [`Writer::sync_encounters`] for many persons at once: one statement links the
    /// encounters of all their records (in the persons' order, then the encounters'), instead
    /// of one statement per person.
    fn sync_encounters_of(&self, persons: &[(&str, Fresh)]) -> Result<(), StoreError> {
        for &(person, fresh) in persons {
            if fresh == Fresh::No {
                self.unlink_moved_encounters(person)?;
            }
        }
        let what = || "linking encounters of the changed persons".to_string();
        self.tx
            .execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS sync_order (
                     seq       INTEGER PRIMARY KEY,
                     person_id TEXT    NOT NULL
                 );
                 DELETE FROM sync_order;",
            )
            .ctx(self.index, what)?;
        for (seq, (person, _)) in persons.iter().enumerate() {
            self.exec(
                "INSERT INTO sync_order (seq, person_id) VALUES (?1, ?2)",
                params![seq as i64, person],
                what,
            )?;
        }
        self.exec(
            "INSERT OR IGNORE INTO person_encounters (person_id, encounter_id, run_id, matched_by)
             SELECT s.person_id, e.id, ?1, 'record' FROM sync_order s
             JOIN person_records pr ON pr.person_id = s.person_id
             JOIN encounters e ON e.record_id = pr.record_id
             ORDER BY s.seq, e.id",
            params![self.run_id],
            what,
        )?;
        self.exec("DELETE FROM sync_order", [], what)?;
        Ok(())
    }

    /// The first half of [`Writer::sync_encounters`]: unlink the record-derived encounters
    /// whose record now belongs to another person.
    fn unlink_moved_encounters(&self, person: &str) -> Result<(), StoreError> {
        self.exec(
            "DELETE FROM person_encounters WHERE id IN (
                 SELECT pe.id FROM person_encounters pe
                 JOIN encounters e ON e.id = pe.encounter_id
                 WHERE pe.person_id = ?1 AND e.record_id IS NOT NULL
                   AND NOT EXISTS (
                     SELECT 1 FROM person_records pr
                     WHERE pr.record_id = e.record_id AND pr.person_id = ?1))",
            params![person],
            || format!("unlinking encounters of {person}"),
        )?;
        Ok(())
    }

    /// Records of older file versions linked to the person, in (path, record, id) order.
    fn historic_contacts(&self, person: &str) -> Result<Vec<Contact>, StoreError> {
        historic_contacts(self.tx, self.index, person)
    }

    /// Rewrite the person's full-text row (rowid = the person's rowid) from its current
    /// records and its history; a person with neither has no row.
    fn sync_search(
        &self,
        person: &str,
        parts: &[&SearchParts],
        fresh: Fresh,
    ) -> Result<(), StoreError> {
        let what = || format!("updating the search index for {person}");
        let historic: Vec<SearchParts> = match fresh {
            Fresh::Yes => Vec::new(),
            Fresh::No => {
                self.delete_search(person)?;
                self.historic_contacts(person)?
                    .iter()
                    .map(SearchParts::of)
                    .collect()
            }
        };
        if parts.is_empty() && historic.is_empty() {
            return Ok(());
        }
        let all: Vec<&SearchParts> = parts.iter().copied().chain(&historic).collect();
        let text = SearchText::of_parts(&all);
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

    /// A person without active records: kept (its id may come back), without the encounters
    /// of records that moved to other persons; still findable by its history, if it has one.
    fn retire(&self, person: &str) -> Result<(), StoreError> {
        self.exec(
            "UPDATE persons SET retired_run = ?2, updated_run = ?2 WHERE id = ?1",
            params![person, self.run_id],
            || format!("retiring person {person}"),
        )?;
        self.sync_encounters(person, Fresh::No)?;
        self.sync_search(person, &[], Fresh::No)
    }
}

/// Records of older file versions linked to the person, in (path, record, id) order.
fn historic_contacts(
    tx: &Connection,
    index: &str,
    person: &str,
) -> Result<Vec<Contact>, StoreError> {
    let what = || format!("loading the history of {person}");
    let mut st = tx
        .prepare_cached(
            "SELECT r.contact_json FROM person_records pr
             JOIN records r ON r.id = pr.record_id
             JOIN files f ON f.id = r.file_id
             WHERE pr.person_id = ?1 AND f.superseded_by IS NOT NULL AND r.status = 'imported'
             ORDER BY r.path, r.ordinal, r.id",
        )
        .ctx(index, what)?;
    let rows = st
        .query_map([person], |row| row.get::<_, String>(0))
        .ctx(index, what)?;
    let mut out = Vec::new();
    for row in rows {
        let json = row.ctx(index, what)?;
        out.push(json::contact_from_json(&json).ctx(index, what)?);
    }
    Ok(out)
}

/// Rewrite every search row from the records (current first, then history): the migration to
/// schema version 2, whose rows also hold historic values and compact family names.
pub(super) fn rebuild_search(tx: &Transaction<'_>, index: &str) -> Result<(), StoreError> {
    let what = || "rebuilding the search index".to_string();
    tx.execute("DELETE FROM person_search", [])
        .ctx(index, what)?;
    let mut st = tx
        .prepare(
            "SELECT p.rowid, p.id, r.contact_json FROM person_records pr
             JOIN persons p ON p.id = pr.person_id
             JOIN records r ON r.id = pr.record_id
             JOIN files f ON f.id = r.file_id
             WHERE r.status = 'imported'
             ORDER BY p.id, f.superseded_by IS NOT NULL, r.path, r.ordinal, r.id",
        )
        .ctx(index, what)?;
    let rows = st
        .query_map([], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })
        .ctx(index, what)?;
    let mut insert = tx
        .prepare(
            "INSERT INTO person_search (rowid, person_id, name, emails, phones, orgs, titles)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .ctx(index, what)?;
    let mut flush = |rowid: i64, id: &str, contacts: &[Contact]| -> Result<(), StoreError> {
        let refs: Vec<&Contact> = contacts.iter().collect();
        let t = SearchText::of(&refs);
        insert
            .execute(params![
                rowid, id, t.name, t.emails, t.phones, t.orgs, t.titles
            ])
            .ctx(index, what)?;
        Ok(())
    };
    let mut current: Option<(i64, String, Vec<Contact>)> = None;
    for row in rows {
        let (rowid, id, json) = row.ctx(index, what)?;
        let contact = json::contact_from_json(&json).ctx(index, what)?;
        match &mut current {
            Some((_, cur, contacts)) if *cur == id => contacts.push(contact),
            _ => {
                if let Some((r, cur, contacts)) = current.take() {
                    flush(r, &cur, &contacts)?;
                }
                current = Some((rowid, id, vec![contact]));
            }
        }
    }
    if let Some((r, cur, contacts)) = current {
        flush(r, &cur, &contacts)?;
    }
    Ok(())
}

/// A `purposes` row: person, offer, ask, updated_at.
type PurposeRow = (String, Option<String>, Option<String>, String);

/// The first full name among contacts, for change lists.
fn first_name(parts: &[&SearchParts]) -> Option<String> {
    parts.iter().find_map(|p| p.full_name.clone())
}

/// The records a person holds: by row (which changes when a file is imported again) and by
/// stable key (which changes only when the person really gained or lost a record).
#[derive(Debug, Default, PartialEq, Eq)]
struct Membership {
    records: BTreeSet<i64>,
    keys: BTreeSet<String>,
}

/// The record a record of a changed file replaces: its person and its stable key.
#[derive(Debug, Clone)]
struct Predecessor {
    person: String,
    key: String,
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

/// One `record_keys` row.
#[derive(Debug, Clone, PartialEq, Eq)]
struct KeyRow {
    field: &'static str,
    item: usize,
    value: String,
}

/// The values of a contact that queries look up (`schema_v4.sql`), in a fixed order: e-mail
/// and phone (`who`, calendar links), the full name (calendar links, the report's conflicts)
/// and the birthday (the report's conflicts). Every value, these included, is in the
/// record's Contact JSON. Empty values are skipped: they say nothing and would only match
/// each other.
fn keys(c: &Contact) -> Vec<KeyRow> {
    let mut out = Vec::new();
    let mut push = |field: &'static str, item: usize, value: &str| {
        if !value.trim().is_empty() {
            out.push(KeyRow {
                field,
                item,
                value: value.to_string(),
            });
        }
    };
    push("name.full", 0, c.name.full.as_deref().unwrap_or(""));
    for (field, list) in [("email", &c.emails), ("phone", &c.phones)] {
        for (i, v) in list.iter().enumerate() {
            push(field, i, &v.value);
        }
    }
    if let Some(b) = &c.birthday {
        push("birthday", 0, &b.value);
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
        let parts: Vec<SearchParts> = contacts.iter().map(|c| SearchParts::of(c)).collect();
        let refs: Vec<&SearchParts> = parts.iter().collect();
        SearchText::of_parts(&refs)
    }

    /// Every distinct value of the records, in record order, then in the order
    /// [`SearchParts::of`] lists them.
    fn of_parts(parts: &[&SearchParts]) -> SearchText {
        let mut lines: [Lines; 5] = Default::default();
        for p in parts {
            for (field, values) in lines.iter_mut().zip(&p.fields) {
                for v in values {
                    field.add(v);
                }
            }
        }
        let [name, emails, phones, orgs, titles] = lines.map(|l| l.text);
        SearchText {
            name,
            emails,
            phones,
            orgs,
            titles,
        }
    }
}

/// What one record gives its person's search row and the name shown for a changed person:
/// identity keeps this in place of the record's whole contact once the engine's input is
/// built, a fraction of its memory (BENCH-DEDUP.md, section 9).
#[derive(Debug, Default)]
struct SearchParts {
    /// The full name, where it is not blank.
    full_name: Option<String>,
    /// Name, e-mails, phones, organisations, titles: the values trimmed, blanks left out.
    fields: [Vec<Box<str>>; 5],
}

impl SearchParts {
    fn of(c: &Contact) -> SearchParts {
        let mut fields: [Vec<Box<str>>; 5] = Default::default();
        let [name, emails, phones, orgs, titles] = &mut fields;
        let push = |list: &mut Vec<Box<str>>, v: &str| {
            let v = v.trim();
            if !v.is_empty() {
                list.push(v.into());
            }
        };
        let n = &c.name;
        for v in [&n.full, &n.original, &n.given, &n.family]
            .into_iter()
            .flatten()
        {
            push(name, v);
        }
        // `vanderberg` and `vdberg` find `van der Berg`: people type family names joined
        // and particles abbreviated.
        if let Some(family) = &n.family {
            for compact in compact_family(family) {
                push(name, &compact);
            }
        }
        for v in &c.nicknames {
            push(name, &v.value);
        }
        for v in &c.emails {
            push(emails, &v.value);
        }
        // Both forms: people search for `06-12345678` as often as for `+31612345678`.
        for v in &c.phones {
            push(phones, &v.value);
            push(phones, &v.original);
        }
        for o in &c.orgs {
            push(orgs, &o.name);
            if let Some(d) = &o.department {
                push(orgs, d);
            }
        }
        for v in &c.titles {
            push(titles, &v.value);
        }
        SearchParts {
            full_name: n.full.clone().filter(|n| !n.trim().is_empty()),
            fields,
        }
    }
}

/// Joined forms of a family name with more than one word: `van der Berg` → `vanderBerg` and,
/// when it starts with particles, `vdBerg` (the first letter of each particle). Empty for a
/// one-word name.
fn compact_family(family: &str) -> Vec<String> {
    let words: Vec<&str> = family.split_whitespace().collect();
    if words.len() < 2 {
        return Vec::new();
    }
    let mut out = vec![words.concat()];
    let particles = words
        .iter()
        .take_while(|w| crate::normalize::name::is_particle(w))
        .count();
    if particles > 0 && particles < words.len() {
        let mut short: String = words[..particles]
            .iter()
            .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
            .collect();
        short.push_str(&words[particles..].concat());
        out.push(short);
    }
    out
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
    fn keys_rows() {
        let mut c = sample();
        c.birthday = Some(v("1970-01-02", "2-1-1970"));
        let got: Vec<String> = keys(&c)
            .iter()
            .map(|r| format!("{}[{}]={}", r.field, r.item, r.value))
            .collect();
        const WANT: &[&str] = &[
            "name.full[0]=Jan van der Berg",
            "email[0]=jan@x.nl",
            "phone[0]=+31612345678",
            "birthday[0]=1970-01-02",
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
            "Jan van der Berg\nBerg, Jan van der\nJan\nvan der Berg\nvanderBerg\nvdBerg"
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
}
