//! Fuzz target `extract`: see `checks::extract` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::extract(data));
