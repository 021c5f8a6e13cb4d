//! Receipts: the three layouts checked with pdftotext, the barcode decoded from
//! the rendered page (pdftoppm + zbarimg), names in Greek and Chinese; email
//! through a real SMTP server (aiosmtpd); printing through a real CUPS queue.

mod common;
use common::*;
use razcode_testkit::free_port;
use razcode_testkit::smtp::Smtp;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use razcode_testkit::pdf_text_layout as pdf_text;

fn encounter(given: &str, family: &str, mrn: &str) -> String {
    visit_ccr(given, family, mrn, "2026-11-26T09:30:00Z")
}

struct Staged {
    staging_id: String,
    raz_id: String,
    raz_uri: Option<String>,
}

fn stage_file(w: &World, name: &str, ccr: &str, extra: &[&str]) -> Staged {
    let f = w.desk_dir.path().join(name);
    std::fs::write(&f, ccr).unwrap();
    let mut args = vec!["stage", f.to_str().unwrap()];
    args.extend_from_slice(extra);
    let (ok, v) = w.desk(&args);
    assert!(ok, "{v}");
    Staged {
        staging_id: v["staging_id"].to_string(),
        raz_id: v["raz_id"].as_str().unwrap().to_string(),
        raz_uri: v["raz_uri"].as_str().map(str::to_string),
    }
}

fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs")
}

