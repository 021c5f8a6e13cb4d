//! Writing typed readings (the desk's vitals form) as OMHE lines.

use super::{parse, EventTime, OmheError};

/// A typed reading the desk's vitals form produces, written as one OMHE line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    BloodPressure {
        systolic: u32,
        diastolic: u32,
        pulse: Option<u32>,
    },
    /// Decimal text (`70.5`) and `l` (pounds) or `k` (kilograms).
    Weight {
        value: String,
        kilograms: bool,
    },
    BloodGlucose(u32),
    PercentBodyFat(String),
    Steps(u64),
    Pain(u32),
    Mood(u32),
    CheckIn(String),
}

/// One line with its helpers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub reading: Reading,
    pub event_time: Option<EventTime>,
    pub tz: Option<i32>,
    pub tags: Vec<String>,
}

impl Line {
    pub fn new(reading: Reading) -> Line {
        Line {
            reading,
            event_time: None,
            tz: None,
            tags: Vec::new(),
        }
    }
}

/// Writes OMHE lines, then reads them back with [`parse`] so that nothing
/// out of range or malformed leaves the desk.
pub fn write(lines: &[Line]) -> Result<String, OmheError> {
    let mut out = String::new();
    for l in lines {
        let mut s = match &l.reading {
            Reading::BloodPressure {
                systolic,
                diastolic,
                pulse,
            } => match pulse {
                Some(p) => format!("bp={systolic}/{diastolic}p{p}"),
                None => format!("bp={systolic}/{diastolic}"),
            },
            Reading::Weight { value, kilograms } => {
                format!("wt={value}{}", if *kilograms { "k" } else { "l" })
            }
            Reading::BloodGlucose(v) => format!("bg={v}"),
            Reading::PercentBodyFat(v) => format!("pbf={v}"),
            Reading::Steps(v) => format!("st={v}"),
            Reading::Pain(v) => format!("pn={v}"),
            Reading::Mood(v) => format!("md={v}"),
            Reading::CheckIn(t) => format!("ci={}", clean(t)),
        };
        if let Some(t) = &l.event_time {
            s.push_str(&format!(
                "#dt{:04}{:02}{:02}:{:02}{:02}{:02}{}",
                t.year,
                t.month,
                t.day,
                t.hour,
                t.minute,
                t.second,
                if t.utc { "z" } else { "" }
            ));
        }
        if let Some(tz) = l.tz {
            let (sign, m) = if tz < 0 { ('-', -tz) } else { ('+', tz) };
            s.push_str(&format!("#tz{sign}{}:{:02}", m / 60, m % 60));
        }
        for tag in &l.tags {
            let t = clean(tag);
            if !t.is_empty() {
                s.push('#');
                s.push_str(&t);
            }
        }
        out.push_str(&s);
        out.push('\n');
    }
    parse(&out)?;
    Ok(out)
}

/// Text for a value or tag: no `#` (it would start a tag) and no line breaks.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == '#' || c == '\n' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_string()
}
