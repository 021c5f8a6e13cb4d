//! `razdesk clinic`, `receipt`, `print`, `email` and `smtp`: the receipt and how it reaches the patient.

use super::Run;
use crate::Out;
use razcode_desk::receipt::email::Smtp;
use razcode_desk::receipt_desk::Clinic;
use razcode_desk::{Desk, DeskError};
use serde_json::json;
use std::path::Path;

pub(super) fn clinic(desk: &Desk, c: Clinic, printer: Option<&str>, format: Option<&str>) -> Run {
    desk.set_receipt_prefs(printer, format)?;
    let c = desk.set_clinic(&c)?;
    let format = desk.receipt_format()?;
    let prefs = desk.code_prefs()?;
    Ok(Out::ok(
        json!({"ok": true, "clinic": c, "receipt_format": format.name(),
               "barcode": prefs.barcode, "shl": prefs.shl}),
        format!(
            "{}\nreceipts: {}\nbarcode: {}\nSMART Health Link: {}",
            c.name.clone().unwrap_or_default(),
            format.name(),
            prefs.barcode.name(),
            prefs.shl.name()
        ),
    ))
}

/// A language given for a staged code's receipt is kept with it (the
/// staging's later receipts, emails and outbox retries use it too).
pub(super) fn choose_language(
    desk: &Desk,
    staging_id: i64,
    tag: Option<&str>,
) -> Result<(), DeskError> {
    if let Some(tag) = tag {
        let lang = razcode_desk::languages::parse(tag)?;
        desk.staged(staging_id)?;
        desk.keep_staging_language(staging_id, lang)?;
    }
    Ok(())
}

pub(super) fn receipt(
    desk: &Desk,
    staging_id: i64,
    out: &Path,
    format: Option<&str>,
    copy: bool,
) -> Run {
    let format = desk.receipt_format_or(format)?;
    let pdf = desk.receipt_pdf(staging_id, format, copy)?;
    std::fs::write(out, &pdf).map_err(DeskError::io(format!("cannot write {}", out.display())))?;
    Ok(Out::ok(
        json!({"ok": true, "file": out, "format": format.name(), "bytes": pdf.len()}),
        format!("receipt written to {}", out.display()),
    ))
}

pub(super) fn print(
    desk: &Desk,
    staging_id: i64,
    printer: Option<&str>,
    format: Option<&str>,
) -> Run {
    let format = desk.receipt_format_or(format)?;
    let job = desk.print_receipt(staging_id, printer, format)?;
    Ok(Out::ok(
        json!({"ok": true, "job": job}),
        format!("printing: {job}"),
    ))
}

pub(super) async fn email(desk: &Desk, staging_id: i64, to: &str, format: Option<&str>) -> Run {
    let format = desk.receipt_format_or(format)?;
    desk.email_receipt(staging_id, to, format).await?;
    Ok(Out::ok(
        json!({"ok": true, "to": to}),
        format!("emailed to {to}"),
    ))
}

pub(super) fn smtp(desk: &Desk, smtp: Smtp) -> Run {
    desk.set_smtp(&smtp)?;
    Ok(Out::ok(
        json!({"ok": true, "smtp": smtp}),
        format!("SMTP {}:{}", smtp.host, smtp.port),
    ))
}
