//! Practice activation and patient links: temporary credentials, the approval
//! page in the browser, the verifier from a loopback callback (RFC 8252) or
//! typed in (`oob`), then token credentials.

use crate::client::Signed;
use crate::error::{DeskError, Result};
use crate::keys;
use crate::words::Words;
use crate::Desk;
use razcode_protocol::paths;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// How long the desk waits for the approval in the browser.
pub const APPROVAL_WAIT: Duration = Duration::from_secs(10 * 60);

/// How the verifier comes back.
pub enum Verifier {
    /// A listener on 127.0.0.1 and a random port receives the browser's redirect.
    Loopback,
    /// The approval page shows the verifier; this reads what the person types.
    Typed(Box<dyn FnOnce() -> std::io::Result<String> + Send>),
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Activated {
    pub organization: Option<String>,
}

/// Opens a URL in the system browser; failures are not fatal (the URL is also
/// printed). Only `https` and loopback `http` addresses are opened, and never
/// through a shell's command line.
pub fn open_browser(url: &str) {
    if razcode_protocol::urls::secure_or_loopback(url).is_err() {
        tracing::warn!("not an address to open in a browser");
        return;
    }
    if let Err(e) = opener::open_browser(url) {
        tracing::warn!(error = %e, "could not open the browser");
    }
}

impl Desk {
    /// Runs the three OAuth steps against `approve_base + approve_path`.
    /// `show` gets the approval URL (print it, open the browser).
    pub async fn authorize(
        &self,
        approve_base: &str,
        approve_path: &str,
        verifier: Verifier,
        show: &(dyn Fn(&str) + Sync),
    ) -> Result<razcode_protocol::TokenAnswer> {
        let settings = self.settings()?;
        let mut client = self.client()?;
        let listener = match verifier {
            Verifier::Loopback => Some(
                TcpListener::bind("127.0.0.1:0")
                    .await
                    .map_err(DeskError::io(Words::new("desk-io-listen")))?,
            ),
            Verifier::Typed(_) => None,
        };
        let callback = match &listener {
            Some(l) => format!(
                "http://127.0.0.1:{}/callback",
                l.local_addr()
                    .map_err(DeskError::io(Words::new("desk-io-listen")))?
                    .port()
            ),
            None => "oob".to_string(),
        };
        let request_url = format!("{}{}", settings.api_base, paths::REQUEST_TOKEN);
        let temp = client
            .token(&Signed {
                url: &request_url,
                params: vec![],
                token: None,
                callback: Some(&callback),
                verifier: None,
            })
            .await?;
        if temp.oauth_callback_confirmed != Some(true) {
            return Err(DeskError::Activation(Words::new(
                "desk-activation-unconfirmed",
            )));
        }
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("oauth_token", &temp.oauth_token);
        let approve_url = format!("{approve_base}{approve_path}?{}", q.finish());
        show(&approve_url);
        let verifier_value = match (listener, verifier) {
            (Some(l), _) => {
                tokio::time::timeout(APPROVAL_WAIT, wait_for_callback(l, &temp.oauth_token))
                    .await
                    .map_err(|_| {
                        DeskError::Activation(Words::new("desk-activation-no-approval"))
                    })??
            }
            (None, Verifier::Typed(read)) => {
                let typed = tokio::task::spawn_blocking(read)
                    .await
                    .map_err(|e| {
                        DeskError::Activation(
                            Words::new("desk-activation-verifier-lost").with("cause", e),
                        )
                    })?
                    .map_err(DeskError::io(Words::new("desk-io-verifier")))?;
                let typed = typed.trim().to_string();
                if typed.is_empty() {
                    return Err(DeskError::Activation(Words::new(
                        "desk-activation-no-verifier",
                    )));
                }
                typed
            }
            (None, Verifier::Loopback) => unreachable!("a loopback verifier always has a listener"),
        };
        let access_url = format!("{}{}", settings.api_base, paths::ACCESS_TOKEN);
        let answer = client
            .token(&Signed {
                url: &access_url,
                params: vec![],
                token: Some((&temp.oauth_token, &temp.oauth_token_secret)),
                callback: None,
                verifier: Some(&verifier_value),
            })
            .await?;
        self.remember_offset(&client)?;
        Ok(answer)
    }

