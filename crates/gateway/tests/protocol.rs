//! The protocol over real loopback HTTP, signed with `oauth1-request` + `reqwest`.

mod common;
use common::*;
use oauth1_request as oauth;
use razcode_gateway::store::Target;
use razcode_protocol::RazId;

const OMHE: &str = "bp=120/80p60#dt20260101:093000\nwt=70.5k\n";

#[tokio::test]
async fn activation_then_stage_ccr_with_tag_image() {
    let env = Env::start().await;
    let t = activate(&env).await;
    assert_eq!(t.org.as_deref(), Some("Harbor Street Clinic"));
    let ccr = fixture("ccr/examples/minimal_clinic_encounter.xml");
    let (status, a) = stage(&env, &t, "/gateway/stage", &[("her", &ccr)]).await;
    assert_eq!(status, 200, "{a:?}");
    assert_eq!(get(&a, "ACK"), Some("Success"));
    assert_eq!(get(&a, "pmt"), Some("invalid"));
    assert_eq!(get(&a, "raz_uri"), None);
    let id = RazId::parse(get(&a, "raz_id").unwrap()).unwrap();
    assert_eq!(get(&a, "raz_id").unwrap(), id.grouped());
    let image_url = get(&a, "raz_image").unwrap();
    let img = env.http.get(image_url).send().await.unwrap();
    assert_eq!(img.headers()["content-type"], "image/jpeg");
    let bytes = img.bytes().await.unwrap();
    assert_eq!(&bytes[..3], &[0xFF, 0xD8, 0xFF]);
    let decoded =
        razcode_gateway::tag::decode(&image::load_from_memory(&bytes).unwrap().to_rgb8()).unwrap();
    assert_eq!(decoded, id);
}

#[tokio::test]
async fn stage_omhe_url_variant_and_json_answers() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let (status, a) = stage(
        &env,
        &t,
        "/gateway/stage/url",
        &[("her", OMHE), ("unknown_param", "ignored")],
    )
    .await;
    assert_eq!(status, 200, "{a:?}");
    let id = RazId::parse(get(&a, "raz_id").unwrap()).unwrap();
    assert_eq!(
        get(&a, "raz_uri").unwrap(),
        format!("{}/r/{}", env.gw.base_url, id.compact())
    );
    assert_eq!(get(&a, "raz_image"), None);

    let url = env.url("/gateway/stage");
    let r = signed_post(
        &env.http,
        &url,
        env.client(),
        Some((&t.token, &t.secret)),
        &[("her", OMHE)],
        Some("application/json"),
        |_| {},
    )
    .await;
    assert_eq!(r.headers()["content-type"], "application/json");
    let answer =
        razcode_protocol::StageAnswer::decode(Some("application/json"), &r.bytes().await.unwrap())
            .unwrap();
    assert!(matches!(
        answer,
        razcode_protocol::StageAnswer::Success {
            raz_image: Some(_),
            ..
        }
    ));
    let r = signed_post(
        &env.http,
        &url,
        env.client(),
        Some((&t.token, &t.secret)),
        &[],
        Some("application/json"),
        |_| {},
    )
    .await;
    assert_eq!(r.status(), 400);
    let j: serde_json::Value = r.json().await.unwrap();
    assert_eq!(j["ACK"], "Failure");
    assert_eq!(j["errorcode"], "her_missing");
}

#[tokio::test]
async fn record_errors() {
    let env = Env::start().await;
    let t = activate(&env).await;
    for (her, code) in [
        ("", "her_missing"),
        ("  \n\t ", "her_missing"),
        ("bpm=72", "her_invalid"),
        ("bp=120/80\nwt=nan", "her_invalid"),
        (
            "<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\"><Body></ContinuityOfCareRecord>",
            "her_invalid",
        ),
        (
            "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>",
            "her_invalid",
        ),
        ("<ContinuityOfCareRecord/>", "her_invalid"),
    ] {
        let (status, a) = stage(&env, &t, "/gateway/stage", &[("her", her)]).await;
        assert_eq!(
            (status, get(&a, "errorcode")),
            (400, Some(code)),
            "{her:?}: {a:?}"
        );
        assert_eq!(get(&a, "ACK"), Some("Failure"));
        assert!(get(&a, "raz_id").is_none());
        assert!(!get(&a, "errormsg").unwrap().is_empty());
    }
    let (_, a) = stage(&env, &t, "/gateway/stage", &[("her", "bp=120/80\nwt=nan")]).await;
    assert!(get(&a, "errormsg").unwrap().contains("line 2"), "{a:?}");
    let (status, a) = stage(&env, &t, "/gateway/stage", &[]).await;
    assert_eq!((status, get(&a, "errorcode")), (400, Some("her_missing")));
}

