//! Receipts with a working code while the gateway cannot be reached (protocol
//! v1.2 reserved codes), against the real gateway on loopback: the pool, three
//! checkouts with the gateway down (each receipt read back with its own code
//! and QR), the outbox sending them when it is back, and each code redeemed
//! with the record printed for it; a gateway without reserved codes.

mod common;
use common::*;
use razcode_protocol::RazId;
use razcode_testkit::pdf_text;
use serde_json::Value;

fn staging_id(v: &Value) -> String {
    v["staging_id"].as_i64().expect("a staging").to_string()
}

/// Imports a one-visit CCR for the patient; its encounter ID.
fn import_visit(w: &World, given: &str, family: &str, mrn: &str) -> String {
    let f = w.desk_dir.path().join(format!("visit-{mrn}.xml"));
    std::fs::write(&f, visit_ccr(given, family, mrn, "2026-12-05T09:30:00Z")).unwrap();
    let (ok, v) = w.desk(&["import", f.to_str().unwrap()]);
    assert!(ok, "{v}");
    v["imported"][0]["encounter"]["id"]
        .as_i64()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn three_patients_leave_with_working_codes_while_the_gateway_is_down() {
    let mut w = World::start().await;
    w.ready().await;
    let (ok, v) = w.desk(&["reserve", "--count", "5"]);
    assert!(ok, "{v}");
    assert_eq!(v["offline_codes"]["available"], 5, "{v}");
    assert_eq!(v["offline_codes"]["gateway_reserves"], true, "{v}");
    let (_, about) = w.desk(&["about"]);
    assert_eq!(about["about"]["offline_codes"]["available"], 5, "{about}");

    let patients = [
        ("Ana", "Ávila", "P-1"),
        ("Bo", "Chen", "P-2"),
        ("Carla", "Díaz", "P-3"),
    ];
    let encounters: Vec<String> = patients
        .iter()
        .map(|(g, f, m)| import_visit(&w, g, f, m))
        .collect();

    // The internet is down: each checkout still hands over a code and its QR.
    w.stop_gateway().await;
    let dir = tempfile::tempdir().unwrap();
    let mut printed = Vec::new();
    for (enc, (given, family, _)) in encounters.iter().zip(patients) {
        let (ok, v) = w.desk(&["stage", enc, "--qr"]);
        assert!(ok, "a code for {given}: {v}");
        assert_eq!(v["status"], "pending", "{v}");
        assert_eq!(v["offline"], true, "{v}");
        assert!(
            v["notice"].as_str().unwrap().contains("Printed offline"),
            "{v}"
        );
        let code = RazId::parse(v["raz_id"].as_str().unwrap()).unwrap();
        let redeem = format!("{}/r/{}", w.base, code.compact());
        assert_eq!(v["raz_uri"], redeem.as_str());
        let staging = staging_id(&v);
        let pdf = w.desk_dir.path().join(format!("receipt-{given}.pdf"));
        let (ok, r) = w.desk(&["receipt", &staging, "--out", pdf.to_str().unwrap()]);
        assert!(ok, "{r}");
        let text = pdf_text(&pdf);
        assert!(text.contains(&code.grouped()), "{text}");
        assert!(text.contains(&format!("{given} {family}")), "{text}");
        assert_eq!(qr_on_page(&pdf, dir.path()), redeem);
        printed.push((staging, code, family));
    }
    let mut codes: Vec<String> = printed.iter().map(|(_, c, _)| c.compact()).collect();
    codes.dedup();
    assert_eq!(codes.len(), 3, "three different codes: {codes:?}");
    // They wait in the outbox, each with its printed code.
    let (_, o) = w.desk(&["outbox"]);
    let waiting = o["outbox"].as_array().unwrap();
    assert_eq!(waiting.len(), 3, "{o}");
    for (staging, code, _) in &printed {
        let s = waiting
            .iter()
            .find(|s| s["id"].as_i64().unwrap().to_string() == *staging)
            .unwrap_or_else(|| panic!("staging {staging} in the outbox: {o}"));
        assert_eq!(s["raz_id"], code.grouped().as_str());
        assert_eq!(s["offline"], true);
    }
    let (_, about) = w.desk(&["about"]);
    assert_eq!(about["about"]["offline_codes"]["available"], 2, "{about}");

    // Back online: the outbox sends them, and each keeps its printed code.
    w.restart_gateway().await;
    let (ok, r) = w.desk(&["outbox", "--retry"]);
    assert!(ok, "{r}");
    assert_eq!(r["waiting"], 0, "{r}");
    let (_, h) = w.desk(&["history"]);
    for (staging, code, _) in &printed {
        let e = h["history"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"].as_i64().unwrap().to_string() == *staging)
            .unwrap();
        assert_eq!(e["status"], "staged", "{e}");
        assert_eq!(e["raz_id"], code.grouped().as_str(), "{e}");
    }
    w.history_matches_the_gateway();
    // Each code opens the record printed for it.
    for (_, code, family) in &printed {
        let browser = w.claim(&code.grouped()).await;
        let page = browser
            .get(format!("{}/r/{}/record", w.base, code.compact()))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains(family), "{family}'s record: {page}");
        for (_, other, other_family) in &printed {
            if other != code {
                assert!(!page.contains(other_family), "{page}");
            }
        }
    }
    // The gateway answered with the pool below half: it was topped up.
    let (_, about) = w.desk(&["about"]);
    assert_eq!(about["about"]["offline_codes"]["available"], 25, "{about}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_offline_receipt_carries_a_link_whose_key_only_the_desk_made() {
    let mut w = World::start().await;
    w.ready().await;
    let (ok, v) = w.desk(&["reserve", "--count", "3"]);
    assert!(ok, "{v}");
    let enc = import_visit(&w, "Dana", "Eze", "P-9");
    w.stop_gateway().await;
    let (ok, v) = w.desk(&["stage", &enc, "--shl-passcode"]);
    assert!(ok, "{v}");
    assert_eq!(v["offline"], true, "{v}");
    let code = RazId::parse(v["raz_id"].as_str().unwrap()).unwrap();
    let staging = staging_id(&v);
    let pdf = w.desk_dir.path().join("receipt-link.pdf");
    let (ok, r) = w.desk(&["receipt", &staging, "--out", pdf.to_str().unwrap()]);
    assert!(ok, "{r}");
    let dir = tempfile::tempdir().unwrap();
    let scanned = qr_on_page(&pdf, dir.path());
    let (page, link) = scanned.split_once('#').expect("raz_uri#shlink:/...");
    assert_eq!(page, format!("{}/r/{}", w.base, code.compact()));
    // The link read by hand, as the specification writes it.
    use base64::Engine as _;
    let payload: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(link.strip_prefix("shlink:/").expect("a SMART Health Link"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(payload["flag"], "P", "{payload}");
    let manifest = payload["url"].as_str().unwrap().to_string();
    assert!(
        manifest.starts_with(&format!("{}/shl/", w.base)),
        "{payload}"
    );
    let key = payload["key"].as_str().unwrap().to_string();
    // The passcode is printed on its own page, as for links made online.
    let slip = tool(
        "pdftotext",
        &["-f", "2", "-l", "2", pdf.to_str().unwrap(), "-"],
    );
    let passcode = slip
        .split_whitespace()
        .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no passcode on page 2: {slip}"))
        .to_string();

    // Back online, the outbox sends the visit, its file under the desk's key.
    w.restart_gateway().await;
    let (ok, r) = w.desk(&["outbox", "--retry"]);
    assert!(ok, "{r}");
    assert_eq!(r["waiting"], 0, "{r}");
    let http = reqwest::Client::new();
    let ask = |body: Value| http.post(&manifest).json(&body).send();
    let r = ask(serde_json::json!({"recipient": "Dana's app"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "the printed passcode is asked for");
    let m: Value = ask(serde_json::json!({"recipient": "Dana's app", "passcode": passcode}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jwe = m["files"][0]["embedded"]
        .as_str()
        .expect("an embedded file");
    // Opened by an independent JOSE implementation; a valid FHIR R4 Bundle
    // of Dana's visit.
    let (plain, _) = razcode_testkit::checkers::jwe_open(&key, jwe).unwrap();
    let bundle: Value = serde_json::from_slice(&plain).unwrap();
    razcode_testkit::checkers::validate_fhir(&[("offline".into(), bundle.clone())]).unwrap();
    assert!(bundle.to_string().contains("Eze"), "{bundle}");
    // The code, once sent, keeps the link printed; the desk's viewer opens it.
    let again = w.desk_dir.path().join("receipt-link-again.pdf");
    let (ok, _) = w.desk(&["receipt", &staging, "--out", again.to_str().unwrap()]);
    assert!(ok);
    assert_eq!(qr_on_page(&again, dir.path()), scanned);
    let (ok, v) = w.desk(&["shl", "open", &scanned, "--passcode", &passcode]);
    assert!(ok, "{v}");
    assert_eq!(v["link"]["files"][0]["content"], bundle);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gateway_without_reserved_codes_keeps_today_s_outbox() {
    let mut w = World::start().await;
    w.ready().await;
    let real = w.base.clone();
    w.set_api_base(&v11_gateway(&real).await);
    let (ok, v) = w.desk(&["reserve"]);
    assert!(!ok, "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("cannot give codes for offline use"),
        "{message}"
    );
    let (_, about) = w.desk(&["about"]);
    assert_eq!(
        about["about"]["offline_codes"]["gateway_reserves"], false,
        "{about}"
    );
    // A checkout staged through it works, and asks for no codes.
    let a = w.import_omhe("a.txt", "bp=118/76p64");
    let (ok, v) = w.desk(&["stage", &a, "--qr"]);
    assert!(ok, "{v}");
    assert_eq!(v["status"], "staged");
    // Down: the checkout waits in the outbox with no code, as before.
    w.stop_gateway().await;
    let b = w.import_omhe("b.txt", "wt=61.2k");
    let (ok, v) = w.desk(&["stage", &b, "--qr"]);
    assert!(!ok, "{v}");
    assert_eq!(v["status"], "pending", "{v}");
    assert!(v["raz_id"].is_null(), "no code without the gateway: {v}");
    assert!(v.get("offline").is_none(), "{v}");
}
