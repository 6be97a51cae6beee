//! Fuzz target `prepare`: see `checks::prepare` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::prepare(data));
