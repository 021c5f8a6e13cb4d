//! The settings screen's form, applied: what staff typed is parsed here (the
//! edge), then set through the typed setters. Empty fields keep what is set.

use crate::error::{DeskError, Result};
use crate::links::{parse_barcode, ShlMode};
use crate::receipt::email::{Security, Smtp};
use crate::receipt_desk::{parse_format, Clinic};
use crate::words::Words;
use crate::Desk;
use base64::Engine;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub clinic_name: Option<String>,
    pub clinic_address: Option<String>,
    pub clinic_phone: Option<String>,
    /// A logo picked in the UI: its bytes in base64.
    pub logo_data: Option<String>,
    pub printer: Option<String>,
    pub receipt_format: Option<String>,
    /// `qr` or `tag`.
    pub barcode: Option<String>,
    /// SMART Health Links on receipts: `off`, `on` or `passcode`.
    pub shl: Option<String>,
    pub watch_folder: Option<String>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    pub smtp_security: Option<String>,
    pub smtp_user: Option<String>,
    /// Empty keeps the password already stored.
    pub smtp_password: Option<String>,
    pub smtp_from: Option<String>,
    /// The clinic's CA certificate (a PEM file); empty trusts the system's roots.
    pub smtp_ca_file: Option<String>,
    /// The app's own language (`en`, `es`).
    pub app_language: Option<String>,
    /// Receipts' and emails' language when the patient has none.
    pub clinic_language: Option<String>,
}

/// A field left empty is a field not given.
pub fn blank_none(s: Option<String>) -> Option<String> {
    s.filter(|v| !v.trim().is_empty())
}

/// A file the UI read arrives in base64.
pub fn from_base64(what: &str, data: &str) -> Result<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(data.as_bytes())
        .map_err(|e| {
            DeskError::Input(
                Words::new("desk-file-unreadable")
                    .with("name", what)
                    .with("cause", e),
            )
        })
}

impl Desk {
    pub fn save_settings(&self, form: SettingsForm) -> Result<()> {
        let logo = match form.logo_data.as_deref().filter(|d| !d.is_empty()) {
            Some(data) => Some(from_base64("logo", data)?),
            None => None,
        };
        let format = blank_none(form.receipt_format)
            .map(|f| parse_format(&f))
            .transpose()?;
        let barcode = blank_none(form.barcode)
            .map(|b| parse_barcode(&b))
            .transpose()?;
        let shl = blank_none(form.shl)
            .map(|s| ShlMode::parse(&s))
            .transpose()?;
        let app_language = blank_none(form.app_language)
            .map(|t| crate::languages::parse(&t))
            .transpose()?;
        let clinic_language = blank_none(form.clinic_language)
            .map(|t| crate::languages::parse(&t))
            .transpose()?;
        self.set_clinic(&Clinic {
            name: form.clinic_name,
            address: form.clinic_address,
            phone: form.clinic_phone,
            logo: None,
        })?;
        if let Some(bytes) = logo {
            self.set_logo(&bytes)?;
        }
        self.set_receipt_prefs(form.printer.as_deref(), format)?;
        self.set_code_prefs(barcode, shl)?;
        if let Some(lang) = app_language {
            self.set_app_language(lang)?;
        }
        if let Some(lang) = clinic_language {
            self.set_clinic_language(lang)?;
        }
        if let Some(w) = &form.watch_folder {
            self.set_watch_folder(w)?;
        }
        if let Some(host) = blank_none(form.smtp_host) {
            let security = match blank_none(form.smtp_security) {
                Some(s) => Security::parse(&s)?,
                None => Security::default(),
            };
            self.set_smtp(&Smtp {
                host: host.trim().to_string(),
                port: form.smtp_port.unwrap_or(Smtp::DEFAULT_PORT),
                security,
                user: blank_none(form.smtp_user),
                password: blank_none(form.smtp_password),
                from: form.smtp_from.unwrap_or_default(),
                ca_file: blank_none(form.smtp_ca_file).map(|f| f.trim().to_string()),
            })?;
        }
        Ok(())
    }
}
