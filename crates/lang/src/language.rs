//! The languages there are, read from BCP 47 tags.

use unic_langid::LanguageIdentifier;

/// A language the catalogs hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    En,
    Es,
    ZhHans,
    Vi,
    Ar,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "{tag:?} is not a language RAZCODE Desk has; use one of: {}",
    Language::list()
)]
pub struct UnknownLanguage {
    pub tag: String,
}

impl Language {
    pub const ALL: [Language; 5] = [
        Language::En,
        Language::Es,
        Language::ZhHans,
        Language::Vi,
        Language::Ar,
    ];
    /// The staff app's languages (its `app-` messages).
    pub const APP: [Language; 2] = [Language::En, Language::Es];

    /// The canonical tag: `en`, `es`, `zh-Hans`.
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
            Language::ZhHans => "zh-Hans",
            Language::Vi => "vi",
            Language::Ar => "ar",
        }
    }

    /// Which way its text runs (`ltr` or `rtl`), as HTML's `dir` takes it.
    pub fn direction(self) -> &'static str {
        direction_of(self.tag())
    }

    /// The language by its own name (`Español`).
    pub fn name(self) -> String {
        crate::text(self, &format!("language-{}", self.tag()))
    }

    /// `en, es, zh-Hans, vi, ar`
    pub fn list() -> String {
        Language::ALL.map(Language::tag).join(", ")
    }

    /// A BCP 47 tag: `es`, `es-MX`, `zh-Hans`, `zh-CN` and `zh` (Simplified
    /// Chinese is what those regions write); `zh-Hant` is not one we have.
    pub fn parse(tag: &str) -> Result<Language, UnknownLanguage> {
        let unknown = || UnknownLanguage {
            tag: tag.to_string(),
        };
        let id: LanguageIdentifier = tag.trim().parse().map_err(|_| unknown())?;
        let script = id.script.map(|s| s.as_str().to_ascii_lowercase());
        let region = id.region.map(|r| r.as_str().to_ascii_uppercase());
        match id.language.as_str() {
            "en" => Ok(Language::En),
            "es" => Ok(Language::Es),
            "vi" => Ok(Language::Vi),
            // Modern Standard Arabic, which every region's patients read.
            "ar" => Ok(Language::Ar),
            "zh" => match (script.as_deref(), region.as_deref()) {
                (Some("hans"), _) | (None, None | Some("CN" | "SG" | "MY")) => Ok(Language::ZhHans),
                _ => Err(unknown()),
            },
            _ => Err(unknown()),
        }
    }

    /// A language as a record names it: a tag (`es-MX`), an ISO 639-2 code
    /// (`spa`) or a name in English or in the language itself (`Spanish`,
    /// `Español`, `Chinese`, `中文`).
    pub fn from_name(name: &str) -> Option<Language> {
        if let Ok(l) = Language::parse(name) {
            return Some(l);
        }
        let n = name.trim().to_lowercase();
        let n = n.split(['(', ',', ';']).next().unwrap_or("").trim();
        match n {
            // ISO 639-2 codes, as HL7 CDA's languageCode may carry them.
            "eng" => Some(Language::En),
            "spa" => Some(Language::Es),
            "zho" | "chi" | "cmn" => Some(Language::ZhHans),
            "vie" | "vietnamese" | "tiếng việt" | "tieng viet" | "tiếng việt nam" => {
                Some(Language::Vi)
            }
            "ara" | "arabic" | "العربية" | "عربي" => Some(Language::Ar),
            "english" | "inglés" | "ingles" => Some(Language::En),
            "spanish" | "español" | "espanol" | "castellano" | "castilian" => Some(Language::Es),
            "chinese" | "mandarin" | "simplified chinese" | "chinese simplified" | "中文"
            | "汉语" | "普通话" | "简体中文" | "中文（简体）" => {
                Some(Language::ZhHans)
            }
            _ => None,
        }
    }

    /// The first language of an `Accept-Language` header we have, by its
    /// weights (`es-MX,es;q=0.9,en;q=0.8`); `None` when none of them is ours.
    pub fn from_accept_language(header: &str) -> Option<Language> {
        let mut wanted: Vec<(f32, usize, Language)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut bits = part.split(';');
                let tag = bits.next()?.trim();
                let q = bits
                    .find_map(|b| b.trim().strip_prefix("q="))
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                let lang = Language::parse(tag).ok()?;
                (q > 0.0).then_some((q, i, lang))
            })
            .collect();
        wanted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        wanted.first().map(|w| w.2)
    }

    pub(crate) fn id(self) -> LanguageIdentifier {
        // The tags above are valid BCP 47; English is the fallback regardless.
        self.tag().parse().unwrap_or_default()
    }
}

