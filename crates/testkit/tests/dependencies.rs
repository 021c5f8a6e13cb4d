//! The crate dependency invariants of ARCHITECTURE.md, checked against what
//! `cargo metadata` says the manifests declare: a dependency that points the
//! wrong way fails here, not in review.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// Each crate of ours, and the crates of ours it may depend on (normal and
/// build dependencies; tests and benches may use more).
const ALLOWED: &[(&str, &[&str])] = &[
    ("razcode-protocol", &[]),
    ("razcode-her", &[]),
    ("razcode-vault", &[]),
    // What people read includes a record in plain words: lang reads her's
    // models (her, which has no words of its own, never reads lang).
    ("razcode-lang", &["razcode-her"]),
    ("razcode-migrate", &[]),
    ("razcode-testkit", &[]),
    (
        "razcode-gateway",
        &[
            "razcode-her",
            "razcode-protocol",
            "razcode-vault",
            "razcode-lang",
            "razcode-migrate",
        ],
    ),
    (
        "razcode-desk",
        &[
            "razcode-gateway",
            "razcode-her",
            "razcode-protocol",
            "razcode-vault",
            "razcode-lang",
            "razcode-migrate",
        ],
    ),
    ("razcode-desk-app", &["razcode-desk"]),
];

/// Crates only the desktop shell may name, whatever the kind of dependency.
const SHELL_ONLY: &[&str] = &["tauri", "tauri-build", "tauri-plugin-opener"];

fn workspace() -> Vec<Value> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(razcode_testkit::repo_root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata's JSON");
    meta["packages"].as_array().expect("packages").clone()
}

#[test]
fn crates_depend_only_the_way_architecture_md_says() {
    let packages = workspace();
    let ours: BTreeSet<String> = packages
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    for name in &ours {
        assert!(
            allowed.contains_key(name.as_str()),
            "{name} is a new crate: say in ARCHITECTURE.md and in ALLOWED what it may depend on"
        );
    }
    let mut wrong = Vec::new();
    for p in &packages {
        let name = p["name"].as_str().unwrap();
        for d in p["dependencies"].as_array().unwrap() {
            let dep = d["name"].as_str().unwrap();
            let dev = d["kind"].as_str() == Some("dev");
            if ours.contains(dep) && !dev && !allowed[name].contains(&dep) {
                wrong.push(format!("{name} → {dep}"));
            }
            if dep == "razcode-testkit" && !dev {
                wrong.push(format!("{name} → {dep} (only tests may use the test kit)"));
            }
            if SHELL_ONLY.contains(&dep) && name != "razcode-desk-app" {
                wrong.push(format!(
                    "{name} → {dep} (only the desktop shell knows Tauri)"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies that point the wrong way: {wrong:?}"
    );
}
