#![no_main]
//! The payment request parser never panics; what it accepts is valid and
//! reads back the same from its own JSON.
use libfuzzer_sys::fuzz_target;
use razcode_protocol::PaymentRequest;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(p) = PaymentRequest::parse(text) {
            assert!(p.validate().is_ok(), "{text:?} parsed but is not valid");
            assert_eq!(PaymentRequest::parse(&p.to_json()).ok(), Some(p));
        }
    }
});
