#!/usr/bin/env bash
# The main job (README): Temporal dev server with the Web UI on :8233, PostgreSQL, migrations, the
# simulator with its built-in scenario, a worker, the HTTP ingest (and its floor page, /ui/), the
# sensing bridge and the story that drives the floor. Runs until stopped;
# `npm start -- --duration 120` runs two minutes and prints a summary. With TEMPORAL_BACKEND=cluster,
# on the self-hosted Temporal cluster instead (scripts/temporal-cluster.sh, docs/scaling.md).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$RRM_ROOT"

start_services

# Development audit keys (HMAC, checkpoint), made once per checkout unless given (scripts/dev-keys.sh),
# and the folder outside the database the checkpoints go to.
keys="$(bash scripts/dev-keys.sh)"; eval "$keys"
export RRM_AUDIT_CHECKPOINT_DIR="${RRM_AUDIT_CHECKPOINT_DIR:-$STATE_DIR/audit-checkpoints}"
export RRM_AUDIT_CHECKPOINT_INTERVAL_MS="${RRM_AUDIT_CHECKPOINT_INTERVAL_MS:-60000}"
mkdir -p "$RRM_AUDIT_CHECKPOINT_DIR"

# The worker's Prometheus metrics (docs/operator-surfaces.md, "Worker metrics"), on 9464 unless taken.
export RRM_METRICS_PORT="${RRM_METRICS_PORT:-$(port_or_free 9464)}"

# The floor page links to the Web UI this Temporal came with, unless told another.
if [[ -n "${TEMPORAL_UI_URL:-}" ]]; then export RRM_TEMPORAL_UI_URL="${RRM_TEMPORAL_UI_URL:-$TEMPORAL_UI_URL}"; fi

npx tsx db/migrate.ts
exec npx tsx scripts/main-job.ts "$@"
