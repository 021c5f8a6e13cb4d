//! Import: CCR files as they are, CCD / C-CDA converted to CCR, OMHE text; and
//! a watched folder that picks up new files.

use crate::drop_folder::{DropFolder, Subfolder, SubfolderError};
use crate::error::{DeskError, Result};
use crate::ids::sha256_hex;
use crate::keys;
use crate::store::{Encounter, NewEncounter};
use crate::words::Words;
use crate::Desk;
use razcode_her::{ccd, ccr, omhe, xml};
use std::path::{Path, PathBuf};

/// What an import produced.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Imported {
    pub encounter: Encounter,
    /// False when the same record was imported before.
    pub new: bool,
}

fn ccr_summary(c: &ccr::Ccr) -> String {
    let parts: Vec<String> = c
        .sections
        .iter()
        .filter(|s| !s.items.is_empty())
        .map(|s| format!("{} {}", s.items.len(), s.kind.title().to_lowercase()))
        .collect();
    if parts.is_empty() {
        "CCR with no entries".into()
    } else {
        format!("CCR: {}", parts.join(", "))
    }
}

impl Desk {
    /// Imports a record given as text (`source` says where it came from).
    pub fn import_text(&self, source: &str, text: &str) -> Result<Imported> {
        let body = text.trim_start_matches('\u{feff}');
        if body.trim_start().starts_with('<') {
            let root_is_cda = body.contains("<ClinicalDocument") && body.contains("urn:hl7-org:v3");
            let (her, source) = if root_is_cda {
                let converted = ccd::to_ccr(body).map_err(record_from(source))?;
                (converted, format!("{source} (CCD converted to CCR)"))
            } else {
                (body.to_string(), source.to_string())
            };
            let c = ccr::read(&her).map_err(record_from(&source))?;
            let mrn = c
                .patient
                .ids
                .iter()
                .find(|(t, _)| {
                    t.eq_ignore_ascii_case("MRN") || t.to_ascii_lowercase().contains("record")
                })
                .or_else(|| c.patient.ids.first())
                .map(|(_, id)| id.clone());
            if let Some(m) = &mrn {
                self.store.upsert_patient(
                    m,
                    c.patient.name.as_deref(),
                    c.patient.date_of_birth.as_deref(),
                )?;
            }
            let sha = sha256_hex(her.as_bytes());
            let (encounter, new) = self.store.add_encounter(
                &NewEncounter {
                    source: &source,
                    kind: "ccr",
                    her: &her,
                    her_sha256: &sha,
                    patient_name: c.patient.name.as_deref(),
                    patient_mrn: mrn.as_deref(),
                    visit_date: c.visit_date.as_deref(),
                    summary: &ccr_summary(&c),
                },
                self.now(),
            )?;
            self.audit("import", &format!("encounter {} from a CCR", encounter.id));
            Ok(Imported { encounter, new })
        } else {
            let messages = omhe::parse(body).map_err(record_from(source))?;
            let names: Vec<&str> = messages.iter().map(|m| m.omhe).collect();
            let sha = sha256_hex(body.as_bytes());
            let (encounter, new) = self.store.add_encounter(
                &NewEncounter {
                    source,
                    kind: "omhe",
                    her: body,
                    her_sha256: &sha,
                    patient_name: None,
                    patient_mrn: None,
                    visit_date: messages
                        .iter()
                        .find_map(|m| m.event_time.as_ref().map(|t| t.text()))
                        .as_deref(),
                    summary: &format!("OMHE: {}", names.join(", ")),
                },
                self.now(),
            )?;
            self.audit("import", &format!("encounter {} from OMHE", encounter.id));
            Ok(Imported { encounter, new })
        }
    }

    /// Imports a file (CCR, CCD or OMHE text; encoding from its XML declaration).
    pub fn import_file(&self, path: &Path) -> Result<Imported> {
        let bytes =
            std::fs::read(path).map_err(DeskError::io_at("desk-io-read", path.display()))?;
        self.import_bytes(&path.display().to_string(), &bytes)
    }

    /// Imports a file's bytes (the app's file picker hands over contents, not paths).
    pub fn import_bytes(&self, source: &str, bytes: &[u8]) -> Result<Imported> {
        let text = xml::decode(bytes).map_err(record_from(source))?;
        self.import_text(source, &text)
    }

    /// The folder the app watches for exported records (the EHR's drop folder).
    pub fn watch_folder(&self) -> Result<Option<PathBuf>> {
        Ok(self
            .store
            .setting(keys::WATCH_FOLDER)?
            .filter(|f| !f.trim().is_empty())
            .map(PathBuf::from))
    }

    /// Sets the watched folder (empty: none); it must exist.
    pub fn set_watch_folder(&self, folder: &str) -> Result<()> {
        let folder = folder.trim();
        if !folder.is_empty() && !Path::new(folder).is_dir() {
            return Err(DeskError::Input(
                Words::new("desk-not-a-folder").with("folder", folder),
            ));
        }
        self.store.set_setting(keys::WATCH_FOLDER, folder)?;
        Ok(())
    }

