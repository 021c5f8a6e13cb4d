//! The store writes each statement once, for both engines: these tests hold
//! the two engines to it. The SQLite and PostgreSQL schemas have the same
//! tables and columns, and every statement in `src/store` that is meant for
//! both prepares on both (PostgreSQL's after the `?N` → `$N` rewrite), so a
//! statement that only one engine reads fails here, not in production.
//! They need the throwaway PostgreSQL cluster (`scripts/with-postgres.sh`);
//! without it they say so and check SQLite alone.

mod common;

use razcode_gateway::store::sql::pg_sql;
use razcode_gateway::store::{Store, Target};
use std::collections::BTreeSet;
use std::path::Path;

/// The cluster's URL, or `None` (said in the output) without one.
fn cluster() -> Option<String> {
    let url = std::env::var("RAZCODE_TEST_POSTGRES").ok();
    if url.is_none() {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "NOT RUN: the PostgreSQL side of {} (no RAZCODE_TEST_POSTGRES; run through scripts/with-postgres.sh)",
            std::thread::current().name().unwrap_or("an engines test")
        );
    }
    url
}

/// A new SQLite database at the newest schema, opened by the store.
fn sqlite_database(dir: &Path) -> rusqlite::Connection {
    let db = dir.join("gateway.db");
    drop(Store::open(&db).unwrap());
    rusqlite::Connection::open(&db).unwrap()
}

/// A new PostgreSQL database at the newest schema, opened by the store.
fn postgres_database(dir: &Path) -> postgres::Client {
    let url = common::new_postgres_database();
    let target = Target::Postgres(url.clone());
    let key = dir.join("gateway.key");
    std::thread::spawn(move || {
        drop(Store::connect(&target, Some(&key)).unwrap());
        postgres::Client::connect(&url, postgres::NoTls).unwrap()
    })
    .join()
    .unwrap()
}

/// Tables that only one engine has, for its own bookkeeping.
const ENGINE_ONLY: [&str; 1] = ["razcode_schema"];

fn sqlite_columns(c: &rusqlite::Connection) -> BTreeSet<(String, String)> {
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = BTreeSet::new();
    for t in tables {
        let cols: Vec<String> = c
            .prepare(&format!("SELECT name FROM pragma_table_info('{t}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for col in cols {
            out.insert((t.clone(), col));
        }
    }
    out
}

#[test]
fn both_engines_have_the_same_tables_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = sqlite_columns(&sqlite_database(dir.path()));
    assert!(sqlite.iter().any(|(t, c)| t == "stages" && c == "her"));
    let Some(_) = cluster() else { return };
    let mut pg = postgres_database(dir.path());
    let postgres: BTreeSet<(String, String)> = pg
        .query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .filter(|(t, _): &(String, String)| !ENGINE_ONLY.contains(&t.as_str()))
        .collect();
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only on SQLite: {only_sqlite:?}; only on PostgreSQL: {only_postgres:?}"
    );
}

/// Every string literal in a source file that is a statement (it starts with
/// a statement's keyword), with Rust's escapes and line continuations undone.
fn statements(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find('"') {
        let body = &rest[start + 1..];
        let mut end = 0;
        let bytes = body.as_bytes();
        while end < bytes.len() && bytes[end] != b'"' {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        let literal = &body[..end.min(body.len())];
        rest = &body[(end + 1).min(body.len())..];
        let mut text = String::new();
        let mut chars = literal.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek()) {
                ('\\', Some('\n')) => {
                    chars.next();
                    while chars.peek().is_some_and(|c| c.is_whitespace()) {
                        chars.next();
                    }
                }
                ('\\', Some(&n)) => {
                    chars.next();
                    text.push(match n {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                }
                (c, _) => text.push(c),
            }
        }
        let head = text.trim_start().to_ascii_uppercase();
        let statement = ["SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH "]
            .iter()
            .any(|k| head.starts_with(k));
        // `{…}` marks a statement put together with format!: checked where it is built.
        if statement && !text.contains('{') {
            out.push(text);
        }
    }
    out
}

#[test]
fn every_statement_meant_for_both_engines_prepares_on_both() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store");
    let dir = tempfile::tempdir().unwrap();
    let sqlite = sqlite_database(dir.path());
    let mut pg = cluster().map(|_| postgres_database(dir.path()));
    let mut checked = 0;
    let mut refused = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        // Each engine's own file, and the tests (which write old schemas on purpose).
        if !file.ends_with(".rs")
            || ["sqlite.rs", "pg.rs", "checkpoint.rs", "tests.rs"].contains(&file.as_str())
        {
            continue;
        }
        for sql in statements(&std::fs::read_to_string(&path).unwrap()) {
            // `::type` casts (the writer's shared insert), row locks (its
            // reserved-ID read) and advisory locks (the audit log's appends)
            // are PostgreSQL's own.
            let on_sqlite =
                !sql.contains("::") && !sql.contains("FOR UPDATE") && !sql.contains("pg_advisory");
            if on_sqlite {
                if let Err(e) = sqlite.prepare(&sql) {
                    refused.push(format!("{file}, SQLite: {e}: {sql}"));
                }
            }
            if let Some(pg) = pg.as_mut() {
                if let Err(e) = pg.prepare(&pg_sql(&sql)) {
                    refused.push(format!("{file}, PostgreSQL: {e}: {sql}"));
                }
            }
            checked += 1;
        }
    }
    assert!(
        checked >= 50,
        "only {checked} statements found in src/store"
    );
    assert!(refused.is_empty(), "{}", refused.join("\n\n"));
}
