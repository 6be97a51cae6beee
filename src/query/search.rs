//! Finding persons for `who` and `note`: candidates from the index, then a ranking that people
//! can follow.
//!
//! In: the query as typed and the open index. Out: [`Hit`]s, best first, each with its score
//! and what matched. The query may be any part of a name (case, accents, typos and Dutch
//! particles do not matter: `vd Berg`, `Berg`, `jan berg`, `Jna van der Bergh`), an e-mail
//! (whole or in part), a phone number in any format (`06-12345678` finds `+31612345678`), an
//! organisation or a title, or a person id (`p-…`).
//!
//! Candidates, cheapest first, each step only when the earlier ones found too little:
//! 1. exact lookups through the value index: a person id, a whole e-mail, a phone number
//!    normalised to E.164 with `--region` — when one finds someone, that is the answer;
//! 2. the full-text index (`person_search`, FTS5, diacritics folded): every word of the query
//!    as a prefix, particles (`van`, `der`, `vd`, …) optional;
//! 3. typo tolerance: each word also matches the index's terms within an edit distance of 1
//!    (2 for words of 8 letters or more), found in the name and organisation vocabulary;
//! 4. when no person matches every word, persons that match most of them.
//!
//! Ranking ([`score`]): per query word the best match over the person's values — an exact word
//! 1.0, a prefix 0.8 (a one-letter initial 0.6), a typo 0.6 or 0.5 — times the weight of the
//! field it matched in (name 1.0, phone 1.0, e-mail 0.9, organisation 0.7, title 0.5); the
//! mean over the words, plus 0.5 when the query is a whole name of the person, plus 0.05 per
//! particle that matches, times 0.9 for a person only history remembers. Exact e-mail, phone
//! and id lookups score 2.0. Ties go to the person with the name first in alphabetical order,
//! then the id. Scores are kept in thousandths so that the order never depends on floating-
//! point noise.
//!
//! What it does not do: read encounters or purposes (that is `card`), or search notes.

use crate::normalize;
use crate::store::{Index, SearchRow, StoreError};
use std::collections::{BTreeMap, BTreeSet};

/// How many candidates each full-text query may bring.
const CANDIDATES: usize = 300;

/// Words that are Dutch (and a few German and French) name particles, folded: optional in a
/// query, because people leave them out (`Berg`), abbreviate them (`vd Berg`) or get them
/// wrong (`van den Berg` for `van der Berg`).
const PARTICLES: &[&str] = &[
    "van", "de", "der", "den", "het", "t", "s", "ter", "ten", "te", "vd", "vdr", "v", "d", "op",
    "in", "uit", "aan", "bij", "von", "vom", "zu", "zum", "zur", "und", "le", "la", "du", "des",
];

/// Settings for a search.
#[derive(Debug, Clone)]
pub struct Options {
    /// Default country for phone numbers in the query (`NL`).
    pub region: String,
    /// At most this many hits.
    pub limit: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            region: "NL".to_string(),
            limit: 10,
        }
    }
}

/// One person found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Hit {
    pub id: String,
    /// Thousandths; see the module doc.
    pub score: u32,
    /// The fields that matched, in the order `name`, `emails`, `phones`, `orgs`, `titles`
    /// (`id` for an id lookup).
    pub matched: Vec<String>,
    /// Only history (records of older file versions) knows this person.
    pub retired: bool,
}

/// A query split the way the full-text index splits text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Words every hit must match (folded).
    pub required: Vec<String>,
    /// Particles: a bonus when they match, never required.
    pub optional: Vec<String>,
    /// The whole query folded, words joined by one space.
    pub folded: String,
}

impl Query {
    pub fn parse(text: &str) -> Query {
        let words = tokens(text);
        let (optional, required): (Vec<String>, Vec<String>) = words
            .iter()
            .cloned()
            .partition(|w| PARTICLES.contains(&w.as_str()));
        // A query of particles only (`van`) means what it says.
        let (required, optional) = if required.is_empty() {
            (optional, Vec::new())
        } else {
            (required, optional)
        };
        Query {
            required,
            optional,
            folded: words.join(" "),
        }
    }
}

/// Words as FTS5's `unicode61 remove_diacritics 2` tokenizer makes them: accents folded,
/// lower-case, split at everything that is not a letter or digit.
pub fn tokens(text: &str) -> Vec<String> {
    // Split first: deunicode drops control characters, so a newline between two values would
    // glue their words together.
    let mut out = Vec::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let folded = if word.is_ascii() {
            word.to_ascii_lowercase()
        } else {
            deunicode::deunicode(word).to_lowercase()
        };
        out.extend(
            folded
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_string),
        );
    }
    out
}

