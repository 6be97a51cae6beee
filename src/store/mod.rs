//! The index: the only module that touches SQLite.
//!
//! In: one [`RunInput`] per run (the files that were read, with their raw and normalised
//! records, their encounters and calendar events), and the user's purpose notes
//! ([`Index::set_purpose`]). Out: the index file, and read-backs of it ([`Index::persons`],
//! [`Index::raw_contact`], and for `who` and the exports [`Index::search`],
//! [`Index::details`], [`Index::without_purpose`], and for the deduplication report
//! [`Index::report_totals`], [`Index::match_evidence`] and their kin in `report.rs`). The schema is `schema.sql` plus
//! `schema_v2.sql`, `schema_v3.sql` and `schema_v4.sql`; its version is `PRAGMA user_version` (an index of an
//! older version is upgraded in place when opened, after a copy of it is kept beside it as
//! `<index>.schema-v<N>.bak`: the older binary refuses the newer schema).
//!
//! Since version 4 the index differs from DESIGN.md's `values` table on purpose: only the
//! values that queries look up (e-mail, phone, full name, birthday) have rows, in
//! `record_keys`; every normalised value, with its original and label, is in
//! `records.contact_json` (in SQL: `json_each`). The per-value rows were a quarter of the
//! index and were read by nothing (BENCH-DEDUP.md §6).
//!
//! What it guarantees:
//! - one transaction per run: an error anywhere in [`Index::apply`] leaves the index as it was;
//! - files are fingerprinted by content hash: a run in which every file is unchanged writes
//!   nothing at all, not even a `runs` row, so the file stays byte-identical;
//! - history is never dropped: a changed file gets a new version, the old one's records stay,
//!   inactive; every record keeps its raw text verbatim, what its source said (RawContact)
//!   and its normalised values with their originals (Contact), each once, as compact JSON
//!   (`store/json.rs`); the values that queries look up are keys into the records (`record_keys`);
//! - person ids are stable across runs and never depend on thread count or HashMap order: a
//!   cluster keeps the id held by most of its records, a split leaves the id with the part
//!   holding most of its old records, a new cluster gets `p-` + 12 hex digits of sha256 of its
//!   smallest record's stable key (`path#record#sha256(raw)`), and the records of a file that
//!   changed inherit the person of the record they replace (same raw text, else a shared
//!   e-mail, phone or profile). Persons left without records are retired, never deleted;
//! - nothing once imported drops out of view: records of older file versions keep their
//!   person and their encounters (read back as historic in [`Detail`]), a person merged into
//!   another hands it its history and purpose, a retired person with history stays findable,
//!   and files no longer found under a run's inputs are only marked (`deleted_run`);
//! - calendar events link to persons by e-mail, else by a name only one person has, and never
//!   create one; the links are brought up to date in every run that changes something;
//! - a dry run ([`RunInput::dry_run`]) computes everything and rolls it back;
//! - one writer across processes: import runs and `note` hold an [`IndexLock`].
//!
//! - the user's decisions (`merge`, `separate`, `unmerge`: [`Index::decide`]) are checked,
//!   stored and applied in one transaction, and every later run obeys them; the matching
//!   engine's merges and uncertain pairs are kept in `match_evidence` ([`Index::evidence`]).
//!
//! What it does not do: read or normalise files, decide identity itself (that is
//! [`crate::dedup::engine`]), or merge a person's records into one view (`dedup::merge`).

mod apply;
mod assign;
mod decide;
mod json;
mod lock;
mod query;
mod read;
mod report;

pub use decide::{Decision, DecisionOutcome, EvidenceRow, FieldRow};
pub use lock::{IndexLock, LockError};
pub use query::{
    Detail, EncounterDetail, HistoricRecord, Location, MetRow, NoPurpose, Purpose, SearchRow,
    SourceDetail,
};
pub use report::{EvidenceKind, Totals};

use crate::model::{Contact, Encounter, RawContact, SourceKind};
use crate::sources::Rejected;
use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;

