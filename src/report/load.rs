//! Builds a [`ReportData`] from the index.
//!
//! In: an open [`Index`] and [`Options`]. Out: the report's data. The counts and rows come
//! from SQL (`store::report`); the side-by-side values of uncertain pairs and the conflicts
//! inside a person come from the merged view of the persons (`dedup::merge`), the same view
//! the exports show, so that the report and an export never disagree about a person.
//!
//! What it does not do: write anything, or read a clock (the six months are counted back from
//! the latest run's `started_at`).

use super::{
    Cell, CompareRow, ConflictField, ConflictValue, PersonConflicts, PersonRef, ReportData,
    Uncertain, DEFAULT_LIMIT,
};
use crate::dedup::merge::{self, Field, Item, Merged};
use crate::store::{EvidenceKind, Index, StoreError};
use std::time::Duration;

/// How the report is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// At most this many entries per list (merges, uncertain pairs, conflicts, rejected
    /// records, people without a purpose); the counts are always complete.
    pub limit: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limit: DEFAULT_LIMIT,
        }
    }
}

/// How far back "the last six months" reach from the latest run, as `who --no-purpose` counts.
const SIX_MONTHS: Duration = Duration::from_secs(182 * 24 * 3600);

/// Persons merged per batch while looking for conflicts: bounds memory on a large index.
const CONFLICT_BATCH: usize = 512;

