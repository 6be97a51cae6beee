//! The only place that knows the order of the stages.
//!
//! import: lock the index → discover → read (per file, parallel) → normalise (per record,
//! parallel) → encounters (sidecars, folders, flags, calendars) → store (one transaction:
//! records, identity, persons, calendar links; rolled back for `--dry-run`) → report (HTML
//! beside the index, when the run changed it) → summary. report: store → report (HTML).
//! export: store → merge → writer → annotations (purpose, history). who: store → search →
//! cards. note: lock → search → store. Every stage returns plain data and counts; this module
//! gathers the counts into a [`Summary`] that `main` prints once. Diagnostics are sorted
//! before they are shown, so the thread count and the order of the inputs never change a byte
//! of output.

use crate::cli::ExportFormat;
use crate::config::{ImportConfig, NoteConfig, WhoConfig};
use crate::diag::{Diagnostic, Severity};
use crate::discover::{self, FileKind, Found};
use crate::encounter::{self, Sidecar};
use crate::model::SourceKind;
use crate::normalize;
use crate::query::{annotate, card::Card, search};
use crate::sources::{self, FileRead, ReadOptions};
use crate::store::{
    Changes, EncodedRecord, EncounterInput, EventInput, FileInput, Index, IndexLock, RecordInput,
    RunInput, RunOutcome,
};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Counts for one kind of source.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct KindCounts {
    pub files: usize,
    pub records: usize,
    pub rejected: usize,
    /// Persons created by this run that hold a record of this kind.
    pub persons_new: usize,
    /// Persons whose records changed in this run that hold a record of this kind.
    pub persons_updated: usize,
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
    pub persons_retired: usize,
    pub persons_total: usize,
    /// Files under the inputs that were imported before and are gone now (kept, marked).
    pub files_deleted: usize,
    /// The matching engine's automatic merges in the index, those this run made, and the
    /// pairs waiting for the user's review.
    pub merges: usize,
    pub merges_new: usize,
    pub uncertain: usize,
    /// Nothing was written: the counts and changes are what the run would have done.
    pub dry_run: bool,
    /// What the run changed, by name.
    #[serde(skip)]
    pub changes: Changes,
    /// The report's terminal summary, when the run changed the index and wrote the report.
    #[serde(skip)]
    pub report: Option<String>,
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
            "{:<26} {:>7} {:>9} {:>9} {:>10} {:>12} {:>16}\n",
            "source", "files", "records", "rejected", "unchanged", "persons new", "persons updated"
        ));
        for (kind, c) in &self.kinds {
            out.push_str(&format!(
                "{kind:<26} {:>7} {:>9} {:>9} {:>10} {:>12} {:>16}\n",
                c.files, c.records, c.rejected, c.unchanged, c.persons_new, c.persons_updated
            ));
        }
        let warnings = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        out.push_str(&format!(
            "persons: {} new, {} updated, {} retired, {} in the index\n",
            self.persons_new, self.persons_updated, self.persons_retired, self.persons_total
        ));
        if self.changed {
            out.push_str(&format!(
                "dedup: {} automatic merges, {} new this run; ",
                self.merges, self.merges_new
            ));
        } else {
            out.push_str("dedup: ");
        }
        out.push_str(&match self.uncertain {
            0 => "no pairs waiting for review\n".to_string(),
            1 => "1 pair waiting for review: netwerk-import review\n".to_string(),
            n => format!("{n} pairs waiting for review: netwerk-import review\n"),
        });
        out.push_str(&format!(
            "files: {} found, {} skipped, {} gone; {} problems, {} warnings{}{}\n",
            self.files_found,
            self.files_skipped,
            self.files_deleted,
            self.diagnostics.len() - warnings,
            warnings,
            if self.changed {
                ""
            } else {
                "; nothing changed"
            },
            if self.dry_run {
                "; dry run, nothing written"
            } else {
                ""
            }
        ));
        out
    }

    /// What the run changed (or, dry, would change), one line per file and person.
    pub fn render_changes(&self) -> String {
        self.changes_text(true)
    }

    /// The same without persons' names (ids only): what `-v` shows on stderr, which nightly
    /// logs keep; names are contact values (HARDENING.md, privacy).
    pub fn render_changes_by_id(&self) -> String {
        self.changes_text(false)
    }

    fn changes_text(&self, names: bool) -> String {
        let c = &self.changes;
        let mut out = String::new();
        out.push_str(if self.dry_run {
            "dry run: nothing was written; this run would\n"
        } else {
            "this run\n"
        });
        let mut line = |what: &str, item: &str| {
            out.push_str(&format!("  {what:<16} {item}\n"));
        };
        for f in &c.files_new {
            line("add file", f);
        }
        for f in &c.files_changed {
            line("update file", f);
        }
        for f in &c.files_deleted {
            line("mark file gone", f);
        }
        for f in &c.files_restored {
            line("file back", f);
        }
        for (what, list) in [
            ("new person", &c.persons_new),
            ("update person", &c.persons_updated),
            ("retire person", &c.persons_retired),
        ] {
            for p in list {
                let item = match (names, p.name.as_deref()) {
                    (false, _) => p.id.clone(),
                    (true, name) => format!("{} {}", p.id, name.unwrap_or("(no name)")),
                };
                line(what, &item);
            }
        }
        if c.encounters_added > 0 {
            line("add encounters", &c.encounters_added.to_string());
        }
        if !self.changed {
            out.push_str("  (nothing)\n");
        }
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
        /// Encoded for the index in the reading worker, which holds a third of the memory of
        /// the records themselves until the index is written.
        records: Vec<EncodedRecord>,
        /// Where and when the file's people were met (boxed: most files have none).
        encounter: Option<Box<EncounterInput>>,
        /// Calendar events (`.ics` files only).
        events: Vec<EventInput>,
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
    // The whole run holds the index: reading takes long, and two runs must not interleave.
    let _lock = IndexLock::acquire(index_path, cfg.wait)?;
    let mut laps = crate::lap::Laps::start("import");
    let spinner = bar(progress, None, "discovering");
    let found = discover::run(&cfg.paths);
    spinner.finish_and_clear();
    laps.lap("discovering");

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
    let scan_opts = sources::scan::ScanOptions {
        lang: cfg.lang.clone(),
        region: cfg.region.clone(),
    };
    let encounter_of = |path: &str, kind: SourceKind| {
        encounter::for_file(path, kind, &sidecars).or_else(|| {
            encounter::from_flags(
                cfg.event.as_deref(),
                cfg.date.as_deref(),
                cfg.place.as_deref(),
                kind,
            )
        })
    };
    let reading = bar(progress, Some(found.files.len() as u64), "reading");
    let results: Vec<Read> = found
        .files
        .par_iter()
        .map(|file| {
            let known_hash = known.get(&file.display).map(|(hash, _)| hash);
            let result = read_one(
                file,
                known_hash,
                &read_opts,
                &norm_opts,
                &scan_opts,
                &cfg.me,
                &encounter_of,
            );
            reading.inc(1);
            result
        })
        .collect();
    reading.finish_and_clear();
    laps.lap("reading and normalising");

    // Paths found, or found but unreadable: never marked deleted.
    let mut present: Vec<String> = found.files.iter().map(|f| f.display.clone()).collect();
    present.extend(
        found
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::FileRejected)
            .map(|d| d.path.clone()),
    );
    let mut summary = Summary {
        files_found: found.files.len(),
        diagnostics: found.diagnostics,
        dry_run: cfg.dry_run,
        ..Summary::default()
    };
    summary.diagnostics.extend(sidecar_diags);
    let mut run = RunInput {
        started_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        command: command.to_string(),
        files: Vec::new(),
        unchanged: Vec::new(),
        roots: cfg
            .paths
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect(),
        present,
        dry_run: cfg.dry_run,
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
                encounter,
                events,
                warnings,
            } => {
                let counts = summary
                    .kinds
                    .entry(read.kind.as_str().to_string())
                    .or_default();
                counts.files += 1;
                // For calendars, the events that gave an encounter.
                counts.records += records.len() + events.len();
                counts.rejected += read.rejected.len();
                summary.diagnostics.extend(read.diagnostics);
                summary.diagnostics.extend(warnings);
                run.files.push(FileInput {
                    encounter: encounter.map(|e| *e),
                    path: found.display,
                    hash,
                    size: found.size,
                    kind: read.kind,
                    records: Vec::new(),
                    encoded: records,
                    rejected: read.rejected,
                    events,
                });
            }
            // Sidecars are read before the others and come back without diagnostics.
            Read::Skipped(diags) if diags.is_empty() => {}
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
    laps.lap("updating the index");

    if let Some(run_id) = outcome.run_id {
        for (kind, new, updated) in index.persons_by_kind(run_id)? {
            let counts = summary.kinds.entry(kind.as_str().to_string()).or_default();
            counts.persons_new = new;
            counts.persons_updated = updated;
        }
    }
    summary.changed = outcome.changed;
    summary.persons_new = outcome.persons_new;
    summary.persons_updated = outcome.persons_updated;
    summary.persons_retired = outcome.persons_retired;
    summary.persons_total = outcome.persons_total;
    summary.files_deleted = outcome.files_deleted;
    summary.merges = outcome.merges;
    summary.merges_new = outcome.merges_new;
    summary.uncertain = outcome.uncertain;
    summary.changes = outcome.changes;
    if outcome.changed && !cfg.dry_run {
        let (data, path) = write_default_report(&index, index_path)?;
        let shown = path.display().to_string();
        summary.report = Some(crate::report::render_terminal(&data, Some(&shown)));
        laps.lap("writing the report");
    }
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
    scan_opts: &sources::scan::ScanOptions,
    me: &[String],
    encounter_of: &(dyn Fn(&str, SourceKind) -> Option<EncounterInput> + Sync),
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
    if !matches!(file.kind, FileKind::Image | FileKind::Sidecar) {
        if let Some((line, len)) = sources::long_line(&bytes, sources::MAX_LINE_BYTES) {
            let limit = sources::MAX_LINE_BYTES;
            return Read::Skipped(vec![Diagnostic::file(
                file.display.clone(),
                format!("line is {len} bytes long, above the limit of {limit}; file skipped"),
            )
            .at(Some(line))]);
        }
    }
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
            let mut read = sources::scan::read(path, &bytes, scan_opts);
            // The photo's own date says when the card was received; the encounter stage uses
            // it where no sidecar or folder name says more.
            if let Some(date) = sources::scan::photo_date(&bytes) {
                for contact in &mut read.contacts {
                    contact.connected_on.get_or_insert_with(|| date.clone());
                }
            }
            // And its GPS position says where (the encounter's place, where nothing says more).
            if let Some(position) = sources::scan::photo_position(&bytes) {
                for contact in &mut read.contacts {
                    contact
                        .extra
                        .push((encounter::EXIF_GPS.to_string(), position.clone()));
                }
            }
            read
        }
        FileKind::Calendar => {
            let mut calendar = sources::ics::read(path, &bytes);
            let mut me = me.to_vec();
            if me.is_empty() {
                if let Some(owner) = encounter::calendar_owner(&calendar.events) {
                    calendar.diagnostics.push(Diagnostic::warning(
                        path,
                        None,
                        format!(
                            "taking {owner} (in every event) as your own address; \
                             say so with --me to silence this"
                        ),
                    ));
                    me.push(owner);
                }
            }
            let me = me.as_slice();
            // Events with nobody but the user (a dentist's appointment) say nothing.
            let events: Vec<EventInput> = calendar
                .events
                .iter()
                .map(|e| encounter::for_event(path, e, me))
                .filter(|e| !e.attendees.is_empty())
                .collect();
            let mut read = FileRead::new(SourceKind::Ics);
            read.diagnostics = calendar.diagnostics;
            return Read::Fresh {
                found: file.clone(),
                hash,
                read,
                records: Vec::new(),
                encounter: encounter_of(path, SourceKind::Ics).map(Box::new),
                events,
                warnings: Vec::new(),
            };
        }
        // Sidecars describe encounters for the files beside them; read by the encounter stage.
        FileKind::Sidecar => return Read::Skipped(Vec::new()),
    };
    // Strongest first: a sidecar or dated folder, else the run's own flags.
    let encounter = encounter_of(path, read.kind);
    // The raw contacts move into the records (no copy, and no emptied list left behind).
    let mut read = read;
    let (records, warnings): (Vec<EncodedRecord>, Vec<Vec<Diagnostic>>) =
        std::mem::take(&mut read.contacts)
            .into_par_iter()
            .map(|raw| {
                let (contact, warnings) = normalize::contact(&raw, norm_opts);
                let record = RecordInput { raw, contact }.encode(path, encounter.as_ref());
                (record, warnings)
            })
            .unzip();
    Read::Fresh {
        found: file.clone(),
        hash,
        read,
        records,
        encounter: encounter.map(Box::new),
        events: Vec::new(),
        warnings: warnings.into_iter().flatten().collect(),
    }
}

