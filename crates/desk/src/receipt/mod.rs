//! Discharge receipts: one description, three layouts (Letter, A4, 80 mm
//! thermal), drawn with printpdf and every font embedded.

pub mod email;
mod fonts;
pub mod print;

use crate::error::{DeskError, Result};
use crate::words::Words;
use fonts::{Fonts, Style};
use printpdf::{
    Color, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
    RawImage, Rect, Rgb, TextItem, XObjectTransform,
};
use razcode_lang::{text, text_with, Language};

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
}

const PT_PER_MM: f32 = 72.0 / 25.4;

fn pt(mm: f32) -> Pt {
    Pt(mm * PT_PER_MM)
}

impl<'a> Canvas<'a> {
    /// An empty page `page_w` wide, written from its top margin.
    fn new(fonts: &'a Fonts, margin: f32, page_w: f32, page_h: f32) -> Canvas<'a> {
        Canvas {
            fonts,
            ops: Vec::new(),
            y: margin,
            left: margin,
            width: page_w - 2.0 * margin,
            page_h,
        }
    }
}

struct Canvas<'a> {
    fonts: &'a Fonts,
    ops: Vec<Op>,
    /// Distance from the top of the page, in mm.
    y: f32,
    left: f32,
    width: f32,
    page_h: f32,
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Center,
}

impl Canvas<'_> {
    /// Writes one line (no wrapping) at the cursor.
    fn line(&mut self, text: &str, style: Style, size: f32, align: Align) {
        let line_h = size * 1.35 / PT_PER_MM;
        self.y += line_h;
        let w = self.fonts.width(text, style, size) / PT_PER_MM;
        let x = match align {
            Align::Left => self.left,
            Align::Center => self.left + (self.width - w).max(0.0) / 2.0,
        };
        self.ops.push(Op::StartTextSection);
        self.ops.push(Op::SetTextCursor {
            pos: Point {
                x: pt(x),
                y: pt(self.page_h - self.y + line_h * 0.25),
            },
        });
        for (face, run) in self.fonts.runs(text, style) {
            face.mark_used(&run);
            self.ops.push(Op::SetFont {
                font: PdfFontHandle::External(face.id.clone()),
                size: Pt(size),
            });
            self.ops.push(Op::ShowText {
                items: vec![TextItem::Text(run)],
            });
        }
        self.ops.push(Op::EndTextSection);
    }

    /// Writes text wrapped to the width, at word boundaries (or anywhere, for
    /// scripts without spaces).
    fn para(&mut self, text: &str, style: Style, size: f32, align: Align) {
        let max = self.width * PT_PER_MM;
        let mut current = String::new();
        for word in text.split_inclusive(' ') {
            let candidate = format!("{current}{word}");
            if self.fonts.width(candidate.trim_end(), style, size) <= max || current.is_empty() {
                current = candidate;
            } else {
                self.line(current.trim_end(), style, size, align);
                current = word.to_string();
            }
            // A single word wider than the line is cut by characters.
            while self.fonts.width(current.trim_end(), style, size) > max {
                let mut cut = String::new();
                for c in current.chars() {
                    if self.fonts.width(&format!("{cut}{c}"), style, size) > max {
                        break;
                    }
                    cut.push(c);
                }
                if cut.is_empty() {
                    break;
                }
                self.line(&cut, style, size, align);
                current = current[cut.len()..].to_string();
            }
        }
        if !current.trim().is_empty() {
            self.line(current.trim_end(), style, size, align);
        }
    }

    fn gap(&mut self, mm: f32) {
        self.y += mm;
    }

    fn rule(&mut self) {
        self.gap(2.0);
        self.fill_gray(0.6);
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: pt(self.left),
                y: pt(self.page_h - self.y),
                width: pt(self.width),
                height: Pt(0.6),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
        self.fill_gray(0.0);
        self.gap(3.0);
    }

    fn fill_gray(&mut self, level: f32) {
        self.ops.push(Op::SetFillColor {
            col: Color::Rgb(Rgb {
                r: level,
                g: level,
                b: level,
                icc_profile: None,
            }),
        });
    }

    /// Places an image `w_mm` wide, centred or at the left.
    fn image(
        &mut self,
        doc: &mut PdfDocument,
        bytes: &[u8],
        w_mm: f32,
        align: Align,
    ) -> Result<()> {
        let img = RawImage::decode_from_bytes(bytes, &mut Vec::new())
            .map_err(|e| DeskError::Receipt(Words::new("desk-receipt-image").with("cause", e)))?;
        let (px_w, px_h) = (img.width as f32, img.height as f32);
        let h_mm = w_mm * px_h / px_w.max(1.0);
        let id = doc.add_image(&img);
        let x = match align {
            Align::Left => self.left,
            Align::Center => self.left + (self.width - w_mm) / 2.0,
        };
        self.y += h_mm;
        self.ops.push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(pt(x)),
                translate_y: Some(pt(self.page_h - self.y)),
                dpi: Some(px_w * 25.4 / w_mm),
                ..Default::default()
            },
        });
        Ok(())
    }
}

