//! The checkout as forms: what the desktop app's screens (and the CLI) hand the
//! core, in serde shapes, and what they get back to show. The app's shell only
//! moves these across; every rule lives here.

use crate::error::{DeskError, Result};
use crate::staging::{parse_leave_out, StageRequest};
use crate::words::Words;
use crate::Desk;
use razcode_her::ccr::writer::{self, Charge, Coded, NewEncounter, NewPatient, Vital};
use razcode_her::omhe::{self, Line, Reading};
use razcode_protocol::PaymentRequest;
use serde::Deserialize;

/// The encounter screen's stage form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StageForm {
    pub encounter_id: i64,
    /// Bind the code to this patient's linked account.
    pub mrn: Option<String>,
    pub amount: Option<String>,
    pub currency: Option<String>,
    pub description: Option<String>,
    pub reference: Option<String>,
    pub due_date: Option<String>,
    /// QR code (the clinic's default unless it chose the Tag image).
    pub qr: bool,
    /// The gateway's Tag image instead.
    pub tag: bool,
    /// `off`, `on` or `passcode`; none for the clinic's setting.
    pub shl: Option<String>,
    /// Section keys to leave out (`problems`, `medications`, ...).
    pub leave_out: Vec<String>,
    /// The receipt's and email's language (BCP 47); none: the patient's.
    pub language: Option<String>,
}

