#!/usr/bin/env bash
# tests/mpi/run_mpi.sh OBSURV OBSURV_MPI JSONCMP DATA_DIR [GEN_SURV]
#
# Part 1, logit:
# obsurv-mpi on 2 and 4 processes (localhost, oversubscribed) gives the same
# numbers as the one-process obsurv, at 1e-9 relative (jsoncmp): the
# reference is obsurv's own JSON cut down to the keys obsurv-mpi writes
# (n, deviance, null deviance, AIC, log-likelihood, iterations, and per
# coefficient term, coef, se, z, p).  Data: lalonde (numeric columns), a
# synthetic 20,000-row file made here (deterministic awk LCG), and the same
# file split into 3 shards read by a glob.
set -u
obsurv=$1 mpi=$2 jsoncmp=$3 data=$4
gen_surv=${5:-$(dirname "$1")/bench/gen_surv}
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


check() {  # name np data formula
  local name=$1 np=$2 d=$3 fm=$4 single=${5:-$3}
  "$obsurv" logit --data "$single" --formula "$fm" --format json >"$tmp/ref.json" || { echo "FAIL $name: obsurv"; fail=1; return; }
  if ! mpirun_ -np "$np" "$mpi" logit --data "$d" --formula "$fm" >"$tmp/mpi.json" 2>"$tmp/err"; then
    echo "FAIL $name (np $np): obsurv-mpi exit: $(head -3 "$tmp/err")"; fail=1; return
  fi
  # obsurv-mpi logit writes a subset of obsurv's keys (no AUC): each key it
  # writes must equal obsurv's, so its output is jsoncmp's reference side
  sed -E 's/"processes":[0-9]+,?//' "$tmp/mpi.json" >"$tmp/mpi_keys.json"   # obsurv-mpi's own key
  if "$jsoncmp" --rtol 1e-9 "$tmp/mpi_keys.json" "$tmp/ref.json"; then echo "ok   $name (np $np)"
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

# Part 2, cox, km and logrank: obsurv-mpi's JSON against the whole JSON of
# the one-process command (every key of obsurv's output, numbers at 1e-9):
# lung (a dropped row), veteran (tied times, text strata), ovarian, lung
# with integer and non-integer case weights, and 50,000 synthetic rows
# (bench/gen_surv, times with 2 decimals: many ties) read whole and as 3
# shards by a glob.
surv() {  # name np cmd data formula [options...]
  local name=$1 np=$2 cmd=$3 d=$4 fm=$5
  shift 5
  local single=$d
  case $d in *'*'*) single=$tmp/syn.csv ;; esac
  "$obsurv" "$cmd" --data "$single" --formula "$fm" --format json "$@" >"$tmp/ref.json" 2>/dev/null ||
    { echo "FAIL $name: obsurv $cmd"; fail=1; return; }
  if ! mpirun_ -np "$np" "$mpi" "$cmd" --data "$d" --formula "$fm" "$@" >"$tmp/mpi.json" 2>"$tmp/err"; then
    echo "FAIL $name (np $np): obsurv-mpi exit: $(head -3 "$tmp/err")"; fail=1; return
  fi
  if "$jsoncmp" --rtol 1e-9 "$tmp/ref.json" "$tmp/mpi.json" >"$tmp/cmp" 2>&1; then echo "ok   $name (np $np)"
  else echo "FAIL $name (np $np): $(head -3 "$tmp/cmp")"; fail=1; fi
}
awk -F, 'NR == 1 {print $0 ",w"; next} {print $0 "," (NR % 3) + 1}' "$data/lung.csv" >"$tmp/lungw.csv"
awk -F, 'NR == 1 {print $0 ",w"; next} {print $0 "," ((NR % 4) + 1) / 2}' "$data/lung.csv" >"$tmp/lungf.csv"
if [ -x "$gen_surv" ]; then
  "$gen_surv" 50000 7 | awk -F, 'NR == 1 {print $0 ",site"; next} {print $0 "," ($1 % 3) + 1}' >"$tmp/syn.csv"
  rm -rf "$tmp/sshards"; mkdir -p "$tmp/sshards"
  head -1 "$tmp/syn.csv" >"$tmp/hdr"
  tail -n +2 "$tmp/syn.csv" | split -l 17000 - "$tmp/sshards/part_"
  for f in "$tmp/sshards"/part_*; do cat "$tmp/hdr" "$f" >"$f.csv"; rm "$f"; done
else
  echo "FAIL gen_surv not found at $gen_surv"; fail=1
