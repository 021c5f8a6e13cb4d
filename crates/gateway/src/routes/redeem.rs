//! Redemption: the patient opens `/r/<ID>` (or types the ID at `/r`), signs in to
//! HealthJibe and claims the record.

use super::approve::{
    self, csrf_cookie, csrf_ok, csrf_refused, csrf_tag, signin_fields, signup_form, with_cookie,
};
use super::bill;
use super::language::PageLanguage;
use super::signin::{login, signup};
use super::AppState;
use crate::html::{code, error_box, escape, page_in, say};
use crate::store::{AccountKind, Stage};
use axum::extract::{ConnectInfo, Form, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use razcode_lang::{text, Language};
use razcode_protocol::{AccessEvent, RazId};
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

fn too_many(l: Language) -> Response {
    page_in(
        l,
        StatusCode::TOO_MANY_REQUESTS,
        &text(l, "page-too-many-title"),
        &format!("<p>{}</p>", say(l, "page-too-many", &[])),
    )
}

/// Something went wrong on our side: the patient can only try again.
pub(super) fn try_again(l: Language, message: &str) -> Response {
    page_in(
        l,
        StatusCode::INTERNAL_SERVER_ERROR,
        &text(l, "page-try-again-title"),
        &format!("<p>{}</p>", say(l, message, &[])),
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

/// A date as the page's language writes it, in the gateway's time zone.
pub(super) fn date(l: Language, ts: i64) -> String {
    razcode_lang::date(l, ts)
}

fn enter_form(l: Language, message: &str, typed: &str) -> String {
    format!(
        "{}<p>{}</p>\
         <form method=\"post\" action=\"/r\"><label for=\"code\">RAZCODE</label>\
         <input id=\"code\" name=\"code\" class=\"code\" dir=\"ltr\" autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" required value=\"{}\" placeholder=\"XXXX-XXXX-XXXX\">\
         <button>{}</button></form>",
        error_box(message),
        say(l, "page-enter-help", &[]),
        escape(typed),
        say(l, "page-continue", &[]),
    )
}

pub async fn home() -> Response {
    redirect("/r", StatusCode::SEE_OTHER)
}

pub async fn enter_page(PageLanguage(l): PageLanguage) -> Response {
    page_in(
        l,
        StatusCode::OK,
        &text(l, "page-get-record"),
        &enter_form(l, "", ""),
    )
}

pub async fn enter_submit(
    PageLanguage(l): PageLanguage,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let typed = f.get("code").cloned().unwrap_or_default();
    match RazId::parse(&typed) {
        Ok(id) => redirect(&format!("/r/{}", id.compact()), StatusCode::SEE_OTHER),
        Err(_) => page_in(
            l,
            StatusCode::BAD_REQUEST,
            &text(l, "page-get-record"),
            &enter_form(l, &text(l, "page-not-a-code"), &typed),
        ),
    }
}

pub(super) enum Lookup {
    Found(RazId, Box<Stage>),
    Respond(Response),
}

pub(super) async fn lookup(
    l: Language,
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    raw: &str,
    canonical_suffix: &str,
) -> Lookup {
    let client = state.client(peer, headers).to_string();
    let client = client.as_str();
    if paused(state, client).await && !owner_of(state, headers, raw).await {
        return Lookup::Respond(too_many(l));
    }
    let Ok(id) = RazId::parse(raw) else {
        return Lookup::Respond(page_in(
            l,
            StatusCode::NOT_FOUND,
            &text(l, "page-get-record"),
            &enter_form(l, &text(l, "page-not-a-code"), raw),
        ));
    };
    if raw != id.compact() {
        return Lookup::Respond(redirect(
            &format!("/r/{}{canonical_suffix}", id.compact()),
            StatusCode::PERMANENT_REDIRECT,
        ));
    }
    let (compact, now) = (id.compact(), state.clock.now());
    let found = state
        .db(move |s| {
            Ok(match s.stage(&compact)? {
                Some(stage) => (Some(stage), false),
                None => (None, s.reservation(&compact, now)?.is_some()),
            })
        })
        .await;
    match found {
        // v1.2: with the clinic's name and phone, and a request for a new code.
        Ok((Some(stage), _)) if stage.voided_at.is_some() => Lookup::Respond(
            super::new_code::page(
                l,
                state,
                headers,
                id,
                &stage,
                StatusCode::GONE,
                "page-withdrawn-title",
                say(l, "page-withdrawn", &[("code", code(&id.grouped()))]),
            )
            .await,
        ),
        Ok((Some(stage), _)) => Lookup::Found(id, Box::new(stage)),
        // v1.2: printed while the clinic was offline; the visit comes later.
        Ok((None, true)) => Lookup::Respond(not_sent_yet(l, id)),
        Ok((None, false)) => {
            count_wrong(state, client).await;
            Lookup::Respond(page_in(
                l,
                StatusCode::NOT_FOUND,
                &text(l, "page-not-found-title"),
                &enter_form(l, &text(l, "page-not-found"), &id.grouped()),
            ))
        }
        Err(e) => {
            tracing::error!(error = %e, "code lookup failed");
            Lookup::Respond(try_again(l, "page-try-again"))
        }
    }
}

/// Whether `client` tried too many wrong codes lately.
pub(super) async fn paused(state: &AppState, client: &str) -> bool {
    let since = state.clock.now() - ATTEMPT_WINDOW;
    let c = client.to_string();
    state
        .db(move |s| s.redeem_failures(&c, since))
        .await
        .unwrap_or(0)
        >= ATTEMPT_LIMIT
}

/// Counts a wrong code (or a code's image that does not exist) for `client`.
pub(super) async fn count_wrong(state: &AppState, client: &str) {
    let now = state.clock.now();
    let since = now - ATTEMPT_WINDOW;
    let c = client.to_string();
    if let Err(e) = state.db(move |s| s.redeem_failure(&c, now, since)).await {
        tracing::error!(error = %e, "a wrong code was not counted");
    }
}

/// Every page of a voided code says so, and nothing else of it.
/// A reserved code whose visit the clinic has not sent yet (v1.2): a page
/// that says so, with no form to fill.
fn not_sent_yet(l: Language, id: RazId) -> Response {
    page_in(
        l,
        StatusCode::OK,
        &text(l, "page-not-sent-title"),
        &format!(
            "<p>{}</p>",
            say(l, "page-not-sent", &[("code", code(&id.grouped()))])
        ),
    )
}

pub fn withdrawn(l: Language, id: RazId) -> Response {
    page_in(
        l,
        StatusCode::GONE,
        &text(l, "page-withdrawn-title"),
        &format!(
            "<p>{}</p>",
            say(l, "page-withdrawn", &[("code", code(&id.grouped()))])
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

#[allow(clippy::too_many_arguments)]
fn claim_page(
    l: Language,
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
        format!("<p>{}</p>", say(l, "page-bound", &[]))
    } else {
        String::new()
    };
    // The bill is said before sign-in, without anything of the visit itself.
    let bill = match bill::bill(stage) {
        Some(b) => {
            let amount = escape(&razcode_lang::amount(l, &b.currency, &b.amount));
            let id = if stage.paid_at.is_some() {
                "page-bill-paid"
            } else {
                "page-bill-due"
            };
            format!("<p>{}</p>", say(l, id, &[("amount", amount)]))
        }
        None => String::new(),
    };
    let body = format!(
        "{}<p>{}</p>{bill}{bound}\
         <form method=\"post\" action=\"{action}\">{hidden}{}<button name=\"action\" value=\"signin\">{}</button></form>{}",
        error_box(message),
        say(
            l,
            "page-claim",
            &[
                ("code", code(&id.grouped())),
                ("date", escape(&date(l, stage.expires)))
            ]
        ),
        signin_fields(l, email),
        say(l, "page-signin-get", &[]),
        if stage.user_account_id.is_none() {
            signup_form(l, &action, &hidden, &text(l, "page-signup-get"))
        } else {
            String::new()
        },
    );
    page_in(l, status, &text(l, "page-get-record"), &body)
}

/// Page for a code that cannot be claimed now, if any: its own patient goes
/// to the record; anyone else, and everyone once it expired, reads why, with
/// the clinic's name and phone and a request for a new code (v1.2).
async fn unclaimable(
    l: Language,
    state: &AppState,
    headers: &HeaderMap,
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
        let said = say(
            l,
            "page-claimed",
            &[
                ("code", code(&id.grouped())),
                (
                    "date",
                    escape(&date(l, stage.claimed_at.unwrap_or(stage.created))),
                ),
            ],
        );
        return Some(
            super::new_code::page(
                l,
                state,
                headers,
                id,
                stage,
                StatusCode::CONFLICT,
                "page-claimed-title",
                said,
            )
            .await,
        );
    }
    if state.clock.now() > stage.expires {
        let said = say(
            l,
            "page-expired",
            &[
                ("code", code(&id.grouped())),
                ("date", escape(&date(l, stage.expires))),
            ],
        );
        return Some(
            super::new_code::page(
                l,
                state,
                headers,
                id,
                stage,
                StatusCode::GONE,
                "page-expired-title",
                said,
            )
            .await,
        );
    }
    None
}

pub async fn code_page(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    PageLanguage(l): PageLanguage,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Response {
    let (id, stage) = match lookup(l, &state, &headers, addr, &raw, "").await {
        Lookup::Found(id, s) => (id, s),
        Lookup::Respond(r) => return r,
    };
    // Not a disclosure (the page shows no record): a failure to log it is
    // logged, and the page still shown.
    if let Err(e) = state
        .access(id, stage.org_account_id, AccessEvent::PageOpened, None)
        .await
    {
        tracing::error!(error = %e, "page opening not in the audit log");
    }
    let viewer = session_account(&state, &headers).await;
    if let Some(r) = unclaimable(l, &state, &headers, id, &stage, viewer).await {
        return r;
    }
    let (cookie, set) = csrf_cookie(&state, &headers);
    with_cookie(
        claim_page(l, &state, id, &stage, &cookie, "", "", StatusCode::OK),
        set,
    )
}

pub async fn code_submit(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    PageLanguage(l): PageLanguage,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let client = state.client(addr, &headers);
    let (id, stage) = match lookup(l, &state, &headers, addr, &raw, "").await {
        Lookup::Found(id, s) => (id, s),
        Lookup::Respond(r) => return r,
    };
    if !csrf_ok(&state, &headers, &form, &id.compact()) {
        return csrf_refused();
    }
    let viewer = session_account(&state, &headers).await;
    if let Some(r) = unclaimable(l, &state, &headers, id, &stage, viewer).await {
        return r;
    }
    let cookie = approve::cookie(&headers, "raz_csrf").unwrap_or_default();
    let email = form.get("email").cloned().unwrap_or_default();
    let account = if form.get("action").map(String::as_str) == Some("signup")
        && stage.user_account_id.is_none()
    {
        match signup(&state, client, &form, l).await {
            Ok(a) => a,
            Err(m) => {
                return claim_page(
                    l,
                    &state,
                    id,
                    &stage,
                    &cookie,
                    "",
                    &m,
                    StatusCode::BAD_REQUEST,
                )
            }
        }
    } else {
        let password = form.get("password").cloned().unwrap_or_default();
        match login(&state, client, AccountKind::Patient, &email, &password).await {
            Ok(a) => a,
            Err(e) => {
                let (message, status) = e.shown(l);
                return claim_page(l, &state, id, &stage, &cookie, &email, &message, status);
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
            l,
            &state,
            id,
            &stage,
            &cookie,
            &email,
            &text(l, "page-wrong-account"),
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
            if let Err(e) = state
                .access(id, stage.org_account_id, AccessEvent::Claimed, None)
                .await
            {
                tracing::error!(error = %e, "claim not in the audit log");
            }
            let secure = if state.public.tls() { "; Secure" } else { "" };
            let mut r = redirect(
                &format!("/r/{}/record", id.compact()),
                StatusCode::SEE_OTHER,
            );
            if let Ok(v) = HeaderValue::from_str(&format!(
                "{SESSION_COOKIE}={session}; Path=/r; HttpOnly; SameSite=Lax{secure}"
            )) {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            r
        }
        Ok((false, _)) => page_in(
            l,
            StatusCode::CONFLICT,
            &text(l, "page-claimed-title"),
            &format!("<p>{}</p>", say(l, "page-claimed-now", &[])),
        ),
        Err(e) => {
            tracing::error!(error = %e, "claim failed");
            try_again(l, "page-try-again")
        }
    }
}
