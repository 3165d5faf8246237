#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# evpnd in two minutes: three KVM-like hypervisors in network namespaces (scripts/lab.sh), each with
# a bridge, a VXLAN device created with `nolearning` and a VM, and evpnd in a full iBGP mesh. evpnd
# learns each VM's MAC from its bridge and installs it on the other hypervisors' VXLAN devices, so
# the VMs reach each other with no flood-and-learn on the tunnels. Then, where the kernel has VRF
# (Debian's does), a routed tenant (lab.sh --tenant): two subnets with anycast gateways, a VM on
# one pinging a VM on the other across hypervisors, and a prefix no VM owns (a type-5 route).
#
# Usage: scripts/demo.sh [--keep]    run the demo (as root); --keep leaves the lab up to explore
#        scripts/demo.sh --down      tear down a lab left up by --keep
# Installs the Debian packages it needs (only those missing) and builds evpnd if needed.
# Nothing is configured in the default namespace; only the processes the demo started are stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PREFIX=evdemo
LAB=$ROOT/scripts/lab.sh
LABDIR=/tmp/evpnd-lab-$PREFIX
BUILD=${EVPND_BUILD_DIR:-build} # the build directory, relative to the repository root
export EVPND=$ROOT/$BUILD/evpnd
export EVPNCTL=$ROOT/$BUILD/evpnctl

keep=0
case "${1:-}" in
"") ;;
--keep) keep=1 ;;
--down) down=1 ;;
-h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
*) echo "usage: $0 [--keep|--down]" >&2; exit 2 ;;
esac

if [ -t 1 ]; then B=$'\e[1m' D=$'\e[2m' N=$'\e[0m'; else B='' D='' N=''; fi
say() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
# run CMD...: show a command, then run it
run() {
	printf '%s$ %s%s\n' "$D" "$*" "$N"
	"$@"
}
die() { echo "demo: $*" >&2; exit 1; }

# Stop what a previous run left (lab.sh kills only the PIDs it recorded) and delete its namespaces.
teardown() {
	if [ -f "$LABDIR/lab.env" ]; then "$LAB" down -q --prefix "$PREFIX" || true; fi
}

[ "$(id -u)" -eq 0 ] || die "run me as root (network namespaces): sudo $0 $*"

if [ "${down:-0}" = 1 ]; then
	teardown
	echo "demo: torn down"
	exit 0
fi

# ---- packages and build ----
scripts/deps.sh demo || die "cannot install the packages the demo needs"

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
	say "Building evpnd ($BUILD/)"
	tests=ON
	pkg-config --exists cmocka 2>/dev/null || tests=OFF # unit tests need libcmocka-dev
	cmake -S . -B "$BUILD" -DEVPND_TESTS=$tests >/dev/null
fi
# Incremental: a no-op when the binaries are up to date. Its output only matters when it fails.
if ! out=$(cmake --build "$BUILD" -j2 --target evpnd evpnctl 2>&1); then
	printf '%s\n' "$out" | tail -n 40 >&2
	die "build failed: cmake --build $BUILD"
fi
{ [ -x "$EVPND" ] && [ -x "$EVPNCTL" ]; } || die "$EVPND or $EVPNCTL missing after the build"

