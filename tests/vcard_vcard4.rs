//! The reader on what our own exporter writes: vCard 4.0 from the `vcard4` crate (CRLF,
//! lines folded at 75 octets inside multi-byte text, `TEL;VALUE=uri:tel:…`, `X-` properties
//! for provenance). Whatever vcard4 writes must come back with the same values.

use netwerk_import::sources::vcard;

/// A 4.0 card as the exporter means it; vcard4 parses it and writes it out again, so the test
/// reads vcard4's own output, folding and all.
const EXPORTED: &str = "BEGIN:VCARD\r\n\
VERSION:4.0\r\n\
FN:Jan van der Berg\r\n\
N:van der Berg;Jan;;;\r\n\
NICKNAME:Jan\r\n\
TITLE:Coördinator ervaringsdeskundigheid en herstelondersteunende zorg in de regio\r\n\
ORG:Stichting Voorbeeld\r\n\
TEL;VALUE=uri;TYPE=cell:tel:+31612345678\r\n\
EMAIL;TYPE=work:jan@voorbeeld.nl\r\n\
URL:https://www.linkedin.com/in/janvdberg\r\n\
ADR;TYPE=work:;;Oudegracht 12;Utrecht;;3511 AB;NL\r\n\
X-NETWERK-ID:p-0123456789ab\r\n\
X-NETWERK-SOURCE:scans/2026-10-03 Congres/IMG_0012.jpg\r\n\
END:VCARD\r\n";

#[test]
fn reads_what_vcard4_writes() {
    let cards = vcard4::parse(EXPORTED).expect("vcard4 reads the exporter's card");
    let written: String = cards.iter().map(ToString::to_string).collect();
    let read = vcard::read("export.vcf", written.as_bytes());
    assert!(read.diagnostics.is_empty(), "{:#?}", read.diagnostics);
    assert_eq!(read.contacts.len(), 1);
    let c = &read.contacts[0];
    assert_eq!(c.name.full.as_deref(), Some("Jan van der Berg"));
    assert_eq!(c.name.family.as_deref(), Some("van der Berg"));
    assert_eq!(c.name.given.as_deref(), Some("Jan"));
    assert_eq!(c.nicknames, ["Jan"]);
    assert_eq!(
        c.titles,
        ["Coördinator ervaringsdeskundigheid en herstelondersteunende zorg in de regio"]
    );
    assert_eq!(c.orgs[0].name, "Stichting Voorbeeld");
    assert_eq!(c.phones[0].value, "+31612345678");
    assert_eq!(c.phones[0].label.as_deref(), Some("cell"));
    assert_eq!(c.emails[0].value, "jan@voorbeeld.nl");
    assert_eq!(c.urls[0].value, "https://www.linkedin.com/in/janvdberg");
    assert_eq!(c.addresses[0].postcode.as_deref(), Some("3511 AB"));
    let extra: Vec<(&str, &str)> = c
        .extra
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert!(
        extra.contains(&("X-NETWERK-ID", "p-0123456789ab")),
        "{extra:?}"
    );
    assert!(
        extra.contains(&("X-NETWERK-SOURCE", "scans/2026-10-03 Congres/IMG_0012.jpg")),
        "{extra:?}"
    );
}

#[test]
fn reads_what_the_vcard4_builder_writes() {
    let card = vcard4::VcardBuilder::new("Zoë de Vries-van Dijk".to_owned())
        .name([
            "de Vries-van Dijk".to_owned(),
            "Zoë".to_owned(),
            String::new(),
            "drs.".to_owned(),
            String::new(),
        ])
        .email("zoe@example.nl".to_owned())
        .telephone("+31 6 12345678".to_owned())
        .org(vec!["Coöperatie Eïland U.A.".to_owned(), "Zorg".to_owned()])
        .finish();
    let written = card.to_string();
    let read = vcard::read("builder.vcf", written.as_bytes());
    assert!(read.diagnostics.is_empty(), "{:#?}", read.diagnostics);
    let c = &read.contacts[0];
    assert_eq!(c.name.full.as_deref(), Some("Zoë de Vries-van Dijk"));
    assert_eq!(c.name.family.as_deref(), Some("de Vries-van Dijk"));
    assert_eq!(c.name.prefix.as_deref(), Some("drs."));
    assert_eq!(c.emails[0].value, "zoe@example.nl");
    assert_eq!(c.phones[0].value, "+31 6 12345678");
    assert_eq!(c.orgs[0].name, "Coöperatie Eïland U.A.");
    assert_eq!(c.orgs[0].department.as_deref(), Some("Zorg"));
}