/// Draws the receipt; returns the PDF.
pub fn render(r: &Receipt, format: Format) -> Result<Vec<u8>> {
    let (page_w, margin, code_mm) = format.geometry();
    let thermal = format == Format::Thermal80;
    // A QR with a SMART Health Link holds ~400 bytes (version 15 or so): printed
    // larger so that each module stays about half a millimetre or more.
    let code_mm = if r.health_apps {
        if thermal {
            56.0
        } else {
            60.0
        }
    } else {
        code_mm
    };
    let title = if thermal { 11.0 } else { 16.0 };
    let body = if thermal { 8.5 } else { 11.0 };
    let id_size = if thermal { 20.0 } else { 30.0 };
    let mut doc = PdfDocument::new(&format!("RAZCODE {}", r.raz_id));
    let fonts =
        Fonts::load().ok_or_else(|| DeskError::Receipt(Words::new("desk-receipt-fonts")))?;
    // A thermal roll is as long as its content: lay out once to measure.
    let page_h = match format {
        Format::Letter => 279.4,
        Format::A4 => 297.0,
        Format::Thermal80 => {
            let mut probe = PdfDocument::new("measure");
            let probe_fonts = Fonts::load()
                .ok_or_else(|| DeskError::Receipt(Words::new("desk-receipt-fonts")))?;
            let mut c = Canvas::new(&probe_fonts, margin, page_w, 1000.0);
            layout(
                &mut c, &mut probe, r, thermal, title, body, id_size, code_mm,
            )?;
            c.y + margin + 4.0
        }
    };
    let mut c = Canvas::new(&fonts, margin, page_w, page_h);
    layout(&mut c, &mut doc, r, thermal, title, body, id_size, code_mm)?;
    let ops = std::mem::take(&mut c.ops);
    let mut pages = vec![PdfPage::new(Mm(page_w), Mm(page_h), ops)];
    if let Some(code) = &r.shl_passcode {
        // Its own page (a slip on a roll): kept apart from the code it opens.
        let slip_h = if thermal { 60.0 } else { page_h };
        let mut c = Canvas::new(&fonts, margin, page_w, slip_h);
        passcode_slip(&mut c, r, code, thermal, title, body, id_size);
        pages.push(PdfPage::new(Mm(page_w), Mm(slip_h), c.ops));
    }
    fonts
        .embed(&mut doc)
        .map_err(|e| DeskError::Receipt(Words::new("desk-receipt-font").with("cause", e)))?;
    let opts = PdfSaveOptions {
        subset_fonts: true,
        ..PdfSaveOptions::default()
    };
    Ok(doc.with_pages(pages).save(&opts, &mut Vec::new()))
}

