//! Seeded generator of realistic contact exports, for benchmarks and scale tests.
//!
//! In: a seed and a count. Out: the bytes of a vCard 3.0 file or a Google Contacts CSV (current
//! layout) with Dutch and international names, particles, organisations with legal forms,
//! Dutch mobile and landline numbers, addresses with postcodes. The same seed always gives the
//! same bytes.
//!
//! For the matching engine, [`duplicated_chunk`] writes corpora with known truth: persons with
//! Dutch and international names, nicknames, particles, organisations with switchboards and
//! e-mail domains, each appearing in several sources (Google CSV, LinkedIn Connections, a Dutch
//! member list) with typos, initials, missing fields and differently written phone numbers.

use std::fmt::Write;

/// splitmix64: small, fast and good enough for test data; no dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const GIVEN: &[&str] = &[
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
    "José",
    "Zoë",
    "Chloë",
    "Łukasz",
    "Priya",
    "Wei",
    "Olga",
    "Johannes",
    "Cornelis",
    "Hendrik",
    "Willemijn",
    "Sophie",
    "Lars",
    "Emma",
    "Tom",
];
const PARTICLE: &[&str] = &[
    "", "", "", "", "van", "van der", "de", "van den", "ter", "van 't",
];
const FAMILY: &[&str] = &[
    "Berg",
    "Jansen",
    "Vries",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "Bos",
    "Vos",
    "Dijk",
    "Wit",
    "Dam",
    "Leeuwen",
    "Brink",
    "Kok",
    "Huis",
    "El Amrani",
    "Yilmaz",
    "Öztürk",
    "Nowak",
    "Hoekstra",
    "Postma",
    "Dekker",
    "Veen",
    "Beek",
    "Heuvel",
    "Wijk",
    "Linden",
    "Graaf",
];
const ORG: &[&str] = &[
    "Stichting Buurtwerk",
    "GGZ Centraal B.V.",
    "Wijkteam Oost",
    "Gemeente Utrecht",
    "Zorggroep Noord N.V.",
    "Humanitas",
    "Vereniging Mantelzorg",
    "Leger des Heils",
    "Parnassia Groep",
    "Cordaan",
    "De Brug Coöperatie U.A.",
    "Acme Ltd",
    "Siemens GmbH",
];
const TITLE: &[&str] = &[
    "Coördinator",
    "Wijkverpleegkundige",
    "Opbouwwerker",
    "Ervaringsdeskundige",
    "Beleidsadviseur",
    "Teamleider",
    "Maatschappelijk werker",
    "Project manager",
    "Psychiater",
    "Directeur-bestuurder",
];
const CITY: &[(&str, &str)] = &[
    ("Utrecht", "3511"),
    ("Amsterdam", "1012"),
    ("Rotterdam", "3011"),
    ("Zwolle", "8011"),
    ("Groningen", "9711"),
    ("Eindhoven", "5611"),
    ("Den Haag", "2511"),
    ("Nijmegen", "6511"),
];
const STREET: &[&str] = &[
    "Oudegracht",
    "Kanaalstraat",
    "Dorpsstraat",
    "Kerkstraat",
    "Stationsweg",
    "Molenweg",
    "Schoolstraat",
    "Julianalaan",
];

/// One generated person.
#[derive(Debug, Clone)]
pub struct Person {
    pub given: String,
    pub family: String,
    pub email: String,
    pub mobile: String,
    pub work: Option<String>,
    pub org: String,
    pub title: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
}

