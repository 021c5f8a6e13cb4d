//! The audit log (protocol v1.2): every stage, status, void, payment notice
//! and access event, appended as a hash chain. Each entry holds the SHA-256
//! of the entry before it and its own over its fields, so that an entry
//! changed or deleted shows at [`Store::verify_audit`], which names the first
//! one that does not match. Appends come last in their write transaction and
//! lock the chain's head row (`audit_head`, FOR UPDATE on PostgreSQL): one
//! sequence for every instance, and no lock taken after it (no deadlock with
//! the row locks before it).
//!
//! A code's access events (who opened its record) are read back from here:
//! the patient's list on the record page and the practice's
//! `/gateway/accesses`. Entries hold codes, times, the practice and what a
//! SMART Health Link client called itself; never a record, a name or an email.

use super::sql::{p, Conn, Param, Row};
use super::{Result, Store};
use razcode_protocol::AccessEvent;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Longest `recipient` kept, in characters (a client names itself).
pub const RECIPIENT_MAX: usize = 120;
/// Entries read at a time when the chain is checked or exported.
const PAGE: i64 = 1000;

/// What an entry records: a code's access event (the protocol's words), or
/// one of the practice's requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Access(AccessEvent),
    Stage,
    Status,
    PaymentNotice,
}

impl Kind {
    /// The word the log uses.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Access(e) => e.as_str(),
            Kind::Stage => "stage",
            Kind::Status => "status",
            Kind::PaymentNotice => "payment_notice",
        }
    }

    pub fn parse(word: &str) -> Option<Kind> {
        if let Some(e) = AccessEvent::parse(word) {
            return Some(Kind::Access(e));
        }
        [Kind::Stage, Kind::Status, Kind::PaymentNotice]
            .into_iter()
            .find(|k| k.name() == word)
    }
}

/// One event to append.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: Kind,
    pub raz_id: Option<String>,
    pub org_account_id: Option<i64>,
    pub recipient: Option<String>,
    pub detail: Option<String>,
}

impl Event {
    /// An event about a code.
    pub fn code(kind: Kind, raz_id: &str, org_account_id: i64) -> Event {
        Event {
            kind,
            raz_id: Some(raz_id.to_string()),
            org_account_id: Some(org_account_id),
            recipient: None,
            detail: None,
        }
    }

    /// With what a SMART Health Link client called itself, kept printable
    /// and short.
    pub fn with_recipient(mut self, recipient: &str) -> Event {
        let clean: String = recipient
            .chars()
            .filter(|c| !c.is_control())
            .take(RECIPIENT_MAX)
            .collect();
        self.recipient = Some(clean.trim().to_string()).filter(|r| !r.is_empty());
        self
    }

