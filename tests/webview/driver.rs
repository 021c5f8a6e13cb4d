//! The real app in its real webview: an Xvfb display of its own, `tauri-driver`
//! (with Debian's WebKitWebDriver behind it) on free ports, and a thirtyfour
//! session that launches the app binary Cargo built for this test.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use thirtyfour::prelude::*;

/// How long any one screen may take to show what is expected.
pub const WAIT: Duration = Duration::from_secs(40);

pub use razcode_testkit::free_port;

/// Xvfb on a display it picks itself, and tauri-driver; both end on drop.
pub struct Harness {
    xvfb: Child,
    driver: Child,
    pub port: u16,
}

fn need(program: &str, package: &str) {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {program}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "{program} is missing: install {package} (scripts/setup-test.sh does)"
    );
}

impl Harness {
    pub fn start() -> Harness {
        need("Xvfb", "the Debian package xvfb");
        need("WebKitWebDriver", "the Debian package webkit2gtk-driver");
        let tauri_driver = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| {
            let home = std::env::var("HOME").unwrap_or_default();
            let installed = format!("{home}/.cargo/bin/tauri-driver");
            if Path::new(&installed).exists() {
                installed
            } else {
                "tauri-driver".into()
            }
        });
        // -displayfd: Xvfb picks a free display and writes its number.
        let mut xvfb = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts");
        let mut line = String::new();
        BufReader::new(xvfb.stdout.take().expect("Xvfb's stdout"))
            .read_line(&mut line)
            .expect("Xvfb says its display");
        let display = format!(":{}", line.trim());
        let port = free_port();
        let native = free_port();
        let driver = Command::new(&tauri_driver)
            .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
            .env("DISPLAY", &display)
            .env("RAZDESK_NO_BROWSER", "1")
            .env("GDK_BACKEND", "x11")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("{tauri_driver} does not start ({e}): cargo install tauri-driver --locked --version 2.1.0")
            });
        let h = Harness { xvfb, driver, port };
        let deadline = Instant::now() + WAIT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not listen");
            std::thread::sleep(Duration::from_millis(100));
        }
        h
    }

    /// A session: tauri-driver launches the app with these arguments.
    pub async fn app(&self, args: &[&str]) -> WebDriver {
        let app = PathBuf::from(env!("CARGO_BIN_EXE_razcode-desk"));
        let mut caps = Capabilities::new();
        caps.insert("browserName".into(), serde_json::json!("wry"));
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({"application": app, "args": args}),
        );
        // tauri-driver can listen before the WebKit driver it hands sessions
        // to does: a session asked for in between failed at the HTTP level
        // (seen once in CI), so it is asked for again until WAIT has passed.
        let deadline = Instant::now() + WAIT;
        loop {
            match WebDriver::new(format!("http://127.0.0.1:{}", self.port), caps.clone()).await {
                Ok(d) => return d,
                Err(e)
                    if matches!(
                        e.as_inner(),
                        thirtyfour::error::WebDriverErrorInner::HttpError(_)
                    ) && Instant::now() < deadline =>
                {
                    tokio::time::sleep(Duration::from_millis(250)).await
                }
                Err(e) => panic!("a WebDriver session with the app: {e:?}"),
            }
        }
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: tauri-driver then stops WebKitWebDriver too.
        let _ = Command::new("kill")
            .args(["-TERM", &self.driver.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.driver.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}

/// Polls until `check` gives a value, or fails with what it last saw and the
/// error the app shows, if any.
pub async fn until<T, F, Fut>(d: &WebDriver, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>, String>>,
{
    let deadline = Instant::now() + WAIT;
    let mut last = String::new();
    loop {
        match check().await {
            Ok(Some(v)) => return v,
            Ok(None) => {}
            Err(e) => last = e,
        }
        if Instant::now() >= deadline {
            let shown = match d.find(By::Id("error-text")).await {
                Ok(e) => e.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            panic!("waited {WAIT:?} for {what}; last: {last}; the app shows: {shown:?}");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// The element with this ID once it is displayed.
pub async fn shown(d: &WebDriver, id: &str) -> WebElement {
    let id = id.to_string();
    until(d, &format!("#{id} to show"), || {
        let id = id.clone();
        async move {
            let e = d.find(By::Id(&id)).await.map_err(|e| e.to_string())?;
            Ok(e.is_displayed()
                .await
                .map_err(|e| e.to_string())?
                .then_some(e))
        }
    })
    .await
}

/// Once no call is under way (the progress region is hidden).
pub async fn idle(d: &WebDriver) {
    until(d, "the app to finish what it is doing", || async move {
        let busy = d.find(By::Id("busy")).await.map_err(|e| e.to_string())?;
        let shown = busy.is_displayed().await.map_err(|e| e.to_string())?;
        Ok((!shown).then_some(()))
    })
    .await
}

/// The element's text once `pred` holds for it.
pub async fn text_where(d: &WebDriver, id: &str, pred: impl Fn(&str) -> bool) -> String {
    let id = id.to_string();
    let pred = &pred;
    until(d, &format!("#{id}'s text"), || {
        let id = id.clone();
        async move {
            let e = d.find(By::Id(&id)).await.map_err(|e| e.to_string())?;
            let t = e.text().await.map_err(|e| e.to_string())?;
            if pred(&t) {
                Ok(Some(t))
            } else {
                Err(format!("{t:?}"))
            }
        }
    })
    .await
}

pub async fn click(d: &WebDriver, id: &str) {
    shown(d, id)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click #{id}: {e}"));
}

/// A key pressed with focus in the element (Enter in a field, Esc anywhere).
pub async fn press(d: &WebDriver, id: &str, key: impl Into<TypingData>) {
    d.find(By::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"))
        .send_keys(key)
        .await
        .unwrap_or_else(|e| panic!("key in #{id}: {e}"));
}

/// Clicks the element a CSS selector finds; `what` says what it is when it is missing.
pub async fn click_css(d: &WebDriver, css: &str, what: &str) {
    d.find(By::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{what} ({css}): {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {what}: {e}"));
}

pub async fn type_into(d: &WebDriver, id: &str, text: &str) {
    let e = shown(d, id).await;
    e.clear().await.ok();
    // Empty text clears the field (WebDriver refuses to send no keys).
    if !text.is_empty() {
        e.send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into #{id}: {e}"));
    }
}

/// Hands files to the worklist's file picker, as a person choosing them would.
pub async fn pick_files(d: &WebDriver, paths: &[&Path]) {
    let input = d.find(By::Id("import-file")).await.expect("the file input");
    let list = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    input.send_keys(list).await.expect("files chosen");
}

/// Presses Tab on whatever has the focus until the element `css` matches has
/// it (as a keyboard user reaches it); fails when 80 presses do not get there.
pub async fn tab_to(d: &WebDriver, css: &str, what: &str) {
    let check = format!(
        "const a = document.activeElement; return !!a && a.matches({});",
        serde_json::to_string(css).expect("a selector as JSON")
    );
    for _ in 0..80 {
        let there: bool = d
            .execute(&check, vec![])
            .await
            .expect("script")
            .convert()
            .expect("a boolean");
        if there {
            return;
        }
        key(d, Key::Tab).await;
    }
    panic!("{what} ({css}) cannot be reached with Tab");
}

/// Presses keys as the keyboard does: to whatever has the focus (the page
/// itself when nothing does).
pub async fn key(d: &WebDriver, k: impl Into<TypingData>) {
    d.action_chain()
        .send_keys(k)
        .perform()
        .await
        .expect("the key is pressed");
}

/// Presses a key with Ctrl held (the app's shortcuts).
pub async fn ctrl(d: &WebDriver, k: &str) {
    d.action_chain()
        .key_down(Key::Control)
        .send_keys(k)
        .key_up(Key::Control)
        .perform()
        .await
        .expect("the shortcut is pressed");
}

/// The screen measured with axe-core (WCAG 2.1 A and AA) in the app's own
/// webview; any violation fails the test, naming the screen and the rule.
pub async fn audit(d: &WebDriver, name: &str) {
    use razcode_testkit::axe;
    static AXE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let source = AXE.get_or_init(axe::source);
    d.execute(source.as_str(), vec![])
        .await
        .expect("axe-core loads in the webview");
    let answer = d
        .execute_async(&axe::run_script(), vec![])
        .await
        .expect("axe-core runs in the webview");
    let audit = axe::read(answer.json().as_str().unwrap_or("{}"));
    axe::report(&format!(
        "axe-core {}: the app's {name} screen, {} rule checks passed, {} violations",
        audit.version,
        audit.passes,
        audit.violations.len()
    ));
    assert!(audit.passes > 0, "{name}: no rule ran");
    assert!(
        audit.violations.is_empty(),
        "the app's {name} screen:\n{}",
        audit.violations.join("\n")
    );
}

/// A screenshot of the screen: into docs/ (the README shows them) with
/// `RAZDESK_WRITE_DOCS=1`, else beside the build, so a test run leaves the
/// tree as it was.
pub async fn screenshot(d: &WebDriver, name: &str) {
    let dir = if std::env::var_os("RAZDESK_WRITE_DOCS").is_some() {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs")
    } else {
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots")
    };
    std::fs::create_dir_all(&dir).expect("docs/");
    // Taken once the screen has drawn: its fonts loaded and the picture more
    // than a blank (a picture taken before the first paint is one colour).
    let png = until(
        d,
        &format!("the screen to draw before the picture {name}"),
        || async {
            let fonts: String = d
                .execute("return document.fonts.status;", vec![])
                .await
                .map_err(|e| e.to_string())?
                .convert()
                .map_err(|e| e.to_string())?;
            if fonts != "loaded" {
                return Ok(None);
            }
            let png = d.screenshot_as_png().await.map_err(|e| e.to_string())?;
            Ok((colours(&png) >= 8).then_some(png))
        },
    )
    .await;
    std::fs::write(dir.join(format!("app-{name}.png")), png).expect("screenshot saved");
    // Every screen pictured is a screen measured.
    audit(d, name).await;
}

pub use razcode_testkit::fixture;

/// How many colours a sample of the picture's pixels has.
fn colours(png: &[u8]) -> usize {
    let Ok(img) = image::load_from_memory(png) else {
        return 0;
    };
    let rgb = img.to_rgb8();
    let mut seen = std::collections::HashSet::new();
    for p in rgb.pixels().step_by(97) {
        seen.insert(p.0);
        if seen.len() >= 64 {
            break;
        }
    }
    seen.len()
}
