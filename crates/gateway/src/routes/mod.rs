//! HTTP: the router, shared state and the helpers every route uses.

mod approve;
mod form;
mod image;
mod redeem;
mod stage;
mod tokens;

use crate::clock::Clock;
use crate::oauth::nonce::{nonce_key, NonceStore};
use crate::oauth::{signature, OAuthError, OAuthParams};
use crate::store::{AccessToken, Consumer, Store, StoreError};
use crate::tag;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use form::parse_form;
use http_body_util::BodyExt;
use razcode_protocol::answer::Format;
use razcode_protocol::{paths, ErrorCode, StageAnswer};
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
    ) -> Result<AppState, crate::GatewayError> {
        let writer = crate::store::writer::StageWriter::start(store.path())?;
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
            .map_err(|e| StoreError::Conflict(format!("a database task failed: {e}")))?
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
        let key = nonce_key(&p.consumer_key, p.token.as_deref().unwrap_or(""), ts, nonce);
        if self.nonces.insert(key.clone(), ts) {
            Ok(Some((key, ts)))
        } else {
            Err(OAuthError::new(
                ErrorCode::NonceReused,
                "this nonce was already used with the same credentials and timestamp; sign each request with a new nonce",
            ))
        }
    }

    pub fn image_url(&self, id: razcode_protocol::RazId) -> String {
        format!("{}/tag/{}.jpg", self.public.base, id.compact())
    }

    pub fn redeem_url(&self, id: razcode_protocol::RazId) -> String {
        format!("{}{}/{}", self.public.base, paths::REDEEM, id.compact())
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
        .route("/tag/{file}", get(image::tag_image))
        .route(
            paths::REDEEM,
            get(redeem::enter_page).post(redeem::enter_submit),
        )
        .route("/r/{id}", get(redeem::code_page).post(redeem::code_submit))
        .route("/r/{id}/record", get(redeem::record_page))
        .route("/r/{id}/download", get(redeem::download))
        .route("/", get(redeem::home))
        .layer(axum::middleware::map_response_with_state(
            state.clone(),
            date_header,
        ))
        .with_state(state)
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

/// Forgets nonces that can no longer pass the timestamp check.
pub async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        state.nonces.prune(state.clock.now());
    }
}

/// An answer in the format the request's `Accept` asks for, with the status its
/// errorcode calls for.
pub fn answer(format: Format, a: &StageAnswer, status: StatusCode) -> Response {
    let mut r = (status, a.encode(format)).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(match format {
            Format::Form => "application/x-www-form-urlencoded; charset=utf-8",
            Format::Json => "application/json",
        }),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

pub fn failure(format: Format, code: ErrorCode, status: u16, message: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut r = answer(format, &StageAnswer::failure(code, message), status);
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("OAuth"));
    }
    r
}

pub fn oauth_failure(format: Format, e: &OAuthError) -> Response {
    failure(format, e.code, e.status, &e.message)
}

pub fn internal(format: Format, e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "internal error");
    failure(
        format,
        ErrorCode::Internal,
        500,
        "the gateway could not complete the request; try again later",
    )
}

pub fn accept_format(headers: &HeaderMap) -> Format {
    Format::from_accept(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()))
}

/// A signed request read whole: headers, query and form parameters, and the body.
pub struct Signed {
    pub headers: HeaderMap,
    pub path: String,
    pub format: Format,
    /// Query and form-body parameters, decoded.
    pub params: Vec<(String, String)>,
}

pub enum ReadError {
    TooLarge,
    Broken(String),
}

/// Reads a request whose body may be up to `limit` bytes; a larger body is read
/// to its end (up to 16 times the limit) so that the client sees the 413 answer.
pub async fn read_signed(req: Request, limit: usize) -> Result<Signed, ReadError> {
    let (parts, body) = req.into_parts();
    // Sized once from Content-Length (never beyond the limit) instead of growing.
    let expected = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(limit);
    let bytes = read_limited(body, limit, expected).await?;
    let mut params: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| parse_form(q.as_bytes()))
        .unwrap_or_default();
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
        .unwrap_or(false);
    if is_form {
        params.extend(parse_form(&bytes));
    }
    Ok(Signed {
        format: accept_format(&parts.headers),
        path: parts.uri.path().to_string(),
        headers: parts.headers,
        params,
    })
}

async fn read_limited(mut body: Body, limit: usize, expected: usize) -> Result<Vec<u8>, ReadError> {
    let mut buf = Vec::with_capacity(expected);
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| ReadError::Broken(e.to_string()))?;
        if let Ok(data) = frame.into_data() {
            total += data.len();
            if total <= limit {
                buf.extend_from_slice(&data);
            } else if total > limit.saturating_mul(16) {
                return Err(ReadError::TooLarge);
            }
        }
    }
    if total > limit {
        return Err(ReadError::TooLarge);
    }
    Ok(buf)
}

impl Signed {
    pub fn authorization(&self) -> Option<&str> {
        self.headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// How many times a body parameter is given.
    pub fn count(&self, name: &str) -> usize {
        self.params.iter().filter(|(k, _)| k == name).count()
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

pub use tag::render_jpeg;
