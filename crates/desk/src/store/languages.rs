//! The languages kept with stagings and patients (BCP 47 tags).

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
}
