//! A stage as a whole process, as automation runs it: `razdesk stage ID`
//! against the same stage by a Python client (requests-oauthlib) started as a
//! process, both on loopback against the same gateway, in the same run; and
//! `razdesk --version` as the cost of starting a process at all.
//! Target (issue "desk speed"): razdesk ≥ 25× the Python client.
//!
//! Needs the Python environment scripts/setup-test.sh makes (requests-oauthlib).
//! `cargo bench -p razcode-desk --bench stage_process [-- COUNT]`

mod process;

use process::{p50, run};
use razcode_testkit::checkers;

use razcode_desk::Desk;
use std::process::Command;
use std::time::Duration;

fn main() {
    let count: usize = std::env::args()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(30);
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    rt.block_on(async {
        let dir = std::env::temp_dir().join(format!("razdesk-bench-proc-{}", std::process::id()));
        let desk = Desk::open(&dir).expect("a desk");
        let gw = desk.start_sandbox().await.expect("the sandbox");
        let [ck, cs, tk, ts] = desk.signing_credentials().expect("credentials");
        let url = desk
            .stage_url(razcode_desk::links::Barcode::Qr)
            .expect("the stage URL");
        let ids: Vec<i64> = (0..count)
            .map(|i| {
                desk.import_text(
                    "bench",
                    &format!("st={}\nbp=120/80p{}", 20_000 + i, 40 + i % 100),
                )
                .expect("import")
                .encounter
                .id
            })
            .collect();
        let bin = env!("CARGO_BIN_EXE_razdesk");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/stage_client.py");
        let py = checkers::python();
        let mut spawn = Vec::new();
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            spawn.push(run(Command::new(bin).arg("--version")).0);
            ours.push(
                run(Command::new(bin).arg("--data-dir").arg(&dir).args([
                    "stage",
                    &id.to_string(),
                    "--qr",
                ]))
                .0,
            );
            let her = format!("st={}\nbp=121/81", 30_000 + i);
            theirs.push(run(Command::new(&py).args([script, &url, &ck, &cs, &tk, &ts, &her])).0);
        }
        let (s, o, t) = (p50(spawn), p50(ours), p50(theirs));
        println!(
            "a stage as a process, p50 of {count}, loopback (OMHE, QR drawn and saved by razdesk)"
        );
        println!("| | p50 | vs razdesk |");
        println!("|---|---:|---:|");
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!("| razdesk stage | {:.1} ms | 1.0x |", ms(o));
        println!(
            "| Python requests-oauthlib stage | {:.1} ms | {:.1}x (target >= 25x) |",
            ms(t),
            t.as_secs_f64() / o.as_secs_f64()
        );
        println!(
            "| razdesk --version (process start) | {:.1} ms | {:.2}x |",
            ms(s),
            s.as_secs_f64() / o.as_secs_f64()
        );
        gw.stop().await;
        let _ = std::fs::remove_dir_all(&dir);
    });
}
