//! Located, non-fatal problems (`path:line: what`), gathered across threads.
//!
//! In: problems found by any stage. Out: a sorted list printed once and copied into the report.
//! Three severities are decided here and nowhere else: a warning (the record was imported, but
//! something in it was dropped or doubtful), a rejected record (kept raw, not imported), and a
//! rejected file (skipped). A failed run is not a diagnostic: it is an `anyhow` error in `main`.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Imported, but part of the record was dropped or is doubtful.
    Warning,
    /// The record was not imported; its raw text is kept in the index.
    RecordRejected,
    /// The whole file was skipped.
    FileRejected,
}

impl Severity {
    /// Whether this problem makes the run exit with status 1.
    pub fn is_rejection(self) -> bool {
        !matches!(self, Severity::Warning)
    }
}

/// One located problem. `Display` gives `path:line: message` (or `path: message`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Diagnostic {
    pub path: String,
    pub line: Option<u32>,
    /// 1-based record ordinal inside the file, where known.
    pub record: Option<u32>,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    pub fn new(
        path: impl Into<String>,
        line: Option<u32>,
        severity: Severity,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            record: None,
            severity,
            message: message.into(),
        }
    }

    pub fn warning(path: impl Into<String>, line: Option<u32>, message: impl Into<String>) -> Self {
        Diagnostic::new(path, line, Severity::Warning, message)
    }

    pub fn record(path: impl Into<String>, line: Option<u32>, message: impl Into<String>) -> Self {
        Diagnostic::new(path, line, Severity::RecordRejected, message)
    }

    pub fn file(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic::new(path, None, Severity::FileRejected, message)
    }

    /// The same diagnostic at a line.
    pub fn at(mut self, line: Option<u32>) -> Self {
        self.line = line;
        self
    }

    pub fn with_record(mut self, record: u32) -> Self {
        self.record = Some(record);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = shown_path(&self.path);
        match (self.line, self.record) {
            (Some(line), Some(rec)) => {
                write!(f, "{path}:{line} (record {rec}): {}", self.message)
            }
            (Some(line), None) => write!(f, "{path}:{line}: {}", self.message),
            (None, Some(rec)) => write!(f, "{path} (record {rec}): {}", self.message),
            (None, None) => write!(f, "{path}: {}", self.message),
        }
    }
}

/// The path as printed: control characters escaped (`\n`, `\u{1b}`), so that a file named with
/// a newline or a terminal escape still gives exactly one `path:line: what` line and cannot
/// forge another diagnostic or move the cursor (HARDENING.md).
fn shown_path(path: &str) -> std::borrow::Cow<'_, str> {
    if !path.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(path);
    }
    std::borrow::Cow::Owned(
        path.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATHS: &[(&str, &str)] = &[
        ("in/plain.vcf", "in/plain.vcf: x"),
        ("in/new\nline.vcf", "in/new\\nline.vcf: x"),
        ("in/cr\rtab\t.csv", "in/cr\\rtab\\t.csv: x"),
        ("in/\u{1b}[2Jesc.vcf", "in/\\u{1b}[2Jesc.vcf: x"),
        ("in/d\u{e9}j\u{e0}-vu.vcf", "in/d\u{e9}j\u{e0}-vu.vcf: x"),
    ];

    #[test]
    fn control_characters_in_paths_are_escaped() {
        for (path, want) in PATHS {
            let shown = Diagnostic::file(*path, "x").to_string();
            assert_eq!(shown, *want, "path {path:?}");
            assert!(!shown.contains('\n'), "one line for {path:?}");
        }
    }
}