    pub fn with_detail(mut self, detail: &str) -> Event {
        self.detail = Some(detail.to_string());
        self
    }
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: i64,
    pub at: i64,
    pub kind: String,
    pub raz_id: Option<String>,
    pub org_account_id: Option<i64>,
    pub recipient: Option<String>,
    pub detail: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl Entry {
    fn read(r: &Row) -> Result<Entry> {
        Ok(Entry {
            seq: r.get(0)?,
            at: r.get(1)?,
            kind: r.get(2)?,
            raz_id: r.get(3)?,
            org_account_id: r.get(4)?,
            recipient: r.get(5)?,
            detail: r.get(6)?,
            prev_hash: r.get(7)?,
            hash: r.get(8)?,
        })
    }

    /// The hash its fields and `prev_hash` give.
    pub fn computed_hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.prev_hash.as_bytes());
        h.update(self.seq.to_be_bytes());
        h.update(self.at.to_be_bytes());
        // Each field length-prefixed (none: a marker), so that no two
        // entries' fields run together into the same bytes.
        for field in [
            Some(self.kind.as_str()),
            self.raz_id.as_deref(),
            self.org_account_id.map(|o| o.to_string()).as_deref(),
            self.recipient.as_deref(),
            self.detail.as_deref(),
        ] {
            match field {
                Some(v) => {
                    h.update([1u8]);
                    h.update((v.len() as u64).to_be_bytes());
                    h.update(v.as_bytes());
                }
                None => h.update([0u8]),
            }
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

const COLUMNS: &str =
    "seq, at, kind, raz_id, org_account_id, recipient, detail, prev_hash, hash FROM audit_log";

/// Appends `events` at `at`, in the caller's write transaction and last in
/// it: the chain's head read and locked, every entry inserted in one
/// statement whatever the group's size, and the head moved on.
pub(crate) fn append_in(tx: &mut Conn, at: i64, events: &[Event]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    if tx.is_postgres() && append_after_known_head(tx, at, events)? {
        return Ok(());
    }
    // The head's row is the lock: on PostgreSQL FOR UPDATE waits for any
    // other instance's append and then reads the head it left; SQLite's
    // write transaction already holds the database.
    let head = tx.query_opt(
        if tx.is_postgres() {
            "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE"
        } else {
            "SELECT seq, hash FROM audit_head WHERE id = 1"
        },
        p![],
    )?;
    let head = match head {
        Some(r) => (r.get::<i64>(0)?, r.get::<String>(1)?),
        None => (0, GENESIS.to_string()),
    };
    let entries = chained(head, at, events);
    let (seq, last) = last_of(&entries);
    let mut params = params_of(&entries);
    // On PostgreSQL the entries and the head's move are one statement (one
    // round trip: a stage's commit waits for it); SQLite runs in-process.
    if tx.is_postgres() {
        params.extend_from_slice(p![seq, last]);
        tx.execute(append_of(entries.len()), &params)?;
        tx.keep_head(seq, last);
    } else {
        tx.execute(insert_of(entries.len()), &params)?;
        tx.execute(
            "UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1",
            p![seq, last],
        )?;
    }
    Ok(())
}

/// PostgreSQL's append in one round trip when this connection made the last
/// one: the head moved on only if it is still where this connection left
/// it (the row locked by that update until the commit, as FOR UPDATE would),
/// the entries inserted only then. False when another instance or
/// connection appended since, or a transaction rolled back: the caller
/// reads the head.
fn append_after_known_head(tx: &mut Conn, at: i64, events: &[Event]) -> Result<bool> {
    let Some(head) = tx.known_head().and_then(Option::take) else {
        return Ok(false);
    };
    let entries = chained(head.clone(), at, events);
    let (seq, last) = last_of(&entries);
    let mut params = params_of(&entries);
    params.extend_from_slice(p![seq, last, head.0, head.1]);
    let added = tx.execute(append_after_of(entries.len()), &params)?;
    if added != entries.len() {
        return Ok(false);
    }
    tx.keep_head(seq, last);
    Ok(true)
}

/// The entries of `events`, chained after `head` (its seq and hash).
fn chained(head: (i64, String), at: i64, events: &[Event]) -> Vec<Entry> {
    let (mut seq, mut prev) = head;
    let mut entries = Vec::with_capacity(events.len());
    for e in events {
        seq += 1;
        let mut entry = Entry {
            seq,
            at,
            kind: e.kind.name().to_string(),
            raz_id: e.raz_id.clone(),
            org_account_id: e.org_account_id,
            recipient: e.recipient.clone(),
            detail: e.detail.clone(),
            prev_hash: prev,
            hash: String::new(),
        };
        entry.hash = entry.computed_hash();
        prev = entry.hash.clone();
        entries.push(entry);
    }
    entries
}

/// The new head: the last entry's seq and hash.
fn last_of(entries: &[Entry]) -> (i64, &str) {
    entries
        .last()
        .map(|e| (e.seq, e.hash.as_str()))
        .unwrap_or((0, GENESIS))
}

fn params_of(entries: &[Entry]) -> Vec<Param<'_>> {
    let mut params: Vec<Param> = Vec::with_capacity(entries.len() * 9 + 4);
    for e in entries {
        params.extend_from_slice(p![
            e.seq,
            e.at,
            e.kind,
            e.raz_id,
            e.org_account_id,
            e.recipient,
            e.detail,
            e.prev_hash,
            e.hash
        ]);
    }
    params
}

/// PostgreSQL's append of `n` entries: the insert and the head's move in one
/// statement, made once per size like [`insert_of`].
fn append_of(n: usize) -> &'static str {
    made_once(&APPENDS, n, || {
        format!(
            "WITH added AS ({}) UPDATE audit_head SET seq = ?{}, hash = ?{} WHERE id = 1",
            insert_of(n),
            n * 9 + 1,
            n * 9 + 2
        )
    })
}

