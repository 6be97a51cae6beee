//! The user's part in deduplication: `review`, `merge`, `separate` and `unmerge`.
//!
//! In: the index path and a [`ReviewConfig`] or [`DecideConfig`]. Out: for `review`, the pairs
//! the engine left uncertain (from `match_evidence`), each as the two persons side by side with
//! the score and the fields that agreed and disagreed, as text or JSON; for a decision, the
//! decision stored and applied ([`Index::decide`]) and a [`Decided`] for the message.
//!
//! Persons are named by id or by anything `who` resolves to exactly one person. What this does
//! not do: decide who is who (that is the engine, in the store's identity step), or print on
//! stderr (`main` does).

use crate::config::{DecideConfig, DecisionKind, ReviewConfig};
use crate::dedup::merge::{self, Merged};
use crate::pipeline::{lookup_person, open_existing, Lookup};
use crate::query::search;
use crate::store::{Decision, DecisionOutcome, EvidenceRow, FieldRow, Index, IndexLock};
use anyhow::{bail, Result};
use serde::Serialize;
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

/// One uncertain pair of persons, as `review` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewPair {
    /// 1-based, strongest first.
    pub rank: usize,
    pub probability: f64,
    /// Match weight (log2 Bayes factor) of the strongest pair of records between the two.
    pub weight: f64,
    /// Given and family name agreed only crosswise.
    pub swapped: bool,
    pub a: ReviewPerson,
    pub b: ReviewPerson,
    /// The records compared (stable keys), one of `a`, one of `b`.
    pub records: [String; 2],
    /// Fields that spoke for the same person (positive weight), strongest first.
    pub agreed: Vec<FieldRow>,
    /// Fields that spoke against it, strongest first.
    pub disagreed: Vec<FieldRow>,
    /// Further uncertain record pairs between the same two persons (weaker, not shown).
    pub more_pairs: usize,
}

/// One side of a [`ReviewPair`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewPerson {
    pub id: String,
    pub name: Option<String>,
    pub orgs: Vec<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    /// `path#record` of each source record.
    pub sources: Vec<String>,
}

impl ReviewPerson {
    fn of(m: &Merged) -> ReviewPerson {
        ReviewPerson {
            id: m.id.clone(),
            name: m.name.full.clone(),
            orgs: m.orgs.clone(),
            emails: m.emails.clone(),
            phones: m.phones.clone(),
            sources: m
                .sources
                .iter()
                .map(|s| format!("{}#{}", s.path, s.record))
                .collect(),
        }
    }
}

/// The uncertain pairs, strongest first, one per pair of persons, at most `limit`; and how many
/// pairs of persons there are in all.
pub fn review_pairs(index: &Index, limit: usize) -> Result<(Vec<ReviewPair>, usize)> {
    let rows = index.evidence("uncertain")?;
    // One entry per pair of persons: the strongest record pair (rows come strongest first).
    let mut chosen: Vec<(&EvidenceRow, usize)> = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    for row in &rows {
        let (Some(a), Some(b)) = (&row.person_a, &row.person_b) else {
            continue;
        };
        let key = if a <= b {
            (a.clone(), b.clone())
        } else {
            (b.clone(), a.clone())
        };
        match seen.iter().position(|k| *k == key) {
            Some(i) => chosen[i].1 += 1,
            None => {
                seen.push(key);
                chosen.push((row, 0));
            }
        }
    }
    let total = chosen.len();
    chosen.truncate(limit);
    let mut ids: Vec<String> = Vec::new();
    for (row, _) in &chosen {
        for p in [&row.person_a, &row.person_b].into_iter().flatten() {
            if !ids.contains(p) {
                ids.push(p.clone());
            }
        }
    }
    let merged: Vec<Merged> = index
        .persons_by_id(&ids)?
        .iter()
        .map(merge::merge)
        .collect();
    let find = |id: &Option<String>| -> Option<ReviewPerson> {
        let id = id.as_deref()?;
        merged.iter().find(|m| m.id == id).map(ReviewPerson::of)
    };
    let mut out = Vec::new();
    for (row, more) in chosen {
        let (Some(a), Some(b)) = (find(&row.person_a), find(&row.person_b)) else {
            continue;
        };
        let mut agreed: Vec<FieldRow> = row
            .fields
            .iter()
            .filter(|f| f.weight > 0.0)
            .cloned()
            .collect();
        let mut disagreed: Vec<FieldRow> = row
            .fields
            .iter()
            .filter(|f| f.weight <= 0.0)
            .cloned()
            .collect();
        agreed.sort_by(|x, y| y.weight.total_cmp(&x.weight));
        disagreed.sort_by(|x, y| x.weight.total_cmp(&y.weight));
        out.push(ReviewPair {
            rank: out.len() + 1,
            probability: row.probability,
            weight: row.weight,
            swapped: row.swapped,
            a,
            b,
            records: [row.record_a.clone(), row.record_b.clone()],
            agreed,
            disagreed,
            more_pairs: more,
        });
    }
    Ok((out, total))
}

