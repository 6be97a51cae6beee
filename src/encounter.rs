//! Where and when we met: every kind of encounter evidence except the index lookups.
//!
//! In: the display path of an input file, the sidecars (`netwerk.toml`) found beside the
//! inputs, the run's `--event/--date/--place` flags, each record (raw and normalised), and the
//! events of calendar files. Out: [`EncounterInput`]s for the store, strongest evidence first
//! (DESIGN.md):
//!
//! 1. the nearest `netwerk.toml` above the file (its fields win, its `note` goes with it);
//! 2. the nearest folder whose name starts with an ISO date (`2026-10-03 Congres GGZ,
//!    Utrecht/`: date, event, and the place after the last comma) — a sidecar without a date
//!    or event borrows them from the folder name;
//! 3. a card photo's own EXIF date and GPS position ([`for_record`]; see "The EXIF hook");
//! 4. the source's own date: LinkedIn `Connected On`, an invitation's `Sent At` (its message
//!    becomes the encounter's note), a Facebook friendship timestamp;
//! 5. calendar events ([`for_event`]): the attendees that may be persons, with the user's own
//!    addresses (`--me`), declined invitations, rooms and resources left out;
//! 6. the run's `--event/--date/--place` flags ([`from_flags`]), for files that 1 and 2 say
//!    nothing about.
//!
//! ## The EXIF hook
//!
//! The business-card reader (`sources::scan`) gives the photo's evidence through fields the
//! model already has: the EXIF `DateTimeOriginal` in `RawContact::connected_on` (as
//! `YYYY-MM-DD`, or EXIF's own `YYYY:MM:DD HH:MM:SS`) and the GPS position as an `extra`
//! entry named [`EXIF_GPS`] with `latitude,longitude` in decimal degrees. For a scan inside a
//! folder with a sidecar or a dated name, the EXIF date and position only fill what the folder
//! leaves open (the folder names the event; the photo is the same meeting). Elsewhere they make
//! a `card` encounter of their own.
//!
//! Pure: the pipeline reads the sidecar files and calendars; the store matches attendees to
//! persons. This module only parses text and paths and decides.

