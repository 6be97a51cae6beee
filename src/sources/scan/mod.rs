//! Business-card scans: images in, one record per card.

pub mod extract;
pub mod lexicon;
