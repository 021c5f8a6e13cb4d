//! A small, safe XML tree for records: quick-xml underneath, no entity expansion,
//! no external fetches, limits on size, depth and element count, and errors that
//! say the line and column.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::borrow::Cow;

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

fn too_many_attributes() -> String {
    format!("an element has more than {MAX_ATTRIBUTES} attributes")
}

fn too_many_namespaces() -> String {
    format!("more than {MAX_NS_IN_SCOPE} namespace declarations are in scope")
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", location(*line, *column))]
pub struct XmlError {
    pub line: Option<usize>,
    pub column: Option<usize>,
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
    pub fn plain(message: impl Into<String>) -> XmlError {
        XmlError {
            line: None,
            column: None,
            message: message.into(),
        }
    }
}

/// A parsed document: every node in one vector, children linked by index,
/// attributes in one more. A tree of a `Vec` per element spent most of its
/// time in the allocator; here building costs a push per node.
/// Names and text borrow from the document where they can (no escapes to undo).
#[derive(Debug)]
pub struct Document<'a> {
    src: &'a str,
    nodes: Vec<Raw>,
    attrs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// The namespaces declared in the document, by index.
    namespaces: Vec<Cow<'a, str>>,
    /// Names and text that are not a piece of the document (escapes undone).
    owned: Vec<String>,
}

/// No node (an index that is never one).
const NONE: u32 = u32::MAX;
/// A [`Span`] whose `start` indexes [`Document::owned`].
const OWNED: u32 = 1 << 31;

/// Text of the document by position, or an owned string by index: nodes stay
/// small (32 bytes), and a small vector of nodes is what makes building fast.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    len: u32,
}

#[derive(Debug)]
struct Raw {
    /// An element's name as written (`ccr:Problem`), or a text node's text.
    text: Span,
    /// Where the local name starts in the name (after the prefix).
    local: u16,
    is_text: bool,
    attrs_len: u8,
    attrs_start: u32,
    /// The namespace's index in [`Document::namespaces`], or [`NONE`].
    ns: u32,
    first_child: u32,
    next: u32,
    /// The byte offset of the start tag (lines are counted only when asked for).
    pos: u32,
}

impl<'a> Document<'a> {
    /// The root element (the first node).
    pub fn root(&self) -> Element<'_> {
        Element { doc: self, id: 0 }
    }

    fn str(&self, s: Span) -> &str {
        if s.len & OWNED != 0 {
            &self.owned[s.start as usize]
        } else {
            &self.src[s.start as usize..(s.start + s.len) as usize]
        }
    }

    /// A span for text borrowed from the document or owned.
    fn span(&mut self, text: Cow<'a, str>) -> Span {
        if let Cow::Borrowed(t) = &text {
            if let Some(start) = offset_in(self.src, t.as_bytes()) {
                return Span {
                    start: start as u32,
                    len: t.len() as u32,
                };
            }
        }
        self.owned.push(text.into_owned());
        Span {
            start: (self.owned.len() - 1) as u32,
            len: OWNED,
        }
    }
}

/// A node of the tree: an element or a piece of its text.
#[derive(Debug, Clone, Copy)]
pub enum Node<'d> {
    Element(Element<'d>),
    Text(&'d str),
}

/// An element of a [`Document`] (a handle: copying it is free).
#[derive(Clone, Copy)]
pub struct Element<'d> {
    doc: &'d Document<'d>,
    id: u32,
}

impl std::fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<{}> at line {}", self.name(), self.line())
    }
}

