//! The answer codec: name/value pairs (`application/x-www-form-urlencoded`) or one
//! JSON object of strings, and the strict reading a client must do.

use crate::{ErrorCode, RazId};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ack {
    Success,
    Failure,
}

/// The answer to a stage request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageAnswer {
    Success {
        raz_id: RazId,
        /// Set for `/gateway/stage`.
        raz_image: Option<String>,
        /// Set for `/gateway/stage/url`.
        raz_uri: Option<String>,
        /// `pmt=valid`.
        pmt_valid: bool,
        /// An extension, `razcode_pay`: with a valid payment request, whether the
        /// patient can pay online after redeeming (`online`) or pays at the
        /// clinic (`clinic`). Gateways that do not send it leave it unknown.
        pay_online: Option<bool>,
        /// v1.1 `shl`: the SMART Health Link of the visit, when the stage asked
        /// for one (`razcode_shl=1`) and the gateway made it.
        shl: Option<String>,
    },
    Failure {
        /// The word as sent; [`StageAnswer::error_code`] types it.
        errorcode: String,
        errormsg: String,
    },
}

/// Why an answer cannot be read. A client treats each as a failure and shows no code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("the answer is an HTML page, not a RAZCODE answer (a proxy or web server answered)")]
    Html,
    #[error("the answer is not UTF-8 text")]
    NotUtf8,
    #[error("the answer is empty")]
    Empty,
    #[error("the answer is neither name/value pairs nor a JSON object of strings: {0}")]
    Malformed(String),
    #[error("the answer names {0:?} twice")]
    Repeated(String),
    #[error("the answer has no {0}")]
    Missing(&'static str),
    #[error("the answer's ACK is {0:?}, neither Success nor Failure")]
    BadAck(String),
    #[error("the answer's raz_id {0:?} is not a RAZCODE ID")]
    BadRazId(String),
    #[error("the answer's pmt is {0:?}, neither valid nor invalid")]
    BadPmt(String),
}

/// Wire format of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Form,
    Json,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Form => "application/x-www-form-urlencoded",
            Format::Json => "application/json",
        }
    }

    /// The format an `Accept` header asks for: JSON when it prefers
    /// `application/json` over name/value pairs, by q-value then order.
    pub fn from_accept(accept: Option<&str>) -> Format {
        let Some(accept) = accept else {
            return Format::Form;
        };
        let mut best: Option<(f32, Format)> = None;
        for item in accept.split(',') {
            let mut parts = item.split(';');
            let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|q| q.trim().parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            let format = match media.as_str() {
                "application/json" => Format::Json,
                "application/x-www-form-urlencoded" | "text/plain" | "*/*" => Format::Form,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, format));
            }
        }
        best.map(|(_, f)| f).unwrap_or(Format::Form)
    }
}

impl StageAnswer {
    pub fn failure(code: ErrorCode, message: impl Into<String>) -> StageAnswer {
        StageAnswer::Failure {
            errorcode: code.as_str().to_string(),
            errormsg: message.into(),
        }
    }

    pub fn ack(&self) -> Ack {
        match self {
            StageAnswer::Success { .. } => Ack::Success,
            StageAnswer::Failure { .. } => Ack::Failure,
        }
    }

    /// The typed errorcode of a failure (`None` for success or an unknown word).
    pub fn error_code(&self) -> Option<ErrorCode> {
        match self {
            StageAnswer::Failure { errorcode, .. } => errorcode.parse().ok(),
            StageAnswer::Success { .. } => None,
        }
    }

