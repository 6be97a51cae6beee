//! QR codes on cards: a grey card image in, the payloads of the codes on it out, and a payload
//! (vCard, MECARD or URL) read into card fields.
//!
//! A QR code carries exactly what its owner typed, with error correction, so its fields are
//! the most reliable source for a card: [`card_of`] gives them confidence 0.99 and the reader
//! lets them win over OCR. Other payloads (plain text, Wi-Fi) are kept only in the raw record.

use super::extract::{Card, Field, Phone, PhoneKind, PostalAddress, Social};
use image::GrayImage;

/// Confidence of a field read from a QR code.
const QR_CONFIDENCE: f32 = 0.99;

/// A QR code found on a card: its payload and where it is (corners, clockwise from top-left).
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    pub payload: String,
    pub corners: [(i32, i32); 4],
}

/// The QR codes on a card, in the order found.
pub fn decode(image: &GrayImage) -> Vec<Code> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    if w < 21 || h < 21 {
        return Vec::new();
    }
    let raw = image.as_raw();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| raw[y * w + x]);
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| {
            let corners = g.bounds.map(|p| (p.x, p.y));
            g.decode()
                .ok()
                .map(|(_, payload)| Code { payload, corners })
        })
        .filter(|c| !c.payload.trim().is_empty())
        .collect()
}

/// Paint the codes white (with a quiet zone around them), so that OCR does not read their
/// modules as letters.
pub fn blank(image: &mut GrayImage, codes: &[Code]) {
    for code in codes {
        let xs = code.corners.map(|c| c.0);
        let ys = code.corners.map(|c| c.1);
        let (x0, x1) = (
            xs.iter().min().copied().unwrap_or(0),
            xs.iter().max().copied().unwrap_or(0),
        );
        let (y0, y1) = (
            ys.iter().min().copied().unwrap_or(0),
            ys.iter().max().copied().unwrap_or(0),
        );
        let margin = (x1 - x0).max(y1 - y0) / 8;
        let (w, h) = (image.width() as i32, image.height() as i32);
        let clamp_x = |v: i32| v.clamp(0, w) as u32;
        let clamp_y = |v: i32| v.clamp(0, h) as u32;
        for y in clamp_y(y0 - margin)..clamp_y(y1 + margin) {
            for x in clamp_x(x0 - margin)..clamp_x(x1 + margin) {
                image.put_pixel(x, y, image::Luma([255]));
            }
        }
    }
}

/// Read a payload into card fields; `None` when it holds no contact data.
pub fn card_of(payload: &str, default_country: &str) -> Option<Card> {
    let text = payload.trim();
    let upper = text.get(..11).unwrap_or(text).to_ascii_uppercase();
    let mut card = if upper.starts_with("BEGIN:VCARD") {
        vcard(text, default_country)
    } else if upper.starts_with("MECARD:") {
        mecard(text, default_country)
    } else if upper.starts_with("HTTP://") || upper.starts_with("HTTPS://") {
        url(text)
    } else {
        return None;
    };
    card.country = default_country.to_ascii_uppercase();
    (!card.is_empty()).then_some(card)
}

fn field(value: &str) -> Option<Field> {
    let value = value.trim();
    (!value.is_empty()).then(|| Field {
        value: value.to_string(),
        confidence: QR_CONFIDENCE,
    })
}

fn push_phone(card: &mut Card, value: &str, kind: Option<PhoneKind>, country: &str) {
    let id: Option<phonenumber::country::Id> = country.parse().ok();
    let Ok(number) = phonenumber::parse(id, value.trim()) else {
        return;
    };
    if !number.is_valid() {
        return;
    }
    let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
    let mobile = number.number_type(&phonenumber::metadata::DATABASE) == phonenumber::Type::Mobile;
    let kind = kind.unwrap_or(if mobile {
        PhoneKind::Mobile
    } else {
        PhoneKind::Work
    });
    if !card.phones.iter().any(|p| p.value == e164) {
        card.phones.push(Phone {
            value: e164,
            written: value.trim().to_string(),
            kind,
            confidence: QR_CONFIDENCE,
        });
    }
}

fn push_url(card: &mut Card, value: &str) {
    let v = value.trim();
    if v.is_empty() {
        return;
    }
    let bare = v
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.")
        .trim_end_matches('/');
    if bare.starts_with("linkedin.com/") {
        card.socials.push(Social {
            value: bare.to_lowercase(),
            service: Some("linkedin".to_string()),
            confidence: QR_CONFIDENCE,
        });
    } else {
        card.websites.push(Field {
            value: v.trim_end_matches('/').to_string(),
            confidence: QR_CONFIDENCE,
        });
    }
}

