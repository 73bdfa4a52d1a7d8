#!/usr/bin/env bash
# Installs the npm dependencies from package-lock.json when node_modules is missing or stale.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$RRM_ROOT"
stamp="node_modules/.package-lock.json"
if [[ ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
  log "installing npm dependencies from package-lock.json"
  # Exactly the committed lock, or a clear failure: npm ci never rewrites it. The lock lists every
  # platform's optional builds (e.g. @swc/core-darwin-*) so that it is in sync on any platform; after
  # changing package.json, `npm install` updates it the same way (docs/operations.md, "Dependencies").
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
