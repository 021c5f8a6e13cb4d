//! A health record in plain words, in the reader's language: what the
//! patient's record page, `razdesk her show` and the app's preview show.
//! Dates as the language writes them (the date alone where the record gives
//! no time), units as people write them, sex and section titles from the
//! catalog. What the clinic wrote (a medication's name, a problem) stays as
//! written: it is the record, not our words.

use crate::units::measure;
use crate::{text, text_with, visit_date, Language};
use jiff::tz::TimeZone;
use razcode_her::ccr::{Ccr, Item, SectionKind, Test};
use razcode_her::omhe::Message;
use serde::Serialize;

/// A CCR as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordWords {
    /// The patient and the visit: label and value, in order.
    pub facts: Vec<Fact>,
    pub sections: Vec<SectionWords>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionWords {
    /// The section's key, as `her check` names it (`vital_signs`).
    pub key: String,
    pub title: String,
    pub items: Vec<ItemWords>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemWords {
    pub text: String,
    /// When, as the language writes it.
    pub when: Option<String>,
}

/// One OMHE measurement as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeasurementWords {
    pub kind: String,
    pub values: String,
    pub when: Option<String>,
}

/// A record (CCR or OMHE) in words; a record that does not read, none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum HerWords {
    Ccr(RecordWords),
    Omhe { measurements: Vec<MeasurementWords> },
}

/// A record as `razcode_her::check` reads it, in `lang`, its times in `tz`.
pub fn her_in_words(lang: Language, her: &str, tz: &TimeZone) -> Option<HerWords> {
    match razcode_her::check(her).ok()? {
        razcode_her::Her::Ccr(ccr) => Some(HerWords::Ccr(ccr_in_words(lang, &ccr, tz))),
        razcode_her::Her::Omhe(messages) => Some(HerWords::Omhe {
            measurements: omhe_in_words(lang, &messages, tz),
        }),
    }
}

/// A CCR in `lang`, its times in `tz`.
pub fn ccr_in_words(lang: Language, ccr: &Ccr, tz: &TimeZone) -> RecordWords {
    let date = |d: &Option<String>| d.as_deref().map(|d| visit_date(lang, d, tz));
    let facts = [
        ("page-record-patient", ccr.patient.name.clone()),
        // A birth is a day: the time some producers add is not shown.
        (
            "page-record-birth",
            ccr.patient
                .date_of_birth
                .as_deref()
                .map(|d| visit_date(lang, d.get(..10).unwrap_or(d), tz)),
        ),
        (
            "page-record-gender",
            ccr.patient.gender.as_deref().map(|g| sex(lang, g)),
        ),
        ("page-record-visit", date(&ccr.visit_date)),
        (
            "page-record-from",
            (!ccr.from.is_empty()).then(|| ccr.from.join(", ")),
        ),
    ]
    .into_iter()
    .filter_map(|(label, value)| {
        Some(Fact {
            label: text(lang, label),
            value: value?,
        })
    })
    .collect();
    let sections = ccr
        .sections
        .iter()
        .map(|s| SectionWords {
            key: s.kind.key(),
            title: section_title(lang, &s.kind),
            items: s
                .items
                .iter()
                .map(|item| ItemWords {
                    text: item_text(lang, &s.kind, item),
                    when: date(&item.date),
                })
                .collect(),
        })
        .collect();
    RecordWords { facts, sections }
}

/// A section's title in `lang`; a section the standard does not name keeps
/// the producer's title.
pub fn section_title(lang: Language, kind: &SectionKind) -> String {
    let id = match kind {
        SectionKind::Payers => "section-payers",
        SectionKind::Problems => "section-problems",
        SectionKind::Alerts => "section-alerts",
        SectionKind::Medications => "section-medications",
        SectionKind::Immunizations => "section-immunizations",
        SectionKind::VitalSigns => "section-vital-signs",
        SectionKind::Results => "section-results",
        SectionKind::Procedures => "section-procedures",
        SectionKind::Encounters => "section-encounters",
        SectionKind::PlanOfCare => "section-plan-of-care",
        SectionKind::Other(name) => match name.as_str() {
            // The standard's other sections, by their element names.
            "SocialHistory" => "section-social-history",
            "FamilyHistory" => "section-family-history",
            "AdvanceDirectives" => "section-advance-directives",
            "FunctionalStatus" => "section-functional-status",
            "MedicalEquipment" => "section-medical-equipment",
            "HealthCareProviders" => "section-care-team",
            "Support" => "section-support",
            _ => return name.clone(),
        },
    };
    text(lang, id)
}

