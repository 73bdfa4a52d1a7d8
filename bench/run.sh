#!/usr/bin/env bash
# Runs every benchmark and prints its figures (not part of the test run).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$RRM_ROOT"
bash scripts/node-deps.sh
if [[ -z "${DATABASE_URL:-}" ]]; then out="$(bash scripts/postgres.sh start rrm)"; eval "$out"; export DATABASE_URL; fi
for bench in bench/*.bench.ts; do
  npx tsx "$bench"
done
