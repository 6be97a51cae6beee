//! Table-driven tests of the card-text extractor: card text in (see [`words_from_text`] for
//! the `[height]` and `||` notation), a one-line-per-field summary out.

use super::*;

/// One line per field, in a fixed order, so that a case reads like the card it describes.
fn summary(card: &Card) -> String {
    let mut out = Vec::new();
    let mut one = |key: &str, f: &Option<Field>| {
        if let Some(f) = f {
            out.push(format!("{key}: {}", f.value));
        }
    };
    one("name", &card.name);
    one("org", &card.organisation);
    one("title", &card.title);
    one("dept", &card.department);
    for e in &card.emails {
        out.push(format!("email: {}", e.value));
    }
    for p in &card.phones {
        out.push(format!("{}: {}", p.kind.label(), p.value));
    }
    for w in &card.websites {
        out.push(format!("web: {}", w.value));
    }
    for s in &card.socials {
        out.push(format!(
            "social: {} {}",
            s.service.as_deref().unwrap_or("-"),
            s.value
        ));
    }
    for a in &card.addresses {
        let parts = [
            &a.street,
            &a.po_box,
            &a.postcode,
            &a.city,
            &a.region,
            &a.country,
        ];
        let parts: Vec<&str> = parts.iter().filter_map(|p| p.as_deref()).collect();
        out.push(format!("addr: {}", parts.join(" / ")));
    }
    for (name, value) in &card.registry {
        out.push(format!("registry: {name} {value}"));
    }
    out.push(format!("country: {}", card.country));
    out.join("\n")
}

