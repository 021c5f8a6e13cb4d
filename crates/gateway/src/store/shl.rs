//! SMART Health Links: the encrypted file behind each link, its passcode's
//! wrong-guess budget, and short-lived file addresses.

use super::sql::p;
use super::{Result, Store};

/// A link as its manifest reads it, with the code's state.
#[derive(Debug, Clone)]
pub struct ShlLink {
    pub id: String,
    pub raz_id: String,
    pub file: String,
    pub passcode_hash: Option<String>,
    pub attempts_left: i64,
    pub expires: i64,
    pub voided: bool,
    /// The practice that staged the code.
    pub org_account_id: i64,
}

/// A new link for a code.
pub struct NewLink<'a> {
    pub id: &'a str,
    pub raz_id: &'a str,
    pub file: &'a str,
    pub passcode_hash: Option<&'a str>,
    pub attempts: i64,
}

impl Store {
    /// The manifest ID kept for a reserved code (v1.2, a link the desk makes
    /// for a receipt printed offline): a keyed hash of the code, so that
    /// nothing is stored before the stage brings the file, every instance
    /// sharing the key file finds the same one, and without that file the ID
    /// says nothing of the code.
    pub fn reserved_link_id(&self, compact_raz_id: &str) -> String {
        self.vault.index(&format!("shl-reserved:{compact_raz_id}"))
    }

    /// Puts a code's link, replacing any earlier one (a repeated stage makes a
    /// new key, so the old file could no longer be opened). The code's expiry.
    pub fn put_link(&self, link: &NewLink, now: i64) -> Result<i64> {
        self.with(|c| {
            c.transaction(|tx| {
                tx.execute("DELETE FROM shl_links WHERE raz_id = ?1", p![link.raz_id])?;
                tx.execute(
                    "INSERT INTO shl_links(id, raz_id, file, passcode_hash, attempts_left, created)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    p![
                        link.id,
                        link.raz_id,
                        link.file,
                        link.passcode_hash,
                        link.attempts,
                        now
                    ],
                )?;
                tx.query_one(
                    "SELECT expires FROM stages WHERE raz_id = ?1",
                    p![link.raz_id],
                )
            })
        })
    }

    pub fn link(&self, id: &str) -> Result<Option<ShlLink>> {
        self.with(|c| {
            c.query_opt(
                "SELECT l.id, l.raz_id, l.file, l.passcode_hash, l.attempts_left, s.expires,
                        s.voided_at IS NOT NULL, s.org_account_id
                 FROM shl_links l JOIN stages s ON s.raz_id = l.raz_id WHERE l.id = ?1",
                p![id],
            )?
            .map(|r| {
                Ok(ShlLink {
                    id: r.get(0)?,
                    raz_id: r.get(1)?,
                    file: r.get(2)?,
                    passcode_hash: r.get(3)?,
                    attempts_left: r.get(4)?,
                    expires: r.get(5)?,
                    voided: r.get(6)?,
                    org_account_id: r.get(7)?,
                })
            })
            .transpose()
        })
    }

    /// Takes one passcode attempt before the passcode is checked, in one
    /// statement, so that a burst of guesses cannot all be checked against the
    /// same budget: the attempts left after it, or none when the link has
    /// none left (dead for good). A right passcode gives it back.
    pub fn reserve_attempt(&self, id: &str) -> Result<Option<i64>> {
        self.with(|c| {
            c.query_opt(
                "UPDATE shl_links SET attempts_left = attempts_left - 1
                 WHERE id = ?1 AND attempts_left > 0 RETURNING attempts_left",
                p![id],
            )?
            .map(|r| r.get(0))
            .transpose()
        })
    }

    /// Gives back the attempt a right passcode reserved.
    pub fn return_attempt(&self, id: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE shl_links SET attempts_left = attempts_left + 1 WHERE id = ?1",
                p![id],
            )?;
            Ok(())
        })
    }

    pub fn add_file_url(&self, token: &str, link_id: &str, expires: i64) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO shl_file_urls(token, link_id, expires) VALUES (?1, ?2, ?3)",
                p![token, link_id, expires],
            )?;
            Ok(())
        })
    }

    /// The link a file address stands for, while it is good.
    pub fn file_url(&self, token: &str, now: i64) -> Result<Option<String>> {
        self.with(|c| {
            c.query_opt(
                "SELECT link_id FROM shl_file_urls WHERE token = ?1 AND expires >= ?2",
                p![token, now],
            )?
            .map(|r| r.get(0))
            .transpose()
        })
    }
}
