//! A Windows build run under Wine, for the tests: `scripts/windows.sh` builds
//! the `.exe`, `RAZDESK_WINDOWS_EXE` names it, and each test process gets a
//! Wine prefix of its own. Wine 8 lacks `bcryptprimitives.dll` (Rust's
//! standard library asks it for random bytes); a stand-in compiled from
//! `wine/bcryptprimitives.c` goes beside a copy of the `.exe`. Tests only:
//! what ships never carries it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The environment variable that names the Windows `razdesk.exe`.
pub const EXE_VAR: &str = "RAZDESK_WINDOWS_EXE";
/// The environment variable that names the folder with the Windows installers.
pub const DIST_VAR: &str = "RAZDESK_WINDOWS_DIST";

/// The folder `RAZDESK_WINDOWS_DIST` names (the installers); none, and a
/// `NOT RUN:` line naming `what`, when it is not set.
pub fn dist_from_env(what: &str) -> Option<PathBuf> {
    let Some(dir) = std::env::var_os(DIST_VAR) else {
        crate::fixtures::say(&format!(
            "NOT RUN: {what}: {DIST_VAR} is not set (scripts/windows.sh makes the installers; scripts/setup-test.sh sets it)"
        ));
        return None;
    };
    Some(PathBuf::from(dir))
}

pub struct Wine {
    /// The `.exe` beside the stand-in DLL.
    exe: PathBuf,
    /// Holds the prefix and the `.exe`'s folder for as long as the tests run.
    home: tempfile::TempDir,
}

impl Drop for Wine {
    /// Stops the prefix's wineserver before its folder is removed (with the
    /// TempDir), so that nothing writes into it afterwards.
    fn drop(&mut self) {
        let _ = Command::new("wineserver")
            .arg("-k")
            .env("WINEPREFIX", self.home.path().join("prefix"))
            .status();
    }
}

impl Wine {
    /// The `.exe` that `RAZDESK_WINDOWS_EXE` names, ready to run; none (and a
    /// `NOT RUN:` line naming `what`) when it is not set.
    pub fn from_env(what: &str) -> Option<Wine> {
        let Some(exe) = std::env::var_os(EXE_VAR) else {
            crate::fixtures::say(&format!(
                "NOT RUN: {what}: {EXE_VAR} is not set (scripts/windows.sh builds it; scripts/setup-test.sh sets it)"
            ));
            return None;
        };
        Some(Wine::new(Path::new(&exe)))
    }

    pub fn new(exe: &Path) -> Wine {
        assert!(exe.is_file(), "{} is not a file", exe.display());
        let mut wine = Wine::empty();
        let name = exe.file_name().expect("the .exe's name");
        let copy = wine.home.path().join("bin").join(name);
        std::fs::copy(exe, &copy).expect("the .exe copied");
        wine.exe = copy;
        wine
    }

    /// A prefix of its own and the stand-in DLL, for programs installed into
    /// it ([`Wine::run`]); [`Wine::command`] has no `.exe` to run.
    pub fn empty() -> Wine {
        let home = tempfile::tempdir().expect("a folder for Wine");
        let bin = home.path().join("bin");
        std::fs::create_dir_all(&bin).expect("the .exe's folder");
        let shim = Path::new(env!("CARGO_MANIFEST_DIR")).join("wine/bcryptprimitives.c");
        let out = Command::new("x86_64-w64-mingw32-gcc")
            .args(["-shared", "-O2", "-o"])
            .arg(bin.join("bcryptprimitives.dll"))
            .arg(&shim)
            .arg("-ladvapi32")
            .output()
            .expect("x86_64-w64-mingw32-gcc runs (Debian: gcc-mingw-w64-x86-64)");
        assert!(
            out.status.success(),
            "the stand-in DLL: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Wine {
            exe: bin.join("razdesk.exe"),
            home,
        }
    }

    /// `wine <exe>`, with this process's prefix and no window or debug noise.
    pub fn command(&self) -> Command {
        self.run(&self.exe)
    }

    /// `wine <program>` (a Windows path, a Unix path, or a program Wine has,
    /// such as `msiexec` or `cmd`), in this prefix.
    pub fn run(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new("wine");
        c.arg(program)
            .env("WINEPREFIX", self.home.path().join("prefix"))
            .env("WINEDEBUG", "-all")
            // No Mono or Gecko install prompt on the prefix's first start.
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .env_remove("DISPLAY");
        c
    }

    /// The prefix's drive C:, as this machine names it.
    pub fn drive_c(&self) -> PathBuf {
        self.home.path().join("prefix/drive_c")
    }

    /// Puts the stand-in DLL beside a program installed into the prefix
    /// (tests only: the installers never carry it).
    pub fn shim_beside(&self, exe: &Path) {
        let dir = exe.parent().expect("the program's folder");
        std::fs::copy(
            self.home.path().join("bin/bcryptprimitives.dll"),
            dir.join("bcryptprimitives.dll"),
        )
        .expect("the stand-in DLL copied");
    }

    /// A path on this machine as Windows programs under Wine name it (drive Z:
    /// is `/`).
    pub fn windows_path(path: &Path) -> String {
        format!("Z:{}", path.display()).replace('/', "\\")
    }

    /// A path the Windows program printed, as this machine names it (Wine
    /// maps `/` to drive Z:, and the program writes `\` between names).
    pub fn unix_path(printed: &str) -> PathBuf {
        let p = printed
            .strip_prefix("Z:")
            .or_else(|| printed.strip_prefix("z:"))
            .unwrap_or(printed);
        PathBuf::from(p.replace('\\', "/"))
    }
}
