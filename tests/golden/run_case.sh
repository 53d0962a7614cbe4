#!/usr/bin/env bash
# run_case.sh OBSURV JSONCMP CASE.cmd DATA_DIR
# Runs one golden case: the arguments in CASE.cmd (@DATA@ = DATA_DIR,
# @TESTS@ = the tests/ directory), then compares the JSON written on standard
# output with CASE.json at the suite's tolerance (SUITE/TOLERANCE).
set -u
obsurv=$1 jsoncmp=$2 cmd=$3 data=$4
dir=$(dirname "$cmd")
tests=$(cd "$dir/../.." && pwd)
ref=${cmd%.cmd}.json
tol=$(cat "$dir/TOLERANCE" 2>/dev/null || echo 1e-8)
line=$(head -n 1 "$cmd")
line=${line//@DATA@/$data}
line=${line//@TESTS@/$tests}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
eval "set -- $line"
"$obsurv" "$@" >"$out"
rc=$?
if [ $rc -ne 0 ]; then
  echo "obsurv exited $rc: obsurv $line" >&2
  exit 1
fi
"$jsoncmp" --rtol "$tol" "$ref" "$out"
