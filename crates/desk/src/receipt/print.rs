//! Printing through the operating system's queue: CUPS (`lp`, the PDF) on
//! Linux and macOS; on Windows the spooler itself, the receipt drawn by GDI
//! (`gdi`), so no PDF program is needed.

use super::Made;
use crate::error::Result;
use std::path::Path;

/// Sends a receipt to a printer (the system default when `printer` is None);
/// `file` is its PDF, kept in the data folder. Returns the spooler's job.
pub fn print(made: &Made, file: &Path, printer: Option<&str>, title: &str) -> Result<String> {
    #[cfg(not(windows))]
    {
        let _ = made;
        cups::print_file(file, printer, title)
    }
    #[cfg(windows)]
    {
        let _ = file;
        super::gdi::print(&made.sheet, printer, title)
    }
}

/// The printers the system knows.
pub fn printers() -> Result<Vec<String>> {
    #[cfg(not(windows))]
    {
        cups::printers()
    }
    #[cfg(windows)]
    {
        super::gdi::printers()
    }
}

#[cfg(not(windows))]
mod cups {
    use crate::error::{DeskError, Result};
    use crate::words::Words;
    use std::path::Path;
    use std::process::Command;

    pub fn print_file(file: &Path, printer: Option<&str>, title: &str) -> Result<String> {
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

    pub fn printers() -> Result<Vec<String>> {
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
}
