//! Fuzz target `normalize`: see `checks::normalize` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::normalize(data));
