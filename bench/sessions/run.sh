#!/usr/bin/env bash
# Sessions at once (issue 14): 500 interactive sessions through one gateway to real agents for 5 minutes; dropped
# sessions, and gateway and agent memory at the start and the end. Prints figures; it is not a test.
#
#   bash bench/sessions/run.sh
#   SESSIONS=100 SESSIONS_SECONDS=60 bash bench/sessions/run.sh --json /tmp/sessions.json
#
# Runs as root: the agents log in as root, as in bench/ssh-path.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/bench/support/args.sh" "$@"
cd "$ROOT"
export NX_DAEMON=false NX_NO_CLOUD=true
[ "$(id -u)" -eq 0 ] || { echo "run as root: the agents log in as root" >&2; exit 1; }
# One shell per session on this machine, and two sockets per session in the gateway.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
bench_ensure_deps
bash scripts/services.sh up 2>/dev/null
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  echo "building apps..." >&2
  npx nx run-many -t build -p api ssh agent --outputStyle=static >/dev/null
fi
npx jest -c bench/sessions/jest.config.cjs --forceExit 2>&1 | grep --line-buffered -v '^\s*$' | { grep --line-buffered -v '^\s*at \|console.log' || true; }
