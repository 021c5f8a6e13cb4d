//! Payments: each organization's payment link template and notice secret
//! (sealed), and the bills its payment portal says are paid.

use super::{normalize_email, AccountKind, Result, Store};
use rusqlite::{params, OptionalExtension};

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
        let sealed = notify_secret.map(|s| self.seal(s)).transpose()?;
        let email = normalize_email(email);
        self.with(|c| {
            let tx = c.transaction()?;
            let id: Option<i64> = tx
                .query_row(
                    "SELECT id FROM accounts WHERE kind = ?1 AND email = ?2",
                    params![AccountKind::Org.as_str(), email],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(id) = id else {
                return Ok(false);
            };
            if let Some(url) = pay_url {
                tx.execute(
                    "UPDATE accounts SET pay_url = NULLIF(?2, '') WHERE id = ?1",
                    params![id, url],
                )?;
            }
            if let Some(s) = &sealed {
                tx.execute(
                    "UPDATE accounts SET notify_secret = ?2 WHERE id = ?1",
                    params![id, s],
                )?;
            }
            tx.commit()?;
            Ok(true)
        })
    }

    /// How the organization `account_id`'s patients pay.
    pub fn org_payment(&self, account_id: i64) -> Result<OrgPayment> {
        let row: Option<(String, Option<String>, Option<Vec<u8>>)> = self.with(|c| {
            Ok(c.query_row(
                "SELECT name, pay_url, notify_secret FROM accounts WHERE id = ?1",
                params![account_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
        })?;
        let Some((name, pay_url, sealed)) = row else {
            return Ok(OrgPayment::default());
        };
        Ok(OrgPayment {
            name,
            pay_url,
            notify_secret: sealed.map(|s| self.vault.open_sealed(&s)).transpose()?,
        })
    }

    /// Records a payment notice: the transaction once, the bill paid once.
    pub fn record_payment(
        &self,
        raz_id: &str,
        transaction_id: &str,
        paid_at: i64,
        now: i64,
    ) -> Result<PaymentRecorded> {
        self.with(|c| {
            let tx = c.transaction()?;
            let inserted = tx.execute(
                "INSERT INTO payment_notices(transaction_id, raz_id, received) VALUES (?1, ?2, ?3)
                 ON CONFLICT(transaction_id) DO NOTHING",
                params![transaction_id, raz_id, now],
            )?;
            if inserted == 0 {
                return Ok(PaymentRecorded::Replay);
            }
            let paid = tx.execute(
                "UPDATE stages SET paid_at = ?2 WHERE raz_id = ?1 AND paid_at IS NULL",
                params![raz_id, paid_at],
            )?;
            if paid == 0 {
                // Rolled back: the notice is not kept, the bill stays as it was.
                return Ok(PaymentRecorded::AlreadyPaid);
            }
            tx.commit()?;
            Ok(PaymentRecorded::Paid)
        })
    }
}
