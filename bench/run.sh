#!/bin/sh
# run.sh: the benchmarks behind `make bench` (see bench/README.md). Each
# figure is measured next to a baseline in the same run on the same machine
# and printed in one table at the end; nothing fails on speed.
#   1. build/bench/bench_quote: quote_price in process vs. list prices only.
#   2. POST /api/v1/quotes on build/cocloud vs. nginx serving a static file
#      of the same size, both under wrk with the same script, and vs.
#      libmicrohttpd alone answering the same bytes (bench/mhd_floor.c).
#   3. credit claims/s on PostgreSQL through one and two instances vs.
#      pgbench's hot-row baseline on the same cluster (bench/claims.sh).
# Everything it starts lives in a temporary directory and is stopped on exit.
# BENCH_DURATION (seconds per wrk run, default 10), BENCH_HTTP_ROUNDS (wrk
# rounds of cocloud then nginx, default 3) and BENCH_ROUND (seconds per
# bench_quote round, default 1) shorten or lengthen it; BENCH_ONLY (any of
# engine, http, claims; default all three) runs only those parts.
set -eu

cd "$(dirname "$0")/.."
. bench/lib.sh
scripts/install-deps.sh bench

duration=${BENCH_DURATION:-10}
http_rounds=${BENCH_HTTP_ROUNDS:-3}
round=${BENCH_ROUND:-1}
only=${BENCH_ONLY:-engine http claims}
for part in $only; do
  case $part in engine | http | claims) ;; *) die "BENCH_ONLY: no part named $part" ;; esac
done
want() { case " $only " in *" $1 "*) return 0 ;; esac; return 1; }
wrk_threads=2
wrk_conns=64

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cocloud-bench.XXXXXX")
chmod 755 "$tmp" # nginx workers may run as another user
srv_pid=""
ngx_pid=""
floor_pid=""

