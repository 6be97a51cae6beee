//! The deduplication report: what the index holds and what the matching engine did with it.
//!
//! In: an open [`Index`](crate::store::Index). Out: a [`ReportData`] (plain, serialisable
//! data, built by [`load`]), and two renderings of it: [`render_html`], one self-contained HTML
//! page (inline CSS, no scripts, no network resources, a Content-Security-Policy that forbids
//! them), and [`render_terminal`], the short summary printed after an import.
//!
//! The report shows: the counts (runs, files per kind, records imported and rejected, persons
//! new, updated and retired by the latest run, merges and uncertain pairs); each automatic merge
//! with its evidence (the two records, which fields agreed at which level and weight, the
//! score); the uncertain pairs side by side with the commands that decide them; conflicts
//! inside a person (single-valued fields with different values, and who said which); the
//! rejected records; and the people met in the six months before the latest run who have no
//! purpose note yet.
//!
//! Deterministic: the only time in the output is the latest run's stored `started_at`, and
//! "the last six months" are counted back from it, so a report is a function of the index.
//! Every list is capped at [`Options::limit`] entries (the counts stay complete), so that an
//! index of a million records still gives a page a browser can open.
//!
//! Escaping happens in one place: the HTML is built with `maud`, whose `html!` macro escapes
//! every spliced value (`&`, `<`, `>`, `"`) unless it is explicitly wrapped in `PreEscaped`,
//! which only the constant style sheet is. What it does not do: write files (the pipeline
//! does, owner-only) or change the index.

mod html;
mod load;
mod terminal;

pub use html::{render_html, BAND_COLOUR, CONTENT_SECURITY_POLICY};
pub use load::{load, Options};
pub use terminal::render_terminal;

use crate::store::NoPurpose;
use serde::{Deserialize, Serialize};

/// Where the report goes when nobody says otherwise: `report.html` beside the index.
pub fn default_path(index: &std::path::Path) -> std::path::PathBuf {
    index.with_file_name("report.html")
}

/// How many entries each list of the report shows by default.
pub const DEFAULT_LIMIT: usize = 1000;

/// Everything the report shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReportData {
    /// The latest run that changed the index; `None` for an empty index.
    pub last_run: Option<RunInfo>,
    /// Runs that changed the index.
    pub runs: usize,
    /// Per source kind: active files, imported and rejected records. Sorted by kind.
    pub kinds: Vec<KindCount>,
    /// Current persons.
    pub persons_total: usize,
    /// Persons that hold no active record any more (merged away or gone with their file).
    pub persons_retired: usize,
    /// The latest engine run's automatic merges: all counted, the first `limit` shown.
    pub merges_total: usize,
    pub merges: Vec<Evidence>,
    /// Pairs in the uncertain band, left apart for the user to decide.
    pub uncertain_total: usize,
    pub uncertain: Vec<Uncertain>,
    /// Persons with a conflict inside them.
    pub conflicts_total: usize,
    pub conflicts: Vec<PersonConflicts>,
    /// Rejected records of the active file versions.
    pub rejected_total: usize,
    pub rejected: Vec<RejectedRecord>,
    /// The first day that counts for `without_purpose` (`YYYY-MM-DD`, 182 days before the
    /// latest run); `None` for an empty index.
    pub since: Option<String>,
    pub without_purpose_total: usize,
    pub without_purpose: Vec<NoPurpose>,
}

impl ReportData {
    /// Imported records of the active file versions, all kinds together.
    pub fn records_imported(&self) -> usize {
        self.kinds.iter().map(|k| k.records).sum()
    }

    /// Active files, all kinds together.
    pub fn files(&self) -> usize {
        self.kinds.iter().map(|k| k.files).sum()
    }
}

