//! Discovery: walk the paths the user gave and sniff what each file is.
//!
//! In: files and folders from the command line. Out: every regular file beneath them, sorted by
//! display path, with its [`FileKind`] sniffed from content (never from the name), plus
//! diagnostics for what was skipped: hidden entries, unreadable entries, symlink loops, FIFOs and
//! other special files, files that are too big. It reads at most the first few KiB of each file;
//! reading whole files is the readers' job.

use crate::diag::Diagnostic;
use crate::sources::{table, vcard};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// How many bytes are sniffed.
const SNIFF_BYTES: usize = 8192;

/// Files above this size are reported and skipped: every reader holds one file in memory.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// The name of the encounter sidecar file (DESIGN.md, "Where and when met").
pub const SIDECAR: &str = "netwerk.toml";

/// What a file is, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    Vcard,
    Csv,
    Json,
    Calendar,
    /// JPEG, PNG, TIFF, WebP, HEIC or PDF: business-card scans.
    Image,
    /// A `netwerk.toml` encounter sidecar.
    Sidecar,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Vcard => "vcard",
            FileKind::Csv => "csv",
            FileKind::Json => "json",
            FileKind::Calendar => "calendar",
            FileKind::Image => "image",
            FileKind::Sidecar => "sidecar",
        }
    }
}

/// One file found beneath the inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The path as the user gave it joined with the file's path beneath it (lossy UTF-8):
    /// the `path` of the JSON Lines contract.
    pub display: String,
    /// The path to open.
    pub path: PathBuf,
    pub kind: FileKind,
    pub size: u64,
}

/// What discovery gives: files sorted by display path, and what it skipped.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<Found>,
    pub diagnostics: Vec<Diagnostic>,
}

fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// Walk `inputs` (files or folders). Symlinks are followed; a loop is reported once and
/// survived. Output order is sorted and does not depend on the file system's order.
pub fn run(inputs: &[PathBuf]) -> Discovery {
    let mut out = Discovery::default();
    for input in inputs {
        let walker = WalkDir::new(input)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            // Hidden entries (`.git`, `.DS_Store`, AppleDouble `._x.vcf`) are skipped with a
            // note; the inputs the user named themselves are never skipped.
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    let path = err.path().map(display).unwrap_or_else(|| display(input));
                    let what = if err.loop_ancestor().is_some() {
                        "symbolic link loop, not followed".to_string()
                    } else if let Some(io) = err.io_error() {
                        format!("cannot read: {io}")
                    } else {
                        format!("cannot read: {err}")
                    };
                    out.diagnostics.push(Diagnostic::file(path, what));
                    continue;
                }
            };
            let path = entry.path();
            let file_type = entry.file_type();
            if file_type.is_dir() {
                note_hidden_children(path, &mut out.diagnostics);
                continue;
            }
            let shown = display(path);
            if !file_type.is_file() {
                // A FIFO would block a reader forever; sockets and devices are not files.
                out.diagnostics.push(Diagnostic::file(
                    shown,
                    "not a regular file (FIFO, socket or device), skipped",
                ));
                continue;
            }
            let size = match entry.metadata() {
                Ok(meta) => meta.len(),
                Err(err) => {
                    out.diagnostics
                        .push(Diagnostic::file(shown, format!("cannot read: {err}")));
                    continue;
                }
            };
            if size > MAX_FILE_BYTES {
                out.diagnostics.push(Diagnostic::file(
                    shown,
                    format!("file is {size} bytes, above the limit of {MAX_FILE_BYTES}; skipped"),
                ));
                continue;
            }
            match sniff_file(path) {
                Ok(Some(kind)) => out.files.push(Found {
                    display: shown,
                    path: path.to_path_buf(),
                    kind,
                    size,
                }),
                // A file named like an image that is none was meant to be read: an
                // interrupted copy, a renamed document. That is a rejected file, not a
                // stray one.
                Ok(None) if has_image_extension(path) => out.diagnostics.push(Diagnostic::file(
                    shown,
                    if size == 0 {
                        "empty file named like an image, skipped"
                    } else {
                        "named like an image but not one (no JPEG, PNG, TIFF, WebP, HEIC or PDF signature), skipped"
                    },
                )),
                Ok(None) => out.diagnostics.push(Diagnostic::warning(
                    shown,
                    None,
                    "not a contact file (no vCard, CSV header, JSON export, calendar or image found), skipped",
                )),
                Err(err) => out
                    .diagnostics
                    .push(Diagnostic::file(shown, format!("cannot read: {err}"))),
            }
        }
    }
    out.files
        .sort_by(|a, b| a.display.cmp(&b.display).then(a.path.cmp(&b.path)));
    // The same file reached twice (overlapping inputs) is read once. Two different files whose
    // names differ only in bytes that are not UTF-8 read the same once shown: the index knows a
    // file by its shown path, so only the first is read and the other is reported, not lost
    // silently.
    let diagnostics = &mut out.diagnostics;
    out.files.dedup_by(|later, first| {
        let same = later.display == first.display;
        if same && later.path != first.path {
            diagnostics.push(Diagnostic::file(
                later.display.clone(),
                "another file's name reads the same once its bytes that are not UTF-8 are \
                 replaced; only the first is read, rename this one",
            ));
        }
        same
    });
    out.diagnostics.sort();
    out.diagnostics.dedup();
    out
}

