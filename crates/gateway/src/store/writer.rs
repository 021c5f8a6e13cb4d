//! Group commit for stages: one thread owns a connection, takes every stage that
//! is waiting, writes them in one transaction and answers each after the commit.
//! On SQLite, checkpoints happen beside it ([`checkpoint`]), not in its commits.
//! On PostgreSQL, each stage's nonce is claimed in the same transaction, so a
//! stage replayed to another instance is refused there.

use super::audit::{self, Event, Kind};
use super::sql::{p, unique_violation, Conn, Engine};
use super::{checkpoint, sqlite, Result, StoreError, Target};
use std::sync::mpsc;
use tokio::sync::oneshot;

/// One stage to make durable.
#[derive(Clone)]
pub struct NewStage {
    pub raz_id: String,
    pub consumer_id: i64,
    pub org_account_id: i64,
    pub user_account_id: Option<i64>,
    /// Sealed with the database's key file for this row's `raz_id`
    /// ([`super::Store::seal`]). Shared: the writer's group
    /// retry sends the same bytes again.
    pub her: std::sync::Arc<[u8]>,
    pub her_kind: &'static str,
    /// The bill (its JSON), sealed like the record.
    pub pmt: Option<Vec<u8>>,
    pub created: i64,
    pub expires: i64,
    /// The request's nonce, kept so that a restart does not forget it.
    pub nonce: Option<(String, i64)>,
    /// `razcode_idempotency_key`, when the client sent one.
    pub idem_key: Option<String>,
    /// What the key stands for: a hash of practice, `her`, `user` and `pmt`.
    pub request_hash: String,
    /// v1.2: `raz_id` is one this practice reserved; the stage takes it.
    pub reserved: bool,
}

/// What a write did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    New,
    /// The same idempotency key was staged before: its code and payment validity.
    Existing {
        raz_id: String,
        pmt_valid: bool,
    },
    /// The same idempotency key was staged before with another practice,
    /// `her`, `user` or `pmt`: no code.
    Conflict,
    /// Another instance on the same database took this request's nonce.
    NonceReused,
    /// v1.2: the reserved ID is not this practice's, has lapsed, or was
    /// staged with another record.
    ReservedInvalid,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the RAZCODE ID is taken")]
    DuplicateId,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the stage writer has stopped")]
    Stopped,
}

type Job = (
    NewStage,
    oneshot::Sender<std::result::Result<Written, WriteError>>,
);

/// Most stages written in one transaction.
const MAX_GROUP: usize = 512;

#[derive(Clone)]
pub struct StageWriter {
    tx: mpsc::Sender<Job>,
}

impl StageWriter {
    /// `audit`: each new code's entry goes in the audit log with it (off
    /// only for the stage benchmark's baseline).
    pub fn start(target: &Target, audit: bool) -> Result<StageWriter> {
        let mut conn = WriterConn::open(target, audit)?;
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("stage-writer".into())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    let mut group = vec![first];
                    while group.len() < MAX_GROUP {
                        match rx.try_recv() {
                            Ok(job) => group.push(job),
                            Err(_) => break,
                        }
                    }
                    conn.write(group);
                }
            })
            .map_err(|source| StoreError::Thread {
                what: "stage writer",
                source,
            })?;
        Ok(StageWriter { tx })
    }

    /// Writes the stage; returns once it is committed to disk.
    pub async fn write(&self, stage: NewStage) -> std::result::Result<Written, WriteError> {
        let (done, wait) = oneshot::channel();
        self.tx
            .send((stage, done))
            .map_err(|_| WriteError::Stopped)?;
        wait.await.map_err(|_| WriteError::Stopped)?
    }
}

/// The writer's own connection, and on SQLite the checkpointer it nudges
/// after each commit.
struct WriterConn {
    engine: Box<dyn Engine>,
    checkpoints: Option<checkpoint::Nudge>,
    audit: bool,
}

impl WriterConn {
    fn open(target: &Target, audit: bool) -> Result<WriterConn> {
        Ok(match target {
            Target::Sqlite(path) => {
                let conn = sqlite::connect(path)?;
                let checkpoints = checkpoint::start(path, &conn)?;
                WriterConn {
                    engine: Box::new(sqlite::SqliteEngine(conn)),
                    checkpoints: Some(checkpoints),
                    audit,
                }
            }
            Target::Postgres(_) => WriterConn {
                engine: super::open_engine(target, None)?,
                checkpoints: None,
                audit,
            },
        })
    }

