//! Records built to make the parser slow are refused, by the gateway's
//! streaming check and by the full reader alike: one element with 200,000
//! attributes (quick-xml compares each with every earlier one), and namespace
//! declarations piled up in scope.

use razcode_her::{check, validate, xml};

const NS: &str = "urn:astm-org:CCR";

fn many_attributes(n: usize) -> String {
    let mut s = format!("<ContinuityOfCareRecord xmlns=\"{NS}\"");
    for i in 0..n {
        s.push_str(&format!(" a{i}=\"\""));
    }
    s.push_str("/>");
    s
}

fn many_namespaces(per_element: usize, depth: usize) -> String {
    let mut s = format!("<ContinuityOfCareRecord xmlns=\"{NS}\">");
    for d in 0..depth {
        s.push_str("<Body");
        for i in 0..per_element {
            s.push_str(&format!(" xmlns:p{d}x{i}=\"urn:x:{i}\""));
        }
        s.push('>');
    }
    for _ in 0..depth {
        s.push_str("</Body>");
    }
    s.push_str("</ContinuityOfCareRecord>");
    s
}

#[test]
fn an_element_with_200000_attributes_is_refused() {
    let hostile = many_attributes(200_000);
    assert!(hostile.len() > 2_000_000);
    let e = validate(&hostile).unwrap_err().to_string();
    assert!(e.contains("more than 64 attributes"), "{e}");
    let e = check(&hostile).unwrap_err().to_string();
    assert!(e.contains("more than 64 attributes"), "{e}");
    // A record's usual handful still reads.
    assert!(validate(&many_attributes(60)).is_ok());
}

#[test]
fn namespace_declarations_in_scope_are_bounded() {
    let hostile = many_namespaces(60, 10);
    let e = validate(&hostile).unwrap_err().to_string();
    assert!(e.contains("namespace declarations"), "{e}");
    let e = xml::parse(&hostile).unwrap_err().to_string();
    assert!(e.contains("namespace declarations"), "{e}");
    assert!(validate(&many_namespaces(4, 10)).is_ok());
}

/// One guard: the streaming check and the tree reader refuse each case with
/// the same kind, at the same place, in the same words.
#[test]
fn both_readers_refuse_alike_through_one_guard() {
    use xml::XmlErrorKind::*;
    let deep = format!(
        "<ContinuityOfCareRecord xmlns=\"{NS}\">{}{}</ContinuityOfCareRecord>",
        "<a>".repeat(300),
        "</a>".repeat(300)
    );
    let cases: Vec<(String, xml::XmlErrorKind)> = vec![
        (many_attributes(65), TooManyAttributes),
        (many_namespaces(60, 5), TooManyNamespaces),
        (deep, TooDeep),
        ("<a><p:b/></a>".into(), UndeclaredPrefix),
        ("<a/>\n<b/>".into(), Structure),
        ("<a/>\ntext".into(), Structure),
        ("<a>".into(), Structure),
        ("<!-- nothing -->".into(), Structure),
        ("<!DOCTYPE a [<!ENTITY e \"x\">]><a/>".into(), Entity),
        ("<a>&e;</a>".into(), Entity),
        ("<a>&#0;</a>".into(), Entity),
        ("<a x=\"1\" x=\"2\"/>".into(), Syntax),
        ("<a></b>".into(), Syntax),
    ];
    for (doc, kind) in cases {
        let streaming = xml::check_wellformed(&doc).unwrap_err();
        let tree = xml::parse(&doc).unwrap_err();
        assert_eq!(streaming.kind, kind, "{doc:.80}: {streaming}");
        assert_eq!(tree.kind, kind, "{doc:.80}: {tree}");
        assert_eq!(
            (streaming.line, streaming.column),
            (tree.line, tree.column),
            "{doc:.80}"
        );
        // The tree reader also names the element left open.
        if doc == "<a>" {
            assert!(tree.message.ends_with("the element a"), "{tree}");
        } else {
            assert_eq!(streaming.message, tree.message, "{doc:.80}");
        }
    }
}

/// A record whose root is not a CCR is refused at the root's own line, after
/// a declaration, a comment and blank lines.
#[test]
fn the_wrong_root_is_reported_at_its_line() {
    let doc = "<?xml version=\"1.0\"?>\n<!-- exported -->\n\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>";
    let e = validate(doc).unwrap_err();
    assert_eq!(e.line(), Some(4), "{e}");
    assert!(e.to_string().contains("ClinicalDocument"), "{e}");
}
