//! Encounters (one imported record per visit) and patients: adding, finding,
//! the worklist and searches by trigram full-text indexes.

use super::{Result, StagingStatus, Store};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

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
pub struct Patient {
    pub mrn: String,
    pub name: Option<String>,
    pub date_of_birth: Option<String>,
    pub email: Option<String>,
    #[serde(skip)]
    pub user_token: Option<String>,
    pub linked: bool,
}

pub(super) const ENCOUNTER_COLS: &str = "e.id, e.source, e.kind, e.her, e.her_sha256, e.patient_name, e.patient_mrn, e.visit_date, e.summary, e.created, (SELECT status FROM stagings s WHERE s.encounter_id = e.id ORDER BY s.id DESC LIMIT 1)";

pub(super) fn encounter_row(r: &rusqlite::Row) -> rusqlite::Result<Encounter> {
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
pub(super) enum Search {
    /// An FTS5 phrase: the text in double quotes, its quotes doubled.
    Trigram(String),
    /// A LIKE pattern.
    Like(String),
}

impl Search {
    pub(super) fn new(q: &str) -> Search {
        if q.chars().count() >= 3 {
            Search::Trigram(format!("\"{}\"", q.replace('"', "\"\"")))
        } else {
            Search::Like(like(q))
        }
    }
}

/// A LIKE pattern for a search, with its wildcards escaped.
pub(super) fn like(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
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
}

#[cfg(test)]
mod tests {
    use super::super::*;

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
                    variant: crate::links::Barcode::Qr,
                    user_mrn: None,
                    pmt: None,
                    leave_out: &[],
                    replaces: None,
                    shl_mode: crate::links::ShlMode::Off,
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
