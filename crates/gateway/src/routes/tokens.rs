//! `/request-token.ashx` and `/access-token.ashx` (RFC 5849 §2.1 and §2.3).

use super::api::{ApiError, SignedRequest, TokenBody};
use super::AppState;
use crate::crypto;
use crate::oauth::OAuthError;
use crate::store::{AccountKind, StoreError, TempState};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use razcode_protocol::{ErrorCode, TokenAnswer, TEMP_CREDENTIAL_TTL_SECS};

type TokenRequest = SignedRequest<TokenBody>;

/// Token credentials as RFC 5849 answers them: always name/value pairs.
struct Tokens(TokenAnswer);

impl IntoResponse for Tokens {
    fn into_response(self) -> Response {
        let mut r = (StatusCode::OK, self.0.encode()).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded; charset=utf-8"),
        );
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        r
    }
}

/// `oob`, an `https` URL, or an `http` URL on a loopback host, parsed as the
/// browser will follow it (no userinfo, no backslashes).
fn callback_allowed(cb: &str) -> bool {
    cb == "oob" || razcode_protocol::urls::secure_or_loopback(cb).is_ok()
}

pub async fn request_token(
    State(state): State<AppState>,
    req: TokenRequest,
) -> Result<impl IntoResponse, ApiError> {
    req.check_signature(&state, "")?;
    let callback = req.oauth.callback.clone().ok_or_else(|| {
        OAuthError::malformed("oauth_callback is missing; send oob or a callback URL")
    })?;
    if !callback_allowed(&callback) {
        return Err(OAuthError::malformed(
            "oauth_callback must be oob, an https URL, or an http URL on a loopback host",
        )
        .into());
    }
    state.keep_nonce(req.accept_nonce(&state)?).await?;
    let (consumer, now) = (req.consumer.id, state.clock.now());
    let t = state
        .db(move |s| s.add_temp_token(consumer, &callback, now))
        .await?;
    tracing::info!(consumer, "temporary credentials issued");
    Ok(Tokens(TokenAnswer {
        oauth_token: t.token,
        oauth_token_secret: t.secret,
        oauth_callback_confirmed: Some(true),
        razcode_org: None,
    }))
}

/// Temporary credentials that are unknown, another consumer's or exchanged.
fn temp_unknown() -> ApiError {
    ApiError::new(
        ErrorCode::TokenUnknown,
        "these temporary credentials are not known, or were already exchanged; start again",
    )
}

pub async fn access_token(
    State(state): State<AppState>,
    req: TokenRequest,
) -> Result<impl IntoResponse, ApiError> {
    let now = state.clock.now();
    let token = req
        .oauth
        .token
        .clone()
        .ok_or_else(|| OAuthError::malformed("oauth_token is missing"))?;
    let temp = state
        .db(move |s| s.temp_token(&token))
        .await?
        .filter(|t| t.consumer_id == req.consumer.id && t.state != TempState::Exchanged)
        .ok_or_else(temp_unknown)?;
    if now - temp.created > TEMP_CREDENTIAL_TTL_SECS {
        return Err(ApiError::new(
            ErrorCode::TokenExpired,
            "these temporary credentials are older than 10 minutes; start again",
        ));
    }
    req.check_signature(&state, &temp.secret)?;
    state.keep_nonce(req.accept_nonce(&state)?).await?;
    let verifier_ok = match (&temp.state, &temp.verifier, &req.oauth.verifier) {
        (TempState::Approved, Some(expected), Some(given)) => crypto::equal(expected, given),
        _ => false,
    };
    if !verifier_ok {
        let why = match temp.state {
            TempState::Pending => "the request has not been approved yet",
            TempState::Denied => "the request was denied on the approval page",
            _ => "the verifier does not match",
        };
        return Err(ApiError::new(ErrorCode::VerifierInvalid, why));
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
    let (access, org) = exchanged.map_err(exchange_failure)?;
    tracing::info!(
        consumer = req.consumer.id,
        kind = access.kind.as_str(),
        "token credentials issued"
    );
    Ok(Tokens(TokenAnswer {
        oauth_token: access.token,
        oauth_token_secret: access.secret,
        oauth_callback_confirmed: None,
        razcode_org: org,
    }))
}

/// What an exchange that failed in the store answers: credentials exchanged
/// meanwhile (by a concurrent request) are `token_unknown`; any other fault,
/// a failed database task say, is `internal`.
fn exchange_failure(e: StoreError) -> ApiError {
    match e {
        StoreError::AlreadyExchanged | StoreError::NotApproved => temp_unknown(),
        e => e.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::{callback_allowed, exchange_failure};
    use crate::store::StoreError;
    use axum::http::StatusCode;
    use razcode_protocol::ErrorCode;

    #[test]
    fn a_failed_database_task_is_internal_not_token_unknown() {
        let e = exchange_failure(StoreError::TaskFailed("the task panicked".into()));
        assert_eq!(
            (e.code, e.status),
            (ErrorCode::Internal, StatusCode::INTERNAL_SERVER_ERROR)
        );
        let e = exchange_failure(StoreError::AlreadyExchanged);
        assert_eq!(
            (e.code, e.status),
            (ErrorCode::TokenUnknown, StatusCode::UNAUTHORIZED)
        );
    }

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
            "http://evil.example\\@127.0.0.1/",
            "http://evil.example@127.0.0.1/",
        ] {
            assert!(!callback_allowed(bad), "{bad}");
        }
    }
}
