//! The approval pages: `/platform/activate` (organizations) and `/jibe/authorize`
//! (patients, who can also sign up). Forms carry a CSRF tag bound to a cookie.

use super::AppState;
use crate::crypto;
use crate::html::{error_box, escape, page};
use crate::store::{Account, AccountKind, StoreError, TempState, TempToken};
use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use razcode_protocol::{paths, TEMP_CREDENTIAL_TTL_SECS};
use std::collections::HashMap;

/// Wrong passwords before an account is locked, and for how long.
pub const LOGIN_LIMIT: i64 = 5;
pub const LOCK_SECS: i64 = 15 * 60;
pub const MIN_PASSWORD: usize = 10;
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

pub enum LoginError {
    Wrong,
    Locked,
}

impl LoginError {
    /// What the sign-in form says, and its status (403 wrong, 429 locked).
    pub fn shown(&self) -> (&'static str, StatusCode) {
        match self {
            LoginError::Wrong => ("The email or password is wrong.", StatusCode::FORBIDDEN),
            LoginError::Locked => (
                "Too many wrong passwords. This account is locked for 15 minutes.",
                StatusCode::TOO_MANY_REQUESTS,
            ),
        }
    }
}

/// Checks an email and password, counting wrong passwords toward the lock.
pub async fn login(
    state: &AppState,
    kind: AccountKind,
    email: &str,
    password: &str,
) -> Result<Account, LoginError> {
    let email = email.to_string();
    let password = password.to_string();
    let now = state.clock.now();
    let r = state
        .db(move |s| {
            let Some(acct) = s.account_by_email(kind, &email)? else {
                // Spend the same time as a real check so that timing does not tell
                // which addresses have accounts.
                let _ = crypto::verify_password(&password, dummy_hash());
                return Ok(Err(LoginError::Wrong));
            };
            if acct.locked_until > now {
                return Ok(Err(LoginError::Locked));
            }
            if crypto::verify_password(&password, &acct.password_hash) {
                s.login_succeeded(acct.id)?;
                Ok(Ok(acct))
            } else {
                s.login_failed(acct.id, now, LOGIN_LIMIT, LOCK_SECS)?;
                Ok(Err(LoginError::Wrong))
            }
        })
        .await;
    match r {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "sign-in failed in the database");
            Err(LoginError::Wrong)
        }
    }
}

fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| crypto::hash_password(&crypto::random_token(16)).unwrap_or_default())
}

/// Creates a patient account from the sign-up form.
pub async fn signup(state: &AppState, form: &HashMap<String, String>) -> Result<Account, String> {
    let name = form
        .get("name")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let email = form
        .get("new_email")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let password = form.get("new_password").cloned().unwrap_or_default();
    let again = form.get("new_password2").cloned().unwrap_or_default();
    if name.is_empty() || name.chars().count() > 200 {
        return Err("Enter your name.".into());
    }
    let valid_email = email.split_once('@').is_some_and(|(l, d)| {
        !l.is_empty() && d.contains('.') && !email.contains(char::is_whitespace)
    });
    if !valid_email {
        return Err("Enter a valid email address.".into());
    }
    if password.chars().count() < MIN_PASSWORD {
        return Err(format!(
            "Choose a password of at least {MIN_PASSWORD} characters."
        ));
    }
    if password != again {
        return Err("The two passwords are not the same.".into());
    }
    let now = state.clock.now();
    let r = state
        .db(move |s| {
            let hash = crypto::hash_password(&password).map_err(StoreError::PasswordHash)?;
            let id = s.add_account(AccountKind::Patient, &email, &name, &hash, now)?;
            s.account(id)
        })
        .await;
    match r {
        Ok(Some(a)) => Ok(a),
        Ok(None) => Err("The account could not be created. Try again.".into()),
        Err(e) => Err(signup_refusal(&e).into()),
    }
}

/// What the sign-up form says when the account could not be stored: only a
/// taken email is the person's to fix.
fn signup_refusal(e: &StoreError) -> &'static str {
    match e {
        StoreError::EmailTaken { .. } => {
            "An account with this email already exists. Sign in instead."
        }
        e => {
            tracing::error!(error = %e, "sign-up failed");
            "The account could not be created. Try again later."
        }
    }
}

pub fn signin_fields(email: &str) -> String {
    format!(
        "<label for=\"email\">Email</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required value=\"{}\">\
         <label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>",
        escape(email)
    )
}

pub fn signup_form(action: &str, hidden: &str, submit: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{action}\"><fieldset><legend>New to HealthJibe? Create an account</legend>{hidden}\
         <label for=\"name\">Your name</label><input id=\"name\" name=\"name\" autocomplete=\"name\" required>\
         <label for=\"new_email\">Email</label><input id=\"new_email\" name=\"new_email\" type=\"email\" autocomplete=\"email\" required>\
         <label for=\"new_password\">Password (at least {MIN_PASSWORD} characters)</label><input id=\"new_password\" name=\"new_password\" type=\"password\" autocomplete=\"new-password\" required minlength=\"{MIN_PASSWORD}\">\
         <label for=\"new_password2\">Password again</label><input id=\"new_password2\" name=\"new_password2\" type=\"password\" autocomplete=\"new-password\" required>\
         <button name=\"action\" value=\"signup\">{submit}</button></fieldset></form>"
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
        signin_fields(email),
    );
    if realm.signup {
        body.push_str(&signup_form(
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
        Some("signup") if realm.signup => match signup(&state, &form).await {
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
        },
        Some("approve") => {
            let password = form.get("password").cloned().unwrap_or_default();
            match login(&state, realm.kind, &email, &password).await {
                Ok(a) => a,
                Err(e) => {
                    let (message, status) = e.shown();
                    return form_page(&state, realm, &temp, &cookie, &email, message, status).await;
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
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    submit(s, &ORG, headers, f).await
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
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    submit(s, &PATIENT, headers, f).await
}

#[cfg(test)]
mod tests {
    use super::signup_refusal;
    use crate::store::StoreError;

    #[test]
    fn a_hash_failure_is_not_shown_as_a_taken_email() {
        let hashing = signup_refusal(&StoreError::PasswordHash("out of memory".into()));
        assert_eq!(
            hashing,
            "The account could not be created. Try again later."
        );
        let taken = signup_refusal(&StoreError::EmailTaken {
            email: "ana@example.org".into(),
        });
        assert!(taken.contains("already exists"), "{taken}");
    }
}
