//! Answering "who is this, and where do I know them from?" — and what the exports add to the
//! merged persons.
//!
//! In: the open index. Out: ranked [`search::Hit`]s, [`card::Card`]s (name, organisation,
//! title, how to reach them, the timeline of encounters, the purpose, values only older
//! versions of a source still give, and every source with its import run), and the
//! annotations the exports carry beyond the merged view ([`annotate`]).
//!
//! - [`search`]: candidates from the index and their ranking;
//! - [`card`]: one person as `who` shows it, as data (serde, for `--json`) and as text;
//! - [`history`]: values that only records of older file versions give;
//! - [`met`]: who was met at an event or place (`who --met`);
//! - [`annotate`]: the JSON Lines keys, vCard properties and CSV notes for purposes, history,
//!   encounter notes and runs.
//!
//! What it does not do: write to the index (the store does, `note` through
//! [`crate::store::Index::set_purpose`]), or decide who is who.

pub mod annotate;
pub mod card;
pub mod history;
pub mod met;
pub mod search;
