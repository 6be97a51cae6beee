//! Hostile inputs through the real binary (issue 6, item 2): invalid UTF-8 in every text
//! format, a gigabyte line, a card of a million properties, runaway CSV quoting, binary garbage
//! named `.vcf`, a symlink loop, a FIFO and a device, an unreadable file, and file names with a
//! newline or bytes that are not UTF-8.
//!
//! Every case puts one good vCard beside the hostile input and checks three things: a located
//! message (`path:line: what` or `path: what`, one line each), the good card imported all the
//! same, and the peak memory of the child process (`/usr/bin/time -f %M`) under a generous
//! bound. The time is printed, never asserted. `cargo test --test hostile -- --nocapture
//! --test-threads=1` prints the table of HARDENING.md. Discovery's own handling of loops and
//! FIFOs is unit-tested in tests/discover.rs; this file checks the whole run.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const GOOD: &str =
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Eva de Boer\r\nEMAIL:eva@voorbeeld.nl\r\nEND:VCARD\r\n";
const MIB: u64 = 1024 * 1024;

/// What one run of the binary gave.
struct Outcome {
    code: Option<i32>,
    stderr: String,
    /// Peak resident set size of the child, in KiB (0 where `/usr/bin/time` is missing).
    peak_kib: u64,
    secs: f64,
}

/// Run the binary with `args` (after `--index index`), optionally as another user (`setpriv`),
/// under `/usr/bin/time -f %M` for its peak memory. Not `wait4` on our own child: a forked
/// child starts with the parent's resident set as its peak, which would hide small figures.
fn run_measured(index: &Path, args: &[&std::ffi::OsStr], as_user: Option<u32>) -> Outcome {
    let dir = index.parent().expect("index has a folder");
    let err_path = dir.join("stderr.txt");
    let rss_path = dir.join("peak-rss.txt");
    let err_file = std::fs::File::create(&err_path).expect("stderr file");
    let time = Path::new("/usr/bin/time");
    let mut argv: Vec<std::ffi::OsString> = Vec::new();
    if time.exists() {
        argv.extend([
            "-f".into(),
            "%M".into(),
            "-o".into(),
            rss_path.clone().into(),
        ]);
    }
    if let Some(uid) = as_user {
        argv.push("setpriv".into());
        argv.push(format!("--reuid={uid}").into());
        argv.push(format!("--regid={uid}").into());
        argv.push("--clear-groups".into());
    }
    argv.push(common::bin_path().into());
    let mut cmd = if time.exists() {
        Command::new(time)
    } else {
        Command::new(argv.remove(0))
    };
    cmd.args(&argv)
        .env_remove("NETWERK_INDEX")
        .env_remove("RUST_LOG")
        .arg("--index")
        .arg(index)
        .arg("--quiet")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err_file);
    let start = Instant::now();
    let status = cmd.status().expect("binary runs");
    let secs = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&std::fs::read(&err_path).expect("stderr")).into_owned();
    // `time` adds a line of its own when the command failed; it is not the binary's.
    let stderr: String = stderr
        .lines()
        .filter(|l| !l.starts_with("Command exited with non-zero status"))
        .map(|l| format!("{l}\n"))
        .collect();
    let peak_kib = std::fs::read_to_string(&rss_path)
        .ok()
        .and_then(|t| t.lines().last().and_then(|l| l.trim().parse().ok()))
        .unwrap_or(0);
    Outcome {
        code: status.code(),
        stderr,
        peak_kib,
        secs,
    }
}

/// Import `input` into a fresh index beside it.
fn import(input: &Path) -> (PathBuf, Outcome) {
    let index = input.parent().expect("input has a folder").join("index.db");
    let out = run_measured(&index, &[input.as_os_str()], None);
    (index, out)
}

fn export(index: &Path) -> String {
    let out = common::command()
        .arg("--index")
        .arg(index)
        .args(["export", "--format", "jsonl"])
        .output()
        .expect("export runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 export")
}

/// A folder `in/` with the good card in it.
fn input_folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    std::fs::write(input.join("good.vcf"), GOOD).expect("write");
    (dir, input)
}

/// The row of the closing note's table, printed for `--nocapture`.
fn report(case: &str, out: &Outcome, gave: &str) {
    println!(
        "| {case} | {gave} | exit {} | {:.0} MiB | {:.2} s |",
        out.code.map_or("signal".to_string(), |c| c.to_string()),
        out.peak_kib as f64 / 1024.0,
        out.secs
    );
    for line in out.stderr.lines().take(8) {
        println!("    {line}");
    }
}

