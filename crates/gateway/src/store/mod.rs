//! The gateway's SQLite database (WAL, migrations by `user_version`).
//!
//! General operations share one connection behind a mutex and are called from
//! blocking tasks. Stages go through [`writer::StageWriter`], which commits them in
//! groups so that every `ACK=Success` follows a durable commit without one fsync
//! per request.

pub mod checkpoint;
pub mod writer;

use crate::crypto;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use razcode_protocol::TIMESTAMP_WINDOW_SECS;
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
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Vault(#[from] razcode_vault::VaultError),
}

const MIGRATIONS: &[&str] = &[
    include_str!("schema.sql"),
    include_str!("schema2.sql"),
    include_str!("schema3.sql"),
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
        let mut conn = connect(path)?;
        migrate(&mut conn, path)?;
        seal_plain_secrets(&mut conn, &vault)?;
        check_key(&conn, &vault)?;
        Ok(Store {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
            vault,
        })
    }

    fn seal(&self, secret: &str) -> Result<Vec<u8>> {
        Ok(self.vault.seal(secret)?)
    }

    /// One row with a sealed `secret` in column `secret_col`: `map` reads the
    /// rest, and the secret, opened once the connection is free again, is put
    /// in by `with_secret`.
    fn query_sealed<T>(
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

    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
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
                    .map_err(|_| StoreError::Conflict("the sealed server key is damaged".into()));
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

    pub fn add_consumer(&self, name: &str, now: i64) -> Result<Consumer> {
        let key = crypto::random_token(24);
        let secret = crypto::random_token(40);
        let sealed = self.seal(&secret)?;
        self.with(|c| {
            c.execute(
                "INSERT INTO consumers(key, secret, name, created) VALUES (?1, ?2, ?3, ?4)",
                params![key, sealed, name, now],
            )?;
            Ok(Consumer {
                id: c.last_insert_rowid(),
                key: key.clone(),
                secret: secret.clone(),
                name: name.to_string(),
            })
        })
    }

    pub fn consumer_by_key(&self, key: &str) -> Result<Option<Consumer>> {
        self.consumer_where("key = ?1", params![key])
    }

    fn consumer_where(&self, cond: &str, p: impl rusqlite::Params) -> Result<Option<Consumer>> {
        let sql =
            format!("SELECT id, key, secret, name FROM consumers WHERE {cond} ORDER BY id LIMIT 1");
        self.query_sealed(
            &sql,
            p,
            2,
            |r| {
                Ok(Consumer {
                    id: r.get(0)?,
                    key: r.get(1)?,
                    secret: String::new(),
                    name: r.get(3)?,
                })
            },
            |c, secret| Consumer { secret, ..c },
        )
    }

    pub fn consumer_name(&self, id: i64) -> Result<Option<String>> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT name FROM consumers WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?)
        })
    }

    pub fn consumer_by_name(&self, name: &str) -> Result<Option<Consumer>> {
        self.consumer_where("name = ?1", params![name])
    }

    pub fn add_account(
        &self,
        kind: AccountKind,
        email: &str,
        name: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<i64> {
        let email = normalize_email(email);
        self.with(|c| {
            match c.execute(
                "INSERT INTO accounts(kind, email, name, password_hash, created) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![kind.as_str(), email, name, password_hash, now],
            ) {
                Ok(_) => Ok(c.last_insert_rowid()),
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Err(StoreError::Conflict(format!(
                        "an account with the email {email} already exists"
                    )))
                }
                Err(e) => Err(e.into()),
            }
        })
    }

    pub fn account_by_email(&self, kind: AccountKind, email: &str) -> Result<Option<Account>> {
        let email = normalize_email(email);
        self.account_where("kind = ?1 AND email = ?2", params![kind.as_str(), email])
    }

    pub fn account(&self, id: i64) -> Result<Option<Account>> {
        self.account_where("id = ?1", params![id])
    }

    fn account_where(&self, cond: &str, p: impl rusqlite::Params) -> Result<Option<Account>> {
        let sql = format!(
            "SELECT id, kind, email, name, password_hash, failed_logins, locked_until FROM accounts WHERE {cond}"
        );
        self.with(|c| {
            Ok(c.query_row(&sql, p, |r| {
                Ok(Account {
                    id: r.get(0)?,
                    kind: AccountKind::parse(&r.get::<_, String>(1)?),
                    email: r.get(2)?,
                    name: r.get(3)?,
                    password_hash: r.get(4)?,
                    failed_logins: r.get(5)?,
                    locked_until: r.get(6)?,
                })
            })
            .optional()?)
        })
    }

    /// Counts a wrong password; locks the account for `lock_secs` at `limit`.
    pub fn login_failed(&self, id: i64, now: i64, limit: i64, lock_secs: i64) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE accounts SET failed_logins = failed_logins + 1,
                   locked_until = CASE WHEN failed_logins + 1 >= ?2 THEN ?3 ELSE locked_until END
                 WHERE id = ?1",
                params![id, limit, now + lock_secs],
            )?;
            c.execute(
                "UPDATE accounts SET failed_logins = 0 WHERE id = ?1 AND failed_logins >= ?2",
                params![id, limit],
            )?;
            Ok(())
        })
    }

    pub fn login_succeeded(&self, id: i64) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE accounts SET failed_logins = 0, locked_until = 0 WHERE id = ?1",
                params![id],
            )?;
            Ok(())
        })
    }

    pub fn add_temp_token(&self, consumer_id: i64, callback: &str, now: i64) -> Result<TempToken> {
        let t = TempToken {
            token: crypto::random_token(32),
            secret: crypto::random_token(40),
            consumer_id,
            callback: callback.to_string(),
            created: now,
            state: TempState::Pending,
            kind: None,
            account_id: None,
            verifier: None,
        };
        let sealed = self.seal(&t.secret)?;
        self.with(|c| {
            c.execute(
                "INSERT INTO temp_tokens(token, secret, consumer_id, callback, created) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![t.token, sealed, consumer_id, callback, now],
            )?;
            Ok(())
        })?;
        Ok(t)
    }

    pub fn temp_token(&self, token: &str) -> Result<Option<TempToken>> {
        self.query_sealed(
            "SELECT token, secret, consumer_id, callback, created, state, kind, account_id, verifier
             FROM temp_tokens WHERE token = ?1",
            params![token],
            1,
            |r| {
                let state: String = r.get(5)?;
                Ok(TempToken {
                    token: r.get(0)?,
                    secret: String::new(),
                    consumer_id: r.get(2)?,
                    callback: r.get(3)?,
                    created: r.get(4)?,
                    state: match state.as_str() {
                        "approved" => TempState::Approved,
                        "denied" => TempState::Denied,
                        "exchanged" => TempState::Exchanged,
                        _ => TempState::Pending,
                    },
                    kind: r.get::<_, Option<String>>(6)?.map(|k| AccountKind::parse(&k)),
                    account_id: r.get(7)?,
                    verifier: r.get(8)?,
                })
            },
            |t, secret| TempToken { secret, ..t },
        )
    }

    /// Approves a pending temporary token; returns the verifier.
    pub fn approve_temp(&self, token: &str, kind: AccountKind, account_id: i64) -> Result<String> {
        let verifier = crypto::random_token(24);
        self.with(|c| {
            let n = c.execute(
                "UPDATE temp_tokens SET state = 'approved', kind = ?2, account_id = ?3, verifier = ?4
                 WHERE token = ?1 AND state = 'pending'",
                params![token, kind.as_str(), account_id, verifier],
            )?;
            if n == 1 {
                Ok(verifier.clone())
            } else {
                Err(StoreError::Conflict("this request was already answered".into()))
            }
        })
    }

    pub fn deny_temp(&self, token: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE temp_tokens SET state = 'denied' WHERE token = ?1 AND state = 'pending'",
                params![token],
            )?;
            Ok(())
        })
    }

    /// Exchanges approved temporary credentials for token credentials, once.
    pub fn exchange_temp(&self, temp: &TempToken, now: i64) -> Result<AccessToken> {
        let (Some(kind), Some(account_id)) = (temp.kind, temp.account_id) else {
            return Err(StoreError::Conflict("not approved".into()));
        };
        let access = AccessToken {
            token: crypto::random_token(32),
            secret: crypto::random_token(40),
            consumer_id: temp.consumer_id,
            kind,
            account_id,
        };
        let sealed = self.seal(&access.secret)?;
        self.with(|c| {
            let tx = c.transaction()?;
            let n = tx.execute(
                "UPDATE temp_tokens SET state = 'exchanged', verifier = NULL WHERE token = ?1 AND state = 'approved'",
                params![temp.token],
            )?;
            if n != 1 {
                return Err(StoreError::Conflict("already exchanged".into()));
            }
            tx.execute(
                "INSERT INTO access_tokens(token, secret, consumer_id, kind, account_id, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![access.token, sealed, access.consumer_id, kind.as_str(), account_id, now],
            )?;
            tx.commit()?;
            Ok(())
        })?;
        Ok(access)
    }

    pub fn access_token(&self, token: &str) -> Result<Option<AccessToken>> {
        self.query_sealed(
            "SELECT token, secret, consumer_id, kind, account_id FROM access_tokens WHERE token = ?1",
            params![token],
            1,
            |r| {
                Ok(AccessToken {
                    token: r.get(0)?,
                    secret: String::new(),
                    consumer_id: r.get(2)?,
                    kind: AccountKind::parse(&r.get::<_, String>(3)?),
                    account_id: r.get(4)?,
                })
            },
            |a, secret| AccessToken { secret, ..a },
        )
    }

    pub fn persist_nonce(&self, key: &str, timestamp: i64) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT OR IGNORE INTO nonces(key, timestamp) VALUES (?1, ?2)",
                params![key, timestamp],
            )?;
            Ok(())
        })
    }

    /// Nonces whose timestamp is at or after `since` (other requests' and
    /// stages'), and drops the older ones of other requests.
    pub fn recent_nonces(&self, since: i64) -> Result<Vec<(String, i64)>> {
        self.with(|c| {
            c.execute("DELETE FROM nonces WHERE timestamp < ?1", params![since])?;
            // A stage's nonce timestamp is at most the window away from the
            // time it was staged.
            let mut st = c.prepare(
                "SELECT key, timestamp FROM nonces
                 UNION ALL
                 SELECT nonce, nonce_ts FROM stages
                  WHERE nonce IS NOT NULL AND created >= ?1 - ?2 AND nonce_ts >= ?1",
            )?;
            let rows = st.query_map(params![since, TIMESTAMP_WINDOW_SECS], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    pub fn stage(&self, raz_id: &str) -> Result<Option<Stage>> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT raz_id, consumer_id, org_account_id, user_account_id, her, her_kind, pmt,
                        created, expires, claimed_by, claimed_at
                 FROM stages WHERE raz_id = ?1",
                params![raz_id],
                |r| {
                    Ok(Stage {
                        raz_id: r.get(0)?,
                        consumer_id: r.get(1)?,
                        org_account_id: r.get(2)?,
                        user_account_id: r.get(3)?,
                        her: r.get(4)?,
                        her_kind: r.get(5)?,
                        pmt: r.get(6)?,
                        created: r.get(7)?,
                        expires: r.get(8)?,
                        claimed_by: r.get(9)?,
                        claimed_at: r.get(10)?,
                    })
                },
            )
            .optional()?)
        })
    }

    /// Claims an unclaimed stage for an account; false when someone claimed it first.
    pub fn claim(&self, raz_id: &str, account_id: i64, now: i64) -> Result<bool> {
        self.with(|c| {
            Ok(c.execute(
                "UPDATE stages SET claimed_by = ?2, claimed_at = ?3 WHERE raz_id = ?1 AND claimed_by IS NULL",
                params![raz_id, account_id, now],
            )? == 1)
        })
    }

    pub fn add_session(&self, account_id: i64, now: i64, ttl: i64) -> Result<String> {
        let token = crypto::random_token(40);
        self.with(|c| {
            c.execute("DELETE FROM sessions WHERE expires < ?1", params![now])?;
            c.execute(
                "INSERT INTO sessions(token_hash, account_id, expires) VALUES (?1, ?2, ?3)",
                params![crypto::sha256_hex(&token), account_id, now + ttl],
            )?;
            Ok(())
        })?;
        Ok(token)
    }

    pub fn session_account(&self, token: &str, now: i64) -> Result<Option<i64>> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT account_id FROM sessions WHERE token_hash = ?1 AND expires >= ?2",
                params![crypto::sha256_hex(token), now],
                |r| r.get(0),
            )
            .optional()?)
        })
    }

    /// Records a wrong code from `client` and returns how many it made since `since`.
    pub fn redeem_failure(&self, client: &str, now: i64, since: i64) -> Result<i64> {
        self.with(|c| {
            c.execute("DELETE FROM redeem_failures WHERE at < ?1", params![since])?;
            c.execute(
                "INSERT INTO redeem_failures(client, at) VALUES (?1, ?2)",
                params![client, now],
            )?;
            Ok(c.query_row(
                "SELECT COUNT(*) FROM redeem_failures WHERE client = ?1 AND at >= ?2",
                params![client, since],
                |r| r.get(0),
            )?)
        })
    }

    pub fn redeem_failures(&self, client: &str, since: i64) -> Result<i64> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM redeem_failures WHERE client = ?1 AND at >= ?2",
                params![client, since],
                |r| r.get(0),
            )?)
        })
    }
}

pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
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
}