/// The schema of version 1, created in one transaction on a new index.
const SCHEMA: &str = include_str!("schema.sql");
/// What version 2 adds to version 1; a new index gets both, an old one only this.
const SCHEMA_V2: &str = include_str!("schema_v2.sql");
/// What version 3 adds to version 2 (the matching engine's evidence).
const SCHEMA_V3: &str = include_str!("schema_v3.sql");
/// What version 4 changes in version 3 (`record_keys` instead of a row per value).
const SCHEMA_V4: &str = include_str!("schema_v4.sql");
/// `PRAGMA user_version` of the schema above. Bump it, and add a migration step in
/// [`Index::migrate`], whenever the schema changes.
const SCHEMA_VERSION: i64 = 4;
/// How long a second writer (another netwerk-import run) waits for the lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything that can go wrong in the store. Every variant names the index file and what was
/// being done; the underlying error is the [`std::error::Error::source`].
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {what}")]
    Io {
        path: String,
        what: String,
        source: std::io::Error,
    },
    #[error("{path}: {what}")]
    Sqlite {
        path: String,
        what: String,
        source: rusqlite::Error,
    },
    #[error("{path}: {what}")]
    Json {
        path: String,
        what: String,
        source: serde_json::Error,
    },
    #[error("{path}: the index has schema version {found}, newer than the {known} this program knows; use a newer netwerk-import")]
    NewerSchema {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("{path}: not a netwerk-import index (it holds tables but no schema version)")]
    NotAnIndex { path: String },
    /// The run itself is inconsistent (a pipeline bug, not bad user data).
    #[error("{path}: {what}")]
    Input { path: String, what: String },
    /// A user's decision was refused (unknown person, the same person twice, a contradiction
    /// of an earlier decision); nothing was written.
    #[error("{what}")]
    Refused { what: String },
}

/// Attach the index path and what was being done to a lower-level error.
trait Context<T> {
    fn ctx(self, path: &str, what: impl FnOnce() -> String) -> Result<T, StoreError>;
}

impl<T> Context<T> for Result<T, rusqlite::Error> {
    fn ctx(self, path: &str, what: impl FnOnce() -> String) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Sqlite {
            path: path.to_string(),
            what: what(),
            source,
        })
    }
}

impl<T> Context<T> for Result<T, serde_json::Error> {
    fn ctx(self, path: &str, what: impl FnOnce() -> String) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Json {
            path: path.to_string(),
            what: what(),
            source,
        })
    }
}

impl<T> Context<T> for Result<T, std::io::Error> {
    fn ctx(self, path: &str, what: impl FnOnce() -> String) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Io {
            path: path.to_string(),
            what: what(),
            source,
        })
    }
}

/// One run's worth of changes.
#[derive(Debug, Clone)]
pub struct RunInput {
    /// RFC 3339 UTC; passed in so that tests are deterministic.
    pub started_at: String,
    /// The command line, for the `runs` table.
    pub command: String,
    /// Files read this run, sorted by path. A file whose hash equals its active version's is
    /// counted as unchanged and otherwise ignored.
    pub files: Vec<FileInput>,
    /// Paths seen this run whose hash equals the active version (not read again).
    pub unchanged: Vec<String>,
    /// The input paths of the run as the user gave them (display form). An active file under
    /// one of them that is not in `present`, `files` or `unchanged` is marked deleted.
    pub roots: Vec<String>,
    /// Every path discovery found this run, read or not (a file skipped because it could not
    /// be read is not deleted).
    pub present: Vec<String>,
    /// Do everything, report what would change, then roll back: nothing is written.
    pub dry_run: bool,
}

impl RunInput {
    /// A run of these files and nothing else: no roots (so nothing is marked deleted), not dry.
    pub fn new(started_at: &str, command: &str, files: Vec<FileInput>) -> RunInput {
        RunInput {
            started_at: started_at.to_string(),
            command: command.to_string(),
            files,
            unchanged: Vec::new(),
            roots: Vec::new(),
            present: Vec::new(),
            dry_run: false,
        }
    }
}

/// One file read this run.
#[derive(Debug, Clone)]
pub struct FileInput {
    pub path: String,
    /// Hex sha256 of the file's bytes.
    pub hash: String,
    pub size: u64,
    pub kind: SourceKind,
    /// In file order.
    pub records: Vec<RecordInput>,
    /// Records already in the form the index stores ([`RecordInput::encode`]): what the
    /// import pipeline hands over, so that a big run holds each record's rows, not its
    /// structures, until the index is written. Written interleaved with `records` and
    /// `rejected` by ordinal.
    pub encoded: Vec<EncodedRecord>,
    /// Kept raw with status `rejected` and the reason.
    pub rejected: Vec<Rejected>,
    /// Where and when the people in this file were met (a sidecar, a dated folder or the
    /// run's `--event` flags): linked to every record of the file.
    pub encounter: Option<EncounterInput>,
    /// Calendar events (`.ics` files): encounters for the persons among their attendees.
    pub events: Vec<EventInput>,
}

