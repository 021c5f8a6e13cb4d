//! The desk's SQLite database: settings, sealed secrets, patients and
//! encounters (encounters.rs), stagings (stagings.rs; the outbox is the
//! pending ones), deliveries, and an audit log.

use razcode_migrate::{MigrateError, Migration, Probe};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the desk's database failed: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("the database was written by a newer razdesk (schema {0}); update razdesk")]
    TooNew(i64),
}

impl From<MigrateError> for StoreError {
    fn from(e: MigrateError) -> StoreError {
        match e {
            MigrateError::Sql(e) => StoreError::Sql(e),
            MigrateError::TooNew { found, .. } => StoreError::TooNew(found),
        }
    }
}

mod codes;
mod deliveries;
mod encounters;
mod languages;
mod reserved;
mod stagings;
mod status;

pub use deliveries::{Delivery, NewDelivery};
pub use encounters::{Encounter, NewEncounter, Patient};
pub use reserved::{NewReserved, SealedReserved, Taken};
use stagings::{staging_row, STAGING_COLS};
pub use stagings::{Pending, SealedLink, StagedCode, Staging};
pub use status::{DeliveryStatus, StagingStatus};

/// The desk's schema, step by step, each with what shows it was applied (a
/// database an earlier release left with too old a version is mended by it).
const MIGRATIONS: &[Migration] = &[
    step(include_str!("schema.sql"), Probe::Table("stagings")),
    step(
        include_str!("schema2.sql"),
        Probe::Column("stagings", "receipts"),
    ),
    step(
        include_str!("schema3.sql"),
        Probe::TableSqlContains("deliveries", "'file'"),
    ),
    step(
        include_str!("schema4.sql"),
        Probe::Column("stagings", "state"),
    ),
    step(
        include_str!("schema5.sql"),
        Probe::Column("stagings", "pay_online"),
    ),
    step(
        include_str!("schema6.sql"),
        Probe::Index("stagings_by_encounter"),
    ),
    step(
        include_str!("schema7.sql"),
        Probe::Column("stagings", "shl_mode"),
    ),
    step(
        include_str!("schema8.sql"),
        Probe::Column("stagings", "language"),
    ),
    step(include_str!("schema9.sql"), Probe::Table("reserved_codes")),
    step(
        include_str!("schema10.sql"),
        Probe::Column("reserved_codes", "shl_url_sealed"),
    ),
    step(
        include_str!("schema11.sql"),
        Probe::Column("stagings", "access_count"),
    ),
    step(
        include_str!("schema12.sql"),
        Probe::Column("stagings", "large_print"),
    ),
];

const fn step(sql: &'static str, applied: Probe) -> Migration {
    Migration { sql, applied }
}

pub struct Store {
    conn: Connection,
}

impl Store {
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_at(path, MIGRATIONS.len())
    }

    /// Opens the database at an older schema version: for tests of upgrades.
    #[doc(hidden)]
    pub fn open_at(path: &Path, version: usize) -> Result<Store> {
        let mut conn = razcode_migrate::connect(path)?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        razcode_migrate::migrate_to(&mut conn, MIGRATIONS, version)?;
        Ok(Store { conn })
    }

    pub fn setting(&self, name: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn set_setting(&self, name: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings(name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            params![name, value],
        )?;
        Ok(())
    }

    pub fn sealed(&self, name: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row(
                "SELECT sealed FROM secrets WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn set_sealed(&self, name: &str, sealed: &[u8]) -> Result<()> {
        self.conn.execute(
            "INSERT INTO secrets(name, sealed) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET sealed = excluded.sealed",
            params![name, sealed],
        )?;
        Ok(())
    }

    /// Runs `rebind` (column, row key, sealed value → the value to write
    /// instead, if any) over every sealed value, once: the first process to
    /// set the `sealed_bound` mark does it, in the same transaction.
    pub fn rebind_sealed<E: From<StoreError>>(
        &self,
        rebind: impl Fn(&str, &str, &[u8]) -> std::result::Result<Option<Vec<u8>>, E>,
    ) -> std::result::Result<(), E> {
        let sql = |e: rusqlite::Error| E::from(StoreError::Sql(e));
        let tx = self.conn.unchecked_transaction().map_err(sql)?;
        let marked = tx.execute(
            "INSERT INTO settings(name, value) VALUES ('sealed_bound', '1') ON CONFLICT(name) DO NOTHING",
            [],
        ).map_err(sql)?;
        if marked == 0 {
            return Ok(());
        }
        let secrets: Vec<(String, Vec<u8>)> = tx
            .prepare("SELECT name, sealed FROM secrets")
            .and_then(|mut q| q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .map_err(sql)?;
        for (name, sealed) in secrets {
            if let Some(bound) = rebind(crate::secret::SECRET, &name, &sealed)? {
                tx.execute(
                    "UPDATE secrets SET sealed = ?2 WHERE name = ?1",
                    params![name, bound],
                )
                .map_err(sql)?;
            }
        }
        for (place, column) in [
            (crate::secret::SHL, "shl_sealed"),
            (crate::secret::SHL_PASSCODE, "shl_passcode_sealed"),
        ] {
            let links: Vec<(i64, Vec<u8>)> = tx
                .prepare(&format!(
                    "SELECT id, {column} FROM stagings WHERE {column} IS NOT NULL"
                ))
                .and_then(|mut q| q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
                .map_err(sql)?;
            for (id, sealed) in links {
                if let Some(bound) = rebind(place, &id.to_string(), &sealed)? {
                    tx.execute(
                        &format!("UPDATE stagings SET {column} = ?2 WHERE id = ?1"),
                        params![id, bound],
                    )
                    .map_err(sql)?;
                }
            }
        }
        tx.commit().map_err(sql)?;
        Ok(())
    }

    pub fn audit(&self, at: i64, action: &str, detail: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO audit(at, action, detail) VALUES (?1, ?2, ?3)",
            params![at, action, detail],
        )?;
        Ok(())
    }

    pub fn audit_log(&self, limit: i64) -> Result<Vec<(i64, String, String)>> {
        let mut st = self
            .conn
            .prepare("SELECT at, action, detail FROM audit ORDER BY id DESC LIMIT ?1")?;
        let rows = st.query_map(params![limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Writes whose loss in a power cut costs nothing that matters (an
    /// attempt count, an audit line, the clock offset): committed without
    /// waiting for the disk (WAL with synchronous=NORMAL); they reach it with
    /// the next durable commit or checkpoint. Everything else stays FULL.
    pub fn relaxed<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        let out = f(self);
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        out
    }

    /// Several writes as one durable commit (one fsync instead of one each).
    pub fn together<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        let tx = self.conn.unchecked_transaction()?;
        let out = f(self)?;
        tx.commit()?;
        Ok(out)
    }
}
