//! CCR (ASTM E2369): a safe well-formedness check with the root and namespace the
//! protocol requires, and a short readable summary (patient, date, sections).
//!
//! quick-xml expands no entities and fetches nothing; documents that declare
//! entities, nest too deep or are too large are refused.

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use std::collections::HashMap;

/// The CCR namespace.
pub const NAMESPACE: &str = "urn:astm-org:CCR";
/// The root element.
pub const ROOT: &str = "ContinuityOfCareRecord";
/// Deepest element nesting accepted.
pub const MAX_DEPTH: usize = 256;
/// Largest document accepted (bytes).
pub const MAX_SIZE: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", location(*line, *column))]
pub struct CcrError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("line {l}, column {c}: "),
        (Some(l), None) => format!("line {l}: "),
        _ => String::new(),
    }
}

/// What a reader shows of a CCR.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub patient_name: Option<String>,
    pub date_of_birth: Option<String>,
    pub gender: Option<String>,
    /// The document's `DateTime`.
    pub date: Option<String>,
    /// Body sections in document order, with how many entries each has.
    pub sections: Vec<(String, usize)>,
}

#[derive(Default)]
struct Person {
    given: Vec<String>,
    family: Vec<String>,
    dob: Option<String>,
    gender: Option<String>,
}

/// Checks a CCR document and summarizes it.
pub fn summarize(xml: &str) -> Result<Summary, CcrError> {
    let at = |pos: usize, message: String| {
        let pos = pos.min(xml.len());
        let before = &xml.as_bytes()[..pos];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = pos
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1)
            + 1;
        CcrError {
            line: Some(line),
            column: Some(column),
            message,
        }
    };
    if xml.len() > MAX_SIZE {
        return Err(CcrError {
            line: None,
            column: None,
            message: format!("the document is larger than {} MiB", MAX_SIZE >> 20),
        });
    }
    let mut reader = NsReader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut path: Vec<String> = Vec::new();
    let mut seen_root = false;
    let mut summary = Summary::default();
    let mut patient_id: Option<String> = None;
    let mut actors: HashMap<String, Person> = HashMap::new();
    let mut current_actor: Option<(Option<String>, Person)> = None;
    loop {
        let start = reader.buffer_position() as usize;
        let event = match reader.read_resolved_event() {
            Ok(ev) => ev,
            Err(e) => {
                let msg = format!("not well-formed XML: {e}");
                return Err(at(reader.error_position() as usize, msg));
            }
        };
        match event {
            (ns, Event::Start(ref e)) | (ns, Event::Empty(ref e)) => {
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if path.is_empty() {
                    if seen_root {
                        return Err(at(
                            start,
                            "a second root element follows the document".into(),
                        ));
                    }
                    seen_root = true;
                    if local != ROOT {
                        return Err(at(
                            start,
                            format!("the root element is {local}, not {ROOT}"),
                        ));
                    }
                    match ns {
                        ResolveResult::Bound(n) if n.as_ref() == NAMESPACE.as_bytes() => {}
                        _ => {
                            return Err(at(
                                start,
                                format!("the root element is not in the namespace {NAMESPACE}"),
                            ))
                        }
                    }
                }
                let empty = matches!(event.1, Event::Empty(_));
                path.push(local);
                if path.len() > MAX_DEPTH {
                    return Err(at(
                        start,
                        format!("elements nest deeper than {MAX_DEPTH} levels"),
                    ));
                }
                on_start(&path, &mut summary, &mut current_actor);
                if empty {
                    on_end(&path, &mut actors, &mut current_actor);
                    path.pop();
                }
            }
            (_, Event::End(_)) => {
                on_end(&path, &mut actors, &mut current_actor);
                path.pop();
            }
            (_, Event::Text(t)) => {
                let text = t
                    .decode()
                    .map_err(|e| at(start, format!("text is not readable: {e}")))?;
                let text = quick_xml::escape::unescape(&text)
                    .map_err(|e| at(start, format!("unknown character reference: {e}")))?;
                let text = text.trim();
                if text.is_empty() {
                    continue;
                }
                if path.is_empty() {
                    return Err(at(start, "text outside the root element".into()));
                }
                on_text(
                    &path,
                    text,
                    &mut summary,
                    &mut patient_id,
                    &mut current_actor,
                );
            }
            (_, Event::GeneralRef(r)) => {
                let name = String::from_utf8_lossy(r.as_ref()).into_owned();
                let known = ["amp", "lt", "gt", "apos", "quot"].contains(&name.as_str())
                    || name.starts_with('#');
                if !known {
                    return Err(at(start, format!("the entity &{name}; is not allowed")));
                }
            }
            (_, Event::DocType(d)) if String::from_utf8_lossy(d.as_ref()).contains("<!ENTITY") => {
                return Err(at(
                    start,
                    "documents that declare entities are refused".into(),
                ));
            }
            (_, Event::Eof) => break,
            _ => {}
        }
    }
    if !path.is_empty() {
        return Err(at(
            xml.len(),
            format!("the document ends inside the element {}", path.join("/")),
        ));
    }
    if !seen_root {
        return Err(at(0, format!("there is no {ROOT} element")));
    }
    if let Some(person) = patient_id.as_ref().and_then(|id| actors.get(id)) {
        let name = person
            .given
            .iter()
            .chain(person.family.iter())
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        summary.patient_name = (!name.is_empty()).then_some(name);
        summary.date_of_birth = person.dob.clone();
        summary.gender = person.gender.clone();
    }
    Ok(summary)
}