fi
lung=$data/lung.csv vet=$data/veteran.csv ova=$data/ovarian.csv syn=$tmp/syn.csv
for np in 2 4; do
  surv "km lung, sex x strata(ph.ecog)" $np km "$lung" "Surv(time, status) ~ sex + strata(ph.ecog)" --times 180,365
  surv "km veteran, trt x strata(celltype)" $np km "$vet" "Surv(time, status) ~ trt + strata(celltype)"
  surv "km ovarian, log-log" $np km "$ova" "Surv(futime, fustat) ~ rx" --conf-type log-log
  surv "km lung, integer weights" $np km "$tmp/lungw.csv" "Surv(time, status) ~ sex" --weights w
  surv "km lung, non-integer weights (robust SE)" $np km "$tmp/lungf.csv" "Surv(time, status) ~ sex" --weights w
  surv "logrank lung, strata(ph.ecog)" $np logrank "$lung" "Surv(time, status) ~ sex + strata(ph.ecog)"
  surv "logrank veteran, strata(celltype)" $np logrank "$vet" "Surv(time, status) ~ trt + strata(celltype)"
  surv "logrank ovarian, rho 1" $np logrank "$ova" "Surv(futime, fustat) ~ rx" --rho 1
  surv "cox lung, efron" $np cox "$lung" "Surv(time, status) ~ age + sex + ph.ecog"
  surv "cox lung, breslow, strata(ph.ecog)" $np cox "$lung" "Surv(time, status) ~ age + sex + strata(ph.ecog)" --ties breslow
  surv "cox lung, integer weights" $np cox "$tmp/lungw.csv" "Surv(time, status) ~ age + sex + ph.ecog" --weights w
  surv "cox veteran, efron, strata(celltype)" $np cox "$vet" "Surv(time, status) ~ trt + karno + age + strata(celltype)"
  surv "cox veteran, breslow" $np cox "$vet" "Surv(time, status) ~ trt + karno + diagtime + age + prior" --ties breslow
  surv "cox ovarian" $np cox "$ova" "Surv(futime, fustat) ~ age + resid.ds + rx + ecog.ps"
  if [ -f "$syn" ]; then
    surv "km synthetic 50k, trt x strata(site)" $np km "$syn" "Surv(time, status) ~ trt + strata(site)"
    surv "logrank synthetic 50k, strata(site)" $np logrank "$syn" "Surv(time, status) ~ trt + strata(site)"
    surv "cox synthetic 50k, efron" $np cox "$syn" "Surv(time, status) ~ trt + x1 + x2 + x3 + x4"
    surv "cox synthetic 50k, breslow, strata(site)" $np cox "$syn" "Surv(time, status) ~ trt + x1 + x2 + strata(site)" --ties breslow
  fi
done
[ -f "$syn" ] && surv "cox synthetic 50k, 3 shards by glob" 3 cox "$tmp/sshards/part_*.csv" "Surv(time, status) ~ trt + x1 + x2"
[ -f "$syn" ] && surv "km synthetic 50k, 3 shards by glob" 2 km "$tmp/sshards/part_*.csv" "Surv(time, status) ~ trt"

# refused with exit 2 and a message, nothing on stdout
refuse() {  # name pattern args...
  local name=$1 pat=$2
  shift 2
  mpirun_ -np 2 "$mpi" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ $rc -ne 2 ]; then echo "FAIL $name: exit $rc, not 2"; fail=1
  elif [ -s "$tmp/out" ]; then echo "FAIL $name: output on stdout"; fail=1
  elif ! grep -q -- "$pat" "$tmp/err"; then echo "FAIL $name: message: $(head -2 "$tmp/err")"; fail=1
  else echo "ok   $name refused"; fi
}
refuse "cox cluster()" "cluster() (the robust variance) is not available" cox --data "$lung" --formula "Surv(time, status) ~ age + cluster(inst)"
refuse "cox --robust" "--robust is not available" cox --data "$lung" --formula "Surv(time, status) ~ age" --robust
refuse "cox ties exact" "ties exact is not available" cox --data "$lung" --formula "Surv(time, status) ~ age" --ties exact
refuse "cox non-integer weights" "non-integer --weights" cox --data "$tmp/lungf.csv" --formula "Surv(time, status) ~ age" --weights w
refuse "cox text term" 'column "celltype" is text' cox --data "$vet" --formula "Surv(time, status) ~ celltype"
refuse "text output" "writes JSON only" km --data "$lung" --formula "Surv(time, status) ~ sex" --format text
exit $fail
