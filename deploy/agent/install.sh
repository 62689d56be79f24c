#!/bin/sh
# Installs the Fleetgate agent on a device as a systemd service, from its plain package (fleetgate-agent-<v>.tgz,
# `npx nx run agent:package`) on the device's own Node.js 18 or later: Raspberry Pi OS and Debian 12 ship Node 18.
#
#   sh install.sh --package fleetgate-agent-0.1.0.tgz --tenant-id <tenant> --server-address https://fleet.example.com
#
# Options:
#   --package FILE          the agent package (required)
#   --tenant-id ID          written to /etc/fleetgate/agent.env (required unless that file exists)
#   --server-address URL    the same; the platform's address
#   --root DIR              install under DIR instead of / (a staging folder: nothing is started)
#   --no-apt                never install Debian packages (Node.js, the compiler for node-pty)
#   --no-start              lay everything out but do not enable or start the service
#
# node-pty, which gives sessions their terminals, ships no Linux prebuilds: when its binding does not load here,
# the installer compiles it on the device (Debian's build-essential and libnode-dev, about 10 s on a Pi 4) and says
# so. Should that fail, the agent still runs; sessions then get no terminal, and the agent says why.
set -eu

package="" tenant="" server="" root="" apt=yes start=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --package) package="$2"; shift 2 ;;
    --tenant-id) tenant="$2"; shift 2 ;;
    --server-address) server="$2"; shift 2 ;;
    --root) root="${2%/}"; shift 2 ;;
    --no-apt) apt=no; shift ;;
    --no-start) start=no; shift ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

say() { printf 'fleetgate-agent install: %s\n' "$*"; }
die() { printf 'fleetgate-agent install: %s\n' "$*" >&2; exit 1; }
[ -n "$package" ] && [ -f "$package" ] || die "--package must name the agent package (fleetgate-agent-<version>.tgz)"
[ -n "$root" ] && { apt=no; start=no; }

# The architecture as ShellHub names it, the same name the agent reports in info.arch.
case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  armv7l) arch=armv7 ;;
  armv6l) arch=armv6 ;;
  i386 | i686) arch=i386 ;;
  *) arch="$(uname -m)" ;;
esac
say "this device is linux/$arch"

apt_install() {
  [ "$apt" = yes ] || return 1
  command -v apt-get >/dev/null || return 1
  say "installing Debian packages: $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}

node="$(command -v node || true)"
if [ -z "$node" ]; then
  apt_install nodejs || die "Node.js 18 or later is needed: apt-get install nodejs"
  node="$(command -v node)"
fi
node_major="$("$node" -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 18 ] || die "Node.js $("$node" --version) is too old: the agent needs 18 or later"
say "using Node.js $("$node" --version) at $node"

lib="$root/usr/local/lib/fleetgate-agent"
say "unpacking the agent into $lib"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
tar -xzf "$package" -C "$staging"
[ -f "$staging/fleetgate-agent/package.json" ] || die "$package is not an agent package (no fleetgate-agent/package.json)"
mkdir -p "$(dirname "$lib")"
rm -rf "$lib.new" && mv "$staging/fleetgate-agent" "$lib.new"
# Keep a node-pty binding built by an earlier install when it still loads with this Node.
if [ -f "$lib/node_modules/node-pty/build/Release/pty.node" ] &&
  "$node" -e 'require(process.argv[1])' "$lib/node_modules/node-pty" 2>/dev/null; then
  cp "$lib/node_modules/node-pty/build/Release/pty.node" "$lib.new/node_modules/node-pty/build/Release/pty.node"
fi
rm -rf "$lib" && mv "$lib.new" "$lib"

if "$node" -e 'require(process.argv[1])' "$lib/node_modules/node-pty" 2>/dev/null; then
  say "node-pty loads: sessions get terminals"
else
  say "node-pty has no prebuilt binding for linux/$arch with Node $("$node" --version): building it on this device"
  if ! command -v g++ >/dev/null || ! { [ -f /usr/include/node/node_api.h ] || [ -f "$(dirname "$(dirname "$(readlink -f "$node")")")/include/node/node_api.h" ]; }; then
    apt_install build-essential libnode-dev || say "cannot install build-essential and libnode-dev here"
  fi
  if NODE="$node" "$lib/bin/fleetgate-agent-build-pty"; then
    say "node-pty built: sessions get terminals"
  else
    say "WARNING: node-pty could not be built; the agent runs, but sessions get no terminal (commands, scp, sftp and forwarding work)"
  fi
fi

mkdir -p "$root/usr/local/bin"
ln -sf ../lib/fleetgate-agent/bin/fleetgate-agent "$root/usr/local/bin/fleetgate-agent"
ln -sf ../lib/fleetgate-agent/bin/fleetgate-agent-build-pty "$root/usr/local/bin/fleetgate-agent-build-pty"
"$node" "$lib/bin/fleetgate-agent" --version >/dev/null || die "the installed agent does not start: $node $lib/bin/fleetgate-agent --version"

env_file="$root/etc/fleetgate/agent.env"
if [ -f "$env_file" ]; then
  say "keeping the existing $env_file"
else
  [ -n "$tenant" ] || die "--tenant-id is needed (no $env_file yet)"
  [ -n "$server" ] || die "--server-address is needed (no $env_file yet)"
  mkdir -p "$(dirname "$env_file")"
  umask 077
  {
    echo "# Written by install.sh; see deploy/agent/agent.env.example for every setting."
    echo "FLEETGATE_SERVER_ADDRESS=$server"
    echo "FLEETGATE_TENANT_ID=$tenant"
    echo "FLEETGATE_PRIVATE_KEY=/var/lib/fleetgate-agent/agent.key"
  } >"$env_file"
  umask 022
  say "wrote $env_file"
fi

unit="$root/etc/systemd/system/fleetgate-agent.service"
mkdir -p "$(dirname "$unit")"
cp "$lib/deploy/fleetgate-agent.service" "$unit"
chmod 0644 "$unit"
say "installed $unit"

if [ "$start" = yes ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable --now fleetgate-agent
  say "started: journalctl -u fleetgate-agent -f"
else
  say "not started here; on the device: systemctl daemon-reload && systemctl enable --now fleetgate-agent"
fi
