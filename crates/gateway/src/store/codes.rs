//! Staged codes as redemption reads them, claims, and the redemption limiter.

use super::sql::p;
use super::{places, Result, Stage, Store};

/// An erased record: an empty value rather than a row removed, so the
/// code's state stays for the clinic.
const ERASED: &[u8] = &[];

impl Store {
    /// A stage with its record opened (records are sealed at rest).
    pub fn stage(&self, raz_id: &str) -> Result<Option<Stage>> {
        let Some(r) = self.with(|c| {
            c.query_opt(
                "SELECT raz_id, consumer_id, org_account_id, user_account_id, her, her_kind, pmt,
                        created, expires, claimed_by, claimed_at, voided_at, void_reason, paid_at,
                        her_sealed, pmt_sealed, void_reason_sealed
                 FROM stages WHERE raz_id = ?1",
                p![raz_id],
            )
        })?
        else {
            return Ok(None);
        };
        let mut stage = Stage {
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
            voided_at: r.get(11)?,
            void_reason: r.get(12)?,
            paid_at: r.get(13)?,
        };
        if r.get::<bool>(14)? && !stage.her.is_empty() {
            stage.her = self
                .open_sealed(places::HER, &stage.raz_id, &stage.her)?
                .into_bytes();
        }
        if let Some(sealed) = r.get::<Option<Vec<u8>>>(15)? {
            stage.pmt = Some(self.open_sealed(places::PMT, &stage.raz_id, &sealed)?);
        }
        if let Some(sealed) = r.get::<Option<Vec<u8>>>(16)? {
            stage.void_reason =
                Some(self.open_sealed(places::VOID_REASON, &stage.raz_id, &sealed)?);
        }
        Ok(Some(stage))
    }

    /// Erases a claimed record at its patient's request, with its SMART
    /// Health Link (the link's file is the same record); the code's state stays.
    pub fn erase_record(&self, raz_id: &str, account_id: i64) -> Result<bool> {
        self.with(|c| {
            c.transaction(|tx| {
                let erased = tx.execute(
                    "UPDATE stages SET her = ?3 WHERE raz_id = ?1 AND claimed_by = ?2",
                    p![raz_id, account_id, ERASED],
                )? == 1;
                if erased {
                    drop_links(tx, raz_id)?;
                }
                Ok(erased)
            })
        })
    }

    /// Claims an unclaimed stage for an account; false when someone claimed it first.
    pub fn claim(&self, raz_id: &str, account_id: i64, now: i64) -> Result<bool> {
        self.with(|c| {
            Ok(c.execute(
                "UPDATE stages SET claimed_by = ?2, claimed_at = ?3
                 WHERE raz_id = ?1 AND claimed_by IS NULL AND voided_at IS NULL",
                p![raz_id, account_id, now],
            )? == 1)
        })
    }

    /// Voids a code: its record is erased at once; the first void's time and
    /// reason are kept (voiding again succeeds and changes nothing).
    pub fn void(&self, raz_id: &str, now: i64, reason: Option<&str>) -> Result<()> {
        let reason = reason
            .map(|r| self.seal(places::VOID_REASON, raz_id, r))
            .transpose()?;
        self.with(|c| {
            c.transaction(|tx| {
                tx.execute(
                    "UPDATE stages SET her = ?4, voided_at = COALESCE(voided_at, ?2),
                       void_reason_sealed =
                         CASE WHEN voided_at IS NULL THEN ?3 ELSE void_reason_sealed END
                     WHERE raz_id = ?1",
                    p![raz_id, now, reason, ERASED],
                )?;
                // Its SMART Health Link goes with the record.
                drop_links(tx, raz_id)
            })
        })
    }

    /// Records a wrong code from `client` and returns how many it made since `since`.
    pub fn redeem_failure(&self, client: &str, now: i64, since: i64) -> Result<i64> {
        self.with(|c| {
            c.execute("DELETE FROM redeem_failures WHERE at < ?1", p![since])?;
            c.execute(
                "INSERT INTO redeem_failures(client, at) VALUES (?1, ?2)",
                p![client, now],
            )?;
            c.query_one(
                "SELECT COUNT(*) FROM redeem_failures WHERE client = ?1 AND at >= ?2",
                p![client, since],
            )
        })
    }

    pub fn redeem_failures(&self, client: &str, since: i64) -> Result<i64> {
        self.with(|c| {
            c.query_one(
                "SELECT COUNT(*) FROM redeem_failures WHERE client = ?1 AND at >= ?2",
                p![client, since],
            )
        })
    }
}

/// A code's SMART Health Links and the file addresses handed out for them.
fn drop_links(tx: &mut super::sql::Conn, raz_id: &str) -> Result<()> {
    tx.execute(
        "DELETE FROM shl_file_urls WHERE link_id IN (SELECT id FROM shl_links WHERE raz_id = ?1)",
        p![raz_id],
    )?;
    tx.execute("DELETE FROM shl_links WHERE raz_id = ?1", p![raz_id])?;
    Ok(())
}
