#![no_main]
//! The payment request parser never panics; what it accepts is valid and
//! reads back the same from its own JSON.
//! The check itself is `properties::pmt_parse`, which the fuzz replay test runs too.
use libfuzzer_sys::fuzz_target;

#[path = "../properties.rs"]
mod properties;

fuzz_target!(|data: &[u8]| properties::pmt_parse(data));
