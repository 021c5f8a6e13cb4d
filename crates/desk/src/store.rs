//! The desk's SQLite database: settings, sealed secrets, patients, encounters,
//! stagings (the outbox is the pending ones) and an audit log.

use razcode_migrate::{MigrateError, Migration, Probe};
use razcode_protocol::CodeState;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::path::Path;

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the desk's database failed: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("the database was written by a newer razdesk (schema {0}); update razdesk")]
    TooNew(i64),
}

impl From<MigrateError> for StoreError {
    fn from(e: MigrateError) -> StoreError {
        match e {
            MigrateError::Sql(e) => StoreError::Sql(e),
            MigrateError::TooNew { found, .. } => StoreError::TooNew(found),
        }
    }
}

mod codes;
mod deliveries;
mod languages;
mod status;

pub use deliveries::{Delivery, NewDelivery};
pub use status::{DeliveryStatus, StagingStatus};

/// The desk's schema, step by step, each with what shows it was applied (a
/// database an earlier release left with too old a version is mended by it).
const MIGRATIONS: &[Migration] = &[
    step(include_str!("schema.sql"), Probe::Table("stagings")),
    step(
        include_str!("schema2.sql"),
        Probe::Column("stagings", "receipts"),
    ),
    step(
        include_str!("schema3.sql"),
        Probe::TableSqlContains("deliveries", "'file'"),
    ),
    step(
        include_str!("schema4.sql"),
        Probe::Column("stagings", "state"),
    ),
    step(
        include_str!("schema5.sql"),
        Probe::Column("stagings", "pay_online"),
    ),
    step(
        include_str!("schema6.sql"),
        Probe::Index("stagings_by_encounter"),
    ),
    step(
        include_str!("schema7.sql"),
        Probe::Column("stagings", "shl_mode"),
    ),
    step(
        include_str!("schema8.sql"),
        Probe::Column("stagings", "language"),
    ),
];

const fn step(sql: &'static str, applied: Probe) -> Migration {
    Migration { sql, applied }
}

pub struct Store {
    conn: Connection,
}

