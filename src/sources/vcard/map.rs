//! One card's properties, as calcard parsed them, into a [`RawContact`].
//!
//! In: the card's properties in source order, each with calcard's entry (parameters split,
//! values split and unescaped) and the decoded value text as it stood on the line. Out: the
//! contact's fields, plus warnings for properties that were dropped.
//!
//! Values are trimmed and unescaped, never otherwise normalised: `tel:` and `mailto:` URI
//! prefixes are the only thing taken off. Labels come from `TYPE` (and vCard 2.1's bare types,
//! `PREF`), lower-case, sorted and joined with `,`; an Apple `itemN.X-ABLabel` adds its label to
//! the property of the same group (`_$!<HomePage>!$_` → `homepage`, custom labels as written).
//! Every property that maps to no field goes to `extra` as `(group.NAME, value)`, except
//! `VERSION` (structure, not content) and an `X-ABLabel` that labelled a value; the raw record
//! keeps them all anyway.

use super::decode::{split_structured, unescape};
use crate::model::{Labeled, Photo, RawAddress, RawContact, RawOrg};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use calcard::common::IanaString as _;
use calcard::vcard::{
    VCardEntry, VCardParameterName as Param, VCardParameterValue as ParamValue, VCardProperty,
    VCardValue,
};
use std::borrow::Cow;
use std::collections::BTreeSet;

/// One property of a card.
pub(super) struct Prop<'c> {
    pub line: u32,
    /// `group.NAME` as written: the key in `extra`.
    pub full_name: &'c str,
    pub group: Option<&'c str>,
    /// The value after charset and transfer decoding, escapes still in.
    pub value: &'c str,
    /// The value was base64 (`ENCODING=b`, `ENCODING=BASE64`); whitespace is already out.
    pub base64: bool,
    /// calcard's reading; `None` when calcard could not read the line.
    pub entry: Option<&'c VCardEntry>,
}

/// What a property is to us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    FullName,
    Name,
    Nickname,
    Email,
    Tel,
    Org,
    Title,
    Adr,
    /// vCard 2.1/3.0 `LABEL`: a formatted address.
    Label,
    Url,
    Bday,
    Note,
    Impp,
    Social,
    /// `X-AIM`, `X-SKYPE`, … with the service's name.
    Im(&'static str),
    Photo,
    AbLabel,
    AndroidCustom,
    /// Structure, not content (`VERSION`).
    Skip,
    Extra,
}

impl Kind {
    /// Properties whose values carry a label, so an `X-ABLabel` of their group applies.
    fn is_labelled(self) -> bool {
        matches!(
            self,
            Kind::Email
                | Kind::Tel
                | Kind::Adr
                | Kind::Label
                | Kind::Url
                | Kind::Impp
                | Kind::Social
                | Kind::Im(_)
        )
    }
}

/// Instant-messaging properties of the 2.1/3.0 era, and the label their handle gets.
const IM_PROPERTIES: &[(&str, &str)] = &[
    ("X-AIM", "aim"),
    ("X-ICQ", "icq"),
    ("X-JABBER", "jabber"),
    ("X-MSN", "msn"),
    ("X-YAHOO", "yahoo"),
    ("X-SKYPE", "skype"),
    ("X-SKYPE-USERNAME", "skype"),
    ("X-GTALK", "gtalk"),
    ("X-GOOGLE-TALK", "gtalk"),
    ("X-QQ", "qq"),
    ("X-GADUGADU", "gadugadu"),
    ("X-GROUPWISE", "groupwise"),
    ("X-MS-IMADDRESS", "im"),
    ("X-SIP", "sip"),
    ("X-TWITTER", "twitter"),
];

/// Android's custom row type for nicknames (`X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Name;…`).
const ANDROID_NICKNAME: &str = "vnd.android.cursor.item/nickname";

