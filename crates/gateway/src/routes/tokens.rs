//! `/request-token.ashx` and `/access-token.ashx` (RFC 5849 §2.1 and §2.3).

use super::{internal, oauth_failure, read_signed, AppState, ReadError, Signed};
use crate::crypto;
use crate::oauth::{OAuthError, OAuthParams};
use crate::store::{AccountKind, Consumer, TempState};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use razcode_protocol::{ErrorCode, TokenAnswer, TEMP_CREDENTIAL_TTL_SECS};

/// Token requests carry only OAuth parameters; 64 KiB is plenty.
const TOKEN_BODY_LIMIT: usize = 64 * 1024;

fn token_answer(t: &TokenAnswer) -> Response {
    let mut r = (StatusCode::OK, t.encode()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Reads the request and checks the consumer; the caller checks the token.
async fn begin(
    state: &AppState,
    req: Request,
) -> Result<(Signed, OAuthParams, Consumer), Response> {
    let signed = match read_signed(req, TOKEN_BODY_LIMIT).await {
        Ok(s) => s,
        Err(ReadError::TooLarge) => {
            return Err(super::failure(
                razcode_protocol::answer::Format::Form,
                ErrorCode::TooLarge,
                413,
                "token requests are small; this body is too large",
            ))
        }
        Err(ReadError::Broken(e)) => {
            return Err(super::failure(
                razcode_protocol::answer::Format::Form,
                ErrorCode::Internal,
                400,
                &format!("the request body could not be read: {e}"),
            ))
        }
    };
    let params =
        OAuthParams::from_request(signed.authorization(), &signed.params, state.public.tls())
            .map_err(|e| oauth_failure(signed.format, &e))?;
    let consumer = match state.consumer(&params.consumer_key).await {
        Ok(Some(c)) => c,
        Ok(None) => {
            return Err(oauth_failure(
                signed.format,
                &OAuthError::new(
                    ErrorCode::ConsumerUnknown,
                    "the consumer key is not known to this gateway",
                ),
            ))
        }
        Err(e) => return Err(internal(signed.format, &e)),
    };
    Ok((signed, params, consumer))
}

fn callback_allowed(cb: &str) -> bool {
    if cb == "oob" {
        return true;
    }
    let Some((scheme, rest)) = cb.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.rsplit_once('@') {
        Some((_, h)) => h,
        None => authority,
    };
    let host = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    if host.is_empty() {
        return false;
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => true,
        "http" => {
            host.eq_ignore_ascii_case("localhost")
                || host
                    .parse::<std::net::IpAddr>()
                    .map(|ip| ip.is_loopback())
                    .unwrap_or(false)
        }
        _ => false,
    }
}

pub async fn request_token(State(state): State<AppState>, req: Request) -> Response {
    let (signed, p, consumer) = match begin(&state, req).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let now = state.clock.now();
    let base = state.base_uri(&signed.headers, &signed.path);
    if let Err(e) = p.check("POST", &base, &signed.params, &consumer.secret, "", now) {
        return oauth_failure(signed.format, &e);
    }
    let Some(callback) = p.callback.clone() else {
        return oauth_failure(
            signed.format,
            &OAuthError::malformed("oauth_callback is missing; send oob or a callback URL"),
        );
    };
    if !callback_allowed(&callback) {
        return oauth_failure(
            signed.format,
            &OAuthError::malformed(
                "oauth_callback must be oob, an https URL, or an http URL on a loopback host",
            ),
        );
    }
    let nonce = match state.accept_nonce(&p) {
        Ok(n) => n,
        Err(e) => return oauth_failure(signed.format, &e),
    };
    let result = state
        .db(move |s| {
            if let Some((key, ts)) = nonce {
                s.persist_nonce(&key, ts)?;
            }
            s.add_temp_token(consumer.id, &callback, now)
        })
        .await;
    match result {
        Ok(t) => {
            tracing::info!(consumer = consumer.id, "temporary credentials issued");
            token_answer(&TokenAnswer {
                oauth_token: t.token,
                oauth_token_secret: t.secret,
                oauth_callback_confirmed: Some(true),
                razcode_org: None,
            })
        }
        Err(e) => internal(signed.format, &e),
    }
}

pub async fn access_token(State(state): State<AppState>, req: Request) -> Response {
    let (signed, p, consumer) = match begin(&state, req).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let fmt = signed.format;
    let now = state.clock.now();
    let Some(token) = p.token.clone() else {
        return oauth_failure(fmt, &OAuthError::malformed("oauth_token is missing"));
    };
    let temp = match state.db(move |s| s.temp_token(&token)).await {
        Ok(t) => t,
        Err(e) => return internal(fmt, &e),
    };
    let unknown = || {
        oauth_failure(
            fmt,
            &OAuthError::new(
                ErrorCode::TokenUnknown,
                "these temporary credentials are not known, or were already exchanged; start again",
            ),
        )
    };
    let Some(temp) = temp else { return unknown() };
    if temp.consumer_id != consumer.id || temp.state == TempState::Exchanged {
        return unknown();
    }
    if now - temp.created > TEMP_CREDENTIAL_TTL_SECS {
        return oauth_failure(
            fmt,
            &OAuthError::new(
                ErrorCode::TokenExpired,
                "these temporary credentials are older than 10 minutes; start again",
            ),
        );
    }
    let base = state.base_uri(&signed.headers, &signed.path);
    if let Err(e) = p.check(
        "POST",
        &base,
        &signed.params,
        &consumer.secret,
        &temp.secret,
        now,
    ) {
        return oauth_failure(fmt, &e);
    }
    let nonce = match state.accept_nonce(&p) {
        Ok(n) => n,
        Err(e) => return oauth_failure(fmt, &e),
    };
    if let Some((key, ts)) = nonce {
        if let Err(e) = state.db(move |s| s.persist_nonce(&key, ts)).await {
            return internal(fmt, &e);
        }
    }
    let verifier_ok = match (&temp.state, &temp.verifier, &p.verifier) {
        (TempState::Approved, Some(expected), Some(given)) => crypto::equal(expected, given),
        _ => false,
    };
    if !verifier_ok {
        let why = match temp.state {
            TempState::Pending => "the request has not been approved yet",
            TempState::Denied => "the request was denied on the approval page",
            _ => "the verifier does not match",
        };
        return oauth_failure(fmt, &OAuthError::new(ErrorCode::VerifierInvalid, why));
    }
    let exchanged = state
        .db(move |s| {
            let access = s.exchange_temp(&temp, now)?;
            let org = match access.kind {
                AccountKind::Org => s.account(access.account_id)?.map(|a| a.name),
                AccountKind::Patient => None,
            };
            Ok((access, org))
        })
        .await;
    match exchanged {
        Ok((access, org)) => {
            tracing::info!(
                consumer = consumer.id,
                kind = access.kind.as_str(),
                "token credentials issued"
            );
            token_answer(&TokenAnswer {
                oauth_token: access.token,
                oauth_token_secret: access.secret,
                oauth_callback_confirmed: None,
                razcode_org: org,
            })
        }
        Err(crate::store::StoreError::Conflict(_)) => unknown(),
        Err(e) => internal(fmt, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::callback_allowed;

    #[test]
    fn callbacks() {
        for ok in [
            "oob",
            "https://clinic.example/cb",
            "http://127.0.0.1:8123/cb",
            "http://localhost:9/x",
            "http://[::1]:80/",
            "http://127.9.9.9/",
        ] {
            assert!(callback_allowed(ok), "{ok}");
        }
        for bad in [
            "http://clinic.example/cb",
            "http://127.0.0.1.evil.example/",
            "ftp://127.0.0.1/",
            "javascript:alert(1)",
            "OOB",
            "",
            "http://evil.example@127.0.0.1.evil/",
        ] {
            assert!(!callback_allowed(bad), "{bad}");
        }
    }
}