    /// Activates the practice: its token credentials sign every stage.
    pub async fn activate(
        &self,
        verifier: Verifier,
        show: &(dyn Fn(&str) + Sync),
    ) -> Result<Activated> {
        let settings = self.settings()?;
        let answer = self
            .authorize(
                &settings.platform_base,
                paths::PLATFORM_ACTIVATE,
                verifier,
                show,
            )
            .await?;
        self.set_secret(keys::PRACTICE_TOKEN_SECRET, &answer.oauth_token_secret)?;
        self.store
            .set_setting(keys::PRACTICE_TOKEN, &answer.oauth_token)?;
        self.store.set_setting(
            keys::ORGANIZATION,
            answer.razcode_org.as_deref().unwrap_or(""),
        )?;
        self.audit("activate", "practice activated");
        Ok(Activated {
            organization: answer.razcode_org,
        })
    }

    /// Links a patient's HealthJibe account: the token becomes the `user` of their stages.
    pub async fn link_patient(
        &self,
        mrn: &str,
        verifier: Verifier,
        show: &(dyn Fn(&str) + Sync),
    ) -> Result<()> {
        if mrn.trim().is_empty() {
            return Err(DeskError::Input(Words::new("desk-mrn-missing")));
        }
        let settings = self.settings()?;
        let answer = self
            .authorize(
                &settings.healthjibe_base,
                paths::JIBE_AUTHORIZE,
                verifier,
                show,
            )
            .await?;
        self.store
            .link_patient(mrn.trim(), &answer.oauth_token, self.now())?;
        self.audit("link-patient", "a patient linked a HealthJibe account");
        Ok(())
    }
}

/// How long one connection to the loopback listener may take to send its request.
const CALLBACK_READ: Duration = Duration::from_secs(2);

/// Serves the loopback listener until the browser brings the verifier for
/// `token`. Each connection is served on its own task with a short read
/// timeout, so a local process that connects and says nothing cannot stall
/// the approval.
async fn wait_for_callback(listener: TcpListener, token: &str) -> Result<String> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<String>>(1);
    loop {
        tokio::select! {
            outcome = rx.recv() => {
                if let Some(o) = outcome {
                    return o;
                }
            }
            accepted = listener.accept() => {
                let (sock, _) = accepted.map_err(DeskError::io(Words::new("desk-io-listener")))?;
                let (tx, token) = (tx.clone(), token.to_string());
                tokio::spawn(async move {
                    if let Some(o) = serve_callback(sock, &token).await {
                        let _ = tx.send(o).await;
                    }
                });
            }
        }
    }
}

/// Answers one connection; the outcome when it brought the approval's answer.
async fn serve_callback(mut sock: tokio::net::TcpStream, token: &str) -> Option<Result<String>> {
    let mut buf = vec![0u8; 8192];
    let mut len = 0;
    while len < buf.len() {
        let n = match tokio::time::timeout(CALLBACK_READ, sock.read(&mut buf[len..])).await {
            Ok(Ok(n)) => n,
            _ => 0,
        };
        if n == 0 {
            break;
        }
        len += n;
        if buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    let head = String::from_utf8_lossy(&buf[..len]).to_string();
    let target = head
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("");
    let query = target.strip_prefix("/callback?").unwrap_or("");
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let (status, page, outcome) = if get("oauth_token").as_deref() != Some(token) {
        (
            "404 Not Found",
            "This page is not part of the approval.",
            None,
        )
    } else if get("denied").is_some() {
        (
            "200 OK",
            "The request was denied. You can close this window.",
            Some(Err(DeskError::Activation(Words::new(
                "desk-activation-denied",
            )))),
        )
    } else if let Some(v) = get("oauth_verifier") {
        (
            "200 OK",
            "Done. You can close this window and go back to RAZCODE Desk.",
            Some(Ok(v)),
        )
    } else {
        (
            "400 Bad Request",
            "The approval came back without a verifier.",
            None,
        )
    };
    let body =
        format!("<!doctype html><meta charset=utf-8><title>RAZCODE Desk</title><p>{page}</p>");
    let resp = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = sock.write_all(resp.as_bytes()).await;
    let _ = sock.shutdown().await;
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A local process that connects and says nothing does not hold up the
    /// browser's callback behind it.
    #[tokio::test]
    async fn a_silent_connection_does_not_stall_the_approval() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let waiting = tokio::spawn(async move { wait_for_callback(listener, "T").await });
        let _silent = tokio::net::TcpStream::connect(addr).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut browser = tokio::net::TcpStream::connect(addr).await.unwrap();
        browser
            .write_all(b"GET /callback?oauth_token=T&oauth_verifier=V HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        // A hang guard well under the silent connection's old 10 s hold.
        let verifier = tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("the callback was served beside the silent connection")
            .unwrap()
            .unwrap();
        assert_eq!(verifier, "V");
        let mut answer = String::new();
        browser.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
}
