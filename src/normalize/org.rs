//! Organisations and their legal forms.
//!
//! In: an organisation name and department as the source wrote them. Out: an [`Org`] whose
//! `name` is the cleaned text (legal form kept as written), `legal_form` the canonical legal
//! form found at the start or end (`Voorbeeld bv` → `B.V.`, `Stichting Voorbeeld` →
//! `Stichting`), and `key` the name without legal form, accents folded, lower-case and without
//! punctuation, for matching. `-` alone (LinkedIn's "no company") means no organisation.
//!
//! It does not look names up in a registry (KvK) and does not merge spelling variants beyond
//! what `key` folds.

use super::text;
use crate::model::{Org, RawOrg};

/// Where a legal form may stand.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Start,
    End,
    Both,
}

/// One legal form: its canonical spelling, the spellings that mean it with dots, spaces and
/// case ignored (`folded`), the spellings that mean it only in this exact case (`exact`, for
/// forms that are also ordinary words or initials: `AG`, `SA`), and where it may stand.
struct Form {
    canonical: &'static str,
    folded: &'static [&'static str],
    exact: &'static [&'static str],
    place: Place,
}

const FORMS: &[Form] = &[
    Form {
        canonical: "B.V.",
        folded: &["bv"],
        exact: &[],
        place: Place::Both,
    },
    Form {
        canonical: "N.V.",
        folded: &["nv"],
        exact: &[],
        place: Place::Both,
    },
    Form {
        canonical: "V.O.F.",
        folded: &["vof"],
        exact: &[],
        place: Place::Both,
    },
    Form {
        canonical: "C.V.",
        folded: &[],
        exact: &["CV"],
        place: Place::End,
    },
    Form {
        canonical: "BVBA",
        folded: &["bvba"],
        exact: &[],
        place: Place::Both,
    },
    Form {
        canonical: "CVBA",
        folded: &["cvba"],
        exact: &[],
        place: Place::Both,
    },
    Form {
        canonical: "VZW",
        folded: &["vzw"],
        exact: &[],
        place: Place::Both,
    },
    Form {
        canonical: "Stichting",
        folded: &["stichting", "stg"],
        exact: &[],
        place: Place::Start,
    },
    Form {
        canonical: "Vereniging",
        folded: &["vereniging"],
        exact: &[],
        place: Place::Start,
    },
    Form {
        canonical: "Coöperatie",
        folded: &["cooperatie", "cooperatieve", "cooperatievevereniging"],
        exact: &[],
        place: Place::Start,
    },
    Form {
        canonical: "U.A.",
        folded: &[],
        exact: &["UA"],
        place: Place::End,
    },
    Form {
        canonical: "W.A.",
        folded: &[],
        exact: &["WA"],
        place: Place::End,
    },
    Form {
        canonical: "Maatschap",
        folded: &["maatschap"],
        exact: &[],
        place: Place::Start,
    },
    Form {
        canonical: "GmbH & Co. KG",
        folded: &["gmbhcokg"],
        exact: &[],
        place: Place::End,
    },
    Form {
        canonical: "GmbH",
        folded: &["gmbh"],
        exact: &[],
        place: Place::End,
    },
    Form {
        canonical: "AG",
        folded: &[],
        exact: &["AG"],
        place: Place::End,
    },
    Form {
        canonical: "KG",
        folded: &[],
        exact: &["KG"],
        place: Place::End,
    },
    Form {
        canonical: "e.V.",
        folded: &[],
        exact: &["eV"],
        place: Place::End,
    },
    Form {
        canonical: "Pty Ltd",
        folded: &["ptyltd"],
        exact: &[],
        place: Place::End,
    },
    Form {
        canonical: "Ltd",
        folded: &["ltd", "limited"],
        exact: &[],
        place: Place::End,
    },
    Form {
        canonical: "PLC",
        folded: &["plc"],
        exact: &[],
        place: Place::End,
    },
    Form {
        canonical: "LLC",
        folded: &["llc"],
        exact: &[],
        place: Place::End,
    },
    Form {
        canonical: "LLP",
        folded: &["llp"],
        exact: &[],
        place: Place::End,
    },
    Form {
        canonical: "Inc.",
        folded: &["inc", "incorporated"],
        exact: &[],
        place: Place::End,
    },
    Form {
        canonical: "Corp.",
        folded: &["corp", "corporation"],
        exact: &[],
        place: Place::End,
    },
    Form {
        canonical: "S.A.",
        folded: &[],
        exact: &["SA"],
        place: Place::End,
    },
    Form {
        canonical: "SARL",
        folded: &["sarl"],
        exact: &[],
        place: Place::End,
    },
    Form {
        canonical: "S.A.S.",
        folded: &[],
        exact: &["SAS"],
        place: Place::End,
    },
    Form {
        canonical: "S.L.",
        folded: &[],
        exact: &["SL"],
        place: Place::End,
    },
    Form {
        canonical: "S.p.A.",
        folded: &["spa"],
        exact: &[],
        place: Place::End,
    },
    Form {
        canonical: "S.r.l.",
        folded: &["srl"],
        exact: &[],
        place: Place::End,
    },
    Form {
        canonical: "AB",
        folded: &[],
        exact: &["AB"],
        place: Place::End,
    },
];

