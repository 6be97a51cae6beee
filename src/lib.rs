//! netwerk-import: one contact index from business cards, address-book exports and calendars.
//!
//! ```text
//! discover ──► read (per file, parallel) ──► normalise (per record, parallel)
//!     │            vcard · csv · json · ics
//!     ▼
//! encounters (sidecars, folder names, EXIF hook, LinkedIn/Facebook dates, calendar events, flags)
//!     ▼
//! dedup: engine (block ──► score ──► cluster + the user's decisions) ──► merge (survivorship)
//!     ▼
//! store (SQLite, one transaction per run) ──► export (jsonl · vCard 4.0 · CSV) ──► report (HTML + terminal)
//!     ▼
//! query: who (search ──► cards), note (purposes)
//! decide: review (uncertain pairs), merge / separate / unmerge (stored, applied at once)
//! ```
//!
//! Only `pipeline` knows the order of the stages.

pub mod cli;
pub mod config;
pub mod decide;
pub mod dedup;
pub mod diag;
pub mod discover;
pub mod encounter;
pub mod export;
pub mod lap;
pub mod model;
pub mod normalize;
pub mod pipeline;
pub mod private;
pub mod query;
pub mod report;
pub mod sources;
pub mod store;
pub mod synth;
