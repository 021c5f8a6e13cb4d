//! v1.1: `/gateway/status` (a code's state) and `/gateway/void` (withdraw it).
//! Only the practice that staged a code may ask or void; for any other, the
//! code does not exist (404 `raz_id_unknown`, exactly as for an unknown ID).

use super::api::{Answer, ApiError, PracticeRequest};
use super::AppState;
use crate::store::Stage;
use axum::extract::State;
use razcode_protocol::params::{RAZ_ID, VOID_REASON, VOID_REASON_MAX};
use razcode_protocol::{CodeState, CodeStatus, ErrorCode, RazId};

pub async fn status(
    State(state): State<AppState>,
    req: PracticeRequest,
) -> Result<Answer, ApiError> {
    match practice_code(&state, &req).await? {
        Code::Staged(id, stage) => Ok(Answer::status(code_status(&state, id, &stage))),
        // v1.2: reserved, its stage not arrived yet; `expires` is when the
        // reservation lapses.
        Code::Reserved(id, until) => Ok(Answer::status(CodeStatus {
            raz_id: id,
            state: CodeState::Reserved,
            expires: rfc3339(until),
            claimed_at: None,
            voided_at: None,
            paid_at: None,
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
    let (compact, now) = (id.compact(), state.clock.now());
    let stage = state
        .db(move |s| {
            s.void(&compact, now, reason.as_deref())?;
            s.stage(&compact)
        })
        .await?
        .ok_or_else(|| ApiError::internal(&"a voided stage is gone"))?;
    tracing::info!(consumer = req.signed.consumer.id, "code voided");
    Ok(Answer::status(code_status(&state, id, &stage)))
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

fn code_status(state: &AppState, id: RazId, stage: &Stage) -> CodeStatus {
    CodeStatus {
        raz_id: id,
        state: stage.state(state.clock.now()),
        expires: rfc3339(stage.expires),
        claimed_at: stage.claimed_at.map(rfc3339),
        voided_at: stage.voided_at.map(rfc3339),
        paid_at: stage.paid_at.map(rfc3339),
    }
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
