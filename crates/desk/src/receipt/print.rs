//! Printing through the operating system's queue: CUPS (`lp`) on Linux and
//! macOS. On Windows the PDF goes to the spooler through the shell's `PrintTo`
//! verb, which needs a PDF application registered for printing.

use crate::error::{DeskError, Result};
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
        let out = cmd.output().map_err(|e| {
            DeskError::Print(format!(
                "cannot run `lp` ({e}); install CUPS (Debian: apt install cups) to print"
            ))
        })?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            let why = String::from_utf8_lossy(&out.stderr).trim().to_string();
            Err(DeskError::Print(format!(
                "the printer {} refused the job: {why}. Check the printer's name in the settings (lpstat -e lists them).",
                printer.unwrap_or("(default)")
            )))
        }
    }
    #[cfg(windows)]
    {
        let printer = printer.unwrap_or("");
        let script = format!(
            "Start-Process -FilePath '{}' -Verb PrintTo -ArgumentList '\"{}\"' -WindowStyle Hidden",
            file.display(),
            printer.replace('\'', "''")
        );
        let _ = title;
        let out = Command::new("powershell")
            .args(["-NoProfile", "-Command", &script])
            .output()
            .map_err(|e| DeskError::Print(format!("cannot reach the Windows spooler: {e}")))?;
        if out.status.success() {
            Ok(String::from("sent to the Windows spooler"))
        } else {
            Err(DeskError::Print(format!(
                "the Windows spooler refused the job: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )))
        }
    }
}

/// The printers the system knows.
pub fn printers() -> Result<Vec<String>> {
    #[cfg(not(windows))]
    {
        let out = Command::new("lpstat").arg("-e").output().map_err(|e| {
            DeskError::Print(format!("cannot run `lpstat` ({e}); install CUPS to print"))
        })?;
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
