//! `who` ranking through the library, on an index built by hand: exact words before prefixes
//! before typos, names before organisations and titles, whole names first, exact e-mail and
//! phone lookups on top, people only history knows below current ones, ties by name then id.

// clippy's allow-unwrap-in-tests covers #[test] functions only, not the helpers they share.
#![allow(clippy::unwrap_used)]

use netwerk_import::model::{Contact, Name, Org, RawContact, Source, SourceKind, Value};
use netwerk_import::query::search::{self, Options};
use netwerk_import::store::{Decision, FileInput, Index, RecordInput, RunInput};

fn value(v: &str, original: &str) -> Value {
    Value {
        value: v.to_string(),
        original: original.to_string(),
        label: None,
    }
}

/// `Given|particles family|email|phone|org|title`, empty parts left out.
fn record(ordinal: u32, spec: &str) -> RecordInput {
    let p: Vec<&str> = spec.split('|').collect();
    let source = Source {
        path: "people.vcf".to_string(),
        kind: SourceKind::Vcard,
        record: ordinal,
        line: Some(ordinal),
    };
    let raw = RawContact::new(source.clone(), spec.to_string());
    let mut c = Contact::empty(source);
    let (given, family) = (p[0], p[1]);
    c.name = Name {
        full: Some(format!("{given} {family}").trim().to_string()),
        given: Some(given.to_string()).filter(|g| !g.is_empty()),
        family: Some(family.to_string()).filter(|f| !f.is_empty()),
        ..Name::default()
    };
    if !p[2].is_empty() {
        c.emails.push(value(p[2], p[2]));
    }
    if !p[3].is_empty() {
        let (e164, original) = p[3].split_once('=').unwrap();
        c.phones.push(value(e164, original));
    }
    if !p[4].is_empty() {
        c.orgs.push(Org {
            name: p[4].to_string(),
            key: p[4].to_lowercase(),
            original: p[4].to_string(),
            ..Org::default()
        });
    }
    if !p[5].is_empty() {
        c.titles.push(value(p[5], p[5]));
    }
    RecordInput { raw, contact: c }
}

const PEOPLE: &[&str] = &[
    "Jan|van der Berg|jan@buurt.nl|+31612345678=06-12345678|Stichting Buurtzorg|Coördinator",
    "Jan|Bakker|jan.bakker@x.nl||Gemeente Utrecht|",
    "Anna|van der Berg|anna@x.nl|||Jan's collega",
    "Piet|Jansen|piet@x.nl||Buurtzorg Oost|",
    "Karin|Bergman|karin@x.nl|||",
    "Jan|Berg|jan.berg@x.nl|||",
    "Els|van den Bosch|els@x.nl||Jan Pieterse B.V.|",
    "Özlem|Öztürk|ozlem@x.nl|||Ervaringsdeskundige",
];

fn index_of(people: &[&str]) -> (tempfile::TempDir, Index) {
    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(&dir.path().join("index.db")).unwrap();
    let mut f = FileInput::new("people.vcf", "h1", 1, SourceKind::Vcard);
    f.records = people
        .iter()
        .enumerate()
        .map(|(i, s)| record(i as u32 + 1, s))
        .collect();
    index
        .apply(RunInput::new("2026-12-01T00:00:00Z", "test", vec![f]))
        .unwrap();
    (dir, index)
}

/// `Name score` per hit.
fn ranked(index: &Index, query: &str) -> Vec<String> {
    let hits = search::search(index, query, &Options::default()).unwrap();
    let ids: Vec<String> = hits.iter().map(|h| h.id.clone()).collect();
    let rows = index.search_rows(&ids).unwrap();
    hits.iter()
        .zip(rows)
        .map(|(h, r)| format!("{} {}", r.name.lines().next().unwrap_or(""), h.score))
        .collect()
}

