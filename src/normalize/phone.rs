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
    let all = compact(strip_tel(&s));
    if !all.bytes().any(|b| b.is_ascii_digit()) {
        return Phone::NotAPhone(Invalid::new(FIELD, &s, "is not a phone number: no digits"));
    }
    if looks_like_account_number(&all) {
        return Phone::NotAPhone(Invalid::new(
            FIELD,
            &s,
            "is not a phone number: it looks like a bank account or VAT number",
        ));
    }
    // A label written into the value (`M: 06…`, `Tel. 020…`, as on scanned cards) is not part
    // of the number.
    let body = all.trim_start_matches(|c: char| !c.is_ascii_digit() && c != '+');
    // Extensions are looked for in the compact form, so that the kept form of an invalid
    // number splits the same way again.
    let (main, ext) = split_extension(body);
    // Composed again: dropping a separator can leave a combining mark beside a letter
    // (`a.\u{30a}` → `a\u{30a}`), which the next normalisation would compose into `å`; the kept
    // form must already be what normalising it gives (found by fuzzing).
    let compact = text::nfc(main.to_owned());
    let mut kept = compact.clone();
    if let Some(ext) = &ext {
        kept.push_str(";ext=");
        kept.push_str(ext);
    }
    let invalid = |reason: &str| Phone::Invalid {
        kept: kept.clone(),
        problem: Invalid::new(FIELD, &s, reason),
    };
    // Letters left in the number: the crate would read them as a vanity number (`a` = 2),
    // which a contact's phone field almost never is.
    if compact.chars().any(char::is_alphabetic) {
        return invalid("is not a valid phone number: it holds letters");
    }
    let e164 = match dutch_mobile(&compact, region) {
        Some(fast) => fast,
        None => match with_crate(&compact, region) {
            Ok(v) => v,
            Err(reason) => return invalid(reason),
        },
    };
    let mut out = e164.number;
    if let Some(ext) = ext
        .or(e164.extension)
        .filter(|e| !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()))
    {
        out.push_str(";ext=");
        out.push_str(&ext);
    }
    Phone::Valid(out)
}

/// A valid number in E.164, and an extension the crate found itself.
struct E164 {
    number: String,
    extension: Option<String>,
}

/// Dutch mobile numbers (`06-12345678`, `+31 6 …`, `+31 (0)6 …`), the commonest number in a
/// Dutch address book, without the crate: it takes some microseconds per number, most of them
/// validating (measured). The numbering plan's mobile range is `6[1-58]` followed by seven
/// digits; the test `dutch_mobile_fast_path_agrees_with_the_crate` holds this to the crate's
/// metadata, so an update of the plan shows up as a failing test.
fn dutch_mobile(compact: &str, region: Option<Id>) -> Option<E164> {
    let national = if let Some(rest) = compact.strip_prefix("+31") {
        rest.strip_prefix('0').unwrap_or(rest)
    } else if region == Some(Id::NL) {
        match compact.strip_prefix("0031") {
            Some(rest) => rest.strip_prefix('0').unwrap_or(rest),
            None => compact.strip_prefix('0')?,
        }
    } else {
        return None;
    };
    let b = national.as_bytes();
    let ok = b.len() == 9
        && b[0] == b'6'
        && matches!(b[1], b'1'..=b'5' | b'8')
        && b.iter().all(u8::is_ascii_digit);
    ok.then(|| E164 {
        number: format!("+31{national}"),
        extension: None,
    })
}

/// Parses and validates with the `phonenumber` crate.
fn with_crate(compact: &str, region: Option<Id>) -> Result<E164, &'static str> {
    // A number that carries its own country code is parsed without a default country: the
    // crate (0.3.10) strips the default country's national prefix from it, so that with NL as
    // default `+39 06 6982 1234` (Rome) loses its zero and turns invalid (measured). An
    // international prefix (`0039…` from NL) becomes `+`.
    let number = match international(compact, region) {
        Some(intl) => parse_international(&intl),
        None => phonenumber::parse(region, compact),
    }
    .map_err(|_| "is not a valid phone number")?;
    if !number.is_valid() {
        return Err("is not a valid phone number");
    }
    // E.164 is `+`, the country code and the national number (with an Italian leading zero
    // where there is one); written directly, because the crate's formatter looks up the
    // region's formats first and costs as much as parsing (measured).
    Ok(E164 {
        number: format!("+{}{}", number.code().value(), number.national()),
        extension: number.extension().map(|e| e.to_string()),
    })
}

