//! `/gateway/stage` and `/gateway/stage/url`.

use super::api::{Answer, ApiError, PracticeRequest};
use super::AppState;
use crate::store::writer::{NewStage, WriteError, Written};
use crate::store::{places, AccountKind};
use axum::extract::State;
use razcode_her::{validate, HerError, Kind};
use razcode_protocol::params::{
    IDEMPOTENCY_KEY, IDEMPOTENCY_KEY_MAX, RESERVED_ID, SHL, SHL_FILE, SHL_PASSCODE,
};
use razcode_protocol::{Barcode, ErrorCode, PaymentRequest, RazId, StageAnswer, CODE_TTL_DAYS};
use std::sync::Arc;

pub async fn stage_image(
    State(state): State<AppState>,
    req: PracticeRequest,
) -> Result<Answer, ApiError> {
    stage(state, req, Barcode::Tag).await
}

pub async fn stage_url(
    State(state): State<AppState>,
    req: PracticeRequest,
) -> Result<Answer, ApiError> {
    stage(state, req, Barcode::Qr).await
}

async fn stage(
    state: AppState,
    mut req: PracticeRequest,
    barcode: Barcode,
) -> Result<Answer, ApiError> {
    let (her, kind) = record(&mut req).await?;
    let her = her.as_str();
    let user_account = bound_patient(&state, &req).await?;
    let pmt = req
        .signed
        .param("pmt")
        .and_then(|p| PaymentRequest::parse(p).ok())
        .map(|p| p.to_json());
    let reserved = reserved_id(&req)?;
    let now = state.clock.now();
    let row = NewStage {
        raz_id: String::new(),
        consumer_id: req.signed.consumer.id,
        org_account_id: req.practice.account_id,
        user_account_id: user_account,
        // Sealed in `write`, for the ID the row gets.
        her: Arc::from(&[][..]),
        her_kind: kind,
        pmt: None,
        created: now,
        expires: now + CODE_TTL_DAYS * 86_400,
        nonce: req.nonce.clone(),
        // The desk's key for "this encounter, this record", so that a retry
        // after a crash gets the code already issued (v1.1).
        idem_key: req
            .signed
            .param(IDEMPOTENCY_KEY)
            .filter(|k| !k.is_empty() && k.len() <= IDEMPOTENCY_KEY_MAX)
            .map(str::to_string),
        request_hash: request_hash(&req, her),
        reserved: reserved.is_some(),
    };
    let (raz_id, pmt_valid) = write(&state, row, reserved, her, pmt.as_deref()).await?;
    // v1.2: a code printed offline brings the file of the link the desk
    // made; the answer carries no link (its key never came here).
    let desk_file = reserved.and(req.signed.param(SHL_FILE));
    let ask = super::shl::LinkRequest::from_params(
        desk_file.map_or(req.signed.param(SHL), |_| Some("1")),
        req.signed.param(SHL_PASSCODE),
    );
    let shl = match (ask, desk_file) {
        (Some(ask), Some(file)) => {
            super::shl::keep_desk_file(&state, raz_id, file, ask).await?;
            None
        }
        (Some(ask), None) => Some(
            super::shl::make_link(
                &state,
                req.practice.account_id,
                raz_id,
                her.to_string(),
                ask,
            )
            .await?,
        ),
        (None, _) => None,
    };
    // With a bill, the desk's receipt says where to pay: online only when the
    // practice has a payment link.
    let pay_online = match pmt_valid {
        true => {
            let org = req.practice.account_id;
            Some(
                state
                    .db(move |s| s.org_payment(org))
                    .await?
                    .pay_url
                    .is_some(),
            )
        }
        false => None,
    };
    // The reference the barcode is made from: the Tag image, or the address a QR holds.
    let (raz_image, raz_uri) = match barcode {
        Barcode::Tag => (Some(state.image_url(raz_id)), None),
        Barcode::Qr => (None, Some(state.redeem_url(raz_id))),
    };
    Ok(Answer::ok(StageAnswer::Success {
        raz_id,
        raz_image,
        raz_uri,
        pmt_valid,
        pay_online,
        shl,
    }))
}

const RESERVED_INVALID: &str = "this reserved ID cannot be staged: it is not reserved by this \
     practice, has lapsed, or was staged with another record";

/// v1.2: the reserved ID the stage asks to issue, if any.
fn reserved_id(req: &PracticeRequest) -> Result<Option<RazId>, ApiError> {
    match req.signed.param(RESERVED_ID) {
        None => Ok(None),
        Some(raw) => RazId::parse(raw)
            .map(Some)
            .map_err(|_| ApiError::new(ErrorCode::ReservedIdInvalid, RESERVED_INVALID)),
    }
}