/// Open an existing index for reading; a missing one is a fatal error with a hint.
pub(crate) fn open_existing(index_path: &Path) -> Result<Index> {
    if !index_path.exists() {
        anyhow::bail!(
            "{}: no index yet; import something first (`netwerk-import PATH`)",
            index_path.display()
        );
    }
    Index::open(index_path).with_context(|| format!("opening the index {}", index_path.display()))
}

/// Write every person in the index to `out` in `format`, with what the merged view alone
/// does not carry: purposes, values of older source versions, encounter notes, import runs
/// (see [`annotate`]).
pub fn export(index_path: &Path, format: ExportFormat, out: &mut dyn Write) -> Result<()> {
    let index = open_existing(index_path)?;
    let persons = index.persons()?;
    let ids: Vec<String> = persons.iter().map(|p| p.id.clone()).collect();
    let details = index.details(&ids)?;
    // details() keeps the order of ids and every current person has one.
    anyhow::ensure!(
        details.len() == persons.len(),
        "{}: the index changed while it was read; try again",
        index_path.display()
    );
    let mut buffered = std::io::BufWriter::new(out);
    match format {
        ExportFormat::Jsonl => {
            for (person, detail) in persons.iter().zip(&details) {
                // Serialised first, so that a closed pipe surfaces as an io::Error (quiet exit).
                let line = serde_json::to_string(&annotate::jsonl(person, detail)?)?;
                let mut line = crate::export::jsonl::escape_line_breaks(&line).into_owned();
                line.push('\n');
                buffered.write_all(line.as_bytes())?;
            }
        }
        ExportFormat::Vcard => {
            for (person, detail) in persons.iter().zip(&details) {
                buffered.write_all(annotate::vcard(person, detail)?.as_bytes())?;
            }
        }
        ExportFormat::Csv => {
            let mut plain = Vec::new();
            crate::export::write(crate::export::Format::Csv, &persons, &mut plain)?;
            let purposes: Vec<_> = details.iter().map(|d| d.purpose.as_ref()).collect();
            if purposes.iter().any(Option::is_some) {
                annotate::csv_notes(&plain, &purposes, &mut buffered)?;
            } else {
                buffered.write_all(&plain)?;
            }
        }
    }
    buffered.flush()?;
    Ok(())
}