fn slug(s: &str) -> String {
    deunicode::deunicode(s)
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

pub fn person(rng: &mut Rng, i: usize) -> Person {
    let given = rng.pick(GIVEN).to_string();
    let particle = rng.pick(PARTICLE);
    let base = rng.pick(FAMILY);
    let family = if particle.is_empty() {
        base.to_string()
    } else {
        format!("{particle} {base}")
    };
    let (city, pc) = CITY[rng.below(CITY.len())];
    let letters = [b'A' + rng.below(26) as u8, b'A' + rng.below(26) as u8];
    Person {
        email: format!(
            "{}.{}{i}@voorbeeld{}.nl",
            slug(&given),
            slug(&family),
            i % 97
        ),
        // 06-1 … 06-5 are Dutch mobile ranges (06-7 and 06-8 are not).
        mobile: format!("06-{}{:07}", 1 + i % 5, (i * 7919) % 10_000_000),
        work: rng
            .chance(40)
            .then(|| format!("030 {:03} {:04}", rng.below(1000), rng.below(10000))),
        org: rng.pick(ORG).to_string(),
        title: rng.pick(TITLE).to_string(),
        street: format!("{} {}", rng.pick(STREET), 1 + rng.below(200)),
        postcode: format!(
            "{pc}{}",
            std::str::from_utf8(&letters).unwrap_or("AB").to_lowercase()
        ),
        city: city.to_string(),
        given,
        family,
    }
}

/// A vCard 3.0 file of `n` cards.
pub fn vcard_file(seed: u64, n: usize) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(n * 300);
    for i in 0..n {
        let p = person(&mut rng, i);
        let _ = write!(
            out,
            "BEGIN:VCARD\r\nVERSION:3.0\r\nN:{};{};;;\r\nFN:{} {}\r\nORG:{}\r\nTITLE:{}\r\n\
             TEL;TYPE=CELL:{}\r\nEMAIL;TYPE=INTERNET:{}\r\nADR;TYPE=WORK:;;{};{};;{};Nederland\r\n",
            p.family,
            p.given,
            p.given,
            p.family,
            p.org,
            p.title,
            p.mobile,
            p.email,
            p.street,
            p.city,
            p.postcode
        );
        if let Some(work) = &p.work {
            let _ = write!(out, "TEL;TYPE=WORK:{work}\r\n");
        }
        out.push_str("END:VCARD\r\n");
    }
    out.into_bytes()
}

/// The header of Google Contacts' current CSV layout, as far as the generator fills it.
pub const GOOGLE_HEADER: &str = "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address";

/// A Google Contacts CSV (current layout) of `n` rows.
pub fn google_csv(seed: u64, n: usize) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(n * 250);
    out.push_str(GOOGLE_HEADER);
    out.push_str("\r\n");
    for i in 0..n {
        let p = person(&mut rng, i);
        let _ = write!(
            out,
            "{},,{},,,,,,,,{},{},,,,,* myContacts,Work,{},Mobile,{},{},{},Work,,{},{},,,{},Nederland,\r\n",
            p.given,
            p.family,
            p.org,
            p.title,
            p.email,
            p.mobile,
            if p.work.is_some() { "Work" } else { "" },
            p.work.as_deref().unwrap_or(""),
            p.street,
            p.city,
            p.postcode
        );
    }
    out.into_bytes()
}

// ---------------------------------------------------------------------------------------------
// Duplicated corpora with known truth, for the matching engine.
// ---------------------------------------------------------------------------------------------

/// Formal given names with the familiar forms people go by (Dutch roepnamen and English).
const GIVEN_FORMAL: &[(&str, &[&str])] = &[
    ("Johannes", &["Jan", "Hans", "Johan"]),
    ("Cornelis", &["Kees", "Cor"]),
    ("Pieter", &["Piet"]),
    ("Elisabeth", &["Liesbeth", "Els", "Lisa"]),
    ("Maria", &["Mieke", "Marieke", "Ria"]),
    ("Hendrik", &["Henk"]),
    ("Willem", &["Wim"]),
    ("Jacobus", &["Jaap", "Koos"]),
    ("Catharina", &["Karin", "Tineke"]),
    ("Margaretha", &["Greet", "Margriet"]),
    ("Alexander", &["Alex", "Sander"]),
    ("Theodorus", &["Theo"]),
    ("Gerardus", &["Gerard", "Gert"]),
    ("Adrianus", &["Aad", "Arie"]),
    ("Antonius", &["Anton", "Toon"]),
    ("Nicolaas", &["Klaas", "Nico"]),
    ("Susanna", &["Suzanne", "Sanne"]),
    ("Robert", &["Bob", "Rob"]),
    ("William", &["Bill", "Will"]),
    ("Thomas", &["Tom"]),
    ("Michael", &["Mike"]),
    ("Richard", &["Rick"]),
    ("Christiaan", &["Chris"]),
    ("Frederik", &["Frits", "Freek"]),
];

