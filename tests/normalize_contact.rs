//! Whole records through `normalize::contact`: the shapes the readers produce (LinkedIn current
//! and 2018, Dutch Outlook, a vCard company card, Facebook), checked field by field, plus one
//! golden snapshot of a full contact with its warnings.

use netwerk_import::diag::Diagnostic;
use netwerk_import::model::{
    Contact, Labeled, RawAddress, RawContact, RawName, RawOrg, Source, SourceKind, Value,
};
use netwerk_import::normalize::{contact, Options};

fn raw(kind: SourceKind, path: &str, record: u32, line: u32) -> RawContact {
    RawContact::new(
        Source {
            path: path.to_owned(),
            kind,
            record,
            line: Some(line),
        },
        "",
    )
}

fn s(v: &str) -> Option<String> {
    Some(v.to_owned())
}

fn labeled(v: &str, label: Option<&str>) -> Labeled {
    Labeled::with_label(v, label.map(str::to_owned))
}

fn values(list: &[Value]) -> Vec<(&str, Option<&str>)> {
    list.iter()
        .map(|v| (v.value.as_str(), v.label.as_deref()))
        .collect()
}

fn messages(diags: &[Diagnostic]) -> Vec<String> {
    diags.iter().map(ToString::to_string).collect()
}

fn run(r: &RawContact) -> (Contact, Vec<Diagnostic>) {
    contact(r, &Options::default())
}

/// A LinkedIn Connections.csv row of the current export.
fn linkedin_row() -> RawContact {
    let mut r = raw(SourceKind::CsvLinkedin, "exports/Connections.csv", 17, 21);
    r.name = RawName {
        given: s("Dr. Diana 🌍"),
        family: s("van der Berg\t"),
        ..RawName::default()
    };
    r.urls = vec![labeled(
        "http://nl.linkedin.com/in/Diana-vd-Berg-12ab/",
        None,
    )];
    r.orgs = vec![RawOrg {
        name: " -".to_owned(),
        department: None,
    }];
    // `Coördinator` written with a combining diaeresis (NFD), as some exports do.
    r.titles = vec!["Coo\u{308}rdinator".to_owned()];
    r.connected_on = s("09 Oct 2024");
    r
}

#[test]
fn linkedin_current_row() {
    let (c, diags) = run(&linkedin_row());
    assert_eq!(messages(&diags), Vec::<String>::new());
    assert_eq!(c.name.prefix.as_deref(), Some("Dr."));
    assert_eq!(c.name.given.as_deref(), Some("Diana"));
    assert_eq!(c.name.family.as_deref(), Some("van der Berg"));
    assert_eq!(c.name.full.as_deref(), Some("Dr. Diana van der Berg"));
    assert_eq!(
        c.name.original.as_deref(),
        Some("Dr. Diana 🌍 van der Berg\t")
    );
    assert_eq!(
        values(&c.urls),
        vec![(
            "https://www.linkedin.com/in/diana-vd-berg-12ab",
            Some("linkedin")
        )]
    );
    assert_eq!(
        c.urls[0].original,
        "http://nl.linkedin.com/in/Diana-vd-Berg-12ab/"
    );
    assert!(c.orgs.is_empty(), "` -` is no company: {:?}", c.orgs);
    assert_eq!(values(&c.titles), vec![("Coördinator", None)]);
    assert_eq!(c.titles[0].original, "Coo\u{308}rdinator");
    assert_eq!(
        c.connected_on.as_ref().map(|v| v.value.as_str()),
        Some("2024-10-09")
    );
    assert_eq!(c.source, linkedin_row().source);
}

#[test]
fn linkedin_2018_row() {
    let mut r = raw(SourceKind::CsvLinkedin, "Connections.csv", 3, 4);
    r.name = RawName {
        given: s("Anand ( Andy )"),
        family: s("Kumar"),
        ..RawName::default()
    };
    r.emails = vec![labeled("urn:li:member:664293716", None)];
    r.orgs = vec![RawOrg {
        name: "Voorbeeld bv".to_owned(),
        department: None,
    }];
    r.connected_on = s("1/8/18, 6:14 PM");
    let (c, diags) = run(&r);
    assert_eq!(messages(&diags), Vec::<String>::new());
    assert_eq!(c.name.given.as_deref(), Some("Anand"));
    assert_eq!(values(&c.nicknames), vec![("Andy", None)]);
    assert!(c.emails.is_empty(), "a member id is not an e-mail");
    assert_eq!(
        values(&c.socials),
        vec![("urn:li:member:664293716", Some("linkedin"))]
    );
    assert_eq!(c.orgs[0].legal_form.as_deref(), Some("B.V."));
    assert_eq!(c.orgs[0].key, "voorbeeld");
    assert_eq!(
        c.connected_on.as_ref().map(|v| v.value.as_str()),
        Some("2018-01-08")
    );
}

