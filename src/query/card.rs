//! One person as `who` shows it: a short card.
//!
//! In: the person's current records (its merged view), its [`Detail`] from the index and, for
//! search results, the [`Hit`]. Out: a [`Card`] — name, organisations, titles, how to reach
//! them (each value with the numbers of the sources that gave it), first met and last seen,
//! the timeline of encounters (where, when, how, through which source, with notes), the
//! purpose, the values only older versions of a source give, and the numbered sources with the
//! run that imported them. Serialised as is for `--json`; [`Card::render`] gives the text.
//!
//! Output depends only on the index: no clock, no HashMap order.

use super::history::{historic_values, HistoricValue};
use super::search::Hit;
use crate::dedup::merge::{merge, Field, Item, Merged};
use crate::model::Person;
use crate::store::{Detail, EncounterDetail, NoPurpose, Purpose};
use serde::Serialize;
use std::fmt::Write;

/// A person as `who` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Card {
    pub id: String,
    /// The search score in thousandths (absent when the card was not searched for).
    pub score: Option<u32>,
    /// The fields the query matched.
    pub matched: Vec<String>,
    /// No current source holds this person any more; history does.
    pub retired: bool,
    pub name: Option<String>,
    pub orgs: Vec<Valued>,
    pub titles: Vec<Valued>,
    pub emails: Vec<Valued>,
    pub phones: Vec<Valued>,
    pub urls: Vec<Valued>,
    pub socials: Vec<Valued>,
    pub addresses: Vec<Valued>,
    pub first_met: Option<Moment>,
    pub last_seen: Option<Moment>,
    /// Every encounter, oldest first; undated ones last.
    pub timeline: Vec<Moment>,
    pub purpose: Option<Purpose>,
    /// Values only older versions of a source give.
    pub historic: Vec<HistoricValue>,
    pub sources: Vec<CardSource>,
}

/// A value with the sources that gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Valued {
    pub value: String,
    /// The label of the most trusted source that gave one (`work`, `mobile`, …).
    pub label: Option<String>,
    /// Numbers in [`Card::sources`] (1-based).
    pub sources: Vec<usize>,
}

/// One encounter on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moment {
    pub date: Option<String>,
    pub event: Option<String>,
    pub place: Option<String>,
    /// `in-person`, `card`, `linkedin`, `facebook`, `meeting`, …
    pub how: String,
    /// The file that told us: a sidecar, a dated folder, an export, a calendar.
    pub source: String,
    /// The record or calendar event that brought this person: `path:line`.
    pub via: Option<String>,
    pub note: Option<String>,
    /// `record`, `email` or `name` (a calendar attendee matched by name only: weaker).
    pub matched_by: String,
    /// Calendar events: people invited besides the user.
    pub attendees: Option<u32>,
    /// `strong`, `medium` or `weak`; see [`strength`].
    pub strength: &'static str,
    /// False when only an older version of the source told it.
    pub current: bool,
}

/// A numbered source of the card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardSource {
    pub n: usize,
    pub path: String,
    pub kind: String,
    pub record: u32,
    pub line: Option<u32>,
    /// The import run of this version of the file.
    pub run: Option<i64>,
    pub imported_at: Option<String>,
    /// The run that no longer found the file (its values are kept).
    pub deleted_run: Option<i64>,
}

/// How much an encounter says about having met: a one-to-one meeting, a card, a sidecar or a
/// connection is `strong`; a meeting of up to 7 other people `medium`; a larger event, or a
/// calendar attendee matched by name only, `weak`.
pub fn strength(e: &EncounterDetail) -> &'static str {
    strength_of(&e.matched_by, e.attendees)
}

/// [`strength`] from how the person was linked (`record`, `email`, `name`) and how many others
/// were invited.
pub fn strength_of(matched_by: &str, attendees: Option<u32>) -> &'static str {
    if matched_by == "name" {
        return "weak";
    }
    match attendees {
        Some(n) if n >= 8 => "weak",
        Some(n) if n >= 2 => "medium",
        _ => "strong",
    }
}

