//! The flag or command that would help, added after the core's words. The
//! core names no flag (the app has none); only this shell knows them. Chosen
//! by the error's variant, never by its text.

use razcode_desk::{DeskError, Item, Missing};
use razcode_protocol::ErrorCode;

/// What to run or pass next, when the command line has it.
pub fn hint(e: &DeskError) -> Option<String> {
    let text = match e {
        DeskError::NotSetUp(Missing::Gateway) => {
            "Run `razdesk setup` (or `razdesk sandbox`).".to_string()
        }
        DeskError::NotSetUp(Missing::ConsumerSecret) => "Run `razdesk setup` again.".to_string(),
        DeskError::NotSetUp(Missing::Activation | Missing::TokenSecret) => {
            "Run `razdesk activate`.".to_string()
        }
        DeskError::NotSetUp(Missing::Smtp) => "Run `razdesk smtp`.".to_string(),
        DeskError::PaymentIncomplete => "Give --amount and --currency together.".to_string(),
        DeskError::NotLinked { mrn } => {
            format!("Link it with `razdesk link-patient --mrn {mrn}`, or stage without --mrn.")
        }
        DeskError::SmtpUntrusted { .. } => "Set it with `razdesk smtp --ca-file FILE`.".to_string(),
        DeskError::NotFound(Item::Encounter(_)) => "See `razdesk encounters`.".to_string(),
        DeskError::NotFound(Item::Staging(_)) => "See `razdesk history`.".to_string(),
        DeskError::ShlNeedsPasscode => "Give it with --passcode.".to_string(),
        DeskError::Refused {
            code: Some(ErrorCode::ConsumerUnknown | ErrorCode::SignatureInvalid),
            ..
        } => "Run `razdesk setup` with the gateway's consumer key and secret.".to_string(),
        DeskError::Refused {
            code: Some(ErrorCode::TokenUnknown | ErrorCode::TokenExpired),
            ..
        } => "Run `razdesk activate`.".to_string(),
        _ => return None,
    };
    Some(text)
}

/// The core's words in English, and the hint after them.
pub fn message(e: &DeskError) -> String {
    match hint(e) {
        Some(h) => format!("{e} {h}"),
        None => e.to_string(),
    }
}
