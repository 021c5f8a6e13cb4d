//! A laid-out receipt as a PDF, every font embedded as the subset it uses.

use super::fonts::Fonts;
use super::layout::{Mark, Sheet, PT_PER_MM};
use crate::error::{DeskError, Result};
use crate::words::Words;
use printpdf::{
    Color, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
    RawImage, Rect, Rgb, TextItem, XObjectTransform,
};

fn pt(mm: f32) -> Pt {
    Pt(mm * PT_PER_MM)
}

fn fill(level: f32) -> Op {
    Op::SetFillColor {
        col: Color::Rgb(Rgb {
            r: level,
            g: level,
            b: level,
            icc_profile: None,
        }),
    }
}

pub fn write(sheet: &Sheet) -> Result<Vec<u8>> {
    let mut doc = PdfDocument::new(&sheet.title);
    let fonts =
        Fonts::load().ok_or_else(|| DeskError::Receipt(Words::new("desk-receipt-fonts")))?;
    let mut images = Vec::with_capacity(sheet.pictures.len());
    for p in &sheet.pictures {
        let img = RawImage::decode_from_bytes(&p.bytes, &mut Vec::new())
            .map_err(|e| DeskError::Receipt(Words::new("desk-receipt-image").with("cause", e)))?;
        images.push(doc.add_image(&img));
    }
    let mut pages = Vec::with_capacity(sheet.pages.len());
    for page in &sheet.pages {
        let h = page.height_mm;
        let mut ops = Vec::new();
        for mark in &page.marks {
            match mark {
                Mark::Text {
                    baseline_mm,
                    size_pt,
                    runs,
                } => {
                    let Some(first) = runs.first() else { continue };
                    // One text section: the runs follow on from each other
                    // with the same advances the layout measured.
                    ops.push(Op::StartTextSection);
                    ops.push(Op::SetTextCursor {
                        pos: Point {
                            x: pt(first.x_mm),
                            y: pt(h - baseline_mm),
                        },
                    });
                    for run in runs {
                        let face = fonts.face(run.face);
                        face.mark_used(&run.text);
                        ops.push(Op::SetFont {
                            font: PdfFontHandle::External(face.id.clone()),
                            size: Pt(*size_pt),
                        });
                        ops.push(Op::ShowText {
                            items: vec![TextItem::Text(run.text.clone())],
                        });
                    }
                    ops.push(Op::EndTextSection);
                }
                Mark::Fill {
                    x_mm,
                    top_mm,
                    w_mm,
                    h_mm,
                    gray,
                } => {
                    ops.push(fill(*gray));
                    ops.push(Op::DrawRectangle {
                        rectangle: Rect {
                            x: pt(*x_mm),
                            y: pt(h - top_mm - h_mm),
                            width: pt(*w_mm),
                            height: pt(*h_mm),
                            mode: Some(PaintMode::Fill),
                            winding_order: None,
                        },
                    });
                    ops.push(fill(0.0));
                }
                Mark::Image {
                    x_mm,
                    top_mm,
                    w_mm,
                    h_mm,
                    picture,
                } => {
                    let (Some(id), Some(p)) = (images.get(*picture), sheet.pictures.get(*picture))
                    else {
                        continue;
                    };
                    ops.push(Op::UseXobject {
                        id: id.clone(),
                        transform: XObjectTransform {
                            translate_x: Some(pt(*x_mm)),
                            translate_y: Some(pt(h - top_mm - h_mm)),
                            dpi: Some(p.width_px as f32 * 25.4 / w_mm),
                            ..Default::default()
                        },
                    });
                }
            }
        }
        pages.push(PdfPage::new(Mm(page.width_mm), Mm(h), ops));
    }
    fonts
        .embed(&mut doc)
        .map_err(|e| DeskError::Receipt(Words::new("desk-receipt-font").with("cause", e)))?;
    let opts = PdfSaveOptions {
        subset_fonts: true,
        ..PdfSaveOptions::default()
    };
    let mut pdf = doc
        .with_pages(pages)
        .to_lopdf_document(&opts, &mut Vec::new());
    declare_language_and_title(&mut pdf, &sheet.language)?;
    if opts.optimize {
        pdf.compress();
    }
    let mut out = Vec::new();
    pdf.save_to(&mut out)
        .map_err(|e| DeskError::Receipt(Words::new("desk-receipt-pdf").with("cause", e)))?;
    Ok(out)
}

/// The catalog's `/Lang` (a screen reader reads the receipt in the
/// patient's language's voice) and `DisplayDocTitle` (a reader shows the
/// title, not the file's name); printpdf writes neither.
fn declare_language_and_title(pdf: &mut lopdf::Document, language: &str) -> Result<()> {
    let broken = |what: &str| {
        DeskError::Receipt(Words::new("desk-receipt-pdf").with("cause", what.to_string()))
    };
    let root = pdf
        .trailer
        .get(b"Root")
        .and_then(lopdf::Object::as_reference)
        .map_err(|_| broken("no document catalog"))?;
    let catalog = pdf
        .get_object_mut(root)
        .and_then(lopdf::Object::as_dict_mut)
        .map_err(|_| broken("no document catalog"))?;
    catalog.set("Lang", lopdf::Object::string_literal(language));
    catalog.set(
        "ViewerPreferences",
        lopdf::dictionary! { "DisplayDocTitle" => true },
    );
    Ok(())
}
