//! RFC 5849 §3.4: the signature base string and the three signature methods.

use base64::Engine;
use hmac::{Hmac, Mac};
use subtle::ConstantTimeEq;

/// The signature methods a gateway knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    HmacSha1,
    HmacSha256,
    Plaintext,
}

impl Method {
    pub fn parse(name: &str) -> Option<Method> {
        match name {
            "HMAC-SHA1" => Some(Method::HmacSha1),
            "HMAC-SHA256" => Some(Method::HmacSha256),
            "PLAINTEXT" => Some(Method::Plaintext),
            _ => None,
        }
    }
}

/// Bytes RFC 5849 §3.6 leaves as they are: `A-Z a-z 0-9 - . _ ~`.
const UNRESERVED: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_' || b == b'~';
        i += 1;
    }
    t
};

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// What each byte becomes in the base string (padded to 8 bytes) and how many
/// of those bytes count: itself when unreserved, else the escape and two hex
/// digits.
struct EscapeTable {
    bytes: [[u8; 8]; 256],
    len: [u8; 256],
}

const fn escape_table(escape: &[u8]) -> EscapeTable {
    let mut bytes = [[0u8; 8]; 256];
    let mut len = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        if UNRESERVED[i] {
            bytes[i][0] = i as u8;
            len[i] = 1;
        } else {
            let mut j = 0;
            while j < escape.len() {
                bytes[i][j] = escape[j];
                j += 1;
            }
            bytes[i][j] = HEX[i >> 4];
            bytes[i][j + 1] = HEX[i & 15];
            len[i] = (j + 2) as u8;
        }
        i += 1;
    }
    EscapeTable { bytes, len }
}

/// Percent-encoding once: `<` becomes `%3C`.
static ONCE: EscapeTable = escape_table(b"%");
/// Percent-encoding twice in one pass: `<` becomes `%253C`, as
/// `encode(encode(b))` would.
static TWICE: EscapeTable = escape_table(b"%25");
/// The longest any byte becomes.
const MAX_ESCAPED: usize = 5;

/// Appends `s` escaped by `table`. The base string holds the whole form body
/// (up to 4 MiB) and about a third of an XML record's bytes are reserved, so
/// this runs without a branch per byte: each byte writes its 8-byte pattern
/// and moves on by the pattern's length.
fn escape_into(out: &mut Vec<u8>, s: &[u8], table: &EscapeTable) {
    let start = out.len();
    out.resize(start + s.len() * MAX_ESCAPED + 8, 0);
    let room = &mut out[start..];
    let mut n = 0;
    for &b in s {
        room[n..n + 8].copy_from_slice(&table.bytes[usize::from(b)]);
        n += usize::from(table.len[usize::from(b)]);
    }
    out.truncate(start + n);
}

/// Appends `s` percent-encoded.
fn encode_into(out: &mut Vec<u8>, s: &[u8]) {
    escape_into(out, s, &ONCE);
}

/// Percent-encoding of RFC 5849 §3.6: everything but `A-Z a-z 0-9 - . _ ~`.
pub fn encode(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len() + s.len() / 2);
    encode_into(&mut out, s.as_bytes());
    String::from_utf8(out).unwrap_or_default()
}

/// The base string URI (§3.4.1.2): lower-case scheme and host, default port
/// dropped, no query.
pub fn base_uri(scheme: &str, authority: &str, path: &str) -> String {
    let scheme = scheme.to_ascii_lowercase();
    let authority = authority.to_ascii_lowercase();
    let authority = match (scheme.as_str(), authority.rsplit_once(':')) {
        ("http", Some((host, "80"))) | ("https", Some((host, "443"))) => host.to_string(),
        _ => authority,
    };
    let path = if path.is_empty() { "/" } else { path };
    format!("{scheme}://{authority}{path}")
}

/// Encodes `s` twice in one pass (what the base string does to every parameter
/// value): a reserved byte `b` becomes `%25XY`, as `encode(encode(b))` would.
fn encode_twice_into(out: &mut Vec<u8>, s: &[u8]) {
    escape_into(out, s, &TWICE);
}

/// Writes the signature base string (§3.4.1) to `sink` in pieces of at most
/// `CHUNK` bytes, so a 4 MiB record is never copied whole. `params` are every
/// decoded parameter (query, form body, `oauth_*` from the header) except
/// `oauth_signature` and `realm`.
fn write_base_string<'a>(
    http_method: &str,
    base_uri: &str,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
    sink: &mut dyn FnMut(&[u8]),
) {
    const CHUNK: usize = 16 * 1024;
    // Sorted by encoded name, then encoded value (§3.4.1.3.2); values are
    // encoded for the comparison only when two names are equal.
    let mut sorted: Vec<(String, &str)> = params.into_iter().map(|(k, v)| (encode(k), v)).collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| encode(a.1).cmp(&encode(b.1))));
    let mut out = Vec::with_capacity(2 * CHUNK + 64);
    out.extend_from_slice(http_method.to_ascii_uppercase().as_bytes());
    out.push(b'&');
    encode_into(&mut out, base_uri.as_bytes());
    out.push(b'&');
    for (i, (k, v)) in sorted.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b"%26");
        }
        // The normalized string is encoded once more: `%` becomes `%25`, `=` `%3D`.
        encode_into(&mut out, k.as_bytes());
        out.extend_from_slice(b"%3D");
        for piece in v.as_bytes().chunks(CHUNK / MAX_ESCAPED) {
            encode_twice_into(&mut out, piece);
            if out.len() >= CHUNK {
                sink(&out);
                out.clear();
            }
        }
    }
    sink(&out);
}

