#!/usr/bin/env bash
# What only the tests need from Debian (idempotent), and `export` lines saying where it is:
#   RRM_CHROMIUM   Debian's Chromium, driven headless by the floor page's browser test
#                  (test/integration/floor-page.test.ts); installed with apt-get when missing.
#   RRM_PROMTOOL   promtool from Debian's prometheus package, which checks ops/prometheus/ rules
#                  (test/integration/ops-files.test.ts). The package is not installed: that would
#                  start a Prometheus server. Its .deb is fetched with apt-get and only promtool is
#                  unpacked into .tools/. Empty when it cannot be had; that one check then says why
#                  it is skipped.
# Both come from Debian's archive, like PostgreSQL (scripts/postgres.sh): no browser build or binary
# is ever downloaded from anywhere else.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

apt_updated=false
apt_update() {
  $apt_updated && return 0
  apt-get update -qq >&2 && apt_updated=true
}

chromium() {
  local bin=/usr/bin/chromium
  if [[ ! -x "$bin" ]]; then
    [[ $(id -u) -eq 0 ]] || die "Chromium is not installed; run: sudo apt-get install -y $CHROMIUM_PACKAGE"
    log "installing Chromium from Debian's packages"
    apt_update && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "$CHROMIUM_PACKAGE" >&2 || die "could not install $CHROMIUM_PACKAGE with apt-get"
  fi
  echo "$bin"
}

promtool() {
  local found version dir tmp
  found="$(ls -d "$TOOLS_DIR"/prometheus-*/usr/bin/promtool 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$found" && -x "$found" ]]; then echo "$found"; return; fi
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then command -v promtool || true; return; fi
  apt_update || return 0
  version="$(apt-cache policy "$PROMETHEUS_PACKAGE" 2>/dev/null | awk '/Candidate:/ { print $2 }')"
  [[ -n "$version" && "$version" != "(none)" ]] || return 0
  dir="$TOOLS_DIR/prometheus-${version//[^A-Za-z0-9.+-]/_}"
  log "unpacking promtool from Debian's $PROMETHEUS_PACKAGE $version into $dir"
  tmp="$(mktemp -d)"
  if (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$PROMETHEUS_PACKAGE=$version" >&2) &&
    mkdir -p "$dir.tmp" && dpkg-deb -x "$tmp"/"$PROMETHEUS_PACKAGE"_*.deb "$dir.tmp"; then
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  else
    rm -rf "$dir.tmp"
    log "could not fetch $PROMETHEUS_PACKAGE from Debian: the promtool check will be skipped"
  fi
  rm -rf "$tmp"
  [[ -x "$dir/usr/bin/promtool" ]] && echo "$dir/usr/bin/promtool"
  return 0
}

mkdir -p "$TOOLS_DIR"
echo "export RRM_CHROMIUM='$(chromium)'"
echo "export RRM_PROMTOOL='$(promtool)'"
