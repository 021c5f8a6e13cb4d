//! v1.2 reserved codes: `POST /gateway/reserve` hands a practice IDs it may
//! print before the stage that issues them reaches the gateway (a receipt
//! printed while the gateway cannot be reached).

use crate::answer::{AnswerError, Fields};
use crate::RazId;
use serde::{Deserialize, Serialize};

/// Fewest and most IDs one request reserves.
pub const RESERVE_MIN: u32 = 1;
pub const RESERVE_MAX: u32 = 100;
/// How long an unused reserved ID is kept, in days.
pub const RESERVED_TTL_DAYS: i64 = 30;

/// One reserved ID as the answer lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservedCode {
    /// Grouped, `7KQ2-M9XD-4HRB`.
    pub raz_id: String,
    /// Where the patient redeems it (what its QR holds).
    pub raz_uri: String,
    /// RFC 3339: unused, it lapses then and is unknown afterwards.
    pub reserved_until: String,
    /// A SMART Health Link manifest kept for this ID, when the gateway offers one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shl_url: Option<String>,
}

/// The answer's JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReserveAnswer {
    #[serde(rename = "ACK")]
    pub ack: String,
    pub reserved: Vec<ReservedCode>,
}

impl ReserveAnswer {
    pub fn new(reserved: Vec<ReservedCode>) -> ReserveAnswer {
        ReserveAnswer {
            ack: "Success".into(),
            reserved,
        }
    }

    /// Reads an answer strictly: a success lists well-formed IDs; a failure
    /// (JSON or name/value pairs) is its errorcode and errormsg.
    pub fn decode(
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<Result<Vec<ReservedCode>, (String, String)>, AnswerError> {
        if let Ok(a) = serde_json::from_slice::<ReserveAnswer>(body) {
            if a.ack != "Success" {
                return Err(AnswerError::BadAck(a.ack));
            }
            for r in &a.reserved {
                RazId::parse(&r.raz_id).map_err(|_| AnswerError::BadRazId(r.raz_id.clone()))?;
                if r.raz_uri.is_empty() {
                    return Err(AnswerError::Missing("raz_uri"));
                }
            }
            return Ok(Ok(a.reserved));
        }
        let fields = Fields::read(content_type, body)?;
        match fields.get("ACK").as_deref() {
            Some("Failure") => Ok(Err((
                fields.get("errorcode").unwrap_or_default(),
                fields.get("errormsg").unwrap_or_default(),
            ))),
            Some("Success") => Err(AnswerError::Missing("reserved")),
            Some(other) => Err(AnswerError::BadAck(other.to_string())),
            None => Err(AnswerError::Missing("ACK")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_success_lists_the_ids_and_a_failure_is_its_code() {
        let a = ReserveAnswer::new(vec![ReservedCode {
            raz_id: "7KQ2-M9XD-4HRB".into(),
            raz_uri: "https://gw.example/r/7KQ2M9XD4HRB".into(),
            reserved_until: "2027-01-04T10:00:00Z".into(),
            shl_url: None,
        }]);
        let body = serde_json::to_vec(&a).unwrap();
        let read = ReserveAnswer::decode(Some("application/json"), &body).unwrap();
        assert_eq!(read, Ok(a.reserved.clone()));
        let failure = ReserveAnswer::decode(
            Some("application/json"),
            br#"{"ACK":"Failure","errorcode":"signature_invalid","errormsg":"no"}"#,
        )
        .unwrap();
        assert_eq!(
            failure,
            Err(("signature_invalid".to_string(), "no".to_string()))
        );
        let bad = br#"{"ACK":"Success","reserved":[{"raz_id":"nope","raz_uri":"x","reserved_until":"y"}]}"#;
        assert!(ReserveAnswer::decode(Some("application/json"), bad).is_err());
        assert_eq!(
            ReserveAnswer::decode(Some("text/html"), b"<html>proxy</html>"),
            Err(AnswerError::Html)
        );
    }
}
