//! Validated settings: raw flags from `cli` become a [`Config`] before anything runs.
//!
//! In: [`Cli`]. Out: a [`Config`] whose paths, region, dates, thread count and CSV mapping
//! are known good, or an error that `main` reports with exit status 2.

use crate::cli::{Cli, Command, ExportFormat};
use crate::encounter;
use crate::sources::table;
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// What to do.
#[derive(Debug, Clone)]
pub enum Mode {
    Import(ImportConfig),
    Export {
        format: ExportFormat,
        output: Option<PathBuf>,
    },
    Who(WhoConfig),
    Note(NoteConfig),
    Review(ReviewConfig),
    Decide(DecideConfig),
    /// Write the deduplication report: to this file, or to stdout (`None`, `-o -`).
    Report {
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone)]
pub struct ReviewConfig {
    pub json: bool,
    /// At least 1.
    pub limit: usize,
}

/// Which decision `merge`, `separate` or `unmerge` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionKind {
    Merge,
    Separate,
    Unmerge,
}

#[derive(Debug, Clone)]
pub struct DecideConfig {
    pub kind: DecisionKind,
    /// Ids or queries, trimmed and not empty: two for merge and separate, one for unmerge.
    pub persons: Vec<String>,
    /// Trimmed, `None` when empty.
    pub note: Option<String>,
    pub region: String,
    pub wait: Duration,
}

#[derive(Debug, Clone)]
pub struct ImportConfig {
    pub paths: Vec<PathBuf>,
    /// Upper-case ISO 3166-1 alpha-2.
    pub region: String,
    pub lang: String,
    pub csv_map: Vec<(String, String)>,
    /// Compute and show the changes, write nothing.
    pub dry_run: bool,
    /// `--event`, `--date` (checked `YYYY-MM-DD`), `--place`, trimmed, `None` when empty.
    pub event: Option<String>,
    pub date: Option<String>,
    pub place: Option<String>,
    /// The user's own e-mail addresses, lower-case.
    pub me: Vec<String>,
    /// How long to wait for another run's lock on the index.
    pub wait: Duration,
}

#[derive(Debug, Clone)]
pub struct WhoConfig {
    /// The query words joined by one space; empty with `no_purpose`.
    pub query: String,
    pub json: bool,
    /// At least 1.
    pub limit: usize,
    /// List people met since `since` without a purpose instead of searching.
    pub no_purpose: bool,
    /// List the people met at events or places matching this text instead of searching.
    pub met: Option<String>,
    /// `YYYY-MM-DD`: `--since`, else six months (182 days) before today.
    pub since: String,
    pub region: String,
}

#[derive(Debug, Clone)]
pub struct NoteConfig {
    /// An id or a query.
    pub person: String,
    /// `None`: leave as it is; `Some("")`: clear.
    pub offer: Option<String>,
    pub ask: Option<String>,
    pub region: String,
    pub wait: Duration,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub mode: Mode,
    pub index: PathBuf,
    pub quiet: bool,
    pub verbose: u8,
    /// At least 1.
    pub threads: usize,
    /// Progress bars: only on a terminal and without `--quiet`.
    pub progress: bool,
}

