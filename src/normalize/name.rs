//! Personal names: given and family name with Dutch particles, titles, suffixes, initials.
//!
//! In: a [`RawName`] as the source split it (or did not). Out: a [`Name`] and the nicknames
//! found inside it (`Anand ( Andy )` → given `Anand`, nickname `Andy`).
//!
//! - When the source gives given, middle or family names they are used, with particles moved
//!   to the family name (`Jan` + middle `van der` + `Berg` → family `van der Berg`; Outlook puts
//!   particles in Middle Name, LinkedIn users type `Jan van der` as first name), titles at the
//!   start of the given name moved to `prefix` (`Dr. Diana`) and degrees at the end of the
//!   family name moved to `suffix` (`de Vries MBA`).
//! - Otherwise the whole name is split: `Jan van der Berg`, `Berg, Jan van der` and
//!   `van der Berg, Jan` all give given `Jan`, family `van der Berg`. The family name is the
//!   last word together with the particles (longest match first) and hyphen parts
//!   (`Jansen-de Vries`, `de Vries - van Dam`) before it.
//! - A given name of initials only (`J.P.`, `J. P.`, `j.p.`) is written `J.P.` and also set
//!   as `initials`.
//! - Emoji and flags are dropped, a name in capitals is title-cased with particles in lower
//!   case (`JAN DE VRIES` → `Jan de Vries`, `IJSSELSTEIN` → `IJsselstein`).
//! - Nicknames in brackets or quotes are taken out (a part that is only a nickname leaves no
//!   name); a bracket or quote without its partner is dropped.
//! - `full` is the source's whole name cleaned the same way, or when there is none, rebuilt as
//!   `prefix given family suffix`.
//!
//! It does not recognise a company written where a name belongs: [`super::contact`] does
//! that with the record's organisations. It does not guess gender or split given names.

use super::text;
use crate::model::{Name, RawName};
use std::sync::LazyLock;

/// A name and the nicknames found inside it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    pub name: Name,
    pub nicknames: Vec<String>,
}

/// Particles that can stand before a family name, as lower-case word sequences, longest first
/// so that `van der` wins over `van`.
const PARTICLES: &[&[&str]] = &[
    &["von", "und", "zu"],
    &["van", "de"],
    &["van", "der"],
    &["van", "den"],
    &["van", "het"],
    &["van", "'t"],
    &["van", "t"],
    &["van", "ter"],
    &["van", "ten"],
    &["in", "'t"],
    &["in", "het"],
    &["in", "de"],
    &["in", "den"],
    &["op", "de"],
    &["op", "den"],
    &["op", "het"],
    &["op", "'t"],
    &["uit", "de"],
    &["uit", "den"],
    &["uit", "het"],
    &["uit", "'t"],
    &["aan", "de"],
    &["aan", "den"],
    &["aan", "het"],
    &["aan", "'t"],
    &["bij", "de"],
    &["bij", "den"],
    &["bij", "'t"],
    &["onder", "de"],
    &["over", "de"],
    &["voor", "de"],
    &["von", "der"],
    &["von", "dem"],
    &["von", "den"],
    &["de", "la"],
    &["de", "las"],
    &["de", "los"],
    &["van"],
    &["de"],
    &["den"],
    &["der"],
    &["ter"],
    &["ten"],
    &["te"],
    &["het"],
    &["'t"],
    &["'s"],
    &["van't"],
    &["v.d."],
    &["v.d"],
    &["vd"],
    &["v/d"],
    &["bij"],
    &["la"],
    &["le"],
    &["von"],
    &["vom"],
    &["zum"],
    &["zur"],
    &["zu"],
    &["d'"],
    &["di"],
    &["da"],
    &["dos"],
    &["das"],
    &["du"],
    &["del"],
    &["della"],
    &["des"],
    &["do"],
    &["al"],
    &["el"],
];

/// Particles that may open a name with no given name before them even when capitalised
/// (`Van Dam`, `De Vries`): Dutch and German ones. Romance and Arabic ones (`Le`, `Da`, `Al`)
/// are given names too often, so they open a family name only when written in lower case.
const OPENING_PARTICLES: &[&str] = &[
    "van", "de", "den", "der", "ter", "ten", "te", "het", "'t", "'s", "van't", "v.d.", "v.d", "vd",
    "v/d", "von", "vom", "zum", "zur", "in", "op", "uit", "aan", "bij", "onder", "over", "voor",
];

/// Titles before a name (`Dr.`, `prof.`, `ir.`, `drs.`, `mr.`, `ing.`, `dhr.`, `mevr.`, `Mw.`,
/// `Mr`, `Mrs`, `Ms`), lower-case without the dot, and whether the dot is required because the
/// bare word is also a name (`Ing`, `Ds`).
const TITLES: &[(&str, bool)] = &[
    ("dr", false),
    ("prof", false),
    ("ir", false),
    ("drs", false),
    ("mr", false),
    ("ing", true),
    ("dhr", false),
    ("mevr", false),
    ("mw", false),
    ("mej", true),
    ("mrs", false),
    ("ms", false),
    ("mx", true),
    ("ds", true),
    ("bc", true),
    ("dipl", true),
];

/// Degrees and generational suffixes compared without dots and case (`Ph.D.`, `msc`, `Jr.`).
const SUFFIXES_FOLDED: &[&str] = &[
    "msc", "bsc", "phd", "mba", "emba", "jr", "sr", "llm", "llb", "mphil", "mpa", "cpa", "cfa",
    "pmp",
];

/// Suffixes that are also ordinary words or names in another case (`Ma`, `Ba`, `Ra`): only in
/// this exact case, dots ignored.
const SUFFIXES_EXACT: &[&str] = &["MA", "BA", "MD", "RN", "RA", "RC", "AA", "II", "III", "IV"];

