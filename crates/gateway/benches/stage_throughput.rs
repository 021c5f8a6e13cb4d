//! Stage throughput on loopback with an 8 KB CCR at 1, 8 and 64 concurrent
//! clients. The baseline, measured in the same run at the same concurrency, is an
//! unsigned GET of the static `/r` page: the HTTP floor of this machine.
//!
//! The load generator shares the machine's 2 cores with the gateway, so it is
//! kept as light as `wrk`: requests are signed and serialized before the clock
//! starts, and each client writes them on one keep-alive connection and reads
//! the answer by its Content-Length.
//!
//! This machine is a VM whose neighbours make single runs vary by up to 20 %,
//! so each row is measured `STAGE_BENCH_RUNS` times (default 5), baseline and
//! stages alternately, and the medians are reported with the range.
//!
//! Then, beside the throwaway PostgreSQL cluster of `scripts/with-postgres.sh`,
//! the storage engines at 64 clients: PostgreSQL with one gateway instance and
//! with two on the same database (32 clients each), against SQLite with one,
//! measured in the same run.
//!
//! Last, the audit log's cost (protocol v1.2): the same stages with each code's
//! entry in the hash chain and without (a gateway started with
//! `bench_stages_unaudited`), runs alternating and which goes first too, the
//! median of the runs' own ratios, on SQLite and PostgreSQL;
//! `STAGE_BENCH_PART=audit` runs that part alone.
//!
//! `scripts/with-postgres.sh cargo bench -p razcode-gateway --bench stage_throughput [-- REQUESTS]`

#[path = "../tests/common/mod.rs"]
mod common;
use common::*;
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
    addr: std::net::SocketAddr,
    concurrency: usize,
    requests: Vec<Vec<u8>>,
    expect: &'static str,
) -> f64 {
    run_on(vec![(addr, requests)], concurrency, expect).await
}

/// Requests per second over several instances at once, each with its own
/// requests (signed for its address) and `concurrency` clients.
async fn run_on(
    targets: Vec<(std::net::SocketAddr, Vec<Vec<u8>>)>,
    concurrency: usize,
    expect: &'static str,
) -> f64 {
    let total: usize = targets.iter().map(|(_, r)| r.len()).sum();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (addr, requests) in targets {
        let queue = Arc::new(std::sync::Mutex::new(requests));
        for _ in 0..concurrency {
            let queue = queue.clone();
            tasks.push(tokio::spawn(async move {
                let mut conn = raw::Conn::open(addr).await;
                loop {
                    let Some(req) = queue.lock().expect("the queue").pop() else {
                        break;
                    };
                    let (status, body) = conn.send(&req).await;
                    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
                    assert!(
                        body.windows(expect.len()).any(|w| w == expect.as_bytes()),
                        "{}",
                        String::from_utf8_lossy(&body)
                    );
                }
            }));
        }
    }
    for t in tasks {
        t.await.expect("a client task");
    }
    total as f64 / start.elapsed().as_secs_f64()
}

/// A minimal HTTP/1.1 keep-alive client: what the gateway is measured against
/// should cost the shared cores as little as possible.
mod raw {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    pub struct Conn {
        stream: TcpStream,
        buf: Vec<u8>,
    }

    impl Conn {
        pub async fn open(addr: std::net::SocketAddr) -> Conn {
            let stream = TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).expect("nodelay");
            Conn {
                stream,
                buf: Vec::with_capacity(16 * 1024),
            }
        }

        /// Sends one serialized request; the status and body of the answer.
        pub async fn send(&mut self, req: &[u8]) -> (u16, Vec<u8>) {
            self.stream.write_all(req).await.expect("write");
            self.buf.clear();
            let mut chunk = [0u8; 8192];
            let head_end = loop {
                let n = self.stream.read(&mut chunk).await.expect("read");
                assert!(n > 0, "the gateway closed the connection");
                self.buf.extend_from_slice(&chunk[..n]);
                if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break i + 4;
                }
            };
            let head = String::from_utf8_lossy(&self.buf[..head_end]).to_ascii_lowercase();
            let status: u16 = head
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .expect("a status");
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .expect("a Content-Length");
            while self.buf.len() < head_end + length {
                let n = self.stream.read(&mut chunk).await.expect("read");
                assert!(n > 0, "the gateway closed the connection");
                self.buf.extend_from_slice(&chunk[..n]);
            }
            (status, self.buf[head_end..head_end + length].to_vec())
        }
    }
}

fn get_request(path: &str, host: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").into_bytes()
}

fn post_request(path: &str, host: &str, auth: &str, body: &str) -> Vec<u8> {
    let mut r = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {auth}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body.as_bytes());
    r
}

/// One signed stage request: the Authorization header and the form body.
fn sign(env: &Env, t: &Tokens, url: &str, her: &str) -> (String, String) {
    use oauth1_request as oauth;
    let request = oauth::ParameterList::new([("her", &her as &dyn std::fmt::Display)]);
    let mut builder = oauth::Builder::new(env.client(), oauth::HmacSha1::new());
    builder.token(oauth::Credentials::new(t.token.as_str(), t.secret.as_str()));
    (builder.post(url, &request), oauth::to_form(&request))
}

