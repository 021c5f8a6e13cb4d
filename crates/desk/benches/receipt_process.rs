//! A receipt as a whole process, as automation makes one: `razdesk receipt ID
//! --out FILE` (the code's receipt read from the desk, laid out, fonts subset,
//! the PDF's language and title declared), in English and in Arabic (bidi
//! ordering and shaping), against a Python script that makes the same English
//! receipt with reportlab (Noto Sans embedded, the same QR picture), started as
//! a process, in the same run; the rounds alternate.
//! Target (issue "what the patient reads"): razdesk ≥ 10× the reportlab script.
//!
//! Needs the Python environment scripts/setup-test.sh makes (reportlab).
//! `cargo bench -p razcode-desk --bench receipt_process [-- COUNT]`

mod process;

use process::{p50, run};
use razcode_desk::Desk;
use razcode_testkit::checkers;
use std::process::Command;
use std::time::Duration;

fn main() {
    let count: usize = std::env::args()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(30);
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    rt.block_on(async {
        let dir =
            std::env::temp_dir().join(format!("razdesk-bench-receipt-{}", std::process::id()));
        let desk = Desk::open(&dir).expect("a desk");
        let gw = desk.start_sandbox().await.expect("the sandbox");
        let bin = env!("CARGO_BIN_EXE_razdesk");
        let razdesk = |args: &[&str]| {
            let (_, out) = run(Command::new(bin)
                .arg("--data-dir")
                .arg(&dir)
                .arg("--json")
                .args(args));
            serde_json::from_slice::<serde_json::Value>(&out).unwrap_or_default()
        };
        razdesk(&[
            "clinic",
            "--name",
            "Harbor Street Clinic",
            "--address",
            "12 Harbor St, Springfield",
            "--phone",
            "555-0100",
        ]);
        // Two codes, one English and one Arabic, each with a bill.
        let mut stagings = Vec::new();
        for (lang, i) in [("en", 0), ("ar", 1)] {
            let id = desk
                .import_text("bench", &format!("st={}\nbp=120/80p{}", 40_000 + i, 60 + i))
                .expect("import")
                .encounter
                .id
                .to_string();
            let v = razdesk(&[
                "stage",
                &id,
                "--qr",
                "--language",
                lang,
                "--amount",
                "25.00",
                "--currency",
                "USD",
                "--reference",
                "INV-77",
            ]);
            stagings.push((
                lang,
                v["staging_id"].to_string(),
                v["raz_id"].as_str().unwrap_or("").to_string(),
            ));
        }
        let (_, en_staging, en_code) = stagings[0].clone();
        let (_, ar_staging, _) = stagings[1].clone();
        let qr = dir.join("bench-qr.png");
        std::fs::write(
            &qr,
            razcode_desk::barcode::qr_png(&format!("https://healthjibe.example/r/{en_code}"))
                .expect("a QR code"),
        )
        .expect("the QR picture");
        let font = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../assets/fonts/NotoSans-Regular.ttf"
        );
        let bold = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../assets/fonts/NotoSans-Bold.ttf"
        );
        let mono = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../assets/fonts/DejaVuSansMono.ttf"
        );
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/receipt_reportlab.py");
        let py = checkers::python();
        let out = dir.join("bench-receipt.pdf");
        let theirs_out = dir.join("bench-reportlab.pdf");
        let (mut en, mut ar, mut theirs) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..count {
            for (staging, times) in [(&en_staging, &mut en), (&ar_staging, &mut ar)] {
                times.push(
                    run(Command::new(bin).arg("--data-dir").arg(&dir).args([
                        "receipt",
                        staging,
                        "--format",
                        "letter",
                        "--out",
                        out.to_str().unwrap_or_default(),
                    ]))
                    .0,
                );
            }
            theirs.push(
                run(Command::new(&py).args([
                    script,
                    theirs_out.to_str().unwrap_or_default(),
                    &en_code,
                    qr.to_str().unwrap_or_default(),
                    font,
                    bold,
                    mono,
                ]))
                .0,
            );
        }
        let (e, a, t) = (p50(en), p50(ar), p50(theirs));
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let x = |d: Duration| t.as_secs_f64() / d.as_secs_f64();
        println!("a receipt as a process (letter, QR, bill), p50 of {count}, rounds alternating");
        println!("| | p50 | reportlab ÷ this |");
        println!("|---|---:|---:|");
        println!(
            "| razdesk receipt, English | {:.1} ms | {:.1}x (target >= 10x) |",
            ms(e),
            x(e)
        );
        println!(
            "| razdesk receipt, Arabic (bidi, shaped) | {:.1} ms | {:.1}x (target >= 10x) |",
            ms(a),
            x(a)
        );
        println!(
            "| Python reportlab, the English receipt | {:.1} ms | 1.0x |",
            ms(t)
        );
        gw.stop().await;
        // RECEIPT_BENCH_KEEP: the desk stays, for a profiler to run
        // `razdesk --data-dir DIR receipt ID` on its own.
        if std::env::var_os("RECEIPT_BENCH_KEEP").is_some() {
            println!(
                "kept {} (English {en_staging}, Arabic {ar_staging})",
                dir.display()
            );
        } else {
            let _ = std::fs::remove_dir_all(&dir);
        }
    });
}
