#!/bin/sh
# install-deps.sh: installs the Debian packages cocloud needs to build, run
# and test, skipping what is already there and saying what it installs.
# Uses sudo when not root. Set COCLOUD_NO_INSTALL=1 to only check.
set -eu

build_pkgs="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev libpq-dev"
test_pkgs="libcriterion-dev nodejs npm chromium postgresql"
bench_pkgs="wrk nginx postgresql"

case "${1:-run}" in
  run)  want="$build_pkgs" ;;
  test) want="$build_pkgs $test_pkgs" ;;
  bench) want="$build_pkgs $bench_pkgs" ;;
  *) echo "usage: $0 [run|test|bench]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
  # node and npm may come from elsewhere (nvm, NodeSource): a working one is enough.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
    chromium) [ -x /usr/bin/chromium ] && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done

[ -z "$missing" ] && exit 0
echo "cocloud: installing Debian packages:$missing"
[ "${COCLOUD_NO_INSTALL:-0}" = 1 ] && { echo "cocloud: COCLOUD_NO_INSTALL=1, not installing" >&2; exit 1; }
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing
