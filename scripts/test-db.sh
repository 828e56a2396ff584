#!/usr/bin/env bash
# Database tests: pgTAP files in supabase/tests run with pg_prove on a throwaway PostgreSQL 15
# cluster that has the shim, all migrations and the seed applied.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg-cluster.sh

started_here=0
if [ -z "${PGPORT:-}" ] || ! pg_isready -q -h 127.0.0.1 -p "${PGPORT}"; then
  pg_cluster_start
  started_here=1
  trap pg_cluster_stop EXIT
fi
db="pgtap_$RANDOM$RANDOM"
pg_create_migrated_db "$db"
psql -q -d "$db" -c 'create extension if not exists pgtap' >/dev/null
pg_prove --ext .sql -d "$db" -h 127.0.0.1 -p "$PGPORT" -U postgres supabase/tests/
dropdb "$db"
