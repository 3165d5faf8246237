#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A lab of N KVM-like hypervisors in network namespaces, each running evpnd.
#
# Usage:
#   scripts/lab.sh up [-n N] [--vms K] [--rr | --reflector] [--ipv6] [--prefix P] [--debug]
#                     [--no-evpnd] [--no-start] [--static] [--flood] [--hold-time S] [--skip I]...
#                     [--svd [--svd-except I]...] [--macs M [--static-macs]]
#                     [--extra-global 'KEY = VALUE']... [--extra-global-on I 'KEY = VALUE']...
#                     [--ebgp [--tor-frr] [--as I=ASN]...] [--extra-neighbor-on I 'KEY = VALUE']...
#                     [--tenant]
#   scripts/lab.sh down [--prefix P]            stop its evpnd, delete its namespaces and state dir
#   scripts/lab.sh tenant [--prefix P] I VNI S [--ext]   hypervisor I joins the routed tenant
#                                               (below) with VNI's bridge as subnet 10.S.0.0/24
#   scripts/lab.sh status [--prefix P]          every lab (or one): namespaces, evpnd, sessions
#   scripts/lab.sh start [--prefix P] I|rr|all  start evpnd on hypervisor I, the reflector, or all
#   scripts/lab.sh stop [--prefix P] [--kill] I|rr|all   SIGTERM (or SIGKILL) evpnd on hypervisor I
#                                               (rr: the reflector; all: every node); exit 1 if a
#                                               SIGTERM-ed evpnd did not exit 0 cleanly
#   scripts/lab.sh ctl [--prefix P] I|rr ARGS...   evpnctl against hypervisor I's (or rr's) evpnd
#   scripts/lab.sh exec [--prefix P] NS CMD...  run CMD in namespace NS (sw, h1, h1-vm1, rr, ...)
#   scripts/lab.sh macs [--prefix P] add|del I|all M [--static-macs]
#                                               M "VM MACs" on hypervisor I's bridge port vm1
#
# Topology (P = prefix, I = 1..N, K = 1..vms; N <= 64, and N <= 32 when K > 1):
#   P-sw         the underlay switch: bridge `sw`, one veth port hI per hypervisor (and rr)
#   P-hI         hypervisor: eth0 (underlay, 10.99.0.I/24 or fd99::I/64), bridge br100, VXLAN
#                vx100 (id 100, local = underlay address, dstport 4789, nolearning, learning off
#                on its bridge port), VM ports vmK; evpnd with a full iBGP mesh (--rr: hypervisor 1
#                reflects for the others), hold-time 9, connect-retry 1
#   P-hI-vmK     a VM: eth0 with MAC 02:00:00:00:II:KK (hex), 192.168.100.(I + 32*(K-1))/24, mtu 1450
#   P-rr         --reflector: a dedicated route reflector (eth0 10.99.0.254/24 or fd99::fe/64, no
#                bridge, no VNI) running evpnd with cluster-id 10.99.0.254 and every hypervisor as
#                route-reflector-client; each hypervisor peers with it only. Its files are rr.*.
# --macs M: after evpnd starts, M MACs 02:fa:00:II:MM:MM (hex) per hypervisor I, added on its bridge
#           port vm1 in one `bridge -batch` as `master dynamic`: NUD_REACHABLE entries without the
#           static flag, exactly what the bridge makes when it learns a source MAC (evpnd advertises
#           them as local, not sticky; they age out after br100's ageing time, 300 s, unless added
#           again). --static-macs: `master static` instead (advertised sticky). `macs` does the same
#           on a running lab (del removes them); "VM MACs" without 100 VM namespaces.
# --no-start: write the evpnd configs but start no evpnd (`start all` does, reflector first).
# --static: no evpnd; remote VM MACs and flood entries installed by hand as evpnd would install them
#           (self+master extern_learn), to check the plumbing. --flood: no evpnd; VXLAN learning on
#           and static flood entries (plain flood-and-learn). --no-evpnd: topology only.
# --svd: the VLAN-aware model (needs CONFIG_BRIDGE_VLAN_FILTERING: scripts/vm.sh runs it in a VM):
#           br100 is VLAN-aware and vx100 is ONE external vnifilter VXLAN device (vlan_tunnel on)
#           carrying VLAN 100 <-> VNI 100 and VLAN 200 <-> VNI 200; VM K's port is an untagged
#           member of VLAN 100 (K odd) or 200 (K even). --svd-except I: hypervisor I keeps the
#           bridge-per-VNI model (VNI 100 only), to mix both.
# --tenant: a routed tenant (symmetric IRB, docs/configuration.md "Routed tenants"; needs VRF, which
#           scripts/vm.sh's Debian kernel has): on every hypervisor VRF vrf-t (table 1000) holding
#           br-l3 (router MAC 02:00:00:00:30:II) with vx-l3 (L3 VNI 4000), and [vrf vrf-t] in its
#           evpnd.conf; odd hypervisors carry subnet 10.1.0.0/24 on br100 (VNI 100), even ones
#           10.2.0.0/24 on br200 (VNI 200, vx200; their VMs move there), each bridge in vrf-t as the
#           anycast gateway 10.S.0.1 with MAC 02:aa:aa:aa:aa:aa; VM K of hypervisor I is
#           10.S.0.(10 + I + 32*(K-1)) via 10.S.0.1. The last hypervisor also has ext0, a dummy in
#           vrf-t with 192.0.2.1/24: a prefix no VM owns, advertised as a type-5 route. `tenant I
#           VNI S [--ext]` does the same for one hypervisor of a running lab (--ext: with ext0).
#           The tenant is IPv4 inside; with --ipv6 the underlay (and the L3 VNI) is IPv6.
# --ebgp: an eBGP fabric (RFC 7938): hypervisor I is AS 6500I (--as I=ASN: another, e.g. two
#           sharing one), the node rr is the top-of-rack switch, AS 65100, and every hypervisor peers
#           with it only, over eBGP (the --reflector topology without route reflection). The ToR
#           runs evpnd, or FRR's bgpd with --tor-frr (Debian's frr; its files are in rr-frr/; it
#           passes EVPN routes on with the next hop unchanged, as a fabric switch does).
# --extra-neighbor-on I LINE: one more line in each [neighbor] of hypervisor I (e.g. allowas-in = 1).
# --skip I: no evpnd on hypervisor I (another BGP speaker goes there), though the others peer with it.
# --extra-global LINE: one more line in every evpnd's [global] (--extra-global-on I: hypervisor I's).
# LAB_KEEP=1 lab.sh down: keep the state dir (renamed P.down-TIME) with its logs.
# State (configs, logs, sockets, PIDs, lab.env with the names): /tmp/evpnd-lab-P/.
# The prefix defaults to "lab" and the PID; later commands find the only lab without --prefix, or
# take $LAB_PREFIX. Nothing is configured in the default namespace; only recorded PIDs are killed.
# evpnd and evpnctl: $EVPND / $EVPNCTL, else build/ (or $EVPND_BUILD_DIR) of this repository.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${EVPND_BUILD_DIR:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
EVPND=${EVPND:-$BUILD/evpnd}
EVPNCTL=${EVPNCTL:-$BUILD/evpnctl}
STATE_BASE=${LAB_STATE_BASE:-/tmp}

