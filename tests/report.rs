//! The deduplication report: its data, its HTML (golden snapshot), HTML injection, file modes,
//! the subcommand and the pipeline, and a real browser (headless Chromium) rendering it.
//!
//! Fixture indexes are built by hand through `Index::apply` with a fixed `started_at`, so the
//! report is byte-for-byte stable; the matching engine's rows in `match_evidence` are replaced
//! by rows of known weights (with the stable keys of real records). The demo import checks the
//! report against the engine's own rows.
//!
//! Chromium is installed by `scripts/setup`; a missing browser fails the browser test.

// clippy's allow-unwrap-in-tests covers #[test] functions only, not the helpers they share.
#![allow(clippy::unwrap_used)]

mod common;

use common::{bin, demo};
use netwerk_import::model::{
    Address, Contact, Encounter, Name, Org, RawContact, Source, SourceKind, Value,
};
use netwerk_import::report::{self, Options, ReportData};
use netwerk_import::sources::Rejected;
use netwerk_import::store::{EncounterInput, FileInput, Index, RecordInput, RunInput};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const STARTED: &str = "2026-11-20T10:00:00Z";

// ---------------------------------------------------------------------------------------------
// Building a fixture index

/// One record's values; `None`/empty where the source gave nothing.
#[derive(Default, Clone)]
struct Spec<'a> {
    name: &'a str,
    email: &'a str,
    phone: &'a str,
    org: &'a str,
    title: &'a str,
    birthday: &'a str,
    city: &'a str,
    url: &'a str,
}

fn value(v: &str) -> Value {
    Value {
        value: v.to_string(),
        original: v.to_string(),
        label: None,
    }
}

fn values(v: &str) -> Vec<Value> {
    if v.is_empty() {
        Vec::new()
    } else {
        vec![value(v)]
    }
}

fn record(path: &str, kind: SourceKind, ordinal: u32, line: Option<u32>, s: &Spec) -> RecordInput {
    let source = Source {
        path: path.to_string(),
        kind,
        record: ordinal,
        line,
    };
    let raw_text = format!(
        "name={}\nemail={}\nphone={}\norg={}\ntitle={}\nbirthday={}\ncity={}\nurl={}\n",
        s.name, s.email, s.phone, s.org, s.title, s.birthday, s.city, s.url
    );
    let raw = RawContact::new(source.clone(), raw_text);
    let mut c = Contact::empty(source);
    c.name = Name {
        full: Some(s.name.to_string()),
        original: Some(s.name.to_string()),
        ..Name::default()
    };
    c.emails = values(s.email);
    c.phones = values(s.phone);
    if !s.org.is_empty() {
        c.orgs = vec![Org {
            name: s.org.to_string(),
            key: s.org.to_lowercase(),
            original: s.org.to_string(),
            ..Org::default()
        }];
    }
    c.titles = values(s.title);
    c.birthday = (!s.birthday.is_empty()).then(|| value(s.birthday));
    if !s.city.is_empty() {
        c.addresses = vec![Address {
            city: Some(s.city.to_string()),
            original: s.city.to_string(),
            ..Address::default()
        }];
    }
    c.urls = values(s.url);
    RecordInput { raw, contact: c }
}

/// The texts a fixture is made of, so that the same network can be built benign or hostile.
struct Texts<'a> {
    vcf: &'a str,
    csv: &'a str,
    command: &'a str,
    jan: &'a str,
    jan_mail: &'a str,
    phone: &'a str,
    org: &'a str,
    title: &'a str,
    birthday_a: &'a str,
    birthday_b: &'a str,
    city: &'a str,
    url: &'a str,
    kees: &'a str,
    cornelis: &'a str,
    fatima: &'a str,
    event: &'a str,
    reason: &'a str,
    level: &'a str,
}