#[tokio::test(flavor = "multi_thread")]
async fn three_layouts_with_every_name_and_a_readable_barcode() {
    let w = World::start().await;
    w.ready().await;
    let (ok, _) = w.desk(&[
        "clinic",
        "--name",
        "Harbor Street Clinic",
        "--address",
        "12 Harbor St, Springfield",
        "--phone",
        "555-0100",
    ]);
    assert!(ok);
    let greek = stage_file(
        &w,
        "greek.xml",
        &encounter("Σοφία", "Παπαδοπούλου", "G-1"),
        &[
            "--qr",
            "--amount",
            "25.00",
            "--currency",
            "USD",
            "--reference",
            "INV-77",
            "--due-date",
            "2026-12-31",
        ],
    );
    let chinese = stage_file(&w, "chinese.xml", &encounter("伟", "张", "C-1"), &["--qr"]);
    let out = tempfile::tempdir().unwrap();
    for (s, name) in [(&greek, "Σοφία Παπαδοπούλου"), (&chinese, "伟 张")] {
        for (format, size) in [
            ("letter", "612 x 792"),
            ("a4", "595.276 x 841.89"),
            ("80mm", "226.772 x"),
        ] {
            let pdf = out.path().join(format!("{}-{format}.pdf", s.staging_id));
            let (ok, v) = w.desk(&[
                "receipt",
                &s.staging_id,
                "--out",
                pdf.to_str().unwrap(),
                "--format",
                format,
            ]);
            assert!(ok, "{v}");
            let text = pdf_text(&pdf);
            let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for want in [
                "Harbor Street Clinic",
                name,
                s.raz_id.as_str(),
                &format!("{}/r", w.base),
                "Your visit record code",
            ] {
                assert!(flat.contains(want), "{format}: {want:?} not in {flat}");
            }
            assert_eq!(
                flat.contains("Amount due: $25.00"),
                s.raz_id == greek.raz_id,
                "{format}: amount due only with a valid payment"
            );
            assert!(
                !flat.contains("pharyngitis"),
                "no clinical data on the receipt"
            );
            let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
            assert!(info.contains(size), "{format}: {info}");
            let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
            assert!(
                fonts.lines().skip(2).all(|l| l.contains(" yes ")),
                "every font embedded: {fonts}"
            );
            assert_eq!(
                qr_on_page(&pdf, out.path()),
                s.raz_uri.clone().unwrap(),
                "{format}"
            );
        }
    }
    // The pictures in docs/: a first print of each layout.
    if std::env::var_os("RAZDESK_WRITE_DOCS").is_some() {
        for (i, format) in ["letter", "a4", "80mm"].into_iter().enumerate() {
            let d = stage_file(
                &w,
                &format!("doc{i}.xml"),
                &encounter("Σοφία", "Παπαδοπούλου", &format!("D-{i}")),
                &[
                    "--qr",
                    "--amount",
                    "25.00",
                    "--currency",
                    "USD",
                    "--reference",
                    "INV-77",
                    "--due-date",
                    "2026-12-31",
                ],
            );
            let pdf = out.path().join(format!("doc-{format}.pdf"));
            w.desk(&[
                "receipt",
                &d.staging_id,
                "--out",
                pdf.to_str().unwrap(),
                "--format",
                format,
            ]);
            tool(
                "pdftoppm",
                &[
                    "-png",
                    "-r",
                    "60",
                    "-singlefile",
                    pdf.to_str().unwrap(),
                    docs_dir()
                        .join(format!("receipt-{format}"))
                        .to_str()
                        .unwrap(),
                ],
            );
        }
    }
    // A reprint says COPY; the first did not.
    let first = pdf_text(&out.path().join(format!("{}-letter.pdf", greek.staging_id)));
    assert!(!first.contains("COPY"));
    let again = out.path().join("again.pdf");
    w.desk(&[
        "receipt",
        &greek.staging_id,
        "--out",
        again.to_str().unwrap(),
    ]);
    assert!(pdf_text(&again).contains("COPY"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tag_image_is_embedded_as_the_gateway_sent_it() {
    let w = World::start().await;
    w.ready().await;
    let s = stage_file(&w, "tag.xml", &encounter("Ana", "Ávila", "T-1"), &["--tag"]);
    let out = tempfile::tempdir().unwrap();
    let pdf = out.path().join("tag.pdf");
    let (ok, v) = w.desk(&[
        "receipt",
        &s.staging_id,
        "--out",
        pdf.to_str().unwrap(),
        "--format",
        "a4",
    ]);
    assert!(ok, "{v}");
    let prefix = out.path().join("img");
    tool(
        "pdfimages",
        &["-j", pdf.to_str().unwrap(), prefix.to_str().unwrap()],
    );
    let jpeg = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "jpg"))
        .expect("a JPEG in the receipt");
    let img = image::load_from_memory(&std::fs::read(jpeg).unwrap())
        .unwrap()
        .to_rgb8();
    assert_eq!(
        razcode_gateway::tag::decode(&img).unwrap().grouped(),
        s.raz_id
    );
    // A staging without a code has no receipt.
    let (ok, v) = w.desk(&["receipt", "999", "--out", pdf.to_str().unwrap()]);
    assert!(
        !ok && v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no staging 999")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn email_carries_the_code_and_the_receipt_only() {
    use base64::Engine;
    let w = World::start().await;
    w.ready().await;
    let s = stage_file(&w, "mail.xml", &encounter("Zoë", "Ω", "M-1"), &["--qr"]);
    let port = free_port();
    let (ok, v) = w.smtp_on_loopback(port);
    assert!(ok, "{v}");
    // Refused: the server is not there yet; the email waits in the outbox.
    let (ok, v) = w.desk(&["email", &s.staging_id, "--to", "zoe@example.org"]);
    assert!(!ok);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot be reached"),
        "{v}"
    );
    // Plain SMTP to another computer is refused.
    let (ok, v) = w.desk(&[
        "smtp",
        "--host",
        "smtp.example.org",
        "--port",
        "25",
        "--security",
        "none",
        "--from",
        "desk@clinic.test",
    ]);
    assert!(ok, "{v}");
    let (ok, v) = w.desk(&["email", &s.staging_id, "--to", "zoe@example.org"]);
    assert!(
        !ok && v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("encrypted"),
        "{v}"
    );
    w.smtp_on_loopback(port);

    let server = Smtp::start(port);
    assert_eq!(server.port, port);
    let (ok, v) = w.desk(&["outbox", "--retry"]);
    assert!(ok, "{v}");
    assert_eq!(v["waiting"], 0);
    let (ok, v) = w.desk(&[
        "email",
        &s.staging_id,
        "--to",
        "second@example.org",
        "--format",
        "80mm",
    ]);
    assert!(ok, "{v}");
    let msgs = server.messages();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    // Maildir names do not keep the order of arrival; each recipient got one.
    for to in ["zoe@example.org", "second@example.org"] {
        let m = msgs
            .iter()
            .find(|m| m["to"] == to)
            .unwrap_or_else(|| panic!("a message to {to}: {msgs:?}"));
        let body = m["body"].as_str().unwrap();
        assert!(
            body.contains(&s.raz_id) && body.contains(&format!("{}/r", w.base)),
            "{body}"
        );
        for private in ["Zoë", "pharyngitis", "1990"] {
            assert!(
                !body.contains(private),
                "no patient or clinical data in the body: {private}"
            );
        }
        let att = &m["attachments"][0];
        assert_eq!(att["type"], "application/pdf");
        let pdf = base64::engine::general_purpose::STANDARD
            .decode(att["data"].as_str().unwrap())
            .unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        let file = w.desk_dir.path().join("attached.pdf");
        std::fs::write(&file, pdf).unwrap();
        assert!(pdf_text(&file).contains(&s.raz_id));
        // Beside the plain part, an HTML one a phone shows: the code in large
        // type, the barcode inline, the code's page as a button.
        assert_eq!(
            m["structure"],
            serde_json::json!([
                "multipart/mixed",
                "multipart/related",
                "multipart/alternative",
                "text/plain",
                "text/html",
                "image/png",
                "application/pdf"
            ])
        );
        let html = m["html"].as_str().unwrap();
        let compact = s.raz_id.replace('-', "");
        for want in [
            "<html lang=\"en\" dir=\"ltr\">".to_string(),
            format!(">{}</p>", s.raz_id),
            format!("href=\"{}/r/{compact}\"", w.base),
            "src=\"cid:barcode@razcode\"".to_string(),
            "Add the visit to my account".to_string(),
        ] {
            assert!(html.contains(&want), "{want:?} in {html}");
        }
        let inline = &m["inline"][0];
        assert_eq!(
            (inline["cid"].as_str(), inline["type"].as_str()),
            (Some("barcode@razcode"), Some("image/png"))
        );
        let png = w.desk_dir.path().join("inline.png");
        std::fs::write(
            &png,
            base64::engine::general_purpose::STANDARD
                .decode(inline["data"].as_str().unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(
            Some(scan_qr(png.to_str().unwrap())),
            s.raz_uri,
            "the inline barcode is the code's"
        );
        // As a page in Chromium at a phone's width, measured with axe-core.
        let picture = docs_dir().join("email-en.png");
        let picture = (std::env::var_os("RAZDESK_WRITE_DOCS").is_some() && to == "zoe@example.org")
            .then_some(picture.as_path());
        let failures = axe_email(
            w.desk_dir.path(),
            m,
            &format!("the HTML email to {to}"),
            &s.raz_id,
            picture,
        )
        .await;
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn printing_through_a_real_cups_queue() {
    let printer = std::env::var("RAZDESK_TEST_PRINTER").unwrap_or_else(|_| "RAZPDF".into());
    let w = World::start().await;
    w.ready().await;
    let s = stage_file(
        &w,
        "print.xml",
        &encounter("Ana", "Ávila", "P-1"),
        &["--qr"],
    );
    let (ok, v) = w.desk(&["printers"]);
    assert!(
        ok && v["printers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == printer.as_str()),
        "the CUPS-PDF queue {printer} exists (scripts/setup-test.sh adds it): {v}"
    );
    let queue = PrintedPdfs::watch();
    let (ok, v) = w.desk(&[
        "print",
        &s.staging_id,
        "--printer",
        &printer,
        "--format",
        "80mm",
    ]);
    assert!(ok, "{v}");
    assert!(v["job"].as_str().unwrap().contains(&printer));
    let printed = queue.next().await;
    // CUPS converts the job through PostScript (pdftocairo, set on the queue by
    // scripts/setup-test.sh); the printed page still carries the text and the code.
    let pages = tool("pdfinfo", &[printed.to_str().unwrap()]);
    assert!(pages.contains("Pages:           1"), "{pages}");
    let text = pdf_text(&printed);
    assert!(
        text.contains("Ana Ávila"),
        "the printed page's text: {text}"
    );
    assert!(text.contains(&s.raz_id), "the printed page's text: {text}");
    assert!(text.contains("Your visit record code"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(qr_on_page(&printed, dir.path()), s.raz_uri.unwrap());
    let (ok, v) = w.desk(&["print-test", "--printer", &printer]);
    assert!(ok && v["job"].as_str().unwrap().contains(&printer), "{v}");
    let (_, h) = w.desk(&["history"]);
    assert!(
        h["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["channel"] == "print" && d["status"] == "sent"),
        "{h}"
    );
    // An unknown printer is a clear error, recorded as a failed delivery.
    let (ok, v) = w.desk(&["print", &s.staging_id, "--printer", "NO-SUCH-PRINTER"]);
    assert!(
        !ok && v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("lpstat -e"),
        "{v}"
    );
}

/// A certificate authority and a server certificate for 127.0.0.1.
fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let p = |n: &str| dir.join(n).to_str().unwrap().to_string();
    tool(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &p("ca.key"),
            "-out",
            &p("ca.pem"),
            "-days",
            "1",
            "-subj",
            "/CN=Test clinic CA",
        ],
    );
    tool(
        "openssl",
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &p("srv.key"),
            "-out",
            &p("srv.csr"),
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    tool(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            &p("srv.csr"),
            "-CA",
            &p("ca.pem"),
            "-CAkey",
            &p("ca.key"),
            "-CAcreateserial",
            "-out",
            &p("srv.pem"),
            "-days",
            "1",
            "-extfile",
            &p("ext.cnf"),
        ],
    );
    (dir.join("ca.pem"), dir.join("srv.pem"), dir.join("srv.key"))
}

#[tokio::test(flavor = "multi_thread")]
async fn email_over_starttls_and_implicit_tls_with_a_login() {
    let w = World::start().await;
    w.ready().await;
    let s = stage_file(&w, "tls.xml", &encounter("Ana", "Ávila", "E-1"), &["--qr"]);
    let certs = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(certs.path());
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_server.py");
    for mode in ["starttls", "tls"] {
        let port = free_port();
        let maildir = tempfile::tempdir().unwrap();
        for d in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(maildir.path().join(d)).unwrap();
        }
        let mut server = Command::new("python3")
            .arg(&script)
            .args([
                mode,
                &port.to_string(),
                maildir.path().to_str().unwrap(),
                cert.to_str().unwrap(),
                key.to_str().unwrap(),
                "desk",
                "right-password",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut ready = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(server.stdout.take().unwrap()),
            &mut ready,
        )
        .unwrap();
        assert_eq!(ready.trim(), "ready");
        let port_text = port.to_string();
        let smtp = |password: &str, ca_file: Option<&Path>| {
            let mut args = vec![
                "smtp",
                "--host",
                "127.0.0.1",
                "--port",
                &port_text,
                "--security",
                mode,
                "--user",
                "desk",
                "--password",
                password,
                "--from",
                "desk@clinic.test",
            ];
            if let Some(ca) = ca_file {
                args.extend(["--ca-file", ca.to_str().unwrap()]);
            }
            w.desk(&args)
        };
        let set_smtp = |password: &str, ca_file: Option<&Path>| {
            let (ok, v) = smtp(password, ca_file);
            assert!(ok, "{v}");
        };
        // A wrong password: refused at once, said plainly, and not left to retry.
        set_smtp("wrong-password", Some(&ca));
        let (ok, v) = w.desk(&["email", &s.staging_id, "--to", "ana@example.org"]);
        assert!(!ok);
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("refused the login"),
            "{mode}: {v}"
        );
        let (_, o) = w.desk(&["outbox"]);
        assert!(
            o["emails"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["target"] != "ana@example.org"),
            "{mode}: {o}"
        );
        set_smtp("right-password", Some(&ca));
        let (ok, v) = w.desk(&["email", &s.staging_id, "--to", "ana@example.org"]);
        assert!(ok, "{mode}: {v}");
        let delivered = std::fs::read_dir(maildir.path().join("new"))
            .unwrap()
            .count();
        assert_eq!(delivered, 1, "{mode}");
        // Without the clinic's CA the server's certificate is not trusted.
        set_smtp("right-password", None);
        let (ok, v) = w.desk(&["email", &s.staging_id, "--to", "ana@example.org"]);
        assert!(
            !ok,
            "{mode}: an untrusted certificate must not be accepted: {v}"
        );
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("not trusted"),
            "{mode}: {v}"
        );
        // A CA file that cannot be used is refused when it is set, by name.
        let not_pem = maildir.path().join("not-a-certificate.txt");
        std::fs::write(&not_pem, "not a certificate").unwrap();
        for bad in [maildir.path().join("missing.pem"), not_pem] {
            let (ok, v) = smtp("right-password", Some(&bad));
            assert!(!ok, "{mode}: {v}");
            let message = v["error"]["message"].as_str().unwrap();
            assert!(
                message.contains("CA file") && message.contains(bad.to_str().unwrap()),
                "{mode}: {v}"
            );
        }
        let _ = server.kill();
        let _ = server.wait();
    }
}

/// Each word's height in points, as poppler's `pdftotext -bbox` measures it
/// (the glyphs' box: a little more than the type size).
fn word_heights(pdf: &Path) -> Vec<(String, f32)> {
    word_heights_with_y(pdf)
        .into_iter()
        .map(|(w, top, bottom)| (w, bottom - top))
        .collect()
}

/// Each word with its top and bottom on its page, in points from the top.
fn word_heights_with_y(pdf: &Path) -> Vec<(String, f32, f32)> {
    let out = Command::new("pdftotext")
        .args(["-bbox", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    let html = String::from_utf8_lossy(&out.stdout).to_string();
    let attr = |w: &str, name: &str| -> f32 {
        let at = w.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        w[at..].split('"').next().unwrap().parse().unwrap()
    };
    html.split("<word ")
        .skip(1)
        .map(|w| {
            let text = w.split('>').nth(1).unwrap().split('<').next().unwrap();
            (text.to_string(), attr(w, "yMin"), attr(w, "yMax"))
        })
        .collect()
}

fn pdf_pages(pdf: &Path) -> usize {
    let info = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo");
    String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").and_then(|n| n.trim().parse().ok()))
        .unwrap_or(0)
}

/// The PDF's document catalog, as qpdf (an independent reader) shows it.
fn catalog(pdf: &Path) -> serde_json::Value {
    let out = Command::new("qpdf")
        .args(["--json", "--json-key=qpdf", pdf.to_str().unwrap()])
        .output()
        .expect("qpdf");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("qpdf's JSON");
    let objects = &v["qpdf"][1];
    let root = objects["trailer"]["value"]["/Root"].as_str().unwrap();
    objects[format!("obj:{root}")]["value"].clone()
}

fn pdf_title(pdf: &Path) -> String {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Title:"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn large_print_and_a_receipt_that_names_its_language_and_title() {
    let w = World::start().await;
    w.ready().await;
    let (ok, _) = w.desk(&["clinic", "--name", "Harbor Street Clinic"]);
    assert!(ok);
    let first = stage_file(&w, "lp1.xml", &encounter("Ana", "Ávila", "LP-1"), &["--qr"]);
    let out = tempfile::tempdir().unwrap();
    let make = |s: &Staged, name: &str, extra: &[&str]| {
        let pdf = out.path().join(name);
        let mut args = vec!["receipt", &s.staging_id, "--out", pdf.to_str().unwrap()];
        args.extend_from_slice(extra);
        let (ok, v) = w.desk(&args);
        assert!(ok, "{v}");
        pdf
    };
    let usual = make(&first, "usual.pdf", &["--language", "es"]);
    let large = make(&first, "large.pdf", &["--large-print"]);
    // A screen reader reads it in the patient's language, and shows its title.
    let c = catalog(&usual);
    assert_eq!(c["/Lang"], "u:es", "{c}");
    assert_eq!(c["/ViewerPreferences"]["/DisplayDocTitle"], true, "{c}");
    assert_eq!(
        pdf_title(&usual),
        format!(
            "Harbor Street Clinic: el código de su registro de visita {}",
            first.raz_id
        )
    );
    // The code and the instructions: under 18 pt usually, 18 pt and more in
    // large print (a word's box is a little taller than its type size).
    let height = |pdf: &Path, word: &str| {
        word_heights(pdf)
            .into_iter()
            .find(|(w, _)| w.contains(word))
            .unwrap_or_else(|| panic!("{word:?} in {}", pdf_text(pdf)))
            .1
    };
    for word in ["HealthJibe", "escanee", "Paciente"] {
        let (u, l) = (height(&usual, word), height(&large, word));
        assert!(u < 18.0, "{word}: {u} pt in the usual receipt");
        assert!(l >= 18.0, "{word}: {l} pt in large print");
    }
    // The code is large already, and larger still.
    let (u, l) = (height(&usual, &first.raz_id), height(&large, &first.raz_id));
    assert!(l >= 18.0 && l > u, "the code: {u} pt, then {l} pt");
    let text = pdf_text(&large);
    assert!(text.contains(&first.raz_id), "{text}");
    // Kept with the patient: their next code prints large too, until staff
    // go back to the usual size.
    let next = stage_file(&w, "lp2.xml", &encounter("Ana", "Ávila", "LP-1"), &["--qr"]);
    let again = make(&next, "again.pdf", &[]);
    assert!(height(&again, "HealthJibe") >= 18.0);
    let back = make(&next, "back.pdf", &["--large-print=false"]);
    assert!(height(&back, "HealthJibe") < 18.0);
    // A Letter page holds what it can; large print runs on to the next page
    // rather than off the bottom of this one.
    assert_eq!(pdf_pages(&usual), 1);
    let out_of_page: Vec<String> = word_heights_with_y(&large)
        .into_iter()
        .filter(|(_, y_min, y_max)| *y_min < 0.0 || *y_max > 792.0)
        .map(|(w, _, _)| w)
        .collect();
    assert!(out_of_page.is_empty(), "off the page: {out_of_page:?}");
    if let Ok(keep) = std::env::var("RAZDESK_KEEP_RECEIPT") {
        std::fs::copy(&large, keep).unwrap();
    }
}