impl FileInput {
    /// A file with these records and nothing else (no encounter, no events, nothing rejected).
    pub fn new(path: &str, hash: &str, size: u64, kind: SourceKind) -> FileInput {
        FileInput {
            path: path.to_string(),
            hash: hash.to_string(),
            size,
            kind,
            records: Vec::new(),
            encoded: Vec::new(),
            rejected: Vec::new(),
            encounter: None,
            events: Vec::new(),
        }
    }
}

/// An encounter with what the model's [`Encounter`] does not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncounterInput {
    pub encounter: Encounter,
    /// The sidecar's `note`, an invitation's message, an event's description.
    pub note: Option<String>,
}

/// One calendar event: an encounter with everyone among its attendees who is a person in the
/// index (by e-mail, or, weaker, by a name no other person has). Never creates a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventInput {
    /// 1-based number of the event in its file.
    pub ordinal: u32,
    /// 1-based line of its `BEGIN:VEVENT`.
    pub line: Option<u32>,
    /// The event's text verbatim.
    pub raw: String,
    /// `how` is `meeting`; `source` the calendar's path.
    pub encounter: EncounterInput,
    /// The people invited besides the user: declined invitations, rooms and resources and the
    /// user's own addresses already left out.
    pub attendees: Vec<Attendee>,
}

/// An attendee who may be a person in the index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Attendee {
    /// Lower-case.
    pub email: Option<String>,
    pub name: Option<String>,
}

/// One imported record: what the source said and its normalised form.
#[derive(Debug, Clone)]
pub struct RecordInput {
    pub raw: RawContact,
    pub contact: Contact,
}

impl RecordInput {
    /// The rows this record becomes in a file at `path` whose records were met at
    /// `file_encounter`: its hashes, its JSON, its key rows and the encounters it tells. About
    /// a third of the memory of the record itself (BENCH-DEDUP.md, section 9).
    pub fn encode(self, path: &str, file_encounter: Option<&EncounterInput>) -> EncodedRecord {
        EncodedRecord {
            rows: apply::Encoded::of(path, file_encounter, &self),
            ordinal: self.raw.source.record,
            line: self.raw.source.line,
            kind: self.raw.source.kind,
            raw: self.raw.raw,
            photos: self.raw.photos,
        }
    }
}

/// A record encoded for the index by [`RecordInput::encode`].
#[derive(Debug, Clone)]
pub struct EncodedRecord {
    ordinal: u32,
    line: Option<u32>,
    kind: SourceKind,
    raw: String,
    photos: Vec<crate::model::Photo>,
    rows: apply::Encoded,
}

impl EncodedRecord {
    /// The record's number in its file (1-based).
    pub fn ordinal(&self) -> u32 {
        self.ordinal
    }
}

/// What a run did, for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunOutcome {
    /// The `runs` row written; `None` when nothing changed.
    pub run_id: Option<i64>,
    /// False when every file was unchanged: nothing at all was written.
    pub changed: bool,
    pub files_new: usize,
    pub files_changed: usize,
    pub files_unchanged: usize,
    pub records_added: usize,
    pub records_rejected: usize,
    /// Records added per source kind, sorted by kind.
    pub records_by_kind: Vec<(SourceKind, usize)>,
    /// Persons that did not exist (or had been retired) before this run.
    pub persons_new: usize,
    /// Existing persons whose set of records changed.
    pub persons_updated: usize,
    /// Persons that no longer hold any active record (merged into another, or their records
    /// disappeared from a changed file).
    pub persons_retired: usize,
    pub persons_total: usize,
    /// The matching engine's automatic merges over the whole index after this run, and how
    /// many of them this run made (two records no earlier run had joined).
    pub merges: usize,
    pub merges_new: usize,
    /// Pairs of persons the engine left for the user's review (`netwerk-import review`).
    pub uncertain: usize,
    /// Active files under the run's roots that were not found any more (marked, kept).
    pub files_deleted: usize,
    /// True when the run was a dry run: everything above is what it would have done.
    pub dry_run: bool,
    /// What changed, by name: files and persons, each list sorted.
    pub changes: Changes,
}

/// What one run changed, for `--dry-run` and for the nightly tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub files_new: Vec<String>,
    pub files_changed: Vec<String>,
    /// Files no longer found under the run's roots.
    pub files_deleted: Vec<String>,
    /// Files marked deleted earlier and found again, unchanged.
    pub files_restored: Vec<String>,
    pub persons_new: Vec<PersonChange>,
    pub persons_updated: Vec<PersonChange>,
    pub persons_retired: Vec<PersonChange>,
    /// Encounters written (from records, sidecars, folders, flags and calendars).
    pub encounters_added: usize,
}

