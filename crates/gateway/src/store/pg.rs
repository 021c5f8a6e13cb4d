//! PostgreSQL: one database shared by every gateway instance. Commits wait
//! for the server's durable flush (`synchronous_commit = on`, also with a
//! server configured otherwise), migrations run under an advisory lock so that
//! instances starting together migrate once, and the schema version is a
//! table of its own.

use super::sql::{pg_sql, DbError, Dialect, Engine, Param, Row, Sql, Value};
use super::{Result, StoreError};
use postgres::types::{IsNull, ToSql as PgToSql, Type};
use postgres::{Client, NoTls, Statement};
use std::collections::HashMap;

/// A connection and its prepared statements: each statement is parsed by the
/// server once per connection, not once per call (a round trip saved each time).
pub struct PgConn {
    pub client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl PgConn {
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// The prepared form of one of the store's statements (`?N` as `$N`).
    pub fn statement(&mut self, sql: &'static str) -> Result<Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(&pg_sql(sql))?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }
}

const MIGRATIONS: &[&str] = &[
    include_str!("pg_schema/schema1.sql"),
    include_str!("pg_schema/schema2.sql"),
    include_str!("pg_schema/schema3.sql"),
    include_str!("pg_schema/schema4.sql"),
    include_str!("pg_schema/schema5.sql"),
    include_str!("pg_schema/schema6.sql"),
    include_str!("pg_schema/schema7.sql"),
    include_str!("pg_schema/schema8.sql"),
];

/// Any number, the same for every instance: the lock migrations hold.
const MIGRATION_LOCK: i64 = 0x0052_415a_434f_4445;

/// A connection with the settings every connection of the gateway uses.
pub fn connect(url: &str) -> Result<Box<PgConn>> {
    let mut config: postgres::Config = url.parse()?;
    config.application_name("razcode-gateway");
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(std::time::Duration::from_secs(10));
    }
    // Database TLS is not built in yet: the URL's sslmode=require would be
    // refused by `NoTls`, so such a URL fails to connect rather than travel
    // in clear (see the README's deployment section).
    let mut client = config.connect(NoTls)?;
    client.batch_execute("SET synchronous_commit = on; SET lock_timeout = '10s'")?;
    Ok(Box::new(PgConn {
        client,
        statements: HashMap::new(),
    }))
}

/// Connects and migrates.
pub fn open(url: &str) -> Result<Box<PgConn>> {
    let mut conn = connect(url)?;
    migrate(&mut conn.client, url)?;
    Ok(conn)
}

fn migrate(client: &mut Client, url: &str) -> Result<()> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS razcode_schema (version BIGINT NOT NULL)")?;
    let version: i64 = match tx.query_opt("SELECT version FROM razcode_schema", &[])? {
        Some(r) => r.get(0),
        None => {
            tx.execute("INSERT INTO razcode_schema(version) VALUES (0)", &[])?;
            0
        }
    };
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(StoreError::TooNew {
            path: super::Target::Postgres(url.into()).display(),
            found: version,
            known,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.batch_execute(sql)?;
        tx.execute("UPDATE razcode_schema SET version = $1", &[&(i as i64 + 1)])?;
    }
    tx.commit()?;
    Ok(())
}

/// An error as a person can act on it: the server's own message when it
/// sent one, else the client's (cannot connect, closed, ...).
pub fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => format!("{} ({})", d.message(), d.code().code()),
        None => {
            let mut s = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(inner) = source {
                s.push_str(": ");
                s.push_str(&inner.to_string());
                source = inner.source();
            }
            s
        }
    }
}

/// PostgreSQL as the store's engine: a connection (reconnected when the
/// server closed it), the store's statements prepared once on it.
pub struct PgEngine {
    conn: Box<PgConn>,
    url: String,
    /// The audit chain's head as this connection last moved it.
    head: Option<(i64, String)>,
}

