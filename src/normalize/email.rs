//! E-mail addresses.
//!
//! In: an address as a source wrote it (`<Jan@Voorbeeld.NL>`, `mailto:jan@x.nl`,
//! `Jan de Vries <jan@x.nl>`). Out: the address lower-cased as a whole (the project's choice:
//! local parts are case-sensitive in theory, never in practice), or [`Invalid`] when it is not
//! an address: the caller must then leave it out of the contact, because identity matching
//! must never use it. Validation is a plausibility check (one `@`, a local part without
//! spaces, a domain of valid labels with a dot; internationalised domains allowed), not RFC
//! 5322 in full. It does not repair OCR errors and does not look up domains.

use super::text;
use super::Invalid;

const FIELD: &str = "e-mail";

/// LinkedIn's 2018 export puts `urn:li:member:664293716` in the e-mail column: a member id,
/// not an address. Returns the id (`urn:li:member:…`, lower-case) when `raw` is one.
pub fn linkedin_member(raw: &str) -> Option<String> {
    let s = text::clean(raw);
    let lower = s.to_ascii_lowercase();
    let id = lower.strip_prefix("urn:li:member:")?;
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())).then_some(lower)
}

/// Normalise one address.
pub fn normalize(raw: &str) -> Result<String, Invalid> {
    let s = text::clean(raw);
    let invalid = |reason: &str| Invalid::new(FIELD, &s, reason);
    let mut addr: &str = &s;
    // `Jan de Vries <jan@x.nl>`: take what is between the brackets.
    if let (Some(open), Some(close)) = (addr.rfind('<'), addr.rfind('>')) {
        if open < close {
            addr = &addr[open + 1..close];
        }
    }
    addr = addr.trim_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';'));
    if addr
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("mailto:"))
    {
        addr = &addr[7..];
        // A mailto: URI may carry `?subject=…`.
        if let Some(q) = addr.find('?') {
            addr = &addr[..q];
        }
    }
    addr = addr.trim();
    if addr.is_empty() {
        return Err(invalid("is empty"));
    }
    let lower = addr.to_lowercase();
    let mut parts = lower.split('@');
    let (local, domain) = match (parts.next(), parts.next(), parts.next()) {
        (Some(l), Some(d), None) => (l, d),
        (_, None, _) => return Err(invalid("is not valid: no @")),
        _ => return Err(invalid("is not valid: more than one @")),
    };
    if local.is_empty() {
        return Err(invalid("is not valid: nothing before the @"));
    }
    if local.len() > 64 {
        return Err(invalid("is not valid: the part before the @ is too long"));
    }
    if local.starts_with('.') || local.ends_with('.') {
        return Err(invalid(
            "is not valid: the part before the @ starts or ends with a dot",
        ));
    }
    if local.chars().any(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';' | ':' | '\\' | '"'
            )
    }) {
        return Err(invalid(
            "is not valid: the part before the @ holds a space or bracket",
        ));
    }
    // A trailing dot (a fully qualified domain) names the same domain.
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    if let Some(reason) = domain_problem(domain) {
        return Err(invalid(reason));
    }
    let mut out = String::with_capacity(local.len() + 1 + domain.len());
    out.push_str(local);
    out.push('@');
    out.push_str(domain);
    Ok(out)
}

/// Why `domain` (lower-case) is not a plausible mail domain, if it is not.
fn domain_problem(domain: &str) -> Option<&'static str> {
    if domain.is_empty() {
        return Some("is not valid: nothing after the @");
    }
    if domain.len() > 253 {
        return Some("is not valid: the domain is too long");
    }
    if !domain.contains('.') {
        return Some("is not valid: the domain has no dot");
    }
    for label in domain.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Some("is not valid: the domain has an empty or overlong part");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some("is not valid: a domain part starts or ends with a hyphen");
        }
        // Letters and digits of any script (IDN), hyphens; nothing else.
        if !label.chars().all(|c| c.is_alphanumeric() || c == '-') {
            return Some("is not valid: the domain holds a character a domain cannot have");
        }
    }
    let tld = domain.rsplit('.').next().unwrap_or_default();
    if tld.chars().all(|c| c.is_ascii_digit()) {
        return Some("is not valid: the domain ends in a number");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &[(&str, &str)] = &[
        ("jan@voorbeeld.nl", "jan@voorbeeld.nl"),
        ("Jan@Voorbeeld.NL", "jan@voorbeeld.nl"),
        ("  JAN.DE.VRIES@VOORBEELD.NL  ", "jan.de.vries@voorbeeld.nl"),
        ("mailto:jan@voorbeeld.nl", "jan@voorbeeld.nl"),
        ("MAILTO:Jan@x.nl?subject=Hoi", "jan@x.nl"),
        ("<jan@voorbeeld.nl>", "jan@voorbeeld.nl"),
        ("Jan de Vries <jan@voorbeeld.nl>", "jan@voorbeeld.nl"),
        ("\"jan@voorbeeld.nl\"", "jan@voorbeeld.nl"),
        (
            "jan+nieuwsbrief@voorbeeld.nl",
            "jan+nieuwsbrief@voorbeeld.nl",
        ),
        (
            "j.van.der.berg@gemeente.utrecht.nl",
            "j.van.der.berg@gemeente.utrecht.nl",
        ),
        ("info@café-de-hoek.nl", "info@café-de-hoek.nl"),
        ("Zoë@Bücher.de", "zoë@bücher.de"),
        ("jan@voorbeeld.nl.", "jan@voorbeeld.nl"),
        ("jan@xn--caf-dma.nl", "jan@xn--caf-dma.nl"),
    ];

    const INVALID: &[&str] = &[
        "jan@@x",
        "jan@@voorbeeld.nl",
        "jan",
        "@voorbeeld.nl",
        "jan@",
        "jan@localhost",
        "jan de vries@voorbeeld.nl",
        "jan@voor beeld.nl",
        "jan@voorbeeld..nl",
        "jan@-voorbeeld.nl",
        "jan@voorbeeld.nl@x.nl",
        ".jan@voorbeeld.nl",
        "jan@10.0.0.1",
        "urn:li:member:664293716",
        "",
        "   ",
    ];

    #[test]
    fn valid_cases() {
        for (input, want) in VALID {
            let got = normalize(input);
            assert_eq!(got.as_deref(), Ok(*want), "e-mail {input:?}");
            assert_eq!(
                normalize(want).as_deref(),
                Ok(*want),
                "idempotent on {want:?}"
            );
        }
    }

    #[test]
    fn invalid_cases() {
        for input in INVALID {
            let got = normalize(input);
            assert!(
                got.is_err(),
                "e-mail {input:?} should be invalid, got {got:?}"
            );
        }
    }

    #[test]
    fn message_quotes_the_value() {
        let err = normalize("jan@@x").expect_err("two @ signs");
        assert_eq!(
            err.to_string(),
            "e-mail \"jan@@x\" is not valid: more than one @"
        );
    }

    #[test]
    fn linkedin_member_ids() {
        assert_eq!(
            linkedin_member("urn:li:member:664293716").as_deref(),
            Some("urn:li:member:664293716")
        );
        assert_eq!(
            linkedin_member(" URN:LI:MEMBER:1 ").as_deref(),
            Some("urn:li:member:1")
        );
        assert_eq!(linkedin_member("jan@x.nl"), None);
        assert_eq!(linkedin_member("urn:li:member:"), None);
    }
}
