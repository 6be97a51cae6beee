//! Properties of normalisation: normalising a normalised value changes nothing, and no input
//! makes a normaliser panic. Generators mix realistic pieces (Dutch names, particles, titles,
//! phone formats) with arbitrary text, so that both the common shapes and the odd ones are
//! tried.

use netwerk_import::model::{
    Address, Labeled, Name, Org, RawAddress, RawContact, RawName, RawOrg, Source, SourceKind,
};
use netwerk_import::normalize::{
    address, contact, date, email, label, name, org, phone, text, url, Options,
};
use proptest::prelude::*;

/// Words a name is made of: given names, particles in several cases, titles, suffixes,
/// initials, punctuation, emoji and nicknames.
fn name_word() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "Jan",
            "Anna",
            "Pieter",
            "Zoë",
            "Willem",
            "Els",
            "JAN",
            "ANNA",
            "IJsbrand",
            "Ahmed",
            "Berg",
            "Vries",
            "Bakker",
            "Hof",
            "Jansen",
            "Smit",
            "BERG",
            "VRIES",
            "O'Brien",
            "van",
            "Van",
            "VAN",
            "der",
            "Der",
            "de",
            "De",
            "DE",
            "den",
            "ter",
            "Ter",
            "ten",
            "te",
            "'t",
            "’t",
            "in",
            "op",
            "uit",
            "aan",
            "het",
            "v.d.",
            "von",
            "zu",
            "la",
            "Le",
            "da",
            "al",
            "El",
            "d'",
            "Dr.",
            "dr.",
            "prof.",
            "Prof.dr.",
            "ir.",
            "drs.",
            "mr.",
            "ing.",
            "Ing",
            "dhr.",
            "mevr.",
            "Mw.",
            "Mr",
            "Mrs",
            "Ms",
            "MSc",
            "MA",
            "Ma",
            "BSc",
            "PhD",
            "Ph.D.",
            "MBA",
            "Jr.",
            "Sr.",
            "RN",
            "J.",
            "J.P.",
            "j.p.",
            "Th.",
            "J",
            "P",
            "IJ.",
            ",",
            "-",
            "Jansen-de",
            "de-",
            "-van",
            "(Andy)",
            "( Andy )",
            "\"Bob\"",
            "🌍",
            "🇳🇱",
            "\t",
            "Ünal",
        ])
        .prop_map(str::to_owned),
        "[A-Za-zÀ-ÿ'.-]{1,6}",
    ]
}

fn name_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(name_word(), 0..6).prop_map(|w| w.join(" ")),
        prop::collection::vec(name_word(), 0..6).prop_map(|w| w.concat()),
        "\\PC{0,24}",
    ]
}

fn opt(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn raw_name() -> impl Strategy<Value = RawName> {
    prop_oneof![
        name_text().prop_map(|f| RawName {
            full: opt(f),
            ..RawName::default()
        }),
        (
            name_text(),
            name_text(),
            name_text(),
            name_text(),
            name_text(),
            name_text()
        )
            .prop_map(|(full, given, middle, family, prefix, suffix)| RawName {
                full: opt(full),
                given: opt(given),
                middle: opt(middle),
                family: opt(family),
                prefix: opt(prefix),
                suffix: opt(suffix),
            }),
        (name_text(), name_text()).prop_map(|(given, family)| RawName {
            given: opt(given),
            family: opt(family),
            ..RawName::default()
        }),
    ]
}

fn name_again(n: &Name) -> RawName {
    RawName {
        full: n.full.clone(),
        given: n.given.clone(),
        middle: None,
        family: n.family.clone(),
        prefix: n.prefix.clone(),
        suffix: n.suffix.clone(),
    }
}

fn without_original(mut n: Name) -> Name {
    n.original = None;
    n
}

fn org_without_original(mut o: Org) -> Org {
    o.original = String::new();
    o
}

fn address_without_original(mut a: Address) -> Address {
    a.original = String::new();
    a
}

fn phone_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "(\\+31|0031|\\+49|\\+32|0)?[ (]{0,2}0?[)]?[1-9][0-9 ./-]{6,12}",
        "0[1-9][0-9]{1,2}[- ][0-9]{6,7}( (x|tst\\.|ext\\.|toestel) ?[0-9]{1,4})?",
        "\\+31 \\(0\\)[1-9] ?[0-9]{4} ?[0-9]{4}",
        "[0-9+ ()x;=a-zA-Z-]{0,18}",
        "\\PC{0,16}",
    ]
}

