//! The machine-readable `errorcode` of a failed answer.

use std::fmt;
use std::str::FromStr;

/// Every `errorcode` the protocol defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    HerMissing,
    HerInvalid,
    UserInvalid,
    TooLarge,
    ConsumerUnknown,
    TokenUnknown,
    TokenExpired,
    SignatureInvalid,
    SignatureMethodUnsupported,
    TimestampRefused,
    NonceReused,
    VerifierInvalid,
    Internal,
    /// v1.1: a repeated idempotency key with a different request.
    IdempotencyConflict,
    /// v1.1: no such code for this practice.
    RazIdUnknown,
    /// v1.2: a reserved ID this practice cannot stage under (not its own,
    /// lapsed, or staged with another record).
    ReservedIdInvalid,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 16] = [
        ErrorCode::HerMissing,
        ErrorCode::HerInvalid,
        ErrorCode::UserInvalid,
        ErrorCode::TooLarge,
        ErrorCode::ConsumerUnknown,
        ErrorCode::TokenUnknown,
        ErrorCode::TokenExpired,
        ErrorCode::SignatureInvalid,
        ErrorCode::SignatureMethodUnsupported,
        ErrorCode::TimestampRefused,
        ErrorCode::NonceReused,
        ErrorCode::VerifierInvalid,
        ErrorCode::Internal,
        ErrorCode::IdempotencyConflict,
        ErrorCode::RazIdUnknown,
        ErrorCode::ReservedIdInvalid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::HerMissing => "her_missing",
            ErrorCode::HerInvalid => "her_invalid",
            ErrorCode::UserInvalid => "user_invalid",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::ConsumerUnknown => "consumer_unknown",
            ErrorCode::TokenUnknown => "token_unknown",
            ErrorCode::TokenExpired => "token_expired",
            ErrorCode::SignatureInvalid => "signature_invalid",
            ErrorCode::SignatureMethodUnsupported => "signature_method_unsupported",
            ErrorCode::TimestampRefused => "timestamp_refused",
            ErrorCode::NonceReused => "nonce_reused",
            ErrorCode::VerifierInvalid => "verifier_invalid",
            ErrorCode::Internal => "internal",
            ErrorCode::IdempotencyConflict => "idempotency_conflict",
            ErrorCode::RazIdUnknown => "raz_id_unknown",
            ErrorCode::ReservedIdInvalid => "reserved_id_invalid",
        }
    }

    /// The HTTP status a gateway usually answers with for this code. The one
    /// exception the protocol makes: missing or duplicated `oauth_*` parameters
    /// are `signature_invalid` with 400, where a wrong signature is 401.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::HerMissing
            | ErrorCode::HerInvalid
            | ErrorCode::UserInvalid
            | ErrorCode::SignatureMethodUnsupported => 400,
            ErrorCode::TooLarge => 413,
            ErrorCode::Internal => 500,
            ErrorCode::IdempotencyConflict | ErrorCode::ReservedIdInvalid => 409,
            ErrorCode::RazIdUnknown => 404,
            ErrorCode::ConsumerUnknown
            | ErrorCode::TokenUnknown
            | ErrorCode::TokenExpired
            | ErrorCode::SignatureInvalid
            | ErrorCode::TimestampRefused
            | ErrorCode::NonceReused
            | ErrorCode::VerifierInvalid => 401,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown errorcode {0:?}")]
pub struct UnknownErrorCode(pub String);

impl FromStr for ErrorCode {
    type Err = UnknownErrorCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ErrorCode::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownErrorCode(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips() {
        for c in ErrorCode::ALL {
            assert_eq!(c.as_str().parse::<ErrorCode>(), Ok(c));
        }
        assert!("nope".parse::<ErrorCode>().is_err());
    }

    #[test]
    fn oauth_failures_are_401_and_bad_requests_400() {
        assert_eq!(ErrorCode::NonceReused.http_status(), 401);
        assert_eq!(ErrorCode::SignatureInvalid.http_status(), 401);
        assert_eq!(ErrorCode::HerInvalid.http_status(), 400);
        assert_eq!(ErrorCode::TooLarge.http_status(), 413);
    }
}
