//! What the integration tests that run the binary share: the binary with a clean environment
//! and the demo network's folder. Each test file takes what it needs (`mod common;`).
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The binary under test, with no index or log level inherited from the environment.
pub fn bin() -> Command {
    let mut cmd = Command::cargo_bin("netwerk-import").expect("binary built");
    cmd.env_remove("NETWERK_INDEX").env_remove("RUST_LOG");
    cmd
}

/// `fixtures/demo`: three people met at two events, in every kind of source.
pub fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo")
}
