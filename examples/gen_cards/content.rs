//! What goes on a card: a Dutch or English person with an organisation, title, phones,
//! e-mail, website, handles, an address and sometimes registry numbers, and the lines that
//! print them. Deterministic for a seed.
//!
//! The lists are deliberately not the extractor's lexicons: titles such as
//! `Praktijkondersteuner` or `Sales Department` are here although the extractor cannot know
//! them, so that the measured accuracy includes what a real card would throw at it.

use crate::truth;
use netwerk_import::synth::Rng;

/// A block of lines with one role on the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Org,
    Name,
    Title,
    Department,
    Contact,
    Address,
    Registry,
    Slogan,
}

#[derive(Debug, Clone)]
pub struct Line {
    pub role: Role,
    pub text: String,
}

pub struct Content {
    pub truth: truth::Card,
    pub lines: Vec<Line>,
    /// The QR payload, when the card carries one.
    pub qr: Option<String>,
}

const NL_GIVEN: &[&str] = &[
    "Jan",
    "Kees",
    "Sanne",
    "Fatima",
    "Mohamed",
    "Anouk",
    "Pieter",
    "Annelies",
    "Joost",
    "Eva",
    "Daan",
    "Lotte",
    "Bram",
    "Noor",
    "Sem",
    "Femke",
    "Ahmed",
    "Yasmin",
    "Gert-Jan",
    "Marieke",
    "Thijs",
    "Inge",
    "Ruud",
    "Hanneke",
    "Özlem",
    "Zoë",
    "Willemijn",
    "Sophie",
    "Lars",
    "Emma",
    "Ties",
    "Maarten",
    "Esther",
    "Wouter",
    "Ilse",
    "Rik",
    "Marloes",
    "Hans",
    "Petra",
    "Youssef",
    "Naima",
    "Dirk",
    "Jeroen",
    "Mirjam",
    "Frank",
    "Karin",
    "Bas",
    "Lieke",
    "Niels",
    "Anke",
];
const NL_FAMILY: &[&str] = &[
    "van der Berg",
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "van den Broek",
    "de Bruijn",
    "de Jong",
    "El Amrani",
    "Yılmaz",
    "Öztürk",
    "Hoekstra",
    "Postma",
    "ter Horst",
    "van 't Hof",
    "Kramer",
    "Scholten",
    "Wolters",
    "Bouma",
    "Veenstra",
    "Kuipers",
    "Schouten",
];
const EN_GIVEN: &[&str] = &[
    "James",
    "Sarah",
    "Michael",
    "Emily",
    "David",
    "Olivia",
    "Daniel",
    "Sophie",
    "Thomas",
    "Hannah",
    "Oliver",
    "Charlotte",
    "William",
    "Jessica",
    "Robert",
    "Laura",
    "Andrew",
    "Rachel",
    "Matthew",
    "Amelia",
    "Priya",
    "Wei",
    "Raj",
    "Chloe",
    "Liam",
    "Grace",
    "Nathan",
    "Megan",
];
const EN_FAMILY: &[&str] = &[
    "Thompson",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Taylor",
    "Wilson",
    "Davies",
    "Evans",
    "Walker",
    "Wright",
    "Robinson",
    "Clarke",
    "Hughes",
    "Green",
    "Hall",
    "Patel",
    "Khan",
    "O'Brien",
    "McDonald",
    "Chen",
    "Nguyen",
    "Fitzgerald",
    "Harrison",
    "Bennett",
    "Turner",
];
const NL_TITLES: &[&str] = &[
    "Coördinator",
    "Teamleider",
    "Beleidsadviseur",
    "Senior beleidsmedewerker",
    "Projectleider",
    "Directeur",
    "Directeur-bestuurder",
    "Wijkverpleegkundige",
    "Ervaringsdeskundige",
    "Opbouwwerker",
    "Jongerenwerker",
    "Maatschappelijk werker",
    "Eigenaar",
    "Oprichter",
    "Adviseur",
    "Accountmanager",
    "Office manager",
    "Huisarts",
    "Psycholoog",
    "Trainer & coach",
    "Programmamanager",
    "Communicatieadviseur",
    "Bestuurssecretaris",
    "Kwartiermaker",
    "Casemanager dementie",
    "Praktijkondersteuner",
    "Zorgconsulent",
    "Verpleegkundig specialist",
    "Docent",
    "Onderzoeker",
    "Hoofd financiën",
    "Softwareontwikkelaar",
    "Senior adviseur",
];
const EN_TITLES: &[&str] = &[
    "Managing Director",
    "Senior Consultant",
    "Product Manager",
    "Software Engineer",
    "Head of Marketing",
    "Account Executive",
    "Founder & CEO",
    "Project Coordinator",
    "Sales Director",
    "Business Analyst",
    "Research Fellow",
    "Office Manager",
    "Chief Financial Officer",
    "UX Designer",
    "Partner",
    "Policy Advisor",
    "Community Manager",
    "Data Scientist",
    "Operations Lead",
    "Customer Success Manager",
    "Recruitment Specialist",
];
const NL_DEPTS: &[&str] = &[
    "Afdeling Communicatie",
    "Afdeling Zorg en Welzijn",
    "Sector Sociaal Domein",
    "Afdeling Wonen",
    "Divisie Ouderenzorg",
    "Afdeling Inkoop",
    "Team Jeugd",
];
const EN_DEPTS: &[&str] = &[
    "Department of Psychology",
    "Division of Research",
    "Sales Department",
    "Department of Finance",
    "Unit Customer Care",
];
const NL_CORES: &[&str] = &[
    "Buurtwerk",
    "De Brug",
    "Wijkkracht",
    "Zorgzaam",
    "Groen Dichtbij",
    "Samen Verder",
    "Het Anker",
    "De Vonk",
    "Kompas",
    "Horizon",
    "Noorderlicht",
    "Welzijn Oost",
    "Veerkracht",
    "Lindeboom",
    "Dijkzicht",
    "Polderlicht",
    "Stadsgenoten",
    "Ommezwaai",
];
const EN_CORES: &[&str] = &[
    "Brightwave",
    "Northwind",
    "Blue Harbour",
    "Clearpath",
    "Redwood",
    "Silverline",
    "Greenfield",
    "Oakridge",
    "Lighthouse",
    "Summit",
    "Keystone",
    "Evergreen",
    "Fairview",
];
const NL_CITIES: &[&str] = &[
    "Utrecht",
    "Amsterdam",
    "Rotterdam",
    "Den Haag",
    "Zwolle",
    "Groningen",
    "Eindhoven",
    "Nijmegen",
    "Arnhem",
    "Haarlem",
    "'s-Hertogenbosch",
    "Leeuwarden",
    "Maastricht",
    "Amersfoort",
    "Leiden",
    "Delft",
    "Tilburg",
    "Breda",
    "Apeldoorn",
    "Enschede",
];
const NL_STREETS: &[&str] = &[
    "Oudegracht",
    "Kanaalstraat",
    "Dorpsstraat",
    "Kerkstraat",
    "Stationsweg",
    "Molenweg",
    "Schoolstraat",
    "Julianalaan",
    "Herengracht",
    "Marktplein",
    "Lange Nieuwstraat",
    "Van Asch van Wijckstraat",
    "Burgemeester Reigerstraat",
    "Vredenburg",
    "Catharijnesingel",
    "Europalaan",
    "Hoofdstraat",
    "Nieuwe Binnenweg",
    "Wilhelminapark",
    "Laan van Meerdervoort",
];
const NL_AREAS: &[&str] = &[
    "010", "020", "030", "033", "035", "038", "040", "043", "050", "053", "055", "058", "070",
    "071", "073", "076",
];
const UK_CITIES: &[(&str, &str)] = &[
    ("London", "EC"),
    ("London", "SW"),
    ("London", "NW"),
    ("Manchester", "M"),
    ("Bristol", "BS"),
    ("Leeds", "LS"),
    ("Edinburgh", "EH"),
];
const EN_STREETS: &[&str] = &[
    "Baker Street",
    "High Street",
    "Station Road",
    "Church Lane",
    "Victoria Avenue",
    "Market Street",
    "Park Road",
    "King Street",
    "Queen's Road",
    "Mill Lane",
];
const US_CITIES: &[(&str, &str, &str)] = &[
    ("San Francisco", "CA", "941"),
    ("New York", "NY", "100"),
    ("Boston", "MA", "021"),
    ("Chicago", "IL", "606"),
    ("Seattle", "WA", "981"),
    ("Austin", "TX", "787"),
];
const US_AREAS: &[&str] = &["415", "212", "617", "312", "206", "512"];
const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "hotmail.com",
    "outlook.com",
    "ziggo.nl",
    "icloud.com",
];
const SLOGANS: &[&str] = &[
    "Samen sterk in de wijk",
    "Zorg dichtbij",
    "Met hart en hoofd",
    "Building better teams",
    "Clarity in every decision",
    "Voor elkaar",
    "Ideas that work",
];