/// `review`: print the uncertain pairs to `out`. Returns how many pairs of persons wait.
pub fn review(index_path: &Path, cfg: &ReviewConfig, out: &mut dyn Write) -> Result<usize> {
    let index = open_existing(index_path)?;
    let (pairs, total) = review_pairs(&index, cfg.limit)?;
    let mut out = std::io::BufWriter::new(out);
    if cfg.json {
        let doc = serde_json::json!({ "total": total, "pairs": pairs });
        let mut text = serde_json::to_vec(&doc)?;
        text.push(b'\n');
        out.write_all(&text)?;
    } else {
        out.write_all(render(&pairs, total).as_bytes())?;
    }
    out.flush()?;
    Ok(total)
}

/// The text form of `review`.
pub fn render(pairs: &[ReviewPair], total: usize) -> String {
    if total == 0 {
        return "no pairs waiting for review\n".to_string();
    }
    let mut out = format!(
        "{} waiting for review, strongest first{}\n",
        n_pairs(total),
        if pairs.len() < total {
            format!(" (showing {}; --limit N for more)", pairs.len())
        } else {
            String::new()
        }
    );
    for p in pairs {
        out.push('\n');
        out.push_str(&format!(
            "{}. probability {:.4}, weight {:+.1}{}\n",
            p.rank,
            p.probability,
            p.weight,
            if p.swapped {
                ", given and family name swapped"
            } else {
                ""
            }
        ));
        let rows: [(&str, Vec<String>, Vec<String>); 6] = [
            ("", vec![p.a.id.clone()], vec![p.b.id.clone()]),
            (
                "name",
                p.a.name.iter().cloned().collect(),
                p.b.name.iter().cloned().collect(),
            ),
            ("organisation", p.a.orgs.clone(), p.b.orgs.clone()),
            ("e-mail", p.a.emails.clone(), p.b.emails.clone()),
            ("phone", p.a.phones.clone(), p.b.phones.clone()),
            ("source", p.a.sources.clone(), p.b.sources.clone()),
        ];
        let width = rows
            .iter()
            .flat_map(|(_, left, _)| left.iter())
            .map(|v| v.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(16, 40)
            + 2;
        for (label, left, right) in &rows {
            let lines = left.len().max(right.len()).max(1);
            for i in 0..lines {
                let l = left.get(i).map_or("", String::as_str);
                let r = right.get(i).map_or("", String::as_str);
                let label = if i == 0 { *label } else { "" };
                let pad = width.saturating_sub(l.chars().count());
                let line = format!("   {label:<14}{l}{}{r}", " ".repeat(pad));
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
        let list = |fields: &[FieldRow]| -> String {
            if fields.is_empty() {
                return "-".to_string();
            }
            fields
                .iter()
                .map(|f| format!("{} {} {:+.1}", f.field, f.level, f.weight))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!("   {:<14}{}\n", "agree", list(&p.agreed)));
        out.push_str(&format!("   {:<14}{}\n", "disagree", list(&p.disagreed)));
        if p.more_pairs > 0 {
            out.push_str(&format!(
                "   {:<14}{} weaker pairs of their records are uncertain too\n",
                "", p.more_pairs
            ));
        }
        out.push_str(&format!(
            "   {:<14}netwerk-import merge {} {}\n",
            "same person?", p.a.id, p.b.id
        ));
        out.push_str(&format!(
            "   {:<14}netwerk-import separate {} {}\n",
            "not the same?", p.a.id, p.b.id
        ));
    }
    out
}

/// What a decision did, for the message on stderr.
#[derive(Debug, Clone)]
pub struct Decided {
    pub kind: DecisionKind,
    /// The person ids the decision was about (queries resolved).
    pub named: Vec<String>,
    /// The current persons holding the records the decision was about, with their names.
    pub persons: Vec<(String, Option<String>)>,
    pub outcome: DecisionOutcome,
}

impl Decided {
    /// The message for the terminal.
    pub fn render(&self) -> String {
        let shown: Vec<String> = self
            .persons
            .iter()
            .map(|(id, name)| format!("{id} ({})", name.as_deref().unwrap_or("no name")))
            .collect();
        let head = match self.kind {
            DecisionKind::Merge => format!(
                "merged {}: now one person, {}",
                self.named.join(" and "),
                shown.join(", ")
            ),
            DecisionKind::Separate => format!(
                "{} are kept apart from now on: {}",
                self.named.join(" and "),
                shown.join(", ")
            ),
            DecisionKind::Unmerge => format!(
                "unmerged {} into {} persons: {}",
                self.named.join(", "),
                self.persons.len(),
                shown.join(", ")
            ),
        };
        let o = &self.outcome.outcome;
        format!(
            "{head}\npersons: {} new, {} updated, {} retired, {} in the index; {} waiting for review\n",
            o.persons_new,
            o.persons_updated,
            o.persons_retired,
            o.persons_total,
            n_pairs(o.uncertain)
        )
    }
}

/// `1 pair`, `2 pairs`.
fn n_pairs(n: usize) -> String {
    if n == 1 {
        "1 pair".to_string()
    } else {
        format!("{n} pairs")
    }
}

/// `merge`, `separate`, `unmerge`: resolve the persons, then store and apply the decision in
/// one transaction. Every refusal is an error (exit status 2) and leaves the index unchanged.
pub fn decide(index_path: &Path, cfg: &DecideConfig, command: &str) -> Result<Decided> {
    let _lock = IndexLock::acquire(index_path, cfg.wait)?;
    let mut index = open_existing(index_path)?;
    let mut named = Vec::new();
    for p in &cfg.persons {
        named.push(resolve(&index, p, &cfg.region)?);
    }
    let decision = match (cfg.kind, named.as_slice()) {
        (DecisionKind::Merge, [a, b]) => Decision::Merge(a.clone(), b.clone()),
        (DecisionKind::Separate, [a, b]) => Decision::Separate(a.clone(), b.clone()),
        (DecisionKind::Unmerge, [p]) => Decision::Unmerge(p.clone()),
        _ => bail!("expected two persons for merge and separate, one for unmerge"),
    };
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let outcome = index.decide(&decision, cfg.note.as_deref(), &now, command)?;
    let merged: Vec<Merged> = index
        .persons_by_id(&outcome.persons)?
        .iter()
        .map(merge::merge)
        .collect();
    let persons = outcome
        .persons
        .iter()
        .map(|id| {
            let name = merged
                .iter()
                .find(|m| &m.id == id)
                .and_then(|m| m.name.full.clone());
            (id.clone(), name)
        })
        .collect();
    Ok(Decided {
        kind: cfg.kind,
        named,
        persons,
        outcome,
    })
}

/// An id as it is, or the one person a `who` query finds; anything else is an error that
/// lists the candidates.
fn resolve(index: &Index, person: &str, region: &str) -> Result<String> {
    if search::is_person_id(person) {
        return Ok(person.to_string());
    }
    match lookup_person(index, person, region)? {
        Lookup::NotFound => bail!("nobody matches {person:?}; nothing changed"),
        Lookup::One(id) => Ok(id),
        Lookup::Ambiguous(many) => {
            let mut seen = HashSet::new();
            let list: Vec<String> = many
                .iter()
                .filter(|c| seen.insert(c.id.clone()))
                .map(|c| format!("  {}  {}", c.id, c.name.as_deref().unwrap_or("(no name)")))
                .collect();
            bail!(
                "{person:?} matches {} people; nothing changed. Give the id of one:\n{}",
                list.len(),
                list.join("\n")
            )
        }
    }
}
