//! Protocol v1.2 reserved codes over HTTP: reserving, a reserved code's page
//! and status before its stage, a stage that issues it once (the same stage
//! again answers the same; any other is refused), another practice's and
//! lapsed IDs refused. Runs on SQLite and again on PostgreSQL (the README's
//! test command); two instances racing for one ID are in `instances.rs`.

mod common;
use common::*;
use razcode_protocol::{RazId, ReserveAnswer, ReservedCode};
use serde_json::Value;

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
    let r = at_gateway_time(
        env,
        t,
        "/gateway/stage/url",
        &[("her", her), ("razcode_reserved_id", raz_id)],
    )
    .await;
    let status = r.status().as_u16();
    (status, pairs(&r.text().await.unwrap()))
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