impl Card {
    /// Build the card of one person. `person` holds its current records (absent or empty for
    /// a retired person).
    pub fn build(person: Option<&Person>, detail: &Detail, hit: Option<&Hit>) -> Card {
        let empty = Person {
            id: detail.id.clone(),
            records: Vec::new(),
            encounters: Vec::new(),
        };
        let person = person.unwrap_or(&empty);
        let merged = merge(person);
        let sources: Vec<CardSource> = merged
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let d = detail
                    .sources
                    .iter()
                    .find(|d| d.path == s.path && d.record == s.record);
                CardSource {
                    n: i + 1,
                    path: s.path.clone(),
                    kind: s.kind.as_str().to_string(),
                    record: s.record,
                    line: s.line,
                    run: d.map(|d| d.run),
                    imported_at: d.map(|d| d.run_at.clone()),
                    deleted_run: d.and_then(|d| d.deleted_run),
                }
            })
            .collect();
        let historic = historic_values(&merged, &detail.historic);
        let name = merged.name.full.clone().or_else(|| {
            historic
                .iter()
                .find(|h| h.field == Field::Name)
                .map(|h| h.text.clone())
        });
        let timeline: Vec<Moment> = detail.encounters.iter().map(moment).collect();
        let dated = || timeline.iter().filter(|m| m.date.is_some());
        let first_met = dated().next().cloned();
        let last_seen = dated().next_back().cloned();
        Card {
            id: detail.id.clone(),
            score: hit.map(|h| h.score),
            matched: hit.map(|h| h.matched.clone()).unwrap_or_default(),
            retired: detail.retired_run.is_some(),
            name,
            orgs: valued(&merged, Field::Orgs),
            titles: valued(&merged, Field::Titles),
            emails: valued(&merged, Field::Emails),
            phones: valued(&merged, Field::Phones),
            urls: valued(&merged, Field::Urls),
            socials: valued(&merged, Field::Socials),
            addresses: valued(&merged, Field::Addresses),
            first_met,
            last_seen,
            timeline,
            purpose: detail.purpose.clone(),
            historic,
            sources,
        }
    }

    /// The card as text: a heading line, then indented sections; a blank line ends it.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let name = self.name.as_deref().unwrap_or("(no name)");
        let _ = write!(out, "{name}  {}", self.id);
        if self.retired {
            out.push_str("  (in no current source; kept from history)");
        }
        out.push('\n');
        let work: Vec<&str> = self
            .titles
            .iter()
            .chain(&self.orgs)
            .map(|v| v.value.as_str())
            .collect();
        if !work.is_empty() {
            let _ = writeln!(out, "  {}", work.join(" · "));
        }
        for (label, list) in [
            ("e-mail", &self.emails),
            ("phone", &self.phones),
            ("web", &self.urls),
            ("social", &self.socials),
            ("address", &self.addresses),
        ] {
            for (i, v) in list.iter().enumerate() {
                let head = if i == 0 { label } else { "" };
                let _ = writeln!(out, "  {head:<9}{} {}", v.value, refs(&v.sources));
            }
        }
        if let Some(m) = &self.first_met {
            let _ = writeln!(out, "  first met  {}", moment_line(m));
        }
        if let Some(m) = self
            .last_seen
            .as_ref()
            .filter(|m| Some(*m) != self.first_met.as_ref())
        {
            let _ = writeln!(out, "  last seen  {}", moment_line(m));
        }
        if !self.timeline.is_empty() {
            out.push_str("  timeline\n");
            for m in &self.timeline {
                let _ = writeln!(out, "    {}", timeline_line(m));
                if let Some(note) = &m.note {
                    let _ = writeln!(out, "      note: {}", one_line(note));
                }
            }
        }
        match &self.purpose {
            Some(p) => {
                if let Some(offer) = &p.offer {
                    let _ = writeln!(out, "  offer    {}", one_line(offer));
                }
                if let Some(ask) = &p.ask {
                    let _ = writeln!(out, "  ask      {}", one_line(ask));
                }
            }
            None => {
                out.push_str("  purpose  (none yet: netwerk-import note ID --offer … --ask …)\n")
            }
        }
        if !self.historic.is_empty() {
            out.push_str("  earlier (no longer in the newest version of their source)\n");
            for h in &self.historic {
                let from: Vec<String> = h
                    .from
                    .iter()
                    .map(|f| {
                        format!(
                            "{}, runs {}–{}",
                            locate(&f.path, f.line, f.record),
                            f.run,
                            f.superseded_run - 1
                        )
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "    {:<9}{} ({})",
                    field_label(h.field),
                    h.text,
                    from.join("; ")
                );
            }
        }
        if !self.sources.is_empty() {
            out.push_str("  sources\n");
            for s in &self.sources {
                let mut extra = vec![s.kind.clone(), format!("record {}", s.record)];
                if let Some(run) = s.run {
                    extra.push(format!("run {run}"));
                }
                if let Some(run) = s.deleted_run {
                    extra.push(format!("file gone since run {run}"));
                }
                let _ = writeln!(
                    out,
                    "    [{}] {} ({})",
                    s.n,
                    locate(&s.path, s.line, s.record),
                    extra.join(", ")
                );
            }
        }
        out
    }
}

