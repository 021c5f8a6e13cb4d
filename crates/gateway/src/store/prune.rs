//! What the gateway no longer needs, removed while it runs: nonces past the
//! timestamp window, temporary credentials long past their 10 minutes, expired
//! sign-in sessions, and the records of codes that expired unclaimed (the row
//! and its state stay, so the clinic can still ask about the code).

use super::sql::p;
use super::{Result, Store};
use razcode_protocol::{TEMP_CREDENTIAL_TTL_SECS, TIMESTAMP_WINDOW_SECS};

/// Temporary credentials are kept an hour past their 10 minutes, so that a
/// late exchange is still told `token_expired` rather than `token_unknown`.
pub const TEMP_KEPT_SECS: i64 = TEMP_CREDENTIAL_TTL_SECS + 3600;

/// How long a client's wrong-password count for an account is kept after its
/// last attempt.
pub const LOGIN_COUNT_KEPT_SECS: i64 = 24 * 3600;

/// How many rows a pass removed or erased.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    pub nonces: usize,
    pub temp_tokens: usize,
    pub sessions: usize,
    pub records: usize,
}

impl Store {
    pub fn prune(&self, now: i64) -> Result<Pruned> {
        let erased: &[u8] = &[];
        self.with(|c| {
            c.transaction(|tx| {
                let pruned = Pruned {
                    nonces: tx.execute(
                        "DELETE FROM nonces WHERE timestamp < ?1",
                        p![now - TIMESTAMP_WINDOW_SECS - 1],
                    )?,
                    temp_tokens: tx.execute(
                        "DELETE FROM temp_tokens WHERE created < ?1",
                        p![now - TEMP_KEPT_SECS],
                    )?,
                    sessions: tx.execute("DELETE FROM sessions WHERE expires < ?1", p![now])?,
                    records: tx.execute(
                        "UPDATE stages SET her = ?2
                         WHERE claimed_at IS NULL AND expires < ?1 AND length(her) > 0",
                        p![now, erased],
                    )?,
                };
                // Links die with their code's expiry; file addresses after an hour.
                tx.execute(
                    "DELETE FROM shl_links WHERE raz_id IN (SELECT raz_id FROM stages WHERE expires < ?1)",
                    p![now],
                )?;
                tx.execute("DELETE FROM shl_file_urls WHERE expires < ?1", p![now])?;
                // A lapsed reservation is unknown from then on.
                tx.execute("DELETE FROM reserved_ids WHERE reserved_until < ?1", p![now])?;
                // Wrong-password counts a day after their last attempt or lock.
                tx.execute(
                    "DELETE FROM login_locks WHERE updated < ?1 AND locked_until < ?2",
                    p![now - LOGIN_COUNT_KEPT_SECS, now],
                )?;
                Ok(pruned)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::AccountKind;

    fn stage(store: &Store, raz_id: &str, org: i64, consumer: i64, expires: i64, claimed: bool) {
        store
            .with(|c| {
                c.execute(
                    "INSERT INTO stages(raz_id, consumer_id, org_account_id, her, her_kind, created, expires, claimed_by, claimed_at, her_sealed)
                     VALUES (?1, ?2, ?3, ?7, 'omhe', 0, ?4, ?5, ?6, 0)",
                    p![
                        raz_id,
                        consumer,
                        org,
                        expires,
                        claimed.then_some(org),
                        claimed.then_some(1i64),
                        b"bp=120/80".as_slice()
                    ],
                )?;
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn old_credentials_nonces_and_expired_records_go_and_the_rest_stays() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("gateway.db")).unwrap();
        let consumer = store.add_consumer("Desk", 0).unwrap();
        let org = store
            .add_account(AccountKind::Org, "o@x.test", "Org", "hash", 0)
            .unwrap();
        let now = 100_000;
        let old = store
            .add_temp_token(consumer.id, "oob", now - TEMP_KEPT_SECS - 1)
            .unwrap();
        let late = store.add_temp_token(consumer.id, "oob", now - 700).unwrap();
        store.persist_nonce("old", now - 400).unwrap();
        store.persist_nonce("fresh", now - 10).unwrap();
        stage(&store, "EXPIRED00000", org, consumer.id, now - 1, false);
        stage(&store, "CLAIMED00000", org, consumer.id, now - 1, true);
        stage(&store, "CURRENT00000", org, consumer.id, now + 1, false);

        let p = store.prune(now).unwrap();
        assert_eq!((p.nonces, p.temp_tokens, p.records), (1, 1, 1));
        assert!(store.temp_token(&old.token).unwrap().is_none());
        // Past its 10 minutes but within the hour: still told it expired.
        assert!(store.temp_token(&late.token).unwrap().is_some());
        assert_eq!(store.recent_nonces(0).unwrap().len(), 1);
        // The expired record is erased; its state stays for the clinic.
        let expired = store.stage("EXPIRED00000").unwrap().unwrap();
        assert!(expired.her.is_empty());
        assert_eq!(expired.state(now), razcode_protocol::CodeState::Expired);
        // A claimed record is the patient's; a current one is still to be claimed.
        assert!(!store.stage("CLAIMED00000").unwrap().unwrap().her.is_empty());
        assert!(!store.stage("CURRENT00000").unwrap().unwrap().her.is_empty());
        assert_eq!(store.prune(now).unwrap(), Pruned::default());
    }
}
