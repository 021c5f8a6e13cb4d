#![no_main]
//! The CCR reader, the minimum-necessary filter and the FHIR conversion never
//! panic, whatever the bytes; every readable record converts.
//! The check itself is `properties::ccr_reader`, which the fuzz replay test runs too.
use libfuzzer_sys::fuzz_target;

#[path = "../properties.rs"]
mod properties;

fuzz_target!(|data: &[u8]| properties::ccr_reader(data));
