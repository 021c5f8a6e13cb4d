//! The independent checkers (Python's fhir.resources for FHIR R4, jwcrypto for
//! JWE) that scripts/setup-test.sh installs.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    crate::repo_root()
}

/// The checkers' Python (`RAZCODE_TEST_PYENV`, else where setup-test.sh puts it).
pub fn python() -> PathBuf {
    let env = std::env::var_os("RAZCODE_TEST_PYENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".local/share/razcode/test-python")
        });
    let py = env.join("bin/python");
    assert!(
        py.exists(),
        "{} is missing: run scripts/setup-test.sh (it installs fhir.resources and jwcrypto)",
        py.display()
    );
    py
}

/// Validates Bundles as FHIR R4; on failure, the validator's words per file.
pub fn validate_fhir(bundles: &[(String, serde_json::Value)]) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut files = Vec::new();
    for (i, (name, b)) in bundles.iter().enumerate() {
        let safe: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let f = dir.path().join(format!("{i:03}-{safe}.json"));
        std::fs::write(&f, serde_json::to_vec_pretty(b).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        files.push(f);
    }
    let out = Command::new(python())
        .arg(root().join("scripts/check/fhir_r4.py"))
        .args(&files)
        .output()
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let oks = text.lines().filter(|l| l.starts_with("ok ")).count();
    if out.status.success() && oks == bundles.len() {
        Ok(())
    } else {
        Err(format!("{text}{}", String::from_utf8_lossy(&out.stderr)))
    }
}

/// Decrypts a compact JWE with jwcrypto: the plaintext and the protected header.
pub fn jwe_open(key: &str, compact: &str) -> Result<(Vec<u8>, serde_json::Value), String> {
    let mut child = Command::new(python())
        .arg(root().join("scripts/check/jwe_open.py"))
        .arg(key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(compact.as_bytes())
        .map_err(|e| e.to_string())?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        return Err(err);
    }
    let header = err
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .ok_or_else(|| format!("no header printed: {err}"))?;
    Ok((out.stdout, header))
}
