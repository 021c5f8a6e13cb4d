//! The receipt's fonts: Noto Sans for Latin, Greek and Cyrillic, Noto Sans
//! Arabic (shaped, see `shaping`), Droid Sans Fallback for Chinese, Japanese
//! and Korean, DejaVu Sans Mono (a zero marked apart from the letter O) for
//! the RAZCODE ID. All are TrueType outlines,
//! which every printer driver takes (Wine's PostScript driver fails on the
//! CFF outlines Inconsolata, used before, has). They ship in the binary (assets/fonts/); each PDF embeds only the
//! glyphs it uses, so a receipt stays small.

use allsorts::binary::read::ReadScope;
use allsorts::font_data::{DynamicFontTableProvider, FontData};
use printpdf::{FontId, ParsedFont, PdfDocument};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

const SANS: &[u8] = include_bytes!("../../../../assets/fonts/NotoSans-Regular.ttf");
const SANS_BOLD: &[u8] = include_bytes!("../../../../assets/fonts/NotoSans-Bold.ttf");
const CJK: &[u8] = include_bytes!("../../../../assets/fonts/DroidSansFallbackFull.ttf");
const MONO: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSansMono.ttf");
const ARABIC: &[u8] = include_bytes!("../../../../assets/fonts/NotoSansArabic-Regular.ttf");
const ARABIC_BOLD: &[u8] = include_bytes!("../../../../assets/fonts/NotoSansArabic-Bold.ttf");

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
    /// The whole font, parsed the first time it is needed (a receipt with no
    /// Chinese never parses the large CJK face).
    full: &'static OnceLock<Option<ParsedFont>>,
    bytes: &'static [u8],
    /// The id the page's operations use; the subset is added under it at the end.
    pub id: FontId,
    used: RefCell<BTreeSet<char>>,
    /// Glyphs drawn by id (shaped text), with the text each stands for.
    used_glyphs: RefCell<BTreeMap<u16, String>>,
    /// The face as allsorts reads it, made the first time text is shaped.
    shaper: RefCell<Option<allsorts::Font<DynamicFontTableProvider<'static>>>>,
}

/// A shaped glyph: its id in the full font, where it sits from the run's
/// left edge (points, the baseline raised by `rise`), and the text it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapedGlyph {
    pub id: u16,
    pub x: f32,
    pub rise: f32,
    pub text: String,
}

impl Face {
    fn new(
        kind: FaceKind,
        full: &'static OnceLock<Option<ParsedFont>>,
        bytes: &'static [u8],
    ) -> Face {
        Face {
            kind,
            full,
            bytes,
            id: FontId::new(),
            used: RefCell::new(BTreeSet::new()),
            used_glyphs: RefCell::new(BTreeMap::new()),
            shaper: RefCell::new(None),
        }
    }

    /// Whether text in this face is shaped (joined letters, ligatures,
    /// placed marks) rather than drawn a character to a glyph.
    pub fn shapes(&self) -> bool {
        self.kind.shapes()
    }

