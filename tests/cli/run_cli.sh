#!/usr/bin/env bash
# run_cli.sh OBSURV FILE.t DATA_DIR — command-line cases.
#
# A .t file is a list of cases, each a block of lines:
#
#   case NAME                 starts a case
#   stdin PATH                (optional) feed PATH on standard input
#   run ARGS...               obsurv arguments (shell words; @DATA@ = the shared
#                             data directory, @TESTS@ = tests/, @TMP@ = a scratch
#                             directory for this file)
#   exit N                    expected exit status
#   stdout TEXT               standard output contains TEXT (may repeat)
#   stderr TEXT               standard error contains TEXT (may repeat)
#   stdout-empty | stderr-empty
#   end                       runs the case
#
# Lines starting with # and blank lines are ignored.  Prints one line per
# case and a summary; exits non-zero when any case fails.
set -u
obsurv=$1 file=$2 data=$3
tests=$(cd "$(dirname "$file")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
name="" args="" stdin="" checks=()

subst() {
  local s=$1
  s=${s//@DATA@/$data}
  s=${s//@TESTS@/$tests}
  s=${s//@TMP@/$tmp}
  printf '%s' "$s"
}

run_case() {
  local out="$tmp/.out" err="$tmp/.err" rc ok=1 why=""
  eval "set -- $(subst "$args")"
  # OBSURV_WRAP: a command put before obsurv (make check-valgrind: valgrind)
  if [ -n "$stdin" ]; then
    ${OBSURV_WRAP:-} "$obsurv" "$@" <"$(subst "$stdin")" >"$out" 2>"$err"
  else
    ${OBSURV_WRAP:-} "$obsurv" "$@" </dev/null >"$out" 2>"$err"
  fi
  rc=$?
  for c in "${checks[@]}"; do
    local kind=${c%% *} text=""
    [ "$kind" != "$c" ] && text=$(subst "${c#* }")
    case $kind in
      exit) [ "$rc" = "$text" ] || { ok=0; why+=" exit $rc (wanted $text);"; } ;;
      stdout) grep -qF -- "$text" "$out" || { ok=0; why+=" stdout lacks '$text';"; } ;;
      stderr) grep -qF -- "$text" "$err" || { ok=0; why+=" stderr lacks '$text';"; } ;;
      stdout-empty) [ ! -s "$out" ] || { ok=0; why+=" stdout not empty;"; } ;;
      stderr-empty) [ ! -s "$err" ] || { ok=0; why+=" stderr not empty;"; } ;;
    esac
  done
  if [ $ok = 1 ]; then
    pass=$((pass + 1))
    echo "ok   $name"
  else
    fail=$((fail + 1))
    echo "FAIL $name:$why"
    echo "     stderr: $(head -c 300 "$err")"
  fi
}

while IFS= read -r line || [ -n "$line" ]; do
  case $line in
    ''|'#'*) continue ;;
    'case '*) name=${line#case }; args=""; stdin=""; checks=() ;;
    'run '*) args=${line#run } ;;
    'stdin '*) stdin=${line#stdin } ;;
    end) run_case ;;
    *) checks+=("$line") ;;
  esac
done <"$file"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
