//! HTTP: the router, shared state and the helpers every route uses.

mod access_list;
mod api;
mod approve;
pub(crate) mod bill;
pub(crate) mod client;
pub(crate) mod form;
mod image;
mod language;
mod lifecycle;
mod new_code;
mod payments;
mod record;
mod redeem;
mod reserve;
mod shl;
mod signin;
mod stage;
mod tokens;

use crate::clock::Clock;
use crate::oauth::nonce::{nonce_key, NonceStore};
use crate::oauth::{signature, OAuthError, OAuthParams};
use crate::store::{AccessToken, Consumer, Store, StoreError};
use crate::tag;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use razcode_protocol::paths;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Where clients reach the gateway.
#[derive(Debug, Clone)]
pub struct PublicUrl {
    pub scheme: String,
    pub authority: String,
    /// `scheme://authority[/prefix]`, no trailing slash.
    pub base: String,
}

impl PublicUrl {
    pub fn parse(url: &str) -> Option<PublicUrl> {
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let authority = rest.split('/').next()?.to_string();
        if authority.is_empty() {
            return None;
        }
        Some(PublicUrl {
            base: format!("{scheme}://{}", rest.trim_end_matches('/')),
            scheme,
            authority,
        })
    }

    pub fn tls(&self) -> bool {
        self.scheme == "https"
    }
}

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Arc<Store>,
    pub writer: crate::store::writer::StageWriter,
    pub nonces: NonceStore,
    pub public: PublicUrl,
    pub clock: Clock,
    pub server_key: Vec<u8>,
    /// argon2 on a few fixed threads (each hash takes ~19 MiB).
    pub hashing: crate::hashing::Hashers,
    /// Sign-in attempts per client address.
    pub signins: signin::ClientLimiter,
    /// Proxies whose `Forwarded` / `X-Forwarded-For` are believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The one header those proxies write the client's address into.
    pub forwarded_header: client::ForwardedHeader,
    consumers: RwLock<HashMap<String, Consumer>>,
    access: RwLock<HashMap<String, AccessToken>>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub async fn new(
        store: Arc<Store>,
        public: PublicUrl,
        clock: Clock,
        trusted_proxies: Vec<std::net::IpAddr>,
        forwarded_header: client::ForwardedHeader,
        audit_stages: bool,
    ) -> Result<AppState, crate::GatewayError> {
        let target = store.target().clone();
        // Connecting may block (PostgreSQL's client has a runtime of its own).
        let writer = tokio::task::spawn_blocking(move || {
            crate::store::writer::StageWriter::start(&target, audit_stages)
        })
        .await
        .map_err(|e| crate::GatewayError::Setup(e.to_string()))??;
        let since = clock.now() - razcode_protocol::TIMESTAMP_WINDOW_SECS - 1;
        let s = store.clone();
        let (server_key, recent) = tokio::task::spawn_blocking(move || {
            Ok::<_, StoreError>((s.server_key()?, s.recent_nonces(since)?))
        })
        .await
        .map_err(|e| crate::GatewayError::Setup(e.to_string()))??;
        let nonces = NonceStore::default();
        for (key, ts) in recent {
            nonces.insert(key, ts);
        }
        Ok(AppState(Arc::new(Inner {
            store,
            writer,
            nonces,
            public,
            clock,
            server_key,
            hashing: crate::hashing::Hashers::for_this_machine()
                .map_err(|e| crate::GatewayError::Setup(format!("hashing threads: {e}")))?,
            signins: signin::ClientLimiter::default(),
            trusted_proxies,
            forwarded_header,
            consumers: RwLock::default(),
            access: RwLock::default(),
        })))
    }

    /// Runs a store call on the blocking pool.
    pub async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| StoreError::TaskFailed(e.to_string()))?
    }

    /// Consumers never change once made, so they are cached after the first read.
    pub async fn consumer(&self, key: &str) -> Result<Option<Consumer>, StoreError> {
        if let Some(c) = read_cache(&self.consumers, key) {
            return Ok(Some(c));
        }
        let k = key.to_string();
        let found = self.db(move |s| s.consumer_by_key(&k)).await?;
        if let Some(c) = &found {
            write_cache(&self.consumers, key, c.clone());
        }
        Ok(found)
    }

    /// Token credentials never change once issued, so they are cached too.
    pub async fn access_token(&self, token: &str) -> Result<Option<AccessToken>, StoreError> {
        if let Some(t) = read_cache(&self.access, token) {
            return Ok(Some(t));
        }
        let k = token.to_string();
        let found = self.db(move |s| s.access_token(&k)).await?;
        if let Some(t) = &found {
            write_cache(&self.access, token, t.clone());
        }
        Ok(found)
    }

    /// The client's address (see [`client::client_ip`]).
    pub fn client(&self, peer: std::net::SocketAddr, headers: &HeaderMap) -> std::net::IpAddr {
        client::client_ip(
            &self.trusted_proxies,
            self.forwarded_header,
            peer.ip(),
            headers,
        )
    }

    /// The URI that enters the signature base string for a request to `path`.
    pub fn base_uri(&self, headers: &HeaderMap, path: &str) -> String {
        let authority = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or(&self.public.authority);
        signature::base_uri(&self.public.scheme, authority, path)
    }

    /// Remembers an accepted request's nonce; `nonce_reused` when it was seen.
    pub fn accept_nonce(&self, p: &OAuthParams) -> Result<Option<(String, i64)>, OAuthError> {
        let (Some(ts), Some(nonce)) = (p.timestamp, p.nonce.as_deref()) else {
            return Ok(None);
        };
        // Kept as text by either database (PostgreSQL's holds no NUL).
        if nonce.chars().any(char::is_control) {
            return Err(OAuthError::malformed(
                "oauth_nonce holds a control character; use letters and digits",
            ));
        }
        let key = nonce_key(&p.consumer_key, p.token.as_deref().unwrap_or(""), ts, nonce);
        if self.nonces.insert(key.clone(), ts) {
            Ok(Some((key, ts)))
        } else {
            Err(OAuthError::nonce_reused())
        }
    }

    /// Keeps an accepted request's nonce in the database, where a restart (and,
    /// on a shared database, every other instance) finds it; `nonce_reused`
    /// when it was kept before.
    pub async fn keep_nonce(&self, nonce: Option<(String, i64)>) -> Result<(), api::ApiError> {
        let Some((key, ts)) = nonce else {
            return Ok(());
        };
        if self.db(move |s| s.persist_nonce(&key, ts)).await? {
            Ok(())
        } else {
            Err(OAuthError::nonce_reused().into())
        }
    }

    pub fn image_url(&self, id: razcode_protocol::RazId) -> String {
        format!("{}/tag/{}.jpg", self.public.base, id.compact())
    }

    pub fn redeem_url(&self, id: razcode_protocol::RazId) -> String {
        format!("{}{}/{}", self.public.base, paths::REDEEM, id.compact())
    }

    /// v1.2: a code's access event, in the audit log (what the patient's
    /// and the practice's lists read).
    pub async fn access(
        &self,
        raz_id: razcode_protocol::RazId,
        org_account_id: i64,
        event: razcode_protocol::AccessEvent,
        recipient: Option<&str>,
    ) -> Result<(), StoreError> {
        use crate::store::audit::{Event, Kind};
        let mut e = Event::code(Kind::Access(event), &raz_id.compact(), org_account_id);
        if let Some(r) = recipient {
            e = e.with_recipient(r);
        }
        let now = self.clock.now();
        self.db(move |s| s.audit(now, &[e])).await
    }

    /// The manifest a reserved code's link will have (v1.2 `shl_url`).
    pub fn reserved_link_url(&self, id: razcode_protocol::RazId) -> String {
        let link = self.store.reserved_link_id(&id.compact());
        format!("{}{}/{link}", self.public.base, paths::SHL)
    }
}

