//! A real gateway on loopback and a client that signs with `oauth1-request`.
#![allow(dead_code)]

use oauth::ParameterList;
use oauth1_request as oauth;
use razcode_gateway::store::{Store, Target};
use razcode_gateway::{Config, Gateway};
use razcode_protocol::RazId;
use std::fmt::Display;
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};

pub struct Env {
    pub gw: Gateway,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
    pub consumer: (String, String),
    /// The gateway's database and key file.
    pub db: Target,
    pub key: PathBuf,
    /// Another instance on the same database that the helpers talk to
    /// instead of `gw` ([`Env::use_instance`]).
    instance: std::sync::Mutex<Option<String>>,
}

/// The first line a started process prints (a gateway's `listening on
/// <url>`), without its line end.
pub fn first_line(child: &mut std::process::Child) -> String {
    use std::io::BufRead;
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("the child's stdout is piped"))
        .read_line(&mut line)
        .unwrap();
    line.trim().to_string()
}

/// Runs blocking work (a store call) off the async runtime.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

/// Whether the suite runs on PostgreSQL: `RAZCODE_TEST_BACKEND=postgres`,
/// beside the throwaway cluster of `scripts/with-postgres.sh`. Else SQLite.
pub fn on_postgres() -> bool {
    std::env::var("RAZCODE_TEST_BACKEND").as_deref() == Ok("postgres")
}

/// The throwaway cluster's superuser URL.
pub fn postgres_admin_url() -> String {
    std::env::var("RAZCODE_TEST_POSTGRES").expect(
        "RAZCODE_TEST_POSTGRES is not set: run the PostgreSQL tests through scripts/with-postgres.sh, which starts a throwaway cluster",
    )
}

/// A new, empty database on the throwaway cluster; its URL.
pub fn new_postgres_database() -> String {
    let admin = postgres_admin_url();
    let name = format!("gw_{}", hex_id());
    let created = name.clone();
    // The blocking client may not run on the test's async runtime.
    let a = admin.clone();
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&a, postgres::NoTls).unwrap();
        c.batch_execute(&format!("CREATE DATABASE {created}"))
            .unwrap();
    })
    .join()
    .unwrap();
    let mut url = url::Url::parse(&admin).unwrap();
    url.set_path(&name);
    url.to_string()
}

fn hex_id() -> String {
    use rand::Rng;
    let n: u64 = rand::rng().random();
    format!("{n:016x}")
}

/// A fresh database for one gateway: a SQLite file in `dir`, or a new
/// database on the cluster; and its key file.
pub fn new_database(dir: &Path) -> (Target, PathBuf) {
    if on_postgres() {
        (
            Target::Postgres(new_postgres_database()),
            dir.join("gateway.key"),
        )
    } else {
        let db = dir.join("gateway.db");
        let key = razcode_gateway::store::key_path(&db);
        (Target::Sqlite(db), key)
    }
}

/// Every byte the database keeps at rest: the SQLite file and its WAL, or
/// the cluster's data directory after a checkpoint (tables, indexes and WAL).
pub fn bytes_at_rest(db: &Target) -> Vec<u8> {
    match db {
        Target::Sqlite(path) => {
            let mut wal = path.as_os_str().to_owned();
            wal.push("-wal");
            let mut bytes = std::fs::read(path).unwrap();
            bytes.extend(std::fs::read(PathBuf::from(wal)).unwrap_or_default());
            bytes
        }
        Target::Postgres(url) => {
            let u = url.clone();
            std::thread::spawn(move || {
                let mut c = postgres::Client::connect(&u, postgres::NoTls).unwrap();
                c.batch_execute("CHECKPOINT").unwrap();
            })
            .join()
            .unwrap();
            let data = std::env::var("RAZCODE_TEST_POSTGRES_DATA")
                .expect("RAZCODE_TEST_POSTGRES_DATA (set by scripts/with-postgres.sh)");
            let mut bytes = Vec::new();
            read_tree(Path::new(&data), &mut bytes);
            bytes
        }
    }
}

fn read_tree(dir: &Path, out: &mut Vec<u8>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            read_tree(&path, out);
        } else if let Ok(b) = std::fs::read(&path) {
            out.extend(b);
        }
    }
}

