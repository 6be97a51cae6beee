//! Command-line flags, as clap parses them. The `///` comments are the `--help` text.
//! Validation and defaults that need the environment live in `config`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Gather a professional network — vCard, CSV and JSON exports, calendars (and later
/// business-card scans) — into one deduplicated contact index that remembers where every value
/// came from and where you met everyone.
///
/// Without a subcommand, imports everything under the given paths, updates the index and prints
/// a summary. Exit status: 0 all inputs read; 1 finished, but some inputs or records were
/// rejected (each reported as `path:line: what`); 2 usage or fatal error (also: the index is in
/// use by another run).
#[derive(Debug, Parser)]
#[command(name = "netwerk-import", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub import: ImportArgs,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Flags every mode takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The index file (SQLite). Default: `netwerk-import/index.db` in the user's data directory.
    #[arg(long, env = "NETWERK_INDEX", global = true, value_name = "FILE")]
    pub index: Option<PathBuf>,

    /// No progress bars and no summary; problems are still reported on stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// More diagnostics on stderr (-v: info and the run's changes by person id; -vv: debug,
    /// with names and the text of ignored lines; -vvv: trace). Contact values only from -vv.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Worker threads for the parallel stages (default: all cores). Output never depends on it.
    #[arg(short = 'j', long, global = true, value_name = "N")]
    pub threads: Option<usize>,

    /// When another run holds the index, wait this long for it before giving up (exit 2).
    #[arg(long, global = true, default_value_t = 10, value_name = "SECONDS")]
    pub wait: u64,

    /// Default country for phone numbers written without one (ISO 3166-1 alpha-2); also for
    /// phone numbers in a `who` query.
    #[arg(long, global = true, default_value = "NL", value_name = "CC")]
    pub region: String,
}

/// The main job: import.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files and folders to import (folders are read recursively).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// OCR languages for business-card scans (tesseract codes joined with `+`).
    #[arg(long, default_value = "nld+eng", value_name = "LANGS")]
    pub lang: String,

    /// Map CSV columns to fields by header, overriding the recognised layout:
    /// `"Naam=full-name,Mail=email"`. Repeatable.
    #[arg(long, value_name = "HEADER=FIELD,…")]
    pub csv_map: Vec<String>,

    /// Show what the run would change (files, persons) on stdout, and write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Where everyone in the files read this run was met, for files that no `netwerk.toml`
    /// or dated folder name describes.
    #[arg(long, value_name = "NAME")]
    pub event: Option<String>,

    /// When they were met (YYYY-MM-DD); see --event.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,

    /// Where they were met; see --event.
    #[arg(long, value_name = "PLACE")]
    pub place: Option<String>,

    /// One of your own e-mail addresses: calendar events never count you as a person met.
    /// Repeatable.
    #[arg(long, value_name = "EMAIL")]
    pub me: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write every person in the index to stdout (or --output).
    Export(ExportArgs),
    /// Where do I know this person from? Finds people by any part of a name (case, accents,
    /// typos and `van der` do not matter), an e-mail, a phone number in any format, or an
    /// organisation, and shows each as a card: how to reach them, when and where you met,
    /// through which source, and why you keep them. Exit status 1 when nobody matches.
    Who(WhoArgs),
    /// Write down why you keep a contact: what you can offer them and what you hope from them.
    /// PERSON is an id (`p-…`) or a query that matches exactly one person; otherwise the
    /// candidates are listed and the exit status is 2.
    Note(NoteArgs),
    /// List the pairs of people the matching engine was unsure about, strongest first: each
    /// pair side by side with its score and the fields that agreed and disagreed. Decide with
    /// `merge` or `separate`.
    Review(ReviewArgs),
    /// Say that two persons are the same person: they become one now and in every later run.
    /// A and B are ids (`p-…`) or queries that match exactly one person each.
    Merge(PairArgs),
    /// Say that two persons are never the same person, now and in every later run.
    Separate(PairArgs),
    /// Undo the automatic merges that formed a person: its records go back apart and stay
    /// apart in later runs (records you merged yourself stay together).
    Unmerge(UnmergeArgs),
    /// Write the deduplication report again from the index: one self-contained HTML page
    /// (merges with their evidence, uncertain pairs side by side, conflicts, rejected records,
    /// people met recently without a purpose). A short summary goes to stderr.
    Report(ReportArgs),
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Print the pairs as one JSON object on stdout (`{"total": …, "pairs": […]}`).
    #[arg(long)]
    pub json: bool,

    /// Show at most this many pairs.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct PairArgs {
    /// One person: an id (`p-…`) or a query that matches exactly one person.
    #[arg(value_name = "A")]
    pub a: String,

    /// The other person.
    #[arg(value_name = "B")]
    pub b: String,

    /// Why, in your words; kept with the decision.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct UnmergeArgs {
    /// The person: an id (`p-…`) or a query that matches exactly one person.
    #[arg(value_name = "PERSON")]
    pub person: String,

    /// Why, in your words; kept with the decision.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Write the HTML here (created readable by the owner only); `-` writes it to stdout.
    /// Default: `report.html` beside the index.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct WhoArgs {
    /// What to look for: a name or part of it, an e-mail, a phone number, an organisation.
    #[arg(value_name = "QUERY", required_unless_present_any = ["no_purpose", "met"])]
    pub query: Vec<String>,

    /// Print the matches as one JSON object on stdout (`{"query": …, "matches": [cards]}`).
    #[arg(long)]
    pub json: bool,

    /// Show at most this many matches.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub limit: usize,

    /// Instead of searching people: list who you met at an event or place, e.g.
    /// `--met "congres ggz"` (every word must appear in the event's name or place).
    #[arg(long, value_name = "EVENT", conflicts_with_all = ["query", "no_purpose"])]
    pub met: Option<String>,

    /// Instead of searching: list the people met since --since who have no purpose yet.
    #[arg(long, conflicts_with = "query")]
    pub no_purpose: bool,

    /// With --no-purpose: the first day that counts (YYYY-MM-DD; default: six months ago).
    #[arg(long, value_name = "YYYY-MM-DD", requires = "no_purpose")]
    pub since: Option<String>,
}

