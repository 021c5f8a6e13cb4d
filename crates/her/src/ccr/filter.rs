//! Minimum necessary: drops the body sections the staff chose to leave out
//! before a record is staged. Everything else is written back as it was.

use super::{check_root, CcrError, SectionKind};
use crate::xml;

/// The document without the `drop` sections.
pub fn drop_sections(text: &str, drop: &[SectionKind]) -> Result<String, CcrError> {
    let doc = xml::parse(text)?;
    let root = doc.root();
    check_root(root)?;
    // A section is a child of the root's Body.
    let bodies: Vec<xml::Element> = root.children_named("Body").collect();
    let keep = |parent: xml::Element, e: xml::Element| {
        let section = bodies.iter().any(|b| b.same(parent));
        !(section && drop.contains(&SectionKind::from_element(e.local())))
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml::write(root, &mut out, &keep);
    out.push('\n');
    Ok(out)
}
