//! The front desk's core, shared by the `razdesk` CLI and the desktop shell:
//! settings, activation and patient links (OAuth 1.0a consumer), encounter
//! import, staging with an outbox that never stages an encounter twice, and
//! barcodes. Nothing here draws a window.

pub mod about;
pub mod accesses;
pub mod activation;
pub mod barcode;
pub mod checkout;
pub mod client;
pub mod clock;
pub mod drop_folder;
pub mod error;
pub mod ids;
pub mod import;
pub mod keys;
pub mod languages;
pub mod lifecycle;
pub mod links;
pub mod new_code_requests;
pub mod offline;
mod offline_link;
pub mod outbox;
pub mod private_folder;
pub mod receipt;
pub mod receipt_desk;
pub mod reports;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod screens;
pub mod secret;
pub mod settings_form;
pub mod staging;
pub mod store;
pub mod views;
pub mod words;

pub use error::{DeskError, Item, Missing, Result};
pub use words::Words;

use client::{check_url, Client, Credentials};
use clock::unix_now;
use secret::Vault;
use serde::Serialize;
use std::path::{Path, PathBuf};
use store::Store;

/// The desk's data folder: `desk.db`, `desk.key`, `barcodes/`.
pub struct Desk {
    pub dir: PathBuf,
    /// The core's alone: the shells ask the desk, never the tables.
    pub(crate) store: Store,
    vault: Vault,
    /// Built on first use, once: a desk that never talks to a gateway never
    /// builds one.
    http: std::sync::OnceLock<reqwest::Client>,
}

/// What `razdesk setup` takes.
#[derive(Debug, Clone)]
pub struct Setup {
    pub api_base: String,
    pub platform_base: Option<String>,
    pub healthjibe_base: Option<String>,
    pub consumer_key: String,
    pub consumer_secret: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    pub api_base: String,
    pub platform_base: String,
    pub healthjibe_base: String,
    pub consumer_key: String,
    /// Where the key that seals secrets lives.
    pub secrets: String,
    pub activated: bool,
    pub organization: Option<String>,
    /// Set up on the embedded sandbox gateway (it starts with the app).
    pub sandbox: bool,
}

/// The data folder when none is named: `RAZDESK_DATA_DIR`, else the user's
/// local (never roaming) application data: `%LOCALAPPDATA%\RAZCODE Desk` on
/// Windows (a domain profile copies the roaming one between PCs, and the key
/// and database belong on this one), `$XDG_DATA_HOME/razcode-desk` or
/// `~/.local/share/razcode-desk` elsewhere. The CLI and the app share it, so
/// they see one desk.
pub fn default_data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("RAZDESK_DATA_DIR") {
        return PathBuf::from(d);
    }
    let name = if cfg!(windows) {
        "RAZCODE Desk"
    } else {
        "razcode-desk"
    };
    match dirs::data_local_dir() {
        Some(d) => d.join(name),
        None => PathBuf::from(name),
    }
}

fn trim_base(url: &str) -> String {
    url.trim().trim_end_matches('/').to_string()
}

impl Desk {
    /// Opens (or creates) a data folder.
    pub fn open(dir: &Path) -> Result<Desk> {
        std::fs::create_dir_all(dir).map_err(DeskError::io_at("desk-io-folder", dir.display()))?;
        // A folder that cannot be made private (a share, a FAT drive) still
        // opens: the key file is refused on its own if others can read it.
        if let Err(e) = private_folder::make_private(dir) {
            tracing::warn!(error = %e, "the data folder could not be made private");
        }
        let store = Store::open(&dir.join("desk.db"))?;
        let vault = secret::open(dir)?;
        secret::bind_sealed(&store, &vault)?;
        Ok(Desk {
            dir: dir.to_path_buf(),
            store,
            vault,
            http: std::sync::OnceLock::new(),
        })
    }

    pub fn now(&self) -> i64 {
        unix_now()
    }

