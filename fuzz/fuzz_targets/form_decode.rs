#![no_main]
//! The gateway's word-at-a-time form decoder never panics and reads every
//! body exactly as `form_urlencoded` (the reference) does.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ours = razcode_gateway::parse_form(data);
    let reference: Vec<(String, String)> = form_urlencoded::parse(data).into_owned().collect();
    assert_eq!(ours, reference);
});