/// Find persons; at most `opts.limit`, best first.
pub fn search(index: &Index, text: &str, opts: &Options) -> Result<Vec<Hit>, StoreError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    // id → (score, matched fields) for exact lookups.
    let mut exact: BTreeMap<String, (u32, Vec<String>)> = BTreeMap::new();
    if is_person_id(text) && index.person_exists(text)? {
        exact.insert(text.to_string(), (2000, vec!["id".to_string()]));
    }
    if text.contains('@') {
        if let Ok(email) = normalize::email::normalize(text) {
            for id in index.persons_with_value("email", &email)? {
                exact.insert(id, (2000, vec!["emails".to_string()]));
            }
        }
    }
    if looks_like_phone(text) {
        if let normalize::phone::Phone::Valid(e164) =
            normalize::phone::normalize(text, &opts.region)
        {
            for id in index.persons_with_value("phone", &e164)? {
                exact.insert(id, (2000, vec!["phones".to_string()]));
            }
        }
    }

    let query = Query::parse(text);
    let mut candidates: BTreeSet<String> = exact.keys().cloned().collect();
    // A whole e-mail, phone number or id that names someone is the answer; its words would
    // only add people who happen to share a domain or a digit group.
    if exact.is_empty() && !query.required.is_empty() {
        let strict = fts_all(&query.required, &BTreeMap::new());
        candidates.extend(index.search(&strict, CANDIDATES)?);
        if candidates.len() < opts.limit {
            let alternatives = typo_alternatives(index, &query.required)?;
            if !alternatives.is_empty() {
                let fuzzy = fts_all(&query.required, &alternatives);
                candidates.extend(index.search(&fuzzy, CANDIDATES)?);
            }
            if candidates.is_empty() && query.required.len() > 1 {
                let any = fts_any(&query.required, &alternatives);
                candidates.extend(index.search(&any, CANDIDATES)?);
            }
        }
    }

    let ids: Vec<String> = candidates.into_iter().collect();
    let rows = index.search_rows(&ids)?;
    // (hit, every word matched, words matched, folded first name)
    let mut scored: Vec<(Hit, bool, usize, String)> = Vec::new();
    for row in &rows {
        let s = score(&query, row);
        let hit = match exact.get(&row.person_id) {
            Some((score, matched)) => Hit {
                id: row.person_id.clone(),
                score: *score,
                matched: matched.clone(),
                retired: row.retired,
            },
            None => Hit {
                id: row.person_id.clone(),
                score: s.score,
                matched: s.matched,
                retired: row.retired,
            },
        };
        let complete = exact.contains_key(&row.person_id) || s.complete;
        let name = tokens(row.name.lines().next().unwrap_or("")).join(" ");
        scored.push((hit, complete, s.words, name));
    }
    // Every word must match; if no person matches them all, those matching at least half.
    if scored.iter().any(|(_, complete, _, _)| *complete) {
        scored.retain(|(_, complete, _, _)| *complete);
    } else {
        let half = query.required.len().div_ceil(2);
        scored.retain(|(_, _, words, _)| *words >= half);
    }
    scored.retain(|(hit, _, _, _)| hit.score > 0);
    scored.sort_by(|a, b| {
        b.0.score
            .cmp(&a.0.score)
            .then(a.3.cmp(&b.3))
            .then(a.0.id.cmp(&b.0.id))
    });
    Ok(scored
        .into_iter()
        .take(opts.limit)
        .map(|(hit, _, _, _)| hit)
        .collect())
}

/// The score of one candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    /// Thousandths.
    pub score: u32,
    pub matched: Vec<String>,
    /// Every required word matched.
    pub complete: bool,
    /// How many required words matched.
    pub words: usize,
}

/// Score one search row against a query (see the module doc).
pub fn score(query: &Query, row: &SearchRow) -> Scored {
    const FIELDS: [&str; 5] = ["name", "emails", "phones", "orgs", "titles"];
    const WEIGHTS: [f64; 5] = [1.0, 0.9, 1.0, 0.7, 0.5];
    let columns: [Vec<String>; 5] = [
        tokens(&row.name),
        tokens(&row.emails),
        tokens(&row.phones),
        tokens(&row.orgs),
        tokens(&row.titles),
    ];
    let mut matched = [false; 5];
    let mut total = 0.0;
    let mut words = 0;
    for word in &query.required {
        let mut best = 0.0;
        let mut best_col = None;
        for (c, col) in columns.iter().enumerate() {
            let s = col.iter().map(|w| word_score(word, w)).fold(0.0, f64::max) * WEIGHTS[c];
            if s > best {
                best = s;
                best_col = Some(c);
            }
        }
        if let Some(c) = best_col {
            matched[c] = true;
            words += 1;
        }
        total += best;
    }
    let mut score = if query.required.is_empty() {
        0.0
    } else {
        total / query.required.len() as f64
    };
    let names: Vec<String> = row.name.lines().map(|l| tokens(l).join(" ")).collect();
    // A whole name (two words or more: the compact `vanderberg` and a lone given name do not
    // count) typed as the person has it.
    if score > 0.0 && query.folded.contains(' ') && names.contains(&query.folded) {
        score += 0.5;
    }
    if score > 0.0 {
        let particles = query
            .optional
            .iter()
            .filter(|p| columns[0].iter().any(|w| w == *p))
            .count();
        score += 0.05 * particles as f64;
    }
    if row.retired {
        score *= 0.9;
    }
    Scored {
        score: (score * 1000.0).round() as u32,
        matched: FIELDS
            .iter()
            .zip(matched)
            .filter(|(_, m)| *m)
            .map(|(f, _)| f.to_string())
            .collect(),
        complete: words == query.required.len() && words > 0,
        words,
    }
}

