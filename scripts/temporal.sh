#!/usr/bin/env bash
# The Temporal CLI's dev server for this checkout, with the search attributes of docs/temporal-contract.md.
#   temporal.sh start [--ephemeral]   start (or reuse) it; history kept in .local/temporal.db
#                                     unless --ephemeral; prints `export TEMPORAL_ADDRESS=...`
#                                     (and TEMPORAL_UI_URL, empty with --ephemeral)
#   temporal.sh stop
# Ports: TEMPORAL_PORT (default 7233) and TEMPORAL_UI_PORT (default 8233); --ephemeral picks free
# ports and no UI, so tests never collide with a running main job.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tools="$(bash "$RRM_ROOT/scripts/install-tools.sh")"; eval "$tools"

SEARCH_ATTRIBUTES=(RrmApId RrmEventType RrmSeverity RrmOutcome RrmStage)
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"

start() {
  local ephemeral=false port ui_port name
  [[ "${1:-}" == "--ephemeral" ]] && ephemeral=true
  if $ephemeral; then
    port="$(free_port)"; name="temporal-test-$port"
  else
    port="${TEMPORAL_PORT:-7233}"; ui_port="${TEMPORAL_UI_PORT:-8233}"; name="temporal"
  fi
  mkdir -p "$STATE_DIR"
  local address="127.0.0.1:$port"
  if ! $ephemeral && healthy "$address"; then
    log "Temporal dev server already running at $address"
  else
    local args=(server start-dev --ip 127.0.0.1 --port "$port" --namespace "$NAMESPACE" --log-level warn
      # Task priority (docs/temporal-contract.md) needs the priority-aware matcher.
      --dynamic-config-value matching.useNewMatcher=true
      # An in-process client starts events eagerly on its worker (docs/event-lifecycle.md).
      --dynamic-config-value system.enableEagerWorkflowStart=true)
    for sa in "${SEARCH_ATTRIBUTES[@]}"; do args+=(--search-attribute "$sa=Keyword"); done
    if $ephemeral; then
      args+=(--headless)
    else
      args+=(--ui-port "$ui_port" --db-filename "$STATE_DIR/temporal.db")
    fi
    log "starting Temporal dev server at $address"
    (close_inherited_fds && exec nohup "$TEMPORAL_CLI" "${args[@]}") </dev/null >"$STATE_DIR/$name.log" 2>&1 &
    echo $! >"$STATE_DIR/$name.pid"
    wait_for 90 healthy "$address" || die "Temporal dev server did not become healthy; see $STATE_DIR/$name.log"
  fi
  echo "export TEMPORAL_ADDRESS='$address'"
  echo "export TEMPORAL_SERVER_PID_FILE='$STATE_DIR/$name.pid'"
  if $ephemeral; then echo "export TEMPORAL_UI_URL=''"; else echo "export TEMPORAL_UI_URL='http://localhost:$ui_port'"; fi
}

healthy() {
  "$TEMPORAL_CLI" operator namespace describe --address "$1" --namespace "$NAMESPACE" >/dev/null 2>&1
}

stop() {
  local pid_file="${1:-$STATE_DIR/temporal.pid}"
  [[ -f "$pid_file" ]] && kill "$(cat "$pid_file")" 2>/dev/null || true
  rm -f "$pid_file"
}

case "${1:-start}" in
  start) shift || true; start "$@" ;;
  stop) shift || true; stop "$@" ;;
  *) die "usage: temporal.sh start [--ephemeral] | stop [PID_FILE]" ;;
esac
