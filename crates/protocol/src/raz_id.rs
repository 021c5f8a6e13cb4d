//! The RAZCODE ID: 12 Crockford base32 symbols, 60 random bits, shown as `XXXX-XXXX-XXXX`.

use rand::{rngs::OsRng, TryRngCore};
use std::fmt;
use std::str::FromStr;

/// Crockford's base32 alphabet (no I, L, O, U).
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Symbols in an ID.
pub const LEN: usize = 12;
/// Bits an ID carries.
pub const BITS: u32 = 60;

/// A RAZCODE ID, stored as its 60-bit value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RazId(u64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RazIdError {
    #[error("a RAZCODE ID has 12 letters and digits; this one has {0}")]
    Length(usize),
    #[error("{0:?} cannot be part of a RAZCODE ID")]
    Symbol(char),
    #[error("the system's random number generator failed: {0}")]
    Random(String),
}

impl RazId {
    /// A new ID from the operating system's CSPRNG.
    pub fn generate() -> Result<RazId, RazIdError> {
        let mut bytes = [0u8; 8];
        OsRng
            .try_fill_bytes(&mut bytes)
            .map_err(|e| RazIdError::Random(e.to_string()))?;
        Ok(RazId(u64::from_le_bytes(bytes) & Self::MASK))
    }

    const MASK: u64 = (1u64 << BITS) - 1;

    /// The ID from its 60-bit value (higher bits are refused).
    pub fn from_bits(bits: u64) -> Option<RazId> {
        (bits <= Self::MASK).then_some(RazId(bits))
    }

    pub fn bits(self) -> u64 {
        self.0
    }

    /// The 12 symbols without dashes (as in `raz_uri`).
    pub fn compact(self) -> String {
        (0..LEN)
            .map(|i| {
                let shift = 5 * (LEN - 1 - i);
                ALPHABET[((self.0 >> shift) & 31) as usize] as char
            })
            .collect()
    }

    /// Three groups of four, `7KQ2-M9XD-4HRB`: how an ID is sent and shown.
    pub fn grouped(self) -> String {
        let c = self.compact();
        format!("{}-{}-{}", &c[0..4], &c[4..8], &c[8..12])
    }

    /// Reads an ID the forgiving way the protocol asks: case, spaces and dashes
    /// are ignored, `I`/`L` read as `1` and `O` as `0`.
    pub fn parse(text: &str) -> Result<RazId, RazIdError> {
        let mut value = 0u64;
        let mut count = 0usize;
        for ch in text.chars() {
            if ch == '-' || ch.is_whitespace() {
                continue;
            }
            let digit = symbol_value(ch).ok_or(RazIdError::Symbol(ch))?;
            count += 1;
            if count <= LEN {
                value = (value << 5) | u64::from(digit);
            }
        }
        if count != LEN {
            return Err(RazIdError::Length(count));
        }
        Ok(RazId(value))
    }
}

fn symbol_value(ch: char) -> Option<u8> {
    let up = ch.to_ascii_uppercase();
    let up = match up {
        'I' | 'L' => '1',
        'O' => '0',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|&a| a as char == up)
        .map(|p| p as u8)
}

impl fmt::Display for RazId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

impl fmt::Debug for RazId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RazId({})", self.grouped())
    }
}

impl FromStr for RazId {
    type Err = RazIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RazId::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_and_compact_forms() {
        let id = RazId::parse("7KQ2-M9XD-4HRB").unwrap();
        assert_eq!(id.grouped(), "7KQ2-M9XD-4HRB");
        assert_eq!(id.compact(), "7KQ2M9XD4HRB");
        assert_eq!(id.to_string(), "7KQ2-M9XD-4HRB");
    }

    #[test]
    fn forgiving_reading() {
        let id = RazId::parse("7KQ2-M9XD-4HRB").unwrap();
        assert_eq!(RazId::parse(" 7kq2 m9xd 4hrb ").unwrap(), id);
        assert_eq!(RazId::parse("7kq2m9xd4hrb").unwrap(), id);
        let ones = RazId::parse("IIII-LLLL-OOOO").unwrap();
        assert_eq!(ones.grouped(), "1111-1111-0000");
    }

    #[test]
    fn refusals() {
        assert_eq!(RazId::parse("7KQ2-M9XD-4HR"), Err(RazIdError::Length(11)));
        assert_eq!(RazId::parse("7KQ2-M9XD-4HRBB"), Err(RazIdError::Length(13)));
        assert_eq!(RazId::parse("7KQ2-M9XD-4HRU"), Err(RazIdError::Symbol('U')));
        assert_eq!(RazId::parse("7KQ2-M9XD-4HR*"), Err(RazIdError::Symbol('*')));
        assert!(RazId::from_bits(1 << 60).is_none());
    }

    #[test]
    fn generated_ids_are_distinct_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let id = RazId::generate().unwrap();
            assert!(id.bits() < (1 << 60));
            assert_eq!(RazId::parse(&id.grouped()).unwrap(), id);
            assert!(id.compact().bytes().all(|b| ALPHABET.contains(&b)));
            assert!(seen.insert(id));
        }
    }
}
