#!/usr/bin/env bash
# The test command (README, .ci/run): lint, then every jest suite against a private PostgreSQL, a
# fresh Temporal dev server and the time-skipping test server. Ends with "N passed, N failed".
# Extra arguments go to jest, e.g. `npm test -- test/unit`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$RRM_ROOT"

start_services --ephemeral
trap 'bash scripts/temporal.sh stop "$TEMPORAL_SERVER_PID_FILE"' EXIT

# Lint counts as one test: its failure fails the run but does not hide the test results.
lint_failed=0
if [[ $# -eq 0 ]]; then
  log "lint: tsc, eslint, prettier"
  npm run --silent lint || lint_failed=1
fi

results="$STATE_DIR/jest-results.json"
mkdir -p "$STATE_DIR"
rm -f "$results"
set +e
npx jest --json --outputFile="$results" "$@"
status=$?
set -e
if [[ -s "$results" ]]; then
  node -e 'const r=require(process.argv[1]); const lint=Number(process.argv[2]);
    if (lint) console.error("[rrm] lint failed (counted as one failed test)");
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests + lint} failed`)' "$results" "$lint_failed"
else
  echo "0 passed, $((1 + lint_failed)) failed"
  status=1
fi
(( lint_failed == 0 )) || status=1
exit $status