cleanup() {
  [ -z "$srv_pid" ] || stop "$srv_pid"
  [ -z "$ngx_pid" ] || stop "$ngx_pid"
  [ -z "$floor_pid" ] || stop "$floor_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

# --- 1. in process -----------------------------------------------------------
q_rate="" q_base="" q_us=""
if want engine; then
  say "quote engine in process (3 rounds of ${round}s, alternating with the baseline)"
  build/bench/bench_quote "$round" | tee "$tmp/bq.out" >&2
  q_rate=$(val quotes_per_s "$tmp/bq.out")
  q_base=$(val baseline_per_s "$tmp/bq.out")
  q_us=$(val engine_us "$tmp/bq.out")
fi

# --- 2. over HTTP ------------------------------------------------------------
h_rate="" h_base="" h_ratio="" h_ratios="" h_bad="" n_bad="" size="" nrej="" stored=""
h_p99="" n_p99="" h_cpu="" n_cpu=""
f_rate="" f_cpu=""
if want http; then
  say "seeding $tmp/b.db (bench/seed.sql)"
  build/cocloud migrate --db "$tmp/b.db" >/dev/null
  sqlite3 -bail "$tmp/b.db" <bench/seed.sql

  build/cocloud serve --listen 127.0.0.1:0 --db "$tmp/b.db" >"$tmp/srv.out" 2>"$tmp/srv.log" &
  srv_pid=$!
  listening "$srv_pid" "$tmp/srv.out" "$tmp/srv.log" cocloud
  base=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$tmp/srv.out" | head -n 1)
  say "cocloud at $base"

  post() { # path body [token] -> body on stdout, status in $tmp/status
    curl -sS -o "$tmp/resp" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
      ${3:+-H "Authorization: Bearer $3"} --data-binary "$2" "$base$1" >"$tmp/status"
    cat "$tmp/resp"
  }
  post /api/v1/orgs '{"name":"Bench Co","kind":"enterprise","industry":"ecommerce",
    "size":"medium","region":"bench-03","admin":{"email":"bench@example.com",
    "password":"bench-password-1","name":"Bench"}}' >/dev/null
  [ "$(cat "$tmp/status")" = 201 ] || die "sign-up answered $(cat "$tmp/status"): $(cat "$tmp/resp")"
  token=$(post /api/v1/session '{"email":"bench@example.com","password":"bench-password-1"}' |
    sed -n 's/.*"token": *"\([^"]*\)".*/\1/p')
  [ -n "$token" ] || die "sign-in answered $(cat "$tmp/status"): $(cat "$tmp/resp")"

  # One quote first: it must work, and nginx serves its answer as the file.
  mkdir -p "$tmp/www/api/v1"
  post /api/v1/quotes "$(cat bench/cart.json)" "$token" >"$tmp/www/api/v1/quotes"
  [ "$(cat "$tmp/status")" = 201 ] || die "quote answered $(cat "$tmp/status"): $(cat "$tmp/resp")"
  size=$(wc -c <"$tmp/www/api/v1/quotes" | tr -d ' ')
  nrej=$(grep -o '"reason"' "$tmp/www/api/v1/quotes" | wc -l | tr -d ' ')
  napp=$(grep -o '"source": *"policy"' "$tmp/www/api/v1/quotes" | wc -l | tr -d ' ')
  say "a quote answer is $size bytes ($napp policies applied, $nrej rejections listed)"

  # CPU time (user + system, in clock ticks) the processes pid... have used.
  cpu_ticks() {
    for p in "$@"; do awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0; done |
      awk '{ s += $1 } END { print s + 0 }'
  }

  # The pids of pid's children (nginx's workers).
  children() {
    for f in /proc/[0-9]*/stat; do
      awk -v p="$1" '$4 == p { print $1 }' "$f" 2>/dev/null
    done
  }

  # wrk url label pid... -> requests/s, non-2xx count, p99 latency and the
  # server's CPU microseconds per request (of processes pid...) in $tmp/label.*
  # CPU per request is the steadier figure on a shared machine: requests/s
  # swing with whatever else runs, the work done for each request much less.
  run_wrk() {
    url=$1
    label=$2
    shift 2
    BENCH_CART=bench/cart.json BENCH_TOKEN=$token \
      wrk -t"$wrk_threads" -c"$wrk_conns" -d2s -s bench/quote.lua "$url" >/dev/null # warm-up
    say "wrk -t$wrk_threads -c$wrk_conns -d${duration}s POST $url ($label)"
    ticks=$(cpu_ticks "$@")
    BENCH_CART=bench/cart.json BENCH_TOKEN=$token \
      wrk -t"$wrk_threads" -c"$wrk_conns" -d"${duration}s" --latency -s bench/quote.lua "$url" \
      >"$tmp/$label.wrk"
    ticks=$(($(cpu_ticks "$@") - ticks))
    awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" \
      '/ requests in / { n = $1 } END { printf "%.1f\n", n ? t / hz * 1e6 / n : 0 }' \
      "$tmp/$label.wrk" >"$tmp/$label.cpu"
    sed 's/^/    /' "$tmp/$label.wrk" >&2
    sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$tmp/$label.wrk" >"$tmp/$label.rate"
    { sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$tmp/$label.wrk"; echo 0; } |
      head -n 1 >"$tmp/$label.bad"
    sed -n 's/^ *99% *\([^ ]*\).*/\1/p' "$tmp/$label.wrk" | # 950.00us, 14.08ms or 1.02s
      awk '{ v = $1 + 0; if ($1 ~ /us$/) v /= 1000; else if ($1 ~ /[^m]s$/) v *= 1000
             printf "%.2fms\n", v }' >"$tmp/$label.p99"
  }

  # nginx: a temporary prefix and config on the first free port from a list.
  mkdir -p "$tmp/nginx"
  port=$((20000 + $$ % 20000))
  tries=0
  while :; do
    cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  keepalive_requests 100000000;
  server {
    listen 127.0.0.1:$port;
    root $tmp/www;
    default_type application/json;
    # The static module refuses POST (405); answer the file instead.
    location = /api/v1/quotes { error_page 405 =200 \$uri; }
  }
}
EOF
    nginx -p "$tmp/nginx/" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" \
      -g 'daemon off;' 2>>"$tmp/nginx/stderr" &
    ngx_pid=$!
    n=0
    while kill -0 "$ngx_pid" 2>/dev/null && [ $n -lt 30 ] &&
      ! curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/quotes"; do
      sleep 0.1
      n=$((n + 1))
    done
    kill -0 "$ngx_pid" 2>/dev/null && break
    ngx_pid=""
    tries=$((tries + 1))
    [ $tries -lt 20 ] || { cat "$tmp/nginx/stderr" "$tmp/nginx/error.log" >&2; die "nginx did not start"; }
    port=$((port + 1))
  done
  ngx_size=$(curl -s -X POST -H 'Content-Type: application/json' --data-binary @bench/cart.json \
    "http://127.0.0.1:$port/api/v1/quotes" | wc -c | tr -d ' ')
  [ "$ngx_size" = "$size" ] || die "nginx answered $ngx_size bytes, not $size"
  say "nginx at http://127.0.0.1:$port (same $size-byte answer)"

  # Rounds alternate cocloud and nginx, so that a drift in machine speed
  # (it is shared) hits both; each figure is the median of its rounds, and
  # the ratio the median of the rounds' own ratios.
  i=1
  while [ $i -le "$http_rounds" ]; do
    run_wrk "$base/api/v1/quotes" "cocloud$i" "$srv_pid"
    run_wrk "http://127.0.0.1:$port/api/v1/quotes" "nginx$i" "$ngx_pid" $(children "$ngx_pid")
    awk -v a="$(cat "$tmp/cocloud$i.rate")" -v b="$(cat "$tmp/nginx$i.rate")" \
      'BEGIN { printf "%.3f\n", (b > 0 ? a / b : 0) }' >"$tmp/ratio$i.rate"
    i=$((i + 1))
  done
  stop "$ngx_pid"
  ngx_pid=""

  # libmicrohttpd alone, set up as cocloud (its thread count), answering
  # the same bytes: the most a server on this library reaches here.
  threads=$(sed -n 's/.*with \([0-9]*\) threads.*/\1/p' "$tmp/srv.log" | head -n 1)
  build/bench/mhd_floor "$tmp/www/api/v1/quotes" "${threads:-4}" >"$tmp/floor.out" \
    2>"$tmp/floor.log" &
  floor_pid=$!
  listening "$floor_pid" "$tmp/floor.out" "$tmp/floor.log" mhd_floor
  floor_url="http://127.0.0.1:$(sed -n 's/^listening on //p' "$tmp/floor.out")/api/v1/quotes"
  floor_size=$(curl -s -X POST -H 'Content-Type: application/json' --data-binary @bench/cart.json \
    "$floor_url" | wc -c | tr -d ' ')
  [ "$floor_size" = "$size" ] || die "mhd_floor answered $floor_size bytes, not $size"
  run_wrk "$floor_url" floor "$floor_pid"
  stop "$floor_pid"
  floor_pid=""
  stored=$(sqlite3 "$tmp/b.db" 'SELECT COUNT(*) FROM quotes')
  stop "$srv_pid"
  srv_pid=""

  # each label what: $tmp/<label><i>.<what> of every round, one per line.
  each() {
    i=1
    while [ $i -le "$http_rounds" ]; do cat "$tmp/$1$i.$2"; i=$((i + 1)); done
  }
  # The median of the rounds (p99 latencies are all in ms, which sort -n
  # reads past), and their sum.
  median() { each "$1" "$2" | sort -n | sed -n "$(((http_rounds + 1) / 2))p"; }
  total() { each "$1" "$2" | awk '{ s += $1 } END { print s + 0 }'; }
  h_rate=$(median cocloud rate)
  h_base=$(median nginx rate)
  h_ratio=$(median ratio rate)
  h_ratios=$(each ratio rate | paste -sd' ')
  h_bad=$(total cocloud bad)
  n_bad=$(total nginx bad)
  h_p99=$(median cocloud p99) n_p99=$(median nginx p99)
  h_cpu=$(median cocloud cpu) n_cpu=$(median nginx cpu)
  f_rate=$(cat "$tmp/floor.rate") f_cpu=$(cat "$tmp/floor.cpu")