/// The consumer is checked from the Authorization header before the body is
/// kept: a stranger's oversized stage is told its consumer is unknown, not
/// that its 4 MiB were too many.
#[tokio::test]
async fn an_unknown_consumer_is_refused_before_its_body_is_read() {
    let env = Env::start().await;
    let her = "x".repeat(4 * 1024 * 1024 + 1);
    let r = signed_post(
        &env.http,
        &env.url("/gateway/stage"),
        oauth::Credentials::new("no-such-consumer", "secret"),
        Some(("no-such-token", "secret")),
        &[("her", her.as_str())],
        None,
        |_| {},
    )
    .await;
    let status = r.status().as_u16();
    let a = pairs(&r.text().await.unwrap());
    assert_eq!(
        (status, get(&a, "errorcode")),
        (401, Some("consumer_unknown")),
        "{a:?}"
    );
}

#[tokio::test]
async fn too_large_is_413_after_reading() {
    let env = Env::start().await;
    let t = activate(&env).await;
    // The whole body, "her=" included, is 4 MiB + 1 byte.
    let her = format!(
        "bp=120/80\nci={}",
        "x".repeat(4 * 1024 * 1024 + 1 - "her=".len() - "bp%3D120%2F80%0Aci%3D".len())
    );
    let (status, a) = stage(&env, &t, "/gateway/stage", &[("her", &her)]).await;
    assert_eq!((status, get(&a, "errorcode")), (413, Some("too_large")));
    // Exactly 4 MiB is read (and refused only for what it holds).
    let her = format!(
        "bp=120/80\nci={}",
        "x".repeat(4 * 1024 * 1024 - "her=".len() - "bp%3D120%2F80%0Aci%3D".len())
    );
    let (status, a) = stage(&env, &t, "/gateway/stage", &[("her", &her)]).await;
    assert_eq!(
        (status, get(&a, "errorcode")),
        (400, Some("her_invalid")),
        "ci is limited to 120 characters"
    );
}

