#![no_main]
//! The CCD importer never panics, and what it imports always writes a readable CCR.
//! The check itself is `properties::ccd_import`, which the fuzz replay test runs too.
use libfuzzer_sys::fuzz_target;

#[path = "../properties.rs"]
mod properties;

fuzz_target!(|data: &[u8]| properties::ccd_import(data));
