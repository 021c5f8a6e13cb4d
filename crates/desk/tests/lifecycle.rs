//! The code lifecycle from the desk (protocol v1.1) against the real gateway on
//! loopback: states refreshed, void, reissue (its receipt names the code it
//! replaces), a void while the gateway is down, a v1-only gateway, and the
//! idempotency rule when staff change the patient binding after a timeout.

mod common;
use common::*;

fn staging_id(v: &serde_json::Value) -> String {
    v["staging_id"].as_i64().expect("a staging").to_string()
}

/// The history entry of a staging.
fn entry(w: &World, refresh: bool, id: &str) -> (bool, serde_json::Value) {
    let args: &[&str] = if refresh {
        &["history", "--refresh"]
    } else {
        &["history"]
    };
    let (ok, v) = w.desk(args);
    let e = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"].as_i64().unwrap().to_string() == id)
        .cloned()
        .unwrap_or_else(|| panic!("no staging {id} in {v}"));
    (ok, e)
}

use razcode_testkit::pdf_text;

#[tokio::test(flavor = "multi_thread")]
async fn refresh_void_and_reissue_against_the_gateway() {
    let w = World::start().await;
    w.ready().await;
    let a = w.import_omhe("a.txt", "bp=118/76p64");
    let b = w.import_omhe("b.txt", "wt=61.2k");

    // Two codes; both are issued, and the first one gets claimed.
    let (ok, first) = w.desk(&["stage", &a, "--qr"]);
    assert!(ok, "{first}");
    let (ok, second) = w.desk(&[
        "stage",
        &b,
        "--qr",
        "--amount",
        "25.00",
        "--currency",
        "USD",
    ]);
    assert!(ok, "{second}");
    let (s1, s2) = (staging_id(&first), staging_id(&second));
    let (_, e) = entry(&w, false, &s1);
    assert_eq!(e["state"], "issued");
    w.claim(first["raz_id"].as_str().unwrap()).await;
    let (_, e) = entry(&w, false, &s1);
    assert_eq!(e["state"], "issued", "not asked yet: the last known state");
    let (ok, e) = entry(&w, true, &s1);
    assert!(ok);
    assert_eq!(e["state"], "claimed");
    assert!(e["claimed_at"].as_str().unwrap().ends_with('Z'), "{e}");

    // Void the claimed code: it stays on record that it was claimed.
    let (ok, v) = w.desk(&["void", &s1, "--reason", "handed to the wrong patient"]);
    assert!(ok, "{v}");
    assert_eq!(v["state"], "voided");
    assert!(
        v["voided_at"].is_string() && v["claimed_at"].is_string(),
        "{v}"
    );
    let r = reqwest::get(format!(
        "{}/r/{}",
        w.base,
        first["raz_id"].as_str().unwrap().replace('-', "")
    ))
    .await
    .unwrap();
    assert_eq!(r.status(), 410);
    let (_, e) = entry(&w, false, &s1);
    assert_eq!(e["state"], "voided");
    // A reason is needed, and one code cannot be voided twice into trouble.
    let (ok, v) = w.desk(&["void", &s2, "--reason", " "]);
    assert!(
        !ok && v["error"]["message"].as_str().unwrap().contains("reason"),
        "{v}"
    );

    // Reissue the second: the old code is voided, a new one carries the same bill.
    let (ok, v) = w.desk(&["reissue", &s2, "--reason", "lost the paper"]);
    assert!(ok, "{v}");
    assert_eq!(v["ack"], "Success");
    assert_eq!(v["pmt"], "valid");
    assert_ne!(v["raz_id"], second["raz_id"]);
    assert!(v["raz_uri"].is_string(), "the same barcode kind (QR): {v}");
    let s3 = staging_id(&v);
    let (_, old) = entry(&w, true, &s2);
    assert_eq!(old["state"], "voided");
    let (_, new) = entry(&w, false, &s3);
    assert_eq!(new["state"], "issued");
    assert_eq!(new["replaces"].as_i64().unwrap().to_string(), s2);
    // The new receipt says which code it replaces.
    let pdf = w.desk_dir.path().join("reissued.pdf");
    let (ok, r) = w.desk(&["receipt", &s3, "--out", pdf.to_str().unwrap()]);
    assert!(ok, "{r}");
    let text = pdf_text(&pdf);
    let old_code = second["raz_id"].as_str().unwrap();
    assert!(
        text.contains(&format!("replaces code {old_code}")),
        "{text}"
    );
    assert!(text.contains(v["raz_id"].as_str().unwrap()), "{text}");
    assert_eq!(gateway_stage_count(&w.gateway_db()), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_void_while_the_gateway_is_down_waits_and_goes_later() {
    let mut w = World::start().await;
    w.ready().await;
    let a = w.import_omhe("a.txt", "bp=130/85");
    let (ok, staged) = w.desk(&["stage", &a]);
    assert!(ok, "{staged}");
    let s = staging_id(&staged);
    w.stop_gateway().await;
    let (ok, v) = w.desk(&["void", &s, "--reason", "wrong patient"]);
    assert!(!ok);
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains("waits in the outbox"), "{message}");
    assert!(message.contains("not voided"), "{message}");
    // Not shown as voided: the gateway has not said so.
    let (_, e) = entry(&w, false, &s);
    assert_eq!(e["state"], "issued");
    assert_eq!(e["void_pending"], true);
    let (_, o) = w.desk(&["outbox"]);
    assert_eq!(o["voids"].as_array().unwrap().len(), 1, "{o}");
    let (ok, _) = w.desk(&["outbox", "--retry"]);
    assert!(!ok, "still down");
    w.restart_gateway().await;
    let (ok, v) = w.desk(&["outbox", "--retry"]);
    assert!(ok, "{v}");
    assert_eq!(v["voids"][0]["ok"], true, "{v}");
    assert_eq!(v["waiting"], 0);
    let (_, e) = entry(&w, false, &s);
    assert_eq!(e["state"], "voided");
    assert_eq!(e["void_pending"], false);
}

/// A gateway of protocol v1 only: the v1.1 paths are unknown (a plain 404 page).
async fn v1_only_gateway() -> String {
    let app = axum::Router::new().fallback(|| async {
        (
            axum::http::StatusCode::NOT_FOUND,
            [("content-type", "text/html")],
            "<html><body>404 Not Found</body></html>",
        )
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

#[tokio::test(flavor = "multi_thread")]
async fn a_v1_gateway_gets_a_clear_message_and_no_wrong_state() {
    let w = World::start().await;
    w.ready().await;
    let a = w.import_omhe("a.txt", "bg=96");
    let (ok, staged) = w.desk(&["stage", &a]);
    assert!(ok, "{staged}");
    let s = staging_id(&staged);
    w.set_api_base(&v1_only_gateway().await);
    let (ok, v) = w.desk(&["history", "--refresh"]);
    assert!(!ok, "{v}");
    let message = v["refresh"]["error"]["message"].as_str().unwrap();
    assert!(message.contains("cannot report or void codes"), "{message}");
    let (_, e) = entry(&w, false, &s);
    assert_eq!(e["state"], "issued");
    let (ok, v) = w.desk(&["void", &s, "--reason", "wrong patient"]);
    assert!(!ok);
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains("cannot report or void codes"), "{message}");
    // Nothing waits for a void that can never go, and nothing says voided.
    let (_, e) = entry(&w, false, &s);
    assert_eq!(
        (e["state"].as_str(), e["void_pending"].as_bool()),
        (Some("issued"), Some(false))
    );
    let (_, o) = w.desk(&["outbox"]);
    assert!(o["voids"].as_array().unwrap().is_empty(), "{o}");
}

/// A proxy to the gateway that lets the request through (so the gateway
/// commits it) and then answers too late for the desk.
async fn slow_after_commit(real: &str) -> String {
    let real = real.to_string();
    let http = reqwest::Client::new();
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let (real, http) = (real.clone(), http.clone());
        async move {
            let (parts, body) = req.into_parts();
            let body = axum::body::to_bytes(body, 8 << 20).await.unwrap();
            let mut fwd = http.post(format!("{real}{}", parts.uri.path()));
            for (k, v) in parts.headers.iter() {
                fwd = fwd.header(k, v);
            }
            let r = fwd.body(body).send().await.unwrap();
            let _ = r.text().await;
            tokio::time::sleep(std::time::Duration::from_secs(6)).await;
            "too late"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

#[tokio::test(flavor = "multi_thread")]
async fn binding_the_patient_after_a_timeout_never_gets_the_old_code() {
    let w = World::start().await;
    w.ready().await;
    w.link_patient().await;
    let a = w.import_omhe("a.txt", "bp=121/79p70");
    // The stage without the patient reaches the gateway, which commits it, but
    // its answer comes too late.
    w.set_api_base(&slow_after_commit(&w.base).await);
    let out = std::process::Command::new(BIN)
        .env("RAZDESK_TIMEOUT_SECS", "2")
        .arg("--data-dir")
        .arg(w.desk_dir.path())
        .args(["--json", "stage", &a])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "pending", "{v}");
    assert_eq!(
        gateway_stage_count(&w.gateway_db()),
        1,
        "the gateway committed it"
    );
    let unbound = gateway_ids(&w.gateway_db());

    // Staff bind it to the patient and send again.
    w.set_api_base(&w.base);
    let (ok, v) = w.desk(&["stage", &a, "--mrn", "000123"]);
    assert!(ok, "{v}");
    let code = v["raz_id"].as_str().unwrap().replace('-', "");
    assert!(
        !unbound.contains(&code),
        "the old, unbound code came back: {v}"
    );
    let c = rusqlite::Connection::open(w.gateway_db()).unwrap();
    let bound: Option<i64> = c
        .query_row(
            "SELECT user_account_id FROM stages WHERE raz_id = ?1",
            [&code],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        bound.is_some(),
        "the code on screen is bound to the patient"
    );
    // The unbound request is replaced: it never goes again from the outbox.
    let (_, o) = w.desk(&["outbox"]);
    assert!(o["outbox"].as_array().unwrap().is_empty(), "{o}");
    let (ok, v) = w.desk(&["outbox", "--retry"]);
    assert!(ok, "{v}");
    assert_eq!(gateway_stage_count(&w.gateway_db()), 2);
}
