#!/usr/bin/env bash
# Benchmark of the full device path (OpenSSH client -> gateway -> tunnel -> agent -> shell) against direct OpenSSH
# to a local sshd, same cipher, same machine, in one run. Prints figures and ratios; it is not a test.
#
#   bash bench/ssh-path/run.sh            # 1 GiB bulk, 20 connections
#   BYTES=268435456 CONNECTS=10 bash bench/ssh-path/run.sh
#   RECORDING_BYTES=268435456 KEYSTROKES=300 ...   # issue 9: recording on/off, keystroke echo idle and under bulk
#   bash bench/ssh-path/run.sh --json /tmp/ssh-path.json   # also writes the figures as JSON (bench/README.md)
#
# Runs as root (the agent logs in as root, sshd needs root). Everything listens on 127.0.0.1 only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/bench/support/args.sh" "$@"
cd "$ROOT"
export NX_DAEMON=false NX_NO_CLOUD=true

BYTES="${BYTES:-1073741824}"
CONNECTS="${CONNECTS:-20}"
RECORDING_BYTES="${RECORDING_BYTES:-268435456}"
KEYSTROKES="${KEYSTROKES:-300}"
CIPHER="${CIPHER:-aes128-gcm@openssh.com}"
# Both sides are pinned to the same key exchange and host key type: OpenSSH's default post-quantum key exchange
# costs more than the gateway's curve25519, and comparing the two would flatter or wrong one side.
KEX="${KEX:-curve25519-sha256}"
HOSTKEY="${HOSTKEY:-ssh-ed25519}"
[ "$(id -u)" -eq 0 ] || { echo "run as root: the agent and sshd log in as root" >&2; exit 1; }

bench_ensure_deps
bash scripts/services.sh up 2>/dev/null
command -v /usr/sbin/sshd >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null; }
set -a && . .data/services.env && set +a
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  echo "building apps..." >&2
  npx nx run-many -t build -p api ssh agent worker --outputStyle=static >/dev/null
fi
STARTED_AT="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

WORK="$(mktemp -d /tmp/fleetgate-bench.XXXXXX)"
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
API_PORT=$(free_port); SSH_PORT=$(free_port); TUNNEL_PORT=$(free_port); DIRECT_PORT=$(free_port); WORKER_PORT=$(free_port)
export MONGO_DATABASE="bench_ssh_path_$$" PLATFORM_KEY_DIR="$WORK/keys" LOG_LEVEL=warn REDIS_PREFIX="bench_ssh_path_$$"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  node -e "const m=require('mongoose');m.connect(process.env.MONGO_URL,{dbName:process.env.MONGO_DATABASE}).then(()=>m.connection.dropDatabase()).then(()=>m.disconnect())" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

seed=$(node dist/apps/api/apps/api/src/cli.js seed --username bench --password bench-password-1 --email bench@example.test --namespace bench | tail -1)
TENANT=$(node -e "const s=JSON.parse(process.argv[1]);console.log(s.tenant_id??s.tenantId)" "$seed")

API_PORT=$API_PORT PUBLIC_TUNNEL_URL="ws://127.0.0.1:$TUNNEL_PORT" PUBLIC_SSH_ENDPOINT="127.0.0.1:$SSH_PORT" \
  node dist/apps/api/apps/api/src/main.js >"$WORK/api.log" 2>&1 & pids+=($!)
SSH_PORT=$SSH_PORT SSH_HTTP_PORT=$TUNNEL_PORT SSH_HOST_KEY_DIR="$WORK/hostkeys" \
  node dist/apps/ssh/apps/ssh/src/main.js >"$WORK/ssh.log" 2>&1 & pids+=($!)
