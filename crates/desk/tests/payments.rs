//! Payments from the desk against the real gateway: the receipt promises only
//! what exists (pay online with the practice's payment link, else at the
//! clinic), and a payment notice shows as paid after a refresh.

mod common;
use common::*;
use hmac::{Hmac, Mac};
use razcode_gateway::store::Store;
use sha2::Sha256;

const SECRET: &str = "notice-secret-0123456789";

fn receipt_text(w: &World, staging: &str) -> String {
    let pdf = w.desk_dir.path().join(format!("receipt-{staging}.pdf"));
    let (ok, v) = w.desk(&["receipt", staging, "--out", pdf.to_str().unwrap()]);
    assert!(ok, "{v}");
    let out = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The history entries, newest first.
fn history(w: &World, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["history"];
    all.extend_from_slice(args);
    let (ok, v) = w.desk(&all);
    assert!(ok, "{v}");
    v["history"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn receipts_say_where_to_pay_and_a_notice_shows_as_paid() {
    let w = World::start().await;
    w.ready().await;
    let a = w.import_omhe("a.txt", "bp=118/76p64");
    let b = w.import_omhe("b.txt", "wt=61.2k");
    let bill = [
        "--amount",
        "25.00",
        "--currency",
        "USD",
        "--due-date",
        "2026-01-15",
    ];

    // No payment link: the receipt says to pay at the clinic.
    let mut args = vec!["stage", a.as_str(), "--qr"];
    args.extend_from_slice(&bill);
    let (ok, first) = w.desk(&args);
    assert!(ok, "{first}");
    let s1 = first["staging_id"].to_string();
    let text = receipt_text(&w, &s1);
    assert!(text.contains("Please pay this bill at"), "{text}");
    assert!(!text.contains("pay from your phone"), "{text}");

    // With the practice's link, the receipt says the patient can pay online.
    let store = Store::open(&w.gateway_db()).unwrap();
    assert!(store
        .set_org_payment(
            ORG_EMAIL,
            Some("https://pay.clinic.example/?ref={reference}&amount={amount}"),
            Some(SECRET),
        )
        .unwrap());
    let mut args = vec!["stage", b.as_str(), "--qr"];
    args.extend_from_slice(&bill);
    let (ok, second) = w.desk(&args);
    assert!(ok, "{second}");
    let s2 = second["staging_id"].to_string();
    let text = receipt_text(&w, &s2);
    assert!(text.contains("pay from your phone"), "{text}");

    // Both bills are overdue (due in January); none is paid.
    let entries = history(&w, &["--unpaid"]);
    assert_eq!(entries.len(), 2);
    assert!(
        entries.iter().all(|e| e["payment"] == "overdue"),
        "{entries:?}"
    );

    // The portal says the second one is paid.
    let body = serde_json::json!({
        "raz_id": second["raz_id"],
        "amount": "25.00",
        "currency": "USD",
        "paid_at": "2026-12-02T10:15:00Z",
        "transaction_id": "tx-1",
    })
    .to_string();
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    let sig: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let r = reqwest::Client::new()
        .post(format!("{}/payments/notify", w.base))
        .header("X-Razcode-Signature", format!("sha256={sig}"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // Not known here until the desk asks.
    let entries = history(&w, &[]);
    let e2 = entries
        .iter()
        .find(|e| e["id"] == second["staging_id"])
        .unwrap();
    assert_eq!(e2["payment"], "overdue");
    let entries = history(&w, &["--refresh"]);
    let e2 = entries
        .iter()
        .find(|e| e["id"] == second["staging_id"])
        .unwrap();
    assert_eq!(e2["payment"], "paid", "{e2}");
    assert_eq!(e2["paid_at"], "2026-12-02T10:15:00Z");
    let unpaid = history(&w, &["--unpaid"]);
    assert_eq!(unpaid.len(), 1);
    assert_eq!(unpaid[0]["id"], first["staging_id"]);
}
