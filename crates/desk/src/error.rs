//! Errors in words a front desk can act on.

use crate::words::Words;
use razcode_lang::Language;
use razcode_protocol::ErrorCode;

/// What went wrong, with the data to say it. The words come from the
/// catalogs ([`DeskError::words`]): the app says them in its language, the
/// CLI in English and adds the flag that would help.
#[derive(Debug)]
pub enum DeskError {
    NotSetUp(Missing),
    /// An address that would carry patient data unencrypted.
    Insecure {
        address: String,
    },
    Unreachable {
        url: String,
        reason: String,
    },
    Timeout {
        url: String,
    },
    NotAnAnswer {
        status: u16,
        reason: String,
    },
    Refused {
        /// The errorcode, when it is one the protocol defines.
        code: Option<ErrorCode>,
        /// The errorcode as the gateway sent it.
        errorcode: String,
        /// The gateway's own message.
        detail: String,
    },
    /// A record the readers refuse; `cause` is the reader's own account.
    Record {
        source: Option<String>,
        cause: String,
    },
    /// What a person typed or chose cannot be used (a form field, a setting).
    Input(Words),
    PaymentIncomplete,
    PaymentInvalid {
        cause: String,
    },
    NotFound(Item),
    NoCode {
        staging_id: i64,
        status: crate::store::StagingStatus,
    },
    NotLinked {
        mrn: String,
    },
    Activation(Words),
    /// The gateway has no v1.1 status or void (it answered 404 without a protocol answer).
    NoLifecycle,
    /// A gateway without v1.2's reserved codes (`/gateway/reserve` is 404).
    NoReserve,
    /// A gateway without v1.2's accesses (`/gateway/accesses` is 404).
    NoAccesses,
    /// A void the gateway did not confirm (a transient failure); it waits.
    VoidWaits(Box<DeskError>),
    NothingToVoid(i64),
    /// A staging without a code yet (waiting, or refused).
    NoCodeYet(i64),
    /// No staging here has this code (or it is not a staging number).
    UnknownCode(String),
    Random,
    HttpClient {
        cause: String,
    },
    Sandbox(Words),
    Receipt(Words),
    Shl(Words),
    /// A SMART Health Link with the P flag opened without its passcode.
    ShlNeedsPasscode,
    Barcode {
        cause: String,
    },
    Print(Words),
    Email(Words),
    SmtpUntrusted {
        cause: String,
    },
    Store(crate::store::StoreError),
    Secret(crate::secret::SecretError),
    Io {
        what: Words,
        source: std::io::Error,
    },
}

/// What the desk needs before it can do what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// No gateway chosen (nor the sandbox).
    Gateway,
    ConsumerSecret,
    /// The practice is not activated.
    Activation,
    TokenSecret,
    Smtp,
}

/// A row asked for by its ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Encounter(i64),
    Staging(i64),
}

impl std::fmt::Display for DeskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Language::En))
    }
}

