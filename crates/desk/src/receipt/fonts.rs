//! The receipt's fonts: Noto Sans for Latin, Greek and Cyrillic, Droid Sans
//! Fallback for Chinese, Japanese and Korean, DejaVu Sans Mono (a zero marked
//! apart from the letter O) for the RAZCODE ID. All four are TrueType outlines,
//! which every printer driver takes (Wine's PostScript driver fails on the
//! CFF outlines Inconsolata, used before, has). They ship in the binary (assets/fonts/); each PDF embeds only the
//! glyphs it uses, so a receipt stays small.

use printpdf::{FontId, ParsedFont, PdfDocument};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::sync::OnceLock;

const SANS: &[u8] = include_bytes!("../../../../assets/fonts/NotoSans-Regular.ttf");
const SANS_BOLD: &[u8] = include_bytes!("../../../../assets/fonts/NotoSans-Bold.ttf");
const CJK: &[u8] = include_bytes!("../../../../assets/fonts/DroidSansFallbackFull.ttf");
const MONO: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSansMono.ttf");

/// Each font is parsed once per process.
fn parsed(
    slot: &'static OnceLock<Option<ParsedFont>>,
    bytes: &'static [u8],
) -> Option<&'static ParsedFont> {
    slot.get_or_init(|| ParsedFont::from_bytes(bytes, 0, &mut Vec::new()))
        .as_ref()
}

pub struct Face {
    pub kind: FaceKind,
    full: &'static ParsedFont,
    bytes: &'static [u8],
    /// The id the page's operations use; the subset is added under it at the end.
    pub id: FontId,
    used: RefCell<BTreeSet<char>>,
}

impl Face {
    fn new(kind: FaceKind, full: &'static ParsedFont, bytes: &'static [u8]) -> Face {
        Face {
            kind,
            full,
            bytes,
            id: FontId::new(),
            used: RefCell::new(BTreeSet::new()),
        }
    }

    pub fn has(&self, c: char) -> bool {
        self.full
            .lookup_glyph_index(c as u32)
            .is_some_and(|g| g != 0)
    }

    /// The advance of `c` in points at `size`.
    pub fn advance(&self, c: char, size: f32) -> f32 {
        let upem = f32::from(self.full.units_per_em.max(1));
        let w = self
            .full
            .lookup_glyph_index(c as u32)
            .and_then(|g| self.full.get_glyph_width(g))
            .unwrap_or(self.full.units_per_em / 2);
        f32::from(w) / upem * size
    }

    pub fn mark_used(&self, text: &str) {
        self.used.borrow_mut().extend(text.chars());
    }

    /// Adds the subset of the glyphs used to the document, under [`Face::id`].
    fn embed(&self, doc: &mut PdfDocument) -> Result<(), String> {
        let used = self.used.borrow();
        if used.is_empty() {
            return Ok(());
        }
        let mut ids: Vec<u16> = vec![0];
        ids.extend(
            used.iter()
                .filter_map(|c| self.full.lookup_glyph_index(*c as u32))
                .filter(|g| *g != 0),
        );
        ids[1..].sort_unstable();
        ids.dedup();
        let scope = allsorts::binary::read::ReadScope::new(self.bytes);
        let data = scope
            .read::<allsorts::font_data::FontData<'_>>()
            .map_err(|e| e.to_string())?;
        let provider = data.table_provider(0).map_err(|e| e.to_string())?;
        let subset = allsorts::subset::subset(
            &provider,
            &ids,
            &allsorts::subset::SubsetProfile::Pdf,
            allsorts::subset::CmapTarget::Unicode,
        )
        .map_err(|e| e.to_string())?;
        let font = ParsedFont::from_bytes(&subset, 0, &mut Vec::new())
            .ok_or("the font subset cannot be read")?;
        doc.resources
            .fonts
            .map
            .insert(self.id.clone(), printpdf::font::PdfFont::new(font));
        Ok(())
    }
}

pub struct Fonts {
    pub sans: Face,
    pub bold: Face,
    pub cjk: Face,
    pub mono: Face,
}

/// Which of the four faces a run of text is set in; the PDF embeds them and
/// the Windows spooler is lent them (`gdi`), so both draw the same glyphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaceKind {
    Sans,
    Bold,
    Cjk,
    Mono,
}

impl FaceKind {
    /// The font file, for a system that draws the text itself.
    #[cfg_attr(not(windows), allow(dead_code))]
    pub fn bytes(self) -> &'static [u8] {
        match self {
            FaceKind::Sans => SANS,
            FaceKind::Bold => SANS_BOLD,
            FaceKind::Cjk => CJK,
            FaceKind::Mono => MONO,
        }
    }

    /// The family name inside the font file, and whether it is the bold weight.
    #[cfg_attr(not(windows), allow(dead_code))]
    pub fn family(self) -> (&'static str, bool) {
        match self {
            FaceKind::Sans => ("Noto Sans", false),
            FaceKind::Bold => ("Noto Sans", true),
            FaceKind::Cjk => ("Droid Sans Fallback", false),
            FaceKind::Mono => ("DejaVu Sans Mono", false),
        }
    }
}

impl Fonts {
    pub fn face(&self, kind: FaceKind) -> &Face {
        match kind {
            FaceKind::Sans => &self.sans,
            FaceKind::Bold => &self.bold,
            FaceKind::Cjk => &self.cjk,
            FaceKind::Mono => &self.mono,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Regular,
    Bold,
    Mono,
}

static SANS_P: OnceLock<Option<ParsedFont>> = OnceLock::new();
static BOLD_P: OnceLock<Option<ParsedFont>> = OnceLock::new();
static CJK_P: OnceLock<Option<ParsedFont>> = OnceLock::new();
static MONO_P: OnceLock<Option<ParsedFont>> = OnceLock::new();

impl Fonts {
    pub fn load() -> Option<Fonts> {
        Some(Fonts {
            sans: Face::new(FaceKind::Sans, parsed(&SANS_P, SANS)?, SANS),
            bold: Face::new(FaceKind::Bold, parsed(&BOLD_P, SANS_BOLD)?, SANS_BOLD),
            cjk: Face::new(FaceKind::Cjk, parsed(&CJK_P, CJK)?, CJK),
            mono: Face::new(FaceKind::Mono, parsed(&MONO_P, MONO)?, MONO),
        })
    }

    /// Adds every face that was used, subset, to the document.
    pub fn embed(&self, doc: &mut PdfDocument) -> Result<(), String> {
        for f in [&self.sans, &self.bold, &self.cjk, &self.mono] {
            f.embed(doc)?;
        }
        Ok(())
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
