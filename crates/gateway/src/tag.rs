//! The Microsoft-Tag-style barcode of `raz_image`: 5 rows of 10 triangles in cyan,
//! magenta, yellow and black, inside a black frame whose bottom bar is thicker.
//!
//! Each triangle carries 2 bits; the 100 bits are a 4-bit marker, the 60-bit ID,
//! a CRC-32 of the ID and a 4-bit trailer, so a misread is detected rather than
//! decoded as another code. [`decode`] reads the image back (after JPEG
//! compression, scaling and a half turn).

use image::{ImageBuffer, Rgb, RgbImage};
use razcode_protocol::RazId;

pub const ROWS: usize = 5;
pub const COLS: usize = 10;
const MARKER: u32 = 0b1010;
const TRAILER: u32 = 0b0110;

/// Layout in units (one unit is a pixel at scale 1).
const QUIET: u32 = 20;
const FRAME: u32 = 14;
const BOTTOM: u32 = 3 * FRAME;
const PAD: u32 = 10;
const HALF_BASE: u32 = 24;
const ROW_H: u32 = 40;
const GRID_W: u32 = (COLS as u32 + 1) * HALF_BASE;
const GRID_H: u32 = ROWS as u32 * ROW_H;
pub const WIDTH: u32 = 2 * (QUIET + FRAME + PAD) + GRID_W;
pub const HEIGHT: u32 = 2 * QUIET + FRAME + BOTTOM + 2 * PAD + GRID_H;
/// Triangles are drawn shrunk toward their centroid, leaving white between them.
const SHRINK: f32 = 0.82;

pub const PALETTE: [[u8; 3]; 4] = [[0, 174, 239], [236, 0, 140], [255, 222, 0], [0, 0, 0]];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagError {
    #[error("no tag frame was found in the image")]
    NoFrame,
    #[error("the tag was read but its check does not match (damaged or not a RAZCODE tag)")]
    Check,
    #[error("the image could not be encoded: {0}")]
    Encode(String),
}

/// CRC-32 (IEEE 802.3, reflected).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The 50 symbols (0..4) for an ID.
pub fn symbols(id: RazId) -> [u8; ROWS * COLS] {
    let mut bits: Vec<bool> = Vec::with_capacity(100);
    let mut push = |v: u64, n: u32| (0..n).rev().for_each(|i| bits.push((v >> i) & 1 == 1));
    push(u64::from(MARKER), 4);
    push(id.bits(), 60);
    push(u64::from(crc32(&id.bits().to_be_bytes())), 32);
    push(u64::from(TRAILER), 4);
    let mut out = [0u8; ROWS * COLS];
    for (i, s) in out.iter_mut().enumerate() {
        *s = (u8::from(bits[2 * i]) << 1) | u8::from(bits[2 * i + 1]);
    }
    out
}

fn from_symbols(s: &[u8; ROWS * COLS]) -> Result<RazId, TagError> {
    let mut acc: u128 = 0;
    for &v in s {
        acc = (acc << 2) | u128::from(v & 3);
    }
    let trailer = (acc & 0xF) as u32;
    let crc = ((acc >> 4) & 0xFFFF_FFFF) as u32;
    let id = ((acc >> 36) & ((1u128 << 60) - 1)) as u64;
    let marker = (acc >> 96) as u32;
    if marker != MARKER || trailer != TRAILER || crc32(&id.to_be_bytes()) != crc {
        return Err(TagError::Check);
    }
    RazId::from_bits(id).ok_or(TagError::Check)
}

/// The three corners of triangle `(row, col)` in units; even columns point up.
fn triangle(row: usize, col: usize) -> [(f32, f32); 3] {
    let x0 = (QUIET + FRAME + PAD) as f32 + col as f32 * HALF_BASE as f32;
    let y0 = (QUIET + FRAME + PAD) as f32 + row as f32 * ROW_H as f32;
    let (w, h) = (2.0 * HALF_BASE as f32, ROW_H as f32);
    if col % 2 == 0 {
        [(x0, y0 + h), (x0 + w, y0 + h), (x0 + w / 2.0, y0)]
    } else {
        [(x0, y0), (x0 + w, y0), (x0 + w / 2.0, y0 + h)]
    }
}

