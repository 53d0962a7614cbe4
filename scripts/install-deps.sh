#!/usr/bin/env bash
# install-deps.sh [build|r|bench|all] — install the Debian packages obsurv needs,
# only those missing.  `build` (default): what `make` and `make check` need.
# `r`: R with survival and MatchIt, to regenerate the references in tests/r/.
set -eu
what=${1:-build}
build_pkgs="cmake make gcc pkg-config libgsl-dev libjansson-dev libcmocka-dev libglpk-dev
            libyaml-dev libcairo2-dev libsqlite3-dev libreadstat-dev fonts-dejavu-core chromium
            openmpi-bin libopenmpi-dev valgrind"
r_pkgs="r-base-core r-cran-survival r-cran-matchit r-cran-jsonlite r-cran-data.table"
case $what in
  build) pkgs=$build_pkgs ;;
  r) pkgs=$r_pkgs ;;
  all|bench) pkgs="$build_pkgs $r_pkgs r-cran-matchit time bc" ;;
  *) echo "usage: $0 [build|r|bench|all]" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing" >&2
if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