/// Parses a number in its `+` form. The crate (0.3.10) strips the country's own trunk prefix
/// from the digits after a `+` where they begin with it, so that the Russian `+7 813 431 56 67`
/// (Leningrad oblast; Russia's trunk prefix is `8`) loses its `8` and turns invalid, while the
/// same number dialled from abroad (`00 7 813…`) is read whole and valid. A `+` number the crate
/// finds invalid is read again in that dialled form (from the Netherlands, whose international
/// prefix is `00`), so that a valid number written either way is valid, and normalising its
/// E.164 form again gives it back (found by fuzzing).
fn parse_international(intl: &str) -> Result<phonenumber::PhoneNumber, phonenumber::ParseError> {
    let plus = phonenumber::parse(None, intl);
    if matches!(&plus, Ok(n) if n.is_valid()) {
        return plus;
    }
    match intl.strip_prefix('+') {
        Some(rest) => match phonenumber::parse(Some(Id::NL), format!("00{rest}")) {
            Ok(dialled) if dialled.is_valid() => Ok(dialled),
            _ => plus,
        },
        None => plus,
    }
}

/// The `+` form of a number written with its country code (`+39…`, or `0039…` where `00` is the
/// region's international prefix); `None` for a national number.
fn international(compact: &str, region: Option<Id>) -> Option<String> {
    if compact.starts_with('+') {
        return Some(compact.to_owned());
    }
    if !compact.starts_with('0') {
        return None;
    }
    let Some(region) = region else {
        return compact.strip_prefix("00").map(|rest| format!("+{rest}"));
    };
    let meta = phonenumber::metadata::DATABASE.by_id(region.as_ref())?;
    let idd = meta.international_prefix()?.find(compact)?;
    (idd.start() == 0 && idd.end() < compact.len()).then(|| format!("+{}", &compact[idd.end()..]))
}

fn strip_tel(s: &str) -> &str {
    match s.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("tel:") => s[4..].trim_start(),
        _ => s,
    }
}

/// Words that introduce an extension, lower-case, most specific first (dots are gone by then).
const EXTENSION_MARKERS: &[&str] = &[";ext=", "extension", "toestel", "ext", "tst", "x"];