/// vCard 2.1/3.0/4.0 as QR generators write it: unfold, then the common properties.
fn vcard(text: &str, country: &str) -> Card {
    let mut card = Card::default();
    let mut unfolded: Vec<String> = Vec::new();
    for line in text.split(['\n']) {
        let line = line.trim_end_matches('\r');
        if (line.starts_with(' ') || line.starts_with('\t')) && !unfolded.is_empty() {
            if let Some(last) = unfolded.last_mut() {
                last.push_str(&line[1..]);
            }
        } else {
            unfolded.push(line.to_string());
        }
    }
    let mut structured_name = None;
    for line in &unfolded {
        let Some((head, value)) = line.split_once(':') else {
            continue;
        };
        let mut params = head.split(';');
        let name = params
            .next()
            .unwrap_or("")
            .rsplit('.')
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let types: Vec<String> = params
            .flat_map(|p| {
                let p = p.to_ascii_uppercase();
                let v = p.strip_prefix("TYPE=").map(str::to_string).unwrap_or(p);
                v.split(',').map(str::to_string).collect::<Vec<_>>()
            })
            .collect();
        let value = unescape(value);
        match name.as_str() {
            "FN" => card.name = field(&value),
            "N" => structured_name = Some(value),
            "ORG" => {
                let mut parts = value.split(';');
                card.organisation = parts.next().and_then(field);
                card.department = parts.next().and_then(field);
            }
            "TITLE" => card.title = field(&value),
            "EMAIL" => {
                if let Some(f) = field(&value.to_lowercase()) {
                    card.emails.push(f);
                }
            }
            "TEL" => {
                let kind = if types.iter().any(|t| t == "FAX") {
                    Some(PhoneKind::Fax)
                } else if types.iter().any(|t| t == "CELL") {
                    Some(PhoneKind::Mobile)
                } else if types.iter().any(|t| t == "WORK" || t == "VOICE") {
                    Some(PhoneKind::Work)
                } else {
                    None
                };
                push_phone(&mut card, value.trim_start_matches("tel:"), kind, country);
            }
            "URL" => push_url(&mut card, &value),
            "ADR" => {
                let p: Vec<&str> = value.split(';').collect();
                let get = |i: usize| {
                    p.get(i)
                        .map(|s| s.trim())
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                };
                card.addresses.push(PostalAddress {
                    po_box: get(0),
                    street: get(2),
                    city: get(3),
                    region: get(4),
                    postcode: get(5),
                    country: get(6),
                    confidence: QR_CONFIDENCE,
                });
            }
            _ => {}
        }
    }
    if card.name.is_none() {
        if let Some(n) = structured_name {
            let p: Vec<&str> = n.split(';').collect();
            let given = p.get(1).copied().unwrap_or("");
            let family = p.first().copied().unwrap_or("");
            card.name = field(&format!("{given} {family}"));
        }
    }
    card
}

/// `MECARD:N:Family,Given;TEL:…;EMAIL:…;ORG:…;URL:…;ADR:…;;`
fn mecard(text: &str, country: &str) -> Card {
    let mut card = Card::default();
    let body = &text["MECARD:".len()..];
    for part in split_unescaped(body, ';') {
        let Some((key, value)) = part.split_once(':') else {
            continue;
        };
        let value = unescape(value);
        match key.to_ascii_uppercase().as_str() {
            "N" => {
                let name = match value.split_once(',') {
                    Some((family, given)) => format!("{} {}", given.trim(), family.trim()),
                    None => value.clone(),
                };
                card.name = field(&name);
            }
            "TEL" => push_phone(&mut card, &value, None, country),
            "EMAIL" => {
                if let Some(f) = field(&value.to_lowercase()) {
                    card.emails.push(f);
                }
            }
            "ORG" => card.organisation = field(&value),
            "TITLE" => card.title = field(&value),
            "URL" => push_url(&mut card, &value),
            "ADR" => card.addresses.push(PostalAddress {
                street: Some(value.clone()),
                confidence: QR_CONFIDENCE,
                ..PostalAddress::default()
            }),
            _ => {}
        }
    }
    card
}

fn url(text: &str) -> Card {
    let mut card = Card::default();
    push_url(&mut card, text);
    card
}

