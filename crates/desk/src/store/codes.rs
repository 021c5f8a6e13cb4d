//! What the gateway says of the codes after they left (v1.1 status), voids
//! that wait for it, and stagings replaced before they were answered.

use super::{staging_row, Result, Staging, Store, STAGING_COLS};
use razcode_protocol::CodeStatus;
use rusqlite::params;

impl Store {
    /// Older pending stagings of an encounter that a new one replaces (the
    /// patient link or the payment changed before the gateway answered): they
    /// leave the outbox. Their requests may have reached the gateway; such a
    /// code was never shown to anyone and expires unclaimed.
    // A staging whose code was printed offline is never replaced: the code is
    // on paper, so its stage must reach the gateway.
    pub fn supersede_pending(&self, encounter_id: i64, keep: i64, now: i64) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE stagings SET status = 'failed', errorcode = NULL,
               errormsg = 'Replaced by a newer staging of this encounter before the gateway answered.', updated = ?3
             WHERE encounter_id = ?1 AND id != ?2 AND status = 'pending' AND offline = 0",
            params![encounter_id, keep, now],
        )?)
    }

    /// What the gateway said of a staging's code.
    pub fn set_code_status(&self, id: i64, st: &CodeStatus, now: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE stagings SET state = ?2, expires_at = ?3, claimed_at = ?4, voided_at = ?5,
               state_checked = ?6, paid_at = ?7,
               void_pending = CASE WHEN ?2 = 'voided' THEN 0 ELSE void_pending END,
               access_count = COALESCE(?8, access_count), last_access_at = COALESCE(?9, last_access_at)
             WHERE id = ?1",
            params![
                id,
                st.state.as_str(),
                st.expires,
                st.claimed_at,
                st.voided_at,
                now,
                st.paid_at,
                st.access_count.map(|c| c as i64),
                st.last_access_at
            ],
        )?;
        Ok(())
    }

    /// What a list of the code's accesses said: how many, and when last.
    pub fn set_accesses(&self, id: i64, count: i64, last: Option<&str>) -> Result<()> {
        self.conn.execute(
            "UPDATE stagings SET access_count = ?2, last_access_at = ?3 WHERE id = ?1",
            params![id, count, last],
        )?;
        Ok(())
    }

    /// A void asked for (`Some(reason)`, the reason may be empty) or given up (`None`).
    pub fn set_void_pending(&self, id: i64, reason: Option<&str>) -> Result<()> {
        self.conn.execute(
            "UPDATE stagings SET void_pending = ?2, void_reason = COALESCE(?3, void_reason) WHERE id = ?1",
            params![id, reason.is_some(), reason],
        )?;
        Ok(())
    }

    /// Voids that wait for the gateway.
    pub fn pending_voids(&self) -> Result<Vec<Staging>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {STAGING_COLS} FROM stagings s JOIN encounters e ON e.id = s.encounter_id WHERE s.void_pending = 1 ORDER BY s.id"
        ))?;
        let rows = st.query_map([], staging_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Staged codes whose state can still change: issued or claimed (or never
    /// asked), and expired ones whose bill may still be paid.
    pub fn open_codes(&self) -> Result<Vec<Staging>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {STAGING_COLS} FROM stagings s JOIN encounters e ON e.id = s.encounter_id
             WHERE s.status = 'staged' AND (s.state IS NULL OR s.state IN ('issued', 'claimed')
               OR (s.state = 'expired' AND s.pmt_valid = 1 AND s.paid_at IS NULL)) ORDER BY s.id"
        ))?;
        let rows = st.query_map([], staging_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