impl<'d> Element<'d> {
    fn raw(self) -> &'d Raw {
        &self.doc.nodes[self.id as usize]
    }

    /// The name as written, prefix included (`ccr:Problem`).
    pub fn name(self) -> &'d str {
        self.doc.str(self.raw().text)
    }

    /// The local name (`Problem`).
    pub fn local(self) -> &'d str {
        &self.name()[self.raw().local as usize..]
    }

    /// The namespace the name resolves to, if any.
    pub fn namespace(self) -> Option<&'d str> {
        let ns = self.raw().ns;
        (ns != NONE).then(|| self.doc.namespaces[ns as usize].as_ref())
    }

    /// The line of its start tag.
    pub fn line(self) -> usize {
        line_col(self.doc.src.as_bytes(), self.raw().pos as usize).0
    }

    /// Attributes as written, values unescaped.
    pub fn attrs(self) -> &'d [(Cow<'d, str>, Cow<'d, str>)] {
        let raw = self.raw();
        let start = raw.attrs_start as usize;
        &self.doc.attrs[start..start + raw.attrs_len as usize]
    }

    pub fn attr(self, name: &str) -> Option<&'d str> {
        self.attrs()
            .iter()
            .find(|(k, _)| k == name || k.rsplit(':').next() == Some(name))
            .map(|(_, v)| v.as_ref())
    }

    /// Its children, elements and text, in order.
    pub fn nodes(self) -> impl Iterator<Item = Node<'d>> + 'd {
        let doc = self.doc;
        let mut next = self.raw().first_child;
        std::iter::from_fn(move || {
            if next == NONE {
                return None;
            }
            let id = next;
            let raw = &doc.nodes[id as usize];
            next = raw.next;
            Some(if raw.is_text {
                Node::Text(doc.str(raw.text))
            } else {
                Node::Element(Element { doc, id })
            })
        })
    }

    /// The same element of the same document.
    pub fn same(self, other: Element) -> bool {
        self.id == other.id && std::ptr::eq(self.doc, other.doc)
    }

    pub fn has_children(self) -> bool {
        self.raw().first_child != NONE
    }

    pub fn elements(self) -> impl Iterator<Item = Element<'d>> + 'd {
        self.nodes().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element with this local name.
    pub fn child(self, local: &str) -> Option<Element<'d>> {
        self.elements().find(|e| e.local() == local)
    }

    pub fn children_named<'s>(self, local: &'s str) -> impl Iterator<Item = Element<'d>> + 's
    where
        'd: 's,
    {
        self.elements().filter(move |e| e.local() == local)
    }

    /// Follows a path of local names through first children.
    pub fn path(self, path: &[&str]) -> Option<Element<'d>> {
        path.iter().try_fold(self, |e, p| e.child(p))
    }

    /// The element's own text, trimmed; `None` when empty.
    pub fn text(self) -> Option<String> {
        let mut texts = self.nodes().filter_map(|n| match n {
            Node::Text(t) => Some(t),
            Node::Element(_) => None,
        });
        // Most elements hold one piece of text: no joining needed.
        let first = texts.next()?;
        let t = match texts.next() {
            None => Cow::Borrowed(first),
            Some(second) => {
                let mut all = format!("{first}{second}");
                all.extend(texts);
                Cow::Owned(all)
            }
        };
        let t = t.trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    /// The text at a path below this element.
    pub fn text_at(self, path: &[&str]) -> Option<String> {
        self.path(path).and_then(|e| e.text())
    }

    /// Every descendant (depth first) with this local name.
    pub fn descendants(self, local: &str) -> Vec<Element<'d>> {
        let mut out = Vec::new();
        let mut stack: Vec<Element<'d>> = vec![self];
        while let Some(e) = stack.pop() {
            let at = stack.len();
            stack.extend(e.elements());
            stack[at..].reverse();
            if e.id != self.id && e.local() == local {
                out.push(e);
            }
        }
        out
    }
}

/// Decodes a document's bytes: UTF-8 (with or without BOM), UTF-16 with a BOM,
/// or ISO-8859-1 / Windows-1252 when the XML declaration says so.
pub fn decode(bytes: &[u8]) -> Result<String, XmlError> {
    decode_borrowed(bytes).map(Cow::into_owned)
}

/// [`decode`] without copying a UTF-8 document (the reader's case).
pub fn decode_borrowed(bytes: &[u8]) -> Result<Cow<'_, str>, XmlError> {
    if bytes.len() > MAX_SIZE {
        return Err(XmlError::plain(format!(
            "the document is larger than {} MiB",
            MAX_SIZE >> 20
        )));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(rest).map(Cow::Borrowed);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let le = bytes[0] == 0xFF;
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| {
                let pair = [c[0], *c.get(1).unwrap_or(&0)];
                if le {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                }
            })
            .collect();
        return String::from_utf16(&units)
            .map(Cow::Owned)
            .map_err(|_| XmlError::plain("the UTF-16 text is broken"));
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_ascii_lowercase();
    let declared = head
        .find("encoding=")
        .map(|i| &head[i + 9..])
        .and_then(|s| {
            let q = s.chars().next().filter(|q| *q == '"' || *q == '\'')?;
            s[1..].split(q).next().map(str::to_string)
        });
    match declared.as_deref() {
        Some("iso-8859-1" | "latin1" | "latin-1" | "iso8859-1" | "windows-1252" | "cp1252") => {
            // ASCII is the same in both; most such files are all ASCII.
            if bytes.is_ascii() {
                return utf8(bytes).map(Cow::Borrowed);
            }
            let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
            text.extend(bytes.iter().map(|&b| b as char));
            Ok(Cow::Owned(text))
        }
        _ => utf8(bytes).map(Cow::Borrowed),
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, XmlError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let pos = e.valid_up_to();
        let (line, column) = line_col(bytes, pos);
        XmlError {
            line: Some(line),
            column: Some(column),
            message: "the text is not UTF-8 and the XML declaration names no other encoding".into(),
        }
    })
}

