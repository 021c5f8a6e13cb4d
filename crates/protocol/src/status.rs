//! v1.1: a code's state, as `/gateway/status` and `/gateway/void` answer it.

use crate::answer::{encode_pairs, AnswerError, Fields, Format};
use crate::RazId;
use std::fmt;

/// Where a code stands at the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeState {
    /// Issued and not yet claimed.
    Issued,
    /// Claimed into a patient's account (`claimed_at`).
    Claimed,
    /// Not claimed within its 30 days.
    Expired,
    /// Withdrawn by the clinic (`voided_at`); a claimed code keeps its `claimed_at`.
    Voided,
    /// v1.2: reserved, its stage not arrived yet (`expires` is when the
    /// reservation lapses).
    Reserved,
}

impl CodeState {
    pub const ALL: [CodeState; 5] = [
        CodeState::Issued,
        CodeState::Claimed,
        CodeState::Expired,
        CodeState::Voided,
        CodeState::Reserved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CodeState::Issued => "issued",
            CodeState::Claimed => "claimed",
            CodeState::Expired => "expired",
            CodeState::Voided => "voided",
            CodeState::Reserved => "reserved",
        }
    }

    pub fn parse(s: &str) -> Option<CodeState> {
        CodeState::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Expired and voided codes never change again.
    pub fn is_final(self) -> bool {
        matches!(self, CodeState::Expired | CodeState::Voided)
    }
}

impl fmt::Display for CodeState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A code's state; its times are RFC 3339.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeStatus {
    pub raz_id: RazId,
    pub state: CodeState,
    pub expires: String,
    pub claimed_at: Option<String>,
    pub voided_at: Option<String>,
    pub paid_at: Option<String>,
    /// v1.2: how many access events the code has (`/gateway/accesses`), and
    /// when the last was; none from an earlier gateway.
    pub access_count: Option<u64>,
    pub last_access_at: Option<String>,
    /// v1.2: when the patient asked the clinic for a new code, the address
    /// the patient gave for it, and the patient's note (the latest request).
    pub reissue_requested_at: Option<String>,
    pub reissue_email: Option<String>,
    pub reissue_note: Option<String>,
}

/// The answer to a status or void request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusAnswer {
    Success(CodeStatus),
    Failure { errorcode: String, errormsg: String },
}

impl CodeStatus {
    /// The answer's names and values, in the protocol's order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut v = vec![
            ("ACK", "Success".to_string()),
            ("raz_id", self.raz_id.grouped()),
            ("state", self.state.as_str().to_string()),
            ("expires", self.expires.clone()),
        ];
        let count = self.access_count.map(|c| c.to_string());
        for (name, value) in [
            ("claimed_at", &self.claimed_at),
            ("voided_at", &self.voided_at),
            ("paid_at", &self.paid_at),
            ("access_count", &count),
            ("last_access_at", &self.last_access_at),
            ("reissue_requested_at", &self.reissue_requested_at),
            ("reissue_email", &self.reissue_email),
            ("reissue_note", &self.reissue_note),
        ] {
            if let Some(t) = value {
                v.push((name, t.clone()));
            }
        }
        v
    }

    pub fn encode(&self, format: Format) -> String {
        encode_pairs(&self.pairs(), format)
    }
}

impl StatusAnswer {
    /// Reads an answer strictly: a success names a valid ID and a known state.
    pub fn decode(content_type: Option<&str>, body: &[u8]) -> Result<StatusAnswer, AnswerError> {
        let answer = Fields::read(content_type, body)?;
        let raz_id = match answer.success()? {
            Ok(id) => id,
            Err((errorcode, errormsg)) => {
                return Ok(StatusAnswer::Failure {
                    errorcode,
                    errormsg,
                })
            }
        };
        let state = answer.get("state").ok_or(AnswerError::Missing("state"))?;
        let state = CodeState::parse(&state)
            .ok_or_else(|| AnswerError::Malformed(format!("unknown state {state:?}")))?;
        Ok(StatusAnswer::Success(CodeStatus {
            raz_id,
            state,
            expires: answer
                .get("expires")
                .ok_or(AnswerError::Missing("expires"))?,
            claimed_at: answer.get("claimed_at"),
            voided_at: answer.get("voided_at"),
            paid_at: answer.get("paid_at"),
            access_count: answer
                .get("access_count")
                .map(|c| {
                    c.parse::<u64>()
                        .map_err(|_| AnswerError::Malformed(format!("access_count {c:?}")))
                })
                .transpose()?,
            last_access_at: answer.get("last_access_at"),
            reissue_requested_at: answer.get("reissue_requested_at"),
            reissue_email: answer.get("reissue_email"),
            reissue_note: answer.get("reissue_note"),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status() -> CodeStatus {
        CodeStatus {
            raz_id: RazId::parse("7KQ2-M9XD-4HRB").unwrap(),
            state: CodeState::Claimed,
            expires: "2026-12-31T10:00:00Z".into(),
            claimed_at: Some("2026-12-02T09:30:00Z".into()),
            voided_at: None,
            paid_at: None,
            access_count: Some(3),
            last_access_at: Some("2026-12-02T09:31:00Z".into()),
            reissue_requested_at: Some("2026-12-05T10:12:00Z".into()),
            reissue_email: Some("ana@example.org".into()),
            reissue_note: Some("Lost the paper, sorry & thanks".into()),
        }
    }

    #[test]
    fn a_status_reads_back_in_both_formats() {
        for format in [Format::Form, Format::Json] {
            let body = status().encode(format);
            let read = StatusAnswer::decode(Some(format.content_type()), body.as_bytes());
            assert_eq!(read, Ok(StatusAnswer::Success(status())), "{body}");
        }
    }

    #[test]
    fn an_unknown_state_or_a_missing_id_is_refused() {
        let body = "ACK=Success&raz_id=7KQ2M9XD4HRB&state=lost&expires=x";
        assert!(StatusAnswer::decode(None, body.as_bytes()).is_err());
        let body = "ACK=Success&raz_id=7KQ2M9XD4HRB&state=issued&expires=x&access_count=many";
        assert!(StatusAnswer::decode(None, body.as_bytes()).is_err());
        let body = "ACK=Success&state=issued&expires=x";
        assert_eq!(
            StatusAnswer::decode(None, body.as_bytes()),
            Err(AnswerError::Missing("raz_id"))
        );
        let html = "<html><body>Not Found</body></html>";
        assert_eq!(
            StatusAnswer::decode(Some("text/html"), html.as_bytes()),
            Err(AnswerError::Html)
        );
    }
}