const BENIGN: Texts = Texts {
    vcf: "telefoon/contacten.vcf",
    csv: "exports/Connections.csv",
    command: "netwerk-import telefoon exports",
    jan: "Jan van der Berg",
    jan_mail: "jan@voorbeeld.nl",
    phone: "+31612345678",
    org: "Stichting Voorbeeld",
    title: "Coördinator",
    birthday_a: "1980-05-01",
    birthday_b: "1981-05-01",
    city: "Utrecht",
    url: "https://www.linkedin.com/in/janvdberg",
    kees: "Kees Jansen",
    cornelis: "Cornelis Jansen",
    fatima: "Fatima El Amrani",
    event: "Congres GGZ",
    reason: "expected 7 fields, found 5",
    level: "exact",
};

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";

/// Every shown text hostile (the e-mail must stay shared, so that the records merge).
const HOSTILE: Texts = Texts {
    vcf: "evil/<script>alert(1)</script>/a.vcf",
    csv: "evil/\"><img src=x onerror=alert(1)>.csv",
    command: "netwerk-import <script>alert(1)</script>",
    jan: SCRIPT,
    jan_mail: "\"><img src=x onerror=alert(1)>@x.nl",
    phone: SCRIPT,
    org: IMG,
    title: SCRIPT,
    birthday_a: SCRIPT,
    birthday_b: IMG,
    city: IMG,
    url: "javascript:alert(1)//<script>alert(1)</script>",
    kees: IMG,
    cornelis: "<b onmouseover=alert(2)>Cornelis</b>",
    fatima: "<script>alert(3)</script>",
    event: IMG,
    reason: "<script>alert(1)</script> \"><img src=x onerror=alert(1)>",
    level: SCRIPT,
};

/// Build the network: a phone export (Jan, Kees) and LinkedIn (Jan again with another
/// birthday, Cornelis, Fatima, one rejected row) met at an event; Fatima has a purpose. Then
/// the engine's rows: Jan's two records merged, Kees and Cornelis an uncertain pair.
fn build(dir: &Path, t: &Texts) -> PathBuf {
    let path = dir.join("index.db");
    let mut index = Index::open(&path).unwrap();
    let mut vcf = FileInput::new(t.vcf, "hash-vcf", 100, SourceKind::Vcard);
    vcf.records = vec![
        record(
            t.vcf,
            SourceKind::Vcard,
            1,
            Some(1),
            &Spec {
                name: t.jan,
                email: t.jan_mail,
                phone: t.phone,
                org: t.org,
                title: t.title,
                birthday: t.birthday_a,
                city: t.city,
                url: t.url,
            },
        ),
        record(
            t.vcf,
            SourceKind::Vcard,
            2,
            Some(12),
            &Spec {
                name: t.kees,
                email: "kees@jansen.nl",
                phone: "+31687654321",
                birthday: "--07-14",
                ..Spec::default()
            },
        ),
    ];
    let mut csv = FileInput::new(t.csv, "hash-csv", 200, SourceKind::CsvLinkedin);
    let linkedin = SourceKind::CsvLinkedin;
    csv.records = vec![
        record(
            t.csv,
            linkedin,
            1,
            Some(3),
            &Spec {
                name: t.jan,
                email: t.jan_mail,
                org: t.org,
                birthday: t.birthday_b,
                ..Spec::default()
            },
        ),
        record(
            t.csv,
            linkedin,
            2,
            Some(4),
            &Spec {
                name: t.cornelis,
                email: "c.jansen@gemeente.nl",
                title: t.title,
                ..Spec::default()
            },
        ),
        record(
            t.csv,
            linkedin,
            3,
            Some(5),
            &Spec {
                name: t.fatima,
                email: "fatima@amrani.nl",
                ..Spec::default()
            },
        ),
    ];
    csv.rejected = vec![Rejected {
        source: Source {
            path: t.csv.to_string(),
            kind: linkedin,
            record: 4,
            line: Some(6),
        },
        raw: "Piet,Puk,,,\n".to_string(),
        reason: t.reason.to_string(),
    }];
    csv.encounter = Some(EncounterInput {
        encounter: Encounter {
            event: Some(t.event.to_string()),
            date: Some("2026-10-03".to_string()),
            place: Some(t.city.to_string()),
            how: "linkedin".to_string(),
            source: t.csv.to_string(),
        },
        note: None,
    });
    let outcome = index
        .apply(RunInput::new(STARTED, t.command, vec![csv, vcf]))
        .unwrap();
    assert!(outcome.changed);
    let fatima = person_of(&path, t.csv, 3);
    index
        .set_purpose(&fatima.1, Some("training"), None, STARTED)
        .unwrap();
    drop(index);

    let jan_a = person_of(&path, t.vcf, 1);
    let jan_b = person_of(&path, t.csv, 1);
    assert_eq!(jan_a.1, jan_b.1, "the shared e-mail made Jan one person");
    let kees = person_of(&path, t.vcf, 2);
    let cornelis = person_of(&path, t.csv, 2);
    let conn = rusqlite::Connection::open(&path).unwrap();
    // The engine wrote its own rows in the run; the fixture replaces them with rows of known
    // weights, so that the report's golden text does not move when the model is retuned.
    conn.execute("DELETE FROM match_evidence", []).unwrap();
    let fields = |list: &[(&str, &str, f64)]| {
        serde_json::to_string(
            &list
                .iter()
                .map(|(f, l, w)| serde_json::json!({"field": f, "level": l, "weight": w}))
                .collect::<Vec<_>>(),
        )
        .unwrap()
    };
    let insert = |kind: &str,
                  seq: i64,
                  a: &(String, String),
                  b: &(String, String),
                  w: f64,
                  p: f64,
                  f: String| {
        conn.execute(
            "INSERT INTO match_evidence (run_id, kind, seq, record_a, record_b, person_a,
                 person_b, weight, probability, swapped, fields_json)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9)",
            rusqlite::params![kind, seq, a.0, b.0, a.1, b.1, w, p, f],
        )
        .unwrap();
    };
    insert(
        "merge",
        1,
        &jan_a,
        &jan_b,
        18.25,
        0.999_996,
        fields(&[
            ("given", t.level, 3.1),
            ("family", "particles", 5.25),
            ("birthday", "else", -4.5),
            ("email", "exact", 12.4),
            ("org", "exact", 2.0),
        ]),
    );
    insert(
        "uncertain",
        1,
        &kees,
        &cornelis,
        1.5,
        0.62,
        fields(&[
            ("given", "nickname", 4.0),
            ("family", "exact", 6.5),
            ("email", "else", -9.0),
        ]),
    );
    path
}

