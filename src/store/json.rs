//! The stored JSON of a record: its `Contact` (`records.contact_json`) and its `RawContact`
//! (`records.raw_json`), written compactly and read back exactly.
//!
//! In: a `Contact` or `RawContact`. Out: JSON text without what carries no information, and
//! back. Written since schema version 4; what earlier versions wrote (every key, `null`s and
//! empty lists included, the raw text repeated inside `raw_json`) reads back the same way.
//!
//! Left out when writing, restored when reading:
//! - object members whose value is `null`, at any depth (serde reads a missing `Option` as
//!   `None`);
//! - top-level members that are an empty list (`"nicknames":[]`): restored from the type's
//!   list of list-valued fields, taken from an empty value of the type itself, so a plain
//!   `Vec` or `Option` field added to the model later is covered without a change here;
//! - the `RawContact`'s `raw` text, which is `records.raw` verbatim: the caller passes it back.
//!
//! What this relies on, true of every field of the model today (checked in review): no
//! `Option<Vec<_>>` (`Some(vec![])` would read back as `None`), no `Option<Option<_>>`, no map
//! whose values may be `null`, no field whose missing value means anything but `None` or an
//! empty list. A field of such a type needs its own rule here.
//!
//! Measured on FEBRL4 (BENCH-DEDUP.md §6): `raw_json` 656 → 301 bytes and `contact_json` 617 →
//! 402 bytes per record on average. What this module does not do: choose columns, touch SQLite,
//! or change what a value means: a round trip gives a value equal to the one written (tested
//! below).

use crate::model::{Contact, RawContact, Source, SourceKind};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::OnceLock;

/// The Contact as compact JSON.
pub(super) fn contact_to_json(c: &Contact) -> serde_json::Result<String> {
    to_json(c, None)
}

/// A stored Contact, compact or complete.
pub(super) fn contact_from_json(json: &str) -> serde_json::Result<Contact> {
    static LISTS: OnceLock<Vec<String>> = OnceLock::new();
    let lists = LISTS.get_or_init(|| list_fields(&Contact::empty(placeholder())));
    from_json(json, lists, None)
}

/// The RawContact as compact JSON without its raw text, and with photo bytes left out (they go
/// to the `photos` table as BLOBs; as JSON number arrays they would be four times their size).
pub(super) fn raw_to_json(raw: &RawContact) -> serde_json::Result<String> {
    if raw.photos.iter().all(|p| p.data.is_empty()) {
        return to_json(raw, Some("raw"));
    }
    let mut slim = raw.clone();
    for photo in &mut slim.photos {
        photo.data = Vec::new();
    }
    to_json(&slim, Some("raw"))
}

/// A stored RawContact, compact (its raw text taken from `raw`, the `records.raw` column) or
/// complete (as schema versions before 4 wrote it, the raw text inside).
pub(super) fn raw_from_json(json: &str, raw: &str) -> serde_json::Result<RawContact> {
    static LISTS: OnceLock<Vec<String>> = OnceLock::new();
    let lists = LISTS.get_or_init(|| list_fields(&RawContact::new(placeholder(), "")));
    from_json(json, lists, Some(("raw", raw)))
}

fn placeholder() -> Source {
    Source {
        path: String::new(),
        kind: SourceKind::Vcard,
        record: 0,
        line: None,
    }
}

/// The names of the top-level members that are lists, from an empty value of the type.
fn list_fields<T: Serialize>(empty: &T) -> Vec<String> {
    match serde_json::to_value(empty) {
        Ok(Value::Object(map)) => map
            .into_iter()
            .filter(|(_, v)| v.is_array())
            .map(|(k, _)| k)
            .collect(),
        _ => Vec::new(),
    }
}

fn to_json<T: Serialize>(value: &T, drop: Option<&str>) -> serde_json::Result<String> {
    let mut v = serde_json::to_value(value)?;
    if let Value::Object(map) = &mut v {
        if let Some(key) = drop {
            map.remove(key);
        }
        map.retain(|_, v| !matches!(v, Value::Array(a) if a.is_empty()));
    }
    strip_nulls(&mut v);
    serde_json::to_string(&v)
}

/// Remove every object member whose value is `null`, at any depth (list items stay: a `null`
/// item would mean something).
fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

fn from_json<T: DeserializeOwned>(
    json: &str,
    lists: &[String],
    text: Option<(&str, &str)>,
) -> serde_json::Result<T> {
    let mut v: Value = serde_json::from_str(json)?;
    if let Value::Object(map) = &mut v {
        restore(map, lists, text);
    }
    serde_json::from_value(v)
}