/// The latest run, as the `runs` table holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunInfo {
    pub id: i64,
    /// RFC 3339 UTC.
    pub started_at: String,
    pub command: String,
    pub files_new: usize,
    pub files_changed: usize,
    pub files_unchanged: usize,
    pub files_deleted: usize,
    pub records_added: usize,
    pub records_rejected: usize,
    pub persons_new: usize,
    pub persons_updated: usize,
    pub persons_retired: usize,
    pub persons_total: usize,
}

/// Counts for one source kind (`vcard`, `csv:linkedin`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KindCount {
    pub kind: String,
    pub files: usize,
    pub records: usize,
    pub rejected: usize,
}

/// One row of the engine's evidence: two records and why they are (or may be) one person.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evidence {
    /// Order inside its kind: merges in joining order, uncertain pairs by weight.
    pub seq: i64,
    pub a: RecordRef,
    pub b: RecordRef,
    /// The persons the records belong to now (the same person for a merge).
    pub person_a: Option<PersonRef>,
    pub person_b: Option<PersonRef>,
    /// Match weight in bits (log2 Bayes factor).
    pub weight: f64,
    pub probability: f64,
    /// Given and family name agreed only crosswise.
    pub swapped: bool,
    /// The fields both records have, in the engine's field order.
    pub fields: Vec<FieldScore>,
}

/// One field's part in a score, as `match_evidence.fields_json` stores it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldScore {
    pub field: String,
    pub level: String,
    pub weight: f64,
}

/// A record named by its stable key, with what identifies it to a person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RecordRef {
    /// `path#record#sha256(raw)`.
    pub key: String,
    /// False when no record has this key (the other fields are then empty).
    pub found: bool,
    /// False when only an older version of its file holds it.
    pub active: bool,
    pub path: Option<String>,
    pub record: Option<u32>,
    pub line: Option<u32>,
    pub kind: Option<String>,
    /// The first full name, e-mail and phone the record gave (normalised).
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl RecordRef {
    /// `path:line (record N)`, `path (record N)` without lines, or the key when not found.
    pub fn locate(&self) -> String {
        match (&self.path, self.record) {
            (Some(path), Some(record)) => locate(path, self.line, record),
            _ => self.key.clone(),
        }
    }
}

/// `path:line (record N)`, or `path (record N)` where lines mean nothing.
pub fn locate(path: &str, line: Option<u32>, record: u32) -> String {
    match line {
        Some(line) => format!("{path}:{line} (record {record})"),
        None => format!("{path} (record {record})"),
    }
}

/// A person by id, with the name it is shown by.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PersonRef {
    pub id: String,
    pub name: Option<String>,
    pub retired: bool,
}

/// An uncertain pair: the evidence, and the two persons' values side by side.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Uncertain {
    pub evidence: Evidence,
    /// One row per field either person has, in a fixed field order.
    pub rows: Vec<CompareRow>,
}

/// One field of an uncertain pair: person A's values and person B's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CompareRow {
    /// `name`, `e-mail`, `phone`, …
    pub field: String,
    pub a: Vec<Cell>,
    pub b: Vec<Cell>,
}

/// One value in a [`CompareRow`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub value: String,
    /// The other person does not have this value (marked in the report).
    pub differs: bool,
}

/// The conflicts inside one person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PersonConflicts {
    pub person: PersonRef,
    pub fields: Vec<ConflictField>,
}

/// A single-valued field whose sources disagree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConflictField {
    /// `name`, `birthday`.
    pub field: String,
    /// Every distinct value, the shown one first.
    pub values: Vec<ConflictValue>,
}

/// One of the disagreeing values and the records that gave it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConflictValue {
    pub value: String,
    /// `path:line (record N)` of each record, in source order.
    pub sources: Vec<String>,
}

/// A record that was not imported, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RejectedRecord {
    pub path: String,
    pub record: u32,
    pub line: Option<u32>,
    pub kind: String,
    pub reason: String,
}

impl RejectedRecord {
    /// `path:line (record N): reason`.
    pub fn render(&self) -> String {
        format!(
            "{}: {}",
            locate(&self.path, self.line, self.record),
            self.reason
        )
    }
}
