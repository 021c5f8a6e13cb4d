//! The OAuth consumer: signed requests to a gateway with `oauth1-request` and
//! `reqwest` (rustls), answers read strictly, the clock corrected once from the
//! gateway's `Date` header when it refuses our timestamp.

use crate::clock::unix_now;
use crate::error::{DeskError, Result};
use oauth1_request as oauth;
use razcode_protocol::{
    AnswerError, CodeStatus, ErrorCode, StageAnswer, StatusAnswer, TokenAnswer,
};
use std::fmt::Display;
use std::num::NonZeroU64;
use std::time::{Duration, UNIX_EPOCH};

/// How long one request may take (`RAZDESK_TIMEOUT_SECS` overrides).
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Refuses plain `http` except to this computer, and addresses whose host is
/// ambiguous (userinfo, backslashes): the host checked is the one connected to.
pub fn check_url(url: &str) -> Result<()> {
    razcode_protocol::urls::secure_or_loopback(url)
        .map(|_| ())
        .map_err(|_| DeskError::Insecure {
            address: url.to_string(),
        })
}

pub struct Credentials {
    pub key: String,
    pub secret: String,
}

pub struct Client {
    http: reqwest::Client,
    pub consumer: Credentials,
    /// Seconds to add to our clock for the gateway's (from its `Date` header).
    pub clock_offset: i64,
}

/// The raw answer to one signed POST.
struct Raw {
    status: u16,
    content_type: Option<String>,
    date: Option<i64>,
    body: Vec<u8>,
}

pub struct Signed<'a> {
    pub url: &'a str,
    pub params: Vec<(&'a str, String)>,
    pub token: Option<(&'a str, &'a str)>,
    pub callback: Option<&'a str>,
    pub verifier: Option<&'a str>,
}

impl<'a> Signed<'a> {
    /// A request signed with the practice's token credentials (stage, status, void).
    pub fn practice(
        url: &'a str,
        params: Vec<(&'a str, String)>,
        token: &'a (String, String),
    ) -> Self {
        Signed {
            url,
            params,
            token: Some((&token.0, &token.1)),
            callback: None,
            verifier: None,
        }
    }
}

/// The HTTP client for a desk's gateway. `tls` says whether any of its
/// addresses is `https`: only then are the system's root certificates loaded
/// (reading and parsing every file of the system's store costs more than a
/// whole loopback stage). Without them an `https` request fails closed.
pub fn http_client(tls: bool) -> Result<reqwest::Client> {
    // Operators on slow links can allow more time.
    let timeout = std::env::var("RAZDESK_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_secs)
        .unwrap_or(TIMEOUT);
    let mut b = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none());
    if !tls {
        b = b.tls_certs_only(Vec::<reqwest::Certificate>::new());
    }
    b.build().map_err(|e| DeskError::HttpClient {
        cause: e.to_string(),
    })
}

impl Client {
    pub fn new(consumer: Credentials, clock_offset: i64, http: reqwest::Client) -> Client {
        Client {
            http,
            consumer,
            clock_offset,
        }
    }

    async fn post(&self, req: &Signed<'_>) -> Result<Raw> {
        check_url(req.url)?;
        let (authorization, body) = {
            let mut sorted = req.params.clone();
            sorted.sort_by(|a, b| a.0.cmp(b.0).then_with(|| a.1.cmp(&b.1)));
            let list: Vec<(&str, &dyn Display)> = sorted
                .iter()
                .map(|(k, v)| (*k, v as &dyn Display))
                .collect();
            let request = oauth::ParameterList::new(list);
            let mut builder = oauth::Builder::new(
                oauth::Credentials::new(self.consumer.key.as_str(), self.consumer.secret.as_str()),
                oauth::HmacSha1::new(),
            );
            if let Some((t, s)) = req.token {
                builder.token(oauth::Credentials::new(t, s));
            }
            if let Some(cb) = req.callback {
                builder.callback(cb);
            }
            if let Some(v) = req.verifier {
                builder.verifier(v);
            }
            builder.timestamp(NonZeroU64::new(
                (unix_now() + self.clock_offset).max(1) as u64
            ));
            (builder.post(req.url, &request), oauth::to_form(&request))
        };
        let sent = self
            .http
            .post(req.url)
            .header("Authorization", authorization)
            .header(
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .header(
                "Accept",
                "application/x-www-form-urlencoded, application/json;q=0.5",
            )
            .body(body)
            .send()
            .await;
        let resp = sent.map_err(|e| transport_error(req.url, &e))?;
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let date = resp
            .headers()
            .get("date")
            .and_then(|v| v.to_str().ok())
            .and_then(|d| httpdate::parse_http_date(d).ok())
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_secs() as i64);
        let body = match read_limited(resp, MAX_ANSWER).await {
            Ok(body) => body,
            Err(Limited::Transport(e)) => return Err(transport_error(req.url, &e)),
            Err(Limited::TooLarge) => {
                return Err(DeskError::NotAnAnswer {
                    status,
                    reason: format!("the answer is larger than {} KiB", MAX_ANSWER >> 10),
                })
            }
        };
        Ok(Raw {
            status,
            content_type,
            date,
            body,
        })
    }

