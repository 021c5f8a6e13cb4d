//! SMART Health Links end to end: stage with a link against the real gateway,
//! read the QR of the printed receipt with zbarimg, take the link after `#`,
//! open the manifest's file with jwcrypto (not our code), validate the Bundle
//! with fhir.resources, and see it stop once the code is voided. The viewer
//! (`razdesk shl open`) is checked on a link we did not make.

use razcode_testkit::checkers;
mod common;
use common::*;
use razcode_testkit::fixture;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

const VISIT: &str = "ccr/examples/minimal_clinic_encounter.xml";

/// The QR code on page 1 of a receipt, as a phone would read it.
fn scan(pdf: &Path, dpi: &str) -> String {
    let prefix = pdf.with_extension("scan");
    tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            dpi,
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    scan_qr(&format!("{}.png", prefix.display()))
}

fn base64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_receipts_qr_carries_a_link_that_opens_elsewhere_and_dies_with_the_code() {
    let w = World::start().await;
    w.ready().await;
    let file = fixture(VISIT);
    let (ok, v) = w.desk(&["stage", file.to_str().unwrap(), "--shl-passcode"]);
    assert!(ok, "{v}");
    let image = v["image"].as_str().unwrap().to_string();
    let staging = v["staging_id"].as_i64().unwrap().to_string();
    let raz_id = v["raz_id"].as_str().unwrap().replace('-', "");
    assert!(image.ends_with(".png"), "a QR code: {v}");

    let out = tempfile::tempdir().unwrap();
    let thermal = out.path().join("r80.pdf");
    let (ok, v) = w.desk(&[
        "receipt",
        &staging,
        "--out",
        thermal.to_str().unwrap(),
        "--format",
        "80mm",
    ]);
    assert!(ok, "{v}");
    // Phones scan the 80 mm roll too: decoded from a 200 dpi rendering (a
    // thermal printer's 203 dpi).
    let scanned = scan(&thermal, "200");
    let (page, link) = scanned.split_once('#').expect("raz_uri#shlink:/...");
    assert_eq!(page, format!("{}/r/{raz_id}", w.base));
    assert!(link.starts_with("shlink:/"), "{scanned}");
    let letter = out.path().join("letter.pdf");
    let (ok, _) = w.desk(&[
        "receipt",
        &staging,
        "--out",
        letter.to_str().unwrap(),
        "--format",
        "letter",
    ]);
    assert!(ok);
    assert_eq!(scan(&letter, "150"), scanned);
    // The QR is saved while the code is committed: should its file be gone
    // (the process stopped in between), the receipt draws it again, link included.
    std::fs::remove_file(&image).unwrap();
    let again = out.path().join("again.pdf");
    let (ok, v) = w.desk(&["receipt", &staging, "--out", again.to_str().unwrap()]);
    assert!(ok, "{v}");
    assert_eq!(scan(&again, "150"), scanned);
    assert_eq!(scan_qr(&image), scanned, "the file is saved again");
    let text = tool("pdftotext", &["-layout", thermal.to_str().unwrap(), "-"]);
    assert!(text.contains("SMART Health Links"), "{text}");
    // The passcode is on a page of its own.
    let slip = tool(
        "pdftotext",
        &["-f", "2", "-l", "2", thermal.to_str().unwrap(), "-"],
    );
    let passcode: String = slip
        .split_whitespace()
        .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no passcode on page 2: {slip}"))
        .to_string();
    let page1 = tool(
        "pdftotext",
        &["-f", "1", "-l", "1", thermal.to_str().unwrap(), "-"],
    );
    assert!(!page1.contains(&passcode), "the passcode is kept apart");

    // The link read by hand: base64url JSON, as the specification says.
    use base64::Engine as _;
    let payload: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(link.trim_start_matches("shlink:/"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(payload["flag"], "P");
    let key = payload["key"].as_str().unwrap();
    let http = reqwest::Client::new();
    let manifest = |body: Value| {
        http.post(payload["url"].as_str().unwrap())
            .json(&body)
            .send()
    };
    let m: Value = manifest(json!({"recipient": "Patient's app", "passcode": passcode}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jwe = m["files"][0]["embedded"]
        .as_str()
        .expect("an embedded file");
    let (plain, header) = checkers::jwe_open(key, jwe).unwrap();
    assert_eq!(
        (header["alg"].as_str(), header["enc"].as_str()),
        (Some("dir"), Some("A256GCM"))
    );
    let bundle: Value = serde_json::from_slice(&plain).unwrap();
    checkers::validate_fhir(&[("receipt".into(), bundle.clone())]).unwrap();
    let ccr = razcode_her::ccr::read(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let patient = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["resource"]["resourceType"] == "Patient")
        .unwrap();
    assert_eq!(
        patient["resource"]["name"][0]["text"],
        ccr.patient.name.clone().unwrap().as_str()
    );

    // The desk's viewer sees the same, and needs the passcode.
    let (ok, v) = w.desk(&["shl", "open", &scanned, "--passcode", &passcode]);
    assert!(ok, "{v}");
    assert_eq!(v["link"]["files"][0]["content"], bundle);
    let (ok, v) = w.desk(&["shl", "open", link]);
    assert!(!ok);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("passcode"),
        "{v}"
    );

    // Voided: the link answers 404 and the viewer says why.
    let (ok, v) = w.desk(&["void", &staging, "--reason", "wrong patient"]);
    assert!(ok, "{v}");
    let r = manifest(json!({"recipient": "Patient's app", "passcode": passcode}))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let (ok, v) = w.desk(&["shl", "open", &scanned, "--passcode", &passcode]);
    assert!(!ok);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("withdrawn"),
        "{v}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn qr_is_the_default_and_a_link_needs_asking_for() {
    let w = World::start().await;
    w.ready().await;
    let file = fixture(VISIT);
    let (ok, v) = w.desk(&["stage", file.to_str().unwrap()]);
    assert!(ok, "{v}");
    assert!(
        v["image"].as_str().unwrap().ends_with(".png"),
        "QR by default: {v}"
    );
    let out = tempfile::tempdir().unwrap();
    let pdf = out.path().join("r.pdf");
    let id = v["staging_id"].as_i64().unwrap().to_string();
    assert!(w.desk(&["receipt", &id, "--out", pdf.to_str().unwrap()]).0);
    let scanned = scan(&pdf, "150");
    assert!(!scanned.contains('#'), "no link unless asked: {scanned}");
    // The clinic's settings: a link on every code, and the Tag image only by choice.
    let (ok, v) = w.desk(&["clinic", "--shl", "on"]);
    assert!(ok && v["shl"] == "on" && v["barcode"] == "qr", "{v}");
    let (ok, v) = w.desk(&["clinic", "--shl", "sometimes"]);
    assert!(
        !ok && v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("off, on or passcode"),
        "{v}"
    );
    let omhe = w.import_omhe("bp.txt", "bp=120/80p60");
    let (ok, v) = w.desk(&["stage", &omhe]);
    assert!(ok, "{v}");
    let id = v["staging_id"].as_i64().unwrap().to_string();
    let pdf = out.path().join("r2.pdf");
    assert!(w.desk(&["receipt", &id, "--out", pdf.to_str().unwrap()]).0);
    let scanned = scan(&pdf, "150");
    let link = scanned
        .split_once("#")
        .expect("a link from the clinic's setting")
        .1;
    let (ok, v) = w.desk(&["shl", "open", link]);
    assert!(ok, "{v}");
    let bundle = &v["link"]["files"][0]["content"];
    assert!(
        bundle.to_string().contains("85354-9"),
        "the blood pressure panel: {bundle}"
    );
    let (ok, v) = w.desk(&["stage", &omhe, "--tag", "--no-shl"]);
    assert!(ok, "{v}");
    assert!(
        v["image"].as_str().unwrap().ends_with(".jpg"),
        "the Tag image when asked: {v}"
    );
}

/// A link made by hand from the specification's shape, with its file
/// encrypted by jwcrypto under a known key and served as a plain file (flag U).
#[tokio::test(flavor = "multi_thread")]
async fn the_viewer_opens_a_link_we_did_not_make() {
    let dir = tempfile::tempdir().unwrap();
    let key = base64url(&[7u8; 32]);
    let bundle = json!({"resourceType": "Bundle", "type": "collection", "entry": []});
    let script = "import sys\nfrom jwcrypto import jwe, jwk\nk = jwk.JWK(kty='oct', k=sys.argv[1])\n\
        t = jwe.JWE(sys.argv[2].encode(), protected={'alg': 'dir', 'enc': 'A256GCM', 'cty': 'application/fhir+json'})\n\
        t.add_recipient(k)\nprint(t.serialize(compact=True))\n";
    let out = Command::new(checkers::python())
        .args(["-c", script, &key, &bundle.to_string()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(dir.path().join("file.jwe"), out.stdout).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(checkers::python())
        .args([
            "-m",
            "http.server",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/file.jwe");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // Keys in the order the specification's examples give them.
    let payload = format!(
        r#"{{"url":"{url}","flag":"U","key":"{key}","label":"Hand-made test link","v":1}}"#
    );
    let link = format!(
        "https://viewer.example/#shlink:/{}",
        base64url(payload.as_bytes())
    );
    let dd = tempfile::tempdir().unwrap();
    let (ok, v) = desk_in(dd.path(), &["shl", "open", &link]);
    assert!(ok, "{v}");
    assert_eq!(v["link"]["label"], "Hand-made test link");
    assert_eq!(v["link"]["flag"], "U");
    assert_eq!(v["link"]["files"][0]["content"], bundle);
    assert_eq!(
        v["link"]["files"][0]["content_type"],
        "application/fhir+json"
    );
    // A wrong key is refused in words, not shown as garbage.
    let bad = format!(
        "shlink:/{}",
        base64url(
            format!(
                r#"{{"url":"{url}","flag":"U","key":"{}"}}"#,
                base64url(&[8u8; 32])
            )
            .as_bytes()
        )
    );
    let (ok, v) = desk_in(dd.path(), &["shl", "open", &bad]);
    let _ = server.kill();
    let _ = server.wait();
    assert!(!ok);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not decrypt"),
        "{v}"
    );
}

/// A v1 gateway ignores `razcode_shl`: the code is made and works, the QR holds
/// the redemption address only, and the desk says plainly why there is no link.
#[tokio::test(flavor = "multi_thread")]
async fn a_gateway_without_links_still_gives_a_code_and_the_desk_says_so() {
    let w = World::start().await;
    w.ready().await;
    let id = w.import_omhe("old.txt", "bp=125/82");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let uri = format!("{base}/r/7KQ29XD4HRBM");
    let answer = format!("ACK=Success&raz_id=7KQ2-9XD4-HRBM&raz_uri={uri}&pmt=invalid");
    let app = axum::Router::new().fallback(move || {
        let a = answer.clone();
        async move {
            (
                axum::http::StatusCode::OK,
                [("content-type", "application/x-www-form-urlencoded")],
                a,
            )
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    w.set_api_base(&base);
    let (ok, v) = w.desk(&["stage", &id, "--shl"]);
    assert!(ok, "{v}");
    assert_eq!(v["raz_id"], "7KQ2-9XD4-HRBM");
    assert!(
        v["notice"]
            .as_str()
            .unwrap_or_default()
            .contains("no SMART Health Link"),
        "{v}"
    );
    let out = tempfile::tempdir().unwrap();
    let pdf = out.path().join("r.pdf");
    let staging = v["staging_id"].as_i64().unwrap().to_string();
    assert!(
        w.desk(&["receipt", &staging, "--out", pdf.to_str().unwrap()])
            .0
    );
    assert_eq!(
        scan(&pdf, "150"),
        uri,
        "the QR holds the redemption address only"
    );
    let text = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    assert!(
        !text.contains("SMART Health Links"),
        "no promise of a link: {text}"
    );
}
