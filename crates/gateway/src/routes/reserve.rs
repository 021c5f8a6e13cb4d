//! v1.2 `/gateway/reserve`: IDs a practice may print on receipts while the
//! gateway cannot be reached. Answered in JSON (a list), whatever `Accept` says.

use super::api::{ApiError, PracticeRequest};
use super::lifecycle::rfc3339;
use super::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use razcode_protocol::params::RESERVE_COUNT;
use razcode_protocol::reserve::{RESERVED_TTL_DAYS, RESERVE_MAX, RESERVE_MIN};
use razcode_protocol::{RazId, ReserveAnswer, ReservedCode};

/// How many IDs a request asks for: `count`, brought inside 1 to 100 (a
/// desk asking for more gets the most there is, not an error).
fn count(req: &PracticeRequest) -> usize {
    req.signed
        .param(RESERVE_COUNT)
        .and_then(|c| c.trim().parse::<u64>().ok())
        .unwrap_or(u64::from(RESERVE_MIN))
        .clamp(u64::from(RESERVE_MIN), u64::from(RESERVE_MAX)) as usize
}

pub async fn reserve(
    State(state): State<AppState>,
    req: PracticeRequest,
) -> Result<Response, ApiError> {
    state.keep_nonce(req.nonce.clone()).await?;
    let wanted = count(&req);
    let now = state.clock.now();
    let until = now + RESERVED_TTL_DAYS * 86_400;
    let (consumer, org) = (req.signed.consumer.id, req.practice.account_id);
    let mut taken: Vec<String> = Vec::with_capacity(wanted);
    // An ID drawn that is already staged or reserved is drawn again; with
    // 60-bit IDs a second round is already beyond chance.
    for _ in 0..4 {
        if taken.len() == wanted {
            break;
        }
        let drawn = (taken.len()..wanted)
            .map(|_| RazId::generate().map(|id| id.compact()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ApiError::internal(&e))?;
        let got = state
            .db(move |s| s.reserve(&drawn, consumer, org, now, until))
            .await?;
        taken.extend(got);
    }
    let reserved = taken
        .iter()
        .filter_map(|c| RazId::parse(c).ok())
        .map(|id| ReservedCode {
            raz_id: id.grouped(),
            raz_uri: state.redeem_url(id),
            reserved_until: rfc3339(until),
            shl_url: Some(state.reserved_link_url(id)),
        })
        .collect::<Vec<_>>();
    tracing::info!(consumer, count = reserved.len(), "IDs reserved");
    let mut r = axum::Json(ReserveAnswer::new(reserved)).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}
