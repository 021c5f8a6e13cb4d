//! Several gateway processes on one PostgreSQL database behave as one gateway.
//! Needs the throwaway cluster of `scripts/with-postgres.sh` (the README's test
//! command runs every test beside one).

mod common;

use common::*;
use razcode_gateway::store::Target;
use std::sync::Arc;

async fn status_on(env: &Env, base: &str, t: &Tokens, code: &str) -> Option<String> {
    env.use_instance(Some(base));
    let (_, a) = stage(env, t, "/gateway/status", &[("raz_id", code)]).await;
    get(&a, "state").map(str::to_string)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_database_are_one_gateway() {
    let dir = tempfile::tempdir().unwrap();
    let db = Target::Postgres(new_postgres_database());
    let key = dir.path().join("gateway.key");
    // The in-process gateway seeds the consumer and accounts; the two
    // processes serve.
    let env = Env::start_on(dir, db, key, |_| {}).await;
    let a = Instance::start(&env.db_args());
    let mut b = Instance::start(&env.db_args());

    // Activation started on A, approved and exchanged on B.
    env.use_instance(Some(&a.base));
    let temp = request_token(&env, "http://127.0.0.1:9/callback").await;
    env.use_instance(Some(&b.base));
    let fields = [
        ("email", ORG_EMAIL),
        ("password", ORG_PASSWORD),
        ("action", "approve"),
    ];
    let r = approve(&env, "/platform/activate", &temp.token, &fields).await;
    let verifier = verifier_from(&r);
    let r = exchange(&env, &temp, &verifier).await;
    assert_eq!(r.status(), 200);
    let p = pairs(&r.text().await.unwrap());
    let t = Tokens {
        token: get(&p, "oauth_token").unwrap().into(),
        secret: get(&p, "oauth_token_secret").unwrap().into(),
        org: get(&p, "razcode_org").map(String::from),
    };
    // The temporary credentials were exchanged once, for both.
    env.use_instance(Some(&a.base));
    assert_eq!(exchange(&env, &temp, &verifier).await.status(), 401);

    // Stages spread over both; each code is known to the other.
    let mut codes = Vec::new();
    for i in 0..6 {
        let (here, there) = if i % 2 == 0 { (&a, &b) } else { (&b, &a) };
        env.use_instance(Some(&here.base));
        let id = staged(&env, &t, None).await;
        assert_eq!(
            status_on(&env, &there.base, &t, &id.compact())
                .await
                .as_deref(),
            Some("issued")
        );
        codes.push(id);
    }

    // A request replayed to the other instance is refused there.
    let stamp = now();
    let nonce = "one-nonce-for-two-instances";
    env.use_instance(Some(&a.base));
    let first = stage_with_nonce(&env, &t, "wt=70", nonce, stamp).await;
    assert_eq!(get(&first, "ACK"), Some("Success"), "{first:?}");
    env.use_instance(Some(&b.base));
    let again = stage_with_nonce(&env, &t, "wt=70", nonce, stamp).await;
    assert_eq!(get(&again, "errorcode"), Some("nonce_reused"), "{again:?}");

    // An idempotency key repeated on the other answers the same code.
    env.use_instance(Some(&a.base));
    let key = [("her", "wt=71"), ("razcode_idempotency_key", "visit-77")];
    let (_, one) = stage(&env, &t, "/gateway/stage", &key).await;
    env.use_instance(Some(&b.base));
    let (_, two) = stage(&env, &t, "/gateway/stage", &key).await;
    assert!(get(&one, "raz_id").is_some(), "{one:?}");
    assert_eq!(get(&one, "raz_id"), get(&two, "raz_id"));

    // A code is claimed once, whichever instance each patient reaches.
    let path = format!("/r/{}", codes[0].compact());
    env.use_instance(Some(&a.base));
    let (_, r) = claim(&env, &path, PATIENT_EMAIL, PATIENT_PASSWORD).await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        status_on(&env, &b.base, &t, &codes[0].compact())
            .await
            .as_deref(),
        Some("claimed")
    );

    // Wrong passwords count on both: the lockout (5) is shared.
    for (i, base) in [&a.base, &b.base, &a.base, &b.base, &a.base]
        .into_iter()
        .enumerate()
    {
        env.use_instance(Some(base));
        let temp = request_token(&env, "oob").await;
        let fields = [
            ("email", ORG_EMAIL),
            ("password", "wrong-password-0"),
            ("action", "approve"),
        ];
        let r = approve(&env, "/platform/activate", &temp.token, &fields).await;
        assert_ne!(r.status(), 303, "wrong password {i} approved");
    }
    env.use_instance(Some(&b.base));
    let temp = request_token(&env, "oob").await;
    let r = approve(&env, "/platform/activate", &temp.token, &fields).await;
    let page = r.text().await.unwrap();
    assert!(
        page.contains("locked") || page.contains("Too many"),
        "the right password during the lock: {page}"
    );

    // B killed (SIGKILL) while stages are under way: every code it answered
    // with ACK=Success is there for A.
    let answered = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut load = Vec::new();
    for worker in 0..8 {
        let answered = answered.clone();
        let (http, consumer) = (env.http.clone(), env.consumer.clone());
        let (token, secret) = (t.token.clone(), t.secret.clone());
        let url = format!("{}/gateway/stage", b.base);
        load.push(tokio::spawn(async move {
            for n in 0.. {
                let her = format!("wt={}.{worker}", 60 + n % 30);
                let sent = signed_request(
                    &http,
                    &url,
                    oauth1_request::Credentials::new(&consumer.0, &consumer.1),
                    Some((&token, &secret)),
                    &[("her", &her)],
                    None,
                    |_| {},
                )
                .send()
                .await;
                let Ok(r) = sent else { break };
                let Ok(body) = r.text().await else { break };
                let p = pairs(&body);
                if get(&p, "ACK") == Some("Success") {
                    answered
                        .lock()
                        .unwrap()
                        .push(get(&p, "raz_id").unwrap().to_string());
                }
            }
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    b.child.kill().unwrap();
    b.child.wait().unwrap();
    for l in load {
        l.await.unwrap();
    }
    let answered = answered.lock().unwrap().clone();
    assert!(
        answered.len() >= 10,
        "only {} stages before the kill",
        answered.len()
    );
    for code in &answered {
        assert_eq!(
            status_on(&env, &a.base, &t, code).await.as_deref(),
            Some("issued"),
            "{code} was answered ACK=Success by the killed instance"
        );
    }
    // And redeemable there: the last one is claimed through A.
    let last = razcode_protocol::RazId::parse(answered.last().unwrap()).unwrap();
    env.use_instance(Some(&a.base));
    let (b2, r) = claim(
        &env,
        &format!("/r/{}", last.compact()),
        PATIENT_EMAIL,
        PATIENT_PASSWORD,
    )
    .await;
    assert_eq!(r.status(), 303);
    let page = page_text(&b2, &env.url(&format!("/r/{}/record", last.compact()))).await;
    assert!(page.contains("Weight") || page.contains("wt"), "{page}");
}

/// A burst of wrong SMART Health Link passcodes spread over two instances
/// shares one budget of ten checks: the reservation is one statement in the
/// shared database, not a read in each process.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_passcode_burst_over_two_instances_shares_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let db = Target::Postgres(new_postgres_database());
    let key = dir.path().join("gateway.key");
    let env = Env::start_on(dir, db, key, |_| {}).await;
    let a = Instance::start(&env.db_args());
    let b = Instance::start(&env.db_args());
    let t = activate(&env).await;
    let her = fixture("ccr/examples/minimal_clinic_encounter.xml");
    let params = [
        ("her", her.as_str()),
        ("razcode_shl", "1"),
        ("razcode_shl_passcode", "482913"),
    ];
    let (status, answer) = stage(&env, &t, "/gateway/stage/url", &params).await;
    assert_eq!(status, 200, "{answer:?}");
    let link = razcode_protocol::shl::Payload::decode(get(&answer, "shl").unwrap()).unwrap();
    let path = &link.url[link.url.find("/shl/").unwrap()..];
    let mut set = tokio::task::JoinSet::new();
    for i in 0..100 {
        let url = format!("{}{path}", if i % 2 == 0 { &a.base } else { &b.base });
        let http = env.http.clone();
        set.spawn(async move {
            let body = serde_json::json!({"recipient": "App", "passcode": "000000"});
            http.post(&url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    }
    let got = set.join_all().await;
    let checked = got.iter().filter(|&&s| s == 401).count();
    let spent = got.iter().filter(|&&s| s == 404).count();
    assert_eq!((checked, spent), (10, 90), "{got:?}");
}

/// v1.2: one reserved ID staged on two instances at the same moment is issued
/// once. With two different records, one stage gets it and the other is
/// refused; with the same record (a desk's retry reaching the other
/// instance), both are answered with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reserved_id_staged_on_two_instances_at_once_is_issued_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = Target::Postgres(new_postgres_database());
    let key = dir.path().join("gateway.key");
    let env = Env::start_on(dir, db, key, |_| {}).await;
    let t = activate(&env).await;
    let a = Instance::start(&env.db_args());
    let b = Instance::start(&env.db_args());
    let stage_at = |base: &str, her: String, id: String| {
        let url = format!("{base}/gateway/stage/url");
        let (env, t) = (&env, &t);
        async move {
            let r = signed_post(
                &env.http,
                &url,
                env.client(),
                Some((&t.token, &t.secret)),
                &[("her", &her), ("razcode_reserved_id", &id)],
                None,
                |_| {},
            )
            .await;
            let status = r.status().as_u16();
            (status, pairs(&r.text().await.unwrap()))
        }
    };
    env.use_instance(Some(&a.base));
    let url = env.url("/gateway/reserve");
    let body = signed_post(
        &env.http,
        &url,
        env.client(),
        Some((&t.token, &t.secret)),
        &[("count", "20")],
        None,
        |_| {},
    )
    .await
    .bytes()
    .await
    .unwrap();
    let ids = razcode_protocol::ReserveAnswer::decode(Some("application/json"), &body)
        .unwrap()
        .unwrap();
    assert_eq!(ids.len(), 20);
    for (round, code) in ids.iter().enumerate() {
        let same = round % 2 == 1;
        let her_a = format!("wt=70.{round}");
        let her_b = if same {
            her_a.clone()
        } else {
            format!("wt=71.{round}")
        };
        let (on_a, on_b) = tokio::join!(
            stage_at(&a.base, her_a, code.raz_id.clone()),
            stage_at(&b.base, her_b, code.raz_id.clone())
        );
        let issued: Vec<_> = [&on_a, &on_b]
            .into_iter()
            .filter(|(s, _)| *s == 200)
            .collect();
        for (_, p) in &issued {
            assert_eq!(get(p, "raz_id"), Some(code.raz_id.as_str()), "{p:?}");
        }
        if same {
            assert_eq!(issued.len(), 2, "round {round}: {on_a:?} {on_b:?}");
        } else {
            assert_eq!(issued.len(), 1, "round {round}: {on_a:?} {on_b:?}");
            let refused = if on_a.0 == 200 { &on_b } else { &on_a };
            assert_eq!(
                (refused.0, get(&refused.1, "errorcode")),
                (409, Some("reserved_id_invalid")),
                "round {round}"
            );
        }
        assert_eq!(
            status_on(&env, &b.base, &t, &code.raz_id).await.as_deref(),
            Some("issued")
        );
    }
}

/// The audit log is one chain for every instance: stages sent to two
/// processes at once (each writing in groups), statuses and page openings
/// beside them, and `audit verify` finds every entry in one unbroken
/// sequence; a row changed with psql is then named.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_audit_log_is_one_chain_across_instances() {
    let dir = tempfile::tempdir().unwrap();
    let db = Target::Postgres(new_postgres_database());
    let key = dir.path().join("gateway.key");
    let env = Env::start_on(dir, db, key, |_| {}).await;
    let t = activate(&env).await;
    let a = Instance::start(&env.db_args());
    let b = Instance::start(&env.db_args());
    let stage_at = |base: String, her: String| {
        let url = format!("{base}/gateway/stage/url");
        let (env, t) = (&env, &t);
        async move {
            let r = signed_post(
                &env.http,
                &url,
                env.client(),
                Some((&t.token, &t.secret)),
                &[("her", &her)],
                None,
                |_| {},
            )
            .await;
            assert_eq!(r.status(), 200);
            let p = pairs(&r.text().await.unwrap());
            let id = get(&p, "raz_id").unwrap().to_string();
            let page = env
                .http
                .get(format!("{base}/r/{}", id.replace('-', "")))
                .send()
                .await
                .unwrap();
            assert_eq!(page.status(), 200);
            id
        }
    };
    let mut sent = Vec::new();
    for i in 0..40 {
        let base = if i % 2 == 0 { &a.base } else { &b.base };
        sent.push(stage_at(base.clone(), format!("wt=70.{i}")));
    }
    let ids = futures_util::future::join_all(sent).await;
    assert_eq!(ids.len(), 40);
    for (i, id) in ids.iter().enumerate().take(10) {
        let base = if i % 2 == 0 { &b.base } else { &a.base };
        assert_eq!(
            status_on(&env, base, &t, id).await.as_deref(),
            Some("issued")
        );
    }
    let verify = |env: &Env| {
        std::process::Command::new(env!("CARGO_BIN_EXE_razcode-gateway"))
            .args(["audit", "verify"])
            .args(env.db_args())
            .output()
            .unwrap()
    };
    let out = verify(&env);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("entries=90"),
        "40 stages, 40 pages, 10 statuses in one chain: {text}"
    );
    let url = match &env.db {
        Target::Postgres(url) => url.clone(),
        Target::Sqlite(_) => unreachable!("a PostgreSQL test"),
    };
    let psql = std::process::Command::new("psql")
        .args([
            url.as_str(),
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            "UPDATE audit_log SET at = at + 1 WHERE seq = 45",
        ])
        .output()
        .unwrap();
    assert!(
        psql.status.success(),
        "{}",
        String::from_utf8_lossy(&psql.stderr)
    );
    let out = verify(&env);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("entry=45"));
}
