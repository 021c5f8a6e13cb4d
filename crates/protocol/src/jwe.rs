//! Compact JWE (RFC 7516) with `alg` `dir` and `enc` `A256GCM`, the one form
//! SMART Health Links use: a protected header, no encrypted key, a 96-bit IV,
//! the AES-256-GCM ciphertext and tag, the header's base64url as the AAD.
//! The cipher is RustCrypto's `aes-gcm` (no system TLS library in the desk or
//! the gateway); `zip: DEF` files (raw DEFLATE, RFC 1951) are read, never
//! written. Tests check both directions against jwcrypto.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// The most a `zip: DEF` file may inflate to: a file is one visit.
pub const MAX_PLAIN: usize = 32 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JweError {
    #[error("the key is not 32 bytes")]
    Key,
    #[error("it is not a compact JWE (five base64url parts)")]
    Form,
    #[error("its header is not JSON: {0}")]
    Header(String),
    #[error("it is {0}, not dir with A256GCM")]
    Algorithm(String),
    #[error("it names critical extensions ({0}) this reader does not know")]
    Critical(String),
    #[error("its tag does not match: another key, or the file was changed")]
    Tag,
    #[error("its compressed content is not DEFLATE, or inflates past {MAX_PLAIN} bytes")]
    Inflate,
    #[error("the operating system gave no random IV: {0}")]
    Random(String),
}

#[derive(Serialize, Deserialize)]
struct Header {
    alg: String,
    enc: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    cty: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    zip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    crit: Option<Vec<String>>,
}

fn cipher(key: &[u8]) -> Result<Aes256Gcm, JweError> {
    Aes256Gcm::new_from_slice(key).map_err(|_| JweError::Key)
}

/// `plain` encrypted under `key` (32 bytes), its type in `cty`.
pub fn encrypt(key: &[u8], content_type: &str, plain: &[u8]) -> Result<String, JweError> {
    use rand::TryRngCore;
    let header = Header {
        alg: "dir".into(),
        enc: "A256GCM".into(),
        cty: Some(content_type.into()),
        zip: None,
        crit: None,
    };
    // A struct of strings always serialises.
    let protected = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).unwrap_or_default());
    let mut iv = [0u8; 12];
    rand::rngs::OsRng
        .try_fill_bytes(&mut iv)
        .map_err(|e| JweError::Random(e.to_string()))?;
    seal(key, &protected, iv, plain)
}

/// The compact form of `plain` sealed under `key` with this protected header
/// (its base64url, the AAD) and IV.
fn seal(key: &[u8], protected: &str, iv: [u8; 12], plain: &[u8]) -> Result<String, JweError> {
    let sealed = cipher(key)?
        .encrypt(
            Nonce::from_slice(&iv),
            Payload {
                msg: plain,
                aad: protected.as_bytes(),
            },
        )
        .map_err(|_| JweError::Key)?;
    let (ciphertext, tag) = sealed.split_at(sealed.len() - 16);
    Ok(format!(
        "{protected}..{}.{}.{}",
        URL_SAFE_NO_PAD.encode(iv),
        URL_SAFE_NO_PAD.encode(ciphertext),
        URL_SAFE_NO_PAD.encode(tag)
    ))
}

/// A compact JWE's parts, its header read and checked: `dir` with
/// `A256GCM`, no encrypted key, no critical extensions, a 96-bit IV and a
/// 128-bit tag.
struct Parts<'a> {
    header: Header,
    protected: &'a str,
    iv: Vec<u8>,
    ciphertext: Vec<u8>,
    tag: Vec<u8>,
}

fn parts(compact: &str) -> Result<Parts<'_>, JweError> {
    let parts: Vec<&str> = compact.trim().split('.').collect();
    let [protected, encrypted_key, iv, ciphertext, tag] = parts[..] else {
        return Err(JweError::Form);
    };
    let b64 = |s: &str| URL_SAFE_NO_PAD.decode(s).map_err(|_| JweError::Form);
    let header: Header =
        serde_json::from_slice(&b64(protected)?).map_err(|e| JweError::Header(e.to_string()))?;
    if header.alg != "dir" || header.enc != "A256GCM" || !encrypted_key.is_empty() {
        return Err(JweError::Algorithm(format!(
            "{} with {}",
            header.alg, header.enc
        )));
    }
    if let Some(crit) = header.crit.as_ref().filter(|c| !c.is_empty()) {
        return Err(JweError::Critical(crit.join(", ")));
    }
    let (iv, tag) = (b64(iv)?, b64(tag)?);
    if iv.len() != 12 || tag.len() != 16 {
        return Err(JweError::Form);
    }
    Ok(Parts {
        header,
        protected,
        iv,
        ciphertext: b64(ciphertext)?,
        tag,
    })
}

