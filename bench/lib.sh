# lib.sh: shell helpers the benchmark scripts share (sourced, not run).

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
val() { sed -n "s/^$1=//p" "$2"; } # key file: a key=value line's value

stop() { # pid: TERM, wait up to 5 s, then KILL
  kill "$1" 2>/dev/null || return 0
  n=0
  while kill -0 "$1" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
  kill -9 "$1" 2>/dev/null || true
}
