//! OAuth credentials: consumers, temporary and token credentials (secrets
//! sealed), and the nonces of accepted requests.

use super::{AccessToken, AccountKind, Consumer, Result, Store, StoreError, TempState, TempToken};
use crate::crypto;
use razcode_protocol::TIMESTAMP_WINDOW_SECS;
use rusqlite::{params, OptionalExtension};

impl Store {
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
                Err(StoreError::AlreadyAnswered)
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
            return Err(StoreError::NotApproved);
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
                return Err(StoreError::AlreadyExchanged);
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
}