fn kind(entry: &VCardEntry) -> Kind {
    match &entry.name {
        VCardProperty::Fn => Kind::FullName,
        VCardProperty::N => Kind::Name,
        VCardProperty::Nickname => Kind::Nickname,
        VCardProperty::Email => Kind::Email,
        VCardProperty::Tel => Kind::Tel,
        VCardProperty::Org => Kind::Org,
        VCardProperty::Title | VCardProperty::Role => Kind::Title,
        VCardProperty::Adr => Kind::Adr,
        VCardProperty::Url => Kind::Url,
        VCardProperty::Bday => Kind::Bday,
        VCardProperty::Note => Kind::Note,
        VCardProperty::Impp => Kind::Impp,
        VCardProperty::Socialprofile => Kind::Social,
        VCardProperty::Photo => Kind::Photo,
        VCardProperty::Version => Kind::Skip,
        VCardProperty::Other(name) => {
            let is = |n: &str| name.eq_ignore_ascii_case(n);
            if is("X-ABLABEL") {
                Kind::AbLabel
            } else if is("LABEL") {
                Kind::Label
            } else if is("X-SOCIALPROFILE") {
                Kind::Social
            } else if is("X-ANDROID-CUSTOM") {
                Kind::AndroidCustom
            } else if let Some((_, service)) = IM_PROPERTIES.iter().find(|(n, _)| is(n)) {
                Kind::Im(service)
            } else {
                Kind::Extra
            }
        }
        _ => Kind::Extra,
    }
}

