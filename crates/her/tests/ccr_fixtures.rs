//! The CCR reader over every real sample in `fixtures/ccr` (and the ones kept
//! outside the repository, when they are there): what it
//! extracts is asserted, not just that it parsed.

use razcode_her::ccr::{read_bytes, SectionKind};
use razcode_testkit::fixtures::{any_fixture, xml_files};
use std::path::Path;

fn bytes(rel: &str) -> Vec<u8> {
    let p = razcode_testkit::fixture(&format!("ccr/{rel}"));
    std::fs::read(p).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A sample's bytes: `None` for one kept outside the repository and absent.
fn sample(file: &str) -> Option<Vec<u8>> {
    let p = any_fixture(&format!("ccr/samples/{file}"))?;
    Some(std::fs::read(p).unwrap_or_else(|e| panic!("{file}: {e}")))
}

fn file_name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

type Expect = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    &'static [(&'static str, usize)],
);

const SAMPLES: &[Expect] = &[
    (
        "google_health_complete_profile_example.xml",
        None,
        None,
        Some("2008"),
        &[
            ("problems", 1),
            ("medications", 1),
            ("alerts", 1),
            ("procedures", 1),
            ("results", 1),
            ("immunizations", 1),
        ],
    ),
    (
        "google_health_notice_payload_gdata.xml",
        None,
        None,
        None,
        &[("problems", 1)],
    ),
    (
        "google_health_profile_digest_gdata.xml",
        None,
        Some("1984-07-22"),
        Some("2008-09-29T07:52:17.176Z"),
        &[
            ("FunctionalStatus", 2),
            ("problems", 2),
            ("SocialHistory", 1),
            ("alerts", 2),
            ("medications", 3),
            ("immunizations", 1),
            ("vital_signs", 3),
            ("results", 1),
            ("procedures", 2),
        ],
    ),
    (
        "hds_fixture_ehr_export_patient_with_providers.xml",
        Some("William Test"),
        Some("1983-09-14T12:00:00Z"),
        Some("2010-04-07T00:00:00Z"),
        &[
            ("payers", 1),
            ("problems", 1),
            ("FamilyHistory", 3),
            ("SocialHistory", 7),
            ("alerts", 1),
            ("medications", 2),
            ("immunizations", 6),
            ("vital_signs", 6),
            ("procedures", 5),
            ("encounters", 1),
            ("HealthCareProviders", 5),
        ],
    ),
    (
        "healthvault_docs_astm_example_jane_hernandez.xml",
        Some("Jane Hernandez"),
        Some("1948-01-16T05:00:00Z"),
        Some("2005-09-24T04:00:00Z"),
        &[
            ("payers", 2),
            ("AdvanceDirectives", 2),
            ("Support", 1),
            ("FunctionalStatus", 1),
            ("problems", 4),
            ("FamilyHistory", 1),
            ("SocialHistory", 10),
            ("alerts", 3),
            ("medications", 6),
            ("immunizations", 1),
            ("vital_signs", 4),
            ("results", 4),
            ("procedures", 1),
            ("encounters", 2),
            ("plan_of_care", 2),
            ("HealthCareProviders", 3),
        ],
    ),
    (
        "medcommons_aafp_sample_v2.xml",
        Some("John Doqit"),
        Some("1938-01-16T05:00:00Z"),
        Some("2005-06-29T17:12:14Z"),
        &[
            ("payers", 1),
            ("problems", 4),
            ("alerts", 2),
            ("medications", 4),
            ("vital_signs", 4),
            ("results", 1),
        ],
    ),
    (
        "medcommons_ccr_template.xml",
        None,
        None,
        Some("2005-11-02T02:24:11Z"),
        &[],
    ),
    (
        "medcommons_emds_topsuite_20050718.xml",
        Some("John Doqit"),
        Some("1/16/1938 12:00:00 AM"),
        Some("2005-07-18T17:42:36-05:00"),
        &[
            ("payers", 2),
            ("problems", 4),
            ("SocialHistory", 0),
            ("alerts", 2),
            ("medications", 4),
        ],
    ),
    (
        "medcommons_nextgen_emr_5.2.16.xml",
        Some("John Patient"),
        Some("1960-08-13"),
        Some("2005-07-11T11:14:44Z"),
        &[
            ("payers", 1),
            ("problems", 3),
            ("alerts", 2),
            ("medications", 1),
        ],
    ),
    (
        "medcommons_nextgen_emr_v2.xml",
        Some("John Patient"),
        Some("1960-08-13"),
        Some("2005-07-11T11:14:44Z"),
        &[
            ("payers", 1),
            ("problems", 3),
            ("alerts", 2),
            ("medications", 1),
        ],
    ),
    (
        "medcommons_solventus_generation_tool.xml",
        Some("John Doqit"),
        Some("1938-01-16T05:00:00Z"),
        Some("2005-07-22T18:22:06Z"),
        &[
            ("AdvanceDirectives", 2),
            ("problems", 4),
            ("alerts", 2),
            ("medications", 5),
        ],
    ),
    (
        "nist_ccr_sample1.xml",
        Some("John Stuart"),
        Some("1953-02-15T11:20:00-05:00"),
        Some("2010-03-25T13:15:00-05:00"),
        &[
            ("problems", 3),
            ("alerts", 2),
            ("medications", 3),
            ("results", 3),
        ],
    ),
    (
        "nist_ccr_sample2.xml",
        Some("Alice Sharpe"),
        Some("1959-09-19T16:15:00-10:00"),
        Some("2010-03-25T13:15:00-05:00"),
        &[
            ("problems", 3),
            ("alerts", 2),
            ("medications", 3),
            ("results", 6),
        ],
    ),
    (
        "tolven_rules_testdata.xml",
        Some("Jonathon Compton"),
        Some("1994-08-26T00:00:00-07:00"),
        None,
        &[("problems", 1), ("alerts", 2)],
    ),
    (
        "tolven_wsclient_test1.xml",
        Some("Jennifer Colello"),
        Some("2048-11-03T00:00:00-08:00"),
        Some("2048-10-07T15:50:16-07:00"),
        &[
            ("problems", 2),
            ("alerts", 3),
            ("medications", 2),
            ("encounters", 1),
        ],
    ),
];

