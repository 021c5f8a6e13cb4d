//! Group commit for stages: one thread owns a connection, takes every stage that
//! is waiting, writes them in one transaction and answers each after the commit.
//! On SQLite, checkpoints happen beside it ([`checkpoint`]), not in its commits.
//! On PostgreSQL, each stage's nonce is claimed in the same transaction, so a
//! stage replayed to another instance is refused there.

use super::sql::{p, unique_violation, Conn};
use super::{checkpoint, pg, sqlite, Result, StoreError, Target};
use std::sync::mpsc;
use tokio::sync::oneshot;

/// One stage to make durable.
#[derive(Clone)]
pub struct NewStage {
    pub raz_id: String,
    pub consumer_id: i64,
    pub org_account_id: i64,
    pub user_account_id: Option<i64>,
    /// Sealed with the database's key file ([`super::Store::seal_record`]).
    /// Shared: a retry after an ID collision sends the same bytes again.
    pub her: std::sync::Arc<[u8]>,
    pub her_kind: &'static str,
    pub pmt: Option<String>,
    pub created: i64,
    pub expires: i64,
    /// The request's nonce, kept so that a restart does not forget it.
    pub nonce: Option<(String, i64)>,
    /// `razcode_idempotency_key`, when the client sent one.
    pub idem_key: Option<String>,
    /// What the key stands for: a hash of practice, `her`, `user` and `pmt`.
    pub request_hash: String,
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
    pub fn start(target: &Target) -> Result<StageWriter> {
        let mut conn = WriterConn::open(target)?;
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

/// The writer's own connection.
enum WriterConn {
    Sqlite {
        conn: rusqlite::Connection,
        checkpoints: checkpoint::Nudge,
    },
    Postgres {
        client: postgres::Client,
        url: String,
    },
}

impl WriterConn {
    fn open(target: &Target) -> Result<WriterConn> {
        Ok(match target {
            Target::Sqlite(path) => {
                let conn = sqlite::connect(path)?;
                let checkpoints = checkpoint::start(path, &conn)?;
                WriterConn::Sqlite { conn, checkpoints }
            }
            Target::Postgres(url) => WriterConn::Postgres {
                client: pg::connect(url)?,
                url: url.clone(),
            },
        })
    }

    fn write(&mut self, group: Vec<Job>) {
        let outcome = match self {
            WriterConn::Sqlite { conn, .. } => write_group(&mut Conn::Sqlite(conn), &group),
            WriterConn::Postgres { client, url } => {
                if client.is_closed() {
                    match pg::connect(url) {
                        Ok(c) => *client = c,
                        Err(e) => tracing::error!(error = %e, "cannot reconnect the stage writer"),
                    }
                }
                write_group(&mut Conn::Postgres(client), &group)
            }
        };
        match outcome {
            Ok(results) => {
                for ((_, done), r) in group.into_iter().zip(results) {
                    let _ = done.send(r);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, stages = group.len(), "stage commit failed");
                let what = e.to_string();
                for (_, done) in group {
                    let _ = done.send(Err(WriteError::Store(StoreError::TaskFailed(what.clone()))));
                }
            }
        }
        if let WriterConn::Sqlite { checkpoints, .. } = self {
            checkpoints.commit_done();
        }
    }
}

type Outcome = std::result::Result<Written, WriteError>;

/// Writes a group in one transaction. On PostgreSQL a failed statement ends
/// the transaction, so each stage has a savepoint to roll back to.
fn write_group(c: &mut Conn, group: &[Job]) -> Result<Vec<Outcome>> {
    let pg = c.is_postgres();
    c.transaction(|tx| {
        let mut results = Vec::with_capacity(group.len());
        for (s, _) in group {
            if pg {
                tx.batch("SAVEPOINT stage")?;
            }
            let r = write_one(tx, s, pg);
            if pg {
                tx.batch(if r.is_ok() {
                    "RELEASE SAVEPOINT stage"
                } else {
                    "ROLLBACK TO SAVEPOINT stage"
                })?;
            }
            results.push(match r {
                Ok(w) => w,
                Err(e) => match unique_violation(&e) {
                    // Another instance committed the same key meanwhile.
                    Some(which) if which.contains("idem") => match existing(tx, s)? {
                        Some(w) => w,
                        None => return Err(e),
                    },
                    Some(_) => Err(WriteError::DuplicateId),
                    None => return Err(e),
                },
            });
        }
        Ok(results)
    })
}

fn write_one(tx: &mut Conn, s: &NewStage, claim_nonce: bool) -> Result<Outcome> {
    if let Some(found) = existing(tx, s)? {
        return Ok(found);
    }
    if let (true, Some((key, ts))) = (claim_nonce, &s.nonce) {
        let claimed = tx.execute(
            "INSERT INTO nonces(key, timestamp) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
            p![key, ts],
        )?;
        if claimed == 0 {
            return Ok(Ok(Written::NonceReused));
        }
    }
    tx.execute(
        "INSERT INTO stages(raz_id, consumer_id, org_account_id, user_account_id, her, her_kind, pmt, created, expires, idem_key, nonce, nonce_ts, request_hash, her_sealed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1)",
        p![
            s.raz_id,
            s.consumer_id,
            s.org_account_id,
            s.user_account_id,
            &s.her[..],
            s.her_kind,
            s.pmt,
            s.created,
            s.expires,
            s.idem_key,
            s.nonce.as_ref().map(|(key, _)| key),
            s.nonce.as_ref().map(|(_, ts)| *ts),
            s.request_hash,
        ],
    )?;
    Ok(Ok(Written::New))
}

/// The code an idempotency key already has, or its conflict.
fn existing(tx: &mut Conn, s: &NewStage) -> Result<Option<Outcome>> {
    let Some(key) = &s.idem_key else {
        return Ok(None);
    };
    let Some(r) = tx.query_opt(
        "SELECT raz_id, pmt IS NOT NULL, request_hash FROM stages WHERE consumer_id = ?1 AND idem_key = ?2",
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
