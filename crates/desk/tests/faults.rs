//! Faults: the gateway stopped, answering HTML, garbage or slowly, refusing our
//! signature, a clock 10 minutes off. Each gives a clear error and no code, and
//! the outbox later succeeds without a duplicate.

mod common;
use common::*;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread")]
async fn gateway_stopped_then_the_outbox_sends_once() {
    let mut w = World::start().await;
    w.ready().await;
    let id = w.import_omhe("9.txt", "bp=130/85");
    w.stop_gateway().await;
    let (ok, v) = w.desk(&["stage", &id]);
    assert!(!ok);
    assert_eq!(v["status"], "pending");
    assert!(v["raz_id"].is_null() && v["ack"].is_null(), "{v}");
    assert!(
        v["errormsg"]
            .as_str()
            .unwrap()
            .contains("cannot be reached"),
        "{v}"
    );
    let (_, o) = w.desk(&["outbox"]);
    assert_eq!(o["outbox"].as_array().unwrap().len(), 1);
    let (ok, _) = w.desk(&["outbox", "--retry"]);
    assert!(!ok, "still down");
    w.restart_gateway().await;
    let (ok, v) = w.desk(&["outbox", "--retry"]);
    assert!(ok, "{v}");
    assert_eq!(v["results"][0]["ack"], "Success");
    assert_eq!(v["waiting"], 0);
    let (_, again) = w.desk(&["stage", &id]);
    assert_eq!(again["raz_id"], v["results"][0]["raz_id"]);
    assert_eq!(gateway_stage_count(&w.gateway_db()), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn html_garbage_and_slow_answers_show_no_code() {
    let w = World::start().await;
    w.ready().await;
    let id = w.import_omhe("6.txt", "wt=80k");
    // A server that misbehaves the way proxies and broken gateways do.
    let mode = Arc::new(AtomicU8::new(0));
    let m = mode.clone();
    let app = axum::Router::new().fallback(move || {
        let m = m.clone();
        async move {
            match m.load(Ordering::SeqCst) {
                0 => (
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    [("content-type", "text/html")],
                    "<html><body><h1>500 Internal Server Error</h1></body></html>".to_string(),
                ),
                1 => (
                    axum::http::StatusCode::OK,
                    [("content-type", "text/plain")],
                    "hello, this is not an answer".to_string(),
                ),
                2 => (
                    axum::http::StatusCode::OK,
                    [("content-type", "application/x-www-form-urlencoded")],
                    "ACK=Success&raz_id=NOT-AN-ID&raz_image=x&pmt=valid".to_string(),
                ),
                // An answer far larger than any gateway's: not read whole.
                4 => (
                    axum::http::StatusCode::OK,
                    [("content-type", "application/x-www-form-urlencoded")],
                    format!("ACK=Success&x={}", "a".repeat(8 * 1024 * 1024)),
                ),
                _ => {
                    tokio::time::sleep(std::time::Duration::from_secs(8)).await;
                    (
                        axum::http::StatusCode::OK,
                        [("content-type", "text/plain")],
                        "too late".to_string(),
                    )
                }
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let fault = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    w.set_api_base(&fault);
    for (m, words) in [
        (0u8, "HTML"),
        (1, "neither name/value"),
        (2, "not a RAZCODE ID"),
        (4, "larger than 1024 KiB"),
    ] {
        mode.store(m, Ordering::SeqCst);
        let (ok, v) = w.desk(&["stage", &id]);
        assert!(!ok);
        assert!(v["raz_id"].is_null() && v["image"].is_null(), "{v}");
        assert_eq!(v["status"], "pending");
        assert!(v["errormsg"].as_str().unwrap().contains(words), "{m}: {v}");
    }
    mode.store(3, Ordering::SeqCst);
    let out = std::process::Command::new(BIN)
        .env("RAZDESK_TIMEOUT_SECS", "2")
        .arg("--data-dir")
        .arg(w.desk_dir.path())
        .args(["--json", "stage", &id])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["errormsg"]
            .as_str()
            .unwrap()
            .contains("did not answer in time"),
        "{v}"
    );
    assert!(v["raz_id"].is_null());
    // Back to the real gateway: the outbox sends it, once.
    w.set_api_base(&w.base);
    let (ok, v) = w.desk(&["outbox", "--retry"]);
    assert!(ok, "{v}");
    assert_eq!(gateway_stage_count(&w.gateway_db()), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_signature_is_explained() {
    let w = World::start().await;
    w.ready().await;
    let id = w.import_omhe("5.txt", "bg=98");
    let (ok, _) = w.desk(&[
        "setup",
        "--api-base",
        &w.base,
        "--consumer-key",
        &w.consumer.0,
        "--consumer-secret",
        "wrong-secret",
    ]);
    assert!(ok);
    let (ok, v) = w.desk(&["stage", &id]);
    assert!(!ok);
    assert_eq!(
        (
            v["ack"].as_str(),
            v["errorcode"].as_str(),
            v["status"].as_str()
        ),
        (Some("Failure"), Some("signature_invalid"), Some("failed")),
        "{v}"
    );
    assert!(
        v["errormsg"].as_str().unwrap().contains("consumer secret"),
        "{v}"
    );
    assert!(v["raz_id"].is_null());
    let (_, o) = w.desk(&["outbox"]);
    assert_eq!(
        o["outbox"].as_array().unwrap().len(),
        0,
        "a refusal is not retried blindly"
    );
    w.desk(&[
        "setup",
        "--api-base",
        &w.base,
        "--consumer-key",
        &w.consumer.0,
        "--consumer-secret",
        &w.consumer.1,
    ]);
    let (ok, v) = w.desk(&["stage", &id]);
    assert!(ok, "{v}");
    assert_eq!(gateway_stage_count(&w.gateway_db()), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clock_ten_minutes_off_is_corrected_once() {
    let w = World::start().await;
    w.ready().await;
    let id = w.import_omhe("4.txt", "pn=3");
    w.gw.as_ref().unwrap().clock.advance(600);
    let (ok, v) = w.desk(&["stage", &id]);
    assert!(ok, "{v}");
    let c = rusqlite::Connection::open(w.desk_dir.path().join("desk.db")).unwrap();
    let offset: i64 = c
        .query_row(
            "SELECT value FROM settings WHERE name = 'clock_offset'",
            [],
            |r| r.get::<_, String>(0),
        )
        .unwrap()
        .parse()
        .unwrap();
    assert!((595..=605).contains(&offset), "{offset}");
    // The next stage needs no correction.
    let id2 = w.import_omhe("4.txt", "pn=4");
    let (ok, _) = w.desk(&["stage", &id2]);
    assert!(ok);
    assert_eq!(gateway_stage_count(&w.gateway_db()), 2);
}
