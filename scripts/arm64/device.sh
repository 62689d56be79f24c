#!/usr/bin/env bash
# An emulated arm64 Debian 12 device for the agent's tests, with nothing changed host-wide:
#   - Debian's own arm64 packages (scripts/arm64/packages.lock: bash, coreutils, util-linux, perl-base,
#     openssh-sftp-server, nodejs 18 and their libraries, g++-12 and Node's headers), fetched once from the mirror
#     into ~/.cache/fleetgate/arm64 (checked against their SHA-256) and unpacked with `dpkg -x` into a root folder;
#   - programs run chrooted there, inside a private user and mount namespace that registers qemu-aarch64 in its own
#     binfmt_misc instance (Linux 6.7 and later), so every program the agent starts (bash, uname, sftp-server) is
#     the arm64 one too: with plain `qemu-aarch64-static -L <root>` the agent's children were the host's x86-64 ones.
#
# Usage:
#   scripts/arm64/device.sh check                 exit 0 when this machine can run it; else prints why and exits 3
#   scripts/arm64/device.sh prepare               fetch and unpack (cached), print the root folder
#   scripts/arm64/device.sh pty <package-dir>     node-pty compiled for arm64 inside the device (cached), print its path
#   scripts/arm64/device.sh run [--bind HOST:DEVICE[:ro]]... -- COMMAND...
#                                                 run COMMAND in the device; HOST paths appear at DEVICE paths
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOCK="$HERE/packages.lock"
CACHE="${FLEETGATE_CACHE_DIR:-$HOME/.cache/fleetgate}/arm64"
MIRROR="${FLEETGATE_DEBIAN_MIRROR:-http://deb.debian.org}"
QEMU=/usr/bin/qemu-aarch64-static
# The ELF header of an aarch64 executable and its mask, as Debian's qemu-user-static registers it.
BINFMT_MAGIC='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
BINFMT_MASK='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'

log() { printf '[arm64] %s\n' "$*" >&2; }
lock_key() { sha256sum "$LOCK" | cut -c1-12; }
ROOTFS="$CACHE/rootfs-$(lock_key)"

ensure_qemu() {
  [ -x "$QEMU" ] && return 0
  [ "$(id -u)" -eq 0 ] || return 1
  log "installing Debian's qemu-user-static (once per machine)"
  { apt-get install -y -qq --no-install-recommends qemu-user-static >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends qemu-user-static >/dev/null 2>&1; }; } || true
  [ -x "$QEMU" ]
}

check() {
  if ! ensure_qemu; then echo "qemu-user-static is not installed and cannot be installed here"; return 3; fi
  if ! unshare --user --map-root-user --mount true 2>/dev/null; then echo "user namespaces are not available"; return 3; fi
  local probe
  probe="$(mktemp -d)"
  if ! unshare --user --map-root-user --mount bash -c "mount -t binfmt_misc binfmt_misc '$probe'" 2>/dev/null; then
    rmdir "$probe"
    echo "binfmt_misc cannot be mounted in a user namespace (needs Linux 6.7 or later; this is $(uname -r))"
    return 3
  fi
  rmdir "$probe"
}

fetch() {
  mkdir -p "$CACHE/debs"
  local path sum file
  while read -r path sum; do
    case "$path" in '#'* | '') continue ;; esac
    file="$CACHE/debs/${path##*/}"
    if [ ! -f "$file" ]; then
      curl -fsSL --retry 3 -o "$file.part" "$MIRROR/$path" || { log "could not fetch $MIRROR/$path"; rm -f "$file.part"; return 1; }
      mv "$file.part" "$file"
    fi
    if [ "$(sha256sum "$file" | cut -d' ' -f1)" != "$sum" ]; then
      log "checksum mismatch for $path: removed, run again"
      rm -f "$file"
      return 1
    fi
  done <"$LOCK"
}

prepare() {
  if [ -f "$ROOTFS/.complete" ]; then echo "$ROOTFS"; return; fi
  log "fetching the pinned arm64 packages into $CACHE/debs"
  fetch
  log "unpacking them into $ROOTFS"
  rm -rf "$ROOTFS.tmp" && mkdir -p "$ROOTFS.tmp"
  local path sum
  while read -r path sum; do
    case "$path" in '#'* | '') continue ;; esac
    dpkg -x "$CACHE/debs/${path##*/}" "$ROOTFS.tmp"
  done <"$LOCK"
  (
    cd "$ROOTFS.tmp"
    mkdir -p dev proc sys tmp root run var/tmp opt/fleetgate-agent var/lib/fleetgate-agent
    chmod 1777 tmp var/tmp
    chmod 0700 root
    printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >etc/passwd
    printf 'root:x:0:\nnogroup:x:65534:\n' >etc/group
    printf 'root:*:19000:0:99999:7:::\n' >etc/shadow && chmod 0600 etc/shadow
    printf '127.0.0.1 localhost\n' >etc/hosts
    mkdir -p run/binfmt
  )
  mv "$ROOTFS.tmp" "$ROOTFS"
  # The dynamic linker's cache, made by the device's own ldconfig.
  run_in_device call -- /sbin/ldconfig
  touch "$ROOTFS/.complete"
  echo "$ROOTFS"
}