impl Config {
    pub fn from_cli(cli: Cli) -> Result<Config> {
        let index = match cli.global.index {
            Some(path) => path,
            None => default_index()?,
        };
        let threads = match cli.global.threads {
            Some(0) => bail!("--threads must be at least 1"),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        let region = check_region(&cli.global.region)?;
        let wait = Duration::from_secs(cli.global.wait);
        let mode = match cli.command {
            Some(Command::Export(args)) => Mode::Export {
                format: args.format,
                output: args.output,
            },
            Some(Command::Who(args)) => {
                if args.limit == 0 {
                    bail!("--limit must be at least 1");
                }
                let since = match args.since {
                    Some(since) => {
                        encounter::check_date(&since)
                            .map_err(anyhow::Error::msg)
                            .context("--since")?;
                        since.trim().to_string()
                    }
                    None => months_ago(SystemTime::now()),
                };
                if args.met.as_deref().is_some_and(|m| m.trim().is_empty()) {
                    bail!("--met: give (part of) an event's name or a place");
                }
                Mode::Who(WhoConfig {
                    query: args.query.join(" ").trim().to_string(),
                    json: args.json,
                    limit: args.limit,
                    no_purpose: args.no_purpose,
                    met: args
                        .met
                        .map(|m| m.trim().to_string())
                        .filter(|m| !m.is_empty()),
                    since,
                    region,
                })
            }
            Some(Command::Report(args)) => Mode::Report {
                output: match args.output {
                    Some(path) if path.as_os_str() == "-" => None,
                    Some(path) => Some(path),
                    None => Some(crate::report::default_path(&index)),
                },
            },
            Some(Command::Note(args)) => {
                if args.offer.is_none() && args.ask.is_none() {
                    bail!("note: give --offer TEXT, --ask TEXT or both");
                }
                let person = args.person.join(" ").trim().to_string();
                if person.is_empty() {
                    bail!("note: which person? give an id (p-…) or a name");
                }
                Mode::Note(NoteConfig {
                    person,
                    offer: args.offer,
                    ask: args.ask,
                    region,
                    wait,
                })
            }
            Some(Command::Review(args)) => {
                if args.limit == 0 {
                    bail!("--limit must be at least 1");
                }
                Mode::Review(ReviewConfig {
                    json: args.json,
                    limit: args.limit,
                })
            }
            Some(Command::Merge(args)) => decide_config(
                DecisionKind::Merge,
                vec![args.a, args.b],
                args.note,
                region,
                wait,
            )?,
            Some(Command::Separate(args)) => decide_config(
                DecisionKind::Separate,
                vec![args.a, args.b],
                args.note,
                region,
                wait,
            )?,
            Some(Command::Unmerge(args)) => decide_config(
                DecisionKind::Unmerge,
                vec![args.person],
                args.note,
                region,
                wait,
            )?,
            None => {
                let import = cli.import;
                if import.paths.is_empty() {
                    bail!("no input paths given (try `netwerk-import --help`)");
                }
                for path in &import.paths {
                    if std::fs::symlink_metadata(path).is_err() {
                        bail!("{}: no such file or folder", path.display());
                    }
                }
                let date = match import.date.as_deref().map(str::trim) {
                    Some(d) if !d.is_empty() => {
                        encounter::check_date(d)
                            .map_err(anyhow::Error::msg)
                            .context("--date")?;
                        Some(d.to_string())
                    }
                    _ => None,
                };
                let clean =
                    |v: Option<String>| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
                let mut me = Vec::new();
                for m in &import.me {
                    let m = m.trim().to_lowercase();
                    if !m.contains('@') {
                        bail!("--me {m:?}: expected an e-mail address");
                    }
                    me.push(m);
                }
                let mut csv_map = Vec::new();
                for arg in &import.csv_map {
                    csv_map.extend(
                        table::parse_csv_map(arg)
                            .map_err(anyhow::Error::msg)
                            .with_context(|| format!("--csv-map {arg:?}"))?,
                    );
                }
                Mode::Import(ImportConfig {
                    paths: import.paths,
                    region,
                    lang: import.lang,
                    csv_map,
                    dry_run: import.dry_run,
                    event: clean(import.event),
                    date,
                    place: clean(import.place),
                    me,
                    wait,
                })
            }
        };
        let quiet = cli.global.quiet;
        let progress = !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
        Ok(Config {
            mode,
            index,
            quiet,
            verbose: cli.global.verbose,
            threads,
            progress,
        })
    }
}

/// An upper-case two-letter country the phone-number library knows.
fn check_region(raw: &str) -> Result<String> {
    let region = raw.trim().to_ascii_uppercase();
    if region.len() != 2 || !region.bytes().all(|b| b.is_ascii_uppercase()) {
        bail!("--region {raw:?}: expected a two-letter country code such as NL");
    }
    if region.parse::<phonenumber::country::Id>().is_err() {
        bail!("--region {region:?}: not a country the phone-number library knows");
    }
    Ok(region)
}

/// The date 182 days before `now`, `YYYY-MM-DD` (UTC): "the last six months".
fn months_ago(now: SystemTime) -> String {
    let then = now
        .checked_sub(Duration::from_secs(182 * 24 * 3600))
        .unwrap_or(SystemTime::UNIX_EPOCH);
    humantime::format_rfc3339_seconds(then)
        .to_string()
        .chars()
        .take(10)
        .collect()
}

/// `<data dir>/netwerk-import/index.db` (`~/.local/share/…` on Linux).
fn default_index() -> Result<PathBuf> {
    let Some(dir) = dirs::data_dir() else {
        bail!("no per-user data directory found: give --index FILE or set NETWERK_INDEX");
    };
    Ok(dir.join("netwerk-import").join("index.db"))
}

/// `merge`, `separate`, `unmerge`: the persons named must not be empty.
fn decide_config(
    kind: DecisionKind,
    persons: Vec<String>,
    note: Option<String>,
    region: String,
    wait: Duration,
) -> Result<Mode> {
    let persons: Vec<String> = persons.iter().map(|p| p.trim().to_string()).collect();
    if persons.iter().any(String::is_empty) {
        bail!("which person? give an id (p-…) or a name");
    }
    Ok(Mode::Decide(DecideConfig {
        kind,
        persons,
        note: note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
        region,
        wait,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_months_ago() {
        // 2026-12-01T00:00:00Z
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_083_200);
        assert_eq!(months_ago(now), "2026-06-02");
    }
}