fn centroid(t: &[(f32, f32); 3]) -> (f32, f32) {
    (
        (t[0].0 + t[1].0 + t[2].0) / 3.0,
        (t[0].1 + t[1].1 + t[2].1) / 3.0,
    )
}

fn inside(p: (f32, f32), t: &[(f32, f32); 3]) -> bool {
    let sign = |a: (f32, f32), b: (f32, f32), c: (f32, f32)| {
        (a.0 - c.0) * (b.1 - c.1) - (b.0 - c.0) * (a.1 - c.1)
    };
    let d1 = sign(p, t[0], t[1]);
    let d2 = sign(p, t[1], t[2]);
    let d3 = sign(p, t[2], t[0]);
    let neg = d1 < 0.0 || d2 < 0.0 || d3 < 0.0;
    let pos = d1 > 0.0 || d2 > 0.0 || d3 > 0.0;
    !(neg && pos)
}

/// Draws the tag at `scale` pixels per unit.
pub fn render(id: RazId, scale: u32) -> RgbImage {
    let scale = scale.max(1);
    let (w, h) = (WIDTH * scale, HEIGHT * scale);
    let mut img: RgbImage = ImageBuffer::from_pixel(w, h, Rgb([255, 255, 255]));
    let black = Rgb([0, 0, 0]);
    let (l, t, r, b) = (QUIET, QUIET, WIDTH - QUIET, HEIGHT - QUIET);
    for y in t * scale..b * scale {
        for x in l * scale..r * scale {
            let (ux, uy) = (x / scale, y / scale);
            let in_frame = ux < l + FRAME || ux >= r - FRAME || uy < t + FRAME || uy >= b - BOTTOM;
            if in_frame {
                img.put_pixel(x, y, black);
            }
        }
    }
    let syms = symbols(id);
    for row in 0..ROWS {
        for col in 0..COLS {
            let tri = triangle(row, col);
            let c = centroid(&tri);
            let shrunk = tri.map(|(x, y)| (c.0 + (x - c.0) * SHRINK, c.1 + (y - c.1) * SHRINK));
            let color = Rgb(PALETTE[syms[row * COLS + col] as usize]);
            let (minx, maxx) = (
                shrunk.iter().map(|p| p.0).fold(f32::MAX, f32::min),
                shrunk.iter().map(|p| p.0).fold(0.0, f32::max),
            );
            let (miny, maxy) = (
                shrunk.iter().map(|p| p.1).fold(f32::MAX, f32::min),
                shrunk.iter().map(|p| p.1).fold(0.0, f32::max),
            );
            for y in (miny * scale as f32) as u32..=(maxy * scale as f32) as u32 {
                for x in (minx * scale as f32) as u32..=(maxx * scale as f32) as u32 {
                    let p = (
                        (x as f32 + 0.5) / scale as f32,
                        (y as f32 + 0.5) / scale as f32,
                    );
                    if x < w && y < h && inside(p, &shrunk) {
                        img.put_pixel(x, y, color);
                    }
                }
            }
        }
    }
    img
}

/// The tag as served: JPEG at quality 90, two pixels per unit.
pub fn render_jpeg(id: RazId) -> Result<Vec<u8>, TagError> {
    let img = render(id, 2);
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .map_err(|e| TagError::Encode(e.to_string()))?;
    Ok(out)
}

fn is_black(p: &Rgb<u8>) -> bool {
    p.0.iter().all(|&c| c < 90)
}

