//! What a patient reads in, kept with stagings and patients: the language
//! (BCP 47 tags) and large print.

use super::{Result, Store};
use rusqlite::{params, OptionalExtension};

impl Store {
    pub fn set_staging_language(&self, id: i64, tag: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE stagings SET language = ?2 WHERE id = ?1",
            params![id, tag],
        )?;
        Ok(())
    }

    pub fn staging_language(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT language FROM stagings WHERE id = ?1",
                params![id],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }

    /// Keeps the language with the patient (a patient not linked yet gets a row).
    pub fn set_patient_language(&self, mrn: &str, tag: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO patients(mrn, language) VALUES (?1, ?2)
             ON CONFLICT(mrn) DO UPDATE SET language = excluded.language",
            params![mrn, tag],
        )?;
        Ok(())
    }

    pub fn patient_language(&self, mrn: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT language FROM patients WHERE mrn = ?1",
                params![mrn],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }

    /// Large print for a staging's receipts, and with its patient's (a
    /// patient not linked yet gets a row).
    pub fn set_large_print(&self, staging_id: i64, mrn: Option<&str>, on: bool) -> Result<()> {
        self.conn.execute(
            "UPDATE stagings SET large_print = ?2 WHERE id = ?1",
            params![staging_id, on],
        )?;
        if let Some(mrn) = mrn {
            self.conn.execute(
                "INSERT INTO patients(mrn, large_print) VALUES (?1, ?2)
                 ON CONFLICT(mrn) DO UPDATE SET large_print = excluded.large_print",
                params![mrn, on],
            )?;
        }
        Ok(())
    }

    /// Large print: chosen for the staging, or kept with its patient.
    pub fn large_print(&self, staging_id: i64) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT s.large_print OR COALESCE(p.large_print, 0)
                 FROM stagings s JOIN encounters e ON e.id = s.encounter_id
                 LEFT JOIN patients p ON p.mrn = e.patient_mrn
                 WHERE s.id = ?1",
                params![staging_id],
                |r| r.get::<_, bool>(0),
            )
            .optional()?
            .unwrap_or(false))
    }
}