fn restore(map: &mut Map<String, Value>, lists: &[String], text: Option<(&str, &str)>) {
    for key in lists {
        if !map.contains_key(key) {
            map.insert(key.clone(), Value::Array(Vec::new()));
        }
    }
    if let Some((key, text)) = text {
        // A complete JSON of an older version keeps its own copy (the same text).
        if !map.contains_key(key) {
            map.insert(key.to_string(), Value::String(text.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Address, Labeled, Name, Org, Photo, RawAddress, RawName, RawOrg, Value as V,
    };

    fn source() -> Source {
        Source {
            path: "dir/cards.vcf".to_string(),
            kind: SourceKind::Vcard,
            record: 3,
            line: Some(17),
        }
    }

    fn v(value: &str, original: &str, label: Option<&str>) -> V {
        V {
            value: value.to_string(),
            original: original.to_string(),
            label: label.map(str::to_string),
        }
    }

    fn contacts() -> Vec<(&'static str, Contact)> {
        let empty = Contact::empty(source());
        let mut full = Contact::empty(source());
        full.name = Name {
            full: Some("Jan van der Berg".to_string()),
            given: Some("Jan".to_string()),
            family: Some("van der Berg".to_string()),
            prefix: Some("dr.".to_string()),
            suffix: None,
            initials: Some("J.".to_string()),
            original: Some("Berg, J. van der".to_string()),
        };
        full.nicknames = vec![v("Jantje", "Jantje", None)];
        full.emails = vec![
            v("jan@voorbeeld.nl", "Jan@Voorbeeld.nl", Some("work")),
            v("", "", None),
        ];
        full.phones = vec![v("+31612345678", "06-12345678", Some("cell"))];
        full.orgs = vec![Org {
            name: "Stichting Voorbeeld".to_string(),
            key: "voorbeeld".to_string(),
            legal_form: Some("stichting".to_string()),
            department: None,
            original: "Stichting Voorbeeld".to_string(),
        }];
        full.titles = vec![v("Coördinator", "Coördinator", None)];
        full.urls = vec![v("https://x.nl", "x.nl", None)];
        full.socials = vec![v("@jan", "@jan", Some("twitter"))];
        full.addresses = vec![Address {
            label: None,
            street: Some("Oudegracht 1".to_string()),
            postcode: Some("3511 AB".to_string()),
            city: Some("Utrecht".to_string()),
            region: None,
            country: Some("NL".to_string()),
            po_box: None,
            original: "Oudegracht 1, 3511AB Utrecht".to_string(),
        }];
        full.birthday = Some(v("1970-01-02", "2-1-1970", None));
        full.notes = vec![v("null", "null", None)];
        full.connected_on = Some(v("2024-10-09", "09 Oct 2024", None));
        let mut no_line = Contact::empty(Source {
            line: None,
            ..source()
        });
        no_line.name.full = Some(String::new());
        vec![("empty", empty), ("full", full), ("no line", no_line)]
    }

    #[test]
    fn contact_round_trip() {
        for (case, c) in contacts() {
            let json = contact_to_json(&c).expect("serialises");
            assert_eq!(contact_from_json(&json).expect("reads"), c, "case {case}");
            // What earlier schema versions wrote reads back the same.
            let old = serde_json::to_string(&c).expect("serialises");
            assert_eq!(
                contact_from_json(&old).expect("reads"),
                c,
                "case {case} (old)"
            );
            assert!(json.len() <= old.len(), "case {case}: {json}");
            assert!(
                !json.contains("null,") && !json.contains(":[]"),
                "case {case}: {json}"
            );
        }
    }

    #[test]
    fn compact_contact_leaves_out_nulls_and_empty_lists() {
        let c = Contact::empty(source());
        let json = contact_to_json(&c).expect("serialises");
        let got: Value = serde_json::from_str(&json).expect("JSON");
        let want = serde_json::json!({
            "source": serde_json::to_value(source()).expect("serialises"),
            "name": {},
        });
        assert_eq!(got, want, "{json}");
    }

    fn raws() -> Vec<(&'static str, RawContact)> {
        let empty = RawContact::new(source(), "BEGIN:VCARD\r\nEND:VCARD\r\n");
        let mut full = RawContact::new(source(), "Jan,van der Berg,jan@x.nl,\"a, b\"");
        full.name = RawName {
            full: None,
            given: Some("Jan".to_string()),
            middle: Some(String::new()),
            family: Some("van der Berg".to_string()),
            prefix: None,
            suffix: None,
        };
        full.nicknames = vec!["Jantje".to_string()];
        full.emails = vec![Labeled::with_label("jan@x.nl", Some("work".to_string()))];
        full.phones = vec![Labeled::new("06-12345678")];
        full.orgs = vec![RawOrg {
            name: "Stichting".to_string(),
            department: Some("Zorg".to_string()),
        }];
        full.titles = vec!["Coördinator".to_string()];
        full.addresses = vec![RawAddress {
            street: Some("Oudegracht 1".to_string()),
            ..RawAddress::default()
        }];
        full.birthday = Some("2-1-1970".to_string());
        full.notes = vec![String::new()];
        full.photos = vec![Photo {
            media_type: Some("image/jpeg".to_string()),
            data: Vec::new(),
            uri: None,
        }];
        full.connected_on = Some("09 Oct 2024".to_string());
        full.extra = vec![("rec_id".to_string(), "rec-1-org".to_string())];
        vec![("empty", empty), ("full", full)]
    }

    #[test]
    fn raw_round_trip() {
        for (case, r) in raws() {
            let json = raw_to_json(&r).expect("serialises");
            assert!(
                !json.contains(&r.raw),
                "case {case}: the raw text is left out: {json}"
            );
            assert_eq!(
                raw_from_json(&json, &r.raw).expect("reads"),
                r,
                "case {case}"
            );
            // Schema versions before 4 kept the raw text inside the JSON.
            let old = serde_json::to_string(&r).expect("serialises");
            assert_eq!(
                raw_from_json(&old, "ignored").expect("reads"),
                r,
                "case {case} (old)"
            );
        }
    }

    #[test]
    fn photo_bytes_are_left_out() {
        let mut r = RawContact::new(source(), "x");
        r.photos = vec![Photo {
            media_type: None,
            data: vec![1, 2, 3],
            uri: None,
        }];
        let back = raw_from_json(&raw_to_json(&r).expect("serialises"), "x").expect("reads");
        assert_eq!(back.photos[0].data, Vec::<u8>::new());
    }
}
