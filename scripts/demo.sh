#!/usr/bin/env bash
# demo.sh [BUILD] [OUT] — the flagship study end to end (the body of `make demo`).
#
# Simulates the NELM registry with the default seed (164), runs the paper's
# analysis (examples/nelm/study.yaml) into OUT (report/nelm), and prints each
# published figure beside obsurv's estimate with its 95% CI (the `published:`
# list of the spec; obsurv study prints the table itself).  Needs only the
# obsurv binary: no Python, no jq.
set -eu
build=${1:-build}
out=${2:-report/nelm}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
obsurv=$build/obsurv
[ -x "$obsurv" ] || { echo "demo: $obsurv not found; run make first" >&2; exit 2; }
mkdir -p "$out"
echo "== Simulated registry: obsurv simulate nelm --seed 164 =="
"$obsurv" simulate nelm --seed 164 --out "$out/nelm.csv"
echo "   $out/nelm.csv ($(($(wc -l <"$out/nelm.csv") - 1)) patients)"
echo
echo "== The study: obsurv study examples/nelm/study.yaml =="
start=$(date +%s%N)
"$obsurv" study examples/nelm/study.yaml --data "$out/nelm.csv" --out "$out"
end=$(date +%s%N)
echo
echo "   whole study, report included: $(( (end - start) / 1000000 )) ms"
echo "   open $out/index.html in a browser (one self-contained page)"