/// Given names used as they are (most frequent first: picks favour the front).
const GIVEN_PLAIN: &[&str] = &[
    "Daan",
    "Emma",
    "Sem",
    "Julia",
    "Lucas",
    "Mila",
    "Levi",
    "Tess",
    "Finn",
    "Sophie",
    "Noah",
    "Zoë",
    "Milan",
    "Sara",
    "Bram",
    "Anna",
    "Thijs",
    "Lotte",
    "Ruben",
    "Evi",
    "Jesse",
    "Fleur",
    "Luuk",
    "Noor",
    "Stijn",
    "Lieke",
    "Tim",
    "Anouk",
    "Joost",
    "Femke",
    "Ruud",
    "Inge",
    "Marco",
    "Sandra",
    "Erik",
    "Monique",
    "Paul",
    "Esther",
    "Mark",
    "Linda",
    "Dennis",
    "Nicole",
    "Bas",
    "Marloes",
    "Jeroen",
    "Ilse",
    "Wouter",
    "Iris",
    "Martijn",
    "Judith",
    "Niels",
    "Eva",
    "Gijs",
    "Hanneke",
    "Koen",
    "Marleen",
    "Roel",
    "Mirjam",
    "Sjoerd",
    "Petra",
    "Floor",
    "Hidde",
    "Jelle",
    "Fatima",
    "Mohamed",
    "Ahmed",
    "Yasmin",
    "Mustafa",
    "Aisha",
    "Özlem",
    "Emre",
    "Priya",
    "Wei",
    "Olga",
    "Łukasz",
    "José",
    "Chloë",
    "Ibrahim",
    "Samira",
    "Youssef",
    "Khadija",
    "Anand",
    "Gert-Jan",
    "Jan-Willem",
    "Anne-Marie",
    "Willemijn",
    "Maarten",
    "Hester",
    "Diederik",
    "Annelies",
    "Lars",
    "Reinier",
    "Geert",
    "Wietske",
    "Sietske",
    "Hylke",
    "Jildou",
    "Douwe",
];

const PARTICLES: &[&str] = &[
    "", "", "", "", "", "", "de", "van", "van der", "van den", "van de", "ter", "ten", "van 't",
    "de la", "el",
];

/// Common family names (most frequent first).
const FAMILY_COMMON: &[&str] = &[
    "Jong",
    "Jansen",
    "Vries",
    "Berg",
    "Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "Boer",
    "Mulder",
    "Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Leeuwen",
    "Dekker",
    "Brouwer",
    "Wit",
    "Dijkstra",
    "Smits",
    "Graaf",
    "Linden",
    "Kok",
    "Jacobs",
    "Haan",
    "Vermeulen",
    "Heuvel",
    "Veen",
    "Broek",
    "Bruijn",
    "Bruin",
    "Heijden",
    "Schouten",
    "Beek",
    "Willems",
    "Vliet",
    "Ven",
    "Hoekstra",
    "Maas",
    "Verhoeven",
    "Koster",
    "Prins",
    "Blom",
    "Huisman",
    "Peeters",
    "Kuipers",
    "Postma",
    "Kuiper",
    "Veenstra",
    "Kramer",
    "Brink",
    "Scholten",
    "Wijk",
    "Post",
    "Martens",
    "Vink",
    "Yilmaz",
    "Öztürk",
    "El Amrani",
    "Nowak",
    "Kowalski",
    "Nguyen",
    "Singh",
    "Garcia",
    "Rossi",
    "Müller",
    "Schmidt",
    "Smith",
    "Jones",
    "Williams",
    "Brown",
    "Taylor",
];

