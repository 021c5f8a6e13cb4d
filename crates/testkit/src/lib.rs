//! What the tests of every crate share, as one dev-dependency: fixture paths
//! (and the ones kept outside the repository), the independent checkers
//! (FHIR R4, JWE), an approval page driven like a browser, a real SMTP server
//! on loopback, a PDF's text, free loopback ports, and a Windows build under Wine.
//! Never a dependency of production code.

pub mod approval_page;
pub mod axe;
pub mod checkers;
pub mod fixtures;
pub mod smtp;
pub mod wine;

use std::path::Path;
use std::process::Command;

pub use fixtures::{ccr_schema, fixture, outside, repo_root};

/// A free loopback port for a server started later. It is taken below Linux's
/// ephemeral range (32768 up): a port only found free is not held, and a
/// server listening on port 0 (the app's sandbox gateway) must not be given
/// it meanwhile.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU16, Ordering};
    // Each call of this process moves on, so two tests never get the same one.
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let offset = (std::process::id() % 1_000) as u16 * 12;
    for _ in 0..2_000 {
        let port = 20_000 + (offset + NEXT.fetch_add(1, Ordering::Relaxed)) % 12_000;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free loopback port between 20000 and 31999")
}

/// Starts `n` processes at once (`command(i)` makes the i-th) and waits for
/// them all; fails the test naming each one that did not succeed, with its
/// output.
pub fn all_succeed_together(n: usize, command: impl Fn(usize) -> Command) {
    use std::process::Stdio;
    let children: Vec<_> = (0..n)
        .map(|i| {
            command(i)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("the process starts")
        })
        .collect();
    let failed: Vec<String> = children
        .into_iter()
        .map(|c| c.wait_with_output().expect("the process ends"))
        .filter(|o| !o.status.success())
        .map(|o| {
            let out = String::from_utf8_lossy(&o.stdout);
            format!("{out}{}", String::from_utf8_lossy(&o.stderr))
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {n} failed: {failed:?}",
        failed.len()
    );
}

/// The text of a PDF, by poppler's `pdftotext` (reading order).
pub fn pdf_text(pdf: &Path) -> String {
    pdftotext(&[], pdf)
}

/// The text of a PDF with its layout kept (columns side by side).
pub fn pdf_text_layout(pdf: &Path) -> String {
    pdftotext(&["-layout"], pdf)
}

fn pdftotext(flags: &[&str], pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(flags)
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) runs");
    assert!(
        out.status.success(),
        "pdftotext {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