    pub fn audit(&self, action: &str, detail: &str) {
        let now = self.now();
        if let Err(e) = self.store.relaxed(|s| s.audit(now, action, detail)) {
            tracing::warn!(error = %e, "audit entry not written");
        }
    }

    pub fn setup(&self, s: &Setup) -> Result<Settings> {
        let api = trim_base(&s.api_base);
        let platform = s
            .platform_base
            .as_deref()
            .map(trim_base)
            .unwrap_or_else(|| api.clone());
        let healthjibe = s
            .healthjibe_base
            .as_deref()
            .map(trim_base)
            .unwrap_or_else(|| api.clone());
        for url in [&api, &platform, &healthjibe] {
            check_url(url)?;
        }
        if s.consumer_key.trim().is_empty() || s.consumer_secret.is_empty() {
            return Err(DeskError::Input(Words::new("desk-credentials-missing")));
        }
        let previous_key = self.store.setting(keys::CONSUMER_KEY)?;
        let previous_api = self.store.setting(keys::API_BASE)?;
        self.store.set_setting(keys::API_BASE, &api)?;
        self.store.set_setting(keys::PLATFORM_BASE, &platform)?;
        self.store.set_setting(keys::HEALTHJIBE_BASE, &healthjibe)?;
        self.store
            .set_setting(keys::CONSUMER_KEY, s.consumer_key.trim())?;
        self.set_secret(keys::CONSUMER_SECRET, &s.consumer_secret)?;
        // A new gateway or consumer makes the old activation meaningless.
        if previous_key.as_deref() != Some(s.consumer_key.trim())
            || previous_api.as_deref() != Some(api.as_str())
        {
            self.store.set_setting(keys::PRACTICE_TOKEN, "")?;
            self.store.set_setting(keys::ORGANIZATION, "")?;
            self.store.set_setting(keys::CLOCK_OFFSET, "0")?;
        }
        if self.store.setting(keys::INSTALL_ID)?.is_none() {
            self.store
                .set_setting(keys::INSTALL_ID, &crate::ids::random_hex(16)?)?;
        }
        self.store.set_setting(keys::MODE, "gateway")?;
        self.audit("setup", &format!("gateway {api}"));
        self.settings()
    }

    pub fn settings(&self) -> Result<Settings> {
        let get = |k: &str| -> Result<String> {
            self.store
                .setting(k)?
                .filter(|v| !v.is_empty())
                .ok_or_else(|| DeskError::NotSetUp(Missing::Gateway))
        };
        let token = self
            .store
            .setting(keys::PRACTICE_TOKEN)?
            .unwrap_or_default();
        Ok(Settings {
            api_base: get(keys::API_BASE)?,
            platform_base: get(keys::PLATFORM_BASE)?,
            healthjibe_base: get(keys::HEALTHJIBE_BASE)?,
            consumer_key: get(keys::CONSUMER_KEY)?,
            secrets: format!(
                "sealed with the key file {} (readable only by this user)",
                self.vault.key_path.display()
            ),
            activated: !token.is_empty(),
            organization: self
                .store
                .setting(keys::ORGANIZATION)?
                .filter(|o| !o.is_empty()),
            sandbox: self.store.setting(keys::MODE)?.as_deref() == Some("sandbox"),
        })
    }

    fn client(&self) -> Result<Client> {
        let settings = self.settings()?;
        let secret = self
            .secret(keys::CONSUMER_SECRET)?
            .ok_or_else(|| DeskError::NotSetUp(Missing::ConsumerSecret))?;
        let offset = self
            .store
            .setting(keys::CLOCK_OFFSET)?
            .and_then(|o| o.parse().ok())
            .unwrap_or(0);
        let http = match self.http.get() {
            Some(h) => h.clone(),
            None => {
                let tls = [
                    &settings.api_base,
                    &settings.platform_base,
                    &settings.healthjibe_base,
                ]
                .iter()
                .any(|u| u.trim().to_ascii_lowercase().starts_with("https:"));
                let h = client::http_client(tls)?;
                self.http.get_or_init(|| h).clone()
            }
        };
        Ok(Client::new(
            Credentials {
                key: settings.consumer_key,
                secret,
            },
            offset,
            http,
        ))
    }

