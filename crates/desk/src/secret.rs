//! Secrets at rest (token secrets, the SMTP password): sealed with
//! `razcode-vault` under `desk.key` in the data folder.

use std::path::Path;

pub use razcode_vault::{Vault, VaultError as SecretError};

pub const KEY_FILE: &str = "desk.key";

/// The desk's vault: `desk.key` in the data folder, created on first use.
pub fn open(dir: &Path) -> Result<Vault, SecretError> {
    Vault::open(&dir.join(KEY_FILE))
}
