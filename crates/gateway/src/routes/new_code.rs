//! v1.2: the patient asks the clinic for a new code. The page of an expired,
//! withdrawn or used-up code names the clinic, its phone and the code's expiry
//! date, and offers a form (an email, an optional note); `POST /r/<ID>/new-code`
//! keeps the request sealed, logs `reissue_requested`, and status reports it
//! to the practice, whose desk reissues with one action.

use super::approve::{csrf_cookie, csrf_ok, csrf_refused, csrf_tag, with_cookie};
use super::language::PageLanguage;
use super::redeem::{date, redirect, try_again};
use super::AppState;
use crate::html::{code, error_box, escape, page_in, say};
use crate::store::reissue::NewRequest;
use crate::store::Stage;
use axum::extract::{ConnectInfo, Form, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use razcode_lang::{text, Language};
use razcode_protocol::{AccessEvent, RazId};
use std::collections::HashMap;
use std::net::SocketAddr;

/// The longest note, in characters.
pub const NOTE_MAX: usize = 280;
/// Requests one client may make in [`REQUEST_WINDOW`] seconds.
pub const REQUESTS_PER_CLIENT: i64 = 5;
pub const REQUEST_WINDOW: i64 = 3600;
/// The longest email address (RFC 5321's path limit).
const EMAIL_MAX: usize = 254;

/// What the page says under an expired, withdrawn or used-up code: who gave
/// it, how to call them, until when it was good, and the form; with the
/// cookie the form's tag is bound to.
pub async fn offer(
    l: Language,
    state: &AppState,
    headers: &HeaderMap,
    id: RazId,
    stage: &Stage,
    message: &str,
    email: &str,
) -> (String, Option<HeaderValue>) {
    let org = stage.org_account_id;
    let (clinic, phone) = state
        .db(move |s| s.org_contact(org))
        .await
        .unwrap_or_default();
    let mut html = String::new();
    if !clinic.trim().is_empty() {
        html.push_str(&format!(
            "<p>{}</p>",
            say(l, "page-new-code-clinic", &[("clinic", escape(&clinic))])
        ));
    }
    if let Some(phone) = phone {
        let dial: String = phone
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        html.push_str(&format!(
            "<p>{}</p>",
            say(
                l,
                "page-new-code-phone",
                &[(
                    "phone",
                    format!("<a href=\"tel:{dial}\">{}</a>", escape(&phone))
                )]
            )
        ));
    }
    html.push_str(&format!(
        "<p>{}</p>",
        say(
            l,
            "page-new-code-valid-until",
            &[("date", escape(&date(l, stage.expires)))]
        )
    ));
    let (cookie, set) = csrf_cookie(state, headers);
    html.push_str(&format!(
        "<form method=\"post\" action=\"/r/{c}/new-code\"><fieldset><legend>{legend}</legend>{error}<p>{help}</p>\
         <input type=\"hidden\" name=\"csrf\" value=\"{tag}\">\
         <label for=\"reissue_email\">{email_label}</label><input id=\"reissue_email\" name=\"email\" type=\"email\" autocomplete=\"email\" required maxlength=\"{EMAIL_MAX}\" value=\"{email}\">\
         <label for=\"reissue_note\">{note_label}</label><textarea id=\"reissue_note\" name=\"note\" maxlength=\"{NOTE_MAX}\" rows=\"3\"></textarea>\
         <button>{send}</button></fieldset></form>",
        c = id.compact(),
        legend = say(l, "page-new-code-legend", &[]),
        error = error_box(message),
        help = say(l, "page-new-code-help", &[]),
        tag = csrf_tag(state, &cookie, &bound(id)),
        email_label = say(l, "page-new-code-email", &[]),
        email = escape(email),
        note_label = say(l, "page-new-code-note", &[("max", NOTE_MAX.to_string())]),
        send = say(l, "page-new-code-send", &[]),
    ));
    (html, set)
}

/// A code's page that says why it no longer opens (`title`, `paragraph`),
/// with the offer of a new code.
#[allow(clippy::too_many_arguments)]
pub async fn page(
    l: Language,
    state: &AppState,
    headers: &HeaderMap,
    id: RazId,
    stage: &Stage,
    status: StatusCode,
    title: &str,
    paragraph: String,
) -> Response {
    let (offer, set) = offer(l, state, headers, id, stage, "", "").await;
    with_cookie(
        page_in(
            l,
            status,
            &text(l, title),
            &format!("<p>{paragraph}</p>{offer}"),
        ),
        set,
    )
}

fn bound(id: RazId) -> String {
    format!("new-code:{}", id.compact())
}

/// Whether a code's patient may ask for a new one: it lapsed, was withdrawn
/// or was claimed (used up).
fn needs_new(state: &AppState, stage: &Stage) -> bool {
    stage.voided_at.is_some() || stage.claimed_by.is_some() || state.clock.now() > stage.expires
}

/// A plausible email address: one `@` with text on both sides, a dot after
/// it, no spaces, at most 254 characters.
fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.len() <= EMAIL_MAX
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `POST /r/<ID>/new-code`.
pub async fn ask(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    PageLanguage(l): PageLanguage,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let Ok(id) = RazId::parse(&raw) else {
        return redirect("/r", StatusCode::SEE_OTHER);
    };
    let compact = id.compact();
    let stage = match state.db(move |s| s.stage(&compact)).await {
        Ok(Some(s)) => s,
        Ok(None) => return redirect("/r", StatusCode::SEE_OTHER),
        Err(e) => {
            tracing::error!(error = %e, "code lookup failed");
            return try_again(l, "page-try-again");
        }
    };
    if !csrf_ok(&state, &headers, &form, &bound(id)) {
        return csrf_refused();
    }
    // A code that still works needs no new one: its page.
    if !needs_new(&state, &stage) {
        return redirect(&format!("/r/{}", id.compact()), StatusCode::SEE_OTHER);
    }
    let email = form
        .get("email")
        .map(|e| e.trim())
        .unwrap_or_default()
        .to_string();
    let note = form
        .get("note")
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    let refuse = |message: String, email: String| {
        let (state, headers, stage) = (state.clone(), headers.clone(), stage.clone());
        async move {
            let (offer, set) = offer(l, &state, &headers, id, &stage, &message, &email).await;
            with_cookie(
                page_in(
                    l,
                    StatusCode::BAD_REQUEST,
                    &text(l, "page-new-code-legend"),
                    &offer,
                ),
                set,
            )
        }
    };
    if !plausible_email(&email) {
        return refuse(text(l, "page-new-code-bad-email"), email).await;
    }
    if note.as_ref().is_some_and(|n| n.chars().count() > NOTE_MAX) {
        return refuse(text(l, "page-new-code-note-too-long"), email).await;
    }
    let client = state.client(addr, &headers).to_string();
    let client_tag = crate::crypto::tag(&state.server_key, &["reissue", &client]);
    let now = state.clock.now();
    let (compact, kept_email) = (id.compact(), email.clone());
    let kept = state
        .db(move |s| {
            s.add_reissue_request(
                &NewRequest {
                    raz_id: &compact,
                    client_tag: &client_tag,
                    email: &kept_email,
                    note: note.as_deref(),
                    now,
                },
                now - REQUEST_WINDOW,
                REQUESTS_PER_CLIENT,
            )
        })
        .await;
    match kept {
        Ok(true) => {}
        Ok(false) => {
            return page_in(
                l,
                StatusCode::TOO_MANY_REQUESTS,
                &text(l, "page-too-many-title"),
                &format!("<p>{}</p>", say(l, "page-new-code-too-many", &[])),
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "a request for a new code was not kept");
            return try_again(l, "page-try-again");
        }
    }
    if let Err(e) = state
        .access(
            id,
            stage.org_account_id,
            AccessEvent::ReissueRequested,
            None,
        )
        .await
    {
        tracing::error!(error = %e, "request for a new code not in the audit log");
    }
    tracing::info!("a new code was asked for");
    let org = stage.org_account_id;
    let (clinic, _) = state
        .db(move |s| s.org_contact(org))
        .await
        .unwrap_or_default();
    let clinic = match clinic.trim() {
        "" => text(l, "page-new-code-the-clinic"),
        c => c.to_string(),
    };
    page_in(
        l,
        StatusCode::OK,
        &text(l, "page-new-code-sent-title"),
        &format!(
            "<p>{}</p>",
            say(
                l,
                "page-new-code-sent",
                &[
                    ("clinic", escape(&clinic)),
                    ("email", escape(&email)),
                    ("code", code(&id.grouped()))
                ]
            )
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_for_shape_only() {
        for good in ["ana@example.org", "a.b+c@mail.example.co"] {
            assert!(plausible_email(good), "{good}");
        }
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.org",
            "ana@example",
            "a na@x.org",
            "a@b@c.org",
            "ana@.org",
        ] {
            assert!(!plausible_email(bad), "{bad}");
        }
    }
}