/// What an idempotency key stands for (v1.1): the practice, `her`, `user` and
/// `pmt` as sent, each length-prefixed so that no two requests share a hash.
fn request_hash(req: &PracticeRequest, her: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(req.practice.account_id.to_be_bytes());
    for part in [Some(her), req.signed.param("user"), req.signed.param("pmt")] {
        match part {
            Some(v) => {
                h.update([1u8]);
                h.update((v.len() as u64).to_be_bytes());
                h.update(v.as_bytes());
            }
            None => h.update([0u8]),
        }
    }
    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, h.finalize())
}

/// `her`, checked off the async runtime (a hostile record must not hold a
/// worker): the record and its kind.
async fn record(req: &mut PracticeRequest) -> Result<(String, &'static str), ApiError> {
    if req.signed.count("her") > 1 {
        return Err(ApiError::new(
            ErrorCode::HerInvalid,
            "her is given more than once",
        ));
    }
    let her = req.signed.take_param("her").unwrap_or_default();
    let (her, checked) = tokio::task::spawn_blocking(move || {
        let checked = validate(&her);
        (her, checked)
    })
    .await
    .map_err(|e| ApiError::internal(&e))?;
    let kind = match checked {
        Ok(Kind::Ccr) => "ccr",
        Ok(Kind::Omhe) => "omhe",
        Err(HerError::Missing) => {
            return Err(ApiError::new(
                ErrorCode::HerMissing,
                "her is missing or blank; send the encounter record",
            ))
        }
        Err(e) => return Err(ApiError::new(ErrorCode::HerInvalid, e.to_string())),
    };
    Ok((her, kind))
}

/// The patient account the code is bound to by `user`, if any.
async fn bound_patient(state: &AppState, req: &PracticeRequest) -> Result<Option<i64>, ApiError> {
    let Some(user) = req.signed.param("user") else {
        return Ok(None);
    };
    let found = if user.is_empty() {
        None
    } else {
        state.access_token(user).await?
    };
    match found {
        Some(t) if t.kind == AccountKind::Patient && t.consumer_id == req.signed.consumer.id => {
            Ok(Some(t.account_id))
        }
        _ => Err(ApiError::new(
            ErrorCode::UserInvalid,
            "user is not a patient token linked through this consumer; link the patient's HealthJibe account again",
        )),
    }
}

const IDEMPOTENCY_CONFLICT: &str = "this idempotency key was used for a different request \
     (practice, her, user or pmt); no code was issued";

/// Commits the stage under a new ID (or finds the one its idempotency key
/// already has), its record `her` and bill `pmt` sealed for that ID's row;
/// the code and whether its payment request was valid.
async fn write(
    state: &AppState,
    mut row: NewStage,
    reserved: Option<RazId>,
    her: &str,
    pmt: Option<&str>,
) -> Result<(RazId, bool), ApiError> {
    // A 60-bit ID collides only by extreme chance; try a few before giving
    // up. A reserved ID is the one ID there is.
    for _ in 0..4 {
        let raz_id = match reserved {
            Some(id) => id,
            None => RazId::generate().map_err(|e| ApiError::internal(&e))?,
        };
        row.raz_id = raz_id.compact();
        row.her = Arc::from(state.store.seal(places::HER, &row.raz_id, her)?);
        row.pmt = pmt
            .map(|p| state.store.seal(places::PMT, &row.raz_id, p))
            .transpose()?;
        match state.writer.write(row.clone()).await {
            Ok(Written::Existing { raz_id, pmt_valid }) => {
                let raz_id = RazId::parse(&raz_id)
                    .map_err(|_| ApiError::internal(&"a stored RAZCODE ID does not read"))?;
                tracing::info!(
                    consumer = row.consumer_id,
                    "repeated stage answered with its first code"
                );
                return Ok((raz_id, pmt_valid));
            }
            Ok(Written::Conflict) => {
                return Err(ApiError::new(
                    ErrorCode::IdempotencyConflict,
                    IDEMPOTENCY_CONFLICT,
                ))
            }
            Ok(Written::New) => {
                tracing::info!(
                    consumer = row.consumer_id,
                    kind = row.her_kind,
                    bytes = row.her.len(),
                    bound = row.user_account_id.is_some(),
                    pmt = row.pmt.is_some(),
                    "staged"
                );
                return Ok((raz_id, row.pmt.is_some()));
            }
            Ok(Written::NonceReused) => return Err(crate::oauth::OAuthError::nonce_reused().into()),
            Ok(Written::ReservedInvalid) => {
                return Err(ApiError::new(
                    ErrorCode::ReservedIdInvalid,
                    RESERVED_INVALID,
                ))
            }
            Err(WriteError::DuplicateId) => continue,
            Err(e) => return Err(ApiError::internal(&e)),
        }
    }
    Err(ApiError::internal(&"no free RAZCODE ID after 4 tries"))
}
