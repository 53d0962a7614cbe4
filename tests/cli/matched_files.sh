#!/usr/bin/env bash
# matched_files.sh OBSURV DATA_DIR — obsurv match --matched against MatchIt.
#
# For every scenario in tests/golden/data/matched_scenarios.txt (written by
# tests/r/matched.R: NAME DATA MATCH-OPTIONS) runs
#   obsurv match --data DATA MATCH-OPTIONS --matched TMP/NAME.csv
#   obsurv match ... --matched-format pairs --matched TMP/NAME_pairs.csv
# and compares the files byte for byte with tests/golden/data/matched_NAME.csv
# (R's match.data()) and matched_NAME_pairs.csv (R's get_matches()), which
# tests/r/matched.R writes in obsurv's CSV dialect.  Rows, row order, pair
# labels and weights must all be equal.  Prints one line per file and
# "N passed, M failed"; exits non-zero when any file differs.
set -u
obsurv=$1 data=$2
tests=$(cd "$(dirname "$0")/.." && pwd)
gold=$tests/golden/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() {   # NAME FILE-SUFFIX extra-args...
  local name=$1 suffix=$2
  shift 2
  local out=$tmp/$name$suffix.csv ref=$gold/matched_$name$suffix.csv
  if ! "$obsurv" match "${args[@]}" "$@" --matched "$out" >/dev/null 2>"$tmp/err"; then
    fail=$((fail + 1)); echo "FAIL $name$suffix: obsurv match failed: $(head -c 300 "$tmp/err")"
  elif cmp -s "$out" "$ref"; then
    pass=$((pass + 1)); echo "ok   $name$suffix"
  else
    fail=$((fail + 1)); echo "FAIL $name$suffix: differs from $ref"
    diff "$ref" "$out" | head -5
  fi
}
while IFS= read -r line || [ -n "$line" ]; do
  case $line in ''|'#'*) continue ;; esac
  line=${line//@DATA@/$data}
  line=${line//@TESTS@/$tests}
  eval "set -- $line"
  name=$1 file=$2
  shift 2
  args=(--data "$file" "$@")
  check "$name" ""
  check "$name" _pairs --matched-format pairs
done <"$gold/matched_scenarios.txt"
echo "$pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