/// How well one query word matches one word of a value.
pub fn word_score(query: &str, word: &str) -> f64 {
    if query == word {
        return 1.0;
    }
    if word.starts_with(query) {
        return if query.chars().count() == 1 { 0.6 } else { 0.8 };
    }
    match typo_distance(query, word) {
        Some(1) => 0.6,
        Some(2) => 0.5,
        _ => 0.0,
    }
}

/// The edit distance (transpositions count once) when it is within what a word of this length
/// tolerates: for 3 letters only two letters swapped (`jna` → `jan`; any other change makes
/// another name), 1 up to 7 letters, 2 from 8. `None` when further apart.
pub fn typo_distance(query: &str, word: &str) -> Option<usize> {
    let n = query.chars().count();
    let allowed = match n {
        0..=2 => return None,
        3 => {
            let sorted = |s: &str| {
                let mut c: Vec<char> = s.chars().collect();
                c.sort_unstable();
                c
            };
            let swapped = word.chars().count() == 3
                && sorted(query) == sorted(word)
                && strsim::osa_distance(query, word) == 1;
            return swapped.then_some(1);
        }
        4..=7 => 1,
        _ => 2,
    };
    if word.chars().count().abs_diff(n) > allowed {
        return None;
    }
    let d = strsim::osa_distance(query, word);
    (d <= allowed).then_some(d)
}

/// For every query word that may hold a typo, the index's name and organisation terms within
/// its typo distance. Only terms that start with the word's first or second letter are looked
/// at: a typo seldom changes the first letter except by swapping it with the second (`Jna`),
/// and the index can seek to those terms instead of reading its whole vocabulary.
fn typo_alternatives(
    index: &Index,
    words: &[String],
) -> Result<BTreeMap<String, Vec<String>>, StoreError> {
    let mut out = BTreeMap::new();
    for word in words {
        let n = word.chars().count();
        if n < 3 {
            continue;
        }
        let mut firsts: Vec<char> = word.chars().take(2).collect();
        firsts.dedup();
        let mut near: BTreeSet<String> = BTreeSet::new();
        for first in firsts {
            for term in index.search_terms(&["name", "orgs"], n.saturating_sub(2)..=n + 2, first)? {
                if term != *word && typo_distance(word, &term).is_some() {
                    near.insert(term);
                }
            }
        }
        if !near.is_empty() {
            out.insert(word.clone(), near.into_iter().collect());
        }
    }
    Ok(out)
}

