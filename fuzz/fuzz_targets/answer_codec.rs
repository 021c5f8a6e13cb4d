#![no_main]
//! The answer codec never panics, and what it accepts round-trips.
use libfuzzer_sys::fuzz_target;
use razcode_protocol::answer::Format;
use razcode_protocol::{PaymentRequest, StageAnswer, TokenAnswer};

fuzz_target!(|data: &[u8]| {
    for ct in [None, Some("application/json"), Some("application/x-www-form-urlencoded")] {
        if let Ok(a) = StageAnswer::decode(ct, data) {
            let format = if ct == Some("application/json") { Format::Json } else { Format::Form };
            let again = StageAnswer::decode(Some(format.content_type()), a.encode(format).as_bytes());
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
});
