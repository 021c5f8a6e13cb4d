//! Who opened a code's record (protocol v1.2), as staff see it: `razdesk
//! accesses` (text and JSON, by staging number or RAZCODE ID) and the count
//! in `history`, against the real gateway after a patient's browser and a
//! SMART Health Link client opened the code; a v1.1 gateway said plainly.

mod common;
use common::*;
use serde_json::Value;

fn events(v: &Value) -> Vec<&str> {
    v["accesses"]
        .as_array()
        .unwrap_or_else(|| panic!("a list: {v}"))
        .iter()
        .map(|a| a["event"].as_str().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_see_who_opened_each_code() {
    let w = World::start().await;
    w.ready().await;
    let enc = w.import_omhe("visit.txt", "bp=118/76p64");
    let (ok, v) = w.desk(&["stage", &enc, "--qr", "--shl"]);
    assert!(ok, "{v}");
    let staging = v["staging_id"].as_i64().unwrap().to_string();
    let raz_id = v["raz_id"].as_str().unwrap().to_string();
    let image = v["image"].as_str().unwrap().to_string();
    let (ok, v) = w.desk(&["accesses", &staging]);
    assert!(ok, "{v}");
    assert!(events(&v).is_empty(), "{v}");

    // The patient opens and claims it, reads the record; an app opens the link.
    let browser = w.claim(&raz_id).await;
    let record = format!("{}/r/{}/record", w.base, raz_id.replace('-', ""));
    assert_eq!(browser.get(&record).send().await.unwrap().status(), 200);
    // The code's QR, as a phone reads it: the redemption page, the link after `#`.
    let scanned = scan_qr(image.as_str());
    let (_, link) = scanned.split_once('#').expect("raz_uri#shlink:/...");
    let (ok, v) = w.desk(&["shl", "open", link, "--recipient", "Dana's phone"]);
    assert!(ok, "{v}");

    // By number and by code, the same list, oldest first.
    let (ok, by_number) = w.desk(&["accesses", &staging]);
    assert!(ok, "{by_number}");
    assert_eq!(
        events(&by_number),
        ["page_opened", "claimed", "record_viewed", "shl_manifest"]
    );
    assert_eq!(by_number["accesses"][3]["recipient"], "Dana's phone");
    let (ok, by_code) = w.desk(&["accesses", &raz_id]);
    assert!(ok);
    assert_eq!(by_code["accesses"], by_number["accesses"]);
    // In words for people.
    let out = razdesk()
        .arg("--data-dir")
        .arg(w.desk_dir.path())
        .args(["accesses", &raz_id])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("A health app opened the link: Dana's phone"),
        "{text}"
    );
    assert!(text.contains("The record was viewed"), "{text}");

    // History keeps the count and the last time, refreshed with the states.
    let (ok, h) = w.desk(&["history", "--refresh"]);
    assert!(ok, "{h}");
    let e = h["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["raz_id"] == raz_id.as_str())
        .unwrap();
    // The status request is not an access; the list asked for none either.
    assert_eq!(e["access_count"], 4, "{e}");
    assert_eq!(e["last_access_at"], by_number["accesses"][3]["at"], "{e}");

    // What is not a code here is said so.
    let (ok, v) = w.desk(&["accesses", "ZZZZ-ZZZZ-ZZZZ"]);
    assert!(!ok);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("No staging on this desk"),
        "{v}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_v11_gateway_cannot_say_who_opened_a_code() {
    let w = World::start().await;
    w.ready().await;
    let enc = w.import_omhe("visit.txt", "wt=61.2k");
    let (ok, v) = w.desk(&["stage", &enc, "--qr"]);
    assert!(ok, "{v}");
    let staging = v["staging_id"].as_i64().unwrap().to_string();
    let real = w.base.clone();
    w.set_api_base(&v11_gateway(&real).await);
    let (ok, v) = w.desk(&["accesses", &staging]);
    assert!(!ok, "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains("cannot say who opened"), "{message}");
}

/// The `csrf` field of the form on the page at `url`.
async fn form_tag(browser: &reqwest::Client, url: &str) -> String {
    let html = browser.get(url).send().await.unwrap().text().await.unwrap();
    approval_page::hidden(&html, "csrf")
}

#[tokio::test(flavor = "multi_thread")]
async fn every_kind_of_access_reaches_the_desk() {
    let w = World::start().await;
    w.ready().await;
    let enc = w.import_omhe("visit.txt", "wt=61.2k");
    let (ok, v) = w.desk(&["stage", &enc, "--qr", "--shl-passcode"]);
    assert!(ok, "{v}");
    let staging = v["staging_id"].as_i64().unwrap().to_string();
    let raz_id = v["raz_id"].as_str().unwrap().to_string();
    let scanned = scan_qr(v["image"].as_str().unwrap());
    let (_, link) = scanned.split_once('#').expect("raz_uri#shlink:/...");
    let link = razcode_protocol::shl::Payload::decode(link).unwrap();
    // The passcode, from the receipt's page of its own.
    let pdf = w.desk_dir.path().join("receipt.pdf");
    let (ok, _) = w.desk(&["receipt", &staging, "--out", pdf.to_str().unwrap()]);
    assert!(ok);
    let slip = tool(
        "pdftotext",
        &["-f", "2", "-l", "2", pdf.to_str().unwrap(), "-"],
    );
    let passcode = slip
        .split_whitespace()
        .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
        .expect("the passcode")
        .to_string();

    // The patient's browser: the page and the claim, the record, both downloads.
    let browser = w.claim(&raz_id).await;
    let code_url = format!("{}/r/{}", w.base, raz_id.replace('-', ""));
    for suffix in ["/record", "/download", "/fhir"] {
        let r = browser
            .get(format!("{code_url}{suffix}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{suffix}");
    }
    // A health app: a wrong passcode, the manifest, the file by its address.
    let http = reqwest::Client::new();
    let manifest = |body: Value| http.post(&link.url).json(&body).send();
    let r = manifest(serde_json::json!({"recipient": "Dana's phone", "passcode": "000000"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let m: Value = manifest(serde_json::json!({
        "recipient": "Dana's phone", "passcode": passcode, "embeddedLengthMax": 10
    }))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let file = m["files"][0]["location"].as_str().expect("a file address");
    assert_eq!(http.get(file).send().await.unwrap().status(), 200);
    // The patient deletes it; the clinic voids the code; the patient asks for a new one.
    let tag = form_tag(&browser, &format!("{code_url}/record")).await;
    let r = browser
        .post(format!("{code_url}/delete"))
        .form(&[("csrf", tag.as_str()), ("action", "delete")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (ok, v) = w.desk(&["void", &staging, "--reason", "sent again"]);
    assert!(ok, "{v}");
    let tag = form_tag(&browser, &code_url).await;
    let r = browser
        .post(format!("{code_url}/new-code"))
        .form(&[("csrf", tag.as_str()), ("email", "dana@example.org")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let (ok, v) = w.desk(&["accesses", &raz_id]);
    assert!(ok, "{v}");
    let seen = events(&v);
    for e in razcode_protocol::AccessEvent::ALL {
        assert!(seen.contains(&e.as_str()), "{e} in {seen:?}");
    }
    let first = |e: &str| seen.iter().position(|s| *s == e).unwrap();
    assert!(first("claimed") < first("record_downloaded"));
    assert!(first("passcode_refused") < first("shl_manifest"));
    assert!(first("deleted_by_patient") < first("voided"));
    assert_eq!(seen.last(), Some(&"reissue_requested"), "{seen:?}");
    // Every event in words, none left as its id.
    let out = razdesk()
        .arg("--data-dir")
        .arg(w.desk_dir.path())
        .args(["accesses", &staging])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("page-access-"), "{text}");
    assert!(
        text.contains("A wrong passcode was given for the link: Dana's phone"),
        "{text}"
    );
    assert!(text.contains("A new code was asked for"), "{text}");
}
