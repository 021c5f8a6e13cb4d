//! The core's answers as typed, serialisable reports: the CLI prints them as
//! JSON (their keys are its stable interface) and the app hands them to the UI
//! as they are, so both shells say the same thing.

use crate::error::DeskError;
use crate::store::{Delivery, Staging, StagingStatus};
use serde::Serialize;

/// An error as JSON: `{"message", "errorcode"}`.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorReport {
    pub message: String,
    /// The gateway's errorcode, when it answered one.
    pub errorcode: Option<String>,
}

impl From<&DeskError> for ErrorReport {
    fn from(e: &DeskError) -> ErrorReport {
        ErrorReport {
            message: e.to_string(),
            errorcode: e.errorcode().map(str::to_string),
        }
    }
}

/// What one stage came to (`razdesk stage --json`): the code only with
/// `ACK=Success`.
#[derive(Debug, Clone, Serialize)]
pub struct StageOutcome {
    /// `Success`, `Failure` when the gateway refused it, none when it did not answer.
    pub ack: Option<&'static str>,
    pub staging_id: i64,
    pub encounter_id: i64,
    pub status: StagingStatus,
    pub raz_id: Option<String>,
    /// The saved barcode image.
    pub image: Option<String>,
    /// `valid` or `invalid`, as the gateway judged the payment request.
    pub pmt: Option<&'static str>,
    pub errorcode: Option<String>,
    pub errormsg: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raz_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raz_image: Option<String>,
    /// What staff should know about a code that was made: a SMART Health Link
    /// asked for that the gateway did not make, or a code printed offline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    /// v1.2: the code is a reserved one, given while the gateway could not be
    /// reached; it works once the stage waiting in the outbox reaches it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub offline: bool,
}

/// The words for a link asked for and not made (a gateway without the v1.1
/// extension ignores `razcode_shl`).
/// The words for a code printed while the gateway could not be reached.
pub const OFFLINE: &str = "Printed offline; it will work once the desk is back online. The visit waits in the outbox and goes when the gateway answers.";

pub const NO_LINK: &str = "This gateway made no SMART Health Link (it does not offer them): the code works, and its QR code holds only the redemption address.";

impl StageOutcome {
    pub fn new(s: &Staging, err: Option<&DeskError>) -> StageOutcome {
        let staged = s.status == StagingStatus::Staged;
        let offline = s.printed_offline();
        // A code is shown once the gateway gave it: staged, or reserved for
        // a checkout printed offline.
        let has_code = staged || offline;
        let when_staged = |v: &Option<String>| if has_code { v.clone() } else { None };
        let refused = err.and_then(DeskError::errorcode).is_some();
        StageOutcome {
            ack: match (staged, refused) {
                (true, _) => Some("Success"),
                (false, true) => Some("Failure"),
                (false, false) => None,
            },
            staging_id: s.id,
            encounter_id: s.encounter_id,
            status: s.status,
            raz_id: when_staged(&s.raz_id),
            image: when_staged(&s.image_path),
            pmt: s
                .pmt_valid
                .filter(|_| staged)
                .map(|v| if v { "valid" } else { "invalid" }),
            errorcode: err
                .and_then(|e| e.errorcode().map(str::to_string))
                .or_else(|| s.errorcode.clone()),
            errormsg: err.map(|e| e.to_string()).or_else(|| s.errormsg.clone()),
            raz_uri: when_staged(&s.raz_uri),
            raz_image: when_staged(&s.raz_image),
            notice: if offline {
                Some(OFFLINE.to_string())
            } else {
                (staged && s.shl_mode != crate::links::ShlMode::Off && !s.has_link)
                    .then(|| NO_LINK.to_string())
            },
            offline,
        }
    }
}

/// One staging sent again: its outcome, or the error when nothing was recorded.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Retried {
    Staging(StageOutcome),
    Error { ok: bool, error: ErrorReport },
}

/// One waiting email sent again.
#[derive(Debug, Clone, Serialize)]
pub struct EmailRetried {
    pub delivery: i64,
    pub ok: bool,
    pub error: Option<String>,
}

/// `razdesk outbox --retry`: everything that waited, sent again.
#[derive(Debug, Clone, Serialize)]
pub struct RetryReport {
    /// Every staging and email went.
    pub ok: bool,
    pub results: Vec<Retried>,
    pub emails: Vec<EmailRetried>,
    /// Voids that waited for the gateway.
    pub voids: Vec<VoidRetried>,
    /// What still waits.
    pub waiting: usize,
}

/// `razdesk outbox`: what waits to be sent.
#[derive(Debug, Clone, Serialize)]
pub struct Waiting {
    /// Stagings that could not reach the gateway.
    pub outbox: Vec<Staging>,
    /// Emails that could not be sent yet.
    pub emails: Vec<Delivery>,
    /// Voids the gateway has not confirmed yet.
    pub voids: Vec<Staging>,
}

/// A staging in history, with its receipts' deliveries (prints, emails, files).
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    #[serde(flatten)]
    pub staging: Staging,
    pub deliveries: Vec<Delivery>,
    /// `pending`, `issued`, `claimed`, `expired` or `voided` (see [`crate::lifecycle::shown_state`]).
    pub state: Option<&'static str>,
    /// `paid`, `unpaid` or `overdue` when a valid bill was staged (see [`crate::lifecycle::shown_payment`]).
    pub payment: Option<&'static str>,
}

/// What a refresh of the codes' states did.
#[derive(Debug, Clone, Serialize)]
pub struct Refreshed {
    /// Codes asked about.
    pub checked: usize,
    /// Codes whose state or payment changed.
    pub changed: usize,
    /// Why the refresh stopped, if it did (the states shown are the last known).
    pub error: Option<ErrorReport>,
}

/// One waiting void sent again.
#[derive(Debug, Clone, Serialize)]
pub struct VoidRetried {
    pub staging_id: i64,
    pub ok: bool,
    pub error: Option<String>,
}
