//! Accounts (organizations and patients), their sign-in lockout, and
//! redemption sessions.

use super::sql::{p, unique_violation, Param, Row};
use super::{places, Account, AccountKind, Result, Store, StoreError};
use crate::crypto;

pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub(crate) fn email_index(vault: &razcode_vault::Vault, email: &str) -> String {
    vault.index(&format!("email:{}", normalize_email(email)))
}

impl Store {
    /// The keyed index an email is found by (its column holds only this).
    pub(crate) fn email_index(&self, email: &str) -> String {
        email_index(&self.vault, email)
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
        let index = self.email_index(&email);
        let row = places::account_row(kind.as_str(), &index);
        let sealed = self.seal(places::ACCOUNT_EMAIL, &row, &email)?;
        let name = self.seal(places::ACCOUNT_NAME, &row, name)?;
        self.with(|c| {
            match c.query_one::<i64>(
                "INSERT INTO accounts(kind, email, email_sealed, name, name_sealed, password_hash, created)
                 VALUES (?1, ?2, ?3, '', ?4, ?5, ?6) RETURNING id",
                p![kind.as_str(), index, sealed, name, password_hash, now],
            ) {
                Err(e) if unique_violation(&e).is_some() => Err(StoreError::EmailTaken { email }),
                other => other,
            }
        })
    }

    pub fn account_by_email(&self, kind: AccountKind, email: &str) -> Result<Option<Account>> {
        let index = self.email_index(email);
        self.account_where(
            "SELECT id, kind, email, name, password_hash, failed_logins, locked_until, name_sealed,
                    email_sealed
             FROM accounts WHERE kind = ?1 AND email = ?2",
            p![kind.as_str(), index],
        )
    }

    pub fn account(&self, id: i64) -> Result<Option<Account>> {
        self.account_where(
            "SELECT id, kind, email, name, password_hash, failed_logins, locked_until, name_sealed,
                    email_sealed
             FROM accounts WHERE id = ?1",
            p![id],
        )
    }

    /// `sql` selects an account's columns in [`account`]'s order (whole
    /// statements, so each is prepared once and checked on both engines).
    fn account_where(&self, sql: &'static str, params: &[Param]) -> Result<Option<Account>> {
        let row = self.with(|c| c.query_opt(sql, params))?;
        let Some(row) = row else {
            return Ok(None);
        };
        let mut found = account(&row)?;
        // Read before `email` below replaces the index with the address.
        let key = places::account_row(&row.get::<String>(1)?, &row.get::<String>(2)?);
        if let Some(sealed) = row.get::<Option<Vec<u8>>>(7)? {
            found.name = self.open_sealed(places::ACCOUNT_NAME, &key, &sealed)?;
        }
        if let Some(sealed) = row.get::<Option<Vec<u8>>>(8)? {
            found.email = self.open_sealed(places::ACCOUNT_EMAIL, &key, &sealed)?;
        }
        Ok(Some(found))
    }

    /// Reserves a sign-in attempt of `client` for `who` (a keyed tag of an
    /// account kind and email, whether or not an account has it) before the
    /// password is checked: it counts as wrong until [`Store::login_succeeded`]
    /// says otherwise, and the attempt that reaches `limit` locks that pair for
    /// `lock_secs` at once. One statement does the counting, so concurrent
    /// attempts (on any instance) cannot all slip under the limit. False when
    /// the pair is locked (no attempt is left). Other clients are not locked
    /// out: a stranger cannot keep an account's owner from signing in.
    pub fn reserve_login(
        &self,
        who: &str,
        client: &str,
        now: i64,
        limit: i64,
        lock_secs: i64,
    ) -> Result<bool> {
        self.with(|c| {
            c.execute(
                "INSERT INTO login_locks(who, client, failures, locked_until, updated)
                 VALUES (?1, ?2, 0, 0, ?3) ON CONFLICT (who, client) DO NOTHING",
                p![who, client, now],
            )?;
            let n = c.execute(
                "UPDATE login_locks SET
                   failures = CASE WHEN failures + 1 >= ?3 THEN 0 ELSE failures + 1 END,
                   locked_until = CASE WHEN failures + 1 >= ?3 THEN ?4 ELSE locked_until END,
                   updated = ?5
                 WHERE who = ?1 AND client = ?2 AND locked_until <= ?5",
                p![who, client, limit, now + lock_secs, now],
            )?;
            Ok(n == 1)
        })
    }

    /// Clears the wrong attempts of `client` for `who` after a right password.
    pub fn login_succeeded(&self, who: &str, client: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "DELETE FROM login_locks WHERE who = ?1 AND client = ?2",
                p![who, client],
            )?;
            Ok(())
        })
    }

    pub fn add_session(&self, account_id: i64, now: i64, ttl: i64) -> Result<String> {
        let token = crypto::random_token(40);
        self.with(|c| {
            c.execute("DELETE FROM sessions WHERE expires < ?1", p![now])?;
            c.execute(
                "INSERT INTO sessions(token_hash, account_id, expires) VALUES (?1, ?2, ?3)",
                p![crypto::sha256_hex(&token), account_id, now + ttl],
            )?;
            Ok(())
        })?;
        Ok(token)
    }

    pub fn session_account(&self, token: &str, now: i64) -> Result<Option<i64>> {
        self.with(|c| {
            c.query_opt(
                "SELECT account_id FROM sessions WHERE token_hash = ?1 AND expires >= ?2",
                p![crypto::sha256_hex(token), now],
            )?
            .map(|r| r.get(0))
            .transpose()
        })
    }
}

fn account(r: &Row) -> Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        kind: AccountKind::parse(&r.get::<String>(1)?),
        email: r.get(2)?,
        name: r.get(3)?,
        password_hash: r.get(4)?,
        failed_logins: r.get(5)?,
        locked_until: r.get(6)?,
    })
}
