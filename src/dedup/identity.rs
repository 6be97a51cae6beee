//! Identity: which records are the same person.
//!
//! In: normalised [`Contact`]s (never raw ones). Out: [`Clusters`], a partition of the input
//! positions in which each cluster is one person.
//!
//! For now the only [`Resolver`] is [`SharedKeys`]: records that share a normalised e-mail, an
//! E.164 phone number or a LinkedIn profile are the same person, and "same person" is
//! transitive (the union of these keys). The real matching engine (blocking, scoring, user
//! decisions) is a separate issue and will implement the same trait, so the store and the
//! pipeline do not change when it arrives.
//!
//! What this does not do: compare names, organisations or anything fuzzy; look at empty values
//! (an empty e-mail joins nobody); depend on input order (the clusters are sets, named by their
//! smallest member).

use crate::model::Contact;
use std::collections::HashMap;
use std::fmt;

/// Decides which records are the same person.
pub trait Resolver {
    /// Partition `contacts` into people. Every position `0..contacts.len()` is in exactly one
    /// cluster, and the set of clusters does not depend on the order of the input.
    fn resolve(&self, contacts: &[&Contact]) -> Clusters;
}

/// A partition of input positions: each cluster is a sorted list of indexes into the input of
/// [`Resolver::resolve`], and the clusters are sorted by their smallest member.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Clusters {
    groups: Vec<Vec<usize>>,
}

impl Clusters {
    /// Bring any grouping into the canonical form (members sorted and unique, empty groups
    /// dropped, groups sorted by smallest member). Does not check that the groups are disjoint.
    pub fn from_groups(groups: Vec<Vec<usize>>) -> Clusters {
        let mut groups: Vec<Vec<usize>> = groups
            .into_iter()
            .filter(|g| !g.is_empty())
            .map(|mut g| {
                g.sort_unstable();
                g.dedup();
                g
            })
            .collect();
        groups.sort_unstable();
        Clusters { groups }
    }

    pub fn groups(&self) -> &[Vec<usize>] {
        &self.groups
    }

    pub fn into_groups(self) -> Vec<Vec<usize>> {
        self.groups
    }

    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &[usize]> {
        self.groups.iter().map(Vec::as_slice)
    }
}

/// A value that identifies a person on its own. The kind is part of the key, so an e-mail and a
/// profile slug that happen to be the same text never join two records.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// A normalised e-mail address (lower-cased once more, in case a source kept case).
    Email(String),
    /// An E.164 phone number: `+` and 7 to 15 digits.
    Phone(String),
    /// A LinkedIn profile slug (`linkedin.com/in/<slug>`), percent-decoded and lower-cased.
    Linkedin(String),
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Email(v) => write!(f, "email:{v}"),
            Key::Phone(v) => write!(f, "phone:{v}"),
            Key::Linkedin(v) => write!(f, "linkedin:{v}"),
        }
    }
}

