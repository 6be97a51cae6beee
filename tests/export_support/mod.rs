//! Persons shared by the export tests: Dutch names with particles and accents, several sources
//! per person, conflicting values, encounters, and a hostile person whose every value tries to
//! break out of its cell, property or line.

#![allow(dead_code)]

use netwerk_import::model::{
    Address, Contact, Encounter, Name, Org, Person, Source, SourceKind, Value,
};

pub fn source(path: &str, kind: SourceKind, record: u32, line: Option<u32>) -> Source {
    Source {
        path: path.to_string(),
        kind,
        record,
        line,
    }
}

pub fn value(normalised: &str, original: &str, label: Option<&str>) -> Value {
    Value {
        value: normalised.to_string(),
        original: original.to_string(),
        label: label.map(str::to_string),
    }
}

pub fn same(v: &str) -> Value {
    value(v, v, None)
}

pub fn org(name: &str, department: Option<&str>) -> Org {
    Org {
        name: name.to_string(),
        key: name.to_lowercase(),
        legal_form: None,
        department: department.map(str::to_string),
        original: match department {
            Some(d) => format!("{name};{d}"),
            None => name.to_string(),
        },
    }
}

pub fn encounter(event: &str, date: &str, place: Option<&str>, how: &str, src: &str) -> Encounter {
    Encounter {
        event: Some(event.to_string()),
        date: Some(date.to_string()),
        place: place.map(str::to_string),
        how: how.to_string(),
        source: src.to_string(),
    }
}

/// Jan van der Berg: a business card, a LinkedIn row and a phone vCard.
pub fn jan() -> Person {
    let mut scan = Contact::empty(source(
        "scans/2026-10-03 Congres/IMG_0012.jpg",
        SourceKind::Scan,
        1,
        None,
    ));
    scan.name = Name {
        full: Some("Jan v.d. Berg".into()),
        given: Some("Jan".into()),
        family: Some("v.d. Berg".into()),
        original: Some("JAN V.D. BERG".into()),
        ..Name::default()
    };
    scan.emails = vec![value("jan@voorbeeld.nl", "jan@voorbeeld.n1", None)];
    scan.phones = vec![value("+31612345678", "06-12345678", None)];
    scan.orgs = vec![org("Stichting Voorbeeld", None)];
    scan.titles = vec![same("Coördinator")];
    scan.addresses = vec![Address {
        label: None,
        street: Some("Oudegracht 1".into()),
        postcode: Some("3511 AB".into()),
        city: Some("Utrecht".into()),
        region: None,
        country: Some("NL".into()),
        po_box: None,
        original: "Oudegracht 1, 3511AB Utrecht".into(),
    }];

    let mut linkedin = Contact::empty(source(
        "exports/Connections.csv",
        SourceKind::CsvLinkedin,
        17,
        Some(21),
    ));
    linkedin.name = Name {
        full: Some("Jan van der Berg".into()),
        given: Some("Jan".into()),
        family: Some("van der Berg".into()),
        ..Name::default()
    };
    linkedin.urls = vec![same("https://www.linkedin.com/in/janvdberg")];
    linkedin.orgs = vec![org("Stichting Voorbeeld", None)];
    linkedin.titles = vec![same("Coördinator ervaringsdeskundigheid")];
    linkedin.connected_on = Some(value("2024-10-09", "09 Oct 2024", None));

    let mut phone = Contact::empty(source(
        "contacts/telefoon.vcf",
        SourceKind::Vcard,
        3,
        Some(40),
    ));
    phone.name = Name {
        full: Some("Jan van der Berg".into()),
        given: Some("Jan".into()),
        family: Some("van der Berg".into()),
        prefix: Some("drs.".into()),
        original: Some("drs. Jan van der Berg".into()),
        ..Name::default()
    };
    phone.nicknames = vec![same("Jantje")];
    phone.emails = vec![
        value("j.vdberg@gmail.com", "J.vdBerg@gmail.com", Some("home")),
        value("jan@voorbeeld.nl", "jan@voorbeeld.nl", Some("work")),
    ];
    phone.phones = vec![
        value("+31612345678", "06-12345678", Some("cell")),
        value("+31302345678", "030-2345678", Some("Work Fax")),
    ];
    phone.orgs = vec![org("Stichting Voorbeeld", Some("Ervaringsdeskundigheid"))];
    phone.birthday = Some(value("1980-05-01", "1980-05-01", None));
    phone.notes = vec![same("Wil samenwerken aan de peer-support training")];
    phone.socials = vec![value(
        "https://twitter.com/janvdb",
        "@janvdb",
        Some("twitter"),
    )];

    Person {
        id: "p-0a1b2c3d4e5f".into(),
        records: vec![linkedin, phone, scan],
        encounters: vec![
            encounter(
                "Connected on LinkedIn",
                "2024-10-09",
                None,
                "linkedin",
                "exports/Connections.csv",
            ),
            encounter(
                "Congres",
                "2026-10-03",
                Some("Utrecht"),
                "card",
                "scans/2026-10-03 Congres/netwerk.toml",
            ),
        ],
    }
}

