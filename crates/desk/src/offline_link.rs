//! The SMART Health Link of a code printed offline (protocol v1.2): the desk
//! makes the key and the link at checkout, on the manifest the gateway
//! reserved with the code (`shl_url`), and sends the visit's FHIR Bundle,
//! encrypted under that key, with the stage. The gateway keeps the file and
//! never sees the key, as with the links it makes itself.

use crate::error::{DeskError, Result};
use crate::words::Words;
use razcode_her::fhir;
use razcode_protocol::shl::{self, Payload, FHIR_JSON};

/// What an offline link says of itself.
pub(crate) struct LinkFor<'a> {
    /// The manifest the gateway reserved with the code.
    pub manifest: &'a str,
    /// When the code stops working, at the earliest (seconds since 1970).
    pub exp: i64,
    pub passcode: bool,
    /// The practice, when activation named it.
    pub practice: Option<&'a str>,
    /// `YYYY-MM-DD`.
    pub visit: &'a str,
}

/// A new link with a key made here: `shlink:/…`.
pub(crate) fn new_link(l: &LinkFor) -> Result<String> {
    let label = match l.practice.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => format!("{p}, visit of {}", l.visit),
        None => format!("Visit of {}", l.visit),
    };
    Ok(Payload {
        url: l.manifest.to_string(),
        key: shl::new_key().map_err(cause)?,
        exp: Some(l.exp),
        flag: l.passcode.then(|| "P".to_string()),
        label: Some(shl::label(&label)),
        v: Some(1),
    }
    .encode())
}

/// The file the link opens to: the record as sent, as a FHIR Bundle,
/// encrypted under the link's key (compact JWE, `dir` with `A256GCM`).
pub(crate) fn file_for(link: &str, her: &str) -> Result<String> {
    let key = Payload::decode(link).map_err(cause)?.key;
    let checked = razcode_her::check(her).map_err(DeskError::record)?;
    let bundle = serde_json::to_vec(&fhir::bundle(&checked, her)).map_err(cause)?;
    shl::encrypt(&key, FHIR_JSON, &bundle).map_err(cause)
}

fn cause(e: impl std::fmt::Display) -> DeskError {
    DeskError::Shl(Words::new("desk-shl").with("cause", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_opens_with_the_link_s_own_key_alone() {
        let link = new_link(&LinkFor {
            manifest: "https://gw.example/shl/abc",
            exp: 1_800_000_000,
            passcode: true,
            practice: Some("Oak Clinic"),
            visit: "2026-12-05",
        })
        .unwrap();
        let p = Payload::decode(&link).unwrap();
        assert_eq!(p.url, "https://gw.example/shl/abc");
        assert_eq!(p.label.as_deref(), Some("Oak Clinic, visit of 2026-12-05"));
        assert!(p.needs_passcode());
        let file = file_for(&link, "bp=118/76p64").unwrap();
        let (plain, cty) = shl::decrypt(&p.key, &file).unwrap();
        assert_eq!(cty.as_deref(), Some(FHIR_JSON));
        let bundle: serde_json::Value = serde_json::from_slice(&plain).unwrap();
        assert_eq!(bundle["resourceType"], "Bundle");
        let other = new_link(&LinkFor {
            manifest: "https://gw.example/shl/abc",
            exp: 1,
            passcode: false,
            practice: None,
            visit: "2026-12-05",
        })
        .unwrap();
        let other = Payload::decode(&other).unwrap();
        assert_ne!(other.key, p.key, "a key per link");
        assert!(shl::decrypt(&other.key, &file).is_err());
        assert_eq!(other.label.as_deref(), Some("Visit of 2026-12-05"));
    }
}
