//! Fuzz target `csv`: see `checks::csv` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::csv(data));