#[test]
fn ranking() {
    let (_dir, index) = index_of(PEOPLE);
    // (query, expected ranking as `Name score`)
    let cases: &[(&str, &[&str])] = &[
        // A given name exactly before a family name that starts with it.
        (
            "jan",
            &[
                "Jan Bakker 1000",
                "Jan Berg 1000",
                "Jan van der Berg 1000",
                "Piet Jansen 800",
                // Jan only in an organisation or a title.
                "Els van den Bosch 700",
                "Anna van der Berg 500",
            ],
        ),
        // A whole name typed as the person has it comes first; particles count a little.
        (
            "Jan van der Berg",
            // Anna's title mentions a Jan: far below.
            &[
                "Jan van der Berg 1600",
                "Jan Berg 1000",
                "Anna van der Berg 850",
            ],
        ),
        (
            "jan berg",
            &[
                "Jan Berg 1500",
                "Jan van der Berg 1000",
                "Anna van der Berg 750",
            ],
        ),
        (
            "vd berg",
            &[
                "Anna van der Berg 1000",
                "Jan Berg 1000",
                "Jan van der Berg 1000",
                "Karin Bergman 800",
            ],
        ),
        (
            "vanderberg",
            &["Anna van der Berg 1000", "Jan van der Berg 1000"],
        ),
        // Exact word, then prefix; a typo only when nothing else is found.
        (
            "berg",
            &[
                "Anna van der Berg 1000",
                "Jan Berg 1000",
                "Jan van der Berg 1000",
                "Karin Bergman 800",
            ],
        ),
        ("bakk", &["Jan Bakker 800"]),
        ("bakkr", &["Jan Bakker 600"]),
        ("bakekr", &["Jan Bakker 600"]),
        ("jna bakker", &["Jan Bakker 800"]),
        ("ozturk", &["Özlem Öztürk 1000"]),
        ("Öztürk", &["Özlem Öztürk 1000"]),
        // Organisations and titles weigh less than names.
        ("buurtzorg", &["Jan van der Berg 700", "Piet Jansen 700"]),
        ("coordinator", &["Jan van der Berg 500"]),
        // Exact e-mail and phone lookups score 2000.
        ("jan@buurt.nl", &["Jan van der Berg 2000"]),
        ("+31 6 1234 5678", &["Jan van der Berg 2000"]),
        ("0612345678", &["Jan van der Berg 2000"]),
        // Part of an e-mail that is also the whole name.
        ("jan.bakker", &["Jan Bakker 1500"]),
        // No one matches every word: those matching at least half.
        (
            "jan zebedeus",
            &[
                "Jan Bakker 500",
                "Jan Berg 500",
                "Jan van der Berg 500",
                "Piet Jansen 400",
                "Els van den Bosch 350",
                "Anna van der Berg 250",
            ],
        ),
        ("zebedeus", &[]),
    ];
    let mut wrong = Vec::new();
    for (query, want) in cases {
        let got = ranked(&index, query);
        if got != *want {
            wrong.push(format!("case {query:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn people_only_history_knows_rank_below_current_ones() {
    let first = "Jan|Berg|jan.berg@x.nl|||";
    let (_dir, mut index) = index_of(&[first, "Jan|Berg|jan.berg@elders.nl|||"]);
    // Same name and `jan.berg@` at two domains: the matching engine rightly takes them for one
    // person. Here they are two namesakes, which the user tells the index.
    let ids: Vec<String> = index.persons().unwrap().into_iter().map(|p| p.id).collect();
    let [one] = ids.as_slice() else {
        panic!("the engine kept the two Jan Bergs apart: {ids:?}");
    };
    index
        .decide(
            &Decision::Unmerge(one.clone()),
            None,
            "2026-12-01T00:00:00Z",
            "test",
        )
        .unwrap();
    assert_eq!(index.persons().unwrap().len(), 2);
    // The second Jan Berg disappears from the file: retired, kept in history.
    let mut f = FileInput::new("people.vcf", "h2", 1, SourceKind::Vcard);
    f.records = vec![record(1, first)];
    index
        .apply(RunInput::new("2026-12-02T00:00:00Z", "test", vec![f]))
        .unwrap();
    let hits = search::search(&index, "jan berg", &Options::default()).unwrap();
    let shown: Vec<(u32, bool)> = hits.iter().map(|h| (h.score, h.retired)).collect();
    assert_eq!(shown, [(1500, false), (1350, true)]);
    // The retired one is still found by what only history gives.
    let hits = search::search(&index, "jan.berg@elders.nl", &Options::default()).unwrap();
    assert_eq!(hits.len(), 1);
    assert!(hits[0].retired);
}

#[test]
fn the_limit_and_ties_are_deterministic() {
    let people: Vec<String> = (0..30)
        .map(|i| format!("Jan|Smit{i:02}|jan{i}@x.nl|||"))
        .collect();
    let refs: Vec<&str> = people.iter().map(String::as_str).collect();
    let (_dir, index) = index_of(&refs);
    let opts = Options {
        limit: 5,
        ..Options::default()
    };
    let hits = search::search(&index, "jan", &opts).unwrap();
    assert_eq!(hits.len(), 5);
    let ids: Vec<String> = hits.iter().map(|h| h.id.clone()).collect();
    let names: Vec<String> = index
        .search_rows(&ids)
        .unwrap()
        .iter()
        .map(|r| r.name.lines().next().unwrap_or("").to_string())
        .collect();
    // Equal scores: by name.
    assert_eq!(
        names,
        [
            "Jan Smit00",
            "Jan Smit01",
            "Jan Smit02",
            "Jan Smit03",
            "Jan Smit04"
        ]
    );
    assert_eq!(
        search::search(&index, "jan", &opts).unwrap(),
        hits,
        "the same every time"
    );
}
