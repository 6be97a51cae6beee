//! The matching engine: which records are the same person, with the evidence.
//!
//! In: normalised [`Contact`]s and the user's [`Decisions`]. Out: an [`Outcome`]: the people
//! as [`Clusters`] (a partition of the input positions, canonical and deterministic), the
//! [`Evidence`] of every automatic merge, and the uncertain pairs for review.
//!
//! ```text
//! prepare (parallel) ─► block ─► compare (parallel) ─► EM on pattern counts ─► score (parallel)
//!                                                                              │
//!                                  decisions ─► cluster (strongest first, no weak chains)
//! ```
//!
//! Stages: [`super::prepare`] (features, term frequencies), [`super::block`] (candidate pairs,
//! linear in the number of records), [`super::compare`] (levels per field), [`super::model`]
//! (Fellegi–Sunter, `u` from random pairs, `m` by EM), [`super::cluster`].
//!
//! One rule on top of the model, from what address books look like: two records whose given
//! names both are written out and plainly differ (`Jan` / `Marie`, no nickname, no typo) are
//! never merged automatically, however much else they share, unless their birthdays agree.
//! Couples share an address, a landline and often a family e-mail, but rarely a birthday;
//! those pairs go to review instead. With the same birthday as well, a different given name is
//! more likely a data-entry error (or a second given name) than a second person. Nor does the
//! rule fire when one record's given name is a word of the other's family name
//! ([`super::compare::names_crossed`]: `Pulfrd Cassandra` / `Victoria Pulford`): one record has
//! its names in the wrong boxes, and its "given name" says nothing about a second person —
//! unless both birthdays are known and differ, which is what a couple looks like whichever
//! box a name is in (`Kelsy Berryman` / `Berryman Phoebe`, born twelve years apart).
//!
//! Output never depends on thread count (indexed parallel maps, integer reductions, sums in a
//! fixed order) or on input order (ties are broken by each record's canonical rank, a hash of
//! its source and content). It does not merge values (that is [`super::merge`]) or store
//! anything.

use super::block::{self, Limits};
use super::cluster::{self, Edge, Thresholds};
use super::compare::{compare, names_crossed, Comparison, Field, Level, FIELDS};
use super::identity::{Clusters, Resolver};
use super::model::{self, Model};
use super::prepare::Prepared;
use crate::model::Contact;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::time::Instant;

/// Engine settings. The defaults are fixed settings, chosen before looking at any truth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Engine {
    pub limits: Limits,
    pub model: model::Settings,
    pub thresholds: Thresholds,
    /// Different written-out given names without an agreeing birthday never merge
    /// automatically (see the module docs).
    pub given_name_veto: bool,
}

impl Default for Engine {
    fn default() -> Self {
        Engine {
            limits: Limits::default(),
            model: model::Settings::default(),
            thresholds: Thresholds::default(),
            given_name_veto: true,
        }
    }
}

/// The user's decisions, as pairs of input positions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decisions {
    /// Always the same person (joins their whole clusters).
    pub must_link: Vec<(usize, usize)>,
    /// Never the same person (wins over any automatic edge and over a contradicting must-link).
    pub cannot_link: Vec<(usize, usize)>,
}

/// One field's part in a pair's score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FieldEvidence {
    pub field: Field,
    pub level: Level,
    /// Its weight in bits (log2 of its Bayes factor), term frequency included.
    pub weight: f64,
}

/// Why two records are (or may be) the same person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// Input positions, `a < b`.
    pub a: usize,
    pub b: usize,
    /// Match weight: log2 Bayes factor, the sum of the fields' weights.
    pub weight: f64,
    /// Probability of "same person" (the weight with the model's prior).
    pub probability: f64,
    /// Given and family name agreed only crosswise.
    pub swapped: bool,
    /// The fields both records have, in field order.
    pub fields: Vec<FieldEvidence>,
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{} weight {:+.1} p {:.4}",
            self.a, self.b, self.weight, self.probability
        )?;
        if self.swapped {
            f.write_str(" swapped")?;
        }
        for e in &self.fields {
            write!(f, " {}={}({:+.1})", e.field, e.level, e.weight)?;
        }
        Ok(())
    }
}

