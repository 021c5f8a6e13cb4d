//! Bursts against a gateway process, measured from outside: its memory after
//! many sign-ins and sign-ups stays bounded by its few hashing threads.

mod common;
use common::*;

/// The process's resident memory in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// `n` browsers at once, each submitting the patient approval page of its own
/// temporary credentials with the fields `fields(i)` gives; the statuses.
async fn approvals(
    env: &Env,
    n: usize,
    fields: impl Fn(usize) -> Vec<(String, String)>,
) -> Vec<u16> {
    let mut set = tokio::task::JoinSet::new();
    for i in 0..n {
        let token = request_token(env, "http://localhost:9/linked").await.token;
        let url = env.url(&format!("/jibe/authorize?oauth_token={token}"));
        let fields = fields(i);
        set.spawn(async move {
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            approval_page::submit(&browser(), &url, &fields)
                .await
                .status()
                .as_u16()
        });
    }
    set.join_all().await
}

/// The patient sign-up form's fields.
fn sign_up(email: &str) -> Vec<(String, String)> {
    [
        ("name", "Someone"),
        ("new_email", email),
        ("new_password", "a-long-enough-password"),
        ("new_password2", "a-long-enough-password"),
        ("action", "signup"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_stays_bounded_through_sign_in_and_sign_up_bursts() {
    let env = Env::start().await;
    let gw = Instance::start(&env.db_args());
    env.use_instance(Some(&gw.base));
    // One sign-up first, so that what the first hash sets up is in the baseline.
    assert_eq!(
        approvals(&env, 1, |_| sign_up("first@patients.test")).await,
        [303]
    );
    let before = rss_kib(gw.child.id());
    // 40 new accounts at once: 40 hashes.
    let got = approvals(&env, 40, |i| sign_up(&format!("p{i}@patients.test"))).await;
    assert!(got.iter().all(|&s| s == 303), "{got:?}");
    // 40 sign-ups with a taken email: refused as before, now without hashing.
    let got = approvals(&env, 40, |_| sign_up(PATIENT_EMAIL)).await;
    assert!(got.iter().all(|&s| s == 400), "{got:?}");
    let grown_mib = rss_kib(gw.child.id()).saturating_sub(before) / 1024;
    // At most four hashing threads of ~19 MiB each, and room for the rest
    // (each sign-up allocated its own 19 MiB before: 400+ MiB here).
    assert!(
        grown_mib < 100,
        "the gateway grew by {grown_mib} MiB through 80 sign-ins and sign-ups"
    );
}

/// 300 sockets that never send a request, against a gateway allowed 256
/// descriptors: one address holds at most its share, the silent ones are
/// closed after the header timeout, and a patient is served throughout.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_sockets_do_not_keep_patients_out() {
    use tokio::io::AsyncReadExt;
    let env = Env::start().await;
    let db = env.db_args().join(" ");
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -n 256 && exec {} serve --listen 127.0.0.1:0 --header-timeout-secs 2 {db}",
            env!("CARGO_BIN_EXE_razcode-gateway")
        ))
        .env("RAZCODE_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let line = first_line(&mut child);
    let base = line.strip_prefix("listening on ").unwrap().to_string();
    let addr: std::net::SocketAddr = base.trim_start_matches("http://").parse().unwrap();

    // From another loopback address, as another computer would.
    let mut silent = Vec::new();
    for _ in 0..300 {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.2:0".parse().unwrap()).unwrap();
        if let Ok(s) = socket.connect(addr).await {
            silent.push(s);
        }
    }
    let patient = reqwest::Client::new();
    let page = patient
        .get(format!("{base}/r/ZZZZZZZZZZZZ"))
        .timeout(std::time::Duration::from_secs(5))
        .send()
        .await;
    assert_eq!(
        page.map(|r| r.status().as_u16()).ok(),
        Some(404),
        "a patient is served while 300 sockets wait"
    );
    // Every silent socket is closed by the gateway: at once beyond the
    // address's share, after the header timeout for the rest.
    let started = std::time::Instant::now();
    for s in &mut silent {
        let mut buf = [0u8; 64];
        let read = tokio::time::timeout(std::time::Duration::from_secs(10), s.read(&mut buf)).await;
        assert!(
            matches!(read, Ok(Ok(0)) | Ok(Err(_))),
            "a silent socket is still open after {:?}",
            started.elapsed()
        );
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let _ = child.kill();
    let _ = child.wait();
}
