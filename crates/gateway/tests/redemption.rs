//! The patient's side: typing a code, signing in, claiming, and the limits.

mod common;
use common::*;
use razcode_protocol::RazId;

#[tokio::test]
async fn typed_code_is_forgiving_and_the_record_is_claimed() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let id = staged(&env, &t, None).await;
    let typed = id
        .grouped()
        .to_lowercase()
        .replace('1', "l")
        .replace('0', "o");
    let r = browser()
        .post(env.url("/r"))
        .form(&[("code", format!(" {typed} "))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let path = r.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(path, format!("/r/{}", id.compact()));
    // The dashed form in the address is sent to the canonical one.
    let r = browser()
        .get(env.url(&format!("/r/{}", id.grouped())))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 308);
    let (b, r) = claim(&env, &path, PATIENT_EMAIL, PATIENT_PASSWORD).await;
    assert_eq!(r.status(), 303);
    let record = b
        .get(env.url(&format!("{path}/record")))
        .send()
        .await
        .unwrap();
    assert_eq!(record.status(), 200);
    let html = record.text().await.unwrap();
    // Each reading named, in units as people write them.
    assert!(
        html.contains("<td>Blood pressure</td><td>118/76 mmHg, pulse 64/min</td>")
            && html.contains("<td>Weight</td><td>61.2 kg</td>"),
        "{html}"
    );
    assert!(!html.contains("bp_systolic"), "{html}");
    let dl = b
        .get(env.url(&format!("{path}/download")))
        .send()
        .await
        .unwrap();
    assert!(dl.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    assert_eq!(dl.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        dl.headers()["content-security-policy"],
        "sandbox; default-src 'none'"
    );
    assert_eq!(dl.text().await.unwrap(), "bp=118/76p64\nwt=61.2k");
    // Beside it, the same visit for health apps: a FHIR R4 Bundle.
    assert!(html.contains(&format!("{path}/fhir")), "{html}");
    let fhir = b
        .get(env.url(&format!("{path}/fhir")))
        .send()
        .await
        .unwrap();
    assert_eq!(fhir.status(), 200);
    assert_eq!(fhir.headers()["content-type"], "application/fhir+json");
    let bundle: serde_json::Value = serde_json::from_str(&fhir.text().await.unwrap()).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    let observations = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["resource"]["resourceType"] == "Observation")
        .count();
    assert_eq!(observations, 2, "one per OMHE reading");
    // Someone else cannot see it, and cannot claim it again.
    let other = browser()
        .get(env.url(&format!("{path}/record")))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 303);
    let again = browser().get(env.url(&path)).send().await.unwrap();
    assert_eq!(again.status(), 409);
    assert!(again.text().await.unwrap().contains("already added"));
}

#[tokio::test]
async fn ccr_record_is_shown_readably() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let ccr = fixture("ccr/samples/nist_ccr_sample1.xml");
    let (status, a) = stage(&env, &t, "/gateway/stage", &[("her", &ccr)]).await;
    assert_eq!(status, 200);
    let id = RazId::parse(get(&a, "raz_id").unwrap()).unwrap();
    let (b, r) = claim(
        &env,
        &format!("/r/{}", id.compact()),
        PATIENT_EMAIL,
        PATIENT_PASSWORD,
    )
    .await;
    assert_eq!(r.status(), 303);
    let html = page_text(&b, &env.url(&format!("/r/{}/record", id.compact()))).await;
    assert!(
        html.contains("Sections") && html.contains("<th scope=\"row\">Patient</th>"),
        "{html}"
    );
    // In plain words, in the page's language: titles, sex, dates.
    let es = page_text(&b, &env.url(&format!("/r/{}/record?lang=es", id.compact()))).await;
    for want in [
        "<th scope=\"row\">Sexo</th><td>Masculino</td>",
        "<h3>Resultados de pruebas</h3>",
        "<h3>Medicamentos</h3>",
    ] {
        assert!(es.contains(want), "{want:?} in {es}");
    }
    for english in ["<h3>Results</h3>", ">Male<", "<h3>Medications</h3>"] {
        assert!(!es.contains(english), "{english:?} in {es}");
    }
    let dl = b
        .get(env.url(&format!("/r/{}/download", id.compact())))
        .send()
        .await
        .unwrap();
    assert!(dl.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/xml"));
    assert_eq!(dl.text().await.unwrap(), ccr);
}