/// Whether `compact` has the form this module writes, read without the key:
/// what a server that keeps a file it cannot open can check.
pub fn check_form(compact: &str) -> Result<(), JweError> {
    parts(compact).map(|_| ())
}

/// The plaintext and its `cty`, when `compact` decrypts under `key`.
pub fn decrypt(key: &[u8], compact: &str) -> Result<(Vec<u8>, Option<String>), JweError> {
    let Parts {
        header,
        protected,
        iv,
        mut ciphertext,
        tag,
    } = parts(compact)?;
    ciphertext.extend_from_slice(&tag);
    let plain = cipher(key)?
        .decrypt(
            Nonce::from_slice(&iv),
            Payload {
                msg: &ciphertext,
                aad: protected.as_bytes(),
            },
        )
        .map_err(|_| JweError::Tag)?;
    let plain = match header.zip.as_deref() {
        None => plain,
        Some("DEF") => inflate(&plain)?,
        Some(other) => return Err(JweError::Algorithm(format!("zip {other}"))),
    };
    Ok((plain, header.cty))
}

/// Raw DEFLATE, bounded: a small file must not inflate into the memory.
fn inflate(data: &[u8]) -> Result<Vec<u8>, JweError> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(data)
        .take(MAX_PLAIN as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|_| JweError::Inflate)?;
    if out.len() > MAX_PLAIN {
        return Err(JweError::Inflate);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    #[test]
    fn round_trip_and_a_changed_byte_is_refused() {
        let jwe = encrypt(&KEY, "application/fhir+json", b"{}").expect("encrypt");
        let (plain, cty) = decrypt(&KEY, &jwe).expect("decrypt");
        assert_eq!(plain, b"{}");
        assert_eq!(cty.as_deref(), Some("application/fhir+json"));
        // The header is authenticated: a changed header fails the tag.
        let mut parts: Vec<String> = jwe.split('.').map(str::to_string).collect();
        parts[0] = URL_SAFE_NO_PAD.encode(br#"{"alg":"dir","enc":"A256GCM","cty":"text/plain"}"#);
        assert_eq!(decrypt(&KEY, &parts.join(".")), Err(JweError::Tag));
        assert!(matches!(decrypt(&KEY, "a.b.c"), Err(JweError::Form)));
    }

    #[test]
    fn the_form_is_checked_without_the_key() {
        let jwe = encrypt(&KEY, "application/fhir+json", b"{}").expect("encrypt");
        assert_eq!(check_form(&jwe), Ok(()));
        assert_eq!(check_form("a.b.c"), Err(JweError::Form));
        let mut parts: Vec<&str> = jwe.split('.').collect();
        parts[3] = "not base64!";
        assert_eq!(check_form(&parts.join(".")), Err(JweError::Form));
        let rsa = URL_SAFE_NO_PAD.encode(br#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#);
        let mut parts: Vec<&str> = jwe.split('.').collect();
        parts[0] = &rsa;
        assert!(matches!(
            check_form(&parts.join(".")),
            Err(JweError::Algorithm(_))
        ));
    }

    #[test]
    fn other_algorithms_and_critical_headers_are_refused() {
        let header = |h: &str| {
            format!(
                "{}..{}.{}.{}",
                URL_SAFE_NO_PAD.encode(h),
                URL_SAFE_NO_PAD.encode([0u8; 12]),
                URL_SAFE_NO_PAD.encode(b"x"),
                URL_SAFE_NO_PAD.encode([0u8; 16])
            )
        };
        assert!(matches!(
            decrypt(&KEY, &header(r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#)),
            Err(JweError::Algorithm(_))
        ));
        assert!(matches!(
            decrypt(
                &KEY,
                &header(r#"{"alg":"dir","enc":"A256GCM","crit":["exp"]}"#)
            ),
            Err(JweError::Critical(_))
        ));
    }

    #[test]
    fn deflated_files_are_read_and_bombs_refused() {
        use std::io::Write;
        let deflated = |plain: &[u8]| {
            let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
            z.write_all(plain).expect("deflate");
            let packed = z.finish().expect("deflate");
            let protected = URL_SAFE_NO_PAD.encode(br#"{"alg":"dir","enc":"A256GCM","zip":"DEF"}"#);
            seal(&KEY, &protected, [1u8; 12], &packed).expect("seal")
        };
        let (plain, _) = decrypt(&KEY, &deflated(b"hello hello hello")).expect("inflated");
        assert_eq!(plain, b"hello hello hello");
        let bomb = vec![0u8; MAX_PLAIN + 10];
        assert_eq!(decrypt(&KEY, &deflated(&bomb)), Err(JweError::Inflate));
    }
}
