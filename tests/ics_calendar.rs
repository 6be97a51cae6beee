//! Calendars as encounter evidence, through the library: the reader on malformed input, which
//! attendees count, and how the store links events to persons — by e-mail, weaker by a name
//! only one person has, never creating a person, and again when the person arrives later.

// clippy's allow-unwrap-in-tests covers #[test] functions only, not the helpers they share.
#![allow(clippy::unwrap_used)]

use netwerk_import::encounter;
use netwerk_import::model::{Contact, Name, RawContact, Source, SourceKind, Value};
use netwerk_import::sources::ics;
use netwerk_import::store::{FileInput, Index, RecordInput, RunInput};
use std::path::Path;

const ME: &str = "ik@voorbeeld.nl";

/// A contact with a full name and e-mails.
fn record(path: &str, ordinal: u32, name: &str, emails: &[&str]) -> RecordInput {
    let source = Source {
        path: path.to_string(),
        kind: SourceKind::Vcard,
        record: ordinal,
        line: Some(ordinal),
    };
    let raw = RawContact::new(source.clone(), format!("{name} {emails:?}"));
    let mut contact = Contact::empty(source);
    contact.name = Name {
        full: Some(name.to_string()),
        original: Some(name.to_string()),
        ..Name::default()
    };
    contact.emails = emails
        .iter()
        .map(|e| Value {
            value: e.to_string(),
            original: e.to_string(),
            label: None,
        })
        .collect();
    RecordInput { raw, contact }
}

fn contacts(path: &str, people: &[(&str, &[&str])]) -> FileInput {
    let mut f = FileInput::new(path, &format!("hash of {people:?}"), 1, SourceKind::Vcard);
    f.records = people
        .iter()
        .enumerate()
        .map(|(i, (name, emails))| record(path, i as u32 + 1, name, emails))
        .collect();
    f
}

fn calendar(path: &str, text: &str) -> FileInput {
    let read = ics::read(path, text.as_bytes());
    assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
    let mut f = FileInput::new(path, &format!("hash of {text}"), 1, SourceKind::Ics);
    f.events = read
        .events
        .iter()
        .map(|e| encounter::for_event(path, e, &[ME.to_string()]))
        .filter(|e| !e.attendees.is_empty())
        .collect();
    f
}

fn event(summary: &str, date: &str, lines: &[&str]) -> String {
    format!(
        "BEGIN:VEVENT\r\nSUMMARY:{summary}\r\nDTSTART;VALUE=DATE:{date}\r\n{}\r\nEND:VEVENT\r\n",
        lines.join("\r\n")
    )
}

fn vcalendar(events: &[String]) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{}END:VCALENDAR\r\n",
        events.concat()
    )
}

fn apply(index: &mut Index, files: Vec<FileInput>) {
    index
        .apply(RunInput::new("2026-12-01T00:00:00Z", "test", files))
        .unwrap();
}

/// `event (matched_by, attendees)` per encounter of the person holding `email`.
fn meetings(index: &Index, email: &str) -> Vec<String> {
    let ids = index.persons_with_value("email", email).unwrap();
    assert_eq!(ids.len(), 1, "{email}: {ids:?}");
    let detail = index.details(&ids).unwrap().pop().unwrap();
    detail
        .encounters
        .iter()
        .filter(|e| e.encounter.how == "meeting")
        .map(|e| {
            format!(
                "{} ({}, {})",
                e.encounter.event.as_deref().unwrap_or("-"),
                e.matched_by,
                e.attendees.map_or("-".to_string(), |n| n.to_string())
            )
        })
        .collect()
}

fn open(dir: &Path) -> Index {
    Index::open(&dir.join("index.db")).unwrap()
}

