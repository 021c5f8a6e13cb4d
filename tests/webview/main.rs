//! The desktop app driven through its real webview (WebDriver): first run on
//! the sandbox, activation against a gateway, import, stage, the code and its
//! barcode, a receipt, the history; and a gateway that stops mid-day.
//! Each test takes the screenshots in docs/ of the screens it passes through.

mod driver;
use razcode_testkit::{approval_page, smtp};

use driver::*;
use razcode_desk::store::{Staging, StagingStatus};
use razcode_desk::Desk;
use razcode_gateway::{Config, Gateway};
use serde_json::json;
use std::net::SocketAddr;
use std::path::Path;
use thirtyfour::prelude::*;

fn staged_codes(dir: &Path) -> Vec<(String, Option<String>)> {
    let desk = Desk::open(dir).expect("the app's data folder opens");
    desk.history(None)
        .expect("history")
        .into_iter()
        .map(|h| h.staging)
        .filter(|s| s.status == StagingStatus::Staged)
        .map(|s| (s.raz_id.unwrap_or_default(), s.image_path))
        .collect()
}

/// Acts as the clinic's payment portal: sets the sandbox practice's notice
/// secret and sends the signed notice that the code's bill is paid.
async fn pay_on_the_portal(dir: &Path, base: &str, code: &str, amount: &str, currency: &str) {
    use hmac::Mac;
    const SECRET: &str = "portal-secret-0123456789";
    let store = razcode_gateway::store::Store::open(&dir.join("sandbox/gateway.db"))
        .expect("the sandbox gateway's database");
    store
        .set_org_payment(razcode_gateway::sandbox::ORG_EMAIL, None, Some(SECRET))
        .expect("notice secret set");
    let body = serde_json::json!({
        "raz_id": code,
        "amount": amount,
        "currency": currency,
        "paid_at": "2026-12-02T10:15:00Z",
        "transaction_id": format!("portal-{code}"),
    })
    .to_string();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).expect("key");
    mac.update(body.as_bytes());
    let sig: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let r = reqwest::Client::new()
        .post(format!("{base}/payments/notify"))
        .header("X-Razcode-Signature", format!("sha256={sig}"))
        .body(body)
        .send()
        .await
        .expect("notice sent");
    assert_eq!(r.status(), 200, "the gateway took the notice");
}

/// The staging of a code shown on screen.
fn staging_of(dir: &Path, shown: &str) -> Staging {
    let desk = Desk::open(dir).expect("the app's data folder opens");
    desk.history(None)
        .expect("history")
        .into_iter()
        .map(|h| h.staging)
        .find(|s| s.raz_id.as_deref().map(compact) == Some(compact(shown)))
        .unwrap_or_else(|| {
            let known: Vec<_> = desk
                .history(None)
                .unwrap_or_default()
                .into_iter()
                .map(|h| (h.staging.id, h.staging.raz_id, h.staging.status))
                .collect();
            panic!("no staging with code {shown}; the desk has {known:?}")
        })
}

