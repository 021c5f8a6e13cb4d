//! OAuth credentials: consumers, temporary and token credentials (secrets
//! sealed), and the nonces of accepted requests.

use super::sql::{p, Param, Row};
use super::{
    places, AccessToken, AccountKind, Consumer, Result, Store, StoreError, TempState, TempToken,
};
use crate::crypto;
use razcode_protocol::TIMESTAMP_WINDOW_SECS;

impl Store {
    pub fn add_consumer(&self, name: &str, now: i64) -> Result<Consumer> {
        let key = crypto::random_token(24);
        let secret = crypto::random_token(40);
        let sealed = self.seal(places::CONSUMER_SECRET, &key, &secret)?;
        let id = self.with(|c| {
            c.query_one(
                "INSERT INTO consumers(key, secret, name, created) VALUES (?1, ?2, ?3, ?4) RETURNING id",
                p![key, sealed, name, now],
            )
        })?;
        Ok(Consumer {
            id,
            key,
            secret,
            name: name.to_string(),
        })
    }

    pub fn consumer_by_key(&self, key: &str) -> Result<Option<Consumer>> {
        self.consumer_where(
            "SELECT id, key, secret, name FROM consumers WHERE key = ?1 ORDER BY id LIMIT 1",
            p![key],
        )
    }

    /// `sql` selects a consumer's id, key, secret and name (whole statements,
    /// so each is prepared once and checked on both engines).
    fn consumer_where(&self, sql: &'static str, params: &[Param]) -> Result<Option<Consumer>> {
        self.sealed_row(sql, params, (places::CONSUMER_SECRET, 1, 2))?
            .map(|(r, secret)| {
                Ok(Consumer {
                    id: r.get(0)?,
                    key: r.get(1)?,
                    secret,
                    name: r.get(3)?,
                })
            })
            .transpose()
    }

    /// One row with a sealed secret, with the secret opened once the
    /// connection is free again; `secret` is the secret's place, the index
    /// of the row key's column and the index of the secret's.
    pub(crate) fn sealed_row(
        &self,
        sql: &'static str,
        params: &[Param],
        (place, key_col, secret_col): (&str, usize, usize),
    ) -> Result<Option<(Row, String)>> {
        let Some(row) = self.with(|c| c.query_opt(sql, params))? else {
            return Ok(None);
        };
        let key: String = row.get(key_col)?;
        let secret = self.open_sealed(place, &key, &row.get::<Vec<u8>>(secret_col)?)?;
        Ok(Some((row, secret)))
    }

    pub fn consumer_name(&self, id: i64) -> Result<Option<String>> {
        self.with(|c| {
            c.query_opt("SELECT name FROM consumers WHERE id = ?1", p![id])?
                .map(|r| r.get(0))
                .transpose()
        })
    }

    pub fn consumer_by_name(&self, name: &str) -> Result<Option<Consumer>> {
        self.consumer_where(
            "SELECT id, key, secret, name FROM consumers WHERE name = ?1 ORDER BY id LIMIT 1",
            p![name],
        )
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
        let sealed = self.seal(places::TEMP_SECRET, &t.token, &t.secret)?;
        self.with(|c| {
            c.execute(
                "INSERT INTO temp_tokens(token, secret, consumer_id, callback, created) VALUES (?1, ?2, ?3, ?4, ?5)",
                p![t.token, sealed, consumer_id, callback, now],
            )?;
            Ok(())
        })?;
        Ok(t)
    }

    pub fn temp_token(&self, token: &str) -> Result<Option<TempToken>> {
        self.sealed_row(
            "SELECT token, secret, consumer_id, callback, created, state, kind, account_id, verifier
             FROM temp_tokens WHERE token = ?1",
            p![token],
            (places::TEMP_SECRET, 0, 1),
        )?
        .map(|(r, secret)| {
            Ok(TempToken {
                token: r.get(0)?,
                secret,
                consumer_id: r.get(2)?,
                callback: r.get(3)?,
                created: r.get(4)?,
                state: match r.get::<String>(5)?.as_str() {
                    "approved" => TempState::Approved,
                    "denied" => TempState::Denied,
                    "exchanged" => TempState::Exchanged,
                    _ => TempState::Pending,
                },
                kind: r.get::<Option<String>>(6)?.map(|k| AccountKind::parse(&k)),
                account_id: r.get(7)?,
                verifier: r.get(8)?,
            })
        })
        .transpose()
    }

    /// Approves a pending temporary token; returns the verifier.
    pub fn approve_temp(&self, token: &str, kind: AccountKind, account_id: i64) -> Result<String> {
        let verifier = crypto::random_token(24);
        self.with(|c| {
            let n = c.execute(
                "UPDATE temp_tokens SET state = 'approved', kind = ?2, account_id = ?3, verifier = ?4
                 WHERE token = ?1 AND state = 'pending'",
                p![token, kind.as_str(), account_id, verifier],
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
                p![token],
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
        let sealed = self.seal(places::ACCESS_SECRET, &access.token, &access.secret)?;
        self.with(|c| {
            c.transaction(|tx| {
                let n = tx.execute(
                    "UPDATE temp_tokens SET state = 'exchanged', verifier = NULL WHERE token = ?1 AND state = 'approved'",
                    p![temp.token],
                )?;
                if n != 1 {
                    return Err(StoreError::AlreadyExchanged);
                }
                tx.execute(
                    "INSERT INTO access_tokens(token, secret, consumer_id, kind, account_id, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    p![access.token, sealed, access.consumer_id, kind.as_str(), account_id, now],
                )?;
                Ok(())
            })
        })?;
        Ok(access)
    }

    pub fn access_token(&self, token: &str) -> Result<Option<AccessToken>> {
        self.sealed_row(
            "SELECT token, secret, consumer_id, kind, account_id FROM access_tokens WHERE token = ?1",
            p![token],
            (places::ACCESS_SECRET, 0, 1),
        )?
        .map(|(r, secret)| {
            Ok(AccessToken {
                token: r.get(0)?,
                secret,
                consumer_id: r.get(2)?,
                kind: AccountKind::parse(&r.get::<String>(3)?),
                account_id: r.get(4)?,
            })
        })
        .transpose()
    }

    /// Keeps an accepted request's nonce; false when it was kept before (by
    /// this instance or, on a shared database, by another).
    pub fn persist_nonce(&self, key: &str, timestamp: i64) -> Result<bool> {
        self.with(|c| {
            Ok(c.execute(
                "INSERT INTO nonces(key, timestamp) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
                p![key, timestamp],
            )? == 1)
        })
    }

    /// Nonces whose timestamp is at or after `since` (other requests' and
    /// stages'), and drops the older ones of other requests.
    pub fn recent_nonces(&self, since: i64) -> Result<Vec<(String, i64)>> {
        self.with(|c| {
            c.execute("DELETE FROM nonces WHERE timestamp < ?1", p![since])?;
            // A stage's nonce timestamp is at most the window away from the
            // time it was staged.
            c.query(
                "SELECT key, timestamp FROM nonces
                 UNION ALL
                 SELECT nonce, nonce_ts FROM stages
                  WHERE nonce IS NOT NULL AND created >= ?2 AND nonce_ts >= ?1",
                p![since, since - TIMESTAMP_WINDOW_SECS],
            )?
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?)))
            .collect()
        })
    }
}
