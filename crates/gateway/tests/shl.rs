//! SMART Health Links at the gateway (v1.1 `razcode_shl=1`): the link in the
//! stage's answer, its manifest, the file opened with an independent JOSE
//! implementation (jwcrypto) and validated as FHIR R4 by fhir.resources, the
//! passcode and its lifetime limit, and 404 once the code is voided or expired.

use razcode_testkit::checkers;
mod common;
use common::*;
use razcode_protocol::shl::Payload;
use razcode_protocol::RazId;
use serde_json::{json, Value};

const VISIT: &str = "ccr/examples/minimal_clinic_encounter.xml";

async fn stage_with_link(
    env: &Env,
    t: &Tokens,
    extra: &[(&str, &str)],
) -> (RazId, Payload, String) {
    let her = fixture(VISIT);
    let mut params = vec![("her", her.as_str()), ("razcode_shl", "1")];
    params.extend_from_slice(extra);
    let (status, a) = stage(env, t, "/gateway/stage/url", &params).await;
    assert_eq!(status, 200, "{a:?}");
    let link = get(&a, "shl").expect("the answer carries shl").to_string();
    let p = Payload::decode(&link).unwrap();
    (RazId::parse(get(&a, "raz_id").unwrap()).unwrap(), p, link)
}

async fn manifest(env: &Env, p: &Payload, body: Value) -> (u16, Value) {
    let r = env.http.post(&p.url).json(&body).send().await.unwrap();
    let status = r.status().as_u16();
    let cors = r
        .headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_string());
    let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    if status == 200 {
        assert_eq!(
            cors.as_deref(),
            Some("*"),
            "apps in browsers read manifests"
        );
    }
    (status, v)
}

#[tokio::test]
async fn a_link_opens_with_jwcrypto_to_a_valid_fhir_bundle_of_the_visit() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let (id, p, link) = stage_with_link(&env, &t, &[]).await;
    assert!(link.starts_with("shlink:/"));
    assert_eq!(p.key.len(), 43);
    assert_eq!(p.v, Some(1));
    assert_eq!(p.flag, None);
    assert!(p.url.starts_with(&env.url("/shl/")), "{}", p.url);
    assert!(
        p.url.rsplit('/').next().unwrap().len() >= 43,
        "256-bit manifest URL"
    );
    assert!(
        p.label.as_deref().unwrap().contains("2024-03-05"),
        "{:?}",
        p.label
    );
    assert!(p.label.as_deref().unwrap().chars().count() <= 80);
    let exp = p.exp.unwrap();
    assert!(
        (exp - now() - 30 * 86_400).abs() < 120,
        "exp is the code's expiry"
    );

    // The gateway keeps only the encrypted file: the key is nowhere in its database.
    let db = env.db.clone();
    let at_rest = blocking(move || bytes_at_rest(&db)).await;
    assert!(!holds(&at_rest, p.key.as_bytes()), "the key is stored");

    let (status, m) = manifest(&env, &p, json!({"recipient": "Test app"})).await;
    assert_eq!(status, 200, "{m}");
    let file = &m["files"][0];
    assert_eq!(file["contentType"], "application/fhir+json");
    let jwe = file["embedded"].as_str().unwrap();
    let (plain, header) = checkers::jwe_open(&p.key, jwe).unwrap();
    assert_eq!(header["alg"], "dir");
    assert_eq!(header["enc"], "A256GCM");
    let bundle: Value = serde_json::from_slice(&plain).unwrap();
    checkers::validate_fhir(&[("shl".into(), bundle.clone())]).unwrap();
    let patient = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .find(|r| r["resourceType"] == "Patient")
        .unwrap();
    let ccr = razcode_her::ccr::read(&fixture(VISIT)).unwrap();
    assert_eq!(
        patient["name"][0]["family"],
        ccr.patient.family.unwrap().as_str()
    );

    // An app that takes files by address gets one that works for an hour.
    let (status, m) = manifest(
        &env,
        &p,
        json!({"recipient": "Small app", "embeddedLengthMax": 10}),
    )
    .await;
    assert_eq!(status, 200);
    let loc = m["files"][0]["location"].as_str().unwrap();
    let r = env.http.get(loc).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let (plain2, _) = checkers::jwe_open(&p.key, &r.text().await.unwrap()).unwrap();
    assert_eq!(plain2, plain);

    // Who is asking is required, as the specification says.
    let (status, _) = manifest(&env, &p, json!({})).await;
    assert_eq!(status, 400);

    // Voided: the manifest and the file address are gone.
    let (status, a) = stage(&env, &t, "/gateway/void", &[("raz_id", &id.grouped())]).await;
    assert_eq!(status, 200, "{a:?}");
    let (status, _) = manifest(&env, &p, json!({"recipient": "Test app"})).await;
    assert_eq!(status, 404);
    assert_eq!(env.http.get(loc).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn a_passcode_is_checked_with_a_lifetime_limit_of_wrong_guesses() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let (_, p, _) = stage_with_link(&env, &t, &[("razcode_shl_passcode", "482913")]).await;
    assert_eq!(p.flag.as_deref(), Some("P"));
    let (status, m) = manifest(&env, &p, json!({"recipient": "App"})).await;
    assert_eq!(status, 401);
    assert_eq!(m["remainingAttempts"], 9);
    let (status, m) = manifest(&env, &p, json!({"recipient": "App", "passcode": "000000"})).await;
    assert_eq!(status, 401);
    assert_eq!(m["remainingAttempts"], 8);
    let (status, m) = manifest(&env, &p, json!({"recipient": "App", "passcode": "482913"})).await;
    assert_eq!(status, 200, "{m}");
    for left in (0..8).rev() {
        let (status, m) =
            manifest(&env, &p, json!({"recipient": "App", "passcode": "111111"})).await;
        assert_eq!((status, m["remainingAttempts"].as_i64()), (401, Some(left)));
    }
    // Spent: even the right passcode no longer opens it.
    let (status, _) = manifest(&env, &p, json!({"recipient": "App", "passcode": "482913"})).await;
    assert_eq!(status, 404);
}

