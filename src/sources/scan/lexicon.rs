//! Word lists the card-text extractor leans on: job titles, legal forms, words that mark an
//! organisation or a department, name particles and academic titles, country names.
//!
//! In: nothing. Out: sorted `&[&str]` tables, lower-case and without accents (compare against
//! `fold(word)`). They are general Dutch and English vocabulary, written from knowledge of
//! business cards, not copied from the card generator's lists: the generator uses titles that
//! only the suffix rules catch (`Wijkverpleegkundige`, `Jongerenwerker`), so the measured
//! accuracy says something about cards nobody tuned on.

/// Whole words that make a line a job title.
pub const TITLE_WORDS: &[&str] = &[
    "accountant",
    "adjunct",
    "administrateur",
    "administrator",
    "advisor",
    "advocaat",
    "agent",
    "ambassadeur",
    "ambassador",
    "ambtenaar",
    "analist",
    "analyst",
    "architect",
    "arts",
    "assistant",
    "assistent",
    "associate",
    "attorney",
    "auditor",
    "begeleider",
    "bemiddelaar",
    "bestuurder",
    "bestuurslid",
    "boekhouder",
    "burgemeester",
    "buyer",
    "casemanager",
    "cco",
    "ceo",
    "cfo",
    "chairman",
    "chairwoman",
    "chief",
    "cio",
    "cmo",
    "co-founder",
    "coach",
    "consulent",
    "consultant",
    "controller",
    "coo",
    "coordinator",
    "counsel",
    "counsellor",
    "counselor",
    "cto",
    "dean",
    "designer",
    "developer",
    "directeur",
    "directeur-bestuurder",
    "director",
    "directrice",
    "docent",
    "doctor",
    "editor",
    "eigenaar",
    "engineer",
    "evp",
    "executive",
    "fellow",
    "fotograaf",
    "founder",
    "functionaris",
    "geschaftsfuhrer",
    "griffier",
    "head",
    "hoofd",
    "hoogleraar",
    "huisarts",
    "ingenieur",
    "inkoper",
    "intern",
    "journalist",
    "jurist",
    "kwartiermaker",
    "lawyer",
    "lead",
    "lecturer",
    "leraar",
    "lerares",
    "makelaar",
    "manager",
    "mede-oprichter",
    "medewerker",
    "medewerkster",
    "mentor",
    "monteur",
    "notaris",
    "nurse",
    "officer",
    "ondernemer",
    "onderzoeker",
    "ontwerper",
    "ontwikkelaar",
    "operator",
    "oprichter",
    "owner",
    "partner",
    "penningmeester",
    "photographer",
    "physician",
    "planner",
    "president",
    "principal",
    "producer",
    "professor",
    "programmer",
    "programmeur",
    "projectleider",
    "promovendus",
    "psychiater",
    "psychiatrist",
    "psychologist",
    "psycholoog",
    "raadslid",
    "receptionist",
    "recruiter",
    "redacteur",
    "regisseur",
    "representative",
    "researcher",
    "scientist",
    "secretaresse",
    "secretaris",
    "secretary",
    "specialist",
    "stagiair",
    "stagiaire",
    "strategist",
    "student",
    "supervisor",
    "taxateur",
    "teacher",
    "technician",
    "therapeut",
    "therapist",
    "trainer",
    "treasurer",
    "verkoper",
    "vice-president",
    "volunteer",
    "voorzitter",
    "vp",
    "vrijwilliger",
    "werker",
    "wethouder",
    "woordvoerder",
    "writer",
];

/// Endings of Dutch compounds (and a few English words) that make a word a job title:
/// `beleidsadviseur`, `wijkverpleegkundige`, `jongerenwerker`, `teamleider`.
pub const TITLE_SUFFIXES: &[&str] = &[
    "adviseur",
    "adviseuse",
    "assistent",
    "begeleider",
    "coach",
    "consulent",
    "consultant",
    "coordinator",
    "designer",
    "deskundige",
    "developer",
    "directeur",
    "engineer",
    "kundige",
    "leider",
    "manager",
    "medewerker",
    "medewerkster",
    "officer",
    "ontwikkelaar",
    "secretaris",
    "specialist",
    "therapeut",
    "trainer",
    "voorzitter",
    "werker",
];

/// Words that only qualify a title; a line of nothing but these is not a title.
pub const TITLE_MODIFIERS: &[&str] = &[
    "algemeen",
    "deputy",
    "executive",
    "general",
    "interim",
    "jr",
    "junior",
    "managing",
    "medior",
    "operationeel",
    "senior",
    "sr",
    "waarnemend",
];

/// Legal forms, compared word by word after folding (`B.V.` → `b.v.`; both spellings listed).
pub const LEGAL_FORMS: &[&str] = &[
    "a/s",
    "ab",
    "ag",
    "b.v.",
    "bv",
    "bvba",
    "c.v.",
    "cooperatie",
    "corp",
    "corp.",
    "gmbh",
    "inc",
    "inc.",
    "limited",
    "llc",
    "llp",
    "ltd",
    "ltd.",
    "n.v.",
    "nv",
    "plc",
    "s.a.",
    "sarl",
    "srl",
    "stichting",
    "u.a.",
    "v.o.f.",
    "vereniging",
    "vof",
    "vzw",
];

