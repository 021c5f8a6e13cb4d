//! What the app's screens show, computed here so that the shell only passes
//! it on: the worklist, a preview of exactly what a stage sends, the code screen.

use crate::error::Result;
use crate::staging::{parse_leave_out, record_to_send};
use crate::store::{Encounter, Staging};
use crate::Desk;
use base64::Engine;
use razcode_protocol::{PaymentRequest, RazId, CODE_TTL_DAYS};
use serde::Serialize;
use serde_json::Value;

/// The most rows a list screen shows (newest first); a search finds the rest.
pub const SCREEN_ROWS: usize = 500;

/// The encounter screen's preview.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub encounter: Encounter,
    /// Every section of the record (the leave-out choices), as `her check` reads them.
    pub sections: Value,
    /// What would be sent, read back as the gateway reads it.
    pub sent: Value,
    /// What would be sent in plain words, in the app's language: dates,
    /// units, sex and section titles as people write them.
    pub words: Option<razcode_lang::HerWords>,
    pub bytes: usize,
    pub patient: PatientLink,
    /// The language its receipt and email would be in (the patient's, else
    /// the clinic's): the encounter screen's choice starts there.
    pub language: crate::languages::Language,
}

#[derive(Debug, Clone, Serialize)]
pub struct PatientLink {
    pub mrn: Option<String>,
    /// The patient's HealthJibe account is linked: a code can be bound to it.
    pub linked: bool,
}

/// The code screen: only a staged code has one.
#[derive(Debug, Clone, Serialize)]
pub struct CodeScreen {
    pub staging: Staging,
    pub raz_id: String,
    /// `7KQ2-M9XD-4HRB`.
    pub grouped: String,
    /// The barcode as a `data:` URL.
    pub barcode: Option<String>,
    pub barcode_kind: &'static str,
    pub uri: Option<String>,
    pub expires: String,
    /// `25.00 USD` when a valid payment request was staged.
    pub amount: Option<String>,
    /// Receipts made so far (a reprint says COPY).
    pub receipts: i64,
    /// The QR carries a SMART Health Link: health apps can scan it.
    pub health_apps: bool,
    /// The link's passcode, when it has one (staff may read it out; the
    /// receipt prints it on a page of its own).
    pub shl_passcode: Option<String>,
    /// The language its receipts and emails are in.
    pub language: crate::languages::Language,
    /// Its receipts print large (18 pt and more).
    pub large_print: bool,
    /// v1.2: printed offline; the code works once its stage, waiting in the
    /// outbox, reaches the gateway.
    pub offline: bool,
}

impl Desk {
    /// The worklist: encounters that came in since `since` (the desk's local
    /// midnight, from the UI) and any older one that has no code yet, so that
    /// nothing unfinished drops off the list overnight. `None`: every encounter.
    pub fn worklist(&self, search: Option<&str>, since: Option<i64>) -> Result<Vec<Encounter>> {
        Ok(self.store.worklist(search, since, SCREEN_ROWS)?)
    }

    /// Exactly what a stage of this encounter would send, read back as the
    /// gateway would read it; and every section of the record, for the
    /// leave-out choices.
    pub fn preview(&self, encounter_id: i64, leave_out: &[String]) -> Result<Preview> {
        let enc = self.encounter(encounter_id)?;
        let leave_out = parse_leave_out(leave_out.iter().map(String::as_str))?;
        let sent = record_to_send(&enc.her, &enc.kind, &leave_out)?;
        let all = razcode_her::check_json(&enc.her);
        let patient = match enc.patient_mrn.as_deref() {
            Some(m) => self.store.patient(m)?,
            None => None,
        };
        let words = razcode_lang::her_in_words(
            self.app_language()?,
            &sent,
            &razcode_lang::TimeZone::system(),
        );
        Ok(Preview {
            words,
            sections: all["sections"].clone(),
            sent: razcode_her::check_json(&sent),
            bytes: sent.len(),
            patient: PatientLink {
                mrn: enc.patient_mrn.clone(),
                linked: patient.map(|p| p.linked).unwrap_or(false),
            },
            language: self.encounter_language(enc.id)?,
            encounter: enc,
        })
    }

    /// What the code screen shows for a staging: only a staged one has a code.
    pub fn code_screen(&self, staging_id: i64) -> Result<CodeScreen> {
        let s = self.staged(staging_id)?;
        let raz = s.raz_id.clone().unwrap_or_default();
        let grouped = RazId::parse(&raz)
            .map(|r| r.grouped())
            .unwrap_or_else(|_| raz.to_string());
        let mut qr = s.variant == crate::links::Barcode::Qr;
        let barcode = match &s.image_path {
            Some(_) => {
                let bytes = self.barcode_bytes(&s)?;
                // A PNG is a QR drawn here (also for a Tag code with a link).
                qr = bytes.starts_with(&[0x89, b'P', b'N', b'G']);
                let mime = if qr { "image/png" } else { "image/jpeg" };
                Some(format!(
                    "data:{mime};base64,{}",
                    base64::engine::general_purpose::STANDARD.encode(&bytes)
                ))
            }
            None => None,
        };
        let link = self.code_link(s.id)?;
        let amount = s
            .pmt
            .as_deref()
            .filter(|_| s.bill_shown())
            .and_then(|p| PaymentRequest::parse(p).ok())
            .map(|p| format!("{} {}", p.amount, p.currency));
        Ok(CodeScreen {
            raz_id: raz,
            grouped,
            barcode,
            barcode_kind: if qr { "QR code" } else { "Tag" },
            uri: s.raz_uri.clone(),
            expires: crate::clock::date(s.updated + CODE_TTL_DAYS * 86_400),
            amount,
            receipts: self.store.receipts_made(s.id)?,
            health_apps: link.is_some(),
            shl_passcode: link.and_then(|l| l.passcode),
            language: self.staging_language(s.id)?,
            large_print: self.large_print(s.id)?,
            offline: s.printed_offline(),
            staging: s,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::QuickEntry;

    #[test]
    fn the_worklist_keeps_what_has_no_code_yet() {
        let dir = tempfile::tempdir().expect("tempdir");
        let desk = Desk::open(dir.path()).expect("desk");
        let entry = |given: &str| QuickEntry {
            format: "ccr".into(),
            given: given.into(),
            family: "Ng".into(),
            ..QuickEntry::default()
        };
        let done = desk
            .import_text("t", &entry("Done").record("C").expect("ccr"))
            .expect("import")
            .encounter;
        let open = desk
            .import_text("t", &entry("Open").record("C").expect("ccr"))
            .expect("import")
            .encounter;
        let s = desk
            .store
            .add_pending(
                &crate::store::Pending {
                    encounter_id: done.id,
                    key: "k",
                    variant: crate::links::Barcode::Qr,
                    user_mrn: None,
                    pmt: None,
                    leave_out: &[],
                    replaces: None,
                    shl_mode: crate::links::ShlMode::Off,
                },
                desk.now(),
            )
            .expect("pending");
        desk.store
            .mark_staged(
                s.id,
                &crate::store::StagedCode {
                    raz_id: "ABCD1234EFGH",
                    raz_image: None,
                    raz_uri: Some("u"),
                    pmt_valid: false,
                    pay_online: None,
                    shl: None,
                    shl_passcode: None,
                },
                desk.now(),
            )
            .expect("staged");
        let ids = |since| -> Vec<i64> {
            desk.worklist(None, since)
                .expect("worklist")
                .iter()
                .map(|e| e.id)
                .collect()
        };
        // Both came in today.
        assert_eq!(ids(Some(desk.now() - 60)), vec![open.id, done.id]);
        // From yesterday's list, only the one without a code stays.
        assert_eq!(ids(Some(desk.now() + 86_400)), vec![open.id]);
        assert_eq!(ids(None).len(), 2);
    }
}
