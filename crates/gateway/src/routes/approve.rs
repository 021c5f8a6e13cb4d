//! The approval pages: `/platform/activate` (organizations) and `/jibe/authorize`
//! (patients, who can also sign up). Forms carry a CSRF tag bound to a cookie.

use super::signin::{login, signup};
use super::AppState;
use crate::crypto;
use crate::html::{error_box, escape, page, say};
use crate::store::{AccountKind, TempState, TempToken};
use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use razcode_lang::Language;
use razcode_protocol::{paths, TEMP_CREDENTIAL_TTL_SECS};
use std::collections::HashMap;
use std::net::SocketAddr;

pub use super::signin::MIN_PASSWORD;
const CSRF_COOKIE: &str = "raz_csrf";

struct Realm {
    kind: AccountKind,
    path: &'static str,
    title: &'static str,
    account: &'static str,
    signup: bool,
}

const ORG: Realm = Realm {
    kind: AccountKind::Org,
    path: paths::PLATFORM_ACTIVATE,
    title: "Activate RAZCODE for your practice",
    account: "RAZCODE Platform account",
    signup: false,
};

const PATIENT: Realm = Realm {
    kind: AccountKind::Patient,
    path: paths::JIBE_AUTHORIZE,
    title: "Connect with HealthJibe",
    account: "HealthJibe account",
    signup: true,
};

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The CSRF cookie value, and a Set-Cookie header when a new one was made.
pub fn csrf_cookie(state: &AppState, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    match cookie(headers, CSRF_COOKIE).filter(|c| c.len() == 32) {
        Some(c) => (c, None),
        None => {
            let c = crypto::random_token(32);
            let secure = if state.public.tls() { "; Secure" } else { "" };
            let set = format!("{CSRF_COOKIE}={c}; Path=/; HttpOnly; SameSite=Strict{secure}");
            (c, HeaderValue::from_str(&set).ok())
        }
    }
}

pub fn csrf_tag(state: &AppState, cookie: &str, bound_to: &str) -> String {
    crypto::tag(&state.server_key, &["csrf", cookie, bound_to])
}

/// True when the form's tag matches the cookie it was made for.
pub fn csrf_ok(
    state: &AppState,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
    bound_to: &str,
) -> bool {
    let (Some(c), Some(t)) = (cookie(headers, CSRF_COOKIE), form.get("csrf")) else {
        return false;
    };
    crypto::equal(&csrf_tag(state, &c, bound_to), t)
}

