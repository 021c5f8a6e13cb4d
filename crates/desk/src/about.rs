//! What the About box and `razdesk about` say: the version, and the licences
//! of what the programs ship: the fonts the receipts embed and the crates the
//! app is built from (`assets/licences.json`, kept current by the test
//! `tests/about.rs`).

use serde::{Deserialize, Serialize};

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The list of crates, as the test writes it.
const CRATES_JSON: &str = include_str!("../../../assets/licences.json");

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Licence {
    pub name: String,
    pub version: String,
    pub licence: String,
}

/// A font the receipts embed (assets/fonts/LICENSES.md).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FontLicence {
    pub name: &'static str,
    pub licence: &'static str,
    /// Where the file was copied from, unchanged.
    pub from: &'static str,
}

pub fn fonts() -> Vec<FontLicence> {
    vec![
        FontLicence {
            name: "Noto Sans (regular, bold), © Google",
            licence: "OFL-1.1",
            from: "Debian's fonts-noto-core",
        },
        FontLicence {
            name: "Noto Sans Arabic (regular, bold), © Google",
            licence: "OFL-1.1",
            from: "Debian's fonts-noto-core",
        },
        FontLicence {
            name: "Droid Sans Fallback, © 2006-2010 Google",
            licence: "Apache-2.0",
            from: "Debian's fonts-droid-fallback",
        },
        FontLicence {
            name: "DejaVu Sans Mono, © 2003 Bitstream, Inc., DejaVu changes public domain",
            licence: "Bitstream-Vera",
            from: "Debian's fonts-dejavu-core",
        },
    ]
}

/// The crates the app and `razdesk` are built from, with their licences.
pub fn crates() -> Vec<Licence> {
    // Written by the test from `cargo metadata`; a damaged file would fail it.
    serde_json::from_str(CRATES_JSON).unwrap_or_default()
}

/// What the About box shows for one desk.
#[derive(Debug, Clone, Serialize)]
pub struct About {
    pub version: &'static str,
    pub data_dir: String,
    /// Only the desk's user may open the data folder (none: it could not be told).
    pub data_dir_private: Option<bool>,
    /// The gateway the desk talks to, once set up.
    pub gateway: Option<String>,
    pub sandbox: bool,
    /// v1.2: codes ready for receipts printed while the gateway cannot be
    /// reached (none before the desk is set up).
    pub offline_codes: Option<crate::offline::Pool>,
    pub fonts: Vec<FontLicence>,
    pub crates: Vec<Licence>,
}

impl crate::Desk {
    pub fn about(&self) -> About {
        let settings = self.settings().ok();
        About {
            version: VERSION,
            data_dir: self.dir.display().to_string(),
            data_dir_private: crate::private_folder::is_private(&self.dir).ok(),
            gateway: settings.as_ref().map(|s| s.api_base.clone()),
            sandbox: settings.as_ref().is_some_and(|s| s.sandbox),
            offline_codes: settings.as_ref().and_then(|_| self.pool().ok()),
            fonts: fonts(),
            crates: crates(),
        }
    }
}
