//! The patient's side of payments over HTTP: the bill on both pages, the
//! practice's payment link filled in, https-only templates, and payment notices
//! (good and bad signatures, a mismatched amount, a replay), with `paid_at` in
//! the code's status.

mod common;
use common::*;
use hmac::{Hmac, Mac};
use razcode_protocol::RazId;
use sha2::Sha256;
use std::process::Command;

const GW: &str = env!("CARGO_BIN_EXE_razcode-gateway");
const SECRET: &str = "notice-secret-0123456789";

fn org_set(env: &Env, args: &[&str]) -> std::process::Output {
    Command::new(GW)
        .args(["org", "set", "--email", ORG_EMAIL])
        .args(env.db_args())
        .args(args)
        .output()
        .unwrap()
}

async fn billed(env: &Env, t: &Tokens, pmt: &str) -> RazId {
    let (status, a) = stage(
        env,
        t,
        "/gateway/stage/url",
        &[("her", "bp=118/76p64"), ("pmt", pmt)],
    )
    .await;
    assert_eq!(status, 200, "{a:?}");
    assert_eq!(get(&a, "pmt"), Some("valid"));
    RazId::parse(get(&a, "raz_id").unwrap()).unwrap()
}

fn signature(secret: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

async fn notify(env: &Env, body: &str, signature: &str) -> (u16, serde_json::Value) {
    let r = env
        .http
        .post(env.url("/payments/notify"))
        .header("content-type", "application/json")
        .header("X-Razcode-Signature", signature)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

fn notice(id: &RazId, amount: &str, currency: &str, tx: &str) -> String {
    serde_json::json!({
        "raz_id": id.grouped(),
        "amount": amount,
        "currency": currency,
        "paid_at": "2026-12-02T10:15:00Z",
        "transaction_id": tx,
    })
    .to_string()
}

#[tokio::test]
async fn the_bill_is_on_both_pages_with_the_practice_payment_link() {
    let env = Env::start().await;
    let t = activate(&env).await;
    // Without a link the patient is told to pay at the clinic.
    let pmt = r#"{"amount":"25.00","currency":"USD","description":"Office visit","reference":"INV 7&8","due_date":"2026-01-15"}"#;
    let (status, a) = stage(
        &env,
        &t,
        "/gateway/stage/url",
        &[("her", "bp=118/76p64"), ("pmt", pmt)],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(get(&a, "razcode_pay"), Some("clinic"), "{a:?}");
    let id = RazId::parse(get(&a, "raz_id").unwrap()).unwrap();

    // Before sign-in: the amount, nothing of the visit.
    let page = page_text(&browser(), &env.url(&format!("/r/{}", id.compact()))).await;
    assert!(page.contains("This visit has a bill of $25.00."), "{page}");
    assert!(
        // "118/76", not "118": a page's random CSRF tag may hold those digits.
        !page.contains("Office visit") && !page.contains("118/76"),
        "{page}"
    );

    let (b, r) = claim(
        &env,
        &format!("/r/{}", id.compact()),
        PATIENT_EMAIL,
        PATIENT_PASSWORD,
    )
    .await;
    assert_eq!(r.status(), 303);
    let record = env.url(&format!("/r/{}/record", id.compact()));
    let page = page_text(&b, &record).await;
    for words in [
        "Your bill",
        "$25.00",
        "Office visit",
        "INV 7&amp;8",
        "Jan 15, 2026",
        "overdue",
        "Pay this bill at the clinic, Harbor Street Clinic",
    ] {
        assert!(page.contains(words), "{words}: {page}");
    }
    assert!(!page.contains("Pay now"));

    // With the practice's payment link, each placeholder is filled and encoded.
    let out = org_set(
        &env,
        &[
            "--pay-url",
            "https://pay.clinic.example/?ref={reference}&amount={amount}&currency={currency}&code={raz_id}",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = page_text(&b, &record).await;
    let link = format!(
        "https://pay.clinic.example/?ref=INV+7%268&amp;amount=25.00&amp;currency=USD&amp;code={}",
        id.compact()
    );
    assert!(page.contains(&link), "{link}: {page}");
    assert!(page.contains("Pay now"));
    let (_, a) = stage(
        &env,
        &t,
        "/gateway/stage/url",
        &[("her", "wt=80k"), ("pmt", pmt)],
    )
    .await;
    assert_eq!(get(&a, "razcode_pay"), Some("online"));
}

#[test]
fn only_https_payment_links_are_accepted() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let env = rt.block_on(Env::start());
    for bad in [
        "http://pay.clinic.example/?ref={reference}",
        "javascript:alert(1)",
        "pay.clinic.example",
    ] {
        let out = org_set(&env, &["--pay-url", bad]);
        assert!(!out.status.success(), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("https"), "{bad}: {err}");
    }
    let out = org_set(&env, &["--pay-url", "http://127.0.0.1:9/pay"]);
    assert!(out.status.success(), "loopback http is for tests");
    let out = Command::new(GW)
        .args(["org", "set", "--email", "nobody@clinic.test"])
        .args(env.db_args())
        .args(["--pay-url", "https://pay.example/"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no organization"));
}

#[tokio::test]
async fn notices_pay_the_bill_once_and_refuse_what_does_not_match() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let out = org_set(&env, &["--notify-secret", SECRET]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The secret is sealed at rest.
    let db = env.db.clone();
    let at_rest = blocking(move || bytes_at_rest(&db)).await;
    assert!(!holds(&at_rest, SECRET.as_bytes()));

    let id = billed(&env, &t, r#"{"amount":"25.00","currency":"USD"}"#).await;
    let body = notice(&id, "25.00", "USD", "tx-1");

    // A wrong signature, a missing one, and another secret are refused alike.
    for sig in [
        "sha256=00".to_string(),
        String::new(),
        signature("another-secret-0123", &body),
    ] {
        let (status, v) = notify(&env, &body, &sig).await;
        assert_eq!(status, 401, "{sig}: {v}");
    }
    // An unknown code answers as a wrong signature does.
    let unknown = notice(&RazId::generate().unwrap(), "25.00", "USD", "tx-x");
    let (status, _) = notify(&env, &unknown, &signature(SECRET, &unknown)).await;
    assert_eq!(status, 401);
    // Another amount or currency is not this bill.
    for (amount, currency) in [("20.00", "USD"), ("25.00", "EUR")] {
        let b = notice(&id, amount, currency, "tx-2");
        let (status, v) = notify(&env, &b, &signature(SECRET, &b)).await;
        assert_eq!(status, 422, "{amount} {currency}: {v}");
    }
    let (_, a) = stage(&env, &t, "/gateway/status", &[("raz_id", &id.grouped())]).await;
    assert_eq!(get(&a, "paid_at"), None, "nothing refused counted");

    // The right notice pays it; `25` and `25.00` are the same amount.
    let (status, v) = notify(&env, &body, &signature(SECRET, &body)).await;
    assert_eq!(status, 200, "{v}");
    let (_, a) = stage(&env, &t, "/gateway/status", &[("raz_id", &id.grouped())]).await;
    assert_eq!(get(&a, "paid_at"), Some("2026-12-02T10:15:00Z"), "{a:?}");
    // A replay, and a second payment of a paid bill, are refused.
    let (status, v) = notify(&env, &body, &signature(SECRET, &body)).await;
    assert_eq!(status, 409, "{v}");
    let again = notice(&id, "25", "USD", "tx-3");
    let (status, v) = notify(&env, &again, &signature(SECRET, &again)).await;
    assert_eq!(status, 409, "{v}");
    let compact = id.compact();
    let stage = env
        .with_store(move |s| s.stage(&compact).unwrap().unwrap())
        .await;
    assert!(stage.paid_at.is_some());

    // The paid code's pages say it is paid.
    let page = page_text(&browser(), &env.url(&format!("/r/{}", id.compact()))).await;
    assert!(page.contains("It is paid"), "{page}");
    let (b, _) = claim(
        &env,
        &format!("/r/{}", id.compact()),
        PATIENT_EMAIL,
        PATIENT_PASSWORD,
    )
    .await;
    let page = page_text(&b, &env.url(&format!("/r/{}/record", id.compact()))).await;
    assert!(page.contains("Paid on Dec 2, 2026. Thank you."), "{page}");
    assert!(!page.contains("overdue"));
}

/// What the second audit found in notices: one clinic's transaction ID
/// blocked another's, an amount past u64 cents overflowed, and nothing was
/// decided for a payment time far ahead or a voided code.
#[tokio::test]
async fn notices_are_per_organization_bounded_and_decided() {
    let env = Env::start().await;
    let t1 = activate(&env).await;
    assert!(org_set(&env, &["--notify-secret", SECRET]).status.success());
    // A second clinic on the same gateway, whose portal numbers alike.
    let hash = razcode_gateway::crypto::hash_password("second-clinic-pw").unwrap();
    env.with_store(move |s| {
        s.add_account(
            razcode_gateway::store::AccountKind::Org,
            "desk@second.test",
            "Second Clinic",
            &hash,
            0,
        )
        .unwrap()
    })
    .await;
    let out = Command::new(GW)
        .args(["org", "set", "--email", "desk@second.test"])
        .args(env.db_args())
        .args(["--notify-secret", SECRET])
        .output()
        .unwrap();
    assert!(out.status.success());
    let p = authorize(
        &env,
        "/platform/activate",
        "http://127.0.0.1:9/callback",
        "desk@second.test",
        "second-clinic-pw",
    )
    .await;
    let t2 = Tokens {
        token: get(&p, "oauth_token").unwrap().into(),
        secret: get(&p, "oauth_token_secret").unwrap().into(),
        org: get(&p, "razcode_org").map(String::from),
    };
    let bill = r#"{"amount":"25.00","currency":"USD"}"#;
    let (first, second) = (billed(&env, &t1, bill).await, billed(&env, &t2, bill).await);
    for id in [&first, &second] {
        let body = notice(id, "25.00", "USD", "portal-0001");
        let (status, v) = notify(&env, &body, &signature(SECRET, &body)).await;
        assert_eq!(status, 200, "each clinic's own transaction: {v}");
    }

    // An amount no bill has is refused, not wrapped around.
    let id = billed(&env, &t1, bill).await;
    let body = notice(&id, "184467440737095517", "USD", "portal-0002");
    let (status, v) = notify(&env, &body, &signature(SECRET, &body)).await;
    assert_eq!(status, 422, "{v}");
    // A payment time more than a day ahead of the gateway's clock.
    let ahead = body
        .replace("184467440737095517", "25.00")
        .replace("2026-12-02T10:15:00Z", "2999-01-01T00:00:00Z");
    let (status, v) = notify(&env, &ahead, &signature(SECRET, &ahead)).await;
    assert_eq!(
        (status, v["error"].as_str()),
        (400, Some("paid_at is in the future"))
    );

    // A voided code's notice is recorded: the money was taken.
    let (status, a) = stage(&env, &t1, "/gateway/void", &[("raz_id", &id.compact())]).await;
    assert_eq!(status, 200, "{a:?}");
    let body = notice(&id, "25.00", "USD", "portal-0003");
    let (status, v) = notify(&env, &body, &signature(SECRET, &body)).await;
    assert_eq!(status, 200, "{v}");
    let (_, a) = stage(&env, &t1, "/gateway/status", &[("raz_id", &id.grouped())]).await;
    assert_eq!(get(&a, "paid_at"), Some("2026-12-02T10:15:00Z"), "{a:?}");
}
