#!/usr/bin/env bash
# bench/run.sh — obsurv against R on the same synthetic data, in the same run.
#
#   bench/run.sh                                  sizes 1e5 and 1e6
#   BENCH_SIZES="100000 1000000 10000000" bench/run.sh
#   BENCH_MATCH_SIZES="50000"        matching against MatchIt (slow in R beyond that)
#   BENCH_BIG_MATCH=10000000         obsurv-only 1:1 caliper match, 30% treated (0 = skip)
#   BENCH_REPEAT=3                   obsurv's time = the least of 3 runs (default 1)
#   BUILD=build                      where the obsurv binary and bench/gen_surv are
#   BENCH_OUT=bench/out              data files and raw timings
#
# For each size: generate the data (bench/gen_surv.c, seed 2011: trt plus 10
# covariates), time R's fits (survfit, survdiff, coxph with Efron ties, glm
# binomial; fread separately) and the WHOLE obsurv process for the same
# analysis (reading the CSV included), and print obsurv's time, R's time,
# the ratio R/obsurv and obsurv's peak memory (GNU time's maximum resident
# set).  R's times are the fit alone, the data already in memory.
set -u
cd "$(dirname "$0")/.."
build=${BUILD:-build}
bin=$build/obsurv
gen=$build/bench/gen_surv
out=${BENCH_OUT:-bench/out}
mkdir -p "$out"
sizes=${BENCH_SIZES:-"100000 1000000"}
msizes=${BENCH_MATCH_SIZES:-"50000"}
bigmatch=${BENCH_BIG_MATCH:-10000000}
xs="x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10"
log=$out/results.txt
: >"$log"

for f in "$bin" "$gen"; do
  [ -x "$f" ] || { echo "bench: $f not built (run make first)" >&2; exit 2; }
done
command -v Rscript >/dev/null || { echo "bench: Rscript not found (scripts/install-deps.sh bench)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time not found (apt-get install time)" >&2; exit 2; }

say() { echo "$@" | tee -a "$log"; }

# obsurv_time ARGS... : "seconds peakMB" of one whole obsurv process (JSON to a
# file); with BENCH_REPEAT=k the least of k runs (default 1: one run)
obsurv_time() {
  local t0 t1 mem rc best="" k
  for k in $(seq "${BENCH_REPEAT:-1}"); do
    t0=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$out/.mem" "$bin" "$@" --format json >"$out/.json" 2>"$out/.err"
    rc=$?
    t1=$(date +%s.%N)
    mem=$(tail -n 1 "$out/.mem" 2>/dev/null || echo 0)
    if [ $rc -ne 0 ]; then echo "fail 0"; return; fi
    s=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$s < $best" | bc -l)" = 1 ]; then best=$s; fi
  done
  printf "%.3f %d\n" "$best" $((mem / 1024))
}

row() {  # analysis rows obsurv_s peak_mb r_s
  local ratio="-"
  if [ "$3" != fail ] && [ -n "${5:-}" ]; then ratio=$(echo "scale=1; $5 / $3" | bc -l)x; fi
  printf "%-9s %10s %10s %10s %9s %9s MB\n" "$1" "$2" "$3" "${5:--}" "$ratio" "$4" | tee -a "$log"
}

say "obsurv benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
say "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo),$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load $(cut -d' ' -f1-3 /proc/loadavg)"
say "R: $(Rscript -e 'cat(R.version.string, "survival", as.character(packageVersion("survival")))' 2>/dev/null)"
say ""
printf "%-9s %10s %10s %10s %9s %12s\n" analysis rows "obsurv s" "R s" "R/obsurv" "obsurv peak" | tee -a "$log"
for n in $sizes; do
  f=$out/surv_$n.csv
  [ -s "$f" ] || "$gen" "$n" 2011 >"$f"
  LC_ALL=C Rscript bench/bench.R "$f" surv >"$out/r_$n.txt" 2>"$out/r_$n.err"
  r() { awk -v k="$1" '$1 == k {print $2}' "$out/r_$n.txt"; }
  read -r s m <<<"$(obsurv_time km --data "$f" --formula "Surv(time, status) ~ trt")"
  row km "$n" "$s" "$m" "$(r km)"
  read -r s m <<<"$(obsurv_time logrank --data "$f" --formula "Surv(time, status) ~ trt")"
  row logrank "$n" "$s" "$m" "$(r logrank)"
  read -r s m <<<"$(obsurv_time cox --data "$f" --formula "Surv(time, status) ~ trt + $xs")"
  row cox "$n" "$s" "$m" "$(r cox)"
  read -r s m <<<"$(obsurv_time logit --data "$f" --formula "trt ~ $xs")"
  row logit "$n" "$s" "$m" "$(r logit)"
  say "          (R's fread of the same file: $(r read) s)"
done
for n in $msizes; do
  f=$out/surv_$n.csv
  [ -s "$f" ] || "$gen" "$n" 2011 >"$f"
  LC_ALL=C Rscript bench/bench.R "$f" match >"$out/rm_$n.txt" 2>"$out/rm_$n.err"
  rm_=$(awk '$1 == "match" {print $2}' "$out/rm_$n.txt")
  read -r s m <<<"$(obsurv_time match --data "$f" --formula "trt ~ $xs" --caliper 0.2)"
  row match "$n" "$s" "$m" "$rm_"
done
if [ "$bigmatch" != 0 ]; then
  f=$out/match_$bigmatch.csv
  [ -s "$f" ] || "$gen" "$bigmatch" 2011 -0.9 >"$f"
  read -r s m <<<"$(obsurv_time match --data "$f" --formula "trt ~ $xs" --caliper 0.2)"
  row match "$bigmatch" "$s" "$m" ""
  say "          (1:1 nearest caliper 0.2 match, $(awk -F, 'NR > 1 {t += $4} END {printf "%.1f%%", 100 * t / (NR - 1)}' "$f") treated; obsurv only)"
fi
say ""
say "R/obsurv: R's fit alone (data in memory) over the whole obsurv process (reading the CSV included)."
