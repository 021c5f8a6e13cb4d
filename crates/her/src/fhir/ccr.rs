//! CCR → FHIR R4: one resource per CCR item, by section.

use serde_json::{json, Value};

use super::{coded, codes, concept, narrative, reference, resource, Builder};
use crate::ccr::{Ccr, Item, Patient, SectionKind, Test};

const CCR_MEDIA_TYPE: &str = "application/xml";
const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

pub fn bundle(ccr: &Ccr, original: &str) -> Value {
    let mut b = Builder::new(original);
    let patient = b.add("Patient", patient(&ccr.patient));
    let encounters: Vec<&Item> = ccr
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Encounters)
        .flat_map(|s| s.items.iter())
        .collect();
    // The visit is the first encounter, or the document itself when it lists none.
    let visit = match encounters.first() {
        Some(first) => b.add("Encounter", encounter(first, &patient, ccr)),
        None => b.add(
            "Encounter",
            encounter(
                &Item {
                    text: "Visit".into(),
                    date: ccr.visit_date.clone(),
                    ..Item::default()
                },
                &patient,
                ccr,
            ),
        ),
    };
    for other in encounters.iter().skip(1) {
        b.add("Encounter", encounter(other, &patient, ccr));
    }
    let at = Refs {
        patient: &patient,
        visit: &visit,
    };
    for section in &ccr.sections {
        for item in &section.items {
            match &section.kind {
                SectionKind::Encounters => {}
                SectionKind::Problems => {
                    b.add("Condition", condition(item, &at));
                }
                SectionKind::Alerts => {
                    b.add("AllergyIntolerance", allergy(item, &at));
                }
                SectionKind::Medications => {
                    b.add("MedicationStatement", medication(item, &at));
                }
                SectionKind::Immunizations => {
                    b.add("Immunization", immunization(item, &at));
                }
                SectionKind::Procedures => {
                    b.add("Procedure", procedure(item, &at));
                }
                SectionKind::VitalSigns | SectionKind::Results => {
                    let category = if section.kind == SectionKind::VitalSigns {
                        ("vital-signs", "Vital Signs")
                    } else {
                        ("laboratory", "Laboratory")
                    };
                    for o in observations(item, category, &at) {
                        b.add("Observation", o);
                    }
                }
                SectionKind::PlanOfCare => {
                    b.add("CarePlan", care_plan(item, &at));
                }
                SectionKind::Payers | SectionKind::Other(_) => {
                    b.add("Basic", kept_as_text(&section.kind, item, &at));
                }
            }
        }
    }
    super::original_document(
        &mut b,
        original,
        CCR_MEDIA_TYPE,
        "Continuity of Care Record (ASTM E2369), as the clinic sent it",
        &patient,
        &visit,
    );
    b.finish()
}

struct Refs<'a> {
    patient: &'a str,
    visit: &'a str,
}

type Fields = serde_json::Map<String, Value>;

fn patient(p: &Patient) -> Fields {
    let mut words = vec![p.name.clone().unwrap_or_else(|| "Patient".into())];
    words.extend(p.date_of_birth.as_ref().map(|d| format!("born {d}")));
    words.extend(p.gender.as_ref().map(|g| format!("gender {g}")));
    words.extend(p.ids.iter().map(|(t, v)| format!("{t} {v}")));
    let name = (p.name.is_some() || p.given.is_some() || p.family.is_some()).then(|| {
        let mut n = Fields::new();
        if let Some(t) = &p.name {
            n.insert("text".into(), json!(t));
        }
        if let Some(f) = &p.family {
            n.insert("family".into(), json!(f));
        }
        if let Some(g) = &p.given {
            n.insert("given".into(), json!([g]));
        }
        json!([n])
    });
    let identifiers: Vec<Value> = p
        .ids
        .iter()
        .map(|(t, v)| json!({ "type": { "text": t }, "value": v }))
        .collect();
    resource(vec![
        ("text", narrative(&words.join(", "))),
        (
            "identifier",
            if identifiers.is_empty() {
                Value::Null
            } else {
                json!(identifiers)
            },
        ),
        ("name", name.unwrap_or(Value::Null)),
        ("gender", p.gender.as_deref().map(gender).into()),
        (
            "birthDate",
            p.date_of_birth.as_deref().and_then(codes::date).into(),
        ),
    ])
}

fn gender(g: &str) -> &'static str {
    match g.trim().to_ascii_lowercase().as_str() {
        "m" | "male" => "male",
        "f" | "female" => "female",
        "o" | "other" => "other",
        _ => "unknown",
    }
}

