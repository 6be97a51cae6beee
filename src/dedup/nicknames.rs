//! Nicknames: which given names are short or familiar forms of one another.
//!
//! In: two given names, folded to ASCII lower case ([`crate::normalize::text::fold`]). Out:
//! whether one is a known nickname of the other (Hans / Johannes, Kees / Cornelis, Bob /
//! Robert, Liesbeth / Elisabeth, Mieke / Maria), in both directions.
//!
//! The table pairs a formal name with its familiar forms. The relation is formal ↔ familiar
//! only: Jan and Hans are both forms of Johannes, but a record saying `Jan` and another saying
//! `Hans` are rarely one person, so they do not match each other through Johannes. Two formal
//! spellings of one name (Elisabeth / Elizabeth) are listed as familiar forms of each other.
//!
//! It does not catch typos (the Jaro-Winkler levels do) or guess nicknames it does not know.

use super::prepare::Fx;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::LazyLock;

type Pairs = HashMap<&'static str, Vec<&'static str>, BuildHasherDefault<Fx>>;

/// `(formal name, familiar forms)`, folded. Dutch first, then English; a formal name may occur
/// more than once (Dutch and English nicknames of `elisabeth` in two rows).
const TABLE: &[(&str, &[&str])] = &[
    // Dutch (baptismal names and their roepnamen)
    (
        "johannes",
        &[
            "jan", "hans", "johan", "joop", "jo", "hannes", "jannes", "john", "jens",
        ],
    ),
    (
        "johanna",
        &["jo", "hanna", "jannie", "hannie", "joke", "anneke", "jopie"],
    ),
    (
        "cornelis",
        &[
            "kees",
            "cees",
            "cor",
            "corne",
            "neeltje",
            "neel",
            "cornelius",
        ],
    ),
    (
        "cornelia",
        &[
            "corrie", "cor", "cora", "nel", "nelly", "nellie", "lia", "cockie",
        ],
    ),
    ("pieter", &["piet", "peter", "pier", "piete"]),
    ("petrus", &["piet", "peter", "pieter", "pier"]),
    (
        "petronella",
        &["nel", "nelleke", "petra", "nellie", "nelly", "pietje"],
    ),
    (
        "elisabeth",
        &[
            "liesbeth",
            "lisa",
            "els",
            "elise",
            "bep",
            "betty",
            "beth",
            "lies",
            "elsbeth",
            "elizabeth",
            "liza",
            "ilse",
            "betsy",
        ],
    ),
    (
        "maria",
        &[
            "mieke", "marieke", "ria", "mia", "marie", "miep", "mary", "marijke", "rie", "maaike",
            "mies",
        ],
    ),
    (
        "jacobus",
        &["koos", "jaap", "sjaak", "cobus", "co", "jacob", "jack"],
    ),
    ("jacob", &["jaap", "koos", "sjaak", "jake", "jack", "cobus"]),
    ("jacoba", &["co", "coby", "coba", "bep", "jacqueline"]),
    (
        "hendrik",
        &[
            "henk", "hein", "rik", "henny", "harry", "hendrick", "henri", "henry",
        ],
    ),
    (
        "henricus",
        &["henk", "hein", "rik", "henny", "hendrik", "harry"],
    ),
    (
        "hendrika",
        &["riek", "rika", "henny", "hennie", "ina", "drika", "heintje"],
    ),
    ("willem", &["wim", "pim", "willy", "wil", "william"]),
    ("wilhelmus", &["wim", "willem", "pim", "willy", "wil"]),
    (
        "wilhelmina",
        &["mien", "wil", "willy", "mina", "wilma", "willemijn", "miep"],
    ),
    (
        "gerardus",
        &["gerrit", "gerard", "gert", "ger", "sjra", "geert"],
    ),
    ("gerrit", &["gert", "ger", "gerard", "geert"]),
    (
        "geertruida",
        &["truus", "trudy", "geertje", "trui", "gertrude"],
    ),
    (
        "adrianus",
        &["adriaan", "arie", "aad", "janus", "adrian", "ad"],
    ),
    ("adriaan", &["aad", "arie", "ad", "adrian"]),
    ("adriana", &["ada", "adrie", "jeanne", "janny", "sjaan"]),
    (
        "antonius",
        &["anton", "toon", "teun", "ton", "tony", "antoon", "anthony"],
    ),
    ("anthonie", &["toon", "teun", "ton", "tony", "anton"]),
    (
        "theodorus",
        &["theo", "dorus", "ted", "teddy", "theodoor", "door"],
    ),
    ("franciscus", &["frans", "frank", "cis", "sjef", "francis"]),
    (
        "josephus",
        &["joep", "jozef", "sjef", "joseph", "jos", "joe", "zef"],
    ),
    ("jozef", &["jos", "joep", "sjef", "joseph", "joe", "zef"]),
    (
        "nicolaas",
        &["klaas", "nico", "niek", "claus", "nicholas", "nick"],
    ),
    (
        "bernardus",
        &["ben", "bernard", "bert", "benno", "berend", "bernd"],
    ),
    ("albertus", &["albert", "bert", "ab", "appie"]),
    ("lambertus", &["bert", "lambert", "bertus"]),
    ("hubertus", &["huub", "bert", "hubert", "huib"]),
    ("martinus", &["martin", "tinus", "maarten", "tijn"]),
    (
        "catharina",
        &[
            "kaat", "karin", "tineke", "ina", "trijntje", "catrien", "katja", "cathy", "kate",
            "katie", "toos", "riny",
        ],
    ),
    (
        "margaretha",
        &[
            "greet", "margriet", "grietje", "marga", "greta", "margreet", "maggie", "margaret",
        ],
    ),
    (
        "helena",
        &["lenie", "leni", "heleen", "lena", "leen", "helen", "ellen"],
    ),
    (
        "susanna",
        &[
            "suus", "sanne", "susan", "suzanne", "sanna", "suzy", "sanneke",
        ],
    ),
    ("alexander", &["alex", "sander", "lex", "xander", "sasha"]),
    ("alexandra", &["alex", "sandra", "lexi", "sasha"]),
    ("christiaan", &["chris", "christian", "stijn"]),
    ("christianus", &["chris", "christiaan", "stijn"]),
    (
        "christina",
        &["chris", "stien", "tina", "christine", "tineke"],
    ),
    ("dirk", &["dick", "dik", "diederik"]),
    ("diederik", &["dirk", "dick", "dik"]),
    ("frederik", &["frits", "freek", "fred", "rik", "frederick"]),
    (
        "theresia",
        &["trees", "tessa", "terry", "tess", "resi", "thea"],
    ),
    (
        "anna",
        &["anneke", "annie", "ans", "anja", "anne", "an", "annet"],
    ),
    ("arnoldus", &["arnold", "arno", "noud", "nol"]),
    ("leonardus", &["leo", "leon", "leendert", "leen", "nard"]),
    ("gijsbertus", &["gijs", "bert", "gijsbert"]),
    ("gijsbert", &["gijs", "bert"]),
    ("rudolf", &["ruud", "rudi", "dolf", "roel", "rudolph"]),
    ("hermanus", &["herman", "manus", "harm"]),
    ("everhardus", &["evert", "eef", "everard"]),
    ("ludovicus", &["louis", "lodewijk", "lou", "wiek"]),
    ("lodewijk", &["louis", "lou", "ludo"]),
    ("augustinus", &["guus", "stijn", "gust"]),
    ("gustaaf", &["guus", "gust"]),
    ("constantijn", &["stijn", "constant", "tijn"]),
    ("matthijs", &["thijs", "mathijs", "matthew", "mattheus"]),
    ("mattheus", &["thijs", "matthijs", "teus"]),
    ("bartholomeus", &["bart", "bartel", "meeus"]),
    ("reinier", &["rein", "reinout"]),
    ("abraham", &["bram", "abe", "ab"]),
    ("emanuel", &["manuel", "manu", "manus"]),
    ("michiel", &["chiel", "giel", "michael"]),
    ("johanna", &["joan", "hanneke", "hanna"]),
    ("wilhelmina", &["willie", "ina"]),
    // English
    (
        "robert",
        &["bob", "rob", "bobby", "robbie", "bert", "robby"],
    ),
    ("richard", &["rick", "ricky", "dick", "rich", "richie"]),
    (
        "william",
        &["bill", "will", "billy", "willy", "liam", "willem"],
    ),
    ("thomas", &["tom", "thom", "tommy", "thijs"]),
    (
        "michael",
        &["mike", "mick", "mickey", "micky", "mikey", "michiel"],
    ),
    ("edward", &["ed", "eddie", "ted", "ned", "eddy"]),
    ("james", &["jim", "jimmy", "jamie", "jamey"]),
    ("john", &["jack", "johnny", "jon", "jan", "johannes"]),
    ("jonathan", &["jon", "jonny", "johnny", "nathan"]),
    ("benjamin", &["ben", "benny", "benji"]),
    ("daniel", &["dan", "danny", "daan", "dani"]),
    ("samuel", &["sam", "sammy", "sem"]),
    ("matthew", &["matt", "matty", "matthijs"]),
    ("nathaniel", &["nat", "nate", "nathan"]),
    ("patrick", &["pat", "paddy", "patty"]),
    ("stephen", &["steve", "stevie", "steph"]),
    ("steven", &["steve", "stevie"]),
    ("joseph", &["joe", "joey", "jos", "jozef"]),
    ("anthony", &["tony", "ton", "toon", "anton"]),
    ("kenneth", &["ken", "kenny"]),
    ("timothy", &["tim", "timmy"]),
    ("gregory", &["greg"]),
    ("jeffrey", &["jeff"]),
    ("andrew", &["andy", "drew"]),
    ("alexander", &["al", "alec", "sandy"]),
    ("christopher", &["chris", "kit", "topher"]),
    ("nicholas", &["nick", "nicky", "nico", "klaas"]),
    ("frederick", &["fred", "freddie", "freddy", "rick"]),
    ("henry", &["harry", "hank", "hal", "henk", "hendrik"]),
    ("charles", &["charlie", "chuck", "chas"]),
    ("lawrence", &["larry", "laurie"]),
    ("leonard", &["leo", "len", "lenny"]),
    ("raymond", &["ray"]),
    ("ronald", &["ron", "ronnie", "ronny"]),
    ("donald", &["don", "donnie"]),
    ("douglas", &["doug"]),
    ("gerald", &["gerry", "jerry"]),
    ("peter", &["pete", "piet", "pieter"]),
    ("philip", &["phil", "pip", "flip"]),
    ("phillip", &["phil", "pip"]),
    ("victor", &["vic"]),
    ("vincent", &["vince", "vin", "vinnie"]),
    ("zachary", &["zach", "zack"]),
    (
        "elizabeth",
        &[
            "liz",
            "lizzie",
            "beth",
            "betty",
            "eliza",
            "libby",
            "elisabeth",
            "liesbeth",
            "bess",
        ],
    ),
    (
        "margaret",
        &[
            "maggie", "meg", "peggy", "marge", "madge", "greta", "daisy", "margriet",
        ],
    ),
    (
        "catherine",
        &[
            "kate",
            "cathy",
            "kathy",
            "katie",
            "kay",
            "kitty",
            "cat",
            "catharina",
        ],
    ),
    ("katherine", &["kate", "kathy", "katie", "kay", "kitty"]),
    ("kathleen", &["kathy", "kate", "katie"]),
    ("barbara", &["barb", "babs", "barbie"]),
    ("deborah", &["debbie", "deb", "debby"]),
    ("jennifer", &["jen", "jenny", "jenni"]),
    ("patricia", &["pat", "patty", "trish", "tricia", "patsy"]),
    ("rebecca", &["becky", "becca", "bec"]),
    ("susan", &["sue", "susie", "suzy", "suus"]),
    ("victoria", &["vicky", "tori", "vic"]),
    ("jessica", &["jess", "jessie"]),
    ("abigail", &["abby", "gail"]),
    ("samantha", &["sam", "sammy"]),
    ("theresa", &["terry", "tess", "tessa", "trees"]),
    ("dorothy", &["dot", "dottie", "dolly"]),
    ("eleanor", &["ellie", "nell", "nora", "elly"]),
    ("helen", &["nell", "ellie", "lena"]),
    ("judith", &["judy", "jude"]),
    ("kimberly", &["kim"]),
    ("christine", &["chris", "chrissy", "tina"]),
    ("pamela", &["pam"]),
    ("sandra", &["sandy"]),
    ("amanda", &["mandy"]),
    ("mary", &["molly", "polly", "mae", "maria", "mia"]),
    ("anne", &["annie", "nan", "anneke"]),
    ("caroline", &["carrie", "carol", "caro"]),
    ("josephine", &["jo", "josie", "fien", "fenna"]),
    ("frances", &["fran", "frankie"]),
    ("virginia", &["ginny", "ginger"]),
];

