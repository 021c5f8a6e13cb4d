#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL cluster (Debian's postgresql
# package): made in a temporary directory by an unprivileged user, listening
# on a free loopback port, removed when the command ends. The command finds it
# in RAZCODE_TEST_POSTGRES (a superuser URL) and RAZCODE_TEST_POSTGRES_DATA
# (its data directory, for tests that read the bytes at rest).
#   scripts/with-postgres.sh cargo test -p razcode-gateway
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "== installing postgresql"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi

# PostgreSQL refuses to run as root: then the cluster belongs to the
# package's own `postgres` user.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
  as_owner=(runuser -u postgres --)
fi

dir=$(mktemp -d /tmp/razcode-pg.XXXXXX)
chmod 0755 "$dir"
[ ${#as_owner[@]} -gt 0 ] && chown postgres "$dir"
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
printf '%s\n' "$password" > "$dir/pw"
[ ${#as_owner[@]} -gt 0 ] && chown postgres "$dir/pw"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U razcode --pwfile="$dir/pw" \
  --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# Durable commits as in production (fsync and synchronous_commit on); room for
# every test's connections.
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c max_connections=300 -c fsync=on" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
# The data directory is read by the tests that look at bytes at rest.
chmod -R go+rX "$dir/data" 2>/dev/null || true

export RAZCODE_TEST_POSTGRES="postgres://razcode:$password@127.0.0.1:$port/postgres"
export RAZCODE_TEST_POSTGRES_DATA="$dir/data"
echo "== PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"
"$@"
