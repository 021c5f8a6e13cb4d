//! The bill on the patient's pages: the payment request staged with a code,
//! as people read it, and where to pay it (the practice's payment link with the
//! bill filled in, or the clinic itself).

use crate::html::{escape, say};
use crate::store::{OrgPayment, Stage};
use razcode_lang::Language;
use razcode_protocol::PaymentRequest;

/// The stage's valid payment request, if it has one.
pub fn bill(stage: &Stage) -> Option<PaymentRequest> {
    stage
        .pmt
        .as_deref()
        .and_then(|p| PaymentRequest::parse(p).ok())
}

/// Checks a payment link template: `https`, or `http` to this computer (tests).
pub fn check_template(url: &str) -> Result<(), String> {
    razcode_protocol::urls::secure_or_loopback(url)
        .map(|_| ())
        .map_err(|e| {
            format!("the payment link must be an https URL (plain http only to this computer): {e}")
        })
}

/// The practice's payment link with this bill filled in; each placeholder's
/// value is URL-encoded. None without a template.
pub fn pay_link(template: &str, raz_id: &str, bill: &PaymentRequest) -> String {
    let enc = |v: &str| form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
    template
        .replace("{reference}", &enc(bill.reference.as_deref().unwrap_or("")))
        .replace("{amount}", &enc(&bill.amount))
        .replace("{currency}", &enc(&bill.currency))
        .replace("{raz_id}", &enc(raz_id))
}

/// The bill's section of the record page, in the page's language: amount,
/// what for, when due, and how to pay (or that it is paid). `today` is
/// `YYYY-MM-DD` at the gateway.
pub fn section(
    l: Language,
    stage: &Stage,
    org: &OrgPayment,
    today: &str,
    paid_on: Option<&str>,
) -> String {
    let Some(b) = bill(stage) else {
        return String::new();
    };
    let tz = razcode_lang::TimeZone::system();
    let due = b
        .due_date
        .as_deref()
        .map(|d| razcode_lang::visit_date(l, d, &tz));
    let mut rows = vec![(
        "page-bill-amount",
        razcode_lang::amount(l, &b.currency, &b.amount),
    )];
    if let Some(d) = &b.description {
        rows.push(("page-bill-for", d.clone()));
    }
    if let Some(r) = &b.reference {
        rows.push(("page-bill-reference", r.clone()));
    }
    if let Some(d) = &due {
        rows.push(("page-bill-due-by", d.clone()));
    }
    let mut html = format!(
        "<section aria-labelledby=\"bill-title\"><h2 id=\"bill-title\">{}</h2><table><tbody>",
        say(l, "page-bill-title", &[])
    );
    for (k, v) in rows {
        html.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            say(l, k, &[]),
            escape(&v)
        ));
    }
    html.push_str("</tbody></table>");
    if let Some(on) = paid_on {
        html.push_str(&format!(
            "<p class=\"paid\"><strong>{}</strong></p></section>",
            say(l, "page-bill-paid-on", &[("date", escape(on))])
        ));
        return html;
    }
    if b.due_date.as_deref().is_some_and(|d| d < today) {
        html.push_str(&format!(
            "<p class=\"overdue\"><strong>{}</strong></p>",
            say(
                l,
                "page-bill-overdue",
                &[("date", escape(due.as_deref().unwrap_or("")))]
            )
        ));
    }
    match &org.pay_url {
        Some(t) => {
            let link = format!(
                "<a class=\"button\" href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
                escape(&pay_link(t, &stage.raz_id, &b)),
                say(l, "page-bill-pay-now", &[])
            );
            html.push_str(&format!(
                "<p>{}</p>",
                say(
                    l,
                    "page-bill-pay-on",
                    &[("link", link), ("clinic", escape(&org.name))]
                )
            ));
        }
        None => html.push_str(&format!(
            "<p>{}</p>",
            say(
                l,
                "page-bill-pay-at-clinic",
                &[("clinic", escape(&org.name))]
            )
        )),
    }
    html.push_str("</section>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_encoded() {
        let b = PaymentRequest {
            amount: "25.00".into(),
            currency: "USD".into(),
            description: None,
            reference: Some("INV 7&8=?".into()),
            due_date: None,
        };
        let link = pay_link(
            "https://pay.clinic.example/?ref={reference}&amount={amount}&currency={currency}&code={raz_id}",
            "7KQ2M9XD4HRB",
            &b,
        );
        assert_eq!(
            link,
            "https://pay.clinic.example/?ref=INV+7%268%3D%3F&amount=25.00&currency=USD&code=7KQ2M9XD4HRB"
        );
    }

    #[test]
    fn only_https_templates_or_loopback_http() {
        assert!(check_template("https://pay.clinic.example/?r={reference}").is_ok());
        assert!(check_template("http://127.0.0.1:9/pay").is_ok());
        for bad in [
            "http://pay.clinic.example/",
            "javascript:alert(1)",
            "ftp://pay.example/",
            "not a url",
        ] {
            assert!(check_template(bad).is_err(), "{bad}");
        }
    }
}
