#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine, then runs every check.
# Safe to run again: it installs and starts only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
need_apt=()
command -v xmllint >/dev/null 2>&1 || need_apt+=(libxml2-utils)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v zbarimg >/dev/null 2>&1 || need_apt+=(zbar-tools)
command -v cupsd >/dev/null 2>&1 || need_apt+=(cups)
[ -e /usr/lib/cups/backend/cups-pdf ] || need_apt+=(printer-driver-cups-pdf)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3 python3-pip)
python3 -c "import ensurepip, venv" 2>/dev/null || need_apt+=(python3-venv)
# The desktop app (Tauri 2 on WebKitGTK) and its WebDriver tests under Xvfb.
pkg-config --exists webkit2gtk-4.1 2>/dev/null || need_apt+=(libwebkit2gtk-4.1-dev)
command -v Xvfb >/dev/null 2>&1 || need_apt+=(xvfb)
command -v WebKitWebDriver >/dev/null 2>&1 || need_apt+=(webkit2gtk-driver)
# The Tauri CLI that builds the packages comes prebuilt from the npm registry.
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
# A real PostgreSQL server for the gateway's second storage engine: the tests
# run beside a throwaway cluster (scripts/with-postgres.sh).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
# The audit-log tests change a row by hand, as someone with the database would.
command -v sqlite3 >/dev/null 2>&1 || need_apt+=(sqlite3)
command -v qpdf >/dev/null 2>&1 || need_apt+=(qpdf)
# HarfBuzz's hb-shape: Arabic receipts are checked against its shaping.
command -v hb-shape >/dev/null 2>&1 || need_apt+=(libharfbuzz-bin)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# A real SMTP server for the email tests.
python3 -c "import aiosmtpd" 2>/dev/null || python3 -m pip install -q aiosmtpd 2>/dev/null \
  || python3 -m pip install -q --break-system-packages aiosmtpd
# Independent checkers the tests run against our output, in their own Python
# environment (pinned: fhir.resources 6.4.0 is its last FHIR R4 4.0.1 release):
# fhir.resources validates FHIR R4 Bundles, jwcrypto opens SMART Health Link files.
PYENV="${RAZCODE_TEST_PYENV:-$HOME/.local/share/razcode/test-python}"
# requests-oauthlib is the other OAuth client the stage_process bench compares with,
# reportlab the other PDF maker the receipt_process bench does.
if ! "$PYENV/bin/python" -c "import fhir.resources, jwcrypto, requests_oauthlib, reportlab" 2>/dev/null; then
  echo "== installing the FHIR and JOSE checkers into $PYENV"
  python3 -m venv "$PYENV"
  "$PYENV/bin/pip" install -q "fhir.resources==6.4.0" "pydantic==1.10.27" "jwcrypto==1.5.6" \
    "requests-oauthlib==2.0.0" "reportlab==4.4.4"
fi
export RAZCODE_TEST_PYENV="$PYENV"
# axe-core (the JavaScript packages registry's, through npm, pinned) measures the pages, the email and
# the app's screens against WCAG 2.1 A/AA in a real browser.
AXE_VERSION=4.11.0
NODEENV="${RAZCODE_TEST_NODE:-$HOME/.local/share/razcode/test-node}"
AXE="$NODEENV/node_modules/axe-core/axe.min.js"
if ! head -c 64 "$AXE" 2>/dev/null | grep -q "axe v$AXE_VERSION"; then
  echo "== installing axe-core $AXE_VERSION into $NODEENV"
  mkdir -p "$NODEENV"
  (cd "$NODEENV" && npm install --no-save --silent --no-audit --no-fund "axe-core@$AXE_VERSION")