/// The passcode's own page: what it opens and that it is kept apart.
fn passcode_slip(
    c: &mut Canvas,
    r: &Receipt,
    code: &str,
    thermal: bool,
    title: f32,
    body: f32,
    id_size: f32,
) {
    let center = if thermal { Align::Center } else { Align::Left };
    c.para(&r.clinic_name, Style::Bold, title, center);
    c.rule();
    let l = r.language;
    c.para(
        &text(l, "receipt-passcode-title"),
        Style::Bold,
        title,
        center,
    );
    c.para(
        &text_with(l, "receipt-passcode-ask", &[("code", &r.raz_id)]),
        Style::Regular,
        body,
        center,
    );
    c.gap(2.0);
    c.line(code, Style::Mono, id_size, Align::Center);
    c.gap(2.0);
    c.para(
        &text(l, "receipt-passcode-keep"),
        Style::Regular,
        body,
        center,
    );
}

#[allow(clippy::too_many_arguments)]
fn layout(
    c: &mut Canvas,
    doc: &mut PdfDocument,
    r: &Receipt,
    thermal: bool,
    title: f32,
    body: f32,
    id_size: f32,
    code_mm: f32,
) -> Result<()> {
    let center = if thermal { Align::Center } else { Align::Left };
    let l = r.language;
    if let Some(logo) = &r.logo {
        c.image(doc, logo, if thermal { 30.0 } else { 35.0 }, center)?;
        c.gap(2.0);
    }
    c.para(&r.clinic_name, Style::Bold, title, center);
    if let Some(a) = &r.clinic_address {
        c.para(a, Style::Regular, body, center);
    }
    if let Some(p) = &r.clinic_phone {
        c.para(
            &text_with(l, "receipt-phone", &[("phone", p)]),
            Style::Regular,
            body,
            center,
        );
    }
    c.rule();
    if r.copy {
        c.line(
            &text(l, "receipt-copy"),
            Style::Bold,
            title * 1.3,
            Align::Center,
        );
        c.gap(1.0);
    }
    c.para(&text(l, "receipt-title"), Style::Bold, title, center);
    c.para(
        &text_with(l, "receipt-patient", &[("name", &r.patient_name)]),
        Style::Regular,
        body,
        center,
    );
    if let Some(d) = &r.visit_date {
        c.para(
            &text_with(l, "receipt-visit", &[("date", d)]),
            Style::Regular,
            body,
            center,
        );
    }
    if let Some(old) = &r.replaces {
        c.para(
            &text_with(l, "receipt-replaces", &[("old", old)]),
            Style::Regular,
            body,
            center,
        );
    }
    c.gap(3.0);
    c.line(&r.raz_id, Style::Mono, id_size, Align::Center);
    c.gap(3.0);
    let bytes = match &r.barcode {
        Barcode::Jpeg(b) | Barcode::QrPng(b) => b,
    };
    c.image(doc, bytes, code_mm, Align::Center)?;
    c.gap(4.0);
    c.para(
        &text_with(
            l,
            "receipt-how",
            &[("url", &r.redeem_url), ("expires", &r.expires)],
        ),
        Style::Regular,
        body,
        center,
    );
    if r.health_apps {
        c.para(
            &text(l, "receipt-health-apps"),
            Style::Regular,
            body,
            center,
        );
    }
    if let Some(due) = &r.amount_due {
        c.rule();
        c.para(
            &text_with(l, "receipt-amount-due", &[("amount", &due.amount)]),
            Style::Bold,
            title * 0.9,
            center,
        );
        for line in [
            due.description.clone(),
            due.reference
                .as_ref()
                .map(|x| text_with(l, "receipt-reference", &[("reference", x)])),
            due.due_date
                .as_ref()
                .map(|x| text_with(l, "receipt-due-by", &[("date", x)])),
        ]
        .into_iter()
        .flatten()
        {
            c.para(&line, Style::Regular, body, center);
        }
        let how = if due.online {
            text(l, "receipt-pay-online")
        } else {
            text_with(l, "receipt-pay-at-clinic", &[("clinic", &r.clinic_name)])
        };
        c.para(&how, Style::Regular, body, center);
    }
    c.rule();
    c.para(
        &text_with(l, "receipt-issued", &[("when", &r.issued)]),
        Style::Regular,
        body * 0.85,
        center,
    );
    Ok(())
}
