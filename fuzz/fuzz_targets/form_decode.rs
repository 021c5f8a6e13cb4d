#![no_main]
//! The gateway's word-at-a-time form decoder never panics and reads every
//! body exactly as `form_urlencoded` (the reference) does.
//! The check itself is `properties::form_decode`, which the fuzz replay test runs too.
use libfuzzer_sys::fuzz_target;

#[path = "../properties.rs"]
mod properties;

fuzz_target!(|data: &[u8]| properties::form_decode(data));