/// Fill `contact` from the card's properties. `warn(line, message)` reports a dropped value.
pub(super) fn map(props: &[Prop<'_>], contact: &mut RawContact, warn: &mut dyn FnMut(u32, String)) {
    let kinds: Vec<Option<Kind>> = props.iter().map(|p| p.entry.map(kind)).collect();
    let groups = GroupLabels::new(props, &kinds);
    let mut labels: Vec<(Option<String>, String)> = Vec::new();

    for (p, kind) in props.iter().zip(&kinds) {
        let (Some(entry), Some(kind)) = (p.entry, *kind) else {
            warn(
                p.line,
                format!("{}: could not be parsed, kept as extra", p.full_name),
            );
            push_extra(contact, p);
            continue;
        };
        let ab = groups.label(p.group);
        match kind {
            Kind::FullName => match clean(&text(entry)) {
                Some(full) if contact.name.full.is_none() => contact.name.full = Some(full),
                Some(_) => push_extra(contact, p),
                None => {}
            },
            Kind::Name => {
                let part = |i: usize| entry.values.get(i).and_then(value_clean);
                let parts = [part(0), part(1), part(2), part(3), part(4)];
                let name = &mut contact.name;
                let unset = [
                    &name.family,
                    &name.given,
                    &name.middle,
                    &name.prefix,
                    &name.suffix,
                ]
                .iter()
                .all(|v| v.is_none());
                if parts.iter().any(Option::is_some) {
                    if unset {
                        let [family, given, middle, prefix, suffix] = parts;
                        name.family = family;
                        name.given = given;
                        name.middle = middle;
                        name.prefix = prefix;
                        name.suffix = suffix;
                    } else {
                        push_extra(contact, p);
                    }
                }
            }
            Kind::Nickname => {
                let nicks = entry.values.iter().filter_map(value_clean);
                contact.nicknames.extend(nicks);
            }
            Kind::Email => {
                if let Some(email) = clean(strip_scheme(&text(entry), "mailto:")) {
                    let label = label(entry, &["internet"], [ab]);
                    contact.emails.push(Labeled::with_label(email, label));
                }
            }
            Kind::Tel => {
                if let Some(tel) = clean(strip_scheme(&text(entry), "tel:")) {
                    let label = label(entry, &["voice"], [ab]);
                    contact.phones.push(Labeled::with_label(tel, label));
                }
            }
            Kind::Org => {
                let units: Vec<String> = entry.values.iter().filter_map(value_clean).collect();
                if let Some((name, rest)) = units.split_first() {
                    contact.orgs.push(RawOrg {
                        name: name.clone(),
                        department: (!rest.is_empty()).then(|| rest.join("; ")),
                    });
                }
            }
            Kind::Title => contact.titles.extend(clean(&text(entry))),
            Kind::Adr => {
                let part = |i: usize| entry.values.get(i).and_then(value_clean);
                let address = RawAddress {
                    label: label(entry, &[], [ab]),
                    po_box: part(0),
                    extended: part(1),
                    street: part(2),
                    city: part(3),
                    region: part(4),
                    postcode: part(5),
                    country: part(6),
                    formatted: param_text(entry, |n| *n == Param::Label)
                        .map(uncaret)
                        .as_deref()
                        .and_then(clean),
                };
                if has_parts(&address) || address.formatted.is_some() {
                    contact.addresses.push(address);
                }
            }
            Kind::Label => {
                if let Some(formatted) = clean(&text(entry)) {
                    labels.push((label(entry, &[], [ab]), formatted));
                }
            }
            Kind::Url => {
                if let Some(url) = clean(&text(entry)) {
                    contact
                        .urls
                        .push(Labeled::with_label(url, label(entry, &[], [ab])));
                }
            }
            Kind::Bday => {
                // calcard turns dates into numbers; the source's own spelling is what we keep.
                match clean(&unescape(p.value)) {
                    Some(bday) if contact.birthday.is_none() => contact.birthday = Some(bday),
                    Some(_) => push_extra(contact, p),
                    None => {}
                }
            }
            Kind::Note => contact.notes.extend(clean(&text(entry))),
            Kind::Impp => {
                if let Some(handle) = clean(&text(entry)) {
                    let label = label(entry, &[], [ab, service(entry)]);
                    contact.socials.push(Labeled::with_label(handle, label));
                }
            }
            Kind::Social => {
                let user = || {
                    param_text(entry, |n| {
                        *n == Param::Username
                            || matches!(n, Param::Other(o) if o.eq_ignore_ascii_case("X-USER"))
                    })
                    .and_then(clean)
                };
                if let Some(profile) = clean(&text(entry)).or_else(user) {
                    let label = label(entry, &[], [ab, service(entry)]);
                    contact.socials.push(Labeled::with_label(profile, label));
                }
            }
            Kind::Im(service) => {
                if let Some(handle) = clean(&text(entry)) {
                    let label = label(entry, &[], [ab, Some(service.to_string())]);
                    contact.socials.push(Labeled::with_label(handle, label));
                }
            }
            Kind::Photo => match photo(p, entry) {
                Ok(Some(photo)) => contact.photos.push(photo),
                Ok(None) => {}
                Err(why) => warn(p.line, format!("{}: {why}, photo dropped", p.full_name)),
            },
            Kind::AbLabel => {
                if !groups.is_applied(p.group) {
                    push_extra(contact, p);
                }
            }
            Kind::AndroidCustom => {
                let parts = split_structured(p.value);
                let nickname = match parts.as_slice() {
                    [mime, name, ..] if mime.trim() == ANDROID_NICKNAME => clean(name),
                    _ => None,
                };
                match nickname {
                    Some(nickname) => contact.nicknames.push(nickname),
                    None => push_extra(contact, p),
                }
            }
            Kind::Skip => {}
            Kind::Extra => push_extra(contact, p),
        }
    }
    attach_labels(contact, labels);
}

/// The `X-ABLabel` of each group, and which groups have a property it labels.
struct GroupLabels<'c> {
    /// (group, label), first label per group, in source order.
    labels: Vec<(&'c str, String)>,
    /// Groups with a labelled property (their `X-ABLabel` is used, not extra).
    applied: Vec<&'c str>,
}

impl<'c> GroupLabels<'c> {
    fn new(props: &[Prop<'c>], kinds: &[Option<Kind>]) -> Self {
        let mut labels: Vec<(&'c str, String)> = Vec::new();
        let mut applied: Vec<&'c str> = Vec::new();
        for (p, kind) in props.iter().zip(kinds) {
            let (Some(group), Some(kind)) = (p.group, kind) else {
                continue;
            };
            if *kind == Kind::AbLabel {
                let known = labels.iter().any(|(g, _)| g.eq_ignore_ascii_case(group));
                if let (false, Some(label)) = (known, ab_label(p.value)) {
                    labels.push((group, label));
                }
            } else if kind.is_labelled() && !applied.iter().any(|g| g.eq_ignore_ascii_case(group)) {
                applied.push(group);
            }
        }
        GroupLabels { labels, applied }
    }

    fn label(&self, group: Option<&str>) -> Option<String> {
        let group = group?;
        self.labels
            .iter()
            .find(|(g, _)| g.eq_ignore_ascii_case(group))
            .map(|(_, label)| label.clone())
    }

    fn is_applied(&self, group: Option<&str>) -> bool {
        group.is_some_and(|group| self.applied.iter().any(|g| g.eq_ignore_ascii_case(group)))
    }
}

/// Apple wraps its built-in labels as `_$!<HomePage>!$_`; those become lower case, custom
/// labels stay as written.
fn ab_label(value: &str) -> Option<String> {
    let label = unescape(value);
    let label = label.trim();
    match label
        .strip_prefix("_$!<")
        .and_then(|l| l.strip_suffix(">!$_"))
    {
        Some(builtin) => clean(builtin).map(|l| l.to_lowercase()),
        None => clean(label),
    }
}

/// A value's label: its types (lower case; `PREF` and `PREF=1` as `pref`; vCard 2.1's bare
/// parameters are types) without the ones in `drop`, plus `more` (Apple label, IM service),
/// sorted and joined with `,`.
fn label<const N: usize>(
    entry: &VCardEntry,
    drop: &[&str],
    more: [Option<String>; N],
) -> Option<String> {
    let mut set = BTreeSet::new();
    for param in &entry.params {
        match (&param.name, &param.value) {
            (Param::Type, ParamValue::Type(t)) => {
                set.insert(t.as_str().to_lowercase());
            }
            (Param::Type, ParamValue::Text(text)) => {
                for t in text.split(',') {
                    let t = t.trim().trim_matches('"').trim();
                    if !t.is_empty() {
                        set.insert(t.to_lowercase());
                    }
                }
            }
            (Param::Pref, ParamValue::Null | ParamValue::Integer(1)) => {
                set.insert("pref".to_string());
            }
            (Param::Other(name), ParamValue::Null) => {
                set.insert(name.to_lowercase());
            }
            _ => {}
        }
    }
    for d in drop {
        set.remove(*d);
    }
    set.extend(more.into_iter().flatten());
    (!set.is_empty()).then(|| set.into_iter().collect::<Vec<_>>().join(","))
}

/// The service of an `IMPP` or `SOCIALPROFILE` (`SERVICE-TYPE=`, Apple's `X-SERVICE-TYPE=`),
/// lower case.
fn service(entry: &VCardEntry) -> Option<String> {
    param_text(entry, |n| {
        *n == Param::ServiceType
            || matches!(n, Param::Other(o) if o.eq_ignore_ascii_case("X-SERVICE-TYPE"))
    })
    .and_then(clean)
    .map(|s| s.to_lowercase())
}

/// RFC 6868 caret escapes in a 4.0 parameter value: `^n` line break, `^'` double quote, `^^`.
fn uncaret(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('^', Some('n' | 'N')) => out.push('\n'),
            ('^', Some('\'')) => out.push('"'),
            ('^', Some('^')) => out.push('^'),
            _ => {
                out.push(c);
                continue;
            }
        }
        chars.next();
    }
    out
}

/// The first parameter whose name matches, as text.
fn param_text(entry: &VCardEntry, name: impl Fn(&Param) -> bool) -> Option<&str> {
    entry.params.iter().find_map(|p| match &p.value {
        ParamValue::Text(text) if name(&p.name) => Some(text.as_str()),
        _ => None,
    })
}

/// A value as text: a list inside a component (`Richter,James`) is joined with `,` as written.
fn value_text(value: &VCardValue) -> Option<String> {
    match value {
        VCardValue::Text(text) => Some(text.clone()),
        VCardValue::Component(parts) => Some(parts.join(",")),
        VCardValue::Integer(n) => Some(n.to_string()),
        VCardValue::Float(n) => Some(n.to_string()),
        VCardValue::Boolean(b) => Some(b.to_string()),
        VCardValue::Sex(v) => Some(v.as_str().to_string()),
        VCardValue::GramGender(v) => Some(v.as_str().to_string()),
        VCardValue::Kind(v) => Some(v.as_str().to_string()),
        VCardValue::PartialDateTime(_) | VCardValue::Binary(_) => None,
    }
}

/// All of a property's values as one text (single-valued properties have one).
fn text(entry: &VCardEntry) -> Cow<'_, str> {
    match entry.values.as_slice() {
        [VCardValue::Text(text)] => Cow::Borrowed(text),
        values => {
            let texts: Vec<String> = values.iter().filter_map(value_text).collect();
            Cow::Owned(texts.join(","))
        }
    }
}

