//! Fuzz target `vcard`: see `checks::vcard` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::vcard(data));
