#!/usr/bin/env bash
# Runs every libFuzzer target of a build (default build/asan) for N seconds on its committed
# corpus (fuzz/corpus/<target>/): `fuzz/run_all.sh [build] [seconds]`. Fails if a target is
# missing or finds a crash, a leak or undefined behaviour.
# New interesting inputs go to a scratch corpus so the committed one only changes on purpose.
set -euo pipefail
build=${1:-build/asan}
seconds=${2:-60}
root=$(cd "$(dirname "$0")" && pwd)
shopt -s nullglob
status=0
sources=("$root"/*_fuzz.cpp)
for src in "${sources[@]}"; do
  stem=$(basename "$src" _fuzz.cpp)
  name=fuzz_$stem
  f=$build/fuzz/$name
  if [[ ! -x "$f" ]]; then
    echo "== $name: not built in $build (cmake --build --preset asan --target goop_fuzzers)"
    status=1
    continue
  fi
  corpus="$root/corpus/$stem"
  scratch=$(mktemp -d)
  mkdir -p "$corpus" "$root/artifacts"
  echo "== $name (${seconds}s)"
  if ! "$f" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$root/artifacts/$name-" "$scratch" "$corpus" 2>"$scratch.log"; then
    tail -40 "$scratch.log"
    status=1
  else
    grep -E '^(#[0-9]+ *DONE|Done)' "$scratch.log" | tail -1 || true
  fi
  rm -rf "$scratch" "$scratch.log"
done
exit $status