/// The identifying keys of one record, sorted and without duplicates.
pub fn keys(contact: &Contact) -> Vec<Key> {
    let mut out = Vec::new();
    for email in &contact.emails {
        let v = email.value.trim();
        if !v.is_empty() {
            out.push(Key::Email(v.to_lowercase()));
        }
    }
    for phone in &contact.phones {
        let v = phone.value.trim();
        if is_e164(v) {
            out.push(Key::Phone(v.to_string()));
        }
    }
    // Profiles arrive as URLs (LinkedIn's own export, a vCard URL) or as social profiles
    // (X-SOCIALPROFILE;type=linkedin), sometimes only as a bare handle under a LinkedIn label.
    for v in contact.urls.iter().chain(&contact.socials) {
        let labelled = v
            .label
            .as_deref()
            .is_some_and(|l| l.trim().eq_ignore_ascii_case("linkedin"));
        if let Some(slug) = linkedin_profile(&v.value, labelled) {
            out.push(Key::Linkedin(slug));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// `+` followed by 7 to 15 digits. ITU-T E.164 allows at most 15 digits; no real subscriber
/// number is shorter than 7 with its country code, and shorter ones (`+1`, `+31`) are usually
/// a normaliser's leftovers that would join strangers.
fn is_e164(v: &str) -> bool {
    v.strip_prefix('+').is_some_and(|digits| {
        (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

/// The profile slug of a LinkedIn profile URL, or of a bare handle when the source labelled the
/// value as LinkedIn. Company pages (`/company/`) and other LinkedIn URLs are not people.
fn linkedin_profile(value: &str, labelled: bool) -> Option<String> {
    let lower = value.trim().to_ascii_lowercase();
    const MARK: &str = "linkedin.com/in/";
    let slug = match lower.find(MARK) {
        // The host must be linkedin.com itself or a subdomain of it, not `notlinkedin.com`.
        Some(at) if at == 0 || matches!(lower.as_bytes()[at - 1], b'/' | b'.') => {
            let rest = &lower[at + MARK.len()..];
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            &rest[..end]
        }
        Some(_) => return None,
        None if labelled && !lower.contains(['/', ' ', '@', ':']) => lower.as_str(),
        None => return None,
    };
    // LinkedIn's export percent-encodes non-ASCII slugs; a vCard usually does not.
    let decoded = percent_encoding::percent_decode_str(slug)
        .decode_utf8_lossy()
        .trim()
        .to_lowercase();
    (!decoded.is_empty()).then_some(decoded)
}

/// Records that share any [`Key`] are one person (transitively).
#[derive(Debug, Clone, Copy, Default)]
pub struct SharedKeys;

impl Resolver for SharedKeys {
    fn resolve(&self, contacts: &[&Contact]) -> Clusters {
        let mut sets = DisjointSets::new(contacts.len());
        // The first record seen with a key stands for it; every later one joins that record.
        // The map is only looked up, never iterated, so its order cannot leak into the output.
        let mut first_with: HashMap<Key, usize> = HashMap::new();
        for (i, contact) in contacts.iter().enumerate() {
            for key in keys(contact) {
                match first_with.get(&key) {
                    Some(&j) => sets.union(i, j),
                    None => {
                        first_with.insert(key, i);
                    }
                }
            }
        }
        sets.into_clusters()
    }
}

/// Union-find with path compression and union by size: near-constant time per operation, so
/// resolving is linear in the number of records and keys.
struct DisjointSets {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl DisjointSets {
    fn new(n: usize) -> Self {
        DisjointSets {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        let mut root = x;
        while self.parent[root] != root {
            root = self.parent[root];
        }
        // Second pass: point every node on the path straight at the root.
        while self.parent[x] != root {
            let next = self.parent[x];
            self.parent[x] = root;
            x = next;
        }
        root
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let (big, small) = if self.size[ra] >= self.size[rb] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[small] = big;
        self.size[big] += self.size[small];
    }

    fn into_clusters(mut self) -> Clusters {
        let n = self.parent.len();
        let mut group_of_root = vec![usize::MAX; n];
        let mut groups: Vec<Vec<usize>> = Vec::new();
        // Visiting positions in ascending order makes every group sorted and creates the groups
        // in order of their smallest member: the canonical form without a sort.
        for i in 0..n {
            let root = self.find(i);
            if group_of_root[root] == usize::MAX {
                group_of_root[root] = groups.len();
                groups.push(Vec::new());
            }
            groups[group_of_root[root]].push(i);
        }
        Clusters { groups }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Source, SourceKind, Value};
    use proptest::prelude::*;

    fn value(v: &str, label: Option<&str>) -> Value {
        Value {
            value: v.to_string(),
            original: v.to_string(),
            label: label.map(str::to_string),
        }
    }

    fn contact(record: u32) -> Contact {
        Contact::empty(Source {
            path: "t.vcf".to_string(),
            kind: SourceKind::Vcard,
            record,
            line: None,
        })
    }

    /// A contact from a compact spec: `e:` e-mail, `p:` phone, `u:` URL, `s:` social,
    /// `l:` social labelled LinkedIn; items separated by spaces.
    fn from_spec(record: u32, spec: &str) -> Contact {
        let mut c = contact(record);
        for item in spec.split(' ').filter(|s| !s.is_empty()) {
            let (kind, v) = item.split_at(2);
            let v = if v == "''" { "" } else { v };
            match kind {
                "e:" => c.emails.push(value(v, None)),
                "p:" => c.phones.push(value(v, None)),
                "u:" => c.urls.push(value(v, None)),
                "s:" => c.socials.push(value(v, None)),
                "l:" => c.socials.push(value(v, Some("LinkedIn"))),
                _ => panic!("bad spec item {item:?}"),
            }
        }
        c
    }

    #[test]
    fn keys_of_one_record() {
        const CASES: &[(&str, &str)] = &[
            ("", ""),
            ("e:jan@voorbeeld.nl", "email:jan@voorbeeld.nl"),
            ("e:Jan@Voorbeeld.NL", "email:jan@voorbeeld.nl"),
            ("e:'' p:'' u:''", ""),
            ("p:+31612345678", "phone:+31612345678"),
            ("p:0612345678", ""),
            ("p:+316-1234", ""),
            ("p:+31", ""),
            ("p:+1234567890123456", ""),
            (
                "u:https://www.linkedin.com/in/JanVdBerg/",
                "linkedin:janvdberg",
            ),
            ("u:http://nl.linkedin.com/in/jan?trk=x", "linkedin:jan"),
            ("u:linkedin.com/in/j%C3%A1n", "linkedin:ján"),
            ("u:https://www.linkedin.com/company/voorbeeld", ""),
            ("u:https://notlinkedin.com/in/jan", ""),
            ("u:https://www.linkedin.com/in/", ""),
            ("s:https://linkedin.com/in/piet", "linkedin:piet"),
            ("s:piet", ""),
            ("l:Piet", "linkedin:piet"),
            ("l:x:piet", ""),
            (
                "e:b@x.nl e:a@x.nl e:a@x.nl p:+31612345678",
                "email:a@x.nl email:b@x.nl phone:+31612345678",
            ),
        ];
        for (spec, want) in CASES {
            let got: Vec<String> = keys(&from_spec(1, spec))
                .iter()
                .map(Key::to_string)
                .collect();
            assert_eq!(got.join(" "), *want, "case {spec:?}");
        }
    }

    #[test]
    fn clusters_by_shared_keys() {
        // Records separated by `|`; the expected clusters as position lists.
        const CASES: &[(&str, &str)] = &[
            ("", ""),
            ("e:a@x.nl", "0"),
            ("e:a@x.nl | e:a@x.nl", "0,1"),
            ("e:a@x.nl | e:b@x.nl", "0 1"),
            // Empty values never join anybody.
            ("e:'' | e:'' | p:''", "0 1 2"),
            ("| |", "0 1 2"),
            // Transitive: 0 and 2 share nothing directly.
            (
                "e:a@x.nl | e:a@x.nl p:+31612345678 | p:+31612345678",
                "0,1,2",
            ),
            // A chain that closes late still gives one cluster, named by its smallest member.
            (
                "e:a@x.nl | p:+31201234567 | e:b@x.nl | e:b@x.nl p:+31201234567 e:a@x.nl",
                "0,1,2,3",
            ),
            // Local numbers are not keys: the normaliser could not place them.
            ("p:0612345678 | p:0612345678", "0 1"),
            (
                "u:https://www.linkedin.com/in/jan | l:jan | e:jan@x.nl",
                "0,1 2",
            ),
            // A key kind is part of the key.
            ("e:jan | l:jan", "0 1"),
            ("e:c@x.nl | e:d@x.nl | e:c@x.nl | e:d@x.nl", "0,2 1,3"),
        ];
        for (spec, want) in CASES {
            let contacts: Vec<Contact> = if spec.is_empty() {
                Vec::new()
            } else {
                spec.split('|')
                    .enumerate()
                    .map(|(i, s)| from_spec(i as u32 + 1, s.trim()))
                    .collect()
            };
            let refs: Vec<&Contact> = contacts.iter().collect();
            let got = SharedKeys.resolve(&refs);
            let got: Vec<String> = got
                .iter()
                .map(|g| g.iter().map(usize::to_string).collect::<Vec<_>>().join(","))
                .collect();
            assert_eq!(got.join(" "), *want, "case {spec:?}");
        }
    }

    #[test]
    fn from_groups_is_canonical() {
        let c = Clusters::from_groups(vec![vec![3, 1], vec![], vec![2, 0, 2]]);
        assert_eq!(c.groups(), &[vec![0, 2], vec![1, 3]]);
        assert_eq!(c.len(), 2);
        assert!(!c.is_empty());
    }

    /// An independent oracle: merge clusters pairwise until no two share a key (quadratic,
    /// obviously correct).
    fn naive(contacts: &[Contact]) -> Vec<Vec<usize>> {
        let mut groups: Vec<(Vec<usize>, Vec<Key>)> = contacts
            .iter()
            .enumerate()
            .map(|(i, c)| (vec![i], keys(c)))
            .collect();
        loop {
            let mut merged = false;
            'outer: for a in 0..groups.len() {
                for b in a + 1..groups.len() {
                    if groups[a].1.iter().any(|k| groups[b].1.contains(k)) {
                        let (members, ks) = groups.remove(b);
                        groups[a].0.extend(members);
                        groups[a].1.extend(ks);
                        merged = true;
                        break 'outer;
                    }
                }
            }
            if !merged {
                break;
            }
        }
        Clusters::from_groups(groups.into_iter().map(|g| g.0).collect()).into_groups()
    }

    fn arb_contact() -> impl Strategy<Value = Contact> {
        // Small pools so that records collide often; `''` and a local number never join.
        let email = prop::sample::select(vec!["a@x.nl", "b@x.nl", "c@x.nl", "A@X.NL", ""]);
        let phone = prop::sample::select(vec!["+31612345678", "+31201234567", "0612345678", ""]);
        let url = prop::sample::select(vec![
            "https://www.linkedin.com/in/jan",
            "https://linkedin.com/in/JAN/",
            "https://www.linkedin.com/in/piet",
            "https://example.nl",
        ]);
        (
            prop::collection::vec(email, 0..3),
            prop::collection::vec(phone, 0..2),
            prop::collection::vec(url, 0..2),
        )
            .prop_map(|(emails, phones, urls)| {
                let mut c = contact(1);
                c.emails = emails.into_iter().map(|v| value(v, None)).collect();
                c.phones = phones.into_iter().map(|v| value(v, None)).collect();
                c.urls = urls.into_iter().map(|v| value(v, None)).collect();
                c
            })
    }

    proptest! {
        #[test]
        fn resolve_is_the_partition_by_shared_keys(
            contacts in prop::collection::vec(arb_contact(), 0..24)
        ) {
            let refs: Vec<&Contact> = contacts.iter().collect();
            let got = SharedKeys.resolve(&refs).into_groups();
            // A partition of 0..n in canonical form …
            let mut all: Vec<usize> = got.iter().flatten().copied().collect();
            all.sort_unstable();
            prop_assert_eq!(all, (0..contacts.len()).collect::<Vec<_>>());
            prop_assert_eq!(&got, &Clusters::from_groups(got.clone()).into_groups());
            // … and exactly the one the oracle finds.
            prop_assert_eq!(got, naive(&contacts));
        }

        #[test]
        fn input_order_does_not_change_the_clusters(
            (contacts, order) in prop::collection::vec(arb_contact(), 0..24)
                .prop_flat_map(|cs| {
                    let n = cs.len();
                    (Just(cs), Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
                })
        ) {
            let refs: Vec<&Contact> = contacts.iter().collect();
            let straight = SharedKeys.resolve(&refs).into_groups();
            let shuffled_refs: Vec<&Contact> = order.iter().map(|&i| &contacts[i]).collect();
            let shuffled = SharedKeys.resolve(&shuffled_refs);
            // Map positions in the shuffled input back to original positions.
            let back = Clusters::from_groups(
                shuffled.iter().map(|g| g.iter().map(|&p| order[p]).collect()).collect(),
            );
            prop_assert_eq!(straight, back.into_groups());
        }
    }
}
