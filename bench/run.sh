#!/usr/bin/env bash
# bench/run.sh — obsurv against R on the same synthetic data, same run.
#
#   BENCH_SIZES="100000 1000000" bench/run.sh      (default: 100000 1000000)
#   BENCH_MATCH_SIZES="50000" (matching; MatchIt is slow beyond that)
#
# For each size: generate data (bench/gen_surv.c), time R (fread, survfit,
# survdiff, coxph, glm; matchit) and the whole obsurv process for the same
# analysis (reading the CSV included), and print obsurv's time, R's time,
# the ratio and obsurv's peak memory (GNU time's maximum resident set).
set -u
cd "$(dirname "$0")/.."
bin=build/obsurv
gen=build/bench/gen_surv
out=bench/out
mkdir -p "$out"
sizes=${BENCH_SIZES:-"100000 1000000"}
msizes=${BENCH_MATCH_SIZES:-"50000"}
xs="x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10"

# obsurv_time NAME ARGS... : seconds and peak MB of one obsurv process
obsurv_time() {
  local t0 t1 mem
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$out/.mem" "$bin" "$@" --format json >"$out/.json" 2>"$out/.err"
  local rc=$?
  t1=$(date +%s.%N)
  mem=$(tail -n 1 "$out/.mem" 2>/dev/null || echo 0)
  if [ $rc -ne 0 ]; then echo "fail 0"; return; fi
  echo "$(echo "$t1 - $t0" | bc -l) $((mem / 1024))"
}

row() {  # name obsurv_s mem_mb r_s
  local ratio
  if [ "$2" = fail ] || [ -z "$4" ]; then ratio="-"; else ratio=$(echo "scale=1; $4 / $2" | bc -l); fi
  printf "%-10s %10s %12s %10s %9sx %8s MB\n" "$1" "$2" "${4:--}" "$5" "$ratio" "$3"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
printf "%-10s %10s %12s %10s %10s %11s\n" analysis "obsurv s" "R s" rows "R/obsurv" "peak mem"
for n in $sizes; do
  f=$out/surv_$n.csv
  [ -f "$f" ] || "$gen" "$n" 2011 >"$f"
  Rscript bench/bench.R "$f" surv >"$out/r_$n.txt" 2>/dev/null
  r() { awk -v k="$1" '$1 == k {print $2}' "$out/r_$n.txt"; }
  read -r s m <<<"$(obsurv_time km --data "$f" --formula "Surv(time, status) ~ trt")"
  row km "$s" "$m" "$(r km)" "$n"
  read -r s m <<<"$(obsurv_time logrank --data "$f" --formula "Surv(time, status) ~ trt")"
  row logrank "$s" "$m" "$(r logrank)" "$n"
  read -r s m <<<"$(obsurv_time cox --data "$f" --formula "Surv(time, status) ~ trt + $xs")"
  row cox "$s" "$m" "$(r cox)" "$n"
  read -r s m <<<"$(obsurv_time logit --data "$f" --formula "trt ~ $xs")"
  row logit "$s" "$m" "$(r logit)" "$n"
  echo "(R's fread of the same file: $(r read) s; R times are the fit alone, obsurv's the whole process)"
done
for n in $msizes; do
  f=$out/surv_$n.csv
  [ -f "$f" ] || "$gen" "$n" 2011 >"$f"
  Rscript bench/bench.R "$f" match >"$out/rm_$n.txt" 2>/dev/null
  rm_=$(awk '$1 == "match" {print $2}' "$out/rm_$n.txt")
  read -r s m <<<"$(obsurv_time match --data "$f" --formula "trt ~ $xs" --caliper 0.2)"
  row match "$s" "$m" "$rm_" "$n"
done
