//! A patient's request for a new code (protocol v1.2), end to end against the
//! real gateway and a real SMTP server: the code expires (the gateway's clock
//! moved, as the lifecycle tests do), its page takes a request, the desk
//! lists it (`history --requests`), one reissue emails the new code to the
//! address the patient gave, and the new code works.

mod common;
use common::*;
use razcode_testkit::{free_port, smtp};
use serde_json::Value;

fn requests(w: &World) -> Value {
    let (ok, v) = w.desk(&["history", "--requests", "--refresh"]);
    assert!(ok, "{v}");
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_code_s_patient_gets_a_new_one_by_email() {
    let w = World::start().await;
    w.ready().await;
    w.desk(&["clinic", "--name", "Harbor Street Clinic"]);
    let port = free_port();
    let mail = smtp::Smtp::start(port);
    let (ok, v) = w.smtp_on_loopback(port);
    assert!(ok, "{v}");
    let enc = w.import_omhe("visit.txt", "bp=118/76p64");
    let (ok, v) = w.desk(&["stage", &enc, "--qr"]);
    assert!(ok, "{v}");
    let staging = v["staging_id"].as_i64().unwrap();
    let old = v["raz_id"].as_str().unwrap().to_string();
    assert_eq!(requests(&w)["requests"], serde_json::json!([]));

    // 31 days later the code has lapsed; its page takes a request.
    w.gw.as_ref().unwrap().clock.advance(31 * 86_400);
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = format!("{}/r/{}", w.base, old.replace('-', ""));
    let page = browser.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 410);
    let html = page.text().await.unwrap();
    assert!(html.contains("Ask the clinic for a new code"), "{html}");
    let csrf = approval_page::hidden(&html, "csrf");
    let r = browser
        .post(format!("{url}/new-code"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "ana.new@example.org"),
            ("note", "I lost the paper one"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // The desk sees it (a refresh asks the gateway), with the address and note.
    let v = requests(&w);
    let list = v["requests"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{v}");
    assert_eq!(list[0]["staging_id"], staging);
    assert_eq!(list[0]["email"], "ana.new@example.org");
    assert_eq!(list[0]["note"], "I lost the paper one");
    let (_, h) = w.desk(&["history"]);
    let entry = h["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == staging)
        .unwrap();
    assert_eq!(entry["reissue_open"], true, "{entry}");
    assert_eq!(entry["state"], "expired", "{entry}");

    // One reissue: a new code, emailed to the address given.
    let (ok, a) = w.desk(&["reissue", &staging.to_string(), "--request"]);
    assert!(ok, "{a}");
    assert_eq!(a["emailed_to"], "ana.new@example.org");
    let new = a["staging"]["raz_id"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    assert_eq!(a["staging"]["replaces"], staging);
    let msgs = mail.messages();
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert_eq!(msgs[0]["to"], "ana.new@example.org");
    assert!(
        msgs[0]["body"].as_str().unwrap().contains(&new),
        "the new code in the email: {}",
        msgs[0]["body"]
    );
    assert!(
        !msgs[0]["body"].as_str().unwrap().contains("118/76"),
        "no clinical data"
    );
    // Answered: nothing waits, and the new code works.
    assert_eq!(requests(&w)["requests"], serde_json::json!([]));
    let patient = w.claim(&new).await;
    let record = patient
        .get(format!("{}/r/{}/record", w.base, new.replace('-', "")))
        .send()
        .await
        .unwrap();
    assert_eq!(record.status(), 200);
    // Answering again is refused plainly.
    let (ok, v) = w.desk(&["reissue", &staging.to_string(), "--request"]);
    assert!(!ok);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no request"),
        "{v}"
    );
}
