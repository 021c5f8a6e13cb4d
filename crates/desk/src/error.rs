//! Errors in words a front desk can act on.

use razcode_protocol::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error("The desk is not set up: {0}")]
    NotSetUp(String),
    #[error(
        "{0} is not allowed: patient data travels only encrypted (HTTPS or TLS); plain connections only to this computer."
    )]
    Insecure(String),
    #[error("The gateway at {url} cannot be reached ({reason}). Check the network; the encounter waits in the outbox.")]
    Unreachable { url: String, reason: String },
    #[error("The gateway at {url} did not answer in time. The encounter waits in the outbox and is sent again with the same key, so it cannot be staged twice.")]
    Timeout { url: String },
    #[error("The gateway's answer could not be read (HTTP {status}: {reason}). No code is shown. The encounter waits in the outbox.")]
    NotAnAnswer { status: u16, reason: String },
    #[error("{advice}")]
    Refused {
        /// The errorcode, when it is one the protocol defines.
        code: Option<ErrorCode>,
        /// The errorcode as the gateway sent it.
        errorcode: String,
        /// The gateway's own message.
        detail: String,
        advice: String,
    },
    #[error("The record cannot be read: {0}")]
    Record(String),
    /// What a person typed or chose cannot be used (a form field, a setting).
    #[error("{0}")]
    Input(String),
    #[error("A payment needs both an amount and a currency, or neither.")]
    PaymentIncomplete,
    #[error("The payment request is not valid: {0}.")]
    PaymentInvalid(String),
    #[error("There is no {0}.")]
    NotFound(String),
    #[error(
        "Staging {staging_id} has no code (it is {status}); only a staged code has a receipt."
    )]
    NoCode {
        staging_id: i64,
        status: crate::store::StagingStatus,
    },
    #[error("Patient {mrn} has no linked HealthJibe account; link it first, or stage without binding the code to the patient.")]
    NotLinked { mrn: String },
    #[error("Activation did not finish: {0}")]
    Activation(String),
    /// The gateway has no v1.1 status or void (it answered 404 without a protocol answer).
    #[error("This gateway cannot report or void codes (it does not offer protocol v1.1's status and void). Codes still work; ask the gateway's operator to withdraw one.")]
    NoLifecycle,
    #[error("The void waits in the outbox: {0} The code is not voided until the gateway confirms it; it is sent again with the outbox.")]
    VoidWaits(String),
    #[error("Staging {0} has no code to void or reissue.")]
    NothingToVoid(i64),
    #[error("The system's random number generator failed.")]
    Random,
    #[error("Cannot start the HTTP client: {0}")]
    HttpClient(String),
    #[error("The sandbox gateway did not start: {0}")]
    Sandbox(String),
    #[error("The receipt cannot be made: {0}")]
    Receipt(String),
    #[error("The SMART Health Link cannot be opened: {0}")]
    Shl(String),
    #[error("Cannot make the barcode: {0}")]
    Barcode(String),
    #[error("{0}")]
    Print(String),
    #[error("{0}")]
    Email(String),
    #[error("The SMTP server's certificate is not trusted ({0}). If the clinic runs its own mail server, give its CA file in the SMTP settings.")]
    SmtpUntrusted(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Secret(#[from] crate::secret::SecretError),
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
}

impl DeskError {
    pub fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> DeskError {
        let what = what.into();
        move |source| DeskError::Io { what, source }
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

    /// A gateway failure in plain words with what to do.
    pub fn refused(code: &str, detail: &str) -> DeskError {
        let known = code.parse::<ErrorCode>().ok();
        let advice = match known {
            Some(ErrorCode::HerMissing) => "The record is empty. Choose an encounter that has content.".to_string(),
            Some(ErrorCode::HerInvalid) => format!("The gateway could not read the record: {detail}. Correct the record and stage it again."),
            Some(ErrorCode::UserInvalid) => "The patient's HealthJibe link is not valid on this gateway. Link the patient again, or stage without the link.".into(),
            Some(ErrorCode::TooLarge) => "The record is larger than 4 MiB. Leave out sections (minimum necessary) and stage again.".into(),
            Some(ErrorCode::ConsumerUnknown) => "The gateway does not know this desk's consumer key. Check the consumer key in the settings (razdesk setup).".into(),
            Some(ErrorCode::TokenUnknown) | Some(ErrorCode::TokenExpired) => "The practice's activation is not valid on this gateway. Activate the practice again (razdesk activate).".into(),
            Some(ErrorCode::SignatureInvalid) => "The gateway refused this desk's signature. Check the consumer secret in the settings, then activate again.".into(),
            Some(ErrorCode::SignatureMethodUnsupported) => "The gateway does not accept HMAC-SHA1 signatures. Ask the gateway's operator.".into(),
            Some(ErrorCode::TimestampRefused) => "This computer's clock is more than 5 minutes off the gateway's, even after correcting once. Set the clock right (use automatic time) and stage again.".into(),
            Some(ErrorCode::NonceReused) => "The gateway saw this request before. Stage again.".into(),
            Some(ErrorCode::VerifierInvalid) => "The approval code is wrong, used or expired. Start again.".into(),
            Some(ErrorCode::IdempotencyConflict) => "The gateway already has this encounter staged with other details (patient link, payment or record); no code is shown. Look for its code in History, or void it and reissue.".into(),
            Some(ErrorCode::RazIdUnknown) => "The gateway knows no such code for this practice.".into(),
            Some(ErrorCode::Internal) => "The gateway had a fault. The encounter waits in the outbox; send it again later.".into(),
            None => format!("The gateway refused the request ({code}): {detail}"),
        };
        DeskError::Refused {
            code: known,
            errorcode: code.to_string(),
            detail: detail.to_string(),
            advice,
        }
    }
}

pub type Result<T> = std::result::Result<T, DeskError>;
