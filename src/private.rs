//! Files that hold contact data are created readable and writable by the owner only.
//!
//! In: a path. Out: a truncated file with mode 0600 on Unix (the mode is set at creation, so
//! there is no moment in which others can open it; an existing file is narrowed to 0600 too).

use anyhow::{Context, Result};
use std::fs::{File, OpenOptions};
use std::path::Path;

/// Create (or truncate) `path` for writing, owner-only.
pub fn create(path: &Path) -> Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("restricting {} to its owner", path.display()))?;
    }
    Ok(file)
}
