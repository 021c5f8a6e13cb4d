//! Fixture paths. The repository's own fixtures are in `fixtures/` (see its
//! SOURCES.md). Files we may not pass on are read from outside it:
//! `RAZCODE_OUTSIDE_FIXTURES` (a folder laid out like `fixtures/`) and
//! `RAZCODE_CCR_SCHEMA` (the ASTM schema). A test that needs one of them and
//! finds it missing says so in its output, by name, and goes on without it.

use std::path::PathBuf;

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fixture of the repository, e.g. `ccr/examples/minimal_clinic_encounter.xml`.
pub fn fixture(rel: &str) -> PathBuf {
    let p = repo_root().join("fixtures").join(rel);
    assert!(p.exists(), "the fixture {} is missing", p.display());
    p
}

/// The fixtures kept outside the repository, as `fixtures/`-relative paths
/// (fixtures/SOURCES.md says why each is).
pub const OUTSIDE: &[&str] = &[
    "ccr/samples/healthvault_docs_astm_example_jane_hernandez.xml",
    "ccr/samples/medcommons_nextgen_emr_5.2.16.xml",
    "ccr/samples/medcommons_nextgen_emr_v2.xml",
    "ccr/samples/medcommons_emds_topsuite_20050718.xml",
    "ccr/samples/medcommons_solventus_generation_tool.xml",
    "ccr/samples/medcommons_aafp_sample_v2.xml",
    "ccr/samples/medcommons_ccr_template.xml",
    "ccr/samples/google_health_complete_profile_example.xml",
    "ccd/samples/hl7_cda_core_sampleCCD.xml",
    "ccd/samples/hl7_ccda_r1_ccd_sample.xml",
];

/// A fixture kept outside the repository, when `RAZCODE_OUTSIDE_FIXTURES`
/// has it; otherwise `None`, and the test's output says it was not read.
pub fn outside(rel: &str) -> Option<PathBuf> {
    assert!(OUTSIDE.contains(&rel), "{rel} is not an outside fixture");
    let found = std::env::var_os("RAZCODE_OUTSIDE_FIXTURES")
        .map(|dir| PathBuf::from(dir).join(rel))
        .filter(|p| p.exists());
    if found.is_none() {
        say(&format!(
            "NOT READ: {rel} (kept outside the repository; set RAZCODE_OUTSIDE_FIXTURES to a folder that has it)"
        ));
    }
    found
}

/// Every `.xml` file of the fixture folder `dir` (e.g. `ccr/samples`): the
/// repository's, and the outside ones that are present; sorted by name.
pub fn xml_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo_root().join("fixtures").join(dir))
        .unwrap_or_else(|e| panic!("fixtures/{dir}: {e}"))
        .map(|e| e.expect("a fixture folder entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    let prefix = format!("{dir}/");
    files.extend(
        OUTSIDE
            .iter()
            .filter(|rel| rel.starts_with(&prefix))
            .filter_map(|rel| outside(rel)),
    );
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    files
}

/// A fixture by its `fixtures/`-relative path, in the repository or outside
/// it: `None` (said in the output) for an outside one that is missing.
pub fn any_fixture(rel: &str) -> Option<PathBuf> {
    if OUTSIDE.contains(&rel) {
        outside(rel)
    } else {
        Some(fixture(rel))
    }
}

/// The ASTM CCR schema, when `RAZCODE_CCR_SCHEMA` names it; otherwise
/// `None`, and the output says that `test` ran without schema validation.
pub fn ccr_schema(test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("RAZCODE_CCR_SCHEMA")
        .map(PathBuf::from)
        .filter(|p| p.exists());
    if found.is_none() {
        say(&format!(
            "NOT RUN: CCR schema validation in {test} (the ASTM schema is not in the repository; set RAZCODE_CCR_SCHEMA to its path)"
        ));
    }
    found
}

/// Writes to the process's standard error itself: the test harness captures
/// what `eprintln!` writes in a passing test, and this must be seen.
pub(crate) fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}