/// The comparison form of a word: lower-case, typographic apostrophes made plain.
fn word_key(w: &str) -> String {
    w.chars()
        .map(|c| match c {
            '’' | '‘' | '`' | '´' => '\'',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// `word_key(token) == key`, without allocating for ASCII words (the common case: this runs
/// for every word against every particle).
fn word_is(token: &str, key: &str) -> bool {
    if token.is_ascii() {
        token.len() == key.len()
            && token.bytes().zip(key.bytes()).all(|(t, k)| {
                let t = if t == b'`' {
                    b'\''
                } else {
                    t.to_ascii_lowercase()
                };
                t == k
            })
    } else {
        word_key(token) == key
    }
}

/// Whether `w` is a particle word on its own (`van`, `'t`, `v.d.`).
pub fn is_particle(w: &str) -> bool {
    PARTICLES.iter().any(|p| p.len() == 1 && word_is(w, p[0]))
}

/// A word that is part of some particle (`in` of `in 't`), for lower-casing names in capitals.
fn is_particle_word(key: &str) -> bool {
    PARTICLES.iter().any(|p| p.contains(&key))
}

/// The distinct last words of the particles (`der` of `van der`, `van`), to turn most words
/// away before the particles are tried one by one.
static PARTICLE_ENDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut ends: Vec<&'static str> = PARTICLES.iter().filter_map(|p| p.last().copied()).collect();
    ends.sort_unstable();
    ends.dedup();
    ends
});

/// The length of the longest particle that ends just before `end` in `tokens`.
fn particle_ending_at(tokens: &[String], end: usize) -> Option<usize> {
    let last = tokens.get(end.checked_sub(1)?)?;
    // No particle word is longer than six bytes (`van’t` with a typographic apostrophe).
    if last.len() > 7 || !PARTICLE_ENDS.iter().any(|k| word_is(last, k)) {
        return None;
    }
    (1..=3).rev().find(|&len| {
        len <= end
            && PARTICLES.iter().any(|p| {
                p.len() == len
                    && p.iter()
                        .zip(&tokens[end - len..end])
                        .all(|(k, t)| word_is(t, k))
            })
    })
}

/// `Jansen-de`, `Jansen-van`: a hyphenated word whose last part is a particle.
fn ends_with_hyphen_particle(token: &str) -> bool {
    token
        .rsplit_once('-')
        .is_some_and(|(head, tail)| !head.is_empty() && is_particle(tail))
}

/// Whether the particle run `tokens` may open a name that has no given name before it.
fn may_open(tokens: &[String]) -> bool {
    tokens.first().is_some_and(|first| {
        OPENING_PARTICLES.iter().any(|p| word_is(first, p))
            || first.chars().all(|c| !c.is_uppercase())
    })
}

/// Where the family name starts in `tokens`, given that it starts at `start` at the latest:
/// walks back over particles and hyphen joins. Never returns 0 unless the particles may open
/// the name ([`may_open`]) or `allow_empty_given` is set.
fn family_start(tokens: &[String], mut start: usize, allow_empty_given: bool) -> usize {
    while start > 0 && start <= tokens.len() {
        let prev = tokens[start - 1].as_str();
        let this = tokens.get(start).map(String::as_str).unwrap_or_default();
        // A comma ends a part of the name (`Jan, -Berg`): nothing moves across it.
        if prev.ends_with(',') {
            break;
        }
        // Double names: `Jansen - de Vries`, `Jansen -de Vries`, `Jansen- de Vries`.
        if prev == "-" || prev.ends_with('-') || this.starts_with('-') {
            start -= 1;
            continue;
        }
        if let Some(len) = particle_ending_at(tokens, start) {
            let k = start - len;
            if k == 0 && !allow_empty_given && !may_open(&tokens[..start]) {
                break;
            }
            start = k;
            continue;
        }
        if ends_with_hyphen_particle(prev) {
            start -= 1;
            continue;
        }
        break;
    }
    start
}

/// Whether `token` is a title (`Dr.`, `prof.dr.ir.`, `Mevr`).
fn is_title(token: &str) -> bool {
    // Every title starts with one of these letters: most words are turned away here.
    if !token.starts_with(['d', 'D', 'p', 'P', 'i', 'I', 'm', 'M', 'b', 'B']) {
        return false;
    }
    let key = word_key(token);
    let dotted = key.contains('.');
    let mut pieces = key.split('.').filter(|p| !p.is_empty()).peekable();
    pieces.peek().is_some()
        && pieces.all(|p| {
            TITLES
                .iter()
                .any(|(t, needs_dot)| *t == p && (dotted || !needs_dot))
        })
}

/// Whether `token` is a degree or generational suffix (`MSc`, `Ph.D.`, `Jr.`, `MA`).
fn is_suffix(token: &str) -> bool {
    // Every suffix is at most six ASCII letters once dots are gone: collected on the stack.
    let mut buf = [0u8; 6];
    let mut n = 0;
    for b in token.trim_end_matches(',').bytes() {
        if b == b'.' {
            continue;
        }
        if !b.is_ascii_alphabetic() || n == buf.len() {
            return false;
        }
        buf[n] = b;
        n += 1;
    }
    let Ok(undotted) = std::str::from_utf8(&buf[..n]) else {
        return false;
    };
    if undotted.is_empty() {
        return false;
    }
    SUFFIXES_EXACT.contains(&undotted)
        || SUFFIXES_FOLDED
            .iter()
            .any(|f| f.eq_ignore_ascii_case(undotted))
}

/// Segments of an initials token: `J.P.` → `J`, `P`; `Th.J.` → `Th`, `J`; `J.-P.` → `J`, `-P`.
/// `None` when the token is not initials: an initial is a capital letter (or the Dutch `IJ`), or
/// a capital with one or two small letters before a dot (`Th.`, `Chr.`); a dot may only be left
/// out after a single capital (`J`, `J.P`). Small letters are accepted when the token is dotted
/// (`j.p.`).
fn initials_segments(token: &str) -> Option<Vec<String>> {
    let dotted = token.contains('.');
    // Without a dot only a single capital is an initial: most words are turned away here.
    if !dotted && token.chars().nth(1).is_some() {
        return None;
    }
    let parts: Vec<&str> = token.split('.').collect();
    let mut out = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let is_last = i + 1 == parts.len();
        if part.is_empty() {
            if is_last {
                break;
            }
            return None;
        }
        let (hyphen, letters) = match part.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", *part),
        };
        let chars: Vec<char> = letters.chars().collect();
        let ok = match chars.as_slice() {
            [c] => c.is_uppercase() || (dotted && c.is_lowercase()),
            ['I', 'J'] => !is_last || dotted,
            [c, rest @ ..] if rest.len() <= 2 => {
                // `Th.`, `Chr.`: only with a dot after them.
                c.is_uppercase() && rest.iter().all(|r| r.is_lowercase()) && !is_last
            }
            _ => false,
        };
        if !ok {
            return None;
        }
        let mut seg = String::from(hyphen);
        let mut it = letters.chars();
        if let Some(first) = it.next() {
            // A letter whose capital is two letters (`ß` → `SS`) stays as it is.
            let mut upper = first.to_uppercase();
            match (upper.next(), upper.next()) {
                (Some(u), None) => seg.push(u),
                _ => seg.push(first),
            }
            seg.extend(it);
        }
        out.push(seg);
    }
    (!out.is_empty()).then_some(out)
}