    fn write(&mut self, group: Vec<Job>) {
        let outcome = self.commit(&group);
        match outcome {
            Ok(results) => answer(group, results),
            // One stage that the database refuses (a value it cannot store,
            // say) must not fail the others that shared its group: each is
            // tried again in a transaction of its own.
            Err(e) if group.len() > 1 => {
                tracing::warn!(error = %e, stages = group.len(), "a group commit failed; committing its stages one by one");
                for job in group {
                    let one = vec![job];
                    match self.commit(&one) {
                        Ok(results) => answer(one, results),
                        Err(e) => fail(one, &e),
                    }
                }
            }
            Err(e) => fail(group, &e),
        }
        if let Some(checkpoints) = &self.checkpoints {
            checkpoints.commit_done();
        }
    }

    fn commit(&mut self, group: &[Job]) -> Result<Vec<Outcome>> {
        if let Err(e) = self.engine.reconnect() {
            tracing::error!(error = %e, "cannot reconnect the stage writer");
        }
        write_group(&mut Conn::new(self.engine.as_mut()), group, self.audit)
    }
}

fn answer(group: Vec<Job>, results: Vec<Outcome>) {
    for ((_, done), r) in group.into_iter().zip(results) {
        let _ = done.send(r);
    }
}

fn fail(group: Vec<Job>, e: &StoreError) {
    tracing::error!(error = %e, stages = group.len(), "stage commit failed");
    let what = e.to_string();
    for (_, done) in group {
        let _ = done.send(Err(WriteError::Store(StoreError::TaskFailed(what.clone()))));
    }
}

type Outcome = std::result::Result<Written, WriteError>;

/// Writes a group in one transaction, each new code's entry in the audit
/// log last (an entry for every code issued, or none of them).
fn write_group(c: &mut Conn, group: &[Job], audit: bool) -> Result<Vec<Outcome>> {
    let pg = c.is_postgres();
    c.write_transaction(|tx| {
        let outcomes = group
            .iter()
            .map(|(s, _)| {
                if let Some(found) = existing(tx, s)? {
                    return Ok(found);
                }
                if s.reserved {
                    return insert_reserved(tx, s, pg);
                }
                // A drawn ID that a practice holds in reserve is taken too.
                let held: i64 = tx.query_one(
                    "SELECT COUNT(*) FROM reserved_ids WHERE raz_id = ?1",
                    p![s.raz_id],
                )?;
                if held > 0 {
                    return Ok(Err(WriteError::DuplicateId));
                }
                if pg {
                    insert_shared(tx, s)
                } else {
                    insert_alone(tx, s)
                }
            })
            .collect::<Result<Vec<Outcome>>>()?;
        let issued: Vec<Event> = group
            .iter()
            .zip(&outcomes)
            .filter(|(_, o)| audit && matches!(o, Ok(Written::New)))
            .map(|((s, _), _)| {
                let e = Event::code(Kind::Stage, &s.raz_id, s.org_account_id);
                match s.reserved {
                    true => e.with_detail("reserved"),
                    false => e,
                }
            })
            .collect();
        let at = group
            .iter()
            .map(|(s, _)| s.created)
            .max()
            .unwrap_or_default();
        audit::append_in(tx, at, &issued)?;
        Ok(outcomes)
    })
}

/// The row's parameters, `?1` to `?13` in the order of [`INSERT_STAGE`].
macro_rules! stage_params {
    ($s:expr) => {
        p![
            $s.raz_id,
            $s.consumer_id,
            $s.org_account_id,
            $s.user_account_id,
            &$s.her[..],
            $s.her_kind,
            $s.pmt,
            $s.created,
            $s.expires,
            $s.idem_key,
            $s.nonce.as_ref().map(|(key, _)| key),
            $s.nonce.as_ref().map(|(_, ts)| *ts),
            $s.request_hash,
        ]
    };
}

const INSERT_STAGE: &str = "INSERT INTO stages(raz_id, consumer_id, org_account_id, user_account_id, her, her_kind, pmt_sealed, created, expires, idem_key, nonce, nonce_ts, request_hash, her_sealed)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1)";

/// SQLite, one gateway: the in-memory replay check has seen the nonce; the
/// row keeps it for a restart.
fn insert_alone(tx: &mut Conn, s: &NewStage) -> Result<Outcome> {
    match tx.execute(INSERT_STAGE, stage_params!(s)) {
        Ok(_) => Ok(Ok(Written::New)),
        Err(e) if unique_violation(&e).is_some() => Ok(Err(WriteError::DuplicateId)),
        Err(e) => Err(e),
    }
}

