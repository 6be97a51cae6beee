//! vCard 4.0 export: parses back with vcard4 and calcard, escapes every value, golden snapshot.

mod export_support;

use export_support::*;
use netwerk_import::export::{self, Format};
use netwerk_import::model::Person;

fn vcf(persons: &[Person]) -> String {
    let mut out = Vec::new();
    export::write(Format::Vcard, persons, &mut out).expect("writing to a Vec");
    String::from_utf8(out).expect("vCard is UTF-8")
}

/// The text of an extension property as parsed (Display would escape it again).
fn ext_text(e: &vcard4::property::ExtensionProperty) -> String {
    match &e.value {
        vcard4::property::AnyProperty::Text(t) => t.clone(),
        other => panic!("{} is not text: {other:?}", e.name),
    }
}

fn texts<'a>(props: impl Iterator<Item = &'a vcard4::property::TextProperty>) -> Vec<&'a str> {
    props.map(|p| p.value.as_str()).collect()
}

#[test]
fn vcard4_parses_every_card_strictly() {
    let persons = persons();
    let cards = vcard4::parse(vcf(&persons)).expect("strict RFC 6350 parse");
    assert_eq!(cards.len(), persons.len());
    for (card, person) in cards.iter().zip(&persons) {
        let uid = card.uid.as_ref().map(|u| u.to_string());
        assert_eq!(uid.as_deref(), Some(person.id.as_str()));
        assert!(card.validate().is_ok());
    }
}

#[test]
fn jan_has_every_value() {
    let cards = vcard4::parse(vcf(&[jan()])).expect("parses");
    let card = &cards[0];
    assert_eq!(texts(card.formatted_name.iter()), ["Jan van der Berg"]);
    assert_eq!(
        card.name.as_ref().map(|n| n.value.clone()),
        Some(vec![
            "van der Berg".to_string(),
            "Jan".into(),
            String::new(),
            "drs.".into(),
            String::new()
        ])
    );
    assert_eq!(
        texts(card.email.iter()),
        ["j.vdberg@gmail.com", "jan@voorbeeld.nl"]
    );
    let tels: Vec<String> = card.tel.iter().map(|t| t.to_string()).collect();
    assert_eq!(tels, ["tel:+31612345678", "tel:+31302345678"]);
    assert_eq!(
        texts(card.title.iter()),
        ["Coördinator ervaringsdeskundigheid", "Coördinator"]
    );
    let orgs: Vec<Vec<String>> = card.org.iter().map(|o| o.value.clone()).collect();
    assert_eq!(
        orgs,
        [vec![
            "Stichting Voorbeeld".to_string(),
            "Ervaringsdeskundigheid".into()
        ]]
    );
    assert_eq!(
        card.bday.as_ref().map(|b| b.to_string()).as_deref(),
        Some("19800501")
    );
    let names: Vec<(&str, String)> = card
        .extensions
        .iter()
        .map(|e| (e.name.as_str(), ext_text(e)))
        .collect();
    assert!(names.contains(&("X-NETWERK-NAME", "Jan v.d. Berg".into())));
    assert!(names.contains(&(
        "X-NETWERK-SOURCE",
        "scan scans/2026-10-03 Congres/IMG_0012.jpg#1".into()
    )));
}

#[test]
fn phone_types_come_from_labels() {
    let text = vcf(&[jan()]);
    let unfolded = text.replace("\r\n ", "");
    assert!(unfolded.contains("TEL;VALUE=uri;TYPE=cell:tel:+31612345678\r\n"));
    assert!(unfolded.contains("TEL;VALUE=uri;TYPE=work,fax:tel:+31302345678\r\n"));
    assert!(unfolded.contains("EMAIL;TYPE=home:j.vdberg@gmail.com\r\n"));
    assert!(unfolded.contains("X-SOCIALPROFILE;TYPE=\"twitter\":https://twitter.com/janvdb\r\n"));
    assert!(unfolded.contains("UID;VALUE=text:p-0a1b2c3d4e5f\r\n"));
}

#[test]
fn a_year_less_birthday_is_written_without_a_year() {
    let mut p = zoe();
    p.records
        .retain(|r| r.source.path == "exports/outlook-nl.csv");
    let text = vcf(&[p]);
    assert!(text.contains("\r\nBDAY:--0714\r\n"), "{text}");
}

#[test]
fn conflicting_birthdays_are_all_kept() {
    // The old vCard is trusted most (90 > Google's 85): its birthday is shown.
    let text = vcf(&[zoe()]);
    assert!(text.contains("\r\nBDAY:19910714\r\n"), "{text}");
    assert!(text.contains("\r\nX-NETWERK-BDAY:1990-07-14\r\n"), "{text}");
    assert!(text.contains("\r\nX-NETWERK-BDAY:--07-14\r\n"), "{text}");
    assert!(
        text.contains("\r\nX-NETWERK-NAME:Zoë de Wit-Ünal\r\n"),
        "{text}"
    );
}

