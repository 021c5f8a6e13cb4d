//! CCR read throughput over the real samples, with `xmllint --noout` over the
//! same files in the same run as the baseline (it only checks well-formedness,
//! where our reader also builds the model).
//!
//! `cargo bench -p razcode-her --bench ccr_read [-- ROUNDS]` (rounds per turn; 7 turns)

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

fn main() {
    let rounds: usize = std::env::args()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(100);
    // The repository's samples, and the ones kept outside it when present.
    let files = razcode_testkit::fixtures::xml_files("ccr/samples");
    let docs: Vec<(PathBuf, Vec<u8>)> = files
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            // Both sides read only the well-formed samples.
            razcode_her::ccr::read_bytes(&bytes).ok()?;
            Some((p, bytes))
        })
        .collect();
    let total: usize = docs.iter().map(|(_, b)| b.len()).sum();
    let mb = (total * rounds) as f64 / 1e6;
    let texts: Vec<String> = docs
        .iter()
        .filter_map(|(_, b)| razcode_her::xml::decode(b).ok())
        .collect();
    // One xmllint process reads every file `rounds` times, so its start-up is spread thin.
    let mut args: Vec<&PathBuf> = Vec::new();
    for _ in 0..rounds {
        args.extend(docs.iter().map(|(p, _)| p));
    }

    // This VM's speed drifts by tens of percent from one second to the next:
    // the four readers take turns, REPS times, and each ratio is the median
    // of the turns' ratios (each against xmllint's run in the same turn).
    let mut ratios: [Vec<f64>; 3] = Default::default();
    let mut speeds: [Vec<f64>; 4] = Default::default();
    let mut sections = 0usize;
    for _ in 0..REPS {
        let start = Instant::now();
        for _ in 0..rounds {
            for (_, b) in &docs {
                sections += razcode_her::ccr::read_bytes(b)
                    .map(|c| c.sections.len())
                    .unwrap_or(0);
            }
        }
        let ours = mb / start.elapsed().as_secs_f64();

        // What the gateway runs for every stage: the streaming check, no model.
        let start = Instant::now();
        let mut valid = 0usize;
        for _ in 0..rounds {
            for t in &texts {
                valid += usize::from(razcode_her::validate(t).is_ok());
            }
        }
        let fast = mb / start.elapsed().as_secs_f64();
        assert_eq!(valid, texts.len() * rounds);

        // Where the read's time goes: the tree alone.
        let start = Instant::now();
        let mut elements = 0usize;
        for _ in 0..rounds {
            for t in &texts {
                elements += razcode_her::xml::parse(t)
                    .map(|d| d.root().elements().count())
                    .unwrap_or(0);
            }
        }
        let tree = mb / start.elapsed().as_secs_f64();
        assert!(elements > 0);

        let start = Instant::now();
        let status = Command::new("xmllint").arg("--noout").args(&args).status();
        let base = mb / start.elapsed().as_secs_f64();
        match status {
            Ok(s) if s.success() => {}
            other => {
                eprintln!("xmllint did not run cleanly ({other:?}); install libxml2-utils");
                std::process::exit(1);
            }
        }
        for (i, v) in [ours, fast, tree].into_iter().enumerate() {
            ratios[i].push(v / base);
        }
        for (i, v) in [ours, fast, tree, base].into_iter().enumerate() {
            speeds[i].push(v);
        }
    }
    let [ours, fast, tree] = ratios.map(median);
    let [ours_mb, fast_mb, tree_mb, base_mb] = speeds.map(median);
    println!(
        "CCR read, {} documents ({total} bytes) x {rounds} rounds, {REPS} turns (medians), {} sections read",
        docs.len(),
        sections / REPS
    );
    println!("| reader | MB/s | ratio to xmllint --noout |");
    println!("|---|---:|---:|");
    println!("| razcode_her::ccr::read_bytes (model built) | {ours_mb:.1} | {ours:.2} |");
    println!(
        "| razcode_her::validate (streaming check, the gateway's) | {fast_mb:.1} | {fast:.2} |"
    );
    println!(
        "| razcode_her::xml::parse (the tree alone, of the read) | {tree_mb:.1} | {tree:.2} |"
    );
    println!("| xmllint --noout (well-formedness only) | {base_mb:.1} | 1.00 |");
}

/// Turns of the four readers.
const REPS: usize = 7;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
