//! CCD / C-CDA import: the documents today's EHRs export (HITSP C32, C-CDA R1.1
//! and R2.1) mapped into a typed encounter, and so into a CCR that validates.
//!
//! Sections are found by their LOINC code wherever they nest; entry text comes
//! from `displayName`, `originalText` or the narrative the entry points to.

use crate::ccr::writer::{
    self, Coded, Medication, NewEncounter, NewPatient, PastEncounter, Result, Vital,
};
use crate::xml::{self, Element, Node, XmlError};
use std::collections::HashMap;

pub const NAMESPACE: &str = "urn:hl7-org:v3";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CcdError {
    #[error(transparent)]
    Xml(#[from] XmlError),
    #[error("this is not a CDA document: the root is {0}, not ClinicalDocument in urn:hl7-org:v3")]
    NotCda(String),
    #[error("the document names no patient (recordTarget/patientRole/patient)")]
    NoPatient,
}

/// Reads a CCD from bytes and returns the encounter it describes.
pub fn import_bytes(bytes: &[u8]) -> std::result::Result<NewEncounter, CcdError> {
    import(&xml::decode_borrowed(bytes)?)
}

/// Reads a CCD and writes the CCR for it.
pub fn to_ccr(text: &str) -> std::result::Result<String, CcdError> {
    Ok(writer::write(&import(text)?))
}

struct Doc<'a> {
    ids: HashMap<&'a str, Element<'a>>,
}

fn deep_text(e: Element) -> String {
    let mut out = String::new();
    fn walk(e: Element, out: &mut String) {
        for c in e.nodes() {
            match c {
                Node::Text(t) => {
                    if !out.is_empty() && !out.ends_with(' ') {
                        out.push(' ');
                    }
                    out.push_str(t.trim());
                }
                Node::Element(c) => walk(c, out),
            }
        }
    }
    walk(e, &mut out);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn index<'a>(e: Element<'a>, ids: &mut HashMap<&'a str, Element<'a>>) {
    if let Some(id) = e.attr("ID") {
        ids.insert(id, e);
    }
    for c in e.elements() {
        index(c, ids);
    }
}

impl Doc<'_> {
    /// The readable name of a coded element: displayName, originalText, or the
    /// narrative its reference points to.
    fn name(&self, code: Option<Element>) -> Option<String> {
        let code = code?;
        if let Some(d) = code.attr("displayName").filter(|d| !d.trim().is_empty()) {
            return Some(d.trim().to_string());
        }
        let ot = code.child("originalText");
        if let Some(t) = ot.and_then(Element::text) {
            return Some(t);
        }
        let reference = ot
            .and_then(|o| o.child("reference"))
            .and_then(|r| r.attr("value"))?;
        let target = self.ids.get(reference.trim_start_matches('#'))?;
        let t = deep_text(*target);
        (!t.is_empty()).then_some(t)
    }

    fn coded(&self, code: Option<Element>) -> Option<Coded> {
        let text = self.name(code)?;
        let code = code.and_then(|c| {
            let value = c.attr("code")?;
            let system = c
                .attr("codeSystemName")
                .map(str::to_string)
                .unwrap_or_else(|| system_name(c.attr("codeSystem").unwrap_or("")));
            Some((system, value.to_string()))
        });
        Some(Coded { text, code })
    }
}

fn system_name(oid: &str) -> String {
    match oid {
        "2.16.840.1.113883.6.1" => "LOINC".into(),
        "2.16.840.1.113883.6.96" => "SNOMED CT".into(),
        "2.16.840.1.113883.6.88" => "RxNorm".into(),
        "2.16.840.1.113883.6.90" => "ICD10-CM".into(),
        "2.16.840.1.113883.6.103" => "ICD9-CM".into(),
        "2.16.840.1.113883.6.12" => "CPT-4".into(),
        "2.16.840.1.113883.12.292" => "CVX".into(),
        other => other.to_string(),
    }
}

/// An HL7 timestamp (`20120806143000-0500`) as ISO 8601.
pub fn iso_time(ts: &str) -> Option<String> {
    let ts = ts.trim();
    let (digits, zone) = match ts.find(['+', '-']) {
        Some(i) => (&ts[..i], Some(&ts[i..])),
        None => (ts, None),
    };
    let digits = digits.split('.').next().unwrap_or("");
    if digits.len() < 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut out = digits[..4].to_string();
    if digits.len() >= 6 {
        out.push_str(&format!("-{}", &digits[4..6]));
    }
    if digits.len() >= 8 {
        out.push_str(&format!("-{}", &digits[6..8]));
    }
    if digits.len() >= 12 {
        out.push_str(&format!("T{}:{}", &digits[8..10], &digits[10..12]));
        if digits.len() >= 14 {
            out.push_str(&format!(":{}", &digits[12..14]));
        }
        if let Some(z) = zone.filter(|z| z.len() == 5) {
            out.push_str(&format!("{}:{}", &z[..3], &z[3..]));
        }
    }
    Some(out)
}

