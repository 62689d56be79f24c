#!/usr/bin/env bash
# Production dependencies with a high or critical advisory fail the run (issue 15). When the registry's audit
# endpoint cannot be reached (an offline machine), the check says in capitals that it did NOT run; it then fails
# only where AUDIT_REQUIRED=true (CI with network access), so an offline run is never mistaken for a clean audit.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

report="$(npm audit --omit=dev --audit-level=high --json 2>/dev/null)"
code=$?
summary="$(node -e '
  let report; try { report = JSON.parse(require("fs").readFileSync(0, "utf8")); } catch { console.log("unreadable"); process.exit(); }
  const failure = report.message ?? (report.error ? `${report.error.code ?? ""} ${report.error.summary ?? ""}` : undefined);
  if (failure || !report.metadata) { console.log(`unreachable ${String(failure ?? "no audit metadata").split("\n")[0].trim()}`); process.exit(); }
  const v = report.metadata.vulnerabilities ?? {};
  console.log(`counts critical=${v.critical ?? 0} high=${v.high ?? 0} moderate=${v.moderate ?? 0} low=${v.low ?? 0}`);
' <<<"$report")"

case "$summary" in
  counts*)
    echo "npm audit (production dependencies): ${summary#counts }"
    if [ $code -ne 0 ]; then
      npm audit --omit=dev --audit-level=high 2>/dev/null | head -80
      echo "npm audit: high or critical advisories in production dependencies"
      exit 1
    fi
    ;;
  *)
    echo "npm audit: NOT CHECKED - the registry's audit endpoint could not be reached (${summary#unreachable })."
    echo "npm audit: production dependencies were NOT audited in this run."
    [ "${AUDIT_REQUIRED:-false}" = true ] && exit 1
    ;;
esac
exit 0
