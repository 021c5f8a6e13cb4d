//! The small vocabularies a FHIR R4 Bundle needs from a CCR's free text:
//! code-system URIs, UCUM units, FHIR date and decimal forms.

/// The FHIR URI of a CCR `CodingSystem`, when it names one FHIR knows.
/// OIDs become `urn:oid:`; an unknown system returns `None` and its code is
/// kept as text by the caller.
pub fn system_uri(system: &str) -> Option<String> {
    let key: String = system
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    let uri = match key.as_str() {
        "LOINC" | "LN" => "http://loinc.org",
        "SNOMED" | "SNOMEDCT" | "SNOMEDCTUS" | "SCT" => "http://snomed.info/sct",
        "RXNORM" | "RXNORMCUI" => "http://www.nlm.nih.gov/research/umls/rxnorm",
        "ICD9" | "ICD9CM" => "http://hl7.org/fhir/sid/icd-9-cm",
        "ICD10CM" => "http://hl7.org/fhir/sid/icd-10-cm",
        "ICD10" => "http://hl7.org/fhir/sid/icd-10",
        "NDC" => "http://hl7.org/fhir/sid/ndc",
        "CPT" | "CPT4" => "http://www.ama-assn.org/go/cpt",
        "CVX" => "http://hl7.org/fhir/sid/cvx",
        "HCPCS" => "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
        "UCUM" => "http://unitsofmeasure.org",
        _ if is_oid(system) => return Some(format!("urn:oid:{system}")),
        _ => return None,
    };
    Some(uri.to_string())
}

fn is_oid(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').count() > 1
        && s.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The UCUM code of a unit as producers write it, when it is one we can name.
pub fn ucum(unit: &str) -> Option<&'static str> {
    let u = unit.trim();
    Some(match u {
        "mm[Hg]" | "mmHg" | "mm Hg" | "mmhg" => "mm[Hg]",
        "Cel" | "C" | "°C" | "degC" | "cel" => "Cel",
        "[degF]" | "F" | "°F" | "degF" => "[degF]",
        "kg" | "Kg" | "kgs" => "kg",
        "g" => "g",
        "[lb_av]" | "lb" | "lbs" | "Lbs" | "pounds" => "[lb_av]",
        "cm" => "cm",
        "m" => "m",
        "[in_i]" | "in" | "inch" | "inches" => "[in_i]",
        "%" | "percent" => "%",
        "/min" | "bpm" | "beats/min" | "breaths/min" | "/minute" => "/min",
        "kg/m2" | "kg/m^2" => "kg/m2",
        "mg/dL" | "mg/dl" => "mg/dL",
        "g/dL" | "g/dl" => "g/dL",
        "mmol/L" | "mmol/l" => "mmol/L",
        "meq/L" | "mEq/L" => "meq/L",
        "U/L" => "U/L",
        "ng/mL" | "ng/ml" => "ng/mL",
        "mL" | "ml" => "mL",
        "L" => "L",
        "fL" => "fL",
        "pg" => "pg",
        "10*3/uL" | "K/uL" | "x10^3/uL" => "10*3/uL",
        "10*6/uL" | "M/uL" | "x10^6/uL" => "10*6/uL",
        "/uL" | "cells/uL" | "cells/µL" => "/uL",
        "{copies}/mL" | "copies/mL" => "{copies}/mL",
        "{steps}" | "steps" => "{steps}",
        _ => return None,
    })
}

/// A FHIR `decimal` when the text is one (`-0.5`, `120`), else `None`.
pub fn decimal(text: &str) -> Option<serde_json::Number> {
    let t = text.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let int_ok = int == "0"
        || (!int.is_empty() && !int.starts_with('0') && int.bytes().all(|b| b.is_ascii_digit()));
    let frac_ok = frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    if !(int_ok && frac_ok) || t.len() > 32 {
        return None;
    }
    serde_json::from_str(t).ok()
}

/// A FHIR `dateTime` from a CCR date as producers write it: `YYYY`, `YYYY-MM`,
/// `YYYY-MM-DD`, `YYYYMMDD`, or a time with a zone. A time without a zone is
/// cut to its day (FHIR requires the zone with a time); anything else is `None`.
pub fn date_time(text: &str) -> Option<String> {
    let t = text.trim();
    let (date, time) = match t.split_once('T') {
        Some((d, rest)) => (d, Some(rest)),
        None => (t, None),
    };
    let date = fhir_date(date)?;
    let Some(time) = time else {
        return Some(date);
    };
    if date.len() != 10 {
        return Some(date);
    }
    let (clock, zone) = split_zone(time);
    let clock = clock_time(clock);
    match (clock, zone) {
        (Some(c), Some(z)) => Some(format!("{date}T{c}{z}")),
        _ => Some(date),
    }
}

