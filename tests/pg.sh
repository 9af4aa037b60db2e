#!/bin/sh
# pg.sh: a throwaway PostgreSQL for tests, from Debian's postgresql package.
#   tests/pg.sh start DIR   initdb into DIR, listen on a unix socket in DIR
#                           (no TCP), print the base URL; databases are
#                           created with `tests/pg.sh createdb DIR NAME`
#   tests/pg.sh createdb DIR NAME
#   tests/pg.sh halt DIR    stop the server, keep its data (an outage)
#   tests/pg.sh resume DIR  start it again after halt
#   tests/pg.sh stop DIR    stop it and remove DIR
# As root, the server runs as the postgres user (initdb refuses root).
# Tests run with fsync=off; PG_FSYNC=on (the claims benchmark) keeps it on.
set -eu
cmd=${1:?usage: pg.sh start|createdb|halt|resume|stop DIR [NAME]}
dir=${2:?usage: pg.sh start|createdb|halt|resume|stop DIR [NAME]}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "pg.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
run_server() {
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=${PG_FSYNC:-off} -c max_connections=200" \
    start >/dev/null
}
case "$cmd" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1
    run_server
    echo "postgresql://postgres@/?host=$dir"
    ;;
  halt)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  resume)
    run_server
    ;;
  createdb)
    name=${3:?usage: pg.sh createdb DIR NAME}
    as_owner "$bin/psql" -h "$dir" -U postgres -q -c "CREATE DATABASE \"$name\"" postgres >/dev/null
    echo "postgresql://postgres@/$name?host=$dir"
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "pg.sh: unknown command $cmd" >&2; exit 2 ;;
esac