/// Split at `sep` where it is not escaped with a backslash.
fn split_unescaped(text: &str, sep: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in text.chars() {
        if escaped {
            current.push('\\');
            current.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Fill what OCR read with what the QR code says: the code's single fields win, lists are
/// joined (code first), nothing is dropped.
pub fn merge(qr: Card, ocr: Card) -> Card {
    let mut out = qr;
    out.name = out.name.or(ocr.name);
    out.organisation = out.organisation.or(ocr.organisation);
    out.title = out.title.or(ocr.title);
    out.department = out.department.or(ocr.department);
    for e in ocr.emails {
        if !out.emails.iter().any(|x| x.value == e.value) {
            out.emails.push(e);
        }
    }
    for p in ocr.phones {
        if !out.phones.iter().any(|x| x.value == p.value) {
            out.phones.push(p);
        }
    }
    let site = |v: &str| {
        v.trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_start_matches("www.")
            .trim_end_matches('/')
            .to_lowercase()
    };
    for w in ocr.websites {
        if !out
            .websites
            .iter()
            .any(|x| site(&x.value) == site(&w.value))
        {
            out.websites.push(w);
        }
    }
    for s in ocr.socials {
        if !out.socials.iter().any(|x| x.value == s.value) {
            out.socials.push(s);
        }
    }
    // A QR address is often one unstructured string; the OCR's structured one goes first.
    if out.addresses.iter().all(|a| a.postcode.is_none()) && !ocr.addresses.is_empty() {
        let mut addresses = ocr.addresses;
        addresses.extend(out.addresses);
        out.addresses = addresses;
    }
    out.registry.extend(ocr.registry);
    out.country = ocr.country;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAYLOADS: &[(&str, &str)] = &[
        (
            "BEGIN:VCARD\r\nVERSION:3.0\r\nN:van der Berg;Jan;;;\r\nFN:Jan van der Berg\r\nORG:Stichting Buurtwerk;Wijkzaken\r\nTITLE:Coördinator\r\nTEL;TYPE=CELL:06-12345678\r\nTEL;TYPE=WORK:+31 30 123 4567\r\nEMAIL;TYPE=INTERNET:Jan@Buurtwerk.nl\r\nURL:www.buurtwerk.nl\r\nEND:VCARD\r\n",
            "Jan van der Berg | Stichting Buurtwerk | Coördinator | Wijkzaken | jan@buurtwerk.nl | mobile +31612345678, work +31301234567 | www.buurtwerk.nl",
        ),
        (
            "MECARD:N:Jansen,Kees;TEL:+31612345678;EMAIL:kees@voorbeeld.nl;ORG:Voorbeeld B.V.;URL:https://voorbeeld.nl;;",
            "Kees Jansen | Voorbeeld B.V. | - | - | kees@voorbeeld.nl | mobile +31612345678 | https://voorbeeld.nl",
        ),
        (
            "https://www.linkedin.com/in/janvdberg/",
            "- | - | - | - |  |  | linkedin.com/in/janvdberg",
        ),
    ];

    fn line(card: &Card) -> String {
        let f = |f: &Option<Field>| f.as_ref().map(|f| f.value.clone()).unwrap_or("-".into());
        let phones: Vec<String> = card
            .phones
            .iter()
            .map(|p| format!("{} {}", p.kind.label(), p.value))
            .collect();
        let links: Vec<String> = card
            .websites
            .iter()
            .map(|w| w.value.clone())
            .chain(card.socials.iter().map(|s| s.value.clone()))
            .collect();
        format!(
            "{} | {} | {} | {} | {} | {} | {}",
            f(&card.name),
            f(&card.organisation),
            f(&card.title),
            f(&card.department),
            card.emails
                .iter()
                .map(|e| e.value.clone())
                .collect::<Vec<_>>()
                .join(", "),
            phones.join(", "),
            links.join(", ")
        )
    }

    #[test]
    fn payloads() {
        for (payload, want) in PAYLOADS {
            let card = card_of(payload, "NL").expect("a contact");
            assert_eq!(line(&card), *want, "case {payload}");
        }
    }

    #[test]
    fn other_payloads_are_no_contact() {
        for payload in [
            "WIFI:S:net;T:WPA;P:secret;;",
            "hello",
            "",
            "MECARD:;;",
            "BEGIN:VCARD\nEND:VCARD",
        ] {
            assert!(card_of(payload, "NL").is_none(), "case {payload:?}");
        }
    }
}
