#![no_main]
//! The answer codec never panics, and what it accepts round-trips.
//! The check itself is `properties::answer_codec`, which the fuzz replay test runs too.
use libfuzzer_sys::fuzz_target;

#[path = "../properties.rs"]
mod properties;

fuzz_target!(|data: &[u8]| properties::answer_codec(data));