/// Folded and exact comparison keys of a run of words: `S.à r.l.` → (`sarl`, `Sarl`).
fn keys(words: &[&str]) -> (String, String) {
    let joined: String = words.concat();
    let ascii = if joined.is_ascii() {
        joined
    } else {
        deunicode::deunicode(&joined)
    };
    let exact: String = ascii
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    (exact.to_ascii_lowercase(), exact)
}

fn matches(form: &Form, folded: &str, exact: &str, at_start: bool) -> bool {
    let place_ok = match form.place {
        Place::Both => true,
        Place::Start => at_start,
        Place::End => !at_start,
    };
    place_ok && (form.folded.contains(&folded) || form.exact.contains(&exact))
}

/// A word of the name with its byte range in the cleaned name.
struct Word<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

/// Words split on whitespace and commas (`Voorbeeld,B.V.` has two).
fn words(s: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        let sep = c.is_whitespace() || c == ',';
        match (sep, start) {
            (true, Some(st)) => {
                out.push(Word {
                    text: &s[st..i],
                    start: st,
                    end: i,
                });
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push(Word {
            text: &s[st..],
            start: st,
            end: s.len(),
        });
    }
    out
}

/// The legal form at the start and at the end of `name`, and the name between them.
/// At most four words are tried at the end (`GmbH & Co. KG`) and two at the start, and at
/// least one word always stays.
pub fn split_legal_form(name: &str) -> (Option<&'static str>, Option<&'static str>, &str) {
    let ws = words(name);
    let mut lo = 0;
    let mut hi = ws.len();
    let mut start_form = None;
    let mut end_form = None;
    'end: for k in (1..=4).rev() {
        if hi < lo + k + 1 {
            continue;
        }
        let texts: Vec<&str> = ws[hi - k..hi].iter().map(|w| w.text).collect();
        let (folded, exact) = keys(&texts);
        for form in FORMS {
            if matches(form, &folded, &exact, false) {
                end_form = Some(form.canonical);
                hi -= k;
                break 'end;
            }
        }
    }
    'start: for k in (1..=2).rev() {
        if hi < lo + k + 1 {
            continue;
        }
        let texts: Vec<&str> = ws[lo..lo + k].iter().map(|w| w.text).collect();
        let (folded, exact) = keys(&texts);
        for form in FORMS {
            if matches(form, &folded, &exact, true) {
                start_form = Some(form.canonical);
                lo += k;
                break 'start;
            }
        }
    }
    let core = if lo < hi {
        name[ws[lo].start..ws[hi - 1].end]
            .trim_matches(|c: char| c == '-' || c == ',' || c.is_whitespace())
    } else {
        ""
    };
    (start_form, end_form, core)
}

/// The matching key of an organisation name: legal form removed, folded (see [`text::fold`]).
pub fn key(name: &str) -> String {
    let (start, end, core) = split_legal_form(name);
    if start.is_none() && end.is_none() {
        text::fold(name)
    } else {
        text::fold(core)
    }
}

/// Whether a cleaned text means "no organisation": empty, or only dashes and dots (` -`).
fn is_placeholder(s: &str) -> bool {
    s.chars()
        .all(|c| matches!(c, '-' | '.' | '–' | '—' | '_') || c.is_whitespace())
}

