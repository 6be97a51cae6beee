//! Web addresses, and LinkedIn profiles in their one canonical form.
//!
//! In: a URL as a source wrote it (`www.voorbeeld.nl`, `HTTP://Voorbeeld.NL:80/`, vCard's
//! escaped `http\://…`). Out: `https://` added when there is no scheme, scheme and host
//! lower-cased, the default port dropped, the trailing `/` of a bare host dropped; path, query
//! and fragment kept as written. A LinkedIn profile (`nl.linkedin.com/in/Jan-van-der-Berg-12ab/`,
//! `linkedin.com/in/jan%C3%ABl?trk=…`, the old `linkedin.com/pub/name/a7/576/b50`) becomes
//! `https://www.linkedin.com/in/<slug>`, the slug percent-decoded, lower-case, NFC, without
//! query, fragment or trailing slash, so that the same profile from two exports is one value.
//!
//! It does not fetch anything, does not follow redirects and does not rewrite other sites.

use super::text;
use super::Invalid;
use percent_encoding::percent_decode_str;
use unicode_normalization::UnicodeNormalization;

const FIELD: &str = "url";

/// The canonical prefix of a LinkedIn profile.
pub const LINKEDIN_PROFILE: &str = "https://www.linkedin.com/in/";

/// Schemes written without `//` that are kept as they are apart from the scheme's case.
const OPAQUE_SCHEMES: &[&str] = &[
    "mailto", "tel", "sip", "sips", "xmpp", "skype", "callto", "urn", "im",
];

/// Whether a normalised value is a LinkedIn profile.
pub fn is_linkedin_profile(value: &str) -> bool {
    value.starts_with(LINKEDIN_PROFILE)
}

/// Normalise one URL. The error keeps nothing: the caller decides whether to keep the cleaned
/// text ([`text::clean`]) beside the warning.
pub fn normalize(raw: &str) -> Result<String, Invalid> {
    let cleaned = text::clean(raw);
    // vCard 3.0 escapes the colon (`http\://www.example.nl`, Apple); readers may leave it.
    let unescaped = cleaned.replace("\\:", ":");
    let s =
        unescaped.trim_matches(|c: char| matches!(c, '<' | '>' | '"' | '\'') || c.is_whitespace());
    let invalid = |reason: &str| Invalid::new(FIELD, &cleaned, reason);
    if s.is_empty() {
        return Err(invalid("is empty"));
    }
    if s.contains(char::is_whitespace) {
        return Err(invalid("is not a web address: it holds spaces"));
    }
    let (scheme, rest) = match s.find("://") {
        Some(i) if is_scheme(&s[..i]) => (s[..i].to_ascii_lowercase(), &s[i + 3..]),
        _ => {
            if let Some(i) = s.find(':') {
                let scheme = s[..i].to_ascii_lowercase();
                if OPAQUE_SCHEMES.contains(&scheme.as_str()) {
                    return Ok(format!("{scheme}:{}", &s[i + 1..]));
                }
            }
            ("https".to_owned(), s.trim_start_matches('/'))
        }
    };
    let split = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(split);
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
        None => (None, authority),
    };
    let (host, port) =
        split_port(hostport).ok_or_else(|| invalid("is not a web address: bad port"))?;
    let host = host.strip_suffix('.').unwrap_or(host).to_lowercase();
    if !is_host(&host) {
        return Err(invalid("is not a web address: no valid host name"));
    }
    if host == "linkedin.com" || host.ends_with(".linkedin.com") {
        if let Some(slug) = linkedin_slug(tail) {
            return Ok(format!("{LINKEDIN_PROFILE}{slug}"));
        }
    }
    let default_port = match scheme.as_str() {
        "http" => Some("80"),
        "https" => Some("443"),
        "ftp" => Some("21"),
        _ => None,
    };
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(&scheme);
    out.push_str("://");
    if let Some(u) = userinfo {
        out.push_str(u);
        out.push('@');
    }
    out.push_str(&host);
    if let Some(p) = port.filter(|p| Some(*p) != default_port) {
        out.push(':');
        out.push_str(p);
    }
    if tail != "/" {
        out.push_str(tail);
    }
    Ok(out)
}

