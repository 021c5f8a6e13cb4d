//! What a health-data audit of the gateway asked for, over HTTP: sign-in
//! attempts that cannot be raced past the lock, limits that count each patient
//! behind a trusted proxy, and the approval page naming where it sends you.

mod common;
use common::*;
use razcode_gateway::Config;

/// The code's sign-in form: the browser (with its CSRF cookie) and its tag.
async fn sign_in_form(env: &Env, path: &str) -> (reqwest::Client, String) {
    let b = browser();
    let page = b.get(env.url(path)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let csrf = hidden(&page.text().await.unwrap(), "csrf");
    (b, csrf)
}

async fn sign_in(b: &reqwest::Client, url: &str, csrf: &str, password: &str) -> (u16, String) {
    let r = b
        .post(url)
        .form(&[
            ("csrf", csrf),
            ("email", PATIENT_EMAIL),
            ("password", password),
            ("action", "signin"),
        ])
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_wrong_passwords_get_five_tries() {
    // A hundred connections from one address: above the default share of
    // one client (tests/bursts.rs tests that bound), allowed here.
    let dir = tempfile::tempdir().unwrap();
    let env = Env::start_configured(dir, |c: &mut Config| c.limits.per_client = 128).await;
    let t = activate(&env).await;
    let id = staged(&env, &t, None).await;
    let path = format!("/r/{}", id.compact());
    let (b, csrf) = sign_in_form(&env, &path).await;
    let url = env.url(&path);
    let tries: Vec<_> = (0..100)
        .map(|i| {
            let (b, url, csrf) = (b.clone(), url.clone(), csrf.clone());
            tokio::spawn(
                async move { sign_in(&b, &url, &csrf, &format!("wrong-password-{i}")).await },
            )
        })
        .collect();
    let mut wrong = 0;
    for t in tries {
        let (status, text) = t.await.unwrap();
        if text.contains("The email or password is wrong") {
            assert_eq!(status, 403);
            wrong += 1;
        } else {
            assert_eq!(status, 429, "{text}");
        }
    }
    assert_eq!(
        wrong, 5,
        "exactly five wrong passwords were checked before the lock"
    );
    // The right password is refused while the account is locked...
    let (status, _) = sign_in(&b, &url, &csrf, PATIENT_PASSWORD).await;
    assert_eq!(status, 429);
    // ...and accepted once the lock (and this client's window) has passed.
    env.gw.clock.advance(15 * 60 + 1);
    let (b, csrf) = sign_in_form(&env, &path).await;
    let r = b
        .post(&url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", PATIENT_EMAIL),
            ("password", PATIENT_PASSWORD),
            ("action", "signin"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "claimed after the lock");
}

async fn wrong_code(env: &Env, client: &str) -> u16 {
    browser()
        .get(env.url("/r/ZZZZZZZZZZZZ"))
        .header("X-Forwarded-For", client)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_patient_has_their_own_limit() {
    let dir = tempfile::tempdir().unwrap();
    let env = Env::start_configured(dir, |c: &mut Config| {
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let t = activate(&env).await;
    let id = staged(&env, &t, None).await;
    // The owner claims the code first (from their own address).
    let path = format!("/r/{}", id.compact());
    let (owner, r) = claim(&env, &path, PATIENT_EMAIL, PATIENT_PASSWORD).await;
    assert_eq!(r.status(), 303);

    // Someone guesses codes from 203.0.113.1 until they are paused...
    for _ in 0..10 {
        assert_eq!(wrong_code(&env, "203.0.113.1").await, 404);
    }
    assert_eq!(wrong_code(&env, "203.0.113.1").await, 429);
    // ...while another patient behind the same proxy is not.
    let other = browser()
        .get(env.url(&path))
        .header("X-Forwarded-For", "203.0.113.2")
        .send()
        .await
        .unwrap();
    assert_ne!(other.status(), 429);
    // The owner of a code that exists is never kept from its pages, even from
    // the paused address.
    let record = owner
        .get(env.url(&format!("{path}/record")))
        .header("X-Forwarded-For", "203.0.113.1")
        .send()
        .await
        .unwrap();
    assert_eq!(record.status(), 200);
}

/// Behind nginx or HAProxy (which append X-Forwarded-For and pass a
/// client's `Forwarded` through), a made-up `Forwarded` does not win.
#[tokio::test]
async fn a_clients_own_forwarded_header_does_not_choose_its_address() {
    let dir = tempfile::tempdir().unwrap();
    let env = Env::start_configured(dir, |c: &mut Config| {
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let guess = |i: u32| {
        browser()
            .get(env.url("/r/ZZZZZZZZZZZZ"))
            .header("Forwarded", format!("for=192.0.2.{i}"))
            .header("X-Forwarded-For", "203.0.113.5")
            .send()
    };
    for i in 0..10 {
        assert_eq!(guess(i).await.unwrap().status(), 404);
    }
    assert_eq!(guess(10).await.unwrap().status(), 429);
}

#[tokio::test]
async fn forwarded_headers_from_anyone_else_are_ignored() {
    let env = Env::start().await;
    // Without a trusted proxy, every request counts for its peer (127.0.0.1),
    // whatever it claims to be.
    for i in 0..10 {
        assert_eq!(wrong_code(&env, &format!("203.0.113.{i}")).await, 404);
    }
    assert_eq!(wrong_code(&env, "198.51.100.1").await, 429);
}

#[tokio::test]
async fn the_approval_page_says_where_it_sends_you() {
    let env = Env::start().await;
    let temp = request_token(&env, "https://desk.clinic.example/cb").await;
    let page = page_text(
        &browser(),
        &env.url(&format!("/platform/activate?oauth_token={}", temp.token)),
    )
    .await;
    assert!(
        page.contains("sent back to <strong>desk.clinic.example</strong>"),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_built_to_be_slow_is_refused_and_others_are_served_meanwhile() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let mut her = String::from("<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\"");
    for i in 0..200_000 {
        her.push_str(&format!(" a{i}=\"\""));
    }
    her.push_str("/>");
    let hostile = {
        let env_url = env.url("/gateway/stage");
        let http = env.http.clone();
        let consumer = env.consumer.clone();
        let (token, secret) = (t.token.clone(), t.secret.clone());
        tokio::spawn(async move {
            let r = signed_post(
                &http,
                &env_url,
                oauth1_request::Credentials::new(&consumer.0, &consumer.1),
                Some((&token, &secret)),
                &[("her", her.as_str())],
                None,
                |_| {},
            )
            .await;
            (r.status().as_u16(), r.text().await.unwrap())
        })
    };
    // The gateway answers other requests while it reads the hostile one.
    for _ in 0..5 {
        let r = env.http.get(env.url("/r")).send().await.unwrap();
        assert_eq!(r.status(), 200);
    }
    // Before the fix this took over 20 seconds; a hang guard, not a timing.
    let (status, body) = tokio::time::timeout(std::time::Duration::from_secs(15), hostile)
        .await
        .expect("the hostile record is answered")
        .unwrap();
    assert_eq!(status, 400, "{body}");
    let a = pairs(&body);
    assert_eq!(get(&a, "errorcode"), Some("her_invalid"));
    assert!(
        get(&a, "errormsg").unwrap().contains("attributes"),
        "{body}"
    );
}

#[tokio::test]
async fn records_are_sealed_owner_only_and_deleted_by_their_patient() {
    let env = Env::start().await;
    let t = activate(&env).await;
    let ccr = fixture("ccr/examples/minimal_clinic_encounter.xml");
    assert!(ccr.contains("<Family>Example</Family>"));
    let (status, a) = stage(&env, &t, "/gateway/stage/url", &[("her", &ccr)]).await;
    assert_eq!(status, 200, "{a:?}");
    let id = razcode_protocol::RazId::parse(get(&a, "raz_id").unwrap()).unwrap();
    let db = env.db.clone();
    let at_rest = blocking(move || bytes_at_rest(&db)).await;
    // On PostgreSQL the bytes are the whole cluster's, other tests' sealed
    // records and WAL included: there the given name is looked for with
    // its tag, where four random bytes would not spell it by chance.
    let given: &[u8] = if on_postgres() {
        b"<Given>Alex"
    } else {
        b"Alex"
    };
    assert!(
        !holds(&at_rest, b"<Family>Example</Family>") && !holds(&at_rest, given),
        "the patient's name is in the database files"
    );
    #[cfg(unix)]
    if let razcode_gateway::store::Target::Sqlite(db) = &env.db {
        for suffix in ["", "-wal", "-shm"] {
            use std::os::unix::fs::PermissionsExt;
            let mut name = db.as_os_str().to_owned();
            name.push(suffix);
            let mode = std::fs::metadata(&name).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "gateway.db{suffix}");
        }
    }

    // The patient claims it, reads it, and deletes it from their account.
    let path = format!("/r/{}", id.compact());
    let (b, r) = claim(&env, &path, PATIENT_EMAIL, PATIENT_PASSWORD).await;
    assert_eq!(r.status(), 303);
    let page = page_text(&b, &env.url(&format!("{path}/record"))).await;
    assert!(page.contains("Alex"), "the record reads back opened");
    let csrf = hidden(&page, "csrf");
    // Without the form's tag nothing is deleted.
    let r = b
        .post(env.url(&format!("{path}/delete")))
        .form(&[("csrf", "forged"), ("action", "delete")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = b
        .post(env.url(&format!("{path}/delete")))
        .form(&[("csrf", csrf.as_str()), ("action", "delete")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let page = page_text(&b, &env.url(&format!("{path}/record"))).await;
    assert!(
        page.contains("You deleted") && !page.contains("Alex"),
        "{page}"
    );
    let dl = b
        .get(env.url(&format!("{path}/download")))
        .send()
        .await
        .unwrap();
    assert_eq!(dl.status(), 410);
    // The clinic still sees that the code was claimed.
    let (_, a) = stage(&env, &t, "/gateway/status", &[("raz_id", &id.grouped())]).await;
    assert_eq!(get(&a, "state"), Some("claimed"));
}

/// A code's image answers only for codes that exist, and a wrong one counts
/// toward the same limit as a wrong code typed on the redemption page.
#[tokio::test]
async fn tag_images_of_made_up_codes_count_as_wrong_codes() {
    let env = Env::start().await;
    let image = |id: &str| browser().get(env.url(&format!("/tag/{id}.jpg"))).send();
    for i in 0..10 {
        let id = format!("ZZZZZZZZZZ{:02}", i);
        let status = image(&id).await.unwrap().status();
        assert_eq!(status, 404, "{id}");
    }
    assert_eq!(image("ZZZZZZZZZZ99").await.unwrap().status(), 429);
    // The same client's redemption page is paused too.
    assert_eq!(wrong_code(&env, "198.51.100.1").await, 429);
}

/// Sign-in answers the same for an email with an account and one without
/// (both are locked after five wrong passwords), and a lock is the client's
/// own: a stranger guessing from elsewhere does not keep the owner out.
#[tokio::test]
async fn a_lock_tells_no_account_apart_and_is_the_guessers_own() {
    let dir = tempfile::tempdir().unwrap();
    let env = Env::start_configured(dir, |c: &mut Config| {
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let t = activate(&env).await;
    let id = staged(&env, &t, None).await;
    let path = format!("/r/{}", id.compact());
    let attempt = |from: &'static str, email: &'static str, password: &'static str| {
        let (env, path) = (&env, path.clone());
        async move {
            let (_, r) = claim_from(env, &path, email, password, Some(from)).await;
            r.status().as_u16()
        }
    };
    for email in [PATIENT_EMAIL, "nobody@patients.test"] {
        let mut seen = Vec::new();
        for _ in 0..6 {
            seen.push(attempt("203.0.113.66", email, "wrong-password-1").await);
        }
        assert_eq!(seen, [403, 403, 403, 403, 403, 429], "{email}");
    }
    // The owner, from their own address, is not locked out by the stranger.
    assert_eq!(
        attempt("198.51.100.20", PATIENT_EMAIL, PATIENT_PASSWORD).await,
        303
    );
}
