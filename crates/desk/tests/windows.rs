//! The Windows build (`scripts/windows.sh`) run under Wine against the real
//! gateway on loopback: the checkout a front desk does, with the Linux
//! checkout's assertions where they apply. Runs when `RAZDESK_WINDOWS_EXE`
//! names the `.exe` (`scripts/setup-test.sh` builds it and sets it); says
//! NOT RUN otherwise.

mod common;
use common::*;
use razcode_protocol::RazId;
use razcode_testkit::smtp::Smtp;
use razcode_testkit::wine::Wine;
use razcode_testkit::{fixture, free_port, pdf_text};
use serde_json::Value;

fn staged_id(v: &Value) -> RazId {
    assert_eq!(v["ack"], "Success", "{v}");
    RazId::parse(v["raz_id"].as_str().unwrap()).unwrap()
}

/// One process, one Wine prefix: every test here is one test function.
#[tokio::test(flavor = "multi_thread")]
async fn the_windows_desk_checks_out_under_wine() {
    let Some(wine) = Wine::from_env("the Windows desk under Wine") else {
        return;
    };
    let _prefix = use_wine(wine);

    // Where a desk keeps its data when none is named: the user's local
    // application data, never the roaming profile.
    let out = razdesk().args(["--json", "about"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let about: Value = serde_json::from_slice(&out.stdout).unwrap();
    let data_dir = about["about"]["data_dir"].as_str().unwrap();
    assert!(
        data_dir.ends_with(r"\AppData\Local\RAZCODE Desk"),
        "{data_dir}"
    );

    let mut w = World::start().await;
    // Not set up yet: the same clear error as on Linux.
    let (ok, v) = w.desk(&["activate", "--no-browser"]);
    assert!(!ok);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("razdesk setup"),
        "{v}"
    );
    // Setup and activation, approved as a browser would.
    w.ready().await;
    // The data folder's DACL is set and read back through the system's
    // security calls, which answer under Wine (a null here is a call that
    // failed). Wine keeps no DACL on its drives: it accepts the protected one
    // and reads back entries made from the Unix mode bits, so whether the
    // folder is private is checked on Windows itself, not here.
    let (ok, v) = w.desk(&["about"]);
    assert!(ok, "{v}");
    assert!(v["about"]["data_dir_private"].is_boolean(), "{v}");
    w.link_patient().await;
    // The secrets are not in the database in plain text.
    let db = std::fs::read(w.desk_dir.path().join("desk.db")).unwrap();
    assert!(!db
        .windows(w.consumer.1.len())
        .any(|win| win == w.consumer.1.as_bytes()));

    // A CCR and an OMHE file, imported from paths with a space and an accent.
    let folder = w.desk_dir.path().join("Exportación EHR");
    std::fs::create_dir_all(&folder).unwrap();
    let ccr = folder.join("visita 1.xml");
    std::fs::copy(fixture("ccr/examples/minimal_clinic_encounter.xml"), &ccr).unwrap();
    let omhe = folder.join("signos vitales.txt");
    std::fs::write(&omhe, "bp=120/80p60\nwt=70.5k\n").unwrap();
    let (ok, v) = w.desk(&["import", ccr.to_str().unwrap(), omhe.to_str().unwrap()]);
    assert!(ok, "{v}");
    assert_eq!(
        v["imported"][0]["encounter"]["patient_name"],
        "Alex Example"
    );
    let ccr_id = v["imported"][0]["encounter"]["id"].as_i64().unwrap();
    let omhe_id = v["imported"][1]["encounter"]["id"].as_i64().unwrap();

    // The CCR with a QR code and a bill.
    let ccr_arg = ccr_id.to_string();
    let with_bill = [
        "stage",
        &ccr_arg,
        "--qr",
        "--amount",
        "40.00",
        "--currency",
        "USD",
        "--description",
        "Visit",
    ];
    let (ok, v) = w.desk(&with_bill);
    assert!(ok, "{v}");
    let code = staged_id(&v);
    assert_eq!(v["pmt"], "valid");
    let redeem = format!("{}/r/{}", w.base, code.compact());
    assert_eq!(v["raz_uri"].as_str().unwrap(), redeem);
    let png = Wine::unix_path(v["image"].as_str().unwrap());
    assert_eq!(scan_qr(png.to_str().unwrap()), redeem);
    let staging = v["staging_id"].to_string();
    // Staging it again gives the same code without a second stage.
    let (_, again) = w.desk(&with_bill);
    assert_eq!(again["raz_id"], v["raz_id"]);
    // The OMHE readings bound to the linked patient.
    let (ok, v) = w.desk(&["stage", &omhe_id.to_string(), "--mrn", "000123"]);
    assert!(ok, "{v}");
    staged_id(&v);

    // The receipt, read back.
    let pdf = w.desk_dir.path().join("recibo de Alex.pdf");
    let (ok, v) = w.desk(&["receipt", &staging, "--out", pdf.to_str().unwrap()]);
    assert!(ok, "{v}");
    let text = pdf_text(&pdf);
    assert!(text.contains(&code.to_string()), "{text}");
    assert!(text.contains("Amount due: $40.00"), "{text}");

    // Printed through the Windows spooler: drawn by GDI, no PDF program on
    // the PC. Wine's spooler hands the job to CUPS, whose PDF queue writes it
    // out; the printed page is read back as a scanner and a reader would.
    let printer = std::env::var("RAZDESK_TEST_PRINTER").unwrap_or_else(|_| "RAZPDF".into());
    let (ok, v) = w.desk(&["printers"]);
    assert!(ok, "{v}");
    assert!(
        v["printers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == printer.as_str()),
        "the spooler lists the CUPS queue {printer}: {v}"
    );
    for format in ["80mm", "letter"] {
        let queue = PrintedPdfs::watch();
        let (ok, v) = w.desk(&["print", &staging, "--printer", &printer, "--format", format]);
        assert!(ok, "{v}");
        assert!(v["job"].as_str().unwrap().contains(&printer), "{v}");
        let printed = queue.next().await;
        let text = pdf_text(&printed);
        assert!(text.contains(&code.to_string()), "{format}: {text}");
        assert!(text.contains("Alex Example"), "{format}: {text}");
        assert!(text.contains("Amount due"), "{format}: {text}");
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(qr_on_page(&printed, dir.path()), redeem, "{format}");
    }
    // In Arabic, GDI draws the shaped glyphs by index, right to left; the
    // printed page still carries the code and its barcode.
    {
        let queue = PrintedPdfs::watch();
        let (ok, v) = w.desk(&["print", &staging, "--printer", &printer, "--language", "ar"]);
        assert!(ok, "{v}");
        let printed = queue.next().await;
        // Read back through Wine's PostScript driver, letters come as
        // their joined presentation forms; NFKC gives the letters back.
        let text: String = {
            use unicode_normalization::UnicodeNormalization;
            pdf_text(&printed).nfkc().collect()
        };
        for want in [
            "رمز سجل زيارتك",
            "يرجى دفع هذه الفاتورة في",
            "لإضافة هذه الزيارة إلى حسابك",
        ] {
            assert!(text.contains(want), "ar: {want:?} not in {text}");
        }
        assert!(text.contains(&code.to_string()), "ar: {text}");
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(qr_on_page(&printed, dir.path()), redeem, "ar");
    }
    // A printer that is not there: a clear error, recorded in the history.
    let (ok, v) = w.desk(&["print", &staging, "--printer", "NO-SUCH-PRINTER"]);
    assert!(!ok);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("NO-SUCH-PRINTER is not a printer's name"),
        "{v}"
    );

    // Emailed through a real SMTP server.
    let port = free_port();
    let server = Smtp::start(port);
    let (ok, v) = w.smtp_on_loopback(port);
    assert!(ok, "{v}");
    let (ok, v) = w.desk(&["email", &staging, "--to", "alex@example.org"]);
    assert!(ok, "{v}");
    let msgs = server.messages();
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(msgs[0]["body"]
        .as_str()
        .unwrap()
        .contains(&code.to_string()));

    // History has every code; the gateway issued exactly these.
    w.history_matches_the_gateway();

    // The gateway goes away: the checkout still gets a code, one the gateway
    // reserved while it answered (v1.2), and its stage waits in the outbox
    // and goes, under that code, when the gateway is back.
    let (_, about) = w.desk(&["about"]);
    assert_eq!(about["about"]["offline_codes"]["available"], 25, "{about}");
    w.stop_gateway().await;
    let (ok, v) = w.desk(&[
        "stage",
        &ccr_id.to_string(),
        "--amount",
        "5",
        "--currency",
        "USD",
    ]);
    assert!(ok, "{v}");
    assert_eq!(
        (v["status"].as_str(), v["offline"].as_bool()),
        (Some("pending"), Some(true)),
        "{v}"
    );
    let printed = RazId::parse(v["raz_id"].as_str().unwrap()).unwrap();
    w.restart_gateway().await;
    let (ok, v) = w.desk(&["outbox", "--retry"]);
    assert!(ok, "{v}");
    assert_eq!(v["waiting"], 0, "{v}");
    assert_eq!(v["results"][0]["raz_id"], printed.grouped().as_str(), "{v}");

    // Void: the code is withdrawn at the gateway.
    let (ok, v) = w.desk(&["void", &staging, "--reason", "wrong patient"]);
    assert!(ok, "{v}");
    assert_eq!(v["state"], "voided", "{v}");
}