/// A value as text, trimmed; `None` when empty.
fn value_clean(value: &VCardValue) -> Option<String> {
    value_text(value).as_deref().and_then(clean)
}

fn clean(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

fn strip_scheme<'v>(value: &'v str, scheme: &str) -> &'v str {
    let value = value.trim();
    match value.get(..scheme.len()) {
        Some(head) if head.eq_ignore_ascii_case(scheme) => &value[scheme.len()..],
        _ => value,
    }
}

fn push_extra(contact: &mut RawContact, p: &Prop<'_>) {
    let value = unescape(p.value);
    contact
        .extra
        .push((p.full_name.to_string(), value.trim().to_string()));
}

fn has_parts(a: &RawAddress) -> bool {
    [
        &a.po_box,
        &a.extended,
        &a.street,
        &a.city,
        &a.region,
        &a.postcode,
        &a.country,
    ]
    .iter()
    .any(|p| p.is_some())
}

/// A 2.1/3.0 `LABEL` is the formatted form of the `ADR` with the same label (Outlook writes
/// `ADR;WORK` then `LABEL;WORK`); without such an address it is an address of its own.
fn attach_labels(contact: &mut RawContact, labels: Vec<(Option<String>, String)>) {
    for (label, formatted) in labels {
        let target = contact
            .addresses
            .iter_mut()
            .find(|a| a.label == label && a.formatted.is_none() && has_parts(a));
        match target {
            Some(address) => address.formatted = Some(formatted),
            None => contact.addresses.push(RawAddress {
                label,
                formatted: Some(formatted),
                ..RawAddress::default()
            }),
        }
    }
}

