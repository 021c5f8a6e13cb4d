//! Identifiers the desk makes: random IDs from the OS CSPRNG, and content hashes.

use crate::error::{DeskError, Result};
use rand::{rngs::OsRng, TryRngCore};
use sha2::{Digest, Sha256};

/// `bytes` random bytes as lower-case hex.
pub fn random_hex(bytes: usize) -> Result<String> {
    let mut b = vec![0u8; bytes];
    OsRng
        .try_fill_bytes(&mut b)
        .map_err(|_| DeskError::Random)?;
    Ok(hex(&b))
}

/// The SHA-256 of `data` as lower-case hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
