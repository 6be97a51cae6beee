//! The binary: parse flags → validated `Config` → `pipeline` → exit code. Nothing else.

use clap::Parser;
use netwerk_import::cli::Cli;
use netwerk_import::config::{Config, Mode};
use netwerk_import::pipeline::{self, NoteOutcome};
use std::io::Write;
use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: reading, encoding and loading a million records back
/// allocate and free many small values on every worker thread, and glibc spent 40 % of the
/// loading time in malloc, free and consolidating its heaps (BENCH-DEDUP.md, section 10).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit statuses (DESIGN.md).
const OK: u8 = 0;
const REJECTED: u8 = 1;
const FATAL: u8 = 2;

fn main() -> ExitCode {
    ensure_single_threaded_openmp();
    let cli = Cli::parse();
    init_tracing(cli.global.verbose);
    let command = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let cfg = match Config::from_cli(cli) {
        Ok(cfg) => cfg,
        Err(err) => {
            eprintln!("netwerk-import: {err:#}");
            return ExitCode::from(FATAL);
        }
    };
    match run(&cfg, &command) {
        Ok(code) => ExitCode::from(code),
        Err(err) if is_broken_pipe(&err) => ExitCode::from(OK),
        Err(err) => {
            eprintln!("netwerk-import: {err:#}");
            ExitCode::from(FATAL)
        }
    }
}

fn run(cfg: &Config, command: &str) -> anyhow::Result<u8> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads)
        .build()?;
    pool.install(|| match &cfg.mode {
        Mode::Import(import) => {
            let summary = pipeline::import(import, &cfg.index, cfg.progress, command)?;
            let mut err = std::io::stderr().lock();
            for diag in &summary.diagnostics {
                writeln!(err, "{diag}")?;
            }
            if !cfg.quiet {
                write!(err, "{}", summary.render())?;
                if let Some(report) = &summary.report {
                    write!(err, "{report}")?;
                }
            }
            if import.dry_run {
                // What the user asked for: stdout.
                write!(std::io::stdout().lock(), "{}", summary.render_changes())?;
            } else if cfg.verbose > 1 {
                write!(err, "{}", summary.render_changes())?;
            } else if cfg.verbose > 0 {
                write!(err, "{}", summary.render_changes_by_id())?;
            }
            Ok(if summary.has_rejections() {
                REJECTED
            } else {
                OK
            })
        }
        Mode::Export { format, output } => {
            match output {
                Some(path) => {
                    let mut file = netwerk_import::private::create(path)?;
                    pipeline::export(&cfg.index, *format, &mut file)?;
                }
                None => pipeline::export(&cfg.index, *format, &mut std::io::stdout().lock())?,
            }
            Ok(OK)
        }
        Mode::Report { output } => {
            let text = pipeline::report(&cfg.index, output.as_deref(), &mut std::io::stdout())?;
            if !cfg.quiet {
                write!(std::io::stderr().lock(), "{text}")?;
            }
            Ok(OK)
        }
        Mode::Who(who) => {
            let found = pipeline::who(&cfg.index, who, &mut std::io::stdout().lock())?;
            if !found && !cfg.quiet && !who.json {
                eprintln!("netwerk-import: nobody matches {:?}", who.query);
            }
            Ok(if found { OK } else { REJECTED })
        }
        Mode::Review(review) => {
            netwerk_import::decide::review(&cfg.index, review, &mut std::io::stdout().lock())?;
            Ok(OK)
        }
        Mode::Decide(decide) => {
            let done = netwerk_import::decide::decide(&cfg.index, decide, command)?;
            // The report shows the merges and the pairs waiting: keep it in step.
            let report = pipeline::refresh_report(&cfg.index)?;
            if !cfg.quiet {
                let mut err = std::io::stderr().lock();
                write!(err, "{}", done.render())?;
                writeln!(err, "report: {}", report.display())?;
            }
            Ok(OK)
        }
        Mode::Note(note) => match pipeline::note(&cfg.index, note)? {
            NoteOutcome::Saved(card) => {
                // The report lists the people met recently without a purpose.
                pipeline::refresh_report(&cfg.index)?;
                if !cfg.quiet {
                    let mut err = std::io::stderr().lock();
                    writeln!(
                        err,
                        "purpose saved for {} ({})",
                        card.name.as_deref().unwrap_or("(no name)"),
                        card.id
                    )?;
                    if let Some(p) = &card.purpose {
                        for (k, v) in [("offer", &p.offer), ("ask", &p.ask)] {
                            if let Some(v) = v {
                                writeln!(err, "  {k:<6}{v}")?;
                            }
                        }
                    }
                }
                Ok(OK)
            }
            NoteOutcome::NotFound => {
                eprintln!(
                    "netwerk-import: nobody matches {:?}; nothing saved",
                    note.person
                );
                Ok(FATAL)
            }
            NoteOutcome::Ambiguous(cards) => {
                let mut err = std::io::stderr().lock();
                writeln!(
                    err,
                    "netwerk-import: {:?} matches {} people; nothing saved. Give the id of one:",
                    note.person,
                    cards.len()
                )?;
                for c in &cards {
                    let work: Vec<&str> = c.orgs.iter().map(|o| o.value.as_str()).collect();
                    writeln!(
                        err,
                        "  {}  {}{}",
                        c.id,
                        c.name.as_deref().unwrap_or("(no name)"),
                        if work.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", work.join(", "))
                        }
                    )?;
                }
                Ok(FATAL)
            }
        },
    })
}

/// Debian's libtesseract uses OpenMP, which reads `OMP_THREAD_LIMIT` once, when the library is
/// loaded, before `main` runs; with several OCR workers each spinning up OpenMP threads, OCR is
/// 4 to 5 times slower (DESIGN.md, measured). Setting the variable from `main` is too late, so the
/// process replaces itself once with the variable set. A user's own setting is respected.
fn ensure_single_threaded_openmp() {
    #[cfg(unix)]
    if std::env::var_os("OMP_THREAD_LIMIT").is_none() {
        use std::os::unix::process::CommandExt;
        if let Ok(exe) = std::env::current_exe() {
            let mut args = std::env::args_os();
            let arg0 = args.next().unwrap_or_else(|| exe.clone().into_os_string());
            let err = std::process::Command::new(&exe)
                .arg0(arg0)
                .args(args)
                .env("OMP_THREAD_LIMIT", "1")
                .exec();
            // Only reached when exec failed: carry on in this process, slower but correct.
            tracing::debug!("re-exec with OMP_THREAD_LIMIT=1 failed: {err}");
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Diagnostics go to stderr. Contact values are logged only at debug level and below, which
/// takes `-vv`: `-v` is info, safe for logs that others may read.
fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .init();
}
