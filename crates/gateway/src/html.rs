//! Server-rendered pages: small, accessible, no scripts.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Escapes text for HTML content and attribute values: the XML escaping of
/// `razcode_her` (which also drops control characters), and `'` besides.
pub fn escape(s: &str) -> String {
    razcode_her::xml::escape(s).replace('\'', "&#39;")
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.5}\
h1{font-size:1.5rem}label{display:block;margin-top:.8rem;font-weight:600}\
input{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box;border:1px solid #555;border-radius:4px}\
button{font-size:1rem;padding:.5rem 1.2rem;margin:1rem .5rem 0 0;border-radius:4px;border:1px solid #0b4f8a;background:#0b4f8a;color:#fff;cursor:pointer}\
button.secondary{background:#fff;color:#0b4f8a}.error{background:#fde8e8;border-left:4px solid #b00020;padding:.6rem}\
.code{font-family:ui-monospace,monospace;font-size:1.6rem;letter-spacing:.1em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3rem .6rem;text-align:left}\
fieldset{border:1px solid #999;margin-top:1rem}";

/// A whole page with the given status.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{t}</title><style>{STYLE}</style></head><body><main><h1>{t}</h1>{body}</main></body></html>",
        t = escape(title)
    );
    let mut r = (status, html).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // Approval and redemption pages take passwords: no framing, no caching.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    r
}

pub fn error_box(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!("<p class=\"error\" role=\"alert\">{}</p>", escape(message))
    }
}
