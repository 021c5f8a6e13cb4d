#![no_main]
//! A SMART Health Link read from anything a camera could scan never panics;
//! a link that reads encodes back to one that reads the same; a file that is
//! not ours is refused, not opened.
use libfuzzer_sys::fuzz_target;
use razcode_protocol::shl::{decrypt, Payload};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(p) = Payload::decode(text) {
            assert_eq!(Payload::decode(&p.encode()).as_ref(), Ok(&p));
            let _ = decrypt(&p.key, text);
        }
        let _ = decrypt("rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q", text);
    }
});