fn ends_with(path: &[String], tail: &[&str]) -> bool {
    path.len() >= tail.len()
        && path[path.len() - tail.len()..]
            .iter()
            .zip(tail)
            .all(|(a, b)| a == b)
}

fn on_start(path: &[String], summary: &mut Summary, actor: &mut Option<(Option<String>, Person)>) {
    if path.len() == 3 && path[1] == "Body" {
        summary.sections.push((path[2].clone(), 0));
    } else if path.len() == 4 && path[1] == "Body" {
        if let Some(last) = summary.sections.last_mut() {
            last.1 += 1;
        }
    }
    if path.len() == 3 && path[1] == "Actors" && path[2] == "Actor" {
        *actor = Some((None, Person::default()));
    }
}

fn on_end(
    path: &[String],
    actors: &mut HashMap<String, Person>,
    actor: &mut Option<(Option<String>, Person)>,
) {
    if path.len() == 3 && path[1] == "Actors" && path[2] == "Actor" {
        if let Some((Some(id), person)) = actor.take() {
            actors.entry(id).or_insert(person);
        }
    }
}

fn on_text(
    path: &[String],
    text: &str,
    summary: &mut Summary,
    patient_id: &mut Option<String>,
    actor: &mut Option<(Option<String>, Person)>,
) {
    if path.len() == 3 && path[1] == "Patient" && path[2] == "ActorID" {
        patient_id.get_or_insert_with(|| text.to_string());
    } else if path.len() == 3 && path[1] == "DateTime" && path[2] == "ExactDateTime" {
        summary.date.get_or_insert_with(|| text.to_string());
    }
    let Some((id, person)) = actor.as_mut() else {
        return;
    };
    if path.len() == 4 && path[3] == "ActorObjectID" {
        id.get_or_insert_with(|| text.to_string());
    } else if path.get(3).map(String::as_str) == Some("Person") {
        let in_name = ends_with(&path[..path.len() - 1], &["Name", "CurrentName"])
            || ends_with(&path[..path.len() - 1], &["Name", "BirthName"]);
        if in_name && path.last().map(String::as_str) == Some("Given") && person.given.is_empty() {
            person.given.push(text.to_string());
        } else if in_name
            && path.last().map(String::as_str) == Some("Family")
            && person.family.is_empty()
        {
            person.family.push(text.to_string());
        } else if ends_with(path, &["DateOfBirth", "ExactDateTime"]) {
            person.dob.get_or_insert_with(|| text.to_string());
        } else if ends_with(path, &["Gender", "Text"]) {
            person.gender.get_or_insert_with(|| text.to_string());
        }
    }
}