#[test]
fn injection_stays_inside_its_property() {
    let text = vcf(&[mallory()]);
    let cards = vcard4::parse(&text).expect("strict parse of hostile values");
    assert_eq!(cards.len(), 1, "a NOTE must not open a second card");
    let card = &cards[0];
    let want_note = INJECTED_NOTE.replace("\r\n", "\n");
    assert_eq!(texts(card.note.iter()), [want_note.as_str()]);
    assert_eq!(
        texts(card.formatted_name.iter()),
        ["=HYPERLINK(\"http://evil.example\",\"klik\")"]
    );
    assert_eq!(
        texts(card.nickname.iter()),
        ["komma, puntkomma; dubbele: punt \\ backslash"]
    );
    // Structured values: vcard4's parser splits N, ORG and ADR on `;` after unescaping, so
    // their components are checked with calcard (our reader's library) instead.
    let structured = calcard_structured(&text);
    assert_eq!(
        structured,
        [
            (
                "N",
                vec!["+cmd|' /C calc'!A0", "@SUM(A1:A9)", "", "-cmd", "a;b,c"]
            ),
            (
                "ADR",
                vec!["", "", "Straat 1;\nEND:VCARD", "Stad,", "", "", ""]
            ),
            ("ORG", vec!["Evil; Inc., Ltd: Co", "R&D\nEND:VCARD"]),
        ]
        .map(|(k, v)| (
            k.to_string(),
            v.into_iter().map(str::to_string).collect::<Vec<_>>()
        )),
        "every ; , : and newline stays inside its component; controls are dropped"
    );
    // The hostile social label is no TYPE at all, and the source path keeps its punctuation.
    assert!(!text.contains("evil\""));
    let source = card
        .extensions
        .iter()
        .find(|e| e.name == "X-NETWERK-SOURCE")
        .map(ext_text);
    assert_eq!(
        source.as_deref(),
        Some("csv:generic hostile,path;with:colons #1.csv#1")
    );
    // Non-dates and non-URIs are kept as text.
    assert_eq!(
        card.bday.as_ref().map(|b| b.to_string()).as_deref(),
        Some("=1+1")
    );
    let urls: Vec<String> = card.url.iter().map(|u| u.value.to_string()).collect();
    assert_eq!(urls, ["https://voorbeeld.nl/%C3%A9%C3%A9n%20pagina"]);
    assert!(card
        .extensions
        .iter()
        .any(|e| e.name == "X-NETWERK-URL" && ext_text(e) == "geen url"));
}

/// (property, components) of the N, ADR and ORG properties of the first card, read by calcard.
fn calcard_structured(text: &str) -> Vec<(String, Vec<String>)> {
    use calcard::vcard::VCardProperty as P;
    let mut parser = calcard::Parser::new(text);
    let calcard::Entry::VCard(card) = parser.entry() else {
        panic!("calcard could not read the card");
    };
    [(P::N, "N"), (P::Adr, "ADR"), (P::Org, "ORG")]
        .into_iter()
        .filter_map(|(p, name)| {
            card.property(&p).map(|e| {
                let parts = e
                    .values
                    .iter()
                    .map(|v| v.as_text().unwrap_or_default().to_string())
                    .collect();
                (name.to_string(), parts)
            })
        })
        .collect()
}

/// Our own reader reads vCards with calcard: it must see the same values.
#[test]
fn calcard_reads_the_same_cards() {
    let persons = persons();
    let text = vcf(&persons);
    let mut parser = calcard::Parser::new(&text);
    let mut cards = Vec::new();
    loop {
        match parser.entry() {
            calcard::Entry::VCard(card) => cards.push(card),
            calcard::Entry::Eof => break,
            other => panic!("calcard could not read our output: {other:?}"),
        }
    }
    assert_eq!(cards.len(), persons.len());
    let mallory = &cards[3];
    let notes: Vec<&str> = mallory
        .properties(&calcard::vcard::VCardProperty::Note)
        .filter_map(|e| e.values.first().and_then(|v| v.as_text()))
        .collect();
    assert_eq!(notes, [INJECTED_NOTE.replace("\r\n", "\n")]);
    let fns: Vec<&str> = cards
        .iter()
        .filter_map(|c| c.property(&calcard::vcard::VCardProperty::Fn))
        .filter_map(|e| e.values.first().and_then(|v| v.as_text()))
        .collect();
    assert_eq!(
        fns,
        [
            "Jan van der Berg",
            "Zoë de Wit",
            "onbekend@example.org",
            "=HYPERLINK(\"http://evil.example\",\"klik\")"
        ]
    );
}

#[test]
fn lines_are_crlf_and_folded_at_75_octets() {
    let text = vcf(&persons());
    assert!(text.ends_with("END:VCARD\r\n"));
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "line of {} octets: {line:?}", line.len());
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "bare line end in {line:?}"
        );
    }
}

#[test]
fn snapshot() {
    // CRLF shown as LF: insta normalises line ends; the test above checks them.
    insta::assert_snapshot!(vcf(&persons()).replace("\r\n", "\n"));
}
