/** What `GET /install` fills into the installer it serves. */
export interface InstallScriptValues {
  /** The namespace the device joins; empty when the request named none (then TENANT_ID must be set on the device). */
  tenantId: string;
  /** The platform's address as the agent dials it (`https://fleet.example.com`). */
  serverAddress: string;
  image: string;
  /** Empty when the platform offers no package to download. */
  packageUrl: string;
}

/** A shell word that stays one literal word whatever it holds. */
function quoted(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The installer `GET /install` and `GET /install.sh` serve (docs/agent-packaging.md, "Installing from the server"):
 * a POSIX sh script that detects the architecture, then installs the agent as a systemd service (through the
 * package's own `deploy/install.sh`, so both routes lay the agent out the same way) or as a container. ShellHub's
 * one-liner sets TENANT_ID and SERVER_ADDRESS in the environment; they win over the values filled in here.
 */
export function renderInstallScript(values: InstallScriptValues): string {
  // Only for the comment lines: a configured address must never start a line of its own.
  const shownServer = values.serverAddress.replace(/[^\w.:/@[\]-]/g, '');
  return `#!/bin/sh
# Fleetgate agent installer, served by the Fleetgate API with the namespace and the server filled in. As root:
#
#   curl -fsSL '${shownServer}/install.sh?tenant_id=<tenant id>' | sh
#   curl -fsSL '${shownServer}/install.sh?tenant_id=<tenant id>' | sh -s -- --method container
#
# Run with --help for the options.
set -eu

tenant=${quoted(values.tenantId)}
server=${quoted(values.serverAddress)}
image=${quoted(values.image)}
package_url=${quoted(values.packageUrl)}
# Set apart from the values above on purpose: inside "\${X:-…}" quotes would be kept as characters of the value.
[ -z "\${TENANT_ID:-}" ] || tenant="$TENANT_ID"
[ -z "\${SERVER_ADDRESS:-}" ] || server="$SERVER_ADDRESS"
[ -z "\${FLEETGATE_AGENT_IMAGE:-}" ] || image="$FLEETGATE_AGENT_IMAGE"
[ -z "\${FLEETGATE_PACKAGE_URL:-}" ] || package_url="$FLEETGATE_PACKAGE_URL"

usage() {
  cat <<'USAGE'
Installs the Fleetgate agent on this device, as a systemd service or as a container.

Options:
  --method auto|systemd|container  auto (default): systemd where systemd runs, else a container where Docker runs
  --package FILE                   the agent package (fleetgate-agent-<version>.tgz) instead of downloading it
  --root DIR                       systemd only: lay everything out under DIR and start nothing
  --no-apt                         never install Debian packages (Node.js, the compiler for node-pty)
  --no-start                       lay everything out but do not start the agent
  --dry-run                        print what would run, and stop

Environment: TENANT_ID and SERVER_ADDRESS override the namespace and server filled in; FLEETGATE_AGENT_IMAGE and
FLEETGATE_PACKAGE_URL the container image and the package's address.
USAGE
}

say() { printf 'fleetgate-agent install: %s\\n' "$*"; }
die() { printf 'fleetgate-agent install: %s\\n' "$*" >&2; exit 1; }

method=auto package="" root="" apt=yes start=yes dry_run=no
while [ $# -gt 0 ]; do
  case "$1" in
    --method) [ $# -ge 2 ] || die "--method needs a value"; method="$2"; shift 2 ;;
    --package) [ $# -ge 2 ] || die "--package needs a file"; package="$2"; shift 2 ;;
    --root) [ $# -ge 2 ] || die "--root needs a folder"; root="$2"; shift 2 ;;
    --no-apt) apt=no; shift ;;
    --no-start) start=no; shift ;;
    --dry-run) dry_run=yes; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

# The architecture as ShellHub names it, the name the agent reports in info.arch and the images are tagged for.
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  armv7l | armv8l) arch=armv7 ;;
  armv6l) arch=armv6 ;;
  i386 | i686) arch=i386 ;;
  *) arch="$(uname -m)" ;;
esac
say "this device is linux/$arch"

case "$tenant" in
  "") die "no namespace: fetch this script with ?tenant_id=<tenant id>, or set TENANT_ID" ;;
  *[!0-9A-Za-z-]*) die "TENANT_ID must be a tenant id (letters, digits and dashes)" ;;
esac
case "$server" in
  http://* | https://*) ;;
  *) die "SERVER_ADDRESS must be an http:// or https:// address (got '$server')" ;;
esac

case "$method" in
  auto)
    if [ -n "$root" ] || [ -d /run/systemd/system ]; then method=systemd
    elif command -v docker >/dev/null 2>&1; then method=container
    else die "neither systemd nor Docker runs here: install Docker, or run the agent by hand (docs/agent-packaging.md)"
    fi ;;
  systemd | container) ;;
  *) die "--method must be auto, systemd or container" ;;
esac
say "installing as a $method for namespace $tenant on $server"

if [ "$method" = container ]; then
  case "$arch" in
    amd64 | arm64 | armv7) ;;
    *) die "the agent's image is built for amd64, arm64 and armv7, not $arch: use --method systemd" ;;
  esac
  [ -z "$root" ] || die "--root applies to --method systemd only"
  # Host networking: the device is reached as this host, and the container's name is the host's name. The key, the
  # device's identity, lives on a named volume so that a re-install keeps the same device.
  set -- docker run -d --name fleetgate-agent --restart unless-stopped --network host \\
    -e "FLEETGATE_SERVER_ADDRESS=$server" -e "FLEETGATE_TENANT_ID=$tenant" \\
    -e "FLEETGATE_PREFERRED_HOSTNAME=$(hostname)" \\
    -v fleetgate-agent:/var/lib/fleetgate-agent "$image"
  if [ "$dry_run" = yes ]; then
    say "would run: $*"
    exit 0
  fi
  command -v docker >/dev/null 2>&1 || die "Docker is not installed here"
  if docker inspect fleetgate-agent >/dev/null 2>&1; then
    say "replacing the existing fleetgate-agent container (its key volume is kept)"
    docker rm -f fleetgate-agent >/dev/null
  fi
  [ "$start" = yes ] || { say "not started (--no-start): $*"; exit 0; }
  "$@" >/dev/null
  say "started: docker logs -f fleetgate-agent"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -z "$package" ]; then
  [ -n "$package_url" ] || die "this server names no agent package to download: pass --package fleetgate-agent-<version>.tgz"
  package="$work/fleetgate-agent.tgz"
  say "downloading $package_url"
  if [ "$dry_run" = yes ]; then :
  elif command -v curl >/dev/null 2>&1; then curl -fsSL -o "$package" "$package_url" || die "could not download $package_url"
  elif command -v wget >/dev/null 2>&1; then wget -q -O "$package" "$package_url" || die "could not download $package_url"
  else die "curl or wget is needed to download the agent"
  fi
fi
set -- --package "$package" --tenant-id "$tenant" --server-address "$server"
[ -z "$root" ] || set -- "$@" --root "$root"
[ "$apt" = yes ] || set -- "$@" --no-apt
[ "$start" = yes ] || set -- "$@" --no-start
if [ "$dry_run" = yes ]; then
  say "would run the package's deploy/install.sh $*"
  exit 0
fi
[ -f "$package" ] || die "no agent package at $package"
tar -xzf "$package" -C "$work" fleetgate-agent/deploy/install.sh 2>/dev/null ||
  die "$package is not an agent package (no fleetgate-agent/deploy/install.sh)"
sh "$work/fleetgate-agent/deploy/install.sh" "$@"
`;
}
