//! `razcode-gateway audit export`: a practice's accounting of disclosures as
//! CSV, from the audit log: each access to each of its codes, with its time,
//! the code, the event and the recipient a SMART Health Link client named.

use crate::store::audit::Entry;
use crate::store::{AccountKind, Store};

/// The CSV's header line.
pub const HEADER: &str = "at,raz_id,event,disclosure,recipient";

/// Days as `YYYY-MM-DD`, from the first's start to the second's end (UTC).
pub fn day_range(from: Option<&str>, to: Option<&str>) -> Result<(i64, i64), String> {
    let day = |s: &str| {
        time::Date::parse(
            s,
            &time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map(|d| d.midnight().assume_utc().unix_timestamp())
        .map_err(|_| format!("{s:?} is not a date as YYYY-MM-DD"))
    };
    let start = from.map(day).transpose()?.unwrap_or(i64::MIN);
    let end = match to.map(day).transpose()? {
        Some(t) => t + 86_400,
        None => i64::MAX,
    };
    if start >= end {
        return Err("--from is after --to".into());
    }
    Ok((start, end))
}

/// The practice's disclosures between `from` and `to` as CSV.
pub fn disclosures_csv(
    store: &Store,
    org_email: &str,
    from: i64,
    to: i64,
) -> Result<String, String> {
    let org = store
        .account_by_email(AccountKind::Org, org_email)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("there is no organization with the email {org_email}"))?;
    let entries = store
        .disclosures(org.id, from, to)
        .map_err(|e| e.to_string())?;
    let mut out = String::from(HEADER);
    out.push_str("\r\n");
    for e in &entries {
        out.push_str(&line(e));
        out.push_str("\r\n");
    }
    Ok(out)
}

fn line(e: &Entry) -> String {
    let raz_id = e
        .raz_id
        .as_deref()
        .and_then(|r| razcode_protocol::RazId::parse(r).ok())
        .map(|r| r.grouped())
        .unwrap_or_default();
    let disclosure =
        razcode_protocol::AccessEvent::parse(&e.kind).is_some_and(|k| k.is_disclosure());
    [
        crate::routes::rfc3339(e.at),
        raz_id,
        e.kind.clone(),
        if disclosure { "yes" } else { "no" }.to_string(),
        e.recipient.clone().unwrap_or_default(),
    ]
    .iter()
    .map(|f| field(f))
    .collect::<Vec<_>>()
    .join(",")
}

/// One CSV field (RFC 4180): quoted when it holds a comma, quote or line
/// break; a leading `=`, `+`, `-` or `@` (a formula to a spreadsheet) is
/// kept as text with a `'` before it.
fn field(value: &str) -> String {
    let value = match value.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{value}"),
        _ => value.to_string(),
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_kept_as_text() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a, \"b\""), "\"a, \"\"b\"\"\"");
        assert_eq!(field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        let (from, to) = day_range(Some("2026-12-01"), Some("2026-12-01")).unwrap();
        assert_eq!(to - from, 86_400);
        assert!(day_range(Some("2026-12-02"), Some("2026-12-01")).is_err());
        assert!(day_range(Some("yesterday"), None).is_err());
    }
}
