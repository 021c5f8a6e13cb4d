//! A line of text as it is drawn, left to right: cut into runs of one
//! direction by the Unicode bidirectional algorithm (an Arabic receipt reads
//! from the right; the code, its URL and numbers in it still read from the
//! left), each run into the faces that have its characters, and Arabic runs
//! shaped (joined letters, lam-alef, placed marks).

use super::fonts::{Face, FaceKind, Fonts, ShapedGlyph, Style};
use unicode_bidi::{BidiClass, BidiInfo, Level};

/// One piece of a line in one face: where it starts from the line's left
/// edge, in points; the text it shows; its glyphs when it was shaped.
pub struct Placed {
    pub x: f32,
    pub face: FaceKind,
    /// Drawn by glyph id, in visual order; empty when the text is drawn a
    /// character to a glyph (`drawn_text`).
    pub glyphs: Vec<ShapedGlyph>,
    /// The characters as they are drawn left to right (a right-to-left
    /// piece that was not shaped: reversed, brackets mirrored); a shaped
    /// piece's text in reading order.
    pub drawn_text: String,
}

/// Sets a line (no wrapping); `right_to_left` is the paragraph's direction.
/// Returns its pieces in visual order and its width in points.
pub fn set_line(
    fonts: &Fonts,
    text: &str,
    style: Style,
    size: f32,
    right_to_left: bool,
) -> (Vec<Placed>, f32) {
    let mut line = Line {
        pieces: Vec::new(),
        x: 0.0,
        size,
    };
    // Most receipts have no right-to-left character: they skip the algorithm.
    if !right_to_left && !text.chars().any(is_right_to_left) {
        for (face, s) in fonts.runs(&drawable(text), style) {
            line.push(face, s, false);
        }
        return (line.pieces, line.x);
    }
    let base = if right_to_left {
        Level::rtl()
    } else {
        Level::ltr()
    };
    let bidi = BidiInfo::new(text, Some(base));
    for para in &bidi.paragraphs {
        let (levels, runs) = bidi.visual_runs(para, para.range.clone());
        for range in runs {
            let rtl = levels.get(range.start).is_some_and(|l| l.is_rtl());
            let Some(run) = text.get(range) else { continue };
            let mut pieces = fonts.runs(&drawable(run), style);
            if rtl {
                pieces.reverse();
            }
            for (face, s) in pieces {
                line.push(face, s, rtl);
            }
        }
    }
    (line.pieces, line.x)
}

struct Line {
    pieces: Vec<Placed>,
    /// The pen, in points from the line's left edge.
    x: f32,
    size: f32,
}

impl Line {
    fn push(&mut self, face: &Face, text: String, rtl: bool) {
        if face.shapes() {
            if let Some((glyphs, width)) = face.shape(&text, rtl, self.size) {
                self.pieces.push(Placed {
                    x: self.x,
                    face: face.kind,
                    drawn_text: text,
                    glyphs,
                });
                self.x += width;
                return;
            }
        }
        let width = text
            .chars()
            .map(|c| face.advance(c, self.size))
            .sum::<f32>();
        let drawn_text: String = if rtl {
            text.chars().rev().map(mirrored).collect()
        } else {
            text
        };
        self.pieces.push(Placed {
            x: self.x,
            face: face.kind,
            glyphs: Vec::new(),
            drawn_text,
        });
        self.x += width;
    }
}

