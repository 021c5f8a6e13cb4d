//! Every catalog has every message English has (the staff app's `app-` and
//! the desk's `desk-` ones in the app's languages), parses whole, and uses the same variables.

use fluent_syntax::ast;
use razcode_lang::Language;
use std::collections::{BTreeMap, BTreeSet};

fn source(lang: Language) -> String {
    let file = format!("{}/locales/{}.ftl", env!("CARGO_MANIFEST_DIR"), lang.tag());
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Each message's id and the variables its value uses.
fn messages(lang: Language) -> BTreeMap<String, BTreeSet<String>> {
    let text = source(lang);
    let res = fluent_syntax::parser::parse(text.as_str())
        .unwrap_or_else(|(_, errs)| panic!("{} does not parse: {errs:?}", lang.tag()));
    let mut out = BTreeMap::new();
    for entry in res.body {
        if let ast::Entry::Message(m) = entry {
            let mut vars = BTreeSet::new();
            if let Some(p) = &m.value {
                for el in &p.elements {
                    if let ast::PatternElement::Placeable {
                        expression:
                            ast::Expression::Inline(ast::InlineExpression::VariableReference { id }),
                    } = el
                    {
                        vars.insert(id.name.to_string());
                    }
                }
            }
            assert!(
                m.value.is_some(),
                "{}: {} has no value",
                lang.tag(),
                m.id.name
            );
            out.insert(m.id.name.to_string(), vars);
        }
    }
    out
}

#[test]
fn every_catalog_has_every_english_message() {
    let en = messages(Language::En);
    assert!(
        en.len() > 80,
        "the English catalog is read ({} messages)",
        en.len()
    );
    for lang in Language::ALL {
        let theirs = messages(lang);
        let app = Language::APP.contains(&lang);
        for id in en.keys() {
            if (id.starts_with("app-") || id.starts_with("desk-")) && !app {
                continue;
            }
            assert!(theirs.contains_key(id), "{} lacks {id}", lang.tag());
        }
        for (id, vars) in &theirs {
            let Some(en_vars) = en.get(id) else {
                panic!("{} has {id}, which English lacks", lang.tag());
            };
            // Dates may leave out what the language does not write (AM/PM).
            if !id.starts_with("time-") {
                assert_eq!(vars, en_vars, "{}: {id} uses other variables", lang.tag());
            }
        }
    }
}

#[test]
fn a_missing_message_falls_back_to_english_not_to_its_id() {
    let zh = messages(Language::ZhHans);
    let en = messages(Language::En);
    match en.keys().find(|id| !zh.contains_key(*id)) {
        Some(id) => {
            let shown = razcode_lang::text(Language::ZhHans, id);
            assert_eq!(shown, razcode_lang::text(Language::En, id));
            assert_ne!(&shown, id);
        }
        None => panic!("Chinese has every message; the app's should fall back"),
    }
}

#[test]
fn messages_read_in_their_language() {
    let code = [("code", "7KQ2-M9XD-4HRB")];
    let es = razcode_lang::text_with(Language::Es, "page-withdrawn", &code);
    assert!(
        es.starts_with("La clínica retiró el código 7KQ2-M9XD-4HRB"),
        "{es}"
    );
    let body = razcode_lang::text_with(
        Language::En,
        "email-body",
        &[
            ("clinic", "C"),
            ("code", "X"),
            ("url", "U"),
            ("expires", "E"),
        ],
    );
    assert!(body.starts_with("Hello,\n\nThis is"), "{body:?}");
    assert!(
        body.contains("\n\n    X\n\n"),
        "the code stands indented: {body:?}"
    );
}

/// Every id the staff app's page and scripts name is in the English catalog
/// (a missing one would show English in Spanish, or nothing at all).
#[test]
fn the_app_names_only_messages_there_are() {
    let en = messages(Language::En);
    let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui");
    let mut named = BTreeSet::new();
    for entry in std::fs::read_dir(&ui).expect("ui/") {
        let path = entry.expect("an entry").path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext != "html" && ext != "js" {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a ui file");
        for (i, _) in text.match_indices("\"app-") {
            let rest = &text[i + 1..];
            let id: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            named.insert((id, path.display().to_string()));
        }
    }
    assert!(
        named.len() > 100,
        "the page's ids are read ({})",
        named.len()
    );
    for (id, file) in named {
        assert!(
            en.contains_key(&id),
            "{file} names {id}, which is not in en.ftl"
        );
    }
}

/// The desk's errors are read in the app, which has no command line: a flag
/// or a `razdesk` command is the CLI's to add (its `hints`), never the core's.
#[test]
fn no_message_names_a_command_line_flag() {
    for lang in Language::APP {
        let source = source(lang);
        for line in source.lines().filter(|l| !l.starts_with('#')) {
            let names_flag = line
                .split_whitespace()
                .any(|w| w.starts_with("--") && w.len() > 2 && !w.starts_with("---"));
            assert!(
                !names_flag && !line.contains("razdesk"),
                "{}: {line}",
                lang.tag()
            );
        }
    }
}
