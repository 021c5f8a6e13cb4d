//! SMART Health Links (HL7 SMART Health Cards and Links, STU1) as the v1.1
//! extension uses them: the `shlink:/` payload, its flags, and the file's
//! compact JWE (`alg` `dir`, `enc` `A256GCM`), with a 256-bit key that only the
//! link carries. Files are written without compression (`zip` is optional;
//! DEFLATE cost three times the visit's read for a file that is stored and
//! served, never printed); files that others compressed (`zip: DEF`) are read.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// What every link starts with.
pub const SCHEME: &str = "shlink:/";
/// A manifest's answer names each file's type; ours is a FHIR Bundle.
pub const FHIR_JSON: &str = "application/fhir+json";
/// The longest label the specification allows, in characters.
pub const LABEL_MAX: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShlError {
    #[error("this is not a SMART Health Link (it should start with shlink:/ or hold #shlink:/)")]
    NotALink,
    #[error("the link's payload is not base64url")]
    NotBase64,
    #[error("the link's payload is not the JSON the specification describes: {0}")]
    BadPayload(String),
    #[error("the link's key is not 43 base64url characters (256 bits)")]
    BadKey,
    #[error("the link's flag {0:?} is not one of L, P, U (and U cannot go with P)")]
    BadFlag(String),
    #[error("the file cannot be encrypted: {0}")]
    Encrypt(String),
    #[error("the file does not decrypt with the link's key (it was changed, or is not for this link): {0}")]
    Decrypt(String),
}

/// The link's payload (the JSON after `shlink:/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    /// The manifest's URL (or, with flag `U`, the file's).
    pub url: String,
    /// The file's key: 32 bytes, base64url, 43 characters.
    pub key: String,
    /// When the link stops working, in seconds since 1970.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    /// `L` long-term, `P` passcode, `U` direct file, in that order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub v: Option<u32>,
}

impl Payload {
    /// `shlink:/` and the minified JSON in base64url.
    pub fn encode(&self) -> String {
        // A struct of strings and numbers always serialises.
        let json = serde_json::to_vec(self).unwrap_or_default();
        format!("{SCHEME}{}", URL_SAFE_NO_PAD.encode(json))
    }

    /// Reads a link as people and apps pass it on: bare (`shlink:/...`), or
    /// after the `#` of a viewer's or our redemption URL.
    pub fn decode(text: &str) -> Result<Payload, ShlError> {
        let text = text.trim();
        let link = match text.strip_prefix(SCHEME) {
            Some(rest) => rest,
            None => text
                .split_once(&format!("#{SCHEME}"))
                .map(|(_, rest)| rest)
                .ok_or(ShlError::NotALink)?,
        };
        let bytes = URL_SAFE_NO_PAD
            .decode(link.trim_end_matches('='))
            .map_err(|_| ShlError::NotBase64)?;
        let p: Payload =
            serde_json::from_slice(&bytes).map_err(|e| ShlError::BadPayload(e.to_string()))?;
        key_bytes(&p.key)?;
        if let Some(f) = &p.flag {
            let ok = f.chars().all(|c| matches!(c, 'L' | 'P' | 'U'))
                && !(f.contains('U') && f.contains('P'));
            if !ok {
                return Err(ShlError::BadFlag(f.clone()));
            }
        }
        if p.url.is_empty() {
            return Err(ShlError::BadPayload("the url is empty".into()));
        }
        Ok(p)
    }

    fn has(&self, flag: char) -> bool {
        self.flag.as_deref().is_some_and(|f| f.contains(flag))
    }

    /// `P`: the manifest asks for a passcode.
    pub fn needs_passcode(&self) -> bool {
        self.has('P')
    }

    /// `U`: `url` is the file itself (a GET), not a manifest.
    pub fn direct_file(&self) -> bool {
        self.has('U')
    }
}

/// A new file key: 32 bytes from the OS CSPRNG, base64url.
pub fn new_key() -> Result<String, ShlError> {
    use rand::TryRngCore;
    let mut k = [0u8; 32];
    rand::rngs::OsRng
        .try_fill_bytes(&mut k)
        .map_err(|e| ShlError::Encrypt(e.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(k))
}

/// A random URL-safe id of 256 bits (a manifest's path segment).
pub fn new_id() -> Result<String, ShlError> {
    new_key()
}

fn key_bytes(key: &str) -> Result<Vec<u8>, ShlError> {
    match URL_SAFE_NO_PAD.decode(key) {
        Ok(k) if key.len() == 43 && k.len() == 32 => Ok(k),
        _ => Err(ShlError::BadKey),
    }
}

/// Encrypts a file for a link: compact JWE, `dir` + `A256GCM`, `cty` the
/// file's type.
pub fn encrypt(key: &str, content_type: &str, plain: &[u8]) -> Result<String, ShlError> {
    crate::jwe::encrypt(&key_bytes(key)?, content_type, plain)
        .map_err(|e| ShlError::Encrypt(e.to_string()))
}

/// Decrypts a link's file; the plaintext and its `cty`.
pub fn decrypt(key: &str, compact: &str) -> Result<(Vec<u8>, Option<String>), ShlError> {
    crate::jwe::decrypt(&key_bytes(key)?, compact).map_err(|e| ShlError::Decrypt(e.to_string()))
}

/// A label within the specification's 80 characters, cut at a character.
pub fn label(text: &str) -> String {
    text.chars().take(LABEL_MAX).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload() -> Payload {
        Payload {
            url: "https://gw.example/shl/abc".into(),
            key: "rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q".into(),
            exp: Some(1_700_000_000),
            flag: Some("P".into()),
            label: Some("Clinic visit".into()),
            v: Some(1),
        }
    }

    #[test]
    fn links_round_trip_bare_and_after_a_hash() {
        let p = payload();
        let link = p.encode();
        assert!(link.starts_with(SCHEME));
        assert_eq!(Payload::decode(&link).unwrap(), p);
        let in_url = format!("https://hj.example/r/7KQ2M9XD4HRB#{link}");
        assert_eq!(Payload::decode(&in_url).unwrap(), p);
        assert!(p.needs_passcode() && !p.direct_file());
    }

    #[test]
    fn bad_links_say_what_is_wrong() {
        assert_eq!(
            Payload::decode("https://x.example/"),
            Err(ShlError::NotALink)
        );
        assert_eq!(Payload::decode("shlink:/@@@"), Err(ShlError::NotBase64));
        let short = Payload {
            key: "abc".into(),
            ..payload()
        }
        .encode();
        assert_eq!(Payload::decode(&short), Err(ShlError::BadKey));
        let both = Payload {
            flag: Some("PU".into()),
            ..payload()
        }
        .encode();
        assert!(matches!(Payload::decode(&both), Err(ShlError::BadFlag(_))));
    }

    #[test]
    fn files_decrypt_only_with_their_key() {
        let key = new_key().unwrap();
        assert_eq!(key.len(), 43);
        let jwe = encrypt(&key, FHIR_JSON, b"{\"resourceType\":\"Bundle\"}").unwrap();
        assert_eq!(jwe.split('.').count(), 5);
        assert_eq!(jwe.split('.').nth(1), Some(""), "dir has no encrypted key");
        let (plain, cty) = decrypt(&key, &jwe).unwrap();
        assert_eq!(plain, b"{\"resourceType\":\"Bundle\"}");
        assert_eq!(cty.as_deref(), Some(FHIR_JSON));
        let other = new_key().unwrap();
        assert!(matches!(decrypt(&other, &jwe), Err(ShlError::Decrypt(_))));
    }
}