    /// Sends a signed request; when the gateway refuses our timestamp, corrects
    /// the clock from its `Date` header and sends once more with a new nonce.
    async fn post_corrected(&mut self, req: &Signed<'_>) -> Result<Raw> {
        let raw = self.post(req).await?;
        if raw.status == 401 {
            if let Ok(StageAnswer::Failure { errorcode, .. }) =
                StageAnswer::decode(raw.content_type.as_deref(), &raw.body)
            {
                if errorcode.parse() == Ok(ErrorCode::TimestampRefused) {
                    if let Some(server) = raw.date {
                        self.clock_offset = server - unix_now();
                        tracing::info!(
                            offset = self.clock_offset,
                            "clock corrected from the gateway's Date header"
                        );
                        return self.post(req).await;
                    }
                }
            }
        }
        Ok(raw)
    }

    /// Temporary or token credentials.
    pub async fn token(&mut self, req: &Signed<'_>) -> Result<TokenAnswer> {
        let raw = self.post_corrected(req).await?;
        if raw.status == 200 {
            return TokenAnswer::decode(raw.content_type.as_deref(), &raw.body)
                .map_err(|e| not_an_answer(raw.status, e));
        }
        Err(failure(&raw))
    }

    pub async fn stage(&mut self, req: &Signed<'_>) -> Result<StageAnswer> {
        let raw = self.post_corrected(req).await?;
        let answer = StageAnswer::decode(raw.content_type.as_deref(), &raw.body)
            .map_err(|e| not_an_answer(raw.status, e))?;
        match (&answer, raw.status) {
            (StageAnswer::Success { .. }, 200) => Ok(answer),
            (StageAnswer::Success { .. }, s) => Err(DeskError::NotAnAnswer {
                status: s,
                reason: "a success answer with an error status".into(),
            }),
            (
                StageAnswer::Failure {
                    errorcode,
                    errormsg,
                },
                _,
            ) => Err(DeskError::refused(errorcode, errormsg)),
        }
    }

    /// A v1.1 status or void: the code's state. A gateway without these paths
    /// answers 404 with no protocol answer: `NoLifecycle`, never a state.
    pub async fn code_status(&mut self, req: &Signed<'_>) -> Result<CodeStatus> {
        let raw = self.post_corrected(req).await?;
        match StatusAnswer::decode(raw.content_type.as_deref(), &raw.body) {
            Ok(StatusAnswer::Success(s)) if raw.status == 200 => Ok(s),
            Ok(StatusAnswer::Success(_)) => Err(DeskError::NotAnAnswer {
                status: raw.status,
                reason: "a success answer with an error status".into(),
            }),
            Ok(StatusAnswer::Failure {
                errorcode,
                errormsg,
            }) => Err(DeskError::refused(&errorcode, &errormsg)),
            Err(_) if raw.status == 404 => Err(DeskError::NoLifecycle),
            Err(e) => Err(not_an_answer(raw.status, e)),
        }
    }

    /// v1.2 reserved codes. A gateway without the path answers 404 with no
    /// protocol answer: `NoReserve`.
    pub async fn reserve(
        &mut self,
        req: &Signed<'_>,
    ) -> Result<Vec<razcode_protocol::ReservedCode>> {
        let raw = self.post_corrected(req).await?;
        match razcode_protocol::ReserveAnswer::decode(raw.content_type.as_deref(), &raw.body) {
            Ok(Ok(list)) if raw.status == 200 => Ok(list),
            Ok(Ok(_)) => Err(DeskError::NotAnAnswer {
                status: raw.status,
                reason: "a success answer with an error status".into(),
            }),
            Ok(Err((errorcode, errormsg))) => Err(DeskError::refused(&errorcode, &errormsg)),
            Err(_) if raw.status == 404 => Err(DeskError::NoReserve),
            Err(e) => Err(not_an_answer(raw.status, e)),
        }
    }

