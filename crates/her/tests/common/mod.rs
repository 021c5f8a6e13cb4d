//! Schema validation with xmllint, the schema read from `shared/`.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

pub fn shared(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel)
}

pub fn schema() -> PathBuf {
    shared("fixtures/ccr/schema/ccr.xsd")
}

/// Runs xmllint on the document; returns its complaint when it does not validate.
pub fn validate(xml: &str) -> std::result::Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let file = dir.path().join("doc.xml");
    std::fs::write(&file, xml).map_err(|e| e.to_string())?;
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema())
        .arg(&file)
        .output()
        .map_err(|e| format!("xmllint could not run ({e}); install libxml2-utils"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}
