//! Normalisation: pure functions from what a source said to comparable values.
//!
//! In: a [`RawContact`]. Out: a [`Contact`] in which every value keeps its original beside the
//! normalised form, plus warnings for values that could not be normalised (they are kept as
//! written, never dropped silently).

use crate::diag::Diagnostic;
use crate::model::{Contact, RawContact};

/// Settings for normalisation.
#[derive(Debug, Clone)]
pub struct Options {
    /// Default country for phone numbers written without one (ISO 3166-1 alpha-2, `NL`).
    pub region: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            region: "NL".to_string(),
        }
    }
}

/// Normalise one record.
pub fn contact(raw: &RawContact, opts: &Options) -> (Contact, Vec<Diagnostic>) {
    let _ = opts;
    (Contact::empty(raw.source.clone()), Vec::new())
}
