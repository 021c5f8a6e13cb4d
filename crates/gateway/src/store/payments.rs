//! Payments: each organization's payment link template and notice secret
//! (sealed), and the bills its payment portal says are paid.

use super::sql::p;
use super::{places, AccountKind, Result, Store};

/// How an organization's patients pay.
#[derive(Debug, Clone, Default)]
pub struct OrgPayment {
    /// The organization's display name (the page says to pay there without a link).
    pub name: String,
    /// The payment link template (`https://pay.clinic.example/?ref={reference}...`).
    pub pay_url: Option<String>,
    /// The secret its payment portal signs notices with.
    pub notify_secret: Option<String>,
}

/// What a payment notice did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentRecorded {
    /// The bill is paid from now on.
    Paid,
    /// This transaction was noticed before.
    Replay,
    /// The bill was already paid by another transaction.
    AlreadyPaid,
}

impl Store {
    /// Sets an organization's payment link and notice secret (each when given);
    /// false when there is no organization with this email.
    pub fn set_org_payment(
        &self,
        email: &str,
        pay_url: Option<&str>,
        notify_secret: Option<&str>,
    ) -> Result<bool> {
        let index = self.email_index(email);
        let row = places::account_row(AccountKind::Org.as_str(), &index);
        let sealed = notify_secret
            .map(|s| self.seal(places::NOTIFY_SECRET, &row, s))
            .transpose()?;
        self.with(|c| {
            c.transaction(|tx| {
                let Some(row) = tx.query_opt(
                    "SELECT id FROM accounts WHERE kind = ?1 AND email = ?2",
                    p![AccountKind::Org.as_str(), index],
                )?
                else {
                    return Ok(false);
                };
                let id: i64 = row.get(0)?;
                if let Some(url) = pay_url {
                    tx.execute(
                        "UPDATE accounts SET pay_url = NULLIF(?2, '') WHERE id = ?1",
                        p![id, url],
                    )?;
                }
                if let Some(s) = &sealed {
                    tx.execute(
                        "UPDATE accounts SET notify_secret = ?2 WHERE id = ?1",
                        p![id, s],
                    )?;
                }
                Ok(true)
            })
        })
    }

    /// How the organization `account_id`'s patients pay.
    pub fn org_payment(&self, account_id: i64) -> Result<OrgPayment> {
        let Some(r) = self.with(|c| {
            c.query_opt(
                "SELECT name, pay_url, notify_secret, name_sealed, kind || '/' || email FROM accounts WHERE id = ?1",
                p![account_id],
            )
        })?
        else {
            return Ok(OrgPayment::default());
        };
        let key: String = r.get(4)?;
        let name = match r.get::<Option<Vec<u8>>>(3)? {
            Some(sealed) => self.open_sealed(places::ACCOUNT_NAME, &key, &sealed)?,
            None => r.get(0)?,
        };
        Ok(OrgPayment {
            name,
            pay_url: r.get(1)?,
            notify_secret: r
                .get::<Option<Vec<u8>>>(2)?
                .map(|s| self.open_sealed(places::NOTIFY_SECRET, &key, &s))
                .transpose()?,
        })
    }

    /// Records a payment notice: the transaction once, the bill paid once.
    /// A notice for a bill already paid is not kept.
    pub fn record_payment(
        &self,
        org_account_id: i64,
        raz_id: &str,
        transaction_id: &str,
        paid_at: i64,
        now: i64,
    ) -> Result<PaymentRecorded> {
        self.with(|c| {
            c.transaction(|tx| {
                let seen: i64 = tx.query_one(
                    "SELECT COUNT(*) FROM payment_notices
                     WHERE org_account_id = ?1 AND transaction_id = ?2",
                    p![org_account_id, transaction_id],
                )?;
                if seen > 0 {
                    return Ok(PaymentRecorded::Replay);
                }
                let paid = tx.execute(
                    "UPDATE stages SET paid_at = ?2 WHERE raz_id = ?1 AND paid_at IS NULL",
                    p![raz_id, paid_at],
                )?;
                if paid == 0 {
                    return Ok(PaymentRecorded::AlreadyPaid);
                }
                // The same transaction noticed on another instance meanwhile
                // has paid the bill there first: this one waited on the row and
                // found it paid above.
                tx.execute(
                    "INSERT INTO payment_notices(org_account_id, transaction_id, raz_id, received)
                     VALUES (?1, ?2, ?3, ?4)",
                    p![org_account_id, transaction_id, raz_id, now],
                )?;
                Ok(PaymentRecorded::Paid)
            })
        })
    }
}
