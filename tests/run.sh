#!/bin/sh
# run.sh: the API and browser suites, as `make test` runs them:
#   1. the plain binary on SQLite (API + browser)
#   2. the sanitized binary (ASan + UBSan) on SQLite (API + browser)
#   3. the sanitized binary on a throwaway PostgreSQL (API + browser)
# Any failure stops the run with a non-zero exit.
set -eu
cd "$(dirname "$0")/.."
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

suite() {
  echo "== $1"
  shift
  env "$@" node --test --test-concurrency=2 tests/api/ tests/ui/
}

suite "plain build, SQLite" COCLOUD_BIN=build/cocloud
suite "ASan+UBSan build, SQLite" COCLOUD_BIN=build/asan/cocloud

pgdir=$(mktemp -d /tmp/cocloud-pg.XXXXXX)
trap 'tests/pg.sh stop "$pgdir"' EXIT INT TERM
tests/pg.sh start "$pgdir" >/dev/null
suite "ASan+UBSan build, PostgreSQL" COCLOUD_BIN=build/asan/cocloud COCLOUD_TEST_PG="$pgdir"
