//! The pool of reserved codes (v1.2): IDs the gateway reserved for this
//! practice, sealed at rest, each taken by at most one staging, once.

use super::{Result, Store};
use rusqlite::{params, OptionalExtension};

/// A free reserved code as stored: its row, the key its values are sealed
/// for, its sealed ID, address and link manifest.
pub struct SealedReserved {
    pub id: i64,
    pub slot: String,
    pub raz_id: Vec<u8>,
    pub raz_uri: Vec<u8>,
    pub shl_url: Option<Vec<u8>>,
}

/// A reserved code as the gateway gave it, sealed for its slot.
pub struct NewReserved<'a> {
    pub slot: &'a str,
    pub raz_id: &'a [u8],
    pub raz_uri: &'a [u8],
    pub shl_url: Option<&'a [u8]>,
    pub reserved_until: i64,
}

/// What a staging gets with a reserved code.
pub struct Taken<'a> {
    pub raz_id: &'a str,
    pub raz_uri: &'a str,
    pub image_path: &'a str,
    /// The link the desk made for it and its passcode, sealed for the staging.
    pub shl: Option<&'a [u8]>,
    pub shl_passcode: Option<&'a [u8]>,
}

impl Store {
    /// A code the gateway reserved, its values sealed for its slot.
    pub fn add_reserved(&self, c: &NewReserved) -> Result<()> {
        self.conn.execute(
            "INSERT INTO reserved_codes(slot, raz_id_sealed, raz_uri_sealed, shl_url_sealed, reserved_until) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![c.slot, c.raz_id, c.raz_uri, c.shl_url, c.reserved_until],
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
                "SELECT id, slot, raz_id_sealed, raz_uri_sealed, shl_url_sealed FROM reserved_codes
                 WHERE staging_id IS NULL AND reserved_until >= ?1
                 ORDER BY reserved_until, id LIMIT 1",
                params![usable_until],
                |r| {
                    Ok(SealedReserved {
                        id: r.get(0)?,
                        slot: r.get(1)?,
                        raz_id: r.get(2)?,
                        raz_uri: r.get(3)?,
                        shl_url: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Gives the code `code_id` to the staging, with its ID, address, the
    /// name of its QR image and its link; false when the code or the staging
    /// has one already. Called inside [`Store::together`] with the taking itself.
    pub fn take_reserved(&self, code_id: i64, staging_id: i64, t: &Taken) -> Result<bool> {
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
                "UPDATE stagings SET raz_id = ?2, raz_uri = ?3, image_path = ?4, offline = 1,
                   shl_sealed = ?5, shl_passcode_sealed = ?6 WHERE id = ?1",
                params![
                    staging_id,
                    t.raz_id,
                    t.raz_uri,
                    t.image_path,
                    t.shl,
                    t.shl_passcode
                ],
            )?;
        }
        Ok(taken)
    }
}
