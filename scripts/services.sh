#!/usr/bin/env bash
# Starts, stops and reports the services Fleetgate needs locally and in tests, idempotently:
#   - a MongoDB-compatible server: $MONGO_URL if set; else `mongod` from the PATH; else FerretDB (SQLite backend),
#     built once into a per-user cache outside the clone so fresh clones (CI) reuse it;
#     FLEETGATE_DB=ferretdb-pg runs FerretDB on this machine's PostgreSQL instead, on a port of its own (27018), so it
#     can run beside the SQLite one; the fleet tests and benchmarks use it (see docs/adr/0005-presence-in-redis.md);
#   - Redis: $REDIS_URL if set; else the server on 127.0.0.1:6379 if it answers; else Debian's redis-server;
#   - stripe-mock, Stripe's official mock API server, for the billing tests (no test reaches the real Stripe):
#     $STRIPE_MOCK_URL if set; else the server on 127.0.0.1:12111 if it answers; else stripe-mock installed once with
#     `go install` into the same per-user cache as FerretDB, and started on loopback.
#   - helm, for the Helm chart's test (deploy/test/helm-chart.spec.ts): installed once, pinned, with `go install` into
#     the same per-user cache; `scripts/services.sh helm` prints its path (installing it first if needed).
# It writes the URLs to .data/services.env, which the apps' local runner and the test harness read.
#
# Usage: scripts/services.sh up|down|status|deps|database-url|helm
#   database-url starts only the database (if needed) and prints its URL, leaving .data/services.env alone: the
#   fleet benchmark runs `FLEETGATE_DB=ferretdb-pg scripts/services.sh database-url`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/.data"
CACHE="${FLEETGATE_CACHE:-$HOME/.cache/fleetgate}"
FERRETDB_VERSION="v1.24.2"
FERRETDB_BIN="$CACHE/bin/ferretdb-$FERRETDB_VERSION"
DATABASE_KIND="${FLEETGATE_DB:-ferretdb-sqlite}"
case "$DATABASE_KIND" in
  ferretdb-sqlite) DEFAULT_MONGO_PORT=27017 ;;
  ferretdb-pg) DEFAULT_MONGO_PORT=27018 ;;
  *) echo "FLEETGATE_DB must be ferretdb-sqlite or ferretdb-pg, not $DATABASE_KIND" >&2; exit 2 ;;
esac
MONGO_PORT="${FLEETGATE_MONGO_PORT:-$DEFAULT_MONGO_PORT}"
# FerretDB's PostgreSQL backend: the local server (trust auth), a database of its own, and a connection pool larger
# than the most statements one write command carries (MAX_STATEMENTS_PER_WRITE in libs/server/data-access): FerretDB
# hangs on a write whose statements outnumber its pool.
POSTGRES_HOST="${FLEETGATE_PG_HOST:-127.0.0.1}"
POSTGRES_PORT="${FLEETGATE_PG_PORT:-5432}"
POSTGRES_USER="${FLEETGATE_PG_USER:-postgres}"
POSTGRES_DATABASE="${FLEETGATE_PG_DATABASE:-fleetgate_ferretdb}"
FERRETDB_PG_POOL="${FLEETGATE_PG_POOL:-50}"
REDIS_PORT="${FLEETGATE_REDIS_PORT:-6379}"
STRIPE_MOCK_VERSION="v0.203.0"
STRIPE_MOCK_BIN="$CACHE/bin/stripe-mock-$STRIPE_MOCK_VERSION"
STRIPE_MOCK_PORT="${FLEETGATE_STRIPE_MOCK_PORT:-12111}"
SERVICES_ENV="$DATA/services.env"
HELM_VERSION="v3.22.0"
HELM_BIN="$CACHE/bin/helm-$HELM_VERSION"

log() { printf '[services] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() {
  local port=$1 name=$2
  for _ in $(seq 1 100); do
    port_open "$port" && return 0
    sleep 0.1
  done
  log "$name did not start listening on 127.0.0.1:$port; see $DATA/$name.log"
  return 1
}

