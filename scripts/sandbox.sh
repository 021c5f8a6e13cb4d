#!/usr/bin/env bash
# Builds razdesk and starts the sandbox: the gateway embedded on loopback with a
# demo practice, the desk set up and activated against it, sample encounters
# imported. Ctrl+C stops it. The data stays in ./sandbox-data.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo >/dev/null 2>&1 || { echo "Install Rust first (https://rustup.rs)"; exit 1; }
mkdir -p sandbox-data
cargo build --release --locked -p razcode-desk
exec target/release/razdesk --data-dir sandbox-data/desk sandbox
