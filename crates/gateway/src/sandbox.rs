//! The sandbox: a demo consumer, organization and patient, so that a desk can run
//! a whole checkout on loopback with no account anywhere.

use crate::crypto;
use crate::store::{AccountKind, Store, StoreError};
use std::sync::Arc;

pub const CONSUMER_NAME: &str = "RAZCODE Desk sandbox";
pub const ORG_EMAIL: &str = "frontdesk@sandbox.razcode.test";
/// The demo practice's phone, shown on its patients' pages.
pub const ORG_PHONE: &str = "+1 555 0100";
pub const ORG_PASSWORD: &str = "sandbox-practice";
pub const ORG_NAME: &str = "Sandbox Family Practice";
pub const PATIENT_EMAIL: &str = "patient@sandbox.healthjibe.test";
pub const PATIENT_PASSWORD: &str = "sandbox-patient";
pub const PATIENT_NAME: &str = "Sam Sandbox";

/// What `--sandbox` prints, one `name=value` a line.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub consumer_key: String,
    pub consumer_secret: String,
    pub org_email: String,
    pub org_password: String,
    pub patient_email: String,
    pub patient_password: String,
}

impl Credentials {
    pub fn lines(&self) -> Vec<String> {
        vec![
            format!("consumer_key={}", self.consumer_key),
            format!("consumer_secret={}", self.consumer_secret),
            format!("org_email={}", self.org_email),
            format!("org_password={}", self.org_password),
            format!("patient_email={}", self.patient_email),
            format!("patient_password={}", self.patient_password),
        ]
    }
}

/// Seeds the demo accounts once; later starts reuse them.
pub fn seed(store: &Store, now: i64) -> Result<Credentials, StoreError> {
    let consumer = match store.consumer_by_name(CONSUMER_NAME)? {
        Some(c) => c,
        None => store.add_consumer(CONSUMER_NAME, now)?,
    };
    for (kind, email, password, name) in [
        (AccountKind::Org, ORG_EMAIL, ORG_PASSWORD, ORG_NAME),
        (
            AccountKind::Patient,
            PATIENT_EMAIL,
            PATIENT_PASSWORD,
            PATIENT_NAME,
        ),
    ] {
        if store.account_by_email(kind, email)?.is_none() {
            let hash = crypto::hash_password(password).map_err(StoreError::PasswordHash)?;
            store.add_account(kind, email, name, &hash, now)?;
            // A demo phone number (the 555-01xx range is for fiction): the
            // practice's patients' pages show it beside a request for a new code.
            if kind == AccountKind::Org {
                store.set_org_phone(email, ORG_PHONE)?;
            }
        }
    }
    Ok(Credentials {
        consumer_key: consumer.key,
        consumer_secret: consumer.secret,
        org_email: ORG_EMAIL.into(),
        org_password: ORG_PASSWORD.into(),
        patient_email: PATIENT_EMAIL.into(),
        patient_password: PATIENT_PASSWORD.into(),
    })
}

/// The sandbox's own way in: approves temporary credentials as the demo
/// practice, as its organization would on the approval page, so that the desk
/// that embeds the sandbox activates without a browser.
#[derive(Clone)]
pub struct DemoApprover {
    pub(crate) store: Arc<Store>,
}

impl DemoApprover {
    /// Approves the pending temporary credentials `oauth_token` for the demo
    /// practice; returns the verifier.
    pub async fn approve_practice(&self, oauth_token: &str) -> Result<String, StoreError> {
        let store = self.store.clone();
        let token = oauth_token.to_string();
        tokio::task::spawn_blocking(move || {
            let org = store
                .account_by_email(AccountKind::Org, ORG_EMAIL)?
                .ok_or(StoreError::NotApproved)?;
            store.approve_temp(&token, AccountKind::Org, org.id)
        })
        .await
        .map_err(|e| StoreError::TaskFailed(e.to_string()))?
    }
}
