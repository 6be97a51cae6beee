//! The index: the only module that touches SQLite.
//!
//! In: one [`RunInput`] per run (the files that were read, with their raw and normalised
//! records). Out: the index file, and read-backs of it ([`Index::persons`],
//! [`Index::raw_contact`]). The schema is `schema.sql`; its version is `PRAGMA user_version`.
//!
//! What it guarantees:
//! - one transaction per run: an error anywhere in [`Index::apply`] leaves the index as it was;
//! - files are fingerprinted by content hash: a run in which every file is unchanged writes
//!   nothing at all, not even a `runs` row, so the file stays byte-identical;
//! - history is never dropped: a changed file gets a new version, the old one's records stay,
//!   inactive; every normalised value is linked to the record it came from, and every record
//!   keeps its raw text verbatim;
//! - person ids are stable across runs and never depend on thread count or HashMap order: a
//!   cluster keeps the id held by most of its records, a split leaves the id with the part
//!   holding most of its old records, a new cluster gets `p-` + 12 hex digits of sha256 of its
//!   smallest record's stable key (`path#record#sha256(raw)`), and the records of a file that
//!   changed inherit the person of the record they replace (same raw text, else a shared
//!   e-mail, phone or profile). Persons left without records are retired, never deleted.
//!
//! What it does not do: read or normalise files, decide identity itself (that is
//! [`crate::dedup::identity`]), or merge a person's records into one view (`dedup::merge`).

mod apply;
mod assign;
mod read;

use crate::model::{Contact, RawContact, SourceKind};
use crate::sources::Rejected;
use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;

/// The schema, created in one transaction on a new index.
const SCHEMA: &str = include_str!("schema.sql");
/// `PRAGMA user_version` of the schema above. Bump it, and add a migration step in
/// [`Index::migrate`], whenever `schema.sql` changes.
const SCHEMA_VERSION: i64 = 1;
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
    /// Kept raw with status `rejected` and the reason.
    pub rejected: Vec<Rejected>,
    /// Where and when the people in this file were met (a sidecar or a dated folder): linked
    /// to every record of the file.
    pub encounter: Option<crate::model::Encounter>,
}

/// One imported record: what the source said and its normalised form.
#[derive(Debug, Clone)]
pub struct RecordInput {
    pub raw: RawContact,
    pub contact: Contact,
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

    /// Create the schema on a new index, or check the version of an existing one.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let version: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .ctx(&path, || "reading the schema version".to_string())?;
        match version {
            SCHEMA_VERSION => Ok(()),
            0 => {
                let tables: i64 = self
                    .conn
                    .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
                    .ctx(&path, || "reading the schema".to_string())?;
                if tables > 0 {
                    return Err(StoreError::NotAnIndex { path });
                }
                let tx = self
                    .conn
                    .transaction()
                    .ctx(&path, || "starting the schema transaction".to_string())?;
                tx.execute_batch(SCHEMA)
                    .ctx(&path, || "creating the schema".to_string())?;
                tx.pragma_update(None, "user_version", SCHEMA_VERSION)
                    .ctx(&path, || "setting the schema version".to_string())?;
                tx.commit()
                    .ctx(&path, || "committing the schema".to_string())
            }
            // Future versions migrate step by step from here (1 → 2, 2 → 3, …).
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
