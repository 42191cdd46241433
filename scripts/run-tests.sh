#!/usr/bin/env bash
# Runs every test against one build directory: the cmocka programs for core, then the busted
# specs through that build's moongrad executable. Ends with one line "N passed, N failed".
set -u
build=${1:-build}
cd "$(dirname "$0")/.."
passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$build"/tests/test_*; do
  [ -x "$t" ] || continue
  "$t" >"$log" 2>&1
  rc=$?
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log")
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log")
  p=${p:-0} f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi # crashed or a sanitizer report
  [ "$f" -ne 0 ] && cat "$log"
  echo "$(basename "$t"): $p passed, $f failed"
  passed=$((passed + p)) failed=$((failed + f))
done

# busted's TAP output: one "ok N", "ok N - # SKIP" or "not ok N" per test.
case $build in /*) exe=$build/moongrad ;; *) exe=$(pwd)/$build/moongrad ;; esac
MOONGRAD_EXE=$exe "$exe" /usr/bin/busted -o TAP tests/lua >"$log" 2>&1
rc=$?
s=$(grep -c '^ok .*# SKIP' "$log")
p=$(($(grep -c '^ok ' "$log") - s))
f=$(grep -c '^not ok ' "$log")
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
grep -v '^ok ' "$log" | grep -v '^1\.\.' | head -200
grep '^ok .*# SKIP' "$log" | sed 's/^ok [0-9]* - # SKIP /skipped: /'
echo "busted specs: $p passed, $f failed, $s skipped"
passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))

# make install puts the library where a stock lua5.4 finds it under the prefix.
if [ "${2:-}" = --install ]; then
  prefix=$(mktemp -d)
  if make --no-print-directory -s install PREFIX="$prefix" BUILD="$build" >"$log" 2>&1 &&
     LUA_PATH="$prefix/share/lua/5.4/?.lua;$prefix/share/lua/5.4/?/init.lua" \
     LUA_CPATH="$prefix/lib/lua/5.4/?.so" \
     lua5.4 -e "local mg = require 'moongrad'; assert((mg.ones(2, 2) * 3):sum():item() == 12)" >>"$log" 2>&1; then
    echo "install: 1 passed, 0 failed"
    passed=$((passed + 1))
  else
    cat "$log"
    echo "install: 0 passed, 1 failed"
    failed=$((failed + 1))
  fi
  rm -rf "$prefix"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