/// Splits `0201234567tst12` (the compact form of `020 123 4567 tst. 12`) into the number and
/// the extension digits.
fn split_extension(s: &str) -> (&str, Option<String>) {
    // ASCII lower-casing keeps byte offsets, so positions in `lower` are positions in `s`.
    let lower = s.to_ascii_lowercase();
    for marker in EXTENSION_MARKERS {
        let mut from = 0;
        while let Some(found) = lower[from..].find(marker) {
            let pos = from + found;
            from = pos + marker.len();
            let before = &s[..pos];
            if !before.bytes().any(|b| b.is_ascii_digit()) {
                continue;
            }
            // A bare `x` must follow the number (`4567x12`), not sit in a word (`TAXI`).
            if *marker == "x" && !before.ends_with(|c: char| c.is_ascii_digit()) {
                continue;
            }
            let digits = s[pos + marker.len()..].trim_start_matches([':', '=']);
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
        ("+39 06 6982 1234", "+390669821234"),
        ("0039 06 6982 1234", "+390669821234"),
        ("+39 347 123 4567", "+393471234567"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+44 (0)20 7946 0958", "+442079460958"),
        ("+32 470 12 34 56", "+32470123456"),
        ("+1 650 253 0000", "+16502530000"),
        // A Russian area code that begins with the trunk prefix `8` (found by fuzzing).
        ("+7 813 431 56 67", "+78134315667"),
        ("007 813 431 56 67", "+78134315667"),
        ("+78134315667", "+78134315667"),
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

    #[test]
    fn dutch_mobile_fast_path_agrees_with_the_crate() {
        let nl = Some(Id::NL);
        let mut fast = 0;
        // Every prefix 0600…0699 with a spread of subscriber numbers, in the national and the
        // international forms.
        for prefix in 0..100u32 {
            for sub in [0u32, 1, 123_456, 500_000, 999_999] {
                let national = format!("06{prefix:02}{sub:06}");
                let plus = format!("+316{prefix:02}{sub:06}");
                let trunk = format!("+3106{prefix:02}{sub:06}");
                for input in [&national, &plus, &trunk] {
                    let crate_says = with_crate(input, nl).ok().map(|e| e.number);
                    let fast_says = dutch_mobile(input, nl).map(|e| e.number);
                    if let Some(f) = &fast_says {
                        fast += 1;
                        assert_eq!(Some(f), crate_says.as_ref(), "{input:?}");
                    }
                    // The fast path may leave numbers to the crate, never take a valid
                    // mobile number from it: where the crate says mobile, so must the fast path.
                    if crate_says.is_some() && input.len() >= 10 {
                        let n = phonenumber::parse(None, crate_says.as_deref().unwrap_or_default())
                            .expect("a valid number parses");
                        if n.number_type(&phonenumber::metadata::DATABASE)
                            == phonenumber::Type::Mobile
                        {
                            assert!(fast_says.is_some(), "{input:?} is mobile");
                        }
                    }
                }
            }
        }
        assert!(fast > 0, "the fast path was never taken");
        // Not for other regions' national numbers.
        assert!(dutch_mobile("0612345678", Some(Id::DE)).is_none());
    }

    #[test]
    fn labels_and_letters_in_the_value() {
        assert_eq!(
            normalize("M: 06-12345678", "NL"),
            Phone::Valid("+31612345678".to_owned())
        );
        assert_eq!(
            normalize("Tel. 020 123 4567", "NL"),
            Phone::Valid("+31201234567".to_owned())
        );
        match normalize("164a0aX", "DE") {
            Phone::Invalid { kept, problem } => {
                assert_eq!(kept, "164a0aX");
                assert_eq!(
                    problem.to_string(),
                    "phone \"164a0aX\" is not a valid phone number: it holds letters"
                );
            }
            other => panic!("letters make a number invalid, got {other:?}"),
        }
    }

    #[test]
    fn the_kept_form_of_an_invalid_number_is_already_normal() {
        // A separator between a letter and a combining mark (found by fuzzing): the kept form
        // is composed, so normalising it again keeps it as it is.
        const CASES: &[(&str, &str)] = &[
            ("4 Ha&s-Oa.\u{30a}6", "4Ha&sOå6"),
            ("06-1234 e.\u{301}", "061234é"),
        ];
        for (raw, want) in CASES {
            let Phone::Invalid { kept, .. } = normalize(raw, "NL") else {
                panic!("case {raw:?}: letters make it invalid");
            };
            assert_eq!(kept, *want, "case {raw:?}");
            match normalize(&kept, "NL") {
                Phone::Invalid { kept: again, .. } => assert_eq!(again, kept, "case {raw:?}"),
                other => panic!("case {raw:?}: {other:?}"),
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
    fn e164_is_what_the_crate_writes() {
        for input in [
            "+39 06 6982 1234",
            "+39 347 123 4567",
            "+31612345678",
            "+1 650 253 0000",
            "+44 20 7946 0958",
        ] {
            let n = phonenumber::parse(None, input).expect("a number");
            let crate_form = n.format().mode(phonenumber::Mode::E164).to_string();
            assert_eq!(
                normalize(input, "NL"),
                Phone::Valid(crate_form),
                "{input:?}"
            );
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