fn time_of(e: Option<Element>) -> Option<String> {
    let e = e?;
    e.attr("value")
        .or_else(|| e.child("low").and_then(|l| l.attr("value")))
        .or_else(|| e.child("center").and_then(|l| l.attr("value")))
        .and_then(iso_time)
}

fn person_name(name: Option<Element>) -> Option<String> {
    let name = name?;
    let parts: Vec<String> = name
        .elements()
        .filter(|e| matches!(e.local(), "prefix" | "given" | "family" | "suffix"))
        .filter_map(Element::text)
        .collect();
    if parts.is_empty() {
        name.text()
    } else {
        Some(parts.join(" "))
    }
}

/// Every `section`, however deep it nests.
fn sections<'a>(root: Element<'a>) -> Vec<Element<'a>> {
    root.descendants("section")
}

fn entries<'a>(section: Element<'a>) -> impl Iterator<Item = Element<'a>> {
    section
        .children_named("entry")
        .filter_map(|e| e.elements().next())
}

/// The value of an observation as text with its unit.
fn value_text(doc: &Doc, obs: Element) -> Option<(String, Option<String>)> {
    let v = obs.child("value")?;
    if let Some(val) = v.attr("value") {
        return Some((
            val.to_string(),
            v.attr("unit").filter(|u| *u != "1").map(str::to_string),
        ));
    }
    if let Some(t) = doc.name(Some(v)) {
        return Some((t, None));
    }
    v.text().map(|t| (t, None))
}

