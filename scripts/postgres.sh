#!/usr/bin/env bash
# A private PostgreSQL cluster for this checkout, from Debian's packages (installed when missing).
#   postgres.sh start [DBNAME...]  start (or reuse) the cluster, create the databases, print
#                                  `export DATABASE_URL=...` (URL of the first database)
#   postgres.sh stop
# DATABASE_URL, when set, means "use that server": this script then does nothing.
# RRM_PG_DIR puts the cluster elsewhere (default .local/postgres): the chaos suite stops and starts
# a cluster of its own. The first start takes RRM_PG_PORT (default 15432), or a free port when that
# is taken; a restarted cluster takes its previous port again when that is free. Every port is
# outside the kernel's ephemeral range (scripts/lib.sh free_port), so a client reconnecting while the
# cluster is down can never hold it; a cluster last run inside the range moves off it.
# 300 connections, not 100: a self-hosted Temporal cluster (scripts/temporal-cluster.sh) keeps pools
# of its own on it, up to 30 per service process, beside the tests' databases.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pg_dir="${RRM_PG_DIR:-$STATE_DIR/postgres}"
data_dir="$pg_dir/data"
port_file="$pg_dir/port"

pg_bindir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -z "$dir" || ! -x "$dir/initdb" ]]; then
    [[ $(id -u) -eq 0 ]] || die "PostgreSQL is not installed; run: sudo apt-get install -y postgresql"
    log "installing PostgreSQL from Debian's packages"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    dir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  fi
  echo "$dir"
}

# PostgreSQL refuses to run as root: run its programs as the `postgres` system user then.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local bin port
  bin="$(pg_bindir)"
  mkdir -p "$pg_dir"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres "$pg_dir"
    # postgres must be able to reach its data directory through every parent.
    local d="$pg_dir"
    while [[ "$d" != "/" ]]; do chmod o+x "$d" 2>/dev/null || true; d="$(dirname "$d")"; done
  fi
  if [[ ! -s "$data_dir/PG_VERSION" ]]; then
    log "initialising a PostgreSQL cluster in $data_dir"
    as_owner "$bin/initdb" -D "$data_dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_owner "$bin/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then
    port="$(cat "$port_file")"
    # Restarting it here would cut off its clients: it moves at its next start.
    outside_ephemeral "$port" ||
      log "PostgreSQL listens on $port, inside the ephemeral port range: it moves off it at its next start"
  else
    port="$(cat "$port_file" 2>/dev/null || true)"
    # None yet, or one inside the ephemeral range (the old default 55432): the default port.
    [[ "$port" =~ ^[0-9]+$ ]] && outside_ephemeral "$port" || port="${RRM_PG_PORT:-15432}"
    port="$(port_or_free "$port")"
    echo "$port" >"$port_file"
    log "starting PostgreSQL on 127.0.0.1:$port"
    (
      close_inherited_fds
      as_owner "$bin/pg_ctl" -D "$data_dir" -l "$pg_dir/server.log" -w -t 60 \
        -o "-p $port -k $data_dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
    )
  fi
  local first=""
  for db in "${@:-rrm}"; do
    first="${first:-$db}"
    if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -Atqc "select 1 from pg_database where datname='$db'" postgres | grep -q 1; then
      "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "create database \"$db\"" postgres >/dev/null
    fi
  done
  echo "export DATABASE_URL='postgres://postgres@127.0.0.1:$port/$first'"
}

stop() {
  local bin
  bin="$(pg_bindir)"
  [[ -d "$data_dir" ]] && as_owner "$bin/pg_ctl" -D "$data_dir" -m fast stop >/dev/null 2>&1 || true
}

if [[ -n "${DATABASE_URL:-}" ]]; then
  log "DATABASE_URL is set: using that server"
  exit 0
fi
case "${1:-start}" in
  start) shift || true; start "$@" ;;
  stop) stop ;;
  *) die "usage: postgres.sh start [DBNAME...] | stop" ;;
esac
