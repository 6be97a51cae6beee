//! Discovery on a real folder tree: sorted output, sniffing by content, hidden entries, symlink
//! loops, FIFOs, and files that are not contact files.

use netwerk_import::diag::Severity;
use netwerk_import::discover::{self, FileKind};

#[test]
fn walks_sorted_sniffs_by_content_and_reports_what_it_skips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("in");
    std::fs::create_dir_all(root.join("b/deeper")).expect("mkdir");
    std::fs::create_dir_all(root.join(".git")).expect("mkdir");
    std::fs::write(
        root.join("b/deeper/contacts.txt"),
        "BEGIN:VCARD\r\nFN:X\r\nEND:VCARD\r\n",
    )
    .expect("write");
    std::fs::write(
        root.join("a.dat"),
        "First Name,Last Name,E-mail 1 - Value\nJan,Berg,j@x.nl\n",
    )
    .expect("write");
    std::fs::write(root.join("friends"), "{\"friends_v2\": []}").expect("write");
    std::fs::write(
        root.join("agenda.ics"),
        "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    )
    .expect("write");
    std::fs::write(root.join("card.jpg"), b"\xFF\xD8\xFF\xE0\0\x10JFIF\0").expect("write");
    std::fs::write(root.join("junk.vcf"), [0u8, 159, 146, 150, 1, 2, 3]).expect("write");
    std::fs::write(root.join(".DS_Store"), "x").expect("write");
    std::fs::write(root.join(".git/config"), "x").expect("write");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&root, root.join("b/loop")).expect("symlink");
        let fifo = root.join("pipe.vcf");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(status.success());
    }

    let found = discover::run(std::slice::from_ref(&root));
    let shown: Vec<(String, FileKind)> = found
        .files
        .iter()
        .map(|f| {
            let rel = f.path.strip_prefix(&root).expect("beneath root");
            (rel.to_string_lossy().into_owned(), f.kind)
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            ("a.dat".to_string(), FileKind::Csv),
            ("agenda.ics".to_string(), FileKind::Calendar),
            ("b/deeper/contacts.txt".to_string(), FileKind::Vcard),
            ("card.jpg".to_string(), FileKind::Image),
            ("friends".to_string(), FileKind::Json),
        ]
    );
    let messages: Vec<String> = found.diagnostics.iter().map(|d| d.to_string()).collect();
    let has = |needle: &str| messages.iter().any(|m| m.contains(needle));
    assert!(has(".DS_Store: hidden, skipped"), "{messages:#?}");
    assert!(has(".git: hidden, skipped"), "{messages:#?}");
    assert!(has("junk.vcf: not a contact file"), "{messages:#?}");
    #[cfg(unix)]
    {
        assert!(has("loop: symbolic link loop"), "{messages:#?}");
        assert!(has("pipe.vcf: not a regular file"), "{messages:#?}");
        let fifo = found
            .diagnostics
            .iter()
            .find(|d| d.path.ends_with("pipe.vcf"))
            .expect("fifo reported");
        assert_eq!(fifo.severity, Severity::FileRejected);
    }
}

#[test]
fn display_paths_keep_the_path_as_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("x.vcf"),
        "BEGIN:VCARD\r\nFN:X\r\nEND:VCARD\r\n",
    )
    .expect("write");
    let found = discover::run(&[dir.path().to_path_buf()]);
    assert_eq!(found.files.len(), 1);
    assert_eq!(
        found.files[0].display,
        dir.path().join("x.vcf").to_string_lossy()
    );
}
