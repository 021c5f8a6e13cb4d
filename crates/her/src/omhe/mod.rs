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

mod commands;
mod values;
mod write;

pub use commands::FRV_ITEMS;
use commands::{Command, Grammar, COMMANDS};
pub use values::tz_text;
use values::{parse_dt, parse_sint, parse_tz, parse_value};
pub use write::{write, Line, Reading};

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