/// Each folded name → the nicknames it pairs with (both directions), built once.
static PAIRS: LazyLock<Pairs> = LazyLock::new(|| {
    let mut map = Pairs::default();
    for (formal, familiar) in TABLE {
        for nick in *familiar {
            map.entry(formal).or_default().push(nick);
            map.entry(nick).or_default().push(formal);
        }
    }
    map
});

/// The names that `name` (folded) pairs with: its familiar forms, or the formal names it is a
/// familiar form of.
pub fn forms(name: &str) -> &'static [&'static str] {
    PAIRS.get(name).map(Vec::as_slice).unwrap_or(&[])
}

/// Whether `a` and `b` (folded given names) are a formal name and one of its familiar forms, in
/// either order. Equal names are not nicknames of each other (that is the exact level).
pub fn are_nicknames(a: &str, b: &str) -> bool {
    a != b && PAIRS.get(a).is_some_and(|list| list.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_both_directions() {
        // (a, b, nicknames?)
        const CASES: &[(&str, &str, bool)] = &[
            ("hans", "johannes", true),
            ("johannes", "hans", true),
            ("jan", "johannes", true),
            ("kees", "cornelis", true),
            ("cornelis", "kees", true),
            ("bob", "robert", true),
            ("robert", "bob", true),
            ("piet", "pieter", true),
            ("liesbeth", "elisabeth", true),
            ("mieke", "maria", true),
            ("bill", "william", true),
            ("liz", "elizabeth", true),
            ("elisabeth", "elizabeth", true),
            ("wim", "willem", true),
            // Two familiar forms of one formal name are not linked through it.
            ("jan", "hans", false),
            ("bob", "rob", false),
            // Same name: the exact level, not a nickname.
            ("jan", "jan", false),
            ("jan", "piet", false),
            ("", "jan", false),
            ("unknown", "name", false),
        ];
        for (a, b, want) in CASES {
            assert_eq!(are_nicknames(a, b), *want, "case {a:?} {b:?}");
        }
        assert!(forms("elisabeth").contains(&"liesbeth"));
        assert!(forms("liesbeth").contains(&"elisabeth"));
        assert!(forms("xyz").is_empty());
    }

    #[test]
    fn table_is_folded() {
        for (formal, familiar) in TABLE {
            for name in std::iter::once(formal).chain(familiar.iter()) {
                let folded = crate::normalize::text::fold(name);
                assert_eq!(&folded, name, "table entry {name:?} is not folded");
            }
        }
    }
}
