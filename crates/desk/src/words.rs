//! A sentence the desk says, kept as a catalog id and what varies in it, so
//! each reader gets it in their language: the app in its own, the CLI in
//! English. The sentences live in `crates/lang/locales/*.ftl` (ids `desk-`).

use razcode_lang::Language;

/// A message id from the catalogs and its variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    id: &'static str,
    args: Vec<(&'static str, Arg)>,
}

/// A variable: text as it is (a name, an address, another program's words),
/// or words of our own said in the same language.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Arg {
    Text(String),
    Words(Words),
}

impl Words {
    pub fn new(id: &'static str) -> Words {
        Words {
            id,
            args: Vec::new(),
        }
    }

    /// A variable given as it is.
    pub fn with(mut self, name: &'static str, value: impl std::fmt::Display) -> Words {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }

    /// A variable that is itself a message, said in the same language.
    pub fn with_words(mut self, name: &'static str, value: Words) -> Words {
        self.args.push((name, Arg::Words(value)));
        self
    }

    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The sentence in `lang` (English where the catalog lacks it).
    pub fn text(&self, lang: Language) -> String {
        let said: Vec<(&str, String)> = self
            .args
            .iter()
            .map(|(name, arg)| {
                let value = match arg {
                    Arg::Text(t) => t.clone(),
                    Arg::Words(w) => w.text(lang),
                };
                (*name, value)
            })
            .collect();
        let args: Vec<(&str, &str)> = said.iter().map(|(n, v)| (*n, v.as_str())).collect();
        razcode_lang::text_with(lang, self.id, &args)
    }
}

impl std::fmt::Display for Words {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Language::En))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_is_said_in_the_language_asked_with_its_variables() {
        let w = Words::new("desk-no-staging").with("id", 7);
        assert_eq!(w.text(Language::En), "There is no staging 7.");
        assert_eq!(w.text(Language::Es), "No hay ningún registro 7.");
    }

    #[test]
    fn words_inside_words_follow_the_language() {
        let w = Words::new("desk-not-a-number")
            .with_words("field", Words::new("desk-field-weight"))
            .with("value", "\"x\"");
        assert!(w.text(Language::En).starts_with("Weight: \"x\""));
        assert!(w.text(Language::Es).starts_with("Peso: \"x\""));
    }
}