/// Posts `bodies` to the link's manifest all at once; the statuses, in order.
async fn burst(env: &Env, p: &Payload, bodies: Vec<Value>) -> Vec<u16> {
    let mut set = tokio::task::JoinSet::new();
    for (i, body) in bodies.into_iter().enumerate() {
        let (http, url) = (env.http.clone(), p.url.clone());
        set.spawn(async move {
            let r = http.post(&url).json(&body).send().await.unwrap();
            (i, r.status().as_u16())
        });
    }
    let mut out = set.join_all().await;
    out.sort();
    out.into_iter().map(|(_, s)| s).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_guesses_shares_the_limit_of_ten() {
    // A hundred connections from one address, above one client's default share.
    let dir = tempfile::tempdir().unwrap();
    let env = Env::start_configured(dir, |c| c.limits.per_client = 128).await;
    let t = activate(&env).await;
    // 100 wrong passcodes at once: ten are checked, the rest find the link spent.
    let (_, p, _) = stage_with_link(&env, &t, &[("razcode_shl_passcode", "482913")]).await;
    let wrong = json!({"recipient": "App", "passcode": "000000"});
    let got = burst(&env, &p, vec![wrong.clone(); 100]).await;
    let count = |s: u16| got.iter().filter(|&&g| g == s).count();
    assert_eq!((count(401), count(404)), (10, 90), "{got:?}");
    let (status, _) = manifest(&env, &p, json!({"recipient": "App", "passcode": "482913"})).await;
    assert_eq!(status, 404, "spent by the burst");

    // The right passcode inside a burst of wrong ones: wrong ones are checked
    // ten times at most, and the right one opens the file only if it was
    // checked within the budget (it gives its attempt back).
    let (_, p, _) = stage_with_link(&env, &t, &[("razcode_shl_passcode", "482913")]).await;
    let mut bodies = vec![wrong; 100];
    bodies.insert(50, json!({"recipient": "App", "passcode": "482913"}));
    let got = burst(&env, &p, bodies).await;
    let wrong_checked = got.iter().filter(|&&g| g == 401).count();
    // Ten checks in all: ten wrong ones, or nine and the right one, which
    // may give its attempt back after the other guesses were refused.
    match (wrong_checked, got[50]) {
        (10, 200 | 404) => {
            let (status, _) =
                manifest(&env, &p, json!({"recipient": "App", "passcode": "1"})).await;
            assert_eq!(status, 404, "spent by the burst");
        }
        (9, 200) => {
            let (status, m) =
                manifest(&env, &p, json!({"recipient": "App", "passcode": "1"})).await;
            assert_eq!((status, m["remainingAttempts"].as_i64()), (401, Some(0)));
        }
        other => panic!("{other:?} checked: {got:?}"),
    }
}

#[tokio::test]
async fn an_expired_code_has_no_manifest_and_a_repeat_makes_a_new_key() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let key = [("razcode_idempotency_key", "visit-1")];
    let (id1, p1, _) = stage_with_link(&env, &t, &key).await;
    let (id2, p2, _) = stage_with_link(&env, &t, &key).await;
    assert_eq!(id1, id2, "the same code for a repeat");
    assert_ne!(
        p1.key, p2.key,
        "a repeat gets a new key: the first was never kept"
    );
    assert_eq!(manifest(&env, &p1, json!({"recipient": "A"})).await.0, 404);
    assert_eq!(manifest(&env, &p2, json!({"recipient": "A"})).await.0, 200);
    // Without razcode_shl there is no link.
    let (status, a) = stage(&env, &t, "/gateway/stage/url", &[("her", "bp=120/80")]).await;
    assert_eq!(status, 200);
    assert_eq!(get(&a, "shl"), None);
    env.gw.clock.advance(30 * 86_400 + 1);
    assert_eq!(manifest(&env, &p2, json!({"recipient": "A"})).await.0, 404);
}

/// The patient's Delete takes the code's SMART Health Link with the record:
/// its manifest and any file address handed out before answer 404.
#[tokio::test]
async fn a_deleted_record_takes_its_link_with_it() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let (id, p, _) = stage_with_link(&env, &t, &[]).await;
    let (status, m) = manifest(
        &env,
        &p,
        json!({"recipient": "App", "embeddedLengthMax": 10}),
    )
    .await;
    assert_eq!(status, 200, "{m}");
    let location = m["files"][0]["location"].as_str().unwrap().to_string();
    assert_eq!(env.http.get(&location).send().await.unwrap().status(), 200);

    let path = format!("/r/{}", id.compact());
    let (b, r) = claim(&env, &path, PATIENT_EMAIL, PATIENT_PASSWORD).await;
    assert_eq!(r.status(), 303);
    assert_eq!(delete_record(&env, &b, &path).await.status(), 303);

    let (status, _) = manifest(&env, &p, json!({"recipient": "App"})).await;
    assert_eq!(status, 404, "the manifest outlived the deleted record");
    assert_eq!(env.http.get(&location).send().await.unwrap().status(), 404);
}
