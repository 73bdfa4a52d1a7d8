#!/usr/bin/env bash
# The scale-out figure (`npm run bench:cluster`, docs/scaling.md): bench/scale-out.bench.ts on a fresh
# self-hosted Temporal cluster (scripts/temporal-cluster.sh --ephemeral, stopped at the end) and the
# private PostgreSQL (or DATABASE_URL). Not part of the test run.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$RRM_ROOT"
TEMPORAL_BACKEND=cluster start_services --ephemeral
trap stop_temporal EXIT
npx tsx --expose-gc bench/scale-out.bench.ts
