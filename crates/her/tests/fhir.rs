//! CCR and OMHE → FHIR R4: every real producer sample and every OMHE example of
//! `docs/omhe.md` converts, validates with an independent FHIR R4 validator,
//! and holds what the CCR reader extracted (counts and values).

use razcode_testkit::fixtures::xml_files;
use razcode_testkit::{checkers, fixture, repo_root};

use razcode_her::ccr::{self, SectionKind};
use razcode_her::fhir;
use razcode_her::{omhe, Her};
use serde_json::Value;
use std::path::PathBuf;

/// The CCR samples (the repository's, and the ones kept outside it that are
/// present) and the examples.
fn ccr_files() -> Vec<PathBuf> {
    let mut files = xml_files("ccr/samples");
    files.extend(xml_files("ccr/examples"));
    assert!(files.len() >= 10, "the samples are missing: {files:?}");
    files
}

fn resources<'a>(b: &'a Value, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .filter(move |r| r["resourceType"] == kind)
}

/// What the reader extracted is what the Bundle holds, section by section.
fn check_against_model(name: &str, c: &ccr::Ccr, original: &str, b: &Value) {
    let counts = fhir::counts(b);
    let n = |k: &str| counts.get(k).copied().unwrap_or(0);
    assert_eq!(n("Patient"), 1, "{name}");
    assert_eq!(n("DocumentReference"), 1, "{name}");
    assert_eq!(n("Condition"), c.count(&SectionKind::Problems), "{name}");
    assert_eq!(
        n("AllergyIntolerance"),
        c.count(&SectionKind::Alerts),
        "{name}"
    );
    assert_eq!(
        n("MedicationStatement"),
        c.count(&SectionKind::Medications),
        "{name}"
    );
    assert_eq!(
        n("Immunization"),
        c.count(&SectionKind::Immunizations),
        "{name}"
    );
    assert_eq!(n("Procedure"), c.count(&SectionKind::Procedures), "{name}");
    assert_eq!(
        n("Encounter"),
        c.count(&SectionKind::Encounters).max(1),
        "{name}"
    );
    let observations: usize = c
        .sections
        .iter()
        .filter(|s| matches!(s.kind, SectionKind::VitalSigns | SectionKind::Results))
        .flat_map(|s| &s.items)
        .map(|i| i.tests.len().max(1))
        .sum();
    assert_eq!(n("Observation"), observations, "{name}");
    let kept_as_text: usize = c
        .sections
        .iter()
        .filter(|s| matches!(s.kind, SectionKind::Payers | SectionKind::Other(_)))
        .map(|s| s.items.len())
        .sum();
    assert_eq!(n("Basic"), kept_as_text, "{name}");
    assert_eq!(n("CarePlan"), c.count(&SectionKind::PlanOfCare), "{name}");

    let patient = resources(b, "Patient").next().unwrap();
    if let Some(family) = &c.patient.family {
        assert_eq!(patient["name"][0]["family"], family.as_str(), "{name}");
    }
    if let Some(display) = &c.patient.name {
        assert_eq!(patient["name"][0]["text"], display.as_str(), "{name}");
    }
    // Every item's words are in some resource's narrative: nothing dropped.
    let narratives: String = b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["resource"]["text"]["div"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    for s in &c.sections {
        for item in &s.items {
            for t in &item.tests {
                let words = razcode_her::xml::escape(t.name.trim());
                assert!(
                    narratives.contains(&words),
                    "{name}: test {:?} is in no narrative",
                    t.name
                );
            }
            let head = item.text.split(": ").next().unwrap_or_default();
            let words = razcode_her::xml::escape(if item.tests.is_empty() {
                item.text.trim()
            } else {
                head.trim()
            });
            let head: String = words.chars().take(40).collect();
            assert!(
                narratives.contains(&head),
                "{name}: {:?} is in no narrative",
                item.text
            );
        }
    }
    // The original rides along, byte for byte.
    let doc = resources(b, "DocumentReference").next().unwrap();
    let data = doc["content"][0]["attachment"]["data"].as_str().unwrap();
    use base64::Engine as _;
    let back = base64::engine::general_purpose::STANDARD
        .decode(data)
        .unwrap();
    assert_eq!(back, original.as_bytes(), "{name}");
}

#[test]
fn every_ccr_sample_converts_validates_and_keeps_what_was_read() {
    let mut bundles = Vec::new();
    let files = ccr_files();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(path).unwrap();
        let text = razcode_her::xml::decode(&bytes).unwrap();
        // A sample that is not well-formed (there is one) is refused, not converted.
        let Ok(c) = ccr::read(&text) else {
            assert!(fhir::convert(&text).is_err(), "{name}");
            continue;
        };
        let b = fhir::bundle(&Her::Ccr(Box::new(c.clone())), &text);
        check_against_model(&name, &c, &text, &b);
        // Stable: the same record makes the same Bundle.
        assert_eq!(b, fhir::bundle(&Her::Ccr(Box::new(c)), &text), "{name}");
        bundles.push((name, b));
    }
    // All but the one sample that is not well-formed.
    assert_eq!(
        bundles.len(),
        files.len() - 1,
        "every other sample converted"
    );
    assert!(
        bundles.len() >= 9,
        "only {} samples converted",
        bundles.len()
    );
    checkers::validate_fhir(&bundles).unwrap();
}

