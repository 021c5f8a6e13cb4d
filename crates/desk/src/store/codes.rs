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

    /// A patient's request for a new code, its address and note sealed.
    pub fn set_reissue_request(
        &self,
        id: i64,
        requested_at: &str,
        email: &[u8],
        note: Option<&[u8]>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE stagings SET reissue_requested_at = ?2, reissue_email_sealed = ?3, reissue_note_sealed = ?4 WHERE id = ?1",
            params![id, requested_at, email, note],
        )?;
        Ok(())
    }

    /// The request made at `requested_at` was answered.
    pub fn set_request_answered(&self, id: i64, requested_at: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE stagings SET reissue_answered = ?2 WHERE id = ?1",
            params![id, requested_at],
        )?;
        Ok(())
    }

    /// A staging's request's sealed address and note.
    pub fn sealed_request(&self, id: i64) -> Result<super::stagings::SealedPair> {
        Ok(self.conn.query_row(
            "SELECT reissue_email_sealed, reissue_note_sealed FROM stagings WHERE id = ?1",
            params![id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Codes whose patient asked for a new one that no staging has given yet.
    pub fn open_requests(&self) -> Result<Vec<Staging>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {STAGING_COLS} FROM stagings s JOIN encounters e ON e.id = s.encounter_id
             WHERE s.reissue_requested_at IS NOT NULL ORDER BY s.reissue_requested_at DESC, s.id DESC"
        ))?;
        let rows = st.query_map([], staging_row)?;
        Ok(rows
            .collect::<rusqlite::Result<Vec<Staging>>>()?
            .into_iter()
            .filter(|s| s.reissue_open)
            .collect())
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
    /// asked), expired ones whose bill may still be paid, and (v1.2) expired
    /// or withdrawn ones made since `watch_since` and not reissued, whose
    /// patients may still ask for a new code.
    pub fn open_codes(&self, watch_since: i64) -> Result<Vec<Staging>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {STAGING_COLS} FROM stagings s JOIN encounters e ON e.id = s.encounter_id
             WHERE s.status = 'staged' AND (s.state IS NULL OR s.state IN ('issued', 'claimed')
               OR (s.state = 'expired' AND s.pmt_valid = 1 AND s.paid_at IS NULL)
               OR (s.state IN ('expired', 'voided') AND s.created >= ?1
                   AND NOT EXISTS (SELECT 1 FROM stagings n WHERE n.replaces = s.id))) ORDER BY s.id"
        ))?;
        let rows = st.query_map(params![watch_since], staging_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