/// A Dutch Outlook row: particle in Middle Name, duplicate and broken values, a Dutch date.
fn outlook_row() -> RawContact {
    let mut r = raw(SourceKind::CsvOutlook, "exports/contacten.csv", 10, 12);
    r.name = RawName {
        given: s("Jan"),
        middle: s("van"),
        family: s("Berg"),
        prefix: s("ir."),
        ..RawName::default()
    };
    r.emails = vec![
        labeled("Jan@Voorbeeld.NL", Some("SMTP")),
        labeled("jan@voorbeeld.nl", None),
        labeled("jan@@x", None),
        labeled("  ", None),
    ];
    r.phones = vec![
        labeled("06-12345678", Some("Mobiele telefoon")),
        labeled("+31 (0)6 1234 5678", Some("Telefoon thuis")),
        labeled("020 123 4567 tst. 12", Some("Telefoon op werk")),
        labeled("06123", Some("Overige telefoon")),
        labeled("NL91ABNA0417164300", None),
    ];
    r.orgs = vec![RawOrg {
        name: "Voorbeeld B.V.".to_owned(),
        department: s("Sociaal  Domein"),
    }];
    r.titles = vec!["Coördinator".to_owned(), "Coördinator ".to_owned()];
    r.addresses = vec![RawAddress {
        label: s("Werk"),
        street: s("Oudegracht 1"),
        postcode: s("3511ab"),
        city: s("Utrecht"),
        country: s("Nederland"),
        ..RawAddress::default()
    }];
    r.urls = vec![labeled("www.voorbeeld.nl/", Some("Webpagina"))];
    r.birthday = s("1-1-1988");
    r.notes = vec!["Ontmoet op congres.\r\n\r\nWil samenwerken.".to_owned()];
    r
}

#[test]
fn outlook_dutch_row() {
    let (c, diags) = run(&outlook_row());
    assert_eq!(c.name.prefix.as_deref(), Some("ir."));
    assert_eq!(c.name.given.as_deref(), Some("Jan"));
    assert_eq!(c.name.family.as_deref(), Some("van Berg"));
    assert_eq!(c.name.full.as_deref(), Some("ir. Jan van Berg"));
    assert_eq!(values(&c.emails), vec![("jan@voorbeeld.nl", None)]);
    assert_eq!(c.emails[0].original, "Jan@Voorbeeld.NL");
    assert_eq!(
        values(&c.phones),
        vec![
            ("+31612345678", Some("mobile")),
            ("+31201234567;ext=12", Some("work")),
            ("06123", Some("other")),
        ]
    );
    assert_eq!(c.orgs.len(), 1);
    assert_eq!(c.orgs[0].department.as_deref(), Some("Sociaal Domein"));
    assert_eq!(values(&c.titles), vec![("Coördinator", None)]);
    assert_eq!(c.addresses[0].postcode.as_deref(), Some("3511 AB"));
    assert_eq!(c.addresses[0].country.as_deref(), Some("NL"));
    assert_eq!(c.addresses[0].label.as_deref(), Some("work"));
    assert_eq!(
        values(&c.urls),
        vec![("https://www.voorbeeld.nl", Some("homepage"))]
    );
    assert_eq!(
        c.birthday
            .as_ref()
            .map(|v| (v.value.as_str(), v.original.as_str())),
        Some(("1988-01-01", "1-1-1988"))
    );
    assert_eq!(
        values(&c.notes),
        vec![("Ontmoet op congres.\n\nWil samenwerken.", None)]
    );
    assert_eq!(
        messages(&diags),
        vec![
            "exports/contacten.csv:12 (record 10): e-mail \"jan@@x\" is not valid: more than one @",
            "exports/contacten.csv:12 (record 10): phone \"06123\" is not a valid phone number",
            "exports/contacten.csv:12 (record 10): phone \"NL91ABNA0417164300\" is not a phone number: it looks like a bank account or VAT number",
        ]
    );
}

