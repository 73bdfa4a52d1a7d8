#!/usr/bin/env bash
# Runs every benchmark and prints its figures (not part of the test run). Uses DATABASE_URL and
# TEMPORAL_ADDRESS when set; otherwise starts the private PostgreSQL and a headless Temporal dev
# server of its own (stopped at the end).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$RRM_ROOT"
bash scripts/node-deps.sh
if [[ -z "${DATABASE_URL:-}" ]]; then out="$(bash scripts/postgres.sh start rrm)"; eval "$out"; export DATABASE_URL; fi
if [[ -z "${TEMPORAL_ADDRESS:-}" ]]; then
  out="$(bash scripts/temporal.sh start --ephemeral)"; eval "$out"; export TEMPORAL_ADDRESS
  trap 'bash scripts/temporal.sh stop "$TEMPORAL_SERVER_PID_FILE"' EXIT
fi
for bench in bench/*.bench.ts; do
  npx tsx --expose-gc "$bench"
done