#[derive(Debug, Clone, Serialize)]
pub struct Encounter {
    pub id: i64,
    pub source: String,
    pub kind: String,
    #[serde(skip)]
    pub her: String,
    pub her_sha256: String,
    pub patient_name: Option<String>,
    pub patient_mrn: Option<String>,
    pub visit_date: Option<String>,
    pub summary: String,
    pub created: i64,
    /// The status of its staging, if it was staged.
    pub staging: Option<StagingStatus>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Staging {
    pub id: i64,
    pub encounter_id: i64,
    #[serde(skip)]
    pub idem_key: String,
    pub variant: String,
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
    pub leave_out: String,
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
    pub shl_mode: String,
    /// The gateway's answer gave a SMART Health Link (kept sealed).
    pub has_link: bool,
}

/// A staging's link and passcode as sealed at rest.
pub type SealedLink = (Option<Vec<u8>>, Option<Vec<u8>>);

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

fn state_word<S: serde::Serializer>(
    s: &Option<CodeState>,
    ser: S,
) -> std::result::Result<S::Ok, S::Error> {
    match s {
        Some(c) => ser.serialize_some(c.as_str()),
        None => ser.serialize_none(),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Patient {
    pub mrn: String,
    pub name: Option<String>,
    pub date_of_birth: Option<String>,
    pub email: Option<String>,
    #[serde(skip)]
    pub user_token: Option<String>,
    pub linked: bool,
}

const STAGING_COLS: &str = "s.id, s.encounter_id, s.idem_key, s.variant, s.user_mrn, s.pmt, s.status, s.raz_id, s.raz_image, s.raz_uri, s.image_path, s.pmt_valid, s.errorcode, s.errormsg, s.attempts, s.created, s.updated, e.patient_name, s.leave_out, s.state, s.expires_at, s.claimed_at, s.voided_at, s.state_checked, s.void_reason, s.void_pending, s.replaces, s.pay_online, s.paid_at, s.shl_mode, s.shl_sealed IS NOT NULL";

fn staging_row(r: &rusqlite::Row) -> rusqlite::Result<Staging> {
    Ok(Staging {
        id: r.get(0)?,
        encounter_id: r.get(1)?,
        idem_key: r.get(2)?,
        variant: r.get(3)?,
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
        leave_out: r.get(18)?,
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
        shl_mode: r.get(29)?,
        has_link: r.get(30)?,
    })
}

const ENCOUNTER_COLS: &str = "e.id, e.source, e.kind, e.her, e.her_sha256, e.patient_name, e.patient_mrn, e.visit_date, e.summary, e.created, (SELECT status FROM stagings s WHERE s.encounter_id = e.id ORDER BY s.id DESC LIMIT 1)";

fn encounter_row(r: &rusqlite::Row) -> rusqlite::Result<Encounter> {
    Ok(Encounter {
        id: r.get(0)?,
        source: r.get(1)?,
        kind: r.get(2)?,
        her: r.get(3)?,
        her_sha256: r.get(4)?,
        patient_name: r.get(5)?,
        patient_mrn: r.get(6)?,
        visit_date: r.get(7)?,
        summary: r.get(8)?,
        created: r.get(9)?,
        staging: r.get(10)?,
    })
}

/// How a search is run: by the trigram index (three characters or more), or
/// by a LIKE scan for shorter text.
enum Search {
    /// An FTS5 phrase: the text in double quotes, its quotes doubled.
    Trigram(String),
    /// A LIKE pattern.
    Like(String),
}

impl Search {
    fn new(q: &str) -> Search {
        if q.chars().count() >= 3 {
            Search::Trigram(format!("\"{}\"", q.replace('"', "\"\"")))
        } else {
            Search::Like(like(q))
        }
    }
}

/// A LIKE pattern for a search, with its wildcards escaped.
fn like(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A staging about to be sent.
pub struct Pending<'a> {
    pub encounter_id: i64,
    pub key: &'a str,
    pub variant: &'a str,
    pub user_mrn: Option<&'a str>,
    pub pmt: Option<&'a str>,
    pub leave_out: &'a str,
    pub replaces: Option<i64>,
    pub shl_mode: &'a str,
}

pub struct NewEncounter<'a> {
    pub source: &'a str,
    pub kind: &'a str,
    pub her: &'a str,
    pub her_sha256: &'a str,
    pub patient_name: Option<&'a str>,
    pub patient_mrn: Option<&'a str>,
    pub visit_date: Option<&'a str>,
    pub summary: &'a str,
}

impl Store {
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_at(path, MIGRATIONS.len())
    }

    /// Opens the database at an older schema version: for tests of upgrades.
    #[doc(hidden)]
    pub fn open_at(path: &Path, version: usize) -> Result<Store> {
        let mut conn = razcode_migrate::connect(path)?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        razcode_migrate::migrate_to(&mut conn, MIGRATIONS, version)?;
        Ok(Store { conn })
    }

    pub fn setting(&self, name: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn set_setting(&self, name: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings(name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            params![name, value],
        )?;
        Ok(())
    }

    pub fn sealed(&self, name: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row(
                "SELECT sealed FROM secrets WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn set_sealed(&self, name: &str, sealed: &[u8]) -> Result<()> {
        self.conn.execute(
            "INSERT INTO secrets(name, sealed) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET sealed = excluded.sealed",
            params![name, sealed],
        )?;
        Ok(())
    }

    /// Runs `rebind` (column, row key, sealed value → the value to write
    /// instead, if any) over every sealed value, once: the first process to
    /// set the `sealed_bound` mark does it, in the same transaction.
    pub fn rebind_sealed<E: From<StoreError>>(
        &self,
        rebind: impl Fn(&str, &str, &[u8]) -> std::result::Result<Option<Vec<u8>>, E>,
    ) -> std::result::Result<(), E> {
        let sql = |e: rusqlite::Error| E::from(StoreError::Sql(e));
        let tx = self.conn.unchecked_transaction().map_err(sql)?;
        let marked = tx.execute(
            "INSERT INTO settings(name, value) VALUES ('sealed_bound', '1') ON CONFLICT(name) DO NOTHING",
            [],
        ).map_err(sql)?;
        if marked == 0 {
            return Ok(());
        }
        let secrets: Vec<(String, Vec<u8>)> = tx
            .prepare("SELECT name, sealed FROM secrets")
            .and_then(|mut q| q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .map_err(sql)?;
        for (name, sealed) in secrets {
            if let Some(bound) = rebind(crate::secret::SECRET, &name, &sealed)? {
                tx.execute(
                    "UPDATE secrets SET sealed = ?2 WHERE name = ?1",
                    params![name, bound],
                )
                .map_err(sql)?;
            }
        }
        for (place, column) in [
            (crate::secret::SHL, "shl_sealed"),
            (crate::secret::SHL_PASSCODE, "shl_passcode_sealed"),
        ] {
            let links: Vec<(i64, Vec<u8>)> = tx
                .prepare(&format!(
                    "SELECT id, {column} FROM stagings WHERE {column} IS NOT NULL"
                ))
                .and_then(|mut q| q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
                .map_err(sql)?;
            for (id, sealed) in links {
                if let Some(bound) = rebind(place, &id.to_string(), &sealed)? {
                    tx.execute(
                        &format!("UPDATE stagings SET {column} = ?2 WHERE id = ?1"),
                        params![id, bound],
                    )
                    .map_err(sql)?;
                }
            }
        }
        tx.commit().map_err(sql)?;
        Ok(())
    }

    pub fn audit(&self, at: i64, action: &str, detail: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO audit(at, action, detail) VALUES (?1, ?2, ?3)",
            params![at, action, detail],
        )?;
        Ok(())
    }

    pub fn audit_log(&self, limit: i64) -> Result<Vec<(i64, String, String)>> {
        let mut st = self
            .conn
            .prepare("SELECT at, action, detail FROM audit ORDER BY id DESC LIMIT ?1")?;
        let rows = st.query_map(params![limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds an encounter; an identical record already imported is returned instead.
    pub fn add_encounter(&self, e: &NewEncounter, now: i64) -> Result<(Encounter, bool)> {
        if let Some(existing) = self.encounter_by_hash(e.her_sha256)? {
            return Ok((existing, false));
        }
        self.conn.execute(
            "INSERT INTO encounters(source, kind, her, her_sha256, patient_name, patient_mrn, visit_date, summary, created)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![e.source, e.kind, e.her, e.her_sha256, e.patient_name, e.patient_mrn, e.visit_date, e.summary, now],
        )?;
        let id = self.conn.last_insert_rowid();
        Ok((
            self.encounter(id)?
                .ok_or(rusqlite::Error::QueryReturnedNoRows)?,
            true,
        ))
    }

    pub fn encounter(&self, id: i64) -> Result<Option<Encounter>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {ENCOUNTER_COLS} FROM encounters e WHERE e.id = ?1"),
                params![id],
                encounter_row,
            )
            .optional()?)
    }

    pub fn encounter_by_hash(&self, sha: &str) -> Result<Option<Encounter>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {ENCOUNTER_COLS} FROM encounters e WHERE e.her_sha256 = ?1"),
                params![sha],
                encounter_row,
            )
            .optional()?)
    }

    /// Every encounter matching `search` (name, MRN, visit date, summary, source), newest first.
    pub fn encounters(&self, search: Option<&str>) -> Result<Vec<Encounter>> {
        self.worklist(search, None, usize::MAX)
    }

    /// Encounters matching `search`, newest first, at most `limit`; with
    /// `since`, only those that came in since then and older ones whose latest
    /// staging has no code.
    pub fn worklist(
        &self,
        search: Option<&str>,
        since: Option<i64>,
        limit: usize,
    ) -> Result<Vec<Encounter>> {
        let mut cond = vec![];
        let q = search.map(str::trim).filter(|q| !q.is_empty());
        // A whole MRN (typed or scanned) is found by its index: identifiers
        // share long runs of characters that make a trigram search slow.
        if let Some(mrn) = q.filter(|q| self.mrn_exists(q).unwrap_or(false)) {
            let mut st = self.conn.prepare(&format!(
                "SELECT {ENCOUNTER_COLS} FROM encounters e WHERE e.patient_mrn = ?1
                   AND (?2 IS NULL OR e.created >= ?2 OR e.coded = 0)
                 ORDER BY e.id DESC LIMIT ?3"
            ))?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let rows = st.query_map(params![mrn, since, limit], encounter_row)?;
            return Ok(rows.collect::<rusqlite::Result<_>>()?);
        }
        let matching = match q.map(Search::new) {
            // Without a time filter, the index gives the newest matches first and
            // stops at the limit (many names and dates match thousands).
            Some(Search::Trigram(m)) if since.is_none() => {
                cond.push("e.id IN (SELECT rowid FROM encounters_fts WHERE encounters_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3)".to_string());
                m
            }
            Some(Search::Trigram(m)) => {
                cond.push(
                    "e.id IN (SELECT rowid FROM encounters_fts WHERE encounters_fts MATCH ?1)"
                        .to_string(),
                );
                m
            }
            Some(Search::Like(l)) => {
                cond.push("(e.patient_name LIKE ?1 ESCAPE '\\' OR e.patient_mrn LIKE ?1 ESCAPE '\\' OR e.visit_date LIKE ?1 ESCAPE '\\' OR e.summary LIKE ?1 ESCAPE '\\' OR e.source LIKE ?1 ESCAPE '\\')".to_string());
                l
            }
            None => String::new(),
        };
        if since.is_some() {
            // Two indexed sets (by time, and the partial index of uncoded ones).
            cond.push("(e.id IN (SELECT id FROM encounters WHERE created >= ?2) OR e.id IN (SELECT id FROM encounters WHERE coded = 0))".to_string());
        }
        let filter = match cond.is_empty() {
            true => "?1 = ?1 AND ?2 = ?2".to_string(),
            false => format!("{} AND ?2 = ?2", cond.join(" AND ")),
        };
        let mut st = self.conn.prepare(&format!(
            "SELECT {ENCOUNTER_COLS} FROM encounters e WHERE {filter} ORDER BY e.id DESC LIMIT ?3"
        ))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = st.query_map(params![matching, since.unwrap_or(0), limit], encounter_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// True when some encounter has exactly this MRN.
    fn mrn_exists(&self, mrn: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM encounters WHERE patient_mrn = ?1 LIMIT 1")?
            .exists(params![mrn])?)
    }

    pub fn upsert_patient(&self, mrn: &str, name: Option<&str>, dob: Option<&str>) -> Result<()> {
        self.conn.execute(
            "INSERT INTO patients(mrn, name, date_of_birth) VALUES (?1, ?2, ?3)
             ON CONFLICT(mrn) DO UPDATE SET name = COALESCE(excluded.name, name), date_of_birth = COALESCE(excluded.date_of_birth, date_of_birth)",
            params![mrn, name, dob],
        )?;
        Ok(())
    }

    pub fn link_patient(&self, mrn: &str, user_token: &str, now: i64) -> Result<()> {
        self.upsert_patient(mrn, None, None)?;
        self.conn.execute(
            "UPDATE patients SET user_token = ?2, linked_at = ?3 WHERE mrn = ?1",
            params![mrn, user_token, now],
        )?;
        Ok(())
    }

    pub fn patient(&self, mrn: &str) -> Result<Option<Patient>> {
        Ok(self
            .conn
            .query_row(
                "SELECT mrn, name, date_of_birth, email, user_token FROM patients WHERE mrn = ?1",
                params![mrn],
                |r| {
                    let token: Option<String> = r.get(4)?;
                    Ok(Patient {
                        mrn: r.get(0)?,
                        name: r.get(1)?,
                        date_of_birth: r.get(2)?,
                        email: r.get(3)?,
                        linked: token.is_some(),
                        user_token: token,
                    })
                },
            )
            .optional()?)
    }

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

    /// Records a staging before it is sent (the outbox entry).
    pub fn add_pending(&self, p: &Pending, now: i64) -> Result<Staging> {
        self.conn.execute(
            "INSERT INTO stagings(encounter_id, idem_key, variant, user_mrn, pmt, leave_out, status, created, updated, replaces, shl_mode)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?7, ?8, ?9)",
            params![p.encounter_id, p.key, p.variant, p.user_mrn, p.pmt, p.leave_out, now, p.replaces, p.shl_mode],
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
        variant: &str,
        user_mrn: Option<&str>,
        pmt: Option<&str>,
        now: i64,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE stagings SET status = 'pending', variant = ?2, user_mrn = ?3, pmt = ?4, errorcode = NULL, errormsg = NULL, updated = ?5 WHERE id = ?1 AND status != 'staged'",
            params![id, variant, user_mrn, pmt, now],
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

    /// Writes whose loss in a power cut costs nothing that matters (an
    /// attempt count, an audit line, the clock offset): committed without
    /// waiting for the disk (WAL with synchronous=NORMAL); they reach it with
    /// the next durable commit or checkpoint. Everything else stays FULL.
    pub fn relaxed<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        let out = f(self);
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        out
    }

    /// Several writes as one durable commit (one fsync instead of one each).
    pub fn together<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        let tx = self.conn.unchecked_transaction()?;
        let out = f(self)?;
        tx.commit()?;
        Ok(out)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn encounter(store: &Store, name: &str, mrn: &str, date: &str) -> i64 {
        let sha = format!("{name}{mrn}{date}");
        store
            .add_encounter(
                &NewEncounter {
                    source: "test",
                    kind: "omhe",
                    her: "bp=120/80",
                    her_sha256: &sha,
                    patient_name: Some(name),
                    patient_mrn: Some(mrn),
                    visit_date: Some(date),
                    summary: "Office visit",
                },
                0,
            )
            .unwrap()
            .0
            .id
    }

    #[test]
    fn searches_find_any_part_of_a_name_mrn_date_or_code() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("desk.db")).unwrap();
        let ana = encounter(&store, "Ana Ávila", "SB-1001", "2026-11-26");
        let wei = encounter(&store, "Wei Zhang 张", "SB-1002", "2026-12-01");
        let quote = encounter(&store, "O\"Neil", "Q-7", "2026-12-02");
        let ids = |q: &str| -> Vec<i64> {
            store
                .encounters(Some(q))
                .unwrap()
                .iter()
                .map(|e| e.id)
                .collect()
        };
        assert_eq!(ids("ávi"), vec![ana], "any part, any case");
        assert_eq!(ids("ÁVILA"), vec![ana]);
        assert_eq!(ids("1002"), vec![wei]);
        assert_eq!(ids("12-01"), vec![wei], "by the visit's date");
        assert_eq!(ids("O\"Ne"), vec![quote], "a quote is text, not syntax");
        assert_eq!(ids("张"), vec![wei], "shorter than three: the plain scan");
        assert_eq!(ids("Office").len(), 3);
        assert!(ids("nobody").is_empty());
        // A code, by any part of it, in history.
        let s = store
            .add_pending(
                &Pending {
                    encounter_id: ana,
                    key: "k",
                    variant: "url",
                    user_mrn: None,
                    pmt: None,
                    leave_out: "",
                    replaces: None,
                    shl_mode: "off",
                },
                0,
            )
            .unwrap();
        store
            .mark_staged(
                s.id,
                &StagedCode {
                    raz_id: "7KQ2-M9XD-4HRB",
                    raz_image: None,
                    raz_uri: None,
                    pmt_valid: false,
                    pay_online: None,
                    shl: None,
                    shl_passcode: None,
                },
                0,
            )
            .unwrap();
        let found = |q: &str| store.history(Some(q)).unwrap().len();
        assert_eq!(found("M9XD"), 1);
        assert_eq!(found("ávila"), 1);
        assert_eq!(found("SB-1001"), 1);
        assert_eq!(found("SB-1002"), 0, "Wei has no staging");
        assert_eq!(store.history_page(None, 0).unwrap().len(), 0);
    }
}