#[tokio::test]
async fn user_bound_codes_and_user_errors() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let user = link_patient(&env, PATIENT_EMAIL, PATIENT_PASSWORD).await;
    let (status, a) = stage(
        &env,
        &t,
        "/gateway/stage",
        &[("her", OMHE), ("user", &user)],
    )
    .await;
    assert_eq!(status, 200, "{a:?}");
    for bad in ["", "not-a-token", &t.token] {
        let (status, a) = stage(&env, &t, "/gateway/stage", &[("her", OMHE), ("user", bad)]).await;
        assert_eq!(
            (status, get(&a, "errorcode")),
            (400, Some("user_invalid")),
            "{bad:?}"
        );
    }
    // A patient token of another consumer.
    let other = env
        .with_store(|store| store.add_consumer("Other desk", 0).unwrap())
        .await;
    let other_env_client =
        oauth1_request::Credentials::new(other.key.as_str(), other.secret.as_str());
    let url = env.url("/request-token.ashx");
    let r = signed_post(&env.http, &url, other_env_client, None, &[], None, |b| {
        b.callback("oob");
    })
    .await;
    let p = pairs(&r.text().await.unwrap());
    let temp = Temp {
        token: get(&p, "oauth_token").unwrap().into(),
        secret: get(&p, "oauth_token_secret").unwrap().into(),
    };
    let r = approve(
        &env,
        "/jibe/authorize",
        &temp.token,
        &[
            ("email", PATIENT_EMAIL),
            ("password", PATIENT_PASSWORD),
            ("action", "approve"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200, "oob shows the verifier");
    let html = r.text().await.unwrap();
    let verifier = html
        .split("class=\"code\" aria-label=\"verification code\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    let r = signed_post(
        &env.http,
        &env.url("/access-token.ashx"),
        other_env_client,
        Some((&temp.token, &temp.secret)),
        &[],
        None,
        |b| {
            b.verifier(verifier.as_str());
        },
    )
    .await;
    assert_eq!(r.status(), 200);
    let foreign = get(&pairs(&r.text().await.unwrap()), "oauth_token")
        .unwrap()
        .to_string();
    let (status, a) = stage(
        &env,
        &t,
        "/gateway/stage",
        &[("her", OMHE), ("user", &foreign)],
    )
    .await;
    assert_eq!((status, get(&a, "errorcode")), (400, Some("user_invalid")));
    // A patient token cannot sign a stage.
    let patient_secret = "x";
    let (status, a) = stage(
        &env,
        &Tokens {
            token: user.clone(),
            secret: patient_secret.into(),
            org: None,
        },
        "/gateway/stage",
        &[("her", OMHE)],
    )
    .await;
    assert_eq!((status, get(&a, "errorcode")), (401, Some("token_unknown")));
}

#[tokio::test]
async fn payment_requests() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let valid = r#"{"amount":"25.00","currency":"USD","description":"Office visit","reference":"INV-1","due_date":"2026-12-31"}"#;
    let (status, a) = stage(&env, &t, "/gateway/stage", &[("her", OMHE), ("pmt", valid)]).await;
    assert_eq!((status, get(&a, "pmt")), (200, Some("valid")));
    let invalid = [
        r#"{"amount":"25.00"}"#,
        r#"{"currency":"USD"}"#,
        r#"{"amount":25,"currency":"USD"}"#,
        r#"{"amount":"0","currency":"USD"}"#,
        r#"{"amount":"-1","currency":"USD"}"#,
        r#"{"amount":"1e2","currency":"USD"}"#,
        r#"{"amount":"1.234","currency":"USD"}"#,
        r#"{"amount":"1000000.00","currency":"USD"}"#,
        r#"{"amount":"1","currency":"usd"}"#,
        r#"{"amount":"1","currency":"ZZZ"}"#,
        r#"{"amount":"1","currency":"USD","description":""}"#,
        r#"{"amount":"1","currency":"USD","reference":"é"}"#,
        r#"{"amount":"1","currency":"USD","due_date":"2026-02-30"}"#,
        r#"{"amount":"1","currency":"USD","tip":"1"}"#,
        r#"{"amount":"1","currency":"USD","currency":"EUR"}"#,
        r#"{"amount":"1","currency":"USD""#,
        "not json",
    ];
    for pmt in invalid {
        let (status, a) = stage(&env, &t, "/gateway/stage", &[("her", OMHE), ("pmt", pmt)]).await;
        assert_eq!(
            (status, get(&a, "ACK"), get(&a, "pmt")),
            (200, Some("Success"), Some("invalid")),
            "{pmt}"
        );
    }
    let long = format!(
        r#"{{"amount":"1","currency":"USD","description":"{}"}}"#,
        "d".repeat(141)
    );
    let (_, a) = stage(&env, &t, "/gateway/stage", &[("her", OMHE), ("pmt", &long)]).await;
    assert_eq!(get(&a, "pmt"), Some("invalid"));
}

