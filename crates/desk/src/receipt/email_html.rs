//! The email's HTML part: what a patient reads on a phone. The clinic, the
//! code in large type, its barcode inline, the code's page as a button, the
//! bill and how to pay it, the expiry; in the patient's language, with the
//! language and direction declared. No clinical data (minimum necessary): the
//! same facts as the plain part and the receipt.
//!
//! Mail programs drop `<style>` blocks and scripts: every style is inline,
//! the layout one column of at most 36em, the button a link.

use super::email::Mail;
use razcode_her::xml::escape;
use razcode_lang::{text, text_with};

/// The barcode's Content-ID in the message (`cid:` in the page).
pub const BARCODE_CID: &str = "barcode@razcode";

/// The HTML part for `m`.
pub fn page(m: &Mail) -> String {
    let l = m.language;
    let e = |s: &str| escape(s).replace('\'', "&#39;");
    let say = |id: &str| e(&text(l, id));
    let say_with = |id: &str, args: &[(&str, &str)]| e(&text_with(l, id, args));
    let mut body = String::with_capacity(4096);
    body.push_str(&format!(
        "<p style=\"margin:0 0 4px;font-size:14px;color:#444\">{}</p>\
         <h1 style=\"margin:0 0 16px;font-size:22px;line-height:1.3\">{}</h1>\
         <p style=\"margin:0 0 16px\">{}</p>",
        e(&m.clinic),
        say("email-html-title"),
        say_with("email-html-intro", &[("clinic", &m.clinic)]),
    ));
    body.push_str(&format!(
        "<p style=\"margin:0 0 4px;font-size:14px;color:#444\">{}</p>\
         <p style=\"margin:0 0 16px;font-family:Consolas,Menlo,monospace;font-size:30px;font-weight:700;letter-spacing:2px\" dir=\"ltr\">{}</p>",
        say("email-html-code-label"),
        e(&m.raz_id),
    ));
    if m.barcode.is_some() {
        body.push_str(&format!(
            "<p style=\"margin:0 0 16px\"><img src=\"cid:{BARCODE_CID}\" width=\"180\" height=\"180\" alt=\"{}\" style=\"display:block;width:180px;height:180px\"></p>",
            say_with("email-html-barcode-alt", &[("code", &m.raz_id)]),
        ));
    }
    body.push_str(&format!(
        "<p style=\"margin:0 0 16px\"><a href=\"{}\" style=\"display:inline-block;padding:14px 24px;background:#0b4f8a;color:#ffffff;font-size:18px;font-weight:700;text-decoration:none;border-radius:6px\">{}</a></p>\
         <p style=\"margin:0 0 16px\">{}</p>\
         <p style=\"margin:0 0 16px\">{}</p>",
        e(&m.code_url),
        say("email-html-button"),
        say_with("email-html-or-type", &[("url", &m.redeem_url)]),
        say_with("email-html-expires", &[("expires", &m.expires)]),
    ));
    if let Some(due) = &m.amount_due {
        body.push_str(&format!(
            "<h2 style=\"margin:24px 0 8px;font-size:18px\">{}</h2>",
            say_with("receipt-amount-due", &[("amount", &due.amount)]),
        ));
        for line in due.detail_lines(l) {
            body.push_str(&format!("<p style=\"margin:0 0 8px\">{}</p>", e(&line)));
        }
        let how = if due.online {
            say("email-html-pay-online")
        } else {
            say_with("receipt-pay-at-clinic", &[("clinic", &m.clinic)])
        };
        body.push_str(&format!("<p style=\"margin:0 0 16px\">{how}</p>"));
    }
    body.push_str(&format!(
        "<p style=\"margin:24px 0 0;font-size:14px;color:#444\">{}</p>",
        say("email-html-attached"),
    ));
    let lang = l.tag();
    let dir = l.direction();
    format!(
        "<!DOCTYPE html><html lang=\"{lang}\" dir=\"{dir}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title></head>\
         <body style=\"margin:0;padding:0;background:#ffffff\">\
         <main style=\"max-width:36em;margin:0 auto;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1b1b1b\">{body}</main>\
         </body></html>",
        say_with("email-subject", &[("clinic", &m.clinic)]),
    )
}
