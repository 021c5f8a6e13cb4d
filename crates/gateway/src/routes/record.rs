//! The record a patient claimed: its page (with the bill), the download as the
//! clinic sent it, and Delete (a claimed record stays until its patient deletes
//! it; the code's state stays for the clinic).

use super::approve::{csrf_cookie, csrf_ok, csrf_refused, csrf_tag, with_cookie};
use super::bill;
use super::language::PageLanguage;
use super::redeem::{date, iso_date, lookup, redirect, session_account, Lookup};
use super::AppState;
use crate::html::{code, escape, page_in, say};
use crate::store::Stage;
use axum::extract::{ConnectInfo, Form, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use razcode_her::{check, Her};
use razcode_lang::{text, Language};
use razcode_protocol::{AccessEvent, RazId};
use std::collections::HashMap;
use std::net::SocketAddr;

/// The stage, when the signed-in patient claimed it.
async fn owned(
    l: Language,
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    raw: &str,
    suffix: &str,
) -> Result<(RazId, Box<Stage>), Response> {
    let (id, stage) = match lookup(l, state, headers, peer, raw, suffix).await {
        Lookup::Found(id, s) => (id, s),
        Lookup::Respond(r) => return Err(r),
    };
    let viewer = session_account(state, headers).await;
    if viewer.is_none() || stage.claimed_by != viewer {
        return Err(redirect(
            &format!("/r/{}", id.compact()),
            StatusCode::SEE_OTHER,
        ));
    }
    Ok((id, stage))
}

/// The claimed stage for a download, or the page saying its patient deleted it.
async fn kept(
    l: Language,
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    raw: &str,
    suffix: &str,
) -> Result<(RazId, Box<Stage>), Response> {
    let (id, stage) = owned(l, state, headers, peer, raw, suffix).await?;
    if stage.her.is_empty() {
        return Err(deleted_page(l, StatusCode::GONE, &id, ""));
    }
    Ok((id, stage))
}

/// Logs a disclosure before it is made: a record that cannot be logged is
/// not shown (the patient tries again).
async fn disclosed(
    l: Language,
    state: &AppState,
    id: RazId,
    stage: &Stage,
    event: AccessEvent,
) -> Result<(), Response> {
    state
        .access(id, stage.org_account_id, event, None)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "a disclosure could not be logged; not made");
            super::redeem::try_again(l, "page-try-again")
        })
}

fn deleted_page(l: Language, status: StatusCode, id: &RazId, bill: &str) -> Response {
    let body = format!(
        "<p>{}</p>{bill}",
        say(l, "page-record-deleted", &[("code", code(&id.grouped()))])
    );
    page_in(l, status, &text(l, "page-record-deleted-title"), &body)
}

pub async fn record_page(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    PageLanguage(l): PageLanguage,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Response {
    let (id, stage) = match owned(l, &state, &headers, addr, &raw, "/record").await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let org_id = stage.org_account_id;
    let org = state
        .db(move |s| s.org_payment(org_id))
        .await
        .unwrap_or_default();
    let bill = bill::section(
        l,
        &stage,
        &org,
        &iso_date(state.clock.now()),
        stage.paid_at.map(|t| date(l, t)).as_deref(),
    );
    if stage.her.is_empty() {
        return deleted_page(l, StatusCode::OK, &id, &bill);
    }
    if let Err(r) = disclosed(l, &state, id, &stage, AccessEvent::RecordViewed).await {
        return r;
    }
    let (cookie, set_cookie) = csrf_cookie(&state, &headers);
    let delete = format!(
        "<form method=\"post\" action=\"/r/{}/delete\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <button class=\"secondary\" name=\"action\" value=\"delete\">{}</button></form>",
        id.compact(),
        csrf_tag(&state, &cookie, &format!("delete:{}", id.compact())),
        say(l, "page-record-delete", &[]),
    );
    // Reading the record is CPU work (up to 4 MiB of XML): off the async runtime.
    let her = stage.her.clone();
    let mut body = match tokio::task::spawn_blocking(move || record_body(l, &id, &her)).await {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(error = %e, "record page not made");
            return super::redeem::try_again(l, "page-try-again");
        }
    };
    body.push_str(&bill);
    body.push_str(&delete);
    body.push_str(&format!(
        "<p><a href=\"/r/{c}/download\">{}</a></p>\
         <p><a href=\"/r/{c}/fhir\">{}</a></p>",
        say(l, "page-record-download", &[]),
        say(l, "page-record-fhir", &[]),
        c = id.compact()
    ));
    // v1.2: who opened it, this view included.
    let compact = id.compact();
    match state.db(move |s| s.accesses(&compact)).await {
        Ok(list) => body.push_str(&super::access_list::section(l, &list)),
        Err(e) => tracing::error!(error = %e, "accesses not read for the record page"),
    }
    with_cookie(
        page_in(l, StatusCode::OK, &text(l, "page-record-title"), &body),
        set_cookie,
    )
}

