#!/usr/bin/env bash
# Builds and starts the RAZCODE gateway in sandbox mode on loopback, with a demo
# consumer, practice and patient. Ctrl+C stops it. The data stays in ./sandbox-data.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo >/dev/null 2>&1 || { echo "Install Rust first (https://rustup.rs)"; exit 1; }
mkdir -p sandbox-data
cargo build --release --locked -p razcode-gateway
exec target/release/razcode-gateway serve --sandbox --db sandbox-data/gateway.db --listen "${RAZCODE_LISTEN:-127.0.0.1:8080}"
