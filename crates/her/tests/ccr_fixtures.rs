//! The CCR check over the real samples in `shared/fixtures/ccr`.

use razcode_her::ccr::summarize;
use std::path::PathBuf;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/ccr")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // One sample is ISO-8859-1; the others are UTF-8.
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|&b| b as char).collect(),
    }
}

#[test]
fn every_well_formed_sample_is_read() {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/ccr/samples");
    let mut read = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let text = fixture(&format!("samples/{name}"));
        let result = summarize(&text);
        if name == "cypress_hds_sample_ccr.xml" {
            let e = result.expect_err("the Cypress sample is not well-formed");
            assert!(e.line.is_some(), "{e}");
        } else {
            let s = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                !s.sections.is_empty() || name.contains("template"),
                "{name}: {s:?}"
            );
            read += 1;
        }
    }
    assert_eq!(read, 15);
}

#[test]
fn the_example_visit_is_summarized() {
    let s = summarize(&fixture("examples/minimal_clinic_encounter.xml")).unwrap();
    assert!(s.patient_name.is_some(), "{s:?}");
    assert!(
        s.sections.iter().any(|(n, c)| n == "VitalSigns" && *c > 0),
        "{s:?}"
    );
}

#[test]
fn refusals_say_where() {
    let e = summarize("<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\">\n<Body>\n</Bod>\n</ContinuityOfCareRecord>").unwrap_err();
    assert_eq!(e.line, Some(3), "{e}");
    let e = summarize("<ContinuityOfCareRecord><Body/></ContinuityOfCareRecord>").unwrap_err();
    assert!(e.message.contains("namespace"), "{e}");
    let e = summarize("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>").unwrap_err();
    assert!(e.message.contains("root element"), "{e}");
    let e = summarize("<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\"><Body>").unwrap_err();
    assert!(e.message.contains("ends inside"), "{e}");
    let bomb = "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\">&a;</ContinuityOfCareRecord>";
    assert!(summarize(bomb).is_err());
    let deep = format!(
        "<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\">{}{}</ContinuityOfCareRecord>",
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    );
    assert!(summarize(&deep).unwrap_err().message.contains("deeper"));
    let ok = summarize("<ccr:ContinuityOfCareRecord xmlns:ccr=\"urn:astm-org:CCR\"><ccr:Body><ccr:Problems><ccr:Problem/></ccr:Problems></ccr:Body></ccr:ContinuityOfCareRecord>").unwrap();
    assert_eq!(ok.sections, vec![("Problems".to_string(), 1)]);
}
