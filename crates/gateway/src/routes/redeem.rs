//! Redemption: the patient opens `/r/<ID>` (or types the ID at `/r`), signs in to
//! HealthJibe and claims the record.

use super::approve::{
    self, csrf_cookie, csrf_ok, csrf_refused, csrf_tag, signin_fields, signup_form, with_cookie,
};
use super::bill;
use super::signin::{login, signup};
use super::AppState;
use crate::html::{error_box, escape, page};
use crate::store::{AccountKind, Stage};
use axum::extract::{ConnectInfo, Form, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use razcode_protocol::RazId;
use std::collections::HashMap;
use std::net::SocketAddr;

/// Wrong codes one client may try in [`ATTEMPT_WINDOW`] seconds.
pub const ATTEMPT_LIMIT: i64 = 10;
pub const ATTEMPT_WINDOW: i64 = 15 * 60;
const SESSION_COOKIE: &str = "raz_session";
const SESSION_TTL: i64 = 12 * 3600;

pub(super) fn redirect(to: &str, status: StatusCode) -> Response {
    let mut r = (status, "").into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn too_many() -> Response {
    page(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many attempts",
        "<p>Too many codes that do not exist were tried from this connection. Wait 15 minutes, then type the code again carefully, or ask the clinic for a new one.</p>",
    )
}

/// `YYYY-MM-DD` (bills' due dates compare with it).
pub(super) fn iso_date(ts: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|d| {
            d.format(&time::macros::format_description!("[year]-[month]-[day]"))
                .ok()
        })
        .unwrap_or_default()
}

pub(super) fn date(ts: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|d| {
            d.format(&time::macros::format_description!(
                "[month repr:long] [day padding:none], [year]"
            ))
            .ok()
        })
        .unwrap_or_default()
}

fn enter_form(message: &str, typed: &str) -> String {
    format!(
        "{}<p>Type the RAZCODE on your discharge receipt. Dashes, spaces and upper or lower case do not matter.</p>\
         <form method=\"post\" action=\"/r\"><label for=\"code\">RAZCODE</label>\
         <input id=\"code\" name=\"code\" class=\"code\" autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" required value=\"{}\" placeholder=\"XXXX-XXXX-XXXX\">\
         <button>Continue</button></form>",
        error_box(message),
        escape(typed)
    )
}

pub async fn home() -> Response {
    redirect("/r", StatusCode::SEE_OTHER)
}

pub async fn enter_page() -> Response {
    page(StatusCode::OK, "Get your visit record", &enter_form("", ""))
}

pub async fn enter_submit(Form(f): Form<HashMap<String, String>>) -> Response {
    let typed = f.get("code").cloned().unwrap_or_default();
    match RazId::parse(&typed) {
        Ok(id) => redirect(&format!("/r/{}", id.compact()), StatusCode::SEE_OTHER),
        Err(e) => page(
            StatusCode::BAD_REQUEST,
            "Get your visit record",
            &enter_form(&format!("That is not a RAZCODE: {e}."), &typed),
        ),
    }
}

pub(super) enum Lookup {
    Found(RazId, Box<Stage>),
    Respond(Response),
}

pub(super) async fn lookup(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    raw: &str,
    canonical_suffix: &str,
) -> Lookup {
    let client = state.client(peer, headers).to_string();
    let client = client.as_str();
    let now = state.clock.now();
    let since = now - ATTEMPT_WINDOW;
    let c = client.to_string();
    let limited = state
        .db(move |s| s.redeem_failures(&c, since))
        .await
        .unwrap_or(0)
        >= ATTEMPT_LIMIT;
    if limited && !owner_of(state, headers, raw).await {
        return Lookup::Respond(too_many());
    }
    let Ok(id) = RazId::parse(raw) else {
        return Lookup::Respond(page(
            StatusCode::NOT_FOUND,
            "Get your visit record",
            &enter_form(
                "That is not a RAZCODE. Check the code on your receipt.",
                raw,
            ),
        ));
    };
    if raw != id.compact() {
        return Lookup::Respond(redirect(
            &format!("/r/{}{canonical_suffix}", id.compact()),
            StatusCode::PERMANENT_REDIRECT,
        ));
    }
    let compact = id.compact();
    match state.db(move |s| s.stage(&compact)).await {
        Ok(Some(stage)) if stage.voided_at.is_some() => Lookup::Respond(withdrawn(id)),
        Ok(Some(stage)) => Lookup::Found(id, Box::new(stage)),
        Ok(None) => {
            let c = client.to_string();
            let _ = state.db(move |s| s.redeem_failure(&c, now, since)).await;
            Lookup::Respond(page(
                StatusCode::NOT_FOUND,
                "Code not found",
                &enter_form(
                    "There is no record with this code. Check each character on your receipt.",
                    &id.grouped(),
                ),
            ))
        }
        Err(e) => {
            tracing::error!(error = %e, "code lookup failed");
            Lookup::Respond(page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Try again",
                "<p>Something went wrong. Try again in a minute.</p>",
            ))
        }
    }
}

