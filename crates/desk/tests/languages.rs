//! The patient's language: receipts in Spanish, Chinese, Vietnamese and
//! Arabic (right to left) read back with pdftotext, emails in Spanish and
//! Arabic through a real SMTP server, the language kept with the staging,
//! the patient and the clinic; unknown tags refused.

mod common;
use common::*;
use razcode_testkit::smtp;
use razcode_testkit::{fixture, free_port};
use std::path::Path;

fn flat_text(pdf: &Path) -> String {
    tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn encounter(given: &str, family: &str, mrn: &str) -> String {
    visit_ccr(given, family, mrn, "2026-11-26")
}

/// Stages a file; its staging id.
fn stage(w: &World, name: &str, ccr: &str, extra: &[&str]) -> String {
    let f = w.desk_dir.path().join(name);
    std::fs::write(&f, ccr).unwrap();
    let mut args = vec!["stage", f.to_str().unwrap(), "--qr"];
    args.extend_from_slice(extra);
    let (ok, v) = w.desk(&args);
    assert!(ok, "{v}");
    v["staging_id"].to_string()
}

fn receipt(w: &World, staging: &str, extra: &[&str]) -> String {
    flat_text(&receipt_file(w, staging, extra))
}

fn receipt_file(w: &World, staging: &str, extra: &[&str]) -> std::path::PathBuf {
    let pdf = w
        .desk_dir
        .path()
        .join(format!("r-{staging}-{}.pdf", extra.join("_")));
    let mut args = vec!["receipt", staging, "--out", pdf.to_str().unwrap()];
    args.extend_from_slice(extra);
    let (ok, v) = w.desk(&args);
    assert!(ok, "{v}");
    pdf
}

/// With RAZDESK_WRITE_DOCS: the receipt's first page as a picture in docs/.
fn picture(pdf: &Path, name: &str) {
    if std::env::var_os("RAZDESK_WRITE_DOCS").is_none() {
        return;
    }
    let out = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs")
        .join(name);
    tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "60",
            "-singlefile",
            "-f",
            "1",
            pdf.to_str().unwrap(),
            out.to_str().unwrap(),
        ],
    );
}

const PAYMENT: [&str; 8] = [
    "--amount",
    "1250.00",
    "--currency",
    "USD",
    "--due-date",
    "2026-12-31",
    "--reference",
    "INV-9",
];

