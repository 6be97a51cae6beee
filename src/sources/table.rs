//! CSV readers.
