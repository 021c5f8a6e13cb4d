//! Discharge receipts: one description, three layouts (Letter, A4, 80 mm
//! thermal), laid out once (`layout`) and drawn as a PDF (`pdf`) or, on
//! Windows, straight onto the printer (`gdi`).

mod device;
pub mod email;
mod email_html;
mod fonts;
#[cfg(windows)]
mod gdi;
pub mod layout;
mod pdf;
pub mod print;
mod shaping;

use crate::error::Result;
use razcode_lang::Language;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Format {
    Letter,
    A4,
    Thermal80,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "letter" => Some(Format::Letter),
            "a4" => Some(Format::A4),
            "80mm" | "thermal" => Some(Format::Thermal80),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Letter => "letter",
            Format::A4 => "a4",
            Format::Thermal80 => "80mm",
        }
    }

    /// Page width, margin, and the barcode's printed size, in millimetres.
    fn geometry(self) -> (f32, f32, f32) {
        match self {
            Format::Letter => (215.9, 20.0, 45.0),
            Format::A4 => (210.0, 20.0, 45.0),
            Format::Thermal80 => (80.0, 4.0, 40.0),
        }
    }
}

/// The barcode to print.
#[derive(Debug, Clone)]
pub enum Barcode {
    /// The gateway's tag image.
    Jpeg(Vec<u8>),
    /// A QR code drawn by the desk (PNG with its quiet zone).
    QrPng(Vec<u8>),
}

#[derive(Debug, Clone)]
pub struct AmountDue {
    /// With its currency, `USD 25.00`.
    pub amount: String,
    pub description: Option<String>,
    pub reference: Option<String>,
    pub due_date: Option<String>,
    /// The gateway said the patient can pay online after redeeming; otherwise
    /// the receipt says to pay at the clinic (it promises only what exists).
    pub online: bool,
}

impl AmountDue {
    /// What is said under the amount: what it is for, the reference and the
    /// date it is due, those the bill has.
    pub fn detail_lines(&self, l: Language) -> Vec<String> {
        [
            self.description.clone(),
            self.reference
                .as_ref()
                .map(|x| razcode_lang::text_with(l, "receipt-reference", &[("reference", x)])),
            self.due_date
                .as_ref()
                .map(|x| razcode_lang::text_with(l, "receipt-due-by", &[("date", x)])),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// Everything a receipt shows; the layouts only place it.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub clinic_name: String,
    pub clinic_address: Option<String>,
    pub clinic_phone: Option<String>,
    pub logo: Option<Vec<u8>>,
    pub patient_name: String,
    pub visit_date: Option<String>,
    /// Grouped, `7KQ2-M9XD-4HRB`.
    pub raz_id: String,
    pub barcode: Barcode,
    /// Where the patient types the code.
    pub redeem_url: String,
    /// `YYYY-MM-DD`.
    pub expires: String,
    /// The valid payment request staged with the code.
    pub amount_due: Option<AmountDue>,
    pub copy: bool,
    pub issued: String,
    /// The grouped code this one replaces (a reissue): it no longer works.
    pub replaces: Option<String>,
    /// The QR carries a SMART Health Link: health apps can scan it too.
    pub health_apps: bool,
    /// The link's passcode, printed on a page of its own to be kept apart.
    pub shl_passcode: Option<String>,
    /// The patient's language: every sentence, date and amount is in it.
    pub language: Language,
    /// Large print: the code and the instructions at 18 pt or more.
    pub large_print: bool,
}

/// Draws the receipt; returns the PDF.
pub fn render(r: &Receipt, format: Format) -> Result<Vec<u8>> {
    Ok(Made::of(r, format)?.pdf)
}

/// A receipt laid out, and its PDF: the file is kept and emailed, the layout
/// is what a printer without a PDF reader draws.
pub struct Made {
    pub sheet: layout::Sheet,
    pub pdf: Vec<u8>,
}

impl Made {
    pub fn of(r: &Receipt, format: Format) -> Result<Made> {
        let sheet = layout::lay_out(r, format)?;
        let pdf = pdf::write(&sheet)?;
        Ok(Made { sheet, pdf })
    }
}
