#!/usr/bin/env bash
# The cluster command (`npm run test:cluster`; .ci/run runs it after `npm test`): the end-to-end suites
# (test/integration) on a fresh self-hosted Temporal cluster (scripts/temporal-cluster.sh --ephemeral:
# four service processes, PostgreSQL persistence and SQL visibility), each stack's worker as two
# worker processes on its task queue, and the cluster's fault cases (test/cluster: a service killed
# with SIGKILL mid-events). Ends with "N passed, N failed". Extra arguments go to jest.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$RRM_ROOT"

# Debian's Chromium for the floor page's browser test, promtool for the alert rules.
out="$(bash scripts/test-tools.sh)"; eval "$out"
export RRM_CHROMIUM RRM_PROMTOOL
TEMPORAL_BACKEND=cluster start_services --ephemeral
# The tests say every setting themselves: a running main job's settings file is not read.
export RRM_STACK_FILE=''
export RRM_TEST_WORKER_PROCESSES="${RRM_TEST_WORKER_PROCESSES:-2}"
trap stop_temporal EXIT

results="$STATE_DIR/jest-cluster-results.json"
mkdir -p "$STATE_DIR"
rm -f "$results"
set +e
npx jest -c jest.cluster.config.js --json --outputFile="$results" "$@"
status=$?
set -e
finish_jest_run "$results" "$status" 0 "the cluster tests"