    /// Seals `plain` for its place: `column` (one of [`secret`]'s) of the row `row`.
    pub(crate) fn seal(&self, column: &str, row: &str, plain: &str) -> Result<Vec<u8>> {
        Ok(self.vault.seal_at(secret::Place::new(column, row), plain)?)
    }

    pub(crate) fn unseal(&self, column: &str, row: &str, sealed: &[u8]) -> Result<String> {
        Ok(self
            .vault
            .open_at(secret::Place::new(column, row), sealed)?)
    }

    /// Keeps the secret `name` (a [`keys`] name) sealed.
    pub(crate) fn set_secret(&self, name: &str, plain: &str) -> Result<()> {
        Ok(self
            .store
            .set_sealed(name, &self.seal(secret::SECRET, name, plain)?)?)
    }

    /// The secret `name`, unsealed, when it was set.
    pub(crate) fn secret(&self, name: &str) -> Result<Option<String>> {
        self.store
            .sealed(name)?
            .map(|s| self.unseal(secret::SECRET, name, &s))
            .transpose()
    }

    /// Whether the secret `name` is set (without unsealing it).
    pub fn has_secret(&self, name: &str) -> Result<bool> {
        Ok(self.store.sealed(name)?.is_some())
    }

    fn remember_offset(&self, client: &Client) -> Result<()> {
        let offset = client.clock_offset.to_string();
        if self.store.setting(keys::CLOCK_OFFSET)?.as_deref() != Some(offset.as_str()) {
            self.store
                .relaxed(|s| s.set_setting(keys::CLOCK_OFFSET, &offset))?;
        }
        Ok(())
    }

    /// The practice's token credentials.
    fn practice_token(&self) -> Result<(String, String)> {
        let token = self
            .store
            .setting(keys::PRACTICE_TOKEN)?
            .filter(|t| !t.is_empty())
            .ok_or_else(|| DeskError::NotSetUp(Missing::Activation))?;
        let secret = self
            .secret(keys::PRACTICE_TOKEN_SECRET)?
            .ok_or_else(|| DeskError::NotSetUp(Missing::TokenSecret))?;
        Ok((token, secret))
    }

    /// The consumer's and the practice's credentials, unsealed: for a bench
    /// that compares another OAuth client signing as this desk. Nothing in
    /// the CLI or the app shows them.
    #[doc(hidden)]
    pub fn signing_credentials(&self) -> Result<[String; 4]> {
        let settings = self.settings()?;
        let secret = self
            .secret(keys::CONSUMER_SECRET)?
            .ok_or_else(|| DeskError::NotSetUp(Missing::ConsumerSecret))?;
        let (token, token_secret) = self.practice_token()?;
        Ok([settings.consumer_key, secret, token, token_secret])
    }

    /// The encounters, newest first; with `search`, those whose patient,
    /// MRN, date or summary holds it.
    pub fn encounters(&self, search: Option<&str>) -> Result<Vec<store::Encounter>> {
        Ok(self.store.encounters(search)?)
    }

    /// An encounter by ID, or `NotFound`.
    pub fn encounter(&self, id: i64) -> Result<store::Encounter> {
        self.store
            .encounter(id)?
            .ok_or_else(|| DeskError::NotFound(Item::Encounter(id)))
    }

    /// A staging by ID, or `NotFound`.
    pub fn staging(&self, id: i64) -> Result<store::Staging> {
        self.store
            .staging(id)?
            .ok_or_else(|| DeskError::NotFound(Item::Staging(id)))
    }

    pub fn stage_url(&self, barcode: links::Barcode) -> Result<String> {
        let s = self.settings()?;
        Ok(format!("{}{}", s.api_base, barcode.stage_path()))
    }
}