#[tokio::test]
async fn user_bound_code_only_for_that_account() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let user = link_patient(&env, PATIENT_EMAIL, PATIENT_PASSWORD).await;
    let id = staged(&env, &t, Some(&user)).await;
    let path = format!("/r/{}", id.compact());
    // Another HealthJibe account.
    let hash = razcode_gateway::crypto::hash_password("someone-else-pw").unwrap();
    env.with_store(move |store| {
        store
            .add_account(
                razcode_gateway::store::AccountKind::Patient,
                "someone@else.test",
                "Someone",
                &hash,
                0,
            )
            .unwrap()
    })
    .await;
    let (_, r) = claim(&env, &path, "someone@else.test", "someone-else-pw").await;
    assert_eq!(r.status(), 403);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("different HealthJibe account"));
    let (_, r) = claim(&env, &path, PATIENT_EMAIL, PATIENT_PASSWORD).await;
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn expired_codes_are_explained() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let id = staged(&env, &t, None).await;
    env.gw.clock.advance(30 * 86_400 + 1);
    let r = browser()
        .get(env.url(&format!("/r/{}", id.compact())))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 410);
    assert!(r.text().await.unwrap().contains("expired"));
}

#[tokio::test]
async fn wrong_codes_are_limited() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let real = staged(&env, &t, None).await;
    let b = browser();
    for _ in 0..10 {
        let id = RazId::generate().unwrap();
        let r = b
            .get(env.url(&format!("/r/{}", id.compact())))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
    }
    // Now even a real code waits.
    let r = b
        .get(env.url(&format!("/r/{}", real.compact())))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    env.gw.clock.advance(15 * 60 + 1);
    let r = b
        .get(env.url(&format!("/r/{}", real.compact())))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Something that is not a code at all.
    let r = b
        .post(env.url("/r"))
        .form(&[("code", "HELLO")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn stages_and_nonces_survive_a_restart() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let stamp = now();
    let a = stage_with_nonce(&env, &t, "wt=70", "before-restart", stamp).await;
    let id = RazId::parse(get(&a, "raz_id").unwrap()).unwrap();
    let Env {
        gw, dir, db, key, ..
    } = env;
    gw.stop().await;
    let env = Env::start_on(dir, db, key, |_| {}).await;
    let replay = stage_with_nonce(&env, &t, "wt=70", "before-restart", stamp).await;
    assert_eq!(get(&replay, "errorcode"), Some("nonce_reused"));
    let (_, r) = claim(
        &env,
        &format!("/r/{}", id.compact()),
        PATIENT_EMAIL,
        PATIENT_PASSWORD,
    )
    .await;
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn pages_speak_the_browsers_language_and_the_menus_choice() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let id = staged(&env, &t, None).await;
    let path = format!("/r/{}", id.compact());
    let http = reqwest::Client::new();
    let page = |lang: Option<&'static str>, cookie: Option<String>, url: String| {
        let mut r = http.get(url);
        if let Some(l) = lang {
            r = r.header("Accept-Language", l);
        }
        if let Some(c) = cookie {
            r = r.header("Cookie", c);
        }
        r.send()
    };
    let r = page(Some("es-MX,es;q=0.9,en;q=0.5"), None, env.url(&path))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    for want in [
        "<html lang=\"es\" dir=\"ltr\">",
        "Obtenga el registro de su visita",
        "contiene el registro de su visita",
        "Correo electrónico",
        "Iniciar sesión y obtener mi registro",
        "Crear una cuenta y obtener mi registro",
        "href=\"?lang=zh-Hans\"",
    ] {
        assert!(html.contains(want), "{want:?} not in {html}");
    }
    assert!(!html.contains("Sign in and get my record"));
    // A language we do not have: English.
    let html = page(Some("fr-FR"), None, env.url(&path))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Sign in and get my record"), "{html}");
    // The menu's choice wins over the browser's and is kept in a cookie.
    let r = page(Some("es"), None, env.url(&format!("{path}?lang=zh-Hans")))
        .await
        .unwrap();
    let set = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("raz_lang="))
        .expect("the language cookie");
    assert!(set.starts_with("raz_lang=zh-Hans"), "{set}");
    assert!(r.text().await.unwrap().contains("登录并获取我的记录"));
    let kept = set.split(';').next().unwrap().to_string();
    let html = page(Some("es"), Some(kept), env.url("/r"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("请输入出院收据上的 RAZCODE"), "{html}");
    // A code that does not exist, in Spanish.
    let r = page(Some("es"), None, env.url("/r/ABCDEFGHJKMN"))
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Código no encontrado") || html.contains("Eso no es un RAZCODE"),
        "{html}"
    );
}
