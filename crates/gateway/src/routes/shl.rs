//! SMART Health Links (v1.1, `razcode_shl=1`): the link a stage answers with,
//! its manifest (`POST /shl/<id>`), and short-lived file addresses.
//!
//! The gateway keeps the visit's FHIR Bundle only as compact JWE; the key is
//! made here, put in the link, and forgotten.

use super::api::ApiError;
use super::AppState;
use crate::crypto;
use crate::store::shl::NewLink;
use crate::store::StoreError;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use razcode_her::fhir;
use razcode_protocol::shl::{self, Payload, FHIR_JSON};
use razcode_protocol::{AccessEvent, RazId};
use serde_json::json;
use std::net::{IpAddr, SocketAddr};

/// Wrong passcodes a link tolerates in its lifetime, then it is dead.
pub const PASSCODE_ATTEMPTS: i64 = 10;
/// Longest passcode the gateway takes, in characters.
pub const PASSCODE_MAX: usize = 64;
/// How long a file address handed out by a manifest works.
const FILE_URL_SECS: i64 = 3600;
/// Largest manifest request body.
pub const MANIFEST_BODY: usize = 4 * 1024;

/// What a stage asked for: a link, with or without a passcode.
pub struct LinkRequest {
    pub passcode: Option<String>,
}

impl LinkRequest {
    /// The request's SHL parameters; `None` when no link was asked for, or
    /// the passcode is unusable (then no link is made: never one without the
    /// passcode the practice asked for).
    pub fn from_params(shl: Option<&str>, passcode: Option<&str>) -> Option<LinkRequest> {
        if shl != Some("1") {
            return None;
        }
        match passcode {
            None => Some(LinkRequest { passcode: None }),
            Some(p) if !p.is_empty() && p.chars().count() <= PASSCODE_MAX => Some(LinkRequest {
                passcode: Some(p.to_string()),
            }),
            Some(_) => {
                tracing::warn!("razcode_shl_passcode is empty or too long; no link made");
                None
            }
        }
    }
}

/// Makes (or, on a repeated stage, remakes) a code's link: the Bundle
/// encrypted under a new key, stored, and the `shlink:/` returned.
pub async fn make_link(
    state: &AppState,
    org_account_id: i64,
    raz_id: RazId,
    her: String,
    ask: LinkRequest,
) -> Result<String, ApiError> {
    let today = super::redeem::iso_date(state.clock.now());
    let sealed = tokio::task::spawn_blocking(move || -> Result<_, String> {
        let checked = razcode_her::check(&her).map_err(|e| e.to_string())?;
        let visit = match &checked {
            razcode_her::Her::Ccr(c) => c.visit_date.clone(),
            razcode_her::Her::Omhe(_) => None,
        };
        let bundle =
            serde_json::to_vec(&fhir::bundle(&checked, &her)).map_err(|e| e.to_string())?;
        let key = shl::new_key().map_err(|e| e.to_string())?;
        let file = shl::encrypt(&key, FHIR_JSON, &bundle).map_err(|e| e.to_string())?;
        Ok((key, file, visit))
    })
    .await
    .map_err(|e| ApiError::internal(&e))?
    .map_err(|e| ApiError::internal(&e))?;
    let (key, file, visit) = sealed;
    let id = shl::new_id().map_err(|e| ApiError::internal(&e))?;
    let org = state
        .db(move |s| s.account(org_account_id))
        .await?
        .map(|a| a.name)
        .unwrap_or_default();
    let expires = keep(state, id.clone(), raz_id, file, &ask).await?;
    let visit = visit
        .and_then(|v| v.get(..10).map(str::to_string))
        .unwrap_or(today);
    let label = match org.trim() {
        "" => format!("Visit of {visit}"),
        o => format!("{o}, visit of {visit}"),
    };
    Ok(Payload {
        url: format!("{}{}/{id}", state.public.base, razcode_protocol::paths::SHL),
        key,
        exp: Some(expires),
        flag: ask.passcode.is_some().then(|| "P".to_string()),
        label: Some(shl::label(&label)),
        v: Some(1),
    }
    .encode())
}

/// v1.2: keeps the file a desk made for a code it printed offline, under
/// the manifest ID reserved with the code. The gateway cannot open it (the
/// key is on the receipt alone); a file not in the form links use is left
/// out, with the stage itself kept, as an unusable passcode is.
pub async fn keep_desk_file(
    state: &AppState,
    raz_id: RazId,
    file: &str,
    ask: LinkRequest,
) -> Result<(), ApiError> {
    if let Err(e) = razcode_protocol::jwe::check_form(file) {
        tracing::warn!(error = %e, "razcode_shl_file is not a compact JWE for a link; no link kept");
        return Ok(());
    }
    let link_id = state.store.reserved_link_id(&raz_id.compact());
    keep(state, link_id, raz_id, file.to_string(), &ask).await?;
    tracing::info!("the desk's SMART Health Link file kept");
    Ok(())
}

/// Stores a code's link (its file, and the passcode's hash when asked),
/// replacing any earlier one; the code's expiry.
async fn keep(
    state: &AppState,
    link_id: String,
    raz_id: RazId,
    file: String,
    ask: &LinkRequest,
) -> Result<i64, ApiError> {
    let passcode_hash = match &ask.passcode {
        Some(p) => Some(hash(state, p.clone()).await?),
        None => None,
    };
    let (compact, now) = (raz_id.compact(), state.clock.now());
    Ok(state
        .db(move |s| {
            s.put_link(
                &NewLink {
                    id: &link_id,
                    raz_id: &compact,
                    file: &file,
                    passcode_hash: passcode_hash.as_deref(),
                    attempts: PASSCODE_ATTEMPTS,
                },
                now,
            )
        })
        .await?)
}