/// (stable key, person id) of a record.
fn person_of(index: &Path, path: &str, ordinal: u32) -> (String, String) {
    let conn = rusqlite::Connection::open(index).unwrap();
    conn.query_row(
        "SELECT r.stable_key, pr.person_id FROM records r
         JOIN person_records pr ON pr.record_id = r.id
         WHERE r.path = ?1 AND r.ordinal = ?2",
        rusqlite::params![path, ordinal],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
    .unwrap()
}

fn load(index: &Path, limit: usize) -> ReportData {
    let index = Index::open(index).unwrap();
    report::load(&index, &Options { limit }).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The data

#[test]
fn data_of_a_small_network() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path(), &BENIGN);
    let d = load(&index, 1000);

    assert_eq!(d.runs, 1);
    assert_eq!(d.last_run.as_ref().unwrap().started_at, STARTED);
    let kinds: Vec<(&str, usize, usize, usize)> = d
        .kinds
        .iter()
        .map(|k| (k.kind.as_str(), k.files, k.records, k.rejected))
        .collect();
    assert_eq!(kinds, [("csv:linkedin", 1, 3, 1), ("vcard", 1, 2, 0)]);
    assert_eq!((d.persons_total, d.persons_retired), (4, 0));

    // The merge names both records with their place and values, and the person.
    assert_eq!(d.merges_total, 1);
    let m = &d.merges[0];
    assert_eq!(m.a.locate(), "telefoon/contacten.vcf:1 (record 1)");
    assert_eq!(m.b.locate(), "exports/Connections.csv:3 (record 1)");
    assert_eq!(m.a.name.as_deref(), Some("Jan van der Berg"));
    assert_eq!(m.a.email.as_deref(), Some("jan@voorbeeld.nl"));
    assert_eq!(m.a.phone.as_deref(), Some("+31612345678"));
    assert_eq!(m.b.phone, None);
    assert!(m.a.found && m.a.active);
    assert_eq!(m.person_a, m.person_b);
    assert_eq!(
        m.person_a.as_ref().unwrap().name.as_deref(),
        Some("Jan van der Berg")
    );
    assert_eq!(m.fields.len(), 5);
    assert_eq!(
        (m.fields[1].field.as_str(), m.fields[1].level.as_str()),
        ("family", "particles")
    );

    // The uncertain pair side by side: Kees's birthday only on his side, marked.
    assert_eq!(d.uncertain_total, 1);
    let u = &d.uncertain[0];
    let row = |f: &str| u.rows.iter().find(|r| r.field == f).unwrap();
    assert_eq!(row("name").a[0].value, "Kees Jansen");
    assert_eq!(row("name").b[0].value, "Cornelis Jansen");
    assert!(row("name").a[0].differs);
    assert!(row("birthday").a[0].differs && row("birthday").b.is_empty());
    assert_eq!(row("title").b[0].value, "Coördinator");
    assert!(!row("sources").a[0].differs, "sources are never marked");

    // Jan's two birthdays, each with the record that said it; Kees's year-less one is alone.
    assert_eq!(d.conflicts_total, 1);
    let c = &d.conflicts[0];
    assert_eq!(c.person.name.as_deref(), Some("Jan van der Berg"));
    assert_eq!(c.fields.len(), 1);
    assert_eq!(c.fields[0].field, "birthday");
    let said: Vec<(&str, Vec<&str>)> = c.fields[0]
        .values
        .iter()
        .map(|v| {
            (
                v.value.as_str(),
                v.sources.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        said,
        [
            ("1980-05-01", vec!["telefoon/contacten.vcf:1 (record 1)"]),
            ("1981-05-01", vec!["exports/Connections.csv:3 (record 1)"]),
        ]
    );

    assert_eq!(d.rejected_total, 1);
    assert_eq!(
        d.rejected[0].render(),
        "exports/Connections.csv:6 (record 4): expected 7 fields, found 5"
    );

    // Met at the event (2026-10-03, within six months of the run); Fatima has a purpose.
    assert_eq!(d.since.as_deref(), Some("2026-05-22"));
    let names: Vec<&str> = d
        .without_purpose
        .iter()
        .map(|p| p.name.as_deref().unwrap())
        .collect();
    assert_eq!(d.without_purpose_total, 2);
    assert!(
        names.contains(&"Jan van der Berg") && names.contains(&"Cornelis Jansen"),
        "{names:?}"
    );
}

#[test]
fn html_golden() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path(), &BENIGN);
    let d = load(&index, 1000);
    let html = report::render_html(&d);
    insta::assert_snapshot!("network_html", html);
    insta::assert_snapshot!(
        report::render_terminal(&d, Some("/home/ik/.local/share/netwerk-import/report.html")),
        @r"
    report: 1 run, 2 files (csv:linkedin 1, vcard 1); 5 records imported, 1 rejected; 4 persons
      1 automatic merge, 1 uncertain pair → netwerk-import review, 1 person with conflicting values
      1 rejected record (listed in the report)
      2 persons met in the last six months without a purpose → netwerk-import who --no-purpose
      written to /home/ik/.local/share/netwerk-import/report.html
    "
    );
}

