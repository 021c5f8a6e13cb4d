//! The code's barcode and its SMART Health Link: the clinic's defaults (QR,
//! link off/on/with a passcode), the passcode, the link a staging got, and a
//! viewer that opens any link as a patient's app would.

use crate::error::{DeskError, Result};
use crate::keys;
use crate::secret;
use crate::words::Words;
use crate::Desk;
use razcode_protocol::shl::{self, Payload};
use serde::Serialize;
use std::time::Duration;

pub use razcode_protocol::Barcode;

/// A barcode named at an edge (`qr` or `tag`), or an error that lists them.
pub fn parse_barcode(s: &str) -> Result<Barcode> {
    Barcode::from_name(s).ok_or_else(|| {
        DeskError::Input(
            Words::new("desk-not-a-barcode").with("barcode", format!("{:?}", s.trim())),
        )
    })
}

/// Serializes a staging's barcode as its variant word (`url`/`image`), the
/// JSON the CLI and the app have always printed.
pub(crate) fn variant_word<S: serde::Serializer>(
    b: &Barcode,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(b.variant())
}

/// Whether a code carries a SMART Health Link for the patient's health apps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ShlMode {
    #[default]
    Off,
    On,
    /// With a passcode, printed on its own page to be kept apart.
    Passcode,
}

impl ShlMode {
    pub fn parse(s: &str) -> Result<ShlMode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "" => Ok(ShlMode::Off),
            "on" => Ok(ShlMode::On),
            "passcode" => Ok(ShlMode::Passcode),
            other => Err(DeskError::Input(
                Words::new("desk-not-an-shl-setting").with("setting", format!("{other:?}")),
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ShlMode::Off => "off",
            ShlMode::On => "on",
            ShlMode::Passcode => "passcode",
        }
    }
}

/// The clinic's code settings.
#[derive(Debug, Clone, Serialize)]
pub struct CodePrefs {
    pub barcode: Barcode,
    pub shl: ShlMode,
}

/// A staging's link, opened.
#[derive(Debug, Clone, Serialize)]
pub struct CodeLink {
    pub shl: String,
    pub passcode: Option<String>,
}

/// Six digits from the OS CSPRNG: read out or typed on a phone, and the
/// gateway allows only a handful of wrong guesses over the link's life.
pub fn new_passcode() -> Result<String> {
    use rand::TryRngCore;
    let mut n = [0u8; 8];
    rand::rngs::OsRng
        .try_fill_bytes(&mut n)
        .map_err(|_| DeskError::Random)?;
    Ok(format!("{:06}", u64::from_le_bytes(n) % 1_000_000))
}

impl Desk {
    pub fn code_prefs(&self) -> Result<CodePrefs> {
        let barcode = match self.store.setting(keys::BARCODE)? {
            Some(b) => Barcode::from_name(&b).unwrap_or(Barcode::Qr),
            None => Barcode::Qr,
        };
        let shl = match self.store.setting(keys::SHL)? {
            Some(s) => ShlMode::parse(&s).unwrap_or_default(),
            None => ShlMode::Off,
        };
        Ok(CodePrefs { barcode, shl })
    }

    /// Sets the clinic's defaults.
    pub fn set_code_prefs(
        &self,
        barcode: Option<Barcode>,
        shl: Option<ShlMode>,
    ) -> Result<CodePrefs> {
        if let Some(b) = barcode {
            self.store.set_setting(keys::BARCODE, b.name())?;
        }
        if let Some(s) = shl {
            self.store.set_setting(keys::SHL, s.name())?;
        }
        self.code_prefs()
    }

    /// The link and passcode a staging got, unsealed.
    pub fn code_link(&self, staging_id: i64) -> Result<Option<CodeLink>> {
        let (link, passcode) = self.store.sealed_link(staging_id)?;
        let Some(link) = link else {
            return Ok(None);
        };
        let row = staging_id.to_string();
        Ok(Some(CodeLink {
            shl: self.unseal(secret::SHL, &row, &link)?,
            passcode: passcode
                .map(|p| self.unseal(secret::SHL_PASSCODE, &row, &p))
                .transpose()?,
        }))
    }
}