/// Imports a CCD document.
pub fn import(text: &str) -> std::result::Result<NewEncounter, CcdError> {
    let doc = xml::parse(text)?;
    let root = doc.root();
    if root.local() != "ClinicalDocument" || root.namespace() != Some(NAMESPACE) {
        return Err(CcdError::NotCda(root.local().to_string()));
    }
    let mut ids = HashMap::new();
    index(root, &mut ids);
    let doc = Doc { ids };
    let role = root
        .path(&["recordTarget", "patientRole"])
        .ok_or(CcdError::NoPatient)?;
    let patient = role.child("patient").ok_or(CcdError::NoPatient)?;
    let name = patient.child("name");
    let given: Vec<String> = name
        .map(|n| {
            n.children_named("given")
                .filter_map(Element::text)
                .collect()
        })
        .unwrap_or_default();
    let gender = patient
        .child("administrativeGenderCode")
        .and_then(|g| match g.attr("code") {
            Some("F") => Some("Female".to_string()),
            Some("M") => Some("Male".to_string()),
            Some("UN") => Some("Undifferentiated".to_string()),
            _ => g.attr("displayName").map(str::to_string),
        });
    let mrn = role
        .children_named("id")
        .find_map(|i| i.attr("extension").map(str::to_string));
    // The language the patient prefers (preferenceInd true), else the first
    // one the document names.
    let spoken: Vec<Element> = patient.children_named("languageCommunication").collect();
    let language = spoken
        .iter()
        .find(|l| l.path(&["preferenceInd"]).and_then(|p| p.attr("value")) == Some("true"))
        .or(spoken.first())
        .and_then(|l| l.child("languageCode"))
        .and_then(|c| c.attr("code"))
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let created = time_of(root.child("effectiveTime")).unwrap_or_default();
    // A summary document's serviceEvent spans the patient's whole history, so
    // without an encompassing encounter the document's own time is the visit.
    let visit_date = time_of(root.path(&["componentOf", "encompassingEncounter", "effectiveTime"]))
        .unwrap_or_else(|| created.clone());
    let clinic = root
        .path(&[
            "custodian",
            "assignedCustodian",
            "representedCustodianOrganization",
            "name",
        ])
        .and_then(Element::text)
        .or_else(|| {
            root.path(&[
                "author",
                "assignedAuthor",
                "representedOrganization",
                "name",
            ])
            .and_then(Element::text)
        })
        .unwrap_or_else(|| "Unknown organization".into());
    let provider = person_name(root.path(&[
        "documentationOf",
        "serviceEvent",
        "performer",
        "assignedEntity",
        "assignedPerson",
        "name",
    ]))
    .or_else(|| person_name(root.path(&["author", "assignedAuthor", "assignedPerson", "name"])));
    let document_id = root
        .child("id")
        .map(|i| match (i.attr("root"), i.attr("extension")) {
            (Some(r), Some(x)) => format!("{r}^{x}"),
            (Some(r), None) => r.to_string(),
            _ => String::new(),
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "imported-ccd".into());
    let mut enc = NewEncounter {
        document_id,
        created: if created.is_empty() {
            visit_date.clone()
        } else {
            created
        },
        patient: NewPatient {
            given: given.join(" "),
            family: name
                .and_then(|n| n.text_at(&["family"]))
                .unwrap_or_default(),
            date_of_birth: patient
                .child("birthTime")
                .and_then(|b| b.attr("value"))
                .and_then(iso_time),
            gender,
            mrn,
            language,
        },
        clinic,
        provider,
        visit_date,
        visit_kind: "Office Visit".into(),
        ..NewEncounter::default()
    };
    for section in sections(root) {
        let code = section
            .child("code")
            .and_then(|c| c.attr("code"))
            .unwrap_or("");
        match code {
            "11450-4" => enc
                .problems
                .extend(entries(section).filter_map(|e| problem(&doc, e))),
            "48765-2" => enc
                .allergies
                .extend(entries(section).filter_map(|e| allergy(&doc, e))),
            "10160-0" => enc.medications.extend(entries(section).filter_map(|e| {
                Some(Medication {
                    name: product(&doc, e)?,
                    directions: None,
                })
            })),
            "11369-6" => enc
                .immunizations
                .extend(entries(section).filter_map(|e| product(&doc, e))),
            "8716-3" => {
                enc.vitals
                    .extend(entries(section).flat_map(|e| observations(&doc, e)).map(
                        |(name, value, unit, _)| {
                            Vital {
                                loinc: name
                                    .code
                                    .as_ref()
                                    .filter(|(s, _)| s == "LOINC")
                                    .map(|(_, v)| v.clone()),
                                name: name.text,
                                value,
                                unit: unit.unwrap_or_default(),
                            }
                        },
                    ))
            }
            "30954-2" => {
                enc.results
                    .extend(entries(section).flat_map(|e| observations(&doc, e)).map(
                        |(name, value, unit, date)| Result {
                            name,
                            value,
                            unit,
                            date,
                        },
                    ))
            }
            "47519-4" => enc
                .procedures
                .extend(entries(section).filter_map(|e| doc.coded(e.child("code")))),
            "46240-8" => enc
                .other_encounters
                .extend(entries(section).filter_map(|e| {
                    Some(PastEncounter {
                        kind: doc.coded(e.child("code"))?,
                        date: time_of(e.child("effectiveTime")),
                    })
                })),
            "18776-5" => enc.plan.extend(entries(section).filter_map(|e| {
                doc.name(e.child("code"))
                    .or_else(|| e.child("text").map(deep_text).filter(|t| !t.is_empty()))
            })),
            _ => {}
        }
    }
    Ok(enc)
}

/// The problem an entry names: the value of its problem observation.
fn problem(doc: &Doc, entry: Element) -> Option<Coded> {
    entry
        .descendants("observation")
        .into_iter()
        .find_map(|o| doc.coded(o.child("value")))
        .or_else(|| doc.coded(entry.child("code")))
}

fn allergy(doc: &Doc, entry: Element) -> Option<Coded> {
    let agent = entry
        .descendants("playingEntity")
        .into_iter()
        .find_map(|p| doc.name(p.child("code")).or_else(|| p.text_at(&["name"])));
    let reaction = entry
        .descendants("entryRelationship")
        .into_iter()
        .filter(|r| r.attr("typeCode") == Some("MFST"))
        .find_map(|r| {
            r.child("observation")
                .and_then(|o| doc.name(o.child("value")))
        });
    let agent = agent.or_else(|| {
        entry
            .descendants("observation")
            .into_iter()
            .find_map(|o| doc.name(o.child("value")))
    })?;
    Some(Coded::text(match reaction {
        Some(r) => format!("{agent} (reaction: {r})"),
        None => agent,
    }))
}

fn product(doc: &Doc, entry: Element) -> Option<Coded> {
    let material = entry
        .descendants("manufacturedMaterial")
        .into_iter()
        .next()?;
    doc.coded(material.child("code"))
        .or_else(|| material.text_at(&["name"]).map(Coded::text))
}

/// `(name, value, unit, date)` of every observation in an entry (organizers included).
fn observations(doc: &Doc, entry: Element) -> Vec<(Coded, String, Option<String>, Option<String>)> {
    // The entry's own observation, or an organizer's components; observations
    // nested in entryRelationships are status and interpretation, not results.
    let obs: Vec<Element> = if entry.local() == "observation" {
        vec![entry]
    } else {
        entry
            .children_named("component")
            .filter_map(|c| c.child("observation"))
            .collect()
    };
    obs.into_iter()
        .filter_map(|o| {
            let name = doc.coded(o.child("code"))?;
            let (value, unit) = value_text(doc, o)?;
            Some((name, value, unit, time_of(o.child("effectiveTime"))))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::iso_time;

    #[test]
    fn hl7_times() {
        assert_eq!(iso_time("19750501").as_deref(), Some("1975-05-01"));
        assert_eq!(
            iso_time("20120806143000-0500").as_deref(),
            Some("2012-08-06T14:30:00-05:00")
        );
        assert_eq!(
            iso_time("201208061430").as_deref(),
            Some("2012-08-06T14:30")
        );
        assert_eq!(iso_time("2012").as_deref(), Some("2012"));
        assert_eq!(iso_time("x"), None);
        assert_eq!(
            iso_time("20120806143000.123+0100").as_deref(),
            Some("2012-08-06T14:30:00+01:00")
        );
    }
}