#[test]
fn lists_are_cut_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path(), &BENIGN);
    let d = load(&index, 1);
    assert_eq!((d.without_purpose.len(), d.without_purpose_total), (1, 2));
    let html = report::render_html(&d);
    assert!(html.contains("The first 1 of 2 are shown."), "{html}");
    let d = load(&index, 0);
    assert!(d.merges.is_empty() && d.uncertain.is_empty() && d.rejected.is_empty());
    assert_eq!(
        (d.merges_total, d.uncertain_total, d.rejected_total),
        (1, 1, 1)
    );
}

#[test]
fn an_empty_index_gives_an_empty_report() {
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open(&dir.path().join("index.db")).unwrap();
    let d = report::load(&index, &Options::default()).unwrap();
    assert_eq!(d, ReportData::default());
    let html = report::render_html(&d);
    assert!(html.contains("The index is empty"), "{html}");
    assert!(report::render_terminal(&d, None).starts_with("report: 0 runs, 0 files;"));
}

#[test]
fn evidence_naming_records_that_are_gone_still_renders() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path(), &BENIGN);
    let conn = rusqlite::Connection::open(&index).unwrap();
    conn.execute(
        "UPDATE match_evidence SET record_b = 'gone.vcf#9#abc', person_b = 'p-000000000000'",
        [],
    )
    .unwrap();
    let d = load(&index, 1000);
    let u = &d.uncertain[0];
    assert!(!u.evidence.b.found);
    assert_eq!(u.evidence.b.locate(), "gone.vcf#9#abc");
    // The unknown person is an empty column: every value of the other side is marked.
    assert!(u.rows.iter().all(|r| r.b.is_empty()));
    assert!(report::render_html(&d).contains("no record with this key any more"));
}

