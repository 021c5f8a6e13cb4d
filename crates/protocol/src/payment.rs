//! The payment request (`pmt`): a JSON object validated exactly per the protocol.
//!
//! An invalid `pmt` never fails a stage; it only makes the answer say `pmt=invalid`.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use std::fmt;

/// A valid payment request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    /// The amount as written (`"12.50"`).
    pub amount: String,
    pub currency: String,
    pub description: Option<String>,
    pub reference: Option<String>,
    /// `YYYY-MM-DD`.
    pub due_date: Option<String>,
}

/// Why a `pmt` is invalid; the message says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    #[error("the payment request is not a JSON object: {0}")]
    Malformed(String),
    #[error("the payment request has the key {0:?} twice")]
    RepeatedKey(String),
    #[error("the payment request has an unknown key {0:?}")]
    UnknownKey(String),
    #[error("the payment request needs {0:?}")]
    Missing(&'static str),
    #[error("{0:?} must be a JSON string")]
    NotAString(&'static str),
    #[error("the amount {0:?} must be digits with an optional point and 1 or 2 decimals, above 0 and at most 999999.99")]
    Amount(String),
    #[error("the currency {0:?} is not an active ISO 4217 code in upper case")]
    Currency(String),
    #[error("the description must have 1 to 140 characters")]
    Description,
    #[error("the reference must have 1 to 64 printable ASCII characters")]
    Reference,
    #[error("the due date {0:?} is not a date in the form YYYY-MM-DD")]
    DueDate(String),
}

/// Active ISO 4217 alphabetic codes (list of November 2026: ANG, BGN, HRK,
/// SLL and ZWL withdrawn; XCG and ZWG added). The "testing" and "no currency"
/// codes XTS and XXX are not currencies a bill is paid in.
pub const CURRENCIES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BHD",
    "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF",
    "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUP", "CVE", "CZK", "DJF",
    "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP",
    "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR",
    "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT",
    "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP",
    "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR",
    "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB",
    "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN",
    "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH",
    "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF",
    "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XCG", "XDR", "XOF", "XPD", "XPF", "XPT",
    "XSU", "XUA", "YER", "ZAR", "ZMW", "ZWG",
];

const KEYS: [&str; 5] = ["amount", "currency", "description", "reference", "due_date"];

impl PaymentRequest {
    /// Validates a `pmt` value.
    pub fn parse(json: &str) -> Result<PaymentRequest, PaymentError> {
        let Entries(entries) =
            serde_json::from_str(json).map_err(|e| PaymentError::Malformed(e.to_string()))?;
        let mut seen: Vec<&str> = Vec::new();
        for (key, _) in &entries {
            if !KEYS.contains(&key.as_str()) {
                return Err(PaymentError::UnknownKey(key.clone()));
            }
            if seen.contains(&key.as_str()) {
                return Err(PaymentError::RepeatedKey(key.clone()));
            }
            seen.push(key);
        }
        let get = |name: &'static str| -> Result<Option<String>, PaymentError> {
            match entries.iter().find(|(k, _)| k == name) {
                None => Ok(None),
                Some((_, Value::String(s))) => Ok(Some(s.clone())),
                Some(_) => Err(PaymentError::NotAString(name)),
            }
        };
        let amount = get("amount")?.ok_or(PaymentError::Missing("amount"))?;
        let currency = get("currency")?.ok_or(PaymentError::Missing("currency"))?;
        let request = PaymentRequest {
            amount,
            currency,
            description: get("description")?,
            reference: get("reference")?,
            due_date: get("due_date")?,
        };
        request.validate()?;
        Ok(request)
    }

    /// Checks every rule; used by `parse` and by clients before they send.
    pub fn validate(&self) -> Result<(), PaymentError> {
        amount_minor_units(&self.amount)
            .ok_or_else(|| PaymentError::Amount(self.amount.clone()))?;
        if !CURRENCIES.contains(&self.currency.as_str()) {
            return Err(PaymentError::Currency(self.currency.clone()));
        }
        if let Some(d) = &self.description {
            if !(1..=140).contains(&d.chars().count()) {
                return Err(PaymentError::Description);
            }
        }
        if let Some(r) = &self.reference {
            if !(1..=64).contains(&r.len()) || !r.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
                return Err(PaymentError::Reference);
            }
        }
        if let Some(d) = &self.due_date {
            if !is_iso_date(d) {
                return Err(PaymentError::DueDate(d.clone()));
            }
        }
        Ok(())
    }

    /// The amount in hundredths (`"12.5"` is 1250).
    pub fn amount_cents(&self) -> u64 {
        amount_minor_units(&self.amount).unwrap_or(0)
    }

    /// The JSON object sent as `pmt`.
    pub fn to_json(&self) -> String {
        let mut map = serde_json::Map::new();
        map.insert("amount".into(), Value::String(self.amount.clone()));
        map.insert("currency".into(), Value::String(self.currency.clone()));
        for (k, v) in [
            ("description", &self.description),
            ("reference", &self.reference),
            ("due_date", &self.due_date),
        ] {
            if let Some(v) = v {
                map.insert(k.into(), Value::String(v.clone()));
            }
        }
        Value::Object(map).to_string()
    }
}