fn encounter(item: &Item, patient: &str, ccr: &Ccr) -> Fields {
    let start = item.date.as_deref().and_then(codes::date_time);
    let mut words = item.text.clone();
    if let Some(d) = &item.date {
        words.push_str(&format!(" ({d})"));
    }
    if !ccr.from.is_empty() {
        words.push_str(&format!(", from {}", ccr.from.join(", ")));
    }
    resource(vec![
        ("text", narrative(&words)),
        ("status", json!(encounter_status(item.status.as_deref()))),
        (
            "class",
            json!({ "system": ACT_CODE, "code": "AMB", "display": "ambulatory" }),
        ),
        ("type", json!([concept(&item.text, item.code.as_ref())])),
        ("subject", reference(patient)),
        (
            "period",
            start.map(|s| json!({ "start": s })).unwrap_or(Value::Null),
        ),
        (
            "serviceProvider",
            ccr.from
                .first()
                .map(|f| json!({ "display": f }))
                .unwrap_or(Value::Null),
        ),
    ])
}

fn encounter_status(status: Option<&str>) -> &'static str {
    match status.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        Some("planned") | Some("scheduled") => "planned",
        Some("in progress") | Some("in-progress") | Some("active") => "in-progress",
        Some("cancelled") | Some("canceled") => "cancelled",
        Some(_) | None => "finished",
    }
}

/// The item's words, with its date and status as the CCR wrote them.
fn words(item: &Item) -> String {
    let mut w = item.text.clone();
    if let Some(d) = &item.date {
        w.push_str(&format!("; date {d}"));
    }
    if let Some(s) = &item.status {
        w.push_str(&format!("; status {s}"));
    }
    w
}

/// A note for a status FHIR has no code for, so it is not lost.
fn status_note(status: Option<&str>, mapped: bool) -> Value {
    match status {
        Some(s) if !mapped => json!([{ "text": format!("Status in the record: {s}") }]),
        _ => Value::Null,
    }
}

fn clinical_status(system: &str, status: Option<&str>, allowed: &[&str]) -> Option<Value> {
    let s = status?.trim().to_ascii_lowercase();
    let code = allowed.iter().find(|a| **a == s)?;
    Some(coded(system, code, code))
}

fn condition(item: &Item, at: &Refs) -> Fields {
    let status = clinical_status(
        "http://terminology.hl7.org/CodeSystem/condition-clinical",
        item.status.as_deref(),
        &[
            "active",
            "recurrence",
            "relapse",
            "inactive",
            "remission",
            "resolved",
        ],
    );
    let mapped = status.is_some();
    resource(vec![
        ("text", narrative(&words(item))),
        ("clinicalStatus", status.unwrap_or(Value::Null)),
        ("code", concept(&item.text, item.code.as_ref())),
        ("subject", reference(at.patient)),
        ("encounter", reference(at.visit)),
        (
            "onsetDateTime",
            item.date.as_deref().and_then(codes::date_time).into(),
        ),
        ("note", status_note(item.status.as_deref(), mapped)),
    ])
}

fn allergy(item: &Item, at: &Refs) -> Fields {
    let status = clinical_status(
        "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
        item.status.as_deref(),
        &["active", "inactive", "resolved"],
    );
    let mapped = status.is_some();
    resource(vec![
        ("text", narrative(&words(item))),
        ("clinicalStatus", status.unwrap_or(Value::Null)),
        ("code", concept(&item.text, item.code.as_ref())),
        ("patient", reference(at.patient)),
        ("encounter", reference(at.visit)),
        (
            "onsetDateTime",
            item.date.as_deref().and_then(codes::date_time).into(),
        ),
        ("note", status_note(item.status.as_deref(), mapped)),
    ])
}

fn medication(item: &Item, at: &Refs) -> Fields {
    let s = item
        .status
        .as_deref()
        .map(|s| s.trim().to_ascii_lowercase());
    let status = match s.as_deref() {
        Some("active") => Some("active"),
        Some("completed") | Some("complete") => Some("completed"),
        Some("stopped") | Some("discontinued") => Some("stopped"),
        Some("on hold") | Some("on-hold") => Some("on-hold"),
        Some("intended") | Some("prescribed") => Some("intended"),
        Some("not taken") | Some("not-taken") => Some("not-taken"),
        _ => None,
    };
    // The directions follow the product after a comma in the readable line.
    let (product, directions) = match item.text.split_once(", ") {
        Some((p, d)) => (p, Some(d)),
        None => (item.text.as_str(), None),
    };
    resource(vec![
        ("text", narrative(&words(item))),
        ("status", json!(status.unwrap_or("unknown"))),
        (
            "medicationCodeableConcept",
            concept(product, item.code.as_ref()),
        ),
        ("subject", reference(at.patient)),
        ("context", reference(at.visit)),
        (
            "effectiveDateTime",
            item.date.as_deref().and_then(codes::date_time).into(),
        ),
        (
            "dosage",
            directions
                .map(|d| json!([{ "text": d }]))
                .unwrap_or(Value::Null),
        ),
        (
            "note",
            status_note(item.status.as_deref(), status.is_some()),
        ),
    ])
}

