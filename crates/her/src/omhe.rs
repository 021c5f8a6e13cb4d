//! OMHE microsyntax, exactly as `docs/omhe.md` says: one message per line,
//! longest-name recognition with a word boundary, strict value grammars, tags and
//! the `dt`/`tz`/`points` helpers. Every input gives a result or an error, never a panic.

use serde_json::{json, Map, Value};

/// One parsed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub line: usize,
    /// The canonical command (`bp`, `wt`, `yes`, ...).
    pub omhe: &'static str,
    /// Typed fields in text form: numbers as decimal strings without
    /// insignificant zeros, units `l`/`k`, text as written.
    pub fields: Vec<(&'static str, String)>,
    pub tags: Vec<String>,
    pub event_time: Option<EventTime>,
    /// Offset from `tz`, in minutes.
    pub tz: Option<i32>,
    pub points: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventTime {
    pub year: u32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub utc: bool,
}

impl EventTime {
    pub fn text(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            if self.utc { "Z" } else { "" }
        )
    }
}

/// Why a HER is not OMHE; `message` names the line and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct OmheError {
    pub line: Option<usize>,
    pub message: String,
}

fn err(line: usize, message: String) -> OmheError {
    OmheError {
        line: Some(line),
        message: format!("line {line}: {message}"),
    }
}

#[derive(Clone, Copy)]
enum Grammar {
    Bp,
    Email,
    Int(u64, Option<u64>),
    DecUnit(u64),
    Dec(u64, u64),
    ZeroToTen,
    Frv,
    Text(Option<usize>),
    Sint,
    Empty,
    Yes,
}

struct Command {
    name: &'static str,
    aliases: &'static [&'static str],
    grammar: Grammar,
    field: &'static str,
}

const fn cmd(
    name: &'static str,
    aliases: &'static [&'static str],
    grammar: Grammar,
    field: &'static str,
) -> Command {
    Command {
        name,
        aliases,
        grammar,
        field,
    }
}

const COMMANDS: &[Command] = &[
    cmd("bp", &["bloodpressure"], Grammar::Bp, "bp"),
    cmd("sbp", &["sendbloodpressure"], Grammar::Email, "sbp_to"),
    cmd(
        "bg",
        &["bloodglucose"],
        Grammar::Int(0, Some(400)),
        "bg_numeric",
    ),
    cmd("wt", &["weight"], Grammar::DecUnit(0), "wt"),
    cmd("fm", &["fatmass"], Grammar::DecUnit(1), "fm"),
    cmd("ffm", &["freefatmass"], Grammar::DecUnit(0), "ffm"),
    cmd(
        "pbf",
        &["percentbodyfat"],
        Grammar::Dec(1, 95),
        "pbf_numeric",
    ),
    cmd(
        "st",
        &["steps", "spd", "fitbit"],
        Grammar::Int(0, None),
        "st_numeric",
    ),
    cmd("pn", &["pain"], Grammar::Int(0, Some(10)), "pn_numeric"),
    cmd("md", &["mood"], Grammar::Int(0, Some(10)), "md_numeric"),
    cmd(
        "zeo",
        &["sleepscore", "zscore"],
        Grammar::Int(0, Some(100)),
        "zeo_numeric",
    ),
    cmd("frt", &["fruit"], Grammar::ZeroToTen, "one_to_ten_numeric"),
    cmd(
        "veg",
        &["vegetable", "veggie"],
        Grammar::ZeroToTen,
        "one_to_ten_numeric",
    ),
    cmd(
        "jnk",
        &["junk", "junkfood"],
        Grammar::ZeroToTen,
        "one_to_ten_numeric",
    ),
    cmd(
        "wtr",
        &["water", "h2o", "h20"],
        Grammar::ZeroToTen,
        "one_to_ten_numeric",
    ),
    cmd(
        "alc",
        &["alcohol", "beer", "wine", "shot"],
        Grammar::ZeroToTen,
        "one_to_ten_numeric",
    ),
    cmd(
        "ptn",
        &["protein", "protien"],
        Grammar::ZeroToTen,
        "one_to_ten_numeric",
    ),
    cmd(
        "crb",
        &["carb", "carbohydrate"],
        Grammar::ZeroToTen,
        "one_to_ten_numeric",
    ),
    cmd("dry", &["dairy"], Grammar::ZeroToTen, "one_to_ten_numeric"),
    cmd("drk", &["drink"], Grammar::ZeroToTen, "one_to_ten_numeric"),
    cmd("frv", &["freggie"], Grammar::Frv, "frv"),
    cmd(
        "ci",
        &["checkin", "check-in", "check"],
        Grammar::Text(Some(120)),
        "ci_payload",
    ),
    cmd("eat", &["ate", "tweat"], Grammar::Text(None), "eat_text"),
    cmd("gym", &["workout"], Grammar::Text(None), "gym_text"),
    cmd("que", &["question"], Grammar::Text(None), "que_text"),
    cmd("ans", &["answer"], Grammar::Text(None), "ans_text"),
    cmd("sch", &["starch"], Grammar::Text(None), "sch_text"),
    cmd("pts", &["points", "gems"], Grammar::Sint, "pts_numeric"),
    cmd(
        "hivcd4",
        &["cd4-count"],
        Grammar::Int(0, None),
        "hivcd4_numeric",
    ),
    cmd(
        "hivvl",
        &["hiv-viral-load"],
        Grammar::Int(0, None),
        "hivvl_numeric",
    ),
    cmd("gbp", &["getbloodpressure"], Grammar::Empty, ""),
    cmd("yes", &["y", "si", "ok"], Grammar::Yes, ""),
];