/// Syllables for the long tail of family names (`Hoekstra`, `Veldkamp`, `Wateringa`, …).
const FAMILY_HEAD: &[&str] = &[
    "Hoek", "Veld", "Kamp", "Water", "Molen", "Berg", "Dijk", "Bosch", "Zand", "Steen", "Hout",
    "Brug", "Kerk", "Wind", "Groen", "Rood", "Blauw", "Zwart", "Wolf", "Vos", "Beer", "Haas",
    "Lam", "Kroon", "Ster", "Zon", "Maan", "Veen", "Horst", "Wijn", "Tuin", "Boom", "Linde", "Eik",
    "Es", "Riet", "Gras", "Heide", "Duin", "Zee", "Hof", "Burg", "Stad", "Dorp", "Huis", "Schuur",
    "Wagen", "Smed", "Timmer", "Bakel", "Koop", "Roos", "Lelie", "Klaver", "Meer",
];
const FAMILY_MID: &[&str] = &[
    "", "", "", "", "er", "en", "el", "e", "s", "ke", "de", "ter", "ver", "mol", "ge", "le",
];
const FAMILY_TAIL: &[&str] = &[
    "stra", "sma", "inga", "man", "mans", "kamp", "veld", "huis", "er", "ing", "ink", "werf",
    "hoven", "meijer", "dijk", "berg", "sen", "ema", "enga", "horst", "beek", "broek", "land",
];

const ORG_FORM: &[&str] = &[
    "",
    "",
    "Stichting ",
    "Gemeente ",
    "",
    "Vereniging ",
    "Zorggroep ",
];
const ORG_SUFFIX: &[&str] = &["", " B.V.", "", " N.V.", "", " Groep", " & Partners"];
const ORG_A: &[&str] = &[
    "Buurt", "Zorg", "Wijk", "Noord", "Zuid", "Oost", "West", "Groen", "Blauw", "Delta", "Polder",
    "Rivier", "Brug", "Haven", "Kompas", "Anker", "Horizon", "Vitaal", "Samen", "Sociaal",
    "Digitaal", "Helder", "Sterk", "Vrij", "Nieuw", "Oud", "Klein", "Groot", "Eerste", "Midden",
];
const ORG_B: &[&str] = &[
    "werk", "punt", "kracht", "huis", "team", "net", "lijn", "plein", "kring", "hulp", "zorg",
    "wijzer", "bouw", "data", "advies", "groep", "raad", "school", "academie", "lab",
];
const CITIES: &[&str] = &[
    "Amsterdam",
    "Rotterdam",
    "Den Haag",
    "Utrecht",
    "Eindhoven",
    "Groningen",
    "Tilburg",
    "Almere",
    "Breda",
    "Nijmegen",
    "Apeldoorn",
    "Haarlem",
    "Arnhem",
    "Enschede",
    "Amersfoort",
    "Zaanstad",
    "Den Bosch",
    "Zwolle",
    "Leiden",
    "Maastricht",
    "Dordrecht",
    "Ede",
    "Alkmaar",
    "Emmen",
    "Delft",
    "Deventer",
    "Venlo",
    "Leeuwarden",
    "Hilversum",
    "Heerlen",
];
const PROVIDERS: &[&str] = &[
    "gmail.com",
    "gmail.com",
    "hotmail.com",
    "ziggo.nl",
    "outlook.com",
    "kpnmail.nl",
    "icloud.com",
    "xs4all.nl",
    "live.nl",
    "planet.nl",
];

/// Index into a list of `len` favouring the front (a rough Zipf shape): common names are
/// common, the tail is long. With `u^1.5` the first of a hundred entries gets about 5 %.
fn skewed(rng: &mut Rng, len: usize) -> usize {
    let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    ((u * u.sqrt()) * len as f64) as usize % len.max(1)
}

/// One generated person of a duplicated corpus: everything any of their records may show.
#[derive(Debug, Clone)]
pub struct Someone {
    /// The formal given name, when the person goes by a familiar form of it.
    pub formal: Option<&'static str>,
    /// The name the person goes by.
    pub given: &'static str,
    pub particle: &'static str,
    pub family: String,
    pub birthday: Option<(u32, u32, u32)>,
    pub personal_email: Option<String>,
    pub work_email: Option<String>,
    /// Eight digits after `06`.
    pub mobile: u32,
    /// The organisation's switchboard (shared by everyone who works there), if listed.
    pub switchboard: Option<u32>,
    pub org: Option<usize>,
    pub title: &'static str,
    pub street: &'static str,
    pub number: u32,
    pub postcode: String,
    pub city: &'static str,
    pub linkedin: String,
}

