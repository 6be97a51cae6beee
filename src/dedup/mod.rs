//! Deduplication: which records are the same person, and what that person looks like merged.
//!
//! For now identity is the union of shared keys (normalised e-mail, E.164 phone, LinkedIn
//! profile) behind [`identity::Resolver`]; the matching engine will fill the same interface.

pub mod block;
pub mod cluster;
pub mod compare;
pub mod engine;
pub mod identity;
pub mod merge;
pub mod model;
pub mod nicknames;
pub mod prepare;