/// What a link opened to: its payload, and each file decrypted.
#[derive(Debug, Clone, Serialize)]
pub struct Opened {
    pub label: Option<String>,
    pub exp: Option<i64>,
    pub flag: Option<String>,
    pub files: Vec<OpenedFile>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenedFile {
    pub content_type: String,
    /// The decrypted file (a FHIR Bundle is JSON).
    pub content: serde_json::Value,
}

/// Opens a SMART Health Link as a patient's app does: the manifest (`POST`,
/// with `recipient` and the passcode when flag `P`), or the file itself with
/// flag `U`; each file fetched or embedded, decrypted with the link's key.
pub async fn open_link(text: &str, passcode: Option<&str>, recipient: &str) -> Result<Opened> {
    let p = Payload::decode(text).map_err(shl_cause)?;
    crate::client::check_url(&p.url)?;
    if p.needs_passcode() && passcode.is_none_or(str::is_empty) {
        return Err(DeskError::ShlNeedsPasscode);
    }
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| DeskError::HttpClient {
            cause: e.to_string(),
        })?;
    let unreachable = |e: reqwest::Error| {
        DeskError::Shl(
            Words::new("desk-shl-unreachable")
                .with("url", &p.url)
                .with("cause", e),
        )
    };
    let mut files = Vec::new();
    if p.direct_file() {
        let r = http
            .get(&p.url)
            .query(&[("recipient", recipient)])
            .send()
            .await
            .map_err(unreachable)?;
        let jwe = answered(r).await?;
        files.push(decrypt(&p.key, shl::FHIR_JSON, &jwe)?);
    } else {
        let mut body = serde_json::json!({ "recipient": recipient });
        if let Some(code) = passcode.filter(|_| p.needs_passcode()) {
            body["passcode"] = code.into();
        }
        let r = http
            .post(&p.url)
            .json(&body)
            .send()
            .await
            .map_err(unreachable)?;
        let manifest: serde_json::Value = serde_json::from_str(&answered(r).await?)
            .map_err(|e| DeskError::Shl(Words::new("desk-shl-manifest").with("cause", e)))?;
        let list = manifest["files"]
            .as_array()
            .ok_or_else(|| DeskError::Shl(Words::new("desk-shl-no-files")))?;
        for f in list {
            let ctype = f["contentType"]
                .as_str()
                .unwrap_or(shl::FHIR_JSON)
                .to_string();
            let jwe = match (f["embedded"].as_str(), f["location"].as_str()) {
                (Some(e), _) => e.to_string(),
                (None, Some(loc)) => {
                    crate::client::check_url(loc)?;
                    let r = http.get(loc).send().await.map_err(unreachable)?;
                    answered(r).await?
                }
                _ => return Err(DeskError::Shl(Words::new("desk-shl-empty-file"))),
            };
            files.push(decrypt(&p.key, &ctype, &jwe)?);
        }
    }
    Ok(Opened {
        label: p.label,
        exp: p.exp,
        flag: p.flag,
        files,
    })
}

/// The most a manifest or a file of a link may hold: a visit's record (at
/// most 4 MiB at the gateway) encrypted and encoded, with room to spare.
const MAX_SHL_ANSWER: usize = 16 * 1024 * 1024;

/// The body of a good answer; the server's words for a refusal.
async fn answered(r: reqwest::Response) -> Result<String> {
    let status = r.status();
    let text = match crate::client::read_limited(r, MAX_SHL_ANSWER).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(crate::client::Limited::Transport(e)) => {
            return Err(DeskError::Shl(
                Words::new("desk-shl-unreadable").with("cause", e),
            ))
        }
        Err(crate::client::Limited::TooLarge) => {
            return Err(DeskError::Shl(
                Words::new("desk-shl-too-large").with("mib", MAX_SHL_ANSWER >> 20),
            ))
        }
    };
    match status.as_u16() {
        200 => Ok(text),
        401 => Err(DeskError::Shl(
            Words::new("desk-shl-passcode-refused").with("cause", text),
        )),
        404 => Err(DeskError::Shl(Words::new("desk-shl-gone"))),
        s => Err(DeskError::Shl(
            Words::new("desk-shl-http")
                .with("status", s)
                .with("cause", text),
        )),
    }
}

fn decrypt(key: &str, content_type: &str, jwe: &str) -> Result<OpenedFile> {
    let (plain, cty) = shl::decrypt(key, jwe).map_err(shl_cause)?;
    let content = serde_json::from_slice(&plain).unwrap_or_else(|_| {
        serde_json::Value::String(String::from_utf8_lossy(&plain).into_owned())
    });
    Ok(OpenedFile {
        content_type: cty.unwrap_or_else(|| content_type.to_string()),
        content,
    })
}

/// A link or its content refused by the protocol's reader, in its words.
fn shl_cause(e: impl std::fmt::Display) -> DeskError {
    DeskError::Shl(Words::new("desk-shl").with("cause", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passcodes_are_six_digits() {
        for _ in 0..50 {
            let p = new_passcode().unwrap();
            assert_eq!(p.len(), 6);
            assert!(p.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn settings_words_are_checked() {
        assert_eq!(parse_barcode("QR").unwrap(), Barcode::Qr);
        assert!(parse_barcode("ean13").is_err());
        assert_eq!(ShlMode::parse("passcode").unwrap(), ShlMode::Passcode);
        assert!(ShlMode::parse("maybe").is_err());
    }
}