fi

# --- 3. claims on PostgreSQL ----------------------------------------------------
c_one="" c_two="" c_base="" c_p99="" c_audit=""
if want claims; then
  say "credit claims on PostgreSQL (bench/claims.sh)"
  bench/claims.sh >"$tmp/claims.out"
  c_one=$(val claims_one_per_s "$tmp/claims.out")
  c_two=$(val claims_two_per_s "$tmp/claims.out")
  c_base=$(val pgbench_hot_tps "$tmp/claims.out")
  c_p99=$(val claims_p99_one "$tmp/claims.out")
  c_audit=$(val claims_audit "$tmp/claims.out")
fi

# --- table -------------------------------------------------------------------
awk -v qr="$q_rate" -v qb="$q_base" -v qu="$q_us" -v hr="$h_rate" -v hb="$h_base" \
  -v hbad="$h_bad" -v nbad="$n_bad" -v size="$size" -v nrej="$nrej" -v stored="$stored" \
  -v hp99="$h_p99" -v np99="$n_p99" -v hcpu="$h_cpu" -v ncpu="$n_cpu" \
  -v hratio="$h_ratio" -v hratios="$h_ratios" -v rounds="$http_rounds" \
  -v fr="$f_rate" -v fcpu="$f_cpu" \
  -v d="$duration" -v t="$wrk_threads" -v c="$wrk_conns" -v load="$load" \
  -v cpus="$(getconf _NPROCESSORS_ONLN)" -v c1="$c_one" -v c2="$c_two" -v cb="$c_base" \
  -v cp99="$c_p99" -v caudit="$c_audit" 'BEGIN {
  ok = "met"; no = "NOT met"
  printf "\n%-44s %14s %14s %8s  %s\n", "benchmark", "cocloud", "baseline", "ratio", "goal"
  printf "%-44s %14s %14s %8s  %s\n", "---------", "-------", "--------", "-----", "----"
  if (qr != "") {
    printf "%-44s %14.0f %14.0f %8.4f  >= 200000/s per core: %s\n",
      "quotes/s in process (1 thread, 10 lines)", qr, qb, qr / qb, (qr >= 200000 ? ok : no)
    printf "%-44s %14.2f %14s %8s  (baseline: cart + list prices only)\n",
      "  engine cost per quote, microseconds", qu, "", ""
  }
  if (hr != "") {
    printf "%-44s %14.0f %14.0f %8.3f  ratio >= 0.7: %s\n",
      sprintf("POST /api/v1/quotes req/s (wrk %dt %dc %ds)", t, c, d), hr, hb, hratio,
      (hratio >= 0.7 ? ok : no)
    printf "  %s\n", sprintf("medians of %d rounds alternating with nginx; ratio per round: %s",
      rounds, hratios)
    printf "%-44s %14s %14s\n", "  p99 latency", hp99, np99
    printf "%-44s %14.1f %14.1f %8.3f  (nginx / cocloud; steadier than req/s)\n",
      "  server CPU per request, microseconds", hcpu, ncpu, (hcpu > 0 ? ncpu / hcpu : 0)
    printf "%-44s %14d %14d\n", "  non-2xx answers", hbad, nbad
    printf "%-44s %14.0f %14.0f %8.3f  (libmicrohttpd alone, same answer: its ceiling)\n",
      "  req/s, libmicrohttpd floor vs nginx", fr, hb, fr / hb
    printf "%-44s %14.1f %14.1f %8.3f  (what libmicrohttpd alone costs)\n",
      "  server CPU per request, floor vs cocloud", fcpu, hcpu, (hcpu > 0 ? fcpu / hcpu : 0)
  }
  if (c1 != "") {
    printf "%-44s %14.0f %14.0f %8.3f  (baseline: pgbench, one UPDATE of one hot row)\n",
      "claims/s on PostgreSQL, one instance", c1, cb, c1 / cb
    printf "%-44s %14.0f %14.0f %8.3f  audit afterwards: %s\n",
      "claims/s on PostgreSQL, two instances", c2, cb, c2 / cb, caudit
    printf "%-44s %14s\n", "  p99 latency, one instance", cp99
  }
  printf "\nbaselines: list prices only (in process); nginx serving the same answer as a\n"
  if (size != "")
    printf "static file (HTTP: %d bytes, listing %d rejections; %d quotes were stored).\n",
      size, nrej, stored
  else
    printf "static file (HTTP).\n"
  printf "%d CPUs, load average before the run: %s (other work on the machine skews both sides).\n",
    cpus, load
}'