/// What the record page shows of the record itself.
fn record_body(l: Language, id: &RazId, her: &[u8]) -> String {
    let record = String::from_utf8_lossy(her);
    let mut body = format!(
        "<p>{}</p>",
        say(l, "page-record-added", &[("code", code(&id.grouped()))])
    );
    let tz = razcode_lang::TimeZone::system();
    match check(&record) {
        Ok(Her::Ccr(ccr)) => {
            let words = razcode_lang::ccr_in_words(l, &ccr, &tz);
            body.push_str("<table><tbody>");
            for f in &words.facts {
                body.push_str(&format!(
                    "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                    escape(&f.label),
                    escape(&f.value)
                ));
            }
            body.push_str(&format!(
                "</tbody></table><h2>{}</h2>",
                say(l, "page-record-sections", &[])
            ));
            for section in &words.sections {
                body.push_str(&format!("<h3>{}</h3><ul>", escape(&section.title)));
                for item in &section.items {
                    let when = item
                        .when
                        .as_deref()
                        .map(|w| format!(" ({})", escape(w)))
                        .unwrap_or_default();
                    body.push_str(&format!("<li>{}{when}</li>", escape(&item.text)));
                }
                body.push_str("</ul>");
            }
        }
        Ok(Her::Omhe(messages)) => {
            body.push_str(&format!(
                "<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
                say(l, "page-record-measurement", &[]),
                say(l, "page-record-values", &[]),
                say(l, "page-record-when", &[])
            ));
            for m in razcode_lang::omhe_in_words(l, &messages, &tz) {
                body.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(&m.kind),
                    escape(&m.values),
                    escape(m.when.as_deref().unwrap_or_default())
                ));
            }
            body.push_str("</tbody></table>");
        }
        Err(_) => body.push_str(&format!("<p>{}</p>", say(l, "page-record-unreadable", &[]))),
    }
    body
}

pub async fn download(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    PageLanguage(l): PageLanguage,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Response {
    let (id, stage) = match kept(l, &state, &headers, addr, &raw, "/download").await {
        Ok(v) => v,
        Err(r) => return r,
    };
    if let Err(r) = disclosed(l, &state, id, &stage, AccessEvent::RecordDownloaded).await {
        return r;
    }
    let (ctype, ext) = if stage.her_kind == "ccr" {
        ("application/xml; charset=utf-8", "xml")
    } else {
        ("text/plain; charset=utf-8", "txt")
    };
    attachment(stage.her, ctype, &format!("razcode-{}.{ext}", id.compact()))
}

/// The record as a FHIR R4 Bundle, for the patient's health apps.
pub async fn download_fhir(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    PageLanguage(l): PageLanguage,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Response {
    let (id, stage) = match kept(l, &state, &headers, addr, &raw, "/fhir").await {
        Ok(v) => v,
        Err(r) => return r,
    };
    if let Err(r) = disclosed(l, &state, id, &stage, AccessEvent::FhirDownloaded).await {
        return r;
    }
    let record = String::from_utf8_lossy(&stage.her).into_owned();
    let bundle = tokio::task::spawn_blocking(move || {
        razcode_her::fhir::convert(&record).map(|b| b.to_string())
    })
    .await;
    match bundle {
        Ok(Ok(json)) => attachment(
            json.into_bytes(),
            razcode_her::fhir::MEDIA_TYPE,
            &format!("razcode-{}.fhir.json", id.compact()),
        ),
        _ => page_in(
            l,
            StatusCode::INTERNAL_SERVER_ERROR,
            &text(l, "page-fhir-unavailable-title"),
            &format!("<p>{}</p>", say(l, "page-fhir-unavailable", &[])),
        ),
    }
}

/// A download: never sniffed into something that runs, sandboxed if a browser
/// shows it anyway, not cached.
fn attachment(bytes: Vec<u8>, ctype: &'static str, filename: &str) -> Response {
    let mut r = (StatusCode::OK, bytes).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// Delete: the patient erases their claimed record; the code's state stays.
pub async fn delete(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    PageLanguage(l): PageLanguage,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let (id, stage) = match owned(l, &state, &headers, addr, &raw, "/record").await {
        Ok(v) => v,
        Err(r) => return r,
    };
    if !csrf_ok(&state, &headers, &form, &format!("delete:{}", id.compact())) {
        return csrf_refused();
    }
    let (compact, owner) = (id.compact(), stage.claimed_by.unwrap_or_default());
    match state.db(move |s| s.erase_record(&compact, owner)).await {
        Ok(_) => {
            tracing::info!("record deleted by its patient");
            if let Err(e) = state
                .access(
                    id,
                    stage.org_account_id,
                    AccessEvent::DeletedByPatient,
                    None,
                )
                .await
            {
                tracing::error!(error = %e, "deletion not in the audit log");
            }
            redirect(
                &format!("/r/{}/record", id.compact()),
                StatusCode::SEE_OTHER,
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "record not deleted");
            super::redeem::try_again(l, "page-record-delete-failed")
        }
    }
}
