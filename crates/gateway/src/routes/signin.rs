//! Signing in on the approval and redemption pages, and signing up. Each
//! attempt is reserved against the lock of its email and client address
//! before the password is checked (so concurrent wrong passwords cannot all
//! slip under the limit; an email without an account is locked alike, and a
//! stranger elsewhere cannot lock the owner out),
//! argon2 runs a few at a time (each takes ~19 MiB), and one client address
//! gets a bounded number of attempts.

use super::AppState;
use crate::crypto;
use crate::store::{Account, AccountKind, StoreError};
use axum::http::StatusCode;
use razcode_lang::{text, text_with, Language};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Wrong passwords before an account is locked, and for how long.
pub const LOGIN_LIMIT: i64 = 5;
pub const LOCK_SECS: i64 = 15 * 60;
pub const MIN_PASSWORD: usize = 10;
/// Sign-in attempts one client address may make in [`CLIENT_WINDOW_SECS`]:
/// enough for a clinic whose patients link their accounts at its front desk
/// (one address), few enough to bound a spray across accounts.
pub const CLIENT_LIMIT: u32 = 100;
pub const CLIENT_WINDOW_SECS: i64 = 15 * 60;

pub enum LoginError {
    Wrong,
    Locked,
    /// Too many attempts from this client address.
    TooMany,
}

impl LoginError {
    /// What the sign-in form says in `l`, and its status (403 wrong, 429 locked).
    pub fn shown(&self, l: Language) -> (String, StatusCode) {
        let (id, status) = match self {
            LoginError::Wrong => ("page-error-wrong-password", StatusCode::FORBIDDEN),
            LoginError::Locked => ("page-error-locked", StatusCode::TOO_MANY_REQUESTS),
            LoginError::TooMany => ("page-error-too-many-signins", StatusCode::TOO_MANY_REQUESTS),
        };
        (text(l, id), status)
    }
}

/// Sign-in attempts per client address, in fixed windows of the gateway clock.
#[derive(Default)]
pub struct ClientLimiter {
    seen: Mutex<HashMap<IpAddr, (i64, u32)>>,
}

impl ClientLimiter {
    /// Takes one attempt for `client`; false when its window is used up.
    pub fn take(&self, client: IpAddr, now: i64) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() > 10_000 {
            seen.retain(|_, (start, _)| now - *start < CLIENT_WINDOW_SECS);
        }
        let entry = seen.entry(client).or_insert((now, 0));
        if now - entry.0 >= CLIENT_WINDOW_SECS {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= CLIENT_LIMIT
    }
}

/// Checks an email and password from `client`, counting wrong passwords
/// toward the account's lock.
pub async fn login(
    state: &AppState,
    client: IpAddr,
    kind: AccountKind,
    email: &str,
    password: &str,
) -> Result<Account, LoginError> {
    let now = state.clock.now();
    if !state.signins.take(client, now) {
        return Err(LoginError::TooMany);
    }
    let r = sign_in(
        state,
        client,
        kind,
        email.to_string(),
        password.to_string(),
        now,
    )
    .await;
    match r {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "sign-in failed in the database");
            Err(LoginError::Wrong)
        }
    }
}

async fn sign_in(
    state: &AppState,
    client: IpAddr,
    kind: AccountKind,
    email: String,
    password: String,
    now: i64,
) -> Result<Result<Account, LoginError>, StoreError> {
    // Counted per address and client whether or not an account has the
    // address: the answers (wrong, then locked) are the same for both.
    let who = crypto::tag(
        &state.server_key,
        &[
            "login",
            kind.as_str(),
            &crate::store::normalize_email(&email),
        ],
    );
    let client = client.to_string();
    let (w, c) = (who.clone(), client.clone());
    let reserved = state
        .db(move |s| s.reserve_login(&w, &c, now, LOGIN_LIMIT, LOCK_SECS))
        .await?;
    if !reserved {
        return Ok(Err(LoginError::Locked));
    }
    let acct = state.db(move |s| s.account_by_email(kind, &email)).await?;
    // An unknown address spends the same time as a real check, so that timing
    // does not tell which addresses have accounts.
    let hash = acct
        .as_ref()
        .map(|a| a.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let right = state
        .hashing
        .verify(password, hash)
        .await
        .map_err(|e| StoreError::TaskFailed(e.to_string()))?;
    match acct {
        Some(a) if right => {
            state.db(move |s| s.login_succeeded(&who, &client)).await?;
            Ok(Ok(a))
        }
        _ => Ok(Err(LoginError::Wrong)),
    }
}

fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| crypto::hash_password(&crypto::random_token(16)).unwrap_or_default())
}