/// Words that mark an organisation's name (institutions and trades) though they are not a
/// legal form.
pub const ORG_WORDS: &[&str] = &[
    "academie",
    "academy",
    "accountants",
    "advies",
    "adviesbureau",
    "advocaten",
    "agency",
    "apotheek",
    "architecten",
    "associates",
    "association",
    "bank",
    "bureau",
    "center",
    "centre",
    "centrum",
    "college",
    "company",
    "consultancy",
    "consulting",
    "diensten",
    "foundation",
    "gemeente",
    "ggd",
    "ggz",
    "groep",
    "group",
    "hogeschool",
    "holding",
    "institute",
    "instituut",
    "international",
    "kantoor",
    "labs",
    "makelaardij",
    "ministerie",
    "notarissen",
    "partners",
    "politie",
    "praktijk",
    "provincie",
    "school",
    "services",
    "society",
    "solutions",
    "studio",
    "systems",
    "technologies",
    "uitgeverij",
    "universiteit",
    "university",
    "waterschap",
    "wijkteam",
    "ziekenhuis",
    "zorggroep",
];

/// Words that open a department line.
pub const DEPARTMENT_WORDS: &[&str] = &[
    "afd.",
    "afdeling",
    "cluster",
    "department",
    "dept",
    "dept.",
    "dienst",
    "directie",
    "divisie",
    "division",
    "sector",
    "unit",
];

/// Particles of family names, lower case (`van der Berg`, `'t Hart`, `El Amrani` is a name).
pub const PARTICLES: &[&str] = &[
    "'t", "al", "d'", "da", "das", "de", "del", "della", "den", "der", "des", "di", "do", "dos",
    "du", "het", "in", "la", "le", "op", "te", "ten", "ter", "van", "von", "zu",
];

/// Titles written before a name (`dr.`, `ir.`, `mr.`) and after it (`MSc`, `PhD`).
pub const HONORIFICS: &[&str] = &[
    "ba", "bc.", "bsc", "dr", "dr.", "drs", "drs.", "ds.", "ing", "ing.", "ir", "ir.", "jr", "jr.",
    "llm", "ma", "mba", "md", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "msc", "phd", "prof",
    "prof.", "ra", "sr", "sr.",
];

/// Country names as cards print them, with their ISO 3166-1 code.
pub const COUNTRIES: &[(&str, &str)] = &[
    ("belgie", "BE"),
    ("belgique", "BE"),
    ("belgium", "BE"),
    ("deutschland", "DE"),
    ("duitsland", "DE"),
    ("england", "GB"),
    ("france", "FR"),
    ("frankrijk", "FR"),
    ("germany", "DE"),
    ("great britain", "GB"),
    ("holland", "NL"),
    ("nederland", "NL"),
    ("netherlands", "NL"),
    ("the netherlands", "NL"),
    ("united kingdom", "GB"),
    ("uk", "GB"),
    ("usa", "US"),
    ("united states", "US"),
    ("verenigd koninkrijk", "GB"),
];

/// Mail and web hosts that say nothing about the organisation.
pub const FREE_MAIL: &[&str] = &[
    "gmail",
    "gmx",
    "googlemail",
    "home",
    "hotmail",
    "icloud",
    "kpnmail",
    "live",
    "me",
    "outlook",
    "planet",
    "proton",
    "protonmail",
    "quicknet",
    "xs4all",
    "yahoo",
    "ziggo",
];

/// Lower-case, accents removed: `Coördinator` → `coordinator`, `B.V.` → `b.v.`.
pub fn fold(word: &str) -> String {
    deunicode::deunicode(word).to_lowercase()
}

/// Whether `folded` is a job-title word: listed whole, a title head on its own (`adviseur`),
/// or a compound ending in one (`beleidsadviseur`). A compound needs at least three letters
/// before the head, so that `Keleider` is no title.
pub fn is_title_word(folded: &str) -> bool {
    let w = folded.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
    if w.is_empty() {
        return false;
    }
    if TITLE_WORDS.binary_search(&w).is_ok() {
        return true;
    }
    TITLE_SUFFIXES
        .iter()
        .any(|s| w == *s || (w.len() >= s.len() + 3 && w.ends_with(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_for_binary_search() {
        for (name, table) in [
            ("TITLE_WORDS", TITLE_WORDS),
            ("LEGAL_FORMS", LEGAL_FORMS),
            ("ORG_WORDS", ORG_WORDS),
            ("DEPARTMENT_WORDS", DEPARTMENT_WORDS),
            ("PARTICLES", PARTICLES),
            ("HONORIFICS", HONORIFICS),
            ("TITLE_MODIFIERS", TITLE_MODIFIERS),
            ("FREE_MAIL", FREE_MAIL),
        ] {
            let mut sorted = table.to_vec();
            sorted.sort_unstable();
            assert_eq!(sorted, table, "{name} must be sorted");
        }
    }

    const TITLES: &[(&str, bool)] = &[
        ("directeur", true),
        ("beleidsadviseur", true),
        ("wijkverpleegkundige", true),
        ("jongerenwerker", true),
        ("teamleider", true),
        ("coordinator", true),
        ("manager", true),
        ("utrecht", false),
        ("werker", true),
        ("keleider", false),
        ("stichting", false),
        ("jansen", false),
    ];

    #[test]
    fn title_words() {
        for (word, want) in TITLES {
            assert_eq!(is_title_word(word), *want, "case {word}");
        }
    }
}
