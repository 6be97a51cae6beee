//! The ground truth written beside every generated image (`card-00001.truth.json`), and read back
//! by `scan_eval`. One image holds one card, or several for a flatbed scan (in reading order:
//! top to bottom, then left to right).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Image {
    pub image: String,
    /// `scan`, `photo` or `flatbed`.
    pub mode: String,
    pub seed: u64,
    pub cards: Vec<Card>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Card {
    /// `nl` or `en`.
    pub lang: String,
    pub name: Option<String>,
    pub org: Option<String>,
    pub title: Option<String>,
    pub department: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<Phone>,
    pub websites: Vec<String>,
    pub socials: Vec<String>,
    pub address: Option<Address>,
    /// `vcard`, `mecard` or `url` when the card carries a QR code.
    pub qr: Option<String>,
    pub layout: String,
    pub font: String,
    /// Quarter turns applied before degradation: 0, 90, 180 or 270 degrees clockwise.
    pub rotation: u32,
    /// Every text line printed on the card, in drawing order.
    pub printed: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Phone {
    /// E.164.
    pub value: String,
    /// `mobile`, `work` or `fax`.
    pub kind: String,
    pub written: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Address {
    pub street: Option<String>,
    pub po_box: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
}
