//! Stagings: one per stage, from before its request leaves (the outbox is
//! the pending ones) until its code's last state; the history of them.

use super::encounters::Search;
use super::{Result, StagingStatus, Store};
use crate::links::{Barcode, ShlMode};
use razcode_her::ccr::SectionKind;
use razcode_protocol::CodeState;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Staging {
    pub id: i64,
    pub encounter_id: i64,
    #[serde(skip)]
    pub idem_key: String,
    #[serde(serialize_with = "crate::links::variant_word")]
    pub variant: Barcode,
    pub user_mrn: Option<String>,
    pub pmt: Option<String>,
    pub status: StagingStatus,
    pub raz_id: Option<String>,
    pub raz_image: Option<String>,
    pub raz_uri: Option<String>,
    pub image_path: Option<String>,
    pub pmt_valid: Option<bool>,
    pub errorcode: Option<String>,
    pub errormsg: Option<String>,
    pub attempts: i64,
    pub created: i64,
    pub updated: i64,
    pub patient_name: Option<String>,
    /// Sections left out, comma-separated keys.
    #[serde(serialize_with = "leave_out_words")]
    pub leave_out: Vec<SectionKind>,
    /// What the gateway last said of the code: issued, claimed, expired, voided.
    #[serde(serialize_with = "state_word")]
    pub code_state: Option<CodeState>,
    /// RFC 3339, as the gateway sent them.
    pub expires_at: Option<String>,
    pub claimed_at: Option<String>,
    pub voided_at: Option<String>,
    /// Unix seconds of the last status answer.
    pub state_checked: Option<i64>,
    pub void_reason: Option<String>,
    /// A void asked for that the gateway has not confirmed yet (it waits in the outbox).
    pub void_pending: bool,
    /// The staging whose code this one replaces (a reissue).
    pub replaces: Option<i64>,
    /// With a valid bill: payable online after redeeming (true), at the clinic
    /// only (false), or not said by the gateway (none).
    pub pay_online: Option<bool>,
    /// When the bill was paid (RFC 3339, from the gateway).
    pub paid_at: Option<String>,
    /// The SMART Health Link asked for: `off`, `on` or `passcode`.
    pub shl_mode: ShlMode,
    /// The gateway's answer gave a SMART Health Link (kept sealed).
    pub has_link: bool,
    /// v1.2: its code is a reserved one, printed before the stage reached
    /// the gateway; the stage names it (`razcode_reserved_id`).
    pub offline: bool,
    /// v1.2: how many times the gateway says the code or its record was
    /// opened, and when last (RFC 3339); none until a v1.2 gateway said.
    pub access_count: Option<i64>,
    pub last_access_at: Option<String>,
    /// v1.2: when the patient last asked the clinic for a new code (RFC 3339).
    pub reissue_requested_at: Option<String>,
    /// That request waits: the desk has not answered it.
    pub reissue_open: bool,
}

impl Staging {
    /// A code printed offline (v1.2) whose stage has not reached the gateway yet.
    pub fn printed_offline(&self) -> bool {
        self.offline && self.status == StagingStatus::Pending && self.raz_id.is_some()
    }

    /// Whether its bill goes on the receipt: the gateway judged it valid, or,
    /// for a code printed offline, the desk checked it and the gateway has
    /// not judged it yet (it checks by the same rules).
    pub fn bill_shown(&self) -> bool {
        self.pmt_valid == Some(true) || (self.printed_offline() && self.pmt.is_some())
    }
}

/// Two values sealed at rest, either of them absent.
pub type SealedPair = (Option<Vec<u8>>, Option<Vec<u8>>);
/// A staging's link and passcode as sealed at rest.
pub type SealedLink = SealedPair;

/// What the gateway's `ACK=Success` gave a staging.
pub struct StagedCode<'a> {
    pub raz_id: &'a str,
    pub raz_image: Option<&'a str>,
    pub raz_uri: Option<&'a str>,
    pub pmt_valid: bool,
    pub pay_online: Option<bool>,
    /// The SMART Health Link and its passcode, sealed.
    pub shl: Option<&'a [u8]>,
    pub shl_passcode: Option<&'a [u8]>,
}

pub(super) fn state_word<S: serde::Serializer>(
    s: &Option<CodeState>,
    ser: S,
) -> std::result::Result<S::Ok, S::Error> {
    match s {
        Some(c) => ser.serialize_some(c.as_str()),
        None => ser.serialize_none(),
    }
}