pub fn with_cookie(mut r: Response, set: Option<HeaderValue>) -> Response {
    if let Some(v) = set {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

pub fn csrf_refused() -> Response {
    page(
        StatusCode::FORBIDDEN,
        "Please try again",
        "<p>This form expired or your browser did not send its security cookie. Go back, reload the page and submit it again. Cookies must be allowed for this site.</p>",
    )
}

pub fn signin_fields(l: Language, email: &str) -> String {
    format!(
        "<label for=\"email\">{}</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required value=\"{}\">\
         <label for=\"password\">{}</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>",
        say(l, "page-email", &[]),
        escape(email),
        say(l, "page-password", &[]),
    )
}

pub fn signup_form(l: Language, action: &str, hidden: &str, submit: &str) -> String {
    let min = MIN_PASSWORD.to_string();
    format!(
        "<form method=\"post\" action=\"{action}\"><fieldset><legend>{}</legend>{hidden}\
         <label for=\"name\">{}</label><input id=\"name\" name=\"name\" autocomplete=\"name\" required>\
         <label for=\"new_email\">{}</label><input id=\"new_email\" name=\"new_email\" type=\"email\" autocomplete=\"email\" required>\
         <label for=\"new_password\">{}</label><input id=\"new_password\" name=\"new_password\" type=\"password\" autocomplete=\"new-password\" required minlength=\"{MIN_PASSWORD}\">\
         <label for=\"new_password2\">{}</label><input id=\"new_password2\" name=\"new_password2\" type=\"password\" autocomplete=\"new-password\" required>\
         <button name=\"action\" value=\"signup\">{}</button></fieldset></form>",
        say(l, "page-signup-legend", &[]),
        say(l, "page-your-name", &[]),
        say(l, "page-email", &[]),
        say(l, "page-new-password", &[("min", min)]),
        say(l, "page-password-again", &[]),
        escape(submit),
    )
}

enum TokenProblem {
    Unknown,
    Used,
    Expired,
}

async fn pending_token(state: &AppState, token: &str) -> Result<TempToken, TokenProblem> {
    let t = token.to_string();
    let temp = state.db(move |s| s.temp_token(&t)).await.ok().flatten();
    let Some(temp) = temp else {
        return Err(TokenProblem::Unknown);
    };
    if temp.state != TempState::Pending {
        return Err(TokenProblem::Used);
    }
    if state.clock.now() - temp.created > TEMP_CREDENTIAL_TTL_SECS {
        return Err(TokenProblem::Expired);
    }
    Ok(temp)
}

fn token_problem(p: TokenProblem) -> Response {
    let body = match p {
        TokenProblem::Unknown => "<p>This approval link is not valid. Go back to the app that sent you here and start again.</p>",
        TokenProblem::Used => "<p>This approval link was already used. If you still need to connect, start again from the app.</p>",
        TokenProblem::Expired => "<p>This approval link is older than 10 minutes and has expired. Start again from the app.</p>",
    };
    page(StatusCode::UNAUTHORIZED, "This link cannot be used", body)
}

async fn form_page(
    state: &AppState,
    realm: &Realm,
    temp: &TempToken,
    cookie: &str,
    email: &str,
    message: &str,
    status: StatusCode,
) -> Response {
    let cid = temp.consumer_id;
    let app = state
        .db(move |s| s.consumer_name(cid))
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| "An application".into());
    let tag = csrf_tag(state, cookie, &temp.token);
    let hidden = format!(
        "<input type=\"hidden\" name=\"oauth_token\" value=\"{}\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        escape(&temp.token),
        tag
    );
    let what = match realm.kind {
        AccountKind::Org => {
            "send health encounter records and payment requests on behalf of your practice"
        }
        AccountKind::Patient => "give you RAZCODEs that only your HealthJibe account can redeem",
    };
    // Where the browser goes next, so that a person can tell a lookalike app.
    let back = match razcode_protocol::urls::Url::parse(&temp.callback) {
        Ok(u) => format!(
            "<p>When you answer, you will be sent back to <strong>{}</strong>.</p>",
            escape(u.host_str().unwrap_or(""))
        ),
        Err(_) => {
            "<p>When you allow it, you will be shown a code to type into the app.</p>".to_string()
        }
    };
    let mut body = format!(
        "{}<p><strong>{}</strong> asks to {what}. Sign in with your {} to allow it.</p>{back}\
         <form method=\"post\" action=\"{}\">{hidden}{}\
         <button name=\"action\" value=\"approve\">Allow</button>\
         <button class=\"secondary\" name=\"action\" value=\"deny\" formnovalidate>Deny</button></form>",
        error_box(message),
        escape(&app),
        realm.account,
        realm.path,
        signin_fields(Language::En, email),
    );
    if realm.signup {
        body.push_str(&signup_form(
            Language::En,
            realm.path,
            &hidden,
            "Create account and allow",
        ));
    }
    page(status, realm.title, &body)
}

async fn show(
    state: AppState,
    realm: &Realm,
    headers: HeaderMap,
    q: HashMap<String, String>,
) -> Response {
    let token = q.get("oauth_token").cloned().unwrap_or_default();
    let temp = match pending_token(&state, &token).await {
        Ok(t) => t,
        Err(p) => return token_problem(p),
    };
    let (cookie, set) = csrf_cookie(&state, &headers);
    with_cookie(
        form_page(&state, realm, &temp, &cookie, "", "", StatusCode::OK).await,
        set,
    )
}

async fn submit(
    state: AppState,
    realm: &Realm,
    peer: SocketAddr,
    headers: HeaderMap,
    form: HashMap<String, String>,
) -> Response {
    let token = form.get("oauth_token").cloned().unwrap_or_default();
    if !csrf_ok(&state, &headers, &form, &token) {
        return csrf_refused();
    }
    let temp = match pending_token(&state, &token).await {
        Ok(t) => t,
        Err(p) => return token_problem(p),
    };
    let cookie = cookie(&headers, CSRF_COOKIE).unwrap_or_default();
    let email = form.get("email").cloned().unwrap_or_default();
    let account = match form.get("action").map(String::as_str) {
        Some("deny") => {
            let t = temp.token.clone();
            let _ = state.db(move |s| s.deny_temp(&t)).await;
            return finish(&temp, None);
        }
        Some("signup") if realm.signup => {
            match signup(&state, state.client(peer, &headers), &form, Language::En).await {
                Ok(a) => a,
                Err(m) => {
                    return form_page(
                        &state,
                        realm,
                        &temp,
                        &cookie,
                        "",
                        &m,
                        StatusCode::BAD_REQUEST,
                    )
                    .await
                }
            }
        }
        Some("approve") => {
            let password = form.get("password").cloned().unwrap_or_default();
            let client = state.client(peer, &headers);
            match login(&state, client, realm.kind, &email, &password).await {
                Ok(a) => a,
                Err(e) => {
                    let (message, status) = e.shown(Language::En);
                    return form_page(&state, realm, &temp, &cookie, &email, &message, status)
                        .await;
                }
            }
        }
        _ => {
            return form_page(
                &state,
                realm,
                &temp,
                &cookie,
                &email,
                "Choose Allow or Deny.",
                StatusCode::BAD_REQUEST,
            )
            .await
        }
    };
    let (t, kind, id) = (temp.token.clone(), realm.kind, account.id);
    match state.db(move |s| s.approve_temp(&t, kind, id)).await {
        Ok(verifier) => {
            tracing::info!(kind = kind.as_str(), "request approved");
            finish(&temp, Some(&verifier))
        }
        Err(_) => token_problem(TokenProblem::Used),
    }
}

/// Sends the browser back to the app, or shows the verifier for `oob`.
fn finish(temp: &TempToken, verifier: Option<&str>) -> Response {
    if temp.callback == "oob" {
        return match verifier {
            Some(v) => page(
                StatusCode::OK,
                "Allowed",
                &format!(
                    "<p>Type this code into the app to finish:</p><p class=\"code\" aria-label=\"verification code\">{}</p>",
                    escape(v)
                ),
            ),
            None => page(StatusCode::OK, "Denied", "<p>You denied the request. You can close this page.</p>"),
        };
    }
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("oauth_token", &temp.token);
    match verifier {
        Some(v) => q.append_pair("oauth_verifier", v),
        None => q.append_pair("denied", &temp.token),
    };
    let sep = if temp.callback.contains('?') {
        '&'
    } else {
        '?'
    };
    let location = format!("{}{sep}{}", temp.callback, q.finish());
    let mut r = (StatusCode::SEE_OTHER, "").into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

pub async fn activate_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    show(s, &ORG, headers, q).await
}

pub async fn activate_submit(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    submit(s, &ORG, peer, headers, f).await
}

pub async fn authorize_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    show(s, &PATIENT, headers, q).await
}

pub async fn authorize_submit(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    submit(s, &PATIENT, peer, headers, f).await
}