use crate::diag::Diagnostic;
use crate::model::{Contact, Encounter, RawContact, SourceKind};
use crate::sources::ics::{Event as CalendarEvent, Participant};
use crate::store::{Attendee, EncounterInput, EventInput};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A parsed `netwerk.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sidecar {
    pub event: Option<String>,
    /// `2026-10-03` (a TOML date) or a string in that form.
    #[serde(default, deserialize_with = "date_or_string")]
    pub date: Option<String>,
    pub place: Option<String>,
    pub note: Option<String>,
    /// How the people in this folder were met (`in-person`, `meeting`, `card`); optional.
    pub how: Option<String>,
}

fn date_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum DateLike {
        Date(toml::value::Datetime),
        Text(String),
    }
    Ok(match Option::<DateLike>::deserialize(d)? {
        None => None,
        Some(DateLike::Date(dt)) => dt.date.map(|d| d.to_string()),
        Some(DateLike::Text(s)) => Some(s),
    })
}

/// Parse a sidecar's text. Errors are located (`path:line: what`).
pub fn parse_sidecar(path: &str, text: &str) -> Result<Sidecar, Diagnostic> {
    let sidecar: Sidecar = toml::from_str(text).map_err(|err| {
        let line = err.span().map(|span| {
            let n = text[..span.start.min(text.len())].matches('\n').count() + 1;
            u32::try_from(n).unwrap_or(u32::MAX)
        });
        let message = err.message().trim().to_string();
        Diagnostic::file(path, format!("invalid sidecar, ignored: {message}")).at(line)
    })?;
    if let Some(date) = &sidecar.date {
        if !is_iso_date(date) {
            return Err(Diagnostic::file(
                path,
                format!("invalid sidecar, ignored: date {date:?} is not YYYY-MM-DD"),
            ));
        }
    }
    Ok(sidecar)
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u8>().unwrap_or(0))
}

/// What a dated folder name says: (date, event, place).
pub type FolderInfo = (String, Option<String>, Option<String>);

/// A dated folder name: `2026-10-03 Congres GGZ, Utrecht` → (date, event, place).
pub fn parse_folder(name: &str) -> Option<FolderInfo> {
    let date = name.get(..10)?;
    if !is_iso_date(date) {
        return None;
    }
    let rest = name[10..].trim_start_matches([' ', '_', '-']).trim();
    if rest.is_empty() {
        return Some((date.to_string(), None, None));
    }
    match rest.rsplit_once(',') {
        Some((event, place)) if !place.trim().is_empty() => Some((
            date.to_string(),
            Some(event.trim().to_string()),
            Some(place.trim().to_string()),
        )),
        _ => Some((date.to_string(), Some(rest.to_string()), None)),
    }
}

/// How records of this kind were met when a folder says where.
fn how_for(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Scan => "card",
        SourceKind::Ics => "meeting",
        _ => "in-person",
    }
}

/// The name of the `extra` entry in which the scan reader gives a photo's GPS position.
pub const EXIF_GPS: &str = "exif:gps";

/// What `source` says for encounters given on the command line.
pub const COMMAND_LINE: &str = "(command line)";

/// The encounter for a file at `path` (a display path, `/`-separated), given the parsed
/// sidecars keyed by the display path of their folder.
pub fn for_file(
    path: &str,
    kind: SourceKind,
    sidecars: &BTreeMap<String, (String, Sidecar)>,
) -> Option<EncounterInput> {
    let mut sidecar: Option<&(String, Sidecar)> = None;
    let mut folder: Option<(String, FolderInfo)> = None;
    let mut dir = Path::new(path).parent();
    while let Some(d) = dir {
        let key = d.to_string_lossy().into_owned();
        if sidecar.is_none() {
            sidecar = sidecars.get(&key);
        }
        if folder.is_none() {
            if let Some(parsed) = d
                .file_name()
                .and_then(|n| parse_folder(&n.to_string_lossy()))
            {
                folder = Some((key, parsed));
            }
        }
        if sidecar.is_some() && folder.is_some() {
            break;
        }
        dir = d.parent();
    }
    match (sidecar, folder) {
        (None, None) => None,
        (Some((source, s)), folder) => {
            let (fdate, fevent, fplace) = folder.map(|(_, f)| f).unwrap_or_default();
            let date = s.date.clone().or(Some(fdate).filter(|d| !d.is_empty()));
            Some(EncounterInput {
                encounter: Encounter {
                    event: s.event.clone().or(fevent),
                    date,
                    place: s.place.clone().or(fplace),
                    how: s.how.clone().unwrap_or_else(|| how_for(kind).to_string()),
                    source: source.clone(),
                },
                note: s.note.clone().filter(|n| !n.trim().is_empty()),
            })
        }
        (None, Some((dir, (date, event, place)))) => Some(EncounterInput {
            encounter: Encounter {
                event,
                date: Some(date),
                place,
                how: how_for(kind).to_string(),
                source: dir,
            },
            note: None,
        }),
    }
}

/// The run's own encounter from `--event`, `--date` and `--place`: `None` when none is given.
/// `date` must already be checked (`YYYY-MM-DD`); [`check_date`] does that.
pub fn from_flags(
    event: Option<&str>,
    date: Option<&str>,
    place: Option<&str>,
    kind: SourceKind,
) -> Option<EncounterInput> {
    let clean = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(String::from);
    let (event, date, place) = (clean(event), clean(date), clean(place));
    if event.is_none() && date.is_none() && place.is_none() {
        return None;
    }
    Some(EncounterInput {
        encounter: Encounter {
            event,
            date,
            place,
            how: how_for(kind).to_string(),
            source: COMMAND_LINE.to_string(),
        },
        note: None,
    })
}

/// `Ok` when `date` is an ISO date (`YYYY-MM-DD`), else the message for the user.
pub fn check_date(date: &str) -> Result<(), String> {
    if is_iso_date(date.trim()) {
        Ok(())
    } else {
        Err(format!("date {date:?} is not YYYY-MM-DD"))
    }
}

/// How a source's own relationship date was made.
pub fn connection_how(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::CsvLinkedin | SourceKind::CsvLinkedinInvitations => "linkedin",
        SourceKind::JsonFacebook => "facebook",
        SourceKind::Scan => "card",
        SourceKind::Ics => "meeting",
        _ => "connected",
    }
}

/// The encounters one record tells: the file's encounter (sidecar, folder or flags), and the
/// record's own date — a connection date, an invitation (its message as the note, its
/// direction as the event), or a card photo's EXIF date and position (see the module doc).
pub fn for_record(
    raw: &RawContact,
    contact: &Contact,
    file: Option<&EncounterInput>,
) -> Vec<EncounterInput> {
    let path = &raw.source.path;
    let kind = raw.source.kind;
    let date = contact
        .connected_on
        .as_ref()
        .map(|v| v.value.trim().to_string())
        .filter(|v| is_iso_date(v));
    let mut out = Vec::new();
    if kind == SourceKind::Scan {
        let date = date.or_else(|| raw.connected_on.as_deref().and_then(exif_date));
        let place = raw
            .extra
            .iter()
            .find(|(k, _)| k == EXIF_GPS)
            .and_then(|(_, v)| gps_place(v));
        match file {
            Some(f) => {
                let mut f = f.clone();
                let e = &mut f.encounter;
                e.date = e.date.take().or(date);
                e.place = e.place.take().or(place);
                out.push(f);
            }
            None if date.is_some() || place.is_some() => out.push(EncounterInput {
                encounter: Encounter {
                    event: None,
                    date,
                    place,
                    how: connection_how(kind).to_string(),
                    source: path.clone(),
                },
                note: None,
            }),
            None => {}
        }
        return out;
    }
    out.extend(file.cloned());
    if let Some(date) = date {
        let (event, note) = if kind == SourceKind::CsvLinkedinInvitations {
            let direction = raw
                .extra
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("direction"))
                .map(|(_, v)| v.trim().to_ascii_uppercase());
            let event = match direction.as_deref() {
                Some("INCOMING") => "LinkedIn invitation received",
                Some("OUTGOING") => "LinkedIn invitation sent",
                _ => "LinkedIn invitation",
            };
            let note = contact
                .notes
                .first()
                .map(|n| n.value.trim().to_string())
                .filter(|n| !n.is_empty());
            (Some(event.to_string()), note)
        } else {
            (None, None)
        };
        out.push(EncounterInput {
            encounter: Encounter {
                event,
                date: Some(date),
                place: None,
                how: connection_how(kind).to_string(),
                source: path.clone(),
            },
            note,
        });
    }
    out
}

/// EXIF's `2026:10:03 14:12:00` (or an ISO date) → `2026-10-03`.
fn exif_date(s: &str) -> Option<String> {
    let s = s.trim();
    let day = s.get(..10)?.replace(':', "-");
    is_iso_date(&day).then_some(day)
}

/// `52.0894,5.1152` → `52.08940, 5.11520` when both are degrees in range.
fn gps_place(s: &str) -> Option<String> {
    let (lat, lon) = s.split_once(',')?;
    let lat: f64 = lat.trim().parse().ok()?;
    let lon: f64 = lon.trim().parse().ok()?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
        .then(|| format!("{lat:.5}, {lon:.5}"))
}

/// Whether a calendar participant can be a person met: not a room, resource or group, not
/// declined, not one of the user's own addresses (`me`, compared without case).
pub fn participant_counts(p: &Participant, me: &[String]) -> bool {
    let not_a_person = matches!(
        p.cutype.as_deref(),
        Some("ROOM") | Some("RESOURCE") | Some("GROUP")
    );
    let declined = p.partstat.as_deref() == Some("DECLINED");
    let mine = p
        .email
        .as_deref()
        .is_some_and(|e| me.iter().any(|m| m.eq_ignore_ascii_case(e)));
    let nobody = p.email.is_none() && p.name.is_none();
    !(not_a_person || declined || mine || nobody)
}

/// The calendar's owner when the user did not say (`--me`): the one address that takes part
/// in every event with participants, provided there are at least 3 such events (a calendar
/// export always shows its owner as organizer or attendee). `None` when no address, or more
/// than one, qualifies.
pub fn calendar_owner(events: &[CalendarEvent]) -> Option<String> {
    let with_people: Vec<&CalendarEvent> = events
        .iter()
        .filter(|e| e.organizer.is_some() || !e.attendees.is_empty())
        .collect();
    if with_people.len() < 3 {
        return None;
    }
    let addresses = |e: &CalendarEvent| -> BTreeSet<String> {
        e.organizer
            .iter()
            .chain(&e.attendees)
            .filter_map(|p| p.email.clone())
            .collect()
    };
    let mut common = addresses(with_people[0]);
    for e in &with_people[1..] {
        let here = addresses(e);
        common.retain(|a| here.contains(a));
    }
    let mut it = common.into_iter();
    match (it.next(), it.next()) {
        (Some(owner), None) => Some(owner),
        _ => None,
    }
}

/// The store's input for one calendar event: a `meeting` encounter with the participants that
/// count (the organizer too, unless that is the user), each once. `me` are the user's own
/// addresses, lower-case.
pub fn for_event(path: &str, event: &CalendarEvent, me: &[String]) -> EventInput {
    let mut attendees: Vec<Attendee> = Vec::new();
    for p in event.organizer.iter().chain(&event.attendees) {
        if !participant_counts(p, me) {
            continue;
        }
        let a = Attendee {
            email: p.email.clone(),
            name: p.name.clone(),
        };
        let dup = attendees.iter().any(|b| match (&a.email, &b.email) {
            (Some(x), Some(y)) => x == y,
            _ => a.email.is_none() && b.email.is_none() && a.name == b.name,
        });
        if !dup {
            attendees.push(a);
        }
    }
    EventInput {
        ordinal: event.ordinal,
        line: event.line,
        raw: event.raw.clone(),
        encounter: EncounterInput {
            encounter: Encounter {
                event: event.summary.clone(),
                date: event.date.clone(),
                place: event.location.clone(),
                how: "meeting".to_string(),
                source: path.to_string(),
            },
            note: event.description.clone(),
        },
        attendees,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Folder = (
        &'static str,
        Option<(&'static str, Option<&'static str>, Option<&'static str>)>,
    );
    const FOLDERS: &[Folder] = &[
        (
            "2026-10-03 Congres GGZ, Utrecht",
            Some(("2026-10-03", Some("Congres GGZ"), Some("Utrecht"))),
        ),
        (
            "2026-10-03 Landelijke dag",
            Some(("2026-10-03", Some("Landelijke dag"), None)),
        ),
        ("2026-10-03", Some(("2026-10-03", None, None))),
        (
            "2026-10-03_buurtborrel",
            Some(("2026-10-03", Some("buurtborrel"), None)),
        ),
        ("2026-13-03 nope", None),
        ("scans", None),
        ("", None),
        ("2026-1", None),
    ];

    #[test]
    fn parses_dated_folder_names() {
        for (name, want) in FOLDERS {
            let got = parse_folder(name);
            let want =
                want.map(|(d, e, p)| (d.to_string(), e.map(str::to_string), p.map(str::to_string)));
            assert_eq!(got, want, "case {name:?}");
        }
    }

    #[test]
    fn parses_sidecars_and_locates_errors() {
        let s = parse_sidecar(
            "x/netwerk.toml",
            "event = \"Congres\"\ndate = 2026-10-03\nplace = \"Jaarbeurs, Utrecht\"\nnote = \"n\"\n",
        )
        .expect("valid");
        assert_eq!(s.date.as_deref(), Some("2026-10-03"));
        assert_eq!(s.place.as_deref(), Some("Jaarbeurs, Utrecht"));
        let err =
            parse_sidecar("x/netwerk.toml", "event = \"a\"\nplace = \n").expect_err("invalid");
        assert!(
            err.to_string()
                .starts_with("x/netwerk.toml:2: invalid sidecar"),
            "{err}"
        );
        let err = parse_sidecar("x/netwerk.toml", "date = \"3 oktober\"\n").expect_err("bad date");
        assert!(err.to_string().contains("not YYYY-MM-DD"), "{err}");
        assert!(parse_sidecar("x/netwerk.toml", "evnt = \"typo\"\n").is_err());
    }

    #[test]
    fn nearest_sidecar_wins_and_borrows_from_the_folder_name() {
        let mut sidecars = BTreeMap::new();
        sidecars.insert(
            "scans/2026-10-03 Congres, Utrecht".to_string(),
            (
                "scans/2026-10-03 Congres, Utrecht/netwerk.toml".to_string(),
                Sidecar {
                    place: Some("Jaarbeurs, Utrecht".into()),
                    ..Sidecar::default()
                },
            ),
        );
        sidecars.insert(
            "scans".to_string(),
            (
                "scans/netwerk.toml".to_string(),
                Sidecar {
                    event: Some("Far away".into()),
                    ..Sidecar::default()
                },
            ),
        );
        let e = for_file(
            "scans/2026-10-03 Congres, Utrecht/a.jpg",
            SourceKind::Scan,
            &sidecars,
        )
        .expect("encounter")
        .encounter;
        assert_eq!(e.event.as_deref(), Some("Congres"));
        assert_eq!(e.date.as_deref(), Some("2026-10-03"));
        assert_eq!(e.place.as_deref(), Some("Jaarbeurs, Utrecht"));
        assert_eq!(e.how, "card");
        assert_eq!(e.source, "scans/2026-10-03 Congres, Utrecht/netwerk.toml");
        let e = for_file("scans/other/a.vcf", SourceKind::Vcard, &sidecars)
            .expect("encounter")
            .encounter;
        assert_eq!(e.event.as_deref(), Some("Far away"));
        assert_eq!(e.source, "scans/netwerk.toml");
        assert!(for_file("elsewhere/a.vcf", SourceKind::Vcard, &sidecars).is_none());
        let e = for_file(
            "x/2025-01-02 Borrel/b.csv",
            SourceKind::CsvGoogle,
            &BTreeMap::new(),
        )
        .expect("from the folder")
        .encounter;
        assert_eq!(e.source, "x/2025-01-02 Borrel");
        assert_eq!(e.how, "in-person");
    }

    fn raw_and_contact(kind: SourceKind, connected: Option<&str>) -> (RawContact, Contact) {
        let source = crate::model::Source {
            path: "in/file".to_string(),
            kind,
            record: 1,
            line: Some(2),
        };
        let mut raw = RawContact::new(source.clone(), "raw");
        raw.connected_on = connected.map(str::to_string);
        let mut contact = Contact::empty(source);
        contact.connected_on = connected
            .filter(|d| is_iso_date(d))
            .map(|d| crate::model::Value {
                value: d.to_string(),
                original: d.to_string(),
                label: None,
            });
        (raw, contact)
    }

    fn show(list: &[EncounterInput]) -> Vec<String> {
        list.iter()
            .map(|e| {
                let m = &e.encounter;
                format!(
                    "{} {} {} {} <- {}{}",
                    m.how,
                    m.date.as_deref().unwrap_or("-"),
                    m.event.as_deref().unwrap_or("-"),
                    m.place.as_deref().unwrap_or("-"),
                    m.source,
                    e.note
                        .as_ref()
                        .map(|n| format!(" note={n}"))
                        .unwrap_or_default()
                )
            })
            .collect()
    }

    #[test]
    fn records_tell_their_own_dates() {
        let folder = for_file(
            "x/2026-10-03 Congres, Utrecht/a",
            SourceKind::Scan,
            &BTreeMap::new(),
        );
        let folder_undated = Some(EncounterInput {
            encounter: Encounter {
                event: Some("Borrel".to_string()),
                date: None,
                place: None,
                how: "card".to_string(),
                source: "x/netwerk.toml".to_string(),
            },
            note: None,
        });
        // (kind, connected_on as the reader gives it, extra, the file's encounter, expected)
        type Case<'a> = (
            SourceKind,
            Option<&'a str>,
            &'a [(&'a str, &'a str)],
            &'a Option<EncounterInput>,
            &'a [&'a str],
        );
        let cases: &[Case] = &[
            (
                SourceKind::CsvLinkedin,
                Some("2024-10-09"),
                &[],
                &None,
                &["linkedin 2024-10-09 - - <- in/file"],
            ),
            (
                SourceKind::JsonFacebook,
                Some("2026-03-08"),
                &[],
                &None,
                &["facebook 2026-03-08 - - <- in/file"],
            ),
            (SourceKind::CsvLinkedin, None, &[], &None, &[]),
            (
                SourceKind::CsvLinkedinInvitations,
                Some("2026-11-15"),
                &[("Direction", "INCOMING")],
                &None,
                &["linkedin 2026-11-15 LinkedIn invitation received - <- in/file"],
            ),
            // A card photo: EXIF date and GPS make their own encounter …
            (
                SourceKind::Scan,
                Some("2026:10:03 14:12:00"),
                &[(EXIF_GPS, "52.0894,5.1152")],
                &None,
                &["card 2026-10-03 - 52.08940, 5.11520 <- in/file"],
            ),
            // … or fill what the folder leaves open (the folder names the event).
            (
                SourceKind::Scan,
                Some("2026:10:04 09:00:00"),
                &[(EXIF_GPS, "52.0894,5.1152")],
                &folder,
                &["card 2026-10-03 Congres Utrecht <- x/2026-10-03 Congres, Utrecht"],
            ),
            (
                SourceKind::Scan,
                Some("2026:10:04 09:00:00"),
                &[(EXIF_GPS, "999,5")],
                &folder_undated,
                &["card 2026-10-04 Borrel - <- x/netwerk.toml"],
            ),
            (SourceKind::Scan, None, &[], &None, &[]),
            // Other records: the file's encounter, then their own date.
            (
                SourceKind::Vcard,
                Some("2025-01-01"),
                &[],
                &folder,
                &[
                    "card 2026-10-03 Congres Utrecht <- x/2026-10-03 Congres, Utrecht",
                    "connected 2025-01-01 - - <- in/file",
                ],
            ),
        ];
        for (kind, connected, extra, file, want) in cases {
            let (mut raw, mut contact) = raw_and_contact(*kind, *connected);
            raw.extra = extra
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            if *kind == SourceKind::CsvLinkedinInvitations {
                contact.notes.push(crate::model::Value {
                    value: "Leuk je te spreken".to_string(),
                    original: "Leuk je te spreken".to_string(),
                    label: None,
                });
            }
            let got = for_record(&raw, &contact, file.as_ref());
            let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
            if *kind == SourceKind::CsvLinkedinInvitations {
                want[0].push_str(" note=Leuk je te spreken");
            }
            assert_eq!(show(&got), want, "case {kind} {connected:?}");
        }
    }

    #[test]
    fn run_flags_and_their_dates() {
        assert!(from_flags(None, Some(" "), None, SourceKind::Vcard).is_none());
        let e = from_flags(Some("Borrel"), Some("2026-11-27"), None, SourceKind::Scan)
            .expect("an encounter");
        assert_eq!(show(&[e]), ["card 2026-11-27 Borrel - <- (command line)"]);
        assert!(check_date("2026-11-27").is_ok());
        assert!(check_date("27-11-2026").is_err());
    }

    fn participant(email: &str) -> Participant {
        Participant {
            email: Some(email.to_string()),
            ..Participant::default()
        }
    }

    #[test]
    fn the_calendar_owner_is_in_every_event() {
        let ev = |emails: &[&str]| CalendarEvent {
            attendees: emails.iter().map(|e| participant(e)).collect(),
            ..CalendarEvent::default()
        };
        const CASES: &[(&[&[&str]], Option<&str>)] = &[
            (
                &[&["me@x", "a@x"], &["me@x", "b@x"], &["c@x", "me@x"]],
                Some("me@x"),
            ),
            // Too few events to tell.
            (&[&["me@x", "a@x"], &["me@x", "b@x"]], None),
            // Two addresses in every event: no way to tell which is the owner.
            (
                &[&["me@x", "a@x"], &["me@x", "a@x"], &["a@x", "me@x"]],
                None,
            ),
            (&[&["me@x"], &["a@x"], &["me@x"]], None),
        ];
        for (events, want) in CASES {
            let events: Vec<CalendarEvent> = events.iter().map(|e| ev(e)).collect();
            assert_eq!(calendar_owner(&events).as_deref(), *want, "case {events:?}");
        }
    }

    #[test]
    fn who_counts_in_a_calendar() {
        let me = vec!["ik@x.nl".to_string()];
        let p = |email: Option<&str>, partstat: Option<&str>, cutype: Option<&str>| Participant {
            email: email.map(str::to_string),
            name: None,
            partstat: partstat.map(str::to_string),
            cutype: cutype.map(str::to_string),
        };
        /// (e-mail, PARTSTAT, CUTYPE, counts)
        type Case = (
            Option<&'static str>,
            Option<&'static str>,
            Option<&'static str>,
            bool,
        );
        const CASES: &[Case] = &[
            (Some("jan@x.nl"), Some("ACCEPTED"), None, true),
            (
                Some("jan@x.nl"),
                Some("TENTATIVE"),
                Some("INDIVIDUAL"),
                true,
            ),
            (Some("jan@x.nl"), Some("DECLINED"), None, false),
            (Some("zaal@x.nl"), None, Some("ROOM"), false),
            (Some("beamer@x.nl"), None, Some("RESOURCE"), false),
            (Some("team@x.nl"), None, Some("GROUP"), false),
            (Some("IK@X.NL"), None, None, false),
            (None, None, None, false),
        ];
        for (email, partstat, cutype, want) in CASES {
            assert_eq!(
                participant_counts(&p(*email, *partstat, *cutype), &me),
                *want,
                "case {email:?} {partstat:?} {cutype:?}"
            );
        }
    }
}
