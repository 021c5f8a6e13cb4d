//! The value grammars of docs/omhe.md (§4 to §6): numbers in ranges, blood
//! pressure, emails, and the `dt` (event time) and `tz` helpers.

use super::commands::{Grammar, FRV_ITEMS};
use super::{Command, EventTime};

pub(super) fn parse_value(c: &Command, v: &str) -> Result<Vec<(&'static str, String)>, String> {
    let one = |s: String| Ok(vec![(c.field, s)]);
    match c.grammar {
        Grammar::Bp => parse_bp(v),
        Grammar::Email => {
            if is_peer_email(v) {
                one(v.to_string())
            } else {
                Err(format!("expected an e-mail address, got {v:?}"))
            }
        }
        Grammar::Int(lo, hi) => one(int_in(v, lo, hi, "value")?),
        Grammar::Dec(lo, hi) => one(dec_in(v, lo, Some(hi))?),
        Grammar::DecUnit(lo) => {
            let (num, unit) = match v.as_bytes().last() {
                Some(b'l' | b'L') => (&v[..v.len() - 1], "l"),
                Some(b'k' | b'K') => (&v[..v.len() - 1], "k"),
                _ => (v, "l"),
            };
            let n = dec_in(num, lo, None).map_err(|e| {
                if e.starts_with("expected") {
                    format!("expected a decimal number with an optional unit l or k, got {v:?}")
                } else {
                    e
                }
            })?;
            let numeric: &'static str = match c.name {
                "wt" => "wt_numeric",
                "fm" => "fm_numeric",
                _ => "ffm_numeric",
            };
            let unit_field: &'static str = match c.name {
                "wt" => "wt_measure_unit",
                "fm" => "fm_measure_unit",
                _ => "ffm_measure_unit",
            };
            Ok(vec![(numeric, n), (unit_field, unit.to_string())])
        }
        Grammar::ZeroToTen => {
            if v.is_empty() {
                one("1".into())
            } else {
                one(int_in(v, 0, Some(10), "servings")?)
            }
        }
        Grammar::Frv => {
            let lower = v.to_ascii_lowercase();
            let (item, count) = match lower.as_bytes().last() {
                Some(d) if d.is_ascii_digit() => (&lower[..lower.len() - 1], (d - b'0') as u32),
                _ => (lower.as_str(), 1),
            };
            if !FRV_ITEMS.contains(&item) {
                return Err(format!(
                    "expected a fruit or vegetable from the list with an optional count 0-9, got {v:?}"
                ));
            }
            Ok(vec![
                ("frv_item", item.to_string()),
                ("frv_count", count.to_string()),
            ])
        }
        Grammar::Text(max) => {
            if let Some(max) = max {
                let n = v.chars().count();
                if n > max {
                    return Err(format!(
                        "text has {n} characters; at most {max} are allowed"
                    ));
                }
            }
            one(v.to_string())
        }
        Grammar::Sint => {
            one(parse_sint(v).ok_or_else(|| format!("expected a whole number, got {v:?}"))?)
        }
        Grammar::Empty => {
            if v.is_empty() {
                Ok(vec![])
            } else {
                Err(format!("takes no value, got {v:?}"))
            }
        }
        Grammar::Yes => Ok(vec![]),
    }
}

/// Digits without leading zeros ("0" for all zeros), or None when not all ASCII digits.
pub(super) fn digits(v: &str) -> Option<&str> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = v.trim_start_matches('0');
    Some(if t.is_empty() { "0" } else { t })
}

pub(super) fn int_in(v: &str, lo: u64, hi: Option<u64>, what: &str) -> Result<String, String> {
    let d = digits(v).ok_or_else(|| format!("expected a whole number, got {v:?}"))?;
    let range = match hi {
        Some(h) => format!("{lo}-{h}"),
        None => format!("{lo} or more, below 10^18"),
    };
    if d.len() > 18 {
        return Err(format!("{what} {v} is out of range {range}"));
    }
    let n: u64 = d
        .parse()
        .map_err(|_| format!("{what} {v} is out of range {range}"))?;
    if n < lo || hi.is_some_and(|h| n > h) {
        return Err(format!("{what} {n} is out of range {range}"));
    }
    Ok(d.to_string())
}

pub(super) fn parse_sint(v: &str) -> Option<String> {
    let (neg, rest) = match v.as_bytes().first() {
        Some(b'-') => (true, &v[1..]),
        Some(b'+') => (false, &v[1..]),
        _ => (false, v),
    };
    let d = digits(rest)?;
    if d.len() > 18 {
        return None;
    }
    Some(if neg && d != "0" {
        format!("-{d}")
    } else {
        d.to_string()
    })
}

/// `DIGITS ["." DIGITS]` with at most 18 integer and 9 fraction digits.
pub(super) fn dec_in(v: &str, lo: u64, hi: Option<u64>) -> Result<String, String> {
    let expected = || format!("expected a decimal number, got {v:?}");
    let (int, frac) = match v.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (v, None),
    };
    let int = digits(int).ok_or_else(expected)?;
    let frac = match frac {
        Some(f) => {
            digits(f).ok_or_else(expected)?;
            if f.len() > 9 {
                return Err(format!("{v} has more than 9 decimals"));
            }
            f.trim_end_matches('0')
        }
        None => "",
    };
    if int.len() > 18 {
        return Err(format!("{v} has more than 18 integer digits"));
    }
    let whole: u64 = int.parse().map_err(|_| expected())?;
    let has_frac = !frac.is_empty();
    let below = whole < lo;
    let above = hi.is_some_and(|h| whole > h || (whole == h && has_frac));
    if below || above {
        let range = match hi {
            Some(h) => format!("{lo}-{h}"),
            None => format!("{lo} or more"),
        };
        return Err(format!("{v} is out of range {range}"));
    }
    Ok(if has_frac {
        format!("{int}.{frac}")
    } else {
        int.to_string()
    })
}

