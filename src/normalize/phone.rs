//! Phone numbers to E.164.
//!
//! In: a number as a source wrote it (`06-12345678`, `+31 (0)6 1234 5678`, `0031 6 12345678`,
//! `(020) 123 4567 tst. 12`) and the default country for numbers written without one (`--region`,
//! `NL`). Out: [`Phone::Valid`] with the E.164 form (`+31612345678`, an extension appended as
//! `;ext=12`); [`Phone::Invalid`] for a number the `phonenumber` crate (libphonenumber's
//! metadata) does not accept, kept with only spaces and punctuation removed so that nothing is
//! lost; [`Phone::NotAPhone`] for a value that is no phone number at all (no digits, an IBAN
//! or VAT number in a phone field, which DESIGN.md says to drop).
//!
//! Extensions are split off here, not by the crate: it reads the letters of `tst. 12` (Dutch
//! "toestel") as a vanity number and would glue them to the number (measured). It does not
//! guess the country from other fields: [`super::contact`] does that.

use super::text;
use super::Invalid;
use phonenumber::country::Id;
use phonenumber::Mode;

const FIELD: &str = "phone";

/// The outcome for one number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phone {
    /// E.164, with `;ext=N` when there is an extension.
    Valid(String),
    /// Not a valid number; `kept` is the original without spaces and punctuation.
    Invalid { kept: String, problem: Invalid },
    /// Not a phone number at all; it is left out (the raw record keeps it).
    NotAPhone(Invalid),
}

/// The `phonenumber` region for an ISO 3166-1 alpha-2 code (`NL`, `nl`); `None` when unknown.
pub fn region(code: &str) -> Option<Id> {
    code.trim().to_ascii_uppercase().parse().ok()
}

/// Normalise one number with `region` (`NL`) as the country for national numbers.
pub fn normalize(raw: &str, region_code: &str) -> Phone {
    normalize_in(raw, region(region_code))
}

/// Whether `value` is a valid E.164 number as [`normalize`] writes it (`+31612345678`,
/// `+31201234567;ext=12`). Dedup uses this to tell a real number from a kept invalid one.
pub fn is_valid(value: &str) -> bool {
    value.starts_with('+') && normalize_in(value, None) == Phone::Valid(value.to_owned())
}

/// [`normalize`] with the region already looked up.
pub fn normalize_in(raw: &str, region: Option<Id>) -> Phone {
    let s = text::clean(raw);
    let body = strip_tel(&s);
    let (main, ext) = split_extension(body);
    let compact = compact(main);
    if !compact.bytes().any(|b| b.is_ascii_digit()) {
        return Phone::NotAPhone(Invalid::new(FIELD, &s, "is not a phone number: no digits"));
    }
    if looks_like_account_number(&compact) {
        return Phone::NotAPhone(Invalid::new(
            FIELD,
            &s,
            "is not a phone number: it looks like a bank account or VAT number",
        ));
    }
    let mut kept = compact.clone();
    if let Some(ext) = &ext {
        kept.push_str(";ext=");
        kept.push_str(ext);
    }
    // Without a default country only international numbers can parse; `00` is the
    // international prefix in most of Europe, so read it as `+` then.
    let input = match (region, compact.strip_prefix("00")) {
        (None, Some(rest)) => format!("+{rest}"),
        _ => compact,
    };
    let invalid = |reason: &str| Phone::Invalid {
        kept: kept.clone(),
        problem: Invalid::new(FIELD, &s, reason),
    };
    let number = match phonenumber::parse(region, &input) {
        Ok(n) => n,
        Err(_) => return invalid("is not a valid phone number"),
    };
    if !number.is_valid() {
        return invalid("is not a valid phone number");
    }
    let mut out = number.format().mode(Mode::E164).to_string();
    let ext = ext.or_else(|| number.extension().map(|e| e.to_string()));
    if let Some(ext) = ext {
        out.push_str(";ext=");
        out.push_str(&ext);
    }
    Phone::Valid(out)
}

fn strip_tel(s: &str) -> &str {
    match s.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("tel:") => s[4..].trim_start(),
        _ => s,
    }
}

/// Words that introduce an extension, lower-case, most specific first.
const EXTENSION_MARKERS: &[&str] = &[
    ";ext=",
    "extension",
    "toestel",
    "ext.",
    "ext",
    "tst.",
    "tst",
    "x",
];

/// Splits `020 123 4567 tst. 12` into the number and the extension digits.
fn split_extension(s: &str) -> (&str, Option<String>) {
    // ASCII lower-casing keeps byte offsets, so positions in `lower` are positions in `s`.
    let lower = s.to_ascii_lowercase();
    for marker in EXTENSION_MARKERS {
        let mut from = 0;
        while let Some(found) = lower[from..].find(marker) {
            let pos = from + found;
            from = pos + marker.len();
            let before = s[..pos].trim_end_matches([' ', ',']);
            if !before.bytes().any(|b| b.is_ascii_digit()) {
                continue;
            }
            // A bare `x` must follow the number (`4567x12`, `4567 x 12`), not sit in a word.
            if *marker == "x" && !before.ends_with(|c: char| c.is_ascii_digit() || c == ')') {
                continue;
            }
            let rest = s[pos + marker.len()..].trim_start_matches([' ', '.', ':', '=']);
            let digits = rest.trim_end();
            if (1..=7).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
                return (before, Some(digits.to_owned()));
            }
        }
    }
    (s, None)
}