pub fn holds(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

pub const ORG_EMAIL: &str = "desk@clinic.test";
pub const ORG_PASSWORD: &str = "clinic-password-1";
pub const PATIENT_EMAIL: &str = "ana@patients.test";
pub const PATIENT_PASSWORD: &str = "patient-password-1";

/// A fixture's text.
pub fn fixture(rel: &str) -> String {
    let p = razcode_testkit::fixture(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl Env {
    pub async fn start() -> Env {
        let dir = tempfile::tempdir().unwrap();
        Env::start_in(dir).await
    }

    pub async fn start_in(dir: tempfile::TempDir) -> Env {
        Env::start_configured(dir, |_| {}).await
    }

    /// A gateway with `configure` applied to its configuration.
    pub async fn start_configured(
        dir: tempfile::TempDir,
        configure: impl FnOnce(&mut Config),
    ) -> Env {
        let (db, key) = new_database(dir.path());
        Env::start_on(dir, db, key, configure).await
    }

    /// A gateway on a given database (a second instance on the same one, say).
    pub async fn start_on(
        dir: tempfile::TempDir,
        db: Target,
        key: PathBuf,
        configure: impl FnOnce(&mut Config),
    ) -> Env {
        // The gateway's warnings and errors beside a failing test's output.
        let _ = tracing_subscriber::fmt()
            .with_env_filter("warn")
            .with_test_writer()
            .try_init();
        let mut config = Config::new(db.clone(), "127.0.0.1:0".parse().unwrap());
        config.key_file = Some(key.clone());
        configure(&mut config);
        let gw = Gateway::start(config).await.unwrap();
        let consumer = blocking({
            let (db, key) = (db.clone(), key.clone());
            move || {
                let store = Store::connect(&db, Some(&key)).unwrap();
                let consumer = match store.consumer_by_name("Test desk").unwrap() {
                    Some(c) => c,
                    None => store.add_consumer("Test desk", 0).unwrap(),
                };
                for (kind, email, pw, name) in [
                    (
                        razcode_gateway::store::AccountKind::Org,
                        ORG_EMAIL,
                        ORG_PASSWORD,
                        "Harbor Street Clinic",
                    ),
                    (
                        razcode_gateway::store::AccountKind::Patient,
                        PATIENT_EMAIL,
                        PATIENT_PASSWORD,
                        "Ana Ávila",
                    ),
                ] {
                    if store.account_by_email(kind, email).unwrap().is_none() {
                        let hash = razcode_gateway::crypto::hash_password(pw).unwrap();
                        store.add_account(kind, email, name, &hash, 0).unwrap();
                    }
                }
                consumer
            }
        })
        .await;
        Env {
            gw,
            dir,
            http: browser(),
            consumer: (consumer.key, consumer.secret),
            db,
            key,
            instance: Default::default(),
        }
    }

    /// From now on the helpers talk to the instance at `base` (another
    /// gateway on the same database); `None`: back to this one.
    pub fn use_instance(&self, base: Option<&str>) {
        *self.instance.lock().unwrap() = base.map(str::to_string);
    }

    /// Runs `f` on the gateway's store, opened beside it, off the async
    /// runtime (PostgreSQL's blocking client may not run on it).
    pub async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> T + Send + 'static,
    ) -> T {
        let (db, key) = (self.db.clone(), self.key.clone());
        blocking(move || f(&Store::connect(&db, Some(&key)).unwrap())).await
    }

    /// `--db` and `--key-file` for the gateway's commands.
    pub fn db_args(&self) -> Vec<String> {
        let db = match &self.db {
            Target::Sqlite(p) => p.display().to_string(),
            Target::Postgres(url) => url.clone(),
        };
        vec![
            "--db".into(),
            db,
            "--key-file".into(),
            self.key.display().to_string(),
        ]
    }

    pub fn url(&self, path: &str) -> String {
        match &*self.instance.lock().unwrap() {
            Some(base) => format!("{base}{path}"),
            None => format!("{}{path}", self.gw.base_url),
        }
    }

    pub fn client(&self) -> oauth::Credentials<&str> {
        oauth::Credentials::new(&self.consumer.0, &self.consumer.1)
    }
}

/// One signed POST; `tweak` adjusts the builder (timestamp, nonce, ...).
pub async fn signed_post<'a>(
    http: &reqwest::Client,
    url: &str,
    client: oauth::Credentials<&'a str>,
    token: Option<(&'a str, &'a str)>,
    params: &[(&str, &str)],
    accept: Option<&str>,
    tweak: impl FnOnce(&mut oauth::Builder<'a, oauth::HmacSha1, &'a str, &'a str>),
) -> reqwest::Response {
    signed_request(http, url, client, token, params, accept, tweak)
        .send()
        .await
        .unwrap()
}

/// A signed POST, not yet sent (for callers that expect it may fail).
pub fn signed_request<'a>(
    http: &reqwest::Client,
    url: &str,
    client: oauth::Credentials<&'a str>,
    token: Option<(&'a str, &'a str)>,
    params: &[(&str, &str)],
    accept: Option<&str>,
    tweak: impl FnOnce(&mut oauth::Builder<'a, oauth::HmacSha1, &'a str, &'a str>),
) -> reqwest::RequestBuilder {
    let (authorization, body) = {
        let mut sorted: Vec<(&str, &str)> = params.to_vec();
        sorted.sort();
        let list: Vec<(&str, &dyn Display)> = sorted
            .iter()
            .map(|(k, v)| (*k, v as &dyn Display))
            .collect();
        let request = ParameterList::new(list);
        let mut builder = oauth::Builder::new(client, oauth::HmacSha1::new());
        if let Some((t, s)) = token {
            builder.token(oauth::Credentials::new(t, s));
        }
        tweak(&mut builder);
        (builder.post(url, &request), oauth::to_form(&request))
    };
    let mut req = http
        .post(url)
        .header("Authorization", authorization)
        .header(
            "Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(body);
    if let Some(a) = accept {
        req = req.header("Accept", a);
    }
    req
}

pub fn pairs(body: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

pub fn get<'a>(pairs: &'a [(String, String)], k: &str) -> Option<&'a str> {
    pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

#[allow(unused_imports)] // not every test reads a page
pub use approval_page::hidden;
pub use razcode_testkit::approval_page;

pub struct Temp {
    pub token: String,
    pub secret: String,
}

pub async fn request_token(env: &Env, callback: &str) -> Temp {
    let url = env.url("/request-token.ashx");
    let r = signed_post(&env.http, &url, env.client(), None, &[], None, |b| {
        b.callback(callback);
    })
    .await;
    assert_eq!(r.status(), 200);
    let p = pairs(&r.text().await.unwrap());
    assert_eq!(get(&p, "oauth_callback_confirmed"), Some("true"));
    Temp {
        token: get(&p, "oauth_token").unwrap().into(),
        secret: get(&p, "oauth_token_secret").unwrap().into(),
    }
}

/// Submits an approval page as a browser would; returns the response to the POST.
pub async fn approve(
    env: &Env,
    path: &str,
    token: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let url = env.url(&format!("{path}?oauth_token={token}"));
    approval_page::submit(&browser(), &url, fields).await
}

pub fn verifier_from(r: &reqwest::Response) -> String {
    assert_eq!(r.status(), 303, "approval did not redirect");
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let q = loc.split_once('?').unwrap().1;
    get(&pairs(q), "oauth_verifier").unwrap().to_string()
}

pub async fn exchange(env: &Env, temp: &Temp, verifier: &str) -> reqwest::Response {
    let url = env.url("/access-token.ashx");
    signed_post(
        &env.http,
        &url,
        env.client(),
        Some((&temp.token, &temp.secret)),
        &[],
        None,
        |b| {
            b.verifier(verifier);
        },
    )
    .await
}

pub struct Tokens {
    pub token: String,
    pub secret: String,
    pub org: Option<String>,
}

/// The three OAuth steps, approving on `path` as a browser would; the token answer.
pub async fn authorize(
    env: &Env,
    path: &str,
    callback: &str,
    email: &str,
    password: &str,
) -> Vec<(String, String)> {
    let temp = request_token(env, callback).await;
    let fields = [
        ("email", email),
        ("password", password),
        ("action", "approve"),
    ];
    let r = approve(env, path, &temp.token, &fields).await;
    let v = verifier_from(&r);
    let r = exchange(env, &temp, &v).await;
    assert_eq!(r.status(), 200);
    pairs(&r.text().await.unwrap())
}

pub async fn activate(env: &Env) -> Tokens {
    let p = authorize(
        env,
        "/platform/activate",
        "http://127.0.0.1:9/callback",
        ORG_EMAIL,
        ORG_PASSWORD,
    )
    .await;
    Tokens {
        token: get(&p, "oauth_token").unwrap().into(),
        secret: get(&p, "oauth_token_secret").unwrap().into(),
        org: get(&p, "razcode_org").map(String::from),
    }
}

pub async fn link_patient(env: &Env, email: &str, password: &str) -> String {
    let p = authorize(
        env,
        "/jibe/authorize",
        "http://localhost:9/linked",
        email,
        password,
    )
    .await;
    assert_eq!(get(&p, "razcode_org"), None);
    get(&p, "oauth_token").unwrap().into()
}

pub async fn stage(
    env: &Env,
    t: &Tokens,
    path: &str,
    params: &[(&str, &str)],
) -> (u16, Vec<(String, String)>) {
    let url = env.url(path);
    let r = signed_post(
        &env.http,
        &url,
        env.client(),
        Some((&t.token, &t.secret)),
        params,
        None,
        |_| {},
    )
    .await;
    let status = r.status().as_u16();
    (status, pairs(&r.text().await.unwrap()))
}

/// A stage of `her` signed with this nonce and timestamp (so that it can be
/// sent again as it was); the answer's pairs.
pub async fn stage_with_nonce(
    env: &Env,
    t: &Tokens,
    her: &str,
    nonce: &str,
    stamp: i64,
) -> Vec<(String, String)> {
    let url = env.url("/gateway/stage");
    let r = signed_post(
        &env.http,
        &url,
        env.client(),
        Some((&t.token, &t.secret)),
        &[("her", her)],
        None,
        |b| {
            b.nonce(nonce).timestamp(ts(stamp));
        },
    )
    .await;
    pairs(&r.text().await.unwrap())
}

pub fn ts(secs: i64) -> Option<NonZeroU64> {
    NonZeroU64::new(secs as u64)
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A small OMHE record staged for a QR code (bound to `user` when given).
pub async fn staged(env: &Env, t: &Tokens, user: Option<&str>) -> RazId {
    let mut params = vec![("her", "bp=118/76p64\nwt=61.2k")];
    if let Some(u) = user {
        params.push(("user", u));
    }
    let (status, a) = stage(env, t, "/gateway/stage/url", &params).await;
    assert_eq!(status, 200, "{a:?}");
    RazId::parse(get(&a, "raz_id").unwrap()).unwrap()
}

/// Opens the code's page and submits the sign-in form; returns the browser and the answer.
pub async fn claim(
    env: &Env,
    path: &str,
    email: &str,
    password: &str,
) -> (reqwest::Client, reqwest::Response) {
    claim_from(env, path, email, password, None).await
}

/// [`claim`] through a trusted proxy that names the client `forwarded_for`.
pub async fn claim_from(
    env: &Env,
    path: &str,
    email: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> (reqwest::Client, reqwest::Response) {
    let b = browser();
    let with_client = |r: reqwest::RequestBuilder| match forwarded_for {
        Some(ip) => r.header("X-Forwarded-For", ip),
        None => r,
    };
    let page = with_client(b.get(env.url(path))).send().await.unwrap();
    assert_eq!(page.status(), 200, "{path}");
    let csrf = hidden(&page.text().await.unwrap(), "csrf");
    let r = with_client(b.post(env.url(path)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
            ("action", "signin"),
        ])
        .send()
        .await
        .unwrap();
    (b, r)
}

/// Presses Delete on a claimed record's page as its patient's browser `b`;
/// the answer.
pub async fn delete_record(env: &Env, b: &reqwest::Client, path: &str) -> reqwest::Response {
    let page = page_text(b, &env.url(&format!("{path}/record"))).await;
    let csrf = hidden(&page, "csrf");
    b.post(env.url(&format!("{path}/delete")))
        .form(&[("csrf", csrf.as_str()), ("action", "delete")])
        .send()
        .await
        .unwrap()
}

/// The text of the page at `url`, as `client` (a browser) gets it.
pub async fn page_text(client: &reqwest::Client, url: &str) -> String {
    client
        .get(url)
        .send()
        .await
        .expect("the page answered")
        .text()
        .await
        .expect("the page's text")
}

/// One `razcode-gateway serve` process.
pub struct Instance {
    pub child: std::process::Child,
    pub base: String,
}

impl Instance {
    pub fn start(db_args: &[String]) -> Instance {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_razcode-gateway"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(db_args)
            .env("RAZCODE_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .unwrap();
        let line = first_line(&mut child);
        let base = line
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("not a listening line: {line:?}"))
            .to_string();
        Instance { child, base }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A practice's request signed at the gateway clock's time (the tests move
/// it); the raw answer.
pub async fn at_gateway_time(
    env: &Env,
    t: &Tokens,
    path: &str,
    params: &[(&str, &str)],
) -> reqwest::Response {
    let url = env.url(path);
    signed_post(
        &env.http,
        &url,
        env.client(),
        Some((&t.token, &t.secret)),
        params,
        None,
        |b| {
            b.timestamp(ts(env.gw.clock.now()));
        },
    )
    .await
}

/// A status request signed at the gateway clock's time.
pub async fn status_of(env: &Env, t: &Tokens, id: &RazId) -> (u16, Vec<(String, String)>) {
    let r = at_gateway_time(env, t, "/gateway/status", &[("raz_id", &id.grouped())]).await;
    let status = r.status().as_u16();
    (status, pairs(&r.text().await.unwrap()))
}

/// A second practice on the same gateway, activated through the same consumer.
pub async fn other_practice(env: &Env) -> Tokens {
    let hash = razcode_gateway::crypto::hash_password("other-password-1").unwrap();
    env.with_store(move |store| {
        store
            .add_account(
                razcode_gateway::store::AccountKind::Org,
                "desk@other.test",
                "Other Clinic",
                &hash,
                0,
            )
            .unwrap()
    })
    .await;
    let p = authorize(
        env,
        "/platform/activate",
        "http://127.0.0.1:9/callback",
        "desk@other.test",
        "other-password-1",
    )
    .await;
    Tokens {
        token: get(&p, "oauth_token").unwrap().into(),
        secret: get(&p, "oauth_token_secret").unwrap().into(),
        org: get(&p, "razcode_org").map(String::from),
    }
}
