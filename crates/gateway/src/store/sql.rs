//! One way to run the store's SQL on either database: statements are written
//! once, with SQLite's `?N` placeholders and SQL both engines read alike, and
//! run on SQLite (rusqlite) or PostgreSQL (the `postgres` client, where `?N`
//! becomes `$N`). Rows come back as owned values read by position.

use super::{Result, StoreError};
#[cfg(feature = "postgres")]
use postgres::types::{IsNull, ToSql as PgToSql, Type};

/// A statement parameter.
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// What can be a parameter.
pub trait IntoParam {
    fn param(&self) -> Param<'_>;
}

impl IntoParam for i64 {
    fn param(&self) -> Param<'_> {
        Param::Int(*self)
    }
}
impl IntoParam for bool {
    fn param(&self) -> Param<'_> {
        Param::Int(i64::from(*self))
    }
}
impl IntoParam for str {
    fn param(&self) -> Param<'_> {
        Param::Text(self)
    }
}
impl IntoParam for String {
    fn param(&self) -> Param<'_> {
        Param::Text(self)
    }
}
impl IntoParam for [u8] {
    fn param(&self) -> Param<'_> {
        Param::Blob(self)
    }
}
impl IntoParam for Vec<u8> {
    fn param(&self) -> Param<'_> {
        Param::Blob(self)
    }
}
impl<T: IntoParam + ?Sized> IntoParam for &T {
    fn param(&self) -> Param<'_> {
        (**self).param()
    }
}
impl<T: IntoParam> IntoParam for Option<T> {
    fn param(&self) -> Param<'_> {
        match self {
            Some(v) => v.param(),
            None => Param::Null,
        }
    }
}

/// `p![a, b]`: the parameters of one statement.
macro_rules! p {
    ($($v:expr),* $(,)?) => {
        &[$($crate::store::sql::IntoParam::param(&$v)),*][..]
    };
}
pub(crate) use p;

/// A column's value as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

/// One row of a result.
#[derive(Debug)]
pub struct Row(Vec<Value>);

impl Row {
    /// Column `i` as `T`.
    pub fn get<T: FromValue>(&self, i: usize) -> Result<T> {
        let v = self.0.get(i).unwrap_or(&Value::Null);
        T::from_value(v).ok_or_else(|| StoreError::Column {
            index: i,
            found: format!("{v:?}").chars().take(40).collect(),
        })
    }
}

/// What a column's value can be read as.
pub trait FromValue: Sized {
    fn from_value(v: &Value) -> Option<Self>;
}

