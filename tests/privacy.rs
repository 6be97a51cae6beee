//! Privacy through the real binary (issue 6, item 5).
//!
//! - Owner-only files even with `umask 000`: the index, its `-wal` and `-shm` files (seen while
//!   a run writes), the lock file, the folders created for the index, and an export written
//!   with `--output`.
//! - No network: the whole pipeline (import of the demo fixtures, every export, `who`) runs in
//!   a network namespace without interfaces (`unshare -n`) and gives byte-identical results.
//!   Needs root; skipped with a printed reason where `unshare` is not permitted.
//! - stderr at the default level and at `-v` holds no contact value of the fixture (names,
//!   e-mails, phone numbers), while every diagnostic still gives `path:line`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The binary run through `sh` with `umask 000` set first.
fn with_umask_000() -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(common::bin_path())
        .env_remove("NETWERK_INDEX")
        .env_remove("RUST_LOG");
    cmd
}

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo")
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

#[cfg(unix)]
#[test]
fn everything_written_is_owner_only_even_with_umask_000() {
    use std::collections::BTreeMap;
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    // Big enough that the run writes for a while, so its -wal and -shm can be seen.
    std::fs::write(
        input.join("many.vcf"),
        netwerk_import::synth::vcard_file(11, 3000),
    )
    .expect("write");
    let data = dir.path().join("data/netwerk");
    let index = data.join("index.db");
    let mut child = with_umask_000()
        .arg("--index")
        .arg(&index)
        .arg("--quiet")
        .arg(&input)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("runs");
    // Every file that appears beside the index while the run goes on, with its mode.
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    let status = loop {
        if let Ok(entries) = std::fs::read_dir(&data) {
            for entry in entries.flatten() {
                if let Ok(meta) = entry.metadata() {
                    use std::os::unix::fs::PermissionsExt;
                    let name = entry.file_name().to_string_lossy().into_owned();
                    seen.insert(name, meta.permissions().mode() & 0o777);
                }
            }
        }
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    assert!(status.success(), "import failed");
    println!("files seen beside the index during the run: {seen:?}");
    for name in ["index.db", "index.db-wal", "index.db-shm", "index.db.lock"] {
        assert_eq!(seen.get(name), Some(&0o600), "{name}: {seen:?}");
    }
    assert!(
        seen.values().all(|m| *m == 0o600),
        "every file beside the index is owner-only: {seen:?}"
    );
    // The folders the index needed were created owner-only too.
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&dir.path().join("data")), 0o700);

    for format in ["jsonl", "vcard", "csv"] {
        let out = dir.path().join(format!("export.{format}"));
        let status = with_umask_000()
            .arg("--index")
            .arg(&index)
            .args(["export", "--format", format, "--output"])
            .arg(&out)
            .status()
            .expect("export runs");
        assert!(status.success());
        assert_eq!(mode(&out), 0o600, "{format} export");
        assert!(std::fs::metadata(&out).expect("meta").len() > 0);
    }
}

/// Run `args` through `unshare -n` (or directly), returning (exit code, stdout, stderr).
fn run(netns: bool, args: &[&std::ffi::OsStr]) -> (Option<i32>, Vec<u8>, String) {
    let mut cmd = if netns {
        let mut c = Command::new("unshare");
        c.arg("-n").arg(common::bin_path());
        c
    } else {
        Command::new(common::bin_path())
    };
    let out = cmd
        .env_remove("NETWERK_INDEX")
        .env_remove("RUST_LOG")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code(),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(target_os = "linux")]
