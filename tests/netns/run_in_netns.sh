#!/bin/sh
# Runs a test binary inside a private network namespace whose loopback carries multicast, so
# mDNS (224.0.0.251:5353) works without touching the host's network (STYLE.md §10).
#   tests/netns/run_in_netns.sh <binary> [gtest args...]
# Exits 77 (skipped) if a namespace cannot be made (no unprivileged user namespaces).
set -eu
if [ "$#" -lt 1 ]; then
  echo "usage: $0 <binary> [args...]" >&2
  exit 2
fi
if [ "${GOOP_IN_NETNS:-}" != "1" ]; then
  if ! unshare -rn true 2>/dev/null; then
    echo "run_in_netns: unshare -rn failed; skipping" >&2
    exit 77
  fi
  GOOP_IN_NETNS=1 exec unshare -rn "$0" "$@"
fi
ip link set lo up
ip link set lo multicast on
ip route add 224.0.0.0/4 dev lo
exec "$@"
