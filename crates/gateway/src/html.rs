//! Server-rendered pages: small, accessible, no scripts.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use razcode_lang::Language;

/// Escapes text for HTML content and attribute values: the XML escaping of
/// `razcode_her` (which also drops control characters), and `'` besides.
pub fn escape(s: &str) -> String {
    razcode_her::xml::escape(s).replace('\'', "&#39;")
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.5}\
h1{font-size:1.5rem}label{display:block;margin-top:.8rem;font-weight:600}\
input,textarea{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box;border:1px solid #555;border-radius:4px}\
button{font-size:1rem;padding:.5rem 1.2rem;margin-block:1rem 0;margin-inline:0 .5rem;border-radius:4px;border:1px solid #0b4f8a;background:#0b4f8a;color:#fff;cursor:pointer}\
button.secondary{background:#fff;color:#0b4f8a}.error{background:#fde8e8;border-inline-start:4px solid #b00020;padding:.6rem}\
.code{font-family:ui-monospace,monospace;font-size:1.6rem;letter-spacing:.1em;white-space:nowrap}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3rem .6rem;text-align:start}\
fieldset{border:1px solid #999;margin-top:1rem}\
footer{max-width:40rem;margin:2rem auto;padding:0 1rem;color:#444}footer nav{display:flex;gap:.6rem;flex-wrap:wrap}\
.langs{display:flex;gap:.8rem;list-style:none;margin:0;padding:0}";

/// A whole page with the given status (the practice's pages: English).
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    respond(status, document(Language::En, title, body, ""))
}

/// A patient's page in `lang`, with the language menu.
pub fn page_in(lang: Language, status: StatusCode, title: &str, body: &str) -> Response {
    respond(status, document(lang, title, body, &language_menu(lang)))
}

pub fn document(lang: Language, title: &str, body: &str, footer: &str) -> String {
    document_tagged(lang.tag(), title, body, footer)
}

fn document_tagged(tag: &str, title: &str, body: &str, footer: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{tag}\" dir=\"{dir}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{t}</title><style>{STYLE}</style></head><body><main><h1>{t}</h1>{body}</main>{footer}</body></html>",
        dir = razcode_lang::direction_of(tag),
        t = escape(title)
    )
}

/// Links to the page in each language (the choice is kept in a cookie).
fn language_menu(current: Language) -> String {
    let links: Vec<String> = Language::ALL
        .iter()
        .map(|&l| {
            let name = escape(&l.name());
            if l == current {
                format!("<li><strong lang=\"{}\">{name}</strong></li>", l.tag())
            } else {
                format!(
                    "<li><a href=\"?lang={t}\" lang=\"{t}\" hreflang=\"{t}\">{name}</a></li>",
                    t = l.tag()
                )
            }
        })
        .collect();
    format!(
        "<footer><nav aria-label=\"{label}\"><span>{label}:</span><ul class=\"langs\">{}</ul></nav></footer>",
        links.join(""),
        label = escape(&razcode_lang::text(current, "page-language"))
    )
}

/// A catalog message as HTML: its text escaped, each argument given as HTML
/// (the caller escaped or marked it up), so that markup never comes from text.
pub fn say(lang: Language, id: &str, args: &[(&str, String)]) -> String {
    let marks: Vec<String> = (0..args.len())
        .map(|i| format!("\u{E000}{i}\u{E001}"))
        .collect();
    let named: Vec<(&str, &str)> = args
        .iter()
        .zip(&marks)
        .map(|((k, _), m)| (*k, m.as_str()))
        .collect();
    let mut out = escape(&razcode_lang::text_with(lang, id, &named));
    for ((_, html), m) in args.iter().zip(&marks) {
        out = out.replace(m, html);
    }
    out
}

/// A code in a sentence: read left to right as one unit whatever the page's
/// direction (`dir` isolates it), never broken across lines.
pub fn code(grouped: &str) -> String {
    format!(
        "<span class=\"code\" dir=\"ltr\">{}</span>",
        escape(grouped)
    )
}

fn respond(status: StatusCode, html: String) -> Response {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A later right-to-left language (Arabic) needs only its catalog: the
    /// page says its direction, and no style is tied to left or right.
    #[test]
    fn a_right_to_left_page_stays_possible() {
        let html = document_tagged("ar", "رمز زيارتك", "<p>مرحبا</p>", "");
        assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"), "{html}");
        assert!(html.contains("<h1>رمز زيارتك</h1>"));
        for physical in ["left", "right"] {
            assert!(!STYLE.contains(physical), "{physical} in the page style");
        }
        let en = document(Language::En, "t", "", "");
        assert!(en.contains("dir=\"ltr\""));
    }

    #[test]
    fn messages_as_html_escape_text_and_keep_markup_arguments() {
        let html = say(Language::Es, "page-withdrawn", &[("code", code("AB<1>"))]);
        assert!(
            html.starts_with(
                "La clínica retiró el código <span class=\"code\" dir=\"ltr\">AB&lt;1&gt;</span>"
            ),
            "{html}"
        );
    }
}