apt_install() {
  # Installs Debian packages that are missing, once; apt's index is refreshed only when something must be installed.
  local missing=()
  for package in "$@"; do dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

deps() {
  # Native modules (ssh2's crypto binding, node-pty) compile with these; the OpenSSH client runs the e2e tests.
  command -v python3 >/dev/null && command -v make >/dev/null && command -v g++ >/dev/null || apt_install python3 make g++
  command -v ssh >/dev/null && command -v scp >/dev/null && command -v sftp >/dev/null || apt_install openssh-client
  # The agent serves SFTP by running the system's sftp-server, as sshd does; the e2e tests run an agent here.
  [ -x /usr/lib/openssh/sftp-server ] || apt_install openssh-sftp-server
  # setpriv switches the agent's children to the target user with their supplementary groups.
  command -v setpriv >/dev/null || apt_install util-linux
  # The e2e tests drive dynamic forwarding (ssh -D) with curl as the SOCKS client.
  command -v curl >/dev/null || apt_install curl
  # The UI's browser tests drive Debian's Chromium through playwright-core (no browser download).
  [ -x /usr/bin/chromium ] || apt_install chromium
}

ferretdb_binary() {
  if [ -x "$FERRETDB_BIN" ]; then echo "$FERRETDB_BIN"; return; fi
  command -v go >/dev/null || { log "Go is needed once to build FerretDB $FERRETDB_VERSION"; exit 1; }
  log "building FerretDB $FERRETDB_VERSION into $CACHE/bin (once per machine)"
  local build="$CACHE/ferretdb-build"
  rm -rf "$build" && mkdir -p "$build" "$CACHE/bin"
  # The module pins FerretDB and every dependency (go.sum); see scripts/tools/ferretdb/README.md for why this
  # is a vendored build and not `go install ...@v1.24.2`.
  cp "$ROOT/scripts/tools/ferretdb/go.mod" "$ROOT/scripts/tools/ferretdb/go.sum" "$build/"
  (
    cd "$build"
    GOFLAGS=-mod=mod go mod vendor
    echo "$FERRETDB_VERSION" > vendor/github.com/FerretDB/FerretDB/build/version/version.txt
    go build -mod=vendor -trimpath -o "$FERRETDB_BIN.tmp" github.com/FerretDB/FerretDB/cmd/ferretdb
  )
  mv "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
  rm -rf "$build"
  echo "$FERRETDB_BIN"
}

postgres_database() {
  command -v psql >/dev/null || apt_install postgresql-client
  local psql=(psql -h "$POSTGRES_HOST" -p "$POSTGRES_PORT" -U "$POSTGRES_USER" -d postgres -v ON_ERROR_STOP=1 -qtA)
  if ! "${psql[@]}" -c 'select 1' >/dev/null 2>&1 && command -v pg_ctlcluster >/dev/null && [ "$POSTGRES_HOST:$POSTGRES_PORT" = 127.0.0.1:5432 ]; then
    # This machine's own server, installed but stopped (as after a restart): start its clusters, as the machine does.
    local version
    for version in $(ls /etc/postgresql 2>/dev/null); do
      log "starting PostgreSQL $version"
      pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
    done
    for _ in $(seq 1 50); do "${psql[@]}" -c 'select 1' >/dev/null 2>&1 && break; sleep 0.2; done
  fi
  if ! "${psql[@]}" -c 'select 1' >/dev/null 2>&1; then
    log "PostgreSQL does not answer on $POSTGRES_HOST:$POSTGRES_PORT as $POSTGRES_USER (FLEETGATE_PG_* set where it is)"
    exit 1
  fi
  if [ "$("${psql[@]}" -c "select 1 from pg_database where datname = '$POSTGRES_DATABASE'")" != "1" ]; then
    log "creating PostgreSQL database $POSTGRES_DATABASE for FerretDB"
    "${psql[@]}" -c "create database \"$POSTGRES_DATABASE\"" >/dev/null
  fi
  # FerretDB's filters reach PostgreSQL as JSON containment, which scans; PostgreSQL then forks parallel workers for
  # every scan, which on a machine of two cores only adds process start-ups to each query under load.
  "${psql[@]}" -c "alter database \"$POSTGRES_DATABASE\" set max_parallel_workers_per_gather = 0" >/dev/null
  # FerretDB 1.24 can leave a query running after its client went away (a benchmark stopped mid-cursor); a database
  # drop then waits for that query's lock for ever, and every statement after it queues behind the drop. With a lock
  # timeout the drop fails instead (the test database lingers) and nothing else waits.
  "${psql[@]}" -c "alter database \"$POSTGRES_DATABASE\" set lock_timeout = '30s'" >/dev/null
}

ferretdb_pg_up() {
  local binary
  binary="$(ferretdb_binary)"
  postgres_database
  mkdir -p "$DATA/mongo-pg"
  log "starting FerretDB $FERRETDB_VERSION (PostgreSQL $POSTGRES_DATABASE, pool $FERRETDB_PG_POOL) on 127.0.0.1:$MONGO_PORT"
  setsid nohup "$binary" --handler=postgresql \
    --postgresql-url="postgres://$POSTGRES_USER@$POSTGRES_HOST:$POSTGRES_PORT/$POSTGRES_DATABASE?pool_max_conns=$FERRETDB_PG_POOL" \
    --listen-addr="127.0.0.1:$MONGO_PORT" --state-dir="$DATA/mongo-pg" --debug-addr=- --telemetry=disable \
    --log-level=warn >"$DATA/ferretdb-pg.log" 2>&1 &
  echo $! > "$DATA/ferretdb-pg.pid"
}

mongo_up() {
  if [ -n "${MONGO_URL:-}" ]; then echo "$MONGO_URL"; return; fi
  local url="mongodb://127.0.0.1:$MONGO_PORT/"
  if port_open "$MONGO_PORT"; then echo "$url"; return; fi
  if [ "$DATABASE_KIND" = ferretdb-pg ]; then
    ferretdb_pg_up
    wait_for_port "$MONGO_PORT" ferretdb-pg
    echo "$url"
    return
  fi
  mkdir -p "$DATA/mongo"
  if command -v mongod >/dev/null; then
    log "starting mongod on 127.0.0.1:$MONGO_PORT"
    mongod --bind_ip 127.0.0.1 --port "$MONGO_PORT" --dbpath "$DATA/mongo" --fork --logpath "$DATA/mongod.log" >/dev/null
  else
    local binary
    binary="$(ferretdb_binary)"
    log "starting FerretDB $FERRETDB_VERSION (SQLite) on 127.0.0.1:$MONGO_PORT"
    setsid nohup "$binary" --handler=sqlite --sqlite-url="file:$DATA/mongo/" --listen-addr="127.0.0.1:$MONGO_PORT" \
      --state-dir="$DATA/mongo" --debug-addr=- --telemetry=disable --log-level=warn \
      >"$DATA/ferretdb.log" 2>&1 &
    echo $! > "$DATA/ferretdb.pid"
  fi
  wait_for_port "$MONGO_PORT" ferretdb
  echo "$url"
}

redis_up() {
  if [ -n "${REDIS_URL:-}" ]; then echo "$REDIS_URL"; return; fi
  local url="redis://127.0.0.1:$REDIS_PORT"
  if port_open "$REDIS_PORT"; then echo "$url"; return; fi
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p "$DATA/redis"
  log "starting redis-server on 127.0.0.1:$REDIS_PORT"
  # noeviction: queued jobs must never be evicted under memory pressure; AOF keeps lockouts across restarts.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$DATA/redis" --appendonly yes \
    --maxmemory-policy noeviction --daemonize yes --pidfile "$DATA/redis.pid" --logfile "$DATA/redis.log"
  wait_for_port "$REDIS_PORT" redis
  echo "$url"
}

stripe_mock_binary() {
  if [ -x "$STRIPE_MOCK_BIN" ]; then echo "$STRIPE_MOCK_BIN"; return; fi
  command -v go >/dev/null || { log "Go is needed once to install stripe-mock $STRIPE_MOCK_VERSION"; exit 1; }
  log "installing stripe-mock $STRIPE_MOCK_VERSION into $CACHE/bin (once per machine)"
  local build="$CACHE/stripe-mock-build"
  rm -rf "$build" && mkdir -p "$build" "$CACHE/bin"
  # A versioned `go install` resolves the module and its go.sum through the module proxy, outside any work tree.
  GOBIN="$build" go install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION" >&2
  mv "$build/stripe-mock" "$STRIPE_MOCK_BIN"
  rm -rf "$build"
  echo "$STRIPE_MOCK_BIN"
}

stripe_mock_up() {
  if [ -n "${STRIPE_MOCK_URL:-}" ]; then echo "$STRIPE_MOCK_URL"; return; fi
  local url="http://127.0.0.1:$STRIPE_MOCK_PORT"
  if port_open "$STRIPE_MOCK_PORT"; then echo "$url"; return; fi
  local binary
  binary="$(stripe_mock_binary)"
  log "starting stripe-mock $STRIPE_MOCK_VERSION on 127.0.0.1:$STRIPE_MOCK_PORT"
  # HTTP only, on loopback: the tests point the stripe library at it with protocol http.
  setsid nohup "$binary" -http-addr "127.0.0.1:$STRIPE_MOCK_PORT" >"$DATA/stripe-mock.log" 2>&1 &
  echo $! > "$DATA/stripe-mock.pid"
  wait_for_port "$STRIPE_MOCK_PORT" stripe-mock
  echo "$url"
}

helm_binary() {
  if [ -x "$HELM_BIN" ]; then echo "$HELM_BIN"; return; fi
  command -v go >/dev/null || { log "Go is needed once to install helm $HELM_VERSION"; exit 1; }
  log "installing helm $HELM_VERSION into $CACHE/bin (once per machine; compiling it takes minutes)"
  local build="$CACHE/helm-build-$$"
  rm -rf "$build" && mkdir -p "$build" "$CACHE/bin"
  GOBIN="$build" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
  mv "$build/helm" "$HELM_BIN"
  rm -rf "$build"
  echo "$HELM_BIN"
}

up() {
  mkdir -p "$DATA"
  deps
  local mongo redis stripe_mock
  mongo="$(mongo_up)"
  redis="$(redis_up)"
  stripe_mock="$(stripe_mock_up)"
  local next
  next="$(printf 'MONGO_URL=%s\nREDIS_URL=%s\nSTRIPE_MOCK_URL=%s\n' "$mongo" "$redis" "$stripe_mock")"
  if [ ! -f "$SERVICES_ENV" ] || [ "$(cat "$SERVICES_ENV")" != "$next" ]; then
    printf '%s\n' "$next" > "$SERVICES_ENV"
  fi
  log "database: $mongo"
  log "redis:    $redis"
  log "stripe-mock: $stripe_mock"
}

stop_pid_file() {
  local file=$1 name=$2
  [ -f "$file" ] || return 0
  local pid
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$file"
}

down() {
  # Stops only what this script started (by the pid files it wrote), never a server someone else runs.
  stop_pid_file "$DATA/ferretdb.pid" ferretdb
  stop_pid_file "$DATA/ferretdb-pg.pid" ferretdb-pg
  stop_pid_file "$DATA/redis.pid" redis
  stop_pid_file "$DATA/stripe-mock.pid" stripe-mock
  if [ -f "$DATA/mongo/mongod.lock" ] && command -v mongod >/dev/null; then
    mongod --dbpath "$DATA/mongo" --shutdown >/dev/null 2>&1 || true
  fi
}

status() {
  local state=0
  if port_open "$MONGO_PORT" || [ -n "${MONGO_URL:-}" ]; then log "database: up"; else log "database: down"; state=1; fi
  if port_open "$REDIS_PORT" || [ -n "${REDIS_URL:-}" ]; then log "redis:    up"; else log "redis:    down"; state=1; fi
  if port_open "$STRIPE_MOCK_PORT" || [ -n "${STRIPE_MOCK_URL:-}" ]; then log "stripe-mock: up"; else log "stripe-mock: down"; state=1; fi
  [ -f "$SERVICES_ENV" ] && cat "$SERVICES_ENV"
  return $state
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  deps) deps ;;
  database-url) mkdir -p "$DATA" && mongo_up ;;
  helm) helm_binary ;;
  *) echo "usage: $0 up|down|status|deps|database-url|helm" >&2; exit 2 ;;
esac