pub(super) const STAGING_COLS: &str = "s.id, s.encounter_id, s.idem_key, s.variant, s.user_mrn, s.pmt, s.status, s.raz_id, s.raz_image, s.raz_uri, s.image_path, s.pmt_valid, s.errorcode, s.errormsg, s.attempts, s.created, s.updated, e.patient_name, s.leave_out, s.state, s.expires_at, s.claimed_at, s.voided_at, s.state_checked, s.void_reason, s.void_pending, s.replaces, s.pay_online, s.paid_at, s.shl_mode, s.shl_sealed IS NOT NULL, s.offline, s.access_count, s.last_access_at, s.reissue_requested_at, (s.reissue_requested_at IS NOT NULL AND s.reissue_requested_at IS NOT s.reissue_answered)";

pub(super) fn staging_row(r: &rusqlite::Row) -> rusqlite::Result<Staging> {
    Ok(Staging {
        id: r.get(0)?,
        encounter_id: r.get(1)?,
        idem_key: r.get(2)?,
        variant: Barcode::from_variant(&r.get::<_, String>(3)?),
        user_mrn: r.get(4)?,
        pmt: r.get(5)?,
        status: r.get(6)?,
        raz_id: r.get(7)?,
        raz_image: r.get(8)?,
        raz_uri: r.get(9)?,
        image_path: r.get(10)?,
        pmt_valid: r.get(11)?,
        errorcode: r.get(12)?,
        errormsg: r.get(13)?,
        attempts: r.get(14)?,
        created: r.get(15)?,
        updated: r.get(16)?,
        patient_name: r.get(17)?,
        leave_out: leave_out_read(&r.get::<_, String>(18)?),
        code_state: r
            .get::<_, Option<String>>(19)?
            .and_then(|s| CodeState::parse(&s)),
        expires_at: r.get(20)?,
        claimed_at: r.get(21)?,
        voided_at: r.get(22)?,
        state_checked: r.get(23)?,
        void_reason: r.get(24)?,
        void_pending: r.get(25)?,
        replaces: r.get(26)?,
        pay_online: r.get(27)?,
        paid_at: r.get(28)?,
        // Written by the desk from ShlMode::name; anything else reads as off.
        shl_mode: ShlMode::parse(&r.get::<_, String>(29)?).unwrap_or_default(),
        has_link: r.get(30)?,
        offline: r.get(31)?,
        access_count: r.get(32)?,
        last_access_at: r.get(33)?,
        reissue_requested_at: r.get(34)?,
        reissue_open: r.get(35)?,
    })
}

/// A staging about to be sent.
pub struct Pending<'a> {
    pub encounter_id: i64,
    pub key: &'a str,
    pub variant: Barcode,
    pub user_mrn: Option<&'a str>,
    pub pmt: Option<&'a str>,
    pub leave_out: &'a [SectionKind],
    pub replaces: Option<i64>,
    pub shl_mode: ShlMode,
}