/// The grouped ID on screen, as the compact ID the desk stored.
fn compact(shown: &str) -> String {
    shown
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

use razcode_testkit::pdf_text;

async fn open_encounter_of(d: &WebDriver, patient: &str) {
    let p = patient.to_string();
    // The worklist is drawn again when the sandbox's gateway comes up after
    // the first paint: a row found just before may be gone when clicked, so
    // the row is found and clicked again until the encounter opens.
    until(d, &format!("{patient} in the worklist, opened"), || {
        let p = p.clone();
        async move {
            for b in d
                .find_all(By::Css("#worklist button[data-encounter]"))
                .await
                .map_err(|e| e.to_string())?
            {
                if b.text().await.map_err(|e| e.to_string())? == p {
                    b.click().await.map_err(|e| e.to_string())?;
                    return Ok(Some(()));
                }
            }
            Err("not listed".into())
        }
    })
    .await;
    text_where(d, "prev-patient", |t| t == patient).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_first_run_to_receipt_and_history() {
    let h = Harness::start();
    let data = tempfile::tempdir().expect("tempdir");
    let dir = data.path().join("desk");
    let dir_arg = dir.display().to_string();
    let d = h.app(&["--data-dir", &dir_arg]).await;
    let run = async {
        // First run: nothing set up, two choices.
        shown(&d, "screen-firstrun").await;
        screenshot(&d, "first-run").await;
        click(&d, "choose-sandbox").await;

        // The sandbox: the demo practice is activated and sample visits wait.
        shown(&d, "screen-worklist").await;
        text_where(&d, "org", |t| t.contains("Sandbox Family Practice")).await;
        until(&d, "the sample encounters", || async {
            let rows = d
                .find_all(By::Css("#worklist tbody tr"))
                .await
                .map_err(|e| e.to_string())?;
            Ok((rows.len() >= 4).then_some(()))
        })
        .await;

        // Import a CCR fixture through the file picker.
        pick_files(&d, &[&fixture("ccr/samples/nist_ccr_sample1.xml")]).await;
        text_where(&d, "import-results", |t| {
            t.contains("nist_ccr_sample1.xml: imported")
        })
        .await;
        screenshot(&d, "worklist").await;

        // The encounter: a preview of exactly what is sent; leave problems out.
        open_encounter_of(&d, "John Stuart").await;
        click_css(
            &d,
            "input[data-section=problems]",
            "the problems section's box",
        )
        .await;
        until(&d, "problems to be left out", || async {
            let fs = d
                .find(By::Css(
                    "fieldset.section.left-out input[data-section=problems]",
                ))
                .await;
            Ok(fs.ok().map(|_| ()))
        })
        .await;
        type_into(&d, "pay-amount", "25.00").await;
        type_into(&d, "pay-currency", "USD").await;
        // QR is the default; the gateway's Tag image is still a choice.
        click(&d, "bc-tag").await;
        screenshot(&d, "encounter").await;
        // Enter stages.
        press(&d, "pay-currency", Key::Enter).await;

        // The code screen shows what the gateway answered, and its Tag.
        shown(&d, "screen-code").await;
        let grouped = text_where(&d, "code-id", |t| compact(t).len() >= 8).await;
        let info = text_where(&d, "code-info", |t| t.contains("Valid until")).await;
        assert!(info.contains("$25.00"), "amount due on screen: {info}");
        let loaded: bool = d
            .execute(
                "const i = document.getElementById('code-barcode'); return i.complete && i.naturalWidth > 100;",
                vec![],
            )
            .await
            .expect("script")
            .convert()
            .expect("a boolean");
        assert!(loaded, "the barcode image is on screen");
        screenshot(&d, "code").await;
        let codes = staged_codes(&dir);
        let (raz_id, image) = codes.last().cloned().expect("one staged code in the desk");
        assert_eq!(
            compact(&grouped),
            compact(&raz_id),
            "the screen shows the stored code"
        );
        // The Tag on screen is the gateway's image for this very code.
        let img = image::open(image.expect("a barcode file")).expect("the Tag image");
        let decoded = razcode_gateway::tag::decode(&img.to_rgb8()).expect("the Tag decodes");
        assert_eq!(decoded.compact(), compact(&raz_id));

        // A receipt, saved as a PDF, carries the code.
        click(&d, "code-save").await;
        let saved = text_where(&d, "code-delivery", |t| t.starts_with("Receipt saved: ")).await;
        let file = saved
            .trim_start_matches("Receipt saved: ")
            .trim()
            .to_string();
        let bytes = std::fs::read(&file).expect("the receipt file");
        assert!(bytes.starts_with(b"%PDF"), "a PDF");
        let text = pdf_text(Path::new(&file));
        assert!(
            text.contains("John Stuart"),
            "patient on the receipt: {text}"
        );
        assert!(
            compact(&text).contains(&compact(&raz_id)),
            "code on the receipt: {text}"
        );

        // Quick entry: a visit typed at the desk becomes a record to stage.
        press(&d, "main", Key::Escape).await;
        shown(&d, "screen-worklist").await;
        click(&d, "quick-open").await;
        type_into(&d, "q-given", "Zoë").await;
        type_into(&d, "q-family", "Ng").await;
        type_into(&d, "q-sys", "12O").await;
        type_into(&d, "q-dia", "80").await;
        click(&d, "quick-save").await;
        // A typo is named, and nothing is added.
        text_where(&d, "error-text", |t| t.contains("Systolic")).await;
        type_into(&d, "q-sys", "120").await;
        click(&d, "quick-save").await;
        text_where(&d, "prev-patient", |t| t == "Zoë Ng").await;
        let vitals = text_where(&d, "enc-preview", |t| t.contains("Systolic")).await;
        assert!(vitals.contains("120"), "{vitals}");

        // Esc goes back; the history lists the code and its receipt.
        press(&d, "main", Key::Escape).await;
        shown(&d, "screen-worklist").await;
        click(&d, "nav-history").await;
        let row = text_where(&d, "history", |t| t.contains(&raz_id)).await;
        assert!(row.contains("Issued") && row.contains("file"), "{row}");

        // About: the version, this desk's data folder, its gateway, licences.
        click(&d, "about-open").await;
        let about = text_where(&d, "about-dialog", |t| t.contains("Version")).await;
        assert!(
            about.contains(env!("CARGO_PKG_VERSION"))
                && about.contains(&data.path().display().to_string())
                && about.contains("the sandbox")
                && about.contains("OFL-1.1"),
            "{about}"
        );
        let crates = text_where(&d, "about-crates-summary", |t| t.contains("crates")).await;
        let n: usize = crates.split(' ').next().unwrap_or("0").parse().unwrap_or(0);
        assert!(n > 100, "{crates}");
        audit(&d, "about").await;
        click(&d, "about-close").await;

        // Settings: the print queue and a watched folder.
        let printer = std::env::var("RAZDESK_TEST_PRINTER").unwrap_or_else(|_| "RAZPDF".into());
        let watched = data.path().join("ehr-export");
        std::fs::create_dir_all(&watched).expect("watched folder");
        click(&d, "nav-settings").await;
        text_where(&d, "set-gateway", |t| t.contains("Sandbox gateway")).await;
        click_css(
            &d,
            &format!("#set-printer option[value='{printer}']"),
            "the print queue (scripts/setup-test.sh adds it)",
        )
        .await;
        type_into(&d, "set-watch", &watched.display().to_string()).await;
        type_into(&d, "set-clinic-name", "Harbor Street Clinic").await;
        // SMART Health Links on receipts (used at the end of this run).
        click_css(
            &d,
            "#set-shl option[value='on']",
            "the SMART Health Link setting",
        )
        .await;
        // A real SMTP server on loopback (plain SMTP is allowed to this computer only).
        let mail = smtp::Smtp::start(free_port());
        type_into(&d, "set-smtp-host", "127.0.0.1").await;
        type_into(&d, "set-smtp-port", &mail.port.to_string()).await;
        click_css(
            &d,
            "#set-smtp-security option[value='none']",
            "no TLS (to loopback)",
        )
        .await;
        type_into(
            &d,
            "set-smtp-from",
            "Harbor Street Clinic <desk@clinic.example>",
        )
        .await;
        // A CA file that is not there is named when saving, not at the first email.
        let missing_ca = data.path().join("clinic-ca.pem");
        type_into(&d, "set-smtp-ca-file", &missing_ca.display().to_string()).await;
        click(&d, "settings-save").await;
        let refused = text_where(&d, "error-text", |t| t.contains("CA file")).await;
        assert!(refused.contains("clinic-ca.pem"), "{refused}");
        click(&d, "error-close").await;
        type_into(&d, "set-smtp-ca-file", "").await;
        click(&d, "settings-save").await;
        text_where(&d, "notice", |t| t.contains("Settings saved")).await;
        d.execute(
            "document.activeElement.blur(); window.scrollTo(0, 0);",
            vec![],
        )
        .await
        .expect("scrolled to the top");
        until(&d, "the page to be at the top", || async {
            let y: f64 = d
                .execute("return window.scrollY;", vec![])
                .await
                .map_err(|e| e.to_string())?
                .convert()
                .map_err(|e| e.to_string())?;
            Ok((y == 0.0).then_some(()))
        })
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        screenshot(&d, "settings").await;

        // A record the EHR drops in the watched folder arrives in the worklist.
        click(&d, "nav-worklist").await;
        std::fs::copy(
            fixture("ccr/samples/nist_ccr_sample2.xml"),
            watched.join("visit.xml"),
        )
        .expect("record dropped");
        text_where(&d, "import-results", |t| t.contains("visit.xml: imported")).await;
        text_where(&d, "worklist", |t| t.contains("Alice Sharpe")).await;
        assert!(
            watched.join("imported/visit.xml").exists(),
            "the file moved to imported/"
        );

        // History: a reprint goes to the real print queue.
        click(&d, "nav-history").await;
        text_where(&d, "history", |t| t.contains(&raz_id)).await;
        idle(&d).await;
        click_css(&d, "#history button.reprint", "a Reprint button").await;
        text_where(&d, "notice", |t| t.contains(&format!("{printer}-"))).await;
        let row = text_where(&d, "history", |t| t.contains("print ✓")).await;
        assert!(row.contains(&raz_id), "{row}");

        // Email again: the code screen, an address, Ctrl+E.
        click_css(&d, "#history button.resend", "an Email again button").await;
        shown(&d, "screen-code").await;
        type_into(&d, "code-email", "john.stuart@example.org").await;
        press(&d, "code-email", Key::Control + "e").await;
        text_where(&d, "code-delivery", |t| {
            t.contains("Receipt emailed to john.stuart@example.org")
        })
        .await;
        let msgs = mail.messages();
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert_eq!(msgs[0]["to"], "john.stuart@example.org");
        let body = msgs[0]["body"].as_str().expect("a text body");
        assert!(compact(body).contains(&compact(&raz_id)), "{body}");
        assert!(
            !body.contains("Stuart"),
            "no patient data in the body: {body}"
        );
        assert_eq!(msgs[0]["attachments"][0]["type"], "application/pdf");

        // History: reissue the code (lost paper), then void the new one.
        let old = staging_of(&dir, &raz_id);
        click(&d, "nav-history").await;
        text_where(&d, "history", |t| {
            t.contains(&raz_id) && t.contains("Issued")
        })
        .await;
        click_css(
            &d,
            &format!("#history tr[data-staging=\"{}\"] button.reissue", old.id),
            "the code's Reissue button",
        )
        .await;
        shown(&d, "void-dialog").await;
        type_into(&d, "void-reason", "Lost the paper").await;
        click(&d, "void-confirm").await;
        shown(&d, "screen-code").await;
        let new_code = text_where(&d, "code-id", |t| !t.is_empty() && t != raz_id).await;
        text_where(&d, "notice", |t| {
            t.contains(&raz_id) && t.contains("voided")
        })
        .await;
        let old = staging_of(&dir, &raz_id);
        assert_eq!(old.code_state, Some(razcode_protocol::CodeState::Voided));
        let new = staging_of(&dir, &new_code);
        assert_eq!(new.replaces, Some(old.id));

        // The clinic's payment portal says the new code's bill is paid: History
        // shows Paid once the states are refreshed.
        let base = Desk::open(&dir)
            .expect("desk")
            .settings()
            .expect("settings")
            .api_base;
        pay_on_the_portal(&dir, &base, &new_code, "25.00", "USD").await;
        // The patient's phone opens the code's page (protocol v1.2 accesses).
        let page = reqwest::get(format!("{base}/r/{}", compact(&new_code)))
            .await
            .expect("redemption page");
        assert_eq!(page.status(), 200);
        click(&d, "nav-history").await;
        text_where(&d, "history", |t| t.contains(&new_code)).await;
        idle(&d).await;
        click(&d, "history-refresh").await;
        idle(&d).await;
        let row = text_where(&d, "history", |t| t.contains("Paid")).await;
        assert!(row.contains(&new_code), "{row}");
        // Its Opened cell counts it and opens the list, in words.
        let opened = format!("#history tr[data-staging=\"{}\"] button.accesses", new.id);
        until(&d, "the new code's Opened count", || async {
            let b = d.find(By::Css(&opened)).await.map_err(|e| e.to_string())?;
            let text = b.text().await.map_err(|e| e.to_string())?;
            Ok(text.starts_with("1 ·").then_some(()))
        })
        .await;
        click_css(&d, &opened, "the new code's Opened count").await;
        shown(&d, "accesses-dialog").await;
        text_where(&d, "accesses-list", |t| {
            t.contains("The code's page was opened")
        })
        .await;
        screenshot(&d, "history-accesses").await;
        click(&d, "accesses-close").await;
        click_css(
            &d,
            &format!("#history tr[data-staging=\"{}\"] button.void", new.id),
            "the new code's Void button",
        )
        .await;
        shown(&d, "void-dialog").await;
        type_into(&d, "void-reason", "Handed to the wrong patient").await;
        click(&d, "void-confirm").await;
        text_where(&d, "notice", |t| {
            t.contains(&new_code) && t.contains("voided")
        })
        .await;
        let row = text_where(&d, "history", |t| t.matches("Voided").count() >= 2).await;
        assert!(row.contains("Handed to the wrong patient"), "{row}");
        screenshot(&d, "history").await;
        // The patient's page of the voided code says the clinic withdrew it.
        let page = reqwest::get(format!("{base}/r/{}", compact(&new_code)))
            .await
            .expect("redemption page");
        assert_eq!(page.status(), 410);

        // Its patient asks for a new code on that page (protocol v1.2); a
        // refresh shows the request in History and counts it in the header,
        // and one action emails the new code to the address given.
        let patient = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let page_url = format!("{base}/r/{}", compact(&new_code));
        let html = patient
            .get(&page_url)
            .send()
            .await
            .expect("the withdrawn code's page")
            .text()
            .await
            .expect("its text");
        let csrf = approval_page::hidden(&html, "csrf");
        let asked = patient
            .post(format!("{page_url}/new-code"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", "zoe.ng@example.org"),
                ("note", "Please send it again"),
            ])
            .send()
            .await
            .expect("the request");
        assert_eq!(asked.status(), 200);
        idle(&d).await;
        click(&d, "history-refresh").await;
        idle(&d).await;
        text_where(&d, "history", |t| t.contains("Asked for a new code")).await;
        text_where(&d, "requests-count", |t| t == "1").await;
        click_css(
            &d,
            &format!(
                "#history tr[data-staging=\"{}\"] button.answer-request",
                new.id
            ),
            "the Send a new code button",
        )
        .await;
        shown(&d, "request-dialog").await;
        text_where(&d, "request-email", |t| t == "zoe.ng@example.org").await;
        text_where(&d, "request-note", |t| t.contains("Please send it again")).await;
        screenshot(&d, "history-request").await;
        click(&d, "request-confirm").await;
        shown(&d, "screen-code").await;
        text_where(&d, "notice", |t| t.contains("zoe.ng@example.org")).await;
        let answered = staged_codes(&dir)
            .first()
            .cloned()
            .expect("the answered code")
            .0;
        assert_ne!(compact(&answered), compact(&new_code));
        until(&d, "the new code's email", || async {
            let sent = mail.messages();
            Ok(sent
                .iter()
                .any(|m| {
                    m["to"] == "zoe.ng@example.org"
                        && m["body"].as_str().unwrap_or("").contains(&answered)
                })
                .then_some(()))
        })
        .await;

        // With the clinic's SMART Health Link setting on, the QR on screen is
        // drawn by default and carries the link after the redemption address.
        click(&d, "nav-worklist").await;
        open_encounter_of(&d, "Alice Sharpe").await;
        click(&d, "stage-button").await;
        shown(&d, "screen-code").await;
        text_where(&d, "code-info", |t| t.contains("Health apps can scan")).await;
        let codes = staged_codes(&dir);
        // History lists the newest first.
        let (_, image) = codes.first().cloned().expect("the new code");
        let image = image.expect("its barcode file");
        assert!(image.ends_with(".png"), "a QR code by default: {image}");
        let scan = std::process::Command::new("zbarimg")
            // Only the QR reader: its 1D readers can add lines of their own.
            .args(["-q", "--raw", "-Sdisable", "-Sqrcode.enable", &image])
            .output()
            .expect("zbarimg (scripts/setup-test.sh installs it)");
        let scanned = String::from_utf8_lossy(&scan.stdout).trim().to_string();
        assert!(
            scanned.starts_with(&format!("{base}/r/")) && scanned.contains("#shlink:/"),
            "raz_uri#shlink:/ in the QR: {scanned}"
        );
    };
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(300), run).await;
    let _ = d.quit().await;
    drop(h);
    outcome.expect("the sandbox run finished within 5 minutes");
}

/// Acts as the browser on the approval page: signs in and approves.
async fn approve(url: &str, email: &str, password: &str) {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    // Following the redirect delivers the verifier to the app's loopback listener.
    let done = approval_page::submit(
        &http,
        url,
        &[
            ("email", email),
            ("password", password),
            ("action", "approve"),
        ],
    )
    .await;
    assert!(
        done.status().is_success(),
        "approval answered {}",
        done.status()
    );
}

async fn start_gateway(db: &Path, port: u16) -> Gateway {
    let mut c = Config::new(db, SocketAddr::from(([127, 0, 0, 1], port)));
    // The demo consumer and practice: this test plays the gateway's operator.
    c.sandbox = true;
    Gateway::start(c).await.expect("the gateway starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_activation_stage_and_a_stopped_gateway() {
    let h = Harness::start();
    let data = tempfile::tempdir().expect("tempdir");
    let db = data.path().join("gateway.db");
    let gw = start_gateway(&db, 0).await;
    let port: u16 = gw
        .base_url
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("the gateway's port");
    let creds = gw.sandbox.clone().expect("demo credentials");
    let dir = data.path().join("desk");
    let dir_arg = dir.display().to_string();
    let d = h.app(&["--data-dir", &dir_arg]).await;
    let run = async {
        // First run: a real gateway, typed in.
        shown(&d, "screen-firstrun").await;
        type_into(&d, "gw-api", &gw.base_url).await;
        type_into(&d, "gw-key", &creds.consumer_key).await;
        type_into(&d, "gw-secret", &creds.consumer_secret).await;
        click(&d, "gw-save").await;

        // Activation: the approval page's address shows; approving it finishes.
        shown(&d, "screen-activate").await;
        click(&d, "activate-start").await;
        let url = text_where(&d, "approval-url", |t| t.contains("/platform/activate?")).await;
        screenshot(&d, "activate").await;
        approve(&url, &creds.org_email, &creds.org_password).await;
        text_where(&d, "activate-done", |t| {
            t.contains("Activated for Sandbox Family Practice")
        })
        .await;
        click(&d, "activate-continue").await;

        // Import two records; stage one while the gateway runs.
        shown(&d, "screen-worklist").await;
        pick_files(
            &d,
            &[
                &fixture("ccr/examples/minimal_clinic_encounter.xml"),
                &fixture("ccr/samples/nist_ccr_sample2.xml"),
            ],
        )
        .await;
        text_where(&d, "import-results", |t| {
            t.matches(": imported").count() == 2
        })
        .await;
        open_encounter_of(&d, "Alex Example").await;
        text_where(&d, "enc-link-status", |t| t == "Not linked (MRN 000123).").await;
        // The patient links their HealthJibe account from the encounter screen.
        click(&d, "enc-link").await;
        let link = until(&d, "the patient's approval page", || async {
            let a = d
                .find(By::Css("#enc-approval a"))
                .await
                .map_err(|e| e.to_string())?;
            let t = a.text().await.map_err(|e| e.to_string())?;
            Ok(t.contains("/jibe/authorize?").then_some(t))
        })
        .await;
        approve(&link, &creds.patient_email, &creds.patient_password).await;
        text_where(&d, "enc-link-status", |t| t == "Linked (MRN 000123).").await;
        click(&d, "stage-bind").await;
        click(&d, "bc-qr").await;
        click(&d, "stage-button").await;
        shown(&d, "screen-code").await;
        let info = text_where(&d, "code-info", |t| t.contains("Link: ")).await;
        assert!(
            info.contains(&gw.base_url),
            "the QR's link is the gateway's: {info}"
        );
        assert_eq!(staged_codes(&dir).len(), 1);
        let bound = Desk::open(&dir)
            .expect("desk")
            .history(None)
            .expect("history");
        assert_eq!(
            bound[0].staging.user_mrn.as_deref(),
            Some("000123"),
            "the code is bound to the linked account"
        );
        click(&d, "code-done").await;

        // The gateway stops: the checkout still hands the patient a code, one
        // the gateway reserved beforehand (the pool was filled after the first
        // stage), and the code screen says plainly that it was printed offline.
        gw.stop().await;
        shown(&d, "screen-worklist").await;
        let name = {
            let desk = Desk::open(&dir).expect("desk");
            desk.encounters(None)
                .expect("encounters")
                .into_iter()
                .find_map(|e| e.patient_name.filter(|n| n != "Alex Example"))
                .expect("the second record's patient")
        };
        let pool_before = Desk::open(&dir)
            .expect("desk")
            .pool()
            .expect("the pool")
            .available;
        assert!(
            pool_before > 0,
            "the pool was filled while the gateway answered"
        );
        open_encounter_of(&d, &name).await;
        click(&d, "stage-button").await;
        shown(&d, "screen-code").await;
        let notice = text_where(&d, "code-offline", |t| t.contains("Printed offline")).await;
        assert!(notice.contains("back online"), "{notice}");
        let printed = text_where(&d, "code-id", |t| !t.is_empty()).await;
        let offline = staging_of(&dir, &printed);
        assert_eq!(
            offline.status,
            StagingStatus::Pending,
            "it waits in the outbox"
        );
        assert!(offline.offline, "{offline:?}");
        assert_eq!(staged_codes(&dir).len(), 1, "not staged yet");
        screenshot(&d, "offline-code").await;
        click(&d, "code-done").await;

        // The outbox holds it, with the code that was printed; with the
        // gateway back it is staged once, under that code.
        click(&d, "nav-outbox").await;
        text_where(&d, "outbox", |t| t.contains(&name)).await;
        text_where(&d, "outbox-count", |t| t.trim() == "1").await;
        text_where(&d, "offline-codes", |t| {
            t.ends_with(&format!(" {}", pool_before - 1))
        })
        .await;
        screenshot(&d, "outbox").await;
        let gw2 = start_gateway(&db, port).await;
        click(&d, "outbox-retry").await;
        text_where(&d, "notice", |t| t.contains("1 of 1 staged")).await;
        shown(&d, "outbox-empty").await;
        let codes = staged_codes(&dir);
        assert_eq!(codes.len(), 2);
        assert!(
            codes.iter().any(|(c, _)| compact(c) == compact(&printed)),
            "staged under the printed code {printed}: {codes:?}"
        );
        gw2.stop().await;
    };
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(300), run).await;
    let _ = d.quit().await;
    drop(h);
    outcome.expect("the gateway run finished within 5 minutes");
}

/// A desk set up on the sandbox opens on its worklist first and starts its
/// gateway after the first paint; a stage then works as before.
/// A whole checkout with the keyboard alone: no click, no pointer. The first
/// run's choice, an encounter from the worklist, Stage, large print, print
/// (Ctrl+P) and Done (Esc), each reached with Tab and pressed with Enter or
/// Space.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_checkout_with_the_keyboard_alone() {
    let h = Harness::start();
    let data = tempfile::tempdir().expect("tempdir");
    let dir = data.path().join("desk");
    let dir_arg = dir.display().to_string();
    let d = h.app(&["--data-dir", &dir_arg]).await;
    let run = async {
        shown(&d, "screen-firstrun").await;
        tab_to(&d, "#choose-sandbox", "Start the sandbox").await;
        key(&d, Key::Enter).await;
        shown(&d, "screen-worklist").await;
        text_where(&d, "org", |t| t.contains("Sandbox Family Practice")).await;
        // Receipts go to the test's print queue (set as staff would in Settings).
        let printer = std::env::var("RAZDESK_TEST_PRINTER").unwrap_or_else(|_| "RAZPDF".into());
        Desk::open(&dir)
            .expect("the app's data folder opens")
            .set_receipt_prefs(Some(&printer), None)
            .expect("the printer is kept");
        // The list is drawn again when the sandbox's gateway comes up: the
        // row is reached again until its encounter opens.
        until(&d, "Ana Ávila's encounter, opened from the keyboard", || async {
            if d
                .find(By::Css("#screen-encounter:not([hidden])"))
                .await
                .is_ok()
            {
                return Ok(Some(()));
            }
            let check = "const a = document.activeElement; return !!a && a.matches('#worklist button[data-encounter]') && a.textContent === 'Ana Ávila';";
            for _ in 0..80 {
                let there: bool = d
                    .execute(check, vec![])
                    .await
                    .map_err(|e| e.to_string())?
                    .convert()
                    .map_err(|e| e.to_string())?;
                if there {
                    key(&d, Key::Enter).await;
                    return Ok(None);
                }
                key(&d, Key::Tab).await;
            }
            Err("Ana Ávila's row is not reached with Tab".into())
        })
        .await;
        text_where(&d, "prev-patient", |t| t == "Ana Ávila").await;
        tab_to(&d, "#stage-button", "Stage").await;
        key(&d, Key::Enter).await;
        shown(&d, "screen-code").await;
        let grouped = text_where(&d, "code-id", |t| compact(t).len() >= 8).await;
        tab_to(&d, "#code-large-print", "the large print box").await;
        key(&d, Key::Space).await;
        until(&d, "large print kept with the code", || async {
            let s = staging_of(&dir, &grouped);
            let desk = Desk::open(&dir).map_err(|e| e.to_string())?;
            Ok(desk
                .large_print(s.id)
                .map_err(|e| e.to_string())?
                .then_some(()))
        })
        .await;
        ctrl(&d, "p").await;
        text_where(&d, "code-delivery", |t| t.contains("sent to the printer")).await;
        key(&d, Key::Escape).await;
        shown(&d, "screen-worklist").await;
        let s = staging_of(&dir, &grouped);
        assert_eq!(s.status, StagingStatus::Staged);
    };
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(180), run).await;
    let _ = d.quit().await;
    drop(h);
    outcome.expect("the keyboard run finished within 3 minutes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sandbox_desk_paints_its_worklist_then_starts_its_gateway() {
    let h = Harness::start();
    let data = tempfile::tempdir().expect("tempdir");
    let dir_arg = data.path().join("desk").display().to_string();
    let d = h.app(&["--data-dir", &dir_arg]).await;
    let first = async {
        shown(&d, "screen-firstrun").await;
        click(&d, "choose-sandbox").await;
        shown(&d, "screen-worklist").await;
    };
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(120), first).await;
    let _ = d.quit().await;
    outcome.expect("the sandbox was set up");
    // The next morning: the same desk, the app started again.
    let d = h.app(&["--data-dir", &dir_arg]).await;
    let again = async {
        shown(&d, "screen-worklist").await;
        text_where(&d, "org", |t| t.contains("Sandbox Family Practice")).await;
        // Its gateway starts after the first paint; staff who stage before it
        // is up wait for it rather than see the visit go to the outbox.
        open_encounter_of(&d, "Ana Ávila").await;
        click(&d, "stage-button").await;
        shown(&d, "screen-code").await;
        text_where(&d, "code-id", |t| t.len() >= 12).await;
        let waiting = d.find(By::Id("outbox-count")).await.expect("the badge");
        assert_eq!(
            waiting.is_displayed().await.ok(),
            Some(false),
            "nothing waits in the outbox"
        );
    };
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(120), again).await;
    let _ = d.quit().await;
    drop(h);
    outcome.expect("the restarted sandbox desk staged a code");
}

