#!/usr/bin/env bash
# The main job (README): Temporal dev server with the Web UI on :8233, PostgreSQL, migrations, the
# simulator with its built-in scenario, a worker, the HTTP ingest, the sensing bridge and the story
# that drives the floor. Runs until stopped;
# `npm start -- --duration 120` runs two minutes and prints a summary.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$RRM_ROOT"

start_services

# Development audit keys, made once per checkout; production passes its own (README "Audit").
keys="$STATE_DIR/audit-keys.json"
if [[ -z "${RRM_AUDIT_HMAC_KEYS:-}${RRM_AUDIT_HMAC_KEYS_FILE:-}" ]]; then
  if [[ ! -s "$keys" ]]; then
    node -e 'const c=require("crypto");const k=c.randomBytes(32).toString("base64");console.log(JSON.stringify({activeKeyId:"dev-1",keys:{"dev-1":k}}))' >"$keys"
    chmod 600 "$keys"
  fi
  export RRM_AUDIT_HMAC_KEYS_FILE="$keys"
fi

# Development checkpoint key (Ed25519) and the folder outside the database the checkpoints go to.
checkpoint_keys="$STATE_DIR/audit-checkpoint-keys.json"
if [[ -z "${RRM_AUDIT_CHECKPOINT_KEYS:-}${RRM_AUDIT_CHECKPOINT_KEYS_FILE:-}" ]]; then
  if [[ ! -s "$checkpoint_keys" ]]; then
    node -e 'const c=require("crypto");const {privateKey}=c.generateKeyPairSync("ed25519");
      const k=privateKey.export({type:"pkcs8",format:"der"}).toString("base64");
      console.log(JSON.stringify({activeKeyId:"dev-cp-1",keys:{"dev-cp-1":k}}))' >"$checkpoint_keys"
    chmod 600 "$checkpoint_keys"
  fi
  export RRM_AUDIT_CHECKPOINT_KEYS_FILE="$checkpoint_keys"
fi
export RRM_AUDIT_CHECKPOINT_DIR="${RRM_AUDIT_CHECKPOINT_DIR:-$STATE_DIR/audit-checkpoints}"
export RRM_AUDIT_CHECKPOINT_INTERVAL_MS="${RRM_AUDIT_CHECKPOINT_INTERVAL_MS:-60000}"
mkdir -p "$RRM_AUDIT_CHECKPOINT_DIR"

# The worker's Prometheus metrics (README "Worker metrics"), on 9464 unless it is taken.
export RRM_METRICS_PORT="${RRM_METRICS_PORT:-$(port_or_free 9464)}"

npx tsx db/migrate.ts
exec npx tsx scripts/main-job.ts "$@"