impl FromValue for i64 {
    fn from_value(v: &Value) -> Option<i64> {
        match v {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
}
impl FromValue for bool {
    fn from_value(v: &Value) -> Option<bool> {
        i64::from_value(v).map(|i| i != 0)
    }
}
impl FromValue for String {
    fn from_value(v: &Value) -> Option<String> {
        match v {
            Value::Text(s) => Some(s.clone()),
            Value::Blob(b) => String::from_utf8(b.clone()).ok(),
            _ => None,
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> Option<Vec<u8>> {
        match v {
            Value::Blob(b) => Some(b.clone()),
            Value::Text(s) => Some(s.clone().into_bytes()),
            _ => None,
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Option<Option<T>> {
        match v {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// A connection to either database.
pub enum Conn<'c> {
    Sqlite(&'c rusqlite::Connection),
    #[cfg(feature = "postgres")]
    Postgres(&'c mut super::pg::PgConn),
}

impl Conn<'_> {
    /// Runs a statement; the rows it changed. Statements are `'static`: the
    /// store's own, prepared once per connection (dynamic ones go through
    /// [`Conn::execute_dyn`]).
    pub fn execute(&mut self, sql: &'static str, params: &[Param]) -> Result<usize> {
        match self {
            #[cfg(feature = "postgres")]
            Conn::Postgres(c) => {
                let st = c.statement(sql)?;
                let refs = pg_params(params);
                Ok(c.client.execute(&st, &refs)? as usize)
            }
            Conn::Sqlite(_) => self.execute_dyn(sql, params),
        }
    }

    /// Runs a statement built at run time (not prepared ahead on PostgreSQL).
    pub fn execute_dyn(&mut self, sql: &str, params: &[Param]) -> Result<usize> {
        match self {
            Conn::Sqlite(c) => {
                let mut st = c.prepare_cached(sql)?;
                Ok(st.execute(rusqlite::params_from_iter(params.iter()))?)
            }
            #[cfg(feature = "postgres")]
            Conn::Postgres(c) => {
                let refs = pg_params(params);
                Ok(c.client.execute(pg_sql(sql).as_str(), &refs)? as usize)
            }
        }
    }

    /// Every row of one of the store's queries (prepared once per connection).
    pub fn query(&mut self, sql: &'static str, params: &[Param]) -> Result<Vec<Row>> {
        match self {
            #[cfg(feature = "postgres")]
            Conn::Postgres(c) => {
                let st = c.statement(sql)?;
                let refs = pg_params(params);
                c.client.query(&st, &refs)?.iter().map(pg_row).collect()
            }
            Conn::Sqlite(_) => self.query_dyn(sql, params),
        }
    }

    /// Every row of a query built at run time.
    pub fn query_dyn(&mut self, sql: &str, params: &[Param]) -> Result<Vec<Row>> {
        match self {
            Conn::Sqlite(c) => {
                let mut st = c.prepare_cached(sql)?;
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
            #[cfg(feature = "postgres")]
            Conn::Postgres(c) => {
                let refs = pg_params(params);
                c.client
                    .query(pg_sql(sql).as_str(), &refs)?
                    .iter()
                    .map(pg_row)
                    .collect()
            }
        }
    }

    /// The first row of a query, if any.
    pub fn query_opt(&mut self, sql: &'static str, params: &[Param]) -> Result<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// The first row of a query built at run time, if any.
    pub fn query_opt_dyn(&mut self, sql: &str, params: &[Param]) -> Result<Option<Row>> {
        Ok(self.query_dyn(sql, params)?.into_iter().next())
    }

    /// The first column of the first row; an error when there is no row.
    pub fn query_one<T: FromValue>(&mut self, sql: &'static str, params: &[Param]) -> Result<T> {
        match self.query_opt(sql, params)? {
            Some(r) => r.get(0),
            None => Err(StoreError::NoRow),
        }
    }

    /// Runs statements that take no parameters.
    pub fn batch(&mut self, sql: &str) -> Result<()> {
        match self {
            Conn::Sqlite(c) => Ok(c.execute_batch(sql)?),
            #[cfg(feature = "postgres")]
            Conn::Postgres(c) => Ok(c.client.batch_execute(sql)?),
        }
    }

    /// Runs `f` in a transaction: committed when it returns `Ok`, rolled
    /// back when it returns an error.
    pub fn transaction<T>(&mut self, f: impl FnOnce(&mut Conn) -> Result<T>) -> Result<T> {
        self.batch("BEGIN")?;
        match f(self) {
            Ok(v) => {
                self.batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                // The error that made us roll back is the one worth telling.
                let _ = self.batch("ROLLBACK");
                Err(e)
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        #[cfg(feature = "postgres")]
        return matches!(self, Conn::Postgres(_));
        #[cfg(not(feature = "postgres"))]
        false
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

#[cfg(feature = "postgres")]
/// `?N` placeholders as PostgreSQL's `$N`. Our statements hold no `?`
/// inside string literals.
pub fn pg_sql(sql: &str) -> String {
    sql.replace('?', "$")
}

#[cfg(feature = "postgres")]
fn pg_params<'a>(params: &'a [Param<'a>]) -> Vec<&'a (dyn PgToSql + Sync)> {
    params.iter().map(|p| p as &(dyn PgToSql + Sync)).collect()
}

#[cfg(feature = "postgres")]
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

#[cfg(feature = "postgres")]
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

/// Whether an error is a uniqueness violation, and of which constraint or
/// index (PostgreSQL names it; SQLite names the columns in its message).
pub fn unique_violation(e: &StoreError) -> Option<String> {
    match e {
        StoreError::Sql(rusqlite::Error::SqliteFailure(f, msg))
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Some(msg.clone().unwrap_or_default())
        }
        #[cfg(feature = "postgres")]
        StoreError::Postgres(pe) => pe
            .as_db_error()
            .filter(|d| *d.code() == postgres::error::SqlState::UNIQUE_VIOLATION)
            .map(|d| d.constraint().unwrap_or_default().to_string()),
        _ => None,
    }
}
