//! Secrets at rest: ChaCha20-Poly1305 with a 32-byte key kept in a file only
//! its owner can read (mode 0600 on Unix). Each sealed value is bound to its
//! place (table, column and row key, as associated data): one copied into
//! another row or column, by whoever can write the database but lacks the
//! key, does not open there. The OS keyring is not used: desks
//! and gateways run as services and in CI where no keyring daemon exists, so
//! one predictable mechanism is kept. Whoever copies the database without the
//! key file gets no usable secret; backups need both.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::{rngs::OsRng, TryRngCore};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("cannot read or create the key file {path}: {source}")]
    KeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the key file {0} is damaged (it must hold 32 bytes); restore it from a backup")]
    BadKey(PathBuf),
    #[error("a stored secret cannot be decrypted with the key file {0} (another database's key file, or a value moved from another row); restore the key file that belongs to this database from a backup, or set up again")]
    Decrypt(PathBuf),
    #[error("a stored secret in {column} is not bound to its row (written by a version before sealed values were bound, and not converted); open the database once with this version, which converts them, or set up again")]
    Unbound { column: String },
    #[error("the system's random number generator failed")]
    Random,
    #[error("the key file {path} can be read or changed by other users of this computer (mode {mode:o}); make it its owner's alone (chmod 600 {path}) and start again")]
    Exposed { path: PathBuf, mode: u32 },
}

/// Where a sealed value lives: `column` as `table.column`, and its row's key.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub column: &'a str,
    pub row: &'a str,
}

impl<'a> Place<'a> {
    pub fn new(column: &'a str, row: &'a str) -> Place<'a> {
        Place { column, row }
    }

    fn associated_data(&self) -> Vec<u8> {
        let mut aad = b"razcode vault place v1\0".to_vec();
        aad.extend(self.column.as_bytes());
        aad.push(0);
        aad.extend(self.row.as_bytes());
        aad
    }
}

/// The start of a value bound to its place; values sealed before places
/// were bound start with their random nonce instead.
const BOUND: [u8; 4] = *b"RZp1";

/// What [`Vault::rebind`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Rebound {
    /// Already bound to the place: nothing to write.
    Kept,
    /// An unbound value, sealed again bound to the place.
    Sealed(Vec<u8>),
}

pub struct Vault {
    cipher: ChaCha20Poly1305,
    /// The key of [`Vault::index`], derived from the key file's key.
    index_key: [u8; 32],
    pub key_path: PathBuf,
}

fn random<const N: usize>() -> Result<[u8; N], VaultError> {
    let mut b = [0u8; N];
    OsRng
        .try_fill_bytes(&mut b)
        .map_err(|_| VaultError::Random)?;
    Ok(b)
}