/// Lenient about padding (phones drop it), strict about the alphabet.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// A photo as the card gave it: decoded bytes, or a URI. `Err` says why it was dropped.
fn photo(p: &Prop<'_>, entry: &VCardEntry) -> Result<Option<Photo>, String> {
    let media_type = media_type(entry);
    if let Some(data) = entry.values.iter().find_map(|v| match v {
        VCardValue::Binary(data) => Some(data),
        _ => None,
    }) {
        return Ok(Some(Photo {
            media_type: data.content_type.clone().or(media_type),
            data: data.data.clone(),
            uri: None,
        }));
    }
    let value = text(entry);
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let compact: Vec<u8> = value.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    // A 2.1 photo sometimes has base64 without ENCODING=; a URI always has a scheme.
    if p.base64 || !value.contains(':') {
        match BASE64.decode(&compact) {
            Ok(data) => {
                return Ok(Some(Photo {
                    media_type: media_type.or_else(|| sniff_image(&data)),
                    data,
                    uri: None,
                }))
            }
            Err(err) if p.base64 => return Err(base64_problem(&compact, err)),
            Err(_) => {}
        }
    }
    if value
        .get(..5)
        .is_some_and(|s| s.eq_ignore_ascii_case("data:"))
    {
        return Err("data: URI could not be decoded".to_string());
    }
    Ok(Some(Photo {
        media_type,
        data: Vec::new(),
        uri: Some(value.to_string()),
    }))
}

fn base64_problem(input: &[u8], err: base64::DecodeError) -> String {
    use base64::DecodeError as E;
    match err {
        E::InvalidByte(at, byte) | E::InvalidLastSymbol(at, byte) => {
            format!("not valid base64 ({:?} at offset {at})", char::from(byte))
        }
        E::InvalidLength(len) => format!("not valid base64 (length {len} of {})", input.len()),
        E::InvalidPadding => "not valid base64 (bad padding)".to_string(),
    }
}

/// `MEDIATYPE=image/jpeg`, `TYPE=JPEG`, vCard 2.1's bare `JPEG`.
fn media_type(entry: &VCardEntry) -> Option<String> {
    entry.params.iter().find_map(|p| match (&p.name, &p.value) {
        (Param::Mediatype, ParamValue::Text(t)) => Some(t.trim().to_ascii_lowercase()),
        (Param::Type, ParamValue::Text(t)) | (Param::Other(t), ParamValue::Null) => image_type(t),
        _ => None,
    })
}

