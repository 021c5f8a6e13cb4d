//! What a SMART Health Link costs at stage time: CCR → FHIR R4 Bundle and its
//! encryption (compact JWE, dir + A256GCM + DEF), against reading the same CCR
//! into the model, in the same run. Target: conversion and encryption together
//! cost less than the read.
//!
//! `cargo bench -p razcode-gateway --bench shl_file [-- ROUNDS]`

use razcode_protocol::shl;
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let rounds: usize = std::env::args()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(2000);
    let path = razcode_testkit::fixture("ccr/examples/minimal_clinic_encounter.xml");
    let text = std::fs::read_to_string(&path).expect("the example visit");
    let key = shl::new_key().expect("a key");

    let start = Instant::now();
    for _ in 0..rounds {
        black_box(razcode_her::check(black_box(&text)).expect("it reads"));
    }
    let read = start.elapsed().as_secs_f64() / rounds as f64;

    let her = razcode_her::check(&text).expect("it reads");
    let start = Instant::now();
    let mut size = 0;
    for _ in 0..rounds {
        let bundle = serde_json::to_vec(&razcode_her::fhir::bundle(&her, &text)).expect("json");
        size = bundle.len();
        black_box(shl::encrypt(&key, shl::FHIR_JSON, &bundle).expect("encrypted"));
    }
    let convert = start.elapsed().as_secs_f64() / rounds as f64;

    let start = Instant::now();
    for _ in 0..rounds {
        let bundle = serde_json::to_vec(&razcode_her::fhir::bundle(&her, &text)).expect("json");
        black_box(bundle);
    }
    let only_fhir = start.elapsed().as_secs_f64() / rounds as f64;

    println!(
        "example visit {} bytes -> Bundle {size} bytes, {rounds} rounds",
        text.len()
    );
    println!(
        "read the CCR into the model:      {:8.1} µs (baseline)",
        read * 1e6
    );
    println!(
        "FHIR Bundle + JWE:                {:8.1} µs = {:.2}x the read (target < 1.00x)",
        convert * 1e6,
        convert / read
    );
    println!(
        "  of which the Bundle alone:      {:8.1} µs = {:.2}x the read",
        only_fhir * 1e6,
        only_fhir / read
    );
}
