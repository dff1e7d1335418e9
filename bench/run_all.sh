#!/usr/bin/env bash
# Runs every benchmark binary of a release build (or the ones named), each with its own
# arguments; each prints its figures and their ratios to a reference measured in the same run.
#   bench/run_all.sh [build/release] [name...]      e.g. bench/run_all.sh build/release site p2p
# goop_bench_site and goop_bench_rendezvous drive wrk against goop2 and nginx (scripts/setup
# installs both). Arguments per benchmark (the defaults each binary documents in its header):
set -euo pipefail
build=${1:-build/release}
shift || true
declare -A args=(
  [noise]=""                          # 32 MiB per measurement, 5 rounds
  [p2p]=""
  [gossipsub]=""                      # 10000 messages, window 16
  [presence]=""                       # 50 peer processes
  [site]=""                           # 5 s per wrk run
  [rendezvous]=""                     # 10000 WebSocket clients, 5 s of publishes
)
shopt -s nullglob
if (( $# )); then
  benches=()
  for name in "$@"; do benches+=("$build/bench/goop_bench_${name#goop_bench_}"); done
else
  benches=("$build"/bench/goop_bench_*)
fi
if (( ${#benches[@]} == 0 )); then
  echo "no benchmarks built in $build/bench (make bench builds them)" >&2
  exit 1
fi
status=0
for b in "${benches[@]}"; do
  name=$(basename "$b")
  name=${name#goop_bench_}
  if [[ ! -x "$b" ]]; then
    echo "run_all: no benchmark $b" >&2
    status=1
    continue
  fi
  if [[ ! -v "args[$name]" ]]; then
    echo "run_all: $b has no entry in bench/run_all.sh's argument table; add one" >&2
    status=1
    continue
  fi
  echo "== goop_bench_$name ${args[$name]}"
  # shellcheck disable=SC2086  # the table holds whitespace-separated arguments
  "$b" ${args[$name]} || { echo "run_all: goop_bench_$name failed (exit $?)" >&2; status=1; }
done
exit $status
