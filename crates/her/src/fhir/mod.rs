//! FHIR R4 from our records: a `Bundle` (type `collection`) a patient's health
//! apps can read, built from a CCR or from OMHE readings.
//!
//! Every resource carries the source's readable line as its narrative, so what
//! has no FHIR element (a code from an unnamed system, a date as free text, a
//! status FHIR has no code for) is kept as text, never dropped. The original
//! record rides along in a `DocumentReference`.
//!
//! Ids are UUIDs derived from one name-based UUID of the record's bytes: the
//! same record always makes the same Bundle.

mod ccr;
pub mod codes;
mod omhe;

use base64::Engine as _;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::Her;

/// The Bundle's media type.
pub const MEDIA_TYPE: &str = "application/fhir+json";

/// The FHIR R4 Bundle of a checked record; `original` is the record as staged.
pub fn bundle(her: &Her, original: &str) -> Value {
    match her {
        Her::Ccr(c) => ccr::bundle(c, original),
        Her::Omhe(m) => omhe::bundle(m, original),
    }
}

/// Reads a record by the protocol's rule and converts it.
pub fn convert(her: &str) -> Result<Value, crate::HerError> {
    Ok(bundle(&crate::check(her)?, her))
}

/// Collects resources into a Bundle, giving each a stable `urn:uuid:` id.
pub(crate) struct Builder {
    seed: Uuid,
    entries: Vec<Value>,
}

impl Builder {
    pub fn new(original: &str) -> Builder {
        Builder {
            seed: Uuid::new_v5(&Uuid::NAMESPACE_OID, original.as_bytes()),
            entries: Vec::new(),
        }
    }

    /// The id of the `n`th resource: the record's UUID with `n` added to its
    /// last bits (a version-8 UUID), so one hash of the record serves them all.
    pub fn id_for(&self, n: usize) -> String {
        let mut bytes = *self.seed.as_bytes();
        let tail = u64::from_be_bytes(bytes[8..].try_into().unwrap_or_default())
            .wrapping_add(n as u64 + 1);
        bytes[8..].copy_from_slice(&tail.to_be_bytes());
        Uuid::new_v8(bytes).to_string()
    }

    /// Adds a resource; returns its reference (`urn:uuid:...`).
    pub fn add(&mut self, kind: &str, mut resource: Map<String, Value>) -> String {
        let id = self.id_for(self.entries.len());
        let mut head = Map::new();
        head.insert("resourceType".into(), json!(kind));
        head.insert("id".into(), json!(id));
        head.append(&mut resource);
        let full = format!("urn:uuid:{id}");
        self.entries
            .push(json!({"fullUrl": full, "resource": Value::Object(head)}));
        full
    }

    pub fn finish(self) -> Value {
        json!({
            "resourceType": "Bundle",
            "id": Uuid::new_v8(*self.seed.as_bytes()).to_string(),
            "type": "collection",
            "entry": self.entries,
        })
    }
}

/// `{"reference": ...}`.
pub(crate) fn reference(to: &str) -> Value {
    json!({ "reference": to })
}

/// A generated narrative holding the source's words.
pub(crate) fn narrative(text: &str) -> Value {
    json!({
        "status": "generated",
        "div": format!(
            "<div xmlns=\"http://www.w3.org/1999/xhtml\">{}</div>",
            crate::xml::escape(text)
        ),
    })
}

/// A CodeableConcept of a text and a CCR code: a coding when the system is one
/// FHIR names, otherwise the code kept in the text.
pub(crate) fn concept(text: &str, code: Option<&(String, String)>) -> Value {
    let mut c = Map::new();
    let mut text = text.trim().to_string();
    if let Some((system, value)) = code {
        match codes::system_uri(system) {
            Some(uri) => {
                c.insert(
                    "coding".into(),
                    json!([{ "system": uri, "code": value.trim(), "display": text }]),
                );
            }
            None if system.trim().is_empty() => text = format!("{text} (code {value})"),
            None => text = format!("{text} ({system} {value})"),
        }
    }
    if text.is_empty() {
        text = "not named in the record".into();
    }
    c.insert("text".into(), json!(text));
    Value::Object(c)
}

/// A coded concept from a FHIR code system.
pub(crate) fn coded(system: &str, code: &str, display: &str) -> Value {
    json!({ "coding": [{ "system": system, "code": code, "display": display }], "text": display })
}

/// The `DocumentReference` carrying the original record.
pub(crate) fn original_document(
    b: &mut Builder,
    original: &str,
    content_type: &str,
    title: &str,
    patient: &str,
    encounter: &str,
) {
    let data = base64::engine::general_purpose::STANDARD.encode(original.as_bytes());
    let mut r = Map::new();
    r.insert("text".into(), narrative(title));
    r.insert("status".into(), json!("current"));
    r.insert("type".into(), json!({ "text": title }));
    r.insert("subject".into(), reference(patient));
    r.insert("description".into(), json!(title));
    r.insert(
        "content".into(),
        json!([{ "attachment": { "contentType": content_type, "data": data, "title": title } }]),
    );
    r.insert(
        "context".into(),
        json!({ "encounter": [reference(encounter)] }),
    );
    b.add("DocumentReference", r);
}

/// Builds a resource map from pairs, leaving out `Value::Null`s.
pub(crate) fn resource(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

/// Counts the Bundle's resources by type (what tests and `razdesk her fhir` report).
pub fn counts(bundle: &Value) -> std::collections::BTreeMap<String, usize> {
    let mut out = std::collections::BTreeMap::new();
    for e in bundle["entry"].as_array().into_iter().flatten() {
        if let Some(t) = e["resource"]["resourceType"].as_str() {
            *out.entry(t.to_string()).or_insert(0) += 1;
        }
    }
    out
}
