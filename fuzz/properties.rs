//! What each fuzz target checks, as plain functions: the fuzz targets call
//! them with the fuzzer's bytes, and the gateway's `fuzz_replay` test calls
//! them with every seed and every finding kept in `corpus/` and
//! `regressions/`, so a finding stays fixed without the fuzzer.

#![allow(dead_code)]

use razcode_her::ccr::{filter::drop_sections, read, read_bytes, SectionKind};
use razcode_protocol::answer::Format;
use razcode_protocol::shl::{decrypt, Payload};
use razcode_protocol::{PaymentRequest, StageAnswer, TokenAnswer};

/// A fuzz target's check: panics when the bytes break a property.
pub type Check = fn(&[u8]);

/// Every fuzz target by name, with the function it fuzzes.
pub const TARGETS: [(&str, Check); 7] = [
    ("ccr_reader", ccr_reader),
    ("ccd_import", ccd_import),
    ("omhe_parse", omhe_parse),
    ("answer_codec", answer_codec),
    ("pmt_parse", pmt_parse),
    ("form_decode", form_decode),
    ("shl_link", shl_link),
];

/// The CCR reader, the minimum-necessary filter and the FHIR conversion never
/// panic, whatever the bytes; every readable record converts.
pub fn ccr_reader(data: &[u8]) {
    let _ = read_bytes(data);
    if let Ok(text) = std::str::from_utf8(data) {
        if read(text).is_ok() {
            razcode_her::fhir::convert(text).expect("a readable CCR converts to FHIR");
            let kept =
                drop_sections(text, &[SectionKind::Problems]).expect("a readable CCR filters");
            read(&kept).expect("the filtered CCR reads back");
        }
    }
}

/// The CCD importer never panics; what it imports writes a CCR that reads back.
pub fn ccd_import(data: &[u8]) {
    if let Ok(enc) = razcode_her::ccd::import_bytes(data) {
        let ccr = razcode_her::ccr::writer::write(&enc);
        razcode_her::ccr::read(&ccr).expect("the importer's CCR reads back");
    }
}

/// The OMHE parser and its JSON form never panic.
pub fn omhe_parse(data: &[u8]) {
    let r = razcode_her::omhe::parse_bytes(data);
    let _ = razcode_her::omhe::to_json(&r);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = razcode_her::check_json(text);
    }
}

/// Gateway answers decode without panicking, and what decodes encodes back
/// to the same answer; so do bills and RAZCODE IDs.
pub fn answer_codec(data: &[u8]) {
    for ct in [
        None,
        Some("application/json"),
        Some("application/x-www-form-urlencoded"),
    ] {
        if let Ok(a) = StageAnswer::decode(ct, data) {
            let format = if ct == Some("application/json") {
                Format::Json
            } else {
                Format::Form
            };
            let again =
                StageAnswer::decode(Some(format.content_type()), a.encode(format).as_bytes());
            assert_eq!(again.as_ref().ok(), Some(&a));
        }
        let _ = TokenAnswer::decode(ct, data);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(p) = PaymentRequest::parse(text) {
            assert_eq!(PaymentRequest::parse(&p.to_json()).ok(), Some(p));
        }
        let _ = razcode_protocol::RazId::parse(text);
    }
}

/// A bill that parses is valid, and its JSON parses back to the same bill.
pub fn pmt_parse(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(p) = PaymentRequest::parse(text) {
            assert!(p.validate().is_ok(), "{text:?} parsed but is not valid");
            assert_eq!(PaymentRequest::parse(&p.to_json()).ok(), Some(p));
        }
    }
}

/// The gateway's form decoder agrees with the `form_urlencoded` crate.
pub fn form_decode(data: &[u8]) {
    let ours = razcode_gateway::parse_form(data);
    let reference: Vec<(String, String)> = form_urlencoded::parse(data).into_owned().collect();
    assert_eq!(ours, reference);
}

/// A SMART Health Link that decodes encodes back the same; decrypting with
/// its key, or with another, never panics.
pub fn shl_link(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(p) = Payload::decode(text) {
            assert_eq!(Payload::decode(&p.encode()).as_ref(), Ok(&p));
            let _ = decrypt(&p.key, text);
        }
        let _ = decrypt("rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q", text);
    }
}