    /// Shapes `text` (logical order) and returns its glyphs in visual order,
    /// left to right, and the run's width, in points at `size`. A font allsorts
    /// cannot read gives no glyphs, and the text is drawn unshaped.
    pub fn shape(
        &self,
        text: &str,
        right_to_left: bool,
        size: f32,
    ) -> Option<(Vec<ShapedGlyph>, f32)> {
        use allsorts::glyph_position::{GlyphLayout, TextDirection};
        use allsorts::gsub::{FeatureMask, FeatureMaskExt};
        let mut slot = self.shaper.borrow_mut();
        if slot.is_none() {
            let data = ReadScope::new(self.bytes)
                .read::<FontData<'static>>()
                .ok()?;
            let provider = data.table_provider(0).ok()?;
            *slot = Some(allsorts::Font::new(provider).ok()?);
        }
        let font = slot.as_mut()?;
        let script = allsorts::tag::ARAB;
        let raw = font.map_glyphs(
            text,
            script,
            allsorts::font::MatchingPresentation::NotRequired,
        );
        // Shaping goes on past a table it cannot apply; what it made is drawn.
        let infos = match font.shape(
            raw,
            script,
            None,
            FeatureMask::default_mask(),
            &[],
            None,
            true,
        ) {
            Ok(infos) | Err((_, infos)) => infos,
        };
        let direction = if right_to_left {
            TextDirection::RightToLeft
        } else {
            TextDirection::LeftToRight
        };
        let positions = GlyphLayout::new(font, &infos, direction, false)
            .glyph_positions()
            .ok()?;
        let scale = size / f32::from(self.parsed()?.units_per_em.max(1));
        let width = positions.iter().map(|p| p.hori_advance).sum::<i32>();
        // allsorts lays glyphs out in logical order; a right-to-left run is
        // drawn from its right edge, each glyph's advance taken before it.
        let mut pen = if right_to_left { width } else { 0 };
        let mut glyphs = Vec::with_capacity(infos.len());
        for (info, p) in infos.iter().zip(&positions) {
            if right_to_left {
                pen -= p.hori_advance;
            }
            // A ligature read right to left (lam-alef) stands for its letters
            // in the order they are drawn: text extractors (poppler's
            // pdftotext among them) spread a glyph's letters left to right
            // across it, then read the line from the right.
            let text: String = if right_to_left {
                info.glyph.unicodes.iter().rev().collect()
            } else {
                info.glyph.unicodes.iter().collect()
            };
            glyphs.push(ShapedGlyph {
                id: info.glyph.glyph_index,
                x: (pen + p.x_offset) as f32 * scale,
                rise: p.y_offset as f32 * scale,
                text,
            });
            if !right_to_left {
                pen += p.hori_advance;
            }
        }
        if right_to_left {
            glyphs.reverse();
        }
        Some((glyphs, width as f32 * scale))
    }

    pub fn mark_glyphs_used(&self, glyphs: &[ShapedGlyph]) {
        let mut used = self.used_glyphs.borrow_mut();
        for g in glyphs {
            used.entry(g.id).or_insert_with(|| g.text.clone());
        }
    }

    /// The glyph the font's character map gives `c` (its isolated form).
    #[cfg(test)]
    pub fn glyph_of(&self, c: char) -> Option<u16> {
        self.parsed()?
            .lookup_glyph_index(c as u32)
            .filter(|g| *g != 0)
    }

    /// The font, parsed on first use; None if it cannot be read (its text
    /// then falls to another face).
    fn parsed(&self) -> Option<&'static ParsedFont> {
        parsed(self.full, self.bytes)
    }

    pub fn has(&self, c: char) -> bool {
        self.parsed()
            .and_then(|f| f.lookup_glyph_index(c as u32))
            .is_some_and(|g| g != 0)
    }

    /// The advance of `c` in points at `size`.
    pub fn advance(&self, c: char, size: f32) -> f32 {
        let Some(full) = self.parsed() else {
            return size / 2.0;
        };
        let upem = f32::from(full.units_per_em.max(1));
        let w = full
            .lookup_glyph_index(c as u32)
            .and_then(|g| full.get_glyph_width(g))
            .unwrap_or(full.units_per_em / 2);
        f32::from(w) / upem * size
    }

    pub fn mark_used(&self, text: &str) {
        self.used.borrow_mut().extend(text.chars());
    }

    /// Adds the subset of the glyphs used to the document, under [`Face::id`];
    /// returns where each glyph drawn by id went in the subset (allsorts
    /// numbers a subset's glyphs in the order they are asked for).
    fn embed(&self, doc: &mut PdfDocument) -> Result<BTreeMap<u16, u16>, String> {
        let used = self.used.borrow();
        let by_id = self.used_glyphs.borrow();
        if used.is_empty() && by_id.is_empty() {
            return Ok(BTreeMap::new());
        }
        let full = self.parsed().ok_or("a receipt font cannot be read")?;
        let mut ids: Vec<u16> = vec![0];
        ids.extend(
            used.iter()
                .filter_map(|c| full.lookup_glyph_index(*c as u32))
                .chain(by_id.keys().copied())
                .filter(|g| *g != 0),
        );
        ids[1..].sort_unstable();
        ids.dedup();
        let renumbered = ids
            .iter()
            .enumerate()
            .filter(|(_, old)| by_id.contains_key(old))
            .filter_map(|(new, old)| Some((*old, u16::try_from(new).ok()?)))
            .collect();
        let scope = ReadScope::new(self.bytes);
        let data = scope.read::<FontData<'_>>().map_err(|e| e.to_string())?;
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
        Ok(renumbered)
    }
}

