//! `/gateway/stage` and `/gateway/stage/url`.

use super::{answer, failure, internal, oauth_failure, read_signed, AppState, ReadError};
use crate::oauth::{OAuthError, OAuthParams};
use crate::store::writer::{NewStage, WriteError, Written};

/// The body parameter carrying the desk's idempotency key.
pub const IDEMPOTENCY_PARAM: &str = "razcode_idempotency_key";
use crate::store::AccountKind;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use razcode_her::{validate, HerError, Kind};

use razcode_protocol::answer::Format;
use razcode_protocol::{
    ErrorCode, PaymentRequest, RazId, StageAnswer, CODE_TTL_DAYS, MAX_STAGE_BODY,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    Image,
    Url,
}

pub async fn stage_image(State(state): State<AppState>, req: Request) -> Response {
    stage(state, req, Variant::Image).await
}

pub async fn stage_url(State(state): State<AppState>, req: Request) -> Response {
    stage(state, req, Variant::Url).await
}

async fn stage(state: AppState, req: Request, variant: Variant) -> Response {
    let format = super::accept_format(req.headers());
    let signed = match read_signed(req, MAX_STAGE_BODY).await {
        Ok(s) => s,
        Err(ReadError::TooLarge) => {
            return failure(
                format,
                ErrorCode::TooLarge,
                413,
                "the request is larger than 4 MiB; send a smaller record",
            )
        }
        Err(ReadError::Broken(e)) => {
            return failure(
                format,
                ErrorCode::Internal,
                400,
                &format!("the request body could not be read: {e}"),
            )
        }
    };
    let now = state.clock.now();
    let p =
        match OAuthParams::from_request(signed.authorization(), &signed.params, state.public.tls())
        {
            Ok(p) => p,
            Err(e) => return oauth_failure(format, &e),
        };
    let consumer = match state.consumer(&p.consumer_key).await {
        Ok(Some(c)) => c,
        Ok(None) => {
            return oauth_failure(
                format,
                &OAuthError::new(
                    ErrorCode::ConsumerUnknown,
                    "the consumer key is not known to this gateway",
                ),
            )
        }
        Err(e) => return internal(format, &e),
    };
    let Some(token) = p.token.as_deref() else {
        return oauth_failure(
            format,
            &OAuthError::new(
                ErrorCode::TokenUnknown,
                "stage requests are signed with the practice's token credentials; activate the practice first",
            ),
        );
    };
    let practice =
        match state.access_token(token).await {
            Ok(Some(t)) if t.kind == AccountKind::Org && t.consumer_id == consumer.id => t,
            Ok(_) => return oauth_failure(
                format,
                &OAuthError::new(
                    ErrorCode::TokenUnknown,
                    "the token is not this consumer's practice token; activate the practice again",
                ),
            ),
            Err(e) => return internal(format, &e),
        };
    let base = state.base_uri(&signed.headers, &signed.path);
    if let Err(e) = p.check(
        "POST",
        &base,
        &signed.params,
        &consumer.secret,
        &practice.secret,
        now,
    ) {
        return oauth_failure(format, &e);
    }
    let nonce = match state.accept_nonce(&p) {
        Ok(n) => n,
        Err(e) => return oauth_failure(format, &e),
    };

    // The record.
    let her = signed.param("her").unwrap_or("");
    let kind = match validate(her) {
        Ok(Kind::Ccr) => "ccr",
        Ok(Kind::Omhe) => "omhe",
        Err(HerError::Missing) => {
            return failure(
                format,
                ErrorCode::HerMissing,
                400,
                "her is missing or blank; send the encounter record",
            )
        }
        Err(e) => return failure(format, ErrorCode::HerInvalid, 400, &e.to_string()),
    };
    if signed.count("her") > 1 {
        return failure(
            format,
            ErrorCode::HerInvalid,
            400,
            "her is given more than once",
        );
    }

    // The patient the code is bound to.
    let user_account = match signed.param("user") {
        None => None,
        Some(user) => {
            let found = if user.is_empty() {
                None
            } else {
                match state.access_token(user).await {
                    Ok(t) => t,
                    Err(e) => return internal(format, &e),
                }
            };
            match found {
                Some(t) if t.kind == AccountKind::Patient && t.consumer_id == consumer.id => {
                    Some(t.account_id)
                }
                _ => {
                    return failure(
                        format,
                        ErrorCode::UserInvalid,
                        400,
                        "user is not a patient token linked through this consumer; link the patient's HealthJibe account again",
                    )
                }
            }
        }
    };

    let pmt = signed
        .param("pmt")
        .and_then(|p| PaymentRequest::parse(p).ok())
        .map(|p| p.to_json());
    let pmt_valid = pmt.is_some();
    let her_bytes: std::sync::Arc<[u8]> = std::sync::Arc::from(her.as_bytes());
    // An extension: the desk's key for "this encounter, this record", so that a
    // retry after a crash gets the code already issued. Unknown to the protocol,
    // so other gateways ignore it.
    let idem_key = signed
        .param(IDEMPOTENCY_PARAM)
        .filter(|k| !k.is_empty() && k.len() <= 128)
        .map(|k| k.to_string());
    let expires = now + CODE_TTL_DAYS * 86_400;
    // A 60-bit ID collides only by extreme chance; try a few before giving up.
    for _ in 0..4 {
        let raz_id = match RazId::generate() {
            Ok(id) => id,
            Err(e) => return internal(format, &e),
        };
        let row = NewStage {
            raz_id: raz_id.compact(),
            consumer_id: consumer.id,
            org_account_id: practice.account_id,
            user_account_id: user_account,
            her: her_bytes.clone(),
            her_kind: kind,
            pmt: pmt.clone(),
            created: now,
            expires,
            nonce: nonce.clone(),
            idem_key: idem_key.clone(),
        };
        match state.writer.write(row).await {
            Ok(Written::Existing { raz_id, pmt_valid }) => {
                let Ok(raz_id) = RazId::parse(&raz_id) else {
                    return internal(format, &"a stored RAZCODE ID does not read");
                };
                tracing::info!(
                    consumer = consumer.id,
                    "repeated stage answered with its first code"
                );
                return success(&state, format, variant, raz_id, pmt_valid);
            }
            Ok(Written::New) => {
                tracing::info!(
                    consumer = consumer.id,
                    kind,
                    bytes = her_bytes.len(),
                    bound = user_account.is_some(),
                    pmt = pmt_valid,
                    "staged"
                );
                return success(&state, format, variant, raz_id, pmt_valid);
            }
            Err(WriteError::DuplicateId) => continue,
            Err(e) => return internal(format, &e),
        }
    }
    internal(format, &"no free RAZCODE ID after 4 tries")
}

/// `ACK=Success` with `raz_image` or `raz_uri`, as the path asked.
fn success(
    state: &AppState,
    format: Format,
    variant: Variant,
    raz_id: RazId,
    pmt_valid: bool,
) -> Response {
    let (raz_image, raz_uri) = match variant {
        Variant::Image => (Some(state.image_url(raz_id)), None),
        Variant::Url => (None, Some(state.redeem_url(raz_id))),
    };
    answer(
        format,
        &StageAnswer::Success {
            raz_id,
            raz_image,
            raz_uri,
            pmt_valid,
        },
        StatusCode::OK,
    )
}
