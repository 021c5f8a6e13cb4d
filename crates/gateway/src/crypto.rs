//! Random tokens, password hashing (argon2id) and keyed tags for CSRF.

use argon2::password_hash::{self, Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use hmac::{Hmac, Mac};
use rand::{rngs::OsRng, TryRngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const TOKEN_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Bytes from the operating system's CSPRNG. Without one the gateway cannot
/// run safely, so failure is fatal.
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    OsRng
        .try_fill_bytes(&mut buf)
        .expect("the operating system's random number generator failed");
    buf
}

/// A random alphanumeric token of `len` characters (about 5.95 bits each).
pub fn random_token(len: usize) -> String {
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in random_bytes(len) {
            // Rejection sampling keeps the distribution uniform.
            if (b as usize) < 248 && out.len() < len {
                out.push(TOKEN_ALPHABET[(b as usize) % TOKEN_ALPHABET.len()] as char);
            }
        }
    }
    out
}

/// argon2's working memory (~19 MiB with the default parameters). Whoever
/// hashes often keeps one and hands it to every hash: allocating it anew each
/// time left the allocator's heap fragmented, and a gateway grew by ~10 MiB a
/// sign-up, for good.
pub type HashMemory = Vec<argon2::Block>;

/// The most working memory a stored hash may ask for (its `m` parameter).
const MAX_HASH_MEMORY_KIB: u32 = 256 * 1024;

pub fn hash_password(password: &str) -> Result<String, String> {
    hash_password_in(password, &mut HashMemory::new())
}

/// A new argon2id PHC string for `password`, computed in `memory`.
pub fn hash_password_in(password: &str, memory: &mut HashMemory) -> Result<String, String> {
    let salt = SaltString::encode_b64(&random_bytes(16)).map_err(|e| e.to_string())?;
    let defaults = Argon2::default();
    let argon = (
        Algorithm::default(),
        Version::default(),
        defaults.params().clone(),
    );
    hash_with(argon, password, salt.as_salt(), memory)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    verify_password_in(password, hash, &mut HashMemory::new())
}

/// Whether `password` matches the PHC string `hash`, computed in `memory`.
pub fn verify_password_in(password: &str, hash: &str, memory: &mut HashMemory) -> bool {
    let Ok(stored) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (stored.salt, stored.hash) else {
        return false;
    };
    let argon = (|| {
        let algorithm = Algorithm::try_from(stored.algorithm).ok()?;
        let version = match stored.version {
            Some(v) => Version::try_from(v).ok()?,
            None => Version::default(),
        };
        let params = Params::try_from(&stored).ok()?;
        (params.m_cost() <= MAX_HASH_MEMORY_KIB).then_some((algorithm, version, params))
    })();
    let Some(argon) = argon else {
        return false;
    };
    // Output's comparison takes the same time wherever the bytes differ.
    hash_with(argon, password, salt, memory).is_ok_and(|h| h.hash == Some(expected))
}

/// What `PasswordHasher::hash_password` does, in memory the caller keeps.
fn hash_with<'a>(
    (algorithm, version, params): (Algorithm, Version, Params),
    password: &str,
    salt: Salt<'a>,
    memory: &mut HashMemory,
) -> password_hash::Result<PasswordHash<'a>> {
    let argon = Argon2::new(algorithm, version, params.clone());
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_buf)?;
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), argon2::Block::default());
    }
    let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let output = Output::init_with(len, |out| {
        argon
            .hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, &mut memory[..])
            .map_err(Into::into)
    })?;
    Ok(PasswordHash {
        algorithm: algorithm.ident(),
        version: Some(version.into()),
        params: ParamsString::try_from(&params)?,
        salt: Some(salt),
        hash: Some(output),
    })
}

pub fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A keyed tag binding `parts` (HMAC-SHA256, hex).
pub fn tag(key: &[u8], parts: &[&str]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    for p in parts {
        mac.update(p.as_bytes());
        mac.update(&[0]);
    }
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn equal(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_alphanumeric_and_distinct() {
        let a = random_token(32);
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(a, random_token(32));
    }

    #[test]
    fn passwords_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
        // Reused memory gives the same answers, and argon2's own verifier
        // agrees with hashes made here.
        let mut memory = HashMemory::new();
        let again = hash_password_in("correct horse", &mut memory).unwrap();
        assert!(verify_password_in("correct horse", &again, &mut memory));
        assert!(!verify_password_in("wrong", &again, &mut memory));
        use argon2::password_hash::PasswordVerifier;
        let parsed = PasswordHash::new(&again).unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct horse", &parsed)
            .is_ok());
        // A hash made by argon2's own hasher verifies here.
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::encode_b64(b"sixteen byte slt").unwrap();
        let theirs = Argon2::default()
            .hash_password(b"correct horse", &salt)
            .unwrap()
            .to_string();
        assert!(verify_password_in("correct horse", &theirs, &mut memory));
    }
}