/// The organisation with number `i`: its name and e-mail domain.
pub fn org_name(i: usize) -> (String, String) {
    let a = ORG_A[i % ORG_A.len()];
    let b = ORG_B[(i / ORG_A.len()) % ORG_B.len()];
    let round = i / (ORG_A.len() * ORG_B.len());
    let form = ORG_FORM[i % ORG_FORM.len()];
    let suffix = ORG_SUFFIX[(i / 7) % ORG_SUFFIX.len()];
    let place = if round == 0 {
        String::new()
    } else {
        format!(" {}", CITIES[round % CITIES.len()])
    };
    let core = format!("{a}{b}{place}");
    let domain = format!(
        "{}{}.nl",
        slug(&core),
        if round > 30 {
            round.to_string()
        } else {
            String::new()
        }
    );
    (format!("{form}{core}{suffix}"), domain)
}

/// Person `id` of a corpus with `seed`, among `persons` persons.
pub fn someone(seed: u64, id: u64, persons: u64) -> Someone {
    let mut rng = Rng::new(seed ^ id.wrapping_mul(0xA24B_AED4_963E_E407));
    rng.next_u64();
    let (formal, given) = if rng.chance(30) {
        let (f, nicks) = GIVEN_FORMAL[skewed(&mut rng, GIVEN_FORMAL.len())];
        if rng.chance(70) {
            (Some(f), nicks[rng.below(nicks.len())])
        } else {
            (None, f)
        }
    } else {
        (None, GIVEN_PLAIN[skewed(&mut rng, GIVEN_PLAIN.len())])
    };
    let particle = PARTICLES[rng.below(PARTICLES.len())];
    // In the Netherlands the hundred most common surnames cover about a tenth of the people;
    // the rest is a long tail (here some twenty thousand compounds).
    let family = if rng.chance(15) {
        FAMILY_COMMON[skewed(&mut rng, FAMILY_COMMON.len())].to_string()
    } else {
        let head = FAMILY_HEAD[rng.below(FAMILY_HEAD.len())];
        let mid = FAMILY_MID[rng.below(FAMILY_MID.len())];
        let tail = FAMILY_TAIL[rng.below(FAMILY_TAIL.len())];
        let mut f = format!("{head}{mid}{tail}");
        if rng.chance(20) {
            // A double name: `Hoekstra-Veldman`.
            let head2 = FAMILY_HEAD[rng.below(FAMILY_HEAD.len())];
            let tail2 = FAMILY_TAIL[rng.below(FAMILY_TAIL.len())];
            f = format!("{f}-{head2}{tail2}");
        }
        f
    };
    let orgs = (persons / 12).max(1) as usize;
    // Organisation sizes are skewed too, but less than names: the biggest employs a few percent.
    let org = rng.chance(80).then(|| {
        let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u) * orgs as f64) as usize % orgs
    });
    let g = slug(given);
    let fam = slug(&format!("{particle}{family}"));
    // A mail provider hands out every address once: the person's number keeps them unique.
    let personal_email = rng.chance(70).then(|| {
        let provider = PROVIDERS[rng.below(PROVIDERS.len())];
        match rng.below(3) {
            0 => format!("{g}.{fam}.{id}@{provider}"),
            1 => format!("{}{fam}{id}@{provider}", &g[..1.min(g.len())]),
            _ => format!("{g}{id}@{provider}"),
        }
    });
    // Work addresses follow the organisation's pattern; namesakes at one organisation can
    // collide, as they do in real life.
    let work_email = org.filter(|_| rng.chance(75)).map(|o| {
        let (_, domain) = org_name(o);
        if o % 2 == 0 {
            format!("{g}.{fam}@{domain}")
        } else {
            format!("{}.{fam}@{domain}", &g[..1.min(g.len())])
        }
    });
    let switchboard = org
        .filter(|_| rng.chance(25))
        .map(|o| 20_000_000 + (o as u32).wrapping_mul(7919) % 9_000_000);
    let birthday = rng.chance(60).then(|| {
        (
            1940 + rng.below(64) as u32,
            1 + rng.below(12) as u32,
            1 + rng.below(28) as u32,
        )
    });
    let letters = [b'A' + rng.below(26) as u8, b'A' + rng.below(26) as u8];
    Someone {
        formal,
        given,
        particle,
        family,
        birthday,
        personal_email,
        work_email,
        // 06-1 … 06-5: valid Dutch mobile ranges.
        mobile: 10_000_000 + (mix_id(seed, id) % 50_000_000) as u32,
        switchboard,
        org,
        title: TITLE[rng.below(TITLE.len())],
        street: STREET[rng.below(STREET.len())],
        number: 1 + rng.below(300) as u32,
        postcode: format!(
            "{} {}",
            1000 + rng.below(9000),
            std::str::from_utf8(&letters).unwrap_or("AB")
        ),
        city: CITIES[rng.below(CITIES.len())],
        linkedin: format!("{g}-{fam}-{:x}", mix_id(seed ^ 0x55, id) % 0xffff_ffff),
    }
}