wait_http() { for _ in $(seq 1 150); do node -e "fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "$1" && return 0; sleep 0.2; done; echo "not ready: $1" >&2; exit 1; }
WORKER_HEALTH_PORT=$WORKER_PORT node dist/apps/worker/apps/worker/src/main.js >"$WORK/worker.log" 2>&1 & pids+=($!)
wait_http "http://127.0.0.1:$API_PORT/healthcheck"
wait_http "http://127.0.0.1:$TUNNEL_PORT/healthz"
wait_http "http://127.0.0.1:$WORKER_PORT/healthz"
node dist/apps/agent/apps/agent/src/main.js --server "http://127.0.0.1:$API_PORT" --tenant-id "$TENANT" \
  --private-key "$WORK/agent.key" --hostname bench-device --log-level warn >"$WORK/agent.log" 2>&1 & pids+=($!)

ssh-keygen -q -t ed25519 -N '' -f "$WORK/id" -C bench
API="http://127.0.0.1:$API_PORT" KEY_PUB="$(cat "$WORK/id.pub")" node -e '
  const api = process.env.API;
  (async () => {
    const login = await (await fetch(`${api}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "bench", password: "bench-password-1" }) })).json();
    const headers = { authorization: `Bearer ${login.token}`, "content-type": "application/json" };
    let device;
    for (let i = 0; i < 100 && !device; i++) {
      const list = await (await fetch(`${api}/api/devices?status=pending`, { headers })).json();
      device = list.find((d) => d.name === "bench-device");
      if (!device) await new Promise((r) => setTimeout(r, 200));
    }
    if (!device) throw new Error("device did not register");
    await fetch(`${api}/api/devices/${device.uid}/accept`, { method: "PATCH", headers });
    const data = Buffer.from(process.env.KEY_PUB).toString("base64");
    const created = await fetch(`${api}/api/sshkeys/public-keys`, { method: "POST", headers, body: JSON.stringify({ data, name: "bench", username: ".*", filter: { hostname: ".*" } }) });
    if (!created.ok) throw new Error(`key: ${created.status}`);
    for (let i = 0; i < 100; i++) {
      const d = await (await fetch(`${api}/api/devices/${device.uid}`, { headers })).json();
      if (d.online) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error("device not online");
  })().catch((e) => { console.error(e.message); process.exit(1); });'

# Direct OpenSSH to a local sshd, as the reference.
mkdir -p /run/sshd # sshd's privilege separation directory
ssh-keygen -q -t ed25519 -N '' -f "$WORK/hostkey"
cp "$WORK/id.pub" "$WORK/authorized_keys"
/usr/sbin/sshd -D -e -f /dev/null -p "$DIRECT_PORT" -o ListenAddress=127.0.0.1 -h "$WORK/hostkey" \
  -o AuthorizedKeysFile="$WORK/authorized_keys" -o StrictModes=no -o PermitRootLogin=prohibit-password \
  -o UsePAM=no -o PidFile=none -o Ciphers="$CIPHER" -o KexAlgorithms="$KEX" -o HostKeyAlgorithms="$HOSTKEY" >"$WORK/sshd.log" 2>&1 & pids+=($!)
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$DIRECT_PORT") 2>/dev/null && break; sleep 0.1; done
(exec 3<>"/dev/tcp/127.0.0.1/$DIRECT_PORT") 2>/dev/null || { cat "$WORK/sshd.log" >&2; exit 1; }

common=(-i "$WORK/id" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -c "$CIPHER"
  -o KexAlgorithms="$KEX" -o HostKeyAlgorithms="$HOSTKEY")
via_gateway=(-p "$SSH_PORT" "${common[@]}" root@bench.bench-device@127.0.0.1)
direct=(-p "$DIRECT_PORT" "${common[@]}" root@127.0.0.1)

now() { date +%s.%N; }
throughput() { # MB/s pushing BYTES through `cat` on the far side
  local start end
  start=$(now)
  head -c "$BYTES" /dev/zero | ssh "$@" 'cat > /dev/null'
  end=$(now)
  node -e "console.log((process.argv[1]/1e6/(process.argv[3]-process.argv[2])).toFixed(1))" "$BYTES" "$start" "$end"
}
connect_ms() { # median wall time of `ssh ... true`
  local times=()
  for _ in $(seq 1 "$CONNECTS"); do
    local start end
    start=$(now); ssh "$@" true; end=$(now)
    times+=("$(node -e "console.log(((process.argv[2]-process.argv[1])*1000).toFixed(1))" "$start" "$end")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
}

negotiated() { # "kex / host key / cipher" as the client's debug log reports them, so the header shows what was compared
  ssh -v "$@" true 2>&1 | awk -F': ' '/kex: algorithm:/ {k=$NF} /kex: host key algorithm:/ {h=$NF} /kex: server->client cipher:/ {if (match($0, /cipher: [^ ]+/)) x=substr($0, RSTART + 8, RLENGTH - 8)} END {print k " / " h " / " x}'
}

echo "warming up..." >&2
ssh "${via_gateway[@]}" true; ssh "${direct[@]}" true
direct_negotiated=$(negotiated "${direct[@]}")
gateway_negotiated=$(negotiated "${via_gateway[@]}")
direct_mbps=$(throughput "${direct[@]}")
gateway_mbps=$(throughput "${via_gateway[@]}")
download_raw() { # MB/s of BYTES the far side writes to the channel without a terminal (the other way of the bulk copy)
  local start end
  start=$(now)
  ssh "$@" "head -c $BYTES /dev/zero" >/dev/null
  end=$(now)
  node -e "console.log((process.argv[1]/1e6/(process.argv[3]-process.argv[2])).toFixed(1))" "$BYTES" "$start" "$end"
}
direct_down_mbps=$(download_raw "${direct[@]}")
gateway_down_mbps=$(download_raw "${via_gateway[@]}")
direct_ms=$(connect_ms "${direct[@]}")
gateway_ms=$(connect_ms "${via_gateway[@]}")

node -e '
  const [bytes, cipher, connects, dm, gm, dc, gc, dn, gn] = process.argv.slice(1);
  console.log(`ssh-path benchmark: ${(bytes / 2 ** 20).toFixed(0)} MiB through cat, ${connects} connections, cipher ${cipher}, ${require("os").cpus().length} cores`);
  console.log(`negotiated (kex / host key / cipher): direct sshd ${dn}; via Fleetgate ${gn}`);
  console.log(`                      direct sshd   via Fleetgate   ratio`);
  const [ddm, gdm] = process.argv.slice(10);
  console.log(`upload (MB/s)      ${dm.padStart(12)}   ${gm.padStart(13)}   ${(gm / dm).toFixed(2)}  (goal >= 0.60)`);
  console.log(`download (MB/s)    ${ddm.padStart(12)}   ${gdm.padStart(13)}   ${(gdm / ddm).toFixed(2)}  (goal >= 0.60)`);
  console.log(`connect p50 (ms)   ${dc.padStart(12)}   ${gc.padStart(13)}   ${(gc / dc).toFixed(2)}  (goal <= 1.00)`);
' "$BYTES" "$CIPHER" "$CONNECTS" "$direct_mbps" "$gateway_mbps" "$direct_ms" "$gateway_ms" "$direct_negotiated" "$gateway_negotiated" "$direct_down_mbps" "$gateway_down_mbps"

# Issue 9: the cost of recording, and keystroke echo with and without a bulk copy in another session.
set_recording() { # on|off, through the API as an owner would
  API="http://127.0.0.1:$API_PORT" TENANT="$TENANT" RECORD="$1" node -e '
    (async () => {
      const api = process.env.API;
      const login = await (await fetch(`${api}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "bench", password: "bench-password-1" }) })).json();
      const response = await fetch(`${api}/api/users/security/${process.env.TENANT}`, { method: "PUT", headers: { authorization: `Bearer ${login.token}`, "content-type": "application/json" }, body: JSON.stringify({ session_record: process.env.RECORD === "on" }) });
      if (!response.ok) throw new Error(`session_record: ${response.status}`);
    })().catch((e) => { console.error(e.message); process.exit(1); });'
}
download() { # MB/s of RECORDING_BYTES the far side writes to a terminal (-tt: what recording records)
  local start end
  start=$(now)
  ssh -tt "$@" "head -c $RECORDING_BYTES /dev/zero" >/dev/null
  end=$(now)
  node -e "console.log((process.argv[1]/1e6/(process.argv[3]-process.argv[2])).toFixed(1))" "$RECORDING_BYTES" "$start" "$end"
}
# Both with a terminal (-tt), as people type and as recording records: the echo comes from the device's pty.
keystrokes() { node bench/ssh-path/keystroke.cjs "$KEYSTROKES" -tt "$@"; }
under_bulk() { # keystrokes while another session of the same path copies without end
  # In a process group of its own (stdin held open by tail, as a person's terminal would be), stopped as a group.
  setsid bash -c 'tail -f /dev/null | ssh -tt "$@" "cat /dev/zero" >/dev/null 2>&1' bulk "$@" & local bulk=$!
  sleep 1
  keystrokes "$@"
  kill -- "-$bulk" 2>/dev/null || true; wait "$bulk" 2>/dev/null || true
}