#[test]
fn attendees_are_matched_by_email_then_by_a_unique_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = open(dir.path());
    apply(
        &mut index,
        vec![contacts(
            "a.vcf",
            &[
                ("Jan van der Berg", &["jan@x.nl"]),
                ("Kees Jansen", &["kees@x.nl"]),
                ("Eva de Vries", &["eva1@x.nl"]),
                ("Eva de Vries", &["eva2@x.nl"]),
            ],
        )],
    );
    let persons_before = index.persons_total().unwrap();
    let cal = vcalendar(&[
        // One-to-one: me and Jan (his address in capitals).
        event(
            "Koffie",
            "20261001",
            &[
                "ORGANIZER:mailto:ik@voorbeeld.nl",
                "ATTENDEE;CN=Jan:mailto:JAN@X.NL",
            ],
        ),
        // Kees under an unknown address: by name. Eva: two persons have that name, so nobody.
        // A stranger: nobody, and no new person.
        event(
            "Overleg",
            "20261002",
            &[
                "ATTENDEE;CN=kees JANSEN:mailto:kees@elders.example",
                "ATTENDEE;CN=Eva de Vries:mailto:eva@elders.example",
                "ATTENDEE;CN=Onbekend:mailto:onbekend@elders.example",
            ],
        ),
        // Declined, a room, and me: none of them count.
        event(
            "Afgezegd",
            "20261003",
            &[
                "ATTENDEE;PARTSTAT=DECLINED:mailto:jan@x.nl",
                "ATTENDEE;CUTYPE=ROOM;CN=Zaal:mailto:kees@x.nl",
                "ATTENDEE:mailto:ik@voorbeeld.nl",
            ],
        ),
    ]);
    apply(&mut index, vec![calendar("agenda.ics", &cal)]);
    assert_eq!(
        index.persons_total().unwrap(),
        persons_before,
        "no new people"
    );
    assert_eq!(meetings(&index, "jan@x.nl"), ["Koffie (email, 1)"]);
    assert_eq!(meetings(&index, "kees@x.nl"), ["Overleg (name, 3)"]);
    assert!(meetings(&index, "eva1@x.nl").is_empty());
    assert!(meetings(&index, "eva2@x.nl").is_empty());
}

#[test]
fn a_person_imported_after_the_calendar_gets_its_meetings() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = open(dir.path());
    let cal = vcalendar(&[event(
        "Kennismaking",
        "20261001",
        &["ATTENDEE;CN=Sanne:mailto:sanne@x.nl"],
    )]);
    apply(&mut index, vec![calendar("agenda.ics", &cal)]);
    assert_eq!(index.persons_total().unwrap(), 0, "a calendar makes nobody");
    apply(
        &mut index,
        vec![contacts("b.vcf", &[("Sanne de Wit", &["sanne@x.nl"])])],
    );
    assert_eq!(meetings(&index, "sanne@x.nl"), ["Kennismaking (email, 1)"]);
}

#[test]
fn a_malformed_calendar_is_read_as_far_as_it_goes() {
    // (text, events found as `summary@date`, diagnostics)
    let cases: &[(&str, &str, &[&str])] = &[
        ("", "", &["c.ics: no BEGIN:VCALENDAR found; not a calendar"]),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:a\nDTSTART:2026\nEND:VEVENT\nEND:VCALENDAR\n",
            "a@-",
            &["c.ics:4: DTSTART \"2026\" is not a date; event kept undated"],
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:a\ngarbage line\nEND:VEVENT\nEND:VEVENT\nEND:VCALENDAR\n",
            "a@-",
            &[
                "c.ics:4: not an iCalendar content line, skipped",
                "c.ics:6: END:VEVENT without BEGIN, skipped",
            ],
        ),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:a\r\nDTSTART:20261001\r\nBEGIN:VEVENT\r\nSUMMARY:b\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "a@2026-10-01 b@-",
            &["c.ics:5: BEGIN:VEVENT inside an event; the open event ends here"],
        ),
        (
            "BEGIN:VCALENDAR\rBEGIN:VEVENT\rSUMMARY:lone CR\rDTSTART:20261001T090000Z\rEND:VEVENT\rEND:VCALENDAR",
            "lone CR@2026-10-01",
            &[],
        ),
    ];
    for (text, want, diags) in cases {
        let got = ics::read("c.ics", text.as_bytes());
        let events: Vec<String> = got
            .events
            .iter()
            .map(|e| {
                format!(
                    "{}@{}",
                    e.summary.as_deref().unwrap_or("-"),
                    e.date.as_deref().unwrap_or("-")
                )
            })
            .collect();
        assert_eq!(events.join(" "), *want, "case {text:?}");
        let got: Vec<String> = got.diagnostics.iter().map(|d| d.to_string()).collect();
        assert_eq!(got, *diags, "case {text:?}");
    }
}
