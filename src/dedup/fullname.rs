//! How much a shared written full name says, from how many records carry it.
//!
//! In: a [`Prepared`] set. Out: [`FullNames`]: for every written full name (first given name
//! and family name with particles, exactly as compared at the `Exact` levels) that at least
//! two records carry, the log2 odds that two of its records are one person, given how many
//! records carry it. The model ([`super::model::Model::field_weights`]) uses it in place of the
//! given and family names' own weights when both agree exactly.
//!
//! Why: the given and family names' term frequencies are separate, and a pair agreeing on both
//! is scored as if the two were independent (`Jan` is common, `Hoekstra` is common, so
//! `Jan Hoekstra` looks shared by many). How many records *actually* carry the full name is
//! the stronger evidence: at a million records most exact full-name pairs come from a name
//! that only one person carries, and their records are the only ones with that name.
//!
//! The derivation (nothing here is fitted to any truth):
//!
//! - The persons who carry a name `x` are taken as a Poisson number with mean `ν`; each of them
//!   has `t ≥ 1` records that show `x` exactly, `t` drawn from one distribution `ρ`
//!   independently of the name. The `c` records of `x` are then a compound Poisson sum.
//! - `ν` comes from the independence estimate: `E = n · f(given) · f(family)` records are
//!   expected to carry `x` (frequencies among records with that field, `n` records with both
//!   fields), so `ν = E / mean(ρ)`. The frequencies leave the class's own records out (the
//!   pair's two and the others that carry `x`: they are the evidence being weighed), plus one
//!   record's worth so that a part seen nowhere else is rare rather than impossible. The rates
//!   are estimates from few records (often none besides the class), and a second person
//!   carrying `x` needs the rate squared: `ν` is raised by `E[rate²] / rate²` of each part's
//!   Gamma posterior, `1 + 1 / (k + 1)` with `k` other records.
//! - `ρ` is estimated from the data the engine sees: from the names that the independence
//!   estimate says almost nobody else carries (`E ≤` [`RARE_EXPECTED`]); their record counts
//!   are a sample of `t`. A name part that occurs only inside its own class (a typo makes
//!   `Hoekstar` a one-record "name") is left out of that sample: its class is one record by
//!   construction and would make single-record persons look more common than they are.
//! - For a pair of records drawn from a class of `c`, with `g(c) = P(S = c)` (Panjer's
//!   recursion), the expected number of same-person pairs in the class is
//!   `ν Σ_t ρ(t) C(t,2) g(c − t)` and of two-person pairs `ν²/2 Σ_{t,s} ρ(t) ρ(s) t s
//!   g(c − t − s)` (a Poisson process seen from one of its points is that point plus an
//!   independent copy). Their ratio is the odds that the pair is one person, knowing only the
//!   name and its count; [`same_person_log2_odds`] computes it.
//!
//! Records of the same person count as the same person: a third record of `Jan Hoekstra` in a
//! class of three is part of one person's `t = 3`, not a third person. With a small `ν` a
//! class of three is one person with three records (weight `ν ρ(3)`) or a person with two and
//! one with one (`ν² ρ(1) ρ(2)`), so its odds grow as `1/ν` like those of a class of two; with
//! a large `ν` every further record makes one person less likely. The two names' own weights are replaced by this, minus the model's prior (the name's
//! part of the posterior odds), kept within the bounds that the two term-frequency adjustments
//! could have reached ([`super::model::Settings::tf_max_bits`] each).
//!
//! What this does not do: look at anything but exact written names (nicknames, typos and
//! particles keep the old weights); use the other fields (they stay independent evidence);
//! handle classes larger than [`MAX_CLASS`] (the old weights, such names being common); or work
//! without enough rare names to estimate `ρ` ([`MIN_SAMPLE`]; small address books keep the old
//! weights). Deterministic: keys are sorted, nothing iterates a hash map.

use super::prepare::{Kind, Prepared};
use rayon::prelude::*;
use std::fmt;

/// Names expected on at most this many records (independence estimate) sample `ρ`.
pub const RARE_EXPECTED: f64 = 0.05;

/// Fewer rare names than this: `ρ` is not estimated and the old weights stay.
pub const MIN_SAMPLE: usize = 200;

/// Largest class (records with one full name) that gets a joint weight.
pub const MAX_CLASS: u32 = 256;

/// `t` (records of one person showing the name) is counted up to this; more counts as this.
pub const MAX_T: usize = 16;

/// The joint-count evidence of every written full name carried by two records or more.
#[derive(Clone, Default, PartialEq)]
pub struct FullNames {
    /// `(given1 sym << 32) | family sym`, sorted.
    keys: Vec<u64>,
    /// log2 odds of "one person" for a pair of records of that name.
    log2_odds: Vec<f32>,
    /// The estimated `ρ` (index `t`, 0 unused), for the report and the tests.
    pub rho: Vec<f64>,
    /// Rare names `ρ` was estimated from.
    pub sample: usize,
}

