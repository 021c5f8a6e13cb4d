//! CCR read throughput over the real samples, with `xmllint --noout` over the
//! same files in the same run as the baseline (it only checks well-formedness,
//! where our reader also builds the model).
//!
//! `cargo bench -p razcode-her --bench ccr_read [-- ROUNDS]`

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

fn main() {
    let rounds: usize = std::env::args()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(300);
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/ccr/samples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the CCR samples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
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

    let start = Instant::now();
    let mut sections = 0usize;
    for _ in 0..rounds {
        for (_, b) in &docs {
            sections += razcode_her::ccr::read_bytes(b)
                .map(|c| c.sections.len())
                .unwrap_or(0);
        }
    }
    let ours = mb / start.elapsed().as_secs_f64();

    // What the gateway runs for every stage: the streaming check, no model.
    let texts: Vec<String> = docs
        .iter()
        .filter_map(|(_, b)| razcode_her::xml::decode(b).ok())
        .collect();
    let start = Instant::now();
    let mut valid = 0usize;
    for _ in 0..rounds {
        for t in &texts {
            valid += usize::from(razcode_her::validate(t).is_ok());
        }
    }
    let fast = mb / start.elapsed().as_secs_f64();
    assert_eq!(valid, texts.len() * rounds);

    // Where the read's time goes: the tree alone, then decoding bytes to text.
    let start = Instant::now();
    let mut elements = 0usize;
    for _ in 0..rounds {
        for t in &texts {
            elements += razcode_her::xml::parse(t)
                .map(|e| e.children.len())
                .unwrap_or(0);
        }
    }
    let tree = mb / start.elapsed().as_secs_f64();
    assert!(elements > 0);

    // One xmllint process reads every file `rounds` times, so its start-up is spread thin.
    let mut args: Vec<&PathBuf> = Vec::new();
    for _ in 0..rounds {
        args.extend(docs.iter().map(|(p, _)| p));
    }
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
    println!(
        "CCR read, {} documents ({total} bytes) x {rounds} rounds, {sections} sections read",
        docs.len()
    );
    println!("| reader | MB/s | ratio to xmllint --noout |");
    println!("|---|---:|---:|");
    println!(
        "| razcode_her::ccr::read_bytes (model built) | {ours:.1} | {:.2} |",
        ours / base
    );
    println!(
        "| razcode_her::validate (streaming check, the gateway's) | {fast:.1} | {:.2} |",
        fast / base
    );
    println!(
        "| razcode_her::xml::parse (the tree alone, of the read) | {tree:.1} | {:.2} |",
        tree / base
    );
    println!("| xmllint --noout (well-formedness only) | {base:.1} | 1.00 |");
}
