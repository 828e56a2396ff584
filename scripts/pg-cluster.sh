#!/usr/bin/env bash
# A throwaway Debian PostgreSQL 15 cluster for tests: `source` this file, then call
#   pg_cluster_start   -> exports PGHOST, PGPORT, PGUSER, DATABASE_URL_ADMIN (superuser, database postgres)
#   pg_cluster_restart  -> an immediate restart (as after a crash), on the same port
#   pg_cluster_stop
# initdb refuses to run as root, so the cluster belongs to the `postgres` user when we are root.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

pg_cluster_start() {
  PG_CLUSTER_DIR=$(mktemp -d /tmp/slp-pg.XXXXXX)
  PGPORT=${PGPORT_TEST:-$((20000 + RANDOM % 20000))}
  local run_as=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$PG_CLUSTER_DIR"
    run_as=(runuser -u postgres --)
  fi
  "${run_as[@]}" "$PG_BIN/initdb" -D "$PG_CLUSTER_DIR/data" -U postgres -A trust --no-sync >"$PG_CLUSTER_DIR/initdb.log" 2>&1 \
    || { cat "$PG_CLUSTER_DIR/initdb.log"; return 1; }
  "${run_as[@]}" "$PG_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -l "$PG_CLUSTER_DIR/server.log" -w \
    -o "-p $PGPORT -k $PG_CLUSTER_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
    || { cat "$PG_CLUSTER_DIR/server.log"; return 1; }
  export PG_CLUSTER_DIR PGPORT PGHOST=127.0.0.1 PGUSER=postgres
  export DATABASE_URL_ADMIN="postgresql://postgres@127.0.0.1:$PGPORT/postgres"
}

pg_cluster_stop() {
  [ -n "${PG_CLUSTER_DIR:-}" ] || return 0
  local run_as=()
  [ "$(id -u)" = 0 ] && run_as=(runuser -u postgres --)
  "${run_as[@]}" "$PG_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_CLUSTER_DIR"
  unset PG_CLUSTER_DIR
}

pg_cluster_restart() {
  local run_as=()
  [ "$(id -u)" = 0 ] && run_as=(runuser -u postgres --)
  "${run_as[@]}" "$PG_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -l "$PG_CLUSTER_DIR/server.log" -m immediate -w restart >/dev/null
}

# Create a database and apply the Supabase shim, every migration in order, and the seed.
pg_create_migrated_db() {
  local db=$1
  createdb "$db"
  local files=(supabase/local/supabase-shim.sql supabase/migrations/*.sql supabase/seed.sql)
  for f in "${files[@]}"; do
    psql -q -v ON_ERROR_STOP=1 -d "$db" -f "$f" >/dev/null || { echo "failed applying $f" >&2; return 1; }
  done
}
