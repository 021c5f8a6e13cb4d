//! The signed API's seams: [`Answer`] and [`ApiError`] render the protocol's
//! answers (name/value pairs, or JSON when `Accept` prefers it: [`negotiate`]),
//! and the extractors read and verify a signed request before a handler runs:
//! [`SignedRequest`] (body, `oauth_*` parameters, consumer) and
//! [`PracticeRequest`] (signed with the practice's token credentials: stage and
//! the v1.1 calls).

use super::form::parse_form;
use super::AppState;
use crate::oauth::{OAuthError, OAuthParams};
use crate::store::{AccessToken, AccountKind, Consumer, StoreError};
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequest, Request};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use razcode_protocol::answer::{encode_pairs, Format};
use razcode_protocol::{CodeStatus, ErrorCode, StageAnswer, MAX_STAGE_BODY};
use std::marker::PhantomData;
use std::net::SocketAddr;

/// A protocol answer (its names and values) with its HTTP status. Rendered as
/// name/value pairs; the [`negotiate`] layer renders it again as JSON when the
/// request asked for JSON.
#[derive(Clone)]
pub struct Answer {
    pub pairs: Vec<(&'static str, String)>,
    pub status: StatusCode,
}

impl Answer {
    pub fn ok(answer: StageAnswer) -> Answer {
        Answer {
            pairs: answer.pairs(),
            status: StatusCode::OK,
        }
    }

    /// A code's state (v1.1 status and void).
    pub fn status(status: CodeStatus) -> Answer {
        Answer {
            pairs: status.pairs(),
            status: StatusCode::OK,
        }
    }

    fn render(&self, format: Format) -> Response {
        let mut r = (self.status, encode_pairs(&self.pairs, format)).into_response();
        let h = r.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(match format {
                Format::Form => "application/x-www-form-urlencoded; charset=utf-8",
                Format::Json => "application/json",
            }),
        );
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.status == StatusCode::UNAUTHORIZED {
            h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("OAuth"));
        }
        r
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let mut r = self.render(Format::Form);
        r.extensions_mut().insert(self);
        r
    }
}

/// Renders [`Answer`]s in the format the request's `Accept` asks for.
pub async fn negotiate(req: Request, next: Next) -> Response {
    let format = accept_format(req.headers());
    let mut r = next.run(req).await;
    match (format, r.extensions_mut().remove::<Answer>()) {
        (Format::Json, Some(a)) => a.render(Format::Json),
        _ => r,
    }
}

pub fn accept_format(headers: &HeaderMap) -> Format {
    Format::from_accept(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()))
}

/// A refused request: the protocol's failure answer.
#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    /// With the status the errorcode calls for.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            status: status_of(code.http_status()),
            message: message.into(),
        }
    }

    pub fn with_status(mut self, status: StatusCode) -> ApiError {
        self.status = status;
        self
    }

    /// A fault of the gateway: logged, and answered without its details.
    pub fn internal(e: &dyn std::fmt::Display) -> ApiError {
        tracing::error!(error = %e, "internal error");
        ApiError::new(
            ErrorCode::Internal,
            "the gateway could not complete the request; try again later",
        )
    }
}

