//! `razdesk her` and `razdesk shl`: a record checked or converted, a link opened, without a desk.

use super::Run;
use crate::Out;
use razcode_desk::links::Opened;
use razcode_desk::{DeskError, Words};
use razcode_lang::{HerWords, Language};
use serde::Serialize;
use serde_json::Value;
use std::io::Read;

/// A record's bytes from a file, or standard input for `-`.
pub(super) fn read_record(file: &str) -> Result<Vec<u8>, DeskError> {
    if file == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .map_err(DeskError::io(Words::new("desk-io-stdin")))?;
        Ok(b)
    } else {
        std::fs::read(file).map_err(DeskError::io_at("desk-io-read", file))
    }
}

/// A record file's text; a CCD as the CCR the desk would stage from it.
fn record_text(file: &str) -> Result<String, DeskError> {
    let bytes = read_record(file)?;
    let text = razcode_her::xml::decode(&bytes).map_err(DeskError::record)?;
    Ok(if text.contains("<ClinicalDocument") {
        razcode_her::ccd::to_ccr(&text).map_err(DeskError::record)?
    } else {
        text
    })
}

/// `her show`: the record in plain words, in the language asked for, else
/// the patient's, else English.
pub(super) fn her_show(file: &str, language: Option<&str>) -> Run {
    let her = record_text(file)?;
    razcode_her::check(&her).map_err(DeskError::record)?;
    let lang = match language {
        Some(tag) => razcode_desk::languages::parse(tag)?,
        None => razcode_her::ccr::patient_language(&her)
            .and_then(|l| Language::from_name(&l))
            .unwrap_or_default(),
    };
    let words = razcode_lang::her_in_words(lang, &her, &razcode_lang::TimeZone::system())
        .ok_or_else(|| DeskError::record("the record does not read"))?;
    let text = shown(&words);
    Ok(Out::ok(
        &Shown {
            language: lang.tag(),
            words,
        },
        text,
    ))
}

#[derive(Serialize)]
struct Shown {
    language: &'static str,
    words: HerWords,
}

/// The words as lines: the facts, then each section's items.
fn shown(words: &HerWords) -> String {
    let mut out = String::new();
    let when = |w: &Option<String>| w.as_deref().map(|w| format!(" ({w})")).unwrap_or_default();
    match words {
        HerWords::Ccr(r) => {
            for f in &r.facts {
                out.push_str(&format!("{}: {}\n", f.label, f.value));
            }
            for s in &r.sections {
                out.push_str(&format!("\n{}\n", s.title));
                for i in &s.items {
                    out.push_str(&format!("  - {}{}\n", i.text, when(&i.when)));
                }
            }
        }
        HerWords::Omhe { measurements } => {
            for m in measurements {
                out.push_str(&format!("{}: {}{}\n", m.kind, m.values, when(&m.when)));
            }
        }
    }
    out.trim_end().to_string()
}

/// `her fhir`: the record as the FHIR R4 Bundle a patient's app gets.
pub(super) fn her_fhir(file: &str) -> Run {
    // A CCD is read as the CCR the desk would stage from it.
    let her = record_text(file)?;
    let bundle = razcode_her::fhir::convert(&her).map_err(DeskError::record)?;
    let pretty = serde_json::to_string_pretty(&bundle).unwrap_or_default();
    Ok(Out::document(&bundle, pretty, true))
}

/// `shl open`: what a patient's app will see behind a link.
pub(super) async fn shl_open(link: &str, passcode: Option<&str>, recipient: &str) -> Run {
    let opened = razcode_desk::links::open_link(link, passcode, recipient).await?;
    let text = opened
        .files
        .iter()
        .map(|f| serde_json::to_string_pretty(&f.content).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    Ok(Out::ok(&LinkOpened { link: opened }, text))
}

pub(super) fn her_check(file: &str) -> Run {
    let bytes = read_record(file)?;
    let v = match razcode_her::xml::decode(&bytes) {
        Ok(text) if text.contains("<ClinicalDocument") => match razcode_her::ccd::to_ccr(&text) {
            Ok(ccr) => razcode_her::check_json(&ccr),
            Err(e) => not_read(e.to_string(), None),
        },
        Ok(text) => razcode_her::check_json(&text),
        Err(e) => not_read(e.to_string(), e.line),
    };
    let good = v["ok"] == Value::Bool(true);
    let text = if good {
        serde_json::to_string_pretty(&v).unwrap_or_default()
    } else {
        v["error"]["message"].as_str().unwrap_or("").to_string()
    };
    Ok(Out::document(&v, text, good))
}

/// `shl open`: the link's files as a patient's app gets them.
#[derive(Serialize)]
struct LinkOpened {
    link: Opened,
}

/// A record `her check` could not read: the same shape as the record
/// checker's own refusal (`{"ok": false, "error": {"message", "line"}}`).
#[derive(Serialize)]
struct NotRead {
    ok: bool,
    error: Refusal,
}

#[derive(Serialize)]
struct Refusal {
    message: String,
    line: Option<usize>,
}

fn not_read(message: String, line: Option<usize>) -> Value {
    serde_json::to_value(NotRead {
        ok: false,
        error: Refusal { message, line },
    })
    .unwrap_or(Value::Null)
}