/// Read everything the report shows.
pub fn load(index: &Index, opts: &Options) -> Result<ReportData, StoreError> {
    let totals = index.report_totals()?;
    let last_run = index.last_run()?;
    let merges = index.match_evidence(EvidenceKind::Merge, opts.limit)?;
    let uncertain_evidence = index.match_evidence(EvidenceKind::Uncertain, opts.limit)?;

    // Side by side: the merged view of both persons of every shown pair.
    let mut ids: Vec<String> = uncertain_evidence
        .iter()
        .flat_map(|e| [&e.person_a, &e.person_b])
        .flatten()
        .map(|p| p.id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    let merged: Vec<Merged> = index
        .persons_by_id(&ids)?
        .iter()
        .map(merge::merge)
        .collect();
    let find = |p: &Option<PersonRef>| {
        p.as_ref()
            .and_then(|p| merged.iter().find(|m| m.id == p.id))
    };
    let uncertain = uncertain_evidence
        .into_iter()
        .map(|evidence| Uncertain {
            rows: compare(find(&evidence.person_a), find(&evidence.person_b)),
            evidence,
        })
        .collect();

    let (conflicts_total, conflicts) = conflicts(index, opts.limit)?;

    let rejected_total = totals.kinds.iter().map(|k| k.rejected).sum();
    let rejected = index.rejected_records(opts.limit)?;

    let since = last_run
        .as_ref()
        .and_then(|r| six_months_before(&r.started_at));
    let mut without_purpose = match &since {
        Some(since) => index.without_purpose(since)?,
        None => Vec::new(),
    };
    let without_purpose_total = without_purpose.len();
    without_purpose.truncate(opts.limit);

    Ok(ReportData {
        last_run,
        runs: totals.runs,
        kinds: totals.kinds,
        persons_total: totals.persons_total,
        persons_retired: totals.persons_retired,
        merges_total: totals.merges,
        merges,
        uncertain_total: totals.uncertain,
        uncertain,
        conflicts_total,
        conflicts,
        rejected_total,
        rejected,
        since,
        without_purpose_total,
        without_purpose,
    })
}

/// The date 182 days before an RFC 3339 time, `YYYY-MM-DD`; `None` when it does not parse.
fn six_months_before(started_at: &str) -> Option<String> {
    let at = humantime::parse_rfc3339_weak(started_at).ok()?;
    let then = at.checked_sub(SIX_MONTHS)?;
    let text = humantime::format_rfc3339_seconds(then).to_string();
    text.get(..10).map(str::to_string)
}

/// The fields shown side by side, in this order, with how to read each from a merged person.
fn shown_fields(m: &Merged) -> Vec<(&'static str, Vec<String>)> {
    let addresses = m
        .addresses
        .iter()
        .map(|a| {
            let place = [a.postcode.as_deref(), a.city.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            [
                a.street.as_deref(),
                Some(place.as_str()),
                a.country.as_deref(),
            ]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
        })
        .filter(|s| !s.is_empty())
        .collect();
    vec![
        ("name", m.name.full.iter().cloned().collect()),
        ("e-mail", m.emails.clone()),
        ("phone", m.phones.clone()),
        ("organisation", m.orgs.clone()),
        ("title", m.titles.clone()),
        ("address", addresses),
        ("birthday", m.birthday.iter().cloned().collect()),
        ("web", m.urls.clone()),
        (
            "sources",
            m.sources
                .iter()
                .map(|s| super::locate(&s.path, s.line, s.record))
                .collect(),
        ),
    ]
}

/// Two persons' values side by side; a value the other side lacks is marked. A missing person
/// (retired since, or never stored) shows as an empty column.
fn compare(a: Option<&Merged>, b: Option<&Merged>) -> Vec<CompareRow> {
    let fa = a.map(shown_fields).unwrap_or_default();
    let fb = b.map(shown_fields).unwrap_or_default();
    let names: Vec<&'static str> = if fa.is_empty() {
        fb.iter().map(|(n, _)| *n).collect()
    } else {
        fa.iter().map(|(n, _)| *n).collect()
    };
    let get = |fields: &[(&'static str, Vec<String>)], name: &str| -> Vec<String> {
        fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    names
        .into_iter()
        .filter_map(|name| {
            let va = get(&fa, name);
            let vb = get(&fb, name);
            if va.is_empty() && vb.is_empty() {
                return None;
            }
            // Sources always differ between two persons; marking them says nothing.
            let mark = name != "sources";
            let cells = |mine: &[String], theirs: &[String]| -> Vec<Cell> {
                mine.iter()
                    .map(|v| Cell {
                        value: v.clone(),
                        differs: mark && !theirs.contains(v),
                    })
                    .collect()
            };
            Some(CompareRow {
                field: name.to_string(),
                a: cells(&va, &vb),
                b: cells(&vb, &va),
            })
        })
        .collect()
}

/// Every person with a conflict, counted; the first `limit` of them (by id) in full.
fn conflicts(index: &Index, limit: usize) -> Result<(usize, Vec<PersonConflicts>), StoreError> {
    let candidates = index.conflict_candidates()?;
    let mut total = 0;
    let mut shown = Vec::new();
    for batch in candidates.chunks(CONFLICT_BATCH) {
        for person in index.persons_by_id(batch)? {
            let m = merge::merge(&person);
            if m.conflicts.is_empty() {
                continue;
            }
            total += 1;
            if shown.len() < limit {
                shown.push(person_conflicts(&m));
            }
        }
    }
    Ok((total, shown))
}

fn person_conflicts(m: &Merged) -> PersonConflicts {
    let fields = m
        .conflicts
        .iter()
        .map(|c| ConflictField {
            field: field_name(c.field).to_string(),
            values: c
                .values
                .iter()
                .map(|value| ConflictValue {
                    value: value.clone(),
                    sources: sources_of(m, c.field, value),
                })
                .collect(),
        })
        .collect();
    PersonConflicts {
        person: PersonRef {
            id: m.id.clone(),
            name: m.name.full.clone(),
            retired: false,
        },
        fields,
    }
}

/// The records that gave `value` for `field`, located, in source order.
fn sources_of(m: &Merged, field: Field, value: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in m.provenance_of(field) {
        if !matches!(&p.value, Item::Text(v) if v == value) {
            continue;
        }
        for given in &p.from {
            if let Some(s) = m.sources.get(given.source) {
                let at = super::locate(&s.path, s.line, s.record);
                if !out.contains(&at) {
                    out.push(at);
                }
            }
        }
    }
    out
}

fn field_name(field: Field) -> &'static str {
    match field {
        Field::Name => "name",
        Field::Emails => "e-mails",
        Field::Phones => "phones",
        Field::Orgs => "organisations",
        Field::Titles => "titles",
        Field::Urls => "web",
        Field::Addresses => "addresses",
        Field::Birthday => "birthday",
        Field::Notes => "notes",
        Field::Nicknames => "nicknames",
        Field::Socials => "social",
        Field::Departments => "departments",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_months_are_counted_back_from_the_run() {
        const CASES: &[(&str, Option<&str>)] = &[
            ("2026-12-01T00:00:00Z", Some("2026-06-02")),
            ("2026-11-27T03:18:49Z", Some("2026-05-29")),
            ("not a time", None),
        ];
        for (at, want) in CASES {
            assert_eq!(six_months_before(at).as_deref(), *want, "case {at}");
        }
    }

    #[test]
    fn compare_marks_what_the_other_side_lacks() {
        let mut a = Merged {
            id: "p-a".into(),
            name: Default::default(),
            emails: vec!["jan@x.nl".into(), "j@y.nl".into()],
            phones: vec![],
            orgs: vec![],
            titles: vec![],
            urls: vec![],
            addresses: vec![],
            birthday: Some("1980-05-01".into()),
            notes: vec![],
            sources: vec![],
            encounters: vec![],
            nicknames: vec![],
            socials: vec![],
            departments: vec![],
            provenance: vec![],
            conflicts: vec![],
        };
        a.name.full = Some("Jan Berg".into());
        let mut b = a.clone();
        b.id = "p-b".into();
        b.emails = vec!["jan@x.nl".into()];
        b.birthday = None;
        let rows = compare(Some(&a), Some(&b));
        let fields: Vec<&str> = rows.iter().map(|r| r.field.as_str()).collect();
        assert_eq!(fields, ["name", "e-mail", "birthday"]);
        assert!(!rows[0].a[0].differs && !rows[0].b[0].differs);
        assert_eq!(
            rows[1].a.iter().map(|c| c.differs).collect::<Vec<_>>(),
            [false, true]
        );
        assert!(rows[2].a[0].differs && rows[2].b.is_empty());
        // A person that is gone shows as an empty column, every value of the other marked.
        let rows = compare(Some(&a), None);
        assert!(rows
            .iter()
            .all(|r| r.b.is_empty() && r.a.iter().all(|c| c.differs)));
    }
}
