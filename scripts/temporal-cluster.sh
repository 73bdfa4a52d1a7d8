#!/usr/bin/env bash
# A self-hosted Temporal cluster for this checkout, production-shaped (docs/scaling.md): the server
# built from its Go module, PostgreSQL persistence and SQL visibility on the private PostgreSQL
# (scripts/postgres.sh, or the server of DATABASE_URL), and its four services (frontend, history,
# matching, worker) as separate processes on 127.0.0.1, with the search attributes of
# docs/temporal-contract.md and the dynamic config in config/temporal-cluster.yaml.
#   temporal-cluster.sh build                   build the server, the SQL tool and the Web UI (once)
#   temporal-cluster.sh start [--ephemeral]     start (or reuse) it; prints `export TEMPORAL_ADDRESS=...`
#                                               and TEMPORAL_CLUSTER_DIR, TEMPORAL_UI_URL
#   temporal-cluster.sh stop [DIR]              stop its processes (--ephemeral: drop its databases too)
#   temporal-cluster.sh start-service SVC DIR   start one service again (after a kill), same ports
# The services are configured the way the server's container image is, through the environment
# (DB, POSTGRES_SEEDS, *_GRPC_PORT, ...: DIR/cluster.env), which docker-compose.yml sets the same way.
# Ports: the frontend on TEMPORAL_PORT (default 7233) and the Web UI on TEMPORAL_UI_PORT (default
# 8233) when free, the others free ones, kept across restarts; --ephemeral picks every port free,
# starts no UI, and keeps its databases apart (temporal_<port>), so tests never meet a main job.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SEARCH_ATTRIBUTES=(RrmApId RrmEventType RrmSeverity RrmOutcome RrmStage)
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
SERVICES=(history matching frontend worker)
SHARDS="${TEMPORAL_CLUSTER_SHARDS:-4}"

server_dir="$TOOLS_DIR/temporal-server-v$TEMPORAL_SERVER_VERSION"
ui_dir="$TOOLS_DIR/temporal-ui-server-v$TEMPORAL_UI_SERVER_VERSION"
server_bin="$server_dir/bin/temporal-server"
sql_tool="$server_dir/bin/temporal-sql-tool"
ui_bin="$ui_dir/bin/temporal-ui-server"

# A Go command that can fetch the pinned toolchain (Go >= 1.21); when there is none, the pinned
# toolchain itself, which the Go module proxy serves as the module golang.org/toolchain.
go_command() {
  local go ver
  go="$(command -v go || true)"
  if [[ -n "$go" ]]; then
    ver="$(GOTOOLCHAIN=local "$go" env GOVERSION 2>/dev/null || true)"
    if [[ "$ver" =~ ^go1\.([0-9]+) ]] && (( BASH_REMATCH[1] >= 21 )); then echo "$go"; return; fi
  fi
  local arch dir="$TOOLS_DIR/go-$TEMPORAL_GO_TOOLCHAIN"
  case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; *) die "no Go toolchain for $(uname -m)" ;; esac
  if [[ ! -x "$dir/bin/go" ]]; then
    local module="golang.org/toolchain/@v/v0.0.1-$TEMPORAL_GO_TOOLCHAIN.linux-$arch.zip"
    log "no Go >= 1.21 on this machine: fetching $TEMPORAL_GO_TOOLCHAIN from the Go module proxy"
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    curl -fsSL "https://proxy.golang.org/$module" -o "$dir.tmp/go.zip" || die "could not fetch $module"
    python3 - "$dir.tmp/go.zip" "$dir.tmp" <<'PY' || die "could not unpack the Go toolchain"
import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1]) as z:
    for info in z.infolist():
        # golang.org/toolchain@v0.0.1-goX.linux-ARCH/<path>
        rel = info.filename.split('/', 1)[1] if '/' in info.filename else ''
        if not rel or info.is_dir(): continue
        target = os.path.join(sys.argv[2], 'go', rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, 'wb') as dst: dst.write(src.read())
        mode = (info.external_attr >> 16) & 0o777
        os.chmod(target, mode or (0o755 if '/bin/' in '/' + rel or '/pkg/tool/' in '/' + rel else 0o644))
