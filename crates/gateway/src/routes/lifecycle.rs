//! v1.1: `/gateway/status` (a code's state) and `/gateway/void` (withdraw it);
//! v1.2: `/gateway/accesses` (who opened the record).
//! Only the practice that staged a code may ask or void; for any other, the
//! code does not exist (404 `raz_id_unknown`, exactly as for an unknown ID).

use super::api::{Answer, ApiError, PracticeRequest};
use super::AppState;
use crate::store::audit::{Access, Event, Kind};
use crate::store::reissue::ReissueRequest;
use crate::store::Stage;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use razcode_protocol::params::{RAZ_ID, VOID_REASON, VOID_REASON_MAX};
use razcode_protocol::{AccessEvent, AccessesAnswer, CodeState, CodeStatus, ErrorCode, RazId};

pub async fn status(
    State(state): State<AppState>,
    req: PracticeRequest,
) -> Result<Answer, ApiError> {
    let code = practice_code(&state, &req).await?;
    let (id, org) = match &code {
        Code::Staged(id, stage) => (*id, stage.org_account_id),
        Code::Reserved(id, _) => (*id, req.practice.account_id),
    };
    // v1.2: every status request is in the audit log; the answer counts the
    // code's accesses.
    let (compact, now) = (id.compact(), state.clock.now());
    let (accesses, request) = state
        .db(move |s| {
            s.audit(now, &[Event::code(Kind::Status, &compact, org)])?;
            Ok((s.accesses(&compact)?, s.reissue_request(&compact)?))
        })
        .await?;
    match code {
        Code::Staged(id, stage) => Ok(Answer::status(code_status(
            &state,
            id,
            &stage,
            &accesses,
            request.as_ref(),
        ))),
        // v1.2: reserved, its stage not arrived yet; `expires` is when the
        // reservation lapses.
        Code::Reserved(id, until) => Ok(Answer::status(CodeStatus {
            raz_id: id,
            state: CodeState::Reserved,
            expires: rfc3339(until),
            claimed_at: None,
            voided_at: None,
            paid_at: None,
            access_count: Some(0),
            last_access_at: None,
            reissue_requested_at: None,
            reissue_email: None,
            reissue_note: None,
        })),
    }
}

/// A code of the request's practice: staged, or (v1.2) reserved and not
/// staged yet, with when the reservation lapses.
enum Code {
    Staged(RazId, Box<Stage>),
    Reserved(RazId, i64),
}

pub async fn void(State(state): State<AppState>, req: PracticeRequest) -> Result<Answer, ApiError> {
    // A reserved ID not staged yet has nothing to withdraw: it lapses.
    let Code::Staged(id, _) = practice_code(&state, &req).await? else {
        return Err(unknown());
    };
    // A reason is kept for the clinic; past its length it is cut, not refused,
    // so that a withdrawal always goes through.
    let reason: Option<String> = req
        .signed
        .param(VOID_REASON)
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| r.chars().take(VOID_REASON_MAX).collect());
    let (compact, now, org) = (id.compact(), state.clock.now(), req.practice.account_id);
    let found = state
        .db(move |s| {
            s.void(&compact, now, reason.as_deref())?;
            let voided = Event::code(Kind::Access(AccessEvent::Voided), &compact, org);
            s.audit(now, &[voided])?;
            Ok((
                s.stage(&compact)?,
                s.accesses(&compact)?,
                s.reissue_request(&compact)?,
            ))
        })
        .await?;
    let (stage, accesses, request) = found;
    let stage = stage.ok_or_else(|| ApiError::internal(&"a voided stage is gone"))?;
    tracing::info!(consumer = req.signed.consumer.id, "code voided");
    Ok(Answer::status(code_status(
        &state,
        id,
        &stage,
        &accesses,
        request.as_ref(),
    )))
}

fn unknown() -> ApiError {
    ApiError::new(
        ErrorCode::RazIdUnknown,
        "this practice staged no code with this raz_id",
    )
}

/// The code named by `raz_id`, when this request's practice staged (or
/// reserved) it. The request's nonce is kept first: a status or void is a
/// signed request like any other.
async fn practice_code(state: &AppState, req: &PracticeRequest) -> Result<Code, ApiError> {
    state.keep_nonce(req.nonce.clone()).await?;
    let id = req
        .signed
        .param(RAZ_ID)
        .and_then(|r| RazId::parse(r).ok())
        .ok_or_else(unknown)?;
    let (compact, now) = (id.compact(), state.clock.now());
    let (stage, reservation) = state
        .db(move |s| {
            Ok(match s.stage(&compact)? {
                Some(stage) => (Some(stage), None),
                None => (None, s.reservation(&compact, now)?),
            })
        })
        .await?;
    let org = req.practice.account_id;
    match (stage, reservation) {
        (Some(s), _) if s.org_account_id == org => Ok(Code::Staged(id, Box::new(s))),
        (None, Some(r)) if r.org_account_id == org => Ok(Code::Reserved(id, r.reserved_until)),
        _ => Err(unknown()),
    }
}

fn code_status(
    state: &AppState,
    id: RazId,
    stage: &Stage,
    accesses: &[Access],
    request: Option<&ReissueRequest>,
) -> CodeStatus {
    CodeStatus {
        raz_id: id,
        state: stage.state(state.clock.now()),
        expires: rfc3339(stage.expires),
        claimed_at: stage.claimed_at.map(rfc3339),
        voided_at: stage.voided_at.map(rfc3339),
        paid_at: stage.paid_at.map(rfc3339),
        access_count: Some(accesses.len() as u64),
        last_access_at: accesses.last().map(|a| rfc3339(a.at)),
        reissue_requested_at: request.map(|r| rfc3339(r.requested_at)),
        reissue_email: request.map(|r| r.email.clone()),
        reissue_note: request.and_then(|r| r.note.clone()),
    }
}

/// v1.2 `/gateway/accesses`: a code's access events, oldest first, in JSON.
pub async fn accesses(
    State(state): State<AppState>,
    req: PracticeRequest,
) -> Result<Response, ApiError> {
    let id = match practice_code(&state, &req).await? {
        Code::Staged(id, _) | Code::Reserved(id, _) => id,
    };
    let compact = id.compact();
    let list = state.db(move |s| s.accesses(&compact)).await?;
    let answer = AccessesAnswer::new(
        &id,
        list.into_iter()
            .map(|a| razcode_protocol::accesses::Access {
                at: rfc3339(a.at),
                event: a.event.as_str().to_string(),
                recipient: a.recipient,
            })
            .collect(),
    );
    let mut r = axum::Json(answer).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// Unix seconds as RFC 3339 in UTC.
pub fn rfc3339(ts: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
