//! Validated settings: raw flags from `cli` become a [`Config`] before anything runs.
//!
//! In: [`Cli`]. Out: a [`Config`] whose paths, region, thread count and CSV mapping are known
//! good, or an error that `main` reports with exit status 2.

use crate::cli::{Cli, Command, ExportFormat};
use crate::sources::table;
use anyhow::{bail, Context, Result};
use std::path::PathBuf;

/// What to do.
#[derive(Debug, Clone)]
pub enum Mode {
    Import(ImportConfig),
    Export {
        format: ExportFormat,
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone)]
pub struct ImportConfig {
    pub paths: Vec<PathBuf>,
    /// Upper-case ISO 3166-1 alpha-2.
    pub region: String,
    pub lang: String,
    pub csv_map: Vec<(String, String)>,
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
        let mode = match cli.command {
            Some(Command::Export(args)) => Mode::Export {
                format: args.format,
                output: args.output,
            },
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
                let region = import.region.trim().to_ascii_uppercase();
                if region.len() != 2 || !region.bytes().all(|b| b.is_ascii_uppercase()) {
                    bail!(
                        "--region {:?}: expected a two-letter country code such as NL",
                        import.region
                    );
                }
                if region.parse::<phonenumber::country::Id>().is_err() {
                    bail!("--region {region:?}: not a country the phone-number library knows");
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

/// `<data dir>/netwerk-import/index.db` (`~/.local/share/…` on Linux).
fn default_index() -> Result<PathBuf> {
    let Some(dir) = dirs::data_dir() else {
        bail!("no per-user data directory found: give --index FILE or set NETWERK_INDEX");
    };
    Ok(dir.join("netwerk-import").join("index.db"))
}
