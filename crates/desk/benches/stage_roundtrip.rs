//! The desk's stage round trip on loopback: record, sign, send, read, save the
//! QR code. p50 and p99 of 1,000 stages; the baseline is a plain GET of the
//! gateway's static `/r` page in the same run.
//!
//! `cargo bench -p razcode-desk --bench stage_roundtrip [-- COUNT]`

use razcode_desk::staging::StageRequest;
use razcode_desk::Desk;
use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let count: usize = std::env::args()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(1000);
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    rt.block_on(async {
        let dir = std::env::temp_dir().join(format!("razdesk-bench-{}", std::process::id()));
        let desk = Desk::open(&dir).expect("a desk");
        let gw = desk.start_sandbox().await.expect("the sandbox");
        let mut ids = Vec::with_capacity(count);
        for i in 0..count {
            let e = desk
                .import_text(
                    "bench",
                    &format!("st={}\nbp=120/80p{}", 10_000 + i, 40 + i % 100),
                )
                .expect("import");
            ids.push(e.encounter.id);
        }
        let http = reqwest::Client::new();
        let page = format!("{}/r", gw.base_url());
        let mut base = Vec::with_capacity(count);
        for _ in 0..count {
            let t = Instant::now();
            let r = http.get(&page).send().await.expect("GET /r");
            let _ = r.bytes().await;
            base.push(t.elapsed());
        }
        let mut stage = Vec::with_capacity(count);
        for id in ids {
            let t = Instant::now();
            let s = desk
                .stage(&StageRequest {
                    encounter_id: id,
                    barcode: Some(razcode_desk::links::Barcode::Qr),
                    ..StageRequest::default()
                })
                .await
                .map_err(|(_, e)| e)
                .expect("a stage");
            assert_eq!(s.status, razcode_desk::store::StagingStatus::Staged);
            stage.push(t.elapsed());
        }
        base.sort();
        stage.sort();
        let (b50, b99) = (percentile(&base, 0.5), percentile(&base, 0.99));
        let (s50, s99) = (percentile(&stage, 0.5), percentile(&stage, 0.99));
        println!("desk stage round trip, {count} stages (OMHE, QR drawn and saved), loopback");
        println!("| | p50 | p99 |");
        println!("|---|---:|---:|");
        println!(
            "| stage (desk + gateway) | {:.2} ms | {:.2} ms |",
            s50.as_secs_f64() * 1e3,
            s99.as_secs_f64() * 1e3
        );
        println!(
            "| baseline GET /r | {:.2} ms | {:.2} ms |",
            b50.as_secs_f64() * 1e3,
            b99.as_secs_f64() * 1e3
        );
        println!(
            "| ratio | {:.1} | {:.1} |",
            s50.as_secs_f64() / b50.as_secs_f64(),
            s99.as_secs_f64() / b99.as_secs_f64()
        );
        gw.stop().await;
        let _ = std::fs::remove_dir_all(&dir);
    });
}
