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