/// The text without the bidirectional controls (the isolates a catalog puts
/// around an amount, the marks): they order the line and are not drawn.
fn drawable(text: &str) -> String {
    text.chars()
        .filter(|c| {
            !matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

/// Letters of a right-to-left script (Arabic, Hebrew, Syriac, Thaana, N'Ko).
fn is_right_to_left(c: char) -> bool {
    c >= '\u{0590}' && matches!(unicode_bidi::bidi_class(c), BidiClass::R | BidiClass::AL)
}

/// A bracket read right to left is drawn as its mirror image: the opening
/// one, at the right, opens to the left. These are the pairs receipts carry;
/// the shaped Arabic face has none of them, so they reach here.
fn mirrored(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        '‹' => '›',
        '›' => '‹',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawn(pieces: &[Placed]) -> Vec<String> {
        pieces.iter().map(|p| p.drawn_text.clone()).collect()
    }

    #[test]
    fn latin_text_is_one_piece_left_to_right() {
        let fonts = Fonts::load().expect("fonts");
        let (pieces, width) = set_line(&fonts, "Your visit", Style::Regular, 11.0, false);
        assert_eq!(drawn(&pieces), ["Your visit"]);
        assert!(pieces[0].glyphs.is_empty());
        assert!((width - fonts.width("Your visit", Style::Regular, 11.0)).abs() < 0.01);
    }

    #[test]
    fn an_amount_in_an_isolate_reads_left_to_right_and_its_marks_are_not_drawn() {
        let fonts = Fonts::load().expect("fonts");
        let (pieces, _) = set_line(
            &fonts,
            "المبلغ المستحق: \u{2066}1,250.00 US$\u{2069}",
            Style::Regular,
            11.0,
            true,
        );
        let texts = drawn(&pieces);
        // The amount, whole and in its own order, at the left of the words.
        let amount = texts
            .iter()
            .position(|t| t == "1,250.00 US$")
            .expect("amount");
        let words = texts
            .iter()
            .position(|t| t.contains("المبلغ"))
            .expect("words");
        assert!(amount < words, "{texts:?}");
        assert!(texts
            .iter()
            .all(|t| !t.contains('\u{2066}') && !t.contains('\u{2069}')));
    }

    #[test]
    fn an_arabic_line_reads_from_the_right_with_its_code_left_to_right() {
        let fonts = Fonts::load().expect("fonts");
        // "The patient: Zoe (RZ-1)" with the code inside.
        let (pieces, _) = set_line(&fonts, "المريض: RZ-1 (سلام)", Style::Regular, 11.0, true);
        // Drawn left to right: the bracketed word (last in reading order)
        // first, the code in the middle, the first word at the right.
        let texts = drawn(&pieces);
        let first = texts
            .iter()
            .position(|t| t.contains("المريض"))
            .expect("first word");
        let code = texts.iter().position(|t| t.contains("RZ-1")).expect("code");
        let last = texts
            .iter()
            .position(|t| t.contains("سلام"))
            .expect("last word");
        assert!(last < code && code < first, "{texts:?}");
        // Arabic pieces are shaped: سلام's letters join, so no glyph is the
        // letter's isolated form from the font's character map.
        let salam = &pieces[last];
        assert!(!salam.glyphs.is_empty());
        let isolated: Vec<u16> = "سلام"
            .chars()
            .filter_map(|c| fonts.arabic.glyph_of(c))
            .collect();
        assert!(
            salam
                .glyphs
                .iter()
                .all(|g| !isolated.contains(&g.id) || g.text == "م"),
            "{:?} against isolated {isolated:?}",
            salam.glyphs
        );
        // lam-alef is one glyph standing for both letters.
        assert!(
            salam.glyphs.iter().any(|g| g.text.chars().count() == 2
                && g.text.contains('ل')
                && g.text.contains('ا')),
            "{:?}",
            salam.glyphs
        );
        // Visual order: each glyph to the right of the one before.
        assert!(salam.glyphs.windows(2).all(|w| w[0].x <= w[1].x));
        // The bracket before سلام (reading) is drawn at its right, the
        // closing one at its left, each mirrored: drawn, they read "(سلام)".
        let open = texts.iter().position(|t| t.trim() == ")").expect("opening");
        let close = texts.iter().position(|t| t.trim() == "(").expect("closing");
        assert!(close < last && last < open, "{texts:?}");
    }

    /// HarfBuzz (`hb-shape`, Debian's libharfbuzz-bin) shapes the same text
    /// with the same font: the glyphs and where they go must agree.
    #[test]
    fn arabic_is_shaped_as_harfbuzz_shapes_it() {
        let fonts = Fonts::load().expect("fonts");
        let font_file = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../assets/fonts/NotoSansArabic-Regular.ttf"
        );
        for text in [
            "ليلى حداد",
            "لإضافة هذه الزيارة إلى حسابك",
            "سجّل الدخول",
            "يُرجى دفع هذه الفاتورة في عيادة النور",
        ] {
            let out = std::process::Command::new("hb-shape")
                .args([
                    "--no-glyph-names",
                    "--no-clusters",
                    "--direction=rtl",
                    "--script=arab",
                    "--font-size=1000",
                    font_file,
                    text,
                ])
                .output()
                .expect("hb-shape (Debian's libharfbuzz-bin; scripts/setup-test.sh installs it)");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            // gid[@dx,dy]+advance|… in visual order, left to right, in
            // font units (the font's em is 1000).
            let mut pen = 0.0;
            let hb: Vec<(u16, f32, f32)> = String::from_utf8_lossy(&out.stdout)
                .trim()
                .trim_matches(['[', ']'])
                .split('|')
                .map(|g| {
                    let (glyph, advance) = g.rsplit_once('+').expect("advance");
                    let (gid, (dx, dy)) = match glyph.split_once('@') {
                        Some((gid, off)) => {
                            let (dx, dy) = off.split_once(',').expect("offsets");
                            (gid, (dx.parse().expect("dx"), dy.parse().expect("dy")))
                        }
                        None => (glyph, (0.0, 0.0)),
                    };
                    let at = (gid.parse().expect("gid"), pen + dx, dy);
                    pen += advance.parse::<f32>().expect("advance");
                    at
                })
                .collect();
            let ours = fonts.arabic.shape(text, true, 1000.0).expect("shaped").0;
            let ids: Vec<u16> = ours.iter().map(|g| g.id).collect();
            let hb_ids: Vec<u16> = hb.iter().map(|g| g.0).collect();
            assert_eq!(ids, hb_ids, "{text}");
            for (g, (_, x, y)) in ours.iter().zip(&hb) {
                assert!(
                    (g.x - x).abs() < 1.0 && (g.rise - y).abs() < 1.0,
                    "{text}: glyph {} at ({}, {}), HarfBuzz ({x}, {y})",
                    g.id,
                    g.x,
                    g.rise
                );
            }
        }
    }
}
