//! The only place that knows the order of the stages.
//!
//! import: discover → read (per file, parallel) → normalise (per record, parallel) → store
//! (one transaction: records, identity, persons) → summary. export: store → merge → writer.
//! Every stage returns plain data and counts; this module gathers the counts into a
//! [`Summary`] that `main` prints once. Diagnostics are sorted before they are shown, so the
//! thread count and the order of the inputs never change a byte of output.

use crate::cli::ExportFormat;
use crate::config::ImportConfig;
use crate::diag::{Diagnostic, Severity};
use crate::discover::{self, FileKind, Found};
use crate::encounter::{self, Sidecar};
use crate::model::SourceKind;
use crate::normalize;
use crate::sources::{self, FileRead, ReadOptions};
use crate::store::{FileInput, Index, RecordInput, RunInput, RunOutcome};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// Counts for one kind of source.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct KindCounts {
    pub files: usize,
    pub records: usize,
    pub rejected: usize,
    /// Files whose content was already in the index (not read again).
    pub unchanged: usize,
}

/// What an import run did, for the terminal and the report.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    /// Keyed by the source kind's stable name (`vcard`, `csv:google`, …).
    pub kinds: BTreeMap<String, KindCounts>,
    pub files_found: usize,
    pub files_skipped: usize,
    pub diagnostics: Vec<Diagnostic>,
    pub changed: bool,
    pub persons_new: usize,
    pub persons_updated: usize,
    pub persons_total: usize,
}

impl Summary {
    /// Exit status 1 when any input or record was rejected (DESIGN.md).
    pub fn has_rejections(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity.is_rejection())
    }

    /// The summary table printed on stderr.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "{:<26} {:>7} {:>9} {:>9} {:>10}\n",
            "source", "files", "records", "rejected", "unchanged"
        ));
        for (kind, c) in &self.kinds {
            out.push_str(&format!(
                "{kind:<26} {:>7} {:>9} {:>9} {:>10}\n",
                c.files, c.records, c.rejected, c.unchanged
            ));
        }
        let warnings = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        out.push_str(&format!(
            "persons: {} new, {} updated, {} in the index\n",
            self.persons_new, self.persons_updated, self.persons_total
        ));
        out.push_str(&format!(
            "files: {} found, {} skipped; {} problems, {} warnings{}\n",
            self.files_found,
            self.files_skipped,
            self.diagnostics.len() - warnings,
            warnings,
            if self.changed {
                ""
            } else {
                "; nothing changed"
            }
        ));
        out
    }
}

/// What the parallel read stage gives for one file.
enum Read {
    /// The index already holds this exact content.
    Unchanged(Found),
    /// Read and normalised.
    Fresh {
        found: Found,
        hash: String,
        read: FileRead,
        records: Vec<RecordInput>,
        warnings: Vec<Diagnostic>,
    },
    /// Could not be read at all, or not a file we import (yet).
    Skipped(Vec<Diagnostic>),
}

fn bar(progress: bool, len: Option<u64>, message: &'static str) -> ProgressBar {
    if !progress {
        return ProgressBar::hidden();
    }
    let bar = match len {
        Some(len) => ProgressBar::new(len).with_style(
            ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        ),
        None => {
            let spinner = ProgressBar::new_spinner();
            spinner.enable_steady_tick(Duration::from_millis(100));
            spinner
        }
    };
    bar.set_message(message);
    bar
}

/// The main job: import everything under `cfg.paths` into the index at `index_path`.
pub fn import(
    cfg: &ImportConfig,
    index_path: &Path,
    progress: bool,
    command: &str,
) -> Result<Summary> {
    let spinner = bar(progress, None, "discovering");
    let found = discover::run(&cfg.paths);
    spinner.finish_and_clear();

    let mut index = Index::open(index_path)
        .with_context(|| format!("opening the index {}", index_path.display()))?;
    let mut known: HashMap<String, (String, SourceKind)> = HashMap::new();
    for file in &found.files {
        if let Some(found) = index.known_file(&file.display)? {
            known.insert(file.display.clone(), found);
        }
    }

    let (sidecars, sidecar_diags) = read_sidecars(&found.files);

    let read_opts = ReadOptions {
        csv_map: cfg.csv_map.clone(),
    };
    let norm_opts = normalize::Options {
        region: cfg.region.clone(),
    };
    let reading = bar(progress, Some(found.files.len() as u64), "reading");
    let results: Vec<Read> = found
        .files
        .par_iter()
        .map(|file| {
            let known_hash = known.get(&file.display).map(|(hash, _)| hash);
            let result = read_one(file, known_hash, &read_opts, &norm_opts);
            reading.inc(1);
            result
        })
        .collect();
    reading.finish_and_clear();

    let mut summary = Summary {
        files_found: found.files.len(),
        diagnostics: found.diagnostics,
        ..Summary::default()
    };
    summary.diagnostics.extend(sidecar_diags);
    let mut run = RunInput {
        started_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        command: command.to_string(),
        files: Vec::new(),
        unchanged: Vec::new(),
    };
    for result in results {
        match result {
            Read::Unchanged(found) => {
                let kind = known
                    .get(&found.display)
                    .map_or(found.kind.as_str(), |(_, kind)| kind.as_str())
                    .to_string();
                let counts = summary.kinds.entry(kind).or_default();
                counts.files += 1;
                counts.unchanged += 1;
                run.unchanged.push(found.display);
            }
            Read::Fresh {
                found,
                hash,
                read,
                records,
                warnings,
            } => {
                let counts = summary
                    .kinds
                    .entry(read.kind.as_str().to_string())
                    .or_default();
                counts.files += 1;
                counts.records += records.len();
                counts.rejected += read.rejected.len();
                summary.diagnostics.extend(read.diagnostics);
                summary.diagnostics.extend(warnings);
                let encounter = encounter::for_file(&found.display, read.kind, &sidecars);
                run.files.push(FileInput {
                    encounter,
                    path: found.display,
                    hash,
                    size: found.size,
                    kind: read.kind,
                    records,
                    rejected: read.rejected,
                });
            }
            Read::Skipped(diags) => {
                summary.files_skipped += 1;
                summary.diagnostics.extend(diags);
            }
        }
    }

    let writing = bar(progress, None, "writing");
    let outcome: RunOutcome = index
        .apply(run)
        .with_context(|| format!("updating the index {}", index_path.display()))?;
    writing.finish_and_clear();

    summary.changed = outcome.changed;
    summary.persons_new = outcome.persons_new;
    summary.persons_updated = outcome.persons_updated;
    summary.persons_total = outcome.persons_total;
    summary.diagnostics.sort();
    summary.diagnostics.dedup();
    Ok(summary)
}

