#!/usr/bin/env bash
# Generates the UI's API types from the OpenAPI document the API builds in code (no server, database or port):
#   scripts/api-client.sh write   rewrites apps/ui/src/api/openapi.json and fleetgate-api.generated.ts
#   scripts/api-client.sh check   fails, naming the fix, when the committed files differ from what the API describes
# Expects the api built (dist/apps/api); the Nx targets ui:api-client and ui:check-api-client build it first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET=apps/ui/src/api
mode="${1:-write}"

generate() {
  local out=$1
  mkdir -p "$out"
  node dist/apps/api/apps/api/src/openapi-document.js "$out/openapi.json"
  npx openapi-typescript "$out/openapi.json" -o "$out/fleetgate-api.generated.ts" >/dev/null
}

case "$mode" in
  write) generate "$TARGET" ;;
  check)
    scratch="$(mktemp -d)"
    trap 'rm -rf "$scratch"' EXIT
    generate "$scratch"
    for file in openapi.json fleetgate-api.generated.ts; do
      if ! cmp -s "$scratch/$file" "$TARGET/$file"; then
        diff -u "$TARGET/$file" "$scratch/$file" | head -40 >&2 || true
        echo "$TARGET/$file is stale: the API's routes changed. Run: npx nx run ui:api-client, and commit the result." >&2
        exit 1
      fi
    done
    echo "the UI's API client matches the API's OpenAPI document"
    ;;
  *) echo "usage: $0 write|check" >&2; exit 2 ;;
esac