pub(super) fn parse_bp(v: &str) -> Result<Vec<(&'static str, String)>, String> {
    let shape = || {
        format!("expected systolic/diastolic with an optional pulse (120/80p60) or nine digits, got {v:?}")
    };
    let (sys, rest) = if let Some(i) = v.find(['/', 'd', 'D']) {
        (&v[..i], &v[i + 1..])
    } else if v.len() == 9 && v.bytes().all(|b| b.is_ascii_digit()) {
        let (s, d, p) = (&v[0..3], &v[3..6], &v[6..9]);
        return bp_fields(s, d, Some(p));
    } else {
        return Err(shape());
    };
    if rest.contains(['/', 'd', 'D']) {
        return Err(shape());
    }
    let (dia, pulse) = match rest.find(['p', 'P']) {
        Some(i) => {
            let p = &rest[i + 1..];
            if p.contains(['p', 'P']) {
                return Err(shape());
            }
            (&rest[..i], Some(p))
        }
        None => (rest, None),
    };
    if sys.is_empty() || dia.is_empty() || pulse == Some("") {
        return Err(shape());
    }
    bp_fields(sys, dia, pulse)
}

pub(super) fn bp_fields(
    sys: &str,
    dia: &str,
    pulse: Option<&str>,
) -> Result<Vec<(&'static str, String)>, String> {
    let mut out = vec![
        ("bp_systolic", int_in(sys, 20, Some(500), "systolic")?),
        ("bp_diastolic", int_in(dia, 20, Some(500), "diastolic")?),
    ];
    if let Some(p) = pulse {
        out.push(("bp_pulse", int_in(p, 10, Some(500), "pulse")?));
    }
    Ok(out)
}

/// The peer's e-mail rule: `.+@\[?[A-Za-z0-9.-]+\.([A-Za-z]{2,3}|[0-9]{1,3})\]?`, 8+ characters.
pub(super) fn is_peer_email(v: &str) -> bool {
    if v.chars().count() < 8 {
        return false;
    }
    v.char_indices().filter(|(_, c)| *c == '@').any(|(i, _)| {
        if i == 0 {
            return false;
        }
        let host = &v[i + 1..];
        let host = host.strip_prefix('[').unwrap_or(host);
        let host = host.strip_suffix(']').unwrap_or(host);
        let Some((name, tld)) = host.rsplit_once('.') else {
            return false;
        };
        let name_ok = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        let tld_ok = ((2..=3).contains(&tld.len()) && tld.bytes().all(|b| b.is_ascii_alphabetic()))
            || ((1..=3).contains(&tld.len()) && tld.bytes().all(|b| b.is_ascii_digit()));
        name_ok && tld_ok
    })
}

pub(super) fn parse_dt(arg: &str) -> Result<EventTime, String> {
    let b = arg.as_bytes();
    let bad = || format!("expected YYYYMMDD:HHMMSS with an optional z, got {arg:?}");
    let (body, utc) = match b.last() {
        Some(b'z') => (&arg[..arg.len() - 1], true),
        _ => (arg, false),
    };
    let bb = body.as_bytes();
    if bb.len() != 15 || bb[8] != b':' {
        return Err(bad());
    }
    if !bb[..8].iter().chain(&bb[9..]).all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let n = |r: std::ops::Range<usize>| body[r].parse::<u32>().unwrap_or(u32::MAX);
    let (year, month, day) = (n(0..4), n(4..6), n(6..8));
    let (hour, minute, second) = (n(9..11), n(11..13), n(13..15));
    if !(1900..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
    {
        return Err(format!("{} is not a date", &body[..8]));
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(format!("{} is not a time of day", &body[9..]));
    }
    Ok(EventTime {
        year,
        month,
        day,
        hour,
        minute,
        second,
        utc,
    })
}

pub(super) fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        _ => 28,
    }
}

pub(super) fn parse_tz(arg: &str) -> Result<i32, String> {
    let bad = || format!("expected an offset such as -5, +5:30 or 5.5, got {arg:?}");
    let (sign, rest) = match arg.as_bytes().first() {
        Some(b'-') => (-1, &arg[1..]),
        Some(b'+') => (1, &arg[1..]),
        _ => (1, arg),
    };
    let (h, minutes) = if let Some((h, mm)) = rest.split_once(':') {
        if mm.len() != 2 || !mm.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let mm: i32 = mm.parse().map_err(|_| bad())?;
        if mm > 59 {
            return Err(bad());
        }
        (h, mm)
    } else if let Some((h, f)) = rest.split_once('.') {
        if f.is_empty() || f.len() > 9 || !f.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        // f is a decimal fraction of an hour: minutes = 60 * f / 10^len.
        let num: u64 = f.parse().map_err(|_| bad())?;
        let den = 10u64.pow(f.len() as u32);
        if (num * 60) % den != 0 {
            return Err(format!("{arg} hours is not a whole number of minutes"));
        }
        (h, ((num * 60) / den) as i32)
    } else {
        (rest, 0)
    };
    if h.is_empty() || h.len() > 2 || !h.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let total = sign * (h.parse::<i32>().map_err(|_| bad())? * 60 + minutes);
    if !(-12 * 60..=14 * 60).contains(&total) {
        return Err(format!("{arg} is outside -12:00..+14:00"));
    }
    Ok(total)
}

/// `±HH:MM`.
pub fn tz_text(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.abs();
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}
