#!/usr/bin/env bash
# Runs every libFuzzer target for N seconds on its committed corpus (fuzz/corpus/<target>/).
# New interesting inputs go to a scratch corpus so the committed one only changes on purpose.
set -euo pipefail
build=${1:-build/fuzz}
seconds=${2:-60}
root=$(cd "$(dirname "$0")" && pwd)
shopt -s nullglob
status=0
for f in "$build"/fuzz/fuzz_*; do
  name=$(basename "$f")
  corpus="$root/corpus/${name#fuzz_}"
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
