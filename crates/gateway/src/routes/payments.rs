//! `POST /payments/notify`: a practice's payment portal says a bill was paid.
//! The JSON body is signed with the organization's notice secret
//! (`X-Razcode-Signature: sha256=<hex of HMAC-SHA256 of the raw body>`). A wrong
//! signature, an amount or currency that is not the bill's, a transaction the
//! organization's portal sent before, or a payment time more than a day ahead
//! of the gateway's clock is refused, and logged with the client's address and
//! without patient data. A notice for a voided code is recorded like any other:
//! the money was taken, and the clinic sees the bill paid when it asks (a
//! refusal would only make the portal send it again, and hide the payment).

use super::bill::bill;
use super::AppState;
use crate::store::audit::{Event, Kind};
use crate::store::PaymentRecorded;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hmac::{Hmac, Mac};
use razcode_protocol::RazId;
use serde::Deserialize;
use serde_json::json;
use sha2::Sha256;
use std::net::{IpAddr, SocketAddr};

/// The header the notice's signature travels in.
pub const SIGNATURE_HEADER: &str = "x-razcode-signature";
/// Notices are a few hundred bytes.
const NOTICE_LIMIT: usize = 16 * 1024;

#[derive(Deserialize)]
struct Notice {
    raz_id: String,
    amount: String,
    currency: String,
    paid_at: String,
    transaction_id: String,
}

/// A refusal, logged with the client's address (no patient data).
fn refuse(client: IpAddr, status: StatusCode, why: &'static str) -> Response {
    tracing::warn!(%client, status = status.as_u16(), why, "payment notice refused");
    (status, Json(json!({"ok": false, "error": why}))).into_response()
}

/// Digits an amount's whole part may have: beyond any bill, and far from
/// where cents overflow.
const MAX_WHOLE_DIGITS: usize = 12;

/// How far ahead of the gateway's clock a payment time may be (clocks
/// differ); later ones are refused, since a bill cannot be paid tomorrow.
const PAID_AT_AHEAD_SECS: i64 = 24 * 3600;

/// An amount in cents: `25`, `25.5` and `25.50` are the same bill.
fn cents(amount: &str) -> Option<u64> {
    let (whole, frac) = amount.split_once('.').unwrap_or((amount, ""));
    if frac.len() > 2
        || whole.is_empty()
        || whole.len() > MAX_WHOLE_DIGITS
        || !(whole.chars().chain(frac.chars())).all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let frac = format!("{frac:0<2}");
    whole
        .parse::<u64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(frac.parse::<u64>().ok()?)
}

/// True when `header` is `sha256=<hex>` of the body's HMAC under `secret`.
fn signed(secret: &str, body: &[u8], header: Option<&str>) -> bool {
    let Some(given) = header.and_then(|h| h.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    crate::crypto::equal(&expected, &given.to_ascii_lowercase())
}

pub async fn notify(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let client = state.client(peer, &headers);
    let refuse = |status, why| refuse(client, status, why);
    if body.len() > NOTICE_LIMIT {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, "the notice is too large");
    }
    let Ok(n) = serde_json::from_slice::<Notice>(&body) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "the notice is not a JSON object with raz_id, amount, currency, paid_at and transaction_id",
        );
    };
    // An unknown code and a wrong signature answer alike: the portal learns
    // nothing about codes it cannot sign for.
    let not_signed = || refuse(StatusCode::UNAUTHORIZED, "the signature does not match");
    let Ok(id) = RazId::parse(&n.raz_id) else {
        return not_signed();
    };
    let compact = id.compact();
    let found = state
        .db(move |s| {
            let Some(stage) = s.stage(&compact)? else {
                return Ok(None);
            };
            let org = s.org_payment(stage.org_account_id)?;
            Ok(Some((stage, org)))
        })
        .await;
    let (stage, org) = match found {
        Ok(Some(v)) => v,
        Ok(None) => return not_signed(),
        Err(e) => {
            tracing::error!(error = %e, "payment notice lookup failed");
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, "try again later");
        }
    };
    let header = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    match &org.notify_secret {
        Some(secret) if signed(secret, &body, header) => {}
        _ => return not_signed(),
    }
    let Some(b) = bill(&stage) else {
        return refuse(StatusCode::CONFLICT, "this code has no bill");
    };
    if cents(&n.amount).is_none()
        || cents(&n.amount) != cents(&b.amount)
        || n.currency != b.currency
    {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the amount or currency is not the bill's",
        );
    }
    let Ok(paid_at) =
        time::OffsetDateTime::parse(&n.paid_at, &time::format_description::well_known::Rfc3339)
    else {
        return refuse(StatusCode::BAD_REQUEST, "paid_at is not an RFC 3339 time");
    };
    if paid_at.unix_timestamp() > state.clock.now() + PAID_AT_AHEAD_SECS {
        return refuse(StatusCode::BAD_REQUEST, "paid_at is in the future");
    }
    if n.transaction_id.is_empty() || n.transaction_id.len() > 200 {
        return refuse(
            StatusCode::BAD_REQUEST,
            "transaction_id must be 1 to 200 characters",
        );
    }
    let (compact, now, when) = (id.compact(), state.clock.now(), paid_at.unix_timestamp());
    let org_id = stage.org_account_id;
    let tx = n.transaction_id.clone();
    match state
        .db(move |s| {
            let recorded = s.record_payment(org_id, &compact, &tx, when, now)?;
            // v1.2: every payment notice the gateway took, in the audit log.
            if recorded == PaymentRecorded::Paid {
                let e = Event::code(Kind::PaymentNotice, &compact, org_id);
                s.audit(now, &[e])?;
            }
            Ok(recorded)
        })
        .await
    {
        Ok(PaymentRecorded::Paid) => {
            tracing::info!(org = stage.org_account_id, "bill paid");
            (
                StatusCode::OK,
                Json(json!({"ok": true, "raz_id": id.grouped(), "paid_at": n.paid_at})),
            )
                .into_response()
        }
        Ok(PaymentRecorded::Replay) => refuse(
            StatusCode::CONFLICT,
            "this transaction was already received",
        ),
        Ok(PaymentRecorded::AlreadyPaid) => {
            refuse(StatusCode::CONFLICT, "this bill is already paid")
        }
        Err(e) => {
            tracing::error!(error = %e, "payment notice not recorded");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "try again later")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_compare_in_cents() {
        assert_eq!(cents("25"), Some(2500));
        assert_eq!(cents("25.5"), Some(2550));
        assert_eq!(cents("25.50"), Some(2550));
        assert_eq!(cents("25.505"), None);
        assert_eq!(cents("-1"), None);
        assert_eq!(cents(".5"), None);
        // Overflowed in debug and wrapped to 0.84 in release before.
        assert_eq!(cents("184467440737095517"), None);
        assert_eq!(cents("999999999999.99"), Some(99_999_999_999_999));
        assert_eq!(cents("1000000000000"), None);
    }

    #[test]
    fn the_signature_is_the_hmac_of_the_raw_body() {
        let body = br#"{"raz_id":"7KQ2M9XD4HRB"}"#;
        let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
        mac.update(body);
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(signed("s3cret", body, Some(&format!("sha256={hex}"))));
        assert!(!signed("other", body, Some(&format!("sha256={hex}"))));
        assert!(!signed("s3cret", b"{}", Some(&format!("sha256={hex}"))));
        assert!(!signed("s3cret", body, Some(&hex)));
        assert!(!signed("s3cret", body, None));
    }
}