impl PgEngine {
    /// Connects (`migrate`: and migrates first, as a store opens).
    pub fn connect(url: &str, migrate: bool) -> Result<PgEngine> {
        let conn = if migrate { open(url)? } else { connect(url)? };
        Ok(PgEngine {
            conn,
            url: url.to_string(),
            head: None,
        })
    }
}

impl Engine for PgEngine {
    fn execute(&mut self, sql: Sql<'_>, params: &[Param]) -> Result<usize> {
        let refs = pg_params(params);
        let n = match sql {
            Sql::Static(s) => {
                let st = self.conn.statement(s)?;
                self.conn.client.execute(&st, &refs)?
            }
            Sql::Dynamic(s) => self.conn.client.execute(pg_sql(s).as_str(), &refs)?,
        };
        Ok(n as usize)
    }

    fn query(&mut self, sql: Sql<'_>, params: &[Param]) -> Result<Vec<Row>> {
        let refs = pg_params(params);
        let rows = match sql {
            Sql::Static(s) => {
                let st = self.conn.statement(s)?;
                self.conn.client.query(&st, &refs)?
            }
            Sql::Dynamic(s) => self.conn.client.query(pg_sql(s).as_str(), &refs)?,
        };
        rows.iter().map(pg_row).collect()
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.conn.client.batch_execute(sql)?)
    }

    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn reconnect(&mut self) -> Result<()> {
        if self.conn.is_closed() {
            self.conn = connect(&self.url)?;
            self.head = None;
        }
        Ok(())
    }

    fn known_head(&mut self) -> Option<&mut Option<(i64, String)>> {
        Some(&mut self.head)
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> StoreError {
        let unique = e
            .as_db_error()
            .filter(|d| *d.code() == postgres::error::SqlState::UNIQUE_VIOLATION)
            .map(|d| d.constraint().unwrap_or_default().to_string());
        StoreError::Database(DbError {
            dialect: Dialect::Postgres,
            unique,
            message: describe(&e),
        })
    }
}

fn pg_params<'a>(params: &'a [Param<'a>]) -> Vec<&'a (dyn PgToSql + Sync)> {
    params.iter().map(|p| p as &(dyn PgToSql + Sync)).collect()
}
fn pg_row(r: &postgres::Row) -> Result<Row> {
    let mut values = Vec::with_capacity(r.len());
    for (i, col) in r.columns().iter().enumerate() {
        let t = col.type_();
        let v = if *t == Type::INT8 {
            r.try_get::<_, Option<i64>>(i)?.map(Value::Int)
        } else if *t == Type::INT4 {
            r.try_get::<_, Option<i32>>(i)?
                .map(|v| Value::Int(v.into()))
        } else if *t == Type::INT2 {
            r.try_get::<_, Option<i16>>(i)?
                .map(|v| Value::Int(v.into()))
        } else if *t == Type::BOOL {
            r.try_get::<_, Option<bool>>(i)?
                .map(|v| Value::Int(v.into()))
        } else if *t == Type::BYTEA {
            r.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Blob)
        } else {
            r.try_get::<_, Option<String>>(i)?.map(Value::Text)
        };
        values.push(v.unwrap_or(Value::Null));
    }
    Ok(Row(values))
}
impl PgToSql for Param<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match *self {
            Param::Null => Ok(IsNull::Yes),
            Param::Int(i) if *ty == Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
            Param::Int(i) if *ty == Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
            Param::Int(i) if *ty == Type::BOOL => (i != 0).to_sql(ty, out),
            Param::Int(i) => i.to_sql(ty, out),
            Param::Text(s) if *ty == Type::BYTEA => s.as_bytes().to_sql(ty, out),
            Param::Text(s) => s.to_sql(ty, out),
            Param::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        // Checked per value in `to_sql`: the encoders it calls refuse a type
        // they cannot write.
        true
    }

    postgres::types::to_sql_checked!();
}
