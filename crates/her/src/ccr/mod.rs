//! CCR (ASTM E2369): a lenient, safe reader into a typed model, a writer for the
//! staff's quick-entry form, and the minimum-necessary filter.
//!
//! The reader takes what real producers wrote: a default namespace or a prefix,
//! 2005 draft names (`Insurance` for `Payers`), ISO-8859-1, one-line files,
//! elements out of order, missing IDs and links to actors that do not exist.

pub mod filter;
pub mod writer;

use crate::xml::{self, Element, XmlError};

/// The CCR namespace.
pub const NAMESPACE: &str = "urn:astm-org:CCR";
/// The root element.
pub const ROOT: &str = "ContinuityOfCareRecord";

pub type CcrError = XmlError;

/// The body sections a front desk deals with, and any other by name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SectionKind {
    Payers,
    Problems,
    Alerts,
    Medications,
    Immunizations,
    VitalSigns,
    Results,
    Procedures,
    Encounters,
    PlanOfCare,
    Other(String),
}

impl SectionKind {
    pub const KNOWN: [SectionKind; 10] = [
        SectionKind::Payers,
        SectionKind::Problems,
        SectionKind::Alerts,
        SectionKind::Medications,
        SectionKind::Immunizations,
        SectionKind::VitalSigns,
        SectionKind::Results,
        SectionKind::Procedures,
        SectionKind::Encounters,
        SectionKind::PlanOfCare,
    ];

    /// The section an element name stands for (2005 drafts included).
    pub fn from_element(local: &str) -> SectionKind {
        match local {
            "Payers" | "Insurance" => SectionKind::Payers,
            "Problems" => SectionKind::Problems,
            "Alerts" => SectionKind::Alerts,
            "Medications" => SectionKind::Medications,
            "Immunizations" => SectionKind::Immunizations,
            "VitalSigns" => SectionKind::VitalSigns,
            "Results" => SectionKind::Results,
            "Procedures" => SectionKind::Procedures,
            "Encounters" => SectionKind::Encounters,
            "PlanOfCare" => SectionKind::PlanOfCare,
            other => SectionKind::Other(other.to_string()),
        }
    }

    /// The section's name in this model and in JSON (`payers`, `vital_signs`, ...).
    pub fn key(&self) -> String {
        match self {
            SectionKind::Payers => "payers".into(),
            SectionKind::Problems => "problems".into(),
            SectionKind::Alerts => "alerts".into(),
            SectionKind::Medications => "medications".into(),
            SectionKind::Immunizations => "immunizations".into(),
            SectionKind::VitalSigns => "vital_signs".into(),
            SectionKind::Results => "results".into(),
            SectionKind::Procedures => "procedures".into(),
            SectionKind::Encounters => "encounters".into(),
            SectionKind::PlanOfCare => "plan_of_care".into(),
            SectionKind::Other(n) => n.clone(),
        }
    }

    /// A heading for people.
    pub fn title(&self) -> String {
        match self {
            SectionKind::Payers => "Insurance".into(),
            SectionKind::Problems => "Problems".into(),
            SectionKind::Alerts => "Allergies and alerts".into(),
            SectionKind::Medications => "Medications".into(),
            SectionKind::Immunizations => "Immunizations".into(),
            SectionKind::VitalSigns => "Vital signs".into(),
            SectionKind::Results => "Results".into(),
            SectionKind::Procedures => "Procedures".into(),
            SectionKind::Encounters => "Encounters".into(),
            SectionKind::PlanOfCare => "Plan of care".into(),
            SectionKind::Other(n) => n.clone(),
        }
    }

