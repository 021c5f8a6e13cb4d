//! Imports each CCD and prints the encounter as JSON: `cargo run --example ccd -- FILE...`
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap_or_default();
        match razcode_her::ccd::import_bytes(&bytes) {
            Ok(e) => println!(
                "{path}\n{}",
                serde_json::to_string_pretty(&e).unwrap_or_default()
            ),
            Err(e) => println!("{path}: {e}"),
        }
    }
}
