//! SQLite schema migrations that any number of processes can run at once.
//!
//! The version (`user_version`) is read and written inside one
//! `BEGIN IMMEDIATE` transaction, so a second process opening the same
//! database waits for the first and then finds nothing left to do, instead of
//! migrating again and writing an older version back. A database that an
//! earlier release left with a version older than its schema (the race this
//! fixes) opens again: each migration names a probe that tells whether its
//! change is already there, and the newest one present counts as applied.

use rusqlite::{Connection, TransactionBehavior};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("{0}")]
    Sql(#[from] rusqlite::Error),
    /// The database was written by a newer release.
    #[error("the database is at schema {found}; this release knows {known}")]
    TooNew { found: i64, known: i64 },
}

/// How to tell, from the schema alone, that a migration was applied.
#[derive(Debug, Clone, Copy)]
pub enum Probe {
    /// A table (or view) of this name exists.
    Table(&'static str),
    /// The table has a column of this name.
    Column(&'static str, &'static str),
    /// An index of this name exists.
    Index(&'static str),
    /// The table's `CREATE` statement contains this text (a changed constraint).
    TableSqlContains(&'static str, &'static str),
}

/// One step of a schema: its statements and the probe for its change.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub sql: &'static str,
    pub applied: Probe,
}

/// How long a connection waits for another process's lock before it fails.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens a connection in WAL mode with the busy timeout set first, so that
/// switching the journal mode waits for another opener instead of failing.
pub fn connect(path: &std::path::Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    wal(&conn)?;
    Ok(conn)
}

/// `journal_mode=WAL`, retried while another connection holds the lock that
/// the switch needs (SQLite answers BUSY here without calling the busy
/// handler when the other connection is itself opening the file).
fn wal(conn: &Connection) -> rusqlite::Result<()> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0)) {
            Ok(_) => return Ok(()),
            Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(e),
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Brings the database to the newest schema of `migrations` and returns the
/// version it now has (`migrations.len()`).
pub fn migrate(conn: &mut Connection, migrations: &[Migration]) -> Result<i64, MigrateError> {
    migrate_to(conn, migrations, migrations.len())
}

/// Brings the database to version `target` (at most `migrations.len()`):
/// [`migrate`] for the newest, and older ones for tests of upgrades.
pub fn migrate_to(
    conn: &mut Connection,
    migrations: &[Migration],
    target: usize,
) -> Result<i64, MigrateError> {
    let known = migrations.len() as i64;
    let target = target.min(migrations.len());
    // Most opens find the database current: answer without taking the
    // write lock, which would make every opener wait for every other one.
    let seen = version(conn)?;
    if seen > known {
        return Err(MigrateError::TooNew { found: seen, known });
    }
    if seen >= target as i64 && applied(conn, migrations)? <= seen {
        return Ok(seen);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let written = version(&tx)?;
    if written > known {
        return Err(MigrateError::TooNew {
            found: written,
            known,
        });
    }
    let from = written.max(applied(&tx, migrations)?);
    for m in migrations.iter().take(target).skip(from as usize) {
        tx.execute_batch(m.sql)?;
    }
    let now = from.max(target as i64);
    tx.pragma_update(None, "user_version", now)?;
    tx.commit()?;
    Ok(now)
}

/// A database's schema as comparable data: its version, and every object's
/// type, name and SQL in order (two databases migrated alike compare equal).
pub type Snapshot = (i64, Vec<(String, String, Option<String>)>);

pub fn snapshot(conn: &Connection) -> rusqlite::Result<Snapshot> {
    let mut st = conn.prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name")?;
    let objects = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok((version(conn)?, objects))
}

fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// The newest migration whose change the schema already has (0 for none).
/// Migrations are applied in order, each in one transaction, so every older
/// one is there too.
pub fn applied(conn: &Connection, migrations: &[Migration]) -> rusqlite::Result<i64> {
    for (i, m) in migrations.iter().enumerate().rev() {
        if present(conn, m.applied)? {
            return Ok(i as i64 + 1);
        }
    }
    Ok(0)
}

fn present(conn: &Connection, probe: Probe) -> rusqlite::Result<bool> {
    let object = |kind: &str, name: &str| {
        conn.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = ?1 AND name = ?2",
            [kind, name],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)
    };
    match probe {
        Probe::Table(t) => Ok(object("table", t)? || object("view", t)?),
        Probe::Index(i) => object("index", i),
        Probe::Column(t, c) => conn
            .query_row(
                "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2",
                [t, c],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0),
        Probe::TableSqlContains(t, text) => conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1 AND instr(sql, ?2) > 0",
                [t, text],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEPS: &[Migration] = &[
        Migration {
            sql: "CREATE TABLE a (x INTEGER);",
            applied: Probe::Table("a"),
        },
        Migration {
            sql: "ALTER TABLE a ADD COLUMN y TEXT;",
            applied: Probe::Column("a", "y"),
        },
        Migration {
            sql: "CREATE INDEX a_by_y ON a(y);",
            applied: Probe::Index("a_by_y"),
        },
        Migration {
            sql: "CREATE TABLE b (z TEXT CHECK (z IN ('p', 'q')));",
            applied: Probe::TableSqlContains("b", "'q'"),
        },
    ];

    fn db() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = connect(&dir.path().join("t.db")).unwrap();
        (dir, conn)
    }

    #[test]
    fn a_new_database_gets_every_step() {
        let (_d, mut conn) = db();
        assert_eq!(migrate(&mut conn, STEPS).unwrap(), 4);
        assert_eq!(version(&conn).unwrap(), 4);
        assert_eq!(applied(&conn, STEPS).unwrap(), 4);
        let (v, objects) = snapshot(&conn).unwrap();
        assert_eq!((v, objects.len()), (4, 3), "{objects:?}");
        // Again: nothing to do, nothing fails.
        assert_eq!(migrate(&mut conn, STEPS).unwrap(), 4);
    }

    #[test]
    fn an_older_database_gets_the_rest() {
        let (_d, mut conn) = db();
        assert_eq!(migrate_to(&mut conn, STEPS, 2).unwrap(), 2);
        assert_eq!(applied(&conn, STEPS).unwrap(), 2);
        assert_eq!(migrate(&mut conn, STEPS).unwrap(), 4);
    }

    #[test]
    fn a_version_written_back_older_than_the_schema_is_mended() {
        let (_d, mut conn) = db();
        migrate(&mut conn, STEPS).unwrap();
        // What the race left: the schema of step 4 with version 1.
        conn.pragma_update(None, "user_version", 1).unwrap();
        assert_eq!(migrate(&mut conn, STEPS).unwrap(), 4);
        assert_eq!(version(&conn).unwrap(), 4);
    }

    #[test]
    fn a_newer_database_is_refused() {
        let (_d, mut conn) = db();
        conn.pragma_update(None, "user_version", 9).unwrap();
        match migrate(&mut conn, STEPS) {
            Err(MigrateError::TooNew { found: 9, known: 4 }) => {}
            other => panic!("expected TooNew, got {other:?}"),
        }
    }
}
