#!/usr/bin/env bash
# The gateway's protocol suite again, with PostgreSQL as its database: the
# very test binaries `cargo test --workspace` built (found by asking cargo,
# which builds nothing more), run from the gateway's folder as cargo runs
# them. `cargo test -p razcode-gateway` would resolve the gateway's features
# alone and rebuild a dozen crates for it. Run beside a cluster
# (scripts/with-postgres.sh sets RAZCODE_TEST_POSTGRES).
set -euo pipefail
cd "$(dirname "$0")/.."
suites=(protocol lifecycle payments redemption security shl reserved audit new_code)
mapfile -t binaries < <(cargo test --workspace --locked --no-run --message-format=json 2>/dev/null \
  | python3 -c '
import json, sys
wanted = set(sys.argv[1:])
for line in sys.stdin:
    m = json.loads(line)
    t = m.get("target", {})
    if (m.get("reason") == "compiler-artifact" and m.get("executable")
            and "test" in t.get("kind", []) and t.get("name") in wanted
            and "/crates/gateway#" in m.get("package_id", "")):
        print(m["executable"])
' "${suites[@]}")
if [ "${#binaries[@]}" -ne "${#suites[@]}" ]; then
  echo "expected ${#suites[@]} gateway suites (${suites[*]}), found ${#binaries[@]}: ${binaries[*]}" >&2
  exit 1
fi
cd crates/gateway
for exe in "${binaries[@]}"; do
  echo "-- $(basename "$exe") on PostgreSQL"
  RAZCODE_TEST_BACKEND=postgres "$exe" -q
done
