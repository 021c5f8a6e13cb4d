//! WAL checkpoints off the stage writer's path.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its
//! threshold, so one group of stages in every few waited for about 4 MiB to be
//! copied into the database and synced. Here a thread of its own copies pages
//! while the writer goes on committing (a passive checkpoint), a few
//! milliseconds apart. When one has caught up, the writer's next group writes
//! the log from its start again, so the log keeps overwriting the same blocks
//! instead of growing (a sync that extends a file costs several times more
//! than one that does not). Should the log still pass 1000 pages, a restart
//! checkpoint waits for the writer between two groups and makes it start over.

use super::sqlite::connect;
use super::{Result, StoreError};
use rusqlite::Connection;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::time::Duration;

/// Log length (pages) past which the log is restarted: SQLite's own default.
const RESTART_AT_PAGES: i64 = 1000;
/// Pause between two checkpoints while stages keep coming.
const PACE: Duration = Duration::from_millis(5);
/// With no commits, a checkpoint at least this often.
const IDLE: Duration = Duration::from_secs(30);

/// Wakes the checkpoint thread after a commit; cheap and never blocks.
#[derive(Clone)]
pub struct Nudge(SyncSender<()>);

impl Nudge {
    pub fn commit_done(&self) {
        // Full means a wake-up is already pending; that one will do.
        if let Err(TrySendError::Disconnected(())) = self.0.try_send(()) {
            tracing::warn!("the checkpoint thread has stopped");
        }
    }
}

/// Starts the checkpoint thread for the database at `path`; it ends when every
/// [`Nudge`] is dropped. `conn` is the writer's connection, whose automatic
/// checkpoints are turned off.
pub fn start(path: &Path, writer: &Connection) -> Result<Nudge> {
    writer.pragma_update(None, "wal_autocheckpoint", 0)?;
    let conn = connect(path)?;
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("wal-checkpoint".into())
        .spawn(move || run(&conn, &rx))
        .map_err(|source| StoreError::Thread {
            what: "checkpoint",
            source,
        })?;
    Ok(Nudge(tx))
}

fn run(conn: &Connection, wake: &Receiver<()>) {
    while let Ok(()) | Err(RecvTimeoutError::Timeout) = wake.recv_timeout(IDLE) {
        if let Err(e) = checkpoint(conn) {
            tracing::warn!(error = %e, "checkpoint failed; the log stays longer until the next one");
        }
        std::thread::sleep(PACE);
    }
    // The writer has stopped: leave the database whole and the log empty.
    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())) {
        tracing::warn!(error = %e, "final checkpoint failed");
    }
}

/// One passive pass, then a restart when the log has grown long. Returns the
/// log length the passive pass saw.
fn checkpoint(conn: &Connection) -> rusqlite::Result<i64> {
    let log_pages: i64 = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))?;
    if log_pages >= RESTART_AT_PAGES {
        conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()))?;
    }
    Ok(log_pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wal_len(path: &Path) -> u64 {
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        std::fs::metadata(wal).map(|m| m.len()).unwrap_or(0)
    }

    /// Commits on the writer's connection never checkpoint; the thread does,
    /// and a long log is restarted rather than left to grow.
    #[test]
    fn the_thread_checkpoints_and_restarts_a_long_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let writer = connect(&path).unwrap();
        writer.execute_batch("CREATE TABLE t(x BLOB)").unwrap();
        let nudge = start(&path, &writer).unwrap();
        let page = vec![7u8; 4000];
        // About 1,200 pages, with the thread kept from running meanwhile: the
        // writer's own commits leave every page in the log.
        let reader = connect(&path).unwrap();
        for _ in 0..1200 {
            writer
                .execute("INSERT INTO t VALUES (?1)", [&page])
                .unwrap();
        }
        let grown = wal_len(&path);
        assert!(grown > 1200 * 4096, "log of {grown} bytes");
        let pages_in_log = checkpoint(&reader).unwrap();
        assert!(pages_in_log >= 1200, "{pages_in_log}");
        // After the restart the next commit writes the log from its start.
        writer
            .execute("INSERT INTO t VALUES (?1)", [&page])
            .unwrap();
        let after: i64 = reader
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
            .unwrap();
        assert!(after < 10, "the log was not restarted: {after} pages");
        // The nudged thread keeps up on its own too.
        for _ in 0..50 {
            writer
                .execute("INSERT INTO t VALUES (?1)", [&page])
                .unwrap();
            nudge.commit_done();
        }
        assert_eq!(
            wal_len(&path),
            grown,
            "the log file is reused, not extended"
        );
        let rows: i64 = reader
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1251);
    }
}
