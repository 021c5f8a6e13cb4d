//! The RAZCODE wire contract (`shared/razcode-protocol.md`) as Rust types.
//!
//! Both sides use this crate: the gateway to write answers, the desk to read them
//! strictly. Nothing here does I/O.

pub mod accesses;
pub mod answer;
pub mod barcode;
pub mod errorcode;
pub mod jwe;
pub mod payment;
pub mod raz_id;
pub mod reserve;
pub mod shl;
pub mod status;
pub mod urls;

pub use accesses::{AccessEvent, AccessesAnswer};
pub use answer::{Ack, AnswerError, StageAnswer, TokenAnswer};
pub use barcode::Barcode;
pub use errorcode::ErrorCode;
pub use payment::{PaymentError, PaymentRequest};
pub use raz_id::{RazId, RazIdError};
pub use reserve::{ReserveAnswer, ReservedCode};
pub use status::{CodeState, CodeStatus, StatusAnswer};

/// Largest stage body a gateway accepts (4 MiB).
pub const MAX_STAGE_BODY: usize = 4 * 1024 * 1024;
/// Allowed distance between an OAuth timestamp and the gateway clock, in seconds.
pub const TIMESTAMP_WINDOW_SECS: i64 = 300;
/// How long temporary credentials can be exchanged, in seconds.
pub const TEMP_CREDENTIAL_TTL_SECS: i64 = 600;
/// How long an unclaimed RAZCODE can be redeemed, in days.
pub const CODE_TTL_DAYS: i64 = 30;

/// Body parameters of the protocol's v1.1 extensions.
pub mod params {
    /// A stage's idempotency key (1 to 128 printable ASCII characters): a repeat
    /// answers the code already issued.
    pub const IDEMPOTENCY_KEY: &str = "razcode_idempotency_key";
    /// Longest idempotency key a gateway honours.
    pub const IDEMPOTENCY_KEY_MAX: usize = 128;
    /// The code a status or void request is about.
    pub const RAZ_ID: &str = "raz_id";
    /// Why a code is voided (1 to 140 characters).
    pub const VOID_REASON: &str = "reason";
    /// Longest void reason, in characters.
    pub const VOID_REASON_MAX: usize = 140;
    /// `1` asks the gateway for a SMART Health Link of the visit (`shl`).
    pub const SHL: &str = "razcode_shl";
    /// The passcode an app must give to open the link (then its flag holds `P`).
    pub const SHL_PASSCODE: &str = "razcode_shl_passcode";
    /// v1.2: how many IDs a reserve request asks for.
    pub const RESERVE_COUNT: &str = "count";
    /// v1.2: the reserved ID a stage issues.
    pub const RESERVED_ID: &str = "razcode_reserved_id";
    /// v1.2: with a reserved ID, the visit's FHIR Bundle as compact JWE under
    /// a key only the desk's link holds; kept for the entry's `shl_url`.
    pub const SHL_FILE: &str = "razcode_shl_file";
}

/// The protocol's paths, relative to a base URL.
pub mod paths {
    pub const REQUEST_TOKEN: &str = "/request-token.ashx";
    pub const ACCESS_TOKEN: &str = "/access-token.ashx";
    pub const PLATFORM_ACTIVATE: &str = "/platform/activate";
    pub const JIBE_AUTHORIZE: &str = "/jibe/authorize";
    pub const STAGE: &str = "/gateway/stage";
    pub const STAGE_URL: &str = "/gateway/stage/url";
    /// v1.1: a code's state.
    pub const STATUS: &str = "/gateway/status";
    /// v1.1: withdraw a code.
    pub const VOID: &str = "/gateway/void";
    /// v1.2: reserve IDs for receipts printed offline.
    pub const RESERVE: &str = "/gateway/reserve";
    /// v1.2: who opened a code's record.
    pub const ACCESSES: &str = "/gateway/accesses";
    pub const REDEEM: &str = "/r";
    /// v1.1: SMART Health Link manifests, `/shl/<43-character id>` (gateway-local).
    pub const SHL: &str = "/shl";
}

/// True when `her` is XML by the protocol's rule: the first character after
/// blanks and a byte-order mark is `<`.
pub fn her_is_xml(her: &str) -> bool {
    her.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .starts_with('<')
}

/// True when `her` is empty or all blank (`her_missing`).
pub fn her_is_blank(her: &str) -> bool {
    her.chars().all(|c| c.is_whitespace() || c == '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_detection_skips_blanks_and_bom() {
        assert!(her_is_xml("\u{feff}  \n<ContinuityOfCareRecord/>"));
        assert!(!her_is_xml("bp=120/80"));
        assert!(her_is_blank(" \n\t"));
        assert!(her_is_blank(""));
        assert!(!her_is_blank(" x "));
    }
}
