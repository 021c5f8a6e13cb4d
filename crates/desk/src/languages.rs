//! Which language a patient reads: the one staff chose for a staging, else
//! the patient's, else the clinic's default, else English. The staff app's own
//! language is a setting of its own.

use crate::error::{DeskError, Result};
use crate::keys;
use crate::words::Words;
use crate::Desk;
pub use razcode_lang::Language;

/// A BCP 47 tag we have, or an error that lists the ones there are.
pub fn parse(tag: &str) -> Result<Language> {
    Language::parse(tag)
        .map_err(|e| DeskError::Input(Words::new("desk-not-a-language").with("cause", e)))
}

/// A language in a menu: its tag and its own name.
#[derive(Debug, serde::Serialize)]
pub struct MenuItem {
    pub tag: &'static str,
    pub name: String,
}

/// Every language receipts speak (for menus).
pub fn menu() -> Vec<MenuItem> {
    Language::ALL
        .iter()
        .map(|l| MenuItem {
            tag: l.tag(),
            name: l.name(),
        })
        .collect()
}

/// The staff app's texts in `lang` (its `app-` messages; English where one
/// is missing).
pub fn app_messages(lang: Language) -> std::collections::BTreeMap<String, String> {
    razcode_lang::messages_with_prefix(lang, "app-")
}

fn stored(tag: Option<String>) -> Option<Language> {
    tag.and_then(|t| Language::parse(&t).ok())
}

impl Desk {
    /// The clinic's default language for receipts and emails.
    pub fn set_clinic_language(&self, lang: Language) -> Result<Language> {
        self.store.set_setting(keys::CLINIC_LANGUAGE, lang.tag())?;
        Ok(lang)
    }

    pub fn clinic_language(&self) -> Result<Language> {
        Ok(stored(self.store.setting(keys::CLINIC_LANGUAGE)?).unwrap_or_default())
    }

    /// The staff app's language (English or Spanish).
    pub fn set_app_language(&self, lang: Language) -> Result<Language> {
        if !Language::APP.contains(&lang) {
            return Err(DeskError::Input(
                Words::new("desk-app-languages")
                    .with("app", Language::APP.map(Language::tag).join(", "))
                    .with("receipts", Language::list()),
            ));
        }
        self.store.set_setting(keys::APP_LANGUAGE, lang.tag())?;
        Ok(lang)
    }

    pub fn app_language(&self) -> Result<Language> {
        Ok(stored(self.store.setting(keys::APP_LANGUAGE)?).unwrap_or_default())
    }

    /// Keeps the language a patient reads with the patient.
    pub fn set_patient_language(&self, mrn: &str, lang: Language) -> Result<Language> {
        self.store.set_patient_language(mrn.trim(), lang.tag())?;
        Ok(lang)
    }

    /// The patient's language, else the clinic's.
    pub fn patient_language(&self, mrn: Option<&str>) -> Result<Language> {
        match self.kept_patient_language(mrn)? {
            Some(l) => Ok(l),
            None => self.clinic_language(),
        }
    }

    fn kept_patient_language(&self, mrn: Option<&str>) -> Result<Option<Language>> {
        Ok(match mrn {
            Some(mrn) => stored(self.store.patient_language(mrn)?),
            None => None,
        })
    }

    /// The language an encounter's patient reads: kept with the patient, else
    /// the one the record names (a CCR's social history), else the clinic's.
    pub fn encounter_language(&self, encounter_id: i64) -> Result<Language> {
        let enc = self.store.encounter(encounter_id)?;
        let mrn = enc.as_ref().and_then(|e| e.patient_mrn.as_deref());
        if let Some(l) = self.kept_patient_language(mrn)? {
            return Ok(l);
        }
        let from_record = enc
            .as_ref()
            .filter(|e| e.kind == "ccr")
            .and_then(|e| razcode_her::ccr::patient_language(&e.her))
            .and_then(|name| Language::from_name(&name));
        match from_record {
            Some(l) => Ok(l),
            None => self.clinic_language(),
        }
    }

    /// The language a staging's receipts and emails are in: the one kept with
    /// it, else its patient's now.
    pub fn staging_language(&self, staging_id: i64) -> Result<Language> {
        if let Some(l) = stored(self.store.staging_language(staging_id)?) {
            return Ok(l);
        }
        let s = self.staging(staging_id)?;
        self.encounter_language(s.encounter_id)
    }

    /// Keeps the language chosen for a staging, and with its patient.
    pub fn keep_staging_language(&self, staging_id: i64, lang: Language) -> Result<()> {
        self.store.set_staging_language(staging_id, lang.tag())?;
        let s = self.staging(staging_id)?;
        if let Some(mrn) = self
            .store
            .encounter(s.encounter_id)?
            .and_then(|e| e.patient_mrn)
        {
            self.store.set_patient_language(&mrn, lang.tag())?;
        }
        Ok(())
    }

    /// Large print for a staging's receipts, kept with its patient too (their
    /// next codes print large as well).
    pub fn keep_large_print(&self, staging_id: i64, on: bool) -> Result<()> {
        let s = self.staging(staging_id)?;
        let mrn = self
            .store
            .encounter(s.encounter_id)?
            .and_then(|e| e.patient_mrn);
        Ok(self.store.set_large_print(staging_id, mrn.as_deref(), on)?)
    }

    /// The staging's receipts print large (chosen for it, or for its patient).
    pub fn large_print(&self, staging_id: i64) -> Result<bool> {
        Ok(self.store.large_print(staging_id)?)
    }

    /// The desk's time zone (the computer's): dates on screens and receipts.
    pub fn time_zone(&self) -> razcode_lang::TimeZone {
        razcode_lang::TimeZone::system()
    }
}
