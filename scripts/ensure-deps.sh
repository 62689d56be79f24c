#!/usr/bin/env bash
# Installs what the workspace needs on a fresh machine of this kind, idempotently: Debian build tools and the
# OpenSSH client (via services.sh deps), then node_modules from the lockfile when they are missing or stale.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/services.sh deps
# The lockfile's hash, not its modification time, says whether node_modules is stale: a fresh checkout or a git
# worktree sharing another checkout's node_modules has a newer lockfile file with the same content.
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
installed_hash_file=node_modules/.fleetgate-lockfile-sha256
if [ ! -f node_modules/.package-lock.json ] || [ "$(cat "$installed_hash_file" 2>/dev/null)" != "$lock_hash" ]; then
  # `npm install` honours the lockfile like `npm ci`, but tolerates what the registry reachable here lacks: some
  # packages' optional per-platform builds for other systems (for example @swc/core-darwin-*) at the locked
  # version, which `npm ci` reports as a lockfile mismatch although nothing for this platform is missing.
  echo "[deps] npm install (from package-lock.json)" >&2
  npm install --no-audit --no-fund --loglevel=error
  echo "$lock_hash" >"$installed_hash_file"
fi
node scripts/check-native.js