die() { echo "lab: $*" >&2; exit 1; }
note() { [ "${quiet:-0}" = 1 ] || echo "lab: $*" >&2; }
usage() { sed -n '2,71p' "$0" | sed 's/^# \{0,1\}//'; }

alive() {
	local st
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

# wait_until SECONDS CMD...: poll CMD every 0.1 s
wait_until() {
	local n=$(($1 * 10))
	shift
	while ((n-- > 0)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# ---- the state of one lab ----
lab_dir() { printf '%s/evpnd-lab-%s' "$STATE_BASE" "$1"; }

# resolve_prefix: set P and D from --prefix, $LAB_PREFIX, or the only lab there is.
resolve_prefix() {
	if [ -z "${P:-}" ]; then
		P=${LAB_PREFIX:-}
	fi
	if [ -z "$P" ]; then
		local dirs=() d
		for d in "$STATE_BASE"/evpnd-lab-*; do
			[ -f "$d/lab.env" ] && [[ $d != *.down-* ]] && dirs+=("$d")
		done
		[ ${#dirs[@]} -gt 0 ] || die "no lab is up (no $STATE_BASE/evpnd-lab-*)"
		[ ${#dirs[@]} = 1 ] || die "several labs are up: say which with --prefix: $(printf '%s ' "${dirs[@]##*/evpnd-lab-}")"
		P=${dirs[0]##*/evpnd-lab-}
	fi
	D=$(lab_dir "$P")
	[ -f "$D/lab.env" ] || die "no lab '$P' ($D/lab.env missing)"
	# shellcheck disable=SC1091
	source "$D/lab.env"
}

nsname() { printf '%s-%s' "$P" "$1"; }

# hv_ip I: hypervisor I's underlay (VTEP) address
hv_ip() {
	if [ "$LAB_FAMILY" = 6 ]; then printf 'fd99::%d' "$1"; else printf '10.99.0.%d' "$1"; fi
}
# rr_ip: the reflector's underlay address (--reflector)
rr_ip() { if [ "$LAB_FAMILY" = 6 ]; then printf 'fd99::fe'; else printf '10.99.0.254'; fi; }
RR_ID=10.99.0.254
# node I: the name of node I's files and namespace suffix: hI for a hypervisor, rr for the reflector
node() { if [ "$1" = rr ]; then printf rr; else printf 'h%s' "$1"; fi; }
vm_mac() { printf '02:00:00:00:%02x:%02x' "$1" "$2"; }
vm_ip() { printf '192.168.100.%d' $(($1 + 32 * ($2 - 1))); }
tenant_vm_ip() { printf '10.%d.0.%d' "$3" $((10 + $1 + 32 * ($2 - 1))); } # I K S

# ---- evpnd ----
# hv_as I: hypervisor I's AS: 64512 (iBGP), or with --ebgp 65000 + I unless --as gave one
hv_as() {
	local a
	[ "${LAB_EBGP:-0}" = 1 ] || { printf 64512; return; }
	for a in ${LAB_AS:-}; do
		[ "${a%%=*}" = "$1" ] && { printf '%s' "${a#*=}"; return; }
	done
	printf '%s' $((65000 + $1))
}
TOR_AS=65100
# nbr_extra I: the --extra-neighbor-on lines for hypervisor I's [neighbor] sections
nbr_extra() {
	[ -f "$D/extra-neighbor" ] || return 0
	awk -v i="$1" -F '\t' '$1 == i { print $2 }' "$D/extra-neighbor"
}

write_conf() {
	local i=$1 j f=$D/h$i.conf listen
	listen=$(hv_ip "$i")
	cat >"$f" <<EOF
; hypervisor $i of lab $P (written by scripts/lab.sh)
[global]
asn = $(hv_as "$i")
router-id = 10.99.0.$i
listen = $listen
control-socket = $D/h$i.sock
hold-time = $LAB_HOLD
connect-retry = 1
EOF
	if [ -f "$D/extra-global" ]; then
		awk -v i="$i" -F '\t' '$1 == "*" || $1 == i { print $2 }' "$D/extra-global" >>"$f"
	fi
	if [ "${LAB_REFLECTOR:-0}" = 1 ]; then
		cat >>"$f" <<EOF

[neighbor $(rr_ip)]
remote-as = $([ "${LAB_EBGP:-0}" = 1 ] && echo $TOR_AS || echo 64512)
families = evpn opaque
local-address = $listen
EOF
		nbr_extra "$i" >>"$f"
		return 0
	fi
	for ((j = 1; j <= LAB_N; j++)); do
		[ "$j" = "$i" ] && continue
		# --rr: hypervisor 1 reflects; the others peer with it only.
		if [ "$LAB_RR" = 1 ] && [ "$i" != 1 ] && [ "$j" != 1 ]; then continue; fi
		cat >>"$f" <<EOF

[neighbor $(hv_ip "$j")]
remote-as = 64512
families = evpn opaque
local-address = $listen
EOF
		if [ "$LAB_RR" = 1 ] && [ "$i" = 1 ]; then
			echo "route-reflector-client = yes" >>"$f"
		fi
		nbr_extra "$i" >>"$f"
	done
}

# write_rr_conf: the reflector's config: every hypervisor (with evpnd or --skip) a client; with
# --ebgp the ToR's: AS 65100, every hypervisor an eBGP neighbor (--tor-frr: FRR's bgpd.conf)
write_rr_conf() {
	local j f=$D/rr.conf listen
	listen=$(rr_ip)
	if [ "${LAB_TOR_FRR:-0}" = 1 ]; then
		write_tor_frr_conf
		return
	fi
	if [ "${LAB_EBGP:-0}" = 1 ]; then
		cat >"$f" <<EOF
; the top-of-rack switch of lab $P (written by scripts/lab.sh): AS $TOR_AS, no VNI, eBGP to each hypervisor
[global]
asn = $TOR_AS
router-id = $RR_ID
listen = $listen
control-socket = $D/rr.sock
hold-time = $LAB_HOLD
connect-retry = 1
EOF
		for ((j = 1; j <= LAB_N; j++)); do
			cat >>"$f" <<EOF

[neighbor $(hv_ip "$j")]
remote-as = $(hv_as "$j")
families = evpn opaque
local-address = $listen
EOF
		done
		return
	fi
	cat >"$f" <<EOF
; the route reflector of lab $P (written by scripts/lab.sh): no VNI, every hypervisor a client
[global]
asn = 64512
router-id = $RR_ID
listen = $listen
control-socket = $D/rr.sock
hold-time = $LAB_HOLD
connect-retry = 1
cluster-id = $RR_ID
EOF
	if [ -f "$D/extra-global" ]; then
		awk -F '\t' '$1 == "*" || $1 == "rr" { print $2 }' "$D/extra-global" >>"$f"
	fi
	for ((j = 1; j <= LAB_N; j++)); do
		cat >>"$f" <<EOF

[neighbor $(hv_ip "$j")]
remote-as = 64512
families = evpn opaque
local-address = $listen
route-reflector-client = yes
EOF
	done
}

# write_tor_frr_conf: FRR's bgpd as the ToR (AS 65100), each hypervisor an eBGP neighbor with
# l2vpn evpn; timers as evpnd's (keepalive a third of the lab's hold time, connect 1)
write_tor_frr_conf() {
	local j d=$D/rr-frr
	mkdir -p "$d"
	: >"$d/vtysh.conf"
	{
		printf 'hostname %s-tor\nlog file %s/bgpd.log informational\n!\n' "$P" "$d"
		printf 'router bgp %s\n bgp router-id %s\n no bgp default ipv4-unicast\n' $TOR_AS $RR_ID
		printf ' no bgp ebgp-requires-policy\n'
		for ((j = 1; j <= LAB_N; j++)); do
			printf ' neighbor %s remote-as %s\n neighbor %s timers %s %s\n' "$(hv_ip "$j")" \
				"$(hv_as "$j")" "$(hv_ip "$j")" $((LAB_HOLD / 3 > 0 ? LAB_HOLD / 3 : 1)) "$LAB_HOLD"
			printf ' neighbor %s timers connect 1\n' "$(hv_ip "$j")"
		done
		printf ' !\n address-family l2vpn evpn\n'
		for ((j = 1; j <= LAB_N; j++)); do
			printf '  neighbor %s activate\n' "$(hv_ip "$j")"
			printf '  neighbor %s attribute-unchanged next-hop\n' "$(hv_ip "$j")"
		done
		printf ' exit-address-family\n!\n'
	} >"$d/bgpd.conf"
	chown -R frr:frr "$d"
}

# our_tor_frr: the recorded PID of the lab's FRR bgpd, if it still is that bgpd
our_tor_frr() {
	local pid
	pid=$(cat "$D/rr-frr/bgpd.pid" 2>/dev/null) || return 1
	alive "$pid" || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -F -- "$D/rr-frr/bgpd.conf" >/dev/null || return 1
	printf '%s' "$pid"
}

start_tor_frr() {
	local d=$D/rr-frr
	[ -x /usr/lib/frr/bgpd ] || die "--tor-frr: FRR's bgpd is not installed (Debian package frr)"
	our_tor_frr >/dev/null && return 0
	rm -f "$d/bgpd.pid"
	in_ns rr /usr/lib/frr/bgpd -d -u frr -g frr -A 127.0.0.1 -P 0 -Z -i "$d/bgpd.pid" \
		--vty_socket "$d" -f "$d/bgpd.conf" >>"$d/bgpd.out" 2>&1 ||
		die "FRR bgpd did not start (see $d/bgpd.out)"
	wait_until 10 vtysh --vty_socket "$d" -c 'show bgp summary' || die "FRR bgpd does not answer on $d"
	note "rr: FRR bgpd pid $(cat "$d/bgpd.pid"), log $d/bgpd.log"
}

stop_tor_frr() {
	local pid n
	pid=$(our_tor_frr) || return 0
	kill "$pid" 2>/dev/null || true
	for ((n = 0; n < 50; n++)); do alive "$pid" || return 0; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null || true
}

# our_evpnd I: the recorded PID of hypervisor I's evpnd, if it is still that evpnd
our_evpnd() {
	local pid h
	h=$(node "$1")
	pid=$(cat "$D/$h.pid" 2>/dev/null) || return 1
	alive "$pid" || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -F -- "$D/$h.conf" >/dev/null || return 1
	printf '%s' "$pid"
}

# start_evpnd I [nowait]: start node I's evpnd; wait until its control socket answers (nowait:
# return once it is spawned; await_evpnd I waits)
start_evpnd() {
	local i=$1 dbg=() pid h
	h=$(node "$1")
	[ -x "$EVPND" ] || die "evpnd not found at $EVPND (build it, or set EVPND)"
	if our_evpnd "$i" >/dev/null; then die "evpnd $h already runs (pid $(our_evpnd "$i"))"; fi
	[ "$LAB_DEBUG" = 1 ] && dbg=(-d)
	rm -f "$D/$h.sock" "$D/$h.rc" "$D/$h.pid"
	# A watcher subshell records evpnd's exit status in hI.rc, so `stop` can report unclean exits.
	(
		ip netns exec "$(nsname "$h")" "$EVPND" -f "$D/$h.conf" "${dbg[@]}" >>"$D/$h.log" 2>&1 &
		echo $! >"$D/$h.pid.tmp"
		mv "$D/$h.pid.tmp" "$D/$h.pid"
		wait $!
		echo $? >"$D/$h.rc"
	) </dev/null >/dev/null 2>&1 &
	[ "${2:-}" = nowait ] || await_evpnd "$i"
}

await_evpnd() {
	local h pid
	h=$(node "$1")
	wait_until 5 test -s "$D/$h.pid" || die "evpnd $h did not start"
	pid=$(cat "$D/$h.pid")
	if ! wait_until 10 "$EVPNCTL" -s "$D/$h.sock" show neighbors; then
		tail -n 20 "$D/$h.log" >&2
		die "evpnd $h (pid $pid): control socket $D/$h.sock does not answer"
	fi
	note "$h: evpnd pid $pid, log $D/$h.log"
}

# stop_evpnd I [KILL]: returns 1 if a SIGTERM-ed evpnd exited non-zero or left a sanitizer report
stop_evpnd() {
	local i=$1 sig=${2:-TERM} pid n rc h
	h=$(node "$1")
	pid=$(our_evpnd "$i") || return 0
	kill "-$sig" "$pid" 2>/dev/null || true
	for ((n = 0; n < 80; n++)); do
		alive "$pid" || break
		sleep 0.1
	done
	if alive "$pid"; then
		note "$h: evpnd pid $pid ignored SIG$sig for 8 s: SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		sig=KILL
	fi
	wait_until 3 test -s "$D/$h.rc" || true
	rc=$(cat "$D/$h.rc" 2>/dev/null || echo '?')
	[ "$sig" = TERM ] || return 0
	if [ "$rc" != 0 ]; then
		echo "lab: $h: evpnd pid $pid exited with status $rc after SIGTERM (see $D/$h.log)" >&2
		return 1
	fi
	if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$D/$h.log" 2>/dev/null; then
		echo "lab: $h: sanitizer report in $D/$h.log" >&2
		return 1
	fi
	return 0
}

# ---- the topology ----
add_ns() {
	ip netns add "$(nsname "$1")"
	echo "$(nsname "$1")" >>"$D/namespaces"
	ip -n "$(nsname "$1")" link set lo up
}

in_ns() {
	local n=$1
	shift
	ip netns exec "$(nsname "$n")" "$@"
}

# is_svd I: hypervisor I uses the VLAN-aware model
is_svd() { [ "${LAB_SVD:-0}" = 1 ] && [[ ${LAB_SVD_EXCEPT:-} != *" $1 "* ]]; }
svd_vlan() { if (($1 % 2)); then echo 100; else echo 200; fi; }

# build_svd I IP: hypervisor I's VLAN-aware bridge, its one VXLAN device and its VMs
build_svd() {
	local i=$1 ip=$2 h k vm vl
	h=$(nsname "h$i")
	ip -n "$h" link add br100 type bridge vlan_filtering 1 vlan_default_pvid 0
	ip -n "$h" link add vx100 type vxlan local "$ip" dstport 4789 nolearning external vnifilter
	ip -n "$h" link set vx100 master br100
	in_ns "h$i" bridge link set dev vx100 vlan_tunnel on learning off
	for vl in 100 200; do
		in_ns "h$i" bridge vlan add dev vx100 vid "$vl"
		in_ns "h$i" bridge vlan add dev vx100 vid "$vl" tunnel_info id "$vl"
		in_ns "h$i" bridge vni add dev vx100 vni "$vl"
	done
	for ((k = 1; k <= LAB_VMS; k++)); do
		vm=$(nsname "h$i-vm$k")
		add_ns "h$i-vm$k"
		ip -n "$h" link add "vm$k" type veth peer name eth0 netns "$vm"
		ip -n "$h" link set "vm$k" master br100 up
		in_ns "h$i" bridge vlan add dev "vm$k" vid "$(svd_vlan "$k")" pvid untagged
		ip -n "$vm" link set eth0 address "$(vm_mac "$i" "$k")" mtu 1450
		ip -n "$vm" addr add "$(vm_ip "$i" "$k")/24" dev eth0
		ip -n "$vm" link set eth0 up
	done
	ip -n "$h" link set vx100 up
	ip -n "$h" link set br100 up
}

build_topology() {
	local i k sw h vm ip j plen=24
	[ "$LAB_FAMILY" = 6 ] && plen=64
	sw=$(nsname sw)
	add_ns sw
	ip -n "$sw" link add sw type bridge
	ip -n "$sw" link set sw up
	for ((i = 1; i <= LAB_N; i++)); do
		h=$(nsname "h$i")
		add_ns "h$i"
		# Jumbo underlay: the 1450-byte VM MTU fits in VXLAN over IPv6 too.
		ip -n "$sw" link add "h$i" mtu 9000 type veth peer name eth0 mtu 9000 netns "$h"
		ip -n "$sw" link set "h$i" master sw up
		ip=$(hv_ip "$i")
		if [ "$LAB_FAMILY" = 6 ]; then
			ip -n "$h" addr add "$ip/$plen" dev eth0 nodad
		else
			ip -n "$h" addr add "$ip/$plen" dev eth0
		fi
		ip -n "$h" link set eth0 up
		if is_svd "$i"; then
			build_svd "$i" "$ip"
			continue
		fi
		ip -n "$h" link add br100 type bridge
		if [ "$LAB_MODE" = flood ]; then
			ip -n "$h" link add vx100 type vxlan id 100 local "$ip" dstport 4789 learning
		else
			ip -n "$h" link add vx100 type vxlan id 100 local "$ip" dstport 4789 nolearning
		fi
		ip -n "$h" link set vx100 master br100
		[ "$LAB_MODE" = flood ] || in_ns "h$i" bridge link set dev vx100 learning off
		for ((k = 1; k <= LAB_VMS; k++)); do
			vm=$(nsname "h$i-vm$k")
			add_ns "h$i-vm$k"
			ip -n "$h" link add "vm$k" type veth peer name eth0 netns "$vm"
			ip -n "$h" link set "vm$k" master br100 up
			ip -n "$vm" link set eth0 address "$(vm_mac "$i" "$k")" mtu 1450
			ip -n "$vm" addr add "$(vm_ip "$i" "$k")/24" dev eth0
			ip -n "$vm" link set eth0 up
		done
		ip -n "$h" link set vx100 up
		ip -n "$h" link set br100 up
	done
	if [ "${LAB_REFLECTOR:-0}" = 1 ]; then
		add_ns rr
		ip -n "$sw" link add rr mtu 9000 type veth peer name eth0 mtu 9000 netns "$(nsname rr)"
		ip -n "$sw" link set rr master sw up
		if [ "$LAB_FAMILY" = 6 ]; then
			ip -n "$(nsname rr)" addr add "$(rr_ip)/$plen" dev eth0 nodad
		else
			ip -n "$(nsname rr)" addr add "$(rr_ip)/$plen" dev eth0
		fi
		ip -n "$(nsname rr)" link set eth0 up
	fi
	# --static / --flood: what evpnd would install, by hand (static), or flood-and-learn (flood).
	if [ "$LAB_MODE" = static ] || [ "$LAB_MODE" = flood ]; then
		for ((i = 1; i <= LAB_N; i++)); do
			for ((j = 1; j <= LAB_N; j++)); do
				[ "$i" = "$j" ] && continue
				in_ns "h$i" bridge fdb append 00:00:00:00:00:00 dev vx100 dst "$(hv_ip "$j")" self permanent
				[ "$LAB_MODE" = static ] || continue
				for ((k = 1; k <= LAB_VMS; k++)); do
					in_ns "h$i" bridge fdb replace "$(vm_mac "$j" "$k")" dev vx100 dst "$(hv_ip "$j")" \
						self master extern_learn
				done
			done
		done
	fi
}

# fabric_macs add|del M KIND I...: M --macs MACs on each hypervisor I's vm1: one `bridge -batch`
# per hypervisor, all at once (the batches are written first, so they start within milliseconds)
fabric_macs() {
	local op=$1 m=$2 kind=$3 i pids=() rc=0
	shift 3
	for i in "$@"; do
		awk -v op="$op" -v i="$i" -v m="$m" -v kind="$kind" 'BEGIN {
			for (j = 0; j < m; j++)
				if (op == "add")
					printf "fdb replace 02:fa:00:%02x:%02x:%02x dev vm1 master %s\n", i, int(j / 256), j % 256, kind
				else
					printf "fdb del 02:fa:00:%02x:%02x:%02x dev vm1 master\n", i, int(j / 256), j % 256
		}' >"$D/macs-h$i.batch"
	done
	for i in "$@"; do
		if [ "$op" = add ]; then
			in_ns "h$i" bridge -batch "$D/macs-h$i.batch" >/dev/null &
		else
			in_ns "h$i" bridge -force -batch "$D/macs-h$i.batch" >/dev/null 2>&1 &
		fi
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || rc=1; done
	for i in "$@"; do rm -f "$D/macs-h$i.batch"; done
	[ "$op" = del ] || return $rc
}

teardown() {
	local i bad=0 n
	stop_tor_frr
	stop_evpnd rr || bad=1
	for ((i = 1; i <= LAB_N; i++)); do
		stop_evpnd "$i" || bad=1
	done
	if [ -f "$D/namespaces" ]; then
		tac "$D/namespaces" | while read -r n; do
			[ -e "/run/netns/$n" ] && ip netns del "$n"
		done
	fi
	return $bad
}

# ---- commands ----
# tenant_join I VNI S EXT: hypervisor I into routed tenant vrf-t (--tenant above); EXT 1: with ext0.
tenant_join() {
	local i=$1 v=$2 s=$3 ext=$4 h vm k d ip
	h=$(nsname "h$i")
	ip=$(hv_ip "$i")
	ip -n "$h" link add vrf-t type vrf table 1000 2>/dev/null ||
		die "h$i: cannot create VRF vrf-t: this kernel has no VRF (CONFIG_NET_VRF); scripts/vm.sh runs the lab in a VM with Debian's kernel"
	in_ns "h$i" sysctl -qw net.ipv4.ip_forward=1
	ip -n "$h" link add br-l3 address "$(printf '02:00:00:00:30:%02x' "$i")" type bridge
	ip -n "$h" link add vx-l3 type vxlan id 4000 local "$ip" dstport 4789 nolearning
	ip -n "$h" link set vx-l3 master br-l3
	in_ns "h$i" bridge link set dev vx-l3 learning off
	ip -n "$h" link set br-l3 master vrf-t
	if [ "$v" != 100 ]; then
		ip -n "$h" link add "br$v" type bridge
		ip -n "$h" link add "vx$v" type vxlan id "$v" local "$ip" dstport 4789 nolearning
		ip -n "$h" link set "vx$v" master "br$v"
		in_ns "h$i" bridge link set dev "vx$v" learning off
		for ((k = 1; k <= LAB_VMS; k++)); do ip -n "$h" link set "vm$k" master "br$v"; done
		for d in "vx$v" "br$v"; do ip -n "$h" link set "$d" up; done
	fi
	ip -n "$h" link set "br$v" address 02:aa:aa:aa:aa:aa
	ip -n "$h" link set "br$v" master vrf-t
	ip -n "$h" addr add "10.$s.0.1/24" dev "br$v"
	for d in vrf-t br-l3 vx-l3; do ip -n "$h" link set "$d" up; done
	for ((k = 1; k <= LAB_VMS; k++)); do
		vm=$(nsname "h$i-vm$k")
		ip -n "$vm" addr flush dev eth0
		ip -n "$vm" addr add "$(tenant_vm_ip "$i" "$k" "$s")/24" dev eth0
		ip -n "$vm" route add default via "10.$s.0.1"
	done
	if [ "$ext" = 1 ]; then
		ip -n "$h" link add ext0 type dummy
		ip -n "$h" link set ext0 master vrf-t
		ip -n "$h" addr add 192.0.2.1/24 dev ext0
		ip -n "$h" link set ext0 up
	fi
	if [ -f "$D/h$i.conf" ] && ! grep -q '^\[vrf vrf-t\]' "$D/h$i.conf"; then
		printf '\n[vrf vrf-t]\nl3vni = 4000\n' >>"$D/h$i.conf"
	fi
}

cmd_tenant() {
	local ext=0
	resolve_prefix
	[ $# -ge 3 ] || die "tenant I VNI S [--ext]"
	[ "${4:-}" = --ext ] && ext=1
	[[ $1 =~ ^[0-9]+$ ]] && (($1 >= 1 && $1 <= LAB_N)) || die "tenant: no hypervisor $1"
	[[ $2 =~ ^[0-9]+$ ]] && (($2 >= 1 && $2 <= 16777215)) && (($2 != 4000)) || die "tenant: VNI 1..16777215, not 4000"
	[[ $3 =~ ^[0-9]+$ ]] && (($3 >= 1 && $3 <= 254)) || die "tenant: subnet 1..254"
	tenant_join "$1" "$2" "$3" "$ext"
}

cmd_up() {
	local n=3 vms=1 rr=0 fam=4 debug=0 mode=evpnd hold=9 i skip=' ' extra=() svd=0 svd_except=' '
	local reflector=0 nostart=0 macs=0 mackind=dynamic ebgp=0 torfrr=0 ases=' ' nextra=() tenant=0
	while [ $# -gt 0 ]; do
		case $1 in
		-n) n=$2; shift ;;
		--vms) vms=$2; shift ;;
		--rr) rr=1 ;;
		--reflector) reflector=1 ;;
		--no-start) nostart=1 ;;
		--macs) macs=$2; shift ;;
		--static-macs) mackind=static ;;
		--ipv6) fam=6 ;;
		--debug) debug=1 ;;
		--no-evpnd) mode=none ;;
		--static) mode=static ;;
		--flood) mode=flood ;;
		--hold-time) hold=$2; shift ;;
		--skip) skip+=" $2 "; shift ;;
		--svd) svd=1 ;;
		--svd-except) svd_except+=" $2 "; shift ;;
		--extra-global) extra+=("*"$'\t'"$2"); shift ;;
		--extra-global-on) extra+=("$2"$'\t'"$3"); shift 2 ;;
		--ebgp) ebgp=1 reflector=1 ;;
		--tor-frr) torfrr=1 ;;
		--as) [[ ${2:-} =~ ^[0-9]+=[0-9]+$ ]] || die "--as I=ASN"; ases+="$2 "; shift ;;
		--extra-neighbor-on) nextra+=("$2"$'\t'"$3"); shift 2 ;;
		--tenant) tenant=1 ;;
		*) die "up: unknown argument '$1'" ;;
		esac
		shift
	done
	# VM K of hypervisor I is 192.168.100.(I + 32*(K-1)): unique while I <= 32, or K = 1
	[[ $n =~ ^[0-9]+$ ]] && ((n >= 1 && n <= 64)) || die "-n: 1..64"
	[[ $vms =~ ^[0-9]+$ ]] && ((vms >= 1 && vms <= 7)) || die "--vms: 1..7"
	((vms == 1 || n <= 32)) || die "--vms above 1 needs -n 32 or less (VM addresses)"
	[[ $macs =~ ^[0-9]+$ ]] && ((macs <= 65536)) || die "--macs: 0..65536"
	((rr == 0 || reflector == 0)) || die "--rr and --reflector: one or the other"
	if ((reflector)) && [ "$mode" != evpnd ]; then die "--reflector needs evpnd (not --static, --flood, --no-evpnd)"; fi
	((torfrr == 0 || ebgp == 1)) || die "--tor-frr needs --ebgp"
	((ebgp == 0 || rr == 0)) || die "--ebgp and --rr: one or the other (--ebgp has its ToR)"
	((tenant == 0 || svd == 0)) || die "--tenant and --svd: one or the other"
	P=${P:-${LAB_PREFIX:-lab$$}}
	[[ $P =~ ^[A-Za-z0-9_.]{1,20}$ ]] || die "--prefix: 1..20 of [A-Za-z0-9_.]"
	D=$(lab_dir "$P")
	[ -e "$D" ] && die "lab '$P' exists ($D): scripts/lab.sh down --prefix $P"
	if [ "$mode" = evpnd ]; then
		[ -x "$EVPND" ] || die "evpnd not found at $EVPND (build it, or set EVPND)"
		[ -x "$EVPNCTL" ] || die "evpnctl not found at $EVPNCTL (build it, or set EVPNCTL)"
	fi
	mkdir -p "$D"
	chmod 755 "$D"
	cat >"$D/lab.env" <<EOF
