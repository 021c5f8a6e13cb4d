//! Where each line, rule and picture of a receipt goes, in millimetres from
//! the page's top left. The PDF (`pdf`) and the Windows spooler (`gdi`) draw
//! this one list, so a printed receipt is the PDF's layout at the printer's
//! own resolution.

use super::fonts::{FaceKind, Fonts, ShapedGlyph, Style};
use super::shaping;
use super::{Barcode, Format, Receipt};
use crate::error::{DeskError, Result};
use crate::words::Words;
use razcode_lang::{text, text_with};
use unicode_normalization::UnicodeNormalization;

pub const PT_PER_MM: f32 = 72.0 / 25.4;

/// A laid-out receipt: its pages and the pictures they show.
pub struct Sheet {
    /// The document's title, in the patient's language.
    pub title: String,
    /// The patient's language's BCP 47 tag (the PDF's `/Lang`).
    pub language: String,
    pub pages: Vec<Page>,
    pub pictures: Vec<Picture>,
}

pub struct Page {
    pub width_mm: f32,
    pub height_mm: f32,
    pub marks: Vec<Mark>,
}

pub enum Mark {
    /// One line; its runs sit side by side, each in a face that has its
    /// characters.
    Text {
        baseline_mm: f32,
        size_pt: f32,
        runs: Vec<Run>,
    },
    /// A filled rectangle (the rules between sections).
    Fill {
        x_mm: f32,
        top_mm: f32,
        w_mm: f32,
        h_mm: f32,
        gray: f32,
    },
    /// `Sheet::pictures[picture]`, scaled into the box.
    Image {
        x_mm: f32,
        top_mm: f32,
        w_mm: f32,
        h_mm: f32,
        picture: usize,
    },
}

pub struct Run {
    pub x_mm: f32,
    pub face: FaceKind,
    /// The characters in the order they are drawn, left to right: reversed
    /// from reading order when the run reads right to left and was not shaped.
    pub drawn_text: String,
    /// Shaped text (Arabic), drawn glyph by glyph, points from `x_mm`; when
    /// empty the run is drawn from `drawn_text`, a character to a glyph.
    pub glyphs: Vec<ShapedGlyph>,
}

/// An image as the receipt was given it (PNG or JPEG), with its size in pixels.
pub struct Picture {
    pub bytes: Vec<u8>,
    pub width_px: u32,
    pub height_px: u32,
    pub scaling: Scaling,
}

/// How a printer may scale a picture to its own dots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scaling {
    /// A photo or logo: smoothed.
    Smooth,
    /// A code to be scanned: by whole pixels, never smoothed.
    WholePixels,
    /// A QR code drawn `px` pixels a module: by whole modules, so every
    /// module is the same number of dots.
    Modules { px: u32 },
}

impl Picture {
    fn read(bytes: &[u8], scaling: Scaling) -> Result<Picture> {
        let img = image::load_from_memory(bytes)
            .map_err(|e| DeskError::Receipt(Words::new("desk-receipt-image").with("cause", e)))?;
        Ok(Picture {
            bytes: bytes.to_vec(),
            width_px: img.width().max(1),
            height_px: img.height().max(1),
            scaling,
        })
    }
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Center,
}

struct Canvas<'a> {
    fonts: &'a Fonts,
    marks: Vec<Mark>,
    pictures: &'a mut Vec<Picture>,
    /// Distance from the top of the page, in mm.
    y: f32,
    left: f32,
    width: f32,
    /// The patient's language reads from the right: lines start there.
    right_to_left: bool,
}

