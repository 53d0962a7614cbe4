#!/usr/bin/env bash
# render.sh OBSURV [DATA_DIR] — browser test of the study report.
#
# Simulates the NELM registry, runs examples/nelm/study.yaml, checks that
# index.html is one self-contained page holding every figure inline (SVG
# count and ids, no script, no network reference), then renders it with
# headless Chromium to a PNG and checks that something was drawn (the PNG's
# size and dimensions; a blank page compresses to a few kilobytes).
# Exit 0 pass, 1 fail, 77 skipped (no chromium).  KEEP=1 keeps the output
# folder and prints its path (to look at the PNG).
set -u
obsurv=${1:?usage: render.sh OBSURV [DATA_DIR]}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "skip: chromium is not installed (apt-get install chromium)"
  exit 77
fi
out=$(mktemp -d)
profile=$(mktemp -d)
if [ "${KEEP:-0}" = 1 ]; then echo "output in $out"; trap 'rm -rf "$profile"' EXIT
else trap 'rm -rf "$out" "$profile"' EXIT; fi
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }

"$obsurv" simulate nelm --seed 164 --out "$out/nelm.csv" || exit 1
"$obsurv" study "$root/examples/nelm/study.yaml" --data "$out/nelm.csv" --out "$out/report" --quiet 2>/dev/null || {
  echo "FAIL obsurv study did not run"; exit 1; }
html=$out/report/index.html
check "index.html exists" '[ -s "$html" ]'
nsvg=$(grep -o '<svg' "$html" | wc -l)
check "five inline figures (found $nsvg <svg>)" '[ "$nsvg" -ge 5 ]'
for id in fig-flow fig-km fig-ps-overlap fig-love fig-forest; do
  check "figure $id present" 'grep -q "id=\"$id\"" "$html"'
done
check "numbers at risk under the KM axis" 'grep -q "Number at risk" "$html"'
check "no script" '! grep -qi "<script" "$html"'
check "no network reference" '! grep -Eqi "(src|href)=\"(https?:)?//" "$html"'
for f in km ps_overlap love forest; do
  for ext in svg png pdf; do check "$f.$ext written" '[ -s "$out/report/$f.$ext" ]'; done
done

png=$out/page.png
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --screenshot="$png" --window-size=1200,4000 "file://$html" >/dev/null 2>&1
check "chromium wrote a screenshot" '[ -s "$png" ]'
if [ -s "$png" ]; then
  size=$(wc -c <"$png")
  # PNG header: 8-byte signature, then IHDR with width and height (big-endian)
  read -r w h < <(od -An -tu1 -j16 -N8 "$png" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}')
  check "screenshot is 1200x4000 (got ${w}x${h})" '[ "$w" = 1200 ] && [ "$h" = 4000 ]'
  check "page is not blank ($size bytes)" '[ "$size" -gt 100000 ]'
fi
[ "$fail" = 0 ] && echo "report renders" || echo "report test FAILED"
exit "$fail"