set_recording off
off_mbps=$(download "${via_gateway[@]}")
off_idle=$(keystrokes "${via_gateway[@]}")
off_bulk=$(under_bulk "${via_gateway[@]}")
set_recording on
on_mbps=$(download "${via_gateway[@]}")
on_idle=$(keystrokes "${via_gateway[@]}")
on_bulk=$(under_bulk "${via_gateway[@]}")
direct_down=$(download "${direct[@]}")
direct_idle=$(keystrokes "${direct[@]}")
direct_bulk=$(under_bulk "${direct[@]}")

node -e '
  const [bytes, off, on, direct, offIdle, offBulk, onIdle, onBulk, directIdle, directBulk, keystrokes] = process.argv.slice(1);
  const split = (pair) => pair.trim().split(/\s+/).map(Number);
  console.log(`recording: ${(bytes / 2 ** 20).toFixed(0)} MiB written by the device to the channel; ${keystrokes} keystrokes per figure`);
  console.log(`download (MB/s): direct sshd ${direct}; via Fleetgate recording off ${off}, on ${on}; on/off ${(on / off).toFixed(2)} (goal >= 0.95)`);
  console.log(`keystroke echo (ms)          p50 idle  p99 idle  p50 bulk  p99 bulk`);
  for (const [name, idle, bulk] of [["direct sshd", directIdle, directBulk], ["Fleetgate, recording off", offIdle, offBulk], ["Fleetgate, recording on", onIdle, onBulk]]) {
    const [a, b] = split(idle); const [c, d] = split(bulk);
    console.log(`${name.padEnd(28)} ${a.toFixed(2).padStart(8)}  ${b.toFixed(2).padStart(8)}  ${c.toFixed(2).padStart(8)}  ${d.toFixed(2).padStart(8)}`);
  }
  console.log("goal: recording on is no worse than recording off");