/// Counts for the report and the benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Stats {
    pub records: usize,
    pub blocking: block::Stats,
    /// Distinct comparison patterns among the candidates.
    pub patterns: usize,
    /// Pairs at or above the review threshold.
    pub edges: usize,
    pub em_iterations: usize,
    /// Probability that two random records are one person, as estimated.
    pub prior: f64,
    /// Seconds spent per stage: blocking, comparing the candidates, estimating the model
    /// (random sample and EM), scoring, clustering with evidence. For the benchmarks and `-v`.
    pub seconds: [f64; 5],
}

/// What the engine decided.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub clusters: Clusters,
    /// One per automatic merge: the edge that joined two clusters, in the order they joined.
    pub merges: Vec<Evidence>,
    /// Pairs in the review band left in different clusters, by weight descending then `(a, b)`.
    pub uncertain: Vec<Evidence>,
    pub stats: Stats,
    /// The estimated model (`m`, `u`, weights, prior), for the report.
    pub model: Model,
}

/// Two written-out given names that plainly differ, no birthday that agrees, and not a
/// record with its names in the wrong boxes: a couple or two colleagues, not one person with a
/// typo (see the module docs). Two known birthdays that differ keep the rule even for names
/// in the wrong boxes: that is what a couple looks like whichever box a name is in.
fn vetoed(p: &Prepared, a: u32, b: u32, c: &Comparison) -> bool {
    let birthday = c.level(Field::Birthday);
    c.level(Field::Given) == Level::Else
        && !matches!(birthday, Level::Exact | Level::Close)
        && (birthday == Level::Else || !names_crossed(p, a, b))
}

/// Below this many candidates with an identifying key, EM learns from all candidates.
const MIN_TRAINING: usize = 1000;

/// Candidate pairs whose second records are loaded together before they are compared (see
/// `run_prepared`): enough to overlap many cache misses, few enough to stay in L1.
const WARM_CHUNK: usize = 32;

/// The swapped flag rides above the levels in a pattern (EM ignores it).
const SWAPPED_BIT: u64 = 1 << 63;

impl Engine {
    /// Resolve `contacts` into people, respecting `decisions`.
    pub fn run(&self, contacts: &[&Contact], decisions: &Decisions) -> Outcome {
        self.run_prepared(&Prepared::new(contacts), decisions)
    }

