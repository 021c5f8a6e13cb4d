//! What the shells show, as types: each Tauri command returns one of these,
//! and `razdesk --json` prints the same one with `"ok"` beside its keys. The
//! keys are an interface other tools read: add, never rename.

use crate::about::About;
use crate::import::Imported;
use crate::languages::Language;
use crate::links::CodePrefs;
use crate::receipt::email::Smtp;
use crate::receipt_desk::Clinic;
use crate::reports::{HistoryEntry, Refreshed};
use crate::store::{Delivery, Encounter, Staging};
use crate::{Desk, DeskError, Result, Settings};
use serde::Serialize;
use std::path::PathBuf;

/// The gateway as set up (`setup`, `use_sandbox`).
#[derive(Debug, Serialize)]
pub struct SetUp {
    pub settings: Settings,
}

#[derive(Debug, Serialize)]
pub struct Activated {
    pub organization: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Linked {
    pub mrn: String,
    pub linked: bool,
}

/// A print job as the spooler named it.
#[derive(Debug, Serialize)]
pub struct Printing {
    pub job: String,
}

#[derive(Debug, Serialize)]
pub struct Emailed {
    pub to: String,
}

/// A receipt saved to a file.
#[derive(Debug, Serialize)]
pub struct SavedReceipt {
    pub file: PathBuf,
    pub format: &'static str,
    /// The PDF's size (the CLI's `receipt`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<usize>,
}

/// The language a staging's (or a patient's) receipts speak.
#[derive(Debug, Serialize)]
pub struct Speaks {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mrn: Option<String>,
    pub language: Language,
}

/// One file's import: what it became, or why it did not.
#[derive(Debug, Clone, Serialize)]
pub struct FileImport {
    pub file: String,
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encounter: Option<Encounter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl FileImport {
    /// `error` in the reader's language (the app's).
    pub fn new(file: &str, r: std::result::Result<Imported, impl std::fmt::Display>) -> FileImport {
        match r {
            Ok(i) => FileImport {
                file: file.to_string(),
                ok: true,
                new: Some(i.new),
                encounter: Some(i.encounter),
                error: None,
            },
            Err(e) => FileImport {
                file: file.to_string(),
                ok: false,
                new: None,
                encounter: None,
                error: Some(e.to_string()),
            },
        }
    }
}

/// `razdesk import`.
#[derive(Debug, Serialize)]
pub struct Imports {
    pub imported: Vec<Imported>,
}

#[derive(Debug, Serialize)]
pub struct Encounters {
    pub encounters: Vec<Encounter>,
}

#[derive(Debug, Serialize)]
pub struct Printers {
    pub printers: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct AboutBox {
    pub about: About,
}

/// `razdesk reserve`: the pool of codes for receipts printed offline.
#[derive(Debug, Serialize)]
pub struct OfflineCodes {
    pub offline_codes: crate::offline::Pool,
}

/// `razdesk history`: each code, every delivery, and the refresh if asked.
#[derive(Debug, Serialize)]
pub struct History {
    pub history: Vec<HistoryEntry>,
    pub deliveries: Vec<Delivery>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh: Option<Refreshed>,
}

/// A code withdrawn (`razdesk void`).
#[derive(Debug, Serialize)]
pub struct Voided {
    pub staging_id: i64,
    pub raz_id: Option<String>,
    pub state: Option<&'static str>,
    pub voided_at: Option<String>,
    pub claimed_at: Option<String>,
}

impl From<&Staging> for Voided {
    fn from(s: &Staging) -> Voided {
        Voided {
            staging_id: s.id,
            raz_id: s.raz_id.clone(),
            state: s.code_state.map(|c| c.as_str()),
            voided_at: s.voided_at.clone(),
            claimed_at: s.claimed_at.clone(),
        }
    }
}

/// The receipt settings as `razdesk clinic` leaves them.
#[derive(Debug, Serialize)]
pub struct ClinicPrefs {
    pub clinic: Clinic,
    pub receipt_format: &'static str,
    #[serde(flatten)]
    pub code: CodePrefs,
}

#[derive(Debug, Serialize)]
pub struct SmtpSet {
    pub smtp: Smtp,
}

/// The settings screen saved.
#[derive(Debug, Serialize)]
pub struct Saved {
    pub saved: bool,
}

/// Where the app stands when it starts: set up or not, on the sandbox, activated.
#[derive(Debug, Serialize)]
pub struct AppState {
    pub configured: bool,
    pub settings: Option<Settings>,
    pub sandbox_running: bool,
    pub start_on_sandbox: bool,
    pub clinic: Clinic,
    pub data_dir: String,
    pub outbox: usize,
    pub version: &'static str,
    pub app_language: Language,
    /// Codes ready for receipts printed offline (none before setup).
    pub offline_codes: Option<crate::offline::Pool>,
    /// v1.2: patients' requests for a new code that wait.
    pub new_code_requests: usize,
}

/// Everything the settings screen shows; secrets never leave the core, only
/// whether one is set.
#[derive(Debug, Serialize)]
pub struct SettingsScreen {
    pub settings: Option<Settings>,
    pub clinic: Clinic,
    pub smtp: Option<Smtp>,
    pub smtp_password_set: bool,
    pub printer: String,
    pub receipt_format: &'static str,
    pub code_prefs: CodePrefs,
    pub watch_folder: Option<PathBuf>,
    pub printers: Vec<String>,
    pub app_language: Language,
    pub clinic_language: Language,
}

impl Desk {
    /// The app's start: `sandbox_running` and `start_on_sandbox` are the shell's to say.
    pub fn app_state(&self, sandbox_running: bool, start_on_sandbox: bool) -> Result<AppState> {
        let settings = match self.settings() {
            Ok(s) => Some(s),
            Err(DeskError::NotSetUp(_)) => None,
            Err(e) => return Err(e),
        };
        let offline_codes = match settings {
            Some(_) => Some(self.pool()?),
            None => None,
        };
        Ok(AppState {
            configured: settings.is_some(),
            settings,
            sandbox_running,
            start_on_sandbox,
            clinic: self.clinic()?,
            data_dir: self.dir.display().to_string(),
            outbox: self.waiting_count()?,
            version: env!("CARGO_PKG_VERSION"),
            app_language: self.app_language()?,
            offline_codes,
            new_code_requests: self.store.open_requests()?.len(),
        })
    }

    pub fn settings_screen(&self) -> Result<SettingsScreen> {
        Ok(SettingsScreen {
            settings: self.settings().ok(),
            clinic: self.clinic()?,
            smtp: self.smtp().ok(),
            smtp_password_set: self.has_secret(crate::keys::SMTP_PASSWORD)?,
            printer: self.printer()?.unwrap_or_default(),
            receipt_format: self.receipt_format()?.name(),
            code_prefs: self.code_prefs()?,
            watch_folder: self.watch_folder()?,
            printers: crate::receipt::print::printers().unwrap_or_default(),
            app_language: self.app_language()?,
            clinic_language: self.clinic_language()?,
        })
    }
}
