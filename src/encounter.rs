//! Where and when we met, from the folders the inputs sit in.
//!
//! In: the display path of an input file and the sidecars (`netwerk.toml`) found beside the
//! inputs. Out: the [`Encounter`] that applies to every record of that file, if any. Two
//! sources, strongest first (DESIGN.md): the nearest `netwerk.toml` above the file (its fields
//! win), then the nearest folder whose name starts with an ISO date
//! (`2026-10-03 Congres GGZ, Utrecht/`: date, event, and the place after the last comma).
//! A sidecar without a date or event borrows them from the folder name. Pure: the pipeline reads
//! the sidecar files; this module only parses text and paths.

use crate::diag::Diagnostic;
use crate::model::{Encounter, SourceKind};
use serde::Deserialize;
use std::collections::BTreeMap;
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

/// A dated folder name: `2026-10-03 Congres GGZ, Utrecht` → (date, event, place).
pub fn parse_folder(name: &str) -> Option<(String, Option<String>, Option<String>)> {
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

/// The encounter for a file at `path` (a display path, `/`-separated), given the parsed
/// sidecars keyed by the display path of their folder.
pub fn for_file(
    path: &str,
    kind: SourceKind,
    sidecars: &BTreeMap<String, (String, Sidecar)>,
) -> Option<Encounter> {
    let mut sidecar: Option<&(String, Sidecar)> = None;
    let mut folder: Option<(String, (String, Option<String>, Option<String>))> = None;
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
            Some(Encounter {
                event: s.event.clone().or(fevent),
                date,
                place: s.place.clone().or(fplace),
                how: s.how.clone().unwrap_or_else(|| how_for(kind).to_string()),
                source: source.clone(),
            })
        }
        (None, Some((dir, (date, event, place)))) => Some(Encounter {
            event,
            date: Some(date),
            place,
            how: how_for(kind).to_string(),
            source: dir,
        }),
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
        .expect("encounter");
        assert_eq!(e.event.as_deref(), Some("Congres"));
        assert_eq!(e.date.as_deref(), Some("2026-10-03"));
        assert_eq!(e.place.as_deref(), Some("Jaarbeurs, Utrecht"));
        assert_eq!(e.how, "card");
        assert_eq!(e.source, "scans/2026-10-03 Congres, Utrecht/netwerk.toml");
        let e = for_file("scans/other/a.vcf", SourceKind::Vcard, &sidecars).expect("encounter");
        assert_eq!(e.event.as_deref(), Some("Far away"));
        assert_eq!(e.source, "scans/netwerk.toml");
        assert!(for_file("elsewhere/a.vcf", SourceKind::Vcard, &sidecars).is_none());
        let e = for_file(
            "x/2025-01-02 Borrel/b.csv",
            SourceKind::CsvGoogle,
            &BTreeMap::new(),
        )
        .expect("from the folder");
        assert_eq!(e.source, "x/2025-01-02 Borrel");
        assert_eq!(e.how, "in-person");
    }
}