# run_in_device exec|call [--bind HOST:DEVICE[:ro]]... -- COMMAND...
# `exec` replaces this script, so that a signal to it reaches the device's processes through unshare.
run_in_device() {
  local how="$1"
  shift
  local binds=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --bind) binds+=("$2"); shift 2 ;;
      --) shift; break ;;
      *) break ;;
    esac
  done
  local binfmt="$ROOTFS/run/binfmt"
  local prefix=()
  [ "$how" = exec ] && prefix=(exec)
  # The child gets SIGTERM when unshare dies, so stopping this script stops the agent.
  "${prefix[@]}" unshare --user --map-root-user --mount --propagation private --fork --kill-child=SIGTERM \
    env ROOTFS="$ROOTFS" BINFMT="$binfmt" QEMU="$QEMU" MAGIC="$BINFMT_MAGIC" MASK="$BINFMT_MASK" \
    bash -c '
      set -euo pipefail
      mount -t binfmt_misc binfmt_misc "$BINFMT"
      # F: the kernel opens qemu now, so it need not exist inside the chroot.
      printf ":fleetgate-aarch64:M::%s:%s:%s:F" "$MAGIC" "$MASK" "$QEMU" >"$BINFMT/register"
      mount --rbind /dev "$ROOTFS/dev"
      mount --rbind /proc "$ROOTFS/proc"
      mount -t tmpfs tmpfs "$ROOTFS/tmp" && chmod 1777 "$ROOTFS/tmp"
      for bind in "$@"; do
        case "$bind" in --) break ;; esac
        IFS=: read -r host device mode <<<"$bind"
        [ -d "$host" ] && mkdir -p "$ROOTFS$device" || { mkdir -p "$(dirname "$ROOTFS$device")"; [ -e "$ROOTFS$device" ] || : >"$ROOTFS$device"; }
        mount --bind "$host" "$ROOTFS$device"
        [ "$mode" = ro ] && mount -o remount,bind,ro "$ROOTFS$device"
      done
      while [ $# -gt 0 ] && [ "$1" != -- ]; do shift; done
      shift
      exec chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
    ' device "${binds[@]}" -- "$@"
}

# pty PACKAGE-DIR: node-pty's binding for arm64, compiled inside the device with the package's own build script (the
# installer's route on a Pi), cached by the packages and node-pty's source.
pty() {
  local package="$1"
  local key
  key="$( (cat "$LOCK" "$package/node_modules/node-pty/src/unix/pty.cc" "$package/node_modules/node-addon-api/package.json" "$package/bin/fleetgate-agent-build-pty") | sha256sum | cut -c1-16)"
  local cached="$CACHE/pty-$key.node"
  if [ -f "$cached" ]; then echo "$cached"; return; fi
  prepare >/dev/null
  local work
  work="$(mktemp -d "${TMPDIR:-/tmp}/fleetgate-pty-build.XXXXXX")"
  mkdir -p "$work/bin" "$work/node_modules"
  cp "$package/bin/fleetgate-agent-build-pty" "$work/bin/"
  cp -r "$package/node_modules/node-pty" "$package/node_modules/node-addon-api" "$work/node_modules/"
  rm -rf "$work/node_modules/node-pty/build"
  log "compiling node-pty for arm64 inside the emulated device (once; about a minute)"
  local started=$SECONDS
  (run_in_device call --bind "$work:/opt/pty-build" -- /bin/sh -c 'NODE=/usr/bin/node CXX=g++-12 /opt/pty-build/bin/fleetgate-agent-build-pty') >&2
  log "node-pty compiled in $((SECONDS - started)) s"
  cp "$work/node_modules/node-pty/build/Release/pty.node" "$cached.tmp" && mv "$cached.tmp" "$cached"
  rm -rf "$work"
  echo "$cached"
}

case "${1:-}" in
  check) check ;;
  prepare) prepare ;;
  pty) shift; pty "$(cd "$1" && pwd)" ;;
  run) shift; [ -f "$ROOTFS/.complete" ] || { log "not prepared: run $0 prepare"; exit 1; }; run_in_device exec "$@" ;;
  *) sed -n '2,18p' "$0" >&2; exit 2 ;;
esac
