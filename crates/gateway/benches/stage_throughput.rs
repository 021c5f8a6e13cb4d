//! Stage throughput on loopback with an 8 KB CCR at 1, 8 and 64 concurrent
//! clients. The baseline, measured in the same run at the same concurrency, is an
//! unsigned GET of the static `/r` page: the HTTP floor of this machine.
//!
//! `cargo bench -p razcode-gateway --bench stage_throughput [-- REQUESTS]`

#[path = "../tests/common/mod.rs"]
mod common;
use common::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

fn ccr_8k() -> String {
    let base = fixture("ccr/examples/minimal_clinic_encounter.xml");
    let end = base.rfind("</ContinuityOfCareRecord>").expect("a CCR");
    // The example visit is a little over 8 KB already; smaller inputs are padded.
    let pad = 8192usize.saturating_sub(base.len() + 7);
    if pad == 0 {
        return base;
    }
    format!("{}<!--{}-->{}", &base[..end], "x".repeat(pad), &base[end..])
}

async fn run(
    concurrency: usize,
    total: usize,
    job: Arc<dyn Fn() -> futures_job::Job + Send + Sync>,
) -> f64 {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let next = next.clone();
        let job = job.clone();
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < total {
                job().await;
            }
        }));
    }
    for t in tasks {
        t.await.expect("a client task");
    }
    total as f64 / start.elapsed().as_secs_f64()
}

mod futures_job {
    pub type Job = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;
}

/// One signed stage request: the Authorization header and the form body.
fn sign(env: &Env, t: &Tokens, url: &str, her: &str) -> (String, String) {
    use oauth1_request as oauth;
    let request = oauth::ParameterList::new([("her", &her as &dyn std::fmt::Display)]);
    let mut builder = oauth::Builder::new(env.client(), oauth::HmacSha1::new());
    builder.token(oauth::Credentials::new(t.token.as_str(), t.secret.as_str()));
    (builder.post(url, &request), oauth::to_form(&request))
}

fn main() {
    let total: usize = std::env::args()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(3000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        let env = Arc::new(Env::start().await);
        let tokens = Arc::new(activate(&env).await);
        let her = Arc::new(ccr_8k());
        assert!(her.len() >= 8192);
        println!(
            "stage throughput, {total} requests per row, {}-byte CCR, loopback, 2 cores",
            her.len()
        );
        println!("| clients | stages/s | baseline GET /r per s | stages / baseline |");
        println!("|---:|---:|---:|---:|");
        let rows: Vec<usize> = std::env::var("STAGE_BENCH_CLIENTS")
            .ok()
            .map(|v| v.split(',').filter_map(|c| c.parse().ok()).collect())
            .unwrap_or_else(|| vec![1, 8, 64]);
        for concurrency in rows {
            let h = env.http.clone();
            let page = env.url("/r");
            let baseline = run(
                concurrency,
                total,
                Arc::new(move || {
                    let (h, page) = (h.clone(), page.clone());
                    Box::pin(async move {
                        let r = h.get(&page).send().await.expect("GET /r");
                        assert_eq!(r.status(), 200);
                        let _ = r.bytes().await;
                    })
                }),
            )
            .await;
            // Requests are signed before the clock starts, as a load generator
            // would: the figure is the gateway's, not the client's signing.
            let url = env.url("/gateway/stage");
            let signed: Vec<(String, String)> = (0..total)
                .map(|_| sign(&env, &tokens, &url, &her))
                .collect();
            let queue = Arc::new(std::sync::Mutex::new(signed));
            let h2 = env.http.clone();
            let stages = run(
                concurrency,
                total,
                Arc::new(move || {
                    let (h, url, queue) = (h2.clone(), url.clone(), queue.clone());
                    Box::pin(async move {
                        let Some((auth, body)) = queue.lock().expect("the queue").pop() else {
                            return;
                        };
                        let r = h
                            .post(&url)
                            .header("Authorization", auth)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .body(body)
                            .send()
                            .await
                            .expect("a stage");
                        let status = r.status();
                        let text = r.text().await.unwrap_or_default();
                        assert_eq!(status, 200, "{text}");
                    })
                }),
            )
            .await;
            println!(
                "| {concurrency} | {stages:.0} | {baseline:.0} | {:.2} |",
                stages / baseline
            );
        }
    });
}
