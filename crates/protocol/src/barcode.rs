//! Which barcode a staged code gets, and so which stage endpoint the client
//! calls: the client draws a QR code from `raz_uri` (`/gateway/stage/url`), or
//! shows the gateway's Tag image from `raz_image` (`/gateway/stage`). One type
//! for the desk's setting, its stagings and the gateway's two routes.

use crate::paths;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Barcode {
    /// A QR code the client draws from `raz_uri` (any phone camera reads it).
    Qr,
    /// The gateway's Microsoft-Tag-style image (no reader app exists since 2015).
    Tag,
}

impl Barcode {
    /// `qr` or `tag` (any case, spaces around ignored).
    pub fn from_name(s: &str) -> Option<Barcode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "qr" => Some(Barcode::Qr),
            "tag" => Some(Barcode::Tag),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Barcode::Qr => "qr",
            Barcode::Tag => "tag",
        }
    }

    /// The stage endpoint's word for it: `url` or `image` (the desk's
    /// stagings table and JSON keep this word).
    pub fn variant(self) -> &'static str {
        match self {
            Barcode::Qr => "url",
            Barcode::Tag => "image",
        }
    }

    /// The barcode a stored variant word names; an unknown word reads as the
    /// QR code (what every staging before the Tag choice asked for).
    pub fn from_variant(word: &str) -> Barcode {
        match word {
            "image" => Barcode::Tag,
            _ => Barcode::Qr,
        }
    }

    /// The stage endpoint that answers with this barcode's reference.
    pub fn stage_path(self) -> &'static str {
        match self {
            Barcode::Qr => paths::STAGE_URL,
            Barcode::Tag => paths::STAGE,
        }
    }

    /// The barcode asked for at an edge that offers `--qr` and `--tag` (or a
    /// form's two boxes): Tag wins over QR, none leaves the clinic's choice.
    pub fn from_flags(qr: bool, tag: bool) -> Option<Barcode> {
        match (tag, qr) {
            (true, _) => Some(Barcode::Tag),
            (false, true) => Some(Barcode::Qr),
            (false, false) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_barcode_keeps_its_name_its_word_and_its_endpoint() {
        for b in [Barcode::Qr, Barcode::Tag] {
            assert_eq!(Barcode::from_name(b.name()), Some(b));
            assert_eq!(Barcode::from_variant(b.variant()), b);
        }
        assert_eq!(Barcode::Qr.stage_path(), "/gateway/stage/url");
        assert_eq!(Barcode::Tag.stage_path(), "/gateway/stage");
        assert_eq!(Barcode::from_name(" QR "), Some(Barcode::Qr));
        assert_eq!(Barcode::from_name("ean13"), None);
        assert_eq!(Barcode::from_variant("something old"), Barcode::Qr);
        assert_eq!(Barcode::from_flags(true, true), Some(Barcode::Tag));
        assert_eq!(Barcode::from_flags(false, false), None);
    }
}
