//! Secrets at rest (token secrets, the SMTP password): sealed with
//! `razcode-vault` under `desk.key` in the data folder.

use crate::store::Store;
use std::path::Path;

pub use razcode_vault::{Place, Rebound, Vault, VaultError as SecretError};

/// Where each sealed value lives (its column; the row key is the secret's
/// name or the staging's id): bound there, a value copied into another row
/// does not open.
pub const SECRET: &str = "secrets.sealed";
pub const SHL: &str = "stagings.shl_sealed";
pub const SHL_PASSCODE: &str = "stagings.shl_passcode_sealed";
pub const RESERVED_ID: &str = "reserved_codes.raz_id_sealed";
pub const RESERVED_URI: &str = "reserved_codes.raz_uri_sealed";
pub const RESERVED_SHL: &str = "reserved_codes.shl_url_sealed";
pub const REISSUE_EMAIL: &str = "stagings.reissue_email_sealed";
pub const REISSUE_NOTE: &str = "stagings.reissue_note_sealed";

pub const KEY_FILE: &str = "desk.key";

/// The desk's vault: `desk.key` in the data folder, created on first use.
pub fn open(dir: &Path) -> Result<Vault, SecretError> {
    Vault::open(&dir.join(KEY_FILE))
}

/// Converts the values sealed before places were bound, once per data
/// folder (the store's `sealed_bound` mark, set in the same transaction).
pub fn bind_sealed(store: &Store, vault: &Vault) -> crate::Result<()> {
    store.rebind_sealed(|column, row, sealed| {
        Ok(match vault.rebind(Place::new(column, row), sealed)? {
            Rebound::Kept => None,
            Rebound::Sealed(bound) => Some(bound),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{keys, Desk};

    fn sql(dir: &Path, statement: &str, value: Option<Vec<u8>>) {
        let c = rusqlite::Connection::open(dir.join("desk.db")).unwrap();
        c.execute(statement, rusqlite::params_from_iter(value))
            .unwrap();
    }

    /// A secret copied into another secret's row does not open there.
    #[test]
    fn a_secret_moved_to_another_row_does_not_open() {
        let dir = tempfile::tempdir().unwrap();
        let desk = Desk::open(dir.path()).unwrap();
        desk.set_secret(keys::CONSUMER_SECRET, "consumer").unwrap();
        desk.set_secret(keys::SMTP_PASSWORD, "smtp").unwrap();
        drop(desk);
        sql(
            dir.path(),
            "UPDATE secrets SET sealed = (SELECT sealed FROM secrets WHERE name = 'smtp_password') WHERE name = 'consumer_secret'",
            None,
        );
        let desk = Desk::open(dir.path()).unwrap();
        assert_eq!(
            desk.secret(keys::SMTP_PASSWORD).unwrap().as_deref(),
            Some("smtp")
        );
        let e = desk.secret(keys::CONSUMER_SECRET).unwrap_err().to_string();
        assert!(e.contains("cannot be decrypted"), "{e}");
    }

    /// A data folder whose secrets and links were sealed before places were
    /// bound opens with each converted, once; an unbound value put in
    /// afterwards is refused.
    #[test]
    fn secrets_sealed_before_places_were_bound_are_converted() {
        let dir = tempfile::tempdir().unwrap();
        let desk = Desk::open(dir.path()).unwrap();
        let vault = open(dir.path()).unwrap();
        drop(desk);
        let old = |plain: &str| Some(vault.seal_unbound(plain).unwrap());
        sql(
            dir.path(),
            "INSERT INTO secrets(name, sealed) VALUES ('consumer_secret', ?1)",
            old("consumer"),
        );
        sql(
            dir.path(),
            "INSERT INTO secrets(name, sealed) VALUES ('smtp_password', ?1)",
            old("smtp"),
        );
        sql(
            dir.path(),
            "DELETE FROM settings WHERE name = 'sealed_bound'",
            None,
        );
        let desk = Desk::open(dir.path()).unwrap();
        assert_eq!(
            desk.secret(keys::CONSUMER_SECRET).unwrap().as_deref(),
            Some("consumer")
        );
        assert_eq!(
            desk.secret(keys::SMTP_PASSWORD).unwrap().as_deref(),
            Some("smtp")
        );
        drop(desk);
        let sealed: Vec<Vec<u8>> = rusqlite::Connection::open(dir.path().join("desk.db"))
            .unwrap()
            .prepare("SELECT sealed FROM secrets")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(sealed.len(), 2);
        assert!(sealed.iter().all(|s| s.starts_with(b"RZp1")));

        sql(
            dir.path(),
            "UPDATE secrets SET sealed = ?1 WHERE name = 'smtp_password'",
            old("planted"),
        );
        let desk = Desk::open(dir.path()).unwrap();
        let e = desk.secret(keys::SMTP_PASSWORD).unwrap_err().to_string();
        assert!(e.contains("not bound"), "{e}");
    }
}
