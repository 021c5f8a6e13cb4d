//! The licences the About box lists are those of the crates the app is built
//! from, now: recomputed from `cargo metadata` (normal dependencies of the
//! app, for this platform) and compared with `assets/licences.json`.
//! `RAZDESK_WRITE_LICENCES=1 cargo test -p razcode-desk --test about` rewrites it.

use razcode_desk::about::{self, Licence};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

fn cargo(args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn shipped() -> Vec<Licence> {
    let host = std::process::Command::new("rustc")
        .arg("-vV")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
        .unwrap();
    let host = host
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .unwrap()
        .to_string();
    let meta: serde_json::Value = serde_json::from_str(&cargo(&[
        "metadata",
        "--format-version",
        "1",
        "--locked",
        "--filter-platform",
        &host,
    ]))
    .unwrap();
    let packages: BTreeMap<&str, &serde_json::Value> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p))
        .collect();
    let nodes: BTreeMap<&str, &serde_json::Value> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let app = packages
        .values()
        .find(|p| p["name"] == "razcode-desk-app")
        .unwrap()["id"]
        .as_str()
        .unwrap();
    // Normal dependencies only: build scripts' and tests' crates are not shipped.
    let (mut seen, mut todo) = (BTreeSet::new(), vec![app]);
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let normal = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null());
            if normal {
                todo.push(dep["pkg"].as_str().unwrap());
            }
        }
    }
    let mut list: Vec<Licence> = seen
        .iter()
        .map(|id| packages[id])
        // The workspace's own crates are the app itself.
        .filter(|p| !p["source"].is_null())
        .map(|p| Licence {
            name: p["name"].as_str().unwrap().into(),
            version: p["version"].as_str().unwrap().into(),
            licence: p["license"]
                .as_str()
                .unwrap_or("see the crate's licence file")
                .into(),
        })
        .collect();
    list.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
    list
}

#[test]
fn the_about_box_lists_every_crate_the_app_ships() {
    let now = shipped();
    assert!(now.len() > 100, "{} crates", now.len());
    assert!(now.iter().any(|c| c.name == "tauri"));
    assert!(now.iter().all(|c| !c.name.starts_with("razcode")));
    if std::env::var("RAZDESK_WRITE_LICENCES").is_ok() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/licences.json");
        std::fs::write(path, serde_json::to_string_pretty(&now).unwrap() + "\n").unwrap();
        return;
    }
    assert_eq!(
        about::crates(),
        now,
        "assets/licences.json is out of date: RAZDESK_WRITE_LICENCES=1 cargo test -p razcode-desk --test about"
    );
    // Every font file the receipts embed has its licence said, here and in
    // assets/fonts/LICENSES.md.
    let fonts_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/fonts");
    let said = std::fs::read_to_string(fonts_dir.join("LICENSES.md")).unwrap();
    let mut files = 0;
    for f in std::fs::read_dir(&fonts_dir).unwrap() {
        let name = f.unwrap().file_name().to_string_lossy().to_string();
        if name.ends_with(".ttf") {
            files += 1;
            assert!(said.contains(&name), "{name} is not in LICENSES.md");
        }
    }
    assert_eq!(files, 6);
    assert_eq!(about::fonts().len(), 4);
}
