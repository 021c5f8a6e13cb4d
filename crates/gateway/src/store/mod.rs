//! The gateway's SQLite database (WAL, migrations by `user_version`).
//!
//! General operations share one connection behind a mutex and are called from
//! blocking tasks. Stages go through [`writer::StageWriter`], which commits them in
//! groups so that every `ACK=Success` follows a durable commit without one fsync
//! per request.

mod accounts;
pub mod checkpoint;
mod codes;
mod credentials;
mod payments;
pub mod shl;
pub use shl::ShlLink;
pub mod prune;
pub mod writer;

pub use accounts::normalize_email;
pub use payments::{OrgPayment, PaymentRecorded};

use crate::crypto;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use razcode_vault::Vault;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("the database at {path} was written by a newer gateway (schema {found}, this one knows {known})")]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("an account with the email {email} already exists")]
    EmailTaken { email: String },
    #[error("this approval request was already answered")]
    AlreadyAnswered,
    #[error("these temporary credentials were not approved")]
    NotApproved,
    #[error("these temporary credentials were already exchanged")]
    AlreadyExchanged,
    #[error("the sealed server key is damaged")]
    ServerKeyDamaged,
    #[error("cannot start the {what} thread: {source}")]
    Thread {
        what: &'static str,
        source: std::io::Error,
    },
    #[error("a database task failed: {0}")]
    TaskFailed(String),
    #[error("a password could not be hashed: {0}")]
    PasswordHash(String),
    #[error(transparent)]
    Vault(#[from] razcode_vault::VaultError),
    #[error("cannot set up {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

const MIGRATIONS: &[&str] = &[
    include_str!("schema.sql"),
    include_str!("schema2.sql"),
    include_str!("schema3.sql"),
    include_str!("schema4.sql"),
    include_str!("schema5.sql"),
    include_str!("schema6.sql"),
    include_str!("schema7.sql"),
];

/// Opens a connection with the settings every connection of the gateway uses.
pub fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(StoreError::TooNew {
            path: path.display().to_string(),
            found: version,
            known,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

/// The key file that seals a database's secrets: `<database>.key` beside it.
pub fn key_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

/// Tables whose `secret` column holds an OAuth secret.
const SECRET_TABLES: [&str; 3] = ["consumers", "temp_tokens", "access_tokens"];

/// Seals the secrets that earlier gateways kept as text (sealed ones are
/// blobs), in one transaction.
fn seal_plain_secrets(conn: &mut Connection, vault: &Vault) -> Result<()> {
    let tx = conn.transaction()?;
    for table in SECRET_TABLES {
        let plain: Vec<(i64, String)> = tx
            .prepare(&format!(
                "SELECT rowid, secret FROM {table} WHERE typeof(secret) = 'text'"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut update = tx.prepare(&format!("UPDATE {table} SET secret = ?2 WHERE rowid = ?1"))?;
        for (rowid, secret) in plain {
            update.execute(params![rowid, vault.seal(&secret)?])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Seals the records that earlier gateways kept in clear, in one transaction.
fn seal_plain_records(conn: &mut Connection, vault: &Vault) -> Result<()> {
    let tx = conn.transaction()?;
    let plain: Vec<(String, Vec<u8>)> = tx
        .prepare("SELECT raz_id, her FROM stages WHERE her_sealed = 0 AND length(her) > 0")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = tx.prepare("UPDATE stages SET her = ?2, her_sealed = 1 WHERE raz_id = ?1")?;
    for (raz_id, her) in plain {
        update.execute(params![raz_id, vault.seal(&String::from_utf8_lossy(&her))?])?;
    }
    drop(update);
    tx.commit()?;
    Ok(())
}

/// The database and its WAL and shared-memory files are the gateway's user's
/// alone (mode 0600); SQLite gives the WAL the database file's mode.
fn owner_only(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        // Created here only when missing: opening and closing another handle
        // on a database this process has open would drop SQLite's POSIX locks.
        if !path.exists() {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .map_err(|e| StoreError::Io {
                    path: path.display().to_string(),
                    source: e,
                })?;
        }
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let file = PathBuf::from(name);
            if file.exists() {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).map_err(
                    |e| StoreError::Io {
                        path: file.display().to_string(),
                        source: e,
                    },
                )?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Refuses to start with a key file that does not open this database's
/// secrets (a database restored without its key, say), rather than failing
/// every signed request later.
fn check_key(conn: &Connection, vault: &Vault) -> Result<()> {
    for table in SECRET_TABLES {
        let sealed: Option<Vec<u8>> = conn
            .query_row(&format!("SELECT secret FROM {table} LIMIT 1"), [], |r| {
                r.get(0)
            })
            .optional()?;
        if let Some(sealed) = sealed {
            vault.open_sealed(&sealed)?;
            return Ok(());
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    Org,
    Patient,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Org => "org",
            AccountKind::Patient => "patient",
        }
    }
    fn parse(s: &str) -> AccountKind {
        if s == "org" {
            AccountKind::Org
        } else {
            AccountKind::Patient
        }
    }
}

#[derive(Debug, Clone)]
pub struct Consumer {
    pub id: i64,
    pub key: String,
    pub secret: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub kind: AccountKind,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub failed_logins: i64,
    pub locked_until: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TempState {
    Pending,
    Approved,
    Denied,
    Exchanged,
}

#[derive(Debug, Clone)]
pub struct TempToken {
    pub token: String,
    pub secret: String,
    pub consumer_id: i64,
    pub callback: String,
    pub created: i64,
    pub state: TempState,
    pub kind: Option<AccountKind>,
    pub account_id: Option<i64>,
    pub verifier: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AccessToken {
    pub token: String,
    pub secret: String,
    pub consumer_id: i64,
    pub kind: AccountKind,
    pub account_id: i64,
}

#[derive(Debug, Clone)]
pub struct Stage {
    pub raz_id: String,
    pub consumer_id: i64,
    pub org_account_id: i64,
    pub user_account_id: Option<i64>,
    pub her: Vec<u8>,
    pub her_kind: String,
    pub pmt: Option<String>,
    pub created: i64,
    pub expires: i64,
    pub claimed_by: Option<i64>,
    pub claimed_at: Option<i64>,
    pub voided_at: Option<i64>,
    pub void_reason: Option<String>,
    /// When the payment portal said the bill was paid.
    pub paid_at: Option<i64>,
}

impl Stage {
    /// Where the code stands at `now`.
    pub fn state(&self, now: i64) -> razcode_protocol::CodeState {
        use razcode_protocol::CodeState;
        if self.voided_at.is_some() {
            CodeState::Voided
        } else if self.claimed_at.is_some() {
            CodeState::Claimed
        } else if now > self.expires {
            CodeState::Expired
        } else {
            CodeState::Issued
        }
    }
}

pub struct Store {
    path: PathBuf,
    conn: Mutex<Connection>,
    /// Seals the OAuth secrets (consumers', temporary and token credentials')
    /// and the server key.
    vault: Vault,
}

impl Store {
    /// Opens (or creates) the database and its key file, `<path>.key`.
    pub fn open(path: &Path) -> Result<Store> {
        let vault = Vault::open(&key_path(path))?;
        owner_only(path)?;
        let mut conn = connect(path)?;
        migrate(&mut conn, path)?;
        seal_plain_secrets(&mut conn, &vault)?;
        seal_plain_records(&mut conn, &vault)?;
        check_key(&conn, &vault)?;
        Ok(Store {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
            vault,
        })
    }

    pub(crate) fn seal(&self, secret: &str) -> Result<Vec<u8>> {
        Ok(self.vault.seal(secret)?)
    }

    /// A record sealed for the stages table (the stage writer stores it as it is).
    pub fn seal_record(&self, her: &str) -> Result<Vec<u8>> {
        self.seal(her)
    }

    /// One row with a sealed `secret` in column `secret_col`: `map` reads the
    /// rest, and the secret, opened once the connection is free again, is put
    /// in by `with_secret`.
    pub(crate) fn query_sealed<T>(
        &self,
        sql: &str,
        p: impl rusqlite::Params,
        secret_col: usize,
        map: impl FnOnce(&rusqlite::Row) -> rusqlite::Result<T>,
        with_secret: impl FnOnce(T, String) -> T,
    ) -> Result<Option<T>> {
        let found = self.with(|c| {
            Ok(
                c.query_row(sql, p, |r| Ok((map(r)?, r.get::<_, Vec<u8>>(secret_col)?)))
                    .optional()?,
            )
        })?;
        found
            .map(|(row, sealed)| Ok(with_secret(row, self.vault.open_sealed(&sealed)?)))
            .transpose()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut conn)
    }

    /// The server's 32-byte secret (CSRF tokens), made on first use.
    pub fn server_key(&self) -> Result<Vec<u8>> {
        let setting = |c: &Connection, name: &str| -> Result<Option<Vec<u8>>> {
            Ok(c.query_row(
                "SELECT value FROM settings WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()?)
        };
        self.with(|c| {
            if let Some(sealed) = setting(c, "server_key_sealed")? {
                return BASE64
                    .decode(self.vault.open_sealed(&sealed)?)
                    .map_err(|_| StoreError::ServerKeyDamaged);
            }
            // Kept in clear by earlier gateways: sealed from now on.
            let key = match setting(c, "server_key")? {
                Some(k) => k,
                None => crypto::random_bytes(32),
            };
            let tx = c.transaction()?;
            tx.execute(
                "INSERT INTO settings(name, value) VALUES ('server_key_sealed', ?1)",
                params![self.seal(&BASE64.encode(&key))?],
            )?;
            tx.execute("DELETE FROM settings WHERE name = 'server_key'", [])?;
            tx.commit()?;
            Ok(key)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_holds(path: &Path, needle: &[u8]) -> bool {
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        [path.to_path_buf(), PathBuf::from(wal)].iter().any(|p| {
            std::fs::read(p)
                .map(|b| b.windows(needle.len()).any(|w| w == needle))
                .unwrap_or(false)
        })
    }

    /// OAuth secrets are sealed with `<db>.key`; whoever has the database
    /// alone has no secret, and a database from before sealing is sealed the
    /// first time it is opened.
    #[test]
    fn oauth_secrets_are_sealed_at_rest() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("gateway.db");
        let store = Store::open(&db).unwrap();
        let consumer = store.add_consumer("Desk", 0).unwrap();
        let temp = store.add_temp_token(consumer.id, "oob", 0).unwrap();
        let secret_of = |store: &Store| {
            store
                .consumer_by_key(&consumer.key)
                .unwrap()
                .unwrap()
                .secret
        };
        assert_eq!(secret_of(&store), consumer.secret);
        assert_eq!(
            store.temp_token(&temp.token).unwrap().unwrap().secret,
            temp.secret
        );
        for secret in [&consumer.secret, &temp.secret] {
            assert!(
                !file_holds(&db, secret.as_bytes()),
                "a secret is in the database in clear"
            );
        }
        assert!(key_path(&db).exists());
        let server_key = store.server_key().unwrap();
        assert_eq!(store.server_key().unwrap(), server_key);
        assert!(!file_holds(&db, &server_key), "the server key is in clear");

        // As an earlier gateway kept it: text.
        let old_secret = "plain-secret-from-an-earlier-gateway-000";
        store
            .with(|c| {
                c.execute(
                    "UPDATE consumers SET secret = ?1 WHERE id = ?2",
                    params![old_secret, consumer.id],
                )?;
                c.execute("DELETE FROM settings WHERE name = 'server_key_sealed'", [])?;
                c.execute(
                    "INSERT INTO settings(name, value) VALUES ('server_key', ?1)",
                    params![&[7u8; 32][..]],
                )?;
                Ok(())
            })
            .unwrap();
        drop(store);
        let store = Store::open(&db).unwrap();
        assert_eq!(secret_of(&store), old_secret);
        let kind: String = store
            .with(|c| Ok(c.query_row("SELECT typeof(secret) FROM consumers", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(kind, "blob");
        assert_eq!(store.server_key().unwrap(), vec![7u8; 32]);
        let clear: i64 = store
            .with(|c| {
                Ok(c.query_row(
                    "SELECT count(*) FROM settings WHERE name = 'server_key'",
                    [],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        assert_eq!(clear, 0, "the key kept in clear is gone once sealed");
        drop(store);

        // A database restored without its key file does not start.
        std::fs::rename(key_path(&db), dir.path().join("elsewhere.key")).unwrap();
        let e = Store::open(&db).err().unwrap().to_string();
        assert!(e.contains("gateway.db.key") && e.contains("backup"), "{e}");
    }

    /// Records that an earlier gateway kept in clear are sealed when the
    /// database is next opened, and read back the same.
    #[test]
    fn records_kept_in_clear_are_sealed_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("gateway.db");
        let store = Store::open(&db).unwrap();
        let consumer = store.add_consumer("Desk", 0).unwrap();
        let org = store
            .add_account(AccountKind::Org, "o@x.test", "Org", "hash", 0)
            .unwrap();
        let record = "<ContinuityOfCareRecord>Theodora Quill</ContinuityOfCareRecord>";
        store
            .with(|c| {
                c.execute(
                    "INSERT INTO stages(raz_id, consumer_id, org_account_id, her, her_kind, created, expires, her_sealed)
                     VALUES ('OLDPLAIN0000', ?1, ?2, CAST(?3 AS BLOB), 'ccr', 0, 10, 0)",
                    params![consumer.id, org, record],
                )?;
                Ok(())
            })
            .unwrap();
        assert!(file_holds(&db, b"Theodora Quill"));
        drop(store);
        let store = Store::open(&db).unwrap();
        let stage = store.stage("OLDPLAIN0000").unwrap().unwrap();
        assert_eq!(stage.her, record.as_bytes());
        store
            .with(|c| Ok(c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;")?))
            .unwrap();
        assert!(!file_holds(&db, b"Theodora Quill"));
    }
}
