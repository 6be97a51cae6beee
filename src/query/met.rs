//! `who --met EVENT`: "who did I meet at the GGZ congress?"
//!
//! In: the index's encounters with their persons ([`crate::store::Index::met_rows`]) and the
//! user's words. Out: the matching encounters, oldest first, each with the people linked to it
//! (as [`Gathering`]s, for `--json`), or the same as text.
//!
//! An encounter matches when every word of the query appears, accent- and case-folded, at the
//! start of a word of its event name or place (`ggz` finds `Congres GGZ`, `utr` finds
//! `Jaarbeurs, Utrecht`, `congress` does not find `Congres`). Encounters of one event told by
//! several files (the folder of cards, the calendar) stay separate: each says through which
//! source the person was met. What it does not do: fuzzy matching of event names, or dates.

use super::card::strength_of;
use super::search::tokens as words;
use crate::store::MetRow;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One encounter and the people met there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gathering {
    pub event: Option<String>,
    pub date: Option<String>,
    pub place: Option<String>,
    pub how: String,
    pub source: String,
    pub people: Vec<Attendee>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attendee {
    pub id: String,
    pub name: Option<String>,
    /// `strong`, `medium` or `weak`, as in `who`'s timeline.
    pub strength: &'static str,
}

/// Whether every query word starts a word of the encounter's event or place.
fn matches(query: &[String], row: &MetRow) -> bool {
    let mut text = String::new();
    for part in [&row.event, &row.place].into_iter().flatten() {
        text.push_str(part);
        text.push(' ');
    }
    let have = words(&text);
    !query.is_empty() && query.iter().all(|q| have.iter().any(|w| w.starts_with(q)))
}

/// The encounters matching `query`, one [`Gathering`] per event as one source told it (the
/// cards of one folder are one gathering, not one per card): by date, event, place, how and
/// source; people by name, then id, each once.
pub fn gatherings(rows: &[MetRow], query: &str) -> Vec<Gathering> {
    type Key<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        &'a str,
        &'a str,
    );
    let query = words(query);
    let mut groups: BTreeMap<Key<'_>, BTreeMap<(Option<&str>, &str), &'static str>> =
        BTreeMap::new();
    for row in rows.iter().filter(|r| matches(&query, r)) {
        let key = (
            row.date.as_deref(),
            row.event.as_deref(),
            row.place.as_deref(),
            row.how.as_str(),
            row.source.as_str(),
        );
        let people = groups.entry(key).or_default();
        let s = strength_of(&row.matched_by, row.attendees);
        let slot = people
            .entry((row.name.as_deref(), row.person.as_str()))
            .or_insert(s);
        // Met through two records of the same person: the stronger link counts.
        if rank(s) > rank(slot) {
            *slot = s;
        }
    }
    // Undated encounters last.
    let (dated, undated): (Vec<_>, Vec<_>) = groups.into_iter().partition(|(k, _)| k.0.is_some());
    dated
        .into_iter()
        .chain(undated)
        .map(|((date, event, place, how, source), people)| Gathering {
            event: event.map(str::to_string),
            date: date.map(str::to_string),
            place: place.map(str::to_string),
            how: how.to_string(),
            source: source.to_string(),
            people: people
                .into_iter()
                .map(|((name, id), strength)| Attendee {
                    id: id.to_string(),
                    name: name.map(str::to_string),
                    strength,
                })
                .collect(),
        })
        .collect()
}

fn rank(strength: &str) -> u8 {
    match strength {
        "strong" => 2,
        "medium" => 1,
        _ => 0,
    }
}

/// The gatherings as text: a heading per encounter, a line per person.
pub fn render(list: &[Gathering], query: &str) -> String {
    let mut out = String::new();
    if list.is_empty() {
        let _ = writeln!(out, "no event or place matches {query:?}");
        return out;
    }
    for (i, g) in list.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let title = g.event.as_deref().unwrap_or(&g.how);
        let _ = write!(out, "{}  {title}", g.date.as_deref().unwrap_or("(no date)"));
        if let Some(place) = &g.place {
            let _ = write!(out, " — {place}");
        }
        let _ = writeln!(
            out,
            "  ({}, {} {})  ← {}",
            g.how,
            g.people.len(),
            if g.people.len() == 1 {
                "person"
            } else {
                "people"
            },
            g.source
        );
        for p in &g.people {
            let _ = write!(
                out,
                "  {}  {}",
                p.id,
                p.name.as_deref().unwrap_or("(no name)")
            );
            if p.strength != "strong" {
                let _ = write!(out, "  [{}]", p.strength);
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(encounter: i64, event: Option<&str>, place: Option<&str>, person: &str) -> MetRow {
        MetRow {
            encounter,
            event: event.map(str::to_string),
            date: Some("2026-10-03".to_string()),
            place: place.map(str::to_string),
            how: "card".to_string(),
            source: "kaartjes".to_string(),
            person: person.to_string(),
            name: Some(format!("Name of {person}")),
            matched_by: "record".to_string(),
            attendees: None,
        }
    }

    #[test]
    fn words_must_start_words_of_the_event_or_place() {
        let congres = row(1, Some("Congres GGZ"), Some("Jaarbeurs, Utrecht"), "p-1");
        let avond = row(
            2,
            Some("Netwerkavond Sociaal Domein"),
            Some("Amersfoort"),
            "p-2",
        );
        let nameless = row(3, None, Some("52.15670, 5.39153"), "p-3");
        // (query, which encounters match)
        const CASES: &[(&str, &[i64])] = &[
            ("congres ggz", &[1]),
            ("GGZ", &[1]),
            ("ggz utrecht", &[1]),
            ("utr", &[1]),
            ("Jaarbeurs", &[1]),
            ("congress", &[]),
            ("gz", &[]),
            ("sociaal", &[2]),
            ("netwerkavond amersfoort", &[2]),
            ("ggz amersfoort", &[]),
            ("52.15670", &[3]),
            ("", &[]),
            ("  ", &[]),
        ];
        let rows = [congres, avond, nameless];
        for (query, want) in CASES {
            let q = words(query);
            let got: Vec<i64> = rows
                .iter()
                .filter(|r| matches(&q, r))
                .map(|r| r.encounter)
                .collect();
            assert_eq!(got, *want, "case {query:?}");
        }
        // Accents fold both ways.
        let r = row(4, Some("Coöperatie Zorg"), None, "p-4");
        assert!(matches(&words("cooperatie"), &r));
        assert!(matches(
            &words("coöperatie"),
            &row(5, Some("Cooperatie"), None, "p-5")
        ));
    }

    #[test]
    fn people_are_grouped_per_encounter_and_rendered() {
        let mut weak = row(1, Some("Congres GGZ"), Some("Utrecht"), "p-2");
        weak.matched_by = "name".to_string();
        let rows = [
            row(1, Some("Congres GGZ"), Some("Utrecht"), "p-1"),
            weak,
            row(7, Some("Netwerkavond"), None, "p-1"),
            // The same event told by a second record of the first person: still one line.
            row(9, Some("Congres GGZ"), Some("Utrecht"), "p-1"),
        ];
        let list = gatherings(&rows, "ggz");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].people.len(), 2);
        assert_eq!(
            render(&list, "ggz"),
            "2026-10-03  Congres GGZ — Utrecht  (card, 2 people)  ← kaartjes\n  \
             p-1  Name of p-1\n  p-2  Name of p-2  [weak]\n"
        );
        assert_eq!(
            render(&gatherings(&rows, "zebedeus"), "zebedeus"),
            "no event or place matches \"zebedeus\"\n"
        );
    }
}