/// An error at a byte position of the document.
fn error_at(xml: &str, pos: usize, message: String) -> XmlError {
    let (line, column) = line_col(xml.as_bytes(), pos);
    XmlError {
        line: Some(line),
        column: Some(column),
        message,
    }
}

fn check_size(len: usize) -> Result<(), XmlError> {
    if len > MAX_SIZE {
        return Err(XmlError::plain(format!(
            "the document is larger than {} MiB",
            MAX_SIZE >> 20
        )));
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

/// Namespace declarations in scope while a tree is built: (depth of the
/// declaring element, prefix, index in the document's namespaces); the default
/// one has an empty prefix.
#[derive(Default)]
struct Scope(Vec<(usize, Box<str>, u32)>);

impl Scope {
    /// Takes an element's `xmlns` attributes into scope at `depth`.
    fn declare<'a>(
        &mut self,
        attrs: &[(Cow<'a, str>, Cow<'a, str>)],
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

/// Builds a [`Document`]: nodes are pushed in document order and linked to
/// their parent's last child.
struct Builder<'a> {
    doc: Document<'a>,
    /// Open elements: (node, its last child so far).
    open: Vec<(u32, u32)>,
    scope: Scope,
}

impl<'a> Builder<'a> {
    /// Adds a node below the innermost open element (or as the root).
    fn push(&mut self, raw: Raw) -> u32 {
        let id = self.doc.nodes.len() as u32;
        if let Some((parent, last)) = self.open.last_mut() {
            if *last == NONE {
                self.doc.nodes[*parent as usize].first_child = id;
            } else {
                self.doc.nodes[*last as usize].next = id;
            }
            *last = id;
        }
        self.doc.nodes.push(raw);
        id
    }

    fn text(&mut self, text: Cow<'a, str>) {
        let text = self.doc.span(text);
        self.push(Raw {
            text,
            is_text: true,
            local: 0,
            ns: NONE,
            attrs_start: 0,
            attrs_len: 0,
            first_child: NONE,
            next: NONE,
            pos: 0,
        });
    }

    /// An element's start tag: its attributes kept, its declarations in scope,
    /// its name resolved.
    fn element(
        &mut self,
        e: &BytesStart,
        text_of: &impl Fn(&[u8]) -> Cow<'a, str>,
        pos: usize,
    ) -> Result<u32, String> {
        let name = text_of(e.name().as_ref());
        let local = u16::try_from(name.len() - split_name(&name).1.len())
            .map_err(|_| "a name's prefix is longer than 65535 bytes".to_string())?;
        let first = self.doc.attrs.len();
        for (i, a) in e.attributes().enumerate() {
            if i == MAX_ATTRIBUTES {
                return Err(too_many_attributes());
            }
            let a = a.map_err(|e| format!("a broken attribute: {e}"))?;
            let key = text_of(a.key.as_ref());
            let value = unescape(text_of(&a.value)).map_err(|e| format!("attribute {key}: {e}"))?;
            self.doc.attrs.push((key, value));
        }
        let depth = self.open.len();
        self.scope
            .declare(&self.doc.attrs[first..], &mut self.doc.namespaces, depth);
        if self.scope.0.len() > MAX_NS_IN_SCOPE {
            return Err(too_many_namespaces());
        }
        let ns = self
            .scope
            .resolve(&name)
            .map_err(|p| format!("the prefix {p} is not declared"))?;
        let text = self.doc.span(name);
        Ok(self.push(Raw {
            text,
            is_text: false,
            local,
            ns,
            attrs_start: first as u32,
            // At most MAX_ATTRIBUTES (checked above).
            attrs_len: (self.doc.attrs.len() - first) as u8,
            first_child: NONE,
            next: NONE,
            pos: pos as u32,
        }))
    }
}

/// Parses a whole document.
///
/// Namespaces are followed by [`Scope`] over quick-xml's plain reader rather
/// than its `NsReader`, which resolves every name and attribute in full.
pub fn parse(xml: &str) -> Result<Document<'_>, XmlError> {
    let at = |pos: usize, message: String| error_at(xml, pos, message);
    check_size(xml.len())?;
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    // Bytes of an event as text borrowed from the document (quick-xml hands
    // out slices of it), or owned when they are not a piece of it.
    let text_of = |bytes: &[u8]| -> Cow<'_, str> {
        match borrowed(xml, bytes) {
            Some(t) => Cow::Borrowed(t),
            None => Cow::Owned(String::from_utf8_lossy(bytes).into_owned()),
        }
    };
    let mut b = Builder {
        doc: Document {
            src: xml,
            // The samples run at one node per 16 to 40 bytes. Reserving for
            // 40 keeps a small record to one allocation; reserving for 16 was
            // slower (large blocks go through mmap and are faulted in).
            nodes: Vec::with_capacity(xml.len() / 40 + 8),
            attrs: Vec::with_capacity(xml.len() / 400 + 4),
            namespaces: Vec::new(),
            owned: Vec::new(),
        },
        open: Vec::new(),
        scope: Scope::default(),
    };
    let mut ended = false;
    let mut count = 0usize;
    loop {
        let start = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                let msg = format!("not well-formed XML: {e}");
                return Err(at(reader.error_position() as usize, msg));
            }
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if ended {
                    return Err(at(
                        start,
                        "a second root element follows the document".into(),
                    ));
                }
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(at(start, format!("more than {MAX_ELEMENTS} elements")));
                }
                let id = b.element(e, &text_of, start).map_err(|m| at(start, m))?;
                if matches!(event, Event::Empty(_)) {
                    b.scope.leave(b.open.len());
                    ended = b.open.is_empty();
                } else {
                    b.open.push((id, NONE));
                    if b.open.len() > MAX_DEPTH {
                        return Err(at(
                            start,
                            format!("elements nest deeper than {MAX_DEPTH} levels"),
                        ));
                    }
                }
            }
            Event::End(_) => {
                b.open
                    .pop()
                    .ok_or_else(|| at(start, "an end tag without a start".into()))?;
                b.scope.leave(b.open.len());
                ended = b.open.is_empty();
            }
            Event::Text(t) => {
                let text = unescape(text_of(t.as_ref()))
                    .map_err(|e| at(start, format!("unknown character reference: {e}")))?;
                // Records carry no meaning in the blanks between elements.
                if is_blank(&text) {
                    continue;
                }
                if b.open.is_empty() {
                    return Err(at(start, "text outside the root element".into()));
                }
                b.text(text);
            }
            Event::CData(c) if !b.open.is_empty() => b.text(text_of(c.as_ref())),
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(r.as_ref()).into_owned();
                let text = reference_text(&name).map_err(|m| at(start, m))?;
                if b.open.is_empty() {
                    return Err(at(start, "text outside the root element".into()));
                }
                b.text(Cow::Owned(text));
            }
            Event::DocType(d) if String::from_utf8_lossy(d.as_ref()).contains("<!ENTITY") => {
                return Err(at(
                    start,
                    "documents that declare entities are refused".into(),
                ));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some((open, _)) = b.open.last() {
        return Err(at(
            xml.len(),
            format!(
                "the document ends inside the element {}",
                Element {
                    doc: &b.doc,
                    id: *open
                }
                .name()
            ),
        ));
    }
    if b.doc.nodes.is_empty() {
        return Err(at(0, "the document has no root element".into()));
    }
    Ok(b.doc)
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

/// Undoes escapes; text without any stays borrowed.
fn unescape(text: Cow<'_, str>) -> Result<Cow<'_, str>, quick_xml::escape::EscapeError> {
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

/// Escapes text for element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 cannot carry are dropped rather than written broken.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes an element back as XML, leaving out the children `keep(parent,
/// child)` refuses (the minimum-necessary filter).
pub fn write(e: Element, out: &mut String, keep: &impl Fn(Element, Element) -> bool) {
    out.push('<');
    out.push_str(e.name());
    for (k, v) in e.attrs() {
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        out.push_str(&escape(v));
        out.push('"');
    }
    if !e.has_children() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    for c in e.nodes() {
        match c {
            Node::Element(c) if keep(e, c) => write(c, out, keep),
            Node::Element(_) => {}
            Node::Text(t) => out.push_str(&escape(t)),
        }
    }
    out.push_str("</");
    out.push_str(e.name());
    out.push('>');
}

/// Checks that a document is well-formed, within the limits, without entities,
/// and returns its root's local name and namespace, without building a tree
/// (what a gateway needs for every stage, at a fraction of [`parse`]'s cost).
///
/// Namespaces are followed by hand rather than with quick-xml's `NsReader`,
/// which resolves every name: here only declarations and prefixed element
/// names need looking at, and this check runs for every stage.
pub fn check_wellformed(xml: &str) -> Result<(String, Option<String>), XmlError> {
    let at = |pos: usize, message: String| error_at(xml, pos, message);
    check_size(xml.len())?;
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    // Blanks between elements are never looked at here: quick-xml skips them
    // instead of handing each over as an event (text is only checked for
    // standing outside the root, which trimming keeps).
    reader.config_mut().trim_text(true);
    let mut depth = 0usize;
    let mut count = 0usize;
    let mut root: Option<(String, Option<String>)> = None;
    // Namespace declarations in scope: (depth of the declaring element, prefix,
    // namespace); the default namespace has an empty prefix.
    let mut scope: Vec<(usize, Vec<u8>, String)> = Vec::new();
    // An element at `depth` ends: its declarations go out of scope.
    let leave = |scope: &mut Vec<(usize, Vec<u8>, String)>, depth: usize| {
        while scope.last().is_some_and(|(d, _, _)| *d >= depth) {
            scope.pop();
        }
    };
    loop {
        let start = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                let msg = format!("not well-formed XML: {e}");
                return Err(at(reader.error_position() as usize, msg));
            }
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                for (i, a) in e.attributes().enumerate() {
                    if i == MAX_ATTRIBUTES {
                        return Err(at(start, too_many_attributes()));
                    }
                    let a = a.map_err(|err| at(start, format!("a broken attribute: {err}")))?;
                    let prefix = match a.key.as_ref() {
                        b"xmlns" => Some(&b""[..]),
                        k => k.strip_prefix(b"xmlns:"),
                    };
                    if let Some(prefix) = prefix {
                        let raw = String::from_utf8_lossy(&a.value);
                        let uri = quick_xml::escape::unescape(&raw)
                            .map_err(|err| at(start, format!("a broken attribute: {err}")))?
                            .into_owned();
                        scope.push((depth, prefix.to_vec(), uri));
                        if scope.len() > MAX_NS_IN_SCOPE {
                            return Err(at(start, too_many_namespaces()));
                        }
                    }
                }
                let (local, prefix) = e.name().decompose();
                let prefix = prefix.as_ref().map_or(&b""[..], |p| p.as_ref());
                // Only the root's namespace is reported and only prefixes must be
                // declared: an unprefixed element below the root needs no lookup.
                let namespace = if depth == 0 || !prefix.is_empty() {
                    scope
                        .iter()
                        .rev()
                        .find(|(_, p, _)| p.len() == prefix.len() && p.as_slice() == prefix)
                        .map(|(_, _, uri)| uri.as_str())
                        .filter(|uri| !uri.is_empty())
                } else {
                    None
                };
                if namespace.is_none() && !prefix.is_empty() && prefix != b"xml" {
                    return Err(at(
                        start,
                        format!(
                            "the prefix {} is not declared",
                            String::from_utf8_lossy(prefix)
                        ),
                    ));
                }
                if depth == 0 {
                    if root.is_some() {
                        return Err(at(
                            start,
                            "a second root element follows the document".into(),
                        ));
                    }
                    let local = String::from_utf8_lossy(local.as_ref()).into_owned();
                    root = Some((local, namespace.map(str::to_string)));
                }
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(at(start, format!("more than {MAX_ELEMENTS} elements")));
                }
                if empty {
                    leave(&mut scope, depth);
                } else {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(at(
                            start,
                            format!("elements nest deeper than {MAX_DEPTH} levels"),
                        ));
                    }
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                leave(&mut scope, depth);
            }
            Event::Text(t) if depth == 0 && !t.as_ref().iter().all(u8::is_ascii_whitespace) => {
                return Err(at(start, "text outside the root element".into()));
            }
            Event::GeneralRef(_) if depth == 0 => {
                return Err(at(start, "text outside the root element".into()));
            }
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(r.as_ref()).into_owned();
                reference_text(&name).map_err(|m| at(start, m))?;
            }
            Event::DocType(d) if String::from_utf8_lossy(d.as_ref()).contains("<!ENTITY") => {
                return Err(at(
                    start,
                    "documents that declare entities are refused".into(),
                ));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if depth > 0 {
        return Err(at(xml.len(), "the document ends inside an element".into()));
    }
    root.ok_or_else(|| at(0, "the document has no root element".into()))
}
