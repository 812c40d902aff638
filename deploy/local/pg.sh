#!/usr/bin/env bash
# A private, throwaway PostgreSQL cluster on 127.0.0.1 (never the machine's
# system cluster).
#   pg.sh start DIR   init (if needed) and start; prints `export PG...` lines
#   pg.sh stop DIR    fast shutdown
#   pg.sh env DIR     prints the export lines of a running cluster
# PG_FSYNC / PG_SYNC_COMMIT (on) turn durability off for CPU-only
# measurements; PG_EXTRA_OPTS adds server settings ("-c name=value ...",
# e.g. pg_stat_statements for docs/benchmarks.md).
set -euo pipefail
cmd=${1:?usage: pg.sh start|stop|env DIR}
dir=$(realpath -m "${2:?usage: pg.sh start|stop|env DIR}")
bin=/usr/lib/postgresql/15/bin
[ -x "$bin/initdb" ] || { echo "PostgreSQL 15 is not installed (run the README's set-up command)" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

print_env() {
  echo "export PGHOST=127.0.0.1 PGPORT=$(cat "$dir/port") PGUSER=postgres PGDATABASE=postgres"
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1
    fi
    if [ -f "$dir/data/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      print_env
      exit 0
    fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    [ -f "$dir/port" ] && port=$(cat "$dir/port")
    echo "$port" >"$dir/port"
    [ "$(id -u)" = 0 ] && chown postgres "$dir/port"
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start \
      -o "-h 127.0.0.1 -p $port -k $dir -c max_connections=300 -c shared_buffers=1GB \
          -c max_wal_size=4GB -c wal_compression=lz4 \
          -c fsync=${PG_FSYNC:-on} -c synchronous_commit=${PG_SYNC_COMMIT:-on} ${PG_EXTRA_OPTS:-}" >/dev/null
    print_env
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    ;;
  env)
    print_env
    ;;
  *)
    echo "usage: pg.sh start|stop|env DIR" >&2
    exit 2
    ;;
esac
