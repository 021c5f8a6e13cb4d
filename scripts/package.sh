#!/usr/bin/env bash
# Makes the two Debian packages (Debian and Ubuntu, amd64):
#   razcode-desk     the desktop app (Tauri's bundler, from src-tauri/tauri.conf.json)
#                    with razdesk beside it
#   razcode-gateway  the gateway as a systemd service with its own user
# from the debug build the tests made (fast, shares their compilation), or with
# --release from a release build (the packages a clinic gets).
#   scripts/package.sh [--release] [--version V] [--out DIR] [--only desk|gateway]
# Prints the path of each package made.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

profile=debug
version=""
out="$root/target/packages"
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --release) profile=release ;;
    --version) version="$2"; shift ;;
    --out) out="$2"; shift ;;
    --only) only="$2"; shift ;;
    *) echo "usage: $0 [--release] [--version V] [--out DIR] [--only desk|gateway]" >&2; exit 2 ;;
  esac
  shift
done

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
need_apt=()
command -v dpkg-deb >/dev/null || need_apt+=(dpkg)
command -v dpkg-shlibdeps >/dev/null || need_apt+=(dpkg-dev)
command -v strip >/dev/null || need_apt+=(binutils)
command -v npm >/dev/null || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
export PATH="$HOME/.cargo/bin:$PATH"
# The Tauri CLI, pinned to the version of the tauri crates in Cargo.lock's line:
# the npm registry's build of it (the same program, prebuilt; compiling it from
# the Rust crates registry took about ten minutes of a cold CI run), kept in the
# clone's target/ with its download cache, nothing outside the clone.
TAURI_CLI_VERSION=2.12.4
tools="$root/target/tools/tauri-cli"
tauri="$tools/node_modules/.bin/tauri"
if [ "$("$tauri" --version 2>/dev/null | awk '{print $2}')" != "$TAURI_CLI_VERSION" ]; then
  echo "== installing the Tauri CLI $TAURI_CLI_VERSION (npm)" >&2
  mkdir -p "$tools"
  npm install --prefix "$tools" --cache "$root/target/tools/npm-cache" --no-audit --no-fund \
    --loglevel=error "@tauri-apps/cli@$TAURI_CLI_VERSION" >&2
fi

[ -n "$version" ] || version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
arch=$(dpkg --print-architecture)
cargo_flags=(--locked); [ "$profile" = release ] && cargo_flags+=(--release)
bin="$root/target/$profile"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

maintainer="RAZCODE Desk <packages@razcode-desk.invalid>"
date_rfc=$(date -R)

# Debian's policy for what a binary package holds besides its files.
doc_files() { # NAME DEST
  local name=$1 dest=$2
  install -d "$dest/usr/share/doc/$name"
  cat >"$dest/usr/share/doc/$name/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: RAZCODE Desk
Source: the RAZCODE Desk workspace

Files: *
Copyright: 2026 RAZCODE Desk developers
License: MIT or Apache-2.0
 Licensed under either of the MIT license or the Apache License, Version 2.0,
 at your option. On Debian systems the Apache License is in
 /usr/share/common-licenses/Apache-2.0.
EOF
  printf '%s (%s) unstable; urgency=medium\n\n  * Built from the RAZCODE Desk workspace.\n\n -- %s  %s\n' \
    "$name" "$version" "$maintainer" "$date_rfc" | gzip -9n >"$dest/usr/share/doc/$name/changelog.gz"
}

