//! The data folder is its user's alone: whoever reads `desk.key` can open
//! every sealed secret, and `desk.db` holds patients' names.
//!
//! - Unix: mode 0700.
//! - Windows: a protected DACL with one entry, full control for the user who
//!   runs the desk, inherited by everything made inside (the key file, the
//!   database, receipts, barcodes). "Protected" stops the profile folder's
//!   entries (SYSTEM, Administrators) from being inherited. The user's local
//!   profile already keeps other users out; this also keeps out an
//!   administrator's account that is not the user's, and a folder named
//!   with `--data-dir` outside the profile.

use std::io;
use std::path::Path;

/// Makes `dir` private unless it already is (on Windows a change walks the
/// folder's files, so it is done once, not at every start).
pub fn make_private(dir: &Path) -> io::Result<()> {
    if is_private(dir)? {
        return Ok(());
    }
    imp::make_private(dir)
}

/// Whether only the desk's user may open `dir` and what it holds.
pub fn is_private(dir: &Path) -> io::Result<bool> {
    imp::is_private(dir)
}

/// Whether a folder's DACL, as SDDL (`D:<flags>(<ace>)…`), is the private
/// one for `sid`: protected from inheritance, and one entry, full control for
/// `sid`, inherited by files and folders. Windows adds flags of its own (`AI`).
#[cfg_attr(not(windows), allow(dead_code))]
fn is_private_sddl(sddl: &str, sid: &str) -> bool {
    let Some(rest) = sddl.strip_prefix("D:") else {
        return false;
    };
    let (flags, aces) = rest.split_at(rest.find('(').unwrap_or(rest.len()));
    flags.contains('P') && aces == format!("(A;OICI;FA;;;{sid})")
}

#[cfg(unix)]
mod imp {
    use std::io;
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    pub fn make_private(dir: &Path) -> io::Result<()> {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }

    pub fn is_private(dir: &Path) -> io::Result<bool> {
        Ok(std::fs::metadata(dir)?.permissions().mode() & 0o077 == 0)
    }
}

#[cfg(windows)]
mod imp {
    use std::ffi::OsStr;
    use std::io;
    use std::os::windows::ffi::OsStrExt;
    use std::path::Path;
    use windows_sys::core::PWSTR;
    use windows_sys::Win32::Foundation::{CloseHandle, LocalFree, HANDLE};
    use windows_sys::Win32::Security::Authorization::{
        ConvertSecurityDescriptorToStringSecurityDescriptorW, ConvertSidToStringSidW,
        ConvertStringSecurityDescriptorToSecurityDescriptorW, GetNamedSecurityInfoW,
        SetNamedSecurityInfoW, SDDL_REVISION_1, SE_FILE_OBJECT,
    };
    use windows_sys::Win32::Security::{
        GetSecurityDescriptorDacl, GetTokenInformation, TokenUser, ACL, DACL_SECURITY_INFORMATION,
        PROTECTED_DACL_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR, TOKEN_QUERY, TOKEN_USER,
    };
    use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

    fn wide(s: &OsStr) -> Vec<u16> {
        s.encode_wide().chain(std::iter::once(0)).collect()
    }

    /// A string the system allocated, read and freed.
    unsafe fn take(p: PWSTR) -> String {
        let mut len = 0;
        while *p.add(len) != 0 {
            len += 1;
        }
        let s = String::from_utf16_lossy(std::slice::from_raw_parts(p, len));
        LocalFree(p.cast());
        s
    }

    /// The SDDL of the DACL a private folder has: protected, one entry,
    /// full control (FA) for `sid`, inherited by files and folders (OICI).
    fn private_dacl(sid: &str) -> String {
        format!("D:P(A;OICI;FA;;;{sid})")
    }

