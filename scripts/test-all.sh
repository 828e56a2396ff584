#!/usr/bin/env bash
# `npm test`: every suite, in order - type check, pgTAP (pg_prove), unit and contract tests
# (Vitest, contract tests on PGlite and on PostgreSQL), end-to-end tests (Playwright, Chromium).
# One throwaway PostgreSQL 15 cluster serves the database suites. Needs what
# scripts/install-test-deps.sh installs.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/pg-cluster.sh
set +e

pg_cluster_start || { echo "could not start a throwaway PostgreSQL cluster"; exit 1; }
trap pg_cluster_stop EXIT
export REQUIRE_POSTGRES=1

passed=0
failed=0
failures=()
suite() {
  local name=$1; shift
  echo
  echo "=== $name: $* ==="
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

suite "types" bash -c 'npx svelte-kit sync && npx svelte-check --tsconfig ./tsconfig.json --fail-on-warnings'
suite "database (pgTAP)" bash scripts/test-db.sh
suite "unit and contract (Vitest)" npx vitest run
suite "end-to-end (Playwright)" npx playwright test

echo
[ $failed -gt 0 ] && echo "failed suites: ${failures[*]}"
echo "suites: $passed passed, $failed failed"
[ $failed -eq 0 ]