/// An FTS5 query in which every word must match (as a prefix, or as one of its alternatives).
fn fts_all(words: &[String], alternatives: &BTreeMap<String, Vec<String>>) -> String {
    words
        .iter()
        .map(|w| fts_word(w, alternatives))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// An FTS5 query in which any word may match.
fn fts_any(words: &[String], alternatives: &BTreeMap<String, Vec<String>>) -> String {
    words
        .iter()
        .map(|w| fts_word(w, alternatives))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// `"word"*`, or `("word"* OR "alt1" OR "alt2")`. Words are letters and digits only (see
/// [`tokens`]), so quoting them is all the escaping FTS5 needs.
fn fts_word(word: &str, alternatives: &BTreeMap<String, Vec<String>>) -> String {
    let own = format!("\"{word}\"*");
    match alternatives.get(word) {
        Some(alts) => {
            let mut parts = vec![own];
            parts.extend(alts.iter().map(|a| format!("\"{a}\"")));
            format!("({})", parts.join(" OR "))
        }
        None => own,
    }
}

/// `p-` and 12 lower-case hex digits.
pub fn is_person_id(s: &str) -> bool {
    s.len() == 14
        && s.starts_with("p-")
        && s[2..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Digits with phone punctuation only, and enough digits to be a number.
fn looks_like_phone(s: &str) -> bool {
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    digits >= 6
        && s.chars()
            .all(|c| c.is_ascii_digit() || " +-()./".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, emails: &str, phones: &str, orgs: &str, titles: &str) -> SearchRow {
        SearchRow {
            person_id: "p-000000000001".to_string(),
            name: name.to_string(),
            emails: emails.to_string(),
            phones: phones.to_string(),
            orgs: orgs.to_string(),
            titles: titles.to_string(),
            retired: false,
        }
    }

    #[test]
    fn queries_split_like_the_index() {
        const CASES: &[(&str, &str, &str)] = &[
            ("Jan van der Berg", "jan berg", "van der"),
            ("vd Berg", "berg", "vd"),
            ("v.d. Berg", "berg", "v d"),
            ("v/d Berg", "berg", "v d"),
            ("van", "van", ""),
            ("Öztürk", "ozturk", ""),
            ("jan.vanderberg@buurt.nl", "jan vanderberg buurt nl", ""),
            ("06-12345678", "06 12345678", ""),
            // Lines are separate values: never glued together.
            ("Özlem\nÖztürk", "ozlem ozturk", ""),
            ("a@x.nl\nb@y.nl", "a x nl b y nl", ""),
        ];
        for (text, required, optional) in CASES {
            let q = Query::parse(text);
            assert_eq!(q.required.join(" "), *required, "case {text:?}");
            assert_eq!(q.optional.join(" "), *optional, "case {text:?}");
        }
    }

    #[test]
    fn word_scores() {
        const CASES: &[(&str, &str, f64)] = &[
            ("berg", "berg", 1.0),
            ("ber", "berg", 0.8),
            ("j", "jan", 0.6),
            ("jna", "jan", 0.6), // two letters swapped
            ("jon", "jan", 0.0), // another name, not a typo
            ("naj", "jan", 0.0),
            ("bergg", "berg", 0.6),
            ("brg", "berg", 0.0),
            ("amrnai", "amrani", 0.6), // a transposition is one edit
            ("vanderbreg", "vanderberg", 0.6),
            ("coordinatr", "coordinator", 0.6),
            ("jansen", "janssen", 0.6),
            ("jansen", "jensen", 0.6),
            ("smit", "smith", 0.8), // a prefix
            ("smith", "smit", 0.6),
            ("piet", "jan", 0.0),
        ];
        for (q, w, want) in CASES {
            assert_eq!(word_score(q, w), *want, "case {q:?} ~ {w:?}");
        }
    }

    #[test]
    fn ranking_scores() {
        let jan = row(
            "Jan van der Berg\nJan\nvan der Berg\nvanderBerg\nvdBerg",
            "jan@buurt.nl",
            "+31612345678\n06-12345678",
            "Stichting Buurtzorg",
            "Coördinator",
        );
        // (query, score in thousandths, matched fields, complete)
        const CASES: &[(&str, u32, &str, bool)] = &[
            ("Jan van der Berg", 1600, "name", true),
            ("jan berg", 1000, "name", true),
            ("vd Berg", 1000, "name", true),
            ("vanderberg", 1000, "name", true),
            ("Berg", 1000, "name", true),
            ("bergg", 600, "name", true),
            ("jan buurtzorg", 850, "name orgs", true),
            ("coordinator", 500, "titles", true),
            ("12345678", 1000, "phones", true),
            ("jan piet", 500, "name", false),
            ("piet", 0, "", false),
        ];
        for (q, want, fields, complete) in CASES {
            let got = score(&Query::parse(q), &jan);
            assert_eq!(got.score, *want, "case {q:?}");
            assert_eq!(got.matched.join(" "), *fields, "case {q:?}");
            assert_eq!(got.complete, *complete, "case {q:?}");
        }
        let mut retired = jan.clone();
        retired.retired = true;
        assert_eq!(score(&Query::parse("berg"), &retired).score, 900);
    }

    #[test]
    fn ids_and_phones_are_recognised() {
        assert!(is_person_id("p-0892ccc5f5a1"));
        assert!(!is_person_id("p-0892CCC5F5A1"));
        assert!(!is_person_id("p-0892ccc5f5a"));
        for (text, want) in [
            ("06-12345678", true),
            ("+31 (0)6 1234 5678", true),
            ("12345", false),
            ("jan 06123456", false),
        ] {
            assert_eq!(looks_like_phone(text), want, "case {text:?}");
        }
    }

    #[test]
    fn fts_queries_quote_words_and_add_alternatives() {
        let mut alts = BTreeMap::new();
        alts.insert("bergg".to_string(), vec!["berg".to_string()]);
        let words = vec!["jan".to_string(), "bergg".to_string()];
        assert_eq!(
            fts_all(&words, &alts),
            "\"jan\"* AND (\"bergg\"* OR \"berg\")"
        );
        assert_eq!(fts_any(&words, &BTreeMap::new()), "\"jan\"* OR \"bergg\"*");
    }
}
