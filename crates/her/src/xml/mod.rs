//! A small, safe XML tree for records: quick-xml underneath, no entity
//! expansion, no external fetches, limits on size, depth, element count,
//! attributes and namespaces, and errors that say the line and column.
//!
//! Two readers share one guard ([`guard`]): [`parse`] builds a tree
//! ([`tree`]), [`check_wellformed`] only checks ([`check`], what a gateway
//! runs on every stage). Whatever one refuses, the other refuses alike.

mod check;
mod decode;
mod guard;
mod tree;
mod write;

pub use check::{check_wellformed, Root};
pub use decode::{decode, decode_borrowed};
pub use tree::{parse, Document, Element, Node};
pub use write::{escape, write};

/// Deepest element nesting accepted.
pub const MAX_DEPTH: usize = 256;
/// Largest document accepted (bytes).
pub const MAX_SIZE: usize = 64 * 1024 * 1024;
/// Most elements in one document.
pub const MAX_ELEMENTS: usize = 2_000_000;
/// Most attributes on one element. quick-xml checks each attribute against
/// every earlier one of its element (duplicates are not well-formed), so one
/// element with 200,000 attributes held a gateway worker for over 20 seconds;
/// records carry a handful.
pub const MAX_ATTRIBUTES: usize = 64;
/// Most namespace declarations in scope at once (each name is resolved by
/// searching them).
pub const MAX_NS_IN_SCOPE: usize = 256;

/// What kind of problem a document has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum XmlErrorKind {
    /// The bytes are not text in an encoding the document names.
    Encoding,
    /// Not well-formed XML (a broken tag, a mismatched end tag, a broken
    /// attribute or character reference).
    Syntax,
    /// Larger than [`MAX_SIZE`].
    TooLarge,
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// More than [`MAX_ELEMENTS`] elements.
    TooManyElements,
    /// An element with more than [`MAX_ATTRIBUTES`] attributes.
    TooManyAttributes,
    /// More than [`MAX_NS_IN_SCOPE`] namespace declarations in scope.
    TooManyNamespaces,
    /// A prefix used but never declared.
    UndeclaredPrefix,
    /// Not one root element: none, a second one, text outside it, or the
    /// document ends inside it.
    Structure,
    /// An entity declared or referenced (entities are never expanded).
    Entity,
    /// Well-formed XML that is not the record expected (its root, its
    /// namespace, an element the record needs).
    Record,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", location(*line, *column))]
pub struct XmlError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub kind: XmlErrorKind,
    pub message: String,
}

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("line {l}, column {c}: "),
        (Some(l), None) => format!("line {l}: "),
        _ => String::new(),
    }
}

impl XmlError {
    /// A problem of the whole document, at no one place.
    pub fn new(kind: XmlErrorKind, message: impl Into<String>) -> XmlError {
        XmlError {
            line: None,
            column: None,
            kind,
            message: message.into(),
        }
    }

    /// A problem of the record (not of its XML) at `line`.
    pub fn record(line: usize, message: impl Into<String>) -> XmlError {
        XmlError {
            line: Some(line),
            column: None,
            kind: XmlErrorKind::Record,
            message: message.into(),
        }
    }
}

/// An error at a byte position of the document.
fn error_at(xml: &str, pos: usize, kind: XmlErrorKind, message: String) -> XmlError {
    let (line, column) = line_col(xml.as_bytes(), pos);
    XmlError {
        line: Some(line),
        column: Some(column),
        kind,
        message,
    }
}

fn check_size(len: usize) -> Result<(), XmlError> {
    if len > MAX_SIZE {
        return Err(XmlError::new(
            XmlErrorKind::TooLarge,
            format!("the document is larger than {} MiB", MAX_SIZE >> 20),
        ));
    }
    Ok(())
}

fn line_col(bytes: &[u8], pos: usize) -> (usize, usize) {
    let pos = pos.min(bytes.len());
    let before = &bytes[..pos];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = pos
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    (line, col)
}

/// A quick-xml reader over a document, with end names checked.
fn reader(xml: &str) -> quick_xml::Reader<&[u8]> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    reader
}

/// A quick-xml error at the reader's error position.
fn syntax_error(xml: &str, reader: &quick_xml::Reader<&[u8]>, e: quick_xml::Error) -> XmlError {
    error_at(
        xml,
        reader.error_position() as usize,
        XmlErrorKind::Syntax,
        format!("not well-formed XML: {e}"),
    )
}

/// `bytes` as a slice of `xml`, when that is where they are.
fn borrowed<'a>(xml: &'a str, bytes: &[u8]) -> Option<&'a str> {
    let start = offset_in(xml, bytes)?;
    xml.get(start..start + bytes.len())
}

/// Where `bytes` start in `xml`, when they are a piece of it.
fn offset_in(xml: &str, bytes: &[u8]) -> Option<usize> {
    let start = (bytes.as_ptr() as usize).checked_sub(xml.as_ptr() as usize)?;
    (start.checked_add(bytes.len())? <= xml.len()).then_some(start)
}

/// Bytes of an event as text borrowed from the document (quick-xml hands out
/// slices of it), or owned when they are not a piece of it.
fn text_of<'a>(xml: &'a str, bytes: &[u8]) -> std::borrow::Cow<'a, str> {
    match borrowed(xml, bytes) {
        Some(t) => std::borrow::Cow::Borrowed(t),
        None => std::borrow::Cow::Owned(String::from_utf8_lossy(bytes).into_owned()),
    }
}

/// `(prefix, local)` of a name (`ccr:Problem`); the prefix is empty when
/// there is none. Names are short: a byte loop beats a searcher's set-up.
fn split_name(name: &str) -> (&str, &str) {
    match name.bytes().position(|b| b == b':') {
        Some(i) => (&name[..i], &name[i + 1..]),
        None => ("", name),
    }
}

/// XML's blanks (space, tab, CR, LF) and nothing else.
fn is_blank(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}
