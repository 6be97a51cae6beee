//! Identity: which records are the same person.
//!
//! In: normalised [`Contact`]s (never raw ones). Out: [`Clusters`], a partition of the input
//! positions in which each cluster is one person.
//!
//! The [`Resolver`] is the matching engine ([`super::engine::Engine`]); this module holds what
//! it and the store share: the canonical [`Clusters`], and the identifying [`Key`]s of a record
//! (normalised e-mail, E.164 phone number, LinkedIn profile), which the engine blocks on and
//! the store uses to find the record a changed file's record replaces. (The first resolver,
//! the union of shared keys, was retired when the engine became the index's identity.)
//!
//! What this does not do: look at empty values (an empty e-mail is no key), or depend on input
//! order (clusters are sets, named by their smallest member).

use crate::model::Contact;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Source, SourceKind, Value};

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
    fn from_groups_is_canonical() {
        let c = Clusters::from_groups(vec![vec![3, 1], vec![], vec![2, 0, 2]]);
        assert_eq!(c.groups(), &[vec![0, 2], vec![1, 3]]);
        assert_eq!(c.len(), 2);
        assert!(!c.is_empty());
    }
}
