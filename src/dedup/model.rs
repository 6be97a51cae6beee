//! The Fellegi–Sunter model: how much each comparison level says about "same person".
//!
//! In: the [`Prepared`] records and the counts of comparison patterns over the candidate
//! pairs. Out: a [`Model`] — per field and level the probability `m` of that level among pairs
//! that are the same person, `u` among pairs that are not, the weight `log2(m / u)`, and the
//! prior probability that two random records are one person. A pair's match weight (log2 Bayes
//! factor) is the sum of its levels' weights; `Missing` weighs nothing.
//!
//! How the numbers are found, from the data and never from any truth:
//!
//! 1. `u` from random pairs: a seeded sample of pairs (all pairs when there are few), drawn
//!    from the records in canonical order so the sample does not depend on input order. Random
//!    pairs are almost never one person, so their level frequencies are `u`. Each frequency is
//!    smoothed toward a documented default with the weight of [`Settings::u_prior`] pairs, so
//!    that a small address book is not judged on forty pairs. In a small address book "all
//!    pairs" include the duplicates themselves, so after EM the sample is counted once more
//!    with each pair weighted by its probability of being a non-match.
//! 2. `m` by expectation–maximisation over the candidate pairs' patterns (distinct patterns with
//!    their counts, so EM costs nothing per pair). The candidate pairs are a mixture of
//!    matches and non-matches; EM estimates `m`, the non-matches' level frequencies among the
//!    candidates (which blocking makes far more agreeable than random pairs, so they are
//!    estimated separately and not used as `u`), and the share of matches. `m` starts from
//!    defaults and is smoothed toward them with the weight of [`Settings::m_prior`] pairs.
//!    EM learns from the candidates that share an identifying key (e-mail, phone, LinkedIn,
//!    birthday, postcode): at a million records the name blocks bring masses of namesakes,
//!    and EM on all candidates then takes "similar name" for the match class (measured:
//!    69 % "matches" among 18 million candidates). Small sets (under 1 000 such pairs) learn
//!    from all candidates.
//! 3. The prior: the expected number of matches among all candidate pairs under `m` and `u`
//!    (found by iterating on the prior alone; pairs that blocking did not propose count as
//!    non-matches) over the number of all pairs, kept between a tenth and ten times "one
//!    other record per record", `1 / (n - 1)`.
//!
//! Term frequencies: at the exact level of names, e-mail, phone, organisation, postcode, city
//! and street (and for e-mail also at the shared-local-part and shared-domain levels), `u` is
//! replaced by the share of records that carry the agreed value (smoothed toward the level's
//! `u` for small sets): a shared common surname or switchboard number says less than a rare
//! one. The frequency is that of the value the two agree on: at the family name's exact level
//! the name as written, particles included (`van der Berg`, not every `Berg`: counting all
//! `de Berg`, `van Berg` and `Berg` made a shared `van der Berg` look up to sixteen times
//! more common than it is, and the model under-confident about name agreement in large sets);
//! at the particles level, where only the core agrees, the core's frequency. See
//! [`Field::tf_kind`](super::compare::Field::tf_kind) and [`Model::score`].
//!
//! What this does not do: choose thresholds or clusters (that is the engine and
//! [`super::cluster`]).

use super::compare::{compare, shared_count, Comparison, Field, Level, FIELDS, LEVELS};
use super::fullname::FullNames;
use super::prepare::{mix, Prepared};
use rayon::prelude::*;
use std::collections::HashMap;

/// Settings of the model estimation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Random pairs sampled for `u`: this many per record, between `u_samples_min` and
    /// `u_samples_max` (all pairs when there are fewer).
    pub u_samples_per_record: usize,
    pub u_samples_min: usize,
    pub u_samples_max: usize,
    /// Seed of the sample.
    pub seed: u64,
    /// Weight, in pairs, of the default `u` values.
    pub u_prior: f64,
    /// Weight, in pairs, of the default `m` values.
    pub m_prior: f64,
    /// EM stops after this many iterations or when no parameter moves by more than 1e-6.
    pub max_iterations: usize,
    /// Records, in pairs' worth, with which term frequencies are blended with the field's `u`:
    /// with `n` records carrying the field the term frequency gets weight `n / (n + tf_prior)`.
    pub tf_prior: f64,
    /// The term-frequency adjustment of one field is kept within ± this many bits.
    pub tf_max_bits: f64,
    /// An exact full name is weighed by how many records carry it
    /// ([`super::fullname`]) instead of by its two parts' frequencies. Off by default: measured
    /// on the generated corpus it raised F1 at 10k, 100k and 1M records but lowered precision
    /// at each (BENCH-DEDUP.md section 3.2), so it is not the default model.
    pub full_name_counts: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            u_samples_per_record: 10,
            u_samples_min: 50_000,
            u_samples_max: 300_000,
            seed: 0x6e65_7477_6572_6b21,
            u_prior: 1000.0,
            m_prior: 100.0,
            max_iterations: 100,
            tf_prior: 1000.0,
            tf_max_bits: 10.0,
            full_name_counts: false,
        }
    }
}