# shlibs:Depends for some binaries, from the libraries they link.
shlib_depends() {
  local d; d=$(mktemp -d)
  mkdir -p "$d/debian"
  printf 'Source: x\n\nPackage: x\nArchitecture: any\n' >"$d/debian/control"
  (cd "$d" && dpkg-shlibdeps -O "$@" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
  rm -rf "$d"
}

finish_deb() { # STAGING NAME -> prints the .deb
  local stage=$1 name=$2
  (cd "$stage" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
  local deb="$out/${name}_${version}_${arch}.deb"
  dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
  echo "$deb"
}

strip_bin() { strip --strip-unneeded --remove-section=.comment --remove-section=.note "$1"; }

gateway_package() {
  cargo build "${cargo_flags[@]}" -p razcode-gateway --bin razcode-gateway >&2
  local stage="$work/razcode-gateway" p=crates/gateway/packaging
  install -d "$stage/DEBIAN" "$stage/usr/bin" "$stage/lib/systemd/system" "$stage/etc/razcode-gateway"
  install -m 0755 "$bin/razcode-gateway" "$stage/usr/bin/razcode-gateway"
  strip_bin "$stage/usr/bin/razcode-gateway"
  install -m 0644 "$p/razcode-gateway.service" "$stage/lib/systemd/system/"
  # 0640, root:razcode-gateway once postinst has made the group.
  install -m 0640 "$p/gateway.toml" "$stage/etc/razcode-gateway/gateway.toml"
  doc_files razcode-gateway "$stage"
  install -m 0644 README.md "$stage/usr/share/doc/razcode-gateway/README"
  for s in postinst prerm postrm; do install -m 0755 "$p/$s" "$stage/DEBIAN/$s"; done
  echo /etc/razcode-gateway/gateway.toml >"$stage/DEBIAN/conffiles"
  cat >"$stage/DEBIAN/control" <<EOF
Package: razcode-gateway
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $(shlib_depends "$stage/usr/bin/razcode-gateway"), adduser, init-system-helpers (>= 1.54~)
Section: net
Priority: optional
Homepage: https://razcode-desk.invalid/
Description: RAZCODE gateway: checkout codes for health records
 A self-hostable gateway for the RAZCODE protocol: the clinic's desk stages a
 visit's record and hands the patient a code; the patient redeems it into
 their own health account, or opens it in a health app through a SMART Health
 Link. OAuth 1.0a provider, approval pages, barcodes, redemption pages.
 .
 Runs as a systemd service under its own user, on SQLite in
 /var/lib/razcode-gateway or on PostgreSQL (several gateways, one database).
EOF
  finish_deb "$stage" razcode-gateway
}

desk_package() {
  cargo build "${cargo_flags[@]}" -p razcode-desk --bin razdesk >&2
  local debug_flag=(); [ "$profile" = debug ] && debug_flag=(--debug)
  # razdesk beside the app, from the same build.
  # Tauri wants semver (0.1.0-prev); Debian's order wants 0.1.0~prev < 0.1.0.
  local conf="{\"version\":\"${version//\~/-}\",\"bundle\":{\"linux\":{\"deb\":{\"files\":{\"/usr/bin/razdesk\":\"$bin/razdesk\"}}}}}"
  (cd src-tauri && "$tauri" build "${debug_flag[@]}" --bundles deb --config "$conf" -- --locked) >&2
  local built
  built=$(ls -t "$bin"/bundle/deb/*.deb | head -1)
  # Tauri's package, finished the way Debian's tools expect: stripped
  # binaries, the copyright and changelog files, checksums.
  local stage="$work/razcode-desk"
  dpkg-deb -R "$built" "$stage"
  for b in "$stage"/usr/bin/*; do strip_bin "$b"; done
  local pkg; pkg=$(sed -n 's/^Package: //p' "$stage/DEBIAN/control")
  doc_files "$pkg" "$stage"
  # The control file as Debian's tools write it: every linked library a
  # dependency (libc and WebKitGTK among them), a maintainer with an address,
  # the description wrapped.
  cat >"$stage/DEBIAN/control" <<EOF
Package: $pkg
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $(shlib_depends "$stage"/usr/bin/*)
Section: misc
Priority: optional
Homepage: https://razcode-desk.invalid/
Description: RAZCODE Desk: checkout codes that hand patients their record
 For a clinic's front desk: at checkout the desk stages the visit's record
 with the clinic's RAZCODE gateway and hands the patient a code, printed or
 emailed with a barcode, that pulls the record into the patient's own health
 account or health app (SMART Health Links), and can pay the bill.
 .
 razdesk, the same desk without a window, is installed beside the app.
EOF
  finish_deb "$stage" "$pkg"
}

[ "$only" = desk ] || gateway_package
[ "$only" = gateway ] || desk_package
