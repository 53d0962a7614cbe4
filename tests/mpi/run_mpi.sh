#!/usr/bin/env bash
# tests/mpi/run_mpi.sh OBSURV OBSURV_MPI JSONCMP DATA_DIR
#
# obsurv-mpi on 2 and 4 processes (localhost, oversubscribed) gives the same
# numbers as the one-process obsurv, at 1e-9 relative (jsoncmp): the
# reference is obsurv's own JSON cut down to the keys obsurv-mpi writes
# (n, deviance, null deviance, AIC, log-likelihood, iterations, and per
# coefficient term, coef, se, z, p).  Data: lalonde (numeric columns), a
# synthetic 20,000-row file made here (deterministic awk LCG), and the same
# file split into 3 shards read by a glob.
set -u
obsurv=$1 mpi=$2 jsoncmp=$3 data=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
mpirun_() { mpirun --allow-run-as-root --oversubscribe "$@"; }

# synthetic logistic data: y ~ Bernoulli(logistic(-0.5 + 0.8 a - 0.4 b + 0.2 c))
awk 'BEGIN {
  s = 12345; m = 2147483648; print "y,a,b,c";
  for (i = 0; i < 20000; i++) {
    s = (1103515245 * s + 12345) % m; a = s / m * 4 - 2;
    s = (1103515245 * s + 12345) % m; b = s / m * 4 - 2;
    s = (1103515245 * s + 12345) % m; c = (s / m < 0.3) ? 1 : 0;
    s = (1103515245 * s + 12345) % m; u = s / m;
    lp = -0.5 + 0.8 * a - 0.4 * b + 0.2 * c;
    printf "%d,%.6f,%.6f,%d\n", (u < 1 / (1 + exp(-lp))) ? 1 : 0, a, b, c } }' >"$tmp/syn.csv"
mkdir -p "$tmp/shards"
head -1 "$tmp/syn.csv" >"$tmp/hdr"
tail -n +2 "$tmp/syn.csv" | split -l 7000 - "$tmp/shards/part_"
for f in "$tmp/shards"/part_*; do cat "$tmp/hdr" "$f" >"$f.csv"; rm "$f"; done

cut_ref() {  # full obsurv JSON -> the keys obsurv-mpi writes
  python3 -c '
import json, sys
a = json.load(sys.stdin)
keep = {k: a[k] for k in ("n", "n_dropped", "converged", "iterations", "deviance", "null_deviance",
                          "df_residual", "df_null", "aic", "loglik", "rank")}
keep["coefficients"] = [{k: c[k] for k in ("term", "coef", "se", "z", "p")} for c in a["coefficients"]]
json.dump(keep, sys.stdout)'
}

check() {  # name np data formula
  local name=$1 np=$2 d=$3 fm=$4 single=${5:-$3}
  "$obsurv" logit --data "$single" --formula "$fm" --format json | cut_ref >"$tmp/ref.json" || { echo "FAIL $name: obsurv"; fail=1; return; }
  if ! mpirun_ -np "$np" "$mpi" logit --data "$d" --formula "$fm" >"$tmp/mpi.json" 2>"$tmp/err"; then
    echo "FAIL $name (np $np): obsurv-mpi exit: $(head -3 "$tmp/err")"; fail=1; return
  fi
  if "$jsoncmp" --rtol 1e-9 "$tmp/ref.json" "$tmp/mpi.json"; then echo "ok   $name (np $np)"
  else echo "FAIL $name (np $np)"; fail=1; fi
}

for np in 2 4; do
  check "lalonde logit" $np "$data/lalonde.csv" "treat ~ age + educ + married + nodegree + re74 + re75"
  check "synthetic logit" $np "$tmp/syn.csv" "y ~ a + b + c"
  check "synthetic logit, 3 shards by glob" $np "$tmp/shards/part_*.csv" "y ~ a + b + c" "$tmp/syn.csv"
done
# a text column is refused with exit 2 and a message naming it
if mpirun_ -np 2 "$mpi" logit --data "$data/lalonde.csv" --formula "treat ~ race" >/dev/null 2>"$tmp/err"; then
  echo "FAIL text column accepted"; fail=1
elif grep -q 'column "race" is text' "$tmp/err"; then echo "ok   text column refused"
else echo "FAIL text column message: $(head -2 "$tmp/err")"; fail=1; fi
exit $fail
