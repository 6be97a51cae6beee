//! Identity: which records are the same person.