#[test]
fn the_example_visit_carries_codes_units_and_the_patient() {
    let text =
        std::fs::read_to_string(fixture("ccr/examples/minimal_clinic_encounter.xml")).unwrap();
    let b = fhir::convert(&text).unwrap();
    let obs: Vec<&Value> = resources(&b, "Observation").collect();
    let systolic = obs
        .iter()
        .find(|o| o["code"]["coding"][0]["code"] == "8480-6")
        .expect("systolic blood pressure by its LOINC code");
    assert_eq!(systolic["code"]["coding"][0]["system"], "http://loinc.org");
    assert_eq!(systolic["valueQuantity"]["value"], 128);
    assert_eq!(
        systolic["valueQuantity"]["system"],
        "http://unitsofmeasure.org"
    );
    assert_eq!(systolic["valueQuantity"]["code"], "mm[Hg]");
    assert_eq!(systolic["category"][0]["coding"][0]["code"], "vital-signs");
    let temp = obs
        .iter()
        .find(|o| o["code"]["coding"][0]["code"] == "8310-5")
        .unwrap();
    assert_eq!(temp["valueQuantity"]["value"], 38.1);
    assert_eq!(temp["valueQuantity"]["code"], "Cel");
    let enc = resources(&b, "Encounter").next().unwrap();
    assert_eq!(enc["period"]["start"], "2024-03-05T15:45:00-05:00");
    assert_eq!(
        enc["type"][0]["coding"][0]["system"],
        "http://www.ama-assn.org/go/cpt"
    );
    // Every reference points at an entry of the Bundle.
    let urls: Vec<&str> = b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fullUrl"].as_str().unwrap())
        .collect();
    let text_all = b.to_string();
    for r in text_all.split("\"reference\":\"").skip(1) {
        let target = r.split('"').next().unwrap();
        assert!(urls.contains(&target), "{target} is not in the Bundle");
    }
}

#[test]
fn codes_from_unnamed_systems_stay_as_text() {
    let c = ccr::Ccr {
        sections: vec![ccr::Section {
            kind: SectionKind::Medications,
            items: vec![ccr::Item {
                text: "Lisinopril 10 mg".into(),
                code: Some(("Multum".into(), "d00732".into())),
                status: Some("Held by patient".into()),
                ..Default::default()
            }],
        }],
        ..Default::default()
    };
    let b = fhir::bundle(&Her::Ccr(Box::new(c)), "<x/>");
    let m = resources(&b, "MedicationStatement").next().unwrap();
    assert_eq!(
        m["medicationCodeableConcept"]["text"],
        "Lisinopril 10 mg (Multum d00732)"
    );
    assert!(m["medicationCodeableConcept"].get("coding").is_none());
    assert_eq!(m["status"], "unknown");
    assert_eq!(
        m["note"][0]["text"],
        "Status in the record: Held by patient"
    );
}

/// Every example line of `docs/omhe.md` that is valid OMHE.
fn omhe_examples() -> Vec<String> {
    let md = std::fs::read_to_string(repo_root().join("docs/omhe.md")).unwrap();
    let mut out = Vec::new();
    for span in md.split('`').skip(1).step_by(2) {
        let line = span.trim();
        if line.is_empty() || line.contains('\n') || out.iter().any(|l| l == line) {
            continue;
        }
        if omhe::parse(line).is_ok_and(|m| m.len() == 1) {
            out.push(line.to_string());
        }
    }
    out
}

#[test]
fn every_omhe_example_converts_to_observations_and_validates() {
    let examples = omhe_examples();
    assert!(
        examples.len() >= 30,
        "only {} examples found",
        examples.len()
    );
    let mut bundles = Vec::new();
    for line in &examples {
        let b = fhir::convert(line).unwrap();
        let counts = fhir::counts(&b);
        let readings = counts.get("Observation").copied().unwrap_or(0)
            + counts.get("Basic").copied().unwrap_or(0);
        assert_eq!(readings, 1, "{line}: {counts:?}");
        bundles.push((line.clone(), b));
    }
    checkers::validate_fhir(&bundles).unwrap();

    let b = fhir::convert("bp=120/80p60#dt20240229:235959z").unwrap();
    let o = resources(&b, "Observation").next().unwrap();
    assert_eq!(o["code"]["coding"][0]["code"], "85354-9");
    assert_eq!(o["component"][0]["valueQuantity"]["value"], 120);
    assert_eq!(o["component"][1]["code"]["coding"][0]["code"], "8462-4");
    assert_eq!(o["component"][2]["valueQuantity"]["code"], "/min");
    assert_eq!(o["effectiveDateTime"], "2024-02-29T23:59:59Z");
    let w = fhir::convert("Weight=80K#tz+5:30").unwrap();
    let o = resources(&w, "Observation").next().unwrap();
    assert_eq!(o["valueQuantity"]["value"], 80);
    assert_eq!(o["valueQuantity"]["code"], "kg");
}

#[test]
fn a_bad_record_is_an_error_not_a_bundle() {
    assert!(fhir::convert("<ContinuityOfCareRecord").is_err());
    assert!(fhir::convert("bp=999/1").is_err());
}