fi
export RAZCODE_AXE="$AXE"
# Each axe-core figure line also goes to this file (cargo keeps a passing
# test's output); it is printed after the tests.
mkdir -p target
export RAZCODE_AXE_REPORT="$PWD/target/axe-figures.txt"
: > "$RAZCODE_AXE_REPORT"
# A real print queue that prints to PDF files (~/PDF) for the printing tests.
# `lpstat -r` exits 0 either way; only its words tell whether cupsd runs.
cups_up() { lpstat -r 2>/dev/null | grep -q 'is running'; }
if ! cups_up; then
  echo "== starting cupsd"
  $SUDO cupsd
  for _ in $(seq 1 50); do cups_up && break; sleep 0.2; done
  cups_up || { echo "cupsd did not start; see /var/log/cups/error_log" >&2; exit 1; }
fi
if ! lpstat -e 2>/dev/null | grep -qx RAZPDF; then
  echo "== adding the RAZPDF print queue"
  $SUDO lpadmin -p RAZPDF -E -v cups-pdf:/ -m lsb/usr/cups-pdf/CUPS-PDF_opt.ppd 2>&1 \
    | grep -v 'drivers are deprecated' >&2 || true
  lpstat -e | grep -qx RAZPDF || { echo "could not add the RAZPDF queue" >&2; exit 1; }
fi
# cups-pdf takes PostScript; pdftocairo keeps the fonts' Unicode mapping on the way,
# so the printed PDF's text can be read back (the default renderer loses it).
$SUDO lpadmin -p RAZPDF -o pdftops-renderer-default=pdftocairo
export PATH="$HOME/.cargo/bin:$PATH"
if ! tauri-driver --help >/dev/null 2>&1; then
  echo "== installing tauri-driver"
  cargo install tauri-driver --locked --version 2.1.0
fi
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy

# Test data this repository may not pass on (fixtures/SOURCES.md): read from a
# sibling ../shared when there is one; the tests say by name what they did not read.
outside=../shared/fixtures
if [ -z "${RAZCODE_CCR_SCHEMA:-}" ] && [ -f "$outside/ccr/schema/ccr.xsd" ]; then
  export RAZCODE_CCR_SCHEMA="$PWD/$outside/ccr/schema/ccr.xsd"
fi
if [ -z "${RAZCODE_OUTSIDE_FIXTURES:-}" ] && [ -d "$outside/ccr/samples" ]; then
  export RAZCODE_OUTSIDE_FIXTURES="$PWD/$outside"
fi
echo "== outside test data: schema ${RAZCODE_CCR_SCHEMA:-not found (CCR schema validation will not run)}; samples ${RAZCODE_OUTSIDE_FIXTURES:-not found (the tests name each sample they did not read)}"

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
# The desk for Windows, built from Debian's packages (scripts/windows.sh installs
# them): crates/desk/tests/windows.rs runs razdesk.exe under Wine against the
# gateway; windows_installers.rs installs the MSI and the setup program there.
echo "== the desk for Windows: razdesk.exe, the app, the installers"
RAZDESK_WINDOWS_EXE=$(scripts/windows.sh)
RAZDESK_WINDOWS_DIST="$PWD/target/windows/dist"
export RAZDESK_WINDOWS_EXE RAZDESK_WINDOWS_DIST
# Every test runs beside one throwaway PostgreSQL cluster; then the gateway's
# protocol suite runs again with PostgreSQL as its database (same binaries).
echo "== cargo test"
scripts/with-postgres.sh bash -c '
  set -euo pipefail
  cargo test --workspace --locked
  echo "== the gateway protocol suite on PostgreSQL"
  scripts/gateway-suite-on-postgres.sh
'
echo "== accessibility (axe-core, WCAG 2.1 A and AA)"
cat "$RAZCODE_AXE_REPORT"
# The two Debian packages, built from this same debug build, installed on this
# machine, run, upgraded and purged (scripts/test-packages.sh; as root).
echo "== packages"
if [ "$(id -u)" -eq 0 ]; then
  scripts/test-packages.sh
else
  echo "(not root: the packages install system-wide; as root, scripts/test-packages.sh tests them)"
fi