/// Sex or gender as the record codes it (`F`, `Female`, HL7's `UN`), in
/// `lang`; a value we do not know as written.
pub fn sex(lang: Language, raw: &str) -> String {
    let id = match raw.trim().to_ascii_lowercase().as_str() {
        "f" | "female" | "woman" => "sex-female",
        "m" | "male" | "man" => "sex-male",
        "o" | "other" | "un" | "undifferentiated" => "sex-other",
        "u" | "unk" | "unknown" | "not known" => "sex-unknown",
        _ => return raw.trim().to_string(),
    };
    text(lang, id)
}

/// An item's line: measurements rebuilt from their values and units, an
/// alert's reaction in the catalog's words, anything else as written.
fn item_text(lang: Language, kind: &SectionKind, item: &Item) -> String {
    if !item.tests.is_empty() {
        let tests: Vec<String> = item.tests.iter().map(|t| test_text(lang, t)).collect();
        // A heading that only repeats the section's name (`Vital signs`,
        // as producers write it) says nothing the title does not.
        let heading = item
            .heading
            .as_ref()
            .filter(|h| !h.trim().eq_ignore_ascii_case(&kind.title()));
        return match heading {
            Some(h) if item.tests.len() == 1 && item.tests[0].name.starts_with(h.as_str()) => {
                tests[0].clone()
            }
            Some(h) => text_with(
                lang,
                "record-item-tests",
                &[("heading", h), ("tests", &tests.join("; "))],
            ),
            None => tests.join("; "),
        };
    }
    if let Some(r) = &item.reaction {
        let what = item
            .text
            .strip_suffix(&format!(" (reaction: {r})"))
            .unwrap_or(&item.text);
        return text_with(
            lang,
            "record-item-reaction",
            &[("what", what), ("reaction", r)],
        );
    }
    item.text.clone()
}

fn test_text(lang: Language, t: &Test) -> String {
    match &t.value {
        Some(v) => text_with(
            lang,
            "record-item-test",
            &[
                ("name", &t.name),
                ("value", &measure(lang, v, t.unit.as_deref())),
            ],
        ),
        None => t.name.clone(),
    }
}

/// OMHE measurements in `lang`, their times in `tz`.
pub fn omhe_in_words(lang: Language, messages: &[Message], tz: &TimeZone) -> Vec<MeasurementWords> {
    messages
        .iter()
        .map(|m| MeasurementWords {
            kind: {
                let id = format!("omhe-{}", m.omhe);
                let k = text(lang, &id);
                // A command the catalog does not name reads as its code.
                if k == id {
                    m.omhe.to_string()
                } else {
                    k
                }
            },
            values: omhe_values(lang, m),
            when: m
                .event_time
                .as_ref()
                .map(|t| visit_date(lang, &t.text(), tz)),
        })
        .collect()
}

/// A message's values: blood pressure as people write it, weights with
/// their unit, other numbers with the language's decimal mark.
fn omhe_values(lang: Language, m: &Message) -> String {
    let field = |name: &str| {
        m.fields
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    };
    if m.omhe == "bp" {
        if let (Some(s), Some(d)) = (field("bp_systolic"), field("bp_diastolic")) {
            let bp = format!("{s}/{d} mmHg");
            return match field("bp_pulse") {
                Some(p) => text_with(lang, "omhe-bp-pulse", &[("bp", &bp), ("pulse", p)]),
                None => bp,
            };
        }
    }
    let mut out = Vec::new();
    for (k, v) in &m.fields {
        if k.ends_with("_measure_unit") {
            continue;
        }
        let unit = k
            .strip_suffix("_numeric")
            .and_then(|stem| field(&format!("{stem}_measure_unit")))
            .map(|u| match u {
                "k" => "kg",
                _ => "[lb_av]",
            });
        out.push(match (k.ends_with("_numeric"), unit) {
            (true, u) => measure(lang, v, u),
            (false, _) => v.clone(),
        });
    }
    out.join(", ")
}