/// The number without spaces and punctuation; a `+` is kept only in front.
fn compact(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            c if c.is_whitespace() => {}
            '-' | '.' | '/' | '(' | ')' | '[' | ']' | '–' | '—' | '‑' | '\'' | '"' | ',' => {}
            '+' if !out.is_empty() => {}
            _ => out.push(c),
        }
    }
    out
}

/// IBAN (`NL91ABNA0417164300`) and VAT numbers (`NL123456789B01`) start with a country code
/// followed by digits; no phone number does.
fn looks_like_account_number(compact: &str) -> bool {
    let b = compact.as_bytes();
    b.len() >= 10
        && b[0].is_ascii_alphabetic()
        && b[1].is_ascii_alphabetic()
        && b[2].is_ascii_digit()
        && b[3].is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &[(&str, &str)] = &[
        ("06-12345678", "+31612345678"),
        ("0612345678", "+31612345678"),
        ("06 12 34 56 78", "+31612345678"),
        ("06.12.34.56.78", "+31612345678"),
        ("+31 (0)6 1234 5678", "+31612345678"),
        ("+31(0)612345678", "+31612345678"),
        ("+31 6 1234 5678", "+31612345678"),
        ("+31612345678", "+31612345678"),
        ("0031 6 12345678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("(020) 123 4567", "+31201234567"),
        ("020-1234567", "+31201234567"),
        ("030 - 123 45 67", "+31301234567"),
        ("+49 30 1234567", "+49301234567"),
        ("0049 30 1234567", "+49301234567"),
        ("+32 470 12 34 56", "+32470123456"),
        ("+1 650 253 0000", "+16502530000"),
        ("020-1234567 x123", "+31201234567;ext=123"),
        ("020-1234567x123", "+31201234567;ext=123"),
        ("020-1234567 tst. 12", "+31201234567;ext=12"),
        ("020 1234567 toestel 345", "+31201234567;ext=345"),
        ("+31 20 123 4567 ext. 9", "+31201234567;ext=9"),
        ("+31201234567;ext=12", "+31201234567;ext=12"),
        ("tel:+31-6-1234-5678", "+31612345678"),
        ("085-1234567", "+31851234567"),
        ("0800-1234", "+318001234"),
        ("\u{a0}06\u{a0}12345678\t", "+31612345678"),
    ];

    #[test]
    fn valid_cases() {
        for (input, want) in VALID {
            let got = normalize(input, "NL");
            assert_eq!(got, Phone::Valid((*want).to_owned()), "phone {input:?}");
            assert_eq!(normalize(want, "NL"), got, "idempotent on {want:?}");
            assert!(is_valid(want), "is_valid({want:?})");
        }
    }

    const INVALID: &[(&str, &str)] = &[
        ("06123", "06123"),
        ("06-123", "06123"),
        ("12345678", "12345678"),
        ("+31 6 123", "+316123"),
        ("06-12345678 / 020-1234567", "06123456780201234567"),
        ("020 12 tst. 4", "02012;ext=4"),
    ];

    #[test]
    fn invalid_cases_keep_the_cleaned_original() {
        for (input, kept_want) in INVALID {
            match normalize(input, "NL") {
                Phone::Invalid { kept, problem } => {
                    assert_eq!(kept, *kept_want, "kept value of {input:?}");
                    assert!(
                        problem
                            .to_string()
                            .starts_with(&format!("phone \"{}\"", text::clean(input))),
                        "message quotes {input:?}: {problem}"
                    );
                    assert_eq!(
                        normalize(&kept, "NL"),
                        normalize(input, "NL").with_problem_value(&kept),
                        "idempotent on {kept:?}"
                    );
                    assert!(!is_valid(&kept), "is_valid({kept:?})");
                }
                other => panic!("phone {input:?} should be invalid, got {other:?}"),
            }
        }
    }

    const NOT_A_PHONE: &[&str] = &[
        "onbekend",
        "-",
        "n.v.t.",
        "NL91ABNA0417164300",
        "NL123456789B01",
    ];

    #[test]
    fn not_a_phone_cases() {
        for input in NOT_A_PHONE {
            let got = normalize(input, "NL");
            assert!(matches!(got, Phone::NotAPhone(_)), "{input:?} gave {got:?}");
        }
    }

    #[test]
    fn region_decides_national_numbers() {
        assert_eq!(
            normalize("030 1234567", "DE"),
            Phone::Valid("+49301234567".to_owned())
        );
        assert_eq!(
            normalize("030 1234567", "NL"),
            Phone::Valid("+31301234567".to_owned())
        );
        // An unknown region still reads international numbers.
        assert_eq!(
            normalize("0031 6 12345678", "??"),
            Phone::Valid("+31612345678".to_owned())
        );
        assert!(matches!(
            normalize("06 12345678", "??"),
            Phone::Invalid { .. }
        ));
    }

    impl Phone {
        /// The same outcome with the problem's quoted value replaced, so that the outcome for a
        /// kept value can be compared with the outcome for the original.
        fn with_problem_value(self, value: &str) -> Phone {
            match self {
                Phone::Invalid { kept, problem } => Phone::Invalid {
                    kept,
                    problem: Invalid::new(problem.field, value, &problem.reason),
                },
                other => other,
            }
        }
    }
}