fn image_type(name: &str) -> Option<String> {
    let name = name.trim().trim_matches('"').to_ascii_lowercase();
    if name.starts_with("image/") {
        return Some(name);
    }
    let subtype = match name.as_str() {
        "jpeg" | "jpg" => "jpeg",
        "png" | "gif" | "bmp" | "tiff" | "webp" | "heic" => name.as_str(),
        _ => return None,
    };
    Some(format!("image/{subtype}"))
}

/// The media type from the first bytes, when the card did not say.
fn sniff_image(data: &[u8]) -> Option<String> {
    let kind = if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if data.starts_with(b"GIF8") {
        "image/gif"
    } else {
        return None;
    };
    Some(kind.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ab_label_cases() {
        const CASES: &[(&str, Option<&str>)] = &[
            ("_$!<HomePage>!$_", Some("homepage")),
            ("_$!<Other>!$_", Some("other")),
            ("CustomEmailCategory", Some("CustomEmailCategory")),
            ("  Werk\\, privé ", Some("Werk, privé")),
            ("", None),
            ("_$!<>!$_", None),
        ];
        for (input, want) in CASES {
            assert_eq!(ab_label(input).as_deref(), *want, "case {input:?}");
        }
    }

    #[test]
    fn uncaret_cases() {
        const CASES: &[(&str, &str)] = &[
            (
                "Oudegracht 12^n3511 AB Utrecht",
                "Oudegracht 12\n3511 AB Utrecht",
            ),
            ("say ^'hi^'", "say \"hi\""),
            ("a ^^ b", "a ^ b"),
            ("lone ^ caret ^", "lone ^ caret ^"),
        ];
        for (input, want) in CASES {
            assert_eq!(uncaret(input), *want, "case {input:?}");
        }
    }

    #[test]
    fn strip_scheme_cases() {
        const CASES: &[(&str, &str, &str)] = &[
            ("tel:+31612345678", "tel:", "+31612345678"),
            ("TEL:+31612345678", "tel:", "+31612345678"),
            ("06-12345678", "tel:", "06-12345678"),
            ("mailto:jan@voorbeeld.nl", "mailto:", "jan@voorbeeld.nl"),
            ("jan@voorbeeld.nl", "mailto:", "jan@voorbeeld.nl"),
            ("tél", "tel:", "tél"),
        ];
        for (input, scheme, want) in CASES {
            assert_eq!(strip_scheme(input, scheme), *want, "case {input:?}");
        }
    }

    #[test]
    fn image_type_cases() {
        const CASES: &[(&str, Option<&str>)] = &[
            ("JPEG", Some("image/jpeg")),
            ("jpg", Some("image/jpeg")),
            ("PNG", Some("image/png")),
            ("image/GIF", Some("image/gif")),
            ("WORK", None),
        ];
        for (input, want) in CASES {
            assert_eq!(image_type(input).as_deref(), *want, "case {input:?}");
        }
    }

    /// Labels as calcard's parameters give them, through a real parse.
    #[test]
    fn label_cases() {
        const CASES: &[(&str, Option<&str>)] = &[
            ("TEL;CELL:1", Some("cell")),
            ("TEL;TYPE=WORK,VOICE:1", Some("work")),
            ("TEL;type=HOME;type=VOICE;type=pref:1", Some("home,pref")),
            ("TEL;WORK;PREF:1", Some("pref,work")),
            ("TEL;TYPE=cell;PREF=1:1", Some("cell,pref")),
            ("TEL;PREF=2:1", None),
            ("TEL;X-NEC-SECRET:1", Some("x-nec-secret")),
            ("TEL:1", None),
            ("TEL;VOICE:1", None),
        ];
        for (line, want) in CASES {
            let card = format!("BEGIN:VCARD\n{line}\nEND:VCARD\n");
            let parsed = calcard::vcard::VCard::parse(&card);
            let Ok(parsed) = parsed else {
                panic!("case {line:?}: calcard failed");
            };
            let Some(entry) = parsed.entries.first() else {
                panic!("case {line:?}: no entry");
            };
            assert_eq!(
                label(entry, &["voice"], [None]).as_deref(),
                *want,
                "case {line:?}"
            );
        }
    }
}
