//! OMHE → FHIR R4: each reading an `Observation` (LOINC-coded where the
//! reading has one plain code), messages that are not readings kept as `Basic`.

use serde_json::{json, Value};

use super::{coded, codes, narrative, reference, resource, Builder};
use crate::omhe::{tz_text, Message};

const LOINC: &str = "http://loinc.org";
const UCUM: &str = "http://unitsofmeasure.org";
const CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

/// `(LOINC, display, UCUM unit, category)` of the readings with one plain code.
fn known(
    omhe: &str,
) -> Option<(
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
)> {
    Some(match omhe {
        "bp" => ("85354-9", "Blood pressure panel", None, "vital-signs"),
        "bg" => (
            "2339-0",
            "Glucose [Mass/volume] in Blood",
            Some("mg/dL"),
            "laboratory",
        ),
        "wt" => ("29463-7", "Body weight", None, "vital-signs"),
        "pbf" => (
            "41982-0",
            "Percentage of body fat Measured",
            Some("%"),
            "vital-signs",
        ),
        "st" => ("55423-8", "Number of steps", Some("{steps}"), "activity"),
        "pn" => (
            "72514-3",
            "Pain severity - 0-10 verbal numeric rating",
            Some("{score}"),
            "survey",
        ),
        "hivcd4" => (
            "24467-3",
            "CD4 cells [#/volume] in Blood",
            Some("/uL"),
            "laboratory",
        ),
        "hivvl" => (
            "20447-9",
            "HIV 1 RNA [#/volume] (viral load)",
            Some("{copies}/mL"),
            "laboratory",
        ),
        _ => return None,
    })
}

/// Readable names for the readings without a plain LOINC code.
fn title(omhe: &str) -> &'static str {
    match omhe {
        "fm" => "Fat mass",
        "ffm" => "Fat-free mass",
        "md" => "Mood (0-10)",
        "zeo" => "Sleep score (0-100)",
        "frt" => "Fruit servings",
        "veg" => "Vegetable servings",
        "jnk" => "Junk food servings",
        "wtr" => "Water servings",
        "alc" => "Alcohol servings",
        "ptn" => "Protein servings",
        "crb" => "Carbohydrate servings",
        "dry" => "Dairy servings",
        "drk" => "Drinks",
        "frv" => "Fruit or vegetable eaten",
        "ci" => "Check-in",
        "eat" => "What the patient ate",
        "gym" => "Workout",
        "que" => "Question",
        "ans" => "Answer",
        "sch" => "Starch",
        "pts" => "Points",
        _ => "OMHE message",
    }
}

/// Messages that ask for something rather than report a reading.
fn is_request(omhe: &str) -> bool {
    matches!(omhe, "sbp" | "gbp" | "yes")
}

pub fn bundle(messages: &[Message], original: &str) -> Value {
    let mut b = Builder::new(original);
    let patient = b.add(
        "Patient",
        resource(vec![(
            "text",
            narrative("The patient of this visit (OMHE readings carry no demographics)"),
        )]),
    );
    let visit = b.add(
        "Encounter",
        resource(vec![
            (
                "text",
                narrative("Visit at which the readings were handed over"),
            ),
            ("status", json!("finished")),
            (
                "class",
                json!({
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                    "code": "AMB",
                    "display": "ambulatory"
                }),
            ),
            ("subject", reference(&patient)),
        ]),
    );
    for m in messages {
        let line = original
            .lines()
            .nth(m.line.saturating_sub(1))
            .unwrap_or("")
            .trim();
        if is_request(m.omhe) {
            b.add(
                "Basic",
                resource(vec![
                    ("text", narrative(&format!("OMHE line {}: {line}", m.line))),
                    ("code", json!({ "text": format!("OMHE {}", m.omhe) })),
                    ("subject", reference(&patient)),
                ]),
            );
        } else {
            b.add("Observation", observation(m, line, &patient, &visit));
        }
    }
    super::original_document(
        &mut b,
        original,
        "text/plain",
        "OMHE readings, as the clinic sent them",
        &patient,
        &visit,
    );
    b.finish()
}

