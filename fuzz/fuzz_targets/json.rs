//! Fuzz target `json`: see `checks::json` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::json(data));
