#!/usr/bin/env bash
# Runs every benchmark binary of a release build; each prints its figures and their ratios to a
# reference measured in the same run.
# goop_bench_site drives wrk against two goop2 peers and nginx (apt-get install wrk nginx).
set -euo pipefail
build=${1:-build/release}
shopt -s nullglob
benches=("$build"/bench/goop_bench_*)
if (( ${#benches[@]} == 0 )); then
  echo "no benchmarks built in $build/bench"
  exit 0
fi
for b in "${benches[@]}"; do
  echo "== $(basename "$b")"
  "$b" --benchmark_min_time=0.2
done