#[test]
fn outlook_row_snapshot() {
    let (c, diags) = run(&outlook_row());
    insta::assert_json_snapshot!("outlook_row_contact", c);
    insta::assert_json_snapshot!("outlook_row_diagnostics", diags);
}

#[test]
fn company_card_gets_no_person_name() {
    let mut r = raw(SourceKind::Vcard, "kaartjes.vcf", 2, 9);
    r.name = RawName {
        full: s("Voorbeeld B.V."),
        ..RawName::default()
    };
    r.orgs = vec![RawOrg {
        name: "Voorbeeld B.V.".to_owned(),
        department: None,
    }];
    r.phones = vec![labeled("(020) 123 4567", Some("WORK,VOICE"))];
    let (c, diags) = run(&r);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(c.name.given, None);
    assert_eq!(c.name.family, None);
    assert_eq!(c.name.full, None);
    assert_eq!(c.name.original.as_deref(), Some("Voorbeeld B.V."));
    assert_eq!(c.orgs[0].name, "Voorbeeld B.V.");
    assert_eq!(values(&c.phones), vec![("+31201234567", Some("work"))]);

    // The same with a legal form but no ORG: still a company.
    r.orgs.clear();
    r.name.full = s("Stichting Voorbeeld");
    assert_eq!(run(&r).0.name.full, None);

    // A person whose card also names the company keeps the name.
    r.name.full = s("Jan de Vries");
    r.orgs = vec![RawOrg {
        name: "Voorbeeld B.V.".to_owned(),
        department: None,
    }];
    assert_eq!(run(&r).0.name.family.as_deref(), Some("de Vries"));
}

#[test]
fn a_foreign_address_decides_an_otherwise_invalid_phone() {
    let mut r = raw(SourceKind::Vcard, "visite.vcf", 1, 1);
    r.name.full = s("Jan Schmidt");
    r.addresses = vec![RawAddress {
        city: s("Berlin"),
        country: s("Duitsland"),
        ..RawAddress::default()
    }];
    // Invalid as a Dutch number, valid as a German mobile number.
    r.phones = vec![
        labeled("0151 23456789", Some("CELL")),
        labeled("06-12345678", None),
    ];
    let (c, diags) = run(&r);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        values(&c.phones),
        vec![("+4915123456789", Some("mobile")), ("+31612345678", None)]
    );
}

#[test]
fn region_option_is_the_default_country() {
    let mut r = raw(SourceKind::CsvGoogle, "google.csv", 1, 2);
    r.phones = vec![labeled("030 1234567", None)];
    let de = Options {
        region: "DE".to_owned(),
    };
    assert_eq!(
        values(&contact(&r, &de).0.phones),
        vec![("+49301234567", None)]
    );
    assert_eq!(values(&run(&r).0.phones), vec![("+31301234567", None)]);
}

#[test]
fn facebook_friend() {
    let mut r = raw(SourceKind::JsonFacebook, "your_friends.json", 4, 1);
    r.source.line = None;
    r.name.full = s("Håkan Svensson");
    r.connected_on = s("1772926883");
    let (c, diags) = run(&r);
    assert!(diags.is_empty());
    assert_eq!(c.name.given.as_deref(), Some("Håkan"));
    assert_eq!(c.name.family.as_deref(), Some("Svensson"));
    assert_eq!(
        c.connected_on.as_ref().map(|v| v.value.as_str()),
        Some("2026-03-07")
    );
}

#[test]
fn bad_dates_are_kept_with_a_warning() {
    let mut r = raw(SourceKind::Scan, "scans/IMG_0012.jpg", 1, 1);
    r.source.line = None;
    r.birthday = s("31-02-1988");
    r.connected_on = s("gisteren");
    let (c, diags) = run(&r);
    assert_eq!(
        c.birthday
            .as_ref()
            .map(|v| (v.value.as_str(), v.original.as_str())),
        Some(("31-02-1988", "31-02-1988"))
    );
    assert_eq!(
        c.connected_on.as_ref().map(|v| v.value.as_str()),
        Some("gisteren")
    );
    assert_eq!(
        messages(&diags),
        vec![
            "scans/IMG_0012.jpg (record 1): birthday \"31-02-1988\" is not a possible date",
            "scans/IMG_0012.jpg (record 1): connected-on date \"gisteren\" is not a date",
        ]
    );

    // The "no date" markers of Outlook give no birthday and no warning.
    r.birthday = s("0-0-00");
    r.connected_on = None;
    let (c, diags) = run(&r);
    assert_eq!(c.birthday, None);
    assert!(diags.is_empty());
}

