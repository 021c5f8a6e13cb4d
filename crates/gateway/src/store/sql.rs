//! One way to run the store's SQL on either database: statements are written
//! once, with SQLite's `?N` placeholders and SQL both engines read alike, and
//! run by an [`Engine`]: SQLite (`sqlite.rs`, rusqlite) or PostgreSQL (`pg.rs`,
//! the `postgres` client, where `?N` becomes `$N`). Rows come back as owned
//! values read by position; errors as engine-neutral [`DbError`]s.

use super::{Result, StoreError};

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
pub struct Row(pub(super) Vec<Value>);

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

/// A statement: one of the store's own (`'static`, prepared once per
/// connection where the engine caches statements), or one built at run time.
#[derive(Debug, Clone, Copy)]
pub enum Sql<'a> {
    Static(&'static str),
    Dynamic(&'a str),
}

impl Sql<'_> {
    pub fn text(&self) -> &str {
        match self {
            Sql::Static(s) => s,
            Sql::Dynamic(s) => s,
        }
    }
}

/// Which engine runs: the one place the store may ask, for what the two
/// engines really do differently (see [`Conn::is_postgres`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// What the store needs of a database engine. Implemented by `sqlite.rs` and
/// `pg.rs`; nothing else names an engine's types.
pub trait Engine: Send {
    /// Runs a statement; the rows it changed.
    fn execute(&mut self, sql: Sql<'_>, params: &[Param]) -> Result<usize>;
    /// Every row a query returns.
    fn query(&mut self, sql: Sql<'_>, params: &[Param]) -> Result<Vec<Row>>;
    /// Runs statements that take no parameters.
    fn batch(&mut self, sql: &str) -> Result<()>;
    fn dialect(&self) -> Dialect;
    /// Connects again when the server closed the connection (PostgreSQL);
    /// a file needs nothing.
    fn reconnect(&mut self) -> Result<()> {
        Ok(())
    }
    /// The audit chain's head as this connection last moved it (seq and
    /// hash), where the engine keeps one: PostgreSQL's, whose append then
    /// needs no read first.
    fn known_head(&mut self) -> Option<&mut Option<(i64, String)>> {
        None
    }
}

/// Why a database refused or failed, whichever engine it was.
#[derive(Debug)]
pub struct DbError {
    pub dialect: Dialect,
    /// A uniqueness violation: which constraint or index (PostgreSQL names
    /// it; SQLite names the columns in its message).
    pub unique: Option<String>,
    /// The engine's words, as a person can act on them.
    pub message: String,
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.dialect {
            Dialect::Sqlite => write!(f, "database error: {}", self.message),
            Dialect::Postgres => write!(f, "PostgreSQL: {}", self.message),
        }
    }
}

/// A connection to either database, as the store's code uses it.
pub struct Conn<'c>(&'c mut dyn Engine);

impl<'c> Conn<'c> {
    pub fn new(engine: &'c mut dyn Engine) -> Conn<'c> {
        Conn(engine)
    }

    /// Runs one of the store's statements; the rows it changed.
    pub fn execute(&mut self, sql: &'static str, params: &[Param]) -> Result<usize> {
        self.0.execute(Sql::Static(sql), params)
    }

    /// Runs a statement built at run time (not prepared ahead on PostgreSQL).
    pub fn execute_dyn(&mut self, sql: &str, params: &[Param]) -> Result<usize> {
        self.0.execute(Sql::Dynamic(sql), params)
    }

    /// Every row of one of the store's queries.
    pub fn query(&mut self, sql: &'static str, params: &[Param]) -> Result<Vec<Row>> {
        self.0.query(Sql::Static(sql), params)
    }

    /// Every row of a query built at run time.
    pub fn query_dyn(&mut self, sql: &str, params: &[Param]) -> Result<Vec<Row>> {
        self.0.query(Sql::Dynamic(sql), params)
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
        self.0.batch(sql)
    }

    /// Runs `f` in a transaction: committed when it returns `Ok`, rolled
    /// back when it returns an error.
    pub fn transaction<T>(&mut self, f: impl FnOnce(&mut Conn) -> Result<T>) -> Result<T> {
        self.in_transaction("BEGIN", f)
    }

    /// Runs `f` in a transaction that writes: on SQLite it takes the write
    /// lock at `BEGIN IMMEDIATE` (waiting its turn), so that what it reads
    /// stays true until it commits; PostgreSQL locks rows as it goes.
    pub fn write_transaction<T>(&mut self, f: impl FnOnce(&mut Conn) -> Result<T>) -> Result<T> {
        let begin = match self.is_postgres() {
            true => "BEGIN",
            false => "BEGIN IMMEDIATE",
        };
        self.in_transaction(begin, f)
    }

    fn in_transaction<T>(
        &mut self,
        begin: &str,
        f: impl FnOnce(&mut Conn) -> Result<T>,
    ) -> Result<T> {
        self.batch(begin)?;
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

    pub fn known_head(&mut self) -> Option<&mut Option<(i64, String)>> {
        self.0.known_head()
    }

    /// Remembers the head this connection moved the chain to.
    pub fn keep_head(&mut self, seq: i64, hash: &str) {
        if let Some(head) = self.0.known_head() {
            *head = Some((seq, hash.to_string()));
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.0.dialect() == Dialect::Postgres
    }
}

/// `?N` placeholders as PostgreSQL's `$N`: the one rewrite between the
/// engines' SQL. Our statements hold no `?` inside string literals.
pub fn pg_sql(sql: &str) -> String {
    sql.replace('?', "$")
}

/// Whether an error is a uniqueness violation, and of which constraint or
/// index.
pub fn unique_violation(e: &StoreError) -> Option<String> {
    match e {
        StoreError::Database(d) => d.unique.clone(),
        _ => None,
    }
}
