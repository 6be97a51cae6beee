//! Blocking: which pairs of records are worth comparing.
//!
//! In: a [`Prepared`] set and [`Limits`]. Out: candidate pairs `(a, b)` with `a < b`, sorted
//! and without duplicates, and counts for the report.
//!
//! A pair is a candidate when the two records share any of these keys (never an empty value:
//! a record without the field has no key for it):
//!
//! - a normalised e-mail address (generic addresses such as `info@` are not keys at all), or
//!   the local part of one (`jan.jansen@` at two providers);
//! - a phone number; a LinkedIn profile;
//! - the Double Metaphone code of the family name without particles with the first initial
//!   (`van der Berg, J.` and `Jan Berg`), and the unordered pair of the given and family name
//!   codes (catches swapped names);
//! - a full birthday; a postcode; an organisation key;
//!
//! or when they are near each other in a sorted neighbourhood: all records sorted by family
//! name then given name, and once more by given name then family name, each record paired with
//! the next `window` records (catches typos that change a phonetic code).
//!
//! Huge blocks: a key shared by more than `max_block` records (a switchboard number, a common
//! name, a big employer) is not expanded into all its pairs. Its records are sorted by name and
//! each is paired with its next `window` neighbours inside the block. Every record so gives at
//! most `max_block - 1` pairs per key, and the number of compared pairs grows linearly with the
//! number of records.
//!
//! Keys are hashes of the values (not interning numbers) and ties are broken by the records'
//! canonical rank, so the candidates do not depend on input order or thread count.

use super::prepare::{hash_bytes, mix, Kind, Prepared};
use rayon::prelude::*;

/// How far blocking may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A key shared by more records than this is sub-blocked by sorted neighbourhood.
    pub max_block: usize,
    /// Neighbours compared in a sorted neighbourhood.
    pub window: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_block: 40,
            window: 4,
        }
    }
}

/// What blocking did, for the report and the benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// (key, record) entries.
    pub keys: usize,
    /// Distinct keys shared by at least two records.
    pub blocks: usize,
    /// Blocks larger than `max_block`, sub-blocked.
    pub oversize: usize,
    /// Pairs generated before duplicates were removed.
    pub generated: usize,
    /// Distinct candidate pairs.
    pub candidates: usize,
}

/// Key tags: part of every key, so an e-mail and a postcode with the same text differ.
#[derive(Clone, Copy)]
#[repr(u8)]
enum Tag {
    Email = 1,
    Local = 2,
    Phone = 3,
    Linkedin = 4,
    Name = 5,
    Names = 6,
    Birthday = 7,
    Postcode = 8,
    Org = 9,
}

/// A key's hash; its lowest bit says whether the key identifies (see [`Candidate`]).
fn key(tag: Tag, parts: &[&[u8]]) -> u64 {
    let mut h = hash_bytes(0, &[tag as u8]);
    for part in parts {
        h = hash_bytes(h, part);
        h = hash_bytes(h, &[0xff]);
    }
    let identifying = !matches!(tag, Tag::Name | Tag::Names | Tag::Org);
    (mix(h) & !1) | u64::from(identifying)
}

/// The blocking keys of record `r`.
fn keys_of(p: &Prepared, r: u32, out: &mut Vec<(u64, u32)>) {
    let text = |kind: Kind| p.text(r, kind);
    for (kind, tag) in [
        (Kind::Email, Tag::Email),
        (Kind::Phone, Tag::Phone),
        (Kind::Linkedin, Tag::Linkedin),
        (Kind::Postcode, Tag::Postcode),
        (Kind::Org, Tag::Org),
    ] {
        for item in p.of(r, kind) {
            out.push((key(tag, &[p.table(kind).get(item.sym).as_bytes()]), r));
        }
    }
    for item in p.of(r, Kind::Local) {
        let local = p.table(Kind::Local).get(item.sym);
        // Short local parts (`jan@`, `j.s@`) are shared by too many people to block on.
        if local.len() >= 5 {
            out.push((key(Tag::Local, &[local.as_bytes()]), r));
        }
    }
    let rec = p.rec(r);
    if let Some(code) = text(Kind::CorePhon) {
        out.push((key(Tag::Name, &[code.as_bytes(), &[rec.initial]]), r));
        if let Some(given) = text(Kind::GivenPhon) {
            let (lo, hi) = if given <= code {
                (given, code)
            } else {
                (code, given)
            };
            out.push((key(Tag::Names, &[lo.as_bytes(), hi.as_bytes()]), r));
        }
    }
    if rec.birthday.known == super::prepare::Known::Full {
        out.push((key(Tag::Birthday, &[&rec.birthday.digits]), r));
    }
}

