//! The one guard both readers drive with the events they read: the limits
//! (elements, depth, attributes, namespaces in scope), one root element and no
//! text outside it, declared prefixes, and no entities. A case one reader let
//! through cannot be fixed in the other alone.

use super::{
    error_at, split_name, XmlError, XmlErrorKind, MAX_ATTRIBUTES, MAX_DEPTH, MAX_ELEMENTS,
    MAX_NS_IN_SCOPE,
};
use quick_xml::events::BytesStart;
use std::borrow::Cow;

/// No namespace (an index that is never one).
pub(super) const NONE: u32 = u32::MAX;

/// Why the guard refused a document, before the reader adds where.
#[derive(Debug)]
pub(super) struct Refusal {
    pub kind: XmlErrorKind,
    pub message: String,
}

impl Refusal {
    pub fn new(kind: XmlErrorKind, message: impl Into<String>) -> Refusal {
        Refusal {
            kind,
            message: message.into(),
        }
    }

    /// The refusal placed at byte `pos` of the document.
    pub fn at(self, xml: &str, pos: usize) -> XmlError {
        error_at(xml, pos, self.kind, self.message)
    }
}

/// An attribute as read: its name and its value, escapes undone.
pub(super) type Attribute<'a> = (Cow<'a, str>, Cow<'a, str>);

/// The document's state as far as the rules go.
pub(super) struct Guard<'a> {
    /// Open elements.
    depth: usize,
    /// Elements started so far.
    count: usize,
    scope: Scope,
    /// Every namespace declared, by index (what [`Guard::start`] returns).
    pub namespaces: Vec<Cow<'a, str>>,
}

impl<'a> Guard<'a> {
    pub fn new() -> Guard<'a> {
        Guard {
            depth: 0,
            count: 0,
            scope: Scope::default(),
            namespaces: Vec::new(),
        }
    }

    /// How many elements are open.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Reads a start tag's attributes into `out` (values unescaped), refusing
    /// more than [`MAX_ATTRIBUTES`] before quick-xml compares them all.
    pub fn attributes(
        &self,
        e: &BytesStart,
        text_of: &impl Fn(&[u8]) -> Cow<'a, str>,
        out: &mut Vec<Attribute<'a>>,
    ) -> Result<(), Refusal> {
        for (i, a) in e.attributes().enumerate() {
            if i == MAX_ATTRIBUTES {
                return Err(Refusal::new(
                    XmlErrorKind::TooManyAttributes,
                    format!("an element has more than {MAX_ATTRIBUTES} attributes"),
                ));
            }
            let a = a.map_err(|e| {
                Refusal::new(XmlErrorKind::Syntax, format!("a broken attribute: {e}"))
            })?;
            let key = text_of(a.key.as_ref());
            let value = unescape(text_of(&a.value))
                .map_err(|e| Refusal::new(XmlErrorKind::Syntax, format!("attribute {key}: {e}")))?;
            out.push((key, value));
        }
        Ok(())
    }

    /// A start tag (`empty`: also its end): its declarations in scope, the
    /// limits checked, its name's namespace ([`NONE`] for none) returned.
    pub fn start(
        &mut self,
        name: &str,
        attrs: &[Attribute<'a>],
        empty: bool,
    ) -> Result<u32, Refusal> {
        if self.depth == 0 && self.count > 0 {
            return Err(Refusal::new(
                XmlErrorKind::Structure,
                "a second root element follows the document",
            ));
        }
        self.count += 1;
        if self.count > MAX_ELEMENTS {
            return Err(Refusal::new(
                XmlErrorKind::TooManyElements,
                format!("more than {MAX_ELEMENTS} elements"),
            ));
        }
        self.scope.declare(attrs, &mut self.namespaces, self.depth);
        if self.scope.0.len() > MAX_NS_IN_SCOPE {
            return Err(Refusal::new(
                XmlErrorKind::TooManyNamespaces,
                format!("more than {MAX_NS_IN_SCOPE} namespace declarations are in scope"),
            ));
        }
        let ns = self.scope.resolve(name).map_err(|p| {
            Refusal::new(
                XmlErrorKind::UndeclaredPrefix,
                format!("the prefix {p} is not declared"),
            )
        })?;
        if empty {
            self.scope.leave(self.depth);
        } else {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(Refusal::new(
                    XmlErrorKind::TooDeep,
                    format!("elements nest deeper than {MAX_DEPTH} levels"),
                ));
            }
        }
        Ok(ns)
    }

    /// An end tag: the element's declarations leave scope.
    pub fn end(&mut self) -> Result<(), Refusal> {
        if self.depth == 0 {
            return Err(Refusal::new(
                XmlErrorKind::Structure,
                "an end tag without a start",
            ));
        }
        self.depth -= 1;
        self.scope.leave(self.depth);
        Ok(())
    }

    /// Text (`blank`: only XML's blanks, which may stand anywhere).
    pub fn text(&self, blank: bool) -> Result<(), Refusal> {
        if self.depth == 0 && !blank {
            return Err(outside_root());
        }
        Ok(())
    }

    /// A reference (`&name;`): its text, for the predefined entities and
    /// character references only.
    pub fn reference(&self, name: &str) -> Result<String, Refusal> {
        if self.depth == 0 {
            return Err(outside_root());
        }
        reference_text(name).map_err(|m| Refusal::new(XmlErrorKind::Entity, m))
    }

    /// A document type declaration: refused when it declares entities.
    pub fn doctype(&self, text: &[u8]) -> Result<(), Refusal> {
        if String::from_utf8_lossy(text).contains("<!ENTITY") {
            return Err(Refusal::new(
                XmlErrorKind::Entity,
                "documents that declare entities are refused",
            ));
        }
        Ok(())
    }

    /// The document ended: refused unless it held one root element, closed.
    /// The refusal's place is the end (`true`) or the start of the document.
    pub fn finish(&self) -> Result<(), (bool, Refusal)> {
        if self.depth > 0 {
            return Err((
                true,
                Refusal::new(
                    XmlErrorKind::Structure,
                    "the document ends inside an element",
                ),
            ));
        }
        if self.count == 0 {
            return Err((
                false,
                Refusal::new(XmlErrorKind::Structure, "the document has no root element"),
            ));
        }
        Ok(())
    }
}

