//! Every page a patient reads, in every language, measured with axe-core
//! (WCAG 2.0 and 2.1, A and AA) in headless Chromium at a phone's width,
//! against the real gateway: the code's entry, the code's page with its
//! sign-in and sign-up forms, a wrong password, the record (its bill and who
//! opened it), a deleted record, a code not found, withdrawn, already claimed,
//! not sent yet (reserved), expired with its request form, and a request
//! sent. Zero violations are allowed; the figures are printed.

mod common;
use common::*;
use razcode_protocol::{RazId, ReserveAnswer};
use razcode_testkit::axe::Browser;

const LANGUAGES: [&str; 5] = ["en", "es", "zh-Hans", "vi", "ar"];

/// A code whose visit (a CCR with problems, allergies, medications and
/// results) comes with a bill: the record page shows both.
async fn staged_with_bill(env: &Env, t: &Tokens) -> RazId {
    let ccr = fixture("ccr/samples/nist_ccr_sample1.xml");
    let params = [
        ("her", ccr.as_str()),
        (
            "pmt",
            r#"{"amount":"25.00","currency":"USD","description":"Office visit"}"#,
        ),
    ];
    let (status, a) = stage(env, t, "/gateway/stage/url", &params).await;
    assert_eq!(status, 200, "{a:?}");
    RazId::parse(get(&a, "raz_id").unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_patient_page_in_every_language_passes_axe() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let mut b = Browser::open().await;
    // The measure can fail: a page without a language or an image's text.
    b.d.goto("data:text/html,<html><body><img src='x.png'><p>no language</p></body></html>")
        .await
        .unwrap();
    b.audit("a page made to fail", "no language").await;
    let made_to_fail = std::mem::take(&mut b.failures).join("\n");
    for rule in ["html-has-lang", "image-alt"] {
        assert!(made_to_fail.contains(rule), "{rule} in {made_to_fail}");
    }
    let (pages, passes) = (b.pages, b.passes);
    // Codes in each state, staged by the practice.
    let fresh = staged(&env, &t, None).await;
    let voided = staged(&env, &t, None).await;
    let (status, _) = stage(&env, &t, "/gateway/void", &[("raz_id", &voided.grouped())]).await;
    assert_eq!(status, 200);
    // A code reserved for an offline receipt whose visit has not arrived.
    let reserved = {
        let r = at_gateway_time(&env, &t, "/gateway/reserve", &[("count", "1")]).await;
        assert_eq!(r.status(), 200);
        let ct = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string());
        let body = r.bytes().await.unwrap();
        let codes = ReserveAnswer::decode(ct.as_deref(), &body)
            .unwrap()
            .expect("a success");
        RazId::parse(&codes[0].raz_id).unwrap()
    };
    for lang in LANGUAGES {
        let q = format!("?lang={lang}");
        b.visit(
            &env.url(&format!("/r{q}")),
            &format!("/r ({lang})"),
            "name=\"code\"",
        )
        .await;
        b.visit(
            &env.url(&format!("/r/{}{q}", fresh.compact())),
            &format!("a code's page ({lang})"),
            "name=\"password\"",
        )
        .await;
        b.visit(
            &env.url(&format!("/r/ZZZZZZZZZZZZ{q}")),
            &format!("a code not found ({lang})"),
            "<h1",
        )
        .await;
        b.visit(
            &env.url(&format!("/r/{}{q}", voided.compact())),
            &format!("a withdrawn code ({lang})"),
            "<h1",
        )
        .await;
        b.visit(
            &env.url(&format!("/r/{}{q}", reserved.compact())),
            &format!("a code whose visit is not sent yet ({lang})"),
            "<h1",
        )
        .await;
        // A wrong password, then the record with its bill and who opened it.
        let id = staged_with_bill(&env, &t).await;
        b.d.delete_all_cookies().await.unwrap();
        b.d.goto(&env.url(&format!("/r/{}{q}", id.compact())))
            .await
            .unwrap();
        b.fill("email", PATIENT_EMAIL).await;
        b.fill("password", "not-the-password").await;
        b.press("button[value='signin']").await;
        b.audit(&format!("a wrong password ({lang})"), "name=\"password\"")
            .await;
        b.fill("email", PATIENT_EMAIL).await;
        b.fill("password", PATIENT_PASSWORD).await;
        b.press("button[value='signin']").await;
        b.visit(
            &env.url(&format!("/r/{}/record{q}", id.compact())),
            &format!("the record, its bill and who opened it ({lang})"),
            "25",
        )
        .await;
        // With RAZDESK_WRITE_DOCS: the Spanish and the Arabic (right to
        // left) record pages, at a phone's width.
        if matches!(lang, "es" | "ar") && std::env::var_os("RAZDESK_WRITE_DOCS").is_some() {
            let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs");
            b.picture(&docs.join(format!("page-record-{lang}.png")))
                .await;
        }
        // Someone else's browser opens the same code: already claimed.
        b.d.delete_all_cookies().await.unwrap();
        b.visit(
            &env.url(&format!("/r/{}{q}", id.compact())),
            &format!("an already claimed code ({lang})"),
            "<h1",
        )
        .await;
    }
    // Expired: the gateway's clock moves past the codes' life; the page's
    // request form is sent, in each language.
    let expired = staged(&env, &t, None).await;
    env.gw.clock.advance(31 * 86_400);
    for lang in LANGUAGES {
        let q = format!("?lang={lang}");
        b.d.delete_all_cookies().await.unwrap();
        b.visit(
            &env.url(&format!("/r/{}{q}", expired.compact())),
            &format!("an expired code and its request form ({lang})"),
            "name=\"note\"",
        )
        .await;
        b.fill("email", "ana@example.org").await;
        b.press("form[action$='/new-code'] button").await;
        b.audit(&format!("a request sent ({lang})"), "<h1").await;
    }
    razcode_testkit::axe::report(&format!(
        "axe-core {}: {} gateway pages ({} languages), {} rule checks passed, {} violations",
        b.version,
        b.pages - pages,
        LANGUAGES.len(),
        b.passes - passes,
        b.failures.len()
    ));
    let failures = std::mem::take(&mut b.failures);
    b.close().await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