/// Write the HTML report to `path`, owner-only (it names people and their details).
fn write_report(data: &crate::report::ReportData, path: &Path) -> Result<()> {
    let html = crate::report::render_html(data);
    let mut file = crate::private::create(path)?;
    file.write_all(html.as_bytes())
        .and_then(|()| file.flush())
        .with_context(|| format!("writing the report {}", path.display()))
}

/// Write the report again at its default place beside the index, after a command that changed
/// what it shows (a decision, a purpose). Returns where it went.
pub fn refresh_report(index_path: &Path) -> Result<PathBuf> {
    let index = open_existing(index_path)?;
    Ok(write_default_report(&index, index_path)?.1)
}

/// Load the report from the (just updated) index and write it beside the index.
fn write_default_report(
    index: &Index,
    index_path: &Path,
) -> Result<(crate::report::ReportData, PathBuf)> {
    let data = crate::report::load(index, &crate::report::Options::default())
        .context("reading the index for the report (the index itself was updated)")?;
    let path = crate::report::default_path(index_path);
    write_report(&data, &path)
        .context("the index was updated, but its report could not be written")?;
    Ok((data, path))
}

/// `report`: write the deduplication report to `output` (owner-only), or to `stdout` when
/// `None`. Returns the terminal summary.
pub fn report(index_path: &Path, output: Option<&Path>, stdout: &mut dyn Write) -> Result<String> {
    let index = open_existing(index_path)?;
    let data = crate::report::load(&index, &crate::report::Options::default())?;
    match output {
        Some(path) => {
            write_report(&data, path)?;
            let shown = path.display().to_string();
            Ok(crate::report::render_terminal(&data, Some(&shown)))
        }
        None => {
            stdout.write_all(crate::report::render_html(&data).as_bytes())?;
            stdout.flush()?;
            Ok(crate::report::render_terminal(&data, None))
        }
    }
}

