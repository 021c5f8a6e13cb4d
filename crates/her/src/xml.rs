//! A small, safe XML tree for records: quick-xml underneath, no entity expansion,
//! no external fetches, limits on size, depth and element count, and errors that
//! say the line and column.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::borrow::Cow;
use std::sync::Arc;

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

/// A node of the tree. Names and text borrow from the document where they
/// can (no escapes to undo), so building a tree allocates little.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node<'a> {
    Element(Element<'a>),
    Text(Cow<'a, str>),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element<'a> {
    /// The name as written, prefix included (`ccr:Problem`).
    pub name: Cow<'a, str>,
    /// The local name (`Problem`).
    pub local: Cow<'a, str>,
    /// The namespace the name resolves to, if any (shared between elements).
    pub namespace: Option<Arc<str>>,
    /// Attributes as written, values unescaped.
    pub attrs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    pub children: Vec<Node<'a>>,
    pub line: usize,
}

impl<'a> Element<'a> {
    pub fn elements(&self) -> impl Iterator<Item = &Element<'a>> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element with this local name.
    pub fn child(&self, local: &str) -> Option<&Element<'a>> {
        self.elements().find(|e| e.local == local)
    }

    pub fn children_named<'s>(
        &'s self,
        local: &'s str,
    ) -> impl Iterator<Item = &'s Element<'a>> + 's {
        self.elements().filter(move |e| e.local == local)
    }

    /// Follows a path of local names through first children.
    pub fn path(&self, path: &[&str]) -> Option<&Element<'a>> {
        path.iter().try_fold(self, |e, p| e.child(p))
    }

    /// The element's own text, trimmed; `None` when empty.
    pub fn text(&self) -> Option<String> {
        let mut texts = self.children.iter().filter_map(|n| match n {
            Node::Text(t) => Some(t.as_ref()),
            Node::Element(_) => None,
        });
        // Most elements hold one piece of text: no joining needed.
        let first = texts.next()?;
        let t = match texts.next() {
            None => std::borrow::Cow::Borrowed(first),
            Some(second) => {
                let mut all = format!("{first}{second}");
                all.extend(texts);
                std::borrow::Cow::Owned(all)
            }
        };
        let t = t.trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    /// The text at a path below this element.
    pub fn text_at(&self, path: &[&str]) -> Option<String> {
        self.path(path).and_then(Element::text)
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name || k.rsplit(':').next() == Some(name))
            .map(|(_, v)| v.as_ref())
    }

    /// Every descendant (depth first) with this local name.
    pub fn descendants<'s>(&'s self, local: &'s str) -> Vec<&'s Element<'a>> {
        let mut out = Vec::new();
        let mut stack: Vec<&Element<'a>> = vec![self];
        while let Some(e) = stack.pop() {
            for c in e.elements().collect::<Vec<_>>().into_iter().rev() {
                stack.push(c);
            }
            if e.local == local && !std::ptr::eq(e, self) {
                out.push(e);
            }
        }
        out
    }
}

/// Decodes a document's bytes: UTF-8 (with or without BOM), UTF-16 with a BOM,
/// or ISO-8859-1 / Windows-1252 when the XML declaration says so.
pub fn decode(bytes: &[u8]) -> Result<String, XmlError> {
    if bytes.len() > MAX_SIZE {
        return Err(XmlError::plain(format!(
            "the document is larger than {} MiB",
            MAX_SIZE >> 20
        )));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(rest);
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
            Ok(bytes.iter().map(|&b| b as char).collect())
        }
        _ => utf8(bytes),
    }
}