#[tokio::test]
async fn oauth_refusals() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let url = env.url("/gateway/stage");
    let send = |auth: Option<String>| {
        let mut r = env
            .http
            .post(&url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("her=bp%3D120%2F80");
        if let Some(a) = auth {
            r = r.header("Authorization", a);
        }
        r.send()
    };
    // No credentials at all.
    let r = send(None).await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "OAuth");
    assert_eq!(
        get(&pairs(&r.text().await.unwrap()), "errorcode"),
        Some("consumer_unknown")
    );
    // Unknown consumer.
    let stranger = oauth1_request::Credentials::new("nobody", "nothing");
    let r = signed_post(
        &env.http,
        &url,
        stranger,
        Some((&t.token, &t.secret)),
        &[("her", OMHE)],
        None,
        |_| {},
    )
    .await;
    assert_eq!(
        (
            r.status().as_u16(),
            get(&pairs(&r.text().await.unwrap()), "errorcode").map(String::from)
        ),
        (401, Some("consumer_unknown".into()))
    );
    // Unknown token; wrong secret.
    let (s, a) = stage(
        &env,
        &Tokens {
            token: "unknown".into(),
            secret: t.secret.clone(),
            org: None,
        },
        "/gateway/stage",
        &[("her", OMHE)],
    )
    .await;
    assert_eq!((s, get(&a, "errorcode")), (401, Some("token_unknown")));
    let (s, a) = stage(
        &env,
        &Tokens {
            token: t.token.clone(),
            secret: "wrong".into(),
            org: None,
        },
        "/gateway/stage",
        &[("her", OMHE)],
    )
    .await;
    assert_eq!((s, get(&a, "errorcode")), (401, Some("signature_invalid")));
    // The body changed after signing.
    let builder_auth = {
        let mut b = oauth1_request::Builder::new(env.client(), oauth1_request::HmacSha1::new());
        b.token(oauth1_request::Credentials::new(
            t.token.as_str(),
            t.secret.as_str(),
        ));
        let req =
            oauth1_request::ParameterList::new([("her", &"bp=120/90" as &dyn std::fmt::Display)]);
        b.post(url.as_str(), &req)
    };
    let r = send(Some(builder_auth.clone())).await.unwrap();
    assert_eq!(
        (
            r.status().as_u16(),
            get(&pairs(&r.text().await.unwrap()), "errorcode").map(String::from)
        ),
        (401, Some("signature_invalid".into()))
    );
    // Duplicated and missing oauth_ parameters are 400.
    let dup = builder_auth.replacen("oauth_nonce=", "oauth_nonce=\"x\",oauth_nonce=", 1);
    let r = send(Some(dup)).await.unwrap();
    assert_eq!(
        (
            r.status().as_u16(),
            get(&pairs(&r.text().await.unwrap()), "errorcode").map(String::from)
        ),
        (400, Some("signature_invalid".into()))
    );
    let missing: String = builder_auth
        .split(',')
        .filter(|p| !p.contains("oauth_signature_method"))
        .collect::<Vec<_>>()
        .join(",");
    let r = send(Some(missing)).await.unwrap();
    assert_eq!(
        (
            r.status().as_u16(),
            get(&pairs(&r.text().await.unwrap()), "errorcode").map(String::from)
        ),
        (400, Some("signature_invalid".into()))
    );
    // Unsupported methods: RSA-SHA1 anywhere, PLAINTEXT without TLS.
    for method in ["RSA-SHA1", "PLAINTEXT"] {
        let a = builder_auth.replace("HMAC-SHA1", method);
        let r = send(Some(a)).await.unwrap();
        assert_eq!(
            (
                r.status().as_u16(),
                get(&pairs(&r.text().await.unwrap()), "errorcode").map(String::from)
            ),
            (400, Some("signature_method_unsupported".into())),
            "{method}"
        );
    }
}

#[tokio::test]
async fn hmac_sha256_is_accepted() {
    use base64::Engine;
    use hmac::Mac;
    let env = Env::start().await;
    let t = activate(&env).await;
    let url = env.url("/gateway/stage");
    let ts = now().to_string();
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC)
            .to_string()
            .replace("%2D", "-")
            .replace("%2E", ".")
            .replace("%5F", "_")
            .replace("%7E", "~")
    };
    let mut params = [
        ("her".to_string(), OMHE.to_string()),
        ("oauth_consumer_key".into(), env.consumer.0.clone()),
        ("oauth_nonce".into(), "sha256nonce".into()),
        ("oauth_signature_method".into(), "HMAC-SHA256".into()),
        ("oauth_timestamp".into(), ts.clone()),
        ("oauth_token".into(), t.token.clone()),
    ]
    .map(|(k, v)| (enc(&k), enc(&v)));
    params.sort();
    let norm = params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let base = format!("POST&{}&{}", enc(&url), enc(&norm));
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(
        format!("{}&{}", enc(&env.consumer.1), enc(&t.secret)).as_bytes(),
    )
    .unwrap();
    mac.update(base.as_bytes());
    let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let auth = format!(
        "OAuth oauth_consumer_key=\"{}\",oauth_nonce=\"sha256nonce\",oauth_signature_method=\"HMAC-SHA256\",oauth_timestamp=\"{ts}\",oauth_token=\"{}\",oauth_signature=\"{}\"",
        enc(&env.consumer.0), enc(&t.token), enc(&sig)
    );
    let r = env
        .http
        .post(&url)
        .header("Authorization", auth)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("her={}", enc(OMHE)))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let body = r.text().await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(get(&pairs(&body), "ACK"), Some("Success"));
}

