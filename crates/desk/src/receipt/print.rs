//! Printing through the operating system's queue: CUPS (`lp`) on Linux and
//! macOS. On Windows the PDF goes to the spooler through the shell's `PrintTo`
//! verb, which needs a PDF application registered for printing.

use crate::error::{DeskError, Result};
use crate::words::Words;
use std::path::Path;
use std::process::Command;

/// Sends a PDF file to a printer (the system default when `printer` is None);
/// returns what the spooler said (the job).
pub fn print_file(file: &Path, printer: Option<&str>, title: &str) -> Result<String> {
    #[cfg(not(windows))]
    {
        let mut cmd = Command::new("lp");
        if let Some(p) = printer {
            cmd.arg("-d").arg(p);
        }
        cmd.arg("-t").arg(title).arg("--").arg(file);
        let out = cmd
            .output()
            .map_err(|e| DeskError::Print(Words::new("desk-print-no-lp").with("cause", e)))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            let why = String::from_utf8_lossy(&out.stderr).trim().to_string();
            Err(DeskError::Print(
                match printer {
                    Some(p) => Words::new("desk-print-refused").with("printer", p),
                    None => Words::new("desk-print-refused")
                        .with_words("printer", Words::new("desk-print-default-printer")),
                }
                .with("cause", why),
            ))
        }
    }
    #[cfg(windows)]
    {
        let printer = printer.unwrap_or("");
        if printer.contains('"') {
            return Err(DeskError::Print(
                Words::new("desk-print-not-a-printer").with("printer", format!("{printer:?}")),
            ));
        }
        let script = format!(
            "Start-Process -FilePath {} -Verb PrintTo -ArgumentList {} -WindowStyle Hidden",
            ps_quote(&file.display().to_string()),
            ps_quote(&format!("\"{printer}\""))
        );
        let _ = title;
        let out = Command::new("powershell")
            .args(["-NoProfile", "-Command", &script])
            .output()
            .map_err(|e| DeskError::Print(Words::new("desk-print-no-spooler").with("cause", e)))?;
        if out.status.success() {
            Ok(String::from("sent to the Windows spooler"))
        } else {
            Err(DeskError::Print(
                Words::new("desk-print-spooler-refused")
                    .with("cause", String::from_utf8_lossy(&out.stderr).trim()),
            ))
        }
    }
}

/// A PowerShell single-quoted string: nothing inside is expanded, and each
/// quote character PowerShell takes as a single quote (', and the typographic
/// ‘ ’ ‚ ‛) is doubled, so a file or printer name cannot end the string.
#[cfg_attr(not(windows), allow(dead_code))]
fn ps_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// The printers the system knows.
pub fn printers() -> Result<Vec<String>> {
    #[cfg(not(windows))]
    {
        let out = Command::new("lpstat")
            .arg("-e")
            .output()
            .map_err(|e| DeskError::Print(Words::new("desk-print-no-lpstat").with("cause", e)))?;
        Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .filter(|l| !l.is_empty())
            .collect())
    }
    #[cfg(windows)]
    {
        Ok(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::ps_quote;

    #[test]
    fn powershell_strings_cannot_be_ended_from_inside() {
        assert_eq!(ps_quote(r"C:\Receipts\a.pdf"), r"'C:\Receipts\a.pdf'");
        assert_eq!(ps_quote("O'Brien's desk"), "'O''Brien''s desk'");
        assert_eq!(ps_quote("x\u{2019}; rm"), "'x\u{2019}\u{2019}; rm'");
        // $(...) and backticks stay text inside single quotes.
        assert_eq!(ps_quote("$(Get-Process) `n"), "'$(Get-Process) `n'");
        // Whatever the name, the quoted string has an even number of quote
        // characters inside, so it is one string.
        for name in [
            "'; Remove-Item C:\\ -Recurse; '",
            "\u{2018}\u{2018}'",
            "a'b\u{201B}c",
        ] {
            let q = ps_quote(name);
            let inner = &q[1..q.len() - 1];
            let quotes = inner
                .chars()
                .filter(|c| matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}'))
                .count();
            assert_eq!(quotes % 2, 0, "{q}");
        }
    }
}
