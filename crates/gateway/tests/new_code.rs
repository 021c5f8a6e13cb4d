//! Protocol v1.2, a patient's request for a new code, against the real
//! gateway: an expired code's page (the clock moved as the lifecycle tests
//! do) names the clinic, its phone (`org set --phone`) and the expiry, and
//! takes a request (an email, a note); bad input is said on the page; status
//! reports the request to the practice that staged the code, and nobody else;
//! the request is sealed at rest; a client's requests are limited; withdrawn
//! and used-up codes offer the same. Runs on SQLite and on PostgreSQL.

mod common;
use common::*;
use razcode_protocol::RazId;

const PHONE: &str = "+1 (555) 010-2030";

/// The code's page as a browser gets it: its status and text.
async fn page(b: &reqwest::Client, url: &str) -> (u16, String) {
    let r = b.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Sends the page's request form with `email` and `note`.
async fn ask(
    env: &Env,
    b: &reqwest::Client,
    id: &RazId,
    html: &str,
    email: &str,
    note: &str,
) -> (u16, String) {
    let csrf = hidden(html, "csrf");
    let r = b
        .post(env.url(&format!("/r/{}/new-code", id.compact())))
        .form(&[("csrf", csrf.as_str()), ("email", email), ("note", note)])
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn set_phone(env: &Env, phone: &str) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_razcode-gateway"))
        .args(["org", "set", "--email", ORG_EMAIL, "--phone", phone])
        .args(env.db_args())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_code_takes_a_request_for_a_new_one() {
    let env = Env::start().await;
    let t = activate(&env).await;
    set_phone(&env, PHONE);
    // Activated now: its requests are signed at the gateway's (moved) time later.
    let other = other_practice(&env).await;
    let id = staged(&env, &t, None).await;
    let url = env.url(&format!("/r/{}", id.compact()));
    let b = browser();
    // A code that still works offers no request, and takes none.
    let (status, html) = page(&b, &url).await;
    assert_eq!(status, 200);
    assert!(!html.contains("new-code"), "{html}");

    // Past its 30 days.
    env.gw.clock.advance(31 * 86_400);
    let (status, html) = page(&b, &format!("{url}?lang=en")).await;
    assert_eq!(status, 410);
    assert!(html.contains("Harbor Street Clinic"), "{html}");
    assert!(
        html.contains(PHONE) && html.contains("tel:+15550102030"),
        "{html}"
    );
    assert!(html.contains("It was valid until"), "{html}");
    assert!(html.contains("Ask the clinic for a new code"), "{html}");
    let (status, es) = page(&browser(), &format!("{url}?lang=es")).await;
    assert_eq!(status, 410);
    assert!(es.contains("Pedir a la clínica un código nuevo"), "{es}");

    // Bad input is said on the page, and nothing is kept.
    let (status, again) = ask(&env, &b, &id, &html, "not an email", "").await;
    assert_eq!(status, 400);
    assert!(again.contains("Give an email address"), "{again}");
    let long = "x".repeat(281);
    let (status, again) = ask(&env, &b, &id, &html, "ana@example.org", &long).await;
    assert_eq!(status, 400);
    assert!(again.contains("too long"), "{again}");
    let (_, s) = status_of(&env, &t, &id).await;
    assert_eq!(get(&s, "reissue_requested_at"), None, "{s:?}");

    // A request is sent and reported to the practice.
    let note = "Lost the paper receipt & need it for work";
    let (status, done) = ask(&env, &b, &id, &html, "ana.new@example.org", note).await;
    assert_eq!(status, 200, "{done}");
    assert!(done.contains("Request sent"), "{done}");
    assert!(done.contains("ana.new@example.org"), "{done}");
    let (status, s) = status_of(&env, &t, &id).await;
    assert_eq!(status, 200);
    assert_eq!(get(&s, "state"), Some("expired"));
    assert_eq!(get(&s, "reissue_email"), Some("ana.new@example.org"));
    assert_eq!(get(&s, "reissue_note"), Some(note));
    let at = get(&s, "reissue_requested_at").expect("when it was asked");
    let at = time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .unwrap()
        .unix_timestamp();
    assert!((at - env.gw.clock.now()).abs() <= 2);
    // It is an access of the code, and another practice sees none of it.
    let (status, s) = status_of(&env, &other, &id).await;
    assert_eq!(
        (status, get(&s, "errorcode")),
        (404, Some("raz_id_unknown"))
    );
    let sealed = bytes_at_rest(&env.db);
    assert!(
        !holds(&sealed, b"ana.new@example.org"),
        "the email is sealed at rest"
    );
    assert!(
        !holds(&sealed, b"Lost the paper"),
        "the note is sealed at rest"
    );

    // One client may ask five times an hour.
    for _ in 0..4 {
        let (status, _) = ask(&env, &b, &id, &html, "ana@example.org", "").await;
        assert_eq!(status, 200);
    }
    let (status, _) = ask(&env, &b, &id, &html, "ana@example.org", "").await;
    assert_eq!(status, 429);
    env.gw.clock.advance(3601);
    let (status, _) = ask(&env, &b, &id, &html, "ana@example.org", "").await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn withdrawn_and_used_up_codes_offer_a_new_one_too() {
    let env = Env::start().await;
    let t = activate(&env).await;
    // Withdrawn: no phone given, so none is shown.
    let id = staged(&env, &t, None).await;
    let (status, _) = stage(&env, &t, "/gateway/void", &[("raz_id", &id.grouped())]).await;
    assert_eq!(status, 200);
    let b = browser();
    let (status, html) = page(&b, &env.url(&format!("/r/{}", id.compact()))).await;
    assert_eq!(status, 410);
    assert!(
        html.contains("withdrew") && html.contains("Ask the clinic for a new code"),
        "{html}"
    );
    assert!(!html.contains("tel:"), "{html}");
    let (status, _) = ask(&env, &b, &id, &html, "ana@example.org", "").await;
    assert_eq!(status, 200);

    // Used up: claimed by its patient, opened by someone else.
    let id = staged(&env, &t, None).await;
    let path = format!("/r/{}", id.compact());
    let (_, r) = claim(&env, &path, PATIENT_EMAIL, PATIENT_PASSWORD).await;
    assert_eq!(r.status(), 303);
    let (status, html) = page(&browser(), &env.url(&path)).await;
    assert_eq!(status, 409);
    assert!(html.contains("Ask the clinic for a new code"), "{html}");
    // A form sent with another page's tag is refused.
    let forged = html.replace(&hidden(&html, "csrf"), "forged");
    let (status, _) = ask(&env, &browser(), &id, &forged, "ana@example.org", "").await;
    assert_eq!(status, 403);
}
