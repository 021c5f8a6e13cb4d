//! `razdesk clinic`, `receipt`, `print`, `email` and `smtp`: the receipt and how it reaches the patient.

use super::Run;
use crate::Out;
use razcode_desk::receipt::email::Smtp;
use razcode_desk::receipt_desk::parse_format;
use razcode_desk::receipt_desk::Clinic;
use razcode_desk::views::{ClinicPrefs, Emailed, Printing, SavedReceipt, SmtpSet};
use razcode_desk::{Desk, DeskError};
use std::path::Path;

pub(super) fn clinic(desk: &Desk, c: Clinic, printer: Option<&str>, format: Option<&str>) -> Run {
    desk.set_receipt_prefs(printer, format.map(parse_format).transpose()?)?;
    let c = desk.set_clinic(&c)?;
    let format = desk.receipt_format()?;
    let prefs = desk.code_prefs()?;
    let text = format!(
        "{}\nreceipts: {}\nbarcode: {}\nSMART Health Link: {}",
        c.name.clone().unwrap_or_default(),
        format.name(),
        prefs.barcode.name(),
        prefs.shl.name()
    );
    Ok(Out::ok(
        &ClinicPrefs {
            clinic: c,
            receipt_format: format.name(),
            code: prefs,
        },
        text,
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

/// Large print given for a staged code's receipt is kept with it and its
/// patient, as the language is.
pub(super) fn choose_large_print(
    desk: &Desk,
    staging_id: i64,
    large_print: Option<bool>,
) -> Result<(), DeskError> {
    if let Some(on) = large_print {
        desk.staged(staging_id)?;
        desk.keep_large_print(staging_id, on)?;
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
    let format = desk.receipt_format_or(format.map(parse_format).transpose()?)?;
    let pdf = desk.receipt_pdf(staging_id, format, copy)?;
    std::fs::write(out, &pdf).map_err(DeskError::io_at("desk-io-write", out.display()))?;
    Ok(Out::ok(
        &SavedReceipt {
            file: out.to_path_buf(),
            format: format.name(),
            bytes: Some(pdf.len()),
        },
        format!("receipt written to {}", out.display()),
    ))
}

pub(super) fn print(
    desk: &Desk,
    staging_id: i64,
    printer: Option<&str>,
    format: Option<&str>,
) -> Run {
    let format = desk.receipt_format_or(format.map(parse_format).transpose()?)?;
    let job = desk.print_receipt(staging_id, printer, format)?;
    let text = format!("printing: {job}");
    Ok(Out::ok(&Printing { job }, text))
}

pub(super) async fn email(desk: &Desk, staging_id: i64, to: &str, format: Option<&str>) -> Run {
    let format = desk.receipt_format_or(format.map(parse_format).transpose()?)?;
    desk.email_receipt(staging_id, to, format).await?;
    Ok(Out::ok(
        &Emailed { to: to.to_string() },
        format!("emailed to {to}"),
    ))
}

pub(super) fn smtp(desk: &Desk, smtp: Smtp) -> Run {
    desk.set_smtp(&smtp)?;
    let text = format!("SMTP {}:{}", smtp.host, smtp.port);
    Ok(Out::ok(&SmtpSet { smtp }, text))
}
