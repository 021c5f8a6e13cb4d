//! A self-hostable RAZCODE gateway (`shared/razcode-protocol.md`): OAuth 1.0a
//! provider, approval pages, stage, barcode images and patient redemption.
//!
//! Embeddable: [`Gateway::start`] serves it in-process (the desk's sandbox and the
//! tests use an ephemeral loopback port); the `razcode-gateway` binary wraps it.

pub mod audit_export;
pub mod clock;
#[cfg(feature = "cli")]
pub mod config_file;
pub mod crypto;
pub mod hashing;
mod html;
pub mod oauth;
mod routes;
pub mod serve;
pub use routes::client::ForwardedHeader;

/// Checks an organization's payment link template (`org set --pay-url`).
pub use routes::bill::check_template as check_pay_url;
/// The form-body decoder of signed requests (exposed for the fuzz target).
pub use routes::form::parse_form;
pub mod sandbox;
pub mod store;
pub mod tag;

use clock::Clock;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::oneshot;

/// How to run a gateway.
#[derive(Debug, Clone)]
pub struct Config {
    /// The database: a SQLite file (created when missing) or a PostgreSQL URL.
    pub db: store::Target,
    /// The key file that seals secrets and records; `<db>.key` beside a
    /// SQLite database when not given, required with PostgreSQL.
    pub key_file: Option<PathBuf>,
    pub listen: SocketAddr,
    /// The URL clients reach the gateway at, when it differs from `http://<listen>`
    /// (behind a TLS-terminating proxy, say). Its scheme decides whether PLAINTEXT
    /// signatures are allowed and whether cookies are marked Secure.
    pub public_url: Option<String>,
    /// Seed a demo consumer, organization and patient (loopback only).
    pub sandbox: bool,
    /// Allow a plain `http` public URL that is not loopback (patient data would
    /// travel unencrypted; for a test network only).
    pub insecure_http: bool,
    /// Proxies (a TLS proxy, a load balancer) whose forwarded header names
    /// the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Which header those proxies write (only that one is read).
    pub forwarded_header: ForwardedHeader,
    /// The header-read timeout and the connections one client may hold.
    pub limits: serve::ConnectionLimits,
    pub clock: Clock,
    /// Stages written without their audit-log entries: only for the stage
    /// benchmark's baseline (the same run with and without the chain). No
    /// flag or setting reaches it.
    #[doc(hidden)]
    pub bench_stages_unaudited: bool,
}

impl Config {
    pub fn new(db: impl Into<store::Target>, listen: SocketAddr) -> Config {
        Config {
            db: db.into(),
            key_file: None,
            listen,
            public_url: None,
            sandbox: false,
            insecure_http: false,
            trusted_proxies: Vec::new(),
            forwarded_header: ForwardedHeader::default(),
            limits: serve::ConnectionLimits::default(),
            clock: Clock::default(),
            bench_stages_unaudited: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the public URL {0:?} is not an http or https URL with a host")]
    PublicUrl(String),
    #[error("the sandbox has published demo passwords, so it only listens on loopback, not {0}")]
    SandboxNotLoopback(SocketAddr),
    #[error("the public URL {0} is plain http to another computer: patients' records would travel unencrypted. Put the gateway behind a TLS proxy and give --public-url https://..., or pass --insecure-http on a test network")]
    InsecurePublicUrl(String),
    #[error("{0}")]
    Setup(String),
}

/// A running gateway. Dropping it leaves the server running until the runtime
/// ends; [`Gateway::stop`] shuts it down.
pub struct Gateway {
    /// The base URL for all three hosts, without a trailing slash.
    pub base_url: String,
    pub sandbox: Option<sandbox::Credentials>,
    pub clock: Clock,
    demo: Option<sandbox::DemoApprover>,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Gateway {
    /// Opens the database and starts serving; returns once the port is bound.
    pub async fn start(config: Config) -> Result<Gateway, GatewayError> {
        if config.sandbox && !config.listen.ip().is_loopback() {
            return Err(GatewayError::SandboxNotLoopback(config.listen));
        }
        let store = {
            let db = config.db.clone();
            let key = config.key_file.clone();
            tokio::task::spawn_blocking(move || store::Store::connect(&db, key.as_deref()))
                .await
                .map_err(|e| GatewayError::Setup(e.to_string()))??
        };
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|source| GatewayError::Listen {
                addr: config.listen,
                source,
            })?;
        let local = listener
            .local_addr()
            .map_err(|source| GatewayError::Listen {
                addr: config.listen,
                source,
            })?;
        let public = match &config.public_url {
            Some(u) => {
                routes::PublicUrl::parse(u).ok_or_else(|| GatewayError::PublicUrl(u.clone()))?
            }
            None => routes::PublicUrl::parse(&format!("http://{local}"))
                .ok_or_else(|| GatewayError::PublicUrl(local.to_string()))?,
        };
        let plain_remote = razcode_protocol::urls::Url::parse(&public.base)
            .map(|u| u.scheme() == "http" && !razcode_protocol::urls::is_loopback(&u))
            .unwrap_or(true);
        if plain_remote && !config.insecure_http {
            return Err(GatewayError::InsecurePublicUrl(public.base));
        }
        let store = Arc::new(store);
        let sandbox = if config.sandbox {
            let s = store.clone();
            let now = config.clock.now();
            Some(
                tokio::task::spawn_blocking(move || sandbox::seed(&s, now))
                    .await
                    .map_err(|e| GatewayError::Setup(e.to_string()))??,
            )
        } else {
            None
        };
        let demo = config.sandbox.then(|| sandbox::DemoApprover {
            store: store.clone(),
        });
        let state = routes::AppState::new(
            store,
            public.clone(),
            config.clock.clone(),
            config.trusted_proxies.clone(),
            config.forwarded_header,
            !config.bench_stages_unaudited,
        )
        .await?;
        let app = routes::router(state.clone());
        let limits = serve::ConnectionLimits {
            unbounded: config.trusted_proxies.clone(),
            ..config.limits.clone()
        };
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            serve::serve(listener, app, limits, async {
                let _ = rx.await;
            })
            .await;
        });
        tokio::spawn(routes::housekeeping(state));
        Ok(Gateway {
            base_url: public.base.clone(),
            sandbox,
            clock: config.clock,
            demo,
            shutdown: Some(tx),
            task,
        })
    }

    /// Approves activations for the demo practice; a sandbox only.
    pub fn demo_approver(&self) -> Option<sandbox::DemoApprover> {
        self.demo.clone()
    }

    /// Stops accepting requests and waits for those under way.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}
