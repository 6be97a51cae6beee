//! Normalisation: pure functions from what a source said to comparable values.
//!
//! In: a [`RawContact`]. Out: a [`Contact`] in which every value keeps its original beside the
//! normalised form, plus located warnings for values that could not be normalised. Per field:
//!
//! | field | function | what it does |
//! |---|---|---|
//! | any text | [`text::clean`] | NFC, trimmed, whitespace collapsed, control characters dropped |
//! | name | [`name::normalize`] | given / family with Dutch particles, titles, suffixes, initials |
//! | e-mail | [`email::normalize`] | lower-cased and validated; invalid ones are left out |
//! | phone | [`phone::normalize`] | E.164 with `--region` as default country; invalid ones kept cleaned |
//! | organisation | [`org::normalize`] | legal form recognised, matching key |
//! | URL | [`url::normalize`] | scheme added, host lower-cased, LinkedIn profiles canonical |
//! | address | [`address::normalize`] | Dutch postcodes `1234 AB`, countries ISO alpha-2 |
//! | dates | [`date::birthday`], [`date::connected_on`] | ISO `YYYY-MM-DD` or `--MM-DD` |
//! | labels | [`label::normalize`] | `mobile`, `work`, `home`, `fax`, … |
//!
//! Every per-field function is deterministic and idempotent: normalising a normalised value
//! changes nothing (the proptests in `tests/normalize_props.rs` say so). Equal values within
//! one record are kept once, the first.
//!
//! It does not decide who is who (dedup does), does not drop a record, and does not read
//! anything but its argument.

pub mod address;
pub mod date;
pub mod email;
pub mod label;
pub mod name;
pub mod org;
pub mod phone;
pub mod text;
pub mod url;

use crate::diag::Diagnostic;
use crate::model::{Contact, Name, Org, RawContact, RawName, Value};

/// Settings for normalisation.
#[derive(Debug, Clone)]
pub struct Options {
    /// Default country for phone numbers written without one (ISO 3166-1 alpha-2, `NL`).
    pub region: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            region: "NL".to_string(),
        }
    }
}

/// A value that could not be normalised; `Display` gives the warning text, the value quoted:
/// `e-mail "jan@@x" is not valid: more than one @`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} \"{value}\" {reason}")]
pub struct Invalid {
    /// `e-mail`, `phone`, `url`, `birthday`, …
    pub field: &'static str,
    /// The value as cleaned text.
    pub value: String,
    /// What is wrong, as a predicate: `is not valid: no @`.
    pub reason: String,
}

impl Invalid {
    pub fn new(field: &'static str, value: &str, reason: &str) -> Self {
        Invalid {
            field,
            value: value.to_owned(),
            reason: reason.to_owned(),
        }
    }
}

/// Adds `v` unless a value with the same normalised form is already there (the first wins).
fn push_unique(list: &mut Vec<Value>, v: Value) {
    if !list.iter().any(|x| x.value == v.value) {
        list.push(v);
    }
}

fn value(value: String, original: &str, label: Option<String>) -> Value {
    Value {
        value,
        original: original.to_owned(),
        label,
    }
}

/// Whether the record's only name is its company's: a vCard must have an FN, and for a
/// company card it is the organisation name (`FN:Voorbeeld B.V.` beside `ORG:Voorbeeld B.V.`).
/// Given or family parts mean a person, so only a whole name is checked.
fn is_company_name(raw: &RawName, name: &Name, orgs: &[Org]) -> bool {
    let has_parts = [&raw.given, &raw.middle, &raw.family]
        .iter()
        .any(|p| p.as_deref().is_some_and(|s| !s.trim().is_empty()));
    if has_parts {
        return false;
    }
    let Some(full) = name.full.as_deref() else {
        return false;
    };
    let folded = text::fold(full);
    if folded.is_empty() {
        return false;
    }
    if orgs
        .iter()
        .any(|o| text::fold(&o.name) == folded || (!o.key.is_empty() && o.key == org::key(full)))
    {
        return true;
    }
    let (start, end, _) = org::split_legal_form(full);
    start.is_some() || end.is_some()
}

