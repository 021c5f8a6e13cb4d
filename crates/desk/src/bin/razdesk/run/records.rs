//! `razdesk her` and `razdesk shl`: a record checked or converted, a link opened, without a desk.

use super::Run;
use crate::Out;
use razcode_desk::DeskError;
use serde_json::json;
use std::io::Read;

/// A record's bytes from a file, or standard input for `-`.
pub(super) fn read_record(file: &str) -> Result<Vec<u8>, DeskError> {
    if file == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .map_err(DeskError::io("cannot read standard input"))?;
        Ok(b)
    } else {
        std::fs::read(file).map_err(DeskError::io(format!("cannot read {file}")))
    }
}

/// `her fhir`: the record as the FHIR R4 Bundle a patient's app gets.
pub(super) fn her_fhir(file: &str) -> Run {
    let bytes = read_record(file)?;
    let text = razcode_her::xml::decode(&bytes).map_err(|e| DeskError::Record(e.to_string()))?;
    // A CCD is read as the CCR the desk would stage from it.
    let her = if text.contains("<ClinicalDocument") {
        razcode_her::ccd::to_ccr(&text).map_err(|e| DeskError::Record(e.to_string()))?
    } else {
        text
    };
    let bundle = razcode_her::fhir::convert(&her).map_err(|e| DeskError::Record(e.to_string()))?;
    let pretty = serde_json::to_string_pretty(&bundle).unwrap_or_default();
    Ok(Out::ok(bundle, pretty))
}

/// `shl open`: what a patient's app will see behind a link.
pub(super) async fn shl_open(link: &str, passcode: Option<&str>, recipient: &str) -> Run {
    let opened = razcode_desk::links::open_link(link, passcode, recipient).await?;
    let v = serde_json::to_value(&opened).unwrap_or_default();
    let text = opened
        .files
        .iter()
        .map(|f| serde_json::to_string_pretty(&f.content).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    Ok(Out::ok(json!({"ok": true, "link": v}), text))
}

pub(super) fn her_check(file: &str) -> Run {
    let bytes = read_record(file)?;
    let v = match razcode_her::xml::decode(&bytes) {
        Ok(text) if text.contains("<ClinicalDocument") => match razcode_her::ccd::to_ccr(&text) {
            Ok(ccr) => razcode_her::check_json(&ccr),
            Err(e) => json!({"ok": false, "error": {"message": e.to_string(), "line": null}}),
        },
        Ok(text) => razcode_her::check_json(&text),
        Err(e) => json!({"ok": false, "error": {"message": e.to_string(), "line": e.line}}),
    };
    let good = v["ok"] == json!(true);
    let text = if good {
        serde_json::to_string_pretty(&v).unwrap_or_default()
    } else {
        v["error"]["message"].as_str().unwrap_or("").to_string()
    };
    Ok(Out {
        json: v,
        text,
        ok: good,
    })
}
