//! Properties of the vCard reader over generated input:
//! - any bytes: it never panics, every record it gives up on has a located diagnostic;
//! - cards we write ourselves with any line ends (LF, CRLF, CR CR LF) and folded at any byte
//!   (inside UTF-8 characters and escapes too) come back with the same values, at the lines
//!   where their BEGIN stands.

use netwerk_import::sources::vcard;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_bytes_never_panic_and_rejections_are_located(
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        prefix in prop::sample::select(vec![&b""[..], b"BEGIN:VCARD\r\n", b"BEGIN:VCARD\nN;ENCODING=QUOTED-PRINTABLE:="]),
    ) {
        let mut input = prefix.to_vec();
        input.extend_from_slice(&bytes);
        let read = vcard::read("random.vcf", &input);
        for rejected in &read.rejected {
            let located = read.diagnostics.iter().any(|d| {
                d.record == Some(rejected.source.record) && d.line == rejected.source.line
            });
            prop_assert!(located, "rejected record without its diagnostic: {rejected:?}");
        }
        for d in &read.diagnostics {
            if d.record.is_some() {
                prop_assert!(d.line.is_some(), "record diagnostic without a line: {d}");
            }
        }
    }

    #[test]
    fn mangled_cards_never_panic(
        cut in 0usize..400,
        insert in prop::collection::vec(prop::sample::select(vec![b'\r', b'\n', b' ', b'=', b':', b';', b'\\', b'"', 0xC3, 0xFF]), 0..8),
    ) {
        let card = "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Ho=C3=ABvenaars;Zo=\r\n=C3=AB;;;\r\n\
                    item1.TEL;CELL;PREF:06-12345678\r\nitem1.X-ABLabel:_$!<Mobile>!$_\r\n\
                    PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD\r\n//gAabmV0d2Vyay1pbXBvcnQ=\r\n\r\n\
                    TEL;TYPE=\"a:b\",PREF:1\r\nEND:VCARD\r\n";
        let mut bytes = card.as_bytes().to_vec();
        let at = cut.min(bytes.len());
        bytes.splice(at..at, insert);
        let read = vcard::read("mangled.vcf", &bytes);
        prop_assert!(read.contacts.len() + read.rejected.len() <= 2);
    }

    #[test]
    fn written_cards_come_back(
        people in prop::collection::vec(
            ("[A-Za-zëïéöÅß' -]{0,12}[A-Za-zëïé]", "[a-z]{1,8}@[a-z]{1,8}\\.nl", "[ -~ëï€\n]{0,60}"),
            1..5,
        ),
        eol in prop::sample::select(vec!["\n", "\r\n", "\r\r\n"]),
        width in 1usize..80,
    ) {
        let (text, begin_lines) = write_cards(&people, eol, width);
        let read = vcard::read("written.vcf", &text);
        prop_assert!(read.diagnostics.is_empty(), "{:#?}", read.diagnostics);
        prop_assert_eq!(read.contacts.len(), people.len());
        for (i, (contact, (name, email, note))) in read.contacts.iter().zip(&people).enumerate() {
            prop_assert_eq!(contact.source.record, i as u32 + 1);
            prop_assert_eq!(contact.source.line, Some(begin_lines[i]));
            prop_assert!(!contact.raw.contains('\u{FFFD}'), "raw: {:?}", contact.raw);
            prop_assert_eq!(contact.name.full.as_deref(), Some(name.trim()));
            prop_assert_eq!(contact.name.family.as_deref(), Some(name.trim()));
            prop_assert_eq!(&contact.emails[0].value, email);
            let want: Vec<&str> = Some(note.trim()).filter(|n| !n.is_empty()).into_iter().collect();
            prop_assert_eq!(&contact.notes, &want);
        }
    }
}

fn escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Cards as bytes, every content line folded every `width` bytes (even inside a character,
/// which RFC 6350 allows); also the line of each BEGIN.
fn write_cards(
    people: &[(String, String, String)],
    eol: &str,
    width: usize,
) -> (Vec<u8>, Vec<u32>) {
    let mut out: Vec<u8> = Vec::new();
    let mut line = 1u32;
    let mut begins = Vec::new();
    for (name, email, note) in people {
        let lines = [
            "BEGIN:VCARD".to_string(),
            "VERSION:3.0".to_string(),
            format!("FN:{}", escape(name)),
            format!("N:{};;;;", escape(name)),
            format!("EMAIL;TYPE=INTERNET:{email}"),
            format!("NOTE:{}", escape(note)),
            "END:VCARD".to_string(),
        ];
        for content in lines {
            if content == "BEGIN:VCARD" {
                begins.push(line);
            }
            let bytes = content.as_bytes();
            let folded = content.starts_with("BEGIN") || content.starts_with("END");
            let chunk = if folded { bytes.len().max(1) } else { width };
            for (i, part) in bytes.chunks(chunk).enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                out.extend_from_slice(part);
                out.extend_from_slice(eol.as_bytes());
                line += 1;
            }
        }
    }
    (out, begins)
}