// ---------------------------------------------------------------------------------------------
// HTML injection

/// The tags of a page, in order, with their attributes.
fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        out.push(&rest[start..start + len + 1]);
        rest = &rest[start + len + 1..];
    }
    out
}

#[test]
fn hostile_values_are_inert_text() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = load(&build(&dir.path().join("h"), &HOSTILE), 1000);
    let benign = load(&build(&dir.path().join("b"), &BENIGN), 1000);
    let html = report::render_html(&hostile);

    let lower = html.to_lowercase();
    for bad in [
        "<script",
        "<img",
        "<b ",
        "onerror=alert(1)>",
        "onmouseover=alert(2)>",
    ] {
        assert!(!lower.contains(bad), "{bad} got through:\n{html}");
    }
    // Every payload is there, as text, in every section that shows it.
    let script = "&lt;script&gt;alert(1)&lt;/script&gt;";
    let img = "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;";
    for (section, wanted) in [
        ("summary", vec![script]),
        (
            "merges",
            vec![script, img, "evil/&lt;script&gt;", "evil/&quot;&gt;&lt;img"],
        ),
        (
            "uncertain",
            vec![
                img,
                "&lt;b onmouseover=alert(2)&gt;Cornelis&lt;/b&gt;",
                script,
            ],
        ),
        ("conflicts", vec![script, img]),
        ("rejected", vec![script, img]),
        ("purpose", vec![script, img]),
    ] {
        let start = html.find(&format!("<section id=\"{section}\">")).unwrap();
        let end = html[start..].find("</section>").unwrap() + start;
        for w in wanted {
            assert!(html[start..end].contains(w), "{section} lacks {w}");
        }
    }
    // The same network with harmless texts has exactly the same elements: the payloads
    // added none.
    assert_eq!(tags(&html), tags(&report::render_html(&benign)));
    assert!(hostile.conflicts_total == 1 && hostile.merges_total == 1);
}

// ---------------------------------------------------------------------------------------------
// Through the binary: the subcommand, the pipeline, file modes

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_report_subcommand_writes_owner_only_and_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path(), &BENIGN);
    let expected = report::render_html(&load(&index, report::DEFAULT_LIMIT));

    let out = bin()
        .arg("--index")
        .arg(&index)
        .arg("report")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let default = dir.path().join("report.html");
    assert_eq!(std::fs::read_to_string(&default).unwrap(), expected);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1 uncertain pair → netwerk-import review"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("written to {}", default.display())),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());

    // An existing, world-readable file is narrowed to its owner.
    let custom = dir.path().join("elsewhere.html");
    std::fs::write(&custom, "old").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&custom, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let out = bin()
        .arg("--index")
        .arg(&index)
        .args(["report", "-q", "-o"])
        .arg(&custom)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "--quiet");
    assert_eq!(std::fs::read_to_string(&custom).unwrap(), expected);
    #[cfg(unix)]
    {
        assert_eq!(mode(&default), 0o600);
        assert_eq!(mode(&custom), 0o600);
    }

    let out = bin()
        .arg("--index")
        .arg(&index)
        .args(["report", "-o", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);

    // A report that cannot be written is a fatal error that says where.
    let out = bin()
        .arg("--index")
        .arg(&index)
        .args(["report", "-o"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("creating {}", dir.path().display())),
        "{stderr}"
    );

    let out = bin()
        .arg("--index")
        .arg(dir.path().join("missing.db"))
        .arg("report")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no index yet"));
}

