//! Health Encounter Records: what the desk stages and the gateway checks.
//!
//! - [`omhe`]: the OMHE microsyntax of `shared/omhe.md`.
//! - [`ccr`]: CCR (ASTM E2369) well-formedness check and a readable summary.

pub mod ccr;
pub mod omhe;

/// What a `her` turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Her {
    Ccr(ccr::Summary),
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
        Ok(Her::Ccr(ccr::summarize(her)?))
    } else {
        Ok(Her::Omhe(omhe::parse(her)?))
    }
}