PY
    rm -rf "$dir" && mv "$dir.tmp/go" "$dir" && rm -rf "$dir.tmp"
  fi
  echo "$dir/bin/go"
}

# go with the pinned toolchain; static binaries (as the server's release builds).
go_pinned() {
  local go
  go="$(go_command)"
  GOTOOLCHAIN="$TEMPORAL_GO_TOOLCHAIN" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -buildvcs=false" "$go" "$@"
}

# The folder a module version was unpacked to in the module cache (downloading it first).
module_dir() {
  go_pinned mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}

build_server() {
  [[ -x "$server_bin" && -x "$sql_tool" && -f "$server_dir/schema/postgresql/v12/temporal/schema.sql" ]] && return 0
  local tmp="$server_dir.tmp" src
  log "building the Temporal server v$TEMPORAL_SERVER_VERSION and its SQL tool (go install; first time only, several minutes)"
  rm -rf "$tmp" && mkdir -p "$tmp/bin"
  GOBIN="$tmp/bin" go_pinned install "go.temporal.io/server/cmd/server@v$TEMPORAL_SERVER_VERSION" \
    "go.temporal.io/server/cmd/tools/sql@v$TEMPORAL_SERVER_VERSION" >&2 || die "the Temporal server build failed"
  mv "$tmp/bin/server" "$tmp/bin/temporal-server"
  mv "$tmp/bin/sql" "$tmp/bin/temporal-sql-tool"
  # The schema the SQL tool applies comes from the same module version, from the module cache.
  src="$(module_dir "go.temporal.io/server@v$TEMPORAL_SERVER_VERSION")"
  [[ -d "$src/schema/postgresql/v12" ]] || die "no schema/postgresql/v12 in the module at '$src'"
  mkdir -p "$tmp/schema/postgresql"
  cp -R "$src/schema/postgresql/v12" "$tmp/schema/postgresql/"
  chmod -R u+w "$tmp/schema"
  rm -rf "$server_dir" && mv "$tmp" "$server_dir"
}

# The Web UI server the CLI's dev server embeds, same version; optional: without it, no UI.
build_ui() {
  [[ -x "$ui_bin" ]] && return 0
  local tmp="$ui_dir.tmp"
  log "building the Temporal Web UI server v$TEMPORAL_UI_SERVER_VERSION (go install; first time only)"
  rm -rf "$tmp" && mkdir -p "$tmp/bin"
  if GOBIN="$tmp/bin" go_pinned install "github.com/temporalio/ui-server/v2/cmd/server@v$TEMPORAL_UI_SERVER_VERSION" >&2; then
    mv "$tmp/bin/server" "$tmp/bin/temporal-ui-server"
    rm -rf "$ui_dir" && mv "$tmp" "$ui_dir"
  else
    rm -rf "$tmp"
    return 1
  fi
}

# `KEY='value'` lines of DIR/cluster.env into this shell, exported.
load_env() {
  [[ -f "$1/cluster.env" ]] || die "no cluster in $1 (no cluster.env)"
  set -a
  # shellcheck disable=SC1091
  source "$1/cluster.env"
  set +a
}

# The process of a pid file runs and is one of ours (below).
pid_alive() { [[ -f "$1" ]] && running "$(cat "$1")"; }
# Process $1 exists and is not a zombie (killed, not yet reaped).
exists() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" && [[ "${stat##*) }" != Z* ]]
}
# Process $1 exists and is one of ours: a server or UI binary of this script, not a process that
# took the pid of a dead one.
running() {
  local cmd
  exists "$1" || return 1
  cmd="$({ tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null)"
  [[ "$cmd" == "$server_bin "* || "$cmd" == "$ui_bin "* ]]
}

