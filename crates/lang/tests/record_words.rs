//! A record in plain words: the sandbox's kind of visit written as a CCR by
//! the her crate's writer, read back, and put in words in each language.

use razcode_her::ccr::writer::{write, Coded, Medication, NewEncounter, NewPatient, Vital};
use razcode_her::{check, Her};
use razcode_lang::{ccr_in_words, omhe_in_words, Language, RecordWords, TimeZone};

fn visit() -> String {
    let vital = |name: &str, value: &str, unit: &str| Vital {
        name: name.into(),
        loinc: None,
        value: value.into(),
        unit: unit.into(),
    };
    write(&NewEncounter {
        document_id: "words-1".into(),
        created: "2026-12-05T09:30:00Z".into(),
        patient: NewPatient {
            given: "Ana".into(),
            family: "Ávila".into(),
            date_of_birth: Some("1984-03-02".into()),
            gender: Some("Female".into()),
            mrn: Some("SB-1001".into()),
            language: None,
        },
        clinic: "Sandbox Family Clinic".into(),
        provider: None,
        visit_date: "2026-12-05T09:30:00Z".into(),
        visit_kind: "Office Visit".into(),
        vitals: vec![
            vital("Systolic blood pressure", "118", "mm[Hg]"),
            vital("Body temperature", "38.1", "Cel"),
            vital("Body weight", "150", "[lb_av]"),
            vital("Heart rate", "72", "/min"),
            vital("Oddity", "3", "furlongs"),
        ],
        medications: vec![Medication {
            name: Coded::text("Amoxicillin 500 MG Oral Capsule"),
            directions: None,
        }],
        ..NewEncounter::default()
    })
}

fn words(lang: Language) -> RecordWords {
    let Ok(Her::Ccr(ccr)) = check(&visit()) else {
        panic!("the written CCR reads back")
    };
    ccr_in_words(lang, &ccr, &TimeZone::UTC)
}

fn all_text(w: &RecordWords) -> String {
    let mut s = String::new();
    for f in &w.facts {
        s.push_str(&format!("{}: {}\n", f.label, f.value));
    }
    for sec in &w.sections {
        s.push_str(&format!("## {}\n", sec.title));
        for i in &sec.items {
            s.push_str(&format!(
                "- {} [{}]\n",
                i.text,
                i.when.clone().unwrap_or_default()
            ));
        }
    }
    s
}

#[test]
fn units_dates_sex_and_titles_read_as_people_write_them() {
    let en = all_text(&words(Language::En));
    for want in [
        "Gender: Female",
        "Date of birth: Mar 2, 1984",
        "Visit: Dec 5, 2026, 9:30 AM",
        "## Vital signs",
        "## Medications",
        "Systolic blood pressure 118 mmHg",
        "Body temperature 38.1 °C",
        "Body weight 150 lb",
        "Heart rate 72 /min",
        // A unit we do not know stays as the record gave it.
        "Oddity 3 furlongs",
        "Amoxicillin 500 MG Oral Capsule",
    ] {
        assert!(en.contains(want), "{want:?} in\n{en}");
    }
    for raw in ["mm[Hg]", "Cel", "[lb_av]", "+00:00", "T09:30"] {
        assert!(!en.contains(raw), "{raw:?} left raw in\n{en}");
    }
}

#[test]
fn spanish_and_chinese_readers_get_their_own_words() {
    let es = all_text(&words(Language::Es));
    for want in [
        "Sexo: Femenino",
        "## Signos vitales",
        "## Medicamentos",
        "Body temperature 38,1 °C",
        "5 dic 2026",
    ] {
        assert!(es.contains(want), "{want:?} in\n{es}");
    }
    for english in ["Female", "Vital signs", "Medications", "Gender"] {
        assert!(
            !es.contains(english),
            "{english:?} left in English in\n{es}"
        );
    }
    let zh = all_text(&words(Language::ZhHans));
    for want in ["女", "生命体征", "2026年12月5日", "38.1 °C"] {
        assert!(zh.contains(want), "{want:?} in\n{zh}");
    }
}

#[test]
fn omhe_measurements_are_named_and_their_units_written() {
    let Ok(Her::Omhe(messages)) = check("bp=120/80p60#dt20261205:093000z\nwt=150.5k") else {
        panic!("the OMHE reads")
    };
    let m = omhe_in_words(Language::Es, &messages, &TimeZone::UTC);
    assert_eq!(m[0].kind, "Presión arterial");
    assert_eq!(m[0].values, "120/80 mmHg, pulso 60/min");
    assert_eq!(m[1].kind, "Peso");
    assert_eq!(m[1].values, "150,5 kg");
    assert_eq!(m[0].when.as_deref(), Some("5 dic 2026, 9:30"));
}
