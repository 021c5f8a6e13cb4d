//! Schema validation with xmllint against the ASTM CCR schema, which is read
//! from outside the repository (`RAZCODE_CCR_SCHEMA`): where it is missing,
//! the test's output says validation was not run.

use std::process::Command;

/// Runs xmllint on the document; returns its complaint when it does not
/// validate. Without the schema, says so (naming the test) and passes.
pub fn validate(xml: &str) -> std::result::Result<(), String> {
    let test = std::thread::current()
        .name()
        .unwrap_or("a CCR writer test")
        .to_string();
    let Some(schema) = razcode_testkit::ccr_schema(&test) else {
        return Ok(());
    };
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let file = dir.path().join("doc.xml");
    std::fs::write(&file, xml).map_err(|e| e.to_string())?;
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema)
        .arg(&file)
        .output()
        .map_err(|e| format!("xmllint could not run ({e}); install libxml2-utils"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}
