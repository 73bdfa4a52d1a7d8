#!/usr/bin/env bash
# Installs the npm dependencies from package-lock.json when node_modules is missing or stale.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$RRM_ROOT"
stamp="node_modules/.package-lock.json"
if [[ ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
  log "installing npm dependencies from package-lock.json"
  # npm ci refuses a lock that lacks optional platform builds the registry does not carry (e.g.
  # @swc/core for darwin); npm install takes the same lock and skips them.
  npm ci --no-audit --no-fund --loglevel=error >&2 2>/dev/null ||
    npm install --no-audit --no-fund --loglevel=error >&2
fi
