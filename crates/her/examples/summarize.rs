//! Prints what the reader extracts from each file: `cargo run --example summarize -- FILE...`
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let text = razcode_her::xml::decode(&bytes).unwrap_or_default();
        let json = razcode_her::check_json(&text);
        println!(
            "{path}\n{}",
            serde_json::to_string_pretty(&json).unwrap_or_default()
        );
    }
}
