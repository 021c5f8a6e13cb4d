//! Units and numbers as people write them. Records carry UCUM codes
//! (`mm[Hg]`, `Cel`, `[lb_av]`); a patient reads mmHg, °C, lb. A unit we do
//! not know is shown as the record gave it (it may already be for people:
//! `lbs`, `bpm`).

use crate::{text, Language};

/// The UCUM codes records use for vital signs and common results, and how
/// people write them (the same in every language we have).
const UCUM: &[(&str, &str)] = &[
    ("mm[Hg]", "mmHg"),
    ("mm Hg", "mmHg"),
    ("Cel", "°C"),
    ("[degF]", "°F"),
    ("[lb_av]", "lb"),
    ("[oz_av]", "oz"),
    ("[in_i]", "in"),
    ("[ft_i]", "ft"),
    ("[iU]", "IU"),
    ("[iU]/L", "IU/L"),
    ("[IU]", "IU"),
    ("[IU]/L", "IU/L"),
    ("kg/m2", "kg/m²"),
    ("m2", "m²"),
    ("/min", "/min"),
    ("{beats}/min", "beats/min"),
    ("{breaths}/min", "breaths/min"),
    ("/[HPF]", "/HPF"),
    ("ug", "µg"),
    ("ug/L", "µg/L"),
    ("ug/dL", "µg/dL"),
    ("uL", "µL"),
    ("umol/L", "µmol/L"),
    ("10*3/uL", "×10³/µL"),
    ("10*6/uL", "×10⁶/µL"),
    ("10*9/L", "×10⁹/L"),
    ("10*12/L", "×10¹²/L"),
    ("mL/min/{1.73_m2}", "mL/min/1.73 m²"),
    ("%{saturation}", "%"),
    ("{ratio}", ""),
    ("1", ""),
];

/// A unit as people write it: UCUM's code mapped (`mm[Hg]` → `mmHg`), a
/// unit we do not know as given.
pub fn unit(ucum: &str) -> String {
    let u = ucum.trim();
    UCUM.iter()
        .find(|(code, _)| *code == u)
        .map(|(_, shown)| shown.to_string())
        .unwrap_or_else(|| u.to_string())
}

/// A decimal number with the language's decimal mark (`38,1` in Spanish);
/// anything that is not a plain decimal (`<5`, `Positive`) as given.
pub fn number(lang: Language, value: &str) -> String {
    let v = value.trim();
    let (sign, digits) = match v.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", v),
    };
    match digits.split_once('.') {
        Some((int, frac))
            if !int.is_empty()
                && !frac.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("{sign}{int}{}{frac}", text(lang, "number-decimal"))
        }
        _ => v.to_string(),
    }
}

/// A measurement: `38,1 °C`, `118 mmHg`, `72 %`; the value alone when
/// there is no unit.
pub fn measure(lang: Language, value: &str, ucum: Option<&str>) -> String {
    let n = number(lang, value);
    match ucum.map(unit).filter(|u| !u.is_empty()) {
        // A percentage follows the number as each language writes it.
        Some(u) if u == "%" => crate::text_with(lang, "unit-percent", &[("value", &n)]),
        Some(u) => format!("{n} {u}"),
        None => n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ucum_codes_read_as_people_write_them() {
        assert_eq!(unit("mm[Hg]"), "mmHg");
        assert_eq!(unit("Cel"), "°C");
        assert_eq!(unit("[degF]"), "°F");
        assert_eq!(unit("kg"), "kg");
        assert_eq!(unit("[lb_av]"), "lb");
        assert_eq!(unit("/min"), "/min");
        assert_eq!(unit("10*3/uL"), "×10³/µL");
        // Unknown units stay as the record gave them.
        assert_eq!(unit("lbs"), "lbs");
        assert_eq!(unit("furlongs"), "furlongs");
    }

    #[test]
    fn numbers_take_the_language_decimal_mark() {
        assert_eq!(measure(Language::Es, "38.1", Some("Cel")), "38,1 °C");
        assert_eq!(measure(Language::En, "38.1", Some("Cel")), "38.1 °C");
        assert_eq!(measure(Language::En, "118", Some("mm[Hg]")), "118 mmHg");
        assert_eq!(measure(Language::En, "-0.5", None), "-0.5");
        assert_eq!(measure(Language::Es, "<5.0", Some("mg")), "<5.0 mg");
        assert_eq!(measure(Language::En, "Positive", None), "Positive");
        assert_eq!(measure(Language::En, "97", Some("%")), "97%");
    }
}