    /// v1.2 accesses of a code. A gateway without the path answers 404 with
    /// no protocol answer: `NoAccesses`.
    pub async fn accesses(&mut self, req: &Signed<'_>) -> Result<razcode_protocol::AccessesAnswer> {
        let raw = self.post_corrected(req).await?;
        match razcode_protocol::AccessesAnswer::decode(raw.content_type.as_deref(), &raw.body) {
            Ok(Ok(a)) if raw.status == 200 => Ok(a),
            Ok(Ok(_)) => Err(DeskError::NotAnAnswer {
                status: raw.status,
                reason: "a success answer with an error status".into(),
            }),
            Ok(Err((errorcode, errormsg))) => Err(DeskError::refused(&errorcode, &errormsg)),
            Err(_) if raw.status == 404 => Err(DeskError::NoAccesses),
            Err(e) => Err(not_an_answer(raw.status, e)),
        }
    }

    /// Fetches a barcode image; it must be a JPEG.
    pub async fn fetch_jpeg(&self, url: &str) -> Result<Vec<u8>> {
        check_url(url)?;
        let resp = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| DeskError::Unreachable {
                url: url.to_string(),
                reason: root_cause(&e),
            })?;
        let status = resp.status().as_u16();
        let bytes = match read_limited(resp, MAX_IMAGE).await {
            Ok(bytes) => bytes,
            Err(Limited::Transport(e)) => {
                return Err(DeskError::Unreachable {
                    url: url.to_string(),
                    reason: root_cause(&e),
                })
            }
            Err(Limited::TooLarge) => {
                return Err(DeskError::NotAnAnswer {
                    status,
                    reason: format!("the barcode image is larger than {} MiB", MAX_IMAGE >> 20),
                })
            }
        };
        if status != 200 || !bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Err(DeskError::NotAnAnswer {
                status,
                reason: "the barcode image is not a JPEG".into(),
            });
        }
        Ok(bytes)
    }
}

/// The most a gateway's answer to a signed request may hold (answers are a
/// few hundred bytes; a SMART Health Link adds a few hundred more).
pub const MAX_ANSWER: usize = 1024 * 1024;
/// The most a barcode image may hold.
pub const MAX_IMAGE: usize = 4 * 1024 * 1024;

/// Why a body was not read whole.
pub enum Limited {
    Transport(reqwest::Error),
    TooLarge,
}

/// A response's body, read as it arrives and refused once past `limit`
/// bytes, so that a wrong or hostile server cannot fill the desk's memory.
pub async fn read_limited(
    mut resp: reqwest::Response,
    limit: usize,
) -> std::result::Result<Vec<u8>, Limited> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(Limited::Transport)? {
        if body.len() + chunk.len() > limit {
            return Err(Limited::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn failure(raw: &Raw) -> DeskError {
    match StageAnswer::decode(raw.content_type.as_deref(), &raw.body) {
        Ok(StageAnswer::Failure {
            errorcode,
            errormsg,
        }) => DeskError::refused(&errorcode, &errormsg),
        Ok(StageAnswer::Success { .. }) => DeskError::NotAnAnswer {
            status: raw.status,
            reason: "an unexpected answer".into(),
        },
        Err(e) => not_an_answer(raw.status, e),
    }
}

fn not_an_answer(status: u16, e: AnswerError) -> DeskError {
    DeskError::NotAnAnswer {
        status,
        reason: e.to_string(),
    }
}

/// A request that got no answer: it took too long, or the gateway is out of reach.
fn transport_error(url: &str, e: &reqwest::Error) -> DeskError {
    if e.is_timeout() {
        DeskError::Timeout {
            url: url.to_string(),
        }
    } else {
        DeskError::Unreachable {
            url: url.to_string(),
            reason: root_cause(e),
        }
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &dyn std::error::Error = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "https://gw.example",
            "http://127.0.0.1:8080",
            "http://localhost/x",
            "http://[::1]:9/",
        ] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://gw.example",
            "http://127.0.0.1.evil.example/",
            "ftp://x",
            "gw.example",
            "http://127.0.0.1:80@gw.example/",
            "http://gw.example\\@127.0.0.1/",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