    /// The answer's names and values, in the protocol's order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        match self {
            StageAnswer::Success {
                raz_id,
                raz_image,
                raz_uri,
                pmt_valid,
                pay_online,
                shl,
            } => {
                let mut v = vec![("ACK", "Success".to_string()), ("raz_id", raz_id.grouped())];
                if let Some(i) = raz_image {
                    v.push(("raz_image", i.clone()));
                }
                if let Some(u) = raz_uri {
                    v.push(("raz_uri", u.clone()));
                }
                let pmt = if *pmt_valid { "valid" } else { "invalid" };
                v.push(("pmt", pmt.to_string()));
                if let Some(online) = pay_online {
                    let at = if *online { "online" } else { "clinic" };
                    v.push(("razcode_pay", at.to_string()));
                }
                if let Some(link) = shl {
                    v.push(("shl", link.clone()));
                }
                v
            }
            StageAnswer::Failure {
                errorcode,
                errormsg,
            } => vec![
                ("ACK", "Failure".to_string()),
                ("errorcode", errorcode.clone()),
                ("errormsg", errormsg.clone()),
            ],
        }
    }

    pub fn encode(&self, format: Format) -> String {
        encode_pairs(&self.pairs(), format)
    }

    /// Reads an answer strictly. `content_type` is the response's header, if any.
    pub fn decode(content_type: Option<&str>, body: &[u8]) -> Result<StageAnswer, AnswerError> {
        let answer = Fields::read(content_type, body)?;
        let get = |name: &'static str| answer.get(name);
        match answer.success()? {
            Err((errorcode, errormsg)) => Ok(StageAnswer::Failure {
                errorcode,
                errormsg,
            }),
            Ok(raz_id) => {
                let raz_image = get("raz_image");
                let raz_uri = get("raz_uri");
                if raz_image.is_none() && raz_uri.is_none() {
                    return Err(AnswerError::Missing("raz_image or raz_uri"));
                }
                let pmt_valid = match get("pmt").as_deref() {
                    Some("valid") => true,
                    Some("invalid") => false,
                    Some(other) => return Err(AnswerError::BadPmt(other.to_string())),
                    None => return Err(AnswerError::Missing("pmt")),
                };
                // An extension: an unknown word is read as unknown, not refused.
                let pay_online = match get("razcode_pay").as_deref() {
                    Some("online") => Some(true),
                    Some("clinic") => Some(false),
                    _ => None,
                };
                // Only a well-formed link is taken; anything else is no link.
                let shl = get("shl").filter(|l| crate::shl::Payload::decode(l).is_ok());
                Ok(StageAnswer::Success {
                    raz_id,
                    raz_image,
                    raz_uri,
                    pmt_valid,
                    pay_online,
                    shl,
                })
            }
        }
    }
}

/// An answer's names and values, read strictly (see [`decode_pairs`]).
pub(crate) struct Fields(Vec<(String, String)>);

impl Fields {
    pub(crate) fn read(content_type: Option<&str>, body: &[u8]) -> Result<Fields, AnswerError> {
        Ok(Fields(decode_pairs(content_type, body)?))
    }

    pub(crate) fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    /// By its `ACK`: a success's valid `raz_id`, or a failure's errorcode and
    /// errormsg; any other `ACK` is no answer.
    pub(crate) fn success(&self) -> Result<Result<RazId, (String, String)>, AnswerError> {
        let ack = self.get("ACK").ok_or(AnswerError::Missing("ACK"))?;
        match ack.as_str() {
            "Success" => {
                let raw = self.get("raz_id").ok_or(AnswerError::Missing("raz_id"))?;
                Ok(Ok(
                    RazId::parse(&raw).map_err(|_| AnswerError::BadRazId(raw))?
                ))
            }
            "Failure" => Ok(Err((
                self.get("errorcode").unwrap_or_default(),
                self.get("errormsg").unwrap_or_default(),
            ))),
            _ => Err(AnswerError::BadAck(ack)),
        }
    }
}

/// The answer to a token request (temporary or token credentials).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenAnswer {
    pub oauth_token: String,
    pub oauth_token_secret: String,
    /// Set on temporary credentials.
    pub oauth_callback_confirmed: Option<bool>,
    /// The organization's display name, on practice token credentials.
    pub razcode_org: Option<String>,
}

impl TokenAnswer {
    pub fn encode(&self) -> String {
        let mut pairs = vec![
            ("oauth_token", self.oauth_token.clone()),
            ("oauth_token_secret", self.oauth_token_secret.clone()),
        ];
        if let Some(c) = self.oauth_callback_confirmed {
            pairs.push(("oauth_callback_confirmed", c.to_string()));
        }
        if let Some(org) = &self.razcode_org {
            pairs.push(("razcode_org", org.clone()));
        }
        encode_pairs(&pairs, Format::Form)
    }