#[test]
fn every_sample_is_read_with_what_it_holds() {
    let listed: Vec<String> = xml_files("ccr/samples")
        .iter()
        .map(|p| file_name(p))
        .collect();
    // Each sample present is described below, but the one refused as a whole.
    for file in &listed {
        assert!(
            file == "cypress_hds_sample_ccr.xml" || SAMPLES.iter().any(|s| s.0 == file),
            "{file} is a new sample: say what it holds in SAMPLES"
        );
    }
    let mut read = 0;
    for (file, name, dob, visit, sections) in SAMPLES {
        let Some(bytes) = sample(file) else {
            continue;
        };
        read += 1;
        let ccr = read_bytes(&bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(ccr.patient.name.as_deref(), *name, "{file}: name");
        assert_eq!(
            ccr.patient.date_of_birth.as_deref(),
            *dob,
            "{file}: date of birth"
        );
        assert_eq!(ccr.visit_date.as_deref(), *visit, "{file}: visit");
        let got: Vec<(String, usize)> = ccr
            .sections
            .iter()
            .map(|s| (s.kind.key(), s.items.len()))
            .collect();
        let want: Vec<(String, usize)> =
            sections.iter().map(|(k, n)| (k.to_string(), *n)).collect();
        assert_eq!(got, want, "{file}: sections");
        for s in &ccr.sections {
            for i in &s.items {
                assert!(
                    !i.text.is_empty(),
                    "{file}: an item of {} has no text",
                    s.kind.key()
                );
            }
        }
    }
    assert_eq!(read + 1, listed.len());
    assert!(read >= 7, "the repository's own samples are read");
}

#[test]
fn the_cypress_sample_is_refused_saying_where() {
    let e = read_bytes(&bytes("samples/cypress_hds_sample_ccr.xml")).unwrap_err();
    assert_eq!((e.line, e.column), (Some(81), Some(52)));
    assert!(e.message.contains("ExactDateTime"), "{e}");
}

#[test]
fn details_that_matter_at_the_desk() {
    let c = read_bytes(&bytes("samples/nist_ccr_sample1.xml")).unwrap();
    assert_eq!(c.patient.gender.as_deref(), Some("Male"));
    let alerts = c.section(&SectionKind::Alerts).unwrap();
    assert_eq!(
        alerts.items[0].text,
        "Codeine allergy (reaction: Hives, nausea)"
    );
    let meds = c.section(&SectionKind::Medications).unwrap();
    assert_eq!(meds.items[0].text, "furosemide 20 mg, 1 tab BID PO");
    let c = read_bytes(&bytes("examples/minimal_clinic_encounter.xml")).unwrap();
    assert_eq!(
        c.patient.ids,
        vec![("MRN".to_string(), "000123".to_string())]
    );
    assert_eq!(c.patient.gender.as_deref(), Some("Female"));
    let vitals = c.section(&SectionKind::VitalSigns).unwrap();
    assert!(
        vitals.items[0]
            .text
            .contains("Systolic blood pressure 128 mm[Hg]"),
        "{vitals:?}"
    );
    assert_eq!(
        c.section(&SectionKind::Problems).unwrap().items[0].code,
        Some(("ICD10-CM".into(), "J02.9".into()))
    );
    assert_eq!(
        c.from,
        vec![
            "Sam Doctor",
            "Main Street Family Clinic",
            "Front desk system"
        ]
    );
    // ISO-8859-1 is decoded from its declaration.
    let hds = read_bytes(&bytes(
        "samples/hds_fixture_ehr_export_patient_with_providers.xml",
    ))
    .unwrap();
    assert!(hds
        .sections
        .iter()
        .all(|s| s.items.iter().all(|i| !i.text.contains('\u{fffd}'))));
}

#[test]
fn odd_but_readable_documents() {
    // Prefixed namespace, one line, out of order, missing IDs, a dangling actor link.
    let doc = "<c:ContinuityOfCareRecord xmlns:c=\"urn:astm-org:CCR\"><c:Actors><c:Actor><c:ActorObjectID>P</c:ActorObjectID><c:Person><c:Name><c:CurrentName><c:Given>Zoë</c:Given><c:Family>Ωmega</c:Family></c:CurrentName></c:Name></c:Person></c:Actor></c:Actors><c:Body><c:Problems><c:Problem><c:Description><c:Text>Cough</c:Text></c:Description><c:Source><c:Actor><c:ActorID>NOPE</c:ActorID></c:Actor></c:Source></c:Problem></c:Problems><c:Encounters><c:Encounter><c:Practitioners><c:Practitioner><c:ActorID>GHOST</c:ActorID></c:Practitioner></c:Practitioners></c:Encounter></c:Encounters></c:Body><c:Patient><c:ActorID>P</c:ActorID></c:Patient></c:ContinuityOfCareRecord>";
    let c = razcode_her::ccr::read(doc).unwrap();
    assert_eq!(c.patient.name.as_deref(), Some("Zoë Ωmega"));
    assert_eq!(c.count(&SectionKind::Problems), 1);
    assert_eq!(c.section(&SectionKind::Problems).unwrap().items[0].id, None);
    assert_eq!(c.count(&SectionKind::Encounters), 1);
    // A patient link to no actor.
    let c = razcode_her::ccr::read("<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\"><Patient><ActorID>X</ActorID></Patient></ContinuityOfCareRecord>").unwrap();
    assert_eq!(
        (c.patient.actor_id.as_deref(), c.patient.name),
        (Some("X"), None)
    );
}

#[test]
fn refusals_say_where() {
    use razcode_her::ccr::read;
    let e = read("<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\">\n<Body>\n</Bod>\n</ContinuityOfCareRecord>").unwrap_err();
    assert_eq!(e.line, Some(3), "{e}");
    assert!(
        read("<ContinuityOfCareRecord><Body/></ContinuityOfCareRecord>")
            .unwrap_err()
            .message
            .contains("namespace")
    );
    assert!(read("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>")
        .unwrap_err()
        .message
        .contains("root element"));
    assert!(
        read("<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\"><Body>")
            .unwrap_err()
            .message
            .contains("ends inside")
    );
    assert!(read("<x:ContinuityOfCareRecord/>").is_err());
    let bomb = "<!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\">&b;</ContinuityOfCareRecord>";
    assert!(read(bomb).is_err());
    let external =
        "<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\">&ext;</ContinuityOfCareRecord>";
    assert!(read(external).unwrap_err().message.contains("not allowed"));
    let deep = format!(
        "<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\">{}{}</ContinuityOfCareRecord>",
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    );
    assert!(read(&deep).unwrap_err().message.contains("deeper"));
    let huge = vec![b' '; razcode_her::xml::MAX_SIZE + 1];
    assert!(razcode_her::ccr::read_bytes(&huge)
        .unwrap_err()
        .message
        .contains("larger"));
    assert!(razcode_her::ccr::read_bytes(
        b"<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\">\xff</ContinuityOfCareRecord>"
    )
    .unwrap_err()
    .message
    .contains("UTF-8"));
    let c = read("<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\"><Body><Problems><Problem><Description><Text>A &amp; B &#233;</Text></Description></Problem></Problems></Body></ContinuityOfCareRecord>").unwrap();
    assert_eq!(c.sections[0].items[0].text, "A & B é");
}

#[test]
fn fuzz_findings_stay_fixed() {
    // An encoding declaration followed by a non-ASCII byte instead of a quote.
    let _ = razcode_her::ccr::read_bytes(b"<?xml encoding=\xc3\xa9?><a/>");
    let _ = razcode_her::ccr::read_bytes(b"encoding=\xff");
    let _ = razcode_her::ccd::import_bytes(b"encoding=\xff");
    // Every seed and finding under fuzz/ is replayed by the gateway's
    // fuzz_replay test, through the same check as its fuzz target.
}

#[test]
fn the_fast_check_agrees_with_the_reader() {
    for p in xml_files("ccr/samples") {
        let text = razcode_her::xml::decode(&std::fs::read(&p).unwrap()).unwrap();
        let full = razcode_her::ccr::read(&text).is_ok();
        let fast = razcode_her::validate(&text).is_ok();
        assert_eq!(full, fast, "{}", p.display());
    }
    for bad in [
        "<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\">\n<Body>\n</Bod>\n</ContinuityOfCareRecord>",
        "<ContinuityOfCareRecord><Body/></ContinuityOfCareRecord>",
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>",
        "<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\"><Body>",
        "<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\">&ext;</ContinuityOfCareRecord>",
        "<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\"/><second/>",
        "<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\"/>trailing",
        "<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\"><x:y/></ContinuityOfCareRecord>",
        "<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\">&#0;</ContinuityOfCareRecord>",
    ] {
        assert!(razcode_her::validate(bad).is_err(), "{bad}");
        assert!(razcode_her::ccr::read(bad).is_err(), "{bad}");
    }
    // Namespaces: declarations hold for the element and what it contains.
    for (doc, ok) in [
        ("<c:ContinuityOfCareRecord xmlns:c=\"urn:astm-org:CCR\"><c:Body/></c:ContinuityOfCareRecord>", true),
        ("<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\"><x:b xmlns:x=\"urn:u\"><x:c/></x:b></ContinuityOfCareRecord>", true),
        ("<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\"><a xmlns:x=\"urn:u\"/><x:b/></ContinuityOfCareRecord>", false),
        ("<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\"><a xmlns:x=\"urn:u\"></a><x:b/></ContinuityOfCareRecord>", false),
        ("<c:ContinuityOfCareRecord xmlns:c=\"urn:other\"/>", false),
        ("<c:ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\"/>", false),
        ("<ContinuityOfCareRecord xmlns:c=\"urn:astm-org:CCR\"/>", false),
        ("<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\" xml:lang=\"en\"><xml:x/></ContinuityOfCareRecord>", true),
    ] {
        assert_eq!(razcode_her::validate(doc).is_ok(), ok, "{doc}");
        assert_eq!(razcode_her::ccr::read(doc).is_ok(), ok, "{doc}");
    }
    let e = razcode_her::validate("<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\">\n<Body>\n</Bod>\n</ContinuityOfCareRecord>").unwrap_err();
    assert_eq!(e.line(), Some(3));
    let deep = format!(
        "<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\">{}{}</ContinuityOfCareRecord>",
        "<a>".repeat(1000),
        "</a>".repeat(1000)
    );
    assert!(razcode_her::validate(&deep).is_err());
}

/// The gateway's streaming check (which lets quick-xml skip blanks) and the
/// full reader agree on what stands around and between elements.
#[test]
fn the_streaming_check_and_the_reader_agree_on_text_around_the_root() {
    use razcode_her::{ccr::read, validate};
    let root = |inner: &str| {
        format!(
            "<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\">{inner}</ContinuityOfCareRecord>"
        )
    };
    for (doc, ok) in [
        (format!("\n  {}\n\t ", root("\n <Body>\n </Body>\n")), true),
        (format!("{} stray", root("")), false),
        (format!("x{}", root("")), false),
        (root("<Body> a &amp; b <![CDATA[ c ]]> </Body>"), true),
        (root("<Body> a & b </Body>"), false),
        (root("<Body> &nbsp; </Body>"), false),
        (format!("{}&amp;", root("")), false),
    ] {
        let (checked, read) = (validate(&doc), read(&doc));
        assert_eq!(checked.is_ok(), ok, "validate {doc:?}: {checked:?}");
        assert_eq!(read.is_ok(), ok, "read {doc:?}: {:?}", read.err());
    }
}
