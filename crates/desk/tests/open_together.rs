//! Many `razdesk` processes opening one data folder at once (the app and a
//! `watch` job after an upgrade, a new user starting the sandbox while another
//! command runs): new folders, databases of every older schema, and one that
//! an earlier release left with a version older than its schema. Every
//! process succeeds and the database ends at the newest schema.

use razcode_desk::store::Store;
use rusqlite::Connection;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_razdesk");

type Schema = razcode_migrate::Snapshot;

fn schema(db: &Path) -> Schema {
    razcode_migrate::snapshot(&Connection::open(db).unwrap()).unwrap()
}

fn newest() -> Schema {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    drop(Store::open(&db).unwrap());
    schema(&db)
}

/// `n` processes that each open the folder, started together; every one
/// must succeed.
fn open_together(dir: &Path, n: usize) {
    razcode_testkit::all_succeed_together(n, |_| {
        let mut c = Command::new(BIN);
        c.arg("--data-dir").arg(dir).args(["--json", "history"]);
        c
    });
}

#[test]
fn twenty_processes_open_a_new_folder_at_once() {
    let want = newest();
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        open_together(&data, 20);
        assert_eq!(schema(&data.join("desk.db")), want);
    }
}

#[test]
fn ten_processes_open_each_older_version_at_once() {
    let want = newest();
    for version in 1..want.0 as usize {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::open_at(&dir.path().join("desk.db"), version).unwrap());
        assert_eq!(schema(&dir.path().join("desk.db")).0, version as i64);
        open_together(dir.path(), 10);
        assert_eq!(schema(&dir.path().join("desk.db")), want, "from {version}");
    }
}

#[test]
fn a_database_left_with_an_older_version_than_its_schema_opens_again() {
    let want = newest();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    drop(Store::open(&db).unwrap());
    // What the race left: the newest schema with version 3, on which every
    // command answered "duplicate column name: state".
    Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", 3)
        .unwrap();
    open_together(dir.path(), 1);
    assert_eq!(schema(&db), want);
}
