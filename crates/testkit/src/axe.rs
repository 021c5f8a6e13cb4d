//! Accessibility measured with axe-core (Deque's engine, from the JavaScript
//! packages registry through npm; scripts/setup-test.sh installs a pinned
//! version) in a real browser: headless Chromium through Debian's
//! chromedriver for the gateway's pages and the HTML email, the app's own
//! webview through tauri-driver. The rules run are WCAG 2.0 and 2.1, levels A and AA.
//!
//! The browser side is the caller's WebDriver client: this module gives the
//! script to inject, the one that runs the rules, and reads the answer.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use thirtyfour::prelude::*;
use thirtyfour::Capabilities;

/// The WCAG tags axe-core runs.
pub const TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// `axe.min.js`: `RAZCODE_AXE`, else where scripts/setup-test.sh puts it.
pub fn source() -> String {
    let path = std::env::var_os("RAZCODE_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default())
                .join(".local/share/razcode/test-node/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is not at {} ({e}): run scripts/setup-test.sh, or set RAZCODE_AXE",
            path.display()
        )
    })
}

/// The script for WebDriver's "execute async script", after [`source`] was
/// executed in the page: it calls back with axe-core's results as JSON text.
pub fn run_script() -> String {
    format!(
        "const done = arguments[arguments.length - 1];\
         axe.run(document, {{ runOnly: {{ type: 'tag', values: {tags:?} }}, resultTypes: ['violations'] }})\
           .then(r => done(JSON.stringify({{ version: axe.version, violations: r.violations, passes: r.passes.length }})))\
           .catch(e => done(JSON.stringify({{ error: String(e) }})));",
        tags = TAGS
    )
}

/// Prints one figure line (`axe-core 4.11.0: …`), and appends it to the file
/// `RAZCODE_AXE_REPORT` names, when set: cargo keeps a passing test's output,
/// so scripts/setup-test.sh prints that file after the tests.
pub fn report(line: &str) {
    println!("{line}");
    if let Some(path) = std::env::var_os("RAZCODE_AXE_REPORT") {
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(f, "{line}");
        }
    }
}

/// What axe-core found on one page.
#[derive(Debug)]
pub struct Audit {
    pub version: String,
    /// Each violated rule: its id, impact and the elements, in a line.
    pub violations: Vec<String>,
    /// How many rules passed (a page where nothing ran is not a pass).
    pub passes: u64,
}

/// Reads the text [`run_script`] called back with.
pub fn read(answer: &str) -> Audit {
    let v: Value = serde_json::from_str(answer).unwrap_or_else(|e| {
        panic!("axe-core's answer is not JSON ({e}): {answer}");
    });
    if let Some(e) = v.get("error") {
        panic!("axe-core failed: {e}");
    }
    let violations = v["violations"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|r| {
                    let targets: Vec<String> = r["nodes"]
                        .as_array()
                        .map(|n| {
                            n.iter()
                                .map(|node| {
                                    format!(
                                        "{} ({})",
                                        node["target"],
                                        node["failureSummary"].as_str().unwrap_or("")
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    format!(
                        "{} [{}]: {} at {}",
                        r["id"].as_str().unwrap_or("?"),
                        r["impact"].as_str().unwrap_or("?"),
                        r["help"].as_str().unwrap_or(""),
                        targets.join("; ")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Audit {
        version: v["version"].as_str().unwrap_or("?").to_string(),
        violations,
        passes: v["passes"].as_u64().unwrap_or(0),
    }
}

/// Debian's chromedriver on a free port, ending on drop.
pub struct ChromeDriver {
    child: Child,
    pub port: u16,
}

impl ChromeDriver {
    pub fn start() -> ChromeDriver {
        let port = crate::free_port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("chromedriver does not start ({e}): the Debian packages chromium and chromium-driver (scripts/setup-test.sh)")
            });
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        ChromeDriver { child, port }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Headless Chromium's capabilities: Debian's binary, a phone-sized
    /// window (what a patient holds), no sandbox (tests may run as root).
    pub fn capabilities() -> Value {
        serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=412,915"]
            }
        })
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Headless Chromium with axe-core: each page measured is counted, and its
/// violations kept for one failure that lists them all.
pub struct Browser {
    pub d: WebDriver,
    driver: ChromeDriver,
    axe: String,
    /// Pages measured, rules passed, for the summary line.
    pub pages: usize,
    pub passes: u64,
    pub version: String,
    pub failures: Vec<String>,
}

impl Browser {
    /// chromedriver and a headless Chromium session.
    pub async fn open() -> Browser {
        let driver = ChromeDriver::start();
        let caps: Capabilities =
            serde_json::from_value(ChromeDriver::capabilities()).expect("Chromium's capabilities");
        let d = WebDriver::new(driver.url(), caps)
            .await
            .expect("a Chromium session");
        Browser {
            d,
            driver,
            axe: source(),
            pages: 0,
            passes: 0,
            version: String::new(),
            failures: Vec::new(),
        }
    }

    /// Measures the page the browser shows; `what` names it in failures.
    pub async fn audit(&mut self, what: &str, expect: &str) {
        let title = self.d.title().await.unwrap_or_default();
        let html = self.d.source().await.unwrap_or_default();
        assert!(
            html.contains(expect),
            "{what}: {expect:?} not on the page titled {title:?}"
        );
        self.d
            .execute(&self.axe, vec![])
            .await
            .expect("axe-core loads");
        let answer = self
            .d
            .execute_async(&run_script(), vec![])
            .await
            .expect("axe-core runs");
        let audit = read(answer.json().as_str().unwrap_or("{}"));
        assert!(audit.passes > 0, "{what}: no rule ran");
        self.pages += 1;
        self.passes += audit.passes;
        self.version = audit.version;
        for v in audit.violations {
            self.failures.push(format!("{what}: {v}"));
        }
    }

    pub async fn visit(&mut self, url: &str, what: &str, expect: &str) {
        self.d.goto(url).await.expect("the page loads");
        self.audit(what, expect).await;
    }

    /// Fills a field of the first form that has it, by name.
    pub async fn fill(&self, name: &str, value: &str) {
        let field = self
            .d
            .find(By::Css(format!(
                "input[name='{name}'], textarea[name='{name}']"
            )))
            .await
            .unwrap_or_else(|e| panic!("a field {name}: {e}"));
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    pub async fn press(&self, css: &str) {
        self.d
            .find(By::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// The page as a PNG (a picture for docs/).
    pub async fn picture(&self, path: &std::path::Path) {
        let png = self.d.screenshot_as_png().await.expect("a screenshot");
        std::fs::write(path, png).expect("the picture is written");
    }

    /// Ends the session (Chromium quits), then chromedriver.
    pub async fn close(self) {
        let _ = self.d.quit().await;
        drop(self.driver);
    }
}