/// Sort key for neighbourhoods: lexicographic ranks of two name parts, then the record's
/// canonical rank. Records without the first part sort last.
fn name_order(p: &Prepared, r: u32, first: Kind, second: Kind) -> (u32, u32, u64) {
    let order = |kind: Kind| {
        p.first(r, kind)
            .map_or(u32::MAX, |s| p.table(kind).order(s))
    };
    (order(first), order(second), p.rec(r).rank)
}

/// A pair packed into one integer: `a << 33 | b << 1 | identifying` (`a < b < 2^31`), so
/// that sorting orders pairs by `(a, b)` and puts the two flags of one pair side by side.
fn push_pair(out: &mut Vec<u64>, a: u32, b: u32, identifying: bool) {
    if a != b {
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        out.push(u64::from(lo) << 33 | u64::from(hi) << 1 | u64::from(identifying));
    }
}

/// Pair each record in `sorted` with its next `window` records.
fn window_pairs(sorted: &[u32], window: usize, identifying: bool, out: &mut Vec<u64>) {
    for (i, &a) in sorted.iter().enumerate() {
        for &b in sorted.iter().skip(i + 1).take(window) {
            push_pair(out, a, b, identifying);
        }
    }
}

/// A candidate pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub a: u32,
    pub b: u32,
    /// The pair shares an identifying key (e-mail, local part, phone, LinkedIn, birthday,
    /// postcode), not only a name or an organisation. The model learns `m` from these pairs:
    /// at scale, name blocks bring masses of namesakes that EM would take for a class of their
    /// own.
    pub identifying: bool,
}

