//! The installers IT deploys (`scripts/windows.sh` makes them), checked by
//! what they hold and by installing them under Wine: the MSI silently
//! (`msiexec /i … /qn`), the setup program silently (`/S`); the installed
//! `razdesk` runs, and uninstalling removes the program but keeps the user's
//! data. Runs when `RAZDESK_WINDOWS_DIST` names their folder
//! (`scripts/setup-test.sh` sets it); says NOT RUN otherwise. The app's window
//! itself needs Microsoft's WebView2 runtime, which Wine has not: its file is
//! checked (a Windows program that loads the WebView2 loader beside it).

mod common;
use common::tool;
use razcode_testkit::wine::{dist_from_env, Wine};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The one file in `dir` whose name ends with `suffix`.
fn one(dir: &Path, suffix: &str) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one *{suffix} in {}: {found:?}",
        dir.display()
    );
    found[0].clone()
}

fn ok(what: &str, out: Output) -> String {
    assert!(
        out.status.success(),
        "{what}: {:?}\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const FILES: [&str; 3] = ["razcode-desk.exe", "WebView2Loader.dll", "razdesk.exe"];

/// What a front desk's PC has after installing: the three files, a desk that
/// runs and keeps its data in the user's local application data.
fn installed_desk_runs(wine: &Wine, dir: &Path) -> PathBuf {
    for f in FILES {
        assert!(dir.join(f).is_file(), "{f} installed in {}", dir.display());
    }
    // The app: a Windows (GUI) program that loads the WebView2 loader.
    let headers = tool(
        "x86_64-w64-mingw32-objdump",
        &["-p", dir.join("razcode-desk.exe").to_str().unwrap()],
    );
    assert!(
        headers.contains("Subsystem\t\t00000002\t(Windows GUI)"),
        "the app is a GUI program"
    );
    assert!(
        headers.contains("DLL Name: WebView2Loader.dll"),
        "the app loads WebView2Loader.dll"
    );
    let cli = dir.join("razdesk.exe");
    wine.shim_beside(&cli);
    let out = ok(
        "the installed razdesk",
        wine.run(&cli)
            .args(["--json", "clinic", "--name", "Harbor Street Clinic"])
            .output()
            .unwrap(),
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ok"], true, "{v}");
    let about: Value = serde_json::from_str(&ok(
        "razdesk about",
        wine.run(&cli).args(["--json", "about"]).output().unwrap(),
    ))
    .unwrap();
    let data = about["about"]["data_dir"].as_str().unwrap().to_string();
    assert!(data.ends_with(r"\AppData\Local\RAZCODE Desk"), "{data}");
    let data = wine
        .drive_c()
        .join(data.trim_start_matches("C:\\").replace('\\', "/"));
    assert!(data.join("desk.db").is_file(), "{}", data.display());
    data
}

fn uninstalled_keeping(dir: &Path, data: &Path) {
    for f in FILES {
        assert!(!dir.join(f).exists(), "{f} removed from {}", dir.display());
    }
    assert!(
        data.join("desk.db").is_file(),
        "the user's data stays: {}",
        data.display()
    );
}

#[test]
fn the_msi_installs_for_every_user_silently_and_uninstalls_keeping_data() {
    let Some(dist) = dist_from_env("the MSI under Wine") else {
        return;
    };
    let msi = one(&dist, ".msi");
    let m = msi.to_str().unwrap();
    // What it holds: the three files, per machine, razdesk on the system PATH,
    // a Start menu entry.
    let files = tool("msiinfo", &["export", m, "File"]);
    for f in FILES {
        assert!(files.contains(f), "{f} in the MSI: {files}");
    }
    let props = tool("msiinfo", &["export", m, "Property"]);
    assert!(props.lines().any(|l| l == "ALLUSERS\t1"), "{props}");
    let env = tool("msiinfo", &["export", m, "Environment"]);
    assert!(
        env.lines()
            .any(|l| l.contains("PATH") && l.contains("[INSTALLDIR]")),
        "{env}"
    );
    let shortcuts = tool("msiinfo", &["export", m, "Shortcut"]);
    assert!(shortcuts.contains("RAZCODE Desk"), "{shortcuts}");

    let wine = Wine::empty();
    let msi_w = Wine::windows_path(&msi);
    ok(
        "msiexec /i /qn",
        wine.run("msiexec")
            .args(["/i", &msi_w, "/qn"])
            .output()
            .unwrap(),
    );
    let dir = wine.drive_c().join("Program Files/RAZCODE Desk");
    let data = installed_desk_runs(&wine, &dir);
    // razdesk by name alone, from a new shell: the system PATH has it.
    let out = ok(
        "razdesk from PATH",
        wine.run("cmd")
            .args(["/c", "razdesk", "--json", "about"])
            .output()
            .unwrap(),
    );
    assert!(out.contains("RAZCODE Desk"), "{out}");
    // Windows puts a per-machine MSI's shortcut (ALLUSERS=1, checked above)
    // in every user's Start menu; Wine's installer resolves the Start menu
    // folder to the installing user's alone, so the entry is looked for in both.
    let entry = "Microsoft/Windows/Start Menu/Programs/RAZCODE Desk.lnk";
    let users = std::fs::read_dir(wine.drive_c().join("users"))
        .unwrap()
        .map(|u| u.unwrap().path().join("AppData/Roaming").join(entry));
    let menu = std::iter::once(wine.drive_c().join("ProgramData").join(entry))
        .chain(users)
        .find(|p| p.is_file())
        .expect("the Start menu entry");

    // The stand-in DLL is the test's, not the installer's: out before uninstalling.
    std::fs::remove_file(dir.join("bcryptprimitives.dll")).unwrap();
    ok(
        "msiexec /x /qn",
        wine.run("msiexec")
            .args(["/x", &msi_w, "/qn"])
            .output()
            .unwrap(),
    );
    uninstalled_keeping(&dir, &data);
    assert!(!menu.exists(), "the Start menu entry is removed");
}

#[test]
fn the_setup_program_installs_silently_and_uninstalls_keeping_data() {
    let Some(dist) = dist_from_env("the setup program under Wine") else {
        return;
    };
    let setup = one(&dist, "-setup.exe");
    let wine = Wine::empty();
    ok("setup /S", wine.run(&setup).arg("/S").output().unwrap());
    let dir = wine.drive_c().join("Program Files/RAZCODE Desk");
    let data = installed_desk_runs(&wine, &dir);
    let menu = wine
        .drive_c()
        .join("ProgramData/Microsoft/Windows/Start Menu/Programs/RAZCODE Desk.lnk");
    assert!(menu.is_file(), "the Start menu entry: {}", menu.display());
    std::fs::remove_file(dir.join("bcryptprimitives.dll")).unwrap();
    // `_?=` runs the uninstaller in place, so this call returns when it is
    // done (otherwise it copies itself away and returns at once); it leaves
    // only itself behind.
    ok(
        "uninstall /S",
        wine.run(dir.join("uninstall.exe"))
            .args(["/S", "_?=C:\\Program Files\\RAZCODE Desk"])
            .output()
            .unwrap(),
    );
    uninstalled_keeping(&dir, &data);
    assert!(!menu.exists(), "the Start menu entry is removed");
}