/// The app in Spanish (from Settings): its screens, dates and amounts in
/// Spanish, and a code staged for a Spanish-reading patient whose receipt is
/// in Spanish too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_in_spanish_stages_a_code_with_a_spanish_receipt() {
    let h = Harness::start();
    let data = tempfile::tempdir().expect("tempdir");
    let dir_arg = data.path().join("desk").display().to_string();
    let d = h.app(&["--data-dir", &dir_arg]).await;
    let choose = |id: &'static str, value: &'static str| {
        let d = &d;
        async move {
            d.execute(
                "const s = document.getElementById(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change'));",
                vec![json!(id), json!(value)],
            )
            .await
            .expect("a choice made");
        }
    };
    let run = async {
        shown(&d, "screen-firstrun").await;
        click(&d, "choose-sandbox").await;
        shown(&d, "screen-worklist").await;
        text_where(&d, "org", |t| t.contains("Sandbox Family Practice")).await;
        click(&d, "nav-settings").await;
        shown(&d, "screen-settings").await;
        idle(&d).await;
        choose("set-app-language", "es").await;
        click(&d, "settings-save").await;
        text_where(&d, "nav-worklist", |t| t == "Lista de trabajo").await;
        text_where(&d, "settings-title", |t| t == "Configuración").await;
        text_where(&d, "notice", |t| t == "Configuración guardada.").await;
        screenshot(&d, "es-settings").await;
        // The core's refusals are said in the app's language too.
        type_into(&d, "set-watch", "/no/such/folder").await;
        click(&d, "settings-save").await;
        text_where(&d, "error-text", |t| {
            t == "/no/such/folder no es una carpeta de este ordenador; créela o elija otra."
        })
        .await;
        click(&d, "error-close").await;
        type_into(&d, "set-watch", "").await;

        click(&d, "nav-worklist").await;
        shown(&d, "screen-worklist").await;
        // The sandbox's visits are today's, shown as Spanish writes a date.
        let year = text_where(&d, "worklist", |t| t.contains("Ana Ávila")).await;
        assert!(!year.contains("T09:30"), "no raw timestamps: {year}");
        let month = [
            "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
        ];
        assert!(
            month.iter().any(|m| year.contains(&format!(" {m} "))),
            "a Spanish date: {year}"
        );
        screenshot(&d, "es-worklist").await;

        open_encounter_of(&d, "Ana Ávila").await;
        idle(&d).await;
        choose("stage-language", "es").await;
        type_into(&d, "pay-amount", "1250.00").await;
        type_into(&d, "pay-currency", "USD").await;
        screenshot(&d, "es-encounter").await;
        click(&d, "stage-button").await;
        shown(&d, "screen-code").await;
        let info = text_where(&d, "code-info", |t| t.contains("Válido hasta el")).await;
        assert!(
            info.contains("Importe a pagar: 1250,00") || info.contains("Importe a pagar: 1.250,00"),
            "{info}"
        );
        screenshot(&d, "es-code").await;
        click(&d, "code-save").await;
        let saved = text_where(&d, "code-delivery", |t| t.starts_with("Recibo guardado:")).await;
        let file = saved
            .trim_start_matches("Recibo guardado:")
            .trim()
            .to_string();
        let text = pdf_text(Path::new(&file));
        for want in [
            "El código del registro de su visita",
            "Paciente: Ana Ávila",
            "1.250,00 US$",
        ] {
            assert!(text.contains(want), "{want:?} not in the receipt: {text}");
        }
        // The receipt's language changes on the code screen, before printing.
        choose("code-language", "zh-Hans").await;
        idle(&d).await;
        click(&d, "code-save").await;
        let again = text_where(&d, "code-delivery", |t| {
            t.starts_with("Recibo guardado:") && !t.ends_with(&file)
        })
        .await;
        let second = again
            .trim_start_matches("Recibo guardado:")
            .trim()
            .to_string();
        let text = pdf_text(Path::new(&second));
        assert!(
            text.contains("您的就诊记录代码"),
            "a Chinese receipt: {text}"
        );
    };
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(180), run).await;
    let _ = d.quit().await;
    drop(h);
    outcome.expect("the Spanish checkout finished");
}