/// A person a run created, changed or retired.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PersonChange {
    pub id: String,
    /// The first full name among its records, for people to read.
    pub name: Option<String>,
}

/// An open index. One writer at a time: SQLite's lock serialises concurrent runs.
pub struct Index {
    conn: Connection,
    /// The index path as text, for messages.
    path: String,
}

impl Index {
    /// Open or create the index at `path`. Creates missing parent directories (mode 0700 on
    /// Unix) and the file itself with mode 0600 before SQLite opens it, so that the index and
    /// its `-wal`/`-shm` files (SQLite gives them the database's mode) are readable by the
    /// owner only: it holds other people's personal data. Sets WAL, foreign keys and a busy
    /// timeout, and creates or checks the schema.
    pub fn open(path: &Path) -> Result<Index, StoreError> {
        let shown = path.display().to_string();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            create_private_dirs(parent).ctx(&shown, || {
                format!("creating directory {}", parent.display())
            })?;
        }
        create_private_file(path).ctx(&shown, || "creating the index file".to_string())?;

        let conn = Connection::open(path).ctx(&shown, || "opening the index".to_string())?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .ctx(&shown, || "setting the busy timeout".to_string())?;
        // 16 KiB pages for a new index (an existing one keeps the size it was made with): a
        // record row is about 1.5 KB, so a 4 KiB page held two and every lookup of a record
        // read a page of its own. A million records were imported in 5–15 % less time
        // (BENCH-DEDUP.md, section 10).
        conn.pragma_update(None, "page_size", 16384)
            .ctx(&shown, || "setting the page size".to_string())?;
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .ctx(&shown, || "switching to WAL".to_string())?;
        if !mode.eq_ignore_ascii_case("wal") {
            // Some file systems (network shares) cannot do WAL; SQLite then keeps a rollback
            // journal, which is slower but just as safe.
            tracing::warn!(index = %shown, mode = %mode, "the index could not switch to WAL");
        }
        conn.pragma_update(None, "foreign_keys", true)
            .ctx(&shown, || "enabling foreign keys".to_string())?;
        // NORMAL is safe in WAL mode: a crash may lose the last run, never corrupt the index.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .ctx(&shown, || "setting synchronous".to_string())?;
        // A run writes every record, value and search row in one transaction; with SQLite's
        // default 2 MB page cache the pager spills and re-reads pages from the WAL (measured:
        // most of the time of a 20 000-card import). 64 MB keeps a run's working set in memory.
        conn.pragma_update(None, "cache_size", -65536)
            .ctx(&shown, || "setting the cache size".to_string())?;
        conn.pragma_update(None, "temp_store", "MEMORY")
            .ctx(&shown, || "setting temp_store".to_string())?;

