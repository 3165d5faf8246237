#!/usr/bin/env bash
# evpnd in two minutes: GoBGP (hypervisor 1) and evpnd (hypervisor 2) in two network namespaces,
# exchanging EVPN MAC/IP and flood-list routes and an opaque key-value, shown from both sides.
#
# Usage: scripts/demo.sh [--keep]    run the demo (as root); --keep leaves the lab up to explore
#        scripts/demo.sh --down      tear down a lab left up by --keep
# Installs the Debian packages it needs (only those missing) and builds evpnd if needed.
# Nothing is configured in the default namespace; only the processes the demo started are stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

DEMO=/tmp/evpnd-demo
NS1=evdemo-h1 NS2=evdemo-h2
H1=10.77.0.1 H2=10.77.0.2
BUILD=${EVPND_BUILD_DIR:-build} # the build directory, relative to the repository root
EVPND=$ROOT/$BUILD/evpnd
EVPNCTL=$ROOT/$BUILD/evpnctl

keep=0
case "${1:-}" in
"") ;;
--keep) keep=1 ;;
--down) down=1 ;;
-h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

# alive PID: running (a zombie does not count)
alive() {
	local st
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

# Stop what a previous run left (by the PIDs it recorded) and delete its namespaces.
teardown() {
	local f pid i
	for f in "$DEMO"/*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		# Only if that PID is still the program we started (a stale file's PID may be reused).
		if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-f $DEMO/"; then
			kill -TERM "$pid" 2>/dev/null || true
			for ((i = 0; i < 30; i++)); do alive "$pid" || break; sleep 0.1; done
			alive "$pid" && kill -KILL "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null || true # reaps it when it is our child
		fi
		rm -f "$f"
	done
	for f in "$NS1" "$NS2"; do
		[ -e "/run/netns/$f" ] && ip netns del "$f"
	done
	rm -rf "$DEMO"
}

[ "$(id -u)" -eq 0 ] || die "run me as root (network namespaces): sudo $0 $*"

if [ "${down:-0}" = 1 ]; then
	teardown
	echo "demo: torn down"
	exit 0
fi

# ---- packages and build ----
pkgs=(cmake gcc make pkg-config libmnl-dev libnl-3-dev libnl-route-3-dev libev-dev libinih-dev
      libjson-c-dev gobgpd iproute2 python3)
missing=()
for p in "${pkgs[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	say "Installing missing packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get -y install -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

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
mkdir -p "$DEMO"
# Torn down on any exit, errors included; a successful --keep run disarms this at the end.
trap 'teardown' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "Two hypervisors: namespaces $NS1 (GoBGP, $H1) and $NS2 (evpnd, $H2), one veth between them"
for ns in "$NS1" "$NS2"; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
done
ip -n "$NS1" link add eth0 type veth peer name eth0 netns "$NS2"
ip -n "$NS1" addr add $H1/24 dev eth0
ip -n "$NS2" addr add $H2/24 dev eth0
ip -n "$NS1" link set eth0 up
ip -n "$NS2" link set eth0 up

cat >"$DEMO/gobgpd.toml" <<EOF
[global.config]
  as = 64512
  router-id = "$H1"
  port = 179
  local-address-list = ["$H1"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$H2"
    peer-as = 64512
  [neighbors.transport.config]
    local-address = "$H1"
  [neighbors.timers.config]
    connect-retry = 5
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "l2vpn-evpn"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "opaque"
EOF
cat >"$DEMO/evpnd.conf" <<EOF
[global]
asn = 64512
router-id = $H2
listen = $H2
control-socket = $DEMO/evpnd.sock

[neighbor $H1]
remote-as = 64512
families = evpn opaque
EOF

GOBGP=(gobgp --target "unix://$DEMO/gobgp.sock")
CTL=("$EVPNCTL" -s "$DEMO/evpnd.sock")

ip netns exec "$NS1" gobgpd -f "$DEMO/gobgpd.toml" --api-hosts "unix://$DEMO/gobgp.sock" \
	--pprof-disable -p >"$DEMO/gobgpd.log" 2>&1 &
echo $! >"$DEMO/gobgpd.pid"
ip netns exec "$NS2" "$EVPND" -f "$DEMO/evpnd.conf" >"$DEMO/evpnd.log" 2>&1 &
echo $! >"$DEMO/evpnd.pid"

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
established() { "${CTL[@]}" show neighbors --json 2>/dev/null | grep -q '"established"'; }
diag() {
	echo "--- evpnd.log"; tail -n 30 "$DEMO/evpnd.log"
	echo "--- gobgpd.log"; tail -n 30 "$DEMO/gobgpd.log"
	die "$*"
}

say "Starting gobgpd in $NS1 and evpnd in $NS2; waiting for the BGP session"
wait_until 10 "${CTL[@]}" show neighbors || diag "evpnd's control socket does not answer"
wait_until 30 established || diag "no BGP session after 30 s"
run "${CTL[@]}" show neighbors
run "${GOBGP[@]}" neighbor

say "GoBGP advertises two VMs' MACs (one with its IP) and its flood-list entry (type 3) in VNI 10"
run "${GOBGP[@]}" global rib add macadv aa:bb:cc:dd:ee:04 0.0.0.0 etag 0 label 10 rd 64512:10 \
	rt 64512:10 encap vxlan -a evpn
run "${GOBGP[@]}" global rib add macadv aa:bb:cc:dd:ee:05 192.168.10.5 etag 0 label 10 \
	rd 64512:10 rt 64512:10 encap vxlan -a evpn
run "${GOBGP[@]}" global rib add multicast $H1 etag 0 rd 64512:10 rt 64512:10 encap vxlan \
	pmsi ingress-repl 10 $H1 -a evpn
received() { [ "$("${CTL[@]}" show routes --json | grep -o "\"source\": *\"$H1\"" | wc -l)" -ge 3 ]; }
wait_until 5 received || true

say "...and evpnd has received them"
run "${CTL[@]}" show routes

say "evpnd advertises a local VM (MAC+IP) and its own flood-list entry in VNI 100"
run "${CTL[@]}" add macadv 02:00:00:00:00:01 10.0.0.5 vni 100
run "${CTL[@]}" add multicast $H2 vni 100
at_gobgp() { [ "$("${GOBGP[@]}" global rib -a evpn | grep -c "$1")" = "$2" ]; }
wait_until 5 at_gobgp "rd:$H2:100" 2 || true

say "...and GoBGP has received them (RD $H2:100 and RT 64512:100 chosen automatically)"
run "${GOBGP[@]}" global rib -a evpn

say "An opaque key-value (GoBGP's key-value family) from evpnd"
run "${CTL[@]}" add key hypervisor-2 value vms=1
run "${CTL[@]}" show routes opaque
opaque_at_gobgp() { "${GOBGP[@]}" global rib summary -a opaque | grep -q 'Destination: 1,'; }
wait_until 5 opaque_at_gobgp || true
run "${GOBGP[@]}" global rib summary -a opaque

say "The VM leaves: evpnd withdraws its MAC, GoBGP forgets it"
run "${CTL[@]}" del macadv 02:00:00:00:00:01 10.0.0.5 vni 100
wait_until 5 at_gobgp "rd:$H2:100" 1 || true
run "${GOBGP[@]}" global rib -a evpn

if [ "$keep" = 1 ]; then
	trap - EXIT INT TERM
	say "The lab stays up. Explore it with:"
	cat <<EOF
  $EVPNCTL -s $DEMO/evpnd.sock show neighbors
  $EVPNCTL -s $DEMO/evpnd.sock show routes
  $EVPNCTL -s $DEMO/evpnd.sock watch
  $EVPNCTL -s $DEMO/evpnd.sock add macadv 02:00:00:00:00:02 10.0.0.6 vni 100
  gobgp --target unix://$DEMO/gobgp.sock global rib -a evpn
  gobgp --target unix://$DEMO/gobgp.sock global rib add macadv aa:bb:cc:dd:ee:06 0.0.0.0 etag 0 label 10 rd 64512:10 rt 64512:10 encap vxlan -a evpn
  ip netns exec $NS2 ss -tn             # the BGP session
  less $DEMO/evpnd.log $DEMO/gobgpd.log
Tear it down with:
  $ROOT/scripts/demo.sh --down
EOF
else
	say "Tearing down (run with --keep to leave the lab up)"
fi
