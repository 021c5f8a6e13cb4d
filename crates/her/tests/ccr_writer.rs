//! The writer's output validates against the ASTM schema (checked with
//! `xmllint --schema`, reading the ASTM schema from `RAZCODE_CCR_SCHEMA`, and saying so when it is not there), and reads back.

use razcode_her::ccr::writer::{
    write, Charge, Coded, Medication, NewEncounter, NewPatient, PastEncounter, Result, Vital,
};
use razcode_her::ccr::{filter::drop_sections, read, SectionKind};
mod common;
use common::validate;

fn full() -> NewEncounter {
    NewEncounter {
        document_id: "urn:uuid:0b5c2c1e-1111-4222-8333-444455556666".into(),
        created: "2026-11-26T10:15:00-05:00".into(),
        patient: NewPatient {
            given: "Σοφία".into(),
            family: "Παπαδοπούλου & Co <test>".into(),
            date_of_birth: Some("1987-02-03".into()),
            gender: Some("Female".into()),
            mrn: Some("MRN-0042".into()),
            language: None,
        },
        clinic: "Harbor Street Clinic".into(),
        provider: Some("Dr. Wei Zhang 张伟".into()),
        visit_date: "2026-11-26T09:30:00-05:00".into(),
        visit_kind: "Office Visit".into(),
        reason: Some(Coded {
            text: "Sore throat".into(),
            code: Some(("CPT-4".into(), "99213".into())),
        }),
        vitals: vec![
            Vital {
                name: "Systolic blood pressure".into(),
                loinc: Some("8480-6".into()),
                value: "128".into(),
                unit: "mm[Hg]".into(),
            },
            Vital {
                name: "Body weight".into(),
                loinc: Some("29463-7".into()),
                value: "61.2".into(),
                unit: "kg".into(),
            },
        ],
        problems: vec![Coded {
            text: "Acute pharyngitis".into(),
            code: Some(("ICD10-CM".into(), "J02.9".into())),
        }],
        allergies: vec![Coded::text("Penicillin: hives")],
        medications: vec![Medication {
            name: Coded {
                text: "Amoxicillin 500 MG Oral Capsule".into(),
                code: Some(("RxNorm".into(), "308191".into())),
            },
            directions: Some("1 capsule twice a day for 10 days".into()),
        }],
        immunizations: vec![Coded::text("Influenza vaccine")],
        results: vec![Result {
            name: Coded::text("Rapid strep test"),
            value: "negative".into(),
            unit: None,
            date: None,
        }],
        procedures: vec![Coded::text("Throat swab")],
        plan: vec!["Rest, fluids; return if fever lasts over 3 days".into()],
        charges: vec![Charge {
            description: "Office visit".into(),
            code: Some(("CPT-4".into(), "99213".into())),
            amount: "125.00".into(),
            currency: "USD".into(),
        }],
        other_encounters: vec![PastEncounter {
            kind: Coded::text("Annual physical"),
            date: Some("2025-11-20".into()),
        }],
    }
}

#[test]
fn a_full_visit_validates_and_reads_back() {
    let doc = write(&full());
    validate(&doc).unwrap_or_else(|e| panic!("{e}\n{doc}"));
    let c = read(&doc).unwrap();
    assert_eq!(
        c.patient.name.as_deref(),
        Some("Σοφία Παπαδοπούλου & Co <test>")
    );
    assert_eq!(c.patient.date_of_birth.as_deref(), Some("1987-02-03"));
    assert_eq!(
        c.patient.ids,
        vec![("MRN".to_string(), "MRN-0042".to_string())]
    );
    assert_eq!(c.visit_date.as_deref(), Some("2026-11-26T09:30:00-05:00"));
    for (kind, n) in [
        (SectionKind::Problems, 1),
        (SectionKind::Alerts, 1),
        (SectionKind::Medications, 1),
        (SectionKind::Immunizations, 1),
        (SectionKind::VitalSigns, 1),
        (SectionKind::Results, 1),
        (SectionKind::Procedures, 1),
        (SectionKind::Encounters, 2),
        (SectionKind::PlanOfCare, 1),
    ] {
        assert_eq!(c.count(&kind), n, "{kind:?}");
    }
    assert!(doc.contains("<Attribute>Charge: Office visit</Attribute>"));
}

#[test]
fn the_smallest_visit_validates() {
    let e = NewEncounter {
        document_id: "d1".into(),
        created: "2026-11-26T10:00:00Z".into(),
        patient: NewPatient {
            given: "A".into(),
            family: "B".into(),
            ..NewPatient::default()
        },
        clinic: "C".into(),
        visit_date: "2026-11-26".into(),
        visit_kind: "Office Visit".into(),
        ..NewEncounter::default()
    };
    let doc = write(&e);
    validate(&doc).unwrap_or_else(|e| panic!("{e}\n{doc}"));
}

#[test]
fn minimum_necessary_drops_chosen_sections() {
    let doc = write(&full());
    let kept = drop_sections(
        &doc,
        &[
            SectionKind::Problems,
            SectionKind::Medications,
            SectionKind::Alerts,
        ],
    )
    .unwrap();
    validate(&kept).unwrap_or_else(|e| panic!("{e}\n{kept}"));
    let c = read(&kept).unwrap();
    assert_eq!(c.count(&SectionKind::Problems), 0);
    assert_eq!(c.count(&SectionKind::Medications), 0);
    assert_eq!(c.count(&SectionKind::VitalSigns), 1);
    assert!(!kept.contains("Amoxicillin"));
    // A real sample with a prefix keeps its prefix.
    let nist =
        std::fs::read_to_string(razcode_testkit::fixture("ccr/samples/nist_ccr_sample1.xml"))
            .unwrap();
    let kept = drop_sections(&nist, &[SectionKind::Results]).unwrap();
    let c = read(&kept).unwrap();
    assert_eq!(
        (
            c.count(&SectionKind::Results),
            c.count(&SectionKind::Problems)
        ),
        (0, 3)
    );
    assert_eq!(c.patient.name.as_deref(), Some("John Stuart"));
}