/// Reads the ID from an image of a tag (upright or turned half way).
pub fn decode(img: &RgbImage) -> Result<RazId, TagError> {
    let (w, h) = img.dimensions();
    let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
    for (x, y, p) in img.enumerate_pixels() {
        if is_black(p) {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
    }
    if x0 >= x1 || y0 >= y1 || w < 8 || h < 8 {
        return Err(TagError::NoFrame);
    }
    // The thick bar says which way up the tag is.
    let mid = (x0 + x1) / 2;
    let run = |ys: &mut dyn Iterator<Item = u32>| {
        ys.take_while(|&y| is_black(img.get_pixel(mid, y))).count()
    };
    let top = run(&mut (y0..=y1));
    let bottom = run(&mut (y0..=y1).rev());
    let flipped = top > bottom;
    let (fw, fh) = ((WIDTH - 2 * QUIET) as f32, (HEIGHT - 2 * QUIET) as f32);
    let (sx, sy) = ((x1 - x0 + 1) as f32 / fw, (y1 - y0 + 1) as f32 / fh);
    let mut syms = [0u8; ROWS * COLS];
    for row in 0..ROWS {
        for col in 0..COLS {
            let (cx, cy) = centroid(&triangle(row, col));
            let (mut ux, mut uy) = (cx - QUIET as f32, cy - QUIET as f32);
            if flipped {
                ux = fw - ux;
                uy = fh - uy;
            }
            let (px, py) = (x0 as f32 + ux * sx, y0 as f32 + uy * sy);
            let r = (HALF_BASE as f32 * 0.2 * sx.min(sy)).max(1.0);
            let mut sum = [0f32; 3];
            let mut n = 0f32;
            let mut y = py - r;
            while y <= py + r {
                let mut x = px - r;
                while x <= px + r {
                    if x >= 0.0 && y >= 0.0 && (x as u32) < w && (y as u32) < h {
                        let p = img.get_pixel(x as u32, y as u32);
                        for (acc, c) in sum.iter_mut().zip(p.0) {
                            *acc += f32::from(c);
                        }
                        n += 1.0;
                    }
                    x += 1.0;
                }
                y += 1.0;
            }
            if n == 0.0 {
                return Err(TagError::NoFrame);
            }
            let avg = sum.map(|s| s / n);
            let best = PALETTE
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let d: f32 = (0..3).map(|k| (avg[k] - f32::from(c[k])).powi(2)).sum();
                    (i, d)
                })
                .fold((0, f32::MAX), |a, b| if b.1 < a.1 { b } else { a })
                .0;
            syms[row * COLS + col] = best as u8;
        }
    }
    from_symbols(&syms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::imageops::{resize, rotate180, FilterType};

    fn through_jpeg(img: &RgbImage, quality: u8) -> RgbImage {
        let mut buf = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, quality)
            .encode_image(img)
            .unwrap();
        image::load_from_memory(&buf).unwrap().to_rgb8()
    }

    #[test]
    fn symbols_round_trip_and_detect_damage() {
        let id = RazId::parse("7KQ2-M9XD-4HRB").unwrap();
        let mut s = symbols(id);
        assert_eq!(from_symbols(&s), Ok(id));
        for i in 0..s.len() {
            let keep = s[i];
            s[i] = (keep + 1) % 4;
            assert_eq!(from_symbols(&s), Err(TagError::Check), "symbol {i}");
            s[i] = keep;
        }
    }

    #[test]
    fn served_images_decode_back_to_their_ids() {
        for _ in 0..20 {
            let id = RazId::generate().unwrap();
            let jpeg = render_jpeg(id).unwrap();
            let img = image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg)
                .unwrap()
                .to_rgb8();
            assert_eq!(decode(&img), Ok(id));
        }
    }

    #[test]
    fn decodes_after_compression_scaling_and_a_half_turn() {
        let id = RazId::generate().unwrap();
        let img = render(id, 2);
        for (fx, fy, quality) in [
            (0.5, 0.5, 60),
            (0.4, 0.4, 75),
            (1.7, 1.7, 50),
            (0.8, 1.3, 70),
            (1.0, 1.0, 30),
        ] {
            let (w, h) = img.dimensions();
            let scaled = resize(
                &img,
                (w as f32 * fx) as u32,
                (h as f32 * fy) as u32,
                FilterType::Triangle,
            );
            let out = through_jpeg(&scaled, quality);
            assert_eq!(decode(&out), Ok(id), "scale {fx}x{fy} quality {quality}");
        }
        let turned = through_jpeg(&rotate180(&img), 80);
        assert_eq!(decode(&turned), Ok(id));
    }

    #[test]
    fn blank_and_foreign_images_are_refused() {
        let white: RgbImage = ImageBuffer::from_pixel(100, 100, Rgb([255, 255, 255]));
        assert_eq!(decode(&white), Err(TagError::NoFrame));
        let black: RgbImage = ImageBuffer::from_pixel(100, 100, Rgb([0, 0, 0]));
        assert_eq!(decode(&black), Err(TagError::Check));
    }
}