#[tokio::test]
async fn replay_and_clock_skew() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let url = env.url("/gateway/stage");
    let stamp = now();
    let send = |nonce: &'static str, at: i64| {
        signed_post(
            &env.http,
            &url,
            env.client(),
            Some((&t.token, &t.secret)),
            &[("her", OMHE)],
            None,
            move |b| {
                b.nonce(nonce).timestamp(ts(at));
            },
        )
    };
    let r = send("replayed-nonce", stamp).await;
    assert_eq!(r.status(), 200);
    let r = send("replayed-nonce", stamp).await;
    assert_eq!(
        (
            r.status().as_u16(),
            get(&pairs(&r.text().await.unwrap()), "errorcode").map(String::from)
        ),
        (401, Some("nonce_reused".into()))
    );
    // The same nonce with another timestamp is a new request.
    assert_eq!(send("replayed-nonce", stamp + 1).await.status(), 200);
    // A nonce neither database could keep as text is refused as malformed,
    // and the stages beside it are made as usual.
    let (bad, good) = tokio::join!(send("nul\u{0}nonce", stamp), send("beside-it", stamp));
    let bad_answer = pairs(&bad.text().await.unwrap());
    assert_eq!(
        get(&bad_answer, "errorcode"),
        Some("signature_invalid"),
        "{bad_answer:?}"
    );
    assert_eq!(good.status(), 200);
    // Timestamps are whole seconds: a second may pass between reading the clock
    // here and the gateway's check, so the late side keeps one second of margin.
    for skew in [-301, 302, -600, 600] {
        let r = send("skewed", now() + skew).await;
        assert!(r.headers().contains_key("date"));
        assert_eq!(
            (
                r.status().as_u16(),
                get(&pairs(&r.text().await.unwrap()), "errorcode").map(String::from)
            ),
            (401, Some("timestamp_refused".into())),
            "skew {skew}"
        );
    }
    // A refused request does not burn its nonce.
    assert_eq!(send("skewed", stamp + 60).await.status(), 200);
    assert_eq!(send("edge", stamp - 290).await.status(), 200);
}

#[tokio::test]
async fn temporary_credentials_rules() {
    let env = Env::start().await;
    // Reused verifier: a second exchange is token_unknown.
    let temp = request_token(&env, "oob").await;
    let r = approve(
        &env,
        "/platform/activate",
        &temp.token,
        &[
            ("email", ORG_EMAIL),
            ("password", ORG_PASSWORD),
            ("action", "approve"),
        ],
    )
    .await;
    let html = r.text().await.unwrap();
    let v = html
        .split("aria-label=\"verification code\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    let wrong = exchange(&env, &temp, "not-the-verifier").await;
    assert_eq!(
        (
            wrong.status().as_u16(),
            get(&pairs(&wrong.text().await.unwrap()), "errorcode").map(String::from)
        ),
        (401, Some("verifier_invalid".into()))
    );
    assert_eq!(exchange(&env, &temp, &v).await.status(), 200);
    let again = exchange(&env, &temp, &v).await;
    assert_eq!(
        (
            again.status().as_u16(),
            get(&pairs(&again.text().await.unwrap()), "errorcode").map(String::from)
        ),
        (401, Some("token_unknown".into()))
    );
    // Unknown temporary token.
    let fake = Temp {
        token: "nope".into(),
        secret: "nope".into(),
    };
    let r = exchange(&env, &fake, "x").await;
    assert_eq!(
        get(&pairs(&r.text().await.unwrap()), "errorcode"),
        Some("token_unknown")
    );
    // Not yet approved.
    let pending = request_token(&env, "oob").await;
    let r = exchange(&env, &pending, "x").await;
    assert_eq!(
        get(&pairs(&r.text().await.unwrap()), "errorcode"),
        Some("verifier_invalid")
    );
    // Expired after 10 minutes: the approval page explains, the exchange refuses.
    let old = request_token(&env, "http://127.0.0.1:9/cb").await;
    let r = approve(
        &env,
        "/platform/activate",
        &old.token,
        &[
            ("email", ORG_EMAIL),
            ("password", ORG_PASSWORD),
            ("action", "approve"),
        ],
    )
    .await;
    let v = verifier_from(&r);
    let late = request_token(&env, "oob").await;
    env.gw.clock.advance(601);
    let r = exchange(&env, &old, &v).await;
    assert_eq!(
        (
            r.status().as_u16(),
            get(&pairs(&r.text().await.unwrap()), "errorcode").map(String::from)
        ),
        (401, Some("token_expired".into()))
    );
    let page = browser()
        .get(env.url(&format!("/platform/activate?oauth_token={}", late.token)))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 401);
    assert!(page.text().await.unwrap().contains("expired"));
}