/// A FHIR `date` (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) from the start of a CCR date.
pub fn date(text: &str) -> Option<String> {
    let t = text.trim();
    fhir_date(t.split_once('T').map(|(d, _)| d).unwrap_or(t))
}

fn fhir_date(d: &str) -> Option<String> {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = if d.len() == 8 && all_digits(d) {
        vec![&d[0..4], &d[4..6], &d[6..8]]
    } else {
        d.split('-').collect()
    };
    let ok = match parts.as_slice() {
        [y] => y.len() == 4 && all_digits(y),
        [y, m] => y.len() == 4 && all_digits(y) && in_range(m, 1, 12),
        [y, m, day] => y.len() == 4 && all_digits(y) && in_range(m, 1, 12) && in_range(day, 1, 31),
        _ => false,
    };
    (ok && !parts[0].starts_with('0')).then(|| parts.join("-"))
}

fn in_range(s: &str, lo: u32, hi: u32) -> bool {
    s.len() == 2 && s.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n))
}

fn split_zone(time: &str) -> (&str, Option<String>) {
    if let Some(c) = time.strip_suffix('Z') {
        return (c, Some("Z".into()));
    }
    if let Some(pos) = time.rfind(['+', '-']) {
        let zone = &time[pos..];
        let z = zone.replace(':', "");
        if z.len() == 5 && z[1..].bytes().all(|b| b.is_ascii_digit()) {
            return (&time[..pos], Some(format!("{}:{}", &z[..3], &z[3..])));
        }
    }
    (time, None)
}

fn clock_time(c: &str) -> Option<String> {
    let (main, fraction) = match c.split_once('.') {
        Some((m, f)) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => (m, Some(f)),
        Some(_) => return None,
        None => (c, None),
    };
    let parts: Vec<&str> = main.split(':').collect();
    let (h, m, s) = match parts.as_slice() {
        [h, m] => (*h, *m, "00"),
        [h, m, s] => (*h, *m, *s),
        _ => return None,
    };
    let two = |x: &str, hi: u32| x.len() == 2 && x.parse::<u32>().is_ok_and(|n| n <= hi);
    if !(two(h, 23) && two(m, 59) && two(s, 60)) {
        return None;
    }
    Some(match fraction {
        Some(f) => format!("{h}:{m}:{s}.{f}"),
        None => format!("{h}:{m}:{s}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_take_what_fhir_can_carry() {
        assert_eq!(
            date_time("2024-03-05T15:45:00-05:00").as_deref(),
            Some("2024-03-05T15:45:00-05:00")
        );
        assert_eq!(
            date_time("2008-10-21T11:00:00Z").as_deref(),
            Some("2008-10-21T11:00:00Z")
        );
        assert_eq!(
            date_time("2008-10-21T11:00Z").as_deref(),
            Some("2008-10-21T11:00:00Z")
        );
        assert_eq!(
            date_time("2008-10-21T11:00:00").as_deref(),
            Some("2008-10-21")
        );
        assert_eq!(
            date_time("2004-04-19T12:00:00-0500").as_deref(),
            Some("2004-04-19T12:00:00-05:00")
        );
        assert_eq!(date_time("20070101").as_deref(), Some("2007-01-01"));
        assert_eq!(date_time("1999-07").as_deref(), Some("1999-07"));
        assert_eq!(date_time("age 45"), None);
        assert_eq!(date_time("2007-13-01"), None);
        assert_eq!(date("1961-10-04T00:00:00Z").as_deref(), Some("1961-10-04"));
    }

    #[test]
    fn decimals_are_fhir_decimals_only() {
        assert_eq!(
            decimal("38.1").map(|n| n.to_string()).as_deref(),
            Some("38.1")
        );
        assert_eq!(decimal("-2").map(|n| n.to_string()).as_deref(), Some("-2"));
        assert!(decimal("007").is_none());
        assert!(decimal("120/80").is_none());
        assert!(decimal("1e3").is_none());
        assert!(decimal("Negative").is_none());
    }

    #[test]
    fn systems_and_units() {
        assert_eq!(
            system_uri("SNOMED-CT").as_deref(),
            Some("http://snomed.info/sct")
        );
        assert_eq!(
            system_uri("ICD-9-CM").as_deref(),
            Some("http://hl7.org/fhir/sid/icd-9-cm")
        );
        assert_eq!(
            system_uri("2.16.840.1.113883.6.238").as_deref(),
            Some("urn:oid:2.16.840.1.113883.6.238")
        );
        assert_eq!(system_uri("Multum"), None);
        assert_eq!(ucum("mmHg"), Some("mm[Hg]"));
        assert_eq!(ucum("furlongs"), None);
    }
}