/// Hundredths of the amount, or `None` when it breaks a rule.
fn amount_minor_units(amount: &str) -> Option<u64> {
    let (int, frac) = match amount.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (amount, None),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac = match frac {
        None => "",
        Some(f) if (1..=2).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => f,
        Some(_) => return None,
    };
    let int = int.trim_start_matches('0');
    if int.len() > 6 {
        return None;
    }
    let whole: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut cents: u64 = frac.parse().unwrap_or(0);
    if frac.len() == 1 {
        cents *= 10;
    }
    let total = whole * 100 + cents;
    (total > 0 && total <= 99_999_999).then_some(total)
}

/// `YYYY-MM-DD` naming a day of the Gregorian calendar.
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)
}

pub fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 0,
    }
}

/// A JSON object's entries in order, repeated keys kept (serde_json's own map
/// would silently keep the last).
struct Entries(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    out.push((k, v));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(json: &str) -> PaymentRequest {
        PaymentRequest::parse(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    #[test]
    fn valid_requests() {
        let p = ok(r#"{"amount":"12.50","currency":"USD"}"#);
        assert_eq!(p.amount_cents(), 1250);
        assert_eq!(ok(r#"{"amount":"7","currency":"EUR"}"#).amount_cents(), 700);
        assert_eq!(
            ok(r#"{"amount":"0.5","currency":"EUR"}"#).amount_cents(),
            50
        );
        assert_eq!(
            ok(r#"{"amount":"999999.99","currency":"JPY"}"#).amount_cents(),
            99_999_999
        );
        let full = ok(
            r#"{"amount":"40.00","currency":"GBP","description":"Visite médicale — 診察","reference":"INV 2026/0042","due_date":"2024-02-29"}"#,
        );
        assert_eq!(full.reference.as_deref(), Some("INV 2026/0042"));
        assert_eq!(PaymentRequest::parse(&full.to_json()).unwrap(), full);
    }

    #[test]
    fn every_rule_refuses() {
        let bad = [
            ("", "Malformed"),
            ("[]", "Malformed"),
            (r#"{"amount":"1","currency":"USD""#, "Malformed"),
            (
                r#"{"amount":"1","currency":"USD","amount":"2"}"#,
                "RepeatedKey",
            ),
            (r#"{"amount":"1","currency":"USD","tip":"1"}"#, "UnknownKey"),
            (r#"{"currency":"USD"}"#, "Missing"),
            (r#"{"amount":"1"}"#, "Missing"),
            (r#"{"amount":12.5,"currency":"USD"}"#, "NotAString"),
            (r#"{"amount":"0","currency":"USD"}"#, "Amount"),
            (r#"{"amount":"0.00","currency":"USD"}"#, "Amount"),
            (r#"{"amount":"-1","currency":"USD"}"#, "Amount"),
            (r#"{"amount":"+1","currency":"USD"}"#, "Amount"),
            (r#"{"amount":"1e3","currency":"USD"}"#, "Amount"),
            (r#"{"amount":"1.234","currency":"USD"}"#, "Amount"),
            (r#"{"amount":"1.","currency":"USD"}"#, "Amount"),
            (r#"{"amount":".5","currency":"USD"}"#, "Amount"),
            (r#"{"amount":"1000000","currency":"USD"}"#, "Amount"),
            (r#"{"amount":"999999.991","currency":"USD"}"#, "Amount"),
            (r#"{"amount":"１","currency":"USD"}"#, "Amount"),
            (r#"{"amount":" 1","currency":"USD"}"#, "Amount"),
            (r#"{"amount":"1","currency":"usd"}"#, "Currency"),
            (r#"{"amount":"1","currency":"ABC"}"#, "Currency"),
            (r#"{"amount":"1","currency":"XXX"}"#, "Currency"),
            (
                r#"{"amount":"1","currency":"USD","description":""}"#,
                "Description",
            ),
            (
                r#"{"amount":"1","currency":"USD","reference":""}"#,
                "Reference",
            ),
            (
                r#"{"amount":"1","currency":"USD","reference":"tab\there"}"#,
                "Reference",
            ),
            (
                r#"{"amount":"1","currency":"USD","reference":"é"}"#,
                "Reference",
            ),
            (
                r#"{"amount":"1","currency":"USD","due_date":"2023-02-29"}"#,
                "DueDate",
            ),
            (
                r#"{"amount":"1","currency":"USD","due_date":"2024-13-01"}"#,
                "DueDate",
            ),
            (
                r#"{"amount":"1","currency":"USD","due_date":"24-01-01"}"#,
                "DueDate",
            ),
            (
                r#"{"amount":"1","currency":"USD","due_date":"2024-01-01T00:00"}"#,
                "DueDate",
            ),
        ];
        for (json, kind) in bad {
            let err = PaymentRequest::parse(json).expect_err(json);
            assert!(format!("{err:?}").starts_with(kind), "{json}: {err:?}");
        }
        let long = "x".repeat(141);
        let json = format!(r#"{{"amount":"1","currency":"USD","description":"{long}"}}"#);
        assert_eq!(PaymentRequest::parse(&json), Err(PaymentError::Description));
        let emoji = "😀".repeat(140);
        let json = format!(r#"{{"amount":"1","currency":"USD","description":"{emoji}"}}"#);
        assert!(PaymentRequest::parse(&json).is_ok());
        let reference = "R".repeat(65);
        let json = format!(r#"{{"amount":"1","currency":"USD","reference":"{reference}"}}"#);
        assert_eq!(PaymentRequest::parse(&json), Err(PaymentError::Reference));
    }
}
