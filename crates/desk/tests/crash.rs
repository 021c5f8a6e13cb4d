//! The CLI killed (SIGKILL) at random points of a stage, 50 times: afterwards
//! every encounter is staged exactly once and every code the gateway issued is
//! in the desk's history.

mod common;
use common::*;
use rand::Rng;
use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn killed_fifty_times_nothing_is_staged_twice_or_lost() {
    let w = World::start().await;
    w.ready().await;
    let mut ids = Vec::new();
    for i in 0..50 {
        let f = w.desk_dir.path().join(format!("e{i}.txt"));
        std::fs::write(&f, format!("st={}\npn={}", 1000 + i, i % 10)).unwrap();
        let (ok, v) = w.desk(&["import", f.to_str().unwrap()]);
        assert!(ok, "{v}");
        ids.push(
            v["imported"][0]["encounter"]["id"]
                .as_i64()
                .unwrap()
                .to_string(),
        );
    }
    let mut rng = rand::rng();
    let mut delays = Vec::new();
    for id in &ids {
        let mut child = Command::new(BIN)
            .arg("--data-dir")
            .arg(w.desk_dir.path())
            .args(["--json", "stage", id])
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
