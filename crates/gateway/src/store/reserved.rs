//! v1.2 reserved IDs: a practice takes IDs ahead of time to print on receipts
//! while the gateway cannot be reached; a stage under one issues it (the
//! writer takes the reservation in the stage's transaction,
//! `writer::insert_reserved`).

use super::sql::p;
use super::{Result, Store};

/// A reservation not yet staged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    pub org_account_id: i64,
    pub reserved_until: i64,
}

impl Store {
    /// Reserves these IDs for a practice until `until`; the ones it took. An
    /// ID already staged or reserved is left out (the caller draws others).
    pub fn reserve(
        &self,
        ids: &[String],
        consumer_id: i64,
        org_account_id: i64,
        now: i64,
        until: i64,
    ) -> Result<Vec<String>> {
        self.with(|c| {
            c.transaction(|tx| {
                let mut taken = Vec::with_capacity(ids.len());
                for id in ids {
                    let staged: i64 = tx.query_one(
                        "SELECT COUNT(*) FROM stages WHERE raz_id = ?1",
                        p![id],
                    )?;
                    if staged > 0 {
                        continue;
                    }
                    let added = tx.execute(
                        "INSERT INTO reserved_ids(raz_id, consumer_id, org_account_id, reserved_at, reserved_until)
                         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
                        p![id, consumer_id, org_account_id, now, until],
                    )?;
                    if added == 1 {
                        taken.push(id.clone());
                    }
                }
                Ok(taken)
            })
        })
    }

    /// The reservation of `raz_id`, when it is not staged and has not lapsed.
    pub fn reservation(&self, raz_id: &str, now: i64) -> Result<Option<Reservation>> {
        let Some(r) = self.with(|c| {
            c.query_opt(
                "SELECT org_account_id, reserved_until FROM reserved_ids
                 WHERE raz_id = ?1 AND reserved_until >= ?2",
                p![raz_id, now],
            )
        })?
        else {
            return Ok(None);
        };
        Ok(Some(Reservation {
            org_account_id: r.get(0)?,
            reserved_until: r.get(1)?,
        }))
    }
}
