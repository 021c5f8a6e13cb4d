//! Writing XML back: escaping, and an element with the children a filter keeps.

use super::{Element, Node};

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