LAB_PREFIX=$P
LAB_DIR=$D
LAB_N=$n
LAB_VMS=$vms
LAB_RR=$rr
LAB_REFLECTOR=$reflector
LAB_EBGP=$ebgp
LAB_TOR_FRR=$torfrr
LAB_AS='$ases'
LAB_FAMILY=$fam
LAB_DEBUG=$debug
LAB_MODE=$mode
LAB_HOLD=$hold
LAB_SKIP='$skip'
LAB_SVD=$svd
LAB_SVD_EXCEPT='$svd_except'
LAB_EVPND=$EVPND
LAB_EVPNCTL=$EVPNCTL
EOF
	source "$D/lab.env"
	[ ${#extra[@]} = 0 ] || printf '%s\n' "${extra[@]}" >"$D/extra-global"
	[ ${#nextra[@]} = 0 ] || printf '%s\n' "${nextra[@]}" >"$D/extra-neighbor"
	# Anything failing half-way is undone.
	trap 'rc=$?; if [ $rc != 0 ]; then echo "lab: up failed; tearing down" >&2; teardown || true; rm -rf "$D"; fi' EXIT
	build_topology
	if [ "$mode" = evpnd ]; then
		for ((i = 1; i <= n; i++)); do write_conf "$i"; done
		for ((i = 1; i <= n; i++)); do
			case $skip in *" $i "*) rm -f "$D/h$i.conf" ;; esac
		done
	fi
	if ((tenant)); then
		for ((i = 1; i <= n; i++)); do
			if ((i % 2)); then tenant_join "$i" 100 1 $((i == n)); else tenant_join "$i" 200 2 $((i == n)); fi
		done
	fi
	if [ "$mode" = evpnd ]; then
		((reflector == 0)) || write_rr_conf
		((nostart)) || start_all
	fi
	((macs == 0)) || fabric_macs add "$macs" "$mackind" $(seq 1 "$n")
	trap - EXIT
	note "lab '$P' is up: $n hypervisors (IPv$fam underlay, ${vms} VM(s) each$( ((tenant)) && echo ', routed tenant vrf-t'), mode $mode$( ((ebgp)) && echo ", eBGP, ToR rr ($( ((torfrr)) && echo FRR || echo evpnd))" || { ((reflector)) && echo ', reflector rr'; })$( ((macs)) && echo ", $macs $mackind MACs each")), state in $D"
	echo "LAB_PREFIX=$P"
}

cmd_down() {
	resolve_prefix
	local rc=0
	teardown || rc=1
	if [ "${LAB_KEEP:-0}" = 1 ]; then
		mv "$D" "$D.down-$(date +%s)"
		note "kept the state dir as $D.down-*"
	else
		rm -rf "$D"
	fi
	note "lab '$P' is down"
	return $rc
}

cmd_status() {
	local dirs d i pid st
	if [ -n "${P:-${LAB_PREFIX:-}}" ]; then
		resolve_prefix
		dirs=("$D")
	else
		dirs=()
		for d in "$STATE_BASE"/evpnd-lab-*; do [ -f "$d/lab.env" ] && [[ $d != *.down-* ]] && dirs+=("$d"); done
		[ ${#dirs[@]} -gt 0 ] || { echo "no lab is up"; return 0; }
	fi
	for d in "${dirs[@]}"; do
		P=${d##*/evpnd-lab-}
		D=$d
		source "$D/lab.env"
		echo "lab $P: $LAB_N hypervisors, IPv$LAB_FAMILY underlay, $LAB_VMS VM(s) each, mode $LAB_MODE$([ "$LAB_RR" = 1 ] && echo ', h1 reflects')$([ "${LAB_REFLECTOR:-0}" = 1 ] && echo ', reflector rr'), state $D"
		for ((i = 1; i <= LAB_N; i++)); do
			if [ -e "/run/netns/$(nsname "h$i")" ]; then st="netns $(nsname "h$i")"; else st="netns MISSING"; fi
			if pid=$(our_evpnd "$i"); then
				st+=", evpnd pid $pid, sessions: $("$LAB_EVPNCTL" -s "$D/h$i.sock" show neighbors --json 2>/dev/null |
					python3 -c 'import json,sys
d=json.load(sys.stdin); d=d.get("data", d) if isinstance(d, dict) else d
print(" ".join("%s=%s" % (n["address"], n["state"]) for n in d))' 2>/dev/null || echo '?')"
			elif [ "$LAB_MODE" = evpnd ] && [ ! -f "$D/h$i.conf" ]; then
				st+=", no evpnd (--skip)"
			elif [ "$LAB_MODE" = evpnd ]; then
				st+=", evpnd NOT RUNNING"
			fi
			echo "  h$i $(hv_ip "$i"): $st"
		done
		if [ "${LAB_REFLECTOR:-0}" = 1 ]; then
			if pid=$(our_evpnd rr); then st="evpnd pid $pid, $("$LAB_EVPNCTL" -s "$D/rr.sock" show neighbors --json 2>/dev/null |
				python3 -c 'import json,sys
d=json.load(sys.stdin); d=d.get("data", d) if isinstance(d, dict) else d
print("%d of %d sessions established" % (sum(n["state"] == "established" for n in d), len(d)))' 2>/dev/null || echo '?')"
			else st="evpnd NOT RUNNING"; fi
			echo "  rr $(rr_ip): $st"
		fi
	done
}

# start_all: every node's evpnd spawned at once (the reflector first: the hypervisors' first
# connect then finds it listening), then each control socket awaited
start_all() {
	local i started=()
	[ "${LAB_TOR_FRR:-0}" = 1 ] && start_tor_frr
	if [ -f "$D/rr.conf" ] && ! our_evpnd rr >/dev/null; then
		start_evpnd rr nowait
		started+=(rr)
	fi
	for ((i = 1; i <= LAB_N; i++)); do
		[ -f "$D/h$i.conf" ] || continue
		our_evpnd "$i" >/dev/null && continue
		start_evpnd "$i" nowait
		started+=("$i")
	done
	for i in "${started[@]}"; do await_evpnd "$i"; done
}

cmd_start() {
	resolve_prefix
	[ $# = 1 ] || die "start: which hypervisor (or rr, or all)?"
	if [ "$1" = all ]; then
		start_all
		return
	fi
	[ -f "$D/$(node "$1").conf" ] || die "no node $1 with evpnd in lab $P"
	start_evpnd "$1"
}

cmd_stop() {
	local sig=TERM i rc=0
	resolve_prefix
	if [ "${1:-}" = --kill ]; then sig=KILL; shift; fi
	[ $# = 1 ] || die "stop: which hypervisor (or all)?"
	if [ "$1" = all ]; then
		for ((i = 1; i <= LAB_N; i++)); do stop_evpnd "$i" "$sig" || rc=1; done
		stop_evpnd rr "$sig" || rc=1
	else
		stop_evpnd "$1" "$sig" || rc=1
	fi
	return $rc
}

cmd_ctl() {
	resolve_prefix
	local i=$1
	shift
	exec "$LAB_EVPNCTL" -s "$D/$(node "$i").sock" "$@"
}

cmd_macs() {
	resolve_prefix
	local op=${1:-} which=${2:-} m=${3:-} kind=dynamic
	[ "${4:-}" = --static-macs ] && kind=static
	[[ $op =~ ^(add|del)$ ]] && [[ $m =~ ^[0-9]+$ ]] && ((m <= 65536)) ||
		die "macs: add|del I|all M [--static-macs]"
	if [ "$which" = all ]; then
		fabric_macs "$op" "$m" "$kind" $(seq 1 "$LAB_N")
	else
		[[ $which =~ ^[0-9]+$ ]] && ((which >= 1 && which <= LAB_N)) || die "macs: no hypervisor '$which'"
		fabric_macs "$op" "$m" "$kind" "$which"
	fi
}

cmd_exec() {
	resolve_prefix
	local n=$1
	shift
	exec ip netns exec "$(nsname "$n")" "$@"
}

[ $# -ge 1 ] || { usage >&2; exit 2; }
cmd=$1
shift
# --prefix P may come anywhere
args=()
P=
while [ $# -gt 0 ]; do
	case $1 in
	--prefix) [ $# -ge 2 ] || die "--prefix needs a value"; P=$2; shift ;;
	--prefix=*) P=${1#--prefix=} ;;
	-q | --quiet) quiet=1 ;;
	*) args+=("$1") ;;
	esac
	shift
done
set -- "${args[@]}"
case $cmd in
up | down | status | start | stop | ctl | exec | macs | tenant)
	[ "$(id -u)" -eq 0 ] || [ "$cmd" = status ] || die "run me as root (network namespaces)"
	"cmd_$cmd" "$@"
	;;
-h | --help | help) usage ;;
*) usage >&2; exit 2 ;;
esac
