//! Protocol v1.2 reserved codes over HTTP: reserving, a reserved code's page
//! and status before its stage, a stage that issues it once (the same stage
//! again answers the same; any other is refused), another practice's and
//! lapsed IDs refused. Runs on SQLite and again on PostgreSQL (the README's
//! test command); two instances racing for one ID are in `instances.rs`.

mod common;
use common::*;
use razcode_protocol::{RazId, ReserveAnswer, ReservedCode};
use razcode_testkit::checkers;
use serde_json::{json, Value};

/// Reserves `count` (as sent) for the practice, signed at the gateway clock's time.
async fn reserve(env: &Env, t: &Tokens, count: &str) -> Vec<ReservedCode> {
    let r = at_gateway_time(env, t, "/gateway/reserve", &[("count", count)]).await;
    assert_eq!(r.status(), 200);
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    assert_eq!(ct.as_deref(), Some("application/json"), "lists are JSON");
    let body = r.bytes().await.unwrap();
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["ACK"], "Success", "{v}");
    ReserveAnswer::decode(ct.as_deref(), &body)
        .unwrap()
        .expect("a success")
}

/// A stage of `her` under a reserved ID, signed at the gateway clock's time.
async fn stage_reserved(
    env: &Env,
    t: &Tokens,
    her: &str,
    raz_id: &str,
) -> (u16, Vec<(String, String)>) {
    stage_reserved_with(env, t, her, raz_id, &[]).await
}

/// The same, with more parameters.
async fn stage_reserved_with(
    env: &Env,
    t: &Tokens,
    her: &str,
    raz_id: &str,
    extra: &[(&str, &str)],
) -> (u16, Vec<(String, String)>) {
    let mut params = vec![("her", her), ("razcode_reserved_id", raz_id)];
    params.extend_from_slice(extra);
    let r = at_gateway_time(env, t, "/gateway/stage/url", &params).await;
    let status = r.status().as_u16();
    (status, pairs(&r.text().await.unwrap()))
}

/// A manifest request to a link's `url`: its status and JSON.
async fn manifest(env: &Env, url: &str, body: Value) -> (u16, Value) {
    let r = env.http.post(url).json(&body).send().await.unwrap();
    let status = r.status().as_u16();
    (
        status,
        serde_json::from_str(&r.text().await.unwrap()).unwrap(),
    )
}

#[tokio::test]
async fn a_reserved_code_waits_for_its_stage_and_is_issued_once() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let codes = reserve(&env, &t, "3").await;
    assert_eq!(codes.len(), 3);
    let mut ids: Vec<RazId> = codes
        .iter()
        .map(|c| RazId::parse(&c.raz_id).unwrap())
        .collect();
    for (c, id) in codes.iter().zip(&ids) {
        assert_eq!(c.raz_uri, env.url(&format!("/r/{}", id.compact())));
        let until = time::OffsetDateTime::parse(
            &c.reserved_until,
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
        .unix_timestamp();
        assert_eq!(until, env.gw.clock.now() + 30 * 86_400, "{c:?}");
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "three different IDs");
    let id = RazId::parse(&codes[0].raz_id).unwrap();

    // Before the stage: the page says the visit is not here yet, with no
    // form; status says reserved.
    let page = env.http.get(&codes[0].raz_uri).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("has not sent your visit yet"), "{html}");
    assert!(html.contains(&id.grouped()), "{html}");
    assert!(!html.contains("<form"), "no sign-in form: {html}");
    let (status, a) = status_of(&env, &t, &id).await;
    assert_eq!(status, 200, "{a:?}");
    assert_eq!(get(&a, "state"), Some("reserved"));
    // A void has nothing to withdraw yet.
    let (status, a) = stage(&env, &t, "/gateway/void", &[("raz_id", &id.grouped())]).await;
    assert_eq!(
        (status, get(&a, "errorcode")),
        (404, Some("raz_id_unknown"))
    );

    // The stage issues exactly that ID, for 30 days from the stage.
    env.gw.clock.advance(86_400);
    let her = "bp=118/76p64";
    let (status, a) = stage_reserved(&env, &t, her, &codes[0].raz_id).await;
    assert_eq!(status, 200, "{a:?}");
    assert_eq!(get(&a, "raz_id"), Some(id.grouped().as_str()));
    assert_eq!(get(&a, "raz_uri"), Some(codes[0].raz_uri.as_str()));
    let (_, a) = status_of(&env, &t, &id).await;
    assert_eq!(get(&a, "state"), Some("issued"));
    let expires = time::OffsetDateTime::parse(
        get(&a, "expires").unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
    .unix_timestamp();
    assert_eq!(expires, env.gw.clock.now() + 30 * 86_400);
    // Its page is now the code's page.
    let html = env
        .http
        .get(&codes[0].raz_uri)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<form"), "the sign-in form: {html}");

    // The same stage again (a desk that did not hear the answer) is answered
    // as the first; another record under the same ID is refused.
    let (status, a) = stage_reserved(&env, &t, her, &codes[0].raz_id).await;
    assert_eq!(status, 200, "{a:?}");
    assert_eq!(get(&a, "raz_id"), Some(id.grouped().as_str()));
    let (status, a) = stage_reserved(&env, &t, "bp=120/80p60", &codes[0].raz_id).await;
    assert_eq!(
        (status, get(&a, "errorcode")),
        (409, Some("reserved_id_invalid")),
        "{a:?}"
    );
    assert_eq!(get(&a, "raz_id"), None);

    // An ID nobody reserved, and something that is not an ID: refused too.
    let nobody = RazId::generate().unwrap();
    for raw in [nobody.grouped(), "not-a-code".to_string()] {
        let (status, a) = stage_reserved(&env, &t, her, &raw).await;
        assert_eq!(
            (status, get(&a, "errorcode")),
            (409, Some("reserved_id_invalid")),
            "{raw}: {a:?}"
        );
    }
}

