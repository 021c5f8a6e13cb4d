//! The real gateway on loopback, the real `razdesk` binary, and a browser-like
//! client that fills in approval pages.
#![allow(dead_code)]

pub use razcode_testkit::approval_page;

use razcode_gateway::store::{AccountKind, Store};
use razcode_gateway::{Config, Gateway};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_razdesk");

static WINE: std::sync::Mutex<Option<razcode_testkit::wine::Wine>> = std::sync::Mutex::new(None);

fn wine() -> std::sync::MutexGuard<'static, Option<razcode_testkit::wine::Wine>> {
    WINE.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs every `razdesk` of this test process under Wine: the Windows build
/// (tests/windows.rs), until the guard it answers is dropped (at the test's
/// end, or as a failing test unwinds): then the prefix and its folder go.
#[must_use = "the Wine prefix lasts as long as the guard"]
pub fn use_wine(wine_: razcode_testkit::wine::Wine) -> WineInUse {
    *wine() = Some(wine_);
    WineInUse
}

/// Ends the Wine prefix of [`use_wine`] when dropped (a static is never
/// dropped, and the prefix's folder weighs a gigabyte).
pub struct WineInUse;

impl Drop for WineInUse {
    fn drop(&mut self) {
        wine().take();
    }
}

/// The `razdesk` this test process runs: this build, or the Windows one under Wine.
pub fn razdesk() -> Command {
    match wine().as_ref() {
        Some(w) => w.command(),
        None => Command::new(BIN),
    }
}
pub const ORG_EMAIL: &str = "desk@clinic.test";
pub const ORG_PASSWORD: &str = "clinic-password-1";
pub const PATIENT_EMAIL: &str = "ana@patients.test";
pub const PATIENT_PASSWORD: &str = "patient-password-1";

pub struct World {
    pub gw: Option<Gateway>,
    pub addr: SocketAddr,
    pub base: String,
    pub gw_dir: tempfile::TempDir,
    pub desk_dir: tempfile::TempDir,
    pub consumer: (String, String),
}

impl World {
    pub async fn start() -> World {
        let gw_dir = tempfile::tempdir().unwrap();
        let db = gw_dir.path().join("gateway.db");
        let store = Store::open(&db).unwrap();
        let c = store.add_consumer("Test desk", 0).unwrap();
        for (kind, email, pw, name) in [
            (
                AccountKind::Org,
                ORG_EMAIL,
                ORG_PASSWORD,
                "Harbor Street Clinic",
            ),
            (
                AccountKind::Patient,
                PATIENT_EMAIL,
                PATIENT_PASSWORD,
                "Ana Ávila",
            ),
        ] {
            let hash = razcode_gateway::crypto::hash_password(pw).unwrap();
            store.add_account(kind, email, name, &hash, 0).unwrap();
        }
        let gw = Gateway::start(Config::new(&db, "127.0.0.1:0".parse().unwrap()))
            .await
            .unwrap();
        let base = gw.base_url.clone();
        let addr: SocketAddr = base.trim_start_matches("http://").parse().unwrap();
        World {
            gw: Some(gw),
            addr,
            base,
            gw_dir,
            desk_dir: tempfile::tempdir().unwrap(),
            consumer: (c.key, c.secret),
        }
    }

    pub fn gateway_db(&self) -> PathBuf {
        self.gw_dir.path().join("gateway.db")
    }

    pub async fn stop_gateway(&mut self) {
        if let Some(gw) = self.gw.take() {
            gw.stop().await;
        }
    }

    /// Starts the gateway again on the same address and database.
    pub async fn restart_gateway(&mut self) {
        self.stop_gateway().await;
        let gw = Gateway::start(Config::new(self.gateway_db(), self.addr))
            .await
            .unwrap();
        self.gw = Some(gw);
    }

    /// Points the desk at another gateway address (a fault, a v1-only gateway).
    pub fn set_api_base(&self, base: &str) {
        let c = rusqlite::Connection::open(self.desk_dir.path().join("desk.db")).unwrap();
        c.execute(
            "UPDATE settings SET value = ?1 WHERE name = 'api_base'",
            [base],
        )
        .unwrap();
    }

    /// Imports OMHE `text` from a file `name` in the desk's folder; its encounter ID.
    pub fn import_omhe(&self, name: &str, text: &str) -> String {
        let f = self.desk_dir.path().join(name);
        std::fs::write(&f, text).unwrap();
        let (ok, v) = self.desk(&["import", f.to_str().unwrap()]);
        assert!(ok, "{v}");
        v["imported"][0]["encounter"]["id"]
            .as_i64()
            .unwrap()
            .to_string()
    }

    pub fn desk(&self, args: &[&str]) -> (bool, Value) {
        desk_in(self.desk_dir.path(), args)
    }