/// The signature base string (§3.4.1) as text (tests, diagnostics).
pub fn base_string<'a>(
    http_method: &str,
    base_uri: &str,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let mut all = Vec::new();
    write_base_string(http_method, base_uri, params, &mut |b| {
        all.extend_from_slice(b)
    });
    String::from_utf8(all).unwrap_or_default()
}

fn key(consumer_secret: &str, token_secret: &str) -> String {
    format!("{}&{}", encode(consumer_secret), encode(token_secret))
}

fn hmac_base64<M: Mac + hmac::digest::KeyInit>(
    key: &str,
    feed: impl FnOnce(&mut dyn FnMut(&[u8])),
) -> String {
    let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(key.as_bytes())
        .expect("HMAC takes a key of any length");
    feed(&mut |b| mac.update(b));
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The signature of a base string fed by `feed`: base64 (HMAC) or the key itself (PLAINTEXT).
fn sign_with(
    method: Method,
    consumer_secret: &str,
    token_secret: &str,
    feed: impl FnOnce(&mut dyn FnMut(&[u8])),
) -> String {
    let key = key(consumer_secret, token_secret);
    match method {
        Method::HmacSha1 => hmac_base64::<Hmac<sha1::Sha1>>(&key, feed),
        Method::HmacSha256 => hmac_base64::<Hmac<sha2::Sha256>>(&key, feed),
        Method::Plaintext => key,
    }
}

/// The signature of a base string, base64 (HMAC) or the key itself (PLAINTEXT).
pub fn sign(method: Method, base: &str, consumer_secret: &str, token_secret: &str) -> String {
    sign_with(method, consumer_secret, token_secret, |sink| {
        sink(base.as_bytes())
    })
}

/// Checks a received signature against the request's parameters, the base
/// string streamed into the MAC, compared in constant time.
pub fn request_signature_matches<'a>(
    method: Method,
    http_method: &str,
    base_uri: &str,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
    consumer_secret: &str,
    token_secret: &str,
    received: &str,
) -> bool {
    let expected = sign_with(method, consumer_secret, token_secret, |sink| {
        write_base_string(http_method, base_uri, params, sink)
    });
    expected.as_bytes().ct_eq(received.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(v: &[(String, String)]) -> impl Iterator<Item = (&str, &str)> {
        v.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// RFC 5849 §3.4.1.1: the base string of the example request.
    #[test]
    fn rfc5849_base_string_example() {
        let params = p(&[
            ("b5", "=%3D"),
            ("a3", "a"),
            ("c@", ""),
            ("a2", "r b"),
            ("oauth_consumer_key", "9djdj82h48djs9d2"),
            ("oauth_token", "kkk9d7dh3k39sjv7"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131201"),
            ("oauth_nonce", "7d8f3e4a"),
            ("c2", ""),
            ("a3", "2 q"),
        ]);
        let base = base_string(
            "post",
            &base_uri("HTTP", "EXAMPLE.COM:80", "/request"),
            refs(&params),
        );
        assert_eq!(
            base,
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q\
             %26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_\
             key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m\
             ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk\
             9d7dh3k39sjv7"
        );
    }

    /// The streamed base string is the one built whole, across chunk
    /// boundaries and with repeated names sorted by value.
    #[test]
    fn streamed_signature_equals_the_whole_base_string() {
        let big: String = (0..40_000)
            .map(|i| ["<a b=\"x\">", "é", "~-._", "%", "\u{1F600}", "z"][i % 6])
            .collect();
        let params = p(&[
            ("her", big.as_str()),
            ("a", "2 q"),
            ("a", "1"),
            ("oauth_nonce", "n"),
            ("oauth_timestamp", "137131201"),
        ]);
        let uri = base_uri("http", "127.0.0.1:8080", "/gateway/stage");
        for method in [Method::HmacSha1, Method::HmacSha256, Method::Plaintext] {
            let whole = sign(
                method,
                &base_string("POST", &uri, refs(&params)),
                "cs",
                "ts",
            );
            assert!(request_signature_matches(
                method,
                "POST",
                &uri,
                refs(&params),
                "cs",
                "ts",
                &whole
            ));
            assert!(!request_signature_matches(
                method,
                "POST",
                &uri,
                refs(&params),
                "cs",
                "other",
                &whole
            ));
        }
        let base = base_string("POST", &uri, refs(&params));
        assert!(
            base.contains("a%3D1%26a%3D2%2520q"),
            "repeated names sorted by value"
        );
    }

    /// RFC 5849 §1.2: the three signed requests of the photo-printing example.
    #[test]
    fn rfc5849_section_1_2_signatures() {
        let initiate = p(&[
            ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131200"),
            ("oauth_nonce", "wIjqoS"),
            ("oauth_callback", "http://printer.example.com/ready"),
        ]);
        let base = base_string(
            "POST",
            &base_uri("https", "photos.example.net", "/initiate"),
            refs(&initiate),
        );
        assert_eq!(
            sign(Method::HmacSha1, &base, "kd94hf93k423kf44", ""),
            "74KNZJeDHnMBp0EMJ9ZHt/XKycU="
        );

        let token = p(&[
            ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
            ("oauth_token", "hh5s93j4hdidpola"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131201"),
            ("oauth_nonce", "walatlh"),
            ("oauth_verifier", "hfdp7dh39dks9884"),
        ]);
        let base = base_string(
            "POST",
            &base_uri("https", "photos.example.net", "/token"),
            refs(&token),
        );
        assert_eq!(
            sign(
                Method::HmacSha1,
                &base,
                "kd94hf93k423kf44",
                "hdhd0244k9j7ao03"
            ),
            "gKgrFCywp7rO0OXSjdot/IHF7IU="
        );

        let photos = p(&[
            ("file", "vacation.jpg"),
            ("size", "original"),
            ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
            ("oauth_token", "nnch734d00sl2jdk"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131202"),
            ("oauth_nonce", "chapoH"),
        ]);
        let base = base_string(
            "GET",
            &base_uri("http", "photos.example.net", "/photos"),
            refs(&photos),
        );
        assert_eq!(
            sign(
                Method::HmacSha1,
                &base,
                "kd94hf93k423kf44",
                "pfkkdhi9sl3r4s00"
            ),
            "MdpQcU8iPSUjWoN/UDMsK2sui9I="
        );
    }

    /// OAuth Core 1.0, Appendix A.5: the protected-resource example.
    #[test]
    fn oauth_core_1_0_appendix_a_signature() {
        let params = p(&[
            ("file", "vacation.jpg"),
            ("size", "original"),
            ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
            ("oauth_token", "nnch734d00sl2jdk"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "1191242096"),
            ("oauth_nonce", "kllo9940pd9333jh"),
            ("oauth_version", "1.0"),
        ]);
        let base = base_string(
            "GET",
            &base_uri("http", "photos.example.net", "/photos"),
            refs(&params),
        );
        assert_eq!(
            base,
            "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26\
             oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh\
             %26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096\
             %26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal"
        );
        let sig = sign(
            Method::HmacSha1,
            &base,
            "kd94hf93k423kf44",
            "pfkkdhi9sl3r4s00",
        );
        assert_eq!(sig, "tR3+Ty81lMeYAr/Fid0kMTYa/WM=");
        let uri = base_uri("http", "photos.example.net", "/photos");
        assert!(request_signature_matches(
            Method::HmacSha1,
            "GET",
            &uri,
            refs(&params),
            "kd94hf93k423kf44",
            "pfkkdhi9sl3r4s00",
            "tR3+Ty81lMeYAr/Fid0kMTYa/WM="
        ));
        assert!(!request_signature_matches(
            Method::HmacSha1,
            "GET",
            &uri,
            refs(&params),
            "kd94hf93k423kf44",
            "pfkkdhi9sl3r4s00",
            "tR3+Ty81lMeYAr/Fid0kMTYa/WN="
        ));
    }

    #[test]
    fn plaintext_and_sha256() {
        assert_eq!(
            sign(Method::Plaintext, "ignored", "a b", "c&d"),
            "a%20b&c%26d"
        );
        // HMAC-SHA256 of the Appendix A base string, cross-checked with
        // `openssl dgst -sha256 -hmac 'kd94hf93k423kf44&pfkkdhi9sl3r4s00' -binary | base64`.
        let base = "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26\
             oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh\
             %26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096\
             %26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal";
        assert_eq!(
            sign(
                Method::HmacSha256,
                base,
                "kd94hf93k423kf44",
                "pfkkdhi9sl3r4s00"
            ),
            include_str!("../../tests/data/appendix_a_hmac_sha256.txt").trim()
        );
    }

    #[test]
    fn encoding_rules() {
        assert_eq!(encode("Ladies + Gentlemen"), "Ladies%20%2B%20Gentlemen");
        assert_eq!(encode("An encoded string!"), "An%20encoded%20string%21");
        assert_eq!(encode("Dogs, Cats & Mice"), "Dogs%2C%20Cats%20%26%20Mice");
        assert_eq!(encode("☃"), "%E2%98%83");
        assert_eq!(encode("-._~"), "-._~");
    }
}