pub fn unit(rng: &mut Rng) -> f32 {
    (rng.next_u64() >> 40) as f32 / (1u64 << 24) as f32
}

pub fn range(rng: &mut Rng, lo: f32, hi: f32) -> f32 {
    lo + (hi - lo) * unit(rng)
}

fn digits(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect()
}

/// Lower-case ASCII, letters and digits only: `van 't Hof` → `vanthof`.
fn compact(s: &str) -> String {
    deunicode::deunicode(s)
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

fn valid(e164: &str) -> bool {
    phonenumber::parse(None, e164).is_ok_and(|n| n.is_valid())
}

/// A random valid number and how the card prints it.
fn phone(rng: &mut Rng, country: &str, mobile: bool) -> (String, String) {
    for _ in 0..200 {
        let (e164, written) = match (country, mobile) {
            ("NL", false) => {
                let area = rng.pick(NL_AREAS);
                let sub = format!("{}{}", 2 + rng.below(8), digits(rng, 6));
                let e164 = format!("+31{}{sub}", &area[1..]);
                let written = match rng.below(6) {
                    0 => format!("{area} - {} {} {}", &sub[..3], &sub[3..5], &sub[5..]),
                    1 => format!("{area}-{sub}"),
                    2 => format!("{area} {} {}", &sub[..3], &sub[3..]),
                    3 => format!("+31 (0){} {} {}", &area[1..], &sub[..3], &sub[3..]),
                    4 => format!("+31 {} {} {}", &area[1..], &sub[..3], &sub[3..]),
                    _ => format!("({area}) {} {} {}", &sub[..3], &sub[3..5], &sub[5..]),
                };
                (e164, written)
            }
            ("NL", true) => {
                let sub = format!("{}{}", 1 + rng.below(5), digits(rng, 7));
                let e164 = format!("+316{sub}");
                let written = match rng.below(4) {
                    0 => format!("06-{sub}"),
                    1 => format!("06 {} {}", &sub[..4], &sub[4..]),
                    2 => format!("+31 6 {} {}", &sub[..4], &sub[4..]),
                    _ => format!(
                        "+31 (0)6 {} {} {} {}",
                        &sub[..2],
                        &sub[2..4],
                        &sub[4..6],
                        &sub[6..]
                    ),
                };
                (e164, written)
            }
            ("GB", false) => {
                let sub = format!("{}{}", ["3", "7", "8"][rng.below(3)], digits(rng, 7));
                (
                    format!("+4420{sub}"),
                    format!("+44 20 {} {}", &sub[..4], &sub[4..]),
                )
            }
            ("GB", true) => {
                let sub = format!(
                    "7{}{}",
                    ["4", "5", "7", "8", "9"][rng.below(5)],
                    digits(rng, 8)
                );
                (
                    format!("+44{sub}"),
                    format!("+44 {} {}", &sub[..4], &sub[4..]),
                )
            }
            _ => {
                let area = rng.pick(US_AREAS);
                let sub = format!("{}{}", 2 + rng.below(8), digits(rng, 6));
                (
                    format!("+1{area}{sub}"),
                    format!("+1 ({area}) {}-{}", &sub[..3], &sub[3..]),
                )
            }
        };
        if valid(&e164) {
            return (e164, written);
        }
    }
    ("+31201234567".to_string(), "020 - 123 45 67".to_string())
}

fn postcode_nl(rng: &mut Rng) -> String {
    loop {
        let letters: String = (0..2)
            .map(|_| char::from(b'A' + rng.below(26) as u8))
            .collect();
        if !matches!(letters.as_str(), "SA" | "SD" | "SS") {
            return format!("{}{} {letters}", 1 + rng.below(9), digits(rng, 3));
        }
    }
}

fn postcode_uk(rng: &mut Rng, area: &str) -> String {
    const INWARD: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    let a = INWARD[rng.below(INWARD.len())] as char;
    let b = INWARD[rng.below(INWARD.len())] as char;
    format!("{area}{} {}{a}{b}", 1 + rng.below(9), rng.below(10))
}

/// Where the organisation and the person are: `NL`, `GB` or `US`.
pub fn generate(rng: &mut Rng, lang: &str) -> Content {
    let country = if lang == "nl" {
        "NL"
    } else {
        ["GB", "GB", "GB", "US", "NL"][rng.below(5)]
    };
    let dutch_names = country == "NL" && (lang == "nl" || rng.chance(70));
    let given = if dutch_names {
        rng.pick(NL_GIVEN)
    } else {
        rng.pick(EN_GIVEN)
    };
    let family = if dutch_names {
        rng.pick(NL_FAMILY)
    } else {
        rng.pick(EN_FAMILY)
    };
    let mut name = format!("{given} {family}");
    if rng.chance(10) {
        name = if lang == "nl" {
            match rng.below(4) {
                0 => format!("drs. {name}"),
                1 => format!("ir. {name}"),
                2 => format!("dr. {name}"),
                _ => format!("{name} MSc"),
            }
        } else if rng.chance(50) {
            format!("{name} PhD")
        } else {
            format!("{name} MBA")
        };
    }

    let (cores, tld) = match (lang, country) {
        ("nl", _) => (NL_CORES, ".nl"),
        (_, "GB") => (EN_CORES, if rng.chance(50) { ".co.uk" } else { ".com" }),
        (_, "US") => (EN_CORES, ".com"),
        _ => (EN_CORES, if rng.chance(50) { ".nl" } else { ".com" }),
    };
    let core = rng.pick(cores);
    let city_nl = rng.pick(NL_CITIES);
    let org = if rng.chance(95) {
        Some(if lang == "nl" {
            match rng.below(9) {
                0 | 1 => format!("Stichting {core}"),
                2 => format!("{core} B.V."),
                3 => format!("Vereniging {core}"),
                4 => format!("Gemeente {city_nl}"),
                5 => format!("{core} Advies"),
                6 => format!("Zorggroep {core}"),
                7 => format!("{core} Coöperatie U.A."),
                _ => core.to_string(),
            }
        } else {
            match rng.below(8) {
                0 => format!("{core} Ltd"),
                1 => format!("{core} Consulting"),
                2 => format!("{core} Solutions"),
                3 => format!("{core} Group"),
                4 => format!("{core} Inc."),
                5 => format!("{core} Partners"),
                6 => format!("{core} Foundation"),
                _ => core.to_string(),
            }
        })
    } else {
        None
    };
    let domain_core = match &org {
        Some(o) if o.starts_with("Gemeente ") => compact(city_nl),
        _ if rng.chance(25) => deunicode::deunicode(core).to_lowercase().replace(' ', "-"),
        _ => compact(core),
    };
    let domain = format!("{domain_core}{tld}");
    let has_site = org.is_some() && rng.chance(70);
    let website = has_site.then(|| {
        if rng.chance(80) {
            format!("www.{domain}")
        } else {
            format!("https://{domain}")
        }
    });

    let title = rng.chance(90).then(|| {
        if lang == "nl" {
            rng.pick(NL_TITLES)
        } else {
            rng.pick(EN_TITLES)
        }
        .to_string()
    });
    let department = (org.is_some() && rng.chance(15)).then(|| {
        if lang == "nl" {
            rng.pick(NL_DEPTS)
        } else {
            rng.pick(EN_DEPTS)
        }
        .to_string()
    });

    // E-mail: the organisation's domain mostly, a free-mail address sometimes.
    let g = compact(given);
    let f = compact(family);
    let local = match rng.below(10) {
        0..=3 => format!("{g}.{f}"),
        4 | 5 => format!("{}.{f}", &g[..1]),
        6 => g.clone(),
        7 => format!("{}{f}", &g[..1]),
        8 => "info".to_string(),
        _ => format!("{g}{f}"),
    };
    let free = org.is_none() || rng.chance(12);
    let mail_domain = if free {
        rng.pick(FREE_MAIL).to_string()
    } else {
        domain.clone()
    };
    let emails = if rng.chance(95) {
        vec![format!("{local}@{mail_domain}")]
    } else {
        Vec::new()
    };

    let mut phones = Vec::new();
    if rng.chance(70) {
        let (value, written) = phone(rng, country, false);
        phones.push(truth::Phone {
            value,
            kind: "work".into(),
            written,
        });
    }
    if rng.chance(70) || phones.is_empty() {
        let (value, written) = phone(rng, country, true);
        phones.push(truth::Phone {
            value,
            kind: "mobile".into(),
            written,
        });
    }
    if rng.chance(10) && country != "US" {
        let (value, written) = phone(rng, country, false);
        phones.push(truth::Phone {
            value,
            kind: "fax".into(),
            written,
        });
    }

    let handle = format!("{g}{}", &f[..f.len().min(6)]);
    let socials = if rng.chance(20) {
        vec![if rng.chance(60) {
            format!("linkedin.com/in/{handle}")
        } else {
            format!("@{handle}")
        }]
    } else {
        Vec::new()
    };

    let address = rng.chance(75).then(|| match country {
        "NL" => {
            let number = format!(
                "{}{}",
                1 + rng.below(250),
                ["", "", "", "a", "-3", " bis"][rng.below(6)]
            );
            let po = rng.chance(15);
            truth::Address {
                street: (!po).then(|| format!("{} {number}", rng.pick(NL_STREETS))),
                po_box: po.then(|| format!("Postbus {}", 10 + rng.below(9000))),
                postcode: Some(postcode_nl(rng)),
                city: Some(city_nl.to_string()),
                region: None,
                country: Some("NL".to_string()),
            }
        }
        "GB" => {
            let (city, area) = UK_CITIES[rng.below(UK_CITIES.len())];
            truth::Address {
                street: Some(format!(
                    "{}{} {}",
                    1 + rng.below(300),
                    if rng.chance(15) { "B" } else { "" },
                    rng.pick(EN_STREETS)
                )),
                po_box: None,
                postcode: Some(postcode_uk(rng, area)),
                city: Some(city.to_string()),
                region: None,
                country: Some("GB".to_string()),
            }
        }
        _ => {
            let (city, state, zip) = US_CITIES[rng.below(US_CITIES.len())];
            truth::Address {
                street: Some(format!(
                    "{} {}",
                    100 + rng.below(4900),
                    rng.pick(EN_STREETS)
                )),
                po_box: None,
                postcode: Some(format!("{zip}{}", digits(rng, 2))),
                city: Some(city.to_string()),
                region: Some(state.to_string()),
                country: Some("US".to_string()),
            }
        }
    });

    // The printed lines.
    let mut lines = Vec::new();
    let label_style = rng.below(4);
    let label = |kind: &str| -> String {
        let (nl, en) = match kind {
            "work" => (["T ", "T: ", "Tel. ", ""], ["T ", "T: ", "Phone: ", ""]),
            "mobile" => (["M ", "M: ", "Mobiel ", ""], ["M ", "M: ", "Mobile: ", ""]),
            "fax" => (
                ["F ", "F: ", "Fax ", "Fax "],
                ["F ", "F: ", "Fax: ", "Fax "],
            ),
            "email" => (["E ", "E: ", "", ""], ["E ", "E: ", "", ""]),
            _ => (["W ", "", "", ""], ["W ", "", "", ""]),
        };
        if lang == "nl" {
            nl[label_style]
        } else {
            en[label_style]
        }
        .to_string()
    };
    if let Some(o) = &org {
        lines.push(Line {
            role: Role::Org,
            text: o.clone(),
        });
    }
    lines.push(Line {
        role: Role::Name,
        text: name.clone(),
    });
    if let Some(t) = &title {
        lines.push(Line {
            role: Role::Title,
            text: t.clone(),
        });
    }
    if let Some(d) = &department {
        lines.push(Line {
            role: Role::Department,
            text: d.clone(),
        });
    }
    for p in &phones {
        lines.push(Line {
            role: Role::Contact,
            text: format!("{}{}", label(&p.kind), p.written),
        });
    }
    for e in &emails {
        lines.push(Line {
            role: Role::Contact,
            text: format!("{}{e}", label("email")),
        });
    }
    if let Some(w) = &website {
        lines.push(Line {
            role: Role::Contact,
            text: format!("{}{w}", label("web")),
        });
    }
    for s in &socials {
        let text = if s.starts_with('@') {
            format!("X {s}")
        } else {
            s.clone()
        };
        lines.push(Line {
            role: Role::Contact,
            text,
        });
    }
    if let Some(a) = &address {
        let first = a
            .street
            .clone()
            .or_else(|| a.po_box.clone())
            .unwrap_or_default();
        match a.country.as_deref() {
            Some("NL") => {
                let pc = a.postcode.clone().unwrap_or_default();
                let city = a.city.clone().unwrap_or_default();
                let city = if rng.chance(20) {
                    city.to_uppercase()
                } else {
                    city
                };
                if rng.chance(30) {
                    lines.push(Line {
                        role: Role::Address,
                        text: format!("{first}, {pc} {city}"),
                    });
                } else {
                    lines.push(Line {
                        role: Role::Address,
                        text: first,
                    });
                    lines.push(Line {
                        role: Role::Address,
                        text: format!("{pc} {city}"),
                    });
                }
                if lang == "en" || rng.chance(10) {
                    let c = if lang == "en" {
                        "The Netherlands"
                    } else {
                        "Nederland"
                    };
                    lines.push(Line {
                        role: Role::Address,
                        text: c.to_string(),
                    });
                }
            }
            Some("GB") => {
                lines.push(Line {
                    role: Role::Address,
                    text: first,
                });
                lines.push(Line {
                    role: Role::Address,
                    text: format!(
                        "{} {}",
                        a.city.clone().unwrap_or_default(),
                        a.postcode.clone().unwrap_or_default()
                    ),
                });
                lines.push(Line {
                    role: Role::Address,
                    text: "United Kingdom".to_string(),
                });
            }
            _ => {
                lines.push(Line {
                    role: Role::Address,
                    text: first,
                });
                lines.push(Line {
                    role: Role::Address,
                    text: format!(
                        "{}, {} {}",
                        a.city.clone().unwrap_or_default(),
                        a.region.clone().unwrap_or_default(),
                        a.postcode.clone().unwrap_or_default()
                    ),
                });
                lines.push(Line {
                    role: Role::Address,
                    text: "USA".to_string(),
                });
            }
        }
    }
    if country == "NL" && org.is_some() && rng.chance(20) {
        let kvk = format!("{}{}", 1 + rng.below(9), digits(rng, 7));
        let text = if rng.chance(50) {
            format!("KvK {kvk} | BTW NL{}B01", digits(rng, 9))
        } else {
            format!("KvK-nummer: {kvk}")
        };
        lines.push(Line {
            role: Role::Registry,
            text,
        });
        if rng.chance(40) {
            lines.push(Line {
                role: Role::Registry,
                text: format!(
                    "IBAN NL{} INGB 000{} {}",
                    10 + rng.below(89),
                    digits(rng, 1),
                    digits(rng, 6)
                ),
            });
        }
    }
    if rng.chance(20) {
        lines.push(Line {
            role: Role::Slogan,
            text: rng.pick(SLOGANS).to_string(),
        });
    }

    // The QR code repeats the contact in a vCard or MECARD, or links to the website.
    let qr_kind = rng.chance(15).then(|| match rng.below(10) {
        0..=5 => "vcard",
        6..=8 => "mecard",
        _ if website.is_some() => "url",
        _ => "vcard",
    });
    let qr = qr_kind.map(|kind| match kind {
        "url" => website
            .clone()
            .map(|w| {
                if w.starts_with("http") {
                    w
                } else {
                    format!("https://{w}")
                }
            })
            .unwrap_or_default(),
        "mecard" => {
            let mut s = format!("MECARD:N:{},{};", family, given);
            for p in &phones {
                s.push_str(&format!("TEL:{};", p.value));
            }
            for e in &emails {
                s.push_str(&format!("EMAIL:{e};"));
            }
            if let Some(o) = &org {
                s.push_str(&format!("ORG:{o};"));
            }
            if let Some(w) = &website {
                s.push_str(&format!("URL:{w};"));
            }
            s.push(';');
            s
        }
        _ => {
            let mut s = String::from("BEGIN:VCARD\r\nVERSION:3.0\r\n");
            s.push_str(&format!("N:{family};{given};;;\r\nFN:{name}\r\n"));
            if let Some(o) = &org {
                s.push_str(&format!("ORG:{o}\r\n"));
            }
            if let Some(t) = &title {
                s.push_str(&format!("TITLE:{t}\r\n"));
            }
            for p in &phones {
                let t = match p.kind.as_str() {
                    "mobile" => "CELL",
                    "fax" => "FAX",
                    _ => "WORK",
                };
                s.push_str(&format!("TEL;TYPE={t}:{}\r\n", p.value));
            }
            for e in &emails {
                s.push_str(&format!("EMAIL;TYPE=INTERNET:{e}\r\n"));
            }
            if let Some(w) = &website {
                s.push_str(&format!("URL:{w}\r\n"));
            }
            s.push_str("END:VCARD\r\n");
            s
        }
    });

    let truth = truth::Card {
        lang: lang.to_string(),
        name: Some(name),
        org,
        title,
        department,
        emails,
        phones,
        websites: website.into_iter().collect(),
        socials,
        address,
        qr: qr_kind.map(str::to_string),
        printed: lines.iter().map(|l| l.text.clone()).collect(),
        ..truth::Card::default()
    };
    Content { truth, lines, qr }
}
