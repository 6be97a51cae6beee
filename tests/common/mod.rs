//! What the integration tests that run the binary share: the binary with a clean environment,
//! the demo network's folder, and reading an index back through `export`. Each test file takes
//! what it needs (`mod common;`).
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The binary under test. `NETWERK_IMPORT_BIN` overrides it: several worktrees that share one
/// `CARGO_TARGET_DIR` overwrite each other's `target/debug/netwerk-import`, so a run that must
/// test this tree's binary copies it away first and points here (HARDENING.md).
pub fn bin_path() -> PathBuf {
    std::env::var_os("NETWERK_IMPORT_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_netwerk-import")))
}

/// The binary under test, with no index or log level inherited from the environment, as a
/// `std::process::Command` (for tests that spawn, signal or time the child).
pub fn command() -> std::process::Command {
    let mut cmd = std::process::Command::new(bin_path());
    cmd.env_remove("NETWERK_INDEX").env_remove("RUST_LOG");
    cmd
}

/// [`command`] with `assert_cmd`'s assertions.
pub fn bin() -> Command {
    Command::from_std(command())
}

/// `fixtures/demo`: three people met at two events, in every kind of source.
pub fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo")
}

/// `netwerk-import --index INDEX export --format FORMAT` on stdout; the export must succeed.
pub fn export(index: &Path, format: &str) -> String {
    let out = bin()
        .arg("--index")
        .arg(index)
        .args(["export", "--format", format])
        .output()
        .expect("export runs");
    assert!(
        out.status.success(),
        "export failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 export")
}

/// The persons of a JSON Lines export, one value per line.
pub fn persons(jsonl: &str) -> Vec<serde_json::Value> {
    jsonl
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}