fn status_of(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl From<OAuthError> for ApiError {
    fn from(e: OAuthError) -> ApiError {
        ApiError {
            code: e.code,
            status: e.status,
            message: e.message,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        ApiError::internal(&e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        Answer {
            pairs: StageAnswer::failure(self.code, &self.message).pairs(),
            status: self.status,
        }
        .into_response()
    }
}

/// How large a signed request's body may be, and what a larger one is told.
pub trait BodyLimit {
    const BYTES: usize;
    const TOO_LARGE: &'static str;
}

/// Stage requests (and the v1.1 calls, signed the same way).
pub struct StageBody;
impl BodyLimit for StageBody {
    const BYTES: usize = MAX_STAGE_BODY;
    const TOO_LARGE: &'static str = "the request is larger than 4 MiB; send a smaller record";
}

/// Token requests carry only OAuth parameters; 64 KiB is plenty.
pub struct TokenBody;
impl BodyLimit for TokenBody {
    const BYTES: usize = 64 * 1024;
    const TOO_LARGE: &'static str = "token requests are small; this body is too large";
}

/// A signed request read whole, its `oauth_*` parameters parsed and its consumer
/// found. The handler checks the token and the signature ([`Self::verify`]).
pub struct SignedRequest<L> {
    pub headers: HeaderMap,
    pub path: String,
    /// Query and form-body parameters, decoded.
    pub params: Vec<(String, String)>,
    pub oauth: OAuthParams,
    pub consumer: Consumer,
    limit: PhantomData<L>,
}

impl<L: BodyLimit + Send> FromRequest<AppState> for SignedRequest<L> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        // Over TLS only through a trusted proxy: the gateway itself speaks
        // plain HTTP, so an https public URL says nothing of this connection.
        let peer = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let tls = over_tls(state.public.tls(), &state.trusted_proxies, peer);
        // The consumer is known, from the header alone, before a body of up to
        // 4 MiB is kept for it; a refused request's body is read and dropped
        // as it arrives (closing with it unread could reset the connection
        // before the client reads why it was refused).
        let authorization = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let early = match OAuthParams::from_request(authorization, &[], tls) {
            Ok(o) => match state.consumer(&o.consumer_key).await {
                Ok(Some(_)) => Ok(()),
                Ok(None) => Err(unknown_consumer()),
                Err(e) => Err(e.into()),
            },
            Err(e) => Err(ApiError::from(e)),
        };
        if let Err(e) = early {
            drain(req.into_body(), L::BYTES).await;
            return Err(e);
        }
        let (headers, path, params) = read_params(req, L::BYTES).await.map_err(|e| match e {
            ReadError::TooLarge => ApiError::new(ErrorCode::TooLarge, L::TOO_LARGE),
            ReadError::Broken(e) => ApiError::new(
                ErrorCode::Internal,
                format!("the request body could not be read: {e}"),
            )
            .with_status(StatusCode::BAD_REQUEST),
        })?;
        let authorization = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let oauth = OAuthParams::from_request(authorization, &params, tls)?;
        let consumer = state
            .consumer(&oauth.consumer_key)
            .await?
            .ok_or_else(unknown_consumer)?;
        Ok(SignedRequest {
            headers,
            path,
            params,
            oauth,
            consumer,
            limit: PhantomData,
        })
    }
}

fn unknown_consumer() -> ApiError {
    ApiError::new(
        ErrorCode::ConsumerUnknown,
        "the consumer key is not known to this gateway",
    )
}

impl<L> SignedRequest<L> {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Takes a parameter's value out of the request (no copy of a large record).
    pub fn take_param(&mut self, name: &str) -> Option<String> {
        self.params
            .iter_mut()
            .find(|(k, _)| k == name)
            .map(|(_, v)| std::mem::take(v))
    }

    /// How many times a parameter is given.
    pub fn count(&self, name: &str) -> usize {
        self.params.iter().filter(|(k, _)| k == name).count()
    }

    /// Checks the signature (with the token secret, empty for none) and the
    /// timestamp. The nonce is not yet taken: see [`Self::accept_nonce`].
    pub fn check_signature(&self, state: &AppState, token_secret: &str) -> Result<(), ApiError> {
        let base = state.base_uri(&self.headers, &self.path);
        Ok(self.oauth.check(
            "POST",
            &base,
            &self.params,
            &self.consumer.secret,
            token_secret,
            state.clock.now(),
        )?)
    }

    /// Takes the request's nonce once it is accepted (`nonce_reused` when it
    /// was seen); returns it for the store.
    pub fn accept_nonce(&self, state: &AppState) -> Result<Option<(String, i64)>, ApiError> {
        Ok(state.accept_nonce(&self.oauth)?)
    }
}

/// A request signed with consumer + the practice's token credentials, verified.
pub struct PracticeRequest {
    pub signed: SignedRequest<StageBody>,
    pub practice: AccessToken,
    /// The accepted nonce, kept with what the request writes.
    pub nonce: Option<(String, i64)>,
}

impl FromRequest<AppState> for PracticeRequest {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let signed = SignedRequest::<StageBody>::from_request(req, state).await?;
        let Some(token) = signed.oauth.token.as_deref() else {
            return Err(ApiError::new(
                ErrorCode::TokenUnknown,
                "stage requests are signed with the practice's token credentials; activate the practice first",
            ));
        };
        let practice =
            match state.access_token(token).await? {
                Some(t) if t.kind == AccountKind::Org && t.consumer_id == signed.consumer.id => t,
                _ => return Err(ApiError::new(
                    ErrorCode::TokenUnknown,
                    "the token is not this consumer's practice token; activate the practice again",
                )),
            };
        signed.check_signature(state, &practice.secret)?;
        let nonce = signed.accept_nonce(state)?;
        Ok(PracticeRequest {
            signed,
            practice,
            nonce,
        })
    }
}

/// Whether a request reached us over TLS: the public URL is https and the
/// request came through a trusted proxy (the one that terminates TLS).
fn over_tls(
    public_https: bool,
    trusted: &[std::net::IpAddr],
    peer: Option<std::net::IpAddr>,
) -> bool {
    public_https && peer.is_some_and(|p| trusted.contains(&p))
}

/// Reads and drops a body, at most `limit` bytes of it.
async fn drain(body: Body, limit: usize) {
    let mut body = http_body_util::Limited::new(body, limit);
    while let Some(Ok(_)) = body.frame().await {}
}

enum ReadError {
    TooLarge,
    Broken(String),
}

/// Reads a request whose body may be up to `limit` bytes; a larger body is read
/// to its end (up to 16 times the limit) so that the client sees the 413 answer.
/// Returns the headers, the path, and the query and form parameters.
async fn read_params(
    req: Request,
    limit: usize,
) -> Result<(HeaderMap, String, Vec<(String, String)>), ReadError> {
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
    Ok((parts.headers, parts.uri.path().to_string(), params))
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

#[cfg(test)]
mod tests {
    use super::over_tls;

    #[test]
    fn tls_only_through_a_trusted_proxy_of_an_https_gateway() {
        let proxy = "10.0.0.2".parse().unwrap();
        let other = "198.51.100.7".parse().unwrap();
        assert!(over_tls(true, &[proxy], Some(proxy)));
        // An https public URL, but the request came straight to the gateway.
        assert!(!over_tls(true, &[proxy], Some(other)));
        assert!(!over_tls(true, &[], Some(proxy)));
        assert!(!over_tls(false, &[proxy], Some(proxy)));
        assert!(!over_tls(true, &[proxy], None));
    }
}