/// Every page of a voided code says so, and nothing else of it.
pub fn withdrawn(id: RazId) -> Response {
    page(
        StatusCode::GONE,
        "The clinic withdrew this code",
        &format!(
            "<p>The clinic withdrew code <span class=\"code\">{}</span>, and its record is no longer here. If you need your visit record, contact the clinic: they can give you a new code.</p>",
            id.grouped()
        ),
    )
}

/// True when the signed-in patient claimed the code `raw`: the owner of a
/// code that exists is never kept from its pages by the wrong-code limit.
async fn owner_of(state: &AppState, headers: &HeaderMap, raw: &str) -> bool {
    let (Ok(id), Some(viewer)) = (RazId::parse(raw), session_account(state, headers).await) else {
        return false;
    };
    let compact = id.compact();
    matches!(
        state.db(move |s| s.stage(&compact)).await,
        Ok(Some(s)) if s.claimed_by == Some(viewer)
    )
}

pub(super) async fn session_account(state: &AppState, headers: &HeaderMap) -> Option<i64> {
    let token = approve::cookie(headers, SESSION_COOKIE)?;
    let now = state.clock.now();
    state
        .db(move |s| s.session_account(&token, now))
        .await
        .ok()
        .flatten()
}

fn claim_page(
    state: &AppState,
    id: RazId,
    stage: &Stage,
    cookie: &str,
    email: &str,
    message: &str,
    status: StatusCode,
) -> Response {
    let action = format!("/r/{}", id.compact());
    let hidden = format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        csrf_tag(state, cookie, &id.compact())
    );
    let bound = if stage.user_account_id.is_some() {
        "<p>This code was issued to one HealthJibe account: sign in with the account you linked at the clinic.</p>"
    } else {
        ""
    };
    // The bill is said before sign-in, without anything of the visit itself.
    let bill = match bill::bill(stage) {
        Some(b) if stage.paid_at.is_some() => format!(
            "<p>This visit has a bill of {}. It is paid.</p>",
            escape(&bill::money(&b.amount, &b.currency))
        ),
        Some(b) => format!(
            "<p>This visit has a bill of {}. After you sign in you can see it and how to pay it.</p>",
            escape(&bill::money(&b.amount, &b.currency))
        ),
        None => String::new(),
    };
    let body = format!(
        "{}<p>Code <span class=\"code\">{}</span> holds your visit record. Sign in to HealthJibe to add it to your account. The code can be used until {}.</p>{bill}{bound}\
         <form method=\"post\" action=\"{action}\">{hidden}{}<button name=\"action\" value=\"signin\">Sign in and get my record</button></form>{}",
        error_box(message),
        id.grouped(),
        date(stage.expires),
        signin_fields(email),
        if stage.user_account_id.is_none() { signup_form(&action, &hidden, "Create account and get my record") } else { String::new() },
    );
    page(status, "Get your visit record", &body)
}

