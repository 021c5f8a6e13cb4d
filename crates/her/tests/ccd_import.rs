//! CCD / C-CDA import over every sample in `fixtures/ccd` (and the ones kept
//! outside the repository, when they are there): what is
//! extracted is asserted, and the CCR written from it validates.

mod common;
use common::validate;
use razcode_her::ccd::{import_bytes, to_ccr, CcdError};
use razcode_her::ccr::{read, SectionKind};
use razcode_testkit::fixtures::{any_fixture, xml_files};

/// file, given, family, birth date, visit, [problems, allergies, medications, immunizations, vitals, results, procedures, plan, other encounters]
type Sample = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    [usize; 9],
);

const SAMPLES: &[Sample] = &[
    (
        "hl7_ccda_examples_ccd1.xml",
        "Eve",
        "Betterhalf",
        "1975-05-01",
        "2013-08-15T10:30-08:00",
        [3, 2, 2, 5, 8, 5, 3, 1, 1],
    ),
    (
        "hl7_ccda_examples_ccd2.xml",
        "Isabella",
        "Jones",
        "1950-12-19",
        "2014-10-15T10:30:26-05:00",
        [0, 1, 0, 0, 9, 0, 3, 0, 0],
    ),
    (
        "hl7_ccda_examples_discharge_summary.xml",
        "Isabella",
        "Jones",
        "2005-05-01",
        "2014-09-09T19:04-05:00",
        [2, 3, 0, 2, 4, 0, 1, 1, 0],
    ),
    (
        "hl7_ccda_r1_ccd_sample.xml",
        "Adam Frankie",
        "Everyman",
        "1954-11-25",
        "2005-03-29T17:15:04+05:00",
        [1, 3, 1, 4, 6, 3, 3, 3, 1],
    ),
    (
        "hl7_cda_core_sampleCCD.xml",
        "Katherine Jones",
        "Madison",
        "1970-06-01",
        "2015-06-22T10:00-05:00",
        [5, 2, 3, 3, 8, 7, 2, 5, 1],
    ),
    (
        "nist_ccda_ccd_b1_ambulatory_v2.xml",
        "Myra",
        "Jones",
        "1947-05-01",
        "2012-08-06",
        [2, 3, 1, 2, 6, 3, 1, 3, 1],
    ),
    (
        "nist_hitsp_c32_sample1.xml",
        "James D.",
        "Stuart",
        "1953-02-15T11:20:05",
        "2010-04-05T13:09:45-05:00",
        [3, 2, 3, 0, 0, 2, 0, 0, 0],
    ),
];

/// A sample's bytes: `None` for one kept outside the repository and absent.
fn bytes(file: &str) -> Option<Vec<u8>> {
    let p = any_fixture(&format!("ccd/samples/{file}"))?;
    Some(std::fs::read(p).unwrap_or_else(|e| panic!("{file}: {e}")))
}

#[test]
fn every_sample_is_imported() {
    let listed = xml_files("ccd/samples");
    for p in &listed {
        let file = p.file_name().unwrap().to_string_lossy();
        assert!(
            SAMPLES.iter().any(|s| s.0 == file),
            "{file} is a new sample: say what it holds in SAMPLES"
        );
    }
    let mut read = 0;
    for (file, given, family, dob, visit, counts) in SAMPLES {
        let Some(doc) = bytes(file) else {
            continue;
        };
        read += 1;
        let e = import_bytes(&doc).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(e.patient.given, *given, "{file}");
        assert_eq!(e.patient.family, *family, "{file}");
        assert_eq!(e.patient.date_of_birth.as_deref(), Some(*dob), "{file}");
        assert_eq!(e.visit_date, *visit, "{file}");
        let got = [
            e.problems.len(),
            e.allergies.len(),
            e.medications.len(),
            e.immunizations.len(),
            e.vitals.len(),
            e.results.len(),
            e.procedures.len(),
            e.plan.len(),
            e.other_encounters.len(),
        ];
        assert_eq!(got, *counts, "{file}");
        assert!(
            e.patient.gender.is_some() && e.patient.mrn.is_some(),
            "{file}"
        );
    }
    assert_eq!(read, listed.len(), "every sample present was read");
    assert!(read >= 5, "the repository's own samples are read");
}

#[test]
fn every_import_writes_a_valid_ccr_that_reads_back() {
    for (file, given, family, _, _, counts) in SAMPLES {
        let Some(doc) = bytes(file) else {
            continue;
        };
        let text = String::from_utf8(doc).unwrap();
        let ccr = to_ccr(&text).unwrap();
        validate(&ccr).unwrap_or_else(|e| panic!("{file}: {e}"));
        let back = read(&ccr).unwrap();
        assert_eq!(
            back.patient.name.as_deref(),
            Some(format!("{given} {family}").as_str()),
            "{file}"
        );
        assert_eq!(back.count(&SectionKind::Problems), counts[0], "{file}");
        assert_eq!(back.count(&SectionKind::Alerts), counts[1], "{file}");
        assert_eq!(
            back.count(&SectionKind::Encounters),
            1 + counts[8],
            "{file}"
        );
    }
}

#[test]
fn what_the_desk_reads_from_a_ccd() {
    let e = import_bytes(&bytes("hl7_ccda_examples_ccd1.xml").unwrap()).unwrap();
    assert_eq!(e.allergies[0].text, "Penicillin (reaction: Nausea)");
    assert_eq!(
        e.medications[1].name.code,
        Some(("RxNorm".into(), "197380".into()))
    );
    let sbp = e
        .vitals
        .iter()
        .find(|v| v.loinc.as_deref() == Some("8480-6"))
        .unwrap();
    assert_eq!((sbp.value.as_str(), sbp.unit.as_str()), ("132", "mm[Hg]"));
    assert_eq!(e.results[0].name.text, "Hemoglobin");
    assert_eq!(e.clinic, "Good Health HIE");
    // languageCommunication: the preferred one, as coded.
    assert_eq!(e.patient.language.as_deref(), Some("en"));
    let two = import_bytes(&bytes("hl7_ccda_examples_ccd2.xml").unwrap()).unwrap();
    assert_eq!(
        two.patient.language.as_deref(),
        Some("ita"),
        "preferred over eng"
    );
    // Carried into the CCR as its social history's Language, which the desk
    // reads for the patient's language.
    let ccr =
        to_ccr(&String::from_utf8(bytes("hl7_ccda_examples_ccd2.xml").unwrap()).unwrap()).unwrap();
    assert_eq!(
        razcode_her::ccr::patient_language(&ccr).as_deref(),
        Some("ita")
    );
}

#[test]
fn refusals() {
    assert!(matches!(
        razcode_her::ccd::import("<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\"/>"),
        Err(CcdError::NotCda(_))
    ));
    assert!(matches!(
        razcode_her::ccd::import("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>"),
        Err(CcdError::NoPatient)
    ));
    assert!(matches!(
        razcode_her::ccd::import("<ClinicalDocument xmlns=\"urn:hl7-org:v3\">"),
        Err(CcdError::Xml(_))
    ));
}
