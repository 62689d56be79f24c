#!/usr/bin/env bash
# The one command that runs every test: installs what is missing, starts the services, lints, type-checks,
# builds, runs every project's tests against the real services, and ends with the line "N passed, N failed".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true FORCE_COLOR=0

step() { printf '\n==> %s\n' "$*"; }

started_here=false
[ -f .data/ferretdb.pid ] || [ -f .data/redis.pid ] || started_here=true

step "dependencies"
bash scripts/ensure-deps.sh || exit 1

step "services"
bash scripts/services.sh up || exit 1
# The Helm chart's test runs helm; installed (compiled once per machine) before the tests, so no test waits on Go.
bash scripts/services.sh helm >/dev/null || echo "helm could not be installed: the Helm chart's test will fail"

status=0
step "lint and type-check"
npx nx run-many -t lint typecheck --parallel=2 --outputStyle=stream || status=1

step "build"
npx nx run-many -t build --parallel=2 --outputStyle=stream || status=1

step "tests"
rm -rf .test-results && mkdir -p .test-results
npx nx run-many -t test --parallel=2 --outputStyle=stream || status=1

step "secrets in the logs of the apps the tests started"
node scripts/scan-app-logs.js .test-results/app-logs || status=1

step "production dependencies: no high or critical advisory"
bash scripts/audit-deps.sh || status=1

step "SBOM (CycloneDX)"
npx cyclonedx-npm --omit dev --output-format JSON --output-file .test-results/sbom.cdx.json >/dev/null \
  && echo "SBOM written to .test-results/sbom.cdx.json" || status=1

if [ "${CI:-}" = "true" ] && [ "$started_here" = true ]; then
  bash scripts/services.sh down || true
fi

step "summary"
projects="$(npx nx show projects --with-target test | tr '\n' ' ')"
node scripts/summarize-tests.js .test-results $projects || status=1
exit $status
