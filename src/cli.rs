//! Command-line flags, as clap parses them. The `///` comments are the `--help` text.
//! Validation and defaults that need the environment live in `config`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Gather a professional network — vCard, CSV and JSON exports (and later business-card scans
/// and calendars) — into one deduplicated contact index that remembers where every value came
/// from.
///
/// Without a subcommand, imports everything under the given paths, updates the index and prints
/// a summary. Exit status: 0 all inputs read; 1 finished, but some inputs or records were
/// rejected (each reported as `path:line: what`); 2 usage or fatal error.
#[derive(Debug, Parser)]
#[command(
    name = "netwerk-import",
    version,
    args_conflicts_with_subcommands = true
)]
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

    /// More diagnostics on stderr (-v: debug, -vv: trace; contact values only at debug).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Worker threads for the parallel stages (default: all cores). Output never depends on it.
    #[arg(short = 'j', long, global = true, value_name = "N")]
    pub threads: Option<usize>,
}

/// The main job: import.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files and folders to import (folders are read recursively).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Default country for phone numbers written without one (ISO 3166-1 alpha-2).
    #[arg(long, default_value = "NL", value_name = "CC")]
    pub region: String,

    /// OCR languages for business-card scans (tesseract codes joined with `+`).
    #[arg(long, default_value = "nld+eng", value_name = "LANGS")]
    pub lang: String,

    /// Map CSV columns to fields by header, overriding the recognised layout:
    /// `"Naam=full-name,Mail=email"`. Repeatable.
    #[arg(long, value_name = "HEADER=FIELD,…")]
    pub csv_map: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write every person in the index to stdout (or --output).
    Export(ExportArgs),
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
        assert_eq!(cli.import.region, "BE");
        let cli = Cli::try_parse_from(["netwerk-import", "export", "--format", "vcard", "-q"])
            .expect("parses");
        assert!(matches!(cli.command, Some(Command::Export(_))));
        assert!(cli.global.quiet);
    }
}