start_service() {
  local svc="$1" dir="$2"
  (
    close_inherited_fds
    load_env "$dir"
    # The service, as a container of the server's image runs it: `temporal-server start`.
    TEMPORAL_SERVICES="$svc" exec "$server_bin" start
  ) </dev/null >>"$dir/$svc.log" 2>&1 &
  echo $! >"$dir/$svc.pid"
}

port_of() {
  case "$1" in
    frontend) echo "$FRONTEND_GRPC_PORT" ;;
    history) echo "$HISTORY_GRPC_PORT" ;;
    matching) echo "$MATCHING_GRPC_PORT" ;;
    worker) echo "$WORKER_GRPC_PORT" ;;
  esac
}

healthy() {
  "$TEMPORAL_CLI" operator cluster health --address "$1" 2>/dev/null | grep -q SERVING &&
    "$TEMPORAL_CLI" operator namespace describe --address "$1" --namespace "$NAMESPACE" >/dev/null 2>&1
}

# A service's gRPC port answers, or its process is gone (then fail at once, with its log). Just
# started, the process may still be the shell about to exec the server: it counts as running.
service_up() {
  local svc="$1" dir="$2"
  exists "$(cat "$dir/$svc.pid")" || return 2
  listening "$(port_of "$svc")"
}

wait_service() {
  local svc="$1" dir="$2" start=$SECONDS status
  while :; do
    status=0
    service_up "$svc" "$dir" || status=$?
    (( status == 0 )) && return 0
    if (( status == 2 )); then
      die "the $svc service exited; see $dir/$svc.log"
    fi
    (( SECONDS - start < 120 )) || die "the $svc service did not listen within 120 s; see $dir/$svc.log"
    sleep 0.5
  done
}

sql() { "$sql_tool" --plugin postgres12 --endpoint "$POSTGRES_SEEDS" --port "$DB_PORT" --user "$POSTGRES_USER" \
  --password "$POSTGRES_PWD" "$@"; }

# The persistence and visibility databases, each created, versioned and brought to the schema of
# this server version (the steps of the server's own setup; each is a no-op when already done).
setup_schema() {
  local db dir out
  for pair in "$DBNAME:temporal" "$VISIBILITY_DBNAME:visibility"; do
    db="${pair%%:*}" dir="$server_dir/schema/postgresql/v12/${pair#*:}/versioned"
    out="$(sql --database "$db" create-database 2>&1)" || grep -q "already exists" <<<"$out" ||
      die "creating database $db failed: $out"
    sql --database "$db" setup-schema -v 0.0 >/dev/null 2>&1 || die "setup-schema of $db failed"
    out="$(sql --database "$db" update-schema -d "$dir" 2>&1)" || die "update-schema of $db failed: $out"
  done
}