    /// Parses a key or element name (`vital_signs`, `VitalSigns`).
    pub fn parse(name: &str) -> Option<SectionKind> {
        let compact: String = name
            .chars()
            .filter(|c| *c != '_' && *c != '-')
            .collect::<String>()
            .to_ascii_lowercase();
        SectionKind::KNOWN.into_iter().find(|k| {
            k.key().replace('_', "") == compact || format!("{k:?}").to_ascii_lowercase() == compact
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Patient {
    pub actor_id: Option<String>,
    pub given: Option<String>,
    pub family: Option<String>,
    /// `DisplayName`, or given and family joined.
    pub name: Option<String>,
    pub date_of_birth: Option<String>,
    pub gender: Option<String>,
    /// `(type, id)` pairs, e.g. `("MRN", "000123")`.
    pub ids: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    pub id: Option<String>,
    pub date: Option<String>,
    /// One readable line.
    pub text: String,
    /// `(system, value)` of the first code.
    pub code: Option<(String, String)>,
    pub status: Option<String>,
    /// The tests of a vital-signs or results item, one per measurement.
    pub tests: Vec<Test>,
    /// What a vital-signs or results item is called above its tests
    /// (`Blood pressure`), when the producer named it.
    pub heading: Option<String>,
    /// An alert's reaction, as written (`text` ends with it in English).
    pub reaction: Option<String>,
}

/// One measurement of a vital-signs or results item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Test {
    pub name: String,
    /// `(system, value)` of the test's first code (LOINC where the producer gave one).
    pub code: Option<(String, String)>,
    pub date: Option<String>,
    /// The result as written: a number, or text when the producer gave no value.
    pub value: Option<String>,
    pub unit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub kind: SectionKind,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ccr {
    pub document_id: Option<String>,
    /// The document's `DateTime`.
    pub date: Option<String>,
    pub patient: Patient,
    /// The visit: the first encounter's date, else the document's.
    pub visit_date: Option<String>,
    /// Names of the organizations and people the document is from.
    pub from: Vec<String>,
    pub sections: Vec<Section>,
}

impl Ccr {
    pub fn section(&self, kind: &SectionKind) -> Option<&Section> {
        self.sections.iter().find(|s| &s.kind == kind)
    }

    pub fn count(&self, kind: &SectionKind) -> usize {
        self.sections
            .iter()
            .filter(|s| &s.kind == kind)
            .map(|s| s.items.len())
            .sum()
    }
}

/// Reads a CCR from bytes (any encoding [`xml::decode`] knows).
pub fn read_bytes(bytes: &[u8]) -> Result<Ccr, CcrError> {
    read(&xml::decode_borrowed(bytes)?)
}

/// Reads a CCR document.
pub fn read(text: &str) -> Result<Ccr, CcrError> {
    let doc = xml::parse(text)?;
    check_root(doc.root())?;
    Ok(from_tree(doc.root()))
}

/// The language the patient reads, as the record writes it: the social
/// history's `Language` element (`<Type><Text>Language</Text></Type>`), its
/// description's text or code. None when the record says nothing of it (the
/// document's own `Language` is the language it is written in, not the
/// patient's).
pub fn patient_language(text: &str) -> Option<String> {
    let doc = xml::parse(text).ok()?;
    doc.root()
        .descendants("SocialHistoryElement")
        .into_iter()
        .find_map(|e| {
            let kind = e.text_at(&["Type", "Text"])?;
            if !kind.trim().eq_ignore_ascii_case("language") {
                return None;
            }
            e.text_at(&["Description", "Text"])
                .filter(|t| !t.trim().is_empty())
                .or_else(|| e.text_at(&["Description", "Code", "Value"]))
        })
        .map(|t| t.trim().to_string())
}

/// Checks the root element's name and namespace.
pub fn check_root(root: Element) -> Result<(), CcrError> {
    let at = |m: String| XmlError::record(root.line(), m);
    if root.local() != ROOT {
        return Err(at(format!(
            "the root element is {}, not {ROOT}",
            root.local()
        )));
    }
    if root.namespace() != Some(NAMESPACE) {
        return Err(at(format!(
            "the root element is not in the namespace {NAMESPACE}"
        )));
    }
    Ok(())
}

/// `ExactDateTime`, or the approximate date's text.
fn date_of(e: Element) -> Option<String> {
    e.text_at(&["ExactDateTime"])
        .or_else(|| e.text_at(&["ApproximateDateTime", "Text"]))
        .or_else(|| e.text_at(&["Age", "Value"]).map(|a| format!("age {a}")))
}

fn first_date(e: Element) -> Option<String> {
    e.children_named("DateTime").find_map(date_of)
}

fn code_of(e: Option<Element>) -> Option<(String, String)> {
    let code = e?.child("Code")?;
    Some((
        code.text_at(&["CodingSystem"]).unwrap_or_default(),
        code.text_at(&["Value"])?,
    ))
}

fn value_units(e: Element) -> Option<String> {
    let v = e.text_at(&["Value"])?;
    Some(match e.text_at(&["Units", "Unit"]) {
        Some(u) => format!("{v} {u}"),
        None => v,
    })
}

/// The document's actors by ID, their IDs read once (items look them up).
struct Actors<'a> {
    list: Vec<(Option<String>, Element<'a>)>,
}

impl<'a> Actors<'a> {
    fn get(&self, id: &str) -> Option<Element<'a>> {
        self.list
            .iter()
            .find(|(a, _)| a.as_deref() == Some(id))
            .map(|(_, e)| *e)
    }

    fn name(&self, id: &str) -> Option<String> {
        let a = self.get(id)?;
        if let Some(p) = a.child("Person") {
            return person_name(p).2;
        }
        a.text_at(&["Organization", "Name"])
            .or_else(|| a.text_at(&["InformationSystem", "Name"]))
    }
}

/// `(given, family, display)` of a `Person`.
fn person_name(p: Element) -> (Option<String>, Option<String>, Option<String>) {
    let name = p.child("Name");
    let parts = name.and_then(|n| n.child("CurrentName").or_else(|| n.child("BirthName")));
    let given = parts.and_then(|n| n.text_at(&["Given"]));
    let family = parts.and_then(|n| n.text_at(&["Family"]));
    let joined = [given.clone(), family.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let display = name
        .and_then(|n| n.text_at(&["DisplayName"]))
        .or_else(|| (!joined.is_empty()).then_some(joined));
    (given, family, display)
}

fn from_tree(root: Element) -> Ccr {
    let actors = Actors {
        list: root
            .child("Actors")
            .map(|a| {
                a.children_named("Actor")
                    .map(|e| (e.text_at(&["ActorObjectID"]), e))
                    .collect()
            })
            .unwrap_or_default(),
    };
    let mut ccr = Ccr {
        document_id: root.text_at(&["CCRDocumentObjectID"]),
        date: root.child("DateTime").and_then(date_of),
        ..Ccr::default()
    };
    let patient_id = root.text_at(&["Patient", "ActorID"]);
    if let Some(actor) = patient_id.as_deref().and_then(|id| actors.get(id)) {
        let person = actor.child("Person");
        let (given, family, name) = person.map(person_name).unwrap_or((None, None, None));
        ccr.patient = Patient {
            actor_id: patient_id.clone(),
            given,
            family,
            name,
            date_of_birth: person
                .and_then(|p| p.child("DateOfBirth"))
                .and_then(date_of),
            gender: person.and_then(|p| {
                p.text_at(&["Gender", "Text"])
                    .or_else(|| p.text_at(&["Gender", "Code", "Value"]))
            }),
            ids: actor
                .children_named("IDs")
                .filter_map(|i| {
                    Some((
                        i.text_at(&["Type", "Text"]).unwrap_or_else(|| "ID".into()),
                        i.text_at(&["ID"])?,
                    ))
                })
                .collect(),
        };
    } else {
        ccr.patient.actor_id = patient_id;
    }
    if let Some(from) = root.child("From") {
        for link in from.children_named("ActorLink") {
            if let Some(n) = link.text_at(&["ActorID"]).and_then(|id| actors.name(&id)) {
                if !ccr.from.contains(&n) {
                    ccr.from.push(n);
                }
            }
        }
    }
    if let Some(body) = root.child("Body") {
        for section in body.elements() {
            let kind = SectionKind::from_element(section.local());
            let items = section
                .elements()
                .map(|i| item(&kind, i, &actors))
                .collect();
            ccr.sections.push(Section { kind, items });
        }
    }
    ccr.visit_date = ccr
        .section(&SectionKind::Encounters)
        .and_then(|s| s.items.iter().find_map(|i| i.date.clone()))
        .or_else(|| ccr.date.clone());
    ccr
}

fn item(kind: &SectionKind, e: Element, actors: &Actors) -> Item {
    let description = e.child("Description");
    let mut it = Item {
        id: e.text_at(&["CCRDataObjectID"]),
        date: first_date(e),
        text: String::new(),
        code: code_of(description),
        status: e.text_at(&["Status", "Text"]),
        tests: Vec::new(),
        heading: None,
        reaction: None,
    };
    let desc = description.and_then(Element::text_opt_text);
    let product = || {
        let p = e.child("Product")?;
        let name = p
            .text_at(&["ProductName", "Text"])
            .or_else(|| p.text_at(&["BrandName", "Text"]))?;
        Some(match p.child("Strength").and_then(value_units) {
            Some(s) => format!("{name} {s}"),
            None => name,
        })
    };
    it.text = match kind {
        SectionKind::Medications | SectionKind::Immunizations => {
            if it.code.is_none() {
                it.code = code_of(e.path(&["Product", "ProductName"]));
            }
            let dir = e
                .path(&["Directions", "Direction"])
                .map(|d| {
                    [
                        d.child("Dose").and_then(value_units),
                        d.text_at(&["Route", "Text"]),
                        d.text_at(&["Frequency", "Value"]),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
                })
                .filter(|s| !s.is_empty());
            match (product().or(desc), dir) {
                (Some(p), Some(d)) => format!("{p}, {d}"),
                (Some(p), None) => p,
                (None, _) => String::new(),
            }
        }
        SectionKind::Alerts => {
            let agent = e
                .descendants("Product")
                .into_iter()
                .find_map(|p| {
                    p.text_at(&["Description", "Text"])
                        .or_else(|| p.text_at(&["Product", "ProductName", "Text"]))
                })
                .or_else(|| {
                    e.path(&["Agent", "EnvironmentalAgents", "EnvironmentalAgent"])
                        .and_then(|a| a.text_at(&["Description", "Text"]))
                });
            let reaction = e.path(&["Reaction", "Description"]).and_then(|d| d.text());
            let reaction = reaction.or_else(|| e.text_at(&["Reaction", "Description", "Text"]));
            let what = desc.or_else(|| e.text_at(&["Type", "Text"]));
            let mut t = match (agent, what) {
                (Some(a), Some(w)) if a == w || w.starts_with(&a) => w,
                (Some(a), Some(w)) => format!("{a}: {w}"),
                (a, w) => a.or(w).unwrap_or_default(),
            };
            if let Some(r) = &reaction {
                t.push_str(&format!(" (reaction: {r})"));
            }
            it.reaction = reaction;
            t
        }
        SectionKind::VitalSigns | SectionKind::Results => {
            it.tests = e.children_named("Test").map(test).collect();
            let tests: Vec<String> = e
                .children_named("Test")
                .map(|t| {
                    let name = t
                        .text_at(&["Description", "Text"])
                        .unwrap_or_else(|| "test".into());
                    match t.child("TestResult").and_then(|r| {
                        value_units(r).or_else(|| r.text_at(&["Description", "Text"]))
                    }) {
                        Some(v) => format!("{name} {v}"),
                        None => name,
                    }
                })
                .collect();
            let head = desc.or_else(|| e.text_at(&["Type", "Text"]));
            it.heading = head.clone();
            match (head, tests.is_empty()) {
                (Some(h), false) if tests.len() == 1 && tests[0].starts_with(&h) => {
                    tests[0].clone()
                }
                (Some(h), false) => format!("{h}: {}", tests.join("; ")),
                (Some(h), true) => h,
                (None, _) => tests.join("; "),
            }
        }
        SectionKind::Payers => {
            let payer = e
                .text_at(&["PaymentProvider", "ActorID"])
                .and_then(|id| actors.name(&id));
            let kind = e.text_at(&["Type", "Text"]);
            let member = e.text_at(&["IDs", "ID"]).map(|i| format!("member {i}"));
            [payer, kind, member]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ")
        }
        SectionKind::Encounters => {
            let kind = e.text_at(&["Type", "Text"]);
            let with = e
                .path(&["Practitioners", "Practitioner"])
                .and_then(|p| p.text_at(&["ActorID"]))
                .and_then(|id| actors.name(&id))
                .map(|n| format!("with {n}"));
            // Producers often write the same words as type and description.
            let desc = desc.filter(|d| Some(d) != kind.as_ref());
            [kind, desc, with]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ")
        }
        _ => desc
            .or_else(|| e.text_at(&["Type", "Text"]))
            .or_else(product)
            .unwrap_or_default(),
    };
    if it.text.is_empty() {
        it.text = e.text().unwrap_or_else(|| e.local().to_string());
    }
    it
}

fn test(t: Element) -> Test {
    let result = t.child("TestResult");
    Test {
        name: t
            .text_at(&["Description", "Text"])
            .unwrap_or_else(|| "test".into()),
        code: code_of(t.child("Description")),
        date: first_date(t),
        value: result.and_then(|r| {
            r.text_at(&["Value"])
                .or_else(|| r.text_at(&["Description", "Text"]))
        }),
        unit: result.and_then(|r| r.text_at(&["Units", "Unit"])),
    }
}

impl Element<'_> {
    /// The `Text` child of a `Description`-like element, or its own text.
    fn text_opt_text(self) -> Option<String> {
        self.text_at(&["Text"]).or_else(|| self.text())
    }
}

/// A short summary: patient, date and section counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub patient_name: Option<String>,
    pub date_of_birth: Option<String>,
    pub gender: Option<String>,
    /// The visit date (first encounter, else the document's date).
    pub date: Option<String>,
    pub sections: Vec<(String, usize)>,
}

/// Checks a CCR and summarizes it (what the gateway needs).
pub fn summarize(text: &str) -> Result<Summary, CcrError> {
    let ccr = read(text)?;
    Ok(Summary {
        patient_name: ccr.patient.name.clone(),
        date_of_birth: ccr.patient.date_of_birth.clone(),
        gender: ccr.patient.gender.clone(),
        date: ccr.visit_date.clone(),
        sections: ccr
            .sections
            .iter()
            .map(|s| (s.kind.title(), s.items.len()))
            .collect(),
    })
}

impl Ccr {
    /// The reader's view as JSON (what `razdesk her check` shows).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        let p = &self.patient;
        json!({
            "document_id": self.document_id,
            "date": self.date,
            "visit_date": self.visit_date,
            "patient": {
                "name": p.name,
                "given": p.given,
                "family": p.family,
                "date_of_birth": p.date_of_birth,
                "gender": p.gender,
                "ids": p.ids.iter().map(|(t, i)| json!({"type": t, "id": i})).collect::<Vec<_>>(),
            },
            "from": self.from,
            "sections": self.sections.iter().map(|s| json!({
                "name": s.kind.key(),
                "title": s.kind.title(),
                "count": s.items.len(),
                "items": s.items.iter().map(|i| json!({
                    "text": i.text,
                    "date": i.date,
                    "status": i.status,
                    "code": i.code.as_ref().map(|(sys, v)| json!({"system": sys, "value": v})),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }
}
