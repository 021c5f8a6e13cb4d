//! The language of a patient's page: `?lang=` (the page's menu), else the
//! cookie the menu left, else the browser's `Accept-Language`, else English.

use super::approve::cookie;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use razcode_lang::Language;
use std::convert::Infallible;

const COOKIE: &str = "raz_lang";

/// The page's language, from the request.
pub struct PageLanguage(pub Language);

fn from_query(query: Option<&str>) -> Option<Language> {
    query?.split('&').find_map(|pair| {
        let v = pair.strip_prefix("lang=")?;
        Language::parse(v).ok()
    })
}

pub fn choose(query: Option<&str>, headers: &HeaderMap) -> Language {
    from_query(query)
        .or_else(|| cookie(headers, COOKIE).and_then(|c| Language::parse(&c).ok()))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Language::from_accept_language)
        })
        .unwrap_or_default()
}

impl<S: Send + Sync> FromRequestParts<S> for PageLanguage {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(PageLanguage(choose(parts.uri.query(), &parts.headers)))
    }
}

/// A language chosen from the menu is kept for the pages that follow (the
/// sign-in form posts without the query).
pub async fn remember(req: Request, next: Next) -> Response {
    let chosen = from_query(req.uri().query());
    let mut res = next.run(req).await;
    if let Some(lang) = chosen {
        let value = format!(
            "{COOKIE}={}; Path=/r; SameSite=Lax; Max-Age=31536000",
            lang.tag()
        );
        if let Ok(v) = HeaderValue::from_str(&value) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}