# ---- the lab ----
teardown # a lab left over from an earlier --keep
# Torn down on any exit, errors included; a successful --keep run disarms this at the end.
trap 'teardown' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "Three hypervisors: namespaces $PREFIX-h1..h3 on an underlay switch ($PREFIX-sw), 10.99.0.1..3"
echo "Each: bridge br100 with VXLAN device vx100 (VNI 100, nolearning, learning off on its port), one VM"
echo "($PREFIX-hN-vm1: MAC 02:00:00:00:0N:01, 192.168.100.N), and evpnd; a full iBGP mesh."
"$LAB" up -q -n 3 --prefix "$PREFIX" >/dev/null || die "scripts/lab.sh up failed"
ctl() { local i=$1; shift; "$EVPNCTL" -s "$LABDIR/h$i.sock" "$@"; }
hv() { local i=$1; shift; ip netns exec "$PREFIX-h$i" "$@"; }
vm() { local i=$1; shift; ip netns exec "$PREFIX-h$i-vm1" "$@"; }
# wait_until SECONDS CMD...: poll CMD every 0.2 s
wait_until() {
	local n=$(($1 * 5))
	shift
	while ((n-- > 0)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}
established() { [ "$(ctl "$1" show neighbors --json 2>/dev/null | grep -o '"established"' | wc -l)" = 2 ]; }
diag() {
	for i in 1 2 3; do echo "--- h$i.log"; tail -n 20 "$LABDIR/h$i.log"; done
	die "$*"
}
for i in 1 2 3; do wait_until 30 established "$i" || diag "h$i: BGP sessions not up after 30 s"; done
flooding() { [ "$(hv "$1" bridge fdb show dev vx100 | grep -c '^00:00:00:00:00:00 dst')" -ge 2 ]; }
for i in 1 2 3; do wait_until 10 flooding "$i" || true; done
# The VMs say hello once (as booting VMs do), so each bridge learns its local VM's MAC.
for i in 1 2 3; do vm "$i" ping -c 1 -W 1 192.168.100.$((i % 3 + 1)) >/dev/null 2>&1 || true; done
installed() { [ "$(hv "$1" bridge fdb show dev vx100 | grep -c 'dst .* self extern_learn')" -ge 2 ]; }
for i in 1 2 3; do wait_until 10 installed "$i" || true; done

say "BGP sessions of hypervisor 1"
run "$EVPNCTL" -s "$LABDIR/h1.sock" show neighbors

say "Hypervisor 1's EVPN routes: a MAC route (type 2) per VM, a flood-list route (type 3) per VTEP"
run "$EVPNCTL" -s "$LABDIR/h1.sock" show routes

for i in 1 2 3; do
	say "Hypervisor $i's VXLAN FDB: the other VMs' MACs (extern_learn, toward their VTEP), flood entries"
	run ip netns exec "$PREFIX-h$i" bridge fdb show dev vx100
done

say "VMs ping each other across hypervisors (VXLAN learning off: evpnd's entries do it)"
ok=1
for i in 1 2 3; do
	for j in 1 2 3; do
		[ "$i" = "$j" ] && continue
		printf '%s$ ip netns exec %s ping -c 2 192.168.100.%s%s\n' "$D" "$PREFIX-h$i-vm1" "$j" "$N"
		out=$(vm "$i" ping -c 2 -i 0.2 -W 1 192.168.100.$j 2>&1) || ok=0
		printf '%s\n' "$out" | grep -E 'packets transmitted' || true
	done
done
[ "$ok" = 1 ] && echo "every VM reaches every other VM" || echo "demo: some pings failed (logs in $LABDIR/)"

# ---- a routed tenant (symmetric IRB), where the kernel has VRF ----
vrf_ok() {
	local n=$PREFIX-vrfprobe rc=0
	ip netns add "$n" 2>/dev/null || return 1
	ip -n "$n" link add probe type vrf table 1 2>/dev/null || rc=1
	ip netns del "$n"
	return $rc
}
tenant=0
say "A routed tenant: VRF vrf-t with L3 VNI 4000, subnets 10.1.0.0/24 (VNI 100) and 10.2.0.0/24 (VNI 200)"
if ! vrf_ok; then
	echo "This kernel has no VRF (CONFIG_NET_VRF): skipped. Debian's kernel has it;"
	echo "tests/integration/test_routed_tenant.sh runs this part in a VM (scripts/vm.sh)."
else
	tenant=1
	echo "h1 and h3 carry VNI 100, h2 VNI 200: each bridge is its subnet's anycast gateway (10.S.0.1, the"
	echo "same MAC everywhere) in vrf-t; br-l3 (the router MAC) holds vx-l3. h3 also has ext0, 192.0.2.1/24."
	teardown
	"$LAB" up -q -n 3 --tenant --prefix "$PREFIX" >/dev/null || die "scripts/lab.sh up --tenant failed"
	for i in 1 2 3; do wait_until 30 established "$i" || diag "h$i: BGP sessions not up after 30 s"; done
	# the VMs greet their gateway (h1's and h3's 10.1.0.1, h2's 10.2.0.1): their MAC+IP routes go out
	for i in 1 2 3; do vm "$i" ping -c 1 -W 1 "10.$((2 - i % 2)).0.1" >/dev/null 2>&1 || true; done
	routed() { hv 1 ip route show table 1000 | grep -q '^10.2.0.12 via'; }
	wait_until 30 routed || true
	say "Hypervisor 1's tenant: its devices, and the routes evpnd installed in the VRF's table"
	run "$EVPNCTL" -s "$LABDIR/h1.sock" show vrfs
	run "$EVPNCTL" -s "$LABDIR/h1.sock" show routes vrf vrf-t
	run ip netns exec "$PREFIX-h1" ip route show table 1000 proto bgp
	run ip netns exec "$PREFIX-h1" ip neigh show dev br-l3
	say "h1's VM (10.1.0.11) pings h2's VM (10.2.0.12) on the other subnet: routed at h1 and h2 over"
	echo "VNI 4000 (h1 has no VNI 200); the reply's TTL 62 shows the two routed hops"
	run ip netns exec "$PREFIX-h1-vm1" ping -c 2 -i 0.2 -W 1 10.2.0.12 || echo "demo: the routed ping failed (logs in $LABDIR/)"
	say "h1's VM pings 192.0.2.1, behind h3's type-5 route (a prefix no VM owns)"
	run ip netns exec "$PREFIX-h1-vm1" ping -c 2 -i 0.2 -W 1 192.0.2.1 || echo "demo: the ping to 192.0.2.1 failed (logs in $LABDIR/)"
fi

if [ "$keep" = 1 ]; then
	trap - EXIT INT TERM
	say "The lab stays up. Explore it with:"
	cat <<EOF
  $LAB status
  $EVPNCTL -s $LABDIR/h1.sock show neighbors
  $EVPNCTL -s $LABDIR/h1.sock show routes
  $EVPNCTL -s $LABDIR/h2.sock watch evpn        # and in another shell, a MAC appears on h1:
  ip netns exec $PREFIX-h1 bridge fdb add 02:aa:00:00:00:01 dev vm1 master static
  ip netns exec $PREFIX-h3 bridge fdb show dev vx100
  ip netns exec $PREFIX-h1-vm1 ping $( ((tenant)) && echo 10.2.0.12 || echo 192.168.100.3)
  ip netns exec $PREFIX-h1 bridge monitor fdb
  less $LABDIR/h1.log
Tear it down with:
  $ROOT/scripts/demo.sh --down
EOF
else
	say "Tearing down (run with --keep to leave the lab up)"
fi
