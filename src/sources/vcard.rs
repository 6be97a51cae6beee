//! vCard reader.