    pub fn decode(content_type: Option<&str>, body: &[u8]) -> Result<TokenAnswer, AnswerError> {
        let pairs = decode_pairs(content_type, body)?;
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let oauth_token = get("oauth_token")
            .filter(|t| !t.is_empty())
            .ok_or(AnswerError::Missing("oauth_token"))?;
        let oauth_token_secret = get("oauth_token_secret")
            .filter(|t| !t.is_empty())
            .ok_or(AnswerError::Missing("oauth_token_secret"))?;
        Ok(TokenAnswer {
            oauth_token,
            oauth_token_secret,
            oauth_callback_confirmed: get("oauth_callback_confirmed").map(|v| v == "true"),
            razcode_org: get("razcode_org"),
        })
    }
}

/// Encodes names and values as a form body or a JSON object of strings.
pub fn encode_pairs(pairs: &[(&str, String)], format: Format) -> String {
    match format {
        Format::Form => {
            let mut s = form_urlencoded::Serializer::new(String::new());
            for (k, v) in pairs {
                s.append_pair(k, v);
            }
            s.finish()
        }
        Format::Json => {
            let map: serde_json::Map<String, Value> = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), Value::String(v.clone())))
                .collect();
            Value::Object(map).to_string()
        }
    }
}

/// Reads names and values from a form body or a JSON object of strings; a repeated
/// name, HTML, or anything else is refused.
pub fn decode_pairs(
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Vec<(String, String)>, AnswerError> {
    let text = std::str::from_utf8(body).map_err(|_| AnswerError::NotUtf8)?;
    let trimmed = text.trim();
    let media = content_type
        .map(|c| {
            c.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    if media == "text/html" || media == "application/xhtml+xml" || trimmed.starts_with('<') {
        return Err(AnswerError::Html);
    }
    if trimmed.is_empty() {
        return Err(AnswerError::Empty);
    }
    let pairs: Vec<(String, String)> = if media == "application/json" || trimmed.starts_with('{') {
        let Value::Object(_) = serde_json::from_str::<Value>(trimmed)
            .map_err(|e| AnswerError::Malformed(e.to_string()))?
        else {
            return Err(AnswerError::Malformed("not a JSON object".into()));
        };
        // Read again keeping the order and any repeated names.
        let entries: Vec<(String, Value)> = json_entries(trimmed)?;
        entries
            .into_iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k, s)),
                _ => Err(AnswerError::Malformed(format!("{k} is not a string"))),
            })
            .collect::<Result<_, _>>()?
    } else {
        let mut out = Vec::new();
        for piece in trimmed.split('&') {
            // A name/value body has no blanks or markup between its pairs.
            if piece.is_empty() || !piece.contains('=') || piece.contains(char::is_whitespace) {
                return Err(AnswerError::Malformed(
                    "expected name=value pairs joined by &".into(),
                ));
            }
            out.extend(form_urlencoded::parse(piece.as_bytes()).into_owned());
        }
        out
    };
    for (i, (k, _)) in pairs.iter().enumerate() {
        if pairs[..i].iter().any(|(p, _)| p == k) {
            return Err(AnswerError::Repeated(k.clone()));
        }
    }
    Ok(pairs)
}

