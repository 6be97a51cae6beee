//! Deduplication: which records are the same person, and what that person looks like merged.
//!
//! Identity is the matching engine ([`engine::Engine`]: block, score, cluster with the user's
//! decisions); the store runs it over every active record in every run that changes the index.

pub mod block;
pub mod cluster;
pub mod compare;
pub mod engine;
pub mod fullname;
pub mod identity;
pub mod merge;
pub mod model;
pub mod nicknames;
pub mod prepare;
