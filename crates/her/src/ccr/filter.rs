//! Minimum necessary: drops the body sections the staff chose to leave out
//! before a record is staged. Everything else is written back as it was.

use super::{check_root, CcrError, SectionKind};
use crate::xml;

/// The document without the `drop` sections.
pub fn drop_sections(text: &str, drop: &[SectionKind]) -> Result<String, CcrError> {
    let mut root = xml::parse(text)?;
    check_root(&root)?;
    for child in root.children.iter_mut() {
        if let xml::Node::Element(body) = child {
            if body.local == "Body" {
                body.children.retain(|n| match n {
                    xml::Node::Element(s) => !drop.contains(&SectionKind::from_element(&s.local)),
                    xml::Node::Text(_) => true,
                });
            }
        }
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml::write(&root, &mut out);
    out.push('\n');
    Ok(out)
}
