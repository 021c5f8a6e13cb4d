#!/usr/bin/env bash
# Runs every fuzz target for RUNS executions (default one million), starting
# from the seeds in corpus/; what the fuzzer finds goes to a scratch folder.
# Needs cargo-fuzz; stable Rust is allowed the sanitizer flags by RUSTC_BOOTSTRAP.
set -euo pipefail
cd "$(dirname "$0")"
runs="${1:-1000000}"
scratch="${FUZZ_SCRATCH:-$(mktemp -d)}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
for target in ccr_reader ccd_import omhe_parse answer_codec pmt_parse form_decode shl_link; do
  mkdir -p "$scratch/$target"
  echo "== $target: $runs runs"
  RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$target" "$scratch/$target" "corpus/$target" -- \
    -runs="$runs" -max_len=16384 -print_final_stats=1 2>&1 | grep -aE "stat::number_of_executed_units|stat::peak_rss|Done|ERROR|panicked" || true
done