type Table = [[f64; LEVELS]; FIELDS];

/// An estimated model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub m: Table,
    pub u: Table,
    /// `log2(m / u)`; 0 for `Missing`.
    pub weights: Table,
    /// Probability that two random records are the same person.
    pub prior: f64,
    /// Share of matches among the candidate pairs, as EM found it.
    pub candidate_share: f64,
    pub iterations: usize,
    /// The joint counts of written full names (inactive when off or when the set is too small
    /// to estimate them).
    pub full_names: FullNames,
    settings: Settings,
}

/// Default `(m, u)` of a field's levels, before any data; levels not listed are nearly
/// impossible for that field. Guesses from the literature on person records and from what
/// contact lists look like; the data moves them.
fn defaults(field: Field) -> &'static [(Level, f64, f64)] {
    use Level::*;
    match field {
        Field::Given => &[
            (Exact, 0.85, 0.01),
            (Nickname, 0.03, 0.001),
            (Close, 0.05, 0.005),
            (Partial, 0.02, 0.001),
            (Similar, 0.02, 0.03),
            (Initials, 0.02, 0.05),
            (Else, 0.01, 0.903),
        ],
        Field::Family => &[
            (Exact, 0.88, 0.003),
            (Particles, 0.02, 0.0005),
            (Close, 0.05, 0.002),
            (Partial, 0.01, 0.0005),
            (Similar, 0.02, 0.02),
            (Else, 0.02, 0.974),
        ],
        Field::Birthday => &[
            (Exact, 0.9, 0.00005),
            (Close, 0.05, 0.001),
            (Similar, 0.01, 0.01),
            (Partial, 0.02, 0.003),
            (Else, 0.02, 0.986),
        ],
        Field::Email => &[
            (Exact, 0.5, 0.000001),
            (Partial, 0.05, 0.00001),
            (Domain, 0.05, 0.01),
            (Else, 0.4, 0.99),
        ],
        Field::Phone => &[
            (Exact, 0.6, 0.000001),
            (Close, 0.05, 0.000001),
            (Else, 0.35, 0.999998),
        ],
        Field::Linkedin => &[(Exact, 0.95, 0.000001), (Else, 0.05, 0.999999)],
        Field::Org => &[
            (Exact, 0.6, 0.01),
            (Close, 0.1, 0.005),
            (Domain, 0.1, 0.001),
            (Else, 0.2, 0.984),
        ],
        Field::Postcode => &[
            (Exact, 0.85, 0.001),
            (Close, 0.05, 0.005),
            (Else, 0.1, 0.994),
        ],
        Field::City => &[
            (Exact, 0.85, 0.01),
            (Close, 0.05, 0.005),
            (Similar, 0.02, 0.02),
            (Else, 0.08, 0.965),
        ],
        Field::Street => &[
            (Exact, 0.8, 0.002),
            (Close, 0.08, 0.002),
            (Similar, 0.02, 0.01),
            (Else, 0.1, 0.986),
        ],
        Field::Number => &[(Exact, 0.85, 0.02), (Close, 0.05, 0.05), (Else, 0.1, 0.93)],
        Field::Extension => &[
            (Exact, 0.7, 0.005),
            (Close, 0.1, 0.005),
            (Similar, 0.05, 0.02),
            (Else, 0.15, 0.97),
        ],
    }
}

/// Probability of a level that the defaults do not list.
const RARE: f64 = 1e-6;

/// The default tables, each field's non-missing levels summing to 1.
fn default_tables() -> (Table, Table) {
    let mut m = [[0.0; LEVELS]; FIELDS];
    let mut u = [[0.0; LEVELS]; FIELDS];
    for field in Field::ALL {
        let f = field as usize;
        for l in 1..LEVELS {
            m[f][l] = RARE;
            u[f][l] = RARE;
        }
        for &(level, mm, uu) in defaults(field) {
            m[f][level as usize] = mm;
            u[f][level as usize] = uu;
        }
        normalise(&mut m[f]);
        normalise(&mut u[f]);
    }
    (m, u)
}