/// Hidden entries are filtered out of the walk; this names them so the user knows.
fn note_hidden_children(dir: &Path, diagnostics: &mut Vec<Diagnostic>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    let mut hidden: Vec<String> = read
        .filter_map(Result::ok)
        .filter(|e| is_hidden(&e.file_name()))
        .map(|e| display(&e.path()))
        .collect();
    hidden.sort();
    for path in hidden {
        diagnostics.push(Diagnostic::warning(path, None, "hidden, skipped"));
    }
}

fn sniff_file(path: &Path) -> std::io::Result<Option<FileKind>> {
    if path.file_name().is_some_and(|n| n == SIDECAR) {
        return Ok(Some(FileKind::Sidecar));
    }
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    File::open(path)?
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    Ok(sniff(&head))
}

/// The kind of a file from its first bytes, or `None` when it is none we read.
pub fn sniff(head: &[u8]) -> Option<FileKind> {
    if is_image(head) {
        return Some(FileKind::Image);
    }
    if vcard::sniff(head) {
        return Some(FileKind::Vcard);
    }
    let text = text_start(head);
    if starts_with_ignore_case(text, b"BEGIN:VCALENDAR") {
        return Some(FileKind::Calendar);
    }
    if text.first().is_some_and(|b| *b == b'{' || *b == b'[') {
        return Some(FileKind::Json);
    }
    if table::sniff(head) {
        return Some(FileKind::Csv);
    }
    None
}

/// The bytes after a UTF-8 BOM and leading whitespace.
fn text_start(head: &[u8]) -> &[u8] {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let skip = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    &head[skip..]
}

fn starts_with_ignore_case(text: &[u8], prefix: &[u8]) -> bool {
    text.len() >= prefix.len() && text[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Whether the file's extension is one that scanners and phones give their images.
fn has_image_extension(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "jpg" | "jpeg" | "png" | "tif" | "tiff" | "webp" | "heic" | "heif" | "pdf"
        )
    })
}

/// Magic bytes of the image formats scanners and phones write.
fn is_image(head: &[u8]) -> bool {
    head.starts_with(b"\xFF\xD8\xFF") // JPEG
        || head.starts_with(b"\x89PNG\r\n\x1A\n")
        || head.starts_with(b"II*\0") // TIFF, little-endian
        || head.starts_with(b"MM\0*") // TIFF, big-endian
        || (head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP")
        || (head.len() >= 12
            && &head[4..8] == b"ftyp"
            && matches!(&head[8..12], b"heic" | b"heix" | b"mif1" | b"msf1" | b"heim" | b"heis"))
        || head.starts_with(b"%PDF-")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASES: &[(&[u8], Option<FileKind>)] = &[
        (b"\xFF\xD8\xFF\xE0\0\x10JFIF", Some(FileKind::Image)),
        (b"\x89PNG\r\n\x1A\n\0\0", Some(FileKind::Image)),
        (b"\0\0\0\x18ftypheic\0\0", Some(FileKind::Image)),
        (b"%PDF-1.4\n", Some(FileKind::Image)),
        (
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n",
            Some(FileKind::Calendar),
        ),
        (b"  {\"friends_v2\": []}", Some(FileKind::Json)),
        (b"\xEF\xBB\xBF[]", Some(FileKind::Json)),
        (b"\x00\x01\x02garbage", None),
        (b"", None),
    ];

    #[test]
    fn sniffs_by_content() {
        for (head, want) in CASES {
            assert_eq!(sniff(head), *want, "case {head:?}");
        }
    }
}