/// RFC 3986 §3.1: a letter, then letters, digits, `+`, `-`, `.`.
fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `host:port` → (host, port); `None` when the port is not a number. IPv6 `[::1]:8080` too.
fn split_port(hostport: &str) -> Option<(&str, Option<&str>)> {
    let colon = if hostport.starts_with('[') {
        hostport
            .find(']')
            .and_then(|i| hostport[i..].find(':').map(|j| i + j))
    } else {
        hostport.rfind(':')
    };
    match colon {
        None => Some((hostport, None)),
        Some(i) => {
            let port = &hostport[i + 1..];
            if port.is_empty() {
                Some((&hostport[..i], None))
            } else if port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit()) {
                Some((&hostport[..i], Some(port)))
            } else {
                None
            }
        }
    }
}

/// A host name with at least one dot (or `localhost`, or an IPv6 literal), made of labels of
/// letters (any script), digits, `-` and `_`.
fn is_host(host: &str) -> bool {
    if host.starts_with('[') && host.ends_with(']') {
        return host.len() > 2;
    }
    if host == "localhost" {
        return true;
    }
    host.contains('.')
        && host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
        })
}

/// The profile slug of a LinkedIn path (`/in/Jan-12ab/`, `/pub/name/a7/576/b50`), or `None`
/// when the path is not a profile (a company page, a search).
fn linkedin_slug(tail: &str) -> Option<String> {
    let path = tail.split(['?', '#']).next().unwrap_or_default();
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    let raw_slug = match segments.next()? {
        "in" => segments.next()?.to_owned(),
        "pub" => {
            let name = segments.next()?;
            let ids: Vec<&str> = segments.take(3).collect();
            match ids.as_slice() {
                // linkedin.com/pub/krzysztof-marzec/a7/576/b50 redirects to
                // /in/krzysztof-marzec-b50576a7: the id parts in reverse order, the last two
                // padded to three characters (akitten/linkedin-canonical-url).
                [a, b, c]
                    if [a, b, c]
                        .iter()
                        .all(|p| p.chars().all(|ch| ch.is_ascii_alphanumeric())) =>
                {
                    format!("{name}-{c:0>3}{b:0>3}{a}")
                }
                _ => name.to_owned(),
            }
        }
        _ => return None,
    };
    let decoded = percent_decode_str(&raw_slug).decode_utf8_lossy();
    let slug: String = decoded.to_lowercase().nfc().collect();
    if slug.trim().is_empty() {
        return None;
    }
    // Characters that would change how the canonical URL parses or reads, written back
    // encoded, so that normalising the canonical form again gives the same slug.
    let mut out = String::with_capacity(slug.len());
    for c in slug.chars() {
        match c {
            '%' => out.push_str("%25"),
            '/' => out.push_str("%2f"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            // What the outer clean-up would trim, unescape or drop.
            c if c.is_whitespace()
                || c.is_control()
                || text::is_invisible(c)
                || matches!(c, '"' | '\'' | '<' | '>' | '\\') =>
            {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02x}"));
                }
            }
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASES: &[(&str, &str)] = &[
        ("www.voorbeeld.nl", "https://www.voorbeeld.nl"),
        ("voorbeeld.nl", "https://voorbeeld.nl"),
        ("http://www.voorbeeld.nl", "http://www.voorbeeld.nl"),
        ("HTTP://WWW.Voorbeeld.NL/", "http://www.voorbeeld.nl"),
        ("https://voorbeeld.nl:443/", "https://voorbeeld.nl"),
        (
            "http://voorbeeld.nl:80/over-ons",
            "http://voorbeeld.nl/over-ons",
        ),
        ("http://voorbeeld.nl:8080/", "http://voorbeeld.nl:8080"),
        (
            "https://voorbeeld.nl/Over-Ons/",
            "https://voorbeeld.nl/Over-Ons/",
        ),
        ("https://voorbeeld.nl/?q=1", "https://voorbeeld.nl/?q=1"),
        ("https://voorbeeld.nl.", "https://voorbeeld.nl"),
        ("http\\://www.example.nl", "http://www.example.nl"),
        ("<https://voorbeeld.nl>", "https://voorbeeld.nl"),
        ("//voorbeeld.nl/pad", "https://voorbeeld.nl/pad"),
        ("https://café.nl", "https://café.nl"),
        ("twitter.com/jandevries", "https://twitter.com/jandevries"),
        ("MAILTO:jan@x.nl", "mailto:jan@x.nl"),
        ("ftp://files.voorbeeld.nl:21/", "ftp://files.voorbeeld.nl"),
        ("http://localhost:3000/", "http://localhost:3000"),
        // LinkedIn profiles.
        (
            "http://nl.linkedin.com/in/Jan-van-der-Berg-12ab/",
            "https://www.linkedin.com/in/jan-van-der-berg-12ab",
        ),
        (
            "www.linkedin.com/in/jan%C3%ABl?trk=profile_share",
            "https://www.linkedin.com/in/janël",
        ),
        (
            "https://www.linkedin.com/in/janvdberg",
            "https://www.linkedin.com/in/janvdberg",
        ),
        (
            "linkedin.com/in/janvdberg/",
            "https://www.linkedin.com/in/janvdberg",
        ),
        (
            "https://linkedin.com/in/JanVdBerg#about",
            "https://www.linkedin.com/in/janvdberg",
        ),
        (
            "https://www.linkedin.com/in/janvdberg/details/experience/",
            "https://www.linkedin.com/in/janvdberg",
        ),
        (
            "https://sy.linkedin.com/pub/krzysztof-marzec/a7/576/b50?trk=biz_employee_pub",
            "https://www.linkedin.com/in/krzysztof-marzec-b50576a7",
        ),
        (
            "http://nl.linkedin.com/pub/jan-jansen/5/12/3",
            "https://www.linkedin.com/in/jan-jansen-0030125",
        ),
        (
            "linkedin.com/pub/jan-jansen",
            "https://www.linkedin.com/in/jan-jansen",
        ),
        (
            "https://www.linkedin.com/in/ren%C3%A9-de-vries-%F0%9F%98%80",
            "https://www.linkedin.com/in/rené-de-vries-😀",
        ),
        (
            "https://www.linkedin.com/in/a%2525b",
            "https://www.linkedin.com/in/a%2525b",
        ),
        // Not a profile: kept as an ordinary URL.
        (
            "https://www.linkedin.com/company/voorbeeld/",
            "https://www.linkedin.com/company/voorbeeld/",
        ),
    ];

    #[test]
    fn url_cases() {
        for (input, want) in CASES {
            let got = normalize(input);
            assert_eq!(got.as_deref(), Ok(*want), "url {input:?}");
            assert_eq!(
                normalize(want).as_deref(),
                Ok(*want),
                "idempotent on {want:?}"
            );
        }
    }

    const INVALID: &[&str] = &[
        "",
        "Jan de Vries",
        "voorbeeld",
        "http://",
        "https://voorbeeld.nl:abc/",
        "http://x..nl",
    ];

    #[test]
    fn invalid_cases() {
        for input in INVALID {
            assert!(normalize(input).is_err(), "url {input:?} should be invalid");
        }
    }

    #[test]
    fn linkedin_detection() {
        assert!(is_linkedin_profile("https://www.linkedin.com/in/jan"));
        assert!(!is_linkedin_profile("https://www.linkedin.com/company/x"));
    }
}