#[tokio::test(flavor = "multi_thread")]
async fn receipts_in_spanish_and_chinese() {
    let w = World::start().await;
    w.ready().await;
    w.desk(&["clinic", "--name", "Harbor Street Clinic"]);
    let mut extra = vec!["--language", "es"];
    extra.extend_from_slice(&PAYMENT);
    let s = stage(&w, "es.xml", &encounter("Ana", "Ávila", "ES-1"), &extra);
    for format in ["letter", "80mm"] {
        let text = receipt(&w, &s, &["--format", format]);
        for want in [
            "El código del registro de su visita",
            "Paciente: Ana Ávila",
            "Visita: 26 nov 2026",
            "Importe a pagar: 1.250,00 US$",
            "Vence el 31 dic 2026",
            "Referencia: INV-9",
            "Pague esta factura en Harbor Street Clinic.",
            "inicie sesión",
        ] {
            assert!(text.contains(want), "{format}: {want:?} not in {text}");
        }
        assert!(!text.contains("Your visit record code"), "{text}");
    }
    // Another language for the same code: every sentence follows.
    let text = receipt(&w, &s, &["--language", "zh-Hans", "--format", "80mm"]);
    for want in [
        "您的就诊记录代码",
        "患者：Ana Ávila",
        "就诊：2026年11月26日",
        "应付金额：US$1,250.00",
        "请在 Harbor Street Clinic 支付此账单。",
    ] {
        assert!(text.contains(want), "{want:?} not in {text}");
    }
    // The pictures in docs/: a first print (not a COPY) in each language.
    for (lang, format) in [("es", "letter"), ("en", "letter"), ("zh-Hans", "80mm")] {
        let mut extra = vec!["--language", lang];
        extra.extend_from_slice(&PAYMENT);
        let mrn = format!("DOC-{lang}");
        let doc = stage(
            &w,
            &format!("{mrn}.xml"),
            &encounter("Ana", "Ávila", &mrn),
            &extra,
        );
        let pdf = receipt_file(&w, &doc, &["--format", format]);
        picture(&pdf, &format!("receipt-{format}-{lang}"));
    }
    // And English, on demand, with the dollar sign.
    let text = receipt(&w, &s, &["--language", "en"]);
    assert!(text.contains("Amount due: $1,250.00"), "{text}");
    assert!(text.contains("Visit: Nov 26, 2026"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_vietnamese_receipt_with_stacked_diacritics() {
    let w = World::start().await;
    w.ready().await;
    w.desk(&["clinic", "--name", "Phòng khám Hòa Bình"]);
    // The family name as some systems send it: decomposed (e, then the
    // circumflex, then the tilde); it prints composed.
    let family = "Nguye\u{302}\u{303}n";
    let mut extra = vec!["--language", "vi"];
    extra.extend_from_slice(&PAYMENT);
    let s = stage(
        &w,
        "vi.xml",
        &encounter("Thị Ánh Tuyết", family, "VI-1"),
        &extra,
    );
    for format in ["letter", "80mm"] {
        let text = receipt(&w, &s, &["--format", format]);
        for want in [
            "Mã hồ sơ lần khám của bạn",
            "Bệnh nhân: Thị Ánh Tuyết Nguyễn",
            "Lần khám: 26 thg 11, 2026",
            "Số tiền phải trả: 1.250,00 US$",
            "Vui lòng thanh toán hóa đơn này tại Phòng khám Hòa Bình.",
            "đăng nhập",
        ] {
            assert!(text.contains(want), "{format}: {want:?} not in {text}");
        }
    }
    // The picture in docs/: a first print (not a COPY).
    let doc = stage(
        &w,
        "DOC-vi.xml",
        &encounter("Thị Ánh Tuyết", family, "DOC-vi"),
        &extra,
    );
    let pdf = receipt_file(&w, &doc, &["--format", "letter"]);
    picture(&pdf, "receipt-letter-vi");
}

/// pdftotext's reading of an Arabic receipt, in logical order, without the
/// embedding marks it adds around each direction's run.
fn logical_text(pdf: &Path) -> String {
    tool("pdftotext", &[pdf.to_str().unwrap(), "-"])
        .chars()
        .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Each line's words from `pdftotext -bbox-layout`: (xMin, xMax, text) in
/// points, a line's words in the order pdftotext reads them.
fn lines_of(pdf: &Path) -> Vec<Vec<(f32, f32, String)>> {
    let xml = tool(
        "pdftotext",
        &[
            "-f",
            "1",
            "-l",
            "1",
            "-bbox-layout",
            pdf.to_str().unwrap(),
            "-",
        ],
    );
    let attr = |tag: &str, name: &str| -> f32 {
        let at = tag.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
        tag[at..].split('"').next().unwrap().parse().unwrap()
    };
    xml.split("<line")
        .skip(1)
        .map(|line| {
            line.split("<word")
                .skip(1)
                .map(|w| {
                    let text = w.split('>').nth(1).unwrap().split('<').next().unwrap();
                    (attr(w, "xMin"), attr(w, "xMax"), text.to_string())
                })
                .collect()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_arabic_receipt_reads_right_to_left() {
    let w = World::start().await;
    w.ready().await;
    w.desk(&["clinic", "--name", "عيادة النور"]);
    let mut extra = vec!["--language", "ar"];
    extra.extend_from_slice(&PAYMENT);
    let s = stage(&w, "ar.xml", &encounter("ليلى", "حداد", "AR-1"), &extra);
    for format in ["letter", "80mm"] {
        let pdf = receipt_file(&w, &s, &["--format", format]);
        let text = logical_text(&pdf);
        // Read back in logical order: joined letters and lam-alef
        // ligatures give back their letters, marks (the shadda) stay.
        for want in [
            "عيادة النور",
            "رمز سجل زيارتك",
            "ليلى حداد",
            "لإضافة هذه الزيارة إلى حسابك في",
            "ثم سجّل الدخول",
            "امسح الرمز أو افتح http://127.0.0.1:",
            "1,250.00 US$",
            "يرجى دفع هذه الفاتورة في عيادة النور",
            "INV-9",
        ] {
            assert!(text.contains(want), "{format}: {want:?} not in {text}");
        }
        assert!(!text.contains("Your visit record code"), "{text}");
    }
    // On a page, lines start at the right margin: every line of Arabic
    // words ends (its first word's right edge) within a point of the others.
    let pdf = receipt_file(&w, &s, &["--format", "letter"]);
    let page_w = 612.0;
    let right_edges: Vec<f32> = lines_of(&pdf)
        .iter()
        .filter(|l| {
            l.iter()
                .any(|(_, _, t)| t.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)))
        })
        .map(|l| l.iter().map(|w| w.1).fold(0.0, f32::max))
        .collect();
    assert!(right_edges.len() >= 8, "{right_edges:?}");
    let right = right_edges.iter().copied().fold(0.0, f32::max);
    assert!(right > page_w / 2.0, "lines end at {right}");
    let flush = right_edges
        .iter()
        .filter(|e| (right - **e).abs() < 1.0)
        .count();
    assert!(flush >= right_edges.len() - 1, "{right_edges:?}");
    // The picture in docs/: a first print (not a COPY).
    let doc = stage(
        &w,
        "DOC-ar.xml",
        &encounter("ليلى", "حداد", "DOC-ar"),
        &extra,
    );
    let pdf = receipt_file(&w, &doc, &["--format", "letter"]);
    picture(&pdf, "receipt-letter-ar");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_language_is_kept_with_the_clinic_the_patient_and_the_staging() {
    let w = World::start().await;
    w.ready().await;
    // An unknown tag is refused with the list of languages there are.
    let f = w.desk_dir.path().join("x.xml");
    std::fs::write(&f, encounter("Kai", "Li", "X-1")).unwrap();
    let (ok, v) = w.desk(&["stage", f.to_str().unwrap(), "--language", "tlh"]);
    assert!(!ok);
    let m = v["error"]["message"].as_str().unwrap();
    assert!(
        m.contains("\"tlh\"") && m.contains("en, es, zh-Hans, vi, ar"),
        "{m}"
    );
    let (ok, v) = w.desk(&["clinic", "--language", "fr"]);
    assert!(!ok, "{v}");

    // The clinic's default.
    let (ok, v) = w.desk(&["clinic", "--language", "es"]);
    assert!(ok, "{v}");
    let s = stage(&w, "c.xml", &encounter("Luz", "Mora", "C-1"), &[]);
    assert!(receipt(&w, &s, &[]).contains("El código del registro de su visita"));

    // The patient's own, over the clinic's.
    let (ok, v) = w.desk(&["patient", "--mrn", "P-1", "--language", "zh-Hans"]);
    assert!(ok, "{v}");
    assert_eq!(v["language"], "zh-Hans");
    let s = stage(&w, "p.xml", &encounter("伟", "张", "P-1"), &[]);
    assert!(receipt(&w, &s, &[]).contains("您的就诊记录代码"));

    // Chosen at the stage: kept with the staging and with the patient.
    let s = stage(
        &w,
        "e.xml",
        &encounter("Ed", "Ng", "E-1"),
        &["--language", "en"],
    );
    assert!(receipt(&w, &s, &[]).contains("Your visit record code"));
    let (ok, v) = w.desk(&["patient", "--mrn", "E-1"]);
    assert!(ok, "{v}");
    assert_eq!(v["language"], "en");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_email_in_spanish_and_in_arabic() {
    let w = World::start().await;
    w.ready().await;
    w.desk(&["clinic", "--name", "Harbor Street Clinic"]);
    let s = stage(
        &w,
        "m.xml",
        &encounter("Ana", "Ávila", "M-1"),
        &["--amount", "25.00", "--currency", "USD"],
    );
    let port = free_port();
    let server = smtp::Smtp::start(port);
    assert_eq!(server.port, port);
    let (ok, v) = w.smtp_on_loopback(port);
    assert!(ok, "{v}");
    let (ok, v) = w.desk(&["email", &s, "--to", "ana@example.org", "--language", "es"]);
    assert!(ok, "{v}");
    let msgs = server.messages();
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    let m = &msgs[0];
    assert_eq!(
        m["subject"],
        "El código del registro de su visita en Harbor Street Clinic"
    );
    let body = m["body"].as_str().unwrap();
    assert!(body.starts_with("Hola:"), "{body}");
    // The HTML part speaks Spanish too, and says where the bill is paid.
    let html = m["html"].as_str().unwrap();
    for want in [
        "<html lang=\"es\" dir=\"ltr\">",
        "Agregar la visita a mi cuenta",
        "Importe a pagar: 25,00 US$",
        "Pague esta factura en Harbor Street Clinic.",
    ] {
        assert!(html.contains(want), "{want:?} in {html}");
    }
    assert!(
        body.contains("El código funciona una sola vez, hasta el "),
        "{body}"
    );
    assert!(!body.contains("Ávila"), "no patient data in the body");
    let pdf = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(m["attachments"][0]["data"].as_str().unwrap())
            .unwrap()
    };
    let file = w.desk_dir.path().join("attached.pdf");
    std::fs::write(&file, pdf).unwrap();
    assert!(flat_text(&file).contains("El código del registro de su visita"));

    // In Arabic the email reads right to left; its code and amount left to
    // right. As a page in Chromium, axe-core finds nothing.
    let (ok, v) = w.desk(&["email", &s, "--to", "ana@example.org", "--language", "ar"]);
    assert!(ok, "{v}");
    // The mailbox lists messages by file name, not by arrival.
    let msgs = server.messages();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    let m = msgs
        .iter()
        .find(|m| m["subject"] == "رمز سجل زيارتك من Harbor Street Clinic")
        .unwrap_or_else(|| panic!("the Arabic email: {msgs:?}"));
    let html = m["html"].as_str().unwrap();
    for want in [
        "<html lang=\"ar\" dir=\"rtl\">",
        "أضف الزيارة إلى حسابي",
        "dir=\"ltr\"",
        "\u{2066}25.00 US$\u{2069}",
    ] {
        assert!(html.contains(want), "{want:?} in {html}");
    }
    let failures = axe_email(
        w.desk_dir.path(),
        m,
        "the HTML email in Arabic",
        "أضف الزيارة",
        None,
    )
    .await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_record_that_names_the_patients_language_sets_the_default() {
    let w = World::start().await;
    w.ready().await;
    let english = std::fs::read_to_string(fixture("ccr/examples/visit_with_language.xml")).unwrap();
    let said = "<Text>Language</Text></Type><Description><Text>English</Text>";
    assert!(
        english.contains(said),
        "the fixture names its patient's language"
    );
    let spanish = english.replace(
        said,
        "<Text>Language</Text></Type><Description><Text>Spanish</Text>",
    );
    let s = stage(&w, "jane.xml", &spanish, &[]);
    assert!(receipt(&w, &s, &[]).contains("El código del registro de su visita"));
    // Staff choose otherwise: the choice wins, and is kept with the patient.
    let s = stage(&w, "jane-en.xml", &english, &["--language", "en"]);
    assert!(receipt(&w, &s, &[]).contains("Your visit record code"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ccd_s_language_communication_sets_the_patient_s_language() {
    let w = World::start().await;
    w.ready().await;
    let ccd = std::fs::read_to_string(fixture("ccd/samples/hl7_ccda_examples_ccd1.xml")).unwrap();
    let said = "<languageCode code=\"en\" />";
    assert!(
        ccd.contains(said),
        "the fixture names its patient's language"
    );
    // Spanish as ISO 639-2 writes it (a CDA's languageCode may).
    let spanish = ccd.replace(said, "<languageCode code=\"spa\" />");
    let s = stage(&w, "eve.xml", &spanish, &[]);
    assert!(receipt(&w, &s, &[]).contains("El código del registro de su visita"));
    let (ok, v) = w.desk(&[
        "her",
        "show",
        w.desk_dir.path().join("eve.xml").to_str().unwrap(),
    ]);
    assert!(ok, "{v}");
    assert_eq!(
        v["language"], "es",
        "her show reads it in the patient's language"
    );
    // A language we have no catalog for: the clinic's default (English).
    let italian = ccd.replace(said, "<languageCode code=\"ita\" />");
    let s = stage(&w, "eve-it.xml", &italian, &[]);
    assert!(receipt(&w, &s, &[]).contains("Your visit record code"));
}
