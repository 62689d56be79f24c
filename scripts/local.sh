#!/usr/bin/env bash
# Runs the whole platform on this machine on embedded defaults: services (FerretDB or mongod, Redis), the api,
# the SSH gateway, the worker, the web UI and a demo agent. Ctrl-C (or SIGTERM) stops everything it started.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NX_DAEMON=false NX_NO_CLOUD=true

API_PORT="${API_PORT:-8080}"
SSH_PORT="${SSH_PORT:-2222}"
SSH_HTTP_PORT="${SSH_HTTP_PORT:-8081}"
# One gateway process per core, sharing the SSH and HTTP ports; process i takes pickups on SSH_PICKUP_PORT + i
# (docs/adr/0011-gateway-processes.md). SSH_PROCESSES=1 runs a single process.
SSH_PROCESSES="${SSH_PROCESSES:-auto}"
SSH_PICKUP_PORT="${SSH_PICKUP_PORT:-8090}"
WORKER_HEALTH_PORT="${WORKER_HEALTH_PORT:-8082}"
UI_PORT="${UI_PORT:-4173}"
SMTP_PORT="${SMTP_PORT:-2525}"
RUN="$ROOT/.data/run"
LOGS="$ROOT/.data/logs"
DEMO_TENANT_ID="00000000-0000-4000-8000-000000000000"

bash scripts/ensure-deps.sh
bash scripts/services.sh up
# shellcheck disable=SC1091
set -a && . .data/services.env && set +a

for port in "$API_PORT" "$SSH_PORT" "$SSH_HTTP_PORT" "$WORKER_HEALTH_PORT" "$UI_PORT" "$SMTP_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port is already in use: stop what uses it, or set API_PORT, SSH_PORT, SSH_HTTP_PORT, WORKER_HEALTH_PORT, UI_PORT or SMTP_PORT." >&2
    exit 1
  fi
done

echo "[local] building apps (cached after the first run)"
npx nx run-many -t build -p api ssh worker agent ui --outputStyle=static >/dev/null

mkdir -p "$RUN" "$LOGS"
pids=()
start() {
  local name=$1
  shift
  "$@" >"$LOGS/$name.log" 2>&1 &
  pids+=($!)
  echo $! >"$RUN/$name.pid"
}
stop_all() {
  echo
  echo "[local] stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -f "$RUN"/*.pid
}
trap stop_all EXIT
trap 'exit 0' INT TERM

export MONGO_DATABASE="${MONGO_DATABASE:-fleetgate}"
export PLATFORM_KEY_DIR="$ROOT/.data/keys"
DEMO_USER="$(id -un)"
DEMO_KEY="$ROOT/.data/demo/id_ed25519"
mkdir -p "$ROOT/.data/demo"
[ -f "$DEMO_KEY" ] || ssh-keygen -q -t ed25519 -N '' -C fleetgate-demo -f "$DEMO_KEY"
node dist/apps/api/apps/api/src/cli.js seed --username demo --password demo-password --email demo@fleetgate.local \
  --namespace demo --tenant "$DEMO_TENANT_ID" >/dev/null

API_PORT="$API_PORT" PUBLIC_API_ENDPOINT="127.0.0.1:$API_PORT" PUBLIC_SSH_ENDPOINT="127.0.0.1:$SSH_PORT" \
  PUBLIC_TUNNEL_URL="ws://127.0.0.1:$SSH_HTTP_PORT" PUBLIC_UI_URL="http://127.0.0.1:$UI_PORT" start api node dist/apps/api/apps/api/src/main.js
SSH_PORT="$SSH_PORT" SSH_HTTP_PORT="$SSH_HTTP_PORT" SSH_PROCESSES="$SSH_PROCESSES" TUNNEL_PICKUP_HOST=127.0.0.1 \
  TUNNEL_PICKUP_PORT="$SSH_PICKUP_PORT" SSH_HOST_KEY_DIR="$ROOT/.data/ssh" start ssh node dist/apps/ssh/apps/ssh/src/main.js
start mail node scripts/mail-sink.js "$SMTP_PORT" "$LOGS/mail.log"
SMTP_HOST=127.0.0.1 SMTP_PORT="$SMTP_PORT" WORKER_HEALTH_PORT="$WORKER_HEALTH_PORT" start worker node dist/apps/worker/apps/worker/src/main.js
# vite itself, not through npx: npx would be the process stopped at the end, and vite would outlive it.
FLEETGATE_API_URL="http://127.0.0.1:$API_PORT" FLEETGATE_GATEWAY_URL="http://127.0.0.1:$SSH_HTTP_PORT" start ui node_modules/.bin/vite preview --config apps/ui/vite.config.mts --port "$UI_PORT" --strictPort --host 127.0.0.1
start demo-agent node dist/apps/agent/apps/agent/src/main.js \
  --server "http://127.0.0.1:$API_PORT" --tenant-id "$DEMO_TENANT_ID" \
  --private-key "$ROOT/.data/demo-agent/agent.key" --hostname demo-device

wait_for() {
  local url=$1 name=$2
  for _ in $(seq 1 150); do
    if node -e "fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "$url"; then return 0; fi
    sleep 0.2
  done
  echo "[local] $name did not become healthy; see $LOGS/$name.log" >&2
  exit 1
}
wait_for "http://127.0.0.1:$API_PORT/healthcheck" api
wait_for "http://127.0.0.1:$SSH_HTTP_PORT/healthz" ssh
wait_for "http://127.0.0.1:$WORKER_HEALTH_PORT/healthz" worker
wait_for "http://127.0.0.1:$UI_PORT/" ui
node scripts/demo-enrol.js "http://127.0.0.1:$API_PORT" demo-device "$DEMO_KEY.pub"

cat <<INFO

Fleetgate is running (logs in .data/logs/, Ctrl-C stops everything):

  Web UI       http://127.0.0.1:$UI_PORT/
  API          http://127.0.0.1:$API_PORT/  (OpenAPI: http://127.0.0.1:$API_PORT/api/docs)
  E-mails      .data/logs/mail.log (sign-up, recovery, invitation and MFA links land there)
  SSH gateway  127.0.0.1:$SSH_PORT

Sign in to the UI as demo / demo-password. SSH into the demo device (an agent running on this machine):

  ssh -i $DEMO_KEY -p $SSH_PORT $DEMO_USER@demo.demo-device@127.0.0.1

INFO
wait