/// Creates a patient account from the sign-up form: counted toward the
/// client's sign-in attempts, and hashed on the same few threads, so that
/// repeated sign-ups cannot grow the gateway's memory.
pub async fn signup(
    state: &AppState,
    client: IpAddr,
    form: &HashMap<String, String>,
    l: Language,
) -> Result<Account, String> {
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
        return Err(text(l, "page-error-name"));
    }
    let valid_email = email.split_once('@').is_some_and(|(l, d)| {
        !l.is_empty() && d.contains('.') && !email.contains(char::is_whitespace)
    });
    if !valid_email {
        return Err(text(l, "page-error-email"));
    }
    if password.chars().count() < MIN_PASSWORD {
        return Err(text_with(
            l,
            "page-error-password-short",
            &[("min", &MIN_PASSWORD.to_string())],
        ));
    }
    if password != again {
        return Err(text(l, "page-error-passwords-differ"));
    }
    let now = state.clock.now();
    if !state.signins.take(client, now) {
        return Err(text(l, "page-error-too-many-signins"));
    }
    // A taken email is answered before hashing, with the answer it always had.
    let known = email.clone();
    match state
        .db(move |s| s.account_by_email(AccountKind::Patient, &known))
        .await
    {
        Ok(None) => {}
        Ok(Some(_)) => return Err(text(l, "page-error-email-taken")),
        Err(e) => return Err(text(l, signup_refusal(&e))),
    }
    let hash = match state.hashing.hash(password).await {
        Ok(Ok(hash)) => hash,
        Ok(Err(e)) => return Err(text(l, signup_refusal(&StoreError::PasswordHash(e)))),
        Err(e) => {
            return Err(text(
                l,
                signup_refusal(&StoreError::TaskFailed(e.to_string())),
            ))
        }
    };
    let r = state
        .db(move |s| {
            let id = s.add_account(AccountKind::Patient, &email, &name, &hash, now)?;
            s.account(id)
        })
        .await;
    match r {
        Ok(Some(a)) => Ok(a),
        Ok(None) => Err(text(l, "page-error-signup-failed")),
        Err(e) => Err(text(l, signup_refusal(&e))),
    }
}

/// What the sign-up form says when the account could not be stored (a
/// catalog id): only a taken email is the person's to fix.
fn signup_refusal(e: &StoreError) -> &'static str {
    match e {
        StoreError::EmailTaken { .. } => "page-error-email-taken",
        e => {
            tracing::error!(error = %e, "sign-up failed");
            "page-error-signup-later"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{signup_refusal, LoginError};
    use crate::store::StoreError;
    use razcode_lang::{text, Language};

    #[test]
    fn refusals_are_said_in_the_pages_language() {
        let (es, status) = LoginError::Wrong.shown(Language::Es);
        assert_eq!(
            es,
            "El correo electrónico o la contraseña no son correctos."
        );
        assert_eq!(status, axum::http::StatusCode::FORBIDDEN);
        let (zh, _) = LoginError::Locked.shown(Language::ZhHans);
        assert!(zh.contains("锁定"), "{zh}");
    }

    #[test]
    fn a_hash_failure_is_not_shown_as_a_taken_email() {
        let said = |e: &StoreError| text(Language::En, signup_refusal(e));
        let hashing = said(&StoreError::PasswordHash("out of memory".into()));
        assert_eq!(
            hashing,
            "The account could not be created. Try again later."
        );
        let taken = said(&StoreError::EmailTaken {
            email: "ana@example.org".into(),
        });
        assert!(taken.contains("already exists"), "{taken}");
    }
}