#[test]
fn the_whole_pipeline_runs_without_a_network() {
    let permitted = Command::new("unshare")
        .args(["-n", "true"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !permitted {
        println!("SKIP the_whole_pipeline_runs_without_a_network: unshare -n is not permitted here (needs root or user namespaces)");
        return;
    }
    // Inside the namespace there is no interface at all, not even loopback up.
    let ip = Command::new("unshare")
        .args(["-n", "cat", "/proc/net/dev"])
        .output()
        .expect("cat");
    let interfaces = String::from_utf8_lossy(&ip.stdout)
        .lines()
        .skip(2)
        .filter(|l| !l.trim_start().starts_with("lo:"))
        .count();
    assert_eq!(interfaces, 0, "{}", String::from_utf8_lossy(&ip.stdout));

    let dir = tempfile::tempdir().expect("tempdir");
    let demo = demo();
    let mut results = Vec::new();
    for netns in [false, true] {
        let index = dir.path().join(format!("index-{netns}.db"));
        let index = index.as_os_str();
        let mut steps = Vec::new();
        steps.push(run(netns, &["--index".as_ref(), index, demo.as_os_str()]));
        for format in ["jsonl", "vcard", "csv"] {
            steps.push(run(
                netns,
                &[
                    "--index".as_ref(),
                    index,
                    "export".as_ref(),
                    "--format".as_ref(),
                    format.as_ref(),
                ],
            ));
        }
        steps.push(run(
            netns,
            &[
                "--index".as_ref(),
                index,
                "who".as_ref(),
                "--json".as_ref(),
                "kees".as_ref(),
            ],
        ));
        results.push(steps);
    }
    // `who` shows when each source was imported: the only difference two runs may have.
    for steps in &mut results {
        let who = &mut steps[4].1;
        let mut value: serde_json::Value = serde_json::from_slice(who).expect("who --json");
        drop_key(&mut value, "imported_at");
        *who = value.to_string().into_bytes();
    }
    let (plain, isolated) = (&results[0], &results[1]);
    assert_eq!(plain[0].0, Some(0), "import: {}", plain[0].2);
    for (i, (a, b)) in plain.iter().zip(isolated).enumerate() {
        assert_eq!(a.0, b.0, "step {i}: exit status");
        assert_eq!(a.1, b.1, "step {i}: stdout differs without a network");
        assert_eq!(a.2, b.2, "step {i}: stderr differs without a network");
    }
    assert!(!plain[1].1.is_empty(), "the export holds persons");
}

fn drop_key(value: &mut serde_json::Value, key: &str) {
    match value {
        serde_json::Value::Object(map) => {
            map.remove(key);
            map.values_mut().for_each(|v| drop_key(v, key));
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| drop_key(v, key)),
        _ => {}
    }
}

/// A fixture with a contact's values and records broken in every way that gives a diagnostic.
const NAMES: &[&str] = &["Zwaantje", "Oosterhuis", "Brechtje", "Lievegoed", "Teuntje"];
const EMAILS: &[&str] = &["zwaantje@voorbeeld.nl", "brechtje@voorbeeld.nl"];
const PHONES: &[&str] = &["0687654321", "06-87654321", "612345098", "06 1234 5098"];

fn privacy_fixture(input: &Path) {
    let write = |name: &str, text: &[u8]| std::fs::write(input.join(name), text).expect("write");
    write(
        "telefoon.vcf",
        concat!(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zwaantje Oosterhuis\r\n",
            "EMAIL:zwaantje@voorbeeld.nl\r\nTEL:06-87654321\r\n",
            // A folded line that lost its indent: a contact's value on a line of its own.
            "Oosterhuis Zwaantje\r\n",
            "TEL;TYPE=\r\nPHOTO;ENCODING=b:Zwaantje===\r\n",
            "END:VCARD\r\n",
            "Brechtje Lievegoed 06 1234 5098\r\n",
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Brechtje Lievegoed\r\nEMAIL:brechtje@voorbeeld.nl\r\n",
        )
        .as_bytes(),
    );
    write(
        "google.csv",
        b"First Name,Last Name,E-mail 1 - Value,Phone 1 - Value\nTeuntje,Oosterhuis\xff,teuntje@voorbeeld.nl,0687654321\nTeuntje,Lievegoed\n\"Brechtje,Lievegoed,x,y\n",
    );
    write(
        "agenda.ics",
        concat!(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Koffie\r\nDTSTART:2026-13-45\r\n",
            "Zwaantje Oosterhuis 0687654321\r\n",
            "ATTENDEE;CN=Zwaantje Oosterhuis:mailto:zwaantje@voorbeeld.nl\r\n",
            "END:VEVENT\r\nEND:VCALENDAR\r\n",
        )
        .as_bytes(),
    );
    write(
        "friends.json",
        b"{\"friends_v2\": [{\"name\": \"Brechtje Lievegoed\", \"timestamp\": 1500000000}, {\"timestamp\": 1}, 7",
    );
}

#[test]
fn stderr_holds_no_contact_values_at_default_and_verbose_levels() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    privacy_fixture(&input);
    let shown = input.to_string_lossy().into_owned();
    for (i, flags) in [&[][..], &["-v"][..]].iter().enumerate() {
        let index = dir.path().join(format!("index-{i}.db"));
        let out = common::command()
            .arg("--index")
            .arg(&index)
            .args(*flags)
            .arg(&input)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{flags:?}: {stderr}");
        for value in NAMES.iter().chain(EMAILS).chain(PHONES) {
            assert!(
                !stderr.to_lowercase().contains(&value.to_lowercase()),
                "{flags:?}: contact value {value:?} on stderr:\n{stderr}"
            );
        }
        // Diagnostics are still located: every file's problems name it and a line.
        let located: Vec<&str> = stderr.lines().filter(|l| l.starts_with(&shown)).collect();
        for file in [
            "telefoon.vcf:",
            "google.csv:",
            "agenda.ics:",
            "friends.json:",
        ] {
            assert!(
                located.iter().any(|l| l.contains(file)
                    && l[shown.len()..]
                        .split(':')
                        .nth(1)
                        .is_some_and(|n| n.trim_start().starts_with(|c: char| c.is_ascii_digit()))),
                "{flags:?}: no path:line diagnostic for {file} in:\n{stderr}"
            );
        }
        // The values were imported all the same.
        let export = common::command()
            .arg("--index")
            .arg(&index)
            .args(["export", "--format", "jsonl"])
            .output()
            .expect("export");
        let jsonl = String::from_utf8_lossy(&export.stdout);
        assert!(jsonl.contains("zwaantje@voorbeeld.nl"), "{jsonl}");
        if i == 1 {
            assert!(
                stderr.contains("new person"),
                "-v lists the changes: {stderr}"
            );
            // And how long each step took: stage names and seconds, nothing else.
            for step in [
                "import reading and normalising: ",
                "index writing files and records: ",
                "identity loading the active records: ",
                "identity the engine: ",
                "import writing the report: ",
            ] {
                let line = stderr.lines().find(|l| l.contains(step));
                let seconds = line.and_then(|l| l.split(step).nth(1));
                assert!(
                    seconds
                        .is_some_and(|s| s.ends_with(" s")
                            && s.trim_end_matches(" s").parse::<f64>().is_ok()),
                    "-v times {step:?}: {stderr}"
                );
            }
        }
    }
    // -vv is where contact values may appear (debug): the change list names persons.
    let index = dir.path().join("index-vv.db");
    let out = common::command()
        .arg("--index")
        .arg(&index)
        .arg("-vv")
        .arg(&input)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Zwaantje Oosterhuis"),
        "-vv names persons: {stderr}"
    );
}
