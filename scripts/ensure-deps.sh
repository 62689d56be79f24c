#!/usr/bin/env bash
# Installs what the workspace needs on a fresh machine of this kind, idempotently: Debian build tools and the
# OpenSSH client (via services.sh deps), then node_modules from the lockfile when they are missing or stale.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/services.sh deps
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install` honours the lockfile like `npm ci`, but tolerates what the registry reachable here lacks: some
  # packages' optional per-platform builds for other systems (for example @swc/core-darwin-*) at the locked
  # version, which `npm ci` reports as a lockfile mismatch although nothing for this platform is missing.
  echo "[deps] npm install (from package-lock.json)" >&2
  npm install --no-audit --no-fund --loglevel=error
fi
node scripts/check-native.js