/// The values of one field with their sources, in the merged view's order.
fn valued(merged: &Merged, field: Field) -> Vec<Valued> {
    merged
        .provenance_of(field)
        .map(|p| {
            let value = match &p.value {
                Item::Text(t) => t.clone(),
                Item::Address(a) => super::history::address_text(a),
                Item::Department(d) => format!("{} ({})", d.name, d.org),
            };
            let mut sources: Vec<usize> = p.from.iter().map(|g| g.source + 1).collect();
            sources.dedup();
            Valued {
                value,
                label: merged.best_label(p).map(str::to_string),
                sources,
            }
        })
        .filter(|v| !v.value.is_empty())
        .collect()
}

fn moment(e: &EncounterDetail) -> Moment {
    Moment {
        date: e.encounter.date.clone(),
        event: e.encounter.event.clone(),
        place: e.encounter.place.clone(),
        how: e.encounter.how.clone(),
        source: e.encounter.source.clone(),
        via: e.via.as_ref().map(|v| locate(&v.path, v.line, v.record)),
        note: e.note.clone(),
        matched_by: e.matched_by.clone(),
        attendees: e.attendees,
        strength: strength(e),
        current: e.current,
    }
}

/// What happened, for people: the event, else what the way of meeting means.
fn what(m: &Moment) -> String {
    if let Some(event) = &m.event {
        return event.clone();
    }
    match m.how.as_str() {
        "linkedin" => "LinkedIn connection".to_string(),
        "facebook" => "Facebook friends".to_string(),
        "card" => "business card".to_string(),
        "meeting" => "meeting".to_string(),
        other => other.to_string(),
    }
}

/// `2026-10-03  Congres GGZ, Jaarbeurs, Utrecht (in-person)`.
fn moment_line(m: &Moment) -> String {
    let mut s = format!("{}  {}", m.date.as_deref().unwrap_or("(undated)"), what(m));
    if let Some(place) = &m.place {
        let _ = write!(s, " — {place}");
    }
    let _ = write!(s, " ({})", m.how);
    s
}