fn email_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "(mailto:|MAILTO:)?<?[A-Za-z0-9._%+ -]{0,10}@{0,2}[A-Za-zé0-9.-]{0,10}\\.[a-zA-Z]{2,3}\\.?>?",
        "[A-Za-z ]{0,6}<[a-z.]{1,6}@[a-z]{1,6}\\.nl>",
        "\\PC{0,24}",
    ]
}

fn url_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "((https?|HTTP|ftp)://|//)?([a-zA-Z]{1,5}\\.)?[a-zA-Zé0-9-]{1,8}\\.(nl|com|de)(:[0-9]{1,5})?(/[a-zA-Z0-9%?#=._~-]{0,8}){0,3}/?",
        "((https?)://)?([a-z]{2,3}\\.)?linkedin\\.com/(in|pub)(/[a-zA-Z0-9%ëé_-]{0,12}){0,4}/?(\\?trk=[a-z_]{1,8})?(#[a-z]{1,4})?",
        "\\PC{0,24}",
    ]
}

fn date_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,2}[-./][0-9]{1,2}[-./][0-9]{2,4}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:Z]{0,9})?",
        "--[0-9]{2}-?[0-9]{2}",
        " {0,3}1-[0-9]{2}-[0-9]{2}",
        "[0-9]{8,13}",
        "[0-9]{1,2} (Oct|maart|mei|Dec|jan) [0-9]{2,4}",
        "[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}, [0-9]{1,2}:[0-9]{2} (AM|PM)",
        "\\PC{0,16}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn clean_is_idempotent(s in "\\PC{0,40}|[ \\t\\r\\n\u{a0}a-z\u{301}\u{308}]{0,20}") {
        let once = text::clean(&s);
        prop_assert_eq!(text::clean(&once), once.clone());
        let multi = text::clean_multiline(&s);
        prop_assert_eq!(text::clean_multiline(&multi), multi);
    }

    #[test]
    fn names_are_idempotent(raw in raw_name()) {
        let once = name::normalize(&raw);
        let twice = name::normalize(&name_again(&once.name));
        prop_assert_eq!(
            without_original(twice.name),
            without_original(once.name.clone()),
            "raw: {:?}", raw
        );
    }

    #[test]
    fn emails_are_idempotent(s in email_text()) {
        if let Ok(v) = email::normalize(&s) {
            prop_assert_eq!(email::normalize(&v), Ok(v.clone()), "from {:?}", s);
            prop_assert_eq!(v.matches('@').count(), 1);
            prop_assert!(!v.contains(char::is_whitespace));
        }
    }

    #[test]
    fn phones_are_idempotent(s in phone_text(), region in prop::sample::select(vec!["NL", "DE", "BE", "??"])) {
        match phone::normalize(&s, region) {
            phone::Phone::Valid(v) => {
                prop_assert!(v.starts_with('+'), "{v:?} from {s:?}");
                prop_assert_eq!(phone::normalize(&v, region), phone::Phone::Valid(v.clone()), "from {:?}", s);
                prop_assert!(phone::is_valid(&v));
            }
            phone::Phone::Invalid { kept, .. } => {
                match phone::normalize(&kept, region) {
                    phone::Phone::Invalid { kept: again, .. } => prop_assert_eq!(again, kept, "from {:?}", s),
                    other => prop_assert!(false, "kept {:?} from {:?} gave {:?}", kept, s, other),
                }
            }
            phone::Phone::NotAPhone(_) => {}
        }
    }

    #[test]
    fn orgs_are_idempotent(name in name_text(), department in proptest::option::of(name_text()),
                           form in prop::sample::select(vec!["", " B.V.", " bv", ", Inc.", " GmbH & Co. KG", " U.A.", "Stichting ", "vzw "])) {
        let full = if form.ends_with(' ') { format!("{form}{name}") } else { format!("{name}{form}") };
        let raw = RawOrg { name: full, department };
        if let Some(o) = org::normalize(&raw) {
            let again = org::normalize(&RawOrg { name: o.name.clone(), department: o.department.clone() });
            prop_assert_eq!(again.map(org_without_original), Some(org_without_original(o.clone())), "raw: {:?}", raw);
            prop_assert_eq!(org::key(&o.name), o.key.clone());
        }
    }

    #[test]
    fn urls_are_idempotent(s in url_text()) {
        if let Ok(v) = url::normalize(&s) {
            prop_assert_eq!(url::normalize(&v), Ok(v.clone()), "from {:?}", s);
        }
    }

    #[test]
    fn addresses_are_idempotent(street in "\\PC{0,12}", postcode in "[0-9]{4} ?[a-zA-Z]{2}|\\PC{0,6}",
                                city in "[A-Za-z' -]{0,10}",
                                country in prop::sample::select(vec!["", "Nederland", "NL", "The Netherlands", "Duitsland", "UK", "Atlantis", "be"]),
                                formatted in proptest::option::of("[A-Za-z0-9 ,\\n]{0,30}")) {
        let o = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        let raw = RawAddress {
            street: o(&street), postcode: o(&postcode), city: o(&city), country: o(country),
            formatted, ..RawAddress::default()
        };
        if let (Some(a), _) = address::normalize(&raw) {
            let again = RawAddress {
                label: a.label.clone(), po_box: a.po_box.clone(), extended: None,
                street: a.street.clone(), city: a.city.clone(), region: a.region.clone(),
                postcode: a.postcode.clone(), country: a.country.clone(), formatted: None,
            };
            let (b, _) = address::normalize(&again);
            prop_assert_eq!(b.map(address_without_original), Some(address_without_original(a)), "raw: {:?}", raw);
        }
    }

    #[test]
    fn dates_are_idempotent(s in date_text()) {
        if let Ok(Some(v)) = date::birthday(&s) {
            prop_assert_eq!(date::birthday(&v), Ok(Some(v.clone())), "birthday from {:?}", s);
            prop_assert!(v.len() == 10 || v.len() == 7, "{:?}", v);
        }
        if let Ok(Some(v)) = date::connected_on(&s) {
            prop_assert_eq!(date::connected_on(&v), Ok(Some(v.clone())), "connected_on from {:?}", s);
            prop_assert_eq!(v.len(), 10);
        }
    }

    #[test]
    fn contact_never_panics_and_locates_every_warning(
        name in raw_name(),
        emails in prop::collection::vec(email_text(), 0..3),
        phones in prop::collection::vec(phone_text(), 0..3),
        urls in prop::collection::vec(url_text(), 0..2),
        orgs in prop::collection::vec(name_text(), 0..2),
        dates in (date_text(), date_text()),
        labels in prop::collection::vec("\\PC{0,8}", 3),
    ) {
        let mut raw = RawContact::new(
            Source { path: "x/y.csv".to_owned(), kind: SourceKind::CsvGeneric, record: 7, line: Some(9) },
            "",
        );
        raw.name = name;
        raw.emails = emails.into_iter().map(|e| Labeled::with_label(e, Some(labels[0].clone()))).collect();
        raw.phones = phones.into_iter().map(|p| Labeled::with_label(p, Some(labels[1].clone()))).collect();
        raw.urls = urls.into_iter().map(|u| Labeled::with_label(u, Some(labels[2].clone()))).collect();
        raw.orgs = orgs.into_iter().map(|o| RawOrg { name: o, department: None }).collect();
        raw.birthday = Some(dates.0);
        raw.connected_on = Some(dates.1);
        let (c, diags) = contact(&raw, &Options::default());
        prop_assert_eq!(&c.source, &raw.source);
        for d in &diags {
            prop_assert_eq!((d.path.as_str(), d.line, d.record), ("x/y.csv", Some(9), Some(7)));
        }
        // Every e-mail kept is valid; every phone kept is E.164 or was warned about.
        for e in &c.emails {
            prop_assert_eq!(email::normalize(&e.value), Ok(e.value.clone()));
        }
        for p in &c.phones {
            prop_assert!(phone::is_valid(&p.value) || diags.iter().any(|d| d.message.starts_with("phone")));
        }
    }

    #[test]
    fn labels_are_idempotent(s in "[A-Za-z_$!<>*,;: =é]{0,24}") {
        let once = label::normalize(Some(&s));
        prop_assert_eq!(label::normalize(once.as_deref()), once);
    }
}