/// The checks every case shares: finished (exit 1: something was rejected, or 0), the good card
/// imported, each expected message present on one line, memory under `max_mib`.
fn check(case: &str, index: &Path, out: &Outcome, messages: &[&str], max_mib: u64) {
    assert!(
        matches!(out.code, Some(0 | 1)),
        "{case}: exit {:?}\n{}",
        out.code,
        out.stderr
    );
    for want in messages {
        assert!(
            out.stderr.lines().any(|line| line.contains(want)),
            "{case}: no line with {want:?} in\n{}",
            out.stderr
        );
    }
    assert!(
        out.peak_kib < max_mib * 1024,
        "{case}: peak memory {} KiB, above {max_mib} MiB",
        out.peak_kib
    );
    assert!(
        export(index).contains("eva@voorbeeld.nl"),
        "{case}: the rest of the batch was not imported"
    );
}

/// Seeded bytes without a generator crate: xorshift64.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.max(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn invalid_utf8_in_every_text_format() {
    let (_dir, input) = input_folder();
    std::fs::write(
        input.join("bad.vcf"),
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Piet \xff\xfe Jansen\r\nEND:VCARD\r\n",
    )
    .expect("write");
    // Mostly UTF-8 (`é`) with one stray byte: the row is repaired and reported.
    std::fs::write(
        input.join("bad.csv"),
        b"First Name,Last Name,E-mail Address\nRen\xc3\xa9,Smit,rene@voorbeeld.nl\nKlaas\xff,Vos,klaas@voorbeeld.nl\n",
    )
    .expect("write");
    std::fs::write(
        input.join("bad.json"),
        b"{\"friends_v2\": [{\"name\": \"Sanne \xff\", \"timestamp\": 1500000000}]}",
    )
    .expect("write");
    std::fs::write(
        input.join("bad.ics"),
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Overleg \xff\r\nDTSTART:20260101T100000Z\r\nATTENDEE;CN=Eva:mailto:eva@voorbeeld.nl\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .expect("write");
    let (index, out) = import(&input);
    report(
        "invalid UTF-8 in .vcf, .csv, .json, .ics",
        &out,
        "vCard value read as windows-1252 (warning at its line); CSV row repaired (warning at its line); JSON file rejected at line 1; calendar byte replaced (warning at its line)",
    );
    check(
        "invalid utf-8",
        &index,
        &out,
        &[
            "bad.vcf:3 (record 1):",
            "bad.csv:3",
            "bad.json:1:",
            "bad.ics:3:",
        ],
        256,
    );
    let jsonl = export(&index);
    assert!(jsonl.contains("rene@voorbeeld.nl") && jsonl.contains("klaas@voorbeeld.nl"));
    assert!(jsonl.contains("Piet"), "{jsonl}");
}