/// The 68 fruit and vegetable items of `frv`.
pub const FRV_ITEMS: [&str; 68] = [
    "apple",
    "apricot",
    "avocado",
    "banana",
    "blackberry",
    "blueberry",
    "cherry",
    "coconut",
    "crabapple",
    "cranberry",
    "grapefruit",
    "grapes",
    "keylime",
    "kiwi",
    "lemon",
    "lime",
    "mandarin",
    "mango",
    "melon",
    "mulberry",
    "nectarines",
    "olive",
    "orange",
    "papaya",
    "passionfruit",
    "peach",
    "pear",
    "pineapple",
    "plum",
    "pomegranate",
    "raspberry",
    "strawberry",
    "tangerine",
    "tomato",
    "watermelon",
    "asparagus",
    "beets",
    "bell pepper",
    "broccoli",
    "brussels sprouts",
    "cabbage",
    "carrots",
    "cauliflower",
    "celery",
    "collard greens",
    "corn",
    "cucumbers",
    "eggplant",
    "garlic",
    "green beans",
    "green peas",
    "kale",
    "mushrooms",
    "okra",
    "olives",
    "onions",
    "parsnips",
    "potatoes",
    "pumpkin",
    "romaine lettuce",
    "spinach",
    "squash",
    "sweet potatoes",
    "turnip greens",
    "watercress",
    "yams",
    "zucchini",
    "other",
];

/// Parses a HER given as bytes; text that is not UTF-8 is refused.
pub fn parse_bytes(her: &[u8]) -> Result<Vec<Message>, OmheError> {
    let text = std::str::from_utf8(her).map_err(|e| OmheError {
        line: None,
        message: format!("the record is not UTF-8 text (byte {})", e.valid_up_to()),
    })?;
    parse(text)
}

/// Parses a HER: every non-blank line is one message; the first bad line rejects it all.
pub fn parse(her: &str) -> Result<Vec<Message>, OmheError> {
    let mut out = Vec::new();
    for (i, raw) in her.split('\n').enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        out.push(parse_message(i + 1, line)?);
    }
    if out.is_empty() {
        return Err(OmheError {
            line: None,
            message: "no OMHE messages".into(),
        });
    }
    Ok(out)
}

fn is_ascii_letter(b: Option<&u8>) -> bool {
    b.is_some_and(|b| b.is_ascii_alphabetic())
}

