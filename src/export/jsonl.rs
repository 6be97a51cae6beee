//! JSON Lines export: one [`Merged`](crate::dedup::merge::Merged) per line.
//!
//! In: persons. Out: for each person, in the given order, its merged view as one line of JSON
//! (UTF-8, no pretty-printing, `\n` after every line). The keys and their order are the
//! contract in DESIGN.md; the keys added after `encounters` are documented in
//! [`crate::dedup::merge`]. Newlines inside values are escaped by JSON, so a line is always
//! one person.

use std::io;

use crate::dedup::merge::merge;
use crate::model::Person;

/// Write one line per person.
pub fn write(persons: &[Person], out: &mut impl io::Write) -> io::Result<()> {
    for person in persons {
        serde_json::to_writer(&mut *out, &merge(person))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
