#!/usr/bin/env bash
# The test command (README, .ci/run): lint, then every jest suite against a private PostgreSQL, a
# fresh Temporal dev server and the time-skipping test server. Ends with "N passed, N failed".
# Extra arguments go to jest, e.g. `npm test -- test/unit`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$RRM_ROOT"

# Debian's Chromium for the floor page's browser test, promtool for the alert rules.
out="$(bash scripts/test-tools.sh)"; eval "$out"
export RRM_CHROMIUM RRM_PROMTOOL
start_services --ephemeral
# The tests say every setting themselves: a running main job's settings file is not read.
export RRM_STACK_FILE=''
trap stop_temporal EXIT

# Lint counts as one test: its failure fails the run but does not hide the test results.
extra_failures=0
if [[ $# -eq 0 ]]; then
  log "lint: tsc, eslint, prettier"
  npm run --silent lint || extra_failures=1
fi

results="$STATE_DIR/jest-results.json"
mkdir -p "$STATE_DIR"
rm -f "$results"
set +e
npx jest --json --outputFile="$results" "$@"
status=$?
set -e
finish_jest_run "$results" "$status" "$extra_failures" "the tests"
