//! The pool of reserved codes (v1.2): IDs the gateway reserved for this
//! practice, sealed at rest, each taken by at most one staging, once.

use super::{Result, Store};
use rusqlite::{params, OptionalExtension};

/// A free reserved code as stored: its row, the key its values are sealed
/// for, its sealed ID and address.
pub struct SealedReserved {
    pub id: i64,
    pub slot: String,
    pub raz_id: Vec<u8>,
    pub raz_uri: Vec<u8>,
}

impl Store {
    /// A code the gateway reserved, its ID and address sealed for `slot`.
    pub fn add_reserved(
        &self,
        slot: &str,
        raz_id: &[u8],
        raz_uri: &[u8],
        reserved_until: i64,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO reserved_codes(slot, raz_id_sealed, raz_uri_sealed, reserved_until) VALUES (?1, ?2, ?3, ?4)",
            params![slot, raz_id, raz_uri, reserved_until],
        )?;
        Ok(())
    }

    /// Free codes that stay reserved at least until `usable_until`.
    pub fn pool_size(&self, usable_until: i64) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM reserved_codes WHERE staging_id IS NULL AND reserved_until >= ?1",
            params![usable_until],
            |r| r.get(0),
        )?)
    }

    /// Drops free codes that lapse before `usable_until`; how many.
    pub fn drop_lapsing(&self, usable_until: i64) -> Result<usize> {
        Ok(self.conn.execute(
            "DELETE FROM reserved_codes WHERE staging_id IS NULL AND reserved_until < ?1",
            params![usable_until],
        )?)
    }

    /// The free code that lapses first among those usable until `usable_until`.
    pub fn free_reserved(&self, usable_until: i64) -> Result<Option<SealedReserved>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, slot, raz_id_sealed, raz_uri_sealed FROM reserved_codes
                 WHERE staging_id IS NULL AND reserved_until >= ?1
                 ORDER BY reserved_until, id LIMIT 1",
                params![usable_until],
                |r| {
                    Ok(SealedReserved {
                        id: r.get(0)?,
                        slot: r.get(1)?,
                        raz_id: r.get(2)?,
                        raz_uri: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// Gives the code `code_id` to the staging, with its ID, address and the
    /// name of its QR image; false when the code or the staging has one
    /// already. Called inside [`Store::together`] with the taking itself.
    pub fn take_reserved(
        &self,
        code_id: i64,
        staging_id: i64,
        raz_id: &str,
        raz_uri: &str,
        image_path: &str,
    ) -> Result<bool> {
        let has_code: bool = self.conn.query_row(
            "SELECT raz_id IS NOT NULL OR offline FROM stagings WHERE id = ?1 AND status = 'pending'",
            params![staging_id],
            |r| r.get(0),
        )?;
        if has_code {
            return Ok(false);
        }
        let taken = self.conn.execute(
            "UPDATE reserved_codes SET staging_id = ?2 WHERE id = ?1 AND staging_id IS NULL",
            params![code_id, staging_id],
        )? == 1;
        if taken {
            self.conn.execute(
                "UPDATE stagings SET raz_id = ?2, raz_uri = ?3, image_path = ?4, offline = 1 WHERE id = ?1",
                params![staging_id, raz_id, raz_uri, image_path],
            )?;
        }
        Ok(taken)
    }
}
