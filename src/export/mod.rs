//! Exports: JSON Lines, vCard 4.0 and CSV (Google Contacts' import layout).
//!
//! In: persons as the index gives them (sorted by id), each merged with
//! [`crate::dedup::merge::merge`]. Out: bytes on any [`std::io::Write`], one person per line
//! (JSON Lines), per card (vCard) or per row (CSV), in the order given. Output depends only on
//! the persons: no clock, no HashMap order, no thread count.
//!
//! Not done here: choosing or sorting the persons (the store does), opening files, and handling
//! a broken pipe (the caller decides; an `io::Error` is passed on untouched).

pub mod jsonl;
pub mod table;
pub mod vcard;

use std::fmt;
use std::io;
use std::str::FromStr;

use crate::model::Person;

/// An export format, as `--format` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line: the contract in DESIGN.md.
    Jsonl,
    /// vCard 4.0 (RFC 6350), one card per person.
    Vcard,
    /// CSV in Google Contacts' current import layout.
    Csv,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Jsonl, Format::Vcard, Format::Csv];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Vcard => "vcard",
            Format::Csv => "csv",
        }
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Vcard => "vcf",
            Format::Csv => "csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A format name that is not one of `jsonl`, `vcard`, `csv`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown export format \"{0}\" (expected jsonl, vcard or csv)")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

/// Write `persons`, in the given order, in `format`.
pub fn write(format: Format, persons: &[Person], out: &mut impl io::Write) -> io::Result<()> {
    match format {
        Format::Jsonl => jsonl::write(persons, out),
        Format::Vcard => vcard::write(persons, out),
        Format::Csv => table::write(persons, out),
    }
}

/// Text fit for a vCard property or a CSV cell: CR and CRLF become LF, and other control
/// characters (NUL, BEL, C1 controls, …) are dropped; TAB stays. RFC 6350 allows no controls in
/// values, and a bare CR or a NUL in a CSV cell breaks spreadsheet imports. JSON needs none of
/// this: it escapes every control character losslessly.
pub fn clean(s: &str) -> String {
    let unified = s.replace("\r\n", "\n").replace('\r', "\n");
    unified
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_drops_controls_and_unifies_line_ends() {
        const CASES: &[(&str, &str)] = &[
            ("a\r\nb", "a\nb"),
            ("a\rb", "a\nb"),
            ("a\r\r\nb", "a\n\nb"),
            ("a\u{0}b\u{7}c\u{85}d\u{7f}", "abcd"),
            ("tab\there", "tab\there"),
            ("Zoë\n", "Zoë\n"),
        ];
        for (input, want) in CASES {
            assert_eq!(clean(input), *want, "case {input:?}");
        }
    }

    #[test]
    fn format_names_parse_back() {
        const CASES: &[(&str, Option<Format>)] = &[
            ("jsonl", Some(Format::Jsonl)),
            ("vcard", Some(Format::Vcard)),
            ("csv", Some(Format::Csv)),
            (" CSV ", Some(Format::Csv)),
            ("vcf", None),
            ("", None),
        ];
        for (text, want) in CASES {
            assert_eq!(text.parse::<Format>().ok(), *want, "case {text:?}");
        }
        for f in Format::ALL {
            assert_eq!(f.to_string().parse::<Format>(), Ok(f), "case {f}");
        }
    }
}