fn mix_id(seed: u64, id: u64) -> u64 {
    let mut r = Rng::new(seed.wrapping_add(id.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
    r.next_u64()
}

/// One typing error: a letter replaced, dropped, doubled or swapped with the next.
fn typo(rng: &mut Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    if chars.len() < 3 {
        return s.to_string();
    }
    let i = 1 + rng.below(chars.len() - 2);
    match rng.below(4) {
        0 => chars[i] = (b'a' + rng.below(26) as u8) as char,
        1 => {
            chars.remove(i);
        }
        2 => chars.insert(i, chars[i]),
        _ => chars.swap(i, i + 1),
    }
    chars.into_iter().collect()
}

/// The source a record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// Google Contacts CSV: names split, e-mails, phones, organisation, address, birthday.
    Google,
    /// LinkedIn Connections: first and last name (particles sometimes in the first), profile,
    /// company, sometimes an e-mail.
    Linkedin,
    /// A Dutch member or phone list (`Voornaam;Tussenvoegsel;Achternaam;…`).
    Ledenlijst,
}

/// Header of the Google CSV written by [`duplicated_chunk`] (two e-mail and two phone groups).
pub const DUP_GOOGLE_HEADER: &str = "First Name,Middle Name,Last Name,Nickname,Organization Name,Organization Title,Birthday,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,Address 1 - Label,Address 1 - Street,Address 1 - City,Address 1 - Postal Code,Address 1 - Country";
/// Header of the LinkedIn Connections file written by [`duplicated_chunk`].
pub const DUP_LINKEDIN_HEADER: &str =
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On";
/// Header of the Dutch member list written by [`duplicated_chunk`].
pub const DUP_LEDEN_HEADER: &str = "Voornaam;Tussenvoegsel;Achternaam;Organisatie;Functie;E-mailadres;Telefoon;Mobiel;Straat;Huisnummer;Postcode;Woonplaats;Geboortedatum";

/// Generated export files of one chunk of a duplicated corpus, with the truth.
#[derive(Debug, Clone)]
pub struct Chunk {
    /// `(file name, bytes)`: a Google CSV, a LinkedIn CSV and a Dutch member list.
    pub files: Vec<(String, Vec<u8>)>,
    /// Per file, the person id of each data row in order (row `k` is record `k + 1`).
    pub truth: Vec<Vec<u64>>,
}

/// Records `first..first + count` of a corpus of `persons` persons. Record `r` belongs to a
/// person drawn from `r` (so persons have 0, 1, 2, … records, Poisson-like, and their records
/// land in any chunk) and comes from one of three sources; each record shows a noisy subset of
/// what its person has: nicknames or formal names, initials, typos in names, particles left out
/// or put in the first name, swapped given and family name, missing fields, phone numbers in
/// several formats, a shared `info@` address, switchboard numbers. The same arguments always
/// give the same bytes.
pub fn duplicated_chunk(seed: u64, first: usize, count: usize, persons: u64) -> Chunk {
    let mut google = String::from(DUP_GOOGLE_HEADER);
    google.push_str("\r\n");
    let mut linkedin = String::from(DUP_LINKEDIN_HEADER);
    linkedin.push_str("\r\n");
    let mut leden = String::from(DUP_LEDEN_HEADER);
    leden.push_str("\r\n");
    let mut truth = vec![Vec::new(), Vec::new(), Vec::new()];
    for r in first..first + count {
        let id = mix_id(seed ^ 0xC0FFEE, r as u64) % persons.max(1);
        let who = someone(seed, id, persons);
        let mut rng = Rng::new(mix_id(seed ^ 0xBEEF, r as u64));
        let flavour = match rng.below(100) {
            0..=44 => Flavour::Google,
            45..=69 => Flavour::Linkedin,
            _ => Flavour::Ledenlijst,
        };
        let rec = record(&mut rng, &who, flavour);
        match flavour {
            Flavour::Google => {
                google.push_str(&rec);
                truth[0].push(id);
            }
            Flavour::Linkedin => {
                linkedin.push_str(&rec);
                truth[1].push(id);
            }
            Flavour::Ledenlijst => {
                leden.push_str(&rec);
                truth[2].push(id);
            }
        }
    }
    Chunk {
        files: vec![
            (format!("google-{first}.csv"), google.into_bytes()),
            (format!("linkedin-{first}.csv"), linkedin.into_bytes()),
            (format!("leden-{first}.csv"), leden.into_bytes()),
        ],
        truth,
    }
}

/// One row of `flavour` for `who`, with noise, ending in CRLF.
fn record(rng: &mut Rng, who: &Someone, flavour: Flavour) -> String {
    // Given name: mostly as the person goes by it; sometimes formal, initials, or a typo.
    let mut given = match who.formal {
        Some(formal) if rng.chance(25) => formal.to_string(),
        _ => who.given.to_string(),
    };
    if rng.chance(4) && flavour != Flavour::Linkedin {
        given = format!("{}.", given.chars().next().unwrap_or('X'));
    } else if rng.chance(4) {
        given = typo(rng, &given);
    }
    let mut family = who.family.clone();
    if rng.chance(5) {
        family = typo(rng, &family);
    }
    let mut particle = who.particle.to_string();
    if !particle.is_empty() && rng.chance(5) {
        particle.clear();
    }
    if rng.chance(1) {
        std::mem::swap(&mut given, &mut family);
    }
    let mobile = match rng.below(4) {
        0 => format!("06-{:08}", who.mobile),
        1 => format!("+31 6 {:08}", who.mobile),
        2 => format!("06 {:04} {:04}", who.mobile / 10_000, who.mobile % 10_000),
        _ => format!("+316{:08}", who.mobile),
    };
    let switchboard = who.switchboard.map(|n| format!("0{n}"));
    let org = who.org.map(org_name);
    let birthday = who.birthday;
    let mut out = String::new();
    match flavour {
        Flavour::Google => {
            let last = if particle.is_empty() {
                family.clone()
            } else {
                format!("{particle} {family}")
            };
            let mut emails: Vec<String> = Vec::new();
            if let Some(e) = &who.personal_email {
                if rng.chance(70) {
                    emails.push(e.clone());
                }
            }
            if let Some(e) = &who.work_email {
                if rng.chance(60) {
                    emails.push(e.clone());
                }
            }
            if let Some((_, domain)) = &org {
                if emails.len() < 2 && rng.chance(5) {
                    emails.push(format!("info@{domain}"));
                }
            }
            let email = |i: usize| emails.get(i).cloned().unwrap_or_default();
            let phone1 = if rng.chance(80) {
                mobile
            } else {
                String::new()
            };
            let phone2 = if rng.chance(50) {
                switchboard.unwrap_or_default()
            } else {
                String::new()
            };
            let (org_name, title) = match &org {
                Some((name, _)) if rng.chance(70) => (name.clone(), who.title),
                _ => (String::new(), ""),
            };
            let bday = match birthday {
                Some((y, m, d)) if rng.chance(40) => format!("{y:04}-{m:02}-{d:02}"),
                _ => String::new(),
            };
            let with_addr = rng.chance(40);
            let _ = write!(
                out,
                "{given},,{last},,{org_name},{title},{bday},Work,{},Home,{},Mobile,{phone1},Work,{phone2},Home,{},{},{},{}\r\n",
                email(0),
                email(1),
                if with_addr { format!("{} {}", who.street, who.number) } else { String::new() },
                if with_addr { who.city } else { "" },
                if with_addr { who.postcode.as_str() } else { "" },
                if with_addr { "Nederland" } else { "" },
            );
        }
        Flavour::Linkedin => {
            // LinkedIn members often type the particle into the first-name box.
            let (first, last) = if !particle.is_empty() && rng.chance(30) {
                (format!("{given} {particle}"), family.clone())
            } else if particle.is_empty() {
                (given.clone(), family.clone())
            } else {
                (given.clone(), format!("{particle} {family}"))
            };
            let url = if rng.chance(90) {
                format!("https://www.linkedin.com/in/{}", who.linkedin)
            } else {
                String::new()
            };
            let email = if rng.chance(35) {
                who.personal_email
                    .clone()
                    .or_else(|| who.work_email.clone())
                    .unwrap_or_default()
            } else {
                String::new()
            };
            let (company, position) = match &org {
                Some((name, _)) if rng.chance(85) => (name.clone(), who.title),
                _ => (String::new(), ""),
            };
            let _ = write!(
                out,
                "{first},{last},{url},{email},{company},{position},{:02} Mar 20{:02}\r\n",
                1 + rng.below(28),
                10 + rng.below(15)
            );
        }
        Flavour::Ledenlijst => {
            let email = match (&who.personal_email, &who.work_email) {
                (Some(p), _) if rng.chance(50) => p.clone(),
                (_, Some(w)) if rng.chance(40) => w.clone(),
                _ => String::new(),
            };
            let phone = if rng.chance(30) {
                switchboard.unwrap_or_default()
            } else {
                String::new()
            };
            let mobile = if rng.chance(85) {
                mobile
            } else {
                String::new()
            };
            let org_name = match &org {
                Some((name, _)) if rng.chance(50) => name.clone(),
                _ => String::new(),
            };
            let bday = match birthday {
                Some((y, m, d)) if rng.chance(50) => format!("{d:02}-{m:02}-{y:04}"),
                _ => String::new(),
            };
            let with_addr = rng.chance(70);
            let _ = write!(
                out,
                "{given};{particle};{family};{org_name};{};{email};{phone};{mobile};{};{};{};{};{bday}\r\n",
                if org_name.is_empty() { "" } else { who.title },
                if with_addr { who.street } else { "" },
                if with_addr { who.number.to_string() } else { String::new() },
                if with_addr { who.postcode.as_str() } else { "" },
                if with_addr { who.city } else { "" },
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        assert_eq!(vcard_file(7, 50), vcard_file(7, 50));
        assert_ne!(vcard_file(7, 50), vcard_file(8, 50));
        assert_eq!(google_csv(7, 50), google_csv(7, 50));
    }

    #[test]
    fn duplicated_chunks_are_deterministic_and_carry_their_truth() {
        let a = duplicated_chunk(3, 0, 300, 150);
        let b = duplicated_chunk(3, 0, 300, 150);
        assert_eq!(a.files, b.files);
        assert_ne!(a.files, duplicated_chunk(4, 0, 300, 150).files);
        let rows: usize = a.truth.iter().map(Vec::len).sum();
        assert_eq!(rows, 300);
        for ((name, bytes), truth) in a.files.iter().zip(&a.truth) {
            let text = String::from_utf8(bytes.clone()).expect("utf-8");
            assert_eq!(text.lines().count(), truth.len() + 1, "{name}");
        }
        // Persons recur: fewer distinct persons than records.
        let mut ids: Vec<u64> = a.truth.concat();
        ids.sort_unstable();
        ids.dedup();
        assert!(ids.len() < 300 && ids.len() > 50, "{} persons", ids.len());
    }

    #[test]
    fn sizes_match_the_count() {
        let vcf = String::from_utf8(vcard_file(1, 123)).expect("utf-8");
        assert_eq!(vcf.matches("BEGIN:VCARD").count(), 123);
        let csv = String::from_utf8(google_csv(1, 123)).expect("utf-8");
        assert_eq!(csv.lines().count(), 124);
        let columns = GOOGLE_HEADER.split(',').count();
        for line in csv.lines() {
            assert_eq!(line.split(',').count(), columns, "line {line}");
        }
    }
}