    /// Imports every file in `dir` once: a file that imports moves to
    /// `dir/imported/`, one that does not to `dir/failed/` beside a `.error.txt`
    /// that says why. Returns what happened to each.
    pub fn import_folder(
        &self,
        dir: &Path,
    ) -> Result<Vec<(PathBuf, std::result::Result<Imported, String>)>> {
        let mut out = Vec::new();
        let folder =
            DropFolder::open(dir).map_err(DeskError::io_at("desk-io-read", dir.display()))?;
        // Both are opened before anything is imported: a record that could
        // not be moved afterwards would be imported again every round.
        let imported = subfolder(&folder, "imported")?;
        let failed = subfolder(&folder, "failed")?;
        let entries =
            std::fs::read_dir(dir).map_err(DeskError::io_at("desk-io-read", dir.display()))?;
        // Not followed: a link could point anywhere on this computer.
        let mut files: Vec<(String, std::fs::Metadata)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let meta = std::fs::symlink_metadata(e.path()).ok()?;
                Some((e.file_name().into_string().ok()?, meta))
            })
            .filter(|(_, m)| !m.is_dir())
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let mut skipped = self.skipped_before()?;
        let mut still_skipped = Vec::new();
        for (name, meta) in files {
            // Files still being written, and hidden ones, wait for the next round.
            if name.starts_with('.') || name.ends_with(".part") || name.ends_with(".tmp") {
                continue;
            }
            // Checked by name for the listing, then again on the open file:
            // the name may have been swapped for a link in between.
            let read = match not_a_record(&name, &meta) {
                Some(why) => Err(why),
                None => folder
                    .read(&name, MAX_RECORD_FILE)
                    .map_err(|e| e.to_string()),
            };
            let bytes = match read {
                Ok(bytes) => bytes,
                Err(why) => {
                    // Left where it is, and said once, not every round.
                    if !skipped.remove(&name) {
                        out.push((
                            dir.join(&name),
                            Err(format!("{name} is left in the folder: {why}")),
                        ));
                    }
                    still_skipped.push(name);
                    continue;
                }
            };
            let source = dir.join(&name).display().to_string();
            let result = self
                .import_bytes(&source, &bytes)
                .map_err(|e| e.to_string());
            let to = if result.is_ok() { &imported } else { &failed };
            let dest = folder
                .move_into(&name, to)
                .map_err(DeskError::io_at("desk-io-move", source))?;
            if let Err(e) = &result {
                if let Err(why) = to.write_new(&format!("{name}.error.txt"), &format!("{e}\n")) {
                    tracing::warn!(error = %why, "a failed record's error file not written");
                }
            }
            out.push((dest, result));
        }
        self.store
            .set_setting(keys::WATCH_SKIPPED, &still_skipped.join("\n"))?;
        Ok(out)
    }

    /// The files of the watched folder already reported as left in it.
    fn skipped_before(&self) -> Result<std::collections::HashSet<String>> {
        Ok(self
            .store
            .setting(keys::WATCH_SKIPPED)?
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect())
    }
}

/// The extensions a watched folder takes (records from an EHR's export).
pub const RECORD_EXTENSIONS: [&str; 5] = ["xml", "txt", "omhe", "ccd", "cda"];
/// The largest file a watched folder takes.
pub const MAX_RECORD_FILE: u64 = 16 * 1024 * 1024;

/// The watched folder's `name` subfolder, refused when it is a link.
fn subfolder(folder: &DropFolder, name: &str) -> Result<Subfolder> {
    folder.subfolder(name).map_err(|e| match e {
        SubfolderError::Linked(l) => {
            DeskError::Input(Words::new("desk-linked-folder").with("cause", l))
        }
        SubfolderError::Io { path, source } => DeskError::Io {
            what: Words::new("desk-io-folder").with("path", path.display()),
            source,
        },
    })
}

/// Why a file in the watched folder is not taken, if it is not.
fn not_a_record(name: &str, meta: &std::fs::Metadata) -> Option<String> {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if meta.file_type().is_symlink() {
        Some("links are not followed".into())
    } else if !meta.is_file() {
        Some("it is not a regular file".into())
    } else if !ext.is_some_and(|e| RECORD_EXTENSIONS.contains(&e.as_str())) {
        Some(format!(
            "only .{} files are records",
            RECORD_EXTENSIONS.join(", .")
        ))
    } else if meta.len() > MAX_RECORD_FILE {
        Some(format!("it is larger than {} MiB", MAX_RECORD_FILE >> 20))
    } else {
        None
    }
}

/// A reader's refusal of the record from `source` (a file name or "typed").
fn record_from<E: std::fmt::Display>(source: &str) -> impl FnOnce(E) -> DeskError + '_ {
    move |e| DeskError::Record {
        source: Some(source.to_string()),
        cause: e.to_string(),
    }
}