const CASES: &[(&str, &str)] = &[
    // A Dutch card: particles, labels, phone with dashes and spaces.
    (
        "[34]Jan van der Berg
[18]Coördinator Wijkzaken
[22]Stichting Buurtwerk
[16]Oudegracht 123
[16]3511 AB Utrecht
[16]T 030 - 123 45 67
[16]M 06-12345678
[16]E jan.vanderberg@buurtwerk.nl
[16]www.buurtwerk.nl",
        "name: Jan van der Berg
org: Stichting Buurtwerk
title: Coördinator Wijkzaken
email: jan.vanderberg@buurtwerk.nl
work: +31301234567
mobile: +31612345678
web: www.buurtwerk.nl
addr: Oudegracht 123 / 3511 AB / Utrecht / NL
country: NL",
    ),
    // An English card: the country comes from +44 and .co.uk, the street number goes first.
    (
        "[30]Sarah Thompson
[16]Senior Product Manager
[20]Acme Analytics Ltd
[14]Phone: +44 20 7946 0958
[14]Mobile: +44 7911 123456
[14]sarah.thompson@acme-analytics.co.uk
[14]www.acme-analytics.co.uk
[14]221B Baker Street
[14]London NW1 6XE
[14]United Kingdom",
        "name: Sarah Thompson
org: Acme Analytics Ltd
title: Senior Product Manager
email: sarah.thompson@acme-analytics.co.uk
work: +442079460958
mobile: +447911123456
web: www.acme-analytics.co.uk
addr: 221B Baker Street / NW1 6XE / London / GB
country: GB",
    ),
    // Two columns, glued labels, an e-mail OCR broke apart, a PO box.
    (
        "[28]Fatima El Amrani || T: 020-5551234
[16]Beleidsadviseur || M: 06 1234 5678
[20]Gemeente Amsterdam || E: f.elamrani @ amsterdam . n1
[14]|| Postbus 202
[14]|| 1000 AE Amsterdam",
        "name: Fatima El Amrani
org: Gemeente Amsterdam
title: Beleidsadviseur
email: f.elamrani@amsterdam.nl
work: +31205551234
mobile: +31612345678
addr: Postbus 202 / 1000 AE / Amsterdam / NL
country: NL",
    ),
    // Registry numbers are kept apart; a fax is a fax.
    (
        "[26]Pieter Bakker
[16]Eigenaar
[20]Bakker Installatietechniek B.V.
[14]Kerkstraat 12a, 8011 AB Zwolle
[14]T 038 4211234 | F 038 4211235
[14]KvK 12345678 | BTW NL001234567B01
[14]IBAN NL91 ABNA 0417 1643 00
[14]info@bakker-installatie.nl",
        "name: Pieter Bakker
org: Bakker Installatietechniek B.V.
title: Eigenaar
email: info@bakker-installatie.nl
work: +31384211234
fax: +31384211235
addr: Kerkstraat 12a / 8011 AB / Zwolle / NL
registry: KvK 12345678
registry: BTW NL001234567B01
registry: IBAN NL91 ABNA 0417 1643 00
country: NL",
    ),
    // A Belgian card: België and .be outvote the Dutch default, so 0470 is a Belgian mobile.
    (
        "[26]Lotte Peeters
[16]Projectleider
[18]Vzw Samenlevingsopbouw
[14]Grote Markt 1, 1000 Brussel
[14]België
[14]GSM 0470 12 34 56
[14]T 02 512 34 56
[14]lotte.peeters@samenlevingsopbouw.be",
        "name: Lotte Peeters
org: Vzw Samenlevingsopbouw
title: Projectleider
email: lotte.peeters@samenlevingsopbouw.be
mobile: +32470123456
work: +3225123456
addr: Grote Markt 1 / 1000 / Brussel / BE
country: BE",
    ),
    // No person on the card: the name stays empty; the organisation agrees with the domain.
    (
        "[24]De Groene Koffiebar
[14]Dorpsstraat 5
[14]1234 AB Ergens
[14]info@groenekoffiebar.nl",
        "org: De Groene Koffiebar
email: info@groenekoffiebar.nl
addr: Dorpsstraat 5 / 1234 AB / Ergens / NL
country: NL",
    ),
    // `+31 (0)`, a handle with its service, a LinkedIn profile, a website OCR mangled.
    (
        "[28]Sanne de Wit
[16]Ervaringsdeskundige
[14]Tel. +31 (0)30 123 4567
[14]linkedin.com/in/sannedewit
[14]X @sannedewit
[14]wvvw.sannedewit,nl",
        "name: Sanne de Wit
title: Ervaringsdeskundige
work: +31301234567
web: www.sannedewit.nl
social: linkedin linkedin.com/in/sannedewit
social: twitter @sannedewit
country: NL",
    ),
    // A German card.
    (
        "[26]Thomas Müller
[16]Geschäftsführer
[18]Müller Logistik GmbH
[14]Hauptstraße 5
[14]D-10115 Berlin
[14]Tel. +49 30 1234567
[14]t.mueller@mueller-logistik.de",
        "name: Thomas Müller
org: Müller Logistik GmbH
title: Geschäftsführer
email: t.mueller@mueller-logistik.de
work: +49301234567
addr: Hauptstraße 5 / 10115 / Berlin / DE
country: DE",
    ),
    // Shouting name and title on one line, `(at)` in the address.
    (
        "[26]JAN DE VRIES | DIRECTEUR
[18]Vries Advies
[14]info(at)vriesadvies.nl",
        "name: Jan de Vries
org: Vries Advies
title: Directeur
email: info@vriesadvies.nl
country: NL",
    ),
    // Honorific, department line, municipality, PO box beside the postcode.
    (
        "[24]drs. Annelies de Graaf
[16]Senior beleidsmedewerker
[16]Afdeling Maatschappelijke Ontwikkeling
[20]Gemeente Utrecht
[14]Postbus 16200, 3500 CE Utrecht
[14]a.degraaf@utrecht.nl",
        "name: drs. Annelies de Graaf
org: Gemeente Utrecht
title: Senior beleidsmedewerker
dept: Afdeling Maatschappelijke Ontwikkeling
email: a.degraaf@utrecht.nl
addr: Postbus 16200 / 3500 CE / Utrecht / NL
country: NL",
    ),
    // Two numbers in one run without labels.
    (
        "[26]Kees Jansen
[14]030 1234567 06 12345678",
        "name: Kees Jansen
work: +31301234567
mobile: +31612345678
country: NL",
    ),
    // A US card.
    (
        "[28]Michael Johnson
[16]Vice President of Sales
[20]Northwind Traders Inc.
[14]1200 Market Street
[14]San Francisco, CA 94103
[14]USA
[14]+1 (415) 555-2671
[14]mjohnson@northwind.com",
        "name: Michael Johnson
org: Northwind Traders Inc.
title: Vice President of Sales
email: mjohnson@northwind.com
work: +14155552671
addr: 1200 Market Street / 94103 / San Francisco / CA / US
country: US",
    ),
    // OCR put a capital O in the number and spaces in the address.
    (
        "[30]Noor Visser
[16]Teamleider Wijkteam
[14]O6 - 2345 6789
[14]noor.visser @ wijkteamoost.nl",
        "name: Noor Visser
title: Teamleider Wijkteam
email: noor.visser@wijkteamoost.nl
mobile: +31623456789
country: NL",
    ),
    // Initials, a title after the name, the organisation only through the domain.
    (
        "[28]J.P. Hoekstra MSc
[16]Consultant
[22]Brightwave
[14]jp.hoekstra@brightwave.nl
[14]+31 6 2345 6789",
        "name: J.P. Hoekstra MSc
org: Brightwave
title: Consultant
email: jp.hoekstra@brightwave.nl
mobile: +31623456789
country: NL",
    ),
    // Nothing but a slogan and a phone: no name, no organisation is guessed.
    (
        "[14]samen sterk in de wijk
[14]bel ons: 030 1234567",
        "work: +31301234567
country: NL",
    ),
];

