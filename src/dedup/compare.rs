//! Comparing two prepared records field by field.
//!
//! In: two records of a [`Prepared`] set. Out: a [`Comparison`]: for each [`Field`] the
//! [`Level`] at which the two agree, from `Exact` down to `Else` (they disagree), or `Missing`
//! when either record lacks the field (no evidence either way). The model turns levels into
//! weights; this module only decides levels, so it is cheap, symmetric and easy to test.
//!
//! Levels per field (strongest first; the first that holds wins):
//!
//! | field | levels |
//! |---|---|
//! | given name | exact (whole or first word) · nickname (Hans/Johannes, or a nickname the source gave) · close (Jaro-Winkler ≥ 0.92 or one edit) · partial (`Jan Willem` / `Willem`) · similar (Jaro-Winkler ≥ 0.8, same Double Metaphone, or two familiar forms of one formal name: `Els` / `Liesbeth`) · initials (one side gave only initials and they agree, also through a nickname: `L.` / `Elisabeth`) · else |
//! | family name | exact · particles (`van der Berg` / `Berg`: equal without particles) · close · partial (a shared word of a double name: `Jansen-de Vries` / `Jansen`) · similar · else |
//! | birthday | exact · close (one digit typed wrong, two digits swapped, day and month swapped) · similar (same year and month, or same month and day) · partial (only month and day known, and equal) · else |
//! | e-mail | exact (a shared address) · partial (same local part at another domain, unless the family names agree and the local part contains the family name: `jan.hoekstra@` at two organisations follows from the name) · domain (a shared company domain; public providers and generic addresses never count) · else |
//! | phone | exact · close (same last nine digits: one number, written with and without country) · else |
//! | LinkedIn | exact · else |
//! | organisation | exact key · close (close spelling, or one key's words inside the other's) · domain (one record's organisation is named by the other's work e-mail domain: `Gemeente Vitaalwerk` / `r.bakker@vitaalwerk.nl`; also when only one record names an organisation) · else |
//! | postcode | exact · close (one edit) · else |
//! | city, street, second address line | exact · close · similar · else |
//! | house number | exact · close (one edit) · else |
//!
//! Given and family name swapped (`Jansen Jan`) are caught: when neither name agrees straight
//! but both agree crosswise at `close` or better, the crosswise levels are used and the
//! comparison says `swapped`.
//!
//! Multi-valued fields (several e-mails, phones, addresses) agree at the best level of any two
//! of their values.

use super::nicknames::{are_nicknames, forms};
use super::prepare::{Item, Kind, Known, Prepared, Sym};
use serde::Serialize;
use std::fmt;

/// A compared field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Given,
    Family,
    Birthday,
    Email,
    Phone,
    Linkedin,
    Org,
    Postcode,
    City,
    Street,
    Number,
    Extension,
}

/// Number of [`Field`]s.
pub const FIELDS: usize = 12;