impl<'a> Canvas<'a> {
    /// An empty page `page_w` wide, written from its top margin.
    fn new(
        fonts: &'a Fonts,
        pictures: &'a mut Vec<Picture>,
        margin: f32,
        page_w: f32,
        right_to_left: bool,
    ) -> Canvas<'a> {
        Canvas {
            fonts,
            marks: Vec::new(),
            pictures,
            y: margin,
            left: margin,
            width: page_w - 2.0 * margin,
            right_to_left,
        }
    }

    /// Where a block `w` wide starts: at the line's start (the left, or the
    /// right for a right-to-left language) or centred.
    fn x_for(&self, w: f32, align: Align) -> f32 {
        match align {
            Align::Left if self.right_to_left => self.left + (self.width - w).max(0.0),
            Align::Left => self.left,
            Align::Center => self.left + (self.width - w).max(0.0) / 2.0,
        }
    }

    /// Writes one line (no wrapping) at the cursor.
    fn line(&mut self, text: &str, style: Style, size: f32, align: Align) {
        // Composed characters (a name typed as e + two combining marks, as
        // some systems send Vietnamese): each is one glyph of the font, and
        // placed marks would need shaping the receipt does not do.
        let composed: String = text.nfc().collect();
        let text = composed.as_str();
        let line_h = size * 1.35 / PT_PER_MM;
        self.y += line_h;
        let (pieces, w) = shaping::set_line(self.fonts, text, style, size, self.right_to_left);
        let x = self.x_for(w / PT_PER_MM, align);
        let runs = pieces
            .into_iter()
            .map(|p| Run {
                x_mm: x + p.x / PT_PER_MM,
                face: p.face,
                drawn_text: p.drawn_text,
                glyphs: p.glyphs,
            })
            .collect();
        self.marks.push(Mark::Text {
            baseline_mm: self.y - line_h * 0.25,
            size_pt: size,
            runs,
        });
    }

    /// Writes text wrapped to the width, at word boundaries (or anywhere, for
    /// scripts without spaces).
    fn para(&mut self, text: &str, style: Style, size: f32, align: Align) {
        let max = self.width * PT_PER_MM;
        // Widths add up word by word (a line's is the sum of its words'), so
        // each word is measured once.
        let mut current = String::new();
        let mut current_w = 0.0;
        for word in text.split_inclusive(' ') {
            let word_w = self.fonts.width(word, style, size);
            let inked_w = self.fonts.width(word.trim_end(), style, size);
            if !current.is_empty() && current_w + inked_w > max {
                self.line(current.trim_end(), style, size, align);
                current.clear();
                current_w = 0.0;
            }
            current.push_str(word);
            current_w += word_w;
            if current.len() > word.len() || inked_w <= max {
                continue;
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
            current_w = self.fonts.width(&current, style, size);
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
        let h_mm = 0.6 / PT_PER_MM;
        self.marks.push(Mark::Fill {
            x_mm: self.left,
            top_mm: self.y - h_mm,
            w_mm: self.width,
            h_mm,
            gray: 0.6,
        });
        self.gap(3.0);
    }

    /// Places an image `w_mm` wide, centred or at the left.
    fn image(&mut self, picture: Picture, w_mm: f32, align: Align) {
        let h_mm = w_mm * picture.height_px as f32 / picture.width_px as f32;
        let x_mm = self.x_for(w_mm, align);
        self.pictures.push(picture);
        self.marks.push(Mark::Image {
            x_mm,
            top_mm: self.y,
            w_mm,
            h_mm,
            picture: self.pictures.len() - 1,
        });
        self.y += h_mm;
    }
}

/// Lays the receipt out for a paper size.
pub fn lay_out(r: &Receipt, format: Format) -> Result<Sheet> {
    let (page_w, margin, code_mm) = format.geometry();
    let thermal = format == Format::Thermal80;
    // A QR with a SMART Health Link holds ~400 bytes (version 15 or so): printed
    // larger so that each module stays about half a millimetre or more.
    let code_mm = match (r.health_apps, thermal) {
        (true, true) => 56.0,
        (true, false) => 60.0,
        (false, _) => code_mm,
    };
    let sizes = match (r.large_print, thermal) {
        // Large print: nothing a patient reads below 18 pt (the code is
        // still narrower than a roll at 22 pt in the monospaced face).
        (true, true) => Sizes {
            title: 20.0,
            body: 18.0,
            id: 22.0,
            code_mm,
        },
        (true, false) => Sizes {
            title: 24.0,
            body: 18.0,
            id: 36.0,
            code_mm,
        },
        (false, true) => Sizes {
            title: 11.0,
            body: 8.5,
            id: 20.0,
            code_mm,
        },
        (false, false) => Sizes {
            title: 16.0,
            body: 11.0,
            id: 30.0,
            code_mm,
        },
    };
    let fonts =
        Fonts::load().ok_or_else(|| DeskError::Receipt(Words::new("desk-receipt-fonts")))?;
    let mut pictures = Vec::new();
    let right_to_left = r.language.direction() == "rtl";
    let mut c = Canvas::new(&fonts, &mut pictures, margin, page_w, right_to_left);
    receipt_page(&mut c, r, thermal, &sizes)?;
    // A thermal roll is as long as its content.
    let page_h = match format {
        Format::Letter => 279.4,
        Format::A4 => 297.0,
        Format::Thermal80 => c.y + margin + 4.0,
    };
    let mut pages: Vec<Page> = paginate(std::mem::take(&mut c.marks), page_h, margin)
        .into_iter()
        .map(|marks| Page {
            width_mm: page_w,
            height_mm: page_h,
            marks,
        })
        .collect();
    if let Some(code) = &r.shl_passcode {
        // Its own page (a slip on a roll): kept apart from the code it opens.
        let slip_h = if thermal { 60.0 } else { page_h };
        let mut c = Canvas::new(&fonts, &mut pictures, margin, page_w, right_to_left);
        passcode_slip(&mut c, r, code, thermal, &sizes);
        pages.push(Page {
            width_mm: page_w,
            height_mm: slip_h,
            marks: c.marks,
        });
    }
    Ok(Sheet {
        title: text_with(
            r.language,
            "receipt-pdf-title",
            &[("clinic", &r.clinic_name), ("code", &r.raz_id)],
        ),
        language: r.language.tag().to_string(),
        pages,
        pictures,
    })
}

/// Marks laid out down one long sheet, cut into pages of `page_h` (large
/// print can run past a Letter page): a mark that would cross the bottom
/// margin starts the next page, whole. A roll's one page is as long as its
/// marks, so it is never cut.
fn paginate(marks: Vec<Mark>, page_h: f32, margin: f32) -> Vec<Vec<Mark>> {
    let mut pages = vec![Vec::new()];
    let mut offset = 0.0;
    for mut m in marks {
        let (top, bottom) = m.extent();
        if bottom - offset > page_h - margin && top - offset > margin {
            pages.push(Vec::new());
            offset = top - margin;
        }
        m.shift_up(offset);
        if let Some(page) = pages.last_mut() {
            page.push(m);
        }
    }
    pages
}

impl Mark {
    /// Its top and bottom on the sheet, in mm.
    fn extent(&self) -> (f32, f32) {
        match self {
            Mark::Text {
                baseline_mm,
                size_pt,
                ..
            } => {
                let line_h = size_pt * 1.35 / PT_PER_MM;
                (baseline_mm - line_h * 0.75, baseline_mm + line_h * 0.25)
            }
            Mark::Fill { top_mm, h_mm, .. } | Mark::Image { top_mm, h_mm, .. } => {
                (*top_mm, top_mm + h_mm)
            }
        }
    }

    fn shift_up(&mut self, mm: f32) {
        match self {
            Mark::Text { baseline_mm, .. } => *baseline_mm -= mm,
            Mark::Fill { top_mm, .. } | Mark::Image { top_mm, .. } => *top_mm -= mm,
        }
    }
}

/// Type sizes in points, and the barcode's printed width in mm.
struct Sizes {
    title: f32,
    body: f32,
    id: f32,
    code_mm: f32,
}

/// The passcode's own page: what it opens and that it is kept apart.
fn passcode_slip(c: &mut Canvas, r: &Receipt, code: &str, thermal: bool, s: &Sizes) {
    let center = if thermal { Align::Center } else { Align::Left };
    c.para(&r.clinic_name, Style::Bold, s.title, center);
    c.rule();
    let l = r.language;
    c.para(
        &text(l, "receipt-passcode-title"),
        Style::Bold,
        s.title,
        center,
    );
    c.para(
        &text_with(l, "receipt-passcode-ask", &[("code", &r.raz_id)]),
        Style::Regular,
        s.body,
        center,
    );
    c.gap(2.0);
    c.line(code, Style::Mono, s.id, Align::Center);
    c.gap(2.0);
    c.para(
        &text(l, "receipt-passcode-keep"),
        Style::Regular,
        s.body,
        center,
    );
}

fn receipt_page(c: &mut Canvas, r: &Receipt, thermal: bool, s: &Sizes) -> Result<()> {
    let center = if thermal { Align::Center } else { Align::Left };
    let (title, body) = (s.title, s.body);
    let l = r.language;
    if let Some(logo) = &r.logo {
        c.image(
            Picture::read(logo, Scaling::Smooth)?,
            if thermal { 30.0 } else { 35.0 },
            center,
        );
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
    c.line(&r.raz_id, Style::Mono, s.id, Align::Center);
    c.gap(3.0);
    let picture = match &r.barcode {
        Barcode::Jpeg(b) => Picture::read(b, Scaling::WholePixels)?,
        Barcode::QrPng(b) => Picture::read(
            b,
            Scaling::Modules {
                px: crate::barcode::QR_MODULE_PX,
            },
        )?,
    };
    c.image(picture, s.code_mm, Align::Center);
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
        for line in due.detail_lines(l) {
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
    // Smaller than the body, but never below large print's 18 pt.
    let small = if r.large_print { body } else { body * 0.85 };
    c.para(
        &text_with(l, "receipt-issued", &[("when", &r.issued)]),
        Style::Regular,
        small,
        center,
    );
    Ok(())
}

#[cfg(test)]
mod pagination_tests {
    use super::*;

    fn line_at(baseline_mm: f32) -> Mark {
        Mark::Text {
            baseline_mm,
            size_pt: 18.0,
            runs: Vec::new(),
        }
    }

    #[test]
    fn a_sheet_longer_than_its_page_runs_on_whole_marks() {
        // Lines every 10 mm, a picture across the first page's bottom
        // margin, then more lines down to 400 mm, on a Letter page with 20 mm
        // margins.
        let mut marks: Vec<Mark> = (1..=24).map(|i| line_at(i as f32 * 10.0)).collect();
        marks.push(Mark::Image {
            x_mm: 20.0,
            top_mm: 245.0,
            w_mm: 40.0,
            h_mm: 40.0,
            picture: 0,
        });
        marks.extend((30..=40).map(|i| line_at(i as f32 * 10.0)));
        let pages = paginate(marks, 279.4, 20.0);
        assert_eq!(pages.len(), 2);
        for page in &pages {
            for m in page {
                let (top, bottom) = m.extent();
                assert!(
                    top >= 0.0 && bottom <= 279.4 - 20.0 + 0.01,
                    "{top}..{bottom}"
                );
            }
        }
        // The picture did not fit above the margin: it starts the second page.
        assert!(
            matches!(pages[1].first(), Some(Mark::Image { top_mm, .. }) if (*top_mm - 20.0).abs() < 0.01)
        );
        assert_eq!(pages.iter().map(Vec::len).sum::<usize>(), 36);
    }
}
