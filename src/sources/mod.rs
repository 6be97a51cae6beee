//! One module per input kind. Each reader takes the bytes of one file (already read by the
//! pipeline) and its display path, and returns the records it found, the records it had to
//! reject (raw text kept, so nothing is lost), and located diagnostics. Readers never panic on
//! bad input and never stop at the first bad record.

pub mod ics;
pub mod json;
pub mod scan;
pub mod table;
pub mod vcard;

use crate::diag::Diagnostic;
use crate::model::{RawContact, Source, SourceKind};

/// Settings that change how files are read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// `--csv-map`: `(column header, field)` pairs that override the generic CSV mapper.
    /// Fields: see [`table::Field::parse`].
    pub csv_map: Vec<(String, String)>,
}

/// A record a reader could not import. Its raw text goes into the index all the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub source: Source,
    pub raw: String,
    pub reason: String,
}

/// What one file gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRead {
    /// The kind of the file as a whole (a CSV flavour is known only after its header is read).
    pub kind: SourceKind,
    pub contacts: Vec<RawContact>,
    pub rejected: Vec<Rejected>,
    /// Every problem, located; one per rejected record at least, plus warnings.
    pub diagnostics: Vec<Diagnostic>,
}

impl FileRead {
    pub fn new(kind: SourceKind) -> Self {
        FileRead {
            kind,
            contacts: Vec::new(),
            rejected: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// Reject a record: keep its raw text and report it at its location.
    pub fn reject(&mut self, source: Source, raw: impl Into<String>, reason: impl Into<String>) {
        let reason = reason.into();
        self.diagnostics.push(
            Diagnostic::record(source.path.clone(), source.line, reason.clone())
                .with_record(source.record),
        );
        self.rejected.push(Rejected {
            source,
            raw: raw.into(),
            reason,
        });
    }
}
