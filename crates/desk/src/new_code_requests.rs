//! Patients' requests for a new code (protocol v1.2): a patient whose code
//! lapsed, was withdrawn or was used up asks the clinic on the code's page;
//! status reports the request (its time, the address given and a note). The
//! desk keeps it sealed with the staging, lists what waits, and answers it in
//! one action: the same encounter staged again under a new code (the old one
//! voided unless it already was), the new code emailed to the address the
//! patient gave, and printed when staff choose.

use crate::error::{DeskError, Result};
use crate::store::Staging;
use crate::words::Words;
use crate::{secret, Desk};
use razcode_protocol::CodeStatus;
use serde::Serialize;

/// How long after its staging a lapsed or withdrawn code is still asked
/// about: its 30 days and 90 more for the patient to ask.
pub const WATCH_SECS: i64 = 120 * 86_400;

/// A request that waits for an answer.
#[derive(Debug, Clone, Serialize)]
pub struct Request {
    pub staging_id: i64,
    pub raz_id: Option<String>,
    pub patient_name: Option<String>,
    /// RFC 3339, as the gateway sent it.
    pub requested_at: String,
    pub email: String,
    pub note: Option<String>,
}

/// A request answered: the new code's staging, where it was emailed, the
/// print job when printed.
#[derive(Debug, Clone, Serialize)]
pub struct Answered {
    pub staging: Staging,
    pub emailed_to: String,
    pub printed: Option<String>,
}

impl Desk {
    /// Keeps what status said of a request, sealed with the staging; a
    /// request already kept is not written again.
    pub(crate) fn keep_request(&self, s: &Staging, st: &CodeStatus) -> Result<()> {
        let (Some(at), Some(email)) = (&st.reissue_requested_at, &st.reissue_email) else {
            return Ok(());
        };
        if s.reissue_requested_at.as_deref() == Some(at.as_str()) {
            return Ok(());
        }
        let row = s.id.to_string();
        let email = self.seal(secret::REISSUE_EMAIL, &row, email)?;
        let note = st
            .reissue_note
            .as_deref()
            .map(|n| self.seal(secret::REISSUE_NOTE, &row, n))
            .transpose()?;
        self.store
            .set_reissue_request(s.id, at, &email, note.as_deref())?;
        self.audit(
            "request",
            &format!("staging {}: the patient asked for a new code", s.id),
        );
        Ok(())
    }

    /// The requests that wait, newest first.
    pub fn requests(&self) -> Result<Vec<Request>> {
        self.store
            .open_requests()?
            .into_iter()
            .map(|s| self.request_of(&s))
            .collect()
    }

    fn request_of(&self, s: &Staging) -> Result<Request> {
        let (email, note) = self.store.sealed_request(s.id)?;
        let row = s.id.to_string();
        let email = email
            .map(|e| self.unseal(secret::REISSUE_EMAIL, &row, &e))
            .transpose()?
            .unwrap_or_default();
        Ok(Request {
            staging_id: s.id,
            raz_id: s.raz_id.clone(),
            patient_name: s.patient_name.clone(),
            requested_at: s.reissue_requested_at.clone().unwrap_or_default(),
            email,
            note: note
                .map(|n| self.unseal(secret::REISSUE_NOTE, &row, &n))
                .transpose()?,
        })
    }

    /// Answers a staging's request: a new code for the same encounter
    /// (voiding the old one unless it was), emailed to the address the
    /// patient gave; printed too when `print`.
    pub async fn answer_request(&self, staging_id: i64, print: bool) -> Result<Answered> {
        let s = self.staging(staging_id)?;
        if !s.reissue_open {
            return Err(DeskError::Input(
                Words::new("desk-no-request").with("id", staging_id),
            ));
        }
        let request = self.request_of(&s)?;
        let staged = self
            .reissue(staging_id, Some("The patient asked for a new code."))
            .await
            .map_err(|(_, e)| e)?;
        // Answered once the new code exists: an email that fails is in the
        // outbox for that code, not a reason to make another.
        self.store
            .set_request_answered(staging_id, &request.requested_at)?;
        let format = self.receipt_format()?;
        self.email_receipt(staged.id, &request.email, format)
            .await?;
        let printed = match print {
            true => Some(self.print_receipt(staged.id, None, format)?),
            false => None,
        };
        self.audit(
            "request",
            &format!(
                "staging {staging_id}: the new code (staging {}) was emailed to the patient",
                staged.id
            ),
        );
        Ok(Answered {
            staging: self.staging(staged.id)?,
            emailed_to: request.email,
            printed,
        })
    }
}