#[test]
fn cards() {
    // Every case is checked before failing, so that one run shows every difference.
    let mut failed = Vec::new();
    for (text, want) in CASES {
        let got = summary(&extract(&words_from_text(text), "NL"));
        if got != *want {
            failed.push(format!("case:\n{text}\n--- want\n{want}\n--- got\n{got}\n"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn every_field_has_a_confidence_in_range() {
    for (text, _) in CASES {
        let card = extract(&words_from_text(text), "NL");
        let mut confs: Vec<f32> = [
            &card.name,
            &card.organisation,
            &card.title,
            &card.department,
        ]
        .iter()
        .filter_map(|f| f.as_ref().map(|f| f.confidence))
        .collect();
        confs.extend(card.emails.iter().map(|f| f.confidence));
        confs.extend(card.phones.iter().map(|f| f.confidence));
        confs.extend(card.websites.iter().map(|f| f.confidence));
        confs.extend(card.socials.iter().map(|f| f.confidence));
        confs.extend(card.addresses.iter().map(|f| f.confidence));
        for c in confs {
            assert!(
                (MIN_CONFIDENCE..=1.0).contains(&c),
                "confidence {c} in case:\n{text}"
            );
        }
    }
}

#[test]
fn doubtful_ocr_leaves_fields_empty() {
    let mut words = words_from_text("[30]Jan de Vries\n[16]Coördinator\n[20]Stichting Buurtwerk");
    for w in &mut words {
        w.conf = 20.0;
    }
    let card = extract(&words, "NL");
    assert_eq!(card.name, None, "a name read at 20 % is not a name");
    let strong = extract(&words_from_text("[30]Jan de Vries\n[16]Coördinator"), "NL");
    let weak_ocr = {
        let mut w = words_from_text("[30]Jan de Vries\n[16]Coördinator");
        for x in &mut w {
            x.conf = 60.0;
        }
        extract(&w, "NL")
    };
    let (Some(a), Some(b)) = (strong.name, weak_ocr.name) else {
        panic!("both cards have a name");
    };
    assert!(a.confidence > b.confidence, "{a:?} vs {b:?}");
}

#[test]
fn the_default_country_decides_without_evidence() {
    let card = extract(&words_from_text("[26]Kees Jansen\n[14]0470 12 34 56"), "BE");
    assert_eq!(card.country, "BE");
    assert_eq!(
        card.phones.first().map(|p| p.value.as_str()),
        Some("+32470123456")
    );
}

const EMAILS: &[(&str, Option<&str>)] = &[
    ("jan@voorbeeld.nl", Some("jan@voorbeeld.nl")),
    (
        "Jan.de.Vries@Voorbeeld.NL",
        Some("jan.de.vries@voorbeeld.nl"),
    ),
    ("jan@voorbeeld,nl", Some("jan@voorbeeld.nl")),
    ("jan@v0orbeeld.n1", Some("jan@voorbeeld.nl")),
    ("jan©voorbeeld.com", Some("jan@voorbeeld.com")),
    ("jan@voorbeeld.corn", Some("jan@voorbeeld.com")),
    ("e:jan@voorbeeld.nl.", Some("jan@voorbeeld.nl")),
    ("jan(at)voorbeeld.nl", Some("jan@voorbeeld.nl")),
    // `l` read as `|`: before a dot and inside the local part; a glued separator is trimmed.
    ("|.wolters@evergreen.nl", Some("l.wolters@evergreen.nl")),
    ("wo|ters@evergreen.nl", Some("wolters@evergreen.nl")),
    ("|jan@voorbeeld.nl", Some("jan@voorbeeld.nl")),
    ("jan@voorbeeld", None),
    ("@voorbeeld.nl", None),
    ("jan@", None),
];

#[test]
fn email_repairs() {
    for (input, want) in EMAILS {
        assert_eq!(repair_email(input).as_deref(), *want, "case {input}");
    }
}

const URLS: &[(&str, Option<&str>)] = &[
    ("www.voorbeeld.nl", Some("www.voorbeeld.nl")),
    ("WWW.Voorbeeld.NL/", Some("www.voorbeeld.nl")),
    (
        "https://voorbeeld.nl/contact",
        Some("https://voorbeeld.nl/contact"),
    ),
    ("http//www.voorbeeld.nl", Some("http://www.voorbeeld.nl")),
    ("wvvw.voorbeeld.nl", Some("www.voorbeeld.nl")),
    ("www,voorbeeld.nl", Some("www.voorbeeld.nl")),
    ("voorbeeld.nl", Some("voorbeeld.nl")),
    ("B.V.", None),
    ("dr.ir.", None),
    ("jan.devries", None),
];

#[test]
fn url_repairs() {
    for (input, want) in URLS {
        assert_eq!(
            repair_url(input).map(|(u, _)| u).as_deref(),
            *want,
            "case {input}"
        );
    }
}

const NAMES: &[(&str, bool)] = &[
    ("Jan van der Berg", true),
    ("JAN VAN DER BERG", true),
    ("Gert-Jan 't Hart", true),
    ("J.P. Balkenende", true),
    ("dr. Anna Jansen MSc", true),
    ("Fatima El Amrani", true),
    ("De Brug", false),
    ("Utrecht", false),
    ("samen sterk in de wijk", false),
    ("Oudegracht 123", false),
    ("Jan", false),
];

#[test]
fn name_shapes() {
    for (input, want) in NAMES {
        assert_eq!(is_name_like(input), *want, "case {input}");
    }
}

#[test]
fn garbage_never_panics() {
    let inputs = [
        "",
        "@",
        "@@@ ... ,,, |||",
        "+",
        "+31",
        "(0)",
        "T:",
        "[9999]x",
        "[",
        "[]",
        "www.",
        "KvK",
        "Postbus",
        "1234 AB",
        "ééé@ü.ö",
        "\u{200b}\u{feff}",
    ];
    for text in inputs {
        let _ = extract(&words_from_text(text), "NL");
        let _ = extract(&words_from_text(text), "XX");
    }
}

/// Absurd boxes (found by fuzzing, `fuzz/regressions/extract/mul-overflow-huge-box`: a line
/// height near `i32::MAX` overflowed `overlap * 10`) and a NaN confidence give a card, not a
/// panic, and the same card as boxes at the clamp limit.
#[test]
fn absurd_boxes_are_clamped() {
    let plain = words_from_text("[20]Jan van der Berg\n[14]jan@buurtwerk.nl\n[14]06-12345678");
    for (i, value) in [i32::MAX, i32::MIN, MAX_COORD + 1, -MAX_COORD - 1]
        .into_iter()
        .enumerate()
    {
        let mut words = plain.clone();
        let w = &mut words[i % plain.len()];
        (w.left, w.top, w.width, w.height, w.conf) = (value, value, value, value, f32::NAN);
        let card = extract(&words, "NL");
        let mut at_limit = words.clone();
        for w in &mut at_limit {
            *w = bounded(w);
        }
        assert_eq!(card, extract(&at_limit, "NL"), "case {value}");
        let confidences = card.emails.iter().chain(&card.name).map(|f| f.confidence);
        for c in confidences {
            assert!((0.0..=1.0).contains(&c), "case {value}: confidence {c}");
        }
    }
    let far = words_from_text(&format!("[20,{}]a || b || c", i32::MAX));
    assert_eq!(far[0].left, MAX_COORD, "a left edge is clamped");
    assert!(far[2].left > far[1].left, "columns stay in order");
}

/// E-mail lines as OCR breaks them, read through the whole extractor (token joining
/// included): the line, then the addresses found.
const EMAIL_LINES: &[(&str, &[&str])] = &[
    // The dot after the first name read as a comma and a space.
    (
        "hannah, fitzgerald@silverline.co.uk",
        &["hannah.fitzgerald@silverline.co.uk"],
    ),
    (
        "E: anouk, jacobs@wijkteam.nl",
        &["anouk.jacobs@wijkteam.nl"],
    ),
    // A capitalised word before the comma is prose, not part of the address.
    ("Jansen, jan@voorbeeld.nl", &["jan@voorbeeld.nl"]),
    // A space inside the domain, before and after its dot.
    (
        "E: keesdebruijn@out look. com",
        &["keesdebruijn@outlook.com"],
    ),
    ("jan@voorbeeld .nl", &["jan@voorbeeld.nl"]),
    ("jan@voor beeld.nl", &["jan@voorbeeld.nl"]),
    // The dot before the TLD read as a space.
    ("n.walker@ziggo nl", &["n.walker@ziggo.nl"]),
    ("jan@voorbeeld com", &["jan@voorbeeld.com"]),
    // The dot between `co` and the country read as a space.
    (
        "raj. thompson@fairview.co uk",
        &["raj.thompson@fairview.co.uk"],
    ),
    (
        "E thomashughes@brightwave.co uk",
        &["thomashughes@brightwave.co.uk"],
    ),
    ("jan@voorbeeld.com au", &["jan@voorbeeld.com.au"]),
    // Only a country after a second-level label: the next word stays out.
    ("jan@voorbeeld.nl uk", &["jan@voorbeeld.nl"]),
    ("jan@fairview.co Utrecht", &["jan@fairview.co"]),
    // The dot before the TLD and the one in the local part read as spaces at once.
    (
        "joost. vanderlinden@groendichtbij nl",
        &["joost.vanderlinden@groendichtbij.nl"],
    ),
    // Nothing that completes the domain: no address, and nothing swallowed.
    ("jan@voorbeeld Utrecht", &[]),
    ("jan@voorbeeld en meer", &[]),
];

#[test]
fn email_lines() {
    for (line, want) in EMAIL_LINES {
        let card = extract(&words_from_text(line), "NL");
        let got: Vec<&str> = card.emails.iter().map(|e| e.value.as_str()).collect();
        assert_eq!(got, *want, "case {line}");
    }
}

/// Phone lines as OCR reads them: the line, then the numbers found (E.164).
const PHONE_LINES: &[(&str, &[&str])] = &[
    // `T:` glued to the number and read as `1` or `12`.
    ("1030 953 0559", &["+31309530559"]),
    ("120733038536", &["+31733038536"]),
    ("l06-12345678", &["+31612345678"]),
    // A number that parses as read is left alone.
    ("030 953 0559", &["+31309530559"]),
    // A leading 1 before something that is no number either way.
    ("1030 95", &[]),
    // Only label-shaped characters are dropped.
    ("5030 953 0559", &[]),
    // A label letter or word read glued to its number, without the colon.
    ("T071-737 16 55", &["+31717371655"]),
    (
        "T 010 - 511 50 81 | F070 521 9436",
        &["+31105115081", "+31705219436"],
    ),
    (
        "T073 608 3110 | M 06 5320 2730",
        &["+31736083110", "+31653202730"],
    ),
    ("Tel.0612345678", &["+31612345678"]),
    ("M+31 6 1234 5678", &["+31612345678"]),
    // Not a label before the digits, or not a number after the label: left alone.
    ("X071-737 16 55", &[]),
    ("T007", &[]),
];

#[test]
fn phone_lines() {
    for (line, want) in PHONE_LINES {
        let card = extract(&words_from_text(line), "NL");
        let got: Vec<&str> = card.phones.iter().map(|p| p.value.as_str()).collect();
        assert_eq!(got, *want, "case {line}");
    }
}

#[test]
fn a_glued_label_gives_its_kind() {
    let card = extract(&words_from_text("T 010 - 511 50 81 | F070 521 9436"), "NL");
    let kinds: Vec<(&str, &str)> = card
        .phones
        .iter()
        .map(|p| (p.value.as_str(), p.kind.label()))
        .collect();
    let fax = PhoneKind::Fax.label();
    assert_eq!(
        kinds,
        [
            ("+31105115081", PhoneKind::Work.label()),
            ("+31705219436", fax)
        ]
    );
}

/// OCR's breaks in e-mail and phone lines that the extractor undoes: card text in, the
/// e-mails and phones read (E.164) out.
const CONTACT_REPAIRS: &[(&str, &[&str], &[&str])] = &[
    // The dot of the local part read as a space; the name line vouches for the join.
    (
        "[30]Inge van der Meer\n[14]inge vandermeer@arnhem.nl",
        &["inge.vandermeer@arnhem.nl"],
        &[],
    ),
    (
        "[30]Jan Jansen\n[14]E: jan jansen@samenverder.nl",
        &["jan.jansen@samenverder.nl"],
        &[],
    ),
    // A host split at a space, its second piece capitalised.
    (
        "[14]EE petravanderveen@out Look. com",
        &["petravanderveen@outlook.com"],
        &[],
    ),
    // The `l` of an initial read as `|` and its dot as a space: no separator between a label
    // and its address. Without a name that spells it, the `|` stays out.
    (
        "[30]Liam Green\n[14]E | green@evergreen co uk",
        &["l.green@evergreen.co.uk"],
        &[],
    ),
    (
        "[30]Piet Green\n[14]E | green@evergreen.co.uk",
        &["green@evergreen.co.uk"],
        &[],
    ),
    // A stray mark before a number is no part of it.
    ("[14]1 +31 50 270 8227", &[], &["+31502708227"]),
    ("[14]‘r 1 06 4917 9419", &[], &["+31649179419"]),
    // The `@` read as an `e` after an e-mail label, where the name spells the local part; not
    // without the label or the name.
    (
        "[30]Rachel Wright\n[14]E rachel.wrighteblueharbour.com",
        &["rachel.wright@blueharbour.com"],
        &[],
    ),
    (
        "[30]Rachel Wright\n[14]rachel.wrighteblueharbour.com",
        &[],
        &[],
    ),
    (
        "[30]Piet de Boer\n[14]E rachel.wrighteblueharbour.com",
        &[],
        &[],
    ),
    // A zero read as `Q`.
    ("[14]M. Q6-37142606", &[], &["+31637142606"]),
    // `l.` read as a capital `L`: the dot comes back where the name spells it.
    (
        "[30]Lieke Peters\n[14]Lpeters@polderlicht.nl",
        &["l.peters@polderlicht.nl"],
        &[],
    ),
    (
        "[30]Lotte de Jong\n[14]E: Ldejong@welzijn-oost.nl",
        &["l.dejong@welzijn-oost.nl"],
        &[],
    ),
    (
        "[30]Piet de Jong\n[14]Ldejong@welzijn-oost.nl",
        &["ldejong@welzijn-oost.nl"],
        &[],
    ),
    // Without a name line that spells it, the word before the address stays out.
    (
        "[30]Jan Jansen\n[14]contact jansen@samenverder.nl",
        &["jansen@samenverder.nl"],
        &[],
    ),
    (
        "[30]Inge van der Meer\n[14]inge meer@arnhem.nl",
        &["meer@arnhem.nl"],
        &[],
    ),
    (
        "[30]Piet de Boer\n[14]inge vandermeer@arnhem.nl",
        &["vandermeer@arnhem.nl"],
        &[],
    ),
    // `|` for the `l` of an initial.
    (
        "[30]Lars Wolters\n[14]E: |.wolters@evergreen.nl",
        &["l.wolters@evergreen.nl"],
        &[],
    ),
    // The dot read as a space and a letter added to the family name: joined (the name line
    // spells it but for the slip); name and address read as surely, and either could mend the
    // other, so the slip stays.
    (
        "[30]Sophie Williams\n[14]E: sophie willitams@northwind.com",
        &["sophie.willitams@northwind.com"],
        &[],
    ),
    // The dots before `co` and `uk` both read as spaces.
    (
        "[30]Liam Green\n[14]E l.green@evergreen co uk",
        &["l.green@evergreen.co.uk"],
        &[],
    ),
    // A lone initial before the address is no ornament there; the name vouches for the dot.
    (
        "[30]Oliver Harrison\n[14]E: o harrison@keystone.nl",
        &["o.harrison@keystone.nl"],
        &[],
    ),
    // A local part cut into pieces inside the family name, the dot kept: joined where the
    // name spells it.
    (
        "[30]Ahmed Yilmaz MSc\n[14]ahmed. yi lmaz@devonk.nl",
        &["ahmed.yilmaz@devonk.nl"],
        &[],
    ),
    (
        "[30]Piet de Boer\n[14]ahmed. yi lmaz@devonk.nl",
        &["lmaz@devonk.nl"],
        &[],
    ),
    // A letter misread in the address, mended from the name and the organisation on the card
    // (read as surely; `agree` has the cases where they were not).
    (
        "[30]Hannah McDonald\n[14]h.medonald@silverline.nl",
        &["h.mcdonald@silverline.nl"],
        &[],
    ),
    (
        "[24]Brightwave Partners\n[30]Megan Turner\n[14]megan.turner@ebrightwave.com",
        &["megan.turner@brightwave.com"],
        &[],
    ),
    // Spaces between digit groups read as marks.
    ("[14]T: (035), 750'95:73", &[], &["+31357509573"]),
    ("[14]+31 (0)71'977 3220", &[], &["+31719773220"]),
    ("[14]T: (020) 123'4567", &[], &["+31201234567"]),
    ("[14]+31 ((0)20 371 7577,", &[], &["+31203717577"]),
    (
        "[14]06 1234 5678, 030 234 5678",
        &[],
        &["+31612345678", "+31302345678"],
    ),
    // Marks do not make a time, or a PO box and a postcode, a phone.
    ("[14]open 09:00-17:00", &[], &[]),
    ("[14]open 9:30 - 17:30 uur", &[], &[]),
    ("[14]Postbus 16200, 3500 CE Utrecht", &[], &[]),
];

#[test]
fn contact_repairs() {
    let mut failed = Vec::new();
    for (text, emails, phones) in CONTACT_REPAIRS {
        let card = extract(&words_from_text(text), "NL");
        let got_emails: Vec<&str> = card.emails.iter().map(|e| e.value.as_str()).collect();
        let got_phones: Vec<&str> = card.phones.iter().map(|p| p.value.as_str()).collect();
        if got_emails != *emails || got_phones != *phones {
            failed.push(format!("{text:?}: {got_emails:?} {got_phones:?}"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// A logo left of the organisation, read as a digit (a ring as `8`, a bar as `1`): far taller
/// than the text and doubtful, it is no part of the name. A digit of the text's own height, or
/// a confident one, stays.
#[test]
fn a_logo_read_as_a_digit_is_dropped() {
    // (height, confidence of the `8`, organisation read)
    let cases: &[(i32, f32, &str)] = &[
        (90, 25.0, "Stichting Polderlicht"),
        (80, 6.0, "Stichting Polderlicht"),
        (90, 95.0, "8 Stichting Polderlicht"),
        (30, 25.0, "8 Stichting Polderlicht"),
    ];
    for &(height, conf, want) in cases {
        let mut words = words_from_text(
            "[30]8 Stichting Polderlicht\n\n\n[24]Yasmin van der Veen\n[14]y.vanderveen@polderlicht.nl",
        );
        // The logo's box is centred on the organisation's line.
        words[0].top = 25 - height / 2;
        (words[0].height, words[0].conf) = (height, conf);
        let card = extract(&words, "NL");
        let org = card.organisation.map(|f| f.value).unwrap_or_default();
        assert_eq!(org, want, "case {height} px at {conf}");
    }
}

/// OCR drops nothing of an address as an ornament: a short, doubtful piece right beside a word
/// with an `@` is part of it; the same piece far from it is not.
#[test]
fn short_pieces_beside_an_address_stay() {
    // (left edge of `.nl` relative to where it would follow on, address read)
    let cases: &[(i32, &[&str])] = &[(0, &["z.bos@kompas.nl"]), (200, &[])];
    for &(shift, want) in cases {
        let mut words = words_from_text("[30]Zoë Bos\n[14]z.bos@kompas .nl");
        let piece = words
            .iter_mut()
            .find(|w| w.text == ".nl")
            .expect("the piece");
        (piece.conf, piece.left) = (40.0, piece.left + shift);
        let card = extract(&words, "NL");
        let got: Vec<&str> = card.emails.iter().map(|e| e.value.as_str()).collect();
        assert_eq!(got, want, "shifted by {shift}");
    }
}

/// A curly apostrophe, as OCR often reads the straight one, is the straight one.
#[test]
fn curly_apostrophes_are_straightened() {
    let card = extract(
        &words_from_text("[30]Jan van \u{2018}t Hof\n[20]Gemeente \u{2019}s-Hertogenbosch\n[14]j.vanthof@shertogenbosch.nl"),
        "NL",
    );
    let value = |f: &Option<Field>| f.as_ref().map(|f| f.value.clone()).unwrap_or_default();
    assert_eq!(value(&card.name), "Jan van 't Hof");
    assert_eq!(value(&card.organisation), "Gemeente 's-Hertogenbosch");
}

/// Legal forms as written: the diaeresis OCR drops from `Coöperatie`, the dots of `B.V.`.
#[test]
fn legal_forms_are_written_as_they_are_spelled() {
    let cases: &[(&str, &str)] = &[
        (
            "Samen Verder Cooperatie U.A.",
            "Samen Verder Coöperatie U.A.",
        ),
        (
            "Samen Verder Coöperatie U. A.",
            "Samen Verder Coöperatie U.A.",
        ),
        ("De Vonk B. V", "De Vonk B.V."),
        ("De Vonk B.V.", "De Vonk B.V."),
        ("Bureau Vonk", "Bureau Vonk"),
        ("Cooperative Bank Ltd", "Cooperative Bank Ltd"),
    ];
    for (read, want) in cases {
        assert_eq!(legal_spelling(read), *want, "{read}");
    }
    let card = extract(
        &words_from_text(
            "[30]Karin Smit\n[20]Samen Verder Cooperatie U.A.\n[14]k.smit@samenverder.nl",
        ),
        "NL",
    );
    let org = card.organisation.map(|f| f.value).unwrap_or_default();
    assert_eq!(org, "Samen Verder Coöperatie U.A.");
}