/// Page for a code that cannot be claimed now, if any.
fn unclaimable(
    state: &AppState,
    id: RazId,
    stage: &Stage,
    viewer: Option<i64>,
) -> Option<Response> {
    if let Some(by) = stage.claimed_by {
        if viewer == Some(by) {
            return Some(redirect(
                &format!("/r/{}/record", id.compact()),
                StatusCode::SEE_OTHER,
            ));
        }
        return Some(page(
            StatusCode::CONFLICT,
            "Already claimed",
            &format!(
                "<p>The record for code <span class=\"code\">{}</span> was already added to a HealthJibe account on {}. If that was not you, contact the clinic.</p>",
                id.grouped(),
                date(stage.claimed_at.unwrap_or(stage.created))
            ),
        ));
    }
    if state.clock.now() > stage.expires {
        return Some(page(
            StatusCode::GONE,
            "This code has expired",
            &format!(
                "<p>Code <span class=\"code\">{}</span> expired on {}: codes can be used for 30 days. Ask the clinic for a new one.</p>",
                id.grouped(),
                date(stage.expires)
            ),
        ));
    }
    None
}

pub async fn code_page(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Response {
    let (id, stage) = match lookup(&state, &headers, addr, &raw, "").await {
        Lookup::Found(id, s) => (id, s),
        Lookup::Respond(r) => return r,
    };
    let viewer = session_account(&state, &headers).await;
    if let Some(r) = unclaimable(&state, id, &stage, viewer) {
        return r;
    }
    let (cookie, set) = csrf_cookie(&state, &headers);
    with_cookie(
        claim_page(&state, id, &stage, &cookie, "", "", StatusCode::OK),
        set,
    )
}

pub async fn code_submit(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let client = state.client(addr, &headers);
    let (id, stage) = match lookup(&state, &headers, addr, &raw, "").await {
        Lookup::Found(id, s) => (id, s),
        Lookup::Respond(r) => return r,
    };
    if !csrf_ok(&state, &headers, &form, &id.compact()) {
        return csrf_refused();
    }
    if let Some(r) = unclaimable(&state, id, &stage, session_account(&state, &headers).await) {
        return r;
    }
    let cookie = approve::cookie(&headers, "raz_csrf").unwrap_or_default();
    let email = form.get("email").cloned().unwrap_or_default();
    let account = if form.get("action").map(String::as_str) == Some("signup")
        && stage.user_account_id.is_none()
    {
        match signup(&state, &form).await {
            Ok(a) => a,
            Err(m) => {
                return claim_page(&state, id, &stage, &cookie, "", &m, StatusCode::BAD_REQUEST)
            }
        }
    } else {
        let password = form.get("password").cloned().unwrap_or_default();
        match login(&state, client, AccountKind::Patient, &email, &password).await {
            Ok(a) => a,
            Err(e) => {
                let (message, status) = e.shown();
                return claim_page(&state, id, &stage, &cookie, &email, message, status);
            }
        }
    };
    if stage.user_account_id.is_some_and(|u| u != account.id) {
        let now = state.clock.now();
        let since = now - ATTEMPT_WINDOW;
        let _ = state
            .db(move |s| s.redeem_failure(&client.to_string(), now, since))
            .await;
        return claim_page(
            &state, id, &stage, &cookie, &email,
            "This code was issued to a different HealthJibe account. Sign in with the account you linked at the clinic.",
            StatusCode::FORBIDDEN,
        );
    }
    let now = state.clock.now();
    let (compact, acct) = (id.compact(), account.id);
    let claimed = state
        .db(move |s| {
            let ok = s.claim(&compact, acct, now)?;
            let session = s.add_session(acct, now, SESSION_TTL)?;
            Ok((ok, session))
        })
        .await;
    match claimed {
        Ok((true, session)) => {
            tracing::info!("code claimed");
            let secure = if state.public.tls() { "; Secure" } else { "" };
            let mut r = redirect(&format!("/r/{}/record", id.compact()), StatusCode::SEE_OTHER);
            if let Ok(v) = HeaderValue::from_str(&format!("{SESSION_COOKIE}={session}; Path=/r; HttpOnly; SameSite=Lax{secure}")) {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            r
        }
        Ok((false, _)) => page(StatusCode::CONFLICT, "Already claimed", "<p>Someone claimed this code a moment ago. If that was not you, contact the clinic.</p>"),
        Err(e) => {
            tracing::error!(error = %e, "claim failed");
            page(StatusCode::INTERNAL_SERVER_ERROR, "Try again", "<p>Something went wrong. Try again in a minute.</p>")
        }
    }
}
