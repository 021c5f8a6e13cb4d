//! The gateway's database: SQLite (a file, WAL) or PostgreSQL (several
//! gateway instances on one database), chosen by [`Target`]. The same
//! statements run on both ([`sql`]); each engine has its own migrations.
//!
//! General operations share one connection behind a mutex and are called from
//! blocking tasks. Stages go through [`writer::StageWriter`], which commits them in
//! groups so that every `ACK=Success` follows a durable commit without one fsync
//! per request.

mod accounts;
pub mod audit;
pub mod checkpoint;
mod codes;
mod credentials;
mod payments;
#[cfg(feature = "postgres")]
mod pg;
pub mod places;
mod seal_clear;
pub mod shl;
pub mod sql;
pub(crate) mod sqlite;
mod target;
pub use shl::ShlLink;
pub mod prune;
pub mod reissue;
pub mod reserved;
pub mod writer;

pub use accounts::normalize_email;
pub use payments::{OrgPayment, PaymentRecorded};
pub use target::Target;

use crate::crypto;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use razcode_vault::{Place, Vault};
use sql::{p, Conn, Dialect, Engine};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The engine refused or failed (its words, which engine, and whether
    /// it was a uniqueness violation).
    #[error("{0}")]
    Database(sql::DbError),
    #[error("this build of the gateway has no PostgreSQL support (it was built without the `postgres` feature); use a SQLite database path, or a build with PostgreSQL")]
    NoPostgres,
    #[error("the database at {path} was written by a newer gateway (schema {found}, this one knows {known})")]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("a gateway on PostgreSQL needs --key-file: the key file that seals its secrets and records (every instance on the database uses the same one)")]
    KeyFileRequired,
    #[error("column {index} holds {found}, not what the gateway expects")]
    Column { index: usize, found: String },
    #[error("the database returned no row where one was expected")]
    NoRow,
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

/// The key file that seals a SQLite database's secrets: `<database>.key` beside it.
pub fn key_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

/// Tables whose `secret` column holds an OAuth secret: with their row key
/// and the secret's place.
const SECRET_TABLES: [(&str, &str, &str); 3] = [
    ("consumers", "key", places::CONSUMER_SECRET),
    ("temp_tokens", "token", places::TEMP_SECRET),
    ("access_tokens", "token", places::ACCESS_SECRET),
];

/// Refuses to start with a key file that does not open this database's
/// secrets (a database restored without its key, say), rather than failing
/// every signed request later.
fn check_key(c: &mut Conn, vault: &Vault) -> Result<()> {
    for (table, key, column) in SECRET_TABLES {
        let sealed =
            c.query_opt_dyn(&format!("SELECT {key}, secret FROM {table} LIMIT 1"), p![])?;
        if let Some(row) = sealed {
            // Bound or not yet bound ([`places::bind_sealed`]): either opens.
            let key: String = row.get(0)?;
            vault.rebind(Place::new(column, &key), &row.get::<Vec<u8>>(1)?)?;
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
    target: Target,
    /// The engine's connection; `None` once given away as the store drops.
    conn: Mutex<Option<Box<dyn Engine>>>,
    /// Seals the OAuth secrets (consumers', temporary and token credentials'),
    /// the server key and the records.
    vault: Vault,
}

impl Store {
    /// Opens (or creates) a SQLite database and its key file, `<path>.key`.
    pub fn open(path: &Path) -> Result<Store> {
        Store::connect(&Target::Sqlite(path.to_path_buf()), None)
    }

    /// Creates a SQLite database at an older schema version, as an earlier
    /// release left it: for tests of upgrades.
    #[doc(hidden)]
    pub fn create_at_version(path: &Path, version: usize) -> Result<()> {
        let mut conn = sqlite::connect(path)?;
        sqlite::migrate_to(&mut conn, path, version)
    }

    /// Opens the database `target` names, migrating it, with the key file
    /// `key_file` (for SQLite `<db>.key` when not given; required for
    /// PostgreSQL).
    pub fn connect(target: &Target, key_file: Option<&Path>) -> Result<Store> {
        let key = target.key_file(key_file)?;
        let vault = Vault::open(&key)?;
        let mut engine = open_engine(target, Some(&vault))?;
        check_key(&mut Conn::new(engine.as_mut()), &vault)?;
        seal_clear::seal_clear_columns(&mut Conn::new(engine.as_mut()), &vault)?;
        places::bind_sealed(&mut Conn::new(engine.as_mut()), &vault)?;
        Ok(Store {
            target: target.clone(),
            conn: Mutex::new(Some(engine)),
            vault,
        })
    }

    /// Seals `secret` for its place: `column` (one of [`places`]) of the row `row`.
    pub(crate) fn seal(&self, column: &str, row: &str, secret: &str) -> Result<Vec<u8>> {
        Ok(self.vault.seal_at(Place::new(column, row), secret)?)
    }

    /// Opens a value sealed for its place.
    pub(crate) fn open_sealed(&self, column: &str, row: &str, sealed: &[u8]) -> Result<String> {
        Ok(self.vault.open_at(Place::new(column, row), sealed)?)
    }

    /// The database this store is on.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Whether other gateway instances may share the database (PostgreSQL):
    /// then what one instance remembers in memory (nonces) is also claimed
    /// in the database.
    pub fn shared(&self) -> bool {
        matches!(self.target, Target::Postgres(_))
    }

    /// Runs `f` on the store's connection (reconnecting to PostgreSQL first
    /// when the server closed the last one).
    pub fn with<T>(&self, f: impl FnOnce(&mut Conn) -> Result<T>) -> Result<T> {
        let mut engine = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let engine = engine
            .as_mut()
            .ok_or_else(|| StoreError::TaskFailed("the store is closed".into()))?;
        engine.reconnect()?;
        f(&mut Conn::new(engine.as_mut()))
    }

    /// The server's 32-byte secret (CSRF tokens), made on first use.
    pub fn server_key(&self) -> Result<Vec<u8>> {
        let setting = |c: &mut Conn, name: &str| -> Result<Option<Vec<u8>>> {
            c.query_opt("SELECT value FROM settings WHERE name = ?1", p![name])?
                .map(|r| r.get(0))
                .transpose()
        };
        self.with(|c| {
            if let Some(sealed) = setting(c, "server_key_sealed")? {
                return BASE64
                    .decode(self.open_sealed(places::SETTING, "server_key_sealed", &sealed)?)
                    .map_err(|_| StoreError::ServerKeyDamaged);
            }
            // Kept in clear by earlier gateways: sealed from now on.
            let key = match setting(c, "server_key")? {
                Some(k) => k,
                None => crypto::random_bytes(32),
            };
            let sealed = self.seal(places::SETTING, "server_key_sealed", &BASE64.encode(&key))?;
            c.transaction(|tx| {
                // Another instance may have made it first: the first one stays.
                tx.execute(
                    "INSERT INTO settings(name, value) VALUES ('server_key_sealed', ?1)
                     ON CONFLICT (name) DO NOTHING",
                    p![sealed],
                )?;
                tx.execute("DELETE FROM settings WHERE name = 'server_key'", p![])?;
                Ok(())
            })?;
            let kept: Vec<u8> = c.query_one(
                "SELECT value FROM settings WHERE name = 'server_key_sealed'",
                p![],
            )?;
            BASE64
                .decode(self.open_sealed(places::SETTING, "server_key_sealed", &kept)?)
                .map_err(|_| StoreError::ServerKeyDamaged)
        })
    }
}

/// The engine `target` names, the one place that picks one: with
/// `opening`, as a store opens (migrated; on SQLite, what older gateways kept
/// in clear sealed with that vault), else a connection alone.
pub(crate) fn open_engine(target: &Target, opening: Option<&Vault>) -> Result<Box<dyn Engine>> {
    Ok(match (target, opening) {
        (Target::Sqlite(path), Some(vault)) => {
            Box::new(sqlite::SqliteEngine(sqlite::open(path, vault)?))
        }
        (Target::Sqlite(path), None) => Box::new(sqlite::SqliteEngine(sqlite::connect(path)?)),
        #[cfg(feature = "postgres")]
        (Target::Postgres(url), opening) => {
            Box::new(pg::PgEngine::connect(url, opening.is_some())?)
        }
        #[cfg(not(feature = "postgres"))]
        (Target::Postgres(_), _) => return Err(StoreError::NoPostgres),
    })
}

impl Drop for Store {
    /// PostgreSQL's blocking client ends its connection on a runtime of its
    /// own, which may not happen on an async runtime's thread, where the
    /// last handle on a store is often dropped: it is closed on a thread of
    /// its own.
    fn drop(&mut self) {
        let engine = self.conn.get_mut().unwrap_or_else(|p| p.into_inner());
        if engine
            .as_ref()
            .is_some_and(|e| e.dialect() == Dialect::Postgres)
        {
            let engine = engine.take();
            let _ = std::thread::Builder::new()
                .name("pg-close".into())
                .spawn(move || drop(engine));
        }
    }
}

#[cfg(test)]
mod tests;