impl Store {
    pub fn staging_by_key(&self, key: &str) -> Result<Option<Staging>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {STAGING_COLS} FROM stagings s JOIN encounters e ON e.id = s.encounter_id WHERE s.idem_key = ?1"),
                params![key],
                staging_row,
            )
            .optional()?)
    }

    pub fn staging(&self, id: i64) -> Result<Option<Staging>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {STAGING_COLS} FROM stagings s JOIN encounters e ON e.id = s.encounter_id WHERE s.id = ?1"),
                params![id],
                staging_row,
            )
            .optional()?)
    }

    /// The staging whose code is `raz_id` (grouped, as stored).
    pub fn staging_by_code(&self, raz_id: &str) -> Result<Option<Staging>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {STAGING_COLS} FROM stagings s JOIN encounters e ON e.id = s.encounter_id WHERE s.raz_id = ?1 ORDER BY s.id DESC LIMIT 1"),
                params![raz_id],
                staging_row,
            )
            .optional()?)
    }

    /// Records a staging before it is sent (the outbox entry).
    pub fn add_pending(&self, p: &Pending, now: i64) -> Result<Staging> {
        self.conn.execute(
            "INSERT INTO stagings(encounter_id, idem_key, variant, user_mrn, pmt, leave_out, status, created, updated, replaces, shl_mode)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?7, ?8, ?9)",
            params![p.encounter_id, p.key, p.variant.variant(), p.user_mrn, p.pmt, leave_out_text(p.leave_out), now, p.replaces, p.shl_mode.name()],
        )?;
        let id = self.conn.last_insert_rowid();
        Ok(self
            .staging(id)?
            .ok_or(rusqlite::Error::QueryReturnedNoRows)?)
    }

    /// Back to pending for another attempt, with what is to be sent this time.
    pub fn requeue(
        &self,
        id: i64,
        variant: Barcode,
        user_mrn: Option<&str>,
        pmt: Option<&str>,
        now: i64,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE stagings SET status = 'pending', variant = ?2, user_mrn = ?3, pmt = ?4, errorcode = NULL, errormsg = NULL, updated = ?5 WHERE id = ?1 AND status != 'staged'",
            params![id, variant.variant(), user_mrn, pmt, now],
        )?;
        Ok(())
    }

    pub fn attempt(&self, id: i64, now: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE stagings SET attempts = attempts + 1, updated = ?2 WHERE id = ?1",
            params![id, now],
        )?;
        Ok(())
    }

    pub fn mark_staged(&self, id: i64, c: &StagedCode, now: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE stagings SET status = 'staged', raz_id = ?2, raz_image = ?3, raz_uri = ?4, pmt_valid = ?5,
               pay_online = ?7, shl_sealed = ?8, shl_passcode_sealed = ?9,
               errorcode = NULL, errormsg = NULL, updated = ?6 WHERE id = ?1",
            params![id, c.raz_id, c.raz_image, c.raz_uri, c.pmt_valid, now, c.pay_online, c.shl, c.shl_passcode],
        )?;
        Ok(())
    }

    /// A staging's sealed SMART Health Link and passcode, when it has them.
    pub fn sealed_link(&self, id: i64) -> Result<SealedLink> {
        Ok(self
            .conn
            .query_row(
                "SELECT shl_sealed, shl_passcode_sealed FROM stagings WHERE id = ?1",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((None, None)))
    }

    pub fn set_image(&self, id: i64, path: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE stagings SET image_path = ?2 WHERE id = ?1",
            params![id, path],
        )?;
        Ok(())
    }

    /// A failure the gateway answered: it will not succeed by sending again as is.
    pub fn mark_failed(&self, id: i64, code: &str, message: &str, now: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE stagings SET status = 'failed', errorcode = ?2, errormsg = ?3, updated = ?4 WHERE id = ?1",
            params![id, code, message, now],
        )?;
        Ok(())
    }

    /// A failure on the way (no answer): the staging stays in the outbox.
    pub fn note_waiting(&self, id: i64, message: &str, now: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE stagings SET errormsg = ?2, updated = ?3 WHERE id = ?1 AND status = 'pending'",
            params![id, message, now],
        )?;
        Ok(())
    }

    pub fn outbox(&self) -> Result<Vec<Staging>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {STAGING_COLS} FROM stagings s JOIN encounters e ON e.id = s.encounter_id WHERE s.status = 'pending' ORDER BY s.id"
        ))?;
        let rows = st.query_map([], staging_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every staging matching `search` (name, MRN, code), newest first.
    pub fn history(&self, search: Option<&str>) -> Result<Vec<Staging>> {
        self.history_page(search, usize::MAX)
    }

    /// Stagings matching `search` (name, MRN, code), newest first, at most `limit`.
    pub fn history_page(&self, search: Option<&str>, limit: usize) -> Result<Vec<Staging>> {
        let q = search.map(str::trim).filter(|q| !q.is_empty());
        let (filter, matching) = match q.map(Search::new) {
            // The newest matching encounters (twice the page, as an encounter
            // may have been staged more than once) and the newest matching codes.
            Some(Search::Trigram(m)) => (
                "s.id IN (
                   SELECT m.id FROM stagings m WHERE m.encounter_id IN (
                     SELECT rowid FROM encounters_fts WHERE encounters_fts MATCH '{patient_name patient_mrn} : ' || ?1
                     ORDER BY rowid DESC LIMIT ?3)
                   UNION
                   SELECT rowid FROM stagings_fts WHERE stagings_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2)",
                m,
            ),
            Some(Search::Like(l)) => (
                "(e.patient_name LIKE ?1 ESCAPE '\\' OR e.patient_mrn LIKE ?1 ESCAPE '\\' OR s.raz_id LIKE ?1 ESCAPE '\\') AND ?3 = ?3",
                l,
            ),
            None => ("?1 = ?1 AND ?3 = ?3", String::new()),
        };
        let mut st = self.conn.prepare(&format!(
            "SELECT {STAGING_COLS} FROM stagings s JOIN encounters e ON e.id = s.encounter_id
             WHERE {filter} ORDER BY s.id DESC LIMIT ?2"
        ))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let encounters = limit.saturating_mul(2);
        let rows = st.query_map(params![matching, limit, encounters], staging_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// The sections left out as the stagings table keeps them: their keys,
/// sorted, without repeats, joined by commas.
fn leave_out_text(kinds: &[SectionKind]) -> String {
    let mut keys: Vec<String> = kinds.iter().map(SectionKind::key).collect();
    keys.sort();
    keys.dedup();
    keys.join(",")
}

/// The sections a stored list names (the desk wrote it; a key it no longer
/// knows is passed over).
fn leave_out_read(text: &str) -> Vec<SectionKind> {
    text.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .filter_map(SectionKind::parse)
        .collect()
}

/// The sections left out, in a staging's JSON as they always were: one string.
fn leave_out_words<S: serde::Serializer>(
    kinds: &[SectionKind],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&leave_out_text(kinds))
}