fn observation(
    m: &Message,
    line: &str,
    patient: &str,
    visit: &str,
) -> serde_json::Map<String, Value> {
    let known = known(m.omhe);
    let code = match known {
        Some((loinc, display, _, _)) => coded(LOINC, loinc, display),
        None => json!({ "text": title(m.omhe) }),
    };
    let category = known.map(|k| k.3).map(|c| json!([coded(CATEGORY, c, c)]));
    let mut notes: Vec<Value> = m
        .tags
        .iter()
        .map(|t| json!({ "text": format!("#{t}") }))
        .collect();
    if let Some(p) = &m.points {
        notes.push(json!({ "text": format!("points {p}") }));
    }
    let (value, components) = if m.omhe == "bp" {
        (None, blood_pressure(m))
    } else {
        (reading_value(m, known.and_then(|k| k.2)), Value::Null)
    };
    let mut r = resource(vec![
        ("text", narrative(&format!("OMHE line {}: {line}", m.line))),
        ("status", json!("final")),
        ("category", category.unwrap_or(Value::Null)),
        ("code", code),
        ("subject", reference(patient)),
        ("encounter", reference(visit)),
        ("effectiveDateTime", effective(m).into()),
        ("component", components),
        (
            "note",
            if notes.is_empty() {
                Value::Null
            } else {
                Value::Array(notes)
            },
        ),
    ]);
    if let Some((k, v)) = value {
        r.insert(k.into(), v);
    }
    r
}

fn effective(m: &Message) -> Option<String> {
    let t = m.event_time.as_ref()?;
    let text = t.text();
    if t.utc {
        return Some(text);
    }
    match m.tz {
        Some(tz) => Some(format!("{text}{}", tz_text(tz))),
        // A time without a zone cannot be a FHIR dateTime: the day is kept.
        None => text.get(..10).map(str::to_string),
    }
}

fn quantity(value: &str, unit: Option<&str>) -> Option<Value> {
    let n = codes::decimal(value)?;
    let mut q = serde_json::Map::new();
    q.insert("value".into(), Value::Number(n));
    if let Some(u) = unit {
        q.insert("unit".into(), json!(u));
        q.insert("system".into(), json!(UCUM));
        q.insert("code".into(), json!(u));
    }
    Some(Value::Object(q))
}

fn blood_pressure(m: &Message) -> Value {
    let part = |field: &str, loinc: &str, display: &str, unit: &str| {
        let v = m.field(field)?;
        Some(json!({
            "code": coded(LOINC, loinc, display),
            "valueQuantity": quantity(v, Some(unit))?,
        }))
    };
    let parts: Vec<Value> = [
        part("bp_systolic", "8480-6", "Systolic blood pressure", "mm[Hg]"),
        part(
            "bp_diastolic",
            "8462-4",
            "Diastolic blood pressure",
            "mm[Hg]",
        ),
        part("bp_pulse", "8867-4", "Heart rate", "/min"),
    ]
    .into_iter()
    .flatten()
    .collect();
    json!(parts)
}

/// The reading's value: a Quantity for a number (pounds and kilograms as UCUM),
/// a string for text; `None` for a message with no value.
fn reading_value(m: &Message, unit: Option<&'static str>) -> Option<(&'static str, Value)> {
    let mass_unit = m
        .fields
        .iter()
        .find(|(k, _)| k.ends_with("_measure_unit"))
        .map(|(_, u)| if u == "k" { "kg" } else { "[lb_av]" });
    let numeric = m
        .fields
        .iter()
        .find(|(k, _)| k.ends_with("_numeric") || k.ends_with("_count"));
    if let Some((_, v)) = numeric {
        if let Some(q) = quantity(v, mass_unit.or(unit)) {
            return Some(("valueQuantity", q));
        }
    }
    let text: Vec<&str> = m
        .fields
        .iter()
        .filter(|(k, v)| !k.ends_with("_measure_unit") && !v.trim().is_empty())
        .map(|(_, v)| v.as_str())
        .collect();
    (!text.is_empty()).then(|| ("valueString", json!(text.join(" "))))
}