impl std::error::Error for DeskError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DeskError::Store(e) => Some(e),
            DeskError::Secret(e) => Some(e),
            DeskError::Io { source, .. } => Some(source),
            DeskError::VoidWaits(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

impl From<crate::store::StoreError> for DeskError {
    fn from(e: crate::store::StoreError) -> DeskError {
        DeskError::Store(e)
    }
}

impl From<crate::secret::SecretError> for DeskError {
    fn from(e: crate::secret::SecretError) -> DeskError {
        DeskError::Secret(e)
    }
}

impl DeskError {
    pub fn io(what: Words) -> impl FnOnce(std::io::Error) -> DeskError {
        move |source| DeskError::Io { what, source }
    }

    /// `cannot read PATH` (and its kin: `desk-io-save`, `-write`, `-move`, `-folder`).
    pub fn io_at(
        id: &'static str,
        path: impl std::fmt::Display,
    ) -> impl FnOnce(std::io::Error) -> DeskError {
        DeskError::io(Words::new(id).with("path", path))
    }

    /// A record a reader refused, in the reader's words.
    pub fn record(cause: impl std::fmt::Display) -> DeskError {
        DeskError::Record {
            source: None,
            cause: cause.to_string(),
        }
    }

    /// The message in `lang`.
    pub fn message(&self, lang: Language) -> String {
        self.words().text(lang)
    }

    /// The message as a catalog id and its variables.
    pub fn words(&self) -> Words {
        let w = Words::new;
        match self {
            DeskError::NotSetUp(m) => w(match m {
                Missing::Gateway => "desk-missing-gateway",
                Missing::ConsumerSecret => "desk-missing-consumer-secret",
                Missing::Activation => "desk-missing-activation",
                Missing::TokenSecret => "desk-missing-token-secret",
                Missing::Smtp => "desk-missing-smtp",
            }),
            DeskError::Insecure { address } => w("desk-insecure").with("address", address),
            DeskError::Unreachable { url, reason } => w("desk-unreachable")
                .with("url", url)
                .with("reason", reason),
            DeskError::Timeout { url } => w("desk-timeout").with("url", url),
            DeskError::NotAnAnswer { status, reason } => w("desk-not-an-answer")
                .with("status", status)
                .with("reason", reason),
            DeskError::Refused {
                code,
                errorcode,
                detail,
            } => refusal(*code, errorcode, detail),
            DeskError::Record {
                source: Some(source),
                cause,
            } => w("desk-record-from")
                .with("source", source)
                .with("cause", cause),
            DeskError::Record {
                source: None,
                cause,
            } => w("desk-record").with("cause", cause),
            DeskError::PaymentIncomplete => w("desk-payment-incomplete"),
            DeskError::PaymentInvalid { cause } => w("desk-payment-invalid").with("cause", cause),
            DeskError::NotFound(Item::Encounter(id)) => w("desk-no-encounter").with("id", id),
            DeskError::NotFound(Item::Staging(id)) => w("desk-no-staging").with("id", id),
            DeskError::NoCode { staging_id, status } => w("desk-no-code")
                .with("id", staging_id)
                .with("status", status),
            DeskError::NotLinked { mrn } => w("desk-not-linked").with("mrn", mrn),
            DeskError::NoLifecycle => w("desk-no-lifecycle"),
            DeskError::NoReserve => w("desk-no-reserve"),
            DeskError::NoAccesses => w("desk-no-accesses"),
            DeskError::VoidWaits(e) => w("desk-void-waits").with_words("why", e.briefly()),
            DeskError::NothingToVoid(id) => w("desk-nothing-to-void").with("id", id),
            DeskError::NoCodeYet(id) => w("desk-no-code-yet").with("id", id),
            DeskError::UnknownCode(code) => w("desk-unknown-code").with("code", code),
            DeskError::Random => w("desk-random"),
            DeskError::HttpClient { cause } => w("desk-http-client").with("cause", cause),
            DeskError::ShlNeedsPasscode => w("desk-shl-needs-passcode"),
            DeskError::Barcode { cause } => w("desk-barcode").with("cause", cause),
            DeskError::SmtpUntrusted { cause } => w("desk-smtp-untrusted").with("cause", cause),
            DeskError::Input(words)
            | DeskError::Activation(words)
            | DeskError::Sandbox(words)
            | DeskError::Receipt(words)
            | DeskError::Shl(words)
            | DeskError::Print(words)
            | DeskError::Email(words) => words.clone(),
            DeskError::Store(e) => w("desk-store").with("cause", e),
            DeskError::Secret(e) => w("desk-store").with("cause", e),
            DeskError::Io { what, source } => w("desk-io")
                .with_words("what", what.clone())
                .with("cause", source),
        }
    }

    /// A transient failure in a few words (without the stage's outbox advice).
    fn briefly(&self) -> Words {
        let w = Words::new;
        match self {
            DeskError::Unreachable { url, reason } => w("desk-briefly-unreachable")
                .with("url", url)
                .with("reason", reason),
            DeskError::Timeout { url } => w("desk-briefly-timeout").with("url", url),
            DeskError::NotAnAnswer { status, reason } => w("desk-briefly-not-an-answer")
                .with("status", status)
                .with("reason", reason),
            other => other.words(),
        }
    }

    /// True when sending again later may succeed (the outbox keeps the staging).
    pub fn is_transient(&self) -> bool {
        match self {
            DeskError::Unreachable { .. }
            | DeskError::Timeout { .. }
            | DeskError::NotAnAnswer { .. } => true,
            DeskError::Refused { code, .. } => *code == Some(ErrorCode::Internal),
            _ => false,
        }
    }

    /// The gateway's errorcode, when the gateway answered one.
    pub fn errorcode(&self) -> Option<&str> {
        match self {
            DeskError::Refused { errorcode, .. } => Some(errorcode),
            _ => None,
        }
    }

    pub fn detail(&self) -> Option<&str> {
        match self {
            DeskError::Refused { detail, .. } => Some(detail),
            _ => None,
        }
    }

    /// A gateway's refusal, kept with its errorcode and message.
    pub fn refused(code: &str, detail: &str) -> DeskError {
        DeskError::Refused {
            code: code.parse::<ErrorCode>().ok(),
            errorcode: code.to_string(),
            detail: detail.to_string(),
        }
    }
}

/// A gateway's refusal in plain words with what to do.
fn refusal(code: Option<ErrorCode>, errorcode: &str, detail: &str) -> Words {
    let id = match code {
        Some(ErrorCode::HerMissing) => "desk-refused-her-missing",
        Some(ErrorCode::HerInvalid) => {
            return Words::new("desk-refused-her-invalid").with("detail", detail)
        }
        Some(ErrorCode::UserInvalid) => "desk-refused-user-invalid",
        Some(ErrorCode::TooLarge) => "desk-refused-too-large",
        Some(ErrorCode::ConsumerUnknown) => "desk-refused-consumer-unknown",
        Some(ErrorCode::TokenUnknown) | Some(ErrorCode::TokenExpired) => "desk-refused-token",
        Some(ErrorCode::SignatureInvalid) => "desk-refused-signature",
        Some(ErrorCode::SignatureMethodUnsupported) => "desk-refused-signature-method",
        Some(ErrorCode::TimestampRefused) => "desk-refused-timestamp",
        Some(ErrorCode::NonceReused) => "desk-refused-nonce",
        Some(ErrorCode::VerifierInvalid) => "desk-refused-verifier",
        Some(ErrorCode::IdempotencyConflict) => "desk-refused-idempotency",
        Some(ErrorCode::RazIdUnknown) => "desk-refused-raz-id-unknown",
        Some(ErrorCode::ReservedIdInvalid) => "desk-refused-reserved-id",
        Some(ErrorCode::Internal) => "desk-refused-internal",
        None => {
            return Words::new("desk-refused-other")
                .with("code", errorcode)
                .with("detail", detail)
        }
    };
    Words::new(id)
}

pub type Result<T> = std::result::Result<T, DeskError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_said_in_the_language_asked_and_in_english_by_display() {
        let e = DeskError::NotSetUp(Missing::Activation);
        assert_eq!(e.to_string(), e.message(Language::En));
        assert!(e.to_string().contains("not activated"), "{e}");
        let es = e.message(Language::Es);
        assert!(es.contains("no está activada"), "{es}");
    }

    #[test]
    fn a_void_that_waits_says_its_cause_briefly_in_the_same_language() {
        let e = DeskError::VoidWaits(Box::new(DeskError::Timeout {
            url: "https://gw.example".into(),
        }));
        let en = e.message(Language::En);
        assert!(
            en.starts_with("The void waits in the outbox: the gateway at https://gw.example did not answer in time."),
            "{en}"
        );
        let es = e.message(Language::Es);
        assert!(
            es.contains("el gateway en https://gw.example no respondió a tiempo"),
            "{es}"
        );
    }

    #[test]
    fn a_refusal_is_advised_by_its_code_and_an_unknown_code_is_quoted() {
        let e = DeskError::refused("token_expired", "old");
        assert!(e.to_string().contains("Activate the practice again"), "{e}");
        assert!(DeskError::refused("what_now", "odd")
            .to_string()
            .contains("(what_now): odd"));
    }
}