fn filled(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

impl StageForm {
    /// The payment (both amount and currency, or nothing) and the sections.
    pub fn request(&self) -> Result<StageRequest> {
        let payment = match (filled(&self.amount), filled(&self.currency)) {
            (Some(amount), Some(currency)) => Some(PaymentRequest {
                amount,
                currency: currency.to_uppercase(),
                description: filled(&self.description),
                reference: filled(&self.reference),
                due_date: filled(&self.due_date),
            }),
            (None, None)
                if filled(&self.description).is_none()
                    && filled(&self.reference).is_none()
                    && filled(&self.due_date).is_none() =>
            {
                None
            }
            _ => return Err(DeskError::PaymentIncomplete),
        };
        Ok(StageRequest {
            encounter_id: self.encounter_id,
            mrn: filled(&self.mrn),
            payment,
            barcode: crate::links::Barcode::from_flags(self.qr, self.tag),
            shl: filled(&self.shl)
                .map(|s| crate::links::ShlMode::parse(&s))
                .transpose()?,
            leave_out: parse_leave_out(self.leave_out.iter().map(String::as_str))?,
            replaces: None,
            language: filled(&self.language)
                .map(|t| crate::languages::parse(&t))
                .transpose()?,
        })
    }
}

/// The quick-entry form: a visit typed at the desk.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct QuickEntry {
    /// `ccr` (a full record) or `omhe` (vitals only, no patient identity).
    pub format: String,
    pub given: String,
    pub family: String,
    pub date_of_birth: Option<String>,
    pub gender: Option<String>,
    pub mrn: Option<String>,
    pub reason: Option<String>,
    pub systolic: Option<String>,
    pub diastolic: Option<String>,
    pub pulse: Option<String>,
    pub temperature_c: Option<String>,
    pub weight_kg: Option<String>,
    pub notes: Option<String>,
    pub charges: Vec<ChargeLine>,
    pub currency: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ChargeLine {
    pub description: String,
    pub amount: String,
}

fn number<T: std::str::FromStr>(field: &'static str, v: &Option<String>) -> Result<Option<T>> {
    match filled(v) {
        None => Ok(None),
        Some(t) => t.parse::<T>().map(Some).map_err(|_| {
            DeskError::Input(
                Words::new("desk-not-a-number")
                    .with_words("field", Words::new(field))
                    .with("value", format!("{t:?}")),
            )
        }),
    }
}

fn decimal(field: Words, v: &Option<String>) -> Result<Option<String>> {
    match filled(v) {
        None => Ok(None),
        Some(t) => {
            let ok = t.parse::<f64>().map(|f| f.is_finite() && f > 0.0) == Ok(true)
                && t.chars().all(|c| c.is_ascii_digit() || c == '.');
            if ok {
                Ok(Some(t))
            } else {
                Err(DeskError::Input(
                    Words::new("desk-not-positive")
                        .with_words("field", field)
                        .with("value", format!("{t:?}")),
                ))
            }
        }
    }
}

fn now_iso() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

impl QuickEntry {
    /// The record the form describes: CCR text, or OMHE lines.
    pub fn record(&self, clinic: &str) -> Result<String> {
        let systolic = number::<u32>("desk-field-systolic", &self.systolic)?;
        let diastolic = number::<u32>("desk-field-diastolic", &self.diastolic)?;
        let pulse = number::<u32>("desk-field-pulse", &self.pulse)?;
        let temperature = decimal(Words::new("desk-field-temperature"), &self.temperature_c)?;
        let weight = decimal(Words::new("desk-field-weight"), &self.weight_kg)?;
        if systolic.is_some() != diastolic.is_some() {
            return Err(DeskError::Input(Words::new("desk-blood-pressure-half")));
        }
        if self.format == "omhe" {
            let mut lines = Vec::new();
            if let (Some(s), Some(d)) = (systolic, diastolic) {
                lines.push(Line::new(Reading::BloodPressure {
                    systolic: s,
                    diastolic: d,
                    pulse,
                }));
            }
            if let Some(w) = weight {
                lines.push(Line::new(Reading::Weight {
                    value: w,
                    kilograms: true,
                }));
            }
            if lines.is_empty() {
                return Err(DeskError::Input(Words::new("desk-omhe-needs-readings")));
            }
            return omhe::write(&lines).map_err(|e| {
                DeskError::Input(Words::new("desk-readings-out-of-range").with("cause", e))
            });
        }
        if self.given.trim().is_empty() || self.family.trim().is_empty() {
            return Err(DeskError::Input(Words::new("desk-name-missing")));
        }
        let mut vitals = Vec::new();
        let mut vital = |name: &str, loinc: &str, value: String, unit: &str| {
            vitals.push(Vital {
                name: name.into(),
                loinc: Some(loinc.into()),
                value,
                unit: unit.into(),
            })
        };
        if let (Some(s), Some(d)) = (systolic, diastolic) {
            vital("Systolic blood pressure", "8480-6", s.to_string(), "mm[Hg]");
            vital(
                "Diastolic blood pressure",
                "8462-4",
                d.to_string(),
                "mm[Hg]",
            );
        }
        if let Some(p) = pulse {
            vital("Heart rate", "8867-4", p.to_string(), "/min");
        }
        if let Some(t) = temperature {
            vital("Body temperature", "8310-5", t, "Cel");
        }
        if let Some(w) = weight {
            vital("Body weight", "29463-7", w, "kg");
        }
        let currency = filled(&self.currency).unwrap_or_else(|| "USD".into());
        let mut charges = Vec::new();
        for c in self
            .charges
            .iter()
            .filter(|c| !c.description.trim().is_empty() || !c.amount.trim().is_empty())
        {
            let description = format!("{:?}", c.description.trim());
            let field = Words::new("desk-field-charge").with("description", &description);
            let amount = decimal(field, &Some(c.amount.clone()))?.ok_or_else(|| {
                DeskError::Input(
                    Words::new("desk-charge-no-amount").with("description", &description),
                )
            })?;
            charges.push(Charge {
                description: c.description.trim().to_string(),
                code: None,
                amount,
                currency: currency.to_uppercase(),
            });
        }
        let now = now_iso();
        let e = NewEncounter {
            document_id: format!("desk-{}", crate::ids::random_hex(8)?),
            created: now.clone(),
            patient: NewPatient {
                given: self.given.trim().into(),
                family: self.family.trim().into(),
                date_of_birth: filled(&self.date_of_birth),
                gender: filled(&self.gender),
                mrn: filled(&self.mrn),
                language: None,
            },
            clinic: clinic.into(),
            provider: None,
            visit_date: now,
            visit_kind: "Office Visit".into(),
            reason: filled(&self.reason).map(Coded::text),
            vitals,
            plan: filled(&self.notes).into_iter().collect(),
            charges,
            ..NewEncounter::default()
        };
        Ok(writer::write(&e))
    }
}

impl Desk {
    /// Imports a visit typed in the quick-entry form.
    pub fn quick_entry(&self, q: &QuickEntry) -> Result<crate::import::Imported> {
        let clinic = self
            .clinic()?
            .name
            .or(self.settings().ok().and_then(|s| s.organization))
            .unwrap_or_else(|| "Clinic".into());
        let record = q.record(&clinic)?;
        self.import_text("quick entry", &record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use razcode_her::ccr::SectionKind;

    #[test]
    fn a_payment_needs_amount_and_currency() {
        let f = StageForm {
            encounter_id: 1,
            amount: Some("25.00".into()),
            ..StageForm::default()
        };
        assert!(f.request().is_err());
        let f = StageForm {
            encounter_id: 1,
            amount: Some("25.00".into()),
            currency: Some("usd".into()),
            leave_out: vec!["problems".into(), " ".into()],
            ..StageForm::default()
        };
        let r = f.request().expect("valid form");
        assert_eq!(r.payment.map(|p| p.currency), Some("USD".into()));
        assert_eq!(r.leave_out, vec![SectionKind::Problems]);
    }

    #[test]
    fn quick_entry_writes_a_ccr_the_reader_takes_back() {
        let q = QuickEntry {
            format: "ccr".into(),
            given: "Zoë".into(),
            family: "Ng".into(),
            mrn: Some("Q-1".into()),
            systolic: Some("120".into()),
            diastolic: Some("80".into()),
            temperature_c: Some("37.2".into()),
            notes: Some("Rest".into()),
            charges: vec![ChargeLine {
                description: "Visit".into(),
                amount: "40.00".into(),
            }],
            ..QuickEntry::default()
        };
        let text = q.record("Harbor Clinic").expect("record");
        let v = razcode_her::check_json(&text);
        assert_eq!(v["ok"], true);
        assert_eq!(v["patient"]["name"], "Zoë Ng");
        let bad = QuickEntry {
            systolic: Some("12O".into()),
            diastolic: Some("80".into()),
            ..q.clone()
        };
        let e = bad.record("x").expect_err("a letter O is not a digit");
        assert!(e.to_string().contains("Systolic"), "{e}");
    }

    #[test]
    fn quick_entry_omhe_needs_readings() {
        let q = QuickEntry {
            format: "omhe".into(),
            ..QuickEntry::default()
        };
        assert!(q.record("x").is_err());
        let q = QuickEntry {
            format: "omhe".into(),
            systolic: Some("118".into()),
            diastolic: Some("76".into()),
            pulse: Some("64".into()),
            ..QuickEntry::default()
        };
        assert_eq!(q.record("x").expect("omhe").trim(), "bp=118/76p64");
    }
}
