//! Many gateway processes opening one database at once, new or of every older
//! schema, or one an earlier release left with a version older than its
//! schema: every process succeeds and the database ends at the newest schema.

use razcode_gateway::store::Store;
use rusqlite::Connection;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_razcode-gateway");

type Schema = razcode_migrate::Snapshot;

fn schema(db: &Path) -> Schema {
    razcode_migrate::snapshot(&Connection::open(db).unwrap()).unwrap()
}

fn newest() -> Schema {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gw.db");
    drop(Store::open(&db).unwrap());
    schema(&db)
}

/// `n` processes that each open the database (adding a consumer), started
/// together; every one must succeed.
fn open_together(db: &Path, n: usize) {
    razcode_testkit::all_succeed_together(n, |i| {
        let mut c = Command::new(BIN);
        c.args(["consumer", "add", "--name", &format!("desk {i}")])
            .arg("--db")
            .arg(db);
        c
    });
}

#[test]
fn twenty_processes_open_a_new_database_at_once() {
    let want = newest();
    for _ in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("gw.db");
        open_together(&db, 20);
        assert_eq!(schema(&db), want);
    }
}

#[test]
fn ten_processes_open_each_older_version_at_once() {
    let want = newest();
    for version in 1..want.0 as usize {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("gw.db");
        Store::create_at_version(&db, version).unwrap();
        assert_eq!(schema(&db).0, version as i64);
        open_together(&db, 10);
        assert_eq!(schema(&db), want, "from version {version}");
    }
}

#[test]
fn a_version_older_than_the_schema_is_mended() {
    let want = newest();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gw.db");
    drop(Store::open(&db).unwrap());
    // What two processes left behind before: the newest schema, version 3.
    Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", 3)
        .unwrap();
    open_together(&db, 1);
    assert_eq!(schema(&db), want);
}
