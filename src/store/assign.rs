//! Person ids for clusters: a pure function, so that the rules are tested without SQLite.
//!
//! In: one [`Ballot`] per cluster (in cluster order): the stable key of its smallest record and
//! how many of its records already belonged to which person. Out: one id per cluster.
//!
//! Rules, in this order:
//! 1. A cluster keeps the id held by most of its records (ties: the smallest id).
//! 2. An id goes to one cluster only: when a person was split, the id stays with the part that
//!    holds most of its old records (ties: the cluster with the smallest member). Both rules are
//!    one greedy pass over (cluster, id, votes) sorted by votes, then id, then cluster.
//! 3. A cluster left without an id gets `p-` + the first 12 hex digits of sha256 of its smallest
//!    record's stable key, so the same records give the same id in any run and with any thread
//!    count. Should that id already be taken this run (a split part whose smallest record
//!    founded the other part's person), `#1`, `#2`, … is appended to the key until it is free.

use super::sha256_hex;
use std::collections::HashSet;

/// What one cluster brings to the assignment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Ballot {
    /// Stable key of the cluster's smallest record.
    pub first_key: String,
    /// `(person id, number of the cluster's records that belonged to it)`.
    pub votes: Vec<(String, usize)>,
}

/// The id of a person founded by the record with this stable key (`n` > 0 on a collision).
pub(super) fn founded_id(stable_key: &str, n: usize) -> String {
    let hash = if n == 0 {
        sha256_hex(stable_key.as_bytes())
    } else {
        sha256_hex(format!("{stable_key}#{n}").as_bytes())
    };
    format!("p-{}", &hash[..12])
}

/// One id per ballot, in ballot order; all different.
pub(super) fn assign(ballots: &[Ballot]) -> Vec<String> {
    let mut pairs: Vec<(usize, &str, usize)> = ballots
        .iter()
        .enumerate()
        .flat_map(|(cluster, b)| {
            b.votes
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(move |(id, n)| (*n, id.as_str(), cluster))
        })
        .collect();
    pairs.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)).then(a.2.cmp(&b.2)));

    let mut ids: Vec<Option<String>> = vec![None; ballots.len()];
    // Only looked up, never iterated.
    let mut taken: HashSet<String> = HashSet::new();
    for (_, id, cluster) in pairs {
        if ids[cluster].is_none() && !taken.contains(id) {
            taken.insert(id.to_string());
            ids[cluster] = Some(id.to_string());
        }
    }
    ids.into_iter()
        .zip(ballots)
        .map(|(id, ballot)| match id {
            Some(id) => id,
            None => {
                let id = (0..)
                    .map(|n| founded_id(&ballot.first_key, n))
                    .find(|id| !taken.contains(id))
                    .expect("an unbounded range always yields a free id");
                taken.insert(id.clone());
                id
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ballots written as `key:id=n,id=n` separated by ` | `; a `*` in the expected output
    /// stands for the id founded by that cluster's key.
    fn parse(spec: &str) -> Vec<Ballot> {
        spec.split(" | ")
            .filter(|s| !s.is_empty())
            .map(|b| {
                let (key, votes) = b.split_once(':').unwrap_or((b, ""));
                Ballot {
                    first_key: key.to_string(),
                    votes: votes
                        .split(',')
                        .filter(|v| !v.is_empty())
                        .map(|v| {
                            let (id, n) = v.split_once('=').expect("id=n");
                            (id.to_string(), n.parse().expect("a count"))
                        })
                        .collect(),
                }
            })
            .collect()
    }

    #[test]
    fn ids_follow_the_rules() {
        const CASES: &[(&str, &str)] = &[
            ("", ""),
            // A new cluster gets the id its smallest record founds.
            ("a#1#h:", "*"),
            // Rule 1: majority, then the smallest id on a tie.
            ("k:p-b=2,p-a=1", "p-b"),
            ("k:p-b=1,p-a=1", "p-a"),
            // A new record joining an existing person: the person keeps its id.
            ("k:p-a=3", "p-a"),
            // Rule 2: a split leaves the id with the part that holds most of its old records;
            // the other part founds a new id.
            ("k1:p-a=1 | k2:p-a=2", "* p-a"),
            // Equal parts: the cluster with the smallest member (first ballot) keeps it.
            ("k1:p-a=2 | k2:p-a=2", "p-a *"),
            // Greedy by votes: the first cluster takes p-b (3), so p-a goes to the second.
            ("k1:p-a=2,p-b=3 | k2:p-a=1", "p-b p-a"),
            // A merge: the bigger person survives; the smaller id is no one's now.
            ("k:p-a=1,p-b=4 | k2:", "p-b *"),
            // Zero votes are no votes.
            ("k:p-a=0", "*"),
        ];
        for (spec, want) in CASES {
            let ballots = parse(spec);
            let got = assign(&ballots);
            let want: Vec<String> = want
                .split(' ')
                .filter(|s| !s.is_empty())
                .zip(&ballots)
                .map(|(w, b)| {
                    if w == "*" {
                        founded_id(&b.first_key, 0)
                    } else {
                        w.to_string()
                    }
                })
                .collect();
            assert_eq!(got, want, "case {spec:?}");
        }
    }

    #[test]
    fn founded_id_shape() {
        const CASES: &[(&str, usize, &str)] = &[
            // sha256("") = e3b0c44298fc1c14…
            ("", 0, "p-e3b0c44298fc"),
            // sha256("abc") = ba7816bf8f01cfea…
            ("abc", 0, "p-ba7816bf8f01"),
        ];
        for (key, n, want) in CASES {
            assert_eq!(founded_id(key, *n), *want, "case {key:?} {n}");
        }
        assert_ne!(founded_id("abc", 1), founded_id("abc", 0));
    }

    #[test]
    fn a_taken_founded_id_is_not_given_twice() {
        // The second cluster's smallest record founded p-X, which the first cluster keeps by
        // majority: the second one must get another id.
        let taken = founded_id("k2", 0);
        let ballots = vec![
            Ballot {
                first_key: "k1".to_string(),
                votes: vec![(taken.clone(), 2)],
            },
            Ballot {
                first_key: "k2".to_string(),
                votes: vec![(taken.clone(), 1)],
            },
        ];
        let got = assign(&ballots);
        assert_eq!(got[0], taken);
        assert_eq!(got[1], founded_id("k2", 1));
    }
}
