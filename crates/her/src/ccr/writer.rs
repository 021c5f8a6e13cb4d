//! Writes a CCR from a typed encounter, in the element order ccr.xsd requires,
//! so that the staff's quick-entry form and the CCD importer produce documents
//! that validate.

use crate::xml::escape;
use serde::{Deserialize, Serialize};

/// A coded concept: readable text and an optional `(system, value)` code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coded {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<(String, String)>,
}

impl Coded {
    pub fn text(t: impl Into<String>) -> Coded {
        Coded {
            text: t.into(),
            code: None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPatient {
    pub given: String,
    pub family: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub date_of_birth: Option<String>,
    /// `Female`, `Male`, `Other`, `Unknown`.
    #[serde(default)]
    pub gender: Option<String>,
    #[serde(default)]
    pub mrn: Option<String>,
    /// The language the patient reads, as the source named it (a BCP 47 or
    /// ISO 639 code, or a name): written as the social history's `Language`.
    #[serde(default)]
    pub language: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vital {
    pub name: String,
    #[serde(default)]
    pub loinc: Option<String>,
    pub value: String,
    pub unit: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Medication {
    pub name: Coded,
    #[serde(default)]
    pub directions: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    pub description: String,
    #[serde(default)]
    pub code: Option<(String, String)>,
    /// Decimal text, `125.00`.
    pub amount: String,
    pub currency: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Result {
    pub name: Coded,
    pub value: String,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
}

/// One visit, as the quick-entry form or an importer describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEncounter {
    pub document_id: String,
    /// When the document is written (ISO 8601).
    pub created: String,
    pub patient: NewPatient,
    pub clinic: String,
    #[serde(default)]
    pub provider: Option<String>,
    /// The visit's date and time (ISO 8601).
    pub visit_date: String,
    #[serde(default = "default_visit_kind")]
    pub visit_kind: String,
    #[serde(default)]
    pub reason: Option<Coded>,
    #[serde(default)]
    pub vitals: Vec<Vital>,
    #[serde(default)]
    pub problems: Vec<Coded>,
    #[serde(default)]
    pub allergies: Vec<Coded>,
    #[serde(default)]
    pub medications: Vec<Medication>,
    #[serde(default)]
    pub immunizations: Vec<Coded>,
    #[serde(default)]
    pub results: Vec<Result>,
    #[serde(default)]
    pub procedures: Vec<Coded>,
    #[serde(default)]
    pub plan: Vec<String>,
    #[serde(default)]
    pub charges: Vec<Charge>,
    /// Other visits the record mentions (an imported history).
    #[serde(default)]
    pub other_encounters: Vec<PastEncounter>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastEncounter {
    pub kind: Coded,
    #[serde(default)]
    pub date: Option<String>,
}

fn default_visit_kind() -> String {
    "Office Visit".into()
}

struct W {
    out: String,
    next: usize,
}

impl W {
    fn id(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }
    fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }
    fn el(&mut self, name: &str, text: &str) {
        self.out
            .push_str(&format!("<{name}>{}</{name}>", escape(text)));
    }
    fn text(&mut self, name: &str, text: &str) {
        self.out
            .push_str(&format!("<{name}><Text>{}</Text></{name}>", escape(text)));
    }
    fn date(&mut self, kind: &str, date: &str) {
        self.out.push_str(&format!(
            "<DateTime><Type><Text>{}</Text></Type><ExactDateTime>{}</ExactDateTime></DateTime>",
            escape(kind),
            escape(date)
        ));
    }
    fn code(&mut self, code: &Option<(String, String)>) {
        if let Some((system, value)) = code {
            self.out.push_str(&format!(
                "<Code><Value>{}</Value><CodingSystem>{}</CodingSystem></Code>",
                escape(value),
                escape(system)
            ));
        }
    }
    fn description(&mut self, c: &Coded) {
        self.raw("<Description>");
        self.el("Text", &c.text);
        self.code(&c.code);
        self.raw("</Description>");
    }
    fn source(&mut self, actor: &str) {
        self.out.push_str(&format!(
            "<Source><Actor><ActorID>{actor}</ActorID></Actor></Source>"
        ));
    }
}

/// The CCR XML for an encounter.
pub fn write(e: &NewEncounter) -> String {
    let mut w = W {
        out: String::with_capacity(4096),
        next: 0,
    };
    let author = if e.provider.is_some() { "DR1" } else { "ORG1" };
    w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ContinuityOfCareRecord xmlns=\"urn:astm-org:CCR\">");
    w.el("CCRDocumentObjectID", &e.document_id);
    w.raw("<Language><Text>English</Text><Code><Value>en-US</Value><CodingSystem>IETF1766</CodingSystem></Code></Language>");
    w.el("Version", "V1.0");
    w.raw(&format!(
        "<DateTime><ExactDateTime>{}</ExactDateTime></DateTime>",
        escape(&e.created)
    ));
    w.raw("<Patient><ActorID>PT1</ActorID></Patient><From>");
    if e.provider.is_some() {
        w.raw("<ActorLink><ActorID>DR1</ActorID><ActorRole><Text>Attending Provider</Text></ActorRole></ActorLink>");
    }
    w.raw("<ActorLink><ActorID>ORG1</ActorID><ActorRole><Text>Organization</Text></ActorRole></ActorLink>");
    w.raw("<ActorLink><ActorID>SYS1</ActorID><ActorRole><Text>Information System</Text></ActorRole></ActorLink></From>");
    w.raw("<To><ActorLink><ActorID>PT1</ActorID><ActorRole><Text>Patient</Text></ActorRole></ActorLink></To>");
    w.raw("<Purpose><Description><Text>Visit summary</Text></Description></Purpose><Body>");

    if !e.problems.is_empty() {
        w.raw("<Problems>");
        for p in &e.problems {
            let id = w.id("PRB");
            w.raw("<Problem>");
            w.el("CCRDataObjectID", &id);
            w.text("Type", "Diagnosis");
            w.description(p);
            w.text("Status", "Active");
            w.source(author);
            w.raw("</Problem>");
        }
        w.raw("</Problems>");
    }
    if let Some(l) = &e.patient.language {
        // The schema puts the social history between problems and alerts.
        let id = w.id("SH");
        w.raw("<SocialHistory><SocialHistoryElement>");
        w.el("CCRDataObjectID", &id);
        w.text("Type", "Language");
        w.raw("<Description>");
        w.el("Text", l);
        w.raw("</Description>");
        w.source("ORG1");
        w.raw("</SocialHistoryElement></SocialHistory>");
    }
    if !e.allergies.is_empty() {
        w.raw("<Alerts>");
        for a in &e.allergies {
            let id = w.id("ALG");
            w.raw("<Alert>");
            w.el("CCRDataObjectID", &id);
            w.text("Type", "Allergy");
            w.description(a);
            w.text("Status", "Active");
            w.source(author);
            w.raw("</Alert>");
        }
        w.raw("</Alerts>");
    }
    if !e.medications.is_empty() {
        w.raw("<Medications>");
        for m in &e.medications {
            let id = w.id("MED");
            w.raw("<Medication>");
            w.el("CCRDataObjectID", &id);
            w.date("Prescription Date", &e.visit_date);
            w.text("Type", "Medication");
            w.text("Status", "Active");
            w.source(author);
            w.raw("<Product><ProductName>");
            w.el("Text", &m.name.text);
            w.code(&m.name.code);
            w.raw("</ProductName></Product>");
            if let Some(d) = &m.directions {
                w.raw("<PatientInstructions><Instruction>");
                w.el("Text", d);
                w.raw("</Instruction></PatientInstructions>");
            }
            w.raw("</Medication>");
        }
        w.raw("</Medications>");
    }
    if !e.immunizations.is_empty() {
        w.raw("<Immunizations>");
        for i in &e.immunizations {
            let id = w.id("IMM");
            w.raw("<Immunization>");
            w.el("CCRDataObjectID", &id);
            w.date("Administered", &e.visit_date);
            w.text("Type", "Immunization");
            w.source(author);
            w.raw("<Product><ProductName>");
            w.el("Text", &i.text);
            w.code(&i.code);
            w.raw("</ProductName></Product></Immunization>");
        }
        w.raw("</Immunizations>");
    }
    if !e.vitals.is_empty() {
        let id = w.id("VS");
        w.raw("<VitalSigns><Result>");
        w.el("CCRDataObjectID", &id);
        w.date("Collection start date", &e.visit_date);
        w.description(&Coded::text("Vital signs"));
        w.source(author);
        for v in &e.vitals {
            let tid = w.id("VS");
            w.raw("<Test>");
            w.el("CCRDataObjectID", &tid);
            w.text("Type", "Observation");
            w.description(&Coded {
                text: v.name.clone(),
                code: v.loinc.clone().map(|l| ("LOINC".into(), l)),
            });
            w.source(author);
            w.raw("<TestResult>");
            w.el("Value", &v.value);
            w.raw(&format!(
                "<Units><Unit>{}</Unit></Units></TestResult></Test>",
                escape(&v.unit)
            ));
        }
        w.raw("</Result></VitalSigns>");
    }
    if !e.results.is_empty() {
        w.raw("<Results>");
        for r in &e.results {
            let id = w.id("RES");
            w.raw("<Result>");
            w.el("CCRDataObjectID", &id);
            w.date(
                "Collection start date",
                r.date.as_deref().unwrap_or(&e.visit_date),
            );
            w.description(&r.name);
            w.source(author);
            let tid = w.id("RES");
            w.raw("<Test>");
            w.el("CCRDataObjectID", &tid);
            w.text("Type", "Result");
            w.description(&r.name);
            w.source(author);
            w.raw("<TestResult>");
            w.el("Value", &r.value);
            if let Some(u) = &r.unit {
                w.raw(&format!("<Units><Unit>{}</Unit></Units>", escape(u)));
            }
            w.raw("</TestResult></Test></Result>");
        }
        w.raw("</Results>");
    }
    if !e.procedures.is_empty() {
        w.raw("<Procedures>");
        for p in &e.procedures {
            let id = w.id("PRC");
            w.raw("<Procedure>");
            w.el("CCRDataObjectID", &id);
            w.date("Procedure Date", &e.visit_date);
            w.text("Type", "Procedure");
            w.description(p);
            w.text("Status", "Completed");
            w.source(author);
            w.raw("</Procedure>");
        }
        w.raw("</Procedures>");
    }
    // The visit itself; charges ride on its description as attributes (CCR has
    // no billing section).
    let id = w.id("ENC");
    w.raw("<Encounters><Encounter>");
    w.el("CCRDataObjectID", &id);
    w.date("Encounter Date", &e.visit_date);
    w.text("Type", &e.visit_kind);
    let reason = e
        .reason
        .clone()
        .unwrap_or_else(|| Coded::text(e.visit_kind.clone()));
    w.raw("<Description>");
    w.el("Text", &reason.text);
    for c in &e.charges {
        w.raw("<ObjectAttribute>");
        w.el("Attribute", &format!("Charge: {}", c.description));
        w.raw("<AttributeValue>");
        w.el("Value", &c.amount);
        w.code(&Some(("ISO 4217".into(), c.currency.clone())));
        w.code(&c.code);
        w.raw("</AttributeValue></ObjectAttribute>");
    }
    w.code(&reason.code);
    w.raw("</Description>");
    w.text("Status", "Completed");
    w.source(author);
    w.raw(&format!(
        "<Locations><Location><Description><Text>{}</Text></Description><Actor><ActorID>ORG1</ActorID></Actor></Location></Locations>",
        escape(&e.clinic)
    ));
    if e.provider.is_some() {
        w.raw("<Practitioners><Practitioner><ActorID>DR1</ActorID><ActorRole><Text>Attending</Text></ActorRole></Practitioner></Practitioners>");
    }
    w.raw("</Encounter>");
    for past in &e.other_encounters {
        let id = w.id("ENC");
        w.raw("<Encounter>");
        w.el("CCRDataObjectID", &id);
        if let Some(d) = &past.date {
            w.date("Encounter Date", d);
        }
        w.text("Type", "Encounter");
        w.description(&past.kind);
        w.source(author);
        w.raw("</Encounter>");
    }
    w.raw("</Encounters>");
    if !e.plan.is_empty() {
        w.raw("<PlanOfCare>");
        for p in &e.plan {
            let id = w.id("PLN");
            let oid = w.id("PLN");
            w.raw("<Plan>");
            w.el("CCRDataObjectID", &id);
            w.text("Type", "Plan of care");
            w.description(&Coded::text(p.clone()));
            w.source(author);
            w.raw("<OrderRequest>");
            w.el("CCRDataObjectID", &oid);
            w.description(&Coded::text(p.clone()));
            w.source(author);
            w.raw("</OrderRequest></Plan>");
        }
        w.raw("</PlanOfCare>");
    }
    w.raw("</Body><Actors><Actor><ActorObjectID>PT1</ActorObjectID><Person><Name><CurrentName>");
    w.el("Given", &e.patient.given);
    w.el("Family", &e.patient.family);
    w.raw("</CurrentName></Name>");
    if let Some(d) = &e.patient.date_of_birth {
        w.raw(&format!(
            "<DateOfBirth><ExactDateTime>{}</ExactDateTime></DateOfBirth>",
            escape(d)
        ));
    }
    if let Some(g) = &e.patient.gender {
        let code = match g.to_ascii_lowercase().as_str() {
            "female" | "f" => "F",
            "male" | "m" => "M",
            _ => "UN",
        };
        w.raw(&format!(
            "<Gender><Text>{}</Text><Code><Value>{code}</Value><CodingSystem>HL7 AdministrativeGender</CodingSystem></Code></Gender>",
            escape(g)
        ));
    }
    w.raw("</Person>");
    if let Some(mrn) = &e.patient.mrn {
        w.raw("<IDs><Type><Text>MRN</Text></Type>");
        w.el("ID", mrn);
        w.source("ORG1");
        w.raw("</IDs>");
    }
    w.source("ORG1");
    w.raw("</Actor>");
    if let Some(p) = &e.provider {
        w.raw("<Actor><ActorObjectID>DR1</ActorObjectID><Person><Name>");
        w.el("DisplayName", p);
        w.raw("</Name></Person>");
        w.source("ORG1");
        w.raw("</Actor>");
    }
    w.raw("<Actor><ActorObjectID>ORG1</ActorObjectID><Organization>");
    w.el("Name", &e.clinic);
    w.raw("</Organization>");
    w.source("SYS1");
    w.raw("</Actor><Actor><ActorObjectID>SYS1</ActorObjectID><InformationSystem><Name>RAZCODE Desk</Name><Type>Front desk</Type></InformationSystem>");
    w.source("SYS1");
    w.raw("</Actor></Actors></ContinuityOfCareRecord>\n");
    w.out
}