fn recognize(line: &str) -> Option<(&'static Command, usize)> {
    let bytes = line.as_bytes();
    let mut best: Option<(&'static Command, usize)> = None;
    for c in COMMANDS {
        for name in std::iter::once(&c.name).chain(c.aliases.iter()) {
            let n = name.len();
            if bytes.len() < n || !bytes[..n].eq_ignore_ascii_case(name.as_bytes()) {
                continue;
            }
            let ok = if matches!(c.grammar, Grammar::Yes) {
                match line[n..].chars().next() {
                    None => true,
                    Some(ch) => ch.is_whitespace() || ch == '#',
                }
            } else {
                !is_ascii_letter(bytes.get(n))
            };
            if ok && best.is_none_or(|(_, len)| n > len) {
                best = Some((c, n));
            }
        }
    }
    best
}

/// `*WS [ "=" *WS ]`
fn skip_sep(s: &str) -> &str {
    let s = s.trim_start();
    match s.strip_prefix('=') {
        Some(rest) => rest.trim_start(),
        None => s,
    }
}

fn parse_message(line_no: usize, line: &str) -> Result<Message, OmheError> {
    let Some((command, len)) = recognize(line) else {
        let word: String = line
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '=' && *c != '#')
            .collect();
        return Err(err(line_no, format!("unknown command '{word}'")));
    };
    let rest = &line[len..];
    let (value_part, tag_part) = match rest.find('#') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let value = if matches!(command.grammar, Grammar::Yes) {
        ""
    } else {
        skip_sep(value_part).trim_end()
    };
    let name = command.name;
    let fields = parse_value(command, value).map_err(|m| err(line_no, format!("{name}: {m}")))?;
    let tags: Vec<String> = tag_part
        .map(|t| {
            t.split('#')
                .map(|p| p.trim().to_lowercase())
                .filter(|p| !p.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let mut msg = Message {
        line: line_no,
        omhe: name,
        fields,
        tags,
        event_time: None,
        tz: None,
        points: None,
    };
    for tag in msg.tags.clone() {
        for helper in ["dt", "tz", "points"] {
            let Some(after) = tag.strip_prefix(helper) else {
                continue;
            };
            if is_ascii_letter(after.as_bytes().first()) {
                continue;
            }
            let arg = skip_sep(after);
            let fail = |m: String| err(line_no, format!("{helper}: {m}"));
            match helper {
                "dt" => msg.event_time = Some(parse_dt(arg).map_err(fail)?),
                "tz" => msg.tz = Some(parse_tz(arg).map_err(fail)?),
                _ => {
                    msg.points = Some(
                        parse_sint(arg)
                            .ok_or_else(|| fail(format!("expected a whole number, got {arg:?}")))?,
                    )
                }
            }
        }
    }
    Ok(msg)
}

fn parse_value(c: &Command, v: &str) -> Result<Vec<(&'static str, String)>, String> {
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
fn digits(v: &str) -> Option<&str> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = v.trim_start_matches('0');
    Some(if t.is_empty() { "0" } else { t })
}

fn int_in(v: &str, lo: u64, hi: Option<u64>, what: &str) -> Result<String, String> {
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

fn parse_sint(v: &str) -> Option<String> {
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
fn dec_in(v: &str, lo: u64, hi: Option<u64>) -> Result<String, String> {
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

fn parse_bp(v: &str) -> Result<Vec<(&'static str, String)>, String> {
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

fn bp_fields(
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
fn is_peer_email(v: &str) -> bool {
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

fn parse_dt(arg: &str) -> Result<EventTime, String> {
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

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        _ => 28,
    }
}

fn parse_tz(arg: &str) -> Result<i32, String> {
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

impl Message {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The JSON form of `docs/omhe.md` §7.
    pub fn to_json(&self) -> Value {
        let fields: Map<String, Value> = self
            .fields
            .iter()
            .map(|(k, v)| (k.to_string(), Value::String(v.clone())))
            .collect();
        json!({
            "line": self.line,
            "omhe": self.omhe,
            "fields": fields,
            "tags": self.tags,
            "event_time": self.event_time.as_ref().map(EventTime::text),
            "tz": self.tz.map(tz_text),
            "points": self.points,
        })
    }
}

/// `{"ok": true, "messages": [...]}` or `{"ok": false, "error": {...}}`.
pub fn to_json(result: &Result<Vec<Message>, OmheError>) -> Value {
    match result {
        Ok(messages) => json!({
            "ok": true,
            "messages": messages.iter().map(Message::to_json).collect::<Vec<_>>(),
        }),
        Err(e) => json!({"ok": false, "error": {"line": e.line, "message": e.message}}),
    }
}

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