/// Cards for the persons found by `query`, best first.
pub fn who_cards(index: &Index, query: &str, region: &str, limit: usize) -> Result<Vec<Card>> {
    let opts = search::Options {
        region: region.to_string(),
        limit,
    };
    let hits = search::search(index, query, &opts)?;
    let ids: Vec<String> = hits.iter().map(|h| h.id.clone()).collect();
    let persons = index.persons_by_id(&ids)?;
    let details = index.details(&ids)?;
    let mut cards = Vec::with_capacity(hits.len());
    for hit in &hits {
        let person = persons.iter().find(|p| p.id == hit.id);
        if let Some(detail) = details.iter().find(|d| d.id == hit.id) {
            cards.push(Card::build(person, detail, Some(hit)));
        }
    }
    Ok(cards)
}

/// `who`: print the cards (or the people without a purpose) to `out`. Returns whether
/// anything was found.
pub fn who(index_path: &Path, cfg: &WhoConfig, out: &mut dyn Write) -> Result<bool> {
    let index = open_existing(index_path)?;
    let mut out = std::io::BufWriter::new(out);
    if cfg.no_purpose {
        let list = index.without_purpose(&cfg.since)?;
        if cfg.json {
            let doc = serde_json::json!({ "since": cfg.since, "without_purpose": list });
            let mut text = serde_json::to_vec(&doc)?;
            text.push(b'\n');
            out.write_all(&text)?;
        } else {
            out.write_all(crate::query::card::render_no_purpose(&list, &cfg.since).as_bytes())?;
        }
        out.flush()?;
        return Ok(!list.is_empty());
    }
    if let Some(met) = &cfg.met {
        let list = crate::query::met::gatherings(&index.met_rows()?, met);
        if cfg.json {
            let doc = serde_json::json!({ "met": met, "encounters": list });
            let mut text = serde_json::to_vec(&doc)?;
            text.push(b'\n');
            out.write_all(&text)?;
        } else {
            out.write_all(crate::query::met::render(&list, met).as_bytes())?;
        }
        out.flush()?;
        return Ok(!list.is_empty());
    }
    let cards = who_cards(&index, &cfg.query, &cfg.region, cfg.limit)?;
    if cfg.json {
        let doc = serde_json::json!({ "query": cfg.query, "matches": cards });
        let mut text = serde_json::to_vec(&doc)?;
        text.push(b'\n');
        out.write_all(&text)?;
    } else {
        for (i, card) in cards.iter().enumerate() {
            if i > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(card.render().as_bytes())?;
        }
    }
    out.flush()?;
    Ok(!cards.is_empty())
}