/// Zoë de Wit-Ünal: Google, Outlook (Dutch) and an old vCard disagree about her birthday.
pub fn zoe() -> Person {
    let mut google = Contact::empty(source(
        "exports/google.csv",
        SourceKind::CsvGoogle,
        2,
        Some(3),
    ));
    google.name = Name {
        full: Some("Zoë de Wit-Ünal".into()),
        given: Some("Zoë".into()),
        family: Some("de Wit-Ünal".into()),
        ..Name::default()
    };
    google.emails = vec![value("zoe@dewit.nl", "Zoe@DeWit.nl", Some("* Work"))];
    google.birthday = Some(same("1990-07-14"));
    google.addresses = vec![Address {
        label: Some("Home".into()),
        street: Some("Laan van Nieuw Oost-Indië 12".into()),
        postcode: Some("2593 BN".into()),
        city: Some("Den Haag".into()),
        region: Some("Zuid-Holland".into()),
        country: Some("NL".into()),
        po_box: None,
        original: "Laan van Nieuw Oost-Indië 12\n2593 BN Den Haag".into(),
    }];

    let mut outlook = Contact::empty(source(
        "exports/outlook-nl.csv",
        SourceKind::CsvOutlook,
        5,
        Some(6),
    ));
    outlook.name = Name {
        full: Some("Zoë de Wit-Ünal".into()),
        given: Some("Zoë".into()),
        family: Some("de Wit-Ünal".into()),
        ..Name::default()
    };
    outlook.birthday = Some(value("--07-14", "14-7", None));
    outlook.phones = vec![value(
        "+31701234567",
        "070-1234567",
        Some("Telefoon op werk"),
    )];
    outlook.orgs = vec![org("Gemeente Den Haag", Some("Sociaal Domein"))];
    outlook.addresses = vec![Address {
        label: Some("werk".into()),
        po_box: Some("Postbus 12600".into()),
        postcode: Some("2500 DJ".into()),
        city: Some("Den Haag".into()),
        country: Some("NL".into()),
        original: "Postbus 12600, 2500 DJ Den Haag".into(),
        ..Address::default()
    }];

    let mut old = Contact::empty(source("oud/zoe.vcf", SourceKind::Vcard, 1, Some(1)));
    old.name = Name {
        full: Some("Zoë de Wit".into()),
        given: Some("Zoë".into()),
        family: Some("de Wit".into()),
        ..Name::default()
    };
    old.birthday = Some(same("1991-07-14"));
    old.emails = vec![value("zoe@dewit.nl", "zoe@dewit.nl", None)];

    Person {
        id: "p-1b2c3d4e5f60".into(),
        records: vec![google, outlook, old],
        encounters: vec![encounter(
            "Landelijke dag ervaringsdeskundigheid",
            "2026-10-03",
            Some("Jaarbeurs, Utrecht"),
            "in-person",
            "scans/2026-10-03 Congres/netwerk.toml",
        )],
    }
}

/// Only an e-mail address from Facebook: no name at all.
pub fn nameless() -> Person {
    let mut fb = Contact::empty(source(
        "facebook/your_friends.json",
        SourceKind::JsonFacebook,
        4,
        Some(9),
    ));
    fb.emails = vec![same("onbekend@example.org")];
    Person {
        id: "p-2c3d4e5f6071".into(),
        records: vec![fb],
        encounters: Vec::new(),
    }
}

/// The note that tries to close its card and open a forged one.
pub const INJECTED_NOTE: &str =
    "regel 1\nEND:VCARD\nBEGIN:VCARD\nVERSION:4.0\nFN:Mallory\r\nNOTE;x=y:z";

/// Every value hostile to CSV, vCard or JSON.
pub fn mallory() -> Person {
    let mut c = Contact::empty(source(
        "hostile,path;with:colons #1.csv",
        SourceKind::CsvGeneric,
        1,
        Some(2),
    ));
    c.name = Name {
        full: Some("=HYPERLINK(\"http://evil.example\",\"klik\")".into()),
        given: Some("@SUM(A1:A9)".into()),
        family: Some("+cmd|' /C calc'!A0".into()),
        prefix: Some("-cmd".into()),
        suffix: Some("a;b,c".into()),
        ..Name::default()
    };
    c.nicknames = vec![same("komma, puntkomma; dubbele: punt \\ backslash")];
    c.emails = vec![same("=cmd@evil.example")];
    c.phones = vec![same("+31612345678"), same("-2+3"), same("+cmd")];
    c.orgs = vec![org("Evil; Inc., Ltd: Co", Some("R&D\nEND:VCARD"))];
    c.titles = vec![same("-2+3")];
    c.urls = vec![same("https://voorbeeld.nl/één pagina"), same("geen url")];
    c.addresses = vec![Address {
        street: Some("Straat 1;\r\nEND:VCARD".into()),
        city: Some("Stad,\u{0}\u{7}".into()),
        original: "Straat 1".into(),
        ..Address::default()
    }];
    c.birthday = Some(same("=1+1"));
    c.notes = vec![same(INJECTED_NOTE)];
    c.socials = vec![value("@mallory", "@mallory", Some("x\"; TYPE=evil"))];
    Person {
        id: "p-3d4e5f607182".into(),
        records: vec![c],
        encounters: Vec::new(),
    }
}

/// All fixture persons, sorted by id as the store gives them.
pub fn persons() -> Vec<Person> {
    vec![jan(), zoe(), nameless(), mallory()]
}
