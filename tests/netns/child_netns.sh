#!/bin/sh
# Runs a command in a new network namespace cabled to the calling one, like a host on its own
# LAN segment behind a router (used by the rendezvous netns test; needs to run inside
# run_in_netns.sh, whose user namespace makes us root over both namespaces):
#   tests/netns/child_netns.sh <outer pid> <n> <command...>
# Inside: lo, and eth0 = 10.<n>.0.2/24 with the default route via 10.<n>.0.1. Outside (the
# namespace of <outer pid>): veth<n> = 10.<n>.0.1/24, with IPv4 forwarding on, so segments
# 10.1.0.0/24 and 10.2.0.0/24 reach each other but share no multicast.
set -eu
outer=$1
n=$2
shift 2
if [ "${GOOP_CHILD_NETNS:-}" != "$n" ]; then
  GOOP_CHILD_NETNS=$n exec unshare -n "$0" "$outer" "$n" "$@"
fi
ip link set lo up
ip link add eth0 type veth peer name "veth$n" netns "$outer"
ip addr add "10.$n.0.2/24" dev eth0
ip link set eth0 up
nsenter -t "$outer" -n sh -c "ip addr add 10.$n.0.1/24 dev veth$n && ip link set veth$n up && echo 1 > /proc/sys/net/ipv4/ip_forward"
ip route add default via "10.$n.0.1"
exec "$@"