fn utf8(bytes: &[u8]) -> Result<String, XmlError> {
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        let pos = e.utf8_error().valid_up_to();
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
/// declaring element, prefix, namespace); the default one has an empty prefix.
#[derive(Default)]
struct Scope(Vec<(usize, Box<str>, Arc<str>)>);

impl Scope {
    /// Takes an element's `xmlns` attributes into scope at `depth`.
    fn declare(&mut self, el: &Element, depth: usize) {
        for (k, v) in &el.attrs {
            let prefix = match k.as_ref() {
                "xmlns" => "",
                k => match k.strip_prefix("xmlns:") {
                    Some(p) => p,
                    None => continue,
                },
            };
            self.0.push((depth, prefix.into(), Arc::from(v.as_ref())));
        }
    }

    /// The namespace of an element's name; `Err` with the prefix when it was
    /// never declared. An empty namespace (`xmlns=""`) is no namespace.
    fn resolve<'a>(&self, name: &'a str) -> Result<Option<Arc<str>>, &'a str> {
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
            Some((_, _, uri)) if uri.is_empty() => Ok(None),
            Some((_, _, uri)) => Ok(Some(uri.clone())),
            None if prefix.is_empty() || prefix == "xml" => Ok(None),
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

/// Parses a whole document into its root element.
///
/// Namespaces are followed by [`Scope`] over quick-xml's plain reader rather
/// than its `NsReader`, which resolves every name and attribute in full.
pub fn parse(xml: &str) -> Result<Element<'_>, XmlError> {
    let at = |pos: usize, message: String| error_at(xml, pos, message);
    check_size(xml.len())?;
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    // Bytes of an event as text borrowed from the document (quick-xml hands
    // out slices of it), or owned when they are not a piece of it.
    let text_of = |bytes: &[u8]| -> Cow<'_, str> {
        match borrowed(xml, bytes) {
            Some(t) => Cow::Borrowed(t),
            None => Cow::Owned(String::from_utf8_lossy(bytes).into_owned()),
        }
    };
    let mut count = 0usize;
    let mut lines = Lines {
        text: xml.as_bytes(),
        pos: 0,
        line: 1,
    };
    let mut scope = Scope::default();
    // An element just opened: its declarations in scope, its name resolved.
    let enter = |el: &mut Element, scope: &mut Scope, depth: usize| -> Result<(), String> {
        scope.declare(el, depth);
        if scope.0.len() > MAX_NS_IN_SCOPE {
            return Err(too_many_namespaces());
        }
        el.namespace = scope
            .resolve(&el.name)
            .map_err(|p| format!("the prefix {p} is not declared"))?;
        Ok(())
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
            Event::Start(ref e) => {
                let mut el = open(e, &text_of, &mut lines, start).map_err(|m| at(start, m))?;
                if root.is_some() && stack.is_empty() {
                    return Err(at(
                        start,
                        "a second root element follows the document".into(),
                    ));
                }
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(at(start, format!("more than {MAX_ELEMENTS} elements")));
                }
                enter(&mut el, &mut scope, stack.len()).map_err(|m| at(start, m))?;
                stack.push(el);
                if stack.len() > MAX_DEPTH {
                    return Err(at(
                        start,
                        format!("elements nest deeper than {MAX_DEPTH} levels"),
                    ));
                }
            }
            Event::Empty(ref e) => {
                let mut el = open(e, &text_of, &mut lines, start).map_err(|m| at(start, m))?;
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(at(start, format!("more than {MAX_ELEMENTS} elements")));
                }
                enter(&mut el, &mut scope, stack.len()).map_err(|m| at(start, m))?;
                scope.leave(stack.len());
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(el)),
                    None if root.is_none() => root = Some(el),
                    None => {
                        return Err(at(
                            start,
                            "a second root element follows the document".into(),
                        ))
                    }
                }
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| at(start, "an end tag without a start".into()))?;
                scope.leave(stack.len());
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(el)),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                let text = unescape(text_of(t.as_ref()))
                    .map_err(|e| at(start, format!("unknown character reference: {e}")))?;
                match stack.last_mut() {
                    // Records carry no meaning in the blanks between elements.
                    Some(_) if is_blank(&text) => {}
                    Some(parent) => parent.children.push(Node::Text(text)),
                    None if is_blank(&text) => {}
                    None => return Err(at(start, "text outside the root element".into())),
                }
            }
            Event::CData(c) => {
                let text = text_of(c.as_ref());
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(Node::Text(text));
                }
            }
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(r.as_ref()).into_owned();
                let text = reference_text(&name).map_err(|m| at(start, m))?;
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(Node::Text(Cow::Owned(text)));
                }
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
    if let Some(open) = stack.last() {
        return Err(at(
            xml.len(),
            format!("the document ends inside the element {}", open.name),
        ));
    }
    root.ok_or_else(|| at(0, "the document has no root element".into()))
}

/// Counts lines as the reader moves forward, so that each element's line costs
/// only the bytes since the previous one.
struct Lines<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
}

impl Lines<'_> {
    fn at(&mut self, pos: usize) -> usize {
        let pos = pos.min(self.text.len());
        if pos > self.pos {
            self.line += self.text[self.pos..pos]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.pos = pos;
        }
        self.line
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

/// `bytes` as a slice of `xml`, when that is where they are.
fn borrowed<'a>(xml: &'a str, bytes: &[u8]) -> Option<&'a str> {
    let start = (bytes.as_ptr() as usize).checked_sub(xml.as_ptr() as usize)?;
    xml.get(start..start.checked_add(bytes.len())?)
}

/// Undoes escapes; text without any stays borrowed.
fn unescape(text: Cow<'_, str>) -> Result<Cow<'_, str>, quick_xml::escape::EscapeError> {
    match text {
        Cow::Borrowed(t) => quick_xml::escape::unescape(t),
        Cow::Owned(t) => Ok(Cow::Owned(quick_xml::escape::unescape(&t)?.into_owned())),
    }
}

fn open<'a>(
    e: &BytesStart,
    text_of: &impl Fn(&[u8]) -> Cow<'a, str>,
    lines: &mut Lines,
    pos: usize,
) -> Result<Element<'a>, String> {
    let name = text_of(e.name().as_ref());
    // The local name is the part after the prefix: no second decoding.
    let local = match &name {
        Cow::Borrowed(n) => Cow::Borrowed(split_name(n).1),
        Cow::Owned(n) => Cow::Owned(split_name(n).1.to_string()),
    };
    let mut attrs = Vec::new();
    for (i, a) in e.attributes().enumerate() {
        if i == MAX_ATTRIBUTES {
            return Err(too_many_attributes());
        }
        let a = a.map_err(|e| format!("a broken attribute: {e}"))?;
        let key = text_of(a.key.as_ref());
        let value = unescape(text_of(&a.value)).map_err(|e| format!("attribute {key}: {e}"))?;
        attrs.push((key, value));
    }
    let line = lines.at(pos);
    Ok(Element {
        name,
        local,
        namespace: None,
        attrs,
        children: Vec::new(),
        line,
    })
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

/// Writes an element back as XML (used by the minimum-necessary filter).
pub fn write(e: &Element, out: &mut String) {
    out.push('<');
    out.push_str(&e.name);
    for (k, v) in &e.attrs {
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        out.push_str(&escape(v));
        out.push('"');
    }
    if e.children.is_empty() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    for c in &e.children {
        match c {
            Node::Element(c) => write(c, out),
            Node::Text(t) => out.push_str(&escape(t)),
        }
    }
    out.push_str("</");
    out.push_str(&e.name);
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
