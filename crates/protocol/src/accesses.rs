//! v1.2 `/gateway/accesses`: who opened a code's record, as the practice that
//! staged it (and the patient, on the record page) sees it.

use crate::answer::{AnswerError, Fields};
use crate::RazId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An access event, in the protocol's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessEvent {
    /// The code's page was opened.
    PageOpened,
    /// The patient claimed the record into their account.
    Claimed,
    /// The record's page was shown.
    RecordViewed,
    /// The record was downloaded as the clinic sent it.
    RecordDownloaded,
    /// The record was downloaded as a FHIR Bundle.
    FhirDownloaded,
    /// A SMART Health Link client asked for the manifest (with `recipient`).
    ShlManifest,
    /// A SMART Health Link client fetched the file by its address.
    ShlFile,
    /// A SMART Health Link client gave a wrong passcode.
    PasscodeRefused,
    /// The patient deleted the record.
    DeletedByPatient,
    /// The clinic withdrew the code.
    Voided,
    /// The patient asked the clinic for a new code.
    ReissueRequested,
}

impl AccessEvent {
    pub const ALL: [AccessEvent; 11] = [
        AccessEvent::PageOpened,
        AccessEvent::Claimed,
        AccessEvent::RecordViewed,
        AccessEvent::RecordDownloaded,
        AccessEvent::FhirDownloaded,
        AccessEvent::ShlManifest,
        AccessEvent::ShlFile,
        AccessEvent::PasscodeRefused,
        AccessEvent::DeletedByPatient,
        AccessEvent::Voided,
        AccessEvent::ReissueRequested,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccessEvent::PageOpened => "page_opened",
            AccessEvent::Claimed => "claimed",
            AccessEvent::RecordViewed => "record_viewed",
            AccessEvent::RecordDownloaded => "record_downloaded",
            AccessEvent::FhirDownloaded => "fhir_downloaded",
            AccessEvent::ShlManifest => "shl_manifest",
            AccessEvent::ShlFile => "shl_file",
            AccessEvent::PasscodeRefused => "passcode_refused",
            AccessEvent::DeletedByPatient => "deleted_by_patient",
            AccessEvent::Voided => "voided",
            AccessEvent::ReissueRequested => "reissue_requested",
        }
    }

    pub fn parse(s: &str) -> Option<AccessEvent> {
        AccessEvent::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// The record, or a file of it, left the gateway.
    pub fn is_disclosure(self) -> bool {
        matches!(
            self,
            AccessEvent::RecordViewed
                | AccessEvent::RecordDownloaded
                | AccessEvent::FhirDownloaded
                | AccessEvent::ShlManifest
                | AccessEvent::ShlFile
        )
    }
}

impl fmt::Display for AccessEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One access as the answer lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    /// RFC 3339.
    pub at: String,
    pub event: String,
    /// What a SMART Health Link client called itself (manifest requests only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
}

/// The answer's JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessesAnswer {
    #[serde(rename = "ACK")]
    pub ack: String,
    pub raz_id: String,
    pub accesses: Vec<Access>,
}

impl AccessesAnswer {
    pub fn new(raz_id: &RazId, accesses: Vec<Access>) -> AccessesAnswer {
        AccessesAnswer {
            ack: "Success".into(),
            raz_id: raz_id.grouped(),
            accesses,
        }
    }

    /// Reads an answer strictly: a success names a valid ID and known
    /// events; a failure (JSON or name/value pairs) is its errorcode and errormsg.
    pub fn decode(
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<Result<AccessesAnswer, (String, String)>, AnswerError> {
        if let Ok(a) = serde_json::from_slice::<AccessesAnswer>(body) {
            if a.ack != "Success" {
                return Err(AnswerError::BadAck(a.ack));
            }
            RazId::parse(&a.raz_id).map_err(|_| AnswerError::BadRazId(a.raz_id.clone()))?;
            if let Some(bad) = a
                .accesses
                .iter()
                .find(|e| AccessEvent::parse(&e.event).is_none())
            {
                return Err(AnswerError::Malformed(format!(
                    "unknown access event {:?}",
                    bad.event
                )));
            }
            return Ok(Ok(a));
        }
        let fields = Fields::read(content_type, body)?;
        match fields.get("ACK").as_deref() {
            Some("Failure") => Ok(Err((
                fields.get("errorcode").unwrap_or_default(),
                fields.get("errormsg").unwrap_or_default(),
            ))),
            Some("Success") => Err(AnswerError::Missing("accesses")),
            Some(other) => Err(AnswerError::BadAck(other.to_string())),
            None => Err(AnswerError::Missing("ACK")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_read_back_and_answers_are_read_strictly() {
        for e in AccessEvent::ALL {
            assert_eq!(AccessEvent::parse(e.as_str()), Some(e));
        }
        let id = RazId::parse("7KQ2-M9XD-4HRB").unwrap();
        let a = AccessesAnswer::new(
            &id,
            vec![Access {
                at: "2026-12-05T10:12:00Z".into(),
                event: "shl_manifest".into(),
                recipient: Some("Dana's app".into()),
            }],
        );
        let body = serde_json::to_vec(&a).unwrap();
        assert_eq!(
            AccessesAnswer::decode(Some("application/json"), &body),
            Ok(Ok(a))
        );
        let odd = br#"{"ACK":"Success","raz_id":"7KQ2-M9XD-4HRB","accesses":[{"at":"x","event":"peeked"}]}"#;
        assert!(AccessesAnswer::decode(Some("application/json"), odd).is_err());
        let failure = br#"{"ACK":"Failure","errorcode":"raz_id_unknown","errormsg":"no"}"#;
        assert_eq!(
            AccessesAnswer::decode(Some("application/json"), failure),
            Ok(Err(("raz_id_unknown".into(), "no".into())))
        );
    }
}
