//! v1.2: a patient's request for a new code (the code lapsed, was withdrawn
//! or used up), and the practice's phone number its pages show. The request's
//! email and note are sealed; the asking client is a keyed tag, counted for
//! the per-client limit.

use super::sql::p;
use super::{places, AccountKind, Result, Store};

/// The latest request for a code, opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReissueRequest {
    pub requested_at: i64,
    pub email: String,
    pub note: Option<String>,
}

/// A request to keep.
pub struct NewRequest<'a> {
    pub raz_id: &'a str,
    pub client_tag: &'a str,
    pub email: &'a str,
    pub note: Option<&'a str>,
    pub now: i64,
}

impl Store {
    /// Keeps a request unless the client made `limit` since `since`: false then.
    pub fn add_reissue_request(&self, r: &NewRequest, since: i64, limit: i64) -> Result<bool> {
        let slot = crate::crypto::random_token(22);
        let email = self.seal(places::REISSUE_EMAIL, &slot, r.email)?;
        let note = r
            .note
            .map(|n| self.seal(places::REISSUE_NOTE, &slot, n))
            .transpose()?;
        self.with(|c| {
            c.write_transaction(|tx| {
                let made: i64 = tx.query_one(
                    "SELECT COUNT(*) FROM reissue_requests WHERE client_tag = ?1 AND requested_at >= ?2",
                    p![r.client_tag, since],
                )?;
                if made >= limit {
                    return Ok(false);
                }
                tx.execute(
                    "INSERT INTO reissue_requests(slot, raz_id, requested_at, client_tag, email_sealed, note_sealed)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    p![slot, r.raz_id, r.now, r.client_tag, email, note],
                )?;
                Ok(true)
            })
        })
    }

    /// The latest request for a code, if any.
    pub fn reissue_request(&self, raz_id: &str) -> Result<Option<ReissueRequest>> {
        let Some(r) = self.with(|c| {
            c.query_opt(
                "SELECT slot, requested_at, email_sealed, note_sealed FROM reissue_requests
                 WHERE raz_id = ?1 ORDER BY requested_at DESC, id DESC LIMIT 1",
                p![raz_id],
            )
        })?
        else {
            return Ok(None);
        };
        let slot: String = r.get(0)?;
        let note: Option<Vec<u8>> = r.get(3)?;
        Ok(Some(ReissueRequest {
            requested_at: r.get(1)?,
            email: self.open_sealed(places::REISSUE_EMAIL, &slot, &r.get::<Vec<u8>>(2)?)?,
            note: note
                .map(|n| self.open_sealed(places::REISSUE_NOTE, &slot, &n))
                .transpose()?,
        }))
    }

    /// Sets (or, empty, removes) an organization's phone; false when there
    /// is no organization with that email.
    pub fn set_org_phone(&self, email: &str, phone: &str) -> Result<bool> {
        let index = self.email_index(email);
        let changed = self.with(|c| {
            c.execute(
                "UPDATE accounts SET phone = NULLIF(?3, '') WHERE kind = ?1 AND email = ?2",
                p![AccountKind::Org.as_str(), index, phone.trim()],
            )
        })?;
        Ok(changed == 1)
    }

    /// The practice as its patients' pages name it: its name and phone.
    pub fn org_contact(&self, org_account_id: i64) -> Result<(String, Option<String>)> {
        let name = self
            .account(org_account_id)?
            .map(|a| a.name)
            .unwrap_or_default();
        let phone = self.with(|c| {
            c.query_opt(
                "SELECT phone FROM accounts WHERE id = ?1",
                p![org_account_id],
            )
        })?;
        Ok((name, phone.map(|r| r.get(0)).transpose()?.flatten()))
    }
}

/// Whether a phone number is one people can dial: 3 to 32 characters of
/// digits, spaces, `+ - ( ) .`, with at least 3 digits.
pub fn check_phone(phone: &str) -> std::result::Result<(), String> {
    let p = phone.trim();
    if p.is_empty() {
        return Ok(());
    }
    let ok = p.chars().count() <= 32
        && p.chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        && p.chars().filter(char::is_ascii_digit).count() >= 3;
    match ok {
        true => Ok(()),
        false => Err(format!(
            "{p:?} is not a phone number: use digits, spaces and + - ( ) . (at most 32 characters)"
        )),
    }
}