/// PostgreSQL's append of `n` entries after a head this connection knows:
/// the head moved from it to the new one, and the entries inserted only if
/// it did (typed, as a VALUES list read by a SELECT has no column to take
/// its types from).
fn append_after_of(n: usize) -> &'static str {
    made_once(&APPENDS_AFTER, n, || {
        let h = n * 9;
        format!(
            "WITH moved AS (UPDATE audit_head SET seq = ?{}, hash = ?{} WHERE id = 1 AND seq = ?{} AND hash = ?{} RETURNING 1) \
             INSERT INTO audit_log(seq, at, kind, raz_id, org_account_id, recipient, detail, prev_hash, hash) \
             SELECT v.* FROM (VALUES {}) AS v, moved",
            h + 1,
            h + 2,
            h + 3,
            h + 4,
            value_rows(n, TYPED)
        )
    })
}

/// Statements by their number of entries.
type Made = std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<usize, &'static str>>>;
static INSERTS: Made = std::sync::OnceLock::new();
static APPENDS: Made = std::sync::OnceLock::new();
static APPENDS_AFTER: Made = std::sync::OnceLock::new();

/// A statement made once for each size and kept for the process's life
/// (there are at most as many sizes as the writer's largest group).
fn made_once(cache: &'static Made, n: usize, make: impl FnOnce() -> String) -> &'static str {
    let mut made = cache
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    made.entry(n)
        .or_insert_with(|| Box::leak(make().into_boxed_str()))
}

/// An entry's nine columns as placeholders: bare where the insert's columns
/// give their types, cast where a VALUES list stands alone.
const UNTYPED: [&str; 9] = [""; 9];
const TYPED: [&str; 9] = [
    "::bigint", "::bigint", "::text", "::text", "::bigint", "::text", "::text", "::text", "::text",
];

/// `n` rows of placeholders, `?1` to `?{9n}`, each with its column's cast.
fn value_rows(n: usize, casts: [&str; 9]) -> String {
    (0..n)
        .map(|i| {
            let row: Vec<String> = casts
                .iter()
                .enumerate()
                .map(|(c, cast)| format!("?{}{cast}", i * 9 + c + 1))
                .collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The insert of `n` entries in one statement, made once per size, so that
/// PostgreSQL prepares it once per connection like every other statement.
fn insert_of(n: usize) -> &'static str {
    made_once(&INSERTS, n, || {
        format!(
            "INSERT INTO audit_log(seq, at, kind, raz_id, org_account_id, recipient, detail, prev_hash, hash) VALUES {}",
            value_rows(n, UNTYPED)
        )
    })
}

/// A code's entries but the practice's own kinds (stage, status, payment
/// notice), oldest first.
const ACCESSES_OF: &str = "SELECT at, kind, recipient FROM audit_log WHERE raz_id = ?1 \
     AND kind NOT IN ('stage', 'status', 'payment_notice') ORDER BY seq";

/// One access to a code, as its lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub at: i64,
    pub event: AccessEvent,
    pub recipient: Option<String>,
}

/// What the check of the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditCheck {
    /// Every entry matches: how many, and the last one's hash (kept
    /// elsewhere, it shows a chain rewritten from the start, too).
    Intact { entries: i64, head: String },
    /// The first entry that does not match, and how.
    Broken { seq: i64, why: String },
}

impl Store {
    /// Appends events in a write transaction of their own.
    pub fn audit(&self, at: i64, events: &[Event]) -> Result<()> {
        self.with(|c| c.write_transaction(|tx| append_in(tx, at, events)))
    }

    /// A code's access events, oldest first.
    pub fn accesses(&self, raz_id: &str) -> Result<Vec<Access>> {
        // The practice's own entries (a status asked every few minutes adds
        // up) are left in the database: only access events are read.
        let rows = self.with(|c| c.query(ACCESSES_OF, p![raz_id]))?;
        let mut out = Vec::new();
        for r in rows {
            let kind: String = r.get(1)?;
            if let Some(event) = AccessEvent::parse(&kind) {
                out.push(Access {
                    at: r.get(0)?,
                    event,
                    recipient: r.get(2)?,
                });
            }
        }
        Ok(out)
    }

    /// Checks the chain from its first entry, a page at a time.
    pub fn verify_audit(&self) -> Result<AuditCheck> {
        let (mut expected, mut prev, mut entries) = (1i64, GENESIS.to_string(), 0i64);
        loop {
            let after = expected - 1;
            let rows = self.with(|c| {
                c.query_dyn(
                    &format!("SELECT {COLUMNS} WHERE seq > ?1 ORDER BY seq LIMIT {PAGE}"),
                    p![after],
                )
            })?;
            if rows.is_empty() {
                let head = self
                    .with(|c| c.query_opt("SELECT seq, hash FROM audit_head WHERE id = 1", p![]))?;
                if let Some(h) = head {
                    let (seq, hash): (i64, String) = (h.get(0)?, h.get(1)?);
                    if seq != expected - 1 || hash != prev {
                        return Ok(AuditCheck::Broken {
                            seq: expected,
                            why: format!(
                                "the log ends at entry {} but its head names entry {seq}: entries were cut from its end, or the head was changed",
                                expected - 1
                            ),
                        });
                    }
                }
                return Ok(AuditCheck::Intact {
                    entries,
                    head: prev,
                });
            }
            for r in &rows {
                let e = Entry::read(r)?;
                if e.seq != expected {
                    return Ok(AuditCheck::Broken {
                        seq: e.seq,
                        why: format!("the entry before it ({expected}) is missing"),
                    });
                }
                if e.prev_hash != prev {
                    return Ok(AuditCheck::Broken {
                        seq: e.seq,
                        why: format!(
                            "its prev_hash does not match entry {}: that entry, or this link, was changed",
                            e.seq - 1
                        ),
                    });
                }
                if e.computed_hash() != e.hash {
                    return Ok(AuditCheck::Broken {
                        seq: e.seq,
                        why: "its contents do not match its hash: it was changed".into(),
                    });
                }
                prev = e.hash;
                expected += 1;
                entries += 1;
            }
        }
    }

    /// A practice's codes' access events between two times, oldest first:
    /// what an accounting of disclosures is made from.
    pub fn disclosures(&self, org_account_id: i64, from: i64, to: i64) -> Result<Vec<Entry>> {
        let rows = self.with(|c| {
            c.query_dyn(
                &format!(
                    "SELECT {COLUMNS} WHERE org_account_id = ?1 AND at >= ?2 AND at < ?3 ORDER BY seq"
                ),
                p![org_account_id, from, to],
            )
        })?;
        let mut out = Vec::new();
        for r in &rows {
            let e = Entry::read(r)?;
            if AccessEvent::parse(&e.kind).is_some() {
                out.push(e);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_practice_s_own_kinds_are_the_ones_accesses_leave_out() {
        for own in [Kind::Stage, Kind::Status, Kind::PaymentNotice] {
            assert!(ACCESSES_OF.contains(&format!("'{}'", own.name())));
        }
        for event in AccessEvent::ALL {
            assert!(!ACCESSES_OF.contains(&format!("'{}'", event.as_str())));
        }
    }

    #[test]
    fn placeholders_run_on_across_rows_with_their_casts() {
        assert_eq!(
            value_rows(2, UNTYPED),
            "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9), (?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
        );
        assert!(value_rows(1, TYPED).starts_with("(?1::bigint, ?2::bigint, ?3::text, "));
    }

    #[test]
    fn kinds_read_back_and_fields_do_not_run_together() {
        for e in AccessEvent::ALL {
            assert_eq!(Kind::parse(e.as_str()), Some(Kind::Access(e)));
        }
        assert_eq!(Kind::parse("stage"), Some(Kind::Stage));
        let base = Entry {
            seq: 1,
            at: 10,
            kind: "shl_manifest".into(),
            raz_id: Some("AB".into()),
            org_account_id: Some(1),
            recipient: Some("C".into()),
            detail: None,
            prev_hash: GENESIS.into(),
            hash: String::new(),
        };
        let moved = Entry {
            raz_id: Some("A".into()),
            recipient: Some("BC".into()),
            ..base.clone()
        };
        assert_ne!(base.computed_hash(), moved.computed_hash());
        let e = Event::code(Kind::Access(AccessEvent::ShlManifest), "X", 1)
            .with_recipient(" Dr\u{7}. Who\n ");
        assert_eq!(e.recipient.as_deref(), Some("Dr. Who"));
    }
}