/// What `note` did.
#[derive(Debug)]
pub enum NoteOutcome {
    /// The purpose was stored for this person (its card after the change).
    Saved(Box<Card>),
    /// The query matched nobody.
    NotFound,
    /// The query matched several persons: their cards, best first.
    Ambiguous(Vec<Card>),
}

/// Who a query given for one person (`note`, `merge`, …) names.
pub(crate) enum Lookup {
    One(String),
    NotFound,
    /// Several persons: their cards, best first.
    Ambiguous(Vec<Card>),
}

/// The person a `who` query names, if it names exactly one.
pub(crate) fn lookup_person(index: &Index, query: &str, region: &str) -> Result<Lookup> {
    let mut cards = who_cards(index, query, region, 20)?;
    Ok(match cards.len() {
        0 => Lookup::NotFound,
        1 => Lookup::One(cards.remove(0).id),
        _ => Lookup::Ambiguous(cards),
    })
}

/// `note`: find the one person meant and store the purpose.
pub fn note(index_path: &Path, cfg: &NoteConfig) -> Result<NoteOutcome> {
    let _lock = IndexLock::acquire(index_path, cfg.wait)?;
    let mut index = open_existing(index_path)?;
    let id = if search::is_person_id(&cfg.person) && index.person_exists(&cfg.person)? {
        cfg.person.clone()
    } else {
        match lookup_person(&index, &cfg.person, &cfg.region)? {
            Lookup::One(id) => id,
            Lookup::NotFound => return Ok(NoteOutcome::NotFound),
            Lookup::Ambiguous(cards) => return Ok(NoteOutcome::Ambiguous(cards)),
        }
    };
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    index.set_purpose(&id, cfg.offer.as_deref(), cfg.ask.as_deref(), &now)?;
    let ids = vec![id.clone()];
    let persons = index.persons_by_id(&ids)?;
    let detail = index
        .details(&ids)?
        .pop()
        .with_context(|| format!("{id}: the person vanished while its purpose was written"))?;
    Ok(NoteOutcome::Saved(Box::new(Card::build(
        persons.first(),
        &detail,
        None,
    ))))
}
