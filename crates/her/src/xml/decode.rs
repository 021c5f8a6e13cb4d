//! A document's bytes as text: UTF-8, UTF-16 with a byte-order mark, or
//! ISO-8859-1 / Windows-1252 when its XML declaration says so.

use super::{line_col, XmlError, XmlErrorKind, MAX_SIZE};
use std::borrow::Cow;

/// Decodes a document's bytes: UTF-8 (with or without BOM), UTF-16 with a BOM,
/// or ISO-8859-1 / Windows-1252 when the XML declaration says so.
pub fn decode(bytes: &[u8]) -> Result<String, XmlError> {
    decode_borrowed(bytes).map(Cow::into_owned)
}

/// [`decode`] without copying a UTF-8 document (the reader's case).
pub fn decode_borrowed(bytes: &[u8]) -> Result<Cow<'_, str>, XmlError> {
    if bytes.len() > MAX_SIZE {
        return Err(XmlError::new(
            XmlErrorKind::TooLarge,
            format!("the document is larger than {} MiB", MAX_SIZE >> 20),
        ));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(rest).map(Cow::Borrowed);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let le = bytes[0] == 0xFF;
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| {
                let pair = [c[0], *c.get(1).unwrap_or(&0)];
                if le {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                }
            })
            .collect();
        return String::from_utf16(&units)
            .map(Cow::Owned)
            .map_err(|_| XmlError::new(XmlErrorKind::Encoding, "the UTF-16 text is broken"));
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_ascii_lowercase();
    let declared = head
        .find("encoding=")
        .map(|i| &head[i + 9..])
        .and_then(|s| {
            let q = s.chars().next().filter(|q| *q == '"' || *q == '\'')?;
            s[1..].split(q).next().map(str::to_string)
        });
    match declared.as_deref() {
        Some("iso-8859-1" | "latin1" | "latin-1" | "iso8859-1" | "windows-1252" | "cp1252") => {
            // ASCII is the same in both; most such files are all ASCII.
            if bytes.is_ascii() {
                return utf8(bytes).map(Cow::Borrowed);
            }
            let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
            text.extend(bytes.iter().map(|&b| b as char));
            Ok(Cow::Owned(text))
        }
        _ => utf8(bytes).map(Cow::Borrowed),
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, XmlError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let pos = e.valid_up_to();
        let (line, column) = line_col(bytes, pos);
        XmlError {
            line: Some(line),
            column: Some(column),
            kind: XmlErrorKind::Encoding,
            message: "the text is not UTF-8 and the XML declaration names no other encoding".into(),
        }
    })
}
