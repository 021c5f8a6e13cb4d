//! The CLI killed (SIGKILL) at random points of a stage, 50 times: afterwards
//! every encounter is staged exactly once and every code the gateway issued is
//! in the desk's history. The same offline, with reserved codes (v1.2).

mod common;
use common::*;
use rand::Rng;
use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Fifty small OMHE encounters (systolic pressures from `first`); their IDs.
fn import_fifty(w: &World, first: usize) -> Vec<String> {
    (0..50)
        .map(|i| {
            let f = w.desk_dir.path().join(format!("e{i}.txt"));
            std::fs::write(&f, format!("st={}\npn={}", first + i, i % 10)).unwrap();
            let (ok, v) = w.desk(&["import", f.to_str().unwrap()]);
            assert!(ok, "{v}");
            v["imported"][0]["encounter"]["id"]
                .as_i64()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// Stages each encounter in a CLI process of its own (with `extra` flags)
/// and kills it (SIGKILL) after a random 0 to 150 ms; the delays.
async fn stage_and_kill(w: &World, ids: &[String], extra: &[&str]) -> Vec<u64> {
    let mut rng = rand::rng();
    let mut delays = Vec::new();
    for id in ids {
        let mut child = Command::new(BIN)
            .arg("--data-dir")
            .arg(w.desk_dir.path())
            .args(["--json", "stage", id])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let ms = rng.random_range(0..150u64);
        delays.push(ms);
        tokio::time::sleep(Duration::from_millis(ms)).await;
        // Child::kill is SIGKILL on Unix.
        let _ = child.kill();
        let _ = child.wait();
    }
    delays
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_fifty_times_nothing_is_staged_twice_or_lost() {
    let w = World::start().await;
    w.ready().await;
    let ids = import_fifty(&w, 1000);
    let delays = stage_and_kill(&w, &ids, &[]).await;
    // Recovery: what waits is sent again; anything never recorded is staged now.
    let (_, _) = w.desk(&["outbox", "--retry"]);
    for id in &ids {
        let (ok, v) = w.desk(&["stage", id]);
        assert!(ok, "encounter {id}: {v}");
    }
    let (_, h) = w.desk(&["history"]);
    let history = h["history"].as_array().unwrap();
    let staged: Vec<_> = history.iter().filter(|s| s["status"] == "staged").collect();
    assert_eq!(staged.len(), 50, "one staging per encounter: {h}");
    let encounters: HashSet<i64> = staged
        .iter()
        .map(|s| s["encounter_id"].as_i64().unwrap())
        .collect();
    assert_eq!(encounters.len(), 50);
    let mine: HashSet<String> = staged
        .iter()
        .map(|s| {
            razcode_protocol::RazId::parse(s["raz_id"].as_str().unwrap())
                .unwrap()
                .compact()
        })
        .collect();
    let issued: HashSet<String> = gateway_ids(&w.gateway_db()).into_iter().collect();
    assert_eq!(
        issued.len(),
        50,
        "the gateway staged each encounter once (kill delays {delays:?})"
    );
    assert_eq!(mine, issued, "every code the gateway issued is in history");
}

/// The same drill while the gateway is down, so that every checkout takes a
/// reserved code (v1.2): afterwards no code is on two stagings, no staging has
/// two, a checkout repeated after a kill gets the code it had, and once the
/// gateway is back each visit is staged once, under the code it was given.
#[tokio::test(flavor = "multi_thread")]
async fn killed_fifty_times_offline_no_code_is_used_twice() {
    let mut w = World::start().await;
    w.ready().await;
    let (ok, v) = w.desk(&["reserve", "--count", "60"]);
    assert!(ok, "{v}");
    let ids = import_fifty(&w, 2000);
    w.stop_gateway().await;
    let delays = stage_and_kill(&w, &ids, &["--qr"]).await;
    // Each checkout again, still offline: a code each, the one it took
    // before the kill if it got that far.
    let db = rusqlite::Connection::open(w.desk_dir.path().join("desk.db")).unwrap();
    let taken_before: std::collections::HashMap<i64, String> = db
        .prepare("SELECT encounter_id, raz_id FROM stagings WHERE offline = 1")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let mut given = std::collections::HashMap::new();
    for id in &ids {
        let (ok, v) = w.desk(&["stage", id, "--qr"]);
        assert!(ok, "encounter {id}: {v}");
        assert_eq!(v["offline"], true, "{v}");
        let code = v["raz_id"].as_str().unwrap().to_string();
        let enc: i64 = id.parse().unwrap();
        if let Some(before) = taken_before.get(&enc) {
            assert_eq!(&code, before, "encounter {id} keeps the code it took");
        }
        given.insert(enc, code);
    }
    let distinct: HashSet<&String> = given.values().collect();
    assert_eq!(
        distinct.len(),
        50,
        "fifty different codes (kill delays {delays:?})"
    );
    let (per_code, per_staging): (i64, i64) = db
        .query_row(
            "SELECT (SELECT COUNT(*) FROM reserved_codes WHERE staging_id IS NOT NULL),
                    (SELECT COUNT(*) FROM stagings WHERE offline = 1)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((per_code, per_staging), (50, 50), "one code per staging");

    // Back online: each visit staged once, under the code it was given.
    w.restart_gateway().await;
    let (ok, r) = w.desk(&["outbox", "--retry"]);
    assert!(ok, "{r}");
    let (_, h) = w.desk(&["history"]);
    let staged: Vec<_> = h["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "staged")
        .collect();
    assert_eq!(staged.len(), 50, "{h}");
    for s in &staged {
        let enc = s["encounter_id"].as_i64().unwrap();
        assert_eq!(s["raz_id"].as_str(), given.get(&enc).map(String::as_str));
    }
    let issued: HashSet<String> = gateway_ids(&w.gateway_db()).into_iter().collect();
    let mine: HashSet<String> = given
        .values()
        .map(|c| razcode_protocol::RazId::parse(c).unwrap().compact())
        .collect();
    assert_eq!(issued.len(), 50, "each visit staged once");
    assert_eq!(mine, issued, "under the codes that were printed");
}