#[tokio::test]
async fn a_reserved_code_is_its_practice_s_alone_and_lapses() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let other = other_practice(&env).await;
    let codes = reserve(&env, &t, "2").await;
    let id = RazId::parse(&codes[0].raz_id).unwrap();
    // Another practice can neither stage under it nor ask about it.
    let (status, a) = stage_reserved(&env, &other, "wt=70", &codes[0].raz_id).await;
    assert_eq!(
        (status, get(&a, "errorcode")),
        (409, Some("reserved_id_invalid")),
        "{a:?}"
    );
    let (status, a) = status_of(&env, &other, &id).await;
    assert_eq!(
        (status, get(&a, "errorcode")),
        (404, Some("raz_id_unknown"))
    );
    // Its own practice still can.
    let (status, a) = stage_reserved(&env, &t, "wt=70", &codes[0].raz_id).await;
    assert_eq!(status, 200, "{a:?}");

    // Unused past 30 days, the other lapses: unknown everywhere.
    env.gw.clock.advance(30 * 86_400 + 1);
    let lapsed = RazId::parse(&codes[1].raz_id).unwrap();
    let (status, a) = stage_reserved(&env, &t, "wt=71", &codes[1].raz_id).await;
    assert_eq!(
        (status, get(&a, "errorcode")),
        (409, Some("reserved_id_invalid")),
        "{a:?}"
    );
    let (status, _) = status_of(&env, &t, &lapsed).await;
    assert_eq!(status, 404);
    let page = env.http.get(&codes[1].raz_uri).send().await.unwrap();
    assert_eq!(page.status(), 404);
}

#[tokio::test]
async fn a_count_is_brought_inside_one_to_a_hundred() {
    let env = Env::start().await;
    let t = activate(&env).await;
    assert_eq!(reserve(&env, &t, "0").await.len(), 1);
    assert_eq!(reserve(&env, &t, "many").await.len(), 1);
    assert_eq!(reserve(&env, &t, "250").await.len(), 100);
    // Unsigned, it is an OAuth failure.
    let r = env
        .http
        .post(env.url("/gateway/reserve"))
        .form(&[("count", "3")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn a_reserved_code_keeps_the_link_file_its_desk_made_without_the_key() {
    use razcode_protocol::shl;
    let env = Env::start().await;
    let t = activate(&env).await;
    let codes = reserve(&env, &t, "2").await;
    let urls: Vec<&str> = codes.iter().filter_map(|c| c.shl_url.as_deref()).collect();
    assert_eq!(
        urls.len(),
        2,
        "each reserved code has a manifest: {codes:?}"
    );
    assert_ne!(urls[0], urls[1]);
    assert!(urls[0].starts_with(&env.url("/shl/")), "{}", urls[0]);
    let who = json!({"recipient": "Patient's app"});
    // Before the stage there is no file to give.
    assert_eq!(manifest(&env, urls[0], who.clone()).await.0, 404);

    // The desk made the key and the file; the stage brings the file alone.
    let key = shl::new_key().unwrap();
    let bundle = br#"{"resourceType":"Bundle","type":"collection","entry":[]}"#;
    let file = shl::encrypt(&key, shl::FHIR_JSON, bundle).unwrap();
    let with_file = [
        ("razcode_shl_file", file.as_str()),
        ("razcode_shl_passcode", "246810"),
    ];
    let her = "bp=118/76p64";
    let (status, a) = stage_reserved_with(&env, &t, her, &codes[0].raz_id, &with_file).await;
    assert_eq!(status, 200, "{a:?}");
    assert_eq!(
        get(&a, "shl"),
        None,
        "the gateway has no key to make a link with"
    );
    let (status, m) = manifest(&env, urls[0], who.clone()).await;
    assert_eq!(
        status, 401,
        "the passcode the desk printed is asked for: {m}"
    );
    let (status, m) = manifest(
        &env,
        urls[0],
        json!({"recipient": "Patient's app", "passcode": "246810"}),
    )
    .await;
    assert_eq!(status, 200, "{m}");
    let served = m["files"][0]["embedded"].as_str().expect("embedded");
    assert_eq!(served, file, "kept as sent");
    // Opened by an independent implementation with the desk's key.
    let (plain, header) = checkers::jwe_open(&key, served).unwrap();
    assert_eq!(plain, bundle);
    assert_eq!(header["cty"], shl::FHIR_JSON);
    // The same stage again keeps the link.
    let (status, a) = stage_reserved_with(&env, &t, her, &codes[0].raz_id, &with_file).await;
    assert_eq!(status, 200, "{a:?}");
    let ok = json!({"recipient": "Patient's app", "passcode": "246810"});
    assert_eq!(manifest(&env, urls[0], ok.clone()).await.0, 200);

    // A file that is not a link's JWE: the stage stands, no link is kept.
    let (status, a) = stage_reserved_with(
        &env,
        &t,
        "wt=70",
        &codes[1].raz_id,
        &[("razcode_shl_file", "not.a.jwe")],
    )
    .await;
    assert_eq!(status, 200, "{a:?}");
    assert_eq!(manifest(&env, urls[1], who).await.0, 404);

    // Voided, the link stops with the code.
    let id = RazId::parse(&codes[0].raz_id).unwrap();
    let (status, _) = stage(&env, &t, "/gateway/void", &[("raz_id", &id.grouped())]).await;
    assert_eq!(status, 200);
    assert_eq!(manifest(&env, urls[0], ok).await.0, 404);
}
