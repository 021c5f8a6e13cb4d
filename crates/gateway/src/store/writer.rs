//! Group commit for stages: one thread owns a connection, takes every stage that
//! is waiting, writes them in one transaction and answers each after the commit.
//! Checkpoints happen beside it ([`checkpoint`]), not in its commits.

use super::{checkpoint, connect, Result, StoreError};
use rusqlite::{params, OptionalExtension};
use std::path::Path;
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
    pub fn start(path: &Path) -> Result<StageWriter> {
        let mut conn = connect(path)?;
        let checkpoints = checkpoint::start(path, &conn)?;
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
                    write_group(&mut conn, group);
                    checkpoints.commit_done();
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

fn write_group(conn: &mut rusqlite::Connection, group: Vec<Job>) {
    let outcome = (|| -> rusqlite::Result<Vec<std::result::Result<Written, WriteError>>> {
        let tx = conn.transaction()?;
        let mut results = Vec::with_capacity(group.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO stages(raz_id, consumer_id, org_account_id, user_account_id, her, her_kind, pmt, created, expires, idem_key, nonce, nonce_ts, request_hash, her_sealed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1)",
            )?;
            let mut existing = tx.prepare_cached(
                "SELECT raz_id, pmt IS NOT NULL, request_hash FROM stages WHERE consumer_id = ?1 AND idem_key = ?2",
            )?;
            for (s, _) in &group {
                if let Some(key) = &s.idem_key {
                    let found = existing
                        .query_row(params![s.consumer_id, key], |r| {
                            Ok((
                                r.get::<_, String>(0)?,
                                r.get::<_, bool>(1)?,
                                r.get::<_, Option<String>>(2)?,
                            ))
                        })
                        .optional()?;
                    if let Some((raz_id, pmt_valid, hash)) = found {
                        // Stages from before schema 4 have no hash: their repeats
                        // are answered as they always were.
                        let same = hash.is_none_or(|h| h == s.request_hash);
                        results.push(Ok(if same {
                            Written::Existing { raz_id, pmt_valid }
                        } else {
                            Written::Conflict
                        }));
                        continue;
                    }
                }
                let r = insert.execute(params![
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
                    s.nonce.as_ref().map(|(_, ts)| ts),
                    s.request_hash,
                ]);
                results.push(match r {
                    Ok(_) => Ok(Written::New),
                    Err(rusqlite::Error::SqliteFailure(e, _))
                        if e.code == rusqlite::ErrorCode::ConstraintViolation =>
                    {
                        Err(WriteError::DuplicateId)
                    }
                    Err(e) => return Err(e),
                });
            }
        }
        tx.commit()?;
        Ok(results)
    })();
    match outcome {
        Ok(results) => {
            for ((_, done), r) in group.into_iter().zip(results) {
                let _ = done.send(r);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, stages = group.len(), "stage commit failed");
            for (_, done) in group {
                let _ = done.send(Err(WriteError::Store(StoreError::Sql(
                    rusqlite::Error::InvalidQuery,
                ))));
            }
        }
    }
}
