#!/usr/bin/env bash
# scripts/fuzz.sh [TARGET...] — build and run obsurv's libFuzzer targets.
#
# Targets are tests/fuzz/fuzz_NAME.c (csv, formula, frame, study_spec,
# readstat, sqlite); with no argument, all of them.  Each is built with
# clang -fsanitize=fuzzer,address,undefined against the library sources
# (compiled once into $FUZZ_BUILD/libobsurv_fuzz.a) and run from its seed
# corpus tests/fuzz/corpus/NAME/ (copied into a scratch corpus so the
# committed seeds stay small), then the regression inputs
# tests/fuzz/regressions/NAME-* are replayed.
#
# Environment:
#   FUZZ_SECONDS  run time per target (default 60)
#   FUZZ_RUNS     stop after this many executions instead (-runs=N)
#   FUZZ_BUILD    build directory (default build/fuzz)
#   FUZZ_JOBS     compile jobs (default 2)
#   CC            compiler (default clang)
#
# Prints per target: executions, and each finding (crash-*, leak-*,
# timeout-*, oom-* files written into $FUZZ_BUILD/findings/NAME/).  Exits 1
# when any target found something or a regression input fails, 2 when the
# build fails.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
out=${FUZZ_BUILD:-$root/build/fuzz}
seconds=${FUZZ_SECONDS:-60}
runs=${FUZZ_RUNS:-}
jobs=${FUZZ_JOBS:-2}
cc=${CC:-clang}
flags="$(pkg-config --cflags gsl sqlite3 yaml-0.1 cairo jansson 2>/dev/null) -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -D_GNU_SOURCE -std=gnu11 -I$root/include"
libs="$(pkg-config --libs gsl sqlite3 yaml-0.1 cairo jansson 2>/dev/null) -lglpk -lreadstat -lpthread -lm"

mkdir -p "$out/obj" "$out/findings"
targets=("$@")
if [ ${#targets[@]} = 0 ]; then
  for f in "$root"/tests/fuzz/fuzz_*.c; do n=$(basename "$f" .c); targets+=("${n#fuzz_}"); done
fi

# 1. The library, once, instrumented.  A source that does not compile (a
#    module being written) is skipped with a note; targets that need it then
#    fail to link and are reported.
echo "== building library objects in $out/obj"
ls "$root"/src/*.c | xargs -P "$jobs" -I{} sh -c '
  o="'"$out"'/obj/$(basename {} .c).o"
  if [ ! -f "$o" ] || [ {} -nt "$o" ] || [ -n "$(find '"$root"'/include '"$root"'/src -name "*.h" -newer "$o" | head -1)" ]; then
    '"$cc"' '"$flags"' -c {} -o "$o" 2>"$o.log" || { echo "   skipped $(basename {}) (does not compile; see $o.log)"; rm -f "$o"; }
  fi'
rm -f "$out/libobsurv_fuzz.a"
ar rcs "$out/libobsurv_fuzz.a" "$out"/obj/*.o

status=0
for name in "${targets[@]}"; do
  src=$root/tests/fuzz/fuzz_$name.c
  bin=$out/fuzz_$name
  [ -f "$src" ] || { echo "== $name: no $src"; status=2; continue; }
  if ! $cc $flags -fsanitize=fuzzer "$src" "$out/libobsurv_fuzz.a" $libs -o "$bin" 2>"$out/fuzz_$name.log"; then
    echo "== $name: BUILD FAILED (see $out/fuzz_$name.log)"; status=2; continue
  fi
  # Regression inputs first: each must run clean.
  regs=$(ls "$root"/tests/fuzz/regressions/"$name"-* 2>/dev/null)
  if [ -n "$regs" ]; then
    if "$bin" -runs=1 $regs >"$out/fuzz_$name.regress.log" 2>&1; then
      echo "== $name: $(echo "$regs" | wc -l) regression inputs pass"
    else
      echo "== $name: REGRESSION FAILED (see $out/fuzz_$name.regress.log)"; status=1
    fi
  fi
  corpus=$out/corpus/$name
  mkdir -p "$corpus" "$out/findings/$name"
  [ -d "$root/tests/fuzz/corpus/$name" ] && cp -n "$root/tests/fuzz/corpus/$name"/* "$corpus"/ 2>/dev/null
  # the binary readers are seeded with the format files the golden tests use
  # (kept once, under tests/golden/formats and tests/cli/data)
  case $name in
    sqlite) cp -n "$root"/tests/golden/formats/*.sqlite "$root"/tests/cli/data/fmt_*.sqlite "$corpus"/ 2>/dev/null ;;
    readstat) for e in dta sav zsav xpt sas7bdat; do
                cp -n "$root"/tests/golden/formats/*.$e "$root"/tests/cli/data/fmt_*.$e "$corpus"/ 2>/dev/null
              done ;;
  esac
  dict=""
  [ -f "$root/tests/fuzz/$name.dict" ] && dict="-dict=$root/tests/fuzz/$name.dict"
  if [ -n "$runs" ]; then limit="-runs=$runs -max_total_time=$((seconds > 0 ? seconds : 86400))"; else limit="-max_total_time=$seconds"; fi
  # Formulas are short; long ones only spend the time in the term caps.
  case $name in formula) maxlen=1024 ;; study_spec) maxlen=8192 ;; *) maxlen=65536 ;; esac
  log=$out/fuzz_$name.run.log
  "$bin" $limit $dict -max_len=$maxlen -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/findings/$name/" "$corpus" >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  found=$(ls "$out/findings/$name" 2>/dev/null | wc -l)
  echo "== $name: ${execs:-?} executions, $found findings (exit $rc, log $log)"
  ls "$out/findings/$name" 2>/dev/null | sed 's/^/   /'
  [ "$rc" = 0 ] && [ "$found" = 0 ] || status=1
done
exit $status