    /// The running user's SID as a string (S-1-5-21-…).
    fn user_sid() -> io::Result<String> {
        unsafe {
            let mut token: HANDLE = std::ptr::null_mut();
            if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
                return Err(io::Error::last_os_error());
            }
            let mut len = 0u32;
            GetTokenInformation(token, TokenUser, std::ptr::null_mut(), 0, &mut len);
            // u64s: the buffer is aligned for the TOKEN_USER it holds.
            let mut buf = vec![0u64; (len as usize).div_ceil(8)];
            let ok = GetTokenInformation(token, TokenUser, buf.as_mut_ptr().cast(), len, &mut len);
            let err = io::Error::last_os_error();
            CloseHandle(token);
            if ok == 0 {
                return Err(err);
            }
            let user = &*(buf.as_ptr() as *const TOKEN_USER);
            let mut s: PWSTR = std::ptr::null_mut();
            if ConvertSidToStringSidW(user.User.Sid, &mut s) == 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(take(s))
        }
    }

    pub fn make_private(dir: &Path) -> io::Result<()> {
        let sddl = wide(OsStr::new(&private_dacl(&user_sid()?)));
        let path = wide(dir.as_os_str());
        unsafe {
            let mut sd: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
            if ConvertStringSecurityDescriptorToSecurityDescriptorW(
                sddl.as_ptr(),
                SDDL_REVISION_1,
                &mut sd,
                std::ptr::null_mut(),
            ) == 0
            {
                return Err(io::Error::last_os_error());
            }
            let (mut present, mut defaulted) = (0, 0);
            let mut dacl: *mut ACL = std::ptr::null_mut();
            let got = GetSecurityDescriptorDacl(sd, &mut present, &mut dacl, &mut defaulted);
            let err = match got {
                0 => io::Error::last_os_error().raw_os_error().unwrap_or(1) as u32,
                _ => SetNamedSecurityInfoW(
                    path.as_ptr(),
                    SE_FILE_OBJECT,
                    DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    dacl,
                    std::ptr::null(),
                ),
            };
            LocalFree(sd.cast());
            match err {
                0 => Ok(()),
                e => Err(io::Error::from_raw_os_error(e as i32)),
            }
        }
    }

    pub fn is_private(dir: &Path) -> io::Result<bool> {
        let sid = user_sid()?;
        let path = wide(dir.as_os_str());
        unsafe {
            let mut sd: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
            let err = GetNamedSecurityInfoW(
                path.as_ptr(),
                SE_FILE_OBJECT,
                DACL_SECURITY_INFORMATION,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                &mut sd,
            );
            if err != 0 {
                return Err(io::Error::from_raw_os_error(err as i32));
            }
            let mut s: PWSTR = std::ptr::null_mut();
            let ok = ConvertSecurityDescriptorToStringSecurityDescriptorW(
                sd,
                SDDL_REVISION_1,
                DACL_SECURITY_INFORMATION,
                &mut s,
                std::ptr::null_mut(),
            );
            LocalFree(sd.cast());
            if ok == 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(super::is_private_sddl(&take(s), &sid))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_private_dacl_is_protected_with_one_entry_for_the_user() {
        let sid = "S-1-5-21-1-2-3-1001";
        assert!(is_private_sddl(&format!("D:P(A;OICI;FA;;;{sid})"), sid));
        assert!(is_private_sddl(&format!("D:PAI(A;OICI;FA;;;{sid})"), sid));
        // Inheriting the parent's entries, another entry, or another user: not private.
        assert!(!is_private_sddl(&format!("D:AI(A;OICI;FA;;;{sid})"), sid));
        assert!(!is_private_sddl(
            &format!("D:P(A;OICI;FA;;;{sid})(A;OICI;FA;;;SY)"),
            sid
        ));
        assert!(!is_private_sddl("D:P(A;OICI;FA;;;S-1-5-21-9-9-9-500)", sid));
        assert!(!is_private_sddl("", sid));
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_is_made_private_once_and_stays_so() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(!is_private(dir.path()).unwrap());
        make_private(dir.path()).unwrap();
        assert!(is_private(dir.path()).unwrap());
        let mode = std::fs::metadata(dir.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
}