/// Candidate pairs of `p`, sorted by `(a, b)`, unique, `a < b`. At most 2^31 records.
pub fn candidates(p: &Prepared, limits: &Limits) -> (Vec<Candidate>, Stats) {
    assert!(p.len() < 1 << 31, "at most 2^31 records can be blocked");
    let n = p.len() as u32;
    let mut stats = Stats::default();

    let mut keys: Vec<(u64, u32)> = (0..n)
        .into_par_iter()
        .fold(Vec::new, |mut acc, r| {
            keys_of(p, r, &mut acc);
            acc
        })
        .reduce(Vec::new, |mut a, mut b| {
            a.append(&mut b);
            a
        });
    stats.keys = keys.len();
    // Within a key, records in canonical order: blocks look the same for any input order.
    keys.par_sort_unstable_by_key(|&(k, r)| (k, p.rec(r).rank, r));

    let mut blocks: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    for i in 1..=keys.len() {
        if i == keys.len() || keys[i].0 != keys[start].0 {
            if i - start >= 2 {
                blocks.push((start, i));
            }
            start = i;
        }
    }
    stats.blocks = blocks.len();
    stats.oversize = blocks
        .iter()
        .filter(|(s, e)| e - s > limits.max_block)
        .count();

    let window = limits.window.max(1);
    let mut pairs: Vec<u64> = blocks
        .par_iter()
        .fold(Vec::new, |mut out, &(s, e)| {
            let identifying = keys[s].0 & 1 == 1;
            let members: Vec<u32> = keys[s..e].iter().map(|&(_, r)| r).collect();
            if members.len() <= limits.max_block {
                for (i, &a) in members.iter().enumerate() {
                    for &b in &members[i + 1..] {
                        push_pair(&mut out, a, b, identifying);
                    }
                }
            } else {
                let mut sorted = members;
                sorted.sort_unstable_by_key(|&r| name_order(p, r, Kind::Core, Kind::Given1));
                window_pairs(&sorted, window, identifying, &mut out);
            }
            out
        })
        .reduce(Vec::new, |mut a, mut b| {
            a.append(&mut b);
            a
        });
    keys = Vec::new();
    drop(keys);

    // Sorted neighbourhoods over all records, by (family, given) and by (given, family).
    for (first, second) in [(Kind::Core, Kind::Given1), (Kind::Given1, Kind::Core)] {
        let mut order: Vec<(u32, u32, u64, u32)> = (0..n)
            .into_par_iter()
            .filter(|&r| p.first(r, first).is_some())
            .map(|r| {
                let (x, y, z) = name_order(p, r, first, second);
                (x, y, z, r)
            })
            .collect();
        order.par_sort_unstable();
        let sorted: Vec<u32> = order.into_iter().map(|t| t.3).collect();
        window_pairs(&sorted, window, false, &mut pairs);
    }

    stats.generated = pairs.len();
    pairs.par_sort_unstable();
    // One entry per pair, identifying if any of its keys was.
    pairs.dedup_by(|next, kept| {
        let same = *next >> 1 == *kept >> 1;
        if same {
            *kept |= *next & 1;
        }
        same
    });
    stats.candidates = pairs.len();
    let out = pairs
        .into_iter()
        .map(|x| Candidate {
            a: (x >> 33) as u32,
            b: ((x >> 1) & 0x7fff_ffff) as u32,
            identifying: x & 1 == 1,
        })
        .collect();
    (out, stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Contact, Source, SourceKind, Value};

    fn contact(record: u32, given: &str, family: &str, email: &str) -> Contact {
        let mut c = Contact::empty(Source {
            path: "t.csv".into(),
            kind: SourceKind::CsvGeneric,
            record,
            line: None,
        });
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        c.name.given = opt(given);
        c.name.family = opt(family);
        if !email.is_empty() {
            c.emails.push(Value {
                value: email.into(),
                original: email.into(),
                label: None,
            });
        }
        c
    }

    fn run(cs: &[Contact], limits: Limits) -> (Vec<(u32, u32)>, Stats) {
        let refs: Vec<&Contact> = cs.iter().collect();
        let (c, stats) = candidates(&Prepared::new(&refs), &limits);
        (c.iter().map(|c| (c.a, c.b)).collect(), stats)
    }

    #[test]
    fn shared_keys_make_pairs_and_empty_values_do_not() {
        let cs = vec![
            contact(1, "Jan", "Jansen", ""),
            contact(2, "", "", "x@voorbeeld.nl"),
            contact(3, "", "", "x@voorbeeld.nl"),
            contact(4, "", "", ""),
            contact(5, "", "", ""),
            contact(6, "J.", "Janssen", ""),
        ];
        let (pairs, stats) = run(
            &cs,
            Limits {
                max_block: 10,
                window: 1,
            },
        );
        // 0-5: same phonetic family and initial; 1-2: shared e-mail. 3 and 4 have nothing.
        let refs: Vec<&Contact> = cs.iter().collect();
        let limits = Limits {
            max_block: 10,
            window: 1,
        };
        let (full, _) = candidates(&Prepared::new(&refs), &limits);
        let flag = |a, b| {
            full.iter()
                .find(|c| (c.a, c.b) == (a, b))
                .map(|c| c.identifying)
        };
        assert_eq!(flag(1, 2), Some(true), "a shared e-mail identifies");
        assert_eq!(flag(0, 5), Some(false), "a shared name does not");
        assert!(pairs.contains(&(0, 5)), "{pairs:?}");
        assert!(pairs.contains(&(1, 2)), "{pairs:?}");
        assert!(!pairs
            .iter()
            .any(|&(a, b)| a == 3 || b == 3 || a == 4 || b == 4));
        assert_eq!(stats.candidates, pairs.len());
        assert!(pairs.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
        assert!(pairs.iter().all(|&(a, b)| a < b));
    }

    #[test]
    fn huge_blocks_grow_linearly() {
        // 2 000 records sharing one generic-looking personal address: all pairs would be
        // about two million; the sub-blocked block gives at most window pairs per record.
        let cs: Vec<Contact> = (0..2000)
            .map(|i| contact(i + 1, &format!("Naam{i}"), "", "jan.oost@voorbeeld.nl"))
            .collect();
        let limits = Limits {
            max_block: 40,
            window: 4,
        };
        let (pairs, stats) = run(&cs, limits);
        assert_eq!(stats.oversize, 2, "the e-mail and its local part");
        assert!(pairs.len() <= 2000 * 4 * 4, "{} pairs", pairs.len());
        assert!(pairs.len() >= 2000, "{} pairs", pairs.len());
    }

    #[test]
    fn input_order_does_not_matter() {
        let names = [
            ("Jan", "Jansen"),
            ("Jan", "Janssen"),
            ("Piet", "Jansen"),
            ("Kees", "Bakker"),
            ("Cornelis", "Bakker"),
            ("Jansen", "Jan"),
        ];
        let cs: Vec<Contact> = names
            .iter()
            .enumerate()
            .map(|(i, (g, f))| contact(i as u32 + 1, g, f, ""))
            .collect();
        let limits = Limits {
            max_block: 2,
            window: 1,
        };
        let (straight, _) = run(&cs, limits);
        let reversed: Vec<Contact> = cs.iter().rev().cloned().collect();
        let (back, _) = run(&reversed, limits);
        let n = cs.len() as u32;
        let mut mapped: Vec<(u32, u32)> = back
            .iter()
            .map(|&(a, b)| {
                let (x, y) = (n - 1 - a, n - 1 - b);
                (x.min(y), x.max(y))
            })
            .collect();
        mapped.sort_unstable();
        assert_eq!(straight, mapped);
    }
}