/// Scale levels 1.. to sum to 1 (level 0, missing, stays 0).
fn normalise(row: &mut [f64; LEVELS]) {
    row[0] = 0.0;
    let sum: f64 = row[1..].iter().sum();
    if sum > 0.0 {
        for v in &mut row[1..] {
            *v /= sum;
        }
    }
}

/// The pairs sampled for `u`: all pairs when there are at most `samples`, else `samples`
/// random pairs of distinct records drawn from the canonical order.
pub fn sample_pairs(p: &Prepared, samples: usize, seed: u64) -> Vec<(u32, u32)> {
    let n = p.len();
    let total = n.saturating_mul(n.saturating_sub(1)) / 2;
    if total <= samples {
        let mut out = Vec::with_capacity(total);
        for a in 0..n as u32 {
            for b in a + 1..n as u32 {
                out.push((a, b));
            }
        }
        return out;
    }
    let mut canon: Vec<u32> = (0..n as u32).collect();
    canon.sort_unstable_by_key(|&r| (p.rec(r).rank, r));
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(state)
    };
    let mut out = Vec::with_capacity(samples);
    while out.len() < samples {
        let i = (next() % n as u64) as usize;
        let j = (next() % n as u64) as usize;
        if i != j {
            out.push((canon[i], canon[j]));
        }
    }
    out
}