fn read_cache<T: Clone>(cache: &RwLock<HashMap<String, T>>, key: &str) -> Option<T> {
    cache.read().ok().and_then(|c| c.get(key).cloned())
}

fn write_cache<T>(cache: &RwLock<HashMap<String, T>>, key: &str, value: T) {
    if let Ok(mut c) = cache.write() {
        c.insert(key.to_string(), value);
    }
}

/// Requests handled at once; more wait.
pub const MAX_IN_FLIGHT: usize = 1024;
/// How long a request body may take to arrive.
pub const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

pub fn router(state: AppState) -> Router {
    Router::new()
        .route(paths::REQUEST_TOKEN, post(tokens::request_token))
        .route(paths::ACCESS_TOKEN, post(tokens::access_token))
        .route(
            paths::PLATFORM_ACTIVATE,
            get(approve::activate_page).post(approve::activate_submit),
        )
        .route(
            paths::JIBE_AUTHORIZE,
            get(approve::authorize_page).post(approve::authorize_submit),
        )
        .route(paths::STAGE, post(stage::stage_image))
        .route(paths::STAGE_URL, post(stage::stage_url))
        .route(paths::STATUS, post(lifecycle::status))
        .route(paths::VOID, post(lifecycle::void))
        .route(paths::RESERVE, post(reserve::reserve))
        .route(paths::ACCESSES, post(lifecycle::accesses))
        .route("/payments/notify", post(payments::notify))
        .route("/tag/{file}", get(image::tag_image))
        .route(
            paths::REDEEM,
            get(redeem::enter_page).post(redeem::enter_submit),
        )
        .route("/r/{id}", get(redeem::code_page).post(redeem::code_submit))
        .route("/r/{id}/record", get(record::record_page))
        .route("/r/{id}/download", get(record::download))
        .route("/r/{id}/fhir", get(record::download_fhir))
        .route("/r/{id}/delete", post(record::delete))
        .route("/r/{id}/new-code", post(new_code::ask))
        .route("/", get(redeem::home))
        .merge(shl_routes())
        .layer(axum::middleware::from_fn(api::negotiate))
        .layer(axum::middleware::from_fn(language::remember))
        // A slow client cannot hold a request open while it trickles a body in,
        // and a flood waits its turn instead of exhausting memory.
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            BODY_TIMEOUT,
        ))
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
            MAX_IN_FLIGHT,
        ))
        .layer(axum::middleware::map_response_with_state(
            state.clone(),
            date_header,
        ))
        .with_state(state)
}

