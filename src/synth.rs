//! Seeded generator of realistic contact exports, for benchmarks and scale tests.
//!
//! In: a seed and a count. Out: the bytes of a vCard 3.0 file or a Google Contacts CSV (current
//! layout) with Dutch and international names, particles, organisations with legal forms,
//! Dutch mobile and landline numbers, addresses with postcodes. The same seed always gives the
//! same bytes. It does not model duplicates or typos yet (the matching engine's generator will).

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
        mobile: format!("06-{:08}", 10_000_000 + (i * 7919) % 89_999_999),
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