/// A median with the lowest and highest of the runs.
struct Spread {
    median: f64,
    low: f64,
    high: f64,
}

impl Spread {
    fn of(mut runs: Vec<f64>) -> Spread {
        runs.sort_by(f64::total_cmp);
        Spread {
            median: runs[runs.len() / 2],
            low: runs[0],
            high: runs[runs.len() - 1],
        }
    }
}

impl std::fmt::Display for Spread {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{:.0} [{:.0}–{:.0}]", self.median, self.low, self.high)
    }
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
        let runs: usize = std::env::var("STAGE_BENCH_RUNS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(5)
            .max(1);
        // `STAGE_BENCH_PART=audit`: the audit log's cost alone (its runs
        // are many, its figure the one that takes settling).
        if std::env::var("STAGE_BENCH_PART").as_deref() == Ok("audit") {
            audit_cost(total, runs, &ccr_8k()).await;
            return;
        }
        let env = Arc::new(
            Env::start_configured(
                tempfile::tempdir().expect("a directory"),
                one_load_generator,
            )
            .await,
        );
        let tokens = Arc::new(activate(&env).await);
        let her = Arc::new(ccr_8k());
        assert!(her.len() >= 8192);
        println!(
            "stage throughput, {total} requests per row, {}-byte CCR, loopback, 2 cores",
            her.len()
        );
        println!("median of {runs} runs per row (range in brackets)");
        println!("| clients | stages/s | baseline GET /r per s | stages / baseline |");
        println!("|---:|---:|---:|---:|");
        let rows: Vec<usize> = std::env::var("STAGE_BENCH_CLIENTS")
            .ok()
            .map(|v| v.split(',').filter_map(|c| c.parse().ok()).collect())
            .unwrap_or_else(|| vec![1, 8, 64]);
        let base = env.url("");
        let host = base.trim_start_matches("http://").to_string();
        let addr: std::net::SocketAddr = host.parse().expect("a loopback address");
        let url = env.url("/gateway/stage");
        for concurrency in rows {
            let (mut baselines, mut stages) = (Vec::new(), Vec::new());
            for _ in 0..runs {
                let gets = (0..total).map(|_| get_request("/r", &host)).collect();
                baselines.push(run(addr, concurrency, gets, "<html").await);
                // Requests are signed before the clock starts, as a load
                // generator would: the figure is the gateway's, not the
                // client's signing.
                let stages_req = (0..total)
                    .map(|_| {
                        let (auth, body) = sign(&env, &tokens, &url, &her);
                        post_request("/gateway/stage", &host, &auth, &body)
                    })
                    .collect();
                stages.push(run(addr, concurrency, stages_req, "ACK=Success").await);
            }
            let (s, b) = (Spread::of(stages), Spread::of(baselines));
            println!("| {concurrency} | {s} | {b} | {:.2} |", s.median / b.median);
        }
        drop(env);
        engines(total, runs, &her).await;
        audit_cost(total, runs, &her).await;
    });
}

/// A gateway on a database of its own, activated; the audit log's stage
/// entries off when `unaudited` (the baseline).
async fn gateway_on(db: Option<razcode_gateway::store::Target>, unaudited: bool) -> (Env, Tokens) {
    let dir = tempfile::tempdir().expect("a directory");
    let db = db.unwrap_or_else(|| dir.path().join("gateway.db").into());
    let key = dir.path().join("gateway.key");
    let env = Env::start_on(dir, db, key, |c| {
        one_load_generator(c);
        c.bench_stages_unaudited = unaudited;
    })
    .await;
    let t = activate(&env).await;
    (env, t)
}

