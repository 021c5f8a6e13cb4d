//! From the layout's millimetres to a printer's dots: where a mark lands on a
//! device of a given resolution, and how big a code may be drawn there and stay
//! sharp. Plain arithmetic, so it is tested on every system; `gdi` uses it.

// Only the Windows spooler draws by dots today; the arithmetic is tested everywhere.
#![cfg_attr(not(windows), allow(dead_code))]

use super::layout::{Picture, Scaling};

/// A printer's resolution and the unprintable edge its origin sits inside.
#[derive(Debug, Clone, Copy)]
pub struct Device {
    pub dpi_x: i32,
    pub dpi_y: i32,
    /// The printable area's top left, in dots from the paper's corner.
    pub offset_x: i32,
    pub offset_y: i32,
}

/// A box in device dots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dots {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl Device {
    pub fn x(&self, mm: f32) -> i32 {
        (mm / 25.4 * self.dpi_x as f32).round() as i32 - self.offset_x
    }

    pub fn y(&self, mm: f32) -> i32 {
        (mm / 25.4 * self.dpi_y as f32).round() as i32 - self.offset_y
    }

    /// A type size in points as a font height in dots (GDI's em height).
    pub fn font_height(&self, size_pt: f32) -> i32 {
        (size_pt / 72.0 * self.dpi_y as f32).round().max(1.0) as i32
    }

    /// A box in millimetres, in dots; never thinner than a dot.
    pub fn rect(&self, x_mm: f32, top_mm: f32, w_mm: f32, h_mm: f32) -> Dots {
        let (x, y) = (self.x(x_mm), self.y(top_mm));
        Dots {
            x,
            y,
            w: (self.x(x_mm + w_mm) - x).max(1),
            h: (self.y(top_mm + h_mm) - y).max(1),
        }
    }

    /// Where a picture is drawn in its box. A code keeps its modules whole: it
    /// is drawn at the largest whole number of dots a module (or a pixel) that
    /// fits, centred in the box, so a 203 dpi thermal printer gets a QR whose
    /// modules are all the same width; a photo fills the box.
    pub fn picture(&self, p: &Picture, x_mm: f32, top_mm: f32, w_mm: f32, h_mm: f32) -> Dots {
        let room = self.rect(x_mm, top_mm, w_mm, h_mm);
        let unit = match p.scaling {
            Scaling::Smooth => return room,
            Scaling::WholePixels => 1,
            Scaling::Modules { px } => px.max(1),
        };
        let cells_w = (p.width_px / unit).max(1) as i32;
        let cells_h = (p.height_px / unit).max(1) as i32;
        let dots = (room.w / cells_w).min(room.h / cells_h).max(1);
        let (w, h) = (cells_w * dots, cells_h * dots);
        Dots {
            x: room.x + (room.w - w) / 2,
            y: room.y + (room.h - h) / 2,
            w,
            h,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qr(modules: u32) -> Picture {
        Picture {
            bytes: Vec::new(),
            width_px: modules * 8,
            height_px: modules * 8,
            scaling: Scaling::Modules { px: 8 },
        }
    }

    const THERMAL: Device = Device {
        dpi_x: 203,
        dpi_y: 203,
        offset_x: 0,
        offset_y: 0,
    };

    #[test]
    fn millimetres_land_on_dots_inside_the_printable_area() {
        let d = Device {
            dpi_x: 300,
            dpi_y: 600,
            offset_x: 50,
            offset_y: 100,
        };
        assert_eq!(d.x(25.4), 250);
        assert_eq!(d.y(25.4), 500);
        assert_eq!(d.font_height(12.0), 100);
        // A hairline rule is still drawn.
        assert_eq!(d.rect(0.0, 10.0, 10.0, 0.001).h, 1);
    }

    #[test]
    fn a_qr_on_a_thermal_printer_has_modules_of_whole_dots() {
        // A version-15 code with its quiet zone (85 modules) in a 56 mm box at
        // 203 dpi (447 dots): 5 dots a module, 425 dots, centred.
        let p = qr(85);
        let b = THERMAL.picture(&p, 12.0, 30.0, 56.0, 56.0);
        assert_eq!((b.w, b.h), (425, 425));
        assert_eq!(b.w % 85, 0);
        let room = THERMAL.rect(12.0, 30.0, 56.0, 56.0);
        assert!(b.x >= room.x && b.x + b.w <= room.x + room.w);
        assert!(b.y >= room.y && b.y + b.h <= room.y + room.h);
        // A short code (33 modules) in 40 mm (320 dots): 9 dots a module.
        let b = THERMAL.picture(&qr(33), 20.0, 30.0, 40.0, 40.0);
        assert_eq!((b.w, b.w / 33), (297, 9));
    }

    #[test]
    fn a_code_too_big_for_its_box_still_gets_a_dot_a_module() {
        let b = THERMAL.picture(&qr(177), 0.0, 0.0, 10.0, 10.0);
        assert_eq!(b.w, 177);
    }

    #[test]
    fn a_photo_fills_its_box() {
        let logo = Picture {
            bytes: Vec::new(),
            width_px: 123,
            height_px: 45,
            scaling: Scaling::Smooth,
        };
        assert_eq!(
            THERMAL.picture(&logo, 0.0, 0.0, 30.0, 11.0),
            THERMAL.rect(0.0, 0.0, 30.0, 11.0)
        );
    }
}