    /// The patient claims a code on the gateway's redemption page; the
    /// patient's browser, signed in.
    pub async fn claim(&self, raz_id: &str) -> reqwest::Client {
        let browser = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let url = format!("{}/r/{}", self.base, raz_id.replace('-', ""));
        let page = browser.get(&url).send().await.unwrap();
        assert_eq!(page.status(), 200);
        let csrf = approval_page::hidden(&page.text().await.unwrap(), "csrf");
        let r = browser
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
        assert_eq!(r.status(), 303, "claimed");
        browser
    }

    /// setup + activate (approving as the organization would in a browser).
    pub async fn ready(&self) {
        let (ok, v) = self.desk(&[
            "setup",
            "--api-base",
            &self.base,
            "--consumer-key",
            &self.consumer.0,
            "--consumer-secret",
            &self.consumer.1,
        ]);
        assert!(ok, "{v}");
        let v = self
            .approve_flow(
                &["activate", "--no-browser"],
                "/platform/activate",
                ORG_EMAIL,
                ORG_PASSWORD,
            )
            .await;
        assert_eq!(v["organization"], "Harbor Street Clinic", "{v}");
    }

    /// Links MRN 000123 to the patient's HealthJibe account, approved as the
    /// patient would in a browser.
    pub async fn link_patient(&self) {
        let v = self
            .approve_flow(
                &["link-patient", "--mrn", "000123", "--no-browser"],
                "/jibe/authorize",
                PATIENT_EMAIL,
                PATIENT_PASSWORD,
            )
            .await;
        assert_eq!(v["linked"], true, "{v}");
    }

