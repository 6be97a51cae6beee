//! Labels (`TYPE=CELL`, `Mobiel`, `_$!<HomePage>!$_`, `* Work`, `Telefoon op werk`) reduced to a
//! small vocabulary shared by phones, e-mails, URLs and addresses.
//!
//! In: a label as the source gave it. Out: the known words mapped to `mobile`, `work`, `home`,
//! `fax`, `pager`, `main`, `other`, `homepage`; technical types (`voice`, `internet`, `pref`)
//! and filler words (`telefoon`, `op`, `phone`) dropped; unknown words kept lower-case as one
//! custom label (`Assistent` → `assistent`). Several labels are sorted and joined by `,`
//! (`Business Fax` → `fax,work`). It does not guess a label where the source gave none.

/// What one lower-case word means.
enum Word {
    Known(&'static str),
    Noise,
    Custom,
}

fn classify(word: &str) -> Word {
    use Word::{Custom, Known, Noise};
    match word {
        "cell" | "cellular" | "cellphone" | "mobile" | "mobiel" | "mobiele" | "iphone" | "gsm"
        | "handy" | "mob" | "portable" | "mobil" => Known("mobile"),
        "work" | "werk" | "zakelijk" | "zakelijke" | "business" | "kantoor" | "office" | "job"
        | "arbeit" | "dienstlich" | "geschäftlich" | "geschaftlich" | "bedrijf" => Known("work"),
        "home" | "thuis" | "privé" | "prive" | "private" | "personal" | "privat"
        | "persoonlijk" | "huis" | "residence" => Known("home"),
        "fax" | "telefax" | "faxnummer" | "faxnumber" => Known("fax"),
        "pager" | "semafoon" | "pieper" | "beeper" => Known("pager"),
        "main" | "hoofdnummer" | "company" => Known("main"),
        "other" | "overig" | "overige" | "anders" | "andere" | "sonstige" => Known("other"),
        "homepage" | "website" | "web" | "webpagina" | "webpage" => Known("homepage"),
        "voice" | "internet" | "smtp" | "pref" | "preferred" | "x400" | "msg" | "text" | "sms"
        | "phone" | "telefoon" | "tel" | "telephone" | "number" | "nummer" | "e-mail" | "email"
        | "mail" | "address" | "adres" | "op" | "van" | "de" | "het" | "the" | "of" | "type"
        | "page" => Noise,
        _ => Custom,
    }
}

/// Normalise a label; `None` when nothing meaningful is left.
pub fn normalize(raw: Option<&str>) -> Option<String> {
    let raw = raw?;
    // Apple wraps built-in labels as `_$!<Mobile>!$_`; Google marks system groups with `* `.
    let unwrapped = raw.replace("_$!<", " ").replace(">!$_", " ");
    let mut labels: Vec<String> = Vec::new();
    // Commas (and `:::`, `;`) separate labels; inside one label, words are classified one by
    // one so that `Business Fax` gives two labels and `Assistant Phone` one custom label.
    for part in unwrapped.split([',', ';', ':', '/']) {
        let mut custom: Vec<String> = Vec::new();
        for word in part.split(|c: char| c.is_whitespace() || c == '=' || c == '*') {
            if word.is_empty() {
                continue;
            }
            let lower = word.to_lowercase();
            match classify(&lower) {
                Word::Known(k) => labels.push(k.to_owned()),
                Word::Noise => {}
                Word::Custom => custom.push(lower),
            }
        }
        if !custom.is_empty() {
            labels.push(super::text::clean(&custom.join(" ")));
        }
    }
    labels.sort();
    labels.dedup();
    labels.retain(|l| !l.is_empty());
    if labels.is_empty() {
        None
    } else {
        Some(labels.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASES: &[(&str, Option<&str>)] = &[
        ("CELL", Some("mobile")),
        ("cell,voice", Some("mobile")),
        ("Mobiel", Some("mobile")),
        ("Mobiele telefoon", Some("mobile")),
        ("iPhone", Some("mobile")),
        ("_$!<Mobile>!$_", Some("mobile")),
        ("WORK;PREF", Some("work")),
        ("werk", Some("work")),
        ("Zakelijk", Some("work")),
        ("Telefoon op werk", Some("work")),
        ("kantoor", Some("work")),
        ("thuis", Some("home")),
        ("privé", Some("home")),
        ("Privé", Some("home")),
        ("HOME,FAX", Some("fax,home")),
        ("Business Fax", Some("fax,work")),
        ("_$!<HomePage>!$_", Some("homepage")),
        ("* INTERNET", None),
        ("SMTP", None),
        ("* Work", Some("work")),
        ("Mobile ::: Work", Some("mobile,work")),
        ("type=work", Some("work")),
        ("pager", Some("pager")),
        ("Company Main Phone", Some("main")),
        ("Other", Some("other")),
        ("Assistent", Some("assistent")),
        ("Car Phone", Some("car")),
        ("voice", None),
        ("", None),
    ];

    #[test]
    fn label_cases() {
        for (input, want) in CASES {
            let got = normalize(Some(input));
            assert_eq!(got.as_deref(), *want, "label {input:?}");
            assert_eq!(
                normalize(got.as_deref()),
                got,
                "label normalisation is idempotent on {input:?}"
            );
        }
        assert_eq!(normalize(None), None);
    }
}
