//! The receipt's fonts, embedded in the binary and in every PDF: Noto Sans for
//! Latin, Greek and Cyrillic, Droid Sans Fallback for Chinese, Japanese and
//! Korean, Inconsolata (slashed zero) for the RAZCODE ID. See assets/fonts/.

use printpdf::{FontId, ParsedFont, PdfDocument};

const SANS: &[u8] = include_bytes!("../../../../assets/fonts/NotoSans-Regular.ttf");
const SANS_BOLD: &[u8] = include_bytes!("../../../../assets/fonts/NotoSans-Bold.ttf");
const CJK: &[u8] = include_bytes!("../../../../assets/fonts/DroidSansFallbackFull.ttf");
const MONO: &[u8] = include_bytes!("../../../../assets/fonts/Inconsolata.otf");

pub struct Face {
    pub parsed: ParsedFont,
    pub id: FontId,
}

impl Face {
    fn load(doc: &mut PdfDocument, bytes: &[u8]) -> Option<Face> {
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())?;
        let id = doc.add_font(&parsed);
        Some(Face { parsed, id })
    }

    pub fn has(&self, c: char) -> bool {
        self.parsed
            .lookup_glyph_index(c as u32)
            .is_some_and(|g| g != 0)
    }

    /// The advance of `c` in points at `size`.
    pub fn advance(&self, c: char, size: f32) -> f32 {
        let upem = f32::from(self.parsed.units_per_em.max(1));
        let w = self
            .parsed
            .lookup_glyph_index(c as u32)
            .and_then(|g| self.parsed.get_glyph_width(g))
            .unwrap_or(self.parsed.units_per_em / 2);
        f32::from(w) / upem * size
    }
}

pub struct Fonts {
    pub sans: Face,
    pub bold: Face,
    pub cjk: Face,
    pub mono: Face,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Regular,
    Bold,
    Mono,
}

impl Fonts {
    pub fn load(doc: &mut PdfDocument) -> Option<Fonts> {
        Some(Fonts {
            sans: Face::load(doc, SANS)?,
            bold: Face::load(doc, SANS_BOLD)?,
            cjk: Face::load(doc, CJK)?,
            mono: Face::load(doc, MONO)?,
        })
    }

    /// Splits text into runs, each in a face that has its characters.
    pub fn runs<'a>(&'a self, text: &str, style: Style) -> Vec<(&'a Face, String)> {
        let primary = match style {
            Style::Regular => &self.sans,
            Style::Bold => &self.bold,
            Style::Mono => &self.mono,
        };
        let mut out: Vec<(&Face, String)> = Vec::new();
        for c in text.chars() {
            let face = if primary.has(c) || c.is_whitespace() {
                primary
            } else if self.sans.has(c) {
                &self.sans
            } else if self.cjk.has(c) {
                &self.cjk
            } else {
                primary
            };
            match out.last_mut() {
                Some((f, s)) if std::ptr::eq(*f, face) => s.push(c),
                _ => out.push((face, c.to_string())),
            }
        }
        out
    }

    pub fn width(&self, text: &str, style: Style, size: f32) -> f32 {
        self.runs(text, style)
            .iter()
            .map(|(f, s)| s.chars().map(|c| f.advance(c, size)).sum::<f32>())
            .sum()
    }
}
