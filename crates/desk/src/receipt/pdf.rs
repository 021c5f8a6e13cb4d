//! A laid-out receipt as a PDF, every font embedded as the subset it uses.

use super::fonts::Fonts;
use super::layout::{Mark, Sheet, PT_PER_MM};
use crate::error::{DeskError, Result};
use crate::words::Words;
use printpdf::{
    Codepoint, Color, FontId, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Pt, RawImage, Rect, Rgb, TextItem, TextMatrix, XObjectTransform,
};
use std::collections::BTreeMap;

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
                    ops.push(Op::StartTextSection);
                    let y = pt(h - baseline_mm).0;
                    for run in runs {
                        let face = fonts.face(run.face);
                        ops.push(Op::SetFont {
                            font: PdfFontHandle::External(face.id.clone()),
                            size: Pt(*size_pt),
                        });
                        let x = pt(run.x_mm).0;
                        if run.glyphs.is_empty() {
                            face.mark_used(&run.drawn_text);
                            ops.push(at(x, y));
                            ops.push(Op::ShowText {
                                items: vec![TextItem::Text(run.drawn_text.clone())],
                            });
                            continue;
                        }
                        // Each shaped glyph where shaping put it; printpdf
                        // writes a baseline's glyphs as one TJ array.
                        face.mark_glyphs_used(&run.glyphs);
                        for g in &run.glyphs {
                            ops.push(at(x + g.x, y + g.rise));
                            ops.push(Op::ShowText {
                                items: vec![TextItem::GlyphIds(vec![Codepoint::with_cid(
                                    g.id,
                                    0.0,
                                    g.text.clone(),
                                )])],
                            });
                        }
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
        pages.push((page.width_mm, h, ops));
    }
    let renumbered = fonts
        .embed(&mut doc)
        .map_err(|e| DeskError::Receipt(Words::new("desk-receipt-font").with("cause", e)))?;
    let pages = pages
        .into_iter()
        .map(|(w, h, mut ops)| {
            renumber_glyphs(&mut ops, &renumbered);
            PdfPage::new(Mm(w), Mm(h), ops)
        })
        .collect();
    let opts = PdfSaveOptions {
        subset_fonts: true,
        ..PdfSaveOptions::default()
    };
    let mut pdf = doc
        .with_pages(pages)
        .to_lopdf_document(&opts, &mut Vec::new());
    declare_language_and_title(&mut pdf, &sheet.language)?;
    if opts.optimize {
        compress_streams(&mut pdf)?;
    }
    let mut out = Vec::new();
    pdf.save_to(&mut out)
        .map_err(|e| DeskError::Receipt(Words::new("desk-receipt-pdf").with("cause", e)))?;
    Ok(out)
}

/// Every stream not yet compressed, deflated at zlib's fastest level (see
/// Cargo.toml: lopdf's compress() takes the slowest).
fn compress_streams(pdf: &mut lopdf::Document) -> Result<()> {
    use flate2::{write::ZlibEncoder, Compression};
    use std::io::Write;
    for object in pdf.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        if stream.dict.get(b"Filter").is_ok() || !stream.allows_compression {
            continue;
        }
        let mut z = ZlibEncoder::new(Vec::new(), Compression::fast());
        let deflated = z
            .write_all(&stream.content)
            .and_then(|()| z.finish())
            .map_err(|e| DeskError::Receipt(Words::new("desk-receipt-pdf").with("cause", e)))?;
        if deflated.len() < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(deflated);
        }
    }
    Ok(())
}

/// A text position, in points from the page's bottom left.
fn at(x: f32, y: f32) -> Op {
    Op::SetTextMatrix {
        matrix: TextMatrix::Translate(Pt(x), Pt(y)),
    }
}

/// Glyphs drawn by id name the full font's glyphs; the embedded subset
/// numbers them anew.
fn renumber_glyphs(ops: &mut [Op], renumbered: &BTreeMap<FontId, BTreeMap<u16, u16>>) {
    let mut current = None;
    for op in ops {
        match op {
            Op::SetFont {
                font: PdfFontHandle::External(id),
                ..
            } => current = renumbered.get(id),
            Op::ShowText { items } => {
                let Some(map) = current else { continue };
                for item in items {
                    if let TextItem::GlyphIds(glyphs) = item {
                        for g in glyphs {
                            g.gid = map.get(&g.gid).copied().unwrap_or(0);
                        }
                    }
                }
            }
            _ => {}
        }
    }
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
