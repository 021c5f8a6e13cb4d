#![no_main]
//! The CCD importer never panics, and what it imports always writes a readable CCR.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(enc) = razcode_her::ccd::import_bytes(data) {
        let ccr = razcode_her::ccr::writer::write(&enc);
        razcode_her::ccr::read(&ccr).expect("the importer's CCR reads back");
    }
});