# The namespace, then the search attributes it lacks (each step retried while the cluster settles).
register_namespace() {
  local address="$1"
  namespace_ready() {
    "$TEMPORAL_CLI" operator namespace describe --address "$address" --namespace "$NAMESPACE" >/dev/null 2>&1 ||
      "$TEMPORAL_CLI" operator namespace create --address "$address" --namespace "$NAMESPACE" --retention 72h
  }
  attributes_ready() {
    local listed missing=() args=() sa
    listed="$("$TEMPORAL_CLI" operator search-attribute list --address "$address" --namespace "$NAMESPACE")" || return 1
    for sa in "${SEARCH_ATTRIBUTES[@]}"; do grep -qw "$sa" <<<"$listed" || missing+=("$sa"); done
    (( ${#missing[@]} )) || return 0
    for sa in "${missing[@]}"; do args+=(--name "$sa"); done
    "$TEMPORAL_CLI" operator search-attribute create --address "$address" --namespace "$NAMESPACE" \
      --type Keyword "${args[@]}" >&2
    return 1 # listed again on the next round
  }
  # A query by a search attribute works once the frontend knows them all (every service reads them
  # from the namespace, which each refreshes every few seconds).
  attributes_known() {
    local sa
    for sa in "${SEARCH_ATTRIBUTES[@]}"; do
      "$TEMPORAL_CLI" workflow count --address "$address" --namespace "$NAMESPACE" --query "$sa = 'x'" ||
        return 1
    done
  }
  wait_for 60 namespace_ready || die "could not register namespace $NAMESPACE"
  wait_for 60 attributes_ready || die "could not register the search attributes ${SEARCH_ATTRIBUTES[*]}"
  wait_for 30 attributes_known || die "the frontend does not know the search attributes"
  sleep 3 # the other services' namespace caches
}

# The services' settings, as the server's container image takes them (docker-compose.yml), for the
# PostgreSQL of DATABASE_URL. With "reuse", the ports already loaded (load_env) are kept.
write_env() {
  local dir="$1" db_suffix="$2" frontend_port="$3" reuse="${4:-}"
  [[ "$DATABASE_URL" =~ ^postgres(ql)?://([^:@/]+)(:([^@]*))?@([^:/]+):([0-9]+)/ ]] ||
    die "DATABASE_URL is not postgres://user[:password]@host:port/db: $DATABASE_URL"
  local user="${BASH_REMATCH[2]}" password="${BASH_REMATCH[4]}" host="${BASH_REMATCH[5]}" port="${BASH_REMATCH[6]}"
  local names=(FRONTEND_HTTP_PORT FRONTEND_MEMBERSHIP_PORT HISTORY_GRPC_PORT HISTORY_MEMBERSHIP_PORT
    MATCHING_GRPC_PORT MATCHING_MEMBERSHIP_PORT WORKER_GRPC_PORT WORKER_MEMBERSHIP_PORT)
  local p=() i
  for i in 1 2 3 4 5 6 7 8; do
    if [[ -n "$reuse" ]]; then p[i]="${!names[i - 1]}"; continue; fi
    p[i]="$(free_port)"
    # free_port only checks the port is free: keep the eight apart from each other too.
    while [[ " ${p[*]:0:i-1} $frontend_port " == *" ${p[i]} "* ]]; do p[i]="$(free_port)"; done
  done
  cat >"$dir/cluster.env" <<EOF
DB='postgres12'
POSTGRES_SEEDS='$host'
DB_PORT='$port'
POSTGRES_USER='$user'
POSTGRES_PWD='$password'
DBNAME='temporal$db_suffix'
VISIBILITY_DBNAME='temporal_visibility$db_suffix'
NUM_HISTORY_SHARDS='$SHARDS'
BIND_ON_IP='127.0.0.1'
TEMPORAL_BROADCAST_ADDRESS='127.0.0.1'
FRONTEND_GRPC_PORT='$frontend_port'
FRONTEND_HTTP_PORT='${p[1]}'
FRONTEND_MEMBERSHIP_PORT='${p[2]}'
HISTORY_GRPC_PORT='${p[3]}'
HISTORY_MEMBERSHIP_PORT='${p[4]}'
MATCHING_GRPC_PORT='${p[5]}'
MATCHING_MEMBERSHIP_PORT='${p[6]}'
WORKER_GRPC_PORT='${p[7]}'
WORKER_MEMBERSHIP_PORT='${p[8]}'
DYNAMIC_CONFIG_FILE_PATH='$RRM_ROOT/config/temporal-cluster.yaml'
LOG_LEVEL='${TEMPORAL_CLUSTER_LOG_LEVEL:-warn}'
TEMPORAL_ALLOW_NO_AUTH='true'
EOF
}

# Every port of the saved settings is free (or the cluster is still partly up: it is stopped first).
ports_free() {
  local var
  for var in FRONTEND_GRPC_PORT FRONTEND_HTTP_PORT FRONTEND_MEMBERSHIP_PORT HISTORY_GRPC_PORT \
    HISTORY_MEMBERSHIP_PORT MATCHING_GRPC_PORT MATCHING_MEMBERSHIP_PORT WORKER_GRPC_PORT WORKER_MEMBERSHIP_PORT; do
    ! listening "${!var}" || return 1
  done
}

start_ui() {
  local dir="$1" port="$2"
  mkdir -p "$dir/ui/config"
  # base.yaml of the UI server: this cluster's frontend, loopback only, no login (this machine only).
  cat >"$dir/ui/config/base.yaml" <<EOF
temporalGrpcAddress: 127.0.0.1:$FRONTEND_GRPC_PORT
host: 127.0.0.1
port: $port
enableUi: true
defaultNamespace: $NAMESPACE
hideLogs: true
cors:
  allowOrigins: ['http://localhost:$port', 'http://127.0.0.1:$port']
EOF
  : >"$dir/ui/config/cluster.yaml"
  (close_inherited_fds && exec "$ui_bin" --root "$dir/ui" --config config --env cluster start) </dev/null >>"$dir/ui.log" 2>&1 &
  echo $! >"$dir/ui.pid"
  wait_for 30 listening "$port" || { log "the Web UI did not start; see $dir/ui.log"; return 1; }
}

start() {
  local ephemeral=false
  [[ "${1:-}" == "--ephemeral" ]] && ephemeral=true
  local tools
  tools="$(bash "$RRM_ROOT/scripts/install-tools.sh")"; eval "$tools"
  build_server
  if [[ -z "${DATABASE_URL:-}" ]]; then
    local out
    out="$(bash "$RRM_ROOT/scripts/postgres.sh" start rrm)"; eval "$out"
  fi
  local dir frontend_port suffix="" ui_port=""
  if $ephemeral; then
    frontend_port="$(free_port)"
    dir="$STATE_DIR/temporal-cluster-$frontend_port"
    suffix="_$frontend_port"
    rm -rf "$dir" && mkdir -p "$dir" && touch "$dir/ephemeral"
    write_env "$dir" "$suffix" "$frontend_port"
  else
    dir="$STATE_DIR/temporal-cluster"
    mkdir -p "$dir"
    local reuse=""
    if [[ -f "$dir/cluster.env" ]]; then
      load_env "$dir"
      local address="127.0.0.1:$FRONTEND_GRPC_PORT" all=true svc
      for svc in "${SERVICES[@]}"; do pid_alive "$dir/$svc.pid" || all=false; done
      if $all && healthy "$address"; then
        log "Temporal cluster already running at $address"
        print_exports "$dir"
        return
      fi
      stop "$dir" keep
      if ports_free; then reuse=yes; else log "a port of the cluster's last run is taken: new ports"; fi
    fi
    if [[ -n "$reuse" ]]; then frontend_port="$FRONTEND_GRPC_PORT"; else
      frontend_port="$(port_or_free "${TEMPORAL_PORT:-7233}")"
    fi
    write_env "$dir" "" "$frontend_port" "$reuse"
  fi
  load_env "$dir"
  # A start that fails half-way leaves no process behind (nor, --ephemeral, its databases).
  CLEANUP_DIR="$dir" CLEANUP_MODE="$($ephemeral || echo keep)"
  trap 'if [[ -n "${CLEANUP_DIR:-}" ]]; then failed_start "$CLEANUP_DIR" "$CLEANUP_MODE"; fi' EXIT
  log "setting up the cluster's databases ($DBNAME, $VISIBILITY_DBNAME) on $POSTGRES_SEEDS:$DB_PORT"
  setup_schema
  log "starting the Temporal cluster at 127.0.0.1:$FRONTEND_GRPC_PORT: ${SERVICES[*]} (separate processes), $SHARDS history shards"
  local svc
  # The first one alone: each service writes the cluster's metadata at its first start, and on a
  # fresh database two doing it at once make one of them exit.
  start_service "${SERVICES[0]}" "$dir"
  wait_service "${SERVICES[0]}" "$dir"
  for svc in "${SERVICES[@]:1}"; do start_service "$svc" "$dir"; done
  for svc in "${SERVICES[@]:1}"; do wait_service "$svc" "$dir"; done
  local address="127.0.0.1:$FRONTEND_GRPC_PORT"
  wait_for 120 "$TEMPORAL_CLI" operator cluster health --address "$address" ||
    die "the cluster's frontend did not become healthy; see $dir/frontend.log"
  register_namespace "$address"
  if ! $ephemeral; then
    ui_port="$(port_or_free "${TEMPORAL_UI_PORT:-8233}")"
    if build_ui && start_ui "$dir" "$ui_port"; then echo "http://localhost:$ui_port" >"$dir/ui-url"; else
      log "no Web UI for the cluster (its build or start failed): use the temporal CLI"
      rm -f "$dir/ui-url"
    fi
  fi
  CLEANUP_DIR=""
  print_exports "$dir"
}

# A start that failed: what each service logged last, then nothing left running.
failed_start() {
  local log
  for log in "$1"/*.log; do
    [[ -s "$log" ]] || continue
    printf '[rrm] the last lines of %s:\n' "$log" >&2
    tail -n 15 "$log" | cut -c1-400 >&2
  done
  stop "$1" "$2"
}

print_exports() {
  local dir="$1"
  echo "export TEMPORAL_ADDRESS='127.0.0.1:$FRONTEND_GRPC_PORT'"
  echo "export TEMPORAL_CLUSTER_DIR='$dir'"
  echo "export TEMPORAL_UI_URL='$(cat "$dir/ui-url" 2>/dev/null || true)'"
}

# Ends one process of the cluster: SIGTERM, then SIGKILL after 20 s.
end_process() {
  local pid_file="$1" pid
  [[ -f "$pid_file" ]] || return 0
  pid="$(cat "$pid_file")"
  # Ours (checked once: an exiting process's command line reads empty), then until it is gone.
  if running "$pid" && kill "$pid" 2>/dev/null; then
    for _ in {1..40}; do exists "$pid" || break; sleep 0.5; done
    exists "$pid" && kill -9 "$pid" 2>/dev/null
  fi
  rm -f "$pid_file"
}

stop() {
  local dir="${1:-$STATE_DIR/temporal-cluster}" keep="${2:-}"
  [[ -d "$dir" ]] || return 0
  local f
  end_process "$dir/ui.pid"
  # The frontend first (no new calls), the history service last (it owns the shards).
  for f in frontend worker matching history; do end_process "$dir/$f.pid"; done
  # A Go process's main thread is gone before its other threads have closed its sockets.
  if [[ -f "$dir/cluster.env" ]]; then load_env "$dir"; wait_for 10 ports_free || true; fi
  if [[ -f "$dir/ephemeral" && -z "$keep" ]]; then
    load_env "$dir"
    sql --database "$DBNAME" drop-database --force >/dev/null 2>&1 || true
    sql --database "$VISIBILITY_DBNAME" drop-database --force >/dev/null 2>&1 || true
    rm -rf "$dir"
  fi
}

case "${1:-start}" in
  build)
    build_server
    build_ui || log "the Web UI server did not build: the cluster runs without a UI"
    ;;
  start) shift || true; start "$@" ;;
  stop) shift || true; stop "$@" ;;
  start-service)
    [[ $# -eq 3 ]] || die "usage: temporal-cluster.sh start-service SERVICE DIR"
    load_env "$3"
    pid_alive "$3/$2.pid" && die "the $2 service of $3 is still running"
    start_service "$2" "$3"
    wait_service "$2" "$3"
    ;;
  *) die "usage: temporal-cluster.sh build | start [--ephemeral] | stop [DIR] | start-service SERVICE DIR" ;;
esac
