//! OAuth 1.0a provider side: reading the `Authorization` header, checking the
//! signature, the timestamp window and nonces.

pub mod nonce;
pub mod signature;

use axum::http::StatusCode;
use razcode_protocol::{ErrorCode, TIMESTAMP_WINDOW_SECS};
pub use signature::Method;

/// A refused OAuth request: the errorcode, the HTTP status, and a message for the developer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub code: ErrorCode,
    pub status: StatusCode,
    pub message: String,
}

impl OAuthError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> OAuthError {
        OAuthError {
            code,
            status: StatusCode::from_u16(code.http_status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            message: message.into(),
        }
    }

    /// A request whose nonce was seen (here or, on a shared database, by
    /// another instance).
    pub fn nonce_reused() -> OAuthError {
        OAuthError::new(
            ErrorCode::NonceReused,
            "this nonce was already used with the same credentials and timestamp; sign each request with a new nonce",
        )
    }

    /// Missing or duplicated `oauth_*` parameters: `signature_invalid` with 400.
    pub fn malformed(message: impl Into<String>) -> OAuthError {
        OAuthError {
            code: ErrorCode::SignatureInvalid,
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }
}

/// The `oauth_*` parameters of one request.
#[derive(Debug, Clone)]
pub struct OAuthParams {
    pub consumer_key: String,
    pub token: Option<String>,
    pub method: Method,
    pub signature: String,
    pub timestamp: Option<i64>,
    pub nonce: Option<String>,
    pub callback: Option<String>,
    pub verifier: Option<String>,
    /// The `oauth_*` parameters that enter the base string (all but the signature).
    signed: Vec<(String, String)>,
}

const KNOWN: [&str; 9] = [
    "oauth_consumer_key",
    "oauth_token",
    "oauth_signature_method",
    "oauth_signature",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_version",
    "oauth_callback",
    "oauth_verifier",
];

impl OAuthParams {
    /// Reads the header. `other` are the query and form-body parameters, which
    /// must not repeat an `oauth_*` parameter. `tls` says whether the request
    /// reached us over TLS (PLAINTEXT needs it).
    pub fn from_request(
        authorization: Option<&str>,
        other: &[(String, String)],
        tls: bool,
    ) -> Result<OAuthParams, OAuthError> {
        let creds = authorization
            .map(str::trim)
            .and_then(|h| {
                let (scheme, rest) = h.split_once(char::is_whitespace).unwrap_or((h, ""));
                scheme.eq_ignore_ascii_case("OAuth").then_some(rest)
            })
            .ok_or_else(|| {
                OAuthError::new(
                    ErrorCode::ConsumerUnknown,
                    "the request carries no OAuth credentials (Authorization: OAuth ...)",
                )
            })?;
        let header = parse_header_params(creds)?;
        let mut oauth: Vec<(String, String)> = Vec::new();
        for (k, v) in header {
            if k == "realm" {
                continue;
            }
            if !k.starts_with("oauth_") {
                return Err(OAuthError::malformed(format!(
                    "the Authorization header has a parameter {k:?} that is not an oauth_ parameter"
                )));
            }
            if oauth.iter().any(|(o, _)| *o == k) {
                return Err(OAuthError::malformed(format!("{k} is given twice")));
            }
            oauth.push((k, v));
        }
        if let Some((k, _)) = other
            .iter()
            .find(|(k, _)| k.starts_with("oauth_") && oauth.iter().any(|(o, _)| o == k))
        {
            return Err(OAuthError::malformed(format!(
                "{k} is given twice (in the header and in the query or body)"
            )));
        }
        let get = |name: &str| {
            oauth
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let consumer_key = get("oauth_consumer_key")
            .ok_or_else(|| OAuthError::malformed("oauth_consumer_key is missing"))?;
        let method_name = get("oauth_signature_method")
            .ok_or_else(|| OAuthError::malformed("oauth_signature_method is missing"))?;
        let method = Method::parse(&method_name).ok_or_else(|| {
            OAuthError::new(
                ErrorCode::SignatureMethodUnsupported,
                format!("signature method {method_name:?} is not supported; use HMAC-SHA1 or HMAC-SHA256"),
            )
        })?;
        if method == Method::Plaintext && !tls {
            return Err(OAuthError::new(
                ErrorCode::SignatureMethodUnsupported,
                "PLAINTEXT signatures are accepted only over TLS; use HMAC-SHA1 or HMAC-SHA256",
            ));
        }
        let signature = get("oauth_signature")
            .ok_or_else(|| OAuthError::malformed("oauth_signature is missing"))?;
        if let Some(v) = get("oauth_version") {
            if v != "1.0" {
                return Err(OAuthError::malformed(format!(
                    "oauth_version must be 1.0, not {v:?}"
                )));
            }
        }
        let timestamp = match get("oauth_timestamp") {
            Some(t) => Some(
                t.parse::<i64>()
                    .ok()
                    .filter(|t| *t >= 0 && !t.to_string().is_empty())
                    .ok_or_else(|| {
                        OAuthError::malformed("oauth_timestamp must be a whole number of seconds")
                    })?,
            ),
            None => None,
        };
        let nonce = get("oauth_nonce");
        // PLAINTEXT too: without them a captured request could be replayed.
        if timestamp.is_none() || nonce.is_none() {
            return Err(OAuthError::malformed(
                "oauth_timestamp and oauth_nonce are required",
            ));
        }
        if nonce.as_deref() == Some("") {
            return Err(OAuthError::malformed("oauth_nonce is empty"));
        }
        let signed = oauth
            .iter()
            .filter(|(k, _)| k != "oauth_signature" && KNOWN.contains(&k.as_str()))
            .cloned()
            .collect();
        Ok(OAuthParams {
            consumer_key,
            token: get("oauth_token"),
            method,
            signature,
            timestamp,
            nonce,
            callback: get("oauth_callback"),
            verifier: get("oauth_verifier"),
            signed,
        })
    }

    /// Checks the signature over `http_method`, `base_uri` and `other` (query and
    /// form body), then the timestamp window.
    pub fn check(
        &self,
        http_method: &str,
        base_uri: &str,
        other: &[(String, String)],
        consumer_secret: &str,
        token_secret: &str,
        now: i64,
    ) -> Result<(), OAuthError> {
        let params = other
            .iter()
            .chain(self.signed.iter())
            .map(|(k, v)| (k.as_str(), v.as_str()));
        if !signature::request_signature_matches(
            self.method,
            http_method,
            base_uri,
            params,
            consumer_secret,
            token_secret,
            &self.signature,
        ) {
            return Err(OAuthError::new(
                ErrorCode::SignatureInvalid,
                "the signature does not match; check the consumer secret, the token secret and the URL signed",
            ));
        }
        if let Some(ts) = self.timestamp {
            if (ts - now).abs() > TIMESTAMP_WINDOW_SECS {
                return Err(OAuthError::new(
                    ErrorCode::TimestampRefused,
                    format!(
                        "oauth_timestamp {ts} is {} s from the gateway clock ({now}); the limit is {TIMESTAMP_WINDOW_SECS} s. Correct the computer's clock, or use the Date header of this answer",
                        (ts - now).abs()
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Splits `name="value", name="value"` (RFC 5849 §3.5.1), percent-decoding both.
fn parse_header_params(s: &str) -> Result<Vec<(String, String)>, OAuthError> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let (name, after) = rest.split_once('=').ok_or_else(|| {
            OAuthError::malformed("the Authorization header is not name=\"value\" pairs")
        })?;
        let after = after.trim_start();
        let after = after
            .strip_prefix('"')
            .ok_or_else(|| OAuthError::malformed("Authorization header values must be quoted"))?;
        let (value, tail) = after
            .split_once('"')
            .ok_or_else(|| OAuthError::malformed("an Authorization header value is not closed"))?;
        out.push((decode(name.trim())?, decode(value)?));
        rest = tail.trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    Ok(out)
}

fn decode(s: &str) -> Result<String, OAuthError> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| OAuthError::malformed("an Authorization header value is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = r#"OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1191242096", oauth_nonce="kllo9940pd9333jh", oauth_version="1.0", oauth_signature="tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D""#;

    fn query() -> Vec<(String, String)> {
        vec![
            ("file".into(), "vacation.jpg".into()),
            ("size".into(), "original".into()),
        ]
    }

    #[test]
    fn plaintext_needs_tls_and_a_nonce_like_any_other() {
        let plain = HEADER.replace("HMAC-SHA1", "PLAINTEXT").replace(
            "tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D",
            "kd94hf93k423kf44%26pfkkdhi9sl3r4s00",
        );
        assert!(OAuthParams::from_request(Some(&plain), &[], true).is_ok());
        let e = OAuthParams::from_request(Some(&plain), &[], false).unwrap_err();
        assert_eq!(e.code, ErrorCode::SignatureMethodUnsupported);
        // Without a nonce (or a timestamp) a captured request could be sent again.
        for drop in [
            r#" oauth_nonce="kllo9940pd9333jh","#,
            r#" oauth_timestamp="1191242096","#,
        ] {
            let bare = plain.replace(drop, "");
            let e = OAuthParams::from_request(Some(&bare), &[], true).unwrap_err();
            assert!(e.message.contains("required"), "{}", e.message);
        }
    }

    #[test]
    fn reads_and_checks_the_appendix_a_request() {
        let p = OAuthParams::from_request(Some(HEADER), &query(), false).unwrap();
        assert_eq!(p.consumer_key, "dpf43f3p2l4k3l03");
        assert_eq!(p.token.as_deref(), Some("nnch734d00sl2jdk"));
        let uri = signature::base_uri("http", "photos.example.net", "/photos");
        p.check(
            "GET",
            &uri,
            &query(),
            "kd94hf93k423kf44",
            "pfkkdhi9sl3r4s00",
            1191242096,
        )
        .unwrap();
        let late = p.check(
            "GET",
            &uri,
            &query(),
            "kd94hf93k423kf44",
            "pfkkdhi9sl3r4s00",
            1191242096 + 301,
        );
        assert_eq!(late.unwrap_err().code, ErrorCode::TimestampRefused);
        let early = p.check(
            "GET",
            &uri,
            &query(),
            "kd94hf93k423kf44",
            "pfkkdhi9sl3r4s00",
            1191242096 - 301,
        );
        assert_eq!(early.unwrap_err().code, ErrorCode::TimestampRefused);
        let wrong = p.check(
            "GET",
            &uri,
            &query(),
            "kd94hf93k423kf44",
            "other",
            1191242096,
        );
        assert_eq!(wrong.unwrap_err().status, StatusCode::UNAUTHORIZED);
        let changed = vec![
            ("file".into(), "other.jpg".into()),
            ("size".into(), "original".into()),
        ];
        let tampered = p.check(
            "GET",
            &uri,
            &changed,
            "kd94hf93k423kf44",
            "pfkkdhi9sl3r4s00",
            1191242096,
        );
        assert_eq!(tampered.unwrap_err().code, ErrorCode::SignatureInvalid);
    }

    #[test]
    fn refusals_before_the_signature() {
        let e = OAuthParams::from_request(None, &[], false).unwrap_err();
        assert_eq!(
            (e.code, e.status),
            (ErrorCode::ConsumerUnknown, StatusCode::UNAUTHORIZED)
        );
        let e = OAuthParams::from_request(Some("Basic abc"), &[], false).unwrap_err();
        assert_eq!(e.code, ErrorCode::ConsumerUnknown);
        let twice = HEADER.replace("oauth_version=\"1.0\"", "oauth_nonce=\"x\"");
        let e = OAuthParams::from_request(Some(&twice), &[], false).unwrap_err();
        assert_eq!(
            (e.code, e.status),
            (ErrorCode::SignatureInvalid, StatusCode::BAD_REQUEST)
        );
        let missing = HEADER.replace("oauth_nonce=\"kllo9940pd9333jh\", ", "");
        let e = OAuthParams::from_request(Some(&missing), &[], false).unwrap_err();
        assert_eq!(
            (e.code, e.status),
            (ErrorCode::SignatureInvalid, StatusCode::BAD_REQUEST)
        );
        let in_body = vec![("oauth_token".to_string(), "x".to_string())];
        let e = OAuthParams::from_request(Some(HEADER), &in_body, false).unwrap_err();
        assert_eq!(
            (e.code, e.status),
            (ErrorCode::SignatureInvalid, StatusCode::BAD_REQUEST)
        );
        let rsa = HEADER.replace("HMAC-SHA1", "RSA-SHA1");
        let e = OAuthParams::from_request(Some(&rsa), &[], false).unwrap_err();
        assert_eq!(
            (e.code, e.status),
            (
                ErrorCode::SignatureMethodUnsupported,
                StatusCode::BAD_REQUEST
            )
        );
        let plain = HEADER.replace("HMAC-SHA1", "PLAINTEXT");
        let e = OAuthParams::from_request(Some(&plain), &[], false).unwrap_err();
        assert_eq!(e.code, ErrorCode::SignatureMethodUnsupported);
        assert!(OAuthParams::from_request(Some(&plain), &[], true).is_ok());
    }
}
