//! SQLite: a database file beside its key file, WAL, `synchronous=FULL`,
//! migrations by `user_version`, and the sealing of what earlier gateways
//! kept in clear.

use super::{Result, StoreError, SECRET_TABLES};
use razcode_vault::Vault;
use rusqlite::{params, Connection};
use std::path::{Path, PathBuf};

/// Opens (creating when missing) and migrates the database at `path`.
pub fn open(path: &Path, vault: &Vault) -> Result<Connection> {
    owner_only(path)?;
    let mut conn = connect(path)?;
    migrate(&mut conn, path)?;
    seal_plain_secrets(&mut conn, vault)?;
    seal_plain_records(&mut conn, vault)?;
    Ok(conn)
}

const MIGRATIONS: &[&str] = &[
    include_str!("sqlite_schema/schema.sql"),
    include_str!("sqlite_schema/schema2.sql"),
    include_str!("sqlite_schema/schema3.sql"),
    include_str!("sqlite_schema/schema4.sql"),
    include_str!("sqlite_schema/schema5.sql"),
    include_str!("sqlite_schema/schema6.sql"),
    include_str!("sqlite_schema/schema7.sql"),
];

/// Opens a connection with the settings every connection of the gateway uses.
pub fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(StoreError::TooNew {
            path: path.display().to_string(),
            found: version,
            known,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

/// Seals the secrets that earlier gateways kept as text (sealed ones are
/// blobs), in one transaction.
fn seal_plain_secrets(conn: &mut Connection, vault: &Vault) -> Result<()> {
    let tx = conn.transaction()?;
    for table in SECRET_TABLES {
        let plain: Vec<(i64, String)> = tx
            .prepare(&format!(
                "SELECT rowid, secret FROM {table} WHERE typeof(secret) = 'text'"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut update = tx.prepare(&format!("UPDATE {table} SET secret = ?2 WHERE rowid = ?1"))?;
        for (rowid, secret) in plain {
            update.execute(params![rowid, vault.seal(&secret)?])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Seals the records that earlier gateways kept in clear, in one transaction.
fn seal_plain_records(conn: &mut Connection, vault: &Vault) -> Result<()> {
    let tx = conn.transaction()?;
    let plain: Vec<(String, Vec<u8>)> = tx
        .prepare("SELECT raz_id, her FROM stages WHERE her_sealed = 0 AND length(her) > 0")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = tx.prepare("UPDATE stages SET her = ?2, her_sealed = 1 WHERE raz_id = ?1")?;
    for (raz_id, her) in plain {
        update.execute(params![raz_id, vault.seal(&String::from_utf8_lossy(&her))?])?;
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
        if !path.exists() {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .map_err(|e| StoreError::Io {
                    path: path.display().to_string(),
                    source: e,
                })?;
        }
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let file = PathBuf::from(name);
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
