//! The tree [`parse`] builds: every node in one vector, children linked by
//! index, names and text borrowed from the document where they can be.

use super::guard::{unescape, Guard, Refusal, NONE};
use super::{
    error_at, is_blank, line_col, offset_in, reader, split_name, syntax_error, text_of, XmlError,
    XmlErrorKind,
};
use quick_xml::events::{BytesStart, Event};
use std::borrow::Cow;

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

/// Builds a [`Document`]: nodes are pushed in document order and linked to
/// their parent's last child.
struct Builder<'a> {
    doc: Document<'a>,
    /// Open elements: (node, its last child so far).
    open: Vec<(u32, u32)>,
    guard: Guard<'a>,
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

    /// An element's start tag, through the guard: its attributes kept, its
    /// name resolved.
    fn element(
        &mut self,
        e: &BytesStart,
        text_of: &impl Fn(&[u8]) -> Cow<'a, str>,
        pos: usize,
        empty: bool,
    ) -> Result<u32, Refusal> {
        let name = text_of(e.name().as_ref());
        let local = u16::try_from(name.len() - split_name(&name).1.len()).map_err(|_| {
            Refusal::new(
                XmlErrorKind::Syntax,
                "a name's prefix is longer than 65535 bytes",
            )
        })?;
        let first = self.doc.attrs.len();
        self.guard.attributes(e, text_of, &mut self.doc.attrs)?;
        let ns = self.guard.start(&name, &self.doc.attrs[first..], empty)?;
        let text = self.doc.span(name);
        Ok(self.push(Raw {
            text,
            is_text: false,
            local,
            ns,
            attrs_start: first as u32,
            // At most MAX_ATTRIBUTES (the guard checked).
            attrs_len: (self.doc.attrs.len() - first) as u8,
            first_child: NONE,
            next: NONE,
            pos: pos as u32,
        }))
    }
}

/// Parses a whole document.
///
/// Namespaces are followed by the guard's scope over quick-xml's plain reader
/// rather than its `NsReader`, which resolves every name and attribute in full.
pub fn parse(xml: &str) -> Result<Document<'_>, XmlError> {
    super::check_size(xml.len())?;
    let mut reader = reader(xml);
    let text_of = |bytes: &[u8]| text_of(xml, bytes);
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
        guard: Guard::new(),
    };
    loop {
        let start = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| syntax_error(xml, &reader, e))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let id = b
                    .element(e, &text_of, start, empty)
                    .map_err(|r| r.at(xml, start))?;
                if !empty {
                    b.open.push((id, NONE));
                }
            }
            Event::End(_) => {
                b.guard.end().map_err(|r| r.at(xml, start))?;
                b.open.pop();
            }
            Event::Text(t) => {
                let text = unescape(text_of(t.as_ref())).map_err(|e| {
                    let message = format!("unknown character reference: {e}");
                    error_at(xml, start, XmlErrorKind::Syntax, message)
                })?;
                // Records carry no meaning in the blanks between elements.
                let blank = is_blank(&text);
                // Refused text is placed where its first non-blank is.
                let lead = t.iter().take_while(|c| c.is_ascii_whitespace()).count();
                b.guard.text(blank).map_err(|r| r.at(xml, start + lead))?;
                if !blank {
                    b.text(text);
                }
            }
            Event::CData(c) if b.guard.depth() > 0 => b.text(text_of(c.as_ref())),
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(r.as_ref()).into_owned();
                let text = b.guard.reference(&name).map_err(|r| r.at(xml, start))?;
                b.text(Cow::Owned(text));
            }
            Event::DocType(d) => b.guard.doctype(d.as_ref()).map_err(|r| r.at(xml, start))?,
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some((open, _)) = b.open.last() {
        let name = Element {
            doc: &b.doc,
            id: *open,
        }
        .name()
        .to_string();
        let message = format!("the document ends inside the element {name}");
        return Err(error_at(xml, xml.len(), XmlErrorKind::Structure, message));
    }
    b.guard
        .finish()
        .map_err(|(end, r)| r.at(xml, if end { xml.len() } else { 0 }))?;
    b.doc.namespaces = std::mem::take(&mut b.guard.namespaces);
    Ok(b.doc)
}