impl fmt::Debug for FullNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FullNames")
            .field("names", &self.keys.len())
            .field("rho", &self.rho)
            .field("sample", &self.sample)
            .finish()
    }
}

fn key_of(p: &Prepared, r: u32) -> Option<u64> {
    let g = p.first(r, Kind::Given1)?;
    let f = p.first(r, Kind::Family)?;
    Some(u64::from(g) << 32 | u64::from(f))
}

impl FullNames {
    /// Count the full names of `p`, estimate `ρ` and each class's odds.
    pub fn new(p: &Prepared) -> FullNames {
        let mut keys: Vec<u64> = (0..p.len() as u32)
            .into_par_iter()
            .filter_map(|r| key_of(p, r))
            .collect();
        keys.par_sort_unstable();
        let with_both = keys.len() as f64;
        // Run lengths: (key, records).
        let mut classes: Vec<(u64, u32)> = Vec::new();
        for &k in &keys {
            match classes.last_mut() {
                Some((last, c)) if *last == k => *c += 1,
                _ => classes.push((k, 1)),
            }
        }
        drop(keys);
        let (gt, ft) = (p.table(Kind::Given1), p.table(Kind::Family));
        let (gn, fn_) = (gt.records().max(1) as f64, ft.records().max(1) as f64);
        // The independence estimate from the *other* records: the class's own `c` records are
        // left out of both parts' counts (they are the evidence, and must not raise the prior
        // that weighs it), with one record's worth added so that a part seen only in this
        // class is rare, not impossible.
        let expected = |k: u64, c: u32| {
            let (g, f) = ((k >> 32) as u32, k as u32);
            let rate =
                |count: u32, of: f64| (f64::from(count - c) + 1.0) / (of - f64::from(c) + 1.0);
            rate(gt.count(g), gn) * rate(ft.count(f), fn_) * with_both
        };
        // Each part's rate is uncertain: with `k` other records it is Gamma(k + 1) around its
        // estimate (the posterior of a Poisson rate from a flat prior, whose mean is the
        // estimate above), so E[rate²] = rate² (1 + 1 / (k + 1)). A second person needs the
        // rate squared (`ν²` in the two-person term), so the point estimate is raised by that
        // factor for both parts; without it a name whose family is seen nowhere else looked
        // twice as surely one person as it is.
        let spread = |k: u64, c: u32| {
            let (g, f) = ((k >> 32) as u32, k as u32);
            let factor = |count: u32| 1.0 + 1.0 / (f64::from(count - c) + 1.0);
            factor(gt.count(g)) * factor(ft.count(f))
        };
        // ρ from the rare names whose parts also occur outside the class.
        let mut hist = [0u64; MAX_T + 1];
        let mut sample = 0usize;
        for &(k, c) in &classes {
            let (g, f) = ((k >> 32) as u32, k as u32);
            if expected(k, c) <= RARE_EXPECTED && gt.count(g) > c && ft.count(f) > c {
                hist[(c as usize).min(MAX_T)] += 1;
                sample += 1;
            }
        }
        if sample < MIN_SAMPLE {
            return FullNames {
                sample,
                ..FullNames::default()
            };
        }
        let rho: Vec<f64> = hist.iter().map(|&h| h as f64 / sample as f64).collect();
        let mean: f64 = rho.iter().enumerate().map(|(t, r)| t as f64 * r).sum();
        classes.retain(|&(_, c)| (2..=MAX_CLASS).contains(&c));
        let log2_odds: Vec<f32> = classes
            .par_iter()
            .map(|&(k, c)| {
                let nu = expected(k, c) * spread(k, c) / mean;
                same_person_log2_odds(c, nu, &rho) as f32
            })
            .collect();
        FullNames {
            keys: classes.into_iter().map(|(k, _)| k).collect(),
            log2_odds,
            rho,
            sample,
        }
    }

    /// Whether the joint counts are in use.
    pub fn is_active(&self) -> bool {
        !self.rho.is_empty()
    }

    /// Written full names with a joint weight.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The log2 odds that `a` and `b` are one person from their written full name alone,
    /// when both carry the same one and its class has a joint weight.
    pub fn log2_odds(&self, p: &Prepared, a: u32, b: u32) -> Option<f64> {
        let k = key_of(p, a)?;
        if key_of(p, b)? != k {
            return None;
        }
        let i = self.keys.binary_search(&k).ok()?;
        Some(f64::from(self.log2_odds[i]))
    }
}

