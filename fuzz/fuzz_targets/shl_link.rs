#![no_main]
//! A SMART Health Link read from anything a camera could scan never panics;
//! a link that reads encodes back to one that reads the same; a file that is
//! not ours is refused, not opened.
//! The check itself is `properties::shl_link`, which the fuzz replay test runs too.
use libfuzzer_sys::fuzz_target;

#[path = "../properties.rs"]
mod properties;

fuzz_target!(|data: &[u8]| properties::shl_link(data));
