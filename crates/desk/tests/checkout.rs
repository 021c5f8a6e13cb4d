//! A real checkout end to end: the razdesk binary against the real gateway on loopback.

mod common;
use common::*;
use razcode_protocol::RazId;
use razcode_testkit::fixture;
use serde_json::Value;

fn staged_id(v: &Value) -> RazId {
    assert_eq!(v["ack"], "Success", "{v}");
    RazId::parse(v["raz_id"].as_str().unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn activation_link_import_and_every_kind_of_stage() {
    let w = World::start().await;
    // Not set up yet: a clear error.
    let (ok, v) = w.desk(&["activate", "--no-browser"]);
    assert!(!ok);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("razdesk setup"),
        "{v}"
    );
    // http to a non-loopback host is refused.
    let (ok, v) = w.desk(&[
        "setup",
        "--api-base",
        "http://gateway.example",
        "--consumer-key",
        "k",
        "--consumer-secret",
        "s",
    ]);
    assert!(!ok);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("encrypted"),
        "{v}"
    );
    w.ready().await;
    // The secret from standard input (`-`), not the command line: the patient
    // link below is signed with it.
    let out = {
        use std::io::Write;
        let mut child = std::process::Command::new(BIN)
            .arg("--data-dir")
            .arg(w.desk_dir.path())
            .args(["--json", "setup", "--api-base", &w.base, "--consumer-key"])
            .arg(&w.consumer.0)
            .args(["--consumer-secret", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{}", w.consumer.1).unwrap();
        child.wait_with_output().unwrap()
    };
    assert!(out.status.success());
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        s["settings"]["activated"], true,
        "setting the same gateway again keeps the activation"
    );
    assert!(s["settings"]["secrets"]
        .as_str()
        .unwrap()
        .contains("key file"));
    // The secrets are not in the database in plain text.
    let db = std::fs::read(w.desk_dir.path().join("desk.db")).unwrap();
    let wal = std::fs::read(w.desk_dir.path().join("desk.db-wal")).unwrap_or_default();
    for bytes in [&db, &wal] {
        assert!(!bytes
            .windows(w.consumer.1.len())
            .any(|win| win == w.consumer.1.as_bytes()));
    }

    // Patient link.
    w.link_patient().await;

    // Import a CCR sample, a CCD and an OMHE file.
    let ccr = fixture("ccr/examples/minimal_clinic_encounter.xml");
    let ccd = fixture("ccd/samples/hl7_ccda_examples_ccd1.xml");
    let omhe = w.desk_dir.path().join("vitals.txt");
    std::fs::write(&omhe, "bp=120/80p60\nwt=70.5k\n").unwrap();
    let (ok, v) = w.desk(&[
        "import",
        ccr.to_str().unwrap(),
        ccd.to_str().unwrap(),
        omhe.to_str().unwrap(),
    ]);
    assert!(ok, "{v}");
    let ids: Vec<i64> = v["imported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["encounter"]["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        v["imported"][0]["encounter"]["patient_name"],
        "Alex Example"
    );
    assert_eq!(
        v["imported"][1]["encounter"]["patient_name"],
        "Eve Betterhalf"
    );
    let (_, again) = w.desk(&["import", ccr.to_str().unwrap()]);
    assert_eq!(
        again["imported"][0]["new"], false,
        "the same record is not imported twice"
    );
    let (_, list) = w.desk(&["encounters", "--search", "Betterhalf"]);
    assert_eq!(list["encounters"].as_array().unwrap().len(), 1);

    // Stage the CCR: the tag image (asked for; QR is the default) is fetched
    // and decodes to the code.
    let (ok, v) = w.desk(&["stage", &ids[0].to_string(), "--tag"]);
    assert!(ok, "{v}");
    let id = staged_id(&v);
    let jpeg = std::fs::read(v["image"].as_str().unwrap()).unwrap();
    let img = image::load_from_memory(&jpeg).unwrap().to_rgb8();
    assert_eq!(razcode_gateway::tag::decode(&img).unwrap(), id);
    assert_eq!(v["pmt"], "invalid");
    // Staging it again gives the same code without a second stage.
    let (_, again) = w.desk(&["stage", &ids[0].to_string()]);
    assert_eq!(again["raz_id"], v["raz_id"]);

    // The CCD with a payment, the QR variant.
    let (ok, v) = w.desk(&[
        "stage",
        &ids[1].to_string(),
        "--qr",
        "--amount",
        "40.00",
        "--currency",
        "USD",
        "--description",
        "Visit",
        "--due-date",
        "2026-12-31",
    ]);
    assert!(ok, "{v}");
    let id2 = staged_id(&v);
    assert_eq!(v["pmt"], "valid");
    assert_eq!(
        v["raz_uri"].as_str().unwrap(),
        format!("{}/r/{}", w.base, id2.compact())
    );
    assert!(v["image"].as_str().unwrap().ends_with(".png"));

    // OMHE bound to the linked patient, with minimum necessary ignored for OMHE.
    let (ok, v) = w.desk(&["stage", &ids[2].to_string(), "--mrn", "000123"]);
    assert!(ok, "{v}");
    staged_id(&v);
    // An unlinked MRN is refused before anything is sent.
    let (ok, v) = w.desk(&["stage", &ids[2].to_string(), "--mrn", "999"]);
    assert!(!ok);
    assert!(
        v["error"]["message"].as_str().unwrap().contains("link"),
        "{v}"
    );

    // A file staged directly, leaving sections out.
    let (ok, v) = w.desk(&[
        "stage",
        fixture("ccr/samples/nist_ccr_sample1.xml")
            .to_str()
            .unwrap(),
        "--leave-out",
        "problems,medications",
    ]);
    assert!(ok, "{v}");
    staged_id(&v);
    let (ok, v) = w.desk(&["stage", "1", "--leave-out", "nonsense"]);
    assert!(
        !ok && v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a section")
    );
    let (ok, v) = w.desk(&["stage", "1", "--amount", "1"]);
    assert!(
        !ok && v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--currency")
    );
    let (ok, v) = w.desk(&["stage", "1", "--amount", "-1", "--currency", "USD"]);
    assert!(
        !ok && v["error"]["message"].as_str().unwrap().contains("payment"),
        "{v}"
    );

    // History has every code; the gateway issued exactly these.
    w.history_matches_the_gateway();
    let (_, h) = w.desk(&["history", "--search", "Alex"]);
    assert_eq!(h["history"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn her_check_prints_what_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, v) = desk_in(
        dir.path(),
        &[
            "her",
            "check",
            fixture("ccr/samples/nist_ccr_sample2.xml")
                .to_str()
                .unwrap(),
        ],
    );
    assert!(ok);
    assert_eq!(
        (v["ok"].clone(), v["kind"].clone()),
        (Value::Bool(true), Value::from("ccr"))
    );
    assert_eq!(v["patient"]["name"], "Alice Sharpe");
    assert_eq!(v["patient"]["gender"], "Female");
    assert_eq!(v["patient"]["date_of_birth"], "1959-09-19T16:15:00-10:00");
    let results = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "results")
        .unwrap();
    assert_eq!(results["count"], 6);
    let (ok, v) = desk_in(
        dir.path(),
        &[
            "her",
            "check",
            fixture("ccr/samples/cypress_hds_sample_ccr.xml")
                .to_str()
                .unwrap(),
        ],
    );
    assert!(!ok);
    assert_eq!(v["error"]["line"], 81);
    let omhe = dir.path().join("x.txt");
    std::fs::write(&omhe, "bp=120/80\n\nbpm=72\n").unwrap();
    let (ok, v) = desk_in(dir.path(), &["her", "check", omhe.to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(
        v,
        serde_json::json!({"ok": false, "error": {"line": 3, "message": "the OMHE text is not valid: line 3: unknown command 'bpm'"}})
    );
    std::fs::write(&omhe, "bp=120/80p60#dt20120501:083059z#tz-5").unwrap();
    let (ok, v) = desk_in(dir.path(), &["her", "check", omhe.to_str().unwrap()]);
    assert!(ok);
    assert_eq!(v["kind"], "omhe");
    assert_eq!(v["messages"][0]["tz"], "-05:00");
    assert_eq!(v["messages"][0]["event_time"], "2012-05-01T08:30:59Z");
    let (ok, v) = desk_in(
        dir.path(),
        &[
            "her",
            "check",
            fixture("ccd/samples/nist_hitsp_c32_sample1.xml")
                .to_str()
                .unwrap(),
        ],
    );
    assert!(ok, "{v}");
    assert_eq!(v["patient"]["name"], "James D. Stuart");
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::Read;
    // 90 KB of FHIR JSON, more than a pipe holds; the reader takes 10 bytes
    // and goes, as `| head -c 10` does.
    let sample = fixture("ccr/samples/hds_fixture_ehr_export_patient_with_providers.xml");
    let mut child = razdesk()
        .args(["her", "fhir", sample.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 10];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(out.status.code(), Some(101), "{err}");
}

#[test]
fn her_show_puts_a_record_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let sample = fixture("ccr/samples/nist_ccr_sample2.xml");
    let sample = sample.to_str().unwrap();
    let (ok, v) = desk_in(dir.path(), &["her", "show", sample, "--language", "es"]);
    assert!(ok, "{v}");
    assert_eq!(v["language"], "es");
    assert_eq!(v["words"]["kind"], "ccr");
    let facts = v["words"]["facts"].as_array().unwrap();
    assert!(
        facts
            .iter()
            .any(|f| f["label"] == "Sexo" && f["value"] == "Femenino"),
        "{facts:?}"
    );
    let titles: Vec<&str> = v["words"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["title"].as_str())
        .collect();
    assert!(titles.contains(&"Resultados de pruebas"), "{titles:?}");
    assert!(!titles.contains(&"Results"), "{titles:?}");
    // As text, in the desk's zone: a date the record gives alone stays a date.
    let out = razdesk()
        .env("TZ", "UTC")
        .args(["her", "show", sample])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Gender: Female"), "{text}");
    assert!(text.contains("\nTest results\n"), "{text}");
    assert!(!text.contains("T00:00"), "{text}");
    // OMHE: the measurement named, its unit written.
    let omhe = dir.path().join("m.txt");
    std::fs::write(&omhe, "bp=120/80p60#dt20261205:093000z\nwt=150.5k\n").unwrap();
    let (ok, v) = desk_in(dir.path(), &["her", "show", omhe.to_str().unwrap()]);
    assert!(ok, "{v}");
    assert_eq!(v["words"]["measurements"][0]["kind"], "Blood pressure");
    assert_eq!(
        v["words"]["measurements"][0]["values"],
        "120/80 mmHg, pulse 60/min"
    );
    assert_eq!(v["words"]["measurements"][1]["values"], "150.5 kg");
    // A record that does not read is said plainly.
    std::fs::write(&omhe, "bpm=72\n").unwrap();
    let (ok, v) = desk_in(dir.path(), &["her", "show", omhe.to_str().unwrap()]);
    assert!(!ok);
    assert!(v.to_string().contains("unknown command 'bpm'"), "{v}");
}

#[tokio::test(flavor = "multi_thread")]
async fn watched_folder_imports_new_files() {
    let w = World::start().await;
    let inbox = w.desk_dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::copy(
        fixture("ccr/samples/nist_ccr_sample1.xml"),
        inbox.join("a.xml"),
    )
    .unwrap();
    std::fs::write(inbox.join("b.txt"), "bpm=1").unwrap();
    std::fs::write(inbox.join("c.xml.part"), "<half").unwrap();
    let (ok, v) = w.desk(&["watch", inbox.to_str().unwrap(), "--once"]);
    assert!(ok, "{v}");
    assert_eq!(v["files"], 2);
    assert!(inbox.join("imported/a.xml").exists());
    assert!(inbox.join("failed/b.txt").exists());
    let why = std::fs::read_to_string(inbox.join("failed/b.txt.error.txt")).unwrap();
    assert!(why.contains("unknown command 'bpm'"), "{why}");
    assert!(
        inbox.join("c.xml.part").exists(),
        "a file still being written waits"
    );
    let (_, list) = w.desk(&["encounters"]);
    assert_eq!(list["encounters"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_watched_folder_takes_only_record_files() {
    let w = World::start().await;
    let inbox = w.desk_dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let outside = w.desk_dir.path().join("outside.xml");
    std::fs::copy(fixture("ccr/samples/nist_ccr_sample1.xml"), &outside).unwrap();
    std::fs::write(inbox.join("scan.pdf"), b"%PDF-1.4").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, inbox.join("linked.xml")).unwrap();
    let big = std::fs::File::create(inbox.join("huge.xml")).unwrap();
    big.set_len(17 * 1024 * 1024).unwrap();
    std::fs::write(inbox.join("visit.omhe"), "bp=120/80").unwrap();

    let out = std::process::Command::new(BIN)
        .arg("--data-dir")
        .arg(w.desk_dir.path())
        .args(["--json", "watch", inbox.to_str().unwrap(), "--once"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let said: Vec<serde_json::Value> = stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|v: &serde_json::Value| v.get("file").is_some())
        .collect();
    let error_of = |name: &str| {
        said.iter()
            .find(|v| v["file"].as_str().unwrap().ends_with(name))
            .map(|v| v["error"].as_str().unwrap_or("").to_string())
    };
    assert!(
        error_of("scan.pdf").unwrap().contains("only .xml"),
        "{said:?}"
    );
    #[cfg(unix)]
    assert!(
        error_of("linked.xml").unwrap().contains("links"),
        "{said:?}"
    );
    assert!(error_of("huge.xml").unwrap().contains("16 MiB"), "{said:?}");
    assert!(inbox.join("imported/visit.omhe").exists());
    // The others stay where they are, and are not reported again.
    for name in ["scan.pdf", "huge.xml"] {
        assert!(inbox.join(name).exists(), "{name}");
    }
    assert!(outside.exists());
    let (ok, v) = w.desk(&["watch", inbox.to_str().unwrap(), "--once"]);
    assert!(ok, "{v}");
    assert_eq!(v["files"], 0, "said once: {v}");
    let (_, list) = w.desk(&["encounters"]);
    assert_eq!(list["encounters"].as_array().unwrap().len(), 1);
}

/// Someone with write access to the drop folder must not make the desk write
/// elsewhere: an error file that is a link, and `failed/` or `imported/`
/// folders that are links.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn the_watched_folder_never_writes_through_links() {
    use std::os::unix::fs::symlink;
    let w = World::start().await;
    let inbox = w.desk_dir.path().join("inbox");
    std::fs::create_dir_all(inbox.join("failed")).unwrap();
    // The clerk's ~/.profile, linked as the error file the next failure writes.
    let profile = w.desk_dir.path().join("profile");
    std::fs::write(&profile, "export PATH=/usr/bin\n").unwrap();
    symlink(&profile, inbox.join("failed/bad.xml.error.txt")).unwrap();
    std::fs::write(inbox.join("bad.xml"), "<ContinuityOfCareRecord").unwrap();
    let (ok, v) = w.desk(&["watch", inbox.to_str().unwrap(), "--once"]);
    assert!(ok, "{v}");
    assert_eq!(
        std::fs::read_to_string(&profile).unwrap(),
        "export PATH=/usr/bin\n",
        "written through the link"
    );
    let note = inbox.join("failed/bad.xml.error.txt");
    assert!(!std::fs::symlink_metadata(&note).unwrap().is_symlink());
    assert!(std::fs::read_to_string(&note).unwrap().contains("bad.xml"));
    assert!(inbox.join("failed/bad.xml").exists());

    // A linked failed/ or imported/ folder: refused before anything is read,
    // nothing moved anywhere, and the staff are told what to do.
    for sub in ["failed", "imported"] {
        let inbox = w.desk_dir.path().join(format!("inbox-{sub}"));
        let elsewhere = w.desk_dir.path().join(format!("elsewhere-{sub}"));
        std::fs::create_dir_all(&inbox).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        symlink(&elsewhere, inbox.join(sub)).unwrap();
        std::fs::write(inbox.join("visit.omhe"), "bp=120/80").unwrap();
        std::fs::write(inbox.join("bad.xml"), "<ContinuityOfCareRecord").unwrap();
        let out = std::process::Command::new(BIN)
            .arg("--data-dir")
            .arg(w.desk_dir.path())
            .args(["watch", inbox.to_str().unwrap(), "--once"])
            .output()
            .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.status.success(), "{said}");
        assert!(said.contains("is a link"), "{said}");
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0, "{sub}");
        assert!(inbox.join("visit.omhe").exists() && inbox.join("bad.xml").exists());
    }
}
