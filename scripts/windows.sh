#!/usr/bin/env bash
# The desk for Windows (x86_64-pc-windows-gnu), built on Debian from Debian's
# packages alone: Debian's Rust (rustc-web) builds the standard library from its
# source (rust-web-src) for the target, and mingw-w64 links. Wine runs the result.
#
#   scripts/windows.sh            razdesk.exe for the tests (profile windows-test)
#   scripts/windows.sh --release  razdesk.exe for distribution (profile release)
#
# The .exe lands in target/windows/x86_64-pc-windows-gnu/<profile>/; the script
# prints its path last. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=windows-test
case "${1:-}" in
  --release) profile=release ;;
  "") ;;
  *) echo "usage: scripts/windows.sh [--release]" >&2; exit 2 ;;
esac

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
need_apt=()
[ -x /usr/bin/rustc ] && [ -x /usr/bin/cargo ] || need_apt+=(rustc-web)
[ -d /usr/lib/rustlib/src/rust/library ] || need_apt+=(rust-web-src)
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need_apt+=(gcc-mingw-w64-x86-64)
command -v wine64 >/dev/null 2>&1 || [ -x /usr/lib/wine/wine64 ] || need_apt+=(wine64)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Debian's toolchain by path: rustup's stays first on PATH for the Linux build.
# Its own target folder: the two compilers' artefacts never mix.
target=x86_64-pc-windows-gnu
export RUSTC=/usr/bin/rustc
export CARGO_TARGET_DIR="$PWD/target/windows"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
# build-std is unstable; Debian's compiler is a stable one that allows it here.
export RUSTC_BOOTSTRAP=1
# printpdf declares a cdylib beside its rlib, and cargo links both. In an
# unoptimised build every crate shares its generic instances as exported
# symbols, and the DLL would export over 100,000 of them: more than a Windows
# DLL's 65,535 ordinals, so it does not link ("export ordinal too large";
# raising printpdf alone to opt-level 2 still left 77,572). Not sharing them
# keeps the debug build (fast to compile, as the Linux tests') and links.
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUSTFLAGS="-Zshare-generics=n"
echo "== razdesk.exe ($profile) with $(/usr/bin/rustc --version)" >&2
/usr/bin/cargo build --locked -Z build-std=std,panic_abort --target "$target" \
  --profile "$profile" -p razcode-desk --bin razdesk >&2
echo "$CARGO_TARGET_DIR/$target/$profile/razdesk.exe"
