#!/usr/bin/env bash
# The desk for Windows (x86_64-pc-windows-gnu), built on Debian from Debian's
# packages alone: Debian's Rust (rustc-web) builds the standard library from its
# source (rust-web-src) for the target, and mingw-w64 links. Wine runs the result.
#
#   scripts/windows.sh            for the tests (profile windows-test)
#   scripts/windows.sh --release  for distribution (profile release)
#
# It builds razdesk.exe and the app's razcode-desk.exe (with the WebView2Loader.dll
# it loads, beside it) into target/windows/x86_64-pc-windows-gnu/<profile>/, and
# the installers IT deploys into target/windows/dist/: an MSI (msitools' wixl,
# packaging/windows/razcode-desk.wxs) and a setup .exe (Debian's makensis,
# packaging/windows/razcode-desk.nsi). It prints razdesk.exe's path last.
# Safe to run again: it installs only what is missing.
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
command -v wixl >/dev/null 2>&1 || need_apt+=(wixl)
command -v msiinfo >/dev/null 2>&1 || need_apt+=(msitools)
command -v makensis >/dev/null 2>&1 || need_apt+=(nsis)
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
echo "== razdesk.exe and razcode-desk.exe ($profile) with $(/usr/bin/rustc --version)" >&2
/usr/bin/cargo build --locked -Z build-std=std,panic_abort --target "$target" \
  --profile "$profile" -p razcode-desk -p razcode-desk-app --bin razdesk --bin razcode-desk >&2
out="$CARGO_TARGET_DIR/$target/$profile"

# The installers. Tauri's bundler is not used for them: on Linux it fetches its
# NSIS plugin from a code host at bundle time (this build reaches package
# registries only), and its MSI needs the WiX toolset, which runs on Windows.
version=$(awk -F'"' '/^\[workspace.package\]/{p=1} p&&/^version/{print $2; exit}' Cargo.toml)
dist="$CARGO_TARGET_DIR/dist"
mkdir -p "$dist"
echo "== installers for $version in $dist" >&2
# wixl takes files by names relative to the .wxs: the files and the .wxs are
# gathered (hard links, not copies) in one folder.
files="$CARGO_TARGET_DIR/installer-files"
rm -rf "$files" && mkdir -p "$files"
cp -fl "$out/razcode-desk.exe" "$out/WebView2Loader.dll" "$out/razdesk.exe" "$files/"
cp -f icons/icon.ico packaging/windows/razcode-desk.wxs "$files/"
(cd "$files" && wixl --arch x64 -o "$dist/RAZCODE-Desk-$version-x64.msi" \
  -D Version="$version" -D AppExe=razcode-desk.exe -D Loader=WebView2Loader.dll \
  -D CliExe=razdesk.exe -D Icon=icon.ico razcode-desk.wxs) >&2
# razdesk on the system PATH, appended (the "[~];" part) and taken out again on
# removal ("=-*": set, remove on uninstall, system-wide), as WiX's own
# Environment element writes it; wixl has none, so the table is added here.
msibuild "$dist/RAZCODE-Desk-$version-x64.msi" \
  -q 'CREATE TABLE `Environment` (`Environment` CHAR(72) NOT NULL, `Name` CHAR(255) NOT NULL LOCALIZABLE, `Value` CHAR(255) LOCALIZABLE, `Component_` CHAR(72) NOT NULL PRIMARY KEY `Environment`)' \
  -q "INSERT INTO \`Environment\` (\`Environment\`, \`Name\`, \`Value\`, \`Component_\`) VALUES ('PathToRazdesk', '=-*PATH', '[~];[INSTALLDIR]', 'Cli')" \
  -q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) VALUES ('RemoveEnvironmentStrings', 3300)" \
  -q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) VALUES ('WriteEnvironmentStrings', 5200)" >&2
compressor=zlib; [ "$profile" = release ] && compressor=lzma
makensis -V2 -DCOMPRESSOR="$compressor" -DVERSION="$version" -DAPP_EXE="$out/razcode-desk.exe" \
  -DLOADER="$out/WebView2Loader.dll" -DCLI_EXE="$out/razdesk.exe" -DICON="$PWD/icons/icon.ico" \
  -DOUT="$dist/RAZCODE-Desk-$version-setup.exe" packaging/windows/razcode-desk.nsi >&2
echo "$out/razdesk.exe"