#[test]
fn socials_keep_their_label_and_linkedin_profiles_are_canonical() {
    let mut r = raw(SourceKind::Vcard, "icloud.vcf", 5, 40);
    r.socials = vec![
        labeled(" @jandevries ", Some("twitter")),
        labeled("http://www.linkedin.com/in/JanDeVries", Some("linkedin")),
        labeled("https://linkedin.com/in/jandevries/", None),
    ];
    r.urls = vec![labeled("twitter.com/jandevries", Some("_$!<HomePage>!$_"))];
    let (c, diags) = run(&r);
    assert!(diags.is_empty());
    assert_eq!(
        values(&c.socials),
        vec![
            ("@jandevries", Some("twitter")),
            ("https://www.linkedin.com/in/jandevries", Some("linkedin")),
        ]
    );
    assert_eq!(
        values(&c.urls),
        vec![("https://twitter.com/jandevries", Some("homepage"))]
    );
}

#[test]
fn contact_is_deterministic() {
    for r in [linkedin_row(), outlook_row()] {
        assert_eq!(run(&r), run(&r));
    }
}

/// A Google Contacts record as most address books hold them: a name, one e-mail, one mobile
/// number, an organisation and a job title.
fn google_row(i: u32) -> RawContact {
    let mut r = raw(SourceKind::CsvGoogle, "google.csv", i + 1, i + 2);
    r.name = RawName {
        given: s("Anna"),
        family: Some(format!("de Vries{i}")),
        ..RawName::default()
    };
    r.emails = vec![labeled(&format!("anna{i}@voorbeeld.nl"), Some("* Work"))];
    r.phones = vec![labeled(
        &format!("06 {:08}", 20_000_000 + i),
        Some("Mobile"),
    )];
    r.orgs = vec![RawOrg {
        name: "Gemeente Utrecht".to_owned(),
        department: None,
    }];
    r.titles = vec!["Beleidsadviseur".to_owned()];
    r
}

/// Records per second of `contact()` on one core for three shapes: a LinkedIn connection, a
/// Google contact (the typical record) and a heavy Outlook row (five phones, four e-mails).
#[test]
#[ignore = "timing; run with --release -- --ignored --nocapture"]
fn rate_of_typical_records() {
    use std::time::Instant;
    let shapes: [(&str, Vec<RawContact>); 3] = [
        (
            "linkedin",
            (0..1000u32)
                .map(|i| {
                    let mut r = linkedin_row();
                    r.source.record = i + 1;
                    r.urls[0].value = format!("https://nl.linkedin.com/in/diana-{i}/");
                    r
                })
                .collect(),
        ),
        ("google", (0..1000u32).map(google_row).collect()),
        (
            "outlook",
            (0..1000u32)
                .map(|i| {
                    let mut r = outlook_row();
                    r.source.record = i + 1;
                    r.phones[0].value = format!("06-{:08}", 12_000_000 + i);
                    r
                })
                .collect(),
        ),
    ];
    let opts = Options::default();
    for (shape, records) in &shapes {
        // One warm-up round: the phone metadata compiles its patterns on first use.
        let mut values = 0usize;
        for r in records {
            values += contact(r, &opts).0.phones.len();
        }
        let rounds = 20;
        let start = Instant::now();
        for _ in 0..rounds {
            for r in records {
                let (c, d) = contact(r, &opts);
                values += c.phones.len() + c.emails.len() + d.len();
            }
        }
        let elapsed = start.elapsed();
        let n = records.len() * rounds;
        println!(
            "normalize::contact {shape:>8}: {:>7.0} records/s on one core ({:.1} µs/record, {values} values)",
            n as f64 / elapsed.as_secs_f64(),
            elapsed.as_secs_f64() * 1e6 / n as f64
        );
    }
}