/// The comparison patterns of the random sample, with their counts, sorted by pattern.
fn sample_patterns(p: &Prepared, settings: &Settings) -> Vec<(u64, u64)> {
    let samples = (p.len() * settings.u_samples_per_record)
        .clamp(settings.u_samples_min, settings.u_samples_max);
    let pairs = sample_pairs(p, samples, settings.seed);
    let mut out: Vec<(u64, u64)> = pairs
        .par_iter()
        .fold(HashMap::new, |mut h: HashMap<u64, u64>, &(a, b)| {
            *h.entry(compare(p, a, b).pattern()).or_default() += 1;
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
    out.sort_unstable();
    out
}

/// `u` from the sampled patterns, each pattern counted with weight `1 - match_probability`
/// (random pairs are almost never matches, but in a small address book "all pairs" include
/// the duplicates themselves), smoothed toward the defaults.
fn u_from(
    sample: &[(u64, u64)],
    settings: &Settings,
    u0: &Table,
    match_probability: impl Fn(&[Level; FIELDS]) -> f64,
) -> Table {
    let mut counts = [[0.0f64; LEVELS]; FIELDS];
    for &(pat, count) in sample {
        let levels = Comparison::levels_of(pat);
        let w = count as f64 * (1.0 - match_probability(&levels));
        for (f, l) in levels.iter().enumerate() {
            counts[f][*l as usize] += w;
        }
    }
    let mut u = [[0.0; LEVELS]; FIELDS];
    for f in 0..FIELDS {
        let present: f64 = counts[f][1..].iter().sum();
        for l in 1..LEVELS {
            u[f][l] = (counts[f][l] + settings.u_prior * u0[f][l]) / (present + settings.u_prior);
        }
    }
    u
}

impl Model {
    /// Estimate the model. `patterns` are the distinct [`Comparison::pattern`]s of the
    /// candidate pairs with their counts, sorted by pattern (EM sums them in that order, so the
    /// result does not depend on thread count).
    ///
    /// `training` are the patterns EM learns `m` from (the candidates that share an
    /// identifying key, see [`super::block::Candidate`]); `all` are the patterns of every
    /// candidate pair, from which the prior is found.
    pub fn estimate(
        p: &Prepared,
        training: &[(u64, u64)],
        all: &[(u64, u64)],
        settings: &Settings,
    ) -> Model {
        let (m0, u0) = default_tables();
        let sample = sample_patterns(p, settings);
        let u = u_from(&sample, settings, &u0, |_| 0.0);
        let levels: Vec<([Level; FIELDS], u64)> = training
            .iter()
            .map(|&(pat, count)| (Comparison::levels_of(pat), count))
            .collect();

        let mut m = m0;
        // Non-matches among the candidates start like random pairs.
        let mut uc = u;
        let mut share: f64 = 0.1;
        let mut iterations = 0;
        let total: u64 = levels.iter().map(|(_, c)| c).sum();
        while iterations < settings.max_iterations && total > 0 {
            iterations += 1;
            let mut am = [[0.0; LEVELS]; FIELDS];
            let mut au = [[0.0; LEVELS]; FIELDS];
            let mut matched = 0.0;
            for (lv, count) in &levels {
                let mut lm = share.ln();
                let mut lu = (1.0 - share).ln();
                for (f, l) in lv.iter().enumerate() {
                    let l = *l as usize;
                    if l != 0 {
                        lm += m[f][l].ln();
                        lu += uc[f][l].ln();
                    }
                }
                let pm = 1.0 / (1.0 + (lu - lm).exp());
                let c = *count as f64;
                matched += c * pm;
                for (f, l) in lv.iter().enumerate() {
                    let l = *l as usize;
                    if l != 0 {
                        am[f][l] += c * pm;
                        au[f][l] += c * (1.0 - pm);
                    }
                }
            }
            let mut moved: f64 = 0.0;
            for f in 0..FIELDS {
                let sm: f64 = am[f][1..].iter().sum();
                let su: f64 = au[f][1..].iter().sum();
                for l in 1..LEVELS {
                    let nm = (am[f][l] + settings.m_prior * m0[f][l]) / (sm + settings.m_prior);
                    // A pair's worth of smoothing keeps every level possible.
                    let nu = (au[f][l] + u[f][l]) / (su + 1.0);
                    moved = moved.max((nm - m[f][l]).abs()).max((nu - uc[f][l]).abs());
                    m[f][l] = nm;
                    uc[f][l] = nu;
                }
            }
            let new_share = (matched / total as f64).clamp(1e-6, 1.0 - 1e-6);
            moved = moved.max((new_share - share).abs());
            share = new_share;
            if moved < 1e-6 {
                break;
            }
        }

        let weights_of = |u: &Table| {
            let mut w = [[0.0; LEVELS]; FIELDS];
            for f in 0..FIELDS {
                for l in 1..LEVELS {
                    w[f][l] = (m[f][l] / u[f][l]).log2();
                }
            }
            w
        };
        // The prior: the expected number of matches among all candidate pairs (non-candidates
        // are taken for non-matches) over all pairs, found by iterating on the prior alone
        // with `m` and `u` fixed; kept between a tenth and ten times "one other record per
        // record".
        let first = weights_of(&u);
        let n = p.len() as f64;
        let all_pairs = (n * (n - 1.0) / 2.0).max(1.0);
        let per_record = 1.0 / (n - 1.0).max(1.0);
        let (low, high) = (per_record / 10.0, (per_record * 10.0).min(0.5));
        let all_weights: Vec<(f64, f64)> = all
            .iter()
            .map(|&(pat, count)| {
                let w: f64 = Comparison::levels_of(pat)
                    .iter()
                    .enumerate()
                    .map(|(f, l)| first[f][*l as usize])
                    .sum();
                (w, count as f64)
            })
            .collect();
        let candidates: f64 = all_weights.iter().map(|(_, c)| c).sum();
        let mut prior = per_record.min(high);
        let mut expected = 0.0;
        for _ in 0..200 {
            let bits = (prior / (1.0 - prior)).log2();
            expected = all_weights
                .iter()
                .map(|(w, c)| c / (1.0 + (-(w + bits)).exp2()))
                .sum::<f64>();
            let next = (expected / all_pairs).clamp(low, high);
            let done = (next - prior).abs() <= 1e-9 * prior;
            prior = next;
            if done {
                break;
            }
        }
        let share = if candidates > 0.0 {
            expected / candidates
        } else {
            0.0
        };

        // Take the sample's own matches out of `u` (one step is enough: they are few, and
        // plain to see).
        let prior_bits = (prior / (1.0 - prior)).log2();
        let u = u_from(&sample, settings, &u0, |levels| {
            let w: f64 = levels
                .iter()
                .enumerate()
                .map(|(f, l)| first[f][*l as usize])
                .sum();
            1.0 / (1.0 + (-(w + prior_bits)).exp2())
        });
        let weights = weights_of(&u);
        let full_names = if settings.full_name_counts {
            FullNames::new(p)
        } else {
            FullNames::default()
        };
        Model {
            m,
            u,
            weights,
            prior,
            candidate_share: share,
            iterations,
            full_names,
            settings: *settings,
        }
    }

    /// The prior as log2 odds.
    pub fn prior_bits(&self) -> f64 {
        (self.prior / (1.0 - self.prior)).log2()
    }

    /// Probability of "same person" for a match weight.
    pub fn probability(&self, weight: f64) -> f64 {
        1.0 / (1.0 + (-(weight + self.prior_bits())).exp2())
    }

    /// Weight of each field for a compared pair, term frequencies included.
    ///
    /// When both names agree exactly (not crosswise) on one written full name that
    /// [`FullNames`] knows, the two names together weigh the log2 odds of "one person" from
    /// that name's record count, less the prior (so that prior plus names is the name's own
    /// posterior odds), split evenly between the two fields and kept within the bounds their
    /// term-frequency adjustments could reach.
    pub fn field_weights(&self, p: &Prepared, a: u32, b: u32, c: &Comparison) -> [f64; FIELDS] {
        let mut out = [0.0; FIELDS];
        for field in Field::ALL {
            let f = field as usize;
            let level = c.levels[f];
            out[f] = self.weights[f][level as usize];
            let names = matches!(field, Field::Given | Field::Family);
            if !(names && c.swapped) {
                out[f] += self.tf_adjustment(p, a, b, field, level);
            }
        }
        if let Some(joint) = self.full_name_weight(p, a, b, c) {
            out[Field::Given as usize] = joint / 2.0;
            out[Field::Family as usize] = joint / 2.0;
        }
        out
    }

    /// The two names' joint weight from the full name's record count (see
    /// [`Model::field_weights`]), `None` where the parts' own weights apply.
    fn full_name_weight(&self, p: &Prepared, a: u32, b: u32, c: &Comparison) -> Option<f64> {
        let exact = |f: Field| c.level(f) == Level::Exact;
        if c.swapped || !exact(Field::Given) || !exact(Field::Family) {
            return None;
        }
        let odds = self.full_names.log2_odds(p, a, b)?;
        let (g, f) = (Field::Given as usize, Field::Family as usize);
        let base = self.weights[g][Level::Exact as usize] + self.weights[f][Level::Exact as usize];
        let max = 2.0 * self.settings.tf_max_bits;
        Some((odds - self.prior_bits()).clamp(base - max, base + max))
    }

    /// The match weight (log2 Bayes factor) of a compared pair.
    pub fn score(&self, p: &Prepared, a: u32, b: u32, c: &Comparison) -> f64 {
        self.field_weights(p, a, b, c).iter().sum()
    }

    /// The match weight of a compared pair when it can reach `at_least`, else `None`. Most
    /// candidate pairs are far below any threshold; the weight without term frequencies plus
    /// the most they could add settles those without looking values up.
    pub fn score_if(
        &self,
        p: &Prepared,
        a: u32,
        b: u32,
        c: &Comparison,
        at_least: f64,
    ) -> Option<f64> {
        let mut base = 0.0;
        let mut adjustable = 0.0;
        for field in Field::ALL {
            let level = c.levels[field as usize];
            base += self.weights[field as usize][level as usize];
            if field.tf_kind(level).is_some() {
                adjustable += self.settings.tf_max_bits;
            }
        }
        if base + adjustable < at_least {
            return None;
        }
        let weight = self.score(p, a, b, c);
        (weight >= at_least).then_some(weight)
    }

    /// The weight at which the probability reaches `probability`.
    pub fn weight_for(&self, probability: f64) -> f64 {
        (probability / (1.0 - probability)).log2() - self.prior_bits()
    }

    /// `log2(u_level / u_value)`: how much more (or less) an agreement on this value says than
    /// one on an average value of the field at this level.
    fn tf_adjustment(&self, p: &Prepared, a: u32, b: u32, field: Field, level: Level) -> f64 {
        let Some(kind) = field.tf_kind(level) else {
            return 0.0;
        };
        let Some((count, records)) = shared_count(p, a, b, kind) else {
            return 0.0;
        };
        let u_exact = self.u[field as usize][level as usize];
        let records = records as f64;
        let tf = f64::from(count) / records.max(1.0);
        let w = records / (records + self.settings.tf_prior);
        let u_value = w * tf + (1.0 - w) * u_exact;
        let max = self.settings.tf_max_bits;
        (u_exact / u_value).log2().clamp(-max, max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_distributions_that_favour_agreement() {
        let (m, u) = default_tables();
        for field in Field::ALL {
            let f = field as usize;
            let (sm, su): (f64, f64) = (m[f].iter().sum(), u[f].iter().sum());
            assert!((sm - 1.0).abs() < 1e-9, "m of {field}");
            assert!((su - 1.0).abs() < 1e-9, "u of {field}");
            let exact = Level::Exact as usize;
            let other = Level::Else as usize;
            assert!(
                m[f][exact] / u[f][exact] > 1.0,
                "exact of {field} is evidence for"
            );
            assert!(
                m[f][other] / u[f][other] < 1.0,
                "else of {field} is evidence against"
            );
        }
    }

    #[test]
    fn samples_cover_all_pairs_when_few() {
        let p = Prepared::default();
        assert!(sample_pairs(&p, 10, 1).is_empty());
    }
}