#[test]
fn an_import_that_changes_the_index_writes_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index.db");
    let report_path = dir.path().join("report.html");
    let import = |extra: &[&str]| {
        bin()
            .arg("--index")
            .arg(&index)
            .args(["--me", "ik@voorbeeld.nl"])
            .args(extra)
            .arg(demo())
            .output()
            .unwrap()
    };

    // A dry run writes nothing, the report neither.
    let out = import(&["--dry-run"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!report_path.exists());

    let out = import(&[]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("written to {}", report_path.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains("persons with conflicting values"),
        "{stderr}"
    );
    #[cfg(unix)]
    assert_eq!(mode(&report_path), 0o600);
    let written = std::fs::read_to_string(&report_path).unwrap();
    assert!(written.starts_with("<!DOCTYPE html>"));
    assert!(written.contains("Fatima El Amrani"));
    // The engine's own evidence: every merge it stored is shown, naming records that exist.
    let conn = rusqlite::Connection::open(&index).unwrap();
    let merges: i64 = conn
        .query_row(
            "SELECT count(*) FROM match_evidence WHERE kind = 'merge'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert!(merges > 0, "the engine merged the demo's people");
    assert!(written.contains(&format!("Automatic merges ({merges})")));
    assert_eq!(written.matches("<h3>Merge ").count() as i64, merges);
    assert!(!written.contains("no record with this key any more"));
    assert!(!written.contains("(no person)"));
    // The run's report is what `report` writes again from the index.
    let again = bin()
        .arg("--index")
        .arg(&index)
        .args(["report", "-o", "-"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(again.stdout).unwrap(), written);

    // Nothing changed: no report written, none announced.
    std::fs::remove_file(&report_path).unwrap();
    let out = import(&[]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("report:"));
    assert!(!report_path.exists());

    // A new file changes the index: the report is written again, and with --quiet nothing
    // is printed.
    let more = dir.path().join("more");
    std::fs::create_dir(&more).unwrap();
    std::fs::write(
        more.join("nieuw.vcf"),
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna de Vries\r\nEMAIL:anna@devries.nl\r\nEND:VCARD\r\n",
    )
    .unwrap();
    let out = bin()
        .arg("--index")
        .arg(&index)
        .arg("-q")
        .arg(&more)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read_to_string(&report_path)
        .unwrap()
        .contains("<p>The index after run 2, started "));

    // A purpose or a decision changes what the report shows: it is written again at once.
    let before = std::fs::read_to_string(&report_path).unwrap();
    let out = bin()
        .arg("--index")
        .arg(&index)
        .args([
            "note",
            "Jan van der Berg",
            "--offer",
            "Peer-support training",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let after = std::fs::read_to_string(&report_path).unwrap();
    assert_ne!(before, after, "the purpose list changed");
    let purpose = |html: &str| html[html.find("<section id=\"purpose\">").unwrap()..].to_string();
    assert!(purpose(&before).contains("Jan van der Berg"));
    assert!(!purpose(&after).contains("Jan van der Berg"));
    let jan = bin()
        .arg("--index")
        .arg(&index)
        .args(["who", "--json", "Jan van der Berg"])
        .output()
        .unwrap();
    let jan: serde_json::Value = serde_json::from_slice(&jan.stdout).unwrap();
    let anna = bin()
        .arg("--index")
        .arg(&index)
        .args(["who", "--json", "anna@devries.nl"])
        .output()
        .unwrap();
    let anna: serde_json::Value = serde_json::from_slice(&anna.stdout).unwrap();
    let (a, b) = (
        jan["matches"][0]["id"].as_str().unwrap().to_string(),
        anna["matches"][0]["id"].as_str().unwrap().to_string(),
    );
    let out = bin()
        .arg("--index")
        .arg(&index)
        .args(["merge", &a, &b])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("report: "));
    let merged = std::fs::read_to_string(&report_path).unwrap();
    assert_ne!(merged, after, "the merge is in the report");
}

// ---------------------------------------------------------------------------------------------
// A real browser

/// A missing browser is a failure, not a skip: the setup installs it.
fn require_chromium() {
    let probe = std::process::Command::new("chromium")
        .arg("--version")
        .output();
    assert!(
        probe.is_ok_and(|o| o.status.success()),
        "chromium is not installed: run scripts/setup (Debian package `chromium`)"
    );
}

/// Run chromium headless with these arguments; fails the test, naming `scripts/setup`, when
/// it is not installed.
fn chromium(profile: &Path, args: &[String]) -> std::process::Output {
    require_chromium();
    let mut child = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A hung browser must not hang the suite.
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn chromium_renders_the_report_and_runs_nothing_injected() {
    require_chromium();
    let dir = tempfile::tempdir().unwrap();
    let index = build(&dir.path().join("h"), &HOSTILE);
    let page = dir.path().join("report.html");
    let out = bin()
        .arg("--index")
        .arg(&index)
        .args(["report", "-q", "-o"])
        .arg(&page)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let url = format!("file://{}", page.display());
    let profile = dir.path().join("profile");

    // The DOM as the browser built it: the payloads are text, no element came from them.
    let dom = chromium(&profile, &["--dump-dom".to_string(), url.clone()]);
    let dom = String::from_utf8_lossy(&dom.stdout).into_owned();
    assert!(dom.contains("<h1>Deduplication report</h1>"), "{dom}");
    let lower = dom.to_lowercase();
    assert!(!lower.contains("<script"), "a script element: {dom}");
    assert!(!lower.contains("<img"), "an img element: {dom}");
    assert!(
        !lower.contains("onmouseover=\""),
        "an event attribute: {dom}"
    );
    assert!(
        dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{dom}"
    );
    assert!(dom.contains("&lt;img src=x onerror=alert(1)&gt;"), "{dom}");
    assert!(
        dom.contains("&lt;b onmouseover=alert(2)&gt;Cornelis&lt;/b&gt;"),
        "{dom}"
    );

    // The screenshot: the header band in its colour across the top, text below it.
    let png = dir.path().join("shot.png");
    let shot = chromium(
        &profile,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,2000".to_string(),
            "--hide-scrollbars".to_string(),
            url,
        ],
    );
    assert!(
        png.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let img = image::open(&png).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), (1280, 2000));
    let [r, g, b] = report::BAND_COLOUR;
    let near = |p: &image::Rgb<u8>, c: [u8; 3]| p.0.iter().zip(c).all(|(a, b)| a.abs_diff(b) <= 3);
    for (x, y) in [(2, 2), (640, 5), (1270, 40), (900, 70)] {
        assert!(
            near(img.get_pixel(x, y), [r, g, b]),
            "header band at ({x}, {y}) is {:?}",
            img.get_pixel(x, y)
        );
    }
    // Below the band: mostly white page with plenty of dark text.
    let (mut white, mut dark, mut total) = (0u32, 0u32, 0u32);
    for y in 120..2000 {
        for x in 0..1280 {
            let p = img.get_pixel(x, y).0;
            total += 1;
            if p.iter().all(|&c| c >= 245) {
                white += 1;
            }
            if p.iter().all(|&c| c < 90) {
                dark += 1;
            }
        }
    }
    assert!(
        white * 2 > total,
        "the page is not mostly white: {white} of {total}"
    );
    assert!(dark > 5000, "hardly any text rendered: {dark} dark pixels");
}