/// `J. P.` → `J.P.`; `None` unless every token is initials.
fn initials(tokens: &[String]) -> Option<String> {
    let mut out = String::new();
    for t in tokens {
        for seg in initials_segments(t)? {
            out.push_str(&seg);
            out.push('.');
        }
    }
    (!out.is_empty()).then_some(out)
}

fn is_initials(token: &str) -> bool {
    initials_segments(token).is_some()
}

/// Takes nicknames out of a name: `Anand ( Andy )`, `Robert "Bob" Smith`, `“Bob”`. A part
/// that is only a nickname (`(Andy)`) leaves no name behind: the nickname is kept as such.
fn take_nicknames(s: &str, nicknames: &mut Vec<String>) -> String {
    const PAIRS: &[(char, char)] = &[
        ('(', ')'),
        ('"', '"'),
        ('“', '”'),
        ('„', '“'),
        ('«', '»'),
        ('[', ']'),
    ];
    if !s.contains(|c: char| PAIRS.iter().any(|(o, cl)| c == *o || c == *cl)) {
        return s.to_owned();
    }
    let mut rest = s.to_owned();
    let mut found = Vec::new();
    for &(open, close) in PAIRS {
        while let Some(i) = rest.find(open) {
            let after = i + open.len_utf8();
            let Some(j) = rest[after..].find(close).map(|j| after + j) else {
                break;
            };
            let inner = text::clean(&rest[after..j]);
            rest.replace_range(i..j + close.len_utf8(), " ");
            if !inner.is_empty() {
                found.push(inner);
            }
        }
    }
    nicknames.extend(found);
    // A bracket or quote left without its partner is stray punctuation, not part of a name;
    // dropping it also keeps parts that are later joined from pairing up anew.
    let rest: String = rest
        .chars()
        .filter(|c| !PAIRS.iter().any(|(o, cl)| c == o || c == cl))
        .collect();
    text::clean(&rest)
}

/// Whether a name is written in capitals: every letter outside initials and suffixes is a
/// capital, and some word has three or more letters.
fn is_shouting(s: &str) -> bool {
    let mut long_word = false;
    for w in s.split_whitespace() {
        if w.chars().any(char::is_lowercase) {
            // Only dotted initials (`j.p.`) may hold small letters in a name in capitals.
            if is_initials(w) {
                continue;
            }
            return false;
        }
        let exact_suffix = SUFFIXES_EXACT
            .iter()
            .any(|e| w.chars().filter(|&c| c != '.').eq(e.chars()));
        if exact_suffix || is_initials(w) {
            continue;
        }
        // Two capitals alone are as often initials or a nickname (`JP`) as shouting.
        if w.chars().filter(|c| c.is_alphabetic()).count() >= 3
            && w.chars().filter(|c| c.is_uppercase()).count() >= 2
        {
            long_word = true;
        }
    }
    long_word
}