/// log2 odds that two records drawn from a class of `c` records with one written full name are
/// one person: persons carrying the name ~ Poisson(`nu`), each with `t` records of it,
/// `t ~ rho` (`rho[t]`, `t ≥ 1`; `rho[0]` ignored). See the module docs for the derivation.
/// Infinite odds (no two-person split of `c` possible) come back as `f64::INFINITY`, none at
/// all as `f64::NEG_INFINITY`.
pub fn same_person_log2_odds(c: u32, nu: f64, rho: &[f64]) -> f64 {
    let c = c as usize;
    let tmax = rho.len().saturating_sub(1);
    let r = |t: usize| if (1..=tmax).contains(&t) { rho[t] } else { 0.0 };
    // g[s] ∝ P(S = s), Panjer's recursion for a compound Poisson sum, rescaled as it grows
    // (only ratios of g matter).
    let mut g = vec![0.0f64; c + 1];
    g[0] = 1.0;
    for s in 1..=c {
        let mut v = 0.0;
        for t in 1..=s.min(tmax) {
            v += t as f64 * r(t) * g[s - t];
        }
        g[s] = v * nu / s as f64;
        if g[s] > 1e150 {
            for x in &mut g[..=s] {
                *x *= 1e-150;
            }
        }
    }
    let mut same = 0.0;
    for t in 2..=c.min(tmax) {
        same += r(t) * (t * (t - 1) / 2) as f64 * g[c - t];
    }
    same *= nu;
    let mut two = 0.0;
    for t in 1..=c.min(tmax) {
        for s in 1..=(c - t).min(tmax) {
            two += r(t) * r(s) * (t * s) as f64 * g[c - t - s];
        }
    }
    two *= nu * nu / 2.0;
    match (same > 0.0, two > 0.0) {
        (true, true) => (same / two).log2(),
        (true, false) => f64::INFINITY,
        _ => f64::NEG_INFINITY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exhaustive check of the formula on tiny cases: enumerate the persons' record counts.
    fn brute(c: usize, nu: f64, rho: &[f64]) -> f64 {
        // Ordered compositions of c into j parts, each with weight P(J = j) e^{nu} = nu^j / j!
        // times the product of rho.
        fn go(
            left: usize,
            rho: &[f64],
            parts: &mut Vec<usize>,
            out: &mut Vec<(Vec<usize>, f64)>,
            w: f64,
        ) {
            if left == 0 {
                out.push((parts.clone(), w));
                return;
            }
            for t in 1..rho.len().min(left + 1) {
                parts.push(t);
                go(left - t, rho, parts, out, w * rho[t]);
                parts.pop();
            }
        }
        let mut all = Vec::new();
        go(c, rho, &mut Vec::new(), &mut all, 1.0);
        let (mut same, mut two) = (0.0, 0.0);
        for (parts, w) in all {
            let j = parts.len();
            let fact: f64 = (1..=j).map(|x| x as f64).product();
            let pj = nu.powi(j as i32) / fact;
            let s: f64 = parts.iter().map(|&t| (t * (t - 1) / 2) as f64).sum();
            let total = (c * (c - 1) / 2) as f64;
            same += pj * w * s;
            two += pj * w * (total - s);
        }
        (same / two).log2()
    }

    #[test]
    fn matches_enumeration() {
        let rho = [0.0, 0.5, 0.3, 0.15, 0.05];
        for (c, nu) in [(2, 0.1), (2, 3.0), (3, 0.5), (4, 2.0), (5, 0.01), (6, 7.0)] {
            let got = same_person_log2_odds(c, nu, &rho);
            let want = brute(c as usize, nu, &rho);
            assert!((got - want).abs() < 1e-9, "c {c} nu {nu}: {got} vs {want}");
        }
    }

    #[test]
    fn table() {
        let rho = [0.0, 0.5, 0.3, 0.15, 0.05];
        // (c, nu, lower bound, upper bound) of the log2 odds.
        let rows: &[(u32, f64, f64, f64)] = &[
            // Two records, one expected carrier: 2ρ2/(νρ1²) = 2.4 → 1.26 bits.
            (2, 1.0, 1.2, 1.3),
            // A rare name: ten times the odds per tenfold rarity.
            (2, 0.1, 4.5, 4.6),
            (2, 0.01, 7.9, 8.0),
            // A rare name on three records: one person with three (ρ3) against one with two
            // and one with one (νρ1ρ2): 3ρ3/(2νρ1ρ2) = 150 → 7.23 bits; still ∝ 1/ν, the
            // third record is not counted as a third person.
            (3, 0.01, 7.1, 7.3),
            // With a common name, more records make it less likely.
            (6, 5.0, -10.0, -1.0),
        ];
        for &(c, nu, lo, hi) in rows {
            let got = same_person_log2_odds(c, nu, &rho);
            assert!((lo..=hi).contains(&got), "c {c} nu {nu}: {got}");
        }
        // Rare names: odds ∝ 1/ν whatever the class size; common names: more records, less
        // likely one person.
        let tenfold = same_person_log2_odds(3, 0.001, &rho) - same_person_log2_odds(3, 0.01, &rho);
        assert!((tenfold - 10f64.log2()).abs() < 0.01, "{tenfold}");
        assert!(same_person_log2_odds(3, 5.0, &rho) < same_person_log2_odds(2, 5.0, &rho));
    }

    #[test]
    fn degenerate_rho() {
        // Nobody has two records of a name: a shared name is never one person.
        assert_eq!(
            same_person_log2_odds(2, 1.0, &[0.0, 1.0]),
            f64::NEG_INFINITY
        );
        // Everybody has exactly two: a class of two is always one person.
        assert_eq!(
            same_person_log2_odds(2, 1.0, &[0.0, 0.0, 1.0]),
            f64::INFINITY
        );
    }

    fn contact(record: u32, given: &str, family: &str) -> crate::model::Contact {
        use crate::model::{Contact, Source, SourceKind};
        let mut c = Contact::empty(Source {
            path: "t.csv".into(),
            kind: SourceKind::CsvGeneric,
            record,
            line: None,
        });
        c.name.given = Some(given.to_string());
        c.name.family = Some(family.to_string());
        c
    }

    fn word(i: usize) -> String {
        [i % 26, i / 26 % 26, i / 676 % 26]
            .iter()
            .map(|d| char::from(b'a' + *d as u8))
            .collect()
    }

    /// Two pairs whose given and family names are equally frequent, one from a class of two
    /// records, one from a class of five: the independent parts weigh them alike (the old
    /// behaviour), the joint count does not.
    #[test]
    fn the_class_size_decides_not_the_parts() {
        use crate::dedup::compare::{compare, Field};
        use crate::dedup::engine::Engine;
        use crate::dedup::prepare::Prepared;
        let mut contacts = Vec::new();
        let mut add = |g: &str, f: &str| {
            let n = contacts.len() as u32 + 1;
            contacts.push(contact(n, g, f));
        };
        // An address book: 900 persons, each given name and each family name on three of them
        // (never together twice); every other person has two records.
        for i in 0..900 {
            let (g, f) = (
                format!("G{}", word(i % 300)),
                format!("F{}ma", word(1000 + i / 3)),
            );
            add(&g, &f);
            if i % 2 == 0 {
                add(&g, &f);
            }
        }
        // `Jan Hoekstra` twice (and Hoekstra three more times), `Piet Veldman` five times:
        // both family names on five records, both given names on eight.
        for _ in 0..2 {
            add("Jan", "Hoekstra");
        }
        for g in ["Xa", "Xb", "Xc"] {
            add(g, "Hoekstra");
        }
        for _ in 0..5 {
            add("Piet", "Veldman");
        }
        for _ in 0..6 {
            add("Jan", "Other");
        }
        for _ in 0..3 {
            add("Piet", "Other");
        }
        let refs: Vec<&crate::model::Contact> = contacts.iter().collect();
        let p = Prepared::new(&refs);
        let n = contacts.len() as u32;
        let (jan, piet) = (n - 19, n - 14);
        let names = |e: &Engine| {
            let model = e.run(&refs, &Default::default()).model;
            let w = |a: u32| {
                let c = compare(&p, a, a + 1);
                let fw = model.field_weights(&p, a, a + 1, &c);
                fw[Field::Given as usize] + fw[Field::Family as usize]
            };
            (w(jan), w(piet), model.full_names.is_active())
        };
        let (j, v, active) = names(&Engine::default());
        assert!(!active);
        assert!((j - v).abs() < 1e-9, "independent parts: {j} vs {v}");
        let mut new = Engine::default();
        new.model.full_name_counts = true;
        let (j, v, active) = names(&new);
        assert!(active);
        assert!(
            j > v + 4.0,
            "class of two {j:.2} bits, class of five {v:.2} bits"
        );
    }

    #[test]
    fn same_at_any_thread_count() {
        let contacts: Vec<crate::model::Contact> = (0..3000)
            .map(|i| {
                contact(
                    i as u32 + 1,
                    &format!("G{}", word(i / 2 % 400)),
                    &word(1000 + i / 5),
                )
            })
            .collect();
        let refs: Vec<&crate::model::Contact> = contacts.iter().collect();
        let p = crate::dedup::prepare::Prepared::new(&refs);
        let with = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("thread pool")
                .install(|| FullNames::new(&p))
        };
        let one = with(1);
        assert!(one.is_active() && !one.is_empty());
        assert_eq!(one, with(4));
    }

    #[test]
    fn large_classes_stay_finite() {
        let rho = [0.0, 0.5, 0.3, 0.15, 0.05];
        let v = same_person_log2_odds(MAX_CLASS, 500.0, &rho);
        assert!(v.is_finite() && v < -5.0, "{v}");
    }
}