/// Parse every `netwerk.toml` found, keyed by the display path of its folder.
fn read_sidecars(files: &[Found]) -> (BTreeMap<String, (String, Sidecar)>, Vec<Diagnostic>) {
    let mut sidecars = BTreeMap::new();
    let mut diagnostics = Vec::new();
    for file in files.iter().filter(|f| f.kind == FileKind::Sidecar) {
        let text = match std::fs::read(&file.path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(err) => {
                diagnostics.push(Diagnostic::file(
                    file.display.clone(),
                    format!("cannot read: {err}"),
                ));
                continue;
            }
        };
        match encounter::parse_sidecar(&file.display, &text) {
            Ok(sidecar) => {
                let folder = Path::new(&file.display)
                    .parent()
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default();
                sidecars.insert(folder, (file.display.clone(), sidecar));
            }
            Err(diag) => diagnostics.push(diag),
        }
    }
    (sidecars, diagnostics)
}

/// Read, sniff-dispatch and normalise one file. Never fails: problems become diagnostics.
fn read_one(
    file: &Found,
    known_hash: Option<&String>,
    read_opts: &ReadOptions,
    norm_opts: &normalize::Options,
) -> Read {
    let bytes = match std::fs::read(&file.path) {
        Ok(bytes) => bytes,
        Err(err) => {
            return Read::Skipped(vec![Diagnostic::file(
                file.display.clone(),
                format!("cannot read: {err}"),
            )])
        }
    };
    let hash = hex::encode(Sha256::digest(&bytes));
    if known_hash == Some(&hash) {
        return Read::Unchanged(file.clone());
    }
    let path = file.display.as_str();
    let read = match file.kind {
        FileKind::Vcard => sources::vcard::read(path, &bytes),
        FileKind::Csv => sources::table::read(path, &bytes, read_opts),
        FileKind::Json => sources::json::read(path, &bytes),
        FileKind::Image => {
            return Read::Skipped(vec![Diagnostic::file(
                path,
                "business-card scans are not read yet (image skipped)",
            )])
        }
        FileKind::Calendar => {
            return Read::Skipped(vec![Diagnostic::warning(
                path,
                None,
                "calendar files give encounters, which are not read yet; skipped",
            )])
        }
        // Sidecars describe encounters for the files beside them; read by the encounter stage.
        FileKind::Sidecar => return Read::Skipped(Vec::new()),
    };
    let (records, warnings): (Vec<RecordInput>, Vec<Vec<Diagnostic>>) = read
        .contacts
        .par_iter()
        .map(|raw| {
            let (contact, warnings) = normalize::contact(raw, norm_opts);
            (
                RecordInput {
                    raw: raw.clone(),
                    contact,
                },
                warnings,
            )
        })
        .unzip();
    let mut read = read;
    read.contacts.clear();
    Read::Fresh {
        found: file.clone(),
        hash,
        read,
        records,
        warnings: warnings.into_iter().flatten().collect(),
    }
}

/// Write every person in the index to `out` in `format`.
pub fn export(index_path: &Path, format: ExportFormat, out: &mut dyn Write) -> Result<()> {
    if !index_path.exists() {
        anyhow::bail!(
            "{}: no index yet; import something first (`netwerk-import PATH`)",
            index_path.display()
        );
    }
    let index = Index::open(index_path)
        .with_context(|| format!("opening the index {}", index_path.display()))?;
    let persons = index.persons()?;
    let format = match format {
        ExportFormat::Jsonl => crate::export::Format::Jsonl,
        ExportFormat::Vcard => crate::export::Format::Vcard,
        ExportFormat::Csv => crate::export::Format::Csv,
    };
    let mut buffered = std::io::BufWriter::new(out);
    crate::export::write(format, &persons, &mut buffered)?;
    buffered.flush()?;
    Ok(())
}
