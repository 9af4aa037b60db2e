# lib.sh: shell helpers the benchmark scripts share (sourced, not run).

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
val() { sed -n "s/^$1=//p" "$2"; } # key file: a key=value line's value

listening() { # pid out log name: wait until out says "listening on" (10 s at most)
  n=0
  until grep -q 'listening on' "$2" 2>/dev/null; do
    kill -0 "$1" 2>/dev/null || { cat "$3" >&2; die "$4 did not start"; }
    [ $n -lt 100 ] || { cat "$3" >&2; die "$4 did not say it listens within 10 s"; }
    sleep 0.1
    n=$((n + 1))
  done
}

stop() { # pid: TERM, wait up to 5 s, then KILL
  kill "$1" 2>/dev/null || return 0
  n=0
  while kill -0 "$1" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
  kill -9 "$1" 2>/dev/null || true
}