fn outside_root() -> Refusal {
    Refusal::new(XmlErrorKind::Structure, "text outside the root element")
}

/// Namespace declarations in scope: (depth of the declaring element, prefix,
/// index in the guard's namespaces); the default one has an empty prefix.
#[derive(Default)]
struct Scope(Vec<(usize, Box<str>, u32)>);

impl Scope {
    /// Takes an element's `xmlns` attributes into scope at `depth`.
    fn declare<'a>(
        &mut self,
        attrs: &[Attribute<'a>],
        namespaces: &mut Vec<Cow<'a, str>>,
        depth: usize,
    ) {
        for (k, v) in attrs {
            let prefix = match k.as_ref() {
                "xmlns" => "",
                k => match k.strip_prefix("xmlns:") {
                    Some(p) => p,
                    None => continue,
                },
            };
            // An empty namespace (`xmlns=""`) is no namespace.
            let ns = if v.is_empty() {
                NONE
            } else {
                namespaces.push(v.clone());
                (namespaces.len() - 1) as u32
            };
            self.0.push((depth, prefix.into(), ns));
        }
    }

    /// The namespace of an element's name ([`NONE`] for none); `Err` with the
    /// prefix when it was never declared.
    fn resolve<'n>(&self, name: &'n str) -> Result<u32, &'n str> {
        let (prefix, _) = split_name(name);
        // Most names have no prefix: the default declaration, found by length.
        let found = if prefix.is_empty() {
            self.0.iter().rev().find(|(_, p, _)| p.is_empty())
        } else {
            self.0
                .iter()
                .rev()
                .find(|(_, p, _)| p.len() == prefix.len() && **p == *prefix)
        };
        match found {
            Some((_, _, ns)) => Ok(*ns),
            None if prefix.is_empty() || prefix == "xml" => Ok(NONE),
            None => Err(prefix),
        }
    }

    /// The element at `depth` ended: its declarations leave scope.
    fn leave(&mut self, depth: usize) {
        while self.0.last().is_some_and(|(d, _, _)| *d >= depth) {
            self.0.pop();
        }
    }
}

/// Undoes escapes; text without any stays borrowed.
pub(super) fn unescape(text: Cow<'_, str>) -> Result<Cow<'_, str>, quick_xml::escape::EscapeError> {
    match text {
        Cow::Borrowed(t) => quick_xml::escape::unescape(t),
        Cow::Owned(t) => Ok(Cow::Owned(quick_xml::escape::unescape(&t)?.into_owned())),
    }
}

/// The text of a reference: the five predefined entities and character
/// references; any other entity is refused (entities are never expanded).
fn reference_text(name: &str) -> Result<String, String> {
    let text = match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "apos" => "'",
        "quot" => "\"",
        n if n.starts_with('#') => {
            let code = match n.strip_prefix("#x").or_else(|| n.strip_prefix("#X")) {
                Some(h) => u32::from_str_radix(h, 16).ok(),
                None => n[1..].parse().ok(),
            };
            return code
                .and_then(xml_char)
                .map(String::from)
                .ok_or_else(|| format!("&{n}; is not a character"));
        }
        _ => {
            return Err(format!(
                "the entity &{name}; is not allowed (entities are not expanded)"
            ))
        }
    };
    Ok(text.to_string())
}

/// A character XML 1.0 allows (`Char` production), from a character reference.
fn xml_char(code: u32) -> Option<char> {
    let ok = matches!(code, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF);
    if ok {
        char::from_u32(code)
    } else {
        None
    }
}