/// PostgreSQL, shared by instances: in one statement (one round trip; a
/// failed statement would end the whole group's transaction), the nonce is
/// claimed and the stage inserted only if the claim succeeded; any conflict
/// inserts nothing and is told apart afterwards, off the common path.
fn insert_shared(tx: &mut Conn, s: &NewStage) -> Result<Outcome> {
    let inserted = tx.execute(
        "WITH claimed AS (
             INSERT INTO nonces(key, timestamp)
             SELECT ?11::text, ?12::bigint WHERE ?11::text IS NOT NULL
             ON CONFLICT (key) DO NOTHING RETURNING key
         )
         INSERT INTO stages(raz_id, consumer_id, org_account_id, user_account_id, her, her_kind, pmt_sealed, created, expires, idem_key, nonce, nonce_ts, request_hash, her_sealed)
         SELECT ?1::text, ?2::bigint, ?3::bigint, ?4::bigint, ?5::bytea, ?6::text, ?7::bytea, ?8::bigint, ?9::bigint, ?10::text, ?11::text, ?12::bigint, ?13::text, 1
         WHERE ?11::text IS NULL OR EXISTS (SELECT 1 FROM claimed)
         ON CONFLICT DO NOTHING",
        stage_params!(s),
    )?;
    if inserted == 1 {
        return Ok(Ok(Written::New));
    }
    // Another instance committed the same idempotency key meanwhile.
    if let Some(found) = existing(tx, s)? {
        return Ok(found);
    }
    let id_taken: i64 = tx.query_one(
        "SELECT COUNT(*) FROM stages WHERE raz_id = ?1",
        p![s.raz_id],
    )?;
    if id_taken == 0 {
        return Ok(Ok(Written::NonceReused));
    }
    // The ID collided (one chance in 2^60): the nonce this statement claimed
    // goes back, so the retry under a new ID can claim it again.
    if let Some((key, _)) = &s.nonce {
        tx.execute("DELETE FROM nonces WHERE key = ?1", p![key])?;
    }
    Ok(Err(WriteError::DuplicateId))
}

/// v1.2: a stage under a reserved ID. The reservation is read (on PostgreSQL
/// locked, so that two instances staging it at once take turns), the stage
/// inserted, and the reservation removed, all in the stage's transaction: the
/// ID is issued once. A reservation already taken answers the same stage
/// again as the first, and any other stage `ReservedInvalid`.
fn insert_reserved(tx: &mut Conn, s: &NewStage, pg: bool) -> Result<Outcome> {
    let held = tx.query_opt(
        if pg {
            "SELECT org_account_id, reserved_until FROM reserved_ids WHERE raz_id = ?1 FOR UPDATE"
        } else {
            "SELECT org_account_id, reserved_until FROM reserved_ids WHERE raz_id = ?1"
        },
        p![s.raz_id],
    )?;
    let Some(r) = held else {
        return staged_before(tx, s);
    };
    let (org, until): (i64, i64) = (r.get(0)?, r.get(1)?);
    if org != s.org_account_id || until < s.created {
        return Ok(Ok(Written::ReservedInvalid));
    }
    let outcome = if pg {
        insert_shared(tx, s)?
    } else {
        insert_alone(tx, s)?
    };
    match outcome {
        Ok(Written::New) => {
            tx.execute("DELETE FROM reserved_ids WHERE raz_id = ?1", p![s.raz_id])?;
            Ok(Ok(Written::New))
        }
        Err(WriteError::DuplicateId) => Ok(Ok(Written::ReservedInvalid)),
        other => Ok(other),
    }
}

/// A reserved ID already staged: the same stage again (same practice and
/// request) is answered with its code; any other is refused.
fn staged_before(tx: &mut Conn, s: &NewStage) -> Result<Outcome> {
    let Some(r) = tx.query_opt(
        "SELECT org_account_id, request_hash, pmt_sealed IS NOT NULL OR pmt IS NOT NULL FROM stages WHERE raz_id = ?1",
        p![s.raz_id],
    )?
    else {
        return Ok(Ok(Written::ReservedInvalid));
    };
    let (org, hash, pmt_valid): (i64, Option<String>, bool) = (r.get(0)?, r.get(1)?, r.get(2)?);
    Ok(Ok(
        if org == s.org_account_id && hash.as_deref() == Some(s.request_hash.as_str()) {
            Written::Existing {
                raz_id: s.raz_id.clone(),
                pmt_valid,
            }
        } else {
            Written::ReservedInvalid
        },
    ))
}

/// The code an idempotency key already has, or its conflict.
fn existing(tx: &mut Conn, s: &NewStage) -> Result<Option<Outcome>> {
    let Some(key) = &s.idem_key else {
        return Ok(None);
    };
    let Some(r) = tx.query_opt(
        "SELECT raz_id, pmt_sealed IS NOT NULL OR pmt IS NOT NULL, request_hash FROM stages WHERE consumer_id = ?1 AND idem_key = ?2",
        p![s.consumer_id, key],
    )?
    else {
        return Ok(None);
    };
    let (raz_id, pmt_valid, hash): (String, bool, Option<String>) =
        (r.get(0)?, r.get(1)?, r.get(2)?);
    // Stages from before schema 4 have no hash: their repeats are answered
    // as they always were.
    let same = hash.is_none_or(|h| h == s.request_hash);
    Ok(Some(Ok(if same {
        Written::Existing { raz_id, pmt_valid }
    } else {
        Written::Conflict
    })))
}
