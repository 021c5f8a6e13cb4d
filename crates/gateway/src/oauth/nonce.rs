//! The replay store: a nonce counts once per consumer, token and timestamp, and
//! is forgotten when its timestamp leaves the window.

use razcode_protocol::TIMESTAMP_WINDOW_SECS;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
pub struct NonceStore {
    seen: Mutex<HashMap<String, i64>>,
}

/// The key a nonce is remembered under. The parts are joined by the unit
/// separator (U+001F): PostgreSQL's text holds no NUL.
pub fn nonce_key(consumer: &str, token: &str, timestamp: i64, nonce: &str) -> String {
    format!("{consumer}\u{1f}{token}\u{1f}{timestamp}\u{1f}{nonce}")
}

impl NonceStore {
    /// Records the nonce; false when it was already seen.
    pub fn insert(&self, key: String, timestamp: i64) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.insert(key, timestamp).is_none()
    }

    pub fn len(&self) -> usize {
        self.seen.lock().map(|s| s.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops nonces whose timestamp can no longer pass the window.
    pub fn prune(&self, now: i64) {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.retain(|_, ts| *ts >= now - TIMESTAMP_WINDOW_SECS - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_counts_once_and_expires() {
        let s = NonceStore::default();
        assert!(s.insert(nonce_key("c", "t", 100, "n"), 100));
        assert!(!s.insert(nonce_key("c", "t", 100, "n"), 100));
        assert!(s.insert(nonce_key("c", "t", 101, "n"), 101));
        assert!(s.insert(nonce_key("c", "u", 100, "n"), 100));
        s.prune(101 + TIMESTAMP_WINDOW_SECS + 2);
        assert!(s.is_empty());
    }
}
