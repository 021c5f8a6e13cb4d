#!/usr/bin/env bash
# Tests the two packages for real on this machine (as root; they are installed
# system-wide and purged at the end):
#  - builds a "previous" and a current build of both (scripts/package.sh, from
#    the debug build the tests made) and checks lintian finds no error;
#  - installs the previous ones; starts the installed gateway the way its systemd
#    unit does (its User= and ExecStart=, by hand where systemd is not running);
#    the installed razdesk sets up, activates and stages against it;
#  - starts the installed app under Xvfb on the sandbox and takes a screenshot
#    once it reports the worklist painted;
#  - upgrades to the current packages: the gateway's database, its key file and
#    the edited configuration file are kept, and the desk's code is still there;
#  - removing keeps the gateway's data, purging removes it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
[ "$(id -u)" -eq 0 ] || { echo "run as root: the packages are installed system-wide" >&2; exit 2; }

need_apt=()
command -v lintian >/dev/null || need_apt+=(lintian)
command -v import >/dev/null || need_apt+=(imagemagick)
command -v Xvfb >/dev/null || need_apt+=(xvfb)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
out="$root/target/packages"
tmp=$(mktemp -d)
chmod 0755 "$tmp"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  dpkg --purge razcode-desk razcode-gateway >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }
step() { echo "== $*"; }

step "building the packages ($version~prev, then $version)"
scripts/package.sh --version "$version~prev" --out "$out/prev" >/dev/null
scripts/package.sh --out "$out/current" >/dev/null
gw_prev="$out/prev/razcode-gateway_${version}~prev_amd64.deb"
gw_now="$out/current/razcode-gateway_${version}_amd64.deb"
desk_prev="$out/prev/razcode-desk_${version}~prev_amd64.deb"
desk_now="$out/current/razcode-desk_${version}_amd64.deb"
for f in "$gw_prev" "$gw_now" "$desk_prev" "$desk_now"; do [ -f "$f" ] || fail "no $f"; done

step "lintian"
lintian --fail-on error "$gw_now" "$desk_now" >"$tmp/lintian.out" 2>&1 \
  || { cat "$tmp/lintian.out" >&2; fail "lintian found errors"; }
grep -v "root privileges" "$tmp/lintian.out" || true

step "installing the previous packages"
dpkg --purge razcode-desk razcode-gateway >/dev/null 2>&1 || true
dpkg -i "$gw_prev" "$desk_prev" >/dev/null

unit=/lib/systemd/system/razcode-gateway.service
state=/var/lib/razcode-gateway
user=$(sed -n 's/^User=//p' "$unit")
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ -n "$user" ] && [ -n "$exec_start" ] || fail "the unit has no User= or ExecStart="
[ "$(stat -c '%a %U' "$state")" = "700 $user" ] || fail "$state is $(stat -c '%a %U' "$state")"
grep -q '^ProtectSystem=strict' "$unit" && grep -q '^NoNewPrivileges=true' "$unit" || fail "the unit is not sandboxed"
grep -q '^LimitNOFILE=' "$unit" || fail "the unit sets no descriptor limit"
[ "$(stat -c '%a %U %G' /etc/razcode-gateway/gateway.toml)" = "640 root $user" ] \
  || fail "gateway.toml is $(stat -c '%a %U %G' /etc/razcode-gateway/gateway.toml), not 640 root $user"
if systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
  exposure=$(systemd-analyze security --offline=true "$unit" 2>/dev/null \
    | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  echo "systemd-analyze security: exposure $exposure"
  python3 -c "import sys; sys.exit(0 if float('${exposure:-10}') <= 1.5 else 1)" \
    || fail "the unit's exposure is ${exposure:-unknown} (at most 1.5 expected)"
fi
# What an administrator does after installing: a port of their choosing.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -i "s/^listen = .*/listen = \"127.0.0.1:$port\"/" /etc/razcode-gateway/gateway.toml

gateway_url=""
start_gateway() {
  # As systemd runs it: the unit's user, its ExecStart, UMask=0077, the
  # logs on stderr (journald's, here a file).
  runuser -u "$user" -- sh -c "umask 077; RAZCODE_LOG=info exec $exec_start" \
    >"$tmp/gw.out" 2>>"$tmp/gw.err" &
  gw_pid=$!
  pids+=("$gw_pid")
  for _ in $(seq 1 100); do
    gateway_url=$(sed -n 's/^listening on //p' "$tmp/gw.out")
    [ -n "$gateway_url" ] && return 0
    kill -0 "$gw_pid" 2>/dev/null || { cat "$tmp/gw.err" >&2; fail "the gateway stopped"; }
    sleep 0.1
  done
  fail "the gateway did not say where it listens"
}
stop_gateway() { kill "$gw_pid"; wait "$gw_pid" 2>/dev/null || true; }

step "the installed gateway, started as its unit says"
start_gateway
[ "$(stat -c '%a %U' "$state/gateway.db.key")" = "600 $user" ] || fail "the key file is not the service user's alone"
as_gw() { runuser -u "$user" -- razcode-gateway "$@" --db "$state/gateway.db"; }
consumer=$(as_gw consumer add --name "Front desk")
key=$(sed -n 's/^consumer_key=//p' <<<"$consumer")
secret=$(sed -n 's/^consumer_secret=//p' <<<"$consumer")
as_gw org add --email desk@clinic.test --password clinic-password-1 --name "Harbor Street Clinic" >/dev/null

step "the installed razdesk against it"
desk="$tmp/desk"
razdesk --data-dir "$desk" setup --api-base "$gateway_url" --consumer-key "$key" --consumer-secret "$secret" >/dev/null
# `activate --oob` prints `APPROVE <url>` and reads the verifier the page
# shows from its standard input: here a pipe the approval helper writes to.
mkfifo "$tmp/verifier"
razdesk --data-dir "$desk" activate --oob --no-browser <"$tmp/verifier" >"$tmp/activate.out" 2>&1 &
activate=$!
exec 3>"$tmp/verifier"
approve_url=""
for _ in $(seq 1 100); do
  approve_url=$(sed -n 's/^APPROVE //p' "$tmp/activate.out")
  [ -n "$approve_url" ] && break
  sleep 0.1
done
[ -n "$approve_url" ] || { cat "$tmp/activate.out" >&2; fail "razdesk activate printed no APPROVE line"; }
python3 scripts/check/approve.py "$approve_url" desk@clinic.test clinic-password-1 >&3
exec 3>&-
wait "$activate" || { cat "$tmp/activate.out" >&2; fail "activation failed"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
encounter=$(razdesk --data-dir "$desk" --json import fixtures/ccr/examples/minimal_clinic_encounter.xml \
  | json 'd["imported"][0]["encounter"]["id"]')
code=$(razdesk --data-dir "$desk" --json stage "$encounter" | json 'd["raz_id"]')
[ -n "$code" ] || fail "no code staged"
echo "staged $code"

step "the installed app under Xvfb on the sandbox"
display=":$((90 + RANDOM % 9))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
pids+=("$!")
sleep 1
DISPLAY="$display" WEBKIT_DISABLE_COMPOSITING_MODE=1 LIBGL_ALWAYS_SOFTWARE=1 \
  razcode-desk --data-dir "$tmp/app" --sandbox 2>"$tmp/app.err" &
app=$!
pids+=("$app")
for _ in $(seq 1 600); do
  grep -q "first paint after .* ms: worklist" "$tmp/app.err" && break
  kill -0 "$app" 2>/dev/null || { cat "$tmp/app.err" >&2; fail "the installed app stopped"; }
  sleep 0.1
done
grep -q "first paint after .* ms: worklist" "$tmp/app.err" || { cat "$tmp/app.err" >&2; fail "the installed app did not paint its worklist"; }
sleep 2
shot="$out/installed-app.png"
import -display "$display" -window root "$shot"
spread=$(convert "$shot" -colorspace Gray -format '%[fx:standard_deviation]' info:)
python3 -c "import sys; sys.exit(0 if float('$spread') > 0.05 else 1)" || fail "the screenshot is blank ($spread)"
echo "screenshot: $shot"
kill "$app"; wait "$app" 2>/dev/null || true

step "upgrading to $version"
stop_gateway   # as the upgrade's prerm/postinst would restart it under systemd
dpkg -i "$gw_now" "$desk_now" >/dev/null
[ "$(dpkg-query -W -f '${Version}' razcode-gateway)" = "$version" ] || fail "not upgraded"
grep -q "^listen = \"127.0.0.1:$port\"" /etc/razcode-gateway/gateway.toml || fail "the edited configuration file was replaced"
start_gateway
state_of=$(razdesk --data-dir "$desk" --json history --refresh \
  | json '[c["state"] for c in d["history"] if (c.get("raz_id") or "").replace("-","") == "'"${code//-/}"'"][0]')
[ "$state_of" = issued ] || fail "after the upgrade the gateway says $code is ${state_of:-unknown}"
echo "$code is still $state_of"
stop_gateway

step "remove keeps the data, purge removes it"
dpkg -r razcode-gateway >/dev/null
[ -f "$state/gateway.db" ] && [ -f "$state/gateway.db.key" ] || fail "removing the package removed its data"
dpkg --purge razcode-gateway >/dev/null
[ ! -e "$state" ] || fail "purging left $state"
dpkg --purge razcode-desk >/dev/null
echo "packages: 4 passed, 0 failed"
