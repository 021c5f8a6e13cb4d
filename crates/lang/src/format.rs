//! Dates, times and amounts as each language writes them, in the desk's time
//! zone. JSON keeps ISO 8601; these are for people.

use crate::{text, text_with, Language};
use jiff::tz::TimeZone;
use jiff::{civil, Timestamp, Zoned};

fn date_of(lang: Language, d: civil::Date) -> String {
    let month = text(lang, &format!("month-short-{}", d.month()));
    text_with(
        lang,
        "date-medium",
        &[
            ("month-short", &month),
            ("day", &d.day().to_string()),
            ("year", &d.year().to_string()),
        ],
    )
}

fn time_of(lang: Language, t: civil::Time) -> String {
    let hour = t.hour();
    let hour12 = match hour % 12 {
        0 => 12,
        h => h,
    };
    let ampm = text(lang, if hour < 12 { "time-am" } else { "time-pm" });
    text_with(
        lang,
        "time-short",
        &[
            ("hour", &hour.to_string()),
            ("hour12", &hour12.to_string()),
            ("minute", &format!("{:02}", t.minute())),
            ("ampm", &ampm),
        ],
    )
}

fn zoned(ts: i64, tz: &TimeZone) -> Option<Zoned> {
    Some(Timestamp::from_second(ts).ok()?.to_zoned(tz.clone()))
}

/// "Nov 26, 2026" for Unix seconds, in `tz`.
pub fn date_in(lang: Language, ts: i64, tz: &TimeZone) -> String {
    zoned(ts, tz)
        .map(|z| date_of(lang, z.date()))
        .unwrap_or_default()
}

/// "Nov 26, 2026, 9:30 AM" for Unix seconds, in `tz`.
pub fn date_time_in(lang: Language, ts: i64, tz: &TimeZone) -> String {
    zoned(ts, tz)
        .map(|z| {
            text_with(
                lang,
                "date-time",
                &[
                    ("date", &date_of(lang, z.date())),
                    ("time", &time_of(lang, z.time())),
                ],
            )
        })
        .unwrap_or_default()
}

/// The date in this computer's time zone.
pub fn date(lang: Language, ts: i64) -> String {
    date_in(lang, ts, &TimeZone::system())
}

/// The date and time in this computer's time zone.
pub fn date_time(lang: Language, ts: i64) -> String {
    date_time_in(lang, ts, &TimeZone::system())
}

/// A record's visit date as people read it: an instant with an offset
/// (`2026-11-26T09:30:00-05:00`) in the desk's zone with its time, a bare date
/// (`2026-11-26`) as a date; anything else as it came.
pub fn visit_date(lang: Language, raw: &str, tz: &TimeZone) -> String {
    let raw = raw.trim();
    if let Ok(ts) = raw.parse::<Timestamp>() {
        return date_time_in(lang, ts.as_second(), tz);
    }
    if let Ok(dt) = raw.parse::<civil::DateTime>() {
        if raw.len() > 10 {
            return text_with(
                lang,
                "date-time",
                &[
                    ("date", &date_of(lang, dt.date())),
                    ("time", &time_of(lang, dt.time())),
                ],
            );
        }
        return date_of(lang, dt.date());
    }
    match raw
        .get(..10)
        .and_then(|d| d.parse::<civil::Date>().ok())
        .or_else(|| us_date(raw))
    {
        Some(d) => date_of(lang, d),
        None => raw.to_string(),
    }
}

