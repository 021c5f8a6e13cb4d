//! What the process benches share: a program run and timed as a whole, and
//! the median of the times.

use std::process::Command;
use std::time::{Duration, Instant};

pub fn p50(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Runs the command to its end; how long it took and what it printed. A
/// failed run stops the bench with its output.
pub fn run(cmd: &mut Command) -> (Duration, Vec<u8>) {
    let t = Instant::now();
    let out = cmd.output().expect("the process starts");
    let took = t.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&[out.stdout.clone(), out.stderr].concat())
    );
    (took, out.stdout)
}