fn json_entries(text: &str) -> Result<Vec<(String, Value)>, AnswerError> {
    use serde::de::{Deserializer, MapAccess, Visitor};
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<(String, Value)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(e) = map.next_entry::<String, Value>()? {
                out.push(e);
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de.deserialize_map(V)
        .map_err(|e| AnswerError::Malformed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn success() -> StageAnswer {
        StageAnswer::Success {
            raz_id: RazId::parse("7KQ2-M9XD-4HRB").unwrap(),
            raz_image: Some("https://gw.example/tag/7KQ2M9XD4HRB.jpg".into()),
            raz_uri: None,
            pmt_valid: true,
            pay_online: None,
            shl: None,
        }
    }

    #[test]
    fn where_to_pay_is_an_extension_read_leniently() {
        for (online, word) in [(true, "online"), (false, "clinic")] {
            let mut a = success();
            if let StageAnswer::Success { pay_online, .. } = &mut a {
                *pay_online = Some(online);
            }
            let body = a.encode(Format::Form);
            assert!(body.ends_with(&format!("&razcode_pay={word}")), "{body}");
            assert_eq!(StageAnswer::decode(None, body.as_bytes()), Ok(a));
        }
        // An unknown word (another gateway's) is unknown, not a refusal.
        let body = format!("{}&razcode_pay=later", success().encode(Format::Form));
        assert_eq!(StageAnswer::decode(None, body.as_bytes()), Ok(success()));
    }

    #[test]
    fn both_formats_round_trip() {
        for format in [Format::Form, Format::Json] {
            for answer in [
                success(),
                StageAnswer::failure(ErrorCode::HerInvalid, "line 3: unknown command 'bpm'"),
            ] {
                let body = answer.encode(format);
                let back =
                    StageAnswer::decode(Some(format.content_type()), body.as_bytes()).unwrap();
                assert_eq!(back, answer, "{body}");
            }
        }
        assert_eq!(
            success().encode(Format::Form),
            "ACK=Success&raz_id=7KQ2-M9XD-4HRB&raz_image=https%3A%2F%2Fgw.example%2Ftag%2F7KQ2M9XD4HRB.jpg&pmt=valid"
        );
    }

    #[test]
    fn refuses_what_is_not_an_answer() {
        let cases: [(Option<&str>, &[u8], AnswerError); 9] = [
            (
                Some("text/html"),
                b"ACK=Success&raz_id=7KQ2M9XD4HRB",
                AnswerError::Html,
            ),
            (
                None,
                b"<html><body>502 Bad Gateway</body></html>",
                AnswerError::Html,
            ),
            (None, b"", AnswerError::Empty),
            (None, b"\xff\xfe", AnswerError::NotUtf8),
            (
                None,
                b"raz_id=7KQ2M9XD4HRB&pmt=valid",
                AnswerError::Missing("ACK"),
            ),
            (None, b"ACK=OK", AnswerError::BadAck("OK".into())),
            (
                None,
                b"ACK=Success&raz_id=7KQ2M9XD4HRU&raz_uri=x&pmt=valid",
                AnswerError::BadRazId("7KQ2M9XD4HRU".into()),
            ),
            (
                None,
                b"ACK=Success&raz_id=7KQ2M9XD4HRB&pmt=valid",
                AnswerError::Missing("raz_image or raz_uri"),
            ),
            (
                None,
                b"ACK=Failure&ACK=Success&raz_id=7KQ2M9XD4HRB&raz_uri=x&pmt=valid",
                AnswerError::Repeated("ACK".into()),
            ),
        ];
        for (ct, body, want) in cases {
            assert_eq!(StageAnswer::decode(ct, body), Err(want));
        }
        assert!(matches!(
            StageAnswer::decode(None, b"Internal Server Error"),
            Err(AnswerError::Malformed(_))
        ));
        assert!(matches!(
            StageAnswer::decode(Some("application/json"), br#"{"ACK":"Success","raz_id":7}"#),
            Err(AnswerError::Malformed(_))
        ));
        assert!(matches!(
            StageAnswer::decode(
                Some("application/json"),
                br#"{"ACK":"Failure","ACK":"Success"}"#
            ),
            Err(AnswerError::Repeated(_))
        ));
    }

    #[test]
    fn accept_header_choice() {
        assert_eq!(Format::from_accept(None), Format::Form);
        assert_eq!(Format::from_accept(Some("application/json")), Format::Json);
        assert_eq!(
            Format::from_accept(Some(
                "application/x-www-form-urlencoded, application/json;q=0.5"
            )),
            Format::Form
        );
        assert_eq!(
            Format::from_accept(Some("text/html, application/json;q=0.9, */*;q=0.1")),
            Format::Json
        );
        assert_eq!(Format::from_accept(Some("*/*")), Format::Form);
    }

    #[test]
    fn token_answers() {
        let t = TokenAnswer {
            oauth_token: "tok".into(),
            oauth_token_secret: "sec".into(),
            oauth_callback_confirmed: Some(true),
            razcode_org: Some("Dr. Ávila & Partners".into()),
        };
        let body = t.encode();
        assert_eq!(TokenAnswer::decode(None, body.as_bytes()).unwrap(), t);
        assert_eq!(
            TokenAnswer::decode(None, b"oauth_token=&oauth_token_secret=x"),
            Err(AnswerError::Missing("oauth_token"))
        );
    }
}