pub struct Fonts {
    pub sans: Face,
    pub bold: Face,
    pub cjk: Face,
    pub mono: Face,
    pub arabic: Face,
    pub arabic_bold: Face,
}

/// Which of the faces a run of text is set in; the PDF embeds them and
/// the Windows spooler is lent them (`gdi`), so both draw the same glyphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaceKind {
    Sans,
    Bold,
    Cjk,
    Mono,
    Arabic,
    ArabicBold,
}

impl FaceKind {
    pub const ALL: [FaceKind; 6] = [
        FaceKind::Sans,
        FaceKind::Bold,
        FaceKind::Cjk,
        FaceKind::Mono,
        FaceKind::Arabic,
        FaceKind::ArabicBold,
    ];

    /// Arabic letters join and take marks: its runs are shaped.
    pub fn shapes(self) -> bool {
        matches!(self, FaceKind::Arabic | FaceKind::ArabicBold)
    }

    /// The font file, for a system that draws the text itself.
    #[cfg_attr(not(windows), allow(dead_code))]
    pub fn bytes(self) -> &'static [u8] {
        match self {
            FaceKind::Sans => SANS,
            FaceKind::Bold => SANS_BOLD,
            FaceKind::Cjk => CJK,
            FaceKind::Mono => MONO,
            FaceKind::Arabic => ARABIC,
            FaceKind::ArabicBold => ARABIC_BOLD,
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
            FaceKind::Arabic => ("Noto Sans Arabic", false),
            FaceKind::ArabicBold => ("Noto Sans Arabic", true),
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
            FaceKind::Arabic => &self.arabic,
            FaceKind::ArabicBold => &self.arabic_bold,
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
static ARABIC_P: OnceLock<Option<ParsedFont>> = OnceLock::new();
static ARABIC_BOLD_P: OnceLock<Option<ParsedFont>> = OnceLock::new();

impl Fonts {
    /// The faces; the ones every receipt uses are read now (None if one
    /// cannot be), the others when text first needs them.
    pub fn load() -> Option<Fonts> {
        let fonts = Fonts {
            sans: Face::new(FaceKind::Sans, &SANS_P, SANS),
            bold: Face::new(FaceKind::Bold, &BOLD_P, SANS_BOLD),
            cjk: Face::new(FaceKind::Cjk, &CJK_P, CJK),
            mono: Face::new(FaceKind::Mono, &MONO_P, MONO),
            arabic: Face::new(FaceKind::Arabic, &ARABIC_P, ARABIC),
            arabic_bold: Face::new(FaceKind::ArabicBold, &ARABIC_BOLD_P, ARABIC_BOLD),
        };
        fonts.sans.parsed()?;
        fonts.bold.parsed()?;
        fonts.mono.parsed()?;
        Some(fonts)
    }

    /// Adds every face that was used, subset, to the document; returns, by
    /// face, where the glyphs drawn by id went in its subset.
    pub fn embed(
        &self,
        doc: &mut PdfDocument,
    ) -> Result<BTreeMap<FontId, BTreeMap<u16, u16>>, String> {
        let mut renumbered = BTreeMap::new();
        for kind in FaceKind::ALL {
            let f = self.face(kind);
            let map = f.embed(doc)?;
            if !map.is_empty() {
                renumbered.insert(f.id.clone(), map);
            }
        }
        Ok(renumbered)
    }

    /// Splits text into runs, each in a face that has its characters.
    pub fn runs<'a>(&'a self, text: &str, style: Style) -> Vec<(&'a Face, String)> {
        let primary = match style {
            Style::Regular => &self.sans,
            Style::Bold => &self.bold,
            Style::Mono => &self.mono,
        };
        let arabic = match style {
            Style::Bold => &self.arabic_bold,
            Style::Regular | Style::Mono => &self.arabic,
        };
        let mut out: Vec<(&Face, String)> = Vec::new();
        for c in text.chars() {
            let face = match out.last() {
                // A space between Arabic words stays in their run, which is
                // shaped and ordered as one.
                Some((f, _)) if c.is_whitespace() && f.shapes() && f.has(c) => *f,
                _ if primary.has(c) || c.is_whitespace() => primary,
                _ if self.sans.has(c) => &self.sans,
                _ if arabic.has(c) => arabic,
                _ if self.cjk.has(c) => &self.cjk,
                _ => primary,
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