async fn hash(state: &AppState, passcode: String) -> Result<String, ApiError> {
    state
        .hashing
        .hash(passcode)
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(|e| ApiError::internal(&e))
}

async fn verify(state: &AppState, passcode: String, hash: String) -> Result<bool, StoreError> {
    state
        .hashing
        .verify(passcode, hash)
        .await
        .map_err(|e| StoreError::TaskFailed(e.to_string()))
}

fn answer(status: StatusCode, body: serde_json::Value) -> Response {
    let mut r = (status, body.to_string()).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn gone() -> Response {
    answer(
        StatusCode::NOT_FOUND,
        json!({"error": "this link does not exist, expired, or was withdrawn by the clinic"}),
    )
}

fn refused(message: &str) -> Response {
    answer(StatusCode::BAD_REQUEST, json!({ "error": message }))
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ManifestRequest {
    recipient: Option<String>,
    passcode: Option<String>,
    embedded_length_max: Option<u64>,
}

/// `POST /shl/<id>`: the manifest, as the SMART Health Links specification says.
pub async fn manifest(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let client = state.client(peer, &headers);
    match serve_manifest(&state, client, id, &body).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "manifest not served");
            answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"error": "the gateway could not answer; try again later"}),
            )
        }
    }
}

async fn serve_manifest(
    state: &AppState,
    client: IpAddr,
    id: String,
    body: &[u8],
) -> Result<Response, StoreError> {
    if body.len() > MANIFEST_BODY {
        return Ok(refused("the manifest request is larger than 4 KiB"));
    }
    let req: ManifestRequest = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e) => {
            return Ok(refused(&format!(
                "the body is not the manifest request's JSON: {e}"
            )))
        }
    };
    if req.recipient.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Ok(refused(
            "recipient is required (who is asking: an app or a person's name)",
        ));
    }
    let now = state.clock.now();
    let Some(link) = state.db(move |s| s.link(&id)).await? else {
        return Ok(gone());
    };
    if link.voided
        || link.expires < now
        || (link.passcode_hash.is_some() && link.attempts_left <= 0)
    {
        return Ok(gone());
    }
    if let Some(hash) = link.passcode_hash.clone() {
        // The attempt is taken before the (slow) check and given back only
        // for the right passcode: concurrent guesses share one budget.
        let lid = link.id.clone();
        let Some(left) = state.db(move |s| s.reserve_attempt(&lid)).await? else {
            return Ok(gone());
        };
        let given = req.passcode.clone().unwrap_or_default();
        if given.is_empty() || !verify(state, given, hash).await? {
            tracing::info!(%client, left, "wrong SMART Health Link passcode");
            state
                .access(
                    code_of(&link)?,
                    link.org_account_id,
                    AccessEvent::PasscodeRefused,
                    req.recipient.as_deref(),
                )
                .await?;
            return Ok(answer(
                StatusCode::UNAUTHORIZED,
                json!({"error": "the passcode is missing or wrong", "remainingAttempts": left}),
            ));
        }
        let lid = link.id.clone();
        state.db(move |s| s.return_attempt(&lid)).await?;
    }
    // Logged before it is given: a manifest that cannot be logged is not served.
    state
        .access(
            code_of(&link)?,
            link.org_account_id,
            AccessEvent::ShlManifest,
            req.recipient.as_deref(),
        )
        .await?;
    let file = match req.embedded_length_max {
        Some(max) if (link.file.len() as u64) > max => {
            let token = crypto::random_token(43);
            let (t, lid) = (token.clone(), link.id.clone());
            state
                .db(move |s| s.add_file_url(&t, &lid, now + FILE_URL_SECS))
                .await?;
            json!({
                "contentType": FHIR_JSON,
                "location": format!("{}{}/file/{token}", state.public.base, razcode_protocol::paths::SHL),
            })
        }
        _ => json!({ "contentType": FHIR_JSON, "embedded": link.file }),
    };
    tracing::info!("SMART Health Link manifest served");
    Ok(answer(StatusCode::OK, json!({ "files": [file] })))
}

/// The code a link belongs to.
fn code_of(link: &crate::store::ShlLink) -> Result<RazId, StoreError> {
    RazId::parse(&link.raz_id)
        .map_err(|_| StoreError::TaskFailed("a stored RAZCODE ID does not read".into()))
}

/// `GET /shl/file/<token>`: a file by the address a manifest handed out.
pub async fn file(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let now = state.clock.now();
    let found = state
        .db(move |s| {
            let Some(link_id) = s.file_url(&token, now)? else {
                return Ok(None);
            };
            s.link(&link_id)
        })
        .await;
    let found = match found {
        Ok(Some(link)) if !link.voided && link.expires >= now => {
            // Logged before it is given.
            match code_of(&link) {
                Ok(id) => state
                    .access(id, link.org_account_id, AccessEvent::ShlFile, None)
                    .await
                    .map(|_| Some(link)),
                Err(e) => Err(e),
            }
        }
        other => other.map(|_| None),
    };
    match found {
        Ok(Some(link)) => {
            let mut r = (StatusCode::OK, link.file).into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/jose"),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Ok(_) => gone(),
        Err(e) => {
            tracing::error!(error = %e, "file not served");
            answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"error": "try again later"}),
            )
        }
    }
}