#[derive(Debug, Args)]
pub struct NoteArgs {
    /// The person: an id (`p-…`) or a query that matches exactly one person.
    #[arg(value_name = "PERSON", required = true)]
    pub person: Vec<String>,

    /// What you can offer this person (an empty text clears it).
    #[arg(long, value_name = "TEXT")]
    pub offer: Option<String>,

    /// What you hope from this person (an empty text clears it).
    #[arg(long, value_name = "TEXT")]
    pub ask: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
    pub format: ExportFormat,

    /// Write to this file (created readable by the owner only) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// JSON Lines, one person per line (the contract in DESIGN.md).
    Jsonl,
    /// vCard 4.0, one card per person.
    Vcard,
    /// CSV in Google Contacts' import layout.
    Csv,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_main_job_and_export() {
        let cli =
            Cli::try_parse_from(["netwerk-import", "--region", "BE", "a", "b"]).expect("parses");
        assert!(cli.command.is_none());
        assert_eq!(cli.import.paths.len(), 2);
        assert_eq!(cli.global.region, "BE");
        let cli = Cli::try_parse_from(["netwerk-import", "export", "--format", "vcard", "-q"])
            .expect("parses");
        assert!(matches!(cli.command, Some(Command::Export(_))));
        assert!(cli.global.quiet);
    }

    #[test]
    fn parses_who_and_note() {
        let cli =
            Cli::try_parse_from(["netwerk-import", "who", "vd", "Berg", "--json"]).expect("parses");
        match cli.command {
            Some(Command::Who(w)) => {
                assert_eq!(w.query, ["vd", "Berg"]);
                assert!(w.json);
            }
            other => panic!("{other:?}"),
        }
        let cli = Cli::try_parse_from([
            "netwerk-import",
            "who",
            "--no-purpose",
            "--since",
            "2026-06-01",
        ])
        .expect("parses");
        assert!(matches!(cli.command, Some(Command::Who(w)) if w.no_purpose));
        assert!(Cli::try_parse_from(["netwerk-import", "who"]).is_err());
        assert!(Cli::try_parse_from(["netwerk-import", "who", "x", "--no-purpose"]).is_err());
        let cli = Cli::try_parse_from([
            "netwerk-import",
            "note",
            "p-0892ccc5f5a1",
            "--offer",
            "training",
        ])
        .expect("parses");
        assert!(
            matches!(cli.command, Some(Command::Note(n)) if n.offer.as_deref() == Some("training"))
        );
        let cli = Cli::try_parse_from([
            "netwerk-import",
            "--dry-run",
            "--me",
            "ik@x.nl",
            "--me",
            "ik@y.nl",
            "--event",
            "Borrel",
            "a",
        ])
        .expect("parses");
        assert!(cli.import.dry_run);
        assert_eq!(cli.import.me.len(), 2);
    }

    #[test]
    fn parses_review_and_decisions() {
        let cli = Cli::try_parse_from(["netwerk-import", "review", "--json", "--limit", "3"])
            .expect("parses");
        assert!(matches!(cli.command, Some(Command::Review(r)) if r.json && r.limit == 3));
        let cli = Cli::try_parse_from(["netwerk-import", "merge", "p-1", "p-2", "--note", "x"])
            .expect("parses");
        assert!(
            matches!(cli.command, Some(Command::Merge(m)) if m.a == "p-1" && m.b == "p-2" && m.note.as_deref() == Some("x"))
        );
        let cli =
            Cli::try_parse_from(["netwerk-import", "separate", "p-1", "p-2"]).expect("parses");
        assert!(matches!(cli.command, Some(Command::Separate(_))));
        let cli = Cli::try_parse_from(["netwerk-import", "unmerge", "p-1"]).expect("parses");
        assert!(matches!(cli.command, Some(Command::Unmerge(u)) if u.person == "p-1"));
        assert!(Cli::try_parse_from(["netwerk-import", "merge", "p-1"]).is_err());
        assert!(Cli::try_parse_from(["netwerk-import", "unmerge"]).is_err());
    }

    #[test]
    fn parses_report() {
        let cli = Cli::try_parse_from(["netwerk-import", "report", "-o", "-"]).expect("parses");
        assert!(
            matches!(cli.command, Some(Command::Report(r)) if r.output.as_deref() == Some(std::path::Path::new("-")))
        );
        let cli = Cli::try_parse_from(["netwerk-import", "report"]).expect("parses");
        assert!(matches!(cli.command, Some(Command::Report(r)) if r.output.is_none()));
    }
}
