//! The check a gateway runs on every stage: the same guard as [`super::parse`]
//! over the same events, without building a tree, and the root's name,
//! namespace and line.

use super::guard::{Guard, NONE};
use super::{line_col, reader, split_name, syntax_error, text_of, XmlError};
use quick_xml::events::Event;

/// XML's blanks, which trimming skips.
const BLANKS: &[char] = &[' ', '\t', '\r', '\n'];

/// The root element of a document that passed [`check_wellformed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    pub local: String,
    pub namespace: Option<String>,
    /// The line its start tag is on.
    pub line: usize,
}

/// Checks that a document is well-formed, within the limits, without
/// entities, and returns its root, without building a tree (at a fraction
/// of [`super::parse`]'s cost).
pub fn check_wellformed(xml: &str) -> Result<Root, XmlError> {
    super::check_size(xml.len())?;
    let mut reader = reader(xml);
    // Blanks between elements are never looked at here: quick-xml skips them
    // instead of handing each over as an event (text is only checked for
    // standing outside the root, which trimming keeps).
    reader.config_mut().trim_text(true);
    let text_of = |bytes: &[u8]| text_of(xml, bytes);
    let mut guard = Guard::new();
    let mut attrs = Vec::new();
    let mut root = None;
    loop {
        // Trimming skips the blanks before an event: it starts after them.
        let at = reader.buffer_position() as usize;
        let start = at + xml[at..].len() - xml[at..].trim_start_matches(BLANKS).len();
        let event = reader
            .read_event()
            .map_err(|e| syntax_error(xml, &reader, e))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let is_root = guard.depth() == 0;
                attrs.clear();
                guard
                    .attributes(e, &text_of, &mut attrs)
                    .map_err(|r| r.at(xml, start))?;
                let name = text_of(e.name().as_ref());
                let ns = guard
                    .start(&name, &attrs, empty)
                    .map_err(|r| r.at(xml, start))?;
                if is_root {
                    root = Some(Root {
                        local: split_name(&name).1.to_string(),
                        namespace: (ns != NONE).then(|| guard.namespaces[ns as usize].to_string()),
                        line: line_col(xml.as_bytes(), start).0,
                    });
                }
            }
            Event::End(_) => guard.end().map_err(|r| r.at(xml, start))?,
            Event::Text(t) => guard
                .text(t.as_ref().iter().all(u8::is_ascii_whitespace))
                .map_err(|r| r.at(xml, start))?,
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(r.as_ref()).into_owned();
                guard.reference(&name).map_err(|r| r.at(xml, start))?;
            }
            Event::DocType(d) => guard.doctype(d.as_ref()).map_err(|r| r.at(xml, start))?,
            Event::Eof => break,
            _ => {}
        }
    }
    guard
        .finish()
        .map_err(|(end, r)| r.at(xml, if end { xml.len() } else { 0 }))?;
    // The guard refused a document without a root.
    root.ok_or_else(|| super::XmlError::new(super::XmlErrorKind::Structure, "no root element"))
}