impl Vault {
    /// Opens the key file at `path`, creating it (0600) on first use; one
    /// that others may read or change is refused.
    pub fn open(path: &Path) -> Result<Vault, VaultError> {
        let key = match read_private(path) {
            Ok(k) => k,
            Err(VaultError::KeyFile { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                create_key(path)?
            }
            Err(e) => return Err(e),
        };
        if key.len() != 32 {
            return Err(VaultError::BadKey(path.to_path_buf()));
        }
        Ok(Vault {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&key)),
            index_key: hmac_sha256(&key, b"razcode vault index v1"),
            key_path: path.to_path_buf(),
        })
    }

    /// `BOUND || nonce || ciphertext`, with `place` as associated data.
    pub fn seal_at(&self, place: Place<'_>, plain: &str) -> Result<Vec<u8>, VaultError> {
        let nonce = random::<12>()?;
        let mut out = BOUND.to_vec();
        out.extend(nonce);
        out.extend(
            self.cipher
                .encrypt(
                    Nonce::from_slice(&nonce),
                    Payload {
                        msg: plain.as_bytes(),
                        aad: &place.associated_data(),
                    },
                )
                .map_err(|_| self.refused())?,
        );
        Ok(out)
    }

    /// Opens a value sealed for `place`; one sealed for another place, or
    /// before places were bound, is refused.
    pub fn open_at(&self, place: Place<'_>, sealed: &[u8]) -> Result<String, VaultError> {
        let Some(rest) = sealed.strip_prefix(&BOUND) else {
            return Err(VaultError::Unbound {
                column: place.column.to_string(),
            });
        };
        self.decrypt(rest, &place.associated_data())
    }

    /// Converts a value sealed before places were bound (`nonce ||
    /// ciphertext`, no associated data) into one bound to `place`; run once
    /// per database as it opens, under its migration lock.
    pub fn rebind(&self, place: Place<'_>, sealed: &[u8]) -> Result<Rebound, VaultError> {
        if self.open_at(place, sealed).is_ok() {
            return Ok(Rebound::Kept);
        }
        // An unbound nonce may start like a bound value (one in 2^32):
        // whatever did not open bound is tried unbound.
        let plain = self.decrypt(sealed, &[])?;
        Ok(Rebound::Sealed(self.seal_at(place, &plain)?))
    }

    fn decrypt(&self, sealed: &[u8], aad: &[u8]) -> Result<String, VaultError> {
        if sealed.len() < 12 {
            return Err(self.refused());
        }
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(&sealed[..12]),
                Payload {
                    msg: &sealed[12..],
                    aad,
                },
            )
            .map_err(|_| self.refused())?;
        String::from_utf8(plain).map_err(|_| self.refused())
    }

    /// A value sealed the way versions before bound places did: for tests
    /// that start from an older database.
    #[doc(hidden)]
    pub fn seal_unbound(&self, plain: &str) -> Result<Vec<u8>, VaultError> {
        let nonce = random::<12>()?;
        let mut out = nonce.to_vec();
        out.extend(
            self.cipher
                .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
                .map_err(|_| self.refused())?,
        );
        Ok(out)
    }

    /// A keyed index of `text` (HMAC-SHA256, hex): equal texts give equal
    /// indexes, so a sealed value can still be looked up (an email at
    /// sign-in), and without the key file the index tells nothing of it.
    pub fn index(&self, text: &str) -> String {
        hmac_sha256(&self.index_key, text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn refused(&self) -> VaultError {
        VaultError::Decrypt(self.key_path.clone())
    }
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    use hmac::Mac;
    let mut mac =
        <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// A secret given to a command: the value itself, or `-` for the first line
/// of standard input (a value on the command line is visible to others on the
/// computer in the process list; standard input and the environment are not).
/// Usable as a clap `value_parser`.
pub fn secret_arg(value: &str) -> Result<String, String> {
    if value != "-" {
        return Ok(value.to_string());
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the secret from standard input: {e}"))?;
    let line = line.trim_end_matches(['\r', '\n']);
    if line.is_empty() {
        return Err("standard input gave no secret (one line was expected)".into());
    }
    Ok(line.to_string())
}

/// Reads an existing key file, refusing one that others may read or change:
/// whoever can read it can open every sealed secret and record.
fn read_private(path: &Path) -> Result<Vec<u8>, VaultError> {
    let bytes = std::fs::read(path).map_err(|source| VaultError::KeyFile {
        path: path.to_path_buf(),
        source,
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|source| VaultError::KeyFile {
                path: path.to_path_buf(),
                source,
            })?
            .permissions()
            .mode()
            & 0o777;
        if mode & 0o077 != 0 {
            return Err(VaultError::Exposed {
                path: path.to_path_buf(),
                mode,
            });
        }
    }
    Ok(bytes)
}

/// Creates the key file whole or not at all: written under a temporary name,
/// then linked into place, which fails if another process got there first (its
/// key is then the one to use).
fn create_key(path: &Path) -> Result<Vec<u8>, VaultError> {
    let io = |source| VaultError::KeyFile {
        path: path.to_path_buf(),
        source,
    };
    let key = random::<32>()?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{:016x}.tmp", u64::from_le_bytes(random::<8>()?)));
    let tmp = PathBuf::from(tmp);
    write_private(&tmp, &key).map_err(io)?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(key.to_vec()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read_private(path),
        Err(e) => Err(io(e)),
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HERE: Place<'static> = Place {
        column: "secrets.sealed",
        row: "consumer_secret",
    };

    /// A value opens only where it was sealed: another row, another column,
    /// or an older unbound value is refused; rebind converts the unbound.
    #[test]
    fn sealed_values_are_bound_to_their_place() {
        let dir = tempfile::tempdir().unwrap();
        let v = Vault::open(&dir.path().join("k.key")).unwrap();
        let a = v
            .seal_at(Place::new("stages.her", "AAAA"), "record A")
            .unwrap();
        assert_eq!(
            v.open_at(Place::new("stages.her", "AAAA"), &a).unwrap(),
            "record A"
        );
        for elsewhere in [
            Place::new("stages.her", "BBBB"),
            Place::new("stages.pmt", "AAAA"),
            // No confusion where the column ends and the row begins.
            Place::new("stages.herA", "AAA"),
        ] {
            let e = v.open_at(elsewhere, &a).unwrap_err();
            assert!(matches!(e, VaultError::Decrypt(_)), "{elsewhere:?}: {e}");
        }
        let old = v.seal_unbound("record B").unwrap();
        let e = v
            .open_at(Place::new("stages.her", "BBBB"), &old)
            .unwrap_err();
        assert!(e.to_string().contains("stages.her"), "{e}");
        let Rebound::Sealed(bound) = v.rebind(Place::new("stages.her", "BBBB"), &old).unwrap()
        else {
            panic!("an unbound value is sealed again");
        };
        assert_eq!(
            v.open_at(Place::new("stages.her", "BBBB"), &bound).unwrap(),
            "record B"
        );
        assert_eq!(
            v.rebind(Place::new("stages.her", "BBBB"), &bound).unwrap(),
            Rebound::Kept
        );
        // A bound value of another row is not laundered by rebind.
        assert!(v.rebind(Place::new("stages.her", "BBBB"), &a).is_err());
        // Unbound values whose random nonce starts like a bound one convert too.
        let mut lookalike = BOUND.to_vec();
        lookalike.extend(&old[4..]);
        let nonce: [u8; 12] = lookalike[..12].try_into().unwrap();
        let ct = v
            .cipher
            .encrypt(Nonce::from_slice(&nonce), b"record C".as_slice())
            .unwrap();
        let lookalike = [nonce.as_slice(), &ct].concat();
        let Rebound::Sealed(c) = v
            .rebind(Place::new("stages.her", "CCCC"), &lookalike)
            .unwrap()
        else {
            panic!("converted");
        };
        assert_eq!(
            v.open_at(Place::new("stages.her", "CCCC"), &c).unwrap(),
            "record C"
        );
    }

    #[test]
    fn seals_and_opens_and_refuses_tampering() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("x.key");
        let v = Vault::open(&key).unwrap();
        let sealed = v.seal_at(HERE, "token secret").unwrap();
        assert!(!String::from_utf8_lossy(&sealed).contains("token secret"));
        assert_eq!(v.open_at(HERE, &sealed).unwrap(), "token secret");
        let again = Vault::open(&key).unwrap();
        assert_eq!(again.open_at(HERE, &sealed).unwrap(), "token secret");
        let mut bad = sealed.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(v.open_at(HERE, &bad).is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn indexes_are_stable_per_key_and_differ_between_keys() {
        let dir = tempfile::tempdir().unwrap();
        let a = Vault::open(&dir.path().join("a.key")).unwrap();
        let b = Vault::open(&dir.path().join("b.key")).unwrap();
        assert_eq!(a.index("ana@example.org"), a.index("ana@example.org"));
        assert_ne!(a.index("ana@example.org"), a.index("ana@example.org "));
        assert_ne!(a.index("ana@example.org"), b.index("ana@example.org"));
        assert_eq!(a.index("x").len(), 64);
        assert!(!a.index("ana@example.org").contains("ana"));
    }

    /// A key file others can read opens nothing: it says so and what to do.
    #[cfg(unix)]
    #[test]
    fn a_key_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("x.key");
        drop(Vault::open(&key).unwrap());
        for mode in [0o644, 0o640, 0o602] {
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).unwrap();
            let e = Vault::open(&key).err().unwrap().to_string();
            assert!(e.contains("chmod 600"), "{mode:o}: {e}");
        }
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(Vault::open(&key).is_ok());
        // Read-only for its owner is fine too.
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o400)).unwrap();
        assert!(Vault::open(&key).is_ok());
    }

    /// Processes opening a new database at once agree on one key.
    #[test]
    fn concurrent_first_opens_share_one_key() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("shared.key");
        let sealed: Vec<Vec<u8>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| Vault::open(&key).unwrap().seal_at(HERE, "same").unwrap()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let v = Vault::open(&key).unwrap();
        for s in sealed {
            assert_eq!(v.open_at(HERE, &s).unwrap(), "same");
        }
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "temporary files are gone");
    }

    #[test]
    fn another_key_or_a_damaged_key_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let sealed = Vault::open(&dir.path().join("a.key"))
            .unwrap()
            .seal_at(HERE, "s")
            .unwrap();
        let other = Vault::open(&dir.path().join("b.key")).unwrap();
        let e = other.open_at(HERE, &sealed).unwrap_err().to_string();
        assert!(e.contains("b.key") && e.contains("backup"), "{e}");
        write_private(&dir.path().join("c.key"), b"short").unwrap();
        let e = Vault::open(&dir.path().join("c.key"))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("damaged"), "{e}");
    }
}