#[tokio::test]
async fn callbacks_are_checked() {
    let env = Env::start().await;
    let url = env.url("/request-token.ashx");
    for cb in [
        "http://clinic.example/cb",
        "ftp://127.0.0.1/",
        "javascript:alert(1)",
    ] {
        let r = signed_post(&env.http, &url, env.client(), None, &[], None, |b| {
            b.callback(cb);
        })
        .await;
        assert_eq!(r.status(), 400, "{cb}");
    }
    let r = signed_post(&env.http, &url, env.client(), None, &[], None, |_| {}).await;
    assert_eq!(
        (
            r.status().as_u16(),
            get(&pairs(&r.text().await.unwrap()), "errorcode").map(String::from)
        ),
        (400, Some("signature_invalid".into()))
    );
    for cb in ["https://clinic.example/cb", "http://[::1]:4000/cb", "oob"] {
        let r = signed_post(&env.http, &url, env.client(), None, &[], None, |b| {
            b.callback(cb);
        })
        .await;
        assert_eq!(r.status(), 200, "{cb}");
    }
}

#[tokio::test]
async fn approval_pages_as_a_browser_sees_them() {
    let env = Env::start().await;
    let temp = request_token(&env, "http://127.0.0.1:9/cb").await;
    // Unknown token.
    let r = browser()
        .get(env.url("/platform/activate?oauth_token=nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // A form without its CSRF cookie is refused.
    let r = browser()
        .post(env.url("/platform/activate"))
        .form(&[
            ("oauth_token", temp.token.as_str()),
            ("csrf", "x"),
            ("email", ORG_EMAIL),
            ("password", ORG_PASSWORD),
            ("action", "approve"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Wrong password shows the form again.
    let r = approve(
        &env,
        "/platform/activate",
        &temp.token,
        &[
            ("email", ORG_EMAIL),
            ("password", "wrong-password"),
            ("action", "approve"),
        ],
    )
    .await;
    assert_eq!(r.status(), 403);
    let html = r.text().await.unwrap();
    assert!(html.contains("The email or password is wrong") && html.contains("name=\"password\""));
    assert!(!html.contains("wrong-password"));
    // A patient cannot approve for a practice.
    let r = approve(
        &env,
        "/platform/activate",
        &temp.token,
        &[
            ("email", PATIENT_EMAIL),
            ("password", PATIENT_PASSWORD),
            ("action", "approve"),
        ],
    )
    .await;
    assert_eq!(r.status(), 403);
    // Deny sends the browser back with denied=.
    let r = approve(
        &env,
        "/platform/activate",
        &temp.token,
        &[("action", "deny")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .contains("denied="));
    let r = exchange(&env, &temp, "anything").await;
    assert_eq!(
        get(&pairs(&r.text().await.unwrap()), "errorcode"),
        Some("verifier_invalid")
    );
    // Five wrong passwords lock the account, even for the right one.
    let temp = request_token(&env, "oob").await;
    // One wrong password above, four more here.
    for _ in 0..4 {
        let r = approve(
            &env,
            "/platform/activate",
            &temp.token,
            &[
                ("email", ORG_EMAIL),
                ("password", "nope-nope-nope"),
                ("action", "approve"),
            ],
        )
        .await;
        assert_eq!(r.status(), 403);
    }
    let r = approve(
        &env,
        "/platform/activate",
        &temp.token,
        &[
            ("email", ORG_EMAIL),
            ("password", ORG_PASSWORD),
            ("action", "approve"),
        ],
    )
    .await;
    assert_eq!(r.status(), 429);
    env.gw.clock.advance(15 * 60 + 1);
    let url = env.url("/request-token.ashx");
    let r = signed_post(&env.http, &url, env.client(), None, &[], None, |b| {
        b.callback("oob").timestamp(ts(now() + 15 * 60 + 1));
    })
    .await;
    let p = pairs(&r.text().await.unwrap());
    let temp = Temp {
        token: get(&p, "oauth_token").unwrap().into(),
        secret: String::new(),
    };
    let r = approve(
        &env,
        "/platform/activate",
        &temp.token,
        &[
            ("email", ORG_EMAIL),
            ("password", ORG_PASSWORD),
            ("action", "approve"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn patient_sign_up_on_the_authorize_page() {
    let env = Env::start().await;
    let temp = request_token(&env, "http://127.0.0.1:9/cb").await;
    let short = approve(
        &env,
        "/jibe/authorize",
        &temp.token,
        &[
            ("action", "signup"),
            ("name", "Li Wei"),
            ("new_email", "li@patients.test"),
            ("new_password", "short"),
            ("new_password2", "short"),
        ],
    )
    .await;
    assert_eq!(short.status(), 400);
    let r = approve(
        &env,
        "/jibe/authorize",
        &temp.token,
        &[
            ("action", "signup"),
            ("name", "李伟"),
            ("new_email", "li@patients.test"),
            ("new_password", "a-long-password"),
            ("new_password2", "a-long-password"),
        ],
    )
    .await;
    let v = verifier_from(&r);
    assert_eq!(exchange(&env, &temp, &v).await.status(), 200);
    let temp = request_token(&env, "http://127.0.0.1:9/cb").await;
    let dup = approve(
        &env,
        "/jibe/authorize",
        &temp.token,
        &[
            ("action", "signup"),
            ("name", "Other"),
            ("new_email", "LI@patients.test"),
            ("new_password", "a-long-password"),
            ("new_password2", "a-long-password"),
        ],
    )
    .await;
    assert_eq!(dup.status(), 400);
    assert!(dup.text().await.unwrap().contains("already exists"));
}

#[tokio::test]
async fn idempotency_key_returns_the_first_code() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let key = "enc-42:5f1d";
    let (s1, a1) = stage(
        &env,
        &t,
        "/gateway/stage",
        &[("her", OMHE), ("razcode_idempotency_key", key)],
    )
    .await;
    let (s2, a2) = stage(
        &env,
        &t,
        "/gateway/stage/url",
        &[("her", OMHE), ("razcode_idempotency_key", key)],
    )
    .await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(get(&a1, "raz_id"), get(&a2, "raz_id"));
    assert!(get(&a2, "raz_uri").is_some());
    let (_, a3) = stage(
        &env,
        &t,
        "/gateway/stage",
        &[("her", OMHE), ("razcode_idempotency_key", "another")],
    )
    .await;
    assert_ne!(get(&a1, "raz_id"), get(&a3, "raz_id"));
    let (_, a4) = stage(&env, &t, "/gateway/stage", &[("her", OMHE)]).await;
    let (_, a5) = stage(&env, &t, "/gateway/stage", &[("her", OMHE)]).await;
    assert_ne!(get(&a4, "raz_id"), get(&a5, "raz_id"));
}

#[tokio::test]
async fn a_broken_database_is_internal_and_shows_no_code() {
    let env = Env::start().await;
    let t = activate(&env).await;
    // Break the real database under the running gateway.
    let db = env.db.clone();
    blocking(move || match db {
        Target::Sqlite(path) => rusqlite::Connection::open(path)
            .unwrap()
            .execute_batch("ALTER TABLE stages RENAME TO stages_gone")
            .unwrap(),
        Target::Postgres(url) => postgres::Client::connect(&url, postgres::NoTls)
            .unwrap()
            .batch_execute("ALTER TABLE stages RENAME TO stages_gone")
            .unwrap(),
    })
    .await;
    let (status, a) = stage(&env, &t, "/gateway/stage", &[("her", OMHE)]).await;
    assert_eq!(
        (status, get(&a, "ACK"), get(&a, "errorcode")),
        (500, Some("Failure"), Some("internal")),
        "{a:?}"
    );
    assert!(get(&a, "raz_id").is_none());
    assert!(
        !get(&a, "errormsg").unwrap().contains("stages"),
        "no internals leak: {a:?}"
    );
}
