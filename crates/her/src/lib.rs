//! Health Encounter Records: what the desk stages and the gateway checks.
//!
//! - [`omhe`]: the OMHE microsyntax of `docs/omhe.md`, and a writer for vitals.
//! - [`ccr`]: CCR (ASTM E2369) reader, writer and minimum-necessary filter.
//! - [`ccd`]: CCD / C-CDA import into a CCR.
//! - [`fhir`]: FHIR R4 Bundles from CCR and OMHE.
//! - [`xml`]: the safe XML tree both readers use.

pub mod ccd;
pub mod ccr;
pub mod fhir;
pub mod omhe;
pub mod xml;

/// What a `her` turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Her {
    Ccr(Box<ccr::Ccr>),
    Omhe(Vec<omhe::Message>),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HerError {
    #[error("the record is empty")]
    Missing,
    #[error("the CCR document is not valid: {0}")]
    Ccr(#[from] ccr::CcrError),
    #[error("the OMHE text is not valid: {0}")]
    Omhe(#[from] omhe::OmheError),
}

impl HerError {
    /// The line the error is on, when it has one.
    pub fn line(&self) -> Option<usize> {
        match self {
            HerError::Missing => None,
            HerError::Ccr(e) => e.line,
            HerError::Omhe(e) => e.line,
        }
    }
}

/// Reads a `her` by the protocol's rule: XML when its first character after
/// blanks and a byte-order mark is `<`, OMHE otherwise.
pub fn check(her: &str) -> Result<Her, HerError> {
    let body = her.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if body.is_empty() {
        return Err(HerError::Missing);
    }
    if body.starts_with('<') {
        Ok(Her::Ccr(Box::new(ccr::read(
            her.trim_start_matches('\u{feff}'),
        )?)))
    } else {
        Ok(Her::Omhe(omhe::parse(her)?))
    }
}

/// The kind of a `her` that passed [`validate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ccr,
    Omhe,
}

/// What a gateway checks for every stage: the protocol's XML-or-OMHE rule, a
/// well-formed CCR root in its namespace (without building the model), or OMHE
/// exactly as `docs/omhe.md` says.
pub fn validate(her: &str) -> Result<Kind, HerError> {
    let body = her.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if body.is_empty() {
        return Err(HerError::Missing);
    }
    if body.starts_with('<') {
        let root = xml::check_wellformed(her.trim_start_matches('\u{feff}'))?;
        let problem = if root.local != ccr::ROOT {
            Some(format!(
                "the root element is {}, not {}",
                root.local,
                ccr::ROOT
            ))
        } else if root.namespace.as_deref() != Some(ccr::NAMESPACE) {
            Some(format!(
                "the root element is not in the namespace {}",
                ccr::NAMESPACE
            ))
        } else {
            None
        };
        match problem {
            // Where the root starts, not line 1 (a declaration, comments or
            // blank lines may come first).
            Some(message) => Err(HerError::Ccr(xml::XmlError::record(root.line, message))),
            None => Ok(Kind::Ccr),
        }
    } else {
        omhe::parse(her)?;
        Ok(Kind::Omhe)
    }
}

/// The JSON form `razdesk her check` prints: `{"ok": true, "kind": "ccr"|"omhe", ...}`
/// or `{"ok": false, "error": {"message": ..., "line": N|null}}`.
pub fn check_json(her: &str) -> serde_json::Value {
    use serde_json::json;
    match check(her) {
        Ok(Her::Omhe(messages)) => json!({
            "ok": true,
            "kind": "omhe",
            "messages": messages.iter().map(omhe::Message::to_json).collect::<Vec<_>>(),
        }),
        Ok(Her::Ccr(c)) => {
            let mut v = c.to_json();
            if let Some(o) = v.as_object_mut() {
                o.insert("ok".into(), json!(true));
                o.insert("kind".into(), json!("ccr"));
            }
            v
        }
        Err(e) => json!({"ok": false, "error": {"message": e.to_string(), "line": e.line()}}),
    }
}
