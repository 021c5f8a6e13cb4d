//! Who opened a code's record (protocol v1.2 `/gateway/accesses`): the list
//! the gateway keeps, for staff to read, and its count kept with the code.

use crate::client::Signed;
use crate::error::{DeskError, Result};
use crate::store::Staging;
use crate::Desk;
use razcode_lang::Language;
use razcode_protocol::params::RAZ_ID;
use razcode_protocol::{paths, RazId};
use serde::Serialize;

/// A code's accesses, oldest first.
#[derive(Debug, Clone, Serialize)]
pub struct CodeAccesses {
    pub staging_id: i64,
    pub raz_id: String,
    pub accesses: Vec<razcode_protocol::accesses::Access>,
}

/// One access as people read it.
#[derive(Debug, Clone, Serialize)]
pub struct AccessShown {
    /// RFC 3339, as the gateway sent it.
    pub at: String,
    pub event: String,
    pub recipient: Option<String>,
    /// The time as the language writes it, in this computer's time zone.
    pub when: String,
    /// What happened, in the language (the words the patient's page uses).
    pub words: String,
}

impl CodeAccesses {
    /// Each access in `lang`'s words, oldest first.
    pub fn in_words(&self, lang: Language) -> Vec<AccessShown> {
        self.accesses
            .iter()
            .map(|a| {
                let when = time::OffsetDateTime::parse(
                    &a.at,
                    &time::format_description::well_known::Rfc3339,
                )
                .map(|t| razcode_lang::date_time(lang, t.unix_timestamp()))
                .unwrap_or_else(|_| a.at.clone());
                let words = razcode_lang::text_with(
                    lang,
                    &format!("page-access-{}", a.event),
                    &[("recipient", a.recipient.as_deref().unwrap_or("-"))],
                );
                AccessShown {
                    at: a.at.clone(),
                    event: a.event.clone(),
                    recipient: a.recipient.clone(),
                    when,
                    words,
                }
            })
            .collect()
    }
}

impl Desk {
    /// A staging named by its number, or by the RAZCODE ID this desk issued.
    pub fn staging_of(&self, code: &str) -> Result<Staging> {
        let code = code.trim();
        if let Ok(id) = code.parse::<i64>() {
            return self.staging(id);
        }
        let unknown = || DeskError::UnknownCode(code.to_string());
        let id = RazId::parse(code).map_err(|_| unknown())?;
        self.store
            .staging_by_code(&id.grouped())?
            .ok_or_else(unknown)
    }

    /// Asks the gateway who opened the code's record; keeps the count and
    /// the last time with the staging.
    pub async fn accesses(&self, code: &str) -> Result<CodeAccesses> {
        let s = self.staging_of(code)?;
        let raz_id = s.raz_id.clone().ok_or(DeskError::NoCodeYet(s.id))?;
        let token = self.practice_token()?;
        let url = format!("{}{}", self.settings()?.api_base, paths::ACCESSES);
        let mut client = self.client()?;
        let answer = client
            .accesses(&Signed::practice(
                &url,
                vec![(RAZ_ID, raz_id.clone())],
                &token,
            ))
            .await;
        self.remember_offset(&client)?;
        let answer = answer?;
        let last = answer.accesses.last().map(|a| a.at.as_str());
        self.store
            .set_accesses(s.id, answer.accesses.len() as i64, last)?;
        Ok(CodeAccesses {
            staging_id: s.id,
            raz_id,
            accesses: answer.accesses,
        })
    }
}