/// `O'BRIEN` → `O'Brien`, `IJSSEL` → `IJssel`, `JANSEN-DE` → `Jansen-de`; a particle
/// (`VAN`, `'T`) in lower case when `lower_particle`.
fn title_case_word(w: &str, lower_particle: bool) -> String {
    let key = word_key(w);
    if lower_particle && is_particle_word(&key) {
        return key;
    }
    let mut out = String::with_capacity(w.len());
    let mut start_of_part = true;
    let mut chars = w.chars().peekable();
    while let Some(c) = chars.next() {
        if start_of_part && c.is_alphabetic() {
            // The Dutch digraph IJ is capitalised as one letter.
            if (c == 'I' || c == 'i') && matches!(chars.peek(), Some('J' | 'j')) {
                out.push_str("IJ");
                chars.next();
            } else {
                // A letter whose capital is two letters (`ß`, `ᾈ`) stays as it is.
                let mut upper = c.to_uppercase();
                match (upper.next(), upper.next()) {
                    (Some(u), None) => out.push(u),
                    _ => out.push(c),
                }
            }
            start_of_part = false;
        } else if c == '-' || c == '\'' || c == '’' {
            out.push(c);
            // After a hyphen a particle stays small (`Jansen-de`).
            let rest: String = chars.clone().take_while(|c| c.is_alphabetic()).collect();
            let lower = word_key(&rest);
            if c == '-' && is_particle(&lower) {
                for _ in 0..rest.chars().count() {
                    chars.next();
                }
                out.push_str(&lower);
            } else {
                start_of_part = true;
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Which particles [`fix_caps`] writes in lower case.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SmallParticles {
    /// A family name: `DE VRIES` → `de Vries`.
    All,
    /// A whole name: `DE VRIES` → `De Vries`, `JAN DE VRIES` → `Jan de Vries`.
    AfterFirst,
    /// A given name or title: particles there are names (`DOS` → `Dos`).
    None,
}

/// Title-cases a name part written in capitals ([`is_shouting`]); leaves others alone.
/// Capitals are judged per part, after splitting, so that a part cleans to itself whether it
/// came from a whole name or from the source's own parts.
fn fix_caps(s: String, small: SmallParticles) -> String {
    if !is_shouting(&s) {
        return s;
    }
    let fixed = s
        .split(' ')
        .enumerate()
        .map(|(i, w)| {
            if is_initials(w) || is_suffix(w) {
                w.to_owned()
            } else {
                let lower_particle = match small {
                    SmallParticles::All => true,
                    SmallParticles::AfterFirst => i > 0,
                    SmallParticles::None => false,
                };
                title_case_word(w, lower_particle)
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    // Changing case can undo NFC (`İ` lower-cases to `i` and a combining dot).
    if fixed.is_ascii() {
        fixed
    } else {
        text::clean(&fixed)
    }
}

/// Cleans one name part: NFC and spaces, emoji, nicknames.
fn prepare(raw: Option<&str>, nicknames: &mut Vec<String>) -> Option<String> {
    let cleaned = text::clean(raw?);
    let no_emoji = text::strip_emoji(&cleaned);
    let s = take_nicknames(&no_emoji, nicknames);
    (!s.is_empty()).then_some(s)
}

fn tokens(s: Option<&str>) -> Vec<String> {
    s.map(|s| s.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Moves titles from the start of `tokens` to `prefix`, keeping at least `keep` tokens.
fn take_titles(tokens: &mut Vec<String>, prefix: &mut Vec<String>, keep: usize) {
    let mut n = 0;
    while n < tokens.len() && tokens.len() - n > keep && is_title(&tokens[n]) {
        n += 1;
    }
    for t in tokens.drain(..n) {
        if !prefix.iter().any(|p| word_key(p) == word_key(&t)) {
            prefix.push(t);
        }
    }
}

/// Moves suffixes from the end of `tokens` to the front of `found`, keeping at least `keep`.
fn take_suffixes(tokens: &mut Vec<String>, keep: usize) -> Vec<String> {
    let mut n = tokens.len();
    while n > keep && is_suffix(&tokens[n - 1]) {
        n -= 1;
    }
    tokens
        .drain(n..)
        .map(|t| t.trim_end_matches(',').to_owned())
        .collect()
}

/// `Berg van der` → `van der Berg`: particles written after the family name go before it.
fn particles_to_front(family: &mut [String]) {
    let n = family.len();
    if let Some(len) = particle_ending_at(family, n) {
        let k = n - len;
        // Only plain words move behind the particles (not `-`, `,` or a hyphenated part).
        let plain_before = k >= 1
            && family[..k].iter().all(|t| {
                !is_particle(t) && t.starts_with(char::is_alphabetic) && !t.contains(['-', ','])
            });
        if plain_before {
            family.rotate_left(k);
        }
    }
}

/// The split of a name into its parts, as token lists.
#[derive(Default)]
struct Parts {
    prefix: Vec<String>,
    given: Vec<String>,
    family: Vec<String>,
    suffix: Vec<String>,
}

/// Given and family as the source wrote them (`given` includes the middle name).
/// `family_first` is the `Family, Given` form, where the given part may end up empty.
fn from_parts(
    mut given: Vec<String>,
    mut family: Vec<String>,
    parts: &mut Parts,
    family_first: bool,
) {
    let keep = usize::from(family.is_empty());
    take_titles(&mut given, &mut parts.prefix, keep);
    // `Dr. Berg, Jan`: in the family-first form the title opens the family part.
    if family_first && family.len() > 1 {
        take_titles(&mut family, &mut parts.prefix, 1);
    }
    // A given name of initials in capitals (`V.D.`) stays the given name, although `v.d.` is
    // also the particle `van der`: initials are how this normaliser writes a given name it
    // found as initials, and a source writes the particle in lower case.
    let initials_only = !given.is_empty()
        && given
            .iter()
            .all(|t| is_initials(t) && !t.chars().any(char::is_lowercase));
    let mut suffix = Vec::new();
    if family.is_empty() {
        // Degrees follow the family name; only a lone given name carries them itself.
        suffix = take_suffixes(&mut given, 1);
    } else {
        // Particles and hyphen parts at the end of the given name join the family name,
        // degrees after the family name go to the suffix, particles written after the family
        // name go before it. Each move can uncover another (`MSc van`), so they repeat until
        // nothing changes; every round that changes something moves a token, so few do.
        for _ in 0..8 {
            let before = (given.len(), family.clone());
            let g = given.len();
            let mut all = std::mem::take(&mut given);
            all.append(&mut family);
            let start = family_start(&all, g, family_first);
            let start = if initials_only { start.max(g) } else { start };
            family = all.split_off(start);
            given = all;
            let mut found = take_suffixes(&mut family, 1);
            found.append(&mut suffix);
            suffix = found;
            particles_to_front(&mut family);
            if given.len() == before.0 && family == before.1 {
                break;
            }
        }
    }
    suffix.append(&mut parts.suffix);
    parts.suffix = suffix;
    parts.family = family;
    parts.given = given;
}

/// Splits a whole name (`Jan van der Berg`, `Berg, Jan van der`, `Jan de Vries, MSc`).
fn from_full(full: &str, parts: &mut Parts) {
    let mut pieces = full.split(',').map(str::trim).filter(|p| !p.is_empty());
    let head = pieces.next().unwrap_or_default();
    let mut rest: Vec<&str> = Vec::new();
    let mut suffix: Vec<String> = Vec::new();
    for p in pieces {
        let t = tokens(Some(p));
        if !t.is_empty() && t.iter().all(|w| is_suffix(w)) {
            suffix.extend(t);
        } else {
            rest.push(p);
        }
    }
    if rest.is_empty() {
        let mut t = tokens(Some(head));
        take_titles(&mut t, &mut parts.prefix, 1);
        let mut s = take_suffixes(&mut t, 1);
        s.append(&mut suffix);
        s.append(&mut parts.suffix);
        parts.suffix = s;
        let n = t.len();
        let start = if n <= 1 {
            n
        } else {
            family_start(&t, n - 1, false)
        };
        parts.family = t.split_off(start);
        parts.given = t;
    } else {
        suffix.append(&mut parts.suffix);
        parts.suffix = suffix;
        let given = tokens(Some(&rest.join(" ")));
        from_parts(given, tokens(Some(head)), parts, true);
    }
}

fn join(tokens: &[String]) -> Option<String> {
    (!tokens.is_empty()).then(|| tokens.join(" "))
}

/// The name as the source wrote it: the whole name, or the parts joined.
fn original(raw: &RawName) -> Option<String> {
    if let Some(full) = raw.full.as_deref().filter(|f| !f.trim().is_empty()) {
        return Some(full.to_owned());
    }
    let joined: Vec<&str> = [
        &raw.prefix,
        &raw.given,
        &raw.middle,
        &raw.family,
        &raw.suffix,
    ]
    .iter()
    .filter_map(|p| p.as_deref())
    .filter(|p| !p.trim().is_empty())
    .collect();
    (!joined.is_empty()).then(|| joined.join(" "))
}

/// Normalise a name.
pub fn normalize(raw: &RawName) -> Normalized {
    let mut out = split(raw);
    // A comma left inside a family name (`Berg , Jan` beside a given name that then moved into
    // the family name) reads differently once the parts are the source's own: such rare names
    // are normalised again until they stay put, so that the result is idempotent.
    for _ in 0..3 {
        if !out.name.family.as_deref().is_some_and(|f| f.contains(',')) {
            break;
        }
        let again = split(&RawName {
            full: out.name.full.clone(),
            given: out.name.given.clone(),
            middle: None,
            family: out.name.family.clone(),
            prefix: out.name.prefix.clone(),
            suffix: out.name.suffix.clone(),
        });
        let same = (
            &again.name.full,
            &again.name.given,
            &again.name.family,
            &again.name.prefix,
            &again.name.suffix,
            &again.name.initials,
        ) == (
            &out.name.full,
            &out.name.given,
            &out.name.family,
            &out.name.prefix,
            &out.name.suffix,
            &out.name.initials,
        );
        if same {
            break;
        }
        out.name = Name {
            original: out.name.original,
            ..again.name
        };
        out.nicknames.extend(again.nicknames);
    }
    out
}

/// One round of [`normalize`].
fn split(raw: &RawName) -> Normalized {
    let mut nicknames = Vec::new();
    let full = prepare(raw.full.as_deref(), &mut nicknames);
    // Given and middle names are one run of words (Outlook's Middle Name is part of it), and
    // are cleaned as one so that the result cleans to itself.
    let given_middle = match (raw.given.as_deref(), raw.middle.as_deref()) {
        (Some(g), Some(m)) => Some(format!("{g} {m}")),
        (g, m) => g.or(m).map(str::to_owned),
    };
    let given = prepare(given_middle.as_deref(), &mut nicknames);
    let family = prepare(raw.family.as_deref(), &mut nicknames);
    let prefix = prepare(raw.prefix.as_deref(), &mut nicknames);
    let suffix = prepare(raw.suffix.as_deref(), &mut nicknames);

    let mut parts = Parts {
        prefix: tokens(prefix.as_deref()),
        suffix: tokens(suffix.as_deref())
            .into_iter()
            .map(|t| t.trim_end_matches(',').to_owned())
            .filter(|t| !t.is_empty())
            .collect(),
        ..Parts::default()
    };
    if given.is_some() || family.is_some() {
        let g = tokens(given.as_deref());
        let family_comma = family
            .as_deref()
            .and_then(|f| f.split_once(", "))
            .filter(|(l, r)| !l.trim().is_empty() && !r.trim().is_empty());
        match family_comma {
            // `Berg, van der` or `de Vries, MBA` in the family field; `Berg, Jan` there when
            // no given name was given.
            Some((left, right)) => {
                let l = tokens(Some(left));
                let r = tokens(Some(right));
                if !r.is_empty() && r.iter().all(|w| is_suffix(w)) {
                    // `Jr., PhD`: the commas between suffixes go, as in the suffix field.
                    let r = r.iter().map(|t| t.trim_end_matches(',').to_owned());
                    parts.suffix.splice(0..0, r);
                    from_parts(g, l, &mut parts, false);
                } else if !r.is_empty() && r.iter().all(|w| is_particle(w)) {
                    let mut f = r;
                    f.extend(l);
                    from_parts(g, f, &mut parts, false);
                } else if g.is_empty() {
                    from_parts(r, l, &mut parts, true);
                } else {
                    from_parts(g, tokens(family.as_deref()), &mut parts, false);
                }
            }
            None => from_parts(g, tokens(family.as_deref()), &mut parts, false),
        }
    } else if let Some(full) = full.as_deref() {
        from_full(full, &mut parts);
    }

    let caps = |tokens: &[String], small| join(tokens).map(|s| fix_caps(s, small));
    let mut given = caps(&parts.given, SmallParticles::None);
    // Initials are judged after capitals are fixed, as a second pass would judge them.
    let initials = initials(&tokens(given.as_deref()));
    if initials.is_some() {
        given.clone_from(&initials);
    }
    let family = caps(&parts.family, SmallParticles::All);
    let prefix = caps(&parts.prefix, SmallParticles::None);
    let suffix = join(&parts.suffix);
    // A rebuilt whole name is cleaned like a source's, so that it cleans to itself.
    let full = full
        .or_else(|| {
            if given.is_none() && family.is_none() {
                return None;
            }
            let joined = [&prefix, &given, &family, &suffix]
                .iter()
                .filter_map(|p| p.as_deref())
                .collect::<Vec<_>>()
                .join(" ");
            prepare(Some(&joined), &mut Vec::new())
        })
        .map(|f| fix_caps(f, SmallParticles::AfterFirst));
    let mut seen = Vec::with_capacity(nicknames.len());
    nicknames.retain(|n| {
        let new = !seen.contains(n);
        if new {
            seen.push(n.clone());
        }
        new
    });
    Normalized {
        name: Name {
            full,
            given,
            family,
            prefix,
            suffix,
            initials,
            original: original(raw),
        },
        nicknames,
    }
}

/// A key for comparing names: given and family name folded to ASCII lower case, particles,
/// titles and punctuation dropped (`Jan van der Berg` → `jan berg`, `Zoë de Vries` →
/// `zoe vries`). `None` when the name has neither.
pub fn match_key(name: &Name) -> Option<String> {
    let mut words: Vec<String> = Vec::new();
    for part in [&name.given, &name.family].into_iter().flatten() {
        for w in part.split_whitespace() {
            if !is_particle(w) {
                let f = text::fold(w);
                if !f.is_empty() {
                    words.push(f);
                }
            }
        }
    }
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(s: &str) -> RawName {
        RawName {
            full: Some(s.to_owned()),
            ..RawName::default()
        }
    }

    fn parts(given: &str, middle: &str, family: &str) -> RawName {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        RawName {
            given: opt(given),
            middle: opt(middle),
            family: opt(family),
            ..RawName::default()
        }
    }

    /// (whole name, prefix, given, family, suffix)
    const FULL: &[(&str, &str, &str, &str, &str)] = &[
        ("Jan van der Berg", "", "Jan", "van der Berg", ""),
        ("Berg, Jan van der", "", "Jan", "van der Berg", ""),
        ("van der Berg, Jan", "", "Jan", "van der Berg", ""),
        ("Berg van der, Jan", "", "Jan", "van der Berg", ""),
        ("Jan de Vries", "", "Jan", "de Vries", ""),
        ("Jan Willem de Boer", "", "Jan Willem", "de Boer", ""),
        ("Anna Maria van 't Hof", "", "Anna Maria", "van 't Hof", ""),
        ("Anna van ’t Hof", "", "Anna", "van ’t Hof", ""),
        ("Piet in 't Veld", "", "Piet", "in 't Veld", ""),
        ("Kees op de Beeck", "", "Kees", "op de Beeck", ""),
        ("Joost uit de Bosch", "", "Joost", "uit de Bosch", ""),
        ("Els ter Horst", "", "Els", "ter Horst", ""),
        ("Els Ter Horst", "", "Els", "Ter Horst", ""),
        ("Henk ten Cate", "", "Henk", "ten Cate", ""),
        ("Gerrit te Riele", "", "Gerrit", "te Riele", ""),
        ("Marco van den Broek", "", "Marco", "van den Broek", ""),
        ("Jan v.d. Berg", "", "Jan", "v.d. Berg", ""),
        ("Karl von der Heide", "", "Karl", "von der Heide", ""),
        ("Maria da Silva", "", "Maria", "da Silva", ""),
        ("Anna Jansen-de Vries", "", "Anna", "Jansen-de Vries", ""),
        (
            "Anna de Vries - van Dam",
            "",
            "Anna",
            "de Vries - van Dam",
            "",
        ),
        ("Anna de Vries-van Dam", "", "Anna", "de Vries-van Dam", ""),
        ("Jan Smit", "", "Jan", "Smit", ""),
        ("Madonna", "", "Madonna", "", ""),
        ("van der Berg", "", "", "van der Berg", ""),
        ("De Vries", "", "", "De Vries", ""),
        ("Le Minh", "", "Le", "Minh", ""),
        ("J.P. de Vries", "", "J.P.", "de Vries", ""),
        ("J. P. de Vries", "", "J.P.", "de Vries", ""),
        ("j.p. de vries", "", "J.P.", "de vries", ""),
        ("Th.J. de Vries", "", "Th.J.", "de Vries", ""),
        ("Dr. Jan de Vries", "Dr.", "Jan", "de Vries", ""),
        ("dr. Jan de Vries", "dr.", "Jan", "de Vries", ""),
        ("prof. dr. Jan de Vries", "prof. dr.", "Jan", "de Vries", ""),
        (
            "Prof.dr.ir. Jan de Vries",
            "Prof.dr.ir.",
            "Jan",
            "de Vries",
            "",
        ),
        ("ir. Jan de Vries", "ir.", "Jan", "de Vries", ""),
        ("drs. Anna Bakker", "drs.", "Anna", "Bakker", ""),
        ("mr. Anna Bakker", "mr.", "Anna", "Bakker", ""),
        ("ing. Anna Bakker", "ing.", "Anna", "Bakker", ""),
        ("Dhr. Jan Bakker", "Dhr.", "Jan", "Bakker", ""),
        ("mevr. Anna Bakker", "mevr.", "Anna", "Bakker", ""),
        ("Mw. A. Bakker", "Mw.", "A.", "Bakker", ""),
        ("Mr John Smith", "Mr", "John", "Smith", ""),
        ("Mrs Jane Smith", "Mrs", "Jane", "Smith", ""),
        ("Ms Jane Smith", "Ms", "Jane", "Smith", ""),
        ("Ing Chen", "", "Ing", "Chen", ""),
        ("Jan de Vries MSc", "", "Jan", "de Vries", "MSc"),
        ("Jan de Vries, MSc", "", "Jan", "de Vries", "MSc"),
        ("Jan de Vries MSc MBA", "", "Jan", "de Vries", "MSc MBA"),
        ("Jan de Vries, PhD, MBA", "", "Jan", "de Vries", "PhD MBA"),
        ("John Smith Jr.", "", "John", "Smith", "Jr."),
        ("Anna Bakker BSc", "", "Anna", "Bakker", "BSc"),
        ("Anna Bakker MA", "", "Anna", "Bakker", "MA"),
        ("Anna Bakker RN", "", "Anna", "Bakker", "RN"),
        ("Jack Ma", "", "Jack", "Ma", ""),
        (
            "dr. ir. J.P. van der Berg MSc",
            "dr. ir.",
            "J.P.",
            "van der Berg",
            "MSc",
        ),
        ("Vries, J.P. de", "", "J.P.", "de Vries", ""),
        ("Berg, van der", "", "", "van der Berg", ""),
        ("JAN DE VRIES", "", "Jan", "de Vries", ""),
        ("JAN VAN 'T HOF", "", "Jan", "van 't Hof", ""),
        ("PIET IJSSELSTEIN", "", "Piet", "IJsselstein", ""),
        ("SEAN O'BRIEN", "", "Sean", "O'Brien", ""),
        ("ANNA JANSEN-DE VRIES", "", "Anna", "Jansen-de Vries", ""),
        ("Anna 🌍", "", "Anna", "", ""),
        ("Jan de Vries 🇳🇱", "", "Jan", "de Vries", ""),
        ("Anand ( Andy ) Kumar", "", "Anand", "Kumar", ""),
        ("Robert \"Bob\" Smith", "", "Robert", "Smith", ""),
        ("  Jan \t de  Vries\t", "", "Jan", "de Vries", ""),
        ("Mohammed El Amrani", "", "Mohammed", "El Amrani", ""),
        (
            "Jan-Willem van de Velde",
            "",
            "Jan-Willem",
            "van de Velde",
            "",
        ),
        ("Maarten 't Hart", "", "Maarten", "'t Hart", ""),
        ("'t Hart, Maarten", "", "Maarten", "'t Hart", ""),
        ("Hart, Maarten 't", "", "Maarten", "'t Hart", ""),
        (
            "Anne van Dijk-de Groot",
            "",
            "Anne",
            "van Dijk-de Groot",
            "",
        ),
        (
            "van Dijk-de Groot, Anne",
            "",
            "Anne",
            "van Dijk-de Groot",
            "",
        ),
        ("A.J.M. (Ton) Jansen", "", "A.J.M.", "Jansen", ""),
        (
            "Ir. drs. P.C. van Leeuwen",
            "Ir. drs.",
            "P.C.",
            "van Leeuwen",
            "",
        ),
        ("W. de Jong-van Dam", "", "W.", "de Jong-van Dam", ""),
        ("DE JONG, P.", "", "P.", "de Jong", ""),
        (
            "Sanne van der Meer-Bakker",
            "",
            "Sanne",
            "van der Meer-Bakker",
            "",
        ),
        ("Ruud van Nistelrooij", "", "Ruud", "van Nistelrooij", ""),
        (
            "Pieter Jan op den Kamp",
            "",
            "Pieter Jan",
            "op den Kamp",
            "",
        ),
    ];

    #[test]
    fn full_name_cases() {
        for (input, prefix, given, family, suffix) in FULL {
            let n = normalize(&full(input)).name;
            let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
            assert_eq!(
                (
                    n.prefix.clone(),
                    n.given.clone(),
                    n.family.clone(),
                    n.suffix.clone()
                ),
                (opt(prefix), opt(given), opt(family), opt(suffix)),
                "split of {input:?}"
            );
            assert_eq!(n.original.as_deref(), Some(*input), "original of {input:?}");
        }
    }

    /// A name split into (prefix, given, family, suffix); empty means none.
    type Split = (&'static str, &'static str, &'static str, &'static str);

    /// (given, middle, family) → the split.
    const PARTS: &[((&str, &str, &str), Split)] = &[
        (("Jan", "", "Berg"), ("", "Jan", "Berg", "")),
        (("Jan", "van der", "Berg"), ("", "Jan", "van der Berg", "")),
        (("Jan", "van", "Berg"), ("", "Jan", "van Berg", "")),
        (
            ("Jan", "Pieter van", "Berg"),
            ("", "Jan Pieter", "van Berg", ""),
        ),
        (("Jan", "Pieter", "Berg"), ("", "Jan Pieter", "Berg", "")),
        (("Jan van der", "", "Berg"), ("", "Jan", "van der Berg", "")),
        (("V.D.", "", "Berg"), ("", "V.D.", "Berg", "")),
        (("v.d.", "", "Berg"), ("", "", "v.d. Berg", "")),
        (("Jan", "", "van der Berg"), ("", "Jan", "van der Berg", "")),
        (
            ("Jan", "", "Berg, van der"),
            ("", "Jan", "van der Berg", ""),
        ),
        (("Jan", "", "Berg van der"), ("", "Jan", "van der Berg", "")),
        (("", "", "Berg, Jan"), ("", "Jan", "Berg", "")),
        (("Dr. Diana", "", "Jansen"), ("Dr.", "Diana", "Jansen", "")),
        (("Jan", "", "de Vries MBA"), ("", "Jan", "de Vries", "MBA")),
        (("Jan", "", "de Vries, MBA"), ("", "Jan", "de Vries", "MBA")),
        (
            ("Jan", "", "de Vries, PhD., MSc"),
            ("", "Jan", "de Vries", "PhD. MSc"),
        ),
        (
            ("Jan", "", "Berg, Jr. Jr., Jr."),
            ("", "Jan", "Berg", "Jr. Jr. Jr."),
        ),
        (("J.P.", "", "de Vries"), ("", "J.P.", "de Vries", "")),
        (("J. P.", "", "de Vries"), ("", "J.P.", "de Vries", "")),
        (("JP", "", "de Vries"), ("", "JP", "de Vries", "")),
        (("JAN", "", "DE VRIES"), ("", "Jan", "de Vries", "")),
        (("Jan", "", "DE VRIES"), ("", "Jan", "de Vries", "")),
        (("Anna 🌍", "", "Bakker\t"), ("", "Anna", "Bakker", "")),
        (("Anand ( Andy )", "", "Kumar"), ("", "Anand", "Kumar", "")),
        (("Jan", "", ""), ("", "Jan", "", "")),
        (("", "", "Bakker"), ("", "", "Bakker", "")),
        (("Le", "", "Blanc"), ("", "Le", "Blanc", "")),
    ];

    #[test]
    fn parts_cases() {
        for ((g, m, f), (prefix, given, family, suffix)) in PARTS {
            let n = normalize(&parts(g, m, f)).name;
            let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
            assert_eq!(
                (
                    n.prefix.clone(),
                    n.given.clone(),
                    n.family.clone(),
                    n.suffix.clone()
                ),
                (opt(prefix), opt(given), opt(family), opt(suffix)),
                "parts {g:?} / {m:?} / {f:?}"
            );
        }
    }

    #[test]
    fn full_is_rebuilt_only_without_a_source_full() {
        let mut raw = parts("Jan", "van der", "Berg");
        raw.prefix = Some("dr.".to_owned());
        raw.suffix = Some("MSc".to_owned());
        let n = normalize(&raw).name;
        assert_eq!(n.full.as_deref(), Some("dr. Jan van der Berg MSc"));
        assert_eq!(n.original.as_deref(), Some("dr. Jan van der Berg MSc"));

        raw.full = Some("Jan vd Berg 🚀".to_owned());
        let n = normalize(&raw).name;
        assert_eq!(n.full.as_deref(), Some("Jan vd Berg"));
        assert_eq!(n.original.as_deref(), Some("Jan vd Berg 🚀"));
        assert_eq!(
            n.given.as_deref(),
            Some("Jan"),
            "parts win over the whole name"
        );

        let n = normalize(&full("Berg, Jan van der")).name;
        assert_eq!(n.full.as_deref(), Some("Berg, Jan van der"));
    }

    #[test]
    fn initials_are_set_only_when_the_given_name_is_initials() {
        let cases: &[(&str, Option<&str>)] = &[
            ("J.P. de Vries", Some("J.P.")),
            ("J. de Vries", Some("J.")),
            ("J de Vries", Some("J.")),
            ("J.-P. de Vries", Some("J.-P.")),
            ("Jan P. de Vries", None),
            ("Jan de Vries", None),
        ];
        for (input, want) in cases {
            let n = normalize(&full(input)).name;
            assert_eq!(n.initials.as_deref(), *want, "initials of {input:?}");
            if let Some(w) = want {
                assert_eq!(n.given.as_deref(), Some(*w), "given of {input:?}");
            }
        }
    }

    #[test]
    fn nicknames_are_collected() {
        let n = normalize(&full("Anand ( Andy ) Kumar"));
        assert_eq!(n.nicknames, vec!["Andy".to_owned()]);
        assert_eq!(n.name.full.as_deref(), Some("Anand Kumar"));
        let n = normalize(&parts("Anand ( Andy )", "", "Kumar"));
        assert_eq!(n.nicknames, vec!["Andy".to_owned()]);
        // A name that is only a nickname is a nickname.
        let n = normalize(&full("(Andy)"));
        assert_eq!(n.nicknames, vec!["Andy".to_owned()]);
        assert_eq!(n.name.given, None);
        assert_eq!(n.name.full, None);
    }

    #[test]
    fn empty_names() {
        assert_eq!(normalize(&RawName::default()), Normalized::default());
        let n = normalize(&full("  \t "));
        assert_eq!(n.name.given, None);
        assert_eq!(n.name.full, None);
        let n = normalize(&full("🌍"));
        assert_eq!(n.name.full, None);
    }

    #[test]
    fn match_keys() {
        let cases: &[(&str, Option<&str>)] = &[
            ("Jan van der Berg", Some("jan berg")),
            ("Berg, Jan van der", Some("jan berg")),
            ("Zoë de Vries", Some("zoe vries")),
            ("dr. J.P. de Vries MSc", Some("jp vries")),
        ];
        for (input, want) in cases {
            let n = normalize(&full(input)).name;
            assert_eq!(match_key(&n).as_deref(), *want, "match key of {input:?}");
        }
        assert_eq!(match_key(&Name::default()), None);
    }
}