impl Field {
    pub const ALL: [Field; FIELDS] = [
        Field::Given,
        Field::Family,
        Field::Birthday,
        Field::Email,
        Field::Phone,
        Field::Linkedin,
        Field::Org,
        Field::Postcode,
        Field::City,
        Field::Street,
        Field::Number,
        Field::Extension,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Given => "given",
            Field::Family => "family",
            Field::Birthday => "birthday",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::Linkedin => "linkedin",
            Field::Org => "org",
            Field::Postcode => "postcode",
            Field::City => "city",
            Field::Street => "street",
            Field::Number => "number",
            Field::Extension => "extension",
        }
    }

    /// The kind whose value frequencies adjust this field at this level, if any: a common
    /// surname says less than a rare one, a switchboard number shared by many records little,
    /// a shared local part `j.jansen@` less than `wietske.hoekstra@`. It is the kind of the
    /// value the level agrees on: the written family name (particles included) at `Exact`, the
    /// family name without particles at `Particles`.
    pub fn tf_kind(self, level: Level) -> Option<Kind> {
        match (self, level) {
            (Field::Given, Level::Exact) => Some(Kind::Given1),
            (Field::Family, Level::Exact) => Some(Kind::Family),
            (Field::Family, Level::Particles) => Some(Kind::Core),
            (Field::Email, Level::Exact) => Some(Kind::Email),
            (Field::Email, Level::Partial) => Some(Kind::Local),
            (Field::Email, Level::Domain) => Some(Kind::Domain),
            (Field::Phone, Level::Exact) => Some(Kind::Phone),
            (Field::Org, Level::Exact) => Some(Kind::Org),
            (Field::Postcode, Level::Exact) => Some(Kind::Postcode),
            (Field::City, Level::Exact) => Some(Kind::City),
            (Field::Street, Level::Exact) => Some(Kind::Street),
            _ => None,
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How well a field agrees. The numeric value is the level's slot in the model's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[repr(u8)]
pub enum Level {
    /// Either record lacks the field: no evidence.
    Missing = 0,
    Exact = 1,
    Nickname = 2,
    /// Equal once particles are left out.
    Particles = 3,
    Close = 4,
    Partial = 5,
    Similar = 6,
    Initials = 7,
    /// A shared company e-mail domain.
    Domain = 8,
    /// Both have the field and it disagrees.
    Else = 9,
}

/// Number of [`Level`]s.
pub const LEVELS: usize = 10;

impl Level {
    pub const ALL: [Level; LEVELS] = [
        Level::Missing,
        Level::Exact,
        Level::Nickname,
        Level::Particles,
        Level::Close,
        Level::Partial,
        Level::Similar,
        Level::Initials,
        Level::Domain,
        Level::Else,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Missing => "missing",
            Level::Exact => "exact",
            Level::Nickname => "nickname",
            Level::Particles => "particles",
            Level::Close => "close",
            Level::Partial => "partial",
            Level::Similar => "similar",
            Level::Initials => "initials",
            Level::Domain => "domain",
            Level::Else => "else",
        }
    }

    fn from_bits(bits: u64) -> Level {
        Level::ALL
            .get(bits as usize)
            .copied()
            .unwrap_or(Level::Missing)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The levels of one compared pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comparison {
    pub levels: [Level; FIELDS],
    /// Given and family name agreed only crosswise.
    pub swapped: bool,
}

/// Bits per field in a packed pattern.
const BITS: u32 = 4;

impl Comparison {
    /// The levels packed into one integer (4 bits per field): the key of the model's pattern
    /// counts.
    pub fn pattern(&self) -> u64 {
        self.levels
            .iter()
            .enumerate()
            .fold(0, |acc, (f, l)| acc | (*l as u64) << (BITS * f as u32))
    }

    /// Unpack a [`Comparison::pattern`].
    pub fn levels_of(pattern: u64) -> [Level; FIELDS] {
        let mut out = [Level::Missing; FIELDS];
        for (f, slot) in out.iter_mut().enumerate() {
            *slot = Level::from_bits((pattern >> (BITS * f as u32)) & 0xF);
        }
        out
    }

    pub fn level(&self, field: Field) -> Level {
        self.levels[field as usize]
    }
}

/// Compare records `a` and `b`.
pub fn compare(p: &Prepared, a: u32, b: u32) -> Comparison {
    let mut levels = [Level::Missing; FIELDS];
    let mut given = given_level(p, a, b);
    let mut family = family_level(p, a, b);
    let mut swapped = false;
    let weak = |l: Level| matches!(l, Level::Else | Level::Similar | Level::Missing);
    if weak(given) && weak(family) {
        if let Some((g, f)) = crosswise(p, a, b) {
            given = g;
            family = f;
            swapped = true;
        }
    }
    levels[Field::Given as usize] = given;
    levels[Field::Family as usize] = family;
    levels[Field::Birthday as usize] = birthday_level(p, a, b);
    // A shared local part made of the family name (`jan.hoekstra@` at two organisations) is
    // what two namesakes' work addresses look like: when the family names already agree it
    // says nothing the names did not (see [`email_level`]).
    let names_agree = matches!(family, Level::Exact | Level::Particles | Level::Close);
    levels[Field::Email as usize] = email_level(p, a, b, names_agree);
    levels[Field::Phone as usize] = phone_level(p, a, b);
    levels[Field::Linkedin as usize] = shared_or_else(p, a, b, Kind::Linkedin);
    levels[Field::Org as usize] = org_level(p, a, b);
    levels[Field::Postcode as usize] = edit_level(p, a, b, Kind::Postcode);
    levels[Field::City as usize] = text_level(p, a, b, Kind::City, false);
    levels[Field::Street as usize] = text_level(p, a, b, Kind::Street, false);
    levels[Field::Number as usize] = edit_level(p, a, b, Kind::Number);
    levels[Field::Extension as usize] = text_level(p, a, b, Kind::Extension, false);
    Comparison { levels, swapped }
}

/// The smallest record count among the values of `kind` that `a` and `b` share, and the
/// number of records with any value of that kind: the term frequency of what they agree on.
pub fn shared_count(p: &Prepared, a: u32, b: u32, kind: Kind) -> Option<(u32, u64)> {
    let t = p.table(kind);
    let (xa, xb) = (p.of(a, kind), p.of(b, kind));
    xa.iter()
        .filter(|x| xb.iter().any(|y| y.sym == x.sym))
        .map(|x| t.count(x.sym))
        .min()
        .map(|c| (c, t.records()))
}

fn share(xa: &[Item], xb: &[Item]) -> bool {
    xa.iter().any(|x| xb.iter().any(|y| y.sym == x.sym))
}

/// Whether `a` and `b` differ by at most one insertion, deletion, substitution or swap of two
/// neighbouring characters (optimal string alignment distance ≤ 1), without allocating.
pub fn within_one_edit(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if a.len() == b.len() {
        if a[p + 1..] == b[p + 1..] {
            return true;
        }
        p + 1 < a.len() && a[p] == b[p + 1] && a[p + 1] == b[p] && a[p + 2..] == b[p + 2..]
    } else {
        let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
        short[p..] == long[p + 1..]
    }
}

/// A folded text with what [`similarity`] needs to know about it beforehand; [`Prepared`]
/// keeps these per value, so the inner loop does not recompute them.
#[derive(Debug, Clone, Copy)]
pub struct Text<'a> {
    pub s: &'a str,
    /// The letter set of [`letter_set`].
    pub set: u64,
    /// Contains `ij`.
    pub ij: bool,
}

impl<'a> Text<'a> {
    pub fn new(s: &'a str) -> Text<'a> {
        Text {
            s,
            set: letter_set(s.as_bytes()),
            ij: s.as_bytes().windows(2).any(|w| w == b"ij"),
        }
    }
}

/// The bytes of a text as a 64-bit set (folded by their low six bits).
pub fn letter_set(s: &[u8]) -> u64 {
    s.iter().fold(0u64, |m, &c| m | 1 << (c & 63))
}

/// Exact, close (Jaro-Winkler ≥ 0.92, one edit in a word of four letters or more, or `ij`
/// written `y`), similar (one edit in a three-letter word, or Jaro-Winkler ≥ 0.8) or else, for
/// two folded texts.
pub fn similarity(x: &str, y: &str) -> Level {
    similar(Text::new(x), Text::new(y))
}

/// [`similarity`] on texts whose letter sets are known.
pub fn similar(tx: Text<'_>, ty: Text<'_>) -> Level {
    let (x, y) = (tx.s, ty.s);
    if x == y {
        return Level::Exact;
    }
    if x.len().min(y.len()) >= 4 && within_one_edit(x.as_bytes(), y.as_bytes()) {
        return Level::Close;
    }
    // Most compared texts (random pairs above all) are nothing alike: a bound from the letters
    // they share settles those without computing Jaro-Winkler.
    if bound_with_sets(x.as_bytes(), tx.set, y.as_bytes(), ty.set) < 0.8 && !tx.ij && !ty.ij {
        return Level::Else;
    }
    let jw = jaro_winkler(x, y);
    if jw >= 0.92 {
        return Level::Close;
    }
    // One letter off in a three-letter word (`Roy` / `Rxy`) is too little to call close, and
    // too much alike to call different.
    if x.len().min(y.len()) == 3 && within_one_edit(x.as_bytes(), y.as_bytes()) {
        return Level::Similar;
    }
    // Dutch `ij` is often written `y` (Meijer / Meyer, Rijn / Ryn).
    if (tx.ij || ty.ij) && x.replace("ij", "y") == y.replace("ij", "y") {
        Level::Close
    } else if jw >= 0.8 {
        Level::Similar
    } else {
        Level::Else
    }
}

/// An upper bound of [`jaro_winkler`]: the matching characters are at most the characters of
/// each text that occur anywhere in the other (a 64-bit letter set; bytes are folded by their
/// low six bits, which only loosens the bound), transpositions at best none, and the prefix
/// bonus at most four characters.
pub fn jaro_winkler_bound(a: &[u8], b: &[u8]) -> f64 {
    bound_with_sets(a, letter_set(a), b, letter_set(b))
}

fn bound_with_sets(a: &[u8], sa: u64, b: &[u8], sb: u64) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 1.0;
    }
    if sa & sb == 0 {
        return 0.0;
    }
    let in_b = a.iter().filter(|&&c| sb & (1 << (c & 63)) != 0).count();
    let in_a = b.iter().filter(|&&c| sa & (1 << (c & 63)) != 0).count();
    let m = in_a.min(in_b) as f64;
    let jaro = (m / a.len() as f64 + m / b.len() as f64 + 1.0) / 3.0;
    jaro.min(1.0) + 0.4 * (1.0 - jaro.min(1.0))
}

/// Jaro-Winkler similarity, the same number as `strsim::jaro_winkler`, without allocating for
/// ASCII texts of up to 64 bytes (folded values always are ASCII): comparing is the engine's
/// inner loop.
pub fn jaro_winkler(x: &str, y: &str) -> f64 {
    let (a, b) = (x.as_bytes(), y.as_bytes());
    if !x.is_ascii() || !y.is_ascii() || a.len() > 64 || b.len() > 64 {
        return strsim::jaro_winkler(x, y);
    }
    if a.is_empty() || b.is_empty() {
        return if a.len() == b.len() { 1.0 } else { 0.0 };
    }
    let range = (a.len().max(b.len()) / 2).saturating_sub(1);
    let (mut fa, mut fb) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = (i + range + 1).min(b.len());
        for (j, &cb) in b.iter().enumerate().take(hi).skip(lo) {
            if fb & (1 << j) == 0 && cb == ca {
                fa |= 1 << i;
                fb |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut j = 0;
    for (i, &ca) in a.iter().enumerate() {
        if fa & (1 << i) != 0 {
            while fb & (1 << j) == 0 {
                j += 1;
            }
            if b[j] != ca {
                transpositions += 1;
            }
            j += 1;
        }
    }
    let m = matches as f64;
    let t = (transpositions / 2) as f64;
    let jaro = (m / a.len() as f64 + m / b.len() as f64 + (m - t) / m) / 3.0;
    if jaro > 0.7 {
        let prefix = a.iter().zip(b).take(4).take_while(|(p, q)| p == q).count();
        jaro + 0.1 * prefix as f64 * (1.0 - jaro)
    } else {
        jaro
    }
}

fn text(p: &Prepared, kind: Kind, sym: Sym) -> &str {
    p.table(kind).get(sym)
}

fn same_sym(p: &Prepared, a: u32, b: u32, kind: Kind) -> Option<bool> {
    match (p.first(a, kind), p.first(b, kind)) {
        (Some(x), Some(y)) => Some(x == y),
        _ => None,
    }
}

fn given_level(p: &Prepared, a: u32, b: u32) -> Level {
    let (ga, gb) = (p.first(a, Kind::Given1), p.first(b, Kind::Given1));
    let (ra, rb) = (p.rec(a), p.rec(b));
    let (Some(x), Some(y)) = (ga, gb) else {
        // Initials on one side (or both): they agree or they don't. `L.` agrees with
        // `Elisabeth` through Liesbeth.
        if ra.initial == 0 || rb.initial == 0 {
            return Level::Missing;
        }
        let via_nickname = |full: Option<Sym>, initial: u8| {
            full.is_some_and(|s| {
                forms(text(p, Kind::Given1, s))
                    .iter()
                    .any(|f| f.as_bytes().first() == Some(&initial))
            })
        };
        return if ra.initial == rb.initial
            || via_nickname(ga, rb.initial)
            || via_nickname(gb, ra.initial)
        {
            Level::Initials
        } else {
            Level::Else
        };
    };
    if x == y || same_sym(p, a, b, Kind::Given) == Some(true) {
        return Level::Exact;
    }
    let (sx, sy) = (text(p, Kind::Given1, x), text(p, Kind::Given1, y));
    let nick_of = |r: u32, other: &str| {
        p.of(r, Kind::Nick)
            .iter()
            .any(|n| text(p, Kind::Nick, n.sym) == other)
    };
    if are_nicknames(sx, sy) || nick_of(a, sy) || nick_of(b, sx) {
        return Level::Nickname;
    }
    let sim = similar(p.word(Kind::Given1, x), p.word(Kind::Given1, y));
    if sim == Level::Close {
        return Level::Close;
    }
    // `Jan Willem` and `Willem`: one of the given names is the other's first.
    let words_of = |r: u32| p.text(r, Kind::Given).unwrap_or("");
    if words_of(a).split(' ').any(|w| w == sy) || words_of(b).split(' ').any(|w| w == sx) {
        return Level::Partial;
    }
    // Two familiar forms of one formal name (`Els` / `Liesbeth`, both Elisabeth): weak, but
    // not a contradiction.
    let siblings = forms(sx).iter().any(|f| forms(f).contains(&sy));
    if sim == Level::Similar || siblings || same_sym(p, a, b, Kind::GivenPhon) == Some(true) {
        return Level::Similar;
    }
    Level::Else
}

fn family_level(p: &Prepared, a: u32, b: u32) -> Level {
    let (Some(fa), Some(fb)) = (p.first(a, Kind::Family), p.first(b, Kind::Family)) else {
        return Level::Missing;
    };
    if fa == fb {
        return Level::Exact;
    }
    if same_sym(p, a, b, Kind::Core) == Some(true) {
        return Level::Particles;
    }
    let (Some(xa), Some(xb)) = (p.first(a, Kind::Core), p.first(b, Kind::Core)) else {
        return Level::Else;
    };
    let (wa, wb) = (p.word(Kind::Core, xa), p.word(Kind::Core, xb));
    let (ca, cb) = (wa.s, wb.s);
    let sim = similar(wa, wb);
    if sim == Level::Close {
        return Level::Close;
    }
    // Double names: a word of three letters or more in both.
    if ca.contains(' ') || cb.contains(' ') {
        let shared = ca
            .split(' ')
            .any(|w| w.len() >= 3 && cb.split(' ').any(|v| v == w));
        if shared {
            return Level::Partial;
        }
    }
    if sim == Level::Similar || same_sym(p, a, b, Kind::CorePhon) == Some(true) {
        return Level::Similar;
    }
    Level::Else
}

/// Given name of each against the family name of the other, both at `close` or better.
fn crosswise(p: &Prepared, a: u32, b: u32) -> Option<(Level, Level)> {
    let word = |r: u32, kind: Kind| p.first(r, kind).map(|s| p.word(kind, s));
    let ga = word(a, Kind::Given1)?;
    let gb = word(b, Kind::Given1)?;
    let ca = word(a, Kind::Core)?;
    let cb = word(b, Kind::Core)?;
    let good = |l: Level| matches!(l, Level::Exact | Level::Close);
    // Cheap test first: almost no pair has its names crosswise.
    let may = |s: Text<'_>, t: Text<'_>| {
        s.s == t.s
            || within_one_edit(s.s.as_bytes(), t.s.as_bytes())
            || bound_with_sets(s.s.as_bytes(), s.set, t.s.as_bytes(), t.set) >= 0.92
    };
    if !may(ga, cb) || !may(ca, gb) {
        return None;
    }
    let (x, y) = (similar(ga, cb), similar(ca, gb));
    // Which record has its names swapped is unknown: the better level goes to the given name,
    // so that the comparison stays symmetric.
    (good(x) && good(y)).then_some((x.min(y), x.max(y)))
}

/// Whether one record's first given name is a word of the other's family name, exactly or with
/// one typo (`Pulfrd Cassandra` / `Victoria Pulford`, `Blake Green` / `Gloufssis Blake`): one
/// record has its names in the wrong boxes, so its "given name" is not a given name, and two
/// different given names say nothing about two people. `crosswise` needs both names to
/// agree crosswise; this needs one, so it is no level of its own, only a check that keeps the
/// engine's given-name rule from mistaking such a pair for a couple (unless their birthdays
/// say couple, see `engine`).
///
/// Dutch patronymic family names are a given name with an `s` (`Pieters`, `Willems`,
/// `Gerrits`): `Pieter` against `Pieters` is one edit, yet `Jan Pieters` and `Pieter de Vries`
/// are two people. A typo therefore counts only when it is not a trailing `s`.
pub fn names_crossed(p: &Prepared, a: u32, b: u32) -> bool {
    let one_way = |x: u32, y: u32| {
        let (Some(g), Some(c)) = (p.first(x, Kind::Given1), p.first(y, Kind::Core)) else {
            return false;
        };
        let g = p.word(Kind::Given1, g).s.as_bytes();
        let core = p.word(Kind::Core, c).s;
        core.split(' ').map(str::as_bytes).any(|w| {
            let patronymic = |s: &[u8], t: &[u8]| s.len() + 1 == t.len() && t.ends_with(b"s");
            w == g
                || (g.len().min(w.len()) >= 4
                    && within_one_edit(g, w)
                    && !patronymic(g, w)
                    && !patronymic(w, g))
        })
    };
    one_way(a, b) || one_way(b, a)
}

fn birthday_level(p: &Prepared, a: u32, b: u32) -> Level {
    let (x, y) = (p.rec(a).birthday, p.rec(b).birthday);
    match (x.known, y.known) {
        (Known::None, _) | (_, Known::None) => Level::Missing,
        (Known::Full, Known::Full) => {
            let (dx, dy) = (&x.digits, &y.digits);
            if dx == dy {
                return Level::Exact;
            }
            let swapped = dx[..4] == dy[..4] && dx[4..6] == dy[6..8] && dx[6..8] == dy[4..6];
            if swapped || within_one_edit(dx, dy) {
                return Level::Close;
            }
            if dx[..6] == dy[..6] || dx[4..] == dy[4..] {
                return Level::Similar;
            }
            Level::Else
        }
        _ => {
            if x.digits[4..] == y.digits[4..] {
                Level::Partial
            } else {
                Level::Else
            }
        }
    }
}

/// E-mail level. `names_agree`: the family names agree (exact, particles or close); then a
/// shared local part that contains the family name does not count as `Partial`. Such a local
/// part is built from the name (`jan.hoekstra@`, `j.vanderberg@`), so its agreement follows
/// from the name's agreement, which the name fields already weigh: counting it again would
/// take the namesakes of a large set (the same name at two organisations) for one person.
/// A local part that carries more than the name (`wietske.h74@`), or one shared while the
/// family names differ (a changed family name), still counts.
fn email_level(p: &Prepared, a: u32, b: u32, names_agree: bool) -> Level {
    let (ea, eb) = (p.of(a, Kind::Email), p.of(b, Kind::Email));
    if ea.is_empty() || eb.is_empty() {
        return Level::Missing;
    }
    if share(ea, eb) {
        return Level::Exact;
    }
    let (la, lb) = (p.of(a, Kind::Local), p.of(b, Kind::Local));
    let telling =
        |x: &Item| !(names_agree && local_has_family(p, a, b, text(p, Kind::Local, x.sym)));
    if la
        .iter()
        .any(|x| lb.iter().any(|y| y.sym == x.sym) && telling(x))
    {
        Level::Partial
    } else if share(p.of(a, Kind::Domain), p.of(b, Kind::Domain)) {
        Level::Domain
    } else {
        Level::Else
    }
}

/// Whether the local part `local` contains a word (three letters or more) of either record's
/// family name without particles.
fn local_has_family(p: &Prepared, a: u32, b: u32, local: &str) -> bool {
    [a, b].iter().any(|&r| {
        p.text(r, Kind::Core)
            .is_some_and(|core| core.split(' ').any(|w| w.len() >= 3 && local.contains(w)))
    })
}

fn phone_level(p: &Prepared, a: u32, b: u32) -> Level {
    let (xa, xb) = (p.of(a, Kind::Phone), p.of(b, Kind::Phone));
    if xa.is_empty() || xb.is_empty() {
        return Level::Missing;
    }
    if share(xa, xb) {
        return Level::Exact;
    }
    // Phone values are digits, with a leading `+` for E.164: the last nine bytes are digits.
    let tail = |s: &'_ str| -> Option<[u8; 9]> {
        let b = s.as_bytes();
        (b.len() >= 9).then(|| {
            let mut t = [0u8; 9];
            t.copy_from_slice(&b[b.len() - 9..]);
            t
        })
    };
    let close = xa.iter().any(|x| {
        tail(text(p, Kind::Phone, x.sym)).is_some_and(|tx| {
            xb.iter()
                .any(|y| tail(text(p, Kind::Phone, y.sym)) == Some(tx))
        })
    });
    if close {
        Level::Close
    } else {
        Level::Else
    }
}

fn shared_or_else(p: &Prepared, a: u32, b: u32, kind: Kind) -> Level {
    let (xa, xb) = (p.of(a, kind), p.of(b, kind));
    if xa.is_empty() || xb.is_empty() {
        Level::Missing
    } else if share(xa, xb) {
        Level::Exact
    } else {
        Level::Else
    }
}

/// Organisations: as text (exact key, close, words inside); then an organisation of one record
/// named by the other's work e-mail domain (`Gemeente Vitaalwerk` / `r.bakker@vitaalwerk.nl`)
/// is the `domain` level, also when only one record names an organisation.
fn org_level(p: &Prepared, a: u32, b: u32) -> Level {
    let level = text_level(p, a, b, Kind::Org, true);
    if matches!(level, Level::Exact | Level::Close) {
        return level;
    }
    let named_by = |org_side: u32, mail_side: u32| {
        p.of(org_side, Kind::Org).iter().any(|o| {
            let key = text(p, Kind::Org, o.sym);
            p.of(mail_side, Kind::Label).iter().any(|l| {
                let label = text(p, Kind::Label, l.sym);
                label.len() >= 3
                    && (key.split(' ').any(|w| w == label)
                        || key.bytes().filter(|&c| c != b' ').eq(label.bytes()))
            })
        })
    };
    if named_by(a, b) || named_by(b, a) {
        Level::Domain
    } else {
        level
    }
}

/// At most this many values per side are compared fuzzily (a record with twenty addresses
/// must not cost four hundred string comparisons).
const FUZZY_VALUES: usize = 4;

/// Exact, close or similar text; with `words`, one value's words all inside the other's
/// counts as close (`gemeente utrecht` / `utrecht`).
fn text_level(p: &Prepared, a: u32, b: u32, kind: Kind, words: bool) -> Level {
    let (xa, xb) = (p.of(a, kind), p.of(b, kind));
    if xa.is_empty() || xb.is_empty() {
        return Level::Missing;
    }
    if share(xa, xb) {
        return Level::Exact;
    }
    let mut best = Level::Else;
    for x in xa.iter().take(FUZZY_VALUES) {
        let wx = p.word(kind, x.sym);
        let sx = wx.s;
        for y in xb.iter().take(FUZZY_VALUES) {
            let wy = p.word(kind, y.sym);
            let sy = wy.s;
            let mut l = similar(wx, wy);
            if words && l > Level::Close && (contains_words(sx, sy) || contains_words(sy, sx)) {
                l = Level::Close;
            }
            best = best.min(l);
        }
    }
    best
}

/// Every word of `small` is a word of `big`.
fn contains_words(big: &str, small: &str) -> bool {
    !small.is_empty() && small.split(' ').all(|w| big.split(' ').any(|v| v == w))
}

/// Exact, close (one edit) or else.
fn edit_level(p: &Prepared, a: u32, b: u32, kind: Kind) -> Level {
    let (xa, xb) = (p.of(a, kind), p.of(b, kind));
    if xa.is_empty() || xb.is_empty() {
        return Level::Missing;
    }
    if share(xa, xb) {
        return Level::Exact;
    }
    let close = xa.iter().take(FUZZY_VALUES).any(|x| {
        let sx = text(p, kind, x.sym).as_bytes();
        xb.iter()
            .take(FUZZY_VALUES)
            .any(|y| within_one_edit(sx, text(p, kind, y.sym).as_bytes()))
    });
    if close {
        Level::Close
    } else {
        Level::Else
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Address, Contact, Name, Org, Source, SourceKind, Value};

    fn value(v: &str) -> Value {
        Value {
            value: v.into(),
            original: v.into(),
            label: None,
        }
    }

    /// A contact from a compact spec: `g:` given, `i:` initials, `f:` family, `n:` nickname,
    /// `e:` e-mail, `p:` phone, `o:` organisation key, `b:` birthday, `pc:` postcode, `c:`
    /// city, `s:` street; `_` stands for a space.
    fn spec(record: u32, s: &str) -> Contact {
        let mut c = Contact::empty(Source {
            path: "t.csv".into(),
            kind: SourceKind::CsvGeneric,
            record,
            line: None,
        });
        let mut addr = Address::default();
        for item in s.split(' ').filter(|x| !x.is_empty()) {
            let (k, v) = item.split_once(':').expect("spec item");
            let v = v.replace('_', " ");
            match k {
                "g" => c.name.given = Some(v),
                "i" => {
                    c.name.given = Some(v.clone());
                    c.name.initials = Some(v);
                }
                "f" => c.name.family = Some(v),
                "n" => c.nicknames.push(value(&v)),
                "e" => c.emails.push(value(&v)),
                "p" => c.phones.push(value(&v)),
                "o" => c.orgs.push(Org {
                    name: v.clone(),
                    key: v,
                    ..Org::default()
                }),
                "b" => c.birthday = Some(value(&v)),
                "pc" => addr.postcode = Some(v),
                "c" => addr.city = Some(v),
                "s" => addr.street = Some(v),
                _ => panic!("bad spec item {item:?}"),
            }
        }
        if addr != Address::default() {
            c.addresses.push(addr);
        }
        c.name = Name { ..c.name };
        c
    }

    fn levels(a: &str, b: &str) -> (String, bool) {
        let (ca, cb) = (spec(1, a), spec(2, b));
        let p = Prepared::new(&[&ca, &cb]);
        let cmp = compare(&p, 0, 1);
        // Symmetric, whatever the order.
        assert_eq!(cmp, compare(&p, 1, 0), "asymmetric for {a:?} / {b:?}");
        let shown: Vec<String> = Field::ALL
            .iter()
            .filter(|f| cmp.level(**f) != Level::Missing)
            .map(|f| format!("{f}={}", cmp.level(*f)))
            .collect();
        (shown.join(" "), cmp.swapped)
    }

    #[test]
    fn name_levels() {
        const CASES: &[(&str, &str, &str)] = &[
            (
                "g:Jan f:Jansen",
                "g:Jan f:Jansen",
                "given=exact family=exact",
            ),
            (
                "g:Hans f:Jansen",
                "g:Johannes f:Jansen",
                "given=nickname family=exact",
            ),
            (
                "g:Kees f:Bakker",
                "g:Cornelis f:Bakker",
                "given=nickname family=exact",
            ),
            (
                "g:Bob f:Smith",
                "g:Robert f:Smith",
                "given=nickname family=exact",
            ),
            (
                "g:Liesbeth f:Dam",
                "g:Elisabeth f:Dam",
                "given=nickname family=exact",
            ),
            (
                "g:Mieke f:Dam",
                "g:Maria f:Dam",
                "given=nickname family=exact",
            ),
            // A nickname the source gave.
            (
                "g:Anand n:Andy f:Rao",
                "g:Andy f:Rao",
                "given=nickname family=exact",
            ),
            // Particles: written apart, in front, or left out.
            (
                "g:Jan f:van_der_Berg",
                "g:Jan f:Berg",
                "given=exact family=particles",
            ),
            (
                "g:Jan f:van_der_Berg",
                "g:Jan f:van_den_Berg",
                "given=exact family=particles",
            ),
            (
                "g:Jan f:van_der_Berg",
                "i:J. f:van_der_Berg",
                "given=initials family=exact",
            ),
            (
                "i:J.P. f:Vries",
                "g:Piet f:Vries",
                "given=else family=exact",
            ),
            (
                "g:Jan_Willem f:Boer",
                "g:Jan f:Boer",
                "given=exact family=exact",
            ),
            (
                "g:Jan_Willem f:Boer",
                "g:Willem f:Boer",
                "given=partial family=exact",
            ),
            // Typos and sound-alikes.
            (
                "g:Mitchell f:Green",
                "g:Mitchel f:Green",
                "given=close family=exact",
            ),
            (
                "g:Sanne f:Meijer",
                "g:Sanne f:Meyer",
                "given=exact family=close",
            ),
            (
                "g:Kees f:Jansen-de_Vries",
                "g:Kees f:Jansen",
                "given=exact family=partial",
            ),
            ("g:Jan f:Smit", "g:Piet f:Visser", "given=else family=else"),
            (
                "g:Roy f:Royle",
                "g:Rxy f:Royle",
                "given=similar family=exact",
            ),
            ("g:Jan", "f:Jansen", ""),
            ("g:Jan", "g:Jan", "given=exact"),
        ];
        for (a, b, want) in CASES {
            let (got, swapped) = levels(a, b);
            assert_eq!(got, *want, "case {a:?} / {b:?}");
            assert!(!swapped, "case {a:?} / {b:?} swapped");
        }
    }

    #[test]
    fn swapped_names() {
        let (got, swapped) = levels("g:Jansen f:Jan", "g:Jan f:Jansen");
        assert_eq!(got, "given=exact family=exact");
        assert!(swapped);
        let (got, swapped) = levels("g:Jansen f:Jan", "g:Jan f:Janssen");
        assert_eq!(got, "given=exact family=close");
        assert!(swapped);
    }

    #[test]
    fn names_crossed_one_way() {
        // (a, b, one record's given name is a word of the other's family name)
        const CASES: &[(&str, &str, bool)] = &[
            // The names in the wrong boxes, the other name replaced or typed wrong.
            ("g:Pulfrd f:Cassandra", "g:Victoria f:Pulford", true),
            ("g:Blake f:Green", "g:Gloufssis f:Blake", true),
            ("g:Bakker f:El_Idrissi", "g:Fatima f:Bakker", true),
            // A word of a double name.
            ("g:Alexa-Rose f:White", "g:Whitbe f:Alexa-Rose", true),
            ("g:Jansen f:Ali", "g:Ali f:Jansen-de_Vries", true),
            // A couple: two given names, one family name.
            ("g:Marie f:de_Vries", "g:Piet f:de_Vries", false),
            // A Dutch patronymic is a given name with an `s`: two people.
            ("g:Jan f:Pieters", "g:Pieter f:de_Vries", false),
            ("g:Willem f:Bakker", "g:Els f:Willems", false),
            // Too short for a typo to count.
            ("g:Ali f:Smit", "g:Ana f:Alo", false),
            // Only one side needs a given name, the other a family name.
            ("f:Smit", "g:Smit f:Jansen", true),
            ("f:Smit", "f:Jansen", false),
            ("g:Smit", "g:Jan f:Smid", true),
        ];
        for &(a, b, want) in CASES {
            let (ca, cb) = (spec(1, a), spec(2, b));
            let p = Prepared::new(&[&ca, &cb]);
            assert_eq!(names_crossed(&p, 0, 1), want, "case {a:?} / {b:?}");
            assert_eq!(names_crossed(&p, 1, 0), want, "case {b:?} / {a:?}");
        }
    }

    #[test]
    fn other_levels() {
        const CASES: &[(&str, &str, &str)] = &[
            ("e:jan@voorbeeld.nl", "e:jan@voorbeeld.nl", "email=exact"),
            (
                "e:jan.smit@gmail.com",
                "e:jan.smit@voorbeeld.nl",
                "email=partial",
            ),
            ("e:jan@voorbeeld.nl", "e:piet@voorbeeld.nl", "email=domain"),
            ("e:jan@gmail.com", "e:piet@gmail.com", "email=else"),
            // A local part made of the family name says nothing beyond the names when they
            // agree: namesakes at two organisations.
            (
                "g:Jan f:Hoekstra e:jan.hoekstra@orga.nl",
                "g:Jan f:Hoekstra e:jan.hoekstra@orgb.nl",
                "given=exact family=exact email=else",
            ),
            (
                "g:Jan f:van_der_Berg e:j.vanderberg@orga.nl",
                "g:Jan f:Berg e:j.vanderberg@orgb.nl",
                "given=exact family=particles email=else",
            ),
            (
                "g:Jan f:Hoekstra e:jan.hoekstra@orga.nl",
                "g:Jan f:Hoekstr e:jan.hoekstra@orgb.nl",
                "given=exact family=close email=else",
            ),
            // A shared address stays exact; with the name-made local part set aside, a
            // company domain both have is still the domain level.
            (
                "g:Jan f:Hoekstra e:jan.hoekstra@orga.nl",
                "g:Jan f:Hoekstra e:jan.hoekstra@orga.nl e:j.hoekstra@orga.nl",
                "given=exact family=exact email=exact",
            ),
            (
                "g:Jan f:Hoekstra e:jan.hoekstra@orga.nl e:x@orgb.nl",
                "g:Jan f:Hoekstra e:jan.hoekstra@orgb.nl",
                "given=exact family=exact email=domain",
            ),
            // More than the name in the local part, or family names that differ (a changed
            // name): the shared local part is evidence.
            (
                "g:Wietske f:Hoekstra e:wietske.h74@orga.nl",
                "g:Wietske f:Hoekstra e:wietske.h74@orgb.nl",
                "given=exact family=exact email=partial",
            ),
            (
                "g:Jan f:Smit e:jan.smit@gmail.com",
                "g:Jan f:de_Boer e:jan.smit@voorbeeld.nl",
                "given=exact family=else email=partial",
            ),
            // A generic address is no evidence, shared or not.
            ("e:info@voorbeeld.nl", "e:info@voorbeeld.nl", ""),
            ("e:info@voorbeeld.nl", "e:jan@voorbeeld.nl", ""),
            ("p:+31612345678", "p:+31612345678", "phone=exact"),
            ("p:+31612345678", "p:0612345678", "phone=close"),
            ("p:+31612345678", "p:+31612345679", "phone=else"),
            ("b:1980-05-01", "b:1980-05-01", "birthday=exact"),
            ("b:1980-05-01", "b:1980-01-05", "birthday=close"),
            ("b:1980-05-01", "b:1981-05-01", "birthday=close"),
            ("b:1980-05-01", "b:1980-05-21", "birthday=close"),
            ("b:1980-05-01", "b:1980-05-23", "birthday=similar"),
            ("b:1980-05-01", "b:1975-05-01", "birthday=similar"),
            ("b:--05-01", "b:1980-05-01", "birthday=partial"),
            ("b:--05-01", "b:1980-06-01", "birthday=else"),
            ("b:1980-05-01", "b:1966-11-23", "birthday=else"),
            ("o:voorbeeld", "o:voorbeeld", "org=exact"),
            ("o:gemeente_utrecht", "o:utrecht", "org=close"),
            ("o:voorbeeld", "o:buurtwerk", "org=else"),
            (
                "o:gemeente_vitaalwerk",
                "e:r.bakker@vitaalwerk.nl",
                "org=domain",
            ),
            (
                "o:vitaalwerk",
                "o:buurtwerk e:r.bakker@vitaalwerk.nl",
                "org=domain",
            ),
            ("o:vitaalwerk", "e:r.bakker@gmail.com", ""),
            ("pc:3511AB", "pc:3511AB", "postcode=exact"),
            ("pc:3511AB", "pc:3511AC", "postcode=close"),
            ("pc:3511AB", "pc:9711XY", "postcode=else"),
            (
                "s:7_wallaby_place c:cleveland",
                "s:7_wallaby_pl c:cleveland",
                "city=exact street=close number=exact",
            ),
            (
                "s:7_wallaby_place,_delmar",
                "s:17_wallaby_place",
                "street=exact number=close",
            ),
            (
                "s:7_wallaby_place,_delmar",
                "s:7_wallaby_place,_delmar",
                "street=exact number=exact extension=exact",
            ),
        ];
        for (a, b, want) in CASES {
            let (got, _) = levels(a, b);
            assert_eq!(got, *want, "case {a:?} / {b:?}");
        }
    }

    /// The term frequency of an exact family name is that of the name as written, particles
    /// included: ten `de Berg` make a shared `de Berg` weak evidence, but not a shared `van der
    /// Berg`, of which there are two. Agreeing only without particles, the frequency of the
    /// core (`berg`: twelve) is the right one.
    #[test]
    fn family_frequency_is_that_of_the_written_name() {
        use crate::dedup::engine::{Decisions, Engine};
        const GIVEN: &[&str] = &[
            "Anna", "Bram", "Cor", "Dirk", "Eva", "Fenna", "Gijs", "Hanna", "Ilse", "Joost",
            "Karin", "Lars",
        ];
        let mut contacts: Vec<Contact> = GIVEN
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let family = if i < 2 { "van_der_Berg" } else { "de_Berg" };
                spec(i as u32 + 1, &format!("g:{g} f:{family}"))
            })
            .collect();
        // Around them an address book of a thousand other family names, so that frequencies
        // carry weight (they are blended with the field's average for small sets).
        for i in 0..1000u32 {
            let letters: String = [i % 26, i / 26 % 26, i / 676]
                .iter()
                .map(|d| char::from(b'a' + *d as u8))
                .collect();
            let given = GIVEN[i as usize % GIVEN.len()];
            contacts.push(spec(100 + i, &format!("g:{given} f:Qu{letters}ma")));
        }
        let refs: Vec<&Contact> = contacts.iter().collect();
        let p = Prepared::new(&refs);
        let model = Engine::default().run(&refs, &Decisions::default()).model;
        let family = |a: u32, b: u32| {
            let c = compare(&p, a, b);
            (
                c.level(Field::Family),
                model.field_weights(&p, a, b, &c)[Field::Family as usize],
            )
        };
        let (rare_level, rare) = family(0, 1);
        let (common_level, common) = family(2, 3);
        let (particles_level, particles) = family(0, 2);
        assert_eq!(rare_level, Level::Exact);
        assert_eq!(common_level, Level::Exact);
        assert_eq!(particles_level, Level::Particles);
        assert!(
            rare > common + 1.0,
            "van der Berg {rare:.2} bits, de Berg {common:.2} bits"
        );
        let base = model.weights[Field::Family as usize][Level::Particles as usize];
        assert!(
            particles < base,
            "berg is common here: {particles:.2} < {base:.2}"
        );
    }

    #[test]
    fn one_edit() {
        const CASES: &[(&str, &str, bool)] = &[
            ("", "", true),
            ("a", "", true),
            ("abc", "abc", true),
            ("abc", "abd", true),
            ("abc", "acb", true),
            ("abc", "bac", true),
            ("abc", "ab", true),
            ("abc", "bc", true),
            ("abc", "axbc", true),
            ("abc", "cba", false),
            ("abc", "a", false),
            ("abcd", "abdc", true),
            ("abcd", "badc", false),
            ("19800501", "19800510", true),
        ];
        for (a, b, want) in CASES {
            assert_eq!(
                within_one_edit(a.as_bytes(), b.as_bytes()),
                *want,
                "case {a:?} {b:?}"
            );
            assert_eq!(
                within_one_edit(b.as_bytes(), a.as_bytes()),
                *want,
                "case {b:?} {a:?}"
            );
        }
    }

    #[test]
    fn jaro_winkler_is_strsims() {
        const WORDS: &[&str] = &[
            "",
            "a",
            "ab",
            "jan",
            "jansen",
            "janssen",
            "jnasen",
            "martha",
            "marhta",
            "dwayne",
            "duane",
            "dixon",
            "dicksonx",
            "mitchell",
            "mitchel",
            "wallaby place",
            "wallaby pl",
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm",
            "zoë",
            "zoe",
        ];
        for x in WORDS {
            for y in WORDS {
                let (ours, theirs) = (jaro_winkler(x, y), strsim::jaro_winkler(x, y));
                assert!(
                    (ours - theirs).abs() < 1e-12,
                    "case {x:?} {y:?}: {ours} vs {theirs}"
                );
                let bound = jaro_winkler_bound(x.as_bytes(), y.as_bytes());
                assert!(
                    bound + 1e-12 >= ours,
                    "case {x:?} {y:?}: bound {bound} < {ours}"
                );
            }
        }
    }

    #[test]
    fn patterns_round_trip() {
        let c = Comparison {
            levels: [
                Level::Exact,
                Level::Else,
                Level::Missing,
                Level::Domain,
                Level::Close,
                Level::Missing,
                Level::Similar,
                Level::Initials,
                Level::Nickname,
                Level::Particles,
                Level::Partial,
                Level::Else,
            ],
            swapped: false,
        };
        assert_eq!(Comparison::levels_of(c.pattern()), c.levels);
    }
}
