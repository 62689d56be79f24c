#!/usr/bin/env bash
# Fleet benchmark (issue 18): N devices' tunnels through a gateway SIGKILL and immediate restart, on FerretDB's
# PostgreSQL backend. Prints the reconnect storm's p50/p99/p100, API requests and errors during it, presence writes
# per second and gateway memory. It is not a test.
#
#   bash bench/fleet/run.sh                     # 10,000 devices
#   FLEET_DEVICES=2000 bash bench/fleet/run.sh
#   bash bench/fleet/run.sh --json /tmp/fleet.json   # also writes the figures as JSON (bench/README.md)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/bench/support/args.sh" "$@"
cd "$ROOT"
export NX_DAEMON=false NX_NO_CLOUD=true
export FLEET_DEVICES="${FLEET_DEVICES:-10000}"
# Two sockets per device (agent side and gateway side) live on this machine.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true

bench_ensure_deps
bash scripts/services.sh up
FLEETGATE_DB=ferretdb-pg bash scripts/services.sh database-url >/dev/null
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  echo "building apps..." >&2
  npx nx run-many -t build -p api ssh --outputStyle=static >/dev/null
fi
# Jest only compiles the TypeScript; --forceExit because the simulated fleet leaves sockets closing.
# grep runs line-buffered so that each figure appears as soon as it is measured, even when stdout is a file.
# pipefail keeps jest's status: a run that stopped halfway fails the suite's step.
npx jest -c bench/fleet/jest.config.cjs --forceExit 2>&1 | grep --line-buffered -v '^\s*$' | { grep --line-buffered -v '^\s*at \|console.log' || true; }
