#!/usr/bin/env bash
# API benchmark (issue 14): 10,000 devices and 100,000 session records in a namespace, autocannon from a second
# process on the device list, the session list, device re-registration and login, each against GET /healthcheck.
# Prints figures; it is not a test.
#
#   bash bench/api/run.sh                                  # FerretDB on SQLite (the shared services)
#   BENCH_DB=ferretdb-pg bash bench/api/run.sh             # FerretDB on the local PostgreSQL
#   API_DEVICES=1000 API_SESSIONS=10000 API_SECONDS=5 bash bench/api/run.sh --json /tmp/api.json
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/bench/support/args.sh" "$@"
cd "$ROOT"
export NX_DAEMON=false NX_NO_CLOUD=true
bench_ensure_deps
bash scripts/services.sh up 2>/dev/null
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  echo "building apps..." >&2
  npx nx run-many -t build -p api ssh --outputStyle=static >/dev/null
fi
# Jest only compiles the TypeScript; grep drops Jest's blank and stack lines and keeps the figures line-buffered.
npx jest -c bench/api/jest.config.cjs --forceExit 2>&1 | grep --line-buffered -v '^\s*$' | { grep --line-buffered -v '^\s*at \|console.log' || true; }