        let mut index = Index { conn, path: shown };
        index.migrate()?;
        Ok(index)
    }

    /// The index path, as shown in messages.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Before an index of an older schema is upgraded in place (a one-way step: the older
    /// binary refuses a newer schema), keep a consistent copy of it beside the index as
    /// `<index>.schema-v<N>.bak`, owner-only like the index, made with `VACUUM INTO`. A copy
    /// that is already there (another process upgrading at the same moment, or an upgrade
    /// that failed and is tried again) is left as it is. An index without a file name (in
    /// memory) gets no copy.
    fn keep_before_upgrade(&self, version: i64) -> Result<(), StoreError> {
        let Some(db) = self.conn.path().filter(|p| !p.is_empty()) else {
            return Ok(());
        };
        let copy = format!("{db}.schema-v{version}.bak");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&copy) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
            Err(e) => {
                return Err(e).ctx(&self.path, || format!("creating {copy}"));
            }
        }
        // VACUUM INTO writes into an empty file; the mode set above stays.
        if let Err(e) = self.conn.execute("VACUUM INTO ?1", [&copy]) {
            // No half copy left behind to be taken for a good one next time.
            let _ = std::fs::remove_file(&copy);
            return Err(e).ctx(&self.path, || format!("keeping a copy as {copy}"));
        }
        tracing::info!(
            copy = %copy,
            from = version,
            to = SCHEMA_VERSION,
            "upgrading the index's schema; the index as it was is kept as a copy"
        );
        Ok(())
    }

    /// Create the schema on a new index, migrate an older one, or check the version.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let version: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .ctx(&path, || "reading the schema version".to_string())?;
        match version {
            SCHEMA_VERSION => Ok(()),
            0..=3 => {
                if version == 0 {
                    let tables: i64 = self
                        .conn
                        .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
                        .ctx(&path, || "reading the schema".to_string())?;
                    if tables > 0 {
                        return Err(StoreError::NotAnIndex { path });
                    }
                } else {
                    self.keep_before_upgrade(version)?;
                }
                // IMMEDIATE: two processes opening an old index at once must not both migrate.
                let tx = self
                    .conn
                    .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                    .ctx(&path, || "starting the schema transaction".to_string())?;
                let now: i64 = tx
                    .pragma_query_value(None, "user_version", |row| row.get(0))
                    .ctx(&path, || "reading the schema version".to_string())?;
                if now == SCHEMA_VERSION {
                    return Ok(());
                }
                if now == 0 {
                    tx.execute_batch(SCHEMA)
                        .ctx(&path, || "creating the schema".to_string())?;
                }
                if now < 2 {
                    tx.execute_batch(SCHEMA_V2)
                        .ctx(&path, || "adding schema version 2".to_string())?;
                }
                if now < 3 {
                    tx.execute_batch(SCHEMA_V3)
                        .ctx(&path, || "adding schema version 3".to_string())?;
                }
                tx.execute_batch(SCHEMA_V4)
                    .ctx(&path, || "moving to schema version 4".to_string())?;
                if now == 1 {
                    // Version 2 also indexes historic values and compact family names.
                    apply::rebuild_search(&tx, &path)?;
                }
                tx.pragma_update(None, "user_version", SCHEMA_VERSION)
                    .ctx(&path, || "setting the schema version".to_string())?;
                tx.commit()
                    .ctx(&path, || "committing the schema".to_string())
            }
            found if found > SCHEMA_VERSION => Err(StoreError::NewerSchema {
                path,
                found,
                known: SCHEMA_VERSION,
            }),
            found => Err(StoreError::NotAnIndex {
                path: format!("{path} (schema version {found})"),
            }),
        }
    }

    /// Content hash (hex sha256) of the active version of the file at `path`, if the index has
    /// one. Lets the pipeline skip reading unchanged files.
    pub fn known_hash(&self, path: &str) -> Result<Option<String>, StoreError> {
        apply::active_hash(&self.conn, path).ctx(&self.path, || format!("looking up {path}"))
    }

    /// Hash and kind of the active version of a file path, if any: lets the pipeline skip
    /// reading an unchanged file and still count it under its kind.
    pub fn known_file(&self, path: &str) -> Result<Option<(String, SourceKind)>, StoreError> {
        let found = apply::active_file(&self.conn, path)
            .ctx(&self.path, || format!("looking up {path}"))?;
        Ok(found.and_then(|(hash, kind)| SourceKind::parse(&kind).map(|k| (hash, k))))
    }

    /// For the summary: per source kind, how many persons that hold a record of that kind were
    /// created, and how many were updated, by run `run_id`.
    pub fn persons_by_kind(
        &self,
        run_id: i64,
    ) -> Result<Vec<(SourceKind, usize, usize)>, StoreError> {
        let rows = apply::persons_by_kind(&self.conn, run_id).ctx(&self.path, || {
            format!("counting the persons of run {run_id}")
        })?;
        Ok(rows
            .into_iter()
            .filter_map(|(kind, new, updated)| SourceKind::parse(&kind).map(|k| (k, new, updated)))
            .collect())
    }

    /// Apply one run in one transaction; an error anywhere leaves the previous index intact.
    /// When no file is new or changed, nothing is written (`changed: false`).
    pub fn apply(&mut self, run: RunInput) -> Result<RunOutcome, StoreError> {
        apply::apply(&mut self.conn, &self.path, run)
    }

    /// Check, store and apply one decision of the user's in one transaction (a `runs` row with
    /// `command`): refused with [`StoreError::Refused`] and nothing written when a person is
    /// unknown or retired, named twice, or the decision contradicts an earlier one.
    pub fn decide(
        &mut self,
        decision: &Decision,
        note: Option<&str>,
        started_at: &str,
        command: &str,
    ) -> Result<DecisionOutcome, StoreError> {
        decide::decide(
            &mut self.conn,
            &self.path,
            decision,
            note,
            started_at,
            command,
        )
    }

    /// The rows of `match_evidence` of one kind (`merge` or `uncertain`), in `seq` order.
    pub fn evidence(&self, kind: &str) -> Result<Vec<EvidenceRow>, StoreError> {
        decide::evidence(&self.conn, &self.path, kind)
    }

    /// Every current person with its active records (sorted by path, then record) and its
    /// encounters, sorted by id.
    pub fn persons(&self) -> Result<Vec<crate::model::Person>, StoreError> {
        read::persons(&self.conn, &self.path)
    }

    /// The raw record, photos included, behind an active imported record, found by its path and
    /// record ordinal (as in [`crate::model::Source`]).
    pub fn raw_contact(&self, path: &str, record: u32) -> Result<Option<RawContact>, StoreError> {
        read::raw_contact(&self.conn, &self.path, path, record)
    }

    /// Number of current (not retired) persons.
    pub fn persons_total(&self) -> Result<usize, StoreError> {
        apply::persons_total(&self.conn).ctx(&self.path, || "counting persons".to_string())
    }

    /// Set what the user can offer a person and hopes from them. `None` leaves a part as it
    /// was; an empty text clears it. Returns the purpose as stored now.
    pub fn set_purpose(
        &mut self,
        person: &str,
        offer: Option<&str>,
        ask: Option<&str>,
        now: &str,
    ) -> Result<Purpose, StoreError> {
        query::set_purpose(&mut self.conn, &self.path, person, offer, ask, now)
    }

    /// Whether a person id is known (current or retired).
    pub fn person_exists(&self, person: &str) -> Result<bool, StoreError> {
        query::person_exists(&self.conn, &self.path, person)
    }

    /// Full-text candidates for an FTS5 query over the search index, best first (bm25 with
    /// names weighted highest), at most `limit`. Retired persons with history are included.
    pub fn search(&self, fts_query: &str, limit: usize) -> Result<Vec<String>, StoreError> {
        query::search(&self.conn, &self.path, fts_query, limit)
    }

    /// Persons (current or retired, with history) holding a record, active or superseded, that
    /// has exactly this normalised value in `field`: one of the looked-up fields of
    /// `record_keys` (`email`, `phone`, `name.full`, `birthday`); any other field finds nobody.
    pub fn persons_with_value(&self, field: &str, value: &str) -> Result<Vec<String>, StoreError> {
        query::persons_with_value(&self.conn, &self.path, field, value)
    }

    /// Distinct terms of the search index in the given columns (`name`, `orgs`, …) that start
    /// with `first` and whose length is within `lengths`, sorted: the vocabulary the
    /// typo-tolerant search compares against.
    pub fn search_terms(
        &self,
        columns: &[&str],
        lengths: std::ops::RangeInclusive<usize>,
        first: char,
    ) -> Result<Vec<String>, StoreError> {
        query::search_terms(&self.conn, &self.path, columns, lengths, first)
    }

    /// The search rows of these persons, in the order given (unknown ids are left out).
    pub fn search_rows(&self, ids: &[String]) -> Result<Vec<SearchRow>, StoreError> {
        query::search_rows(&self.conn, &self.path, ids)
    }

    /// Everything `who` and the exports show beyond [`Index::persons`]: historic records,
    /// encounters with their notes and links, the runs of the sources, the purpose.
    /// One entry per id given, in that order (unknown ids are left out).
    pub fn details(&self, ids: &[String]) -> Result<Vec<Detail>, StoreError> {
        query::details(&self.conn, &self.path, ids)
    }

    /// The current persons (and their records) with these ids, like [`Index::persons`].
    pub fn persons_by_id(&self, ids: &[String]) -> Result<Vec<crate::model::Person>, StoreError> {
        read::persons_by_id(&self.conn, &self.path, ids)
    }

    /// Current persons with an encounter dated on or after `since` (ISO date) and no purpose,
    /// most recently met first.
    /// Every encounter with an event name or place, with each active person linked to it,
    /// for `who --met` (ordered by date, encounter, person).
    pub fn met_rows(&self) -> Result<Vec<query::MetRow>, StoreError> {
        query::met_rows(&self.conn, &self.path)
    }

    pub fn without_purpose(&self, since: &str) -> Result<Vec<NoPurpose>, StoreError> {
        query::without_purpose(&self.conn, &self.path, since)
    }
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index").field("path", &self.path).finish()
    }
}

#[cfg(unix)]
fn create_private_dirs(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dirs(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Create the file if it is missing (never truncate an existing index).
fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(drop)
}

/// Hex sha256 of some text: file fingerprints, raw-record hashes, person ids.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(data))
}