/// `5/5/2006` or `12/22/02`, as some producers write a CCR's date (month
/// first, a two-digit year in the last hundred years).
fn us_date(raw: &str) -> Option<civil::Date> {
    let mut parts = raw.split('/');
    let (m, d, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let month: i8 = m.parse().ok()?;
    let day: i8 = d.parse().ok()?;
    let year: i16 = match y.len() {
        4 => y.parse().ok()?,
        2 => {
            let yy: i16 = y.parse().ok()?;
            let now = Zoned::now().year();
            let century = now - now % 100;
            if century + yy > now {
                century - 100 + yy
            } else {
                century + yy
            }
        }
        _ => return None,
    };
    civil::Date::new(year, month, day).ok()
}

/// The currency's symbol as `lang` writes it; the code where we know none.
fn symbol(lang: Language, currency: &str) -> String {
    let c = currency.to_ascii_uppercase();
    let s = match (c.as_str(), lang) {
        ("USD", Language::En) => "$",
        ("USD", _) => "US$",
        ("EUR", _) => "€",
        ("GBP", _) => "£",
        ("CNY", Language::ZhHans) => "¥",
        ("CNY", _) => "CN¥",
        ("JPY", Language::ZhHans) => "JP¥",
        ("JPY", _) => "¥",
        ("CAD", _) => "CA$",
        ("MXN", Language::Es) => "MXN",
        ("VND", _) => "₫",
        ("MXN", _) => "MX$",
        _ => return c,
    };
    s.to_string()
}

/// "$1,234.50", "1.234,50 US$", "US$1,234.50" from a currency code and a
/// decimal amount as the protocol carries it (`1234.50`).
pub fn amount(lang: Language, currency: &str, value: &str) -> String {
    let value = value.trim();
    let (neg, digits) = match value.strip_prefix('-') {
        Some(v) => (true, v),
        None => (false, value),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return format!("{currency} {value}");
    }
    let group = text(lang, "number-group");
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push_str(&group);
        }
        grouped.push(ch);
    }
    let mut number = if neg { format!("-{grouped}") } else { grouped };
    if !frac.is_empty() {
        number.push_str(&text(lang, "number-decimal"));
        number.push_str(frac);
    }
    // A bare currency code stands apart from the number ("CHF 12.00").
    let mut sym = symbol(lang, currency);
    if sym.ends_with(|c: char| c.is_ascii_alphabetic()) {
        sym.push('\u{a0}');
    }
    let out = text_with(lang, "amount", &[("symbol", &sym), ("number", &number)]);
    out.trim_end_matches(['\u{a0}', ' '])
        .replace("\u{a0} ", " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_each_language_writes_them() {
        let ny = TimeZone::get("America/New_York").expect("the zone database");
        // 2026-11-26 14:30 UTC is 9:30 in New York.
        let ts = 1_795_703_400;
        assert_eq!(date_time_in(Language::En, ts, &ny), "Nov 26, 2026, 9:30 AM");
        assert_eq!(date_time_in(Language::Es, ts, &ny), "26 nov 2026, 9:30");
        assert_eq!(
            date_time_in(Language::ZhHans, ts, &ny),
            "2026年11月26日 上午9:30"
        );
        assert_eq!(date_in(Language::En, ts, &ny), "Nov 26, 2026");
        assert_eq!(
            visit_date(Language::En, "2026-11-26T09:30:00-05:00", &ny),
            "Nov 26, 2026, 9:30 AM"
        );
        assert_eq!(visit_date(Language::Es, "2026-11-26", &ny), "26 nov 2026");
        assert_eq!(visit_date(Language::En, "last week", &ny), "last week");
        assert_eq!(
            visit_date(Language::En, "2026-11-26T21:05:00", &ny),
            "Nov 26, 2026, 9:05 PM"
        );
        // Month-first dates as some producers write them.
        assert_eq!(visit_date(Language::Es, "5/5/2006", &ny), "5 may 2006");
        assert_eq!(visit_date(Language::En, "12/22/02", &ny), "Dec 22, 2002");
        assert_eq!(visit_date(Language::En, "6/27/96", &ny), "Jun 27, 1996");
        assert_eq!(visit_date(Language::En, "13/27/96", &ny), "13/27/96");
    }

    #[test]
    fn amounts_carry_their_symbol() {
        assert_eq!(amount(Language::En, "USD", "1234.50"), "$1,234.50");
        assert_eq!(amount(Language::Es, "USD", "1234.50"), "1.234,50 US$");
        assert_eq!(amount(Language::ZhHans, "USD", "25.00"), "US$25.00");
        assert_eq!(amount(Language::En, "EUR", "5"), "€5");
        assert_eq!(amount(Language::En, "CHF", "12.00"), "CHF\u{a0}12.00");
        assert_eq!(amount(Language::En, "USD", "n/a"), "USD n/a");
    }
}