    /// Asserts that the desk's history holds exactly the codes the gateway issued.
    pub fn history_matches_the_gateway(&self) {
        let (_, h) = self.desk(&["history"]);
        let mut mine: Vec<String> = h["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["raz_id"].as_str())
            .map(|s| razcode_protocol::RazId::parse(s).unwrap().compact())
            .collect();
        mine.sort();
        assert_eq!(mine, gateway_ids(&self.gateway_db()));
    }

    /// Runs a razdesk command that prints `APPROVE <url>`, approves in a
    /// browser-like client and returns the command's final JSON.
    pub async fn approve_flow(
        &self,
        args: &[&str],
        path: &str,
        email: &str,
        password: &str,
    ) -> Value {
        let mut child = razdesk()
            .arg("--data-dir")
            .arg(self.desk_dir.path())
            .arg("--json")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let url = line
            .trim()
            .strip_prefix("APPROVE ")
            .unwrap_or_else(|| panic!("no APPROVE line: {line:?}"))
            .to_string();
        assert!(
            url.starts_with(&format!("{}{path}?oauth_token=", self.base)),
            "{url}"
        );
        let browser = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let r = approval_page::submit(
            &browser,
            &url,
            &[
                ("email", email),
                ("password", password),
                ("action", "approve"),
            ],
        )
        .await;
        assert_eq!(r.status(), 303);
        let callback = r.headers()["location"].to_str().unwrap().to_string();
        assert!(callback.starts_with("http://127.0.0.1:"), "{callback}");
        let done = browser.get(&callback).send().await.unwrap();
        assert_eq!(done.status(), 200);
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
        assert!(child.wait().unwrap().success(), "{rest}");
        serde_json::from_str(rest.trim()).unwrap_or_else(|e| panic!("{e}: {rest}"))
    }
}

pub fn desk_in(dir: &Path, args: &[&str]) -> (bool, Value) {
    let out = razdesk()
        .arg("--data-dir")
        .arg(dir)
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or("");
    let v = serde_json::from_str(last)
        .unwrap_or_else(|e| panic!("{e}: {stdout} / {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.success(), v)
}

/// Counts the stages the gateway holds.
pub fn gateway_stage_count(db: &Path) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row("SELECT COUNT(*) FROM stages", [], |r| r.get(0))
        .unwrap()
}

pub fn gateway_ids(db: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare("SELECT raz_id FROM stages ORDER BY raz_id")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

/// Renders page 1 and reads every QR code on it.
pub fn qr_on_page(pdf: &Path, dir: &Path) -> String {
    let prefix = dir.join(format!(
        "page-{}",
        pdf.file_stem().unwrap().to_string_lossy()
    ));
    tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "200",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let png = format!("{}.png", prefix.display());
    scan_qr(&png)
}

/// The files the CUPS-PDF queue writes (to `~/PDF`): those there when
/// watching began are not the job's.
pub struct PrintedPdfs {
    dir: PathBuf,
    before: Vec<PathBuf>,
}

impl PrintedPdfs {
    pub fn watch() -> PrintedPdfs {
        let dir =
            PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/root".into())).join("PDF");
        let before = std::fs::read_dir(&dir)
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        PrintedPdfs { dir, before }
    }

    /// The first PDF written since, once CUPS has finished writing it.
    pub async fn next(&self) -> PathBuf {
        for _ in 0..300 {
            let new = std::fs::read_dir(&self.dir).ok().and_then(|d| {
                d.map(|e| e.unwrap().path())
                    .find(|p| !self.before.contains(p) && p.extension().is_some_and(|e| e == "pdf"))
            });
            if let Some(p) = new {
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                return p;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        panic!("CUPS-PDF wrote no job in {}", self.dir.display());
    }
}

/// The one QR code zbarimg reads in an image. Only its QR reader runs: in
/// raw mode its 1D readers can add a line of their own read from print.
/// A code read twice counts once; two different codes fail the test.
pub fn scan_qr(png: &str) -> String {
    let out = tool(
        "zbarimg",
        &["-q", "--raw", "-Sdisable", "-Sqrcode.enable", png],
    );
    let mut codes: Vec<&str> = out.lines().filter(|l| !l.trim().is_empty()).collect();
    codes.dedup();
    assert_eq!(codes.len(), 1, "one QR code in {png}: {out:?}");
    codes[0].trim().to_string()
}

/// Runs a tool the tests read results with (pdftotext, pdftoppm, zbarimg);
/// its output, or a panic naming what to install.
pub fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e} (run scripts/setup-test.sh)"));
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A one-visit CCR (a sore throat at Harbor Street Clinic) for a patient.
pub fn visit_ccr(given: &str, family: &str, mrn: &str, visit_date: &str) -> String {
    use razcode_her::ccr::writer::{write, Coded, NewEncounter, NewPatient};
    write(&NewEncounter {
        document_id: format!("doc-{mrn}"),
        created: "2026-11-26T10:00:00Z".into(),
        patient: NewPatient {
            given: given.into(),
            family: family.into(),
            date_of_birth: Some("1990-01-01".into()),
            gender: None,
            mrn: Some(mrn.into()),
            language: None,
        },
        clinic: "Harbor Street Clinic".into(),
        visit_date: visit_date.into(),
        visit_kind: "Office Visit".into(),
        problems: vec![Coded::text("Acute pharyngitis")],
        ..NewEncounter::default()
    })
}

impl World {
    /// Sets the desk's SMTP server to plain SMTP on this computer at `port`.
    pub fn smtp_on_loopback(&self, port: u16) -> (bool, Value) {
        self.desk(&[
            "smtp",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--security",
            "none",
            "--from",
            "Harbor Street Clinic <desk@clinic.test>",
        ])
    }
}

/// A gateway of protocol v1.1: everything goes through to the real one but
/// v1.2's paths, which it does not know (a plain 404 page).
pub async fn v11_gateway(real: &str) -> String {
    let real = real.to_string();
    let http = reqwest::Client::new();
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let (real, http) = (real.clone(), http.clone());
        async move {
            let (parts, body) = req.into_parts();
            if ["/gateway/reserve", "/gateway/accesses"].contains(&parts.uri.path()) {
                return (
                    axum::http::StatusCode::NOT_FOUND,
                    [("content-type", "text/html")],
                    axum::body::Bytes::from_static(b"<html><body>404 Not Found</body></html>"),
                );
            }
            let body = axum::body::to_bytes(body, 8 << 20).await.unwrap();
            let mut fwd = http.request(parts.method.clone(), format!("{real}{}", parts.uri.path()));
            // Every header, Host included: the signature covers the address
            // the desk signed for.
            for (k, v) in parts.headers.iter() {
                fwd = fwd.header(k, v);
            }
            match fwd.body(body).send().await {
                Ok(r) => {
                    let status = r.status();
                    (
                        status,
                        [("content-type", "application/x-www-form-urlencoded")],
                        r.bytes().await.unwrap(),
                    )
                }
                Err(_) => (
                    axum::http::StatusCode::BAD_GATEWAY,
                    [("content-type", "text/html")],
                    axum::body::Bytes::from_static(b"<html>down</html>"),
                ),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// An HTML email as a page in Chromium at a phone's width (its barcode shown
/// as a mail program shows a `cid:` part), measured with axe-core; the figure
/// is reported as `what`. With `picture`, its first screen is written there.
/// Returns the violations.
pub async fn axe_email(
    dir: &Path,
    message: &Value,
    what: &str,
    shows: &str,
    picture: Option<&Path>,
) -> Vec<String> {
    let html = message["html"].as_str().unwrap();
    let barcode = message["inline"][0]["data"].as_str().unwrap();
    let page = dir.join(format!("email-{}.html", what.replace(' ', "-")));
    std::fs::write(
        &page,
        html.replace(
            "cid:barcode@razcode",
            &format!("data:image/png;base64,{barcode}"),
        ),
    )
    .unwrap();
    let mut b = razcode_testkit::axe::Browser::open().await;
    b.visit(&format!("file://{}", page.display()), what, shows)
        .await;
    razcode_testkit::axe::report(&format!(
        "axe-core {}: {what}, {} rule checks passed, {} violations",
        b.version,
        b.passes,
        b.failures.len()
    ));
    if let Some(p) = picture {
        b.picture(p).await;
    }
    let failures = std::mem::take(&mut b.failures);
    b.close().await;
    failures
}