/// Desk speed, staging from the app: Enter on the encounter screen to the new
/// code on screen, timed in the page (`performance.now()`), p50 of 20 stages on
/// the sandbox, against `razdesk stage ID` as a process on the same sandbox for
/// 20 other encounters. A measurement, not a check of time: run it with
/// `cargo test -p razcode-desk-app --test webview -- --ignored --nocapture measure`
/// after `cargo build -p razcode-desk` (it starts target/<profile>/razdesk).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement; prints figures"]
async fn measure_staging_from_the_app() {
    use razcode_her::ccr::writer::{write, NewEncounter, NewPatient};
    const N: usize = 20;
    let h = Harness::start();
    let data = tempfile::tempdir().expect("tempdir");
    let dir = data.path().join("desk");
    let dir_arg = dir.display().to_string();
    let d = h.app(&["--data-dir", &dir_arg]).await;
    let razdesk = std::env::current_exe()
        .expect("the test's path")
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>")
        .join("razdesk");
    assert!(
        razdesk.exists(),
        "build razdesk first: cargo build -p razcode-desk"
    );
    let run = async {
        shown(&d, "screen-firstrun").await;
        click(&d, "choose-sandbox").await;
        shown(&d, "screen-worklist").await;
        let desk = Desk::open(&dir).expect("the app's desk");
        let mut ids = Vec::new();
        for i in 0..2 * N {
            let ccr = write(&NewEncounter {
                document_id: format!("measure-{i}"),
                created: "2026-11-26T10:00:00Z".into(),
                patient: NewPatient {
                    given: "Measure".into(),
                    family: format!("Patient{i:02}"),
                    mrn: Some(format!("M-{i:02}")),
                    ..NewPatient::default()
                },
                clinic: "Sandbox Family Practice".into(),
                visit_date: "2026-11-26T09:30:00Z".into(),
                visit_kind: "Office Visit".into(),
                ..NewEncounter::default()
            });
            ids.push(
                desk.import_text("measure", &ccr)
                    .expect("import")
                    .encounter
                    .id,
            );
        }
        click(&d, "nav-worklist").await;
        let mut app = Vec::new();
        let mut last = String::new();
        for i in 0..N {
            open_encounter_of(&d, &format!("Measure Patient{i:02}")).await;
            let ms: f64 = d
                .execute_async(
                    r#"const [last, done] = arguments;
                    const t0 = performance.now();
                    document.getElementById('stage-form').requestSubmit();
                    const seen = () => {
                      const screen = document.getElementById('screen-code');
                      const id = document.getElementById('code-id').textContent;
                      if (!screen.hidden && id.length >= 12 && id !== last) done(performance.now() - t0);
                      else setTimeout(seen, 1);
                    };
                    seen();"#,
                    vec![serde_json::Value::String(last.clone())],
                )
                .await
                .expect("the stage in the page")
                .convert()
                .expect("milliseconds");
            last = text_where(&d, "code-id", |t| t.len() >= 12).await;
            app.push(ms);
            press(&d, "main", Key::Escape).await;
            shown(&d, "screen-worklist").await;
        }
        let mut cli = Vec::new();
        for id in &ids[N..] {
            let t = std::time::Instant::now();
            let out = std::process::Command::new(&razdesk)
                .args(["--data-dir", &dir_arg, "stage", &id.to_string()])
                .output()
                .expect("razdesk runs");
            cli.push(t.elapsed().as_secs_f64() * 1e3);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(staged_codes(&dir).len(), 2 * N, "every stage gave a code");
        let p50 = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let (a, c) = (p50(&mut app), p50(&mut cli));
        println!("staging, p50 of {N} each, sandbox gateway, this build's profile");
        println!("| | p50 ms | ratio to the CLI |");
        println!("|---|---:|---:|");
        println!(
            "| app: Enter to the code on screen | {a:.1} | {:.2} |",
            a / c
        );
        println!("| razdesk stage ID (a process) | {c:.1} | 1.00 |");
    };
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(300), run).await;
    let _ = d.quit().await;
    drop(h);
    outcome.expect("the measurement finished within 5 minutes");
}