#[test]
fn a_gigabyte_line_is_refused_without_reading_it() {
    let (_dir, input) = input_folder();
    // Sparse: 1 GiB of one line (a NOTE whose value is the hole) costs no disk.
    let path = input.join("gigabyte.vcf");
    let file = std::fs::File::create(&path).expect("create");
    use std::io::Write;
    (&file)
        .write_all(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Lange Regel\r\nNOTE:")
        .expect("write");
    file.set_len(1024 * MIB).expect("sparse");
    drop(file);
    let (index, out) = import(&input);
    report(
        "1 GiB line (sparse .vcf)",
        &out,
        "file rejected by its size before reading (limit 512 MiB)",
    );
    check(
        "1 GiB line",
        &index,
        &out,
        &["gigabyte.vcf: file is 1073741824 bytes, above the limit"],
        128,
    );
}

#[test]
fn a_256_mib_line_is_refused_with_its_line_and_bounded_memory() {
    let (_dir, input) = input_folder();
    // Below the file-size limit, so it is read: 256 MiB of `x` on line 4, written for real.
    let path = input.join("longline.vcf");
    {
        use std::io::Write;
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        file.write_all(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Lange Regel\r\nNOTE:")
            .expect("write");
        let chunk = vec![b'x'; MIB as usize];
        for _ in 0..256 {
            file.write_all(&chunk).expect("write");
        }
        file.write_all(b"\r\nEND:VCARD\r\n").expect("write");
    }
    let (index, out) = import(&input);
    std::fs::remove_file(&path).expect("remove the big file");
    report(
        "256 MiB line (.vcf, real bytes)",
        &out,
        "file rejected at line 4 (line limit 8 MiB); before the fix: 64 MiB line took 1.28 GB",
    );
    // The file itself is held once (256 MiB) while it is checked; nothing more.
    check(
        "256 MiB line",
        &index,
        &out,
        &["longline.vcf:4: line is 268435462 bytes long, above the limit"],
        400,
    );
}

#[test]
fn a_card_of_a_million_properties_is_kept_raw_not_imported() {
    let (_dir, input) = input_folder();
    let mut card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Veel Eigenschappen\r\n".to_vec();
    for i in 0..1_000_000 {
        card.extend_from_slice(format!("EMAIL:a{i}@voorbeeld.nl\r\n").as_bytes());
    }
    card.extend_from_slice(b"END:VCARD\r\n");
    std::fs::write(input.join("million.vcf"), &card).expect("write");
    let (index, out) = import(&input);
    report(
        "vCard with 1 000 000 EMAIL properties (26 MB)",
        &out,
        "record rejected at line 1, raw text kept (limit 10 000 properties); before the fix: killed after 300 s",
    );
    check(
        "million properties",
        &index,
        &out,
        &["million.vcf:1 (record 1): card has 1000002 properties, above the limit"],
        1024,
    );
    let conn = rusqlite::Connection::open(&index).expect("open");
    let raw_len: i64 = conn
        .query_row("SELECT max(length(raw)) FROM records", [], |r| r.get(0))
        .expect("raw kept");
    assert!(raw_len as usize >= card.len() - 16, "raw kept: {raw_len}");
}

#[test]
fn runaway_and_unterminated_csv_quoting() {
    let (_dir, input) = input_folder();
    let mut csv = b"First Name,Last Name,E-mail Address\n".to_vec();
    // 200 000 quotes in one cell: escaped quotes nested as deep as a cell can hold.
    csv.extend_from_slice(b"\"");
    csv.extend(std::iter::repeat_n(b'"', 200_000));
    csv.extend_from_slice(b"\",Diep,diep@voorbeeld.nl\n");
    csv.extend_from_slice(b"Joost,Bakker,joost@voorbeeld.nl\n");
    // An opening quote that never closes, then ordinary rows.
    csv.extend_from_slice(b"\"Open,Einde,open@voorbeeld.nl\n");
    for i in 0..1000 {
        csv.extend_from_slice(format!("Naam{i},Achter{i},n{i}@voorbeeld.nl\n").as_bytes());
    }
    std::fs::write(input.join("quotes.csv"), &csv).expect("write");
    let (index, out) = import(&input);
    report(
        "CSV: 200 000 nested quotes in a cell; an unterminated quote before 1 000 rows",
        &out,
        "each located at its line; rows after the broken ones imported",
    );
    check("csv quoting", &index, &out, &["quotes.csv:4"], 256);
    let jsonl = export(&index);
    assert!(
        jsonl.contains("joost@voorbeeld.nl"),
        "row before the open quote"
    );
    assert!(
        jsonl.contains("diep@voorbeeld.nl"),
        "the row of nested quotes"
    );
    // Reading resumes after the open quote: the rows it swallowed are read again.
    assert!(jsonl.contains("n0@voorbeeld.nl") && jsonl.contains("n999@voorbeeld.nl"));
}

#[test]
fn binary_garbage_named_vcf() {
    let (_dir, input) = input_folder();
    std::fs::write(input.join("garbage.vcf"), noise(6, 1 << 20)).expect("write");
    // Garbage behind a real start: sniffed as vCard, then read as one broken card.
    let mut tricky = b"BEGIN:VCARD\r\n".to_vec();
    tricky.extend(noise(7, 1 << 20));
    std::fs::write(input.join("tricky.vcf"), &tricky).expect("write");
    let (index, out) = import(&input);
    report(
        "1 MiB of random bytes named .vcf; the same behind BEGIN:VCARD",
        &out,
        "first skipped as not a contact file; second rejected at line 1, raw kept",
    );
    check(
        "garbage",
        &index,
        &out,
        &["garbage.vcf: not a contact file", "tricky.vcf:1"],
        256,
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop_fifo_and_device_through_the_binary() {
    let (_dir, input) = input_folder();
    std::os::unix::fs::symlink(&input, input.join("loop")).expect("symlink");
    std::os::unix::fs::symlink("/dev/zero", input.join("zero.vcf")).expect("symlink");
    let fifo = input.join("pipe.vcf");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let (index, out) = import(&input);
    report(
        "symlink loop; FIFO named .vcf; symlink to /dev/zero named .vcf",
        &out,
        "each skipped with a message; nothing opened or read",
    );
    check(
        "loop, fifo, device",
        &index,
        &out,
        &[
            "in/loop: symbolic link loop",
            "pipe.vcf: not a regular file",
            "zero.vcf: not a regular file",
        ],
        128,
    );
    // A FIFO named on the command line itself must not block either.
    let index2 = index.with_file_name("index2.db");
    let out = run_measured(
        &index2,
        &[fifo.as_os_str(), input.join("good.vcf").as_os_str()],
        None,
    );
    assert!(
        out.stderr.contains("pipe.vcf: not a regular file"),
        "{}",
        out.stderr
    );
    assert!(export(&index2).contains("eva@voorbeeld.nl"));
}

#[cfg(unix)]
#[test]
fn an_unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, input) = input_folder();
    let secret = input.join("secret.vcf");
    std::fs::write(
        &secret,
        GOOD.replace("Eva de Boer", "Geheim")
            .replace("eva@", "geheim@"),
    )
    .expect("write");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    // Root reads a file of mode 000 all the same: run the binary as `nobody` then.
    let as_user = if unsafe { libc::geteuid() } == 0 {
        let works = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
            .status()
            .is_ok_and(|s| s.success());
        if !works {
            println!(
                "SKIP an_unreadable_file: running as root and setpriv cannot switch to nobody"
            );
            return;
        }
        // `nobody` must reach the folder, the good card and the index's folder.
        for path in [
            dir.path(),
            input.as_path(),
            input.join("good.vcf").as_path(),
        ] {
            std::os::unix::fs::chown(path, Some(65534), Some(65534)).expect("chown");
        }
        Some(65534)
    } else {
        None
    };
    let index = dir.path().join("index.db");
    let out = run_measured(&index, &[input.as_os_str()], as_user);
    report(
        "file of mode 000 (run as nobody)",
        &out,
        "file skipped: permission denied, located",
    );
    check(
        "unreadable",
        &index,
        &out,
        &["secret.vcf: cannot read: Permission denied"],
        128,
    );
}

#[cfg(unix)]
#[test]
fn file_names_with_a_newline_or_bytes_that_are_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let (_dir, input) = input_folder();
    let broken = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Half\r\n";
    let card = |name: &str, email: &str| {
        format!("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nEMAIL:{email}\r\nEND:VCARD\r\n")
    };
    std::fs::write(
        input.join("new\nline.vcf"),
        card("Nieuwe Regel", "nl@voorbeeld.nl"),
    )
    .expect("write");
    std::fs::write(input.join("bad\nbroken.vcf"), broken).expect("write");
    let name = |bytes: &[u8]| input.join(std::ffi::OsStr::from_bytes(bytes));
    std::fs::write(name(b"caf\xe9.vcf"), card("Cafe Naam", "cafe@voorbeeld.nl")).expect("write");
    std::fs::write(name(b"ru\xefne.vcf"), broken).expect("write");
    // Two names that differ only in bytes that are not UTF-8 read the same once shown.
    std::fs::write(
        name(b"twin\xfe.vcf"),
        card("Tweeling Een", "een@voorbeeld.nl"),
    )
    .expect("write");
    std::fs::write(
        name(b"twin\xff.vcf"),
        card("Tweeling Twee", "twee@voorbeeld.nl"),
    )
    .expect("write");
    let (index, out) = import(&input);
    report(
        "file names with a newline; with bytes that are not UTF-8",
        &out,
        "imported; path shown with `\\n` escaped and U+FFFD; a name clash by replacement reported",
    );
    check(
        "odd names",
        &index,
        &out,
        &[
            "in/bad\\nbroken.vcf:1 (record 1): BEGIN:VCARD without END:VCARD",
            "in/ru\u{fffd}ne.vcf:1 (record 1): BEGIN:VCARD without END:VCARD",
            "in/twin\u{fffd}.vcf: another file's name reads the same",
        ],
        128,
    );
    // Every diagnostic is one line that starts with the input folder.
    let shown = input.to_string_lossy().into_owned();
    for line in out.stderr.lines() {
        assert!(line.starts_with(&shown), "not located: {line:?}");
    }
    let jsonl = export(&index);
    let persons: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let path_of = |email: &str| {
        persons.iter().find(|p| p["emails"][0] == email).map(|p| {
            p["sources"][0]["path"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
    };
    assert_eq!(
        path_of("nl@voorbeeld.nl"),
        Some(input.join("new\nline.vcf").to_string_lossy().into_owned())
    );
    assert_eq!(
        path_of("cafe@voorbeeld.nl"),
        Some(format!("{shown}/caf\u{fffd}.vcf"))
    );
    // Exactly one of the twins is read.
    let twins = ["een@voorbeeld.nl", "twee@voorbeeld.nl"]
        .iter()
        .filter(|e| path_of(e).is_some())
        .count();
    assert_eq!(twins, 1, "{jsonl}");
}
