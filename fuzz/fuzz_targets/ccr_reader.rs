#![no_main]
//! The CCR reader, the minimum-necessary filter and the FHIR conversion never
//! panic, whatever the bytes; every readable record converts.
use libfuzzer_sys::fuzz_target;
use razcode_her::ccr::{filter::drop_sections, read, read_bytes, SectionKind};

fuzz_target!(|data: &[u8]| {
    let _ = read_bytes(data);
    if let Ok(text) = std::str::from_utf8(data) {
        if read(text).is_ok() {
            razcode_her::fhir::convert(text).expect("a readable CCR converts to FHIR");
            let kept = drop_sections(text, &[SectionKind::Problems]).expect("a readable CCR filters");
            read(&kept).expect("the filtered CCR reads back");
        }
    }
});