/// Normalise one organisation; `None` when there is none (empty, or `-`).
pub fn normalize(raw: &RawOrg) -> Option<Org> {
    let name = text::clean(&raw.name);
    let department = raw
        .department
        .as_deref()
        .map(text::clean)
        .filter(|d| !is_placeholder(d));
    let name = if is_placeholder(&name) {
        String::new()
    } else {
        name
    };
    if name.is_empty() && department.is_none() {
        return None;
    }
    let (start, end, core) = split_legal_form(&name);
    let legal_form = match (start, end) {
        (Some(s), Some(e)) => Some(format!("{s} {e}")),
        (Some(f), None) | (None, Some(f)) => Some(f.to_owned()),
        (None, None) => None,
    };
    let key = if legal_form.is_some() {
        text::fold(core)
    } else {
        text::fold(&name)
    };
    Some(Org {
        name,
        key,
        legal_form,
        department,
        original: raw.name.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (input, legal form, key)
    const CASES: &[(&str, Option<&str>, &str)] = &[
        ("Voorbeeld B.V.", Some("B.V."), "voorbeeld"),
        ("Voorbeeld BV", Some("B.V."), "voorbeeld"),
        ("Voorbeeld bv", Some("B.V."), "voorbeeld"),
        ("Voorbeeld b.v.", Some("B.V."), "voorbeeld"),
        ("Voorbeeld B.V", Some("B.V."), "voorbeeld"),
        ("Voorbeeld, B.V.", Some("B.V."), "voorbeeld"),
        ("Voorbeeld,B.V.", Some("B.V."), "voorbeeld"),
        ("Voorbeeld B. V.", Some("B.V."), "voorbeeld"),
        ("BV Voorbeeld", Some("B.V."), "voorbeeld"),
        (
            "Koninklijke Voorbeeld N.V.",
            Some("N.V."),
            "koninklijke voorbeeld",
        ),
        (
            "N.V. Nederlandse Gasunie",
            Some("N.V."),
            "nederlandse gasunie",
        ),
        ("Jansen & Zn. V.O.F.", Some("V.O.F."), "jansen zn"),
        ("Stichting Voorbeeld", Some("Stichting"), "voorbeeld"),
        ("stichting voorbeeld", Some("Stichting"), "voorbeeld"),
        ("Stg. Voorbeeld", Some("Stichting"), "voorbeeld"),
        ("Vereniging Eigen Huis", Some("Vereniging"), "eigen huis"),
        (
            "Coöperatie Rabobank U.A.",
            Some("Coöperatie U.A."),
            "rabobank",
        ),
        (
            "Cooperatie Rabobank UA",
            Some("Coöperatie U.A."),
            "rabobank",
        ),
        ("Beispiel GmbH", Some("GmbH"), "beispiel"),
        ("Beispiel GmbH & Co. KG", Some("GmbH & Co. KG"), "beispiel"),
        ("Beispiel AG", Some("AG"), "beispiel"),
        ("Example Ltd", Some("Ltd"), "example"),
        ("Example Ltd.", Some("Ltd"), "example"),
        ("Example Limited", Some("Ltd"), "example"),
        ("Example LLC", Some("LLC"), "example"),
        ("Example, Inc.", Some("Inc."), "example"),
        ("Example Inc", Some("Inc."), "example"),
        ("Example Corp.", Some("Corp."), "example"),
        ("Exemple S.A.", Some("S.A."), "exemple"),
        ("Exemple SA", Some("S.A."), "exemple"),
        ("Exemple SARL", Some("SARL"), "exemple"),
        ("Exemple S.à r.l.", Some("SARL"), "exemple"),
        ("Voorbeeld BVBA", Some("BVBA"), "voorbeeld"),
        ("vzw De Kade", Some("VZW"), "de kade"),
        ("De Kade vzw", Some("VZW"), "de kade"),
        // Not legal forms: a lower-case `ag`, a lone legal form, the form inside the name.
        ("Voorbeeld ag", None, "voorbeeld ag"),
        ("AG Insurance", None, "ag insurance"),
        ("B.V.", None, "bv"),
        ("Stichting", None, "stichting"),
        ("Gemeente Utrecht", None, "gemeente utrecht"),
        ("Café de Hoek", None, "cafe de hoek"),
        ("Ministerie van BZK", None, "ministerie van bzk"),
    ];

    #[test]
    fn legal_form_cases() {
        for (input, form, key_want) in CASES {
            let org = normalize(&RawOrg {
                name: (*input).to_owned(),
                department: None,
            })
            .expect("a name gives an organisation");
            assert_eq!(org.legal_form.as_deref(), *form, "legal form of {input:?}");
            assert_eq!(org.key, *key_want, "key of {input:?}");
            assert_eq!(org.name, text::clean(input), "display name of {input:?}");
            assert_eq!(org.original, *input, "original of {input:?}");
            assert_eq!(key(input), *key_want, "key() of {input:?}");
        }
    }

    const NO_ORG: &[&str] = &["", " ", "-", " -", "--", "—", "."];

    #[test]
    fn placeholders_are_no_organisation() {
        for input in NO_ORG {
            let got = normalize(&RawOrg {
                name: (*input).to_owned(),
                department: None,
            });
            assert_eq!(got, None, "organisation {input:?}");
        }
    }

    #[test]
    fn department_is_cleaned_and_kept() {
        let org = normalize(&RawOrg {
            name: " Gemeente  Utrecht ".to_owned(),
            department: Some("  Sociaal\tDomein ".to_owned()),
        })
        .expect("an organisation");
        assert_eq!(org.name, "Gemeente Utrecht");
        assert_eq!(org.department.as_deref(), Some("Sociaal Domein"));
        assert_eq!(org.original, " Gemeente  Utrecht ");
        let dash = normalize(&RawOrg {
            name: "X".to_owned(),
            department: Some("-".to_owned()),
        });
        assert_eq!(dash.and_then(|o| o.department), None);
    }
}