/// The audit chain's cost on stages (protocol v1.2): the same stages at 64
/// clients with each code's entry appended in its commit, and without, runs
/// alternating, on SQLite and (beside the throwaway cluster) PostgreSQL.
async fn audit_cost(total: usize, runs: usize, her: &str) {
    println!(
        "
the audit log, 64 clients, {total} requests per run, median of {runs}, runs alternating"
    );
    println!(
        "| database | stages/s with the chain | stages/s without | with / without (median of the runs' ratios) |"
    );
    println!("|---|---:|---:|---:|");
    let mut engines: Vec<(
        &str,
        Option<razcode_gateway::store::Target>,
        Option<razcode_gateway::store::Target>,
    )> = vec![("SQLite", None, None)];
    if std::env::var("RAZCODE_TEST_POSTGRES").is_ok() {
        engines.push((
            "PostgreSQL",
            Some(razcode_gateway::store::Target::Postgres(
                new_postgres_database(),
            )),
            Some(razcode_gateway::store::Target::Postgres(
                new_postgres_database(),
            )),
        ));
    }
    for (name, db_with, db_without) in engines {
        let (with, t_with) = gateway_on(db_with, false).await;
        let (without, t_without) = gateway_on(db_without, true).await;
        let (mut on, mut off, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..runs {
            // Which goes first alternates (ABBA), so that neither always
            // runs after the other's writes (a checkpoint, a vacuum).
            let (a, b) = if i % 2 == 0 {
                let a = stage_rate(&with, &t_with, her, total).await;
                (a, stage_rate(&without, &t_without, her, total).await)
            } else {
                let b = stage_rate(&without, &t_without, her, total).await;
                (stage_rate(&with, &t_with, her, total).await, b)
            };
            on.push(a);
            off.push(b);
            ratios.push(a / b);
        }
        ratios.sort_by(f64::total_cmp);
        let (on, off) = (Spread::of(on), Spread::of(off));
        println!(
            "| {name} | {on} | {off} | {:.2} [{:.2}–{:.2}] |",
            ratios[ratios.len() / 2],
            ratios[0],
            ratios[ratios.len() - 1]
        );
    }
}

/// One run's stages per second on `env`'s gateway at 64 clients.
async fn stage_rate(env: &Env, t: &Tokens, her: &str, total: usize) -> f64 {
    let one = [Target::of(&env.url(""))];
    engine_row(env, t, her, &one, total, 1).await.median
}

/// The load generator is one client with 64 connections and more (the
/// baseline's closing while the stages' open): the per-client connection
/// limit, there against a flood, is lifted for it.
fn one_load_generator(c: &mut razcode_gateway::Config) {
    c.limits.per_client = 4096;
}

/// A gateway's address and the stage requests signed for it.
struct Target {
    addr: std::net::SocketAddr,
    host: String,
    url: String,
}

impl Target {
    fn of(base: &str) -> Target {
        let host = base.trim_start_matches("http://").to_string();
        Target {
            addr: host.parse().expect("a loopback address"),
            url: format!("{base}/gateway/stage"),
            host,
        }
    }

    fn requests(&self, env: &Env, t: &Tokens, her: &str, n: usize) -> Vec<Vec<u8>> {
        (0..n)
            .map(|_| {
                let (auth, body) = sign(env, t, &self.url, her);
                post_request("/gateway/stage", &self.host, &auth, &body)
            })
            .collect()
    }
}

/// Stages per second on `targets` at 64 clients in all, `runs` times.
async fn engine_row(
    env: &Env,
    t: &Tokens,
    her: &str,
    targets: &[Target],
    total: usize,
    runs: usize,
) -> Spread {
    let mut rates = Vec::new();
    for _ in 0..runs {
        let each = total / targets.len();
        let work = targets
            .iter()
            .map(|g| (g.addr, g.requests(env, t, her, each)))
            .collect();
        rates.push(run_on(work, 64 / targets.len(), "ACK=Success").await);
    }
    Spread::of(rates)
}

async fn engines(total: usize, runs: usize, her: &str) {
    if std::env::var("RAZCODE_TEST_POSTGRES").is_err() {
        println!("\n(PostgreSQL rows: run this bench through scripts/with-postgres.sh)");
        return;
    }
    println!("\nstorage engines, 64 clients in all, {total} requests per run, median of {runs}");
    println!("| database | gateway instances | stages/s | ratio to SQLite, one instance |");
    println!("|---|---:|---:|---:|");
    let sqlite = {
        let dir = tempfile::tempdir().expect("a directory");
        let db = dir.path().join("gateway.db");
        let key = razcode_gateway::store::key_path(&db);
        let env = Env::start_on(dir, db.into(), key, one_load_generator).await;
        let t = activate(&env).await;
        let one = [Target::of(&env.url(""))];
        engine_row(&env, &t, her, &one, total, runs).await
    };
    println!("| SQLite | 1 | {sqlite} | 1.00 |");
    let dir = tempfile::tempdir().expect("a directory");
    let db = razcode_gateway::store::Target::Postgres(new_postgres_database());
    let key = dir.path().join("gateway.key");
    let env = Env::start_on(dir, db.clone(), key.clone(), one_load_generator).await;
    let t = activate(&env).await;
    let mut config = razcode_gateway::Config::new(db, "127.0.0.1:0".parse().expect("an address"));
    one_load_generator(&mut config);
    config.key_file = Some(key);
    let second = razcode_gateway::Gateway::start(config)
        .await
        .expect("a second instance");
    let one = [Target::of(&env.url(""))];
    let pg1 = engine_row(&env, &t, her, &one, total, runs).await;
    println!(
        "| PostgreSQL | 1 | {pg1} | {:.2} |",
        pg1.median / sqlite.median
    );
    let two = [Target::of(&env.url("")), Target::of(&second.base_url)];
    let pg2 = engine_row(&env, &t, her, &two, total, runs).await;
    println!(
        "| PostgreSQL | 2 | {pg2} | {:.2} |",
        pg2.median / sqlite.median
    );
    second.stop().await;
}
