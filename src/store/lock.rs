//! One writer per index, across processes: an advisory lock on `<index>.lock`.
//!
//! In: the index path and how long to wait. Out: an [`IndexLock`] held until it is dropped, or
//! a [`LockError`] that says who holds the index. SQLite's own lock only covers a transaction,
//! while a run reads its files for minutes before it writes; two nightly runs (or a run and
//! `note`) must not interleave, so the whole run holds this lock. Readers (`who`, `export`)
//! never take it: WAL lets them read while a run writes.
//!
//! The lock is `flock`-style (the `fs2` crate): the operating system releases it when the
//! process ends, however it ends, so a crashed run never leaves the index locked. The file
//! itself stays (mode 0600) and holds the process id of the last holder, for the message.

use fs2::FileExt;
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How often a waiting process tries again.
const POLL: Duration = Duration::from_millis(100);

/// A held lock; released on drop.
#[derive(Debug)]
pub struct IndexLock {
    file: File,
    path: PathBuf,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("{index}: in use by another netwerk-import run{holder}; waited {waited}s, giving up (try again later, or pass --wait SECONDS)")]
    Busy {
        index: String,
        /// ` (process 1234)` where the lock file names one.
        holder: String,
        waited: u64,
    },
    #[error("{path}: cannot create the lock file: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl IndexLock {
    /// Take the lock of the index at `index`, waiting up to `wait` for another holder to let
    /// go. Creates the index's folder and the lock file (owner-only) when missing.
    pub fn acquire(index: &Path, wait: Duration) -> Result<IndexLock, LockError> {
        let path = lock_path(index);
        let io = |source| LockError::Io {
            path: path.display().to_string(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            // Owner-only, like the index's own folders: the lock is taken before the index is
            // opened, so these are the folders that stay (found with umask 000, HARDENING.md).
            let mut dirs = std::fs::DirBuilder::new();
            dirs.recursive(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                dirs.mode(0o700);
            }
            dirs.create(parent).map_err(io)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&path).map_err(io)?;
        let start = Instant::now();
        loop {
            match file.try_lock_exclusive() {
                Ok(()) => break,
                Err(err) if err.kind() == fs2::lock_contended_error().kind() => {
                    if start.elapsed() >= wait {
                        let mut text = String::new();
                        // Best effort: the holder may be writing its pid right now.
                        let _ = file.read_to_string(&mut text);
                        let holder = text
                            .trim()
                            .parse::<u32>()
                            .map(|pid| format!(" (process {pid})"))
                            .unwrap_or_default();
                        return Err(LockError::Busy {
                            index: index.display().to_string(),
                            holder,
                            waited: wait.as_secs(),
                        });
                    }
                    std::thread::sleep(POLL);
                }
                Err(err) => return Err(io(err)),
            }
        }
        // The lock is ours: note our pid for a waiting process's message.
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        write!(file, "{}", std::process::id()).map_err(io)?;
        file.flush().map_err(io)?;
        Ok(IndexLock { file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for IndexLock {
    fn drop(&mut self) {
        // Closing the file releases the lock too; unlocking first makes it immediate.
        let _ = FileExt::unlock(&self.file);
    }
}

/// `index.db` → `index.db.lock`.
pub fn lock_path(index: &Path) -> PathBuf {
    let mut name = index.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_then_is_refused_and_gets_it_after_release() {
        let dir = tempfile::tempdir().expect("tempdir");
        let index = dir.path().join("index.db");
        let first = IndexLock::acquire(&index, Duration::ZERO).expect("free lock");
        let start = Instant::now();
        let err = IndexLock::acquire(&index, Duration::from_millis(300)).expect_err("held");
        assert!(start.elapsed() >= Duration::from_millis(300), "it waited");
        let msg = err.to_string();
        assert!(
            msg.contains("in use by another netwerk-import run"),
            "{msg}"
        );
        assert!(
            msg.contains(&format!("(process {})", std::process::id())),
            "{msg}"
        );
        assert_eq!(first.path(), lock_path(&index));
        drop(first);
        IndexLock::acquire(&index, Duration::ZERO).expect("released");
    }
}
