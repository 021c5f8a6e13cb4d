//! SQLite: a database file beside its key file, WAL, `synchronous=FULL`,
//! migrations by `user_version`, and the sealing of what earlier gateways
//! kept in clear.

use super::sql::{DbError, Dialect, Engine, Param, Row, Sql, Value};
use super::{Result, StoreError, SECRET_TABLES};
use razcode_migrate::{Migration, Probe};
use razcode_vault::{Place, Vault};
use rusqlite::{params, Connection};
use std::path::Path;

/// Opens (creating when missing) and migrates the database at `path`.
pub fn open(path: &Path, vault: &Vault) -> Result<Connection> {
    owner_only(path)?;
    let mut conn = connect(path)?;
    migrate(&mut conn, path)?;
    seal_plain_secrets(&mut conn, vault)?;
    seal_plain_records(&mut conn, vault)?;
    Ok(conn)
}

/// The gateway's schema, step by step, each with what shows it was applied (a
/// database an earlier release left with too old a version is mended by it).
const MIGRATIONS: &[Migration] = &[
    step(
        include_str!("sqlite_schema/schema.sql"),
        Probe::Table("stages"),
    ),
    step(
        include_str!("sqlite_schema/schema2.sql"),
        Probe::Column("stages", "idem_key"),
    ),
    step(
        include_str!("sqlite_schema/schema3.sql"),
        Probe::Column("stages", "nonce"),
    ),
    step(
        include_str!("sqlite_schema/schema4.sql"),
        Probe::Column("stages", "voided_at"),
    ),
    step(
        include_str!("sqlite_schema/schema5.sql"),
        Probe::Table("payment_notices"),
    ),
    step(
        include_str!("sqlite_schema/schema6.sql"),
        Probe::Column("stages", "her_sealed"),
    ),
    step(
        include_str!("sqlite_schema/schema7.sql"),
        Probe::Table("shl_links"),
    ),
    step(
        include_str!("sqlite_schema/schema8.sql"),
        Probe::Column("payment_notices", "org_account_id"),
    ),
    step(
        include_str!("sqlite_schema/schema9.sql"),
        Probe::Table("login_locks"),
    ),
    step(
        include_str!("sqlite_schema/schema10.sql"),
        Probe::Column("accounts", "name_sealed"),
    ),
    step(
        include_str!("sqlite_schema/schema11.sql"),
        Probe::Column("accounts", "email_sealed"),
    ),
    step(
        include_str!("sqlite_schema/schema12.sql"),
        Probe::Table("reserved_ids"),
    ),
    step(
        include_str!("sqlite_schema/schema13.sql"),
        Probe::Table("audit_log"),
    ),
    step(
        include_str!("sqlite_schema/schema14.sql"),
        Probe::Table("reissue_requests"),
    ),
];

const fn step(sql: &'static str, applied: Probe) -> Migration {
    Migration { sql, applied }
}

/// Opens a connection with the settings every connection of the gateway uses.
pub fn connect(path: &Path) -> Result<Connection> {
    let conn = razcode_migrate::connect(path)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // A value changed or removed is overwritten on its page, not left there.
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

/// Migrates to the newest schema (or to `version`, for tests of upgrades).
pub(crate) fn migrate_to(conn: &mut Connection, path: &Path, version: usize) -> Result<()> {
    razcode_migrate::migrate_to(conn, MIGRATIONS, version).map_err(|e| match e {
        razcode_migrate::MigrateError::Sql(e) => e.into(),
        razcode_migrate::MigrateError::TooNew { found, known } => StoreError::TooNew {
            path: path.display().to_string(),
            found,
            known,
        },
    })?;
    Ok(())
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    migrate_to(conn, path, MIGRATIONS.len())
}

/// Seals the secrets that earlier gateways kept as text (sealed ones are
/// blobs), in one transaction.
fn seal_plain_secrets(conn: &mut Connection, vault: &Vault) -> Result<()> {
    // Immediate: another process sealing the same rows waits instead of
    // failing on a snapshot the first one changed.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for (table, key, place) in SECRET_TABLES {
        let plain: Vec<(i64, String, String)> = tx
            .prepare(&format!(
                "SELECT rowid, {key}, secret FROM {table} WHERE typeof(secret) = 'text'"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut update = tx.prepare(&format!("UPDATE {table} SET secret = ?2 WHERE rowid = ?1"))?;
        for (rowid, row, secret) in plain {
            update.execute(params![
                rowid,
                vault.seal_at(Place::new(place, &row), &secret)?
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Seals the records that earlier gateways kept in clear, in one transaction.
fn seal_plain_records(conn: &mut Connection, vault: &Vault) -> Result<()> {
    // Immediate: another process sealing the same rows waits instead of
    // failing on a snapshot the first one changed.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let plain: Vec<(String, Vec<u8>)> = tx
        .prepare("SELECT raz_id, her FROM stages WHERE her_sealed = 0 AND length(her) > 0")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = tx.prepare("UPDATE stages SET her = ?2, her_sealed = 1 WHERE raz_id = ?1")?;
    for (raz_id, her) in plain {
        let place = Place::new(super::places::HER, &raz_id);
        update.execute(params![
            raz_id,
            vault.seal_at(place, &String::from_utf8_lossy(&her))?
        ])?;
    }
    drop(update);
    tx.commit()?;
    Ok(())
}

/// The database and its WAL and shared-memory files are the gateway's user's
/// alone (mode 0600); SQLite gives the WAL the database file's mode.
fn owner_only(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        // Created here only when missing: opening and closing another handle
        // on a database this process has open would drop SQLite's POSIX locks.
        // Another process creating it at the same moment is no error.
        if !path.exists() {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
            {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => {
                    return Err(StoreError::Io {
                        path: path.display().to_string(),
                        source: e,
                    })
                }
            }
        }
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let file = std::path::PathBuf::from(name);
            if file.exists() {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).map_err(
                    |e| StoreError::Io {
                        path: file.display().to_string(),
                        source: e,
                    },
                )?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// SQLite as the store's engine: one connection to the file. Every statement
/// goes through rusqlite's per-connection cache of prepared statements.
pub struct SqliteEngine(pub Connection);

impl Engine for SqliteEngine {
    fn execute(&mut self, sql: Sql<'_>, params: &[Param]) -> Result<usize> {
        let mut st = self.0.prepare_cached(sql.text())?;
        Ok(st.execute(rusqlite::params_from_iter(params.iter()))?)
    }

    fn query(&mut self, sql: Sql<'_>, params: &[Param]) -> Result<Vec<Row>> {
        let mut st = self.0.prepare_cached(sql.text())?;
        let n = st.column_count();
        let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let mut values = Vec::with_capacity(n);
            for i in 0..n {
                values.push(sqlite_value(r.get_ref(i)?));
            }
            out.push(Row(values));
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.0.execute_batch(sql)?)
    }

    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        let unique = match &e {
            rusqlite::Error::SqliteFailure(f, msg)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Some(msg.clone().unwrap_or_default())
            }
            _ => None,
        };
        StoreError::Database(DbError {
            dialect: Dialect::Sqlite,
            unique,
            message: e.to_string(),
        })
    }
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match *self {
            Param::Null => ValueRef::Null,
            Param::Int(i) => ValueRef::Integer(i),
            Param::Text(s) => ValueRef::Text(s.as_bytes()),
            Param::Blob(b) => ValueRef::Blob(b),
        }))
    }
}
fn sqlite_value(v: rusqlite::types::ValueRef) -> Value {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        // No column of ours holds a real; kept readable all the same.
        ValueRef::Real(f) => Value::Text(f.to_string()),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}
