#![no_main]
//! The OMHE parser gives a result or an error for every input, never a panic,
//! and its JSON form is always produced.
//! The check itself is `properties::omhe_parse`, which the fuzz replay test runs too.
use libfuzzer_sys::fuzz_target;

#[path = "../properties.rs"]
mod properties;

fuzz_target!(|data: &[u8]| properties::omhe_parse(data));
