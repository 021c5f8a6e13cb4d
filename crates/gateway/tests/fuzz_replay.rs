//! Every fuzz target's seeds (`fuzz/corpus/<target>`) and findings
//! (`fuzz/regressions/<target>`) go through the same check the target runs,
//! without the fuzzer (which needs a toolchain this machine may not have).
//! The checks are `fuzz/properties.rs`, shared with the fuzz crate (outside
//! the workspace, hence the path).

#[path = "../../../fuzz/properties.rs"]
mod properties;

use properties::TARGETS;
use std::path::Path;

fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn names(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn every_fuzz_seed_and_finding_is_replayed_through_its_targets_check() {
    let fuzz = razcode_testkit::repo_root().join("fuzz");
    let known = |name: &str| TARGETS.iter().any(|(t, _)| *t == name);
    // No target, corpus or findings folder escapes the table.
    for target in names(&fuzz.join("fuzz_targets")) {
        let name = target.trim_end_matches(".rs");
        assert!(
            known(name),
            "fuzz target {name} is not in properties::TARGETS"
        );
    }
    for dir in ["corpus", "regressions"] {
        for name in names(&fuzz.join(dir)) {
            assert!(known(&name), "fuzz/{dir}/{name} belongs to no target");
        }
    }
    let run = std::fs::read_to_string(fuzz.join("run.sh")).unwrap();
    for (name, check) in TARGETS {
        assert!(run.contains(name), "fuzz/run.sh does not run {name}");
        let corpus = files(&fuzz.join("corpus").join(name));
        assert!(!corpus.is_empty(), "fuzz/corpus/{name} has no seed");
        let findings = fuzz.join("regressions").join(name);
        let findings = if findings.exists() {
            let f = files(&findings);
            assert!(!f.is_empty(), "fuzz/regressions/{name} is empty");
            f
        } else {
            Vec::new()
        };
        for file in corpus.iter().chain(&findings) {
            let data = std::fs::read(file).unwrap();
            check(&data);
        }
    }
}