    /// The same on records prepared beforehand (lets a caller stream contacts through a
    /// [`super::prepare::Builder`] instead of holding them all).
    pub fn run_prepared(&self, p: &Prepared, decisions: &Decisions) -> Outcome {
        let mut clock = Instant::now();
        let mut seconds = [0.0; 5];
        let mut lap = |stage: usize| {
            seconds[stage] = clock.elapsed().as_secs_f64();
            clock = Instant::now();
        };
        let (pairs, blocking) = block::candidates(p, &self.limits);
        lap(0);
        // Pairs come sorted by `a`, so the second record of each pair is a random place in
        // a million records' features: a cache miss or two per pair, most of the comparison's
        // time at scale (measured with perf). Each chunk first reads where its second records
        // lie, loads that do not wait for one another, so the misses overlap instead of
        // coming one at a time; the comparisons then find them in cache. The order of pairs
        // and patterns is unchanged.
        let mut patterns = vec![0u64; pairs.len()];
        patterns
            .par_chunks_mut(WARM_CHUNK)
            .zip(pairs.par_chunks(WARM_CHUNK))
            .for_each(|(out, chunk)| {
                let warm = chunk.iter().fold(0u32, |x, c| x ^ p.warm(c.b));
                std::hint::black_box(warm);
                for (slot, c) in out.iter_mut().zip(chunk) {
                    let cmp = compare(p, c.a, c.b);
                    *slot = cmp.pattern() | if cmp.swapped { SWAPPED_BIT } else { 0 };
                }
            });
        let identifying = pairs.iter().filter(|c| c.identifying).count();
        // Small sets learn from every candidate: no masses of namesakes there.
        let learn_from_all = identifying < MIN_TRAINING;
        let histogram = |only_identifying: bool| -> Vec<(u64, u64)> {
            let mut h: Vec<(u64, u64)> = pairs
                .par_iter()
                .zip(patterns.par_iter())
                .filter(|(c, _)| !only_identifying || c.identifying)
                .fold(HashMap::new, |mut h: HashMap<u64, u64>, (_, &pat)| {
                    *h.entry(pat & !SWAPPED_BIT).or_default() += 1;
                    h
                })
                .reduce(HashMap::new, |mut a, b| {
                    for (k, v) in b {
                        *a.entry(k).or_default() += v;
                    }
                    a
                })
                .into_iter()
                .collect();
            h.sort_unstable();
            h
        };
        let all = histogram(false);
        let training = if learn_from_all {
            all.clone()
        } else {
            histogram(true)
        };
        lap(1);
        let model = Model::estimate(p, &training, &all, &self.model);
        lap(2);

        let review = self.thresholds.review;
        // A hair below the threshold in weight, so that rounding never drops an edge that
        // reaches it in probability.
        let review_weight = model.weight_for(review) - 1e-9;
        let edges: Vec<Edge> = pairs
            .par_iter()
            .zip(patterns.par_iter())
            .filter_map(|(&block::Candidate { a, b, .. }, &pat)| {
                let c = Comparison {
                    levels: Comparison::levels_of(pat & !SWAPPED_BIT),
                    swapped: pat & SWAPPED_BIT != 0,
                };
                let weight = model.score_if(p, a, b, &c, review_weight)?;
                let probability = model.probability(weight);
                (probability >= review).then(|| Edge {
                    a,
                    b,
                    weight,
                    probability,
                    automatic: !(self.given_name_veto && vetoed(p, a, b, &c)),
                    nameless: matches!(c.level(Field::Given), Level::Missing | Level::Initials),
                })
            })
            .collect();
        drop(patterns);
        drop(pairs);
        lap(3);

        let rank: Vec<u64> = p.recs().iter().map(|r| r.rank).collect();
        let part = cluster::cluster(
            p.len(),
            &edges,
            &rank,
            &decisions.must_link,
            &decisions.cannot_link,
            &self.thresholds,
        );
        let evidence = |i: &usize| self.evidence(p, &model, &edges[*i]);
        let merges = part.joined.par_iter().map(evidence).collect();
        let uncertain = part.uncertain.par_iter().map(evidence).collect();
        lap(4);
        Outcome {
            clusters: part.clusters,
            merges,
            uncertain,
            stats: Stats {
                records: p.len(),
                blocking,
                patterns: all.len(),
                edges: edges.len(),
                em_iterations: model.iterations,
                prior: model.prior,
                seconds,
            },
            model,
        }
    }

    fn evidence(&self, p: &Prepared, model: &Model, e: &Edge) -> Evidence {
        let c = compare(p, e.a, e.b);
        let weights = model.field_weights(p, e.a, e.b, &c);
        let fields = (0..FIELDS)
            .filter(|&f| c.levels[f] != Level::Missing)
            .map(|f| FieldEvidence {
                field: Field::ALL[f],
                level: c.levels[f],
                weight: weights[f],
            })
            .collect();
        Evidence {
            a: e.a as usize,
            b: e.b as usize,
            weight: e.weight,
            probability: e.probability,
            swapped: c.swapped,
            fields,
        }
    }
}

impl Resolver for Engine {
    fn resolve(&self, contacts: &[&Contact]) -> Clusters {
        self.run(contacts, &Decisions::default()).clusters
    }
}
