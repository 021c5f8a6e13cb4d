#![no_main]
//! The OMHE parser gives a result or an error for every input, never a panic,
//! and its JSON form is always produced.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let r = razcode_her::omhe::parse_bytes(data);
    let _ = razcode_her::omhe::to_json(&r);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = razcode_her::check_json(text);
    }
});