/// SMART Health Link manifests and files: read by patients' apps, web apps
/// included, so any origin may ask (the link itself is the credential).
fn shl_routes() -> Router<AppState> {
    use tower_http::cors::{Any, CorsLayer};
    Router::new()
        .route(&format!("{}/{{id}}", paths::SHL), post(shl::manifest))
        .route(&format!("{}/file/{{token}}", paths::SHL), get(shl::file))
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([axum::http::Method::GET, axum::http::Method::POST])
                .allow_headers([header::CONTENT_TYPE]),
        )
}

/// The `Date` header from the gateway's own clock: clients correct their
/// timestamps from it after `timestamp_refused`, so it must be the clock the
/// timestamp check uses.
async fn date_header(State(state): State<AppState>, mut r: Response) -> Response {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(state.clock.now().max(0) as u64);
    if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(t)) {
        r.headers_mut().insert(header::DATE, v);
    }
    r
}

/// Every minute: forgets nonces that can no longer pass the timestamp check,
/// and prunes the database (see [`crate::store::prune`]).
pub async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        let now = state.clock.now();
        state.nonces.prune(now);
        match state.db(move |s| s.prune(now)).await {
            Ok(p) if p != Default::default() => tracing::info!(
                nonces = p.nonces,
                temp_tokens = p.temp_tokens,
                sessions = p.sessions,
                records = p.records,
                "pruned"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "pruning failed"),
        }
    }
}

/// Serves a tag image's bytes.
pub fn jpeg(bytes: Vec<u8>) -> Response {
    let mut r = (StatusCode::OK, bytes).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    r
}

pub use lifecycle::rfc3339;
pub use tag::render_jpeg;
