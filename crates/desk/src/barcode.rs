//! The code's barcode: the gateway's tag image (a JPEG), or a QR code drawn here
//! from `raz_uri` (error correction M, with its quiet zone).

use crate::error::{DeskError, Result};
use image::{ImageFormat, Luma};
use qrcode::{EcLevel, QrCode};

/// The pixels a module of [`qr_png`]'s code is wide: a printer scales the
/// code by whole modules (`receipt::device`).
pub const QR_MODULE_PX: u32 = 8;

/// A PNG of the QR code for `uri`, [`QR_MODULE_PX`] pixels a module.
pub fn qr_png(uri: &str) -> Result<Vec<u8>> {
    let code = QrCode::with_error_correction_level(uri.as_bytes(), EcLevel::M).map_err(|e| {
        DeskError::Barcode {
            cause: e.to_string(),
        }
    })?;
    let img = code
        .render::<Luma<u8>>()
        .quiet_zone(true)
        .module_dimensions(QR_MODULE_PX, QR_MODULE_PX)
        .build();
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png)
        .map_err(|e| DeskError::Barcode {
            cause: e.to_string(),
        })?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    #[test]
    fn qr_is_a_png_with_a_quiet_zone() {
        let png = super::qr_png("https://healthjibe.example/r/7KQ2M9XD4HRB").unwrap();
        let img = image::load_from_memory(&png).unwrap().to_luma8();
        assert!(img.width() >= 25 * 8);
        // The quiet zone: the first rows are white.
        assert!((0..img.width()).all(|x| img.get_pixel(x, 0).0[0] == 255));
        assert!(img.pixels().any(|p| p.0[0] == 0));
    }
}