/// Which way a BCP 47 tag's script runs: right to left for Arabic, Hebrew,
/// Persian and Urdu (Arabic is ours; pages and the email use logical
/// directions, so the others need only their catalogs), else left to right.
pub fn direction_of(tag: &str) -> &'static str {
    match tag.split('-').next().unwrap_or("") {
        "ar" | "he" | "fa" | "ur" => "rtl",
        _ => "ltr",
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

impl std::str::FromStr for Language {
    type Err = UnknownLanguage;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Language::parse(s)
    }
}

impl serde::Serialize for Language {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.tag())
    }
}

impl<'de> serde::Deserialize<'de> for Language {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let tag = String::deserialize(d)?;
        Language::parse(&tag).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_as_bcp47() {
        assert_eq!(Language::parse("es-MX"), Ok(Language::Es));
        assert_eq!(Language::parse("EN-us"), Ok(Language::En));
        assert_eq!(Language::parse("zh-Hans-CN"), Ok(Language::ZhHans));
        assert_eq!(Language::parse("zh"), Ok(Language::ZhHans));
        assert!(Language::parse("zh-Hant").is_err());
        assert!(Language::parse("zh-TW").is_err());
        let e = Language::parse("klingon").unwrap_err().to_string();
        assert!(e.contains("en, es, zh-Hans, vi, ar"), "{e}");
        assert_eq!(Language::parse("ar-EG"), Ok(Language::Ar));
    }

    #[test]
    fn scripts_run_their_own_way() {
        assert_eq!(direction_of("ar-EG"), "rtl");
        assert_eq!(direction_of("he"), "rtl");
        assert_eq!(Language::Vi.direction(), "ltr");
        assert_eq!(Language::ZhHans.direction(), "ltr");
        assert_eq!(Language::Ar.direction(), "rtl");
    }

    #[test]
    fn records_name_languages_in_words_or_tags() {
        assert_eq!(Language::from_name("Spanish"), Some(Language::Es));
        assert_eq!(Language::from_name(" Español "), Some(Language::Es));
        assert_eq!(
            Language::from_name("Chinese (Mandarin)"),
            Some(Language::ZhHans)
        );
        assert_eq!(Language::from_name("es-MX"), Some(Language::Es));
        assert_eq!(Language::from_name("ara"), Some(Language::Ar));
        assert_eq!(Language::from_name("Arabic"), Some(Language::Ar));
        assert_eq!(Language::from_name("العربية"), Some(Language::Ar));
        assert_eq!(Language::from_name("Klingon"), None);
    }

    #[test]
    fn accept_language_picks_the_heaviest_we_have() {
        assert_eq!(
            Language::from_accept_language("fr-CA,es;q=0.8,en;q=0.5"),
            Some(Language::Es)
        );
        assert_eq!(
            Language::from_accept_language("en;q=0.2, zh-CN"),
            Some(Language::ZhHans)
        );
        assert_eq!(Language::from_accept_language("fr, de"), None);
        assert_eq!(Language::from_accept_language("es;q=0"), None);
    }
}
