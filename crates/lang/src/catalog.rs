//! The Fluent catalogs, parsed once per process.

use crate::Language;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use std::collections::BTreeMap;
use std::sync::OnceLock;

type Bundle = FluentBundle<FluentResource>;

fn source(lang: Language) -> &'static str {
    match lang {
        Language::En => include_str!("../locales/en.ftl"),
        Language::Es => include_str!("../locales/es.ftl"),
        Language::ZhHans => include_str!("../locales/zh-Hans.ftl"),
        Language::Vi => include_str!("../locales/vi.ftl"),
        Language::Ar => include_str!("../locales/ar.ftl"),
    }
}

/// A language's catalog, parsed the first time one of its messages is
/// asked for (a receipt's process reads its language and English alone).
fn bundle(lang: Language) -> &'static Bundle {
    static BUNDLES: [OnceLock<Bundle>; Language::ALL.len()] =
        [const { OnceLock::new() }; Language::ALL.len()];
    let i = Language::ALL.iter().position(|&l| l == lang).unwrap_or(0);
    BUNDLES[i].get_or_init(|| {
        // A catalog with a syntax error keeps the messages it could read
        // (the tests read every catalog whole).
        let res = FluentResource::try_new(source(lang).to_string()).unwrap_or_else(|(r, _)| r);
        let mut b = FluentBundle::new_concurrent(vec![lang.id()]);
        // No bidi isolation marks: receipts and emails are plain text, and
        // the marks would print as boxes in some fonts.
        b.set_use_isolating(false);
        let _ = b.add_resource(res);
        b
    })
}

fn format(lang: Language, id: &str, args: Option<&FluentArgs>) -> Option<String> {
    let b = bundle(lang);
    let pattern = b.get_message(id)?.value()?;
    // A variable not given reads as its name in braces: better than nothing.
    let mut errors = Vec::new();
    Some(b.format_pattern(pattern, args, &mut errors).into_owned())
}

/// The message `id` in `lang`, else in English, else its id (a message the
/// English catalog lacks is a defect the tests catch).
pub fn text(lang: Language, id: &str) -> String {
    text_with(lang, id, &[])
}

/// The message with its variables.
pub fn text_with(lang: Language, id: &str, args: &[(&str, &str)]) -> String {
    let mut fa = FluentArgs::new();
    for (k, v) in args {
        fa.set(*k, *v);
    }
    let fa = (!args.is_empty()).then_some(&fa);
    format(lang, id, fa)
        .or_else(|| format(Language::En, id, fa))
        .unwrap_or_else(|| id.to_string())
}

/// Every message id in a catalog.
pub fn ids(lang: Language) -> Vec<String> {
    let Ok(res) = FluentResource::try_new(source(lang).to_string()) else {
        return Vec::new();
    };
    res.entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect()
}

/// The messages whose ids start with `prefix`, formatted without variables
/// (the staff app's texts: it fills in what varies itself).
pub fn messages_with_prefix(lang: Language, prefix: &str) -> BTreeMap<String, String> {
    ids(Language::En)
        .into_iter()
        .filter(|id| id.starts_with(prefix))
        .map(|id| {
            let t = text(lang, &id);
            (id, t)
        })
        .collect()
}