' "$RECORDING_BYTES" "$off_mbps" "$on_mbps" "$direct_down" "$off_idle" "$off_bulk" "$on_idle" "$on_bulk" "$direct_idle" "$direct_bulk" "$KEYSTROKES"

if [ -n "${BENCH_JSON:-}" ]; then
  node bench/ssh-path/write-results.cjs "$BENCH_JSON" "$STARTED_AT" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    "bytes=$BYTES" "connects=$CONNECTS" "recording_bytes=$RECORDING_BYTES" "keystrokes=$KEYSTROKES" "cipher=$CIPHER" "kex=$KEX" "hostkey=$HOSTKEY" \
    "negotiated_direct=$direct_negotiated" "negotiated_gateway=$gateway_negotiated" \
    "direct_up=$direct_mbps" "gateway_up=$gateway_mbps" "direct_down=$direct_down_mbps" "gateway_down=$gateway_down_mbps" \
    "direct_connect=$direct_ms" "gateway_connect=$gateway_ms" \
    "direct_tty_down=$direct_down" "off_tty_down=$off_mbps" "on_tty_down=$on_mbps" \
    "direct_idle=$direct_idle" "direct_bulk=$direct_bulk" "off_idle=$off_idle" "off_bulk=$off_bulk" "on_idle=$on_idle" "on_bulk=$on_bulk"
  echo "figures written to $BENCH_JSON" >&2
fi
