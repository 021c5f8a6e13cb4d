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
