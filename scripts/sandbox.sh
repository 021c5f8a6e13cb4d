#!/usr/bin/env bash
# Installs what the desktop app needs (Debian's WebKitGTK development packages),
# builds it, and launches it on the sandbox: the gateway embedded on loopback
# with a demo practice, the desk activated against it, sample visits to stage.
# The data stays in ./sandbox-data. Without a display, the CLI sandbox runs.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo >/dev/null 2>&1 || { echo "Install Rust first (https://rustup.rs)"; exit 1; }
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
need_apt=()
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
pkg-config --exists webkit2gtk-4.1 2>/dev/null || need_apt+=(libwebkit2gtk-4.1-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
mkdir -p sandbox-data
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display: running the sandbox from the CLI instead (razdesk sandbox)."
  cargo build --release --locked -p razcode-desk
  exec target/release/razdesk --data-dir sandbox-data/desk sandbox
fi
cargo build --release --locked -p razcode-desk-app --features custom-protocol
exec target/release/razcode-desk --data-dir sandbox-data/desk --sandbox