fn immunization(item: &Item, at: &Refs) -> Fields {
    let when = item.date.as_deref().and_then(codes::date_time);
    resource(vec![
        ("text", narrative(&words(item))),
        ("status", json!("completed")),
        ("vaccineCode", concept(&item.text, item.code.as_ref())),
        ("patient", reference(at.patient)),
        ("encounter", reference(at.visit)),
        ("occurrenceDateTime", when.clone().into()),
        (
            "occurrenceString",
            if when.is_none() {
                json!(item
                    .date
                    .clone()
                    .unwrap_or_else(|| "date not recorded".into()))
            } else {
                Value::Null
            },
        ),
    ])
}

fn procedure(item: &Item, at: &Refs) -> Fields {
    let s = item
        .status
        .as_deref()
        .map(|s| s.trim().to_ascii_lowercase());
    let status = match s.as_deref() {
        Some("completed") | Some("complete") | Some("done") => Some("completed"),
        Some("active") | Some("in progress") | Some("in-progress") => Some("in-progress"),
        Some("not done") | Some("not-done") => Some("not-done"),
        Some("stopped") => Some("stopped"),
        Some("preparation") | Some("planned") => Some("preparation"),
        _ => None,
    };
    resource(vec![
        ("text", narrative(&words(item))),
        ("status", json!(status.unwrap_or("unknown"))),
        ("code", concept(&item.text, item.code.as_ref())),
        ("subject", reference(at.patient)),
        ("encounter", reference(at.visit)),
        (
            "performedDateTime",
            item.date.as_deref().and_then(codes::date_time).into(),
        ),
        (
            "note",
            status_note(item.status.as_deref(), status.is_some()),
        ),
    ])
}

fn observations(item: &Item, category: (&str, &str), at: &Refs) -> Vec<Fields> {
    let category = json!([coded(OBSERVATION_CATEGORY, category.0, category.1)]);
    if item.tests.is_empty() {
        return vec![resource(vec![
            ("text", narrative(&words(item))),
            ("status", json!("final")),
            ("category", category),
            ("code", concept(&item.text, item.code.as_ref())),
            ("subject", reference(at.patient)),
            ("encounter", reference(at.visit)),
            (
                "effectiveDateTime",
                item.date.as_deref().and_then(codes::date_time).into(),
            ),
        ])];
    }
    item.tests
        .iter()
        .map(|t| observation(t, item, category.clone(), at))
        .collect()
}

fn observation(t: &Test, item: &Item, category: Value, at: &Refs) -> Fields {
    let date = t.date.as_ref().or(item.date.as_ref());
    let mut line = t.name.clone();
    if let Some(v) = &t.value {
        line.push_str(&format!(" {v}"));
    }
    if let Some(u) = &t.unit {
        line.push_str(&format!(" {u}"));
    }
    if let Some(d) = date {
        line.push_str(&format!("; date {d}"));
    }
    // The item's heading (`Vital signs: ...`) says what the tests belong to.
    if let Some((head, _)) = item.text.split_once(": ") {
        line.push_str(&format!("; {head}"));
    }
    let (quantity, string) = value(t);
    resource(vec![
        ("text", narrative(&line)),
        ("status", json!("final")),
        ("category", category),
        ("code", concept(&t.name, t.code.as_ref())),
        ("subject", reference(at.patient)),
        ("encounter", reference(at.visit)),
        (
            "effectiveDateTime",
            date.and_then(|d| codes::date_time(d)).into(),
        ),
        ("valueQuantity", quantity),
        ("valueString", string),
    ])
}

/// A number becomes a Quantity (UCUM-coded when the unit is one we know); any
/// other result stays a string with its unit.
fn value(t: &Test) -> (Value, Value) {
    let Some(v) = &t.value else {
        return (Value::Null, Value::Null);
    };
    match codes::decimal(v) {
        Some(n) => {
            let mut q = serde_json::Map::new();
            q.insert("value".into(), Value::Number(n));
            if let Some(u) = &t.unit {
                q.insert("unit".into(), json!(u));
                if let Some(code) = codes::ucum(u) {
                    q.insert("system".into(), json!("http://unitsofmeasure.org"));
                    q.insert("code".into(), json!(code));
                }
            }
            (Value::Object(q), Value::Null)
        }
        None => {
            let s = match &t.unit {
                Some(u) => format!("{v} {u}"),
                None => v.clone(),
            };
            (Value::Null, json!(s))
        }
    }
}

fn care_plan(item: &Item, at: &Refs) -> Fields {
    resource(vec![
        ("text", narrative(&words(item))),
        ("status", json!("unknown")),
        ("intent", json!("plan")),
        ("description", json!(item.text)),
        ("subject", reference(at.patient)),
        ("encounter", reference(at.visit)),
    ])
}

/// What FHIR R4 has no plain resource for here (insurance without its payer's
/// details, sections outside the CCR's known set) stays readable as `Basic`.
fn kept_as_text(kind: &SectionKind, item: &Item, at: &Refs) -> Fields {
    resource(vec![
        (
            "text",
            narrative(&format!("{}: {}", kind.title(), words(item))),
        ),
        ("code", json!({ "text": kind.title() })),
        ("subject", reference(at.patient)),
    ])
}