/// Normalise one record.
pub fn contact(raw: &RawContact, opts: &Options) -> (Contact, Vec<Diagnostic>) {
    let src = &raw.source;
    let mut c = Contact::empty(src.clone());
    let mut diags = Vec::new();
    let mut warn = |problem: Invalid| {
        diags.push(
            Diagnostic::warning(src.path.clone(), src.line, problem.to_string())
                .with_record(src.record),
        );
    };

    // Organisations before the name: a company-only record must not get a person's name.
    for raw_org in &raw.orgs {
        if let Some(o) = org::normalize(raw_org) {
            // The same name twice is one value; two spellings of one organisation
            // (`GGZ Centraal B.V.`, `GGZ Centraal`) are two values, as they are across
            // records: every value stays, and matching compares `key`.
            let dup = c
                .orgs
                .iter()
                .any(|x| x.name == o.name && x.department == o.department);
            if !dup {
                c.orgs.push(o);
            }
        }
    }

    // Addresses before phones: their countries are evidence for a phone's country.
    for raw_addr in &raw.addresses {
        let (addr, problem) = address::normalize(raw_addr);
        if let Some(p) = problem {
            warn(p);
        }
        if let Some(a) = addr {
            let dup = c.addresses.iter().any(|x| {
                (
                    &x.street,
                    &x.postcode,
                    &x.city,
                    &x.region,
                    &x.country,
                    &x.po_box,
                ) == (
                    &a.street,
                    &a.postcode,
                    &a.city,
                    &a.region,
                    &a.country,
                    &a.po_box,
                )
            });
            if !dup {
                c.addresses.push(a);
            }
        }
    }

    let n = name::normalize(&raw.name);
    if is_company_name(&raw.name, &n.name, &c.orgs) {
        c.name = Name {
            original: n.name.original,
            ..Name::default()
        };
    } else {
        c.name = n.name;
        for nick in n.nicknames {
            push_unique(&mut c.nicknames, value(nick.clone(), &nick, None));
        }
    }
    for nick in &raw.nicknames {
        let v = text::clean(nick);
        if !v.is_empty() {
            push_unique(&mut c.nicknames, value(v, nick, None));
        }
    }

    for e in &raw.emails {
        if text::clean(&e.value).is_empty() {
            continue;
        }
        // LinkedIn 2018 member ids in the e-mail column identify a profile: kept as such.
        if let Some(member) = email::linkedin_member(&e.value) {
            push_unique(
                &mut c.socials,
                value(member, &e.value, Some("linkedin".to_owned())),
            );
            continue;
        }
        match email::normalize(&e.value) {
            Ok(v) => push_unique(
                &mut c.emails,
                value(v, &e.value, label::normalize(e.label.as_deref())),
            ),
            Err(problem) => warn(problem),
        }
    }

    let region = phone::region(&opts.region);
    // DESIGN.md: with NL as default, a foreign number written nationally misreads. A number
    // that is invalid in the default region is tried in the countries of the record's
    // addresses, in order; valid Dutch numbers are never second-guessed.
    let mut other_regions = Vec::new();
    for a in &c.addresses {
        if let Some(id) = a.country.as_deref().and_then(phone::region) {
            if Some(id) != region && !other_regions.contains(&id) {
                other_regions.push(id);
            }
        }
    }
    for p in &raw.phones {
        if text::clean(&p.value).is_empty() {
            continue;
        }
        let mut outcome = phone::normalize_in(&p.value, region);
        if matches!(outcome, phone::Phone::Invalid { .. }) {
            if let Some(valid) = other_regions
                .iter()
                .map(|r| phone::normalize_in(&p.value, Some(*r)))
                .find(|o| matches!(o, phone::Phone::Valid(_)))
            {
                outcome = valid;
            }
        }
        let label = label::normalize(p.label.as_deref());
        match outcome {
            phone::Phone::Valid(v) => push_unique(&mut c.phones, value(v, &p.value, label)),
            phone::Phone::Invalid { kept, problem } => {
                warn(problem);
                push_unique(&mut c.phones, value(kept, &p.value, label));
            }
            phone::Phone::NotAPhone(problem) => warn(problem),
        }
    }

    for u in &raw.urls {
        if text::clean(&u.value).is_empty() {
            continue;
        }
        match url::normalize(&u.value) {
            Ok(v) => {
                let label = if url::is_linkedin_profile(&v) {
                    Some("linkedin".to_owned())
                } else {
                    label::normalize(u.label.as_deref())
                };
                push_unique(&mut c.urls, value(v, &u.value, label));
            }
            Err(problem) => warn(problem),
        }
    }

    for s in &raw.socials {
        let cleaned = text::clean(&s.value);
        if cleaned.is_empty() {
            continue;
        }
        let label = label::normalize(s.label.as_deref());
        // A LinkedIn profile given as a social profile matches the same profile given as a URL.
        let linkedin = cleaned
            .to_ascii_lowercase()
            .contains("linkedin.com/")
            .then(|| url::normalize(&cleaned).ok())
            .flatten()
            .filter(|v| url::is_linkedin_profile(v));
        let v = match linkedin {
            Some(profile) => value(profile, &s.value, label.or(Some("linkedin".to_owned()))),
            None => value(cleaned, &s.value, label),
        };
        push_unique(&mut c.socials, v);
    }

    for t in &raw.titles {
        let v = text::clean(t);
        if !v.is_empty() {
            push_unique(&mut c.titles, value(v, t, None));
        }
    }
    for note in &raw.notes {
        let v = text::clean_multiline(note);
        if !v.is_empty() {
            push_unique(&mut c.notes, value(v, note, None));
        }
    }

    // An impossible date keeps its cleaned text as the value, with a warning.
    let mut date = |raw_date: &Option<String>, f: fn(&str) -> Result<Option<String>, Invalid>| {
        let raw_date = raw_date.as_deref()?;
        match f(raw_date) {
            Ok(v) => v.map(|v| value(v, raw_date, None)),
            Err(problem) => {
                let kept = problem.value.clone();
                warn(problem);
                Some(value(kept, raw_date, None))
            }
        }
    };
    c.birthday = date(&raw.birthday, date::birthday);
    c.connected_on = date(&raw.connected_on, date::connected_on);

    (c, diags)
}
