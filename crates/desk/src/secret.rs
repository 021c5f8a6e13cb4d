//! Secrets at rest: ChaCha20-Poly1305 with a 32-byte key kept in a file only the
//! user can read (mode 0600 on Unix). The OS keyring is not used: desks run as
//! services and in CI where no keyring daemon exists, so one predictable
//! mechanism is kept and reported by `razdesk setup`.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::{rngs::OsRng, TryRngCore};
use std::path::{Path, PathBuf};

pub const KEY_FILE: &str = "desk.key";

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("cannot read or create the key file {path}: {source}")]
    KeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the key file {0} is damaged (it must hold 32 bytes); restore it from a backup or run setup again")]
    BadKey(PathBuf),
    #[error(
        "a stored secret cannot be decrypted with this key file; run setup and activate again"
    )]
    Decrypt,
    #[error("the system's random number generator failed")]
    Random,
}

pub struct Vault {
    cipher: ChaCha20Poly1305,
    pub key_path: PathBuf,
}

fn random<const N: usize>() -> Result<[u8; N], SecretError> {
    let mut b = [0u8; N];
    OsRng
        .try_fill_bytes(&mut b)
        .map_err(|_| SecretError::Random)?;
    Ok(b)
}

impl Vault {
    /// Opens the key file in `dir`, creating it (0600) on first use.
    pub fn open(dir: &Path) -> Result<Vault, SecretError> {
        let path = dir.join(KEY_FILE);
        let io = |source| SecretError::KeyFile {
            path: path.clone(),
            source,
        };
        let key = match std::fs::read(&path) {
            Ok(k) if k.len() == 32 => k,
            Ok(_) => return Err(SecretError::BadKey(path)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = random::<32>()?;
                write_private(&path, &key).map_err(io)?;
                key.to_vec()
            }
            Err(e) => return Err(io(e)),
        };
        Ok(Vault {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&key)),
            key_path: path,
        })
    }

    /// `nonce || ciphertext`.
    pub fn seal(&self, plain: &str) -> Result<Vec<u8>, SecretError> {
        let nonce = random::<12>()?;
        let mut out = nonce.to_vec();
        out.extend(
            self.cipher
                .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
                .map_err(|_| SecretError::Decrypt)?,
        );
        Ok(out)
    }

    pub fn open_sealed(&self, sealed: &[u8]) -> Result<String, SecretError> {
        if sealed.len() < 12 {
            return Err(SecretError::Decrypt);
        }
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(&sealed[..12]), &sealed[12..])
            .map_err(|_| SecretError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| SecretError::Decrypt)
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

    #[test]
    fn seals_and_opens_and_refuses_tampering() {
        let dir = tempfile::tempdir().unwrap();
        let v = Vault::open(dir.path()).unwrap();
        let sealed = v.seal("token secret").unwrap();
        assert!(!String::from_utf8_lossy(&sealed).contains("token secret"));
        assert_eq!(v.open_sealed(&sealed).unwrap(), "token secret");
        let again = Vault::open(dir.path()).unwrap();
        assert_eq!(again.open_sealed(&sealed).unwrap(), "token secret");
        let mut bad = sealed.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(v.open_sealed(&bad).is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
