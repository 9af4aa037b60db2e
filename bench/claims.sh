#!/bin/sh
# claims.sh: credit claims per second on PostgreSQL (part of `make bench`,
# see bench/README.md), with one and with two cocloud instances on one
# database, against pgbench's plain hot-row baseline (one UPDATE of one row
# per transaction) on the same cluster in the same run.
#
# Every claim is a full request: authentication, the checks, a place taken
# from the drop's shard rows, the claim, grant and ledger rows, in batches
# per transaction. The cluster keeps fsync on, as production would, for
# both sides. Orgs and their sessions are seeded with SQL
# (bench/claims_seed.sql); each run gets its own drop, so every request is
# an org's first claim. At the end `cocloud audit` checks the invariants.
# BENCH_DURATION (seconds per run, default 10) and BENCH_ORGS (default
# 120000) size it. Prints key=value lines for run.sh, and a table.
set -eu

cd "$(dirname "$0")/.."
. bench/lib.sh
duration=${BENCH_DURATION:-10}
orgs=${BENCH_ORGS:-120000}
conns=64

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cocloud-claims.XXXXXX")
chmod 755 "$tmp" # the postgres user reaches its directory inside
pgdir="$tmp/pg"
stop_servers() { # every instance serve started
  for f in "$tmp"/srv*.pid; do
    [ -f "$f" ] || continue
    stop "$(cat "$f")"
    rm -f "$f"
  done
}
cleanup() {
  stop_servers
  [ ! -d "$pgdir" ] || tests/pg.sh stop "$pgdir" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pgbin" ] || die "PostgreSQL is not installed"

say "starting a throwaway PostgreSQL (fsync on) in $pgdir"
PG_FSYNC=on tests/pg.sh start "$pgdir" >/dev/null
tests/pg.sh createdb "$pgdir" claims
url="postgresql://postgres@/claims?host=$pgdir"
psql() { "$pgbin/psql" -h "$pgdir" -U postgres -q -v ON_ERROR_STOP=1 "$@" claims; }

# --- baseline: pgbench, one hot row ------------------------------------------
psql -c "CREATE TABLE bench_hot (id int PRIMARY KEY, remaining bigint NOT NULL);
         INSERT INTO bench_hot VALUES (1, 1000000000000);"
echo 'UPDATE bench_hot SET remaining = remaining - 1 WHERE id = 1 AND remaining > 0;' >"$tmp/hot.sql"
say "pgbench -c$conns -j2 -T${duration}: one UPDATE of one row per transaction"
"$pgbin/pgbench" -h "$pgdir" -U postgres -n -c "$conns" -j 2 -T "$duration" -f "$tmp/hot.sql" claims \
  >"$tmp/pgbench.out" 2>&1 || { cat "$tmp/pgbench.out" >&2; die "pgbench failed"; }
sed 's/^/    /' "$tmp/pgbench.out" | grep -E 'tps|latency|processed' >&2 || true
base=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$tmp/pgbench.out" | tail -n 1)

# --- cocloud -------------------------------------------------------------------
build/cocloud migrate --db "$url" >/dev/null
say "seeding $orgs orgs with sessions (bench/claims_seed.sql)"
psql -v orgs="$orgs" -f bench/claims_seed.sql >/dev/null

serve() { # n -> base URL of a new instance on a free port; its pid in $tmp/srv<n>.pid
  build/cocloud serve --listen 127.0.0.1:0 --db "$url" >"$tmp/srv$1.out" 2>"$tmp/srv$1.log" &
  echo $! >"$tmp/srv$1.pid"
  listening $! "$tmp/srv$1.out" "$tmp/srv$1.log" cocloud
  sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$tmp/srv$1.out" | head -n 1
}
# serve runs in a subshell ($(...)), so the pids come back through files.
one=$(serve 1)
two=$(serve 2)

printf '%s\n' bench-operator-password | build/cocloud user add --role operator \
  --email bench-op@example.com --name Bench --db "$url" >/dev/null
token=$(curl -sS -X POST -H 'Content-Type: application/json' \
  --data '{"email":"bench-op@example.com","password":"bench-operator-password"}' \
  "$one/api/v1/session" | sed -n 's/.*"token": *"\([^"]*\)".*/\1/p')
[ -n "$token" ] || die "the operator could not sign in"
post() { # path body -> the new resource's id
  curl -sS -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
    -H "Idempotency-Key: bench-$(date +%s%N)-$$" --data "$2" "$one$1" |
    sed -n 's/^{"id": *"\([^"]*\)".*/\1/p'
}
fund=$(post /api/v1/funds '{"name":{"zh":"上云津贴","en":"Cloud credits"},"amount":13000000000000}')
[ -n "$fund" ] || die "could not create the fund"
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
later=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
new_drop() {
  post "/api/v1/funds/$fund/drops" "{\"name\":{\"zh\":\"限量发放\",\"en\":\"Drop $1\"},
    \"amount\":100000,\"quantity\":10000000,\"shards\":16,\"opens_at\":\"$now\",\"closes_at\":\"$later\"}"
}

# wrk against url for secs, orgs first..last in threads threads -> claims made
claim_run() { # label drop url first last threads secs
  BENCH_DROP=$2 BENCH_FIRST=$4 BENCH_LAST=$5 BENCH_THREADS=$6 \
    wrk -t"$6" -c$((conns * $6 / 2)) -d"$7s" --latency -s bench/claim.lua "$3" >"$tmp/$1.wrk"
}
claims_of() { psql -tA -c "SELECT COUNT(*) FROM claims WHERE drop_id = '$1'"; }

sleep 1 # let the first drop's opens_at pass
warm=$(new_drop warm-up)
claim_run warm "$warm" "$one" 1 "$orgs" 2 2

d1=$(new_drop one)
say "wrk -t2 -c$conns -d${duration}s: claims through one instance"
claim_run one "$d1" "$one" 1 "$orgs" 2 "$duration"
sed 's/^/    /' "$tmp/one.wrk" >&2
c1=$(claims_of "$d1")

d2=$(new_drop two)
half=$((orgs / 2))
say "2 x wrk -t1 -c$((conns / 2)) -d${duration}s: claims through two instances at once"
claim_run twoa "$d2" "$one" 1 "$half" 1 "$duration" &
wa=$!
claim_run twob "$d2" "$two" $((half + 1)) "$orgs" 1 "$duration" &
wb=$!
wait "$wa" "$wb"
sed 's/^/    /' "$tmp/twoa.wrk" "$tmp/twob.wrk" >&2
c2=$(claims_of "$d2")
p99_1=$(sed -n 's/^ *99% *\([^ ]*\).*/\1/p' "$tmp/one.wrk")

stop_servers
if build/cocloud audit --db "$url" >"$tmp/audit.out" 2>&1; then audit=passed; else audit=FAILED; fi
grep -v '^ok' "$tmp/audit.out" >&2 || true

r1=$(awk -v c="$c1" -v d="$duration" 'BEGIN { printf "%.0f", c / d }')
r2=$(awk -v c="$c2" -v d="$duration" 'BEGIN { printf "%.0f", c / d }')
echo "claims_one_per_s=$r1"
echo "claims_two_per_s=$r2"
echo "pgbench_hot_tps=$base"
echo "claims_p99_one=$p99_1"
echo "claims_audit=$audit"