/// One timeline line: date, how, what, where, details, through which source.
fn timeline_line(m: &Moment) -> String {
    let mut details: Vec<String> = Vec::new();
    match m.attendees {
        Some(1) => details.push("one-to-one".to_string()),
        Some(n) if n > 1 => details.push(format!("{n} people invited")),
        _ => {}
    }
    if m.matched_by == "name" {
        details.push("matched by name only".to_string());
    }
    if m.strength != "strong" {
        details.push(m.strength.to_string());
    }
    if !m.current {
        details.push("from an older version of the source".to_string());
    }
    let mut s = format!(
        "{:<10}  {:<9} {}",
        m.date.as_deref().unwrap_or("(undated)"),
        m.how,
        what(m)
    );
    if let Some(place) = &m.place {
        let _ = write!(s, " — {place}");
    }
    if !details.is_empty() {
        let _ = write!(s, " [{}]", details.join(", "));
    }
    let via = m.via.as_deref().unwrap_or(&m.source);
    let _ = write!(s, "  ← {via}");
    if m.via.is_some() && !via.starts_with(m.source.as_str()) {
        let _ = write!(s, " ({})", m.source);
    }
    s
}

fn refs(sources: &[usize]) -> String {
    let list: Vec<String> = sources.iter().map(usize::to_string).collect();
    format!("[{}]", list.join(","))
}

fn locate(path: &str, line: Option<u32>, record: u32) -> String {
    match line {
        Some(line) => format!("{path}:{line}"),
        None => format!("{path} (record {record})"),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn field_label(f: Field) -> &'static str {
    match f {
        Field::Name => "name",
        Field::Emails => "e-mail",
        Field::Phones => "phone",
        Field::Orgs => "org",
        Field::Titles => "title",
        Field::Urls => "web",
        Field::Addresses => "address",
        Field::Birthday => "birthday",
        Field::Notes => "note",
        Field::Nicknames => "nickname",
        Field::Socials => "social",
        Field::Departments => "dept",
    }
}

/// The `who --no-purpose` listing as text: one line per person.
pub fn render_no_purpose(list: &[NoPurpose], since: &str) -> String {
    let mut out = String::new();
    if list.is_empty() {
        let _ = writeln!(out, "everyone met since {since} has a purpose");
        return out;
    }
    let _ = writeln!(
        out,
        "{} people met since {since} without a purpose (newest first):",
        list.len()
    );
    for p in list {
        let _ = writeln!(
            out,
            "  {}  {:<30}  last met {} ({}){}",
            p.id,
            p.name.as_deref().unwrap_or("(no name)"),
            p.last_met,
            p.what,
            if p.encounters > 1 {
                format!(", {} encounters", p.encounters)
            } else {
                String::new()
            }
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Encounter;

    fn detail(attendees: Option<u32>, matched_by: &str) -> EncounterDetail {
        EncounterDetail {
            encounter: Encounter {
                event: Some("Overleg".to_string()),
                date: Some("2026-11-20".to_string()),
                place: None,
                how: "meeting".to_string(),
                source: "agenda.ics".to_string(),
            },
            note: None,
            matched_by: matched_by.to_string(),
            attendees,
            current: true,
            run: 1,
            via: None,
        }
    }

    #[test]
    fn strength_of_encounters() {
        const CASES: &[(Option<u32>, &str, &str)] = &[
            (None, "record", "strong"),
            (Some(1), "email", "strong"),
            (Some(2), "email", "medium"),
            (Some(7), "email", "medium"),
            (Some(8), "email", "weak"),
            (Some(1), "name", "weak"),
        ];
        for (attendees, by, want) in CASES {
            assert_eq!(
                strength(&detail(*attendees, by)),
                *want,
                "case {attendees:?} {by}"
            );
        }
    }

    #[test]
    fn timeline_lines_say_how_strong_and_where_from() {
        let mut m = moment(&detail(Some(24), "email"));
        m.via = Some("agenda.ics:40".to_string());
        assert_eq!(
            timeline_line(&m),
            "2026-11-20  meeting   Overleg [24 people invited, weak]  ← agenda.ics:40"
        );
        let mut m = moment(&detail(Some(1), "name"));
        m.current = false;
        assert_eq!(
            timeline_line(&m),
            "2026-11-20  meeting   Overleg [one-to-one, matched by name only, weak, from an older version of the source]  ← agenda.ics"
        );
    }
}
