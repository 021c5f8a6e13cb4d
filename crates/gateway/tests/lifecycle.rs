//! Protocol v1.1 over HTTP: a code's state (issued, claimed, expired, voided),
//! void and what it withdraws, who may ask, and the idempotency rule.

mod common;
use common::*;
use razcode_protocol::RazId;

async fn call(
    env: &Env,
    t: &Tokens,
    path: &str,
    params: &[(&str, &str)],
) -> (u16, Vec<(String, String)>) {
    stage(env, t, path, params).await
}

#[tokio::test]
async fn status_follows_a_code_from_issued_to_claimed_and_expired() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let id = staged(&env, &t, None).await;
    let (status, a) = status_of(&env, &t, &id).await;
    assert_eq!(status, 200, "{a:?}");
    assert_eq!(get(&a, "ACK"), Some("Success"));
    assert_eq!(get(&a, "raz_id"), Some(id.grouped().as_str()));
    assert_eq!(get(&a, "state"), Some("issued"));
    let expires = get(&a, "expires").unwrap();
    // RFC 3339 in UTC: 2026-12-31T10:00:00Z.
    let b = expires.as_bytes();
    assert!(
        b.len() == 20 && b[4] == b'-' && b[10] == b'T' && b[19] == b'Z',
        "{expires}"
    );
    assert_eq!(get(&a, "claimed_at"), None);

    // The patient claims it.
    let (_, r) = claim(
        &env,
        &format!("/r/{}", id.compact()),
        PATIENT_EMAIL,
        PATIENT_PASSWORD,
    )
    .await;
    assert_eq!(r.status(), 303);
    let (_, a) = status_of(&env, &t, &id).await;
    assert_eq!(get(&a, "state"), Some("claimed"));
    assert!(get(&a, "claimed_at").is_some(), "{a:?}");

    // An unclaimed code expires after 30 days (the test clock).
    let unclaimed = staged(&env, &t, None).await;
    env.gw.clock.advance(30 * 86_400 + 1);
    let (_, a) = status_of(&env, &t, &unclaimed).await;
    assert_eq!(get(&a, "state"), Some("expired"));
    // A claimed code stays claimed.
    let (_, a) = status_of(&env, &t, &id).await;
    assert_eq!(get(&a, "state"), Some("claimed"));
}

#[tokio::test]
async fn void_withdraws_every_page_download_and_image_of_a_claimed_code() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let id = staged(&env, &t, None).await;
    let (b, r) = claim(
        &env,
        &format!("/r/{}", id.compact()),
        PATIENT_EMAIL,
        PATIENT_PASSWORD,
    )
    .await;
    assert_eq!(r.status(), 303);
    let record = env.url(&format!("/r/{}/record", id.compact()));
    assert_eq!(b.get(&record).send().await.unwrap().status(), 200);

    let (status, a) = call(
        &env,
        &t,
        "/gateway/void",
        &[
            ("raz_id", &id.compact()),
            ("reason", "handed to the wrong patient"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{a:?}");
    assert_eq!(get(&a, "state"), Some("voided"));
    let voided_at = get(&a, "voided_at").unwrap().to_string();
    // The disclosure is on record: the claim stays in the state.
    assert!(get(&a, "claimed_at").is_some(), "{a:?}");

    for path in ["", "/record", "/download"] {
        let r = b
            .get(env.url(&format!("/r/{}{path}", id.compact())))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 410, "{path}");
        let text = r.text().await.unwrap();
        assert!(text.contains("withdrew"), "{path}: {text}");
        assert!(!text.contains("118/76"), "{path} still shows the record");
    }
    let image = env.url(&format!("/tag/{}.jpg", id.compact()));
    let r = env.http.get(&image).send().await.unwrap();
    assert_eq!(r.status(), 410);
    assert_ne!(
        r.headers().get("content-type").unwrap().to_str().unwrap(),
        "image/jpeg"
    );
    // Typing the code in is refused too.
    let r = browser()
        .post(env.url("/r"))
        .form(&[("code", id.grouped().as_str())])
        .send()
        .await
        .unwrap();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    if let Some(l) = location {
        let r = browser().get(env.url(&l)).send().await.unwrap();
        assert_eq!(r.status(), 410);
    } else {
        assert_eq!(r.status(), 410);
    }

    // The record itself is erased at once.
    let compact = id.compact();
    let stage = env
        .with_store(move |s| s.stage(&compact).unwrap().unwrap())
        .await;
    assert!(stage.her.is_empty());
    assert_eq!(
        stage.void_reason.as_deref(),
        Some("handed to the wrong patient")
    );

    // Voiding again succeeds and keeps the first time.
    let (status, a) = call(&env, &t, "/gateway/void", &[("raz_id", &id.compact())]).await;
    assert_eq!(status, 200);
    assert_eq!(get(&a, "voided_at"), Some(voided_at.as_str()));
    let (_, a) = status_of(&env, &t, &id).await;
    assert_eq!(get(&a, "state"), Some("voided"));
}

#[tokio::test]
async fn another_practice_is_answered_exactly_as_for_an_unknown_code() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let other = other_practice(&env).await;
    let id = staged(&env, &t, None).await;
    let unknown = RazId::generate().unwrap();
    for path in ["/gateway/status", "/gateway/void"] {
        let theirs = call(&env, &other, path, &[("raz_id", &id.grouped())]).await;
        let none = call(&env, &t, path, &[("raz_id", &unknown.grouped())]).await;
        assert_eq!(theirs.0, 404, "{path}: {theirs:?}");
        assert_eq!(get(&theirs.1, "errorcode"), Some("raz_id_unknown"));
        assert_eq!(theirs, none, "{path}");
    }
    // The other practice's void changed nothing.
    let (_, a) = status_of(&env, &t, &id).await;
    assert_eq!(get(&a, "state"), Some("issued"));
    // Unsigned, it is an OAuth failure, not a state.
    let r = env
        .http
        .post(env.url("/gateway/status"))
        .form(&[("raz_id", id.compact())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn a_repeated_key_answers_the_same_code_only_for_the_same_request() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let patient = link_patient(&env, PATIENT_EMAIL, PATIENT_PASSWORD).await;
    let key = ("razcode_idempotency_key", "visit-42");
    let her = ("her", "bp=118/76p64");
    let (status, first) = call(&env, &t, "/gateway/stage/url", &[her, key]).await;
    assert_eq!(status, 200, "{first:?}");
    let (_, again) = call(&env, &t, "/gateway/stage/url", &[her, key]).await;
    assert_eq!(get(&again, "raz_id"), get(&first, "raz_id"));

    // Staff bind it to the patient, or add a bill, or change the record: a
    // repeat under the same key gets no code.
    let pmt = r#"{"amount":"25.00","currency":"USD"}"#;
    for changed in [
        vec![her, key, ("user", patient.as_str())],
        vec![her, key, ("pmt", pmt)],
        vec![("her", "bp=120/80p64"), key],
    ] {
        let (status, a) = call(&env, &t, "/gateway/stage/url", &changed).await;
        assert_eq!(status, 409, "{changed:?}: {a:?}");
        assert_eq!(get(&a, "ACK"), Some("Failure"));
        assert_eq!(get(&a, "errorcode"), Some("idempotency_conflict"));
        assert_eq!(get(&a, "raz_id"), None);
    }
    // Another practice of the same consumer with the same key: a conflict too.
    let other = other_practice(&env).await;
    let (status, a) = call(&env, &other, "/gateway/stage/url", &[her, key]).await;
    assert_eq!(
        (status, get(&a, "errorcode")),
        (409, Some("idempotency_conflict"))
    );
}
