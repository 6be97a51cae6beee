//! Fuzz target `ics`: see `checks::ics` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::ics(data));
