#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ctest-labels: vm (boots scripts/vm.sh; scripts/test.sh runs it with the plain build only)
# Symmetric IRB between two evpnd hypervisors (RFC 9135; docs/wire.md "Symmetric IRB"), in
# scripts/vm.sh (this machine's kernel has no VRF; Debian's has). The kernel model FRR and Proxmox
# build, on each hypervisor: vrf-t (table 1000); br-l3 (router MAC 02:00:00:00:30:0I) holding vx-l3,
# VNI 4000, in vrf-t; the anycast gateway 02:aa:aa:aa:aa:aa on the L2 VNI's bridge, in vrf-t.
#   h1: VNI 100 (10.1.0.0/24), VM 10.1.0.11.   h2: VNI 200 (10.2.0.0/24), VM 10.2.0.12.
#   h2 also has ext0, a dummy in vrf-t with 192.0.2.1/24 (a prefix no VM owns).
# h1 has no VNI 200 at all, so its VM reaches h2's only through the L3 VNI:
#   - h1 installs what FRR would: `10.2.0.12 via H2 dev br-l3 proto bgp metric 20 onlink` in table
#     1000, the neighbour H2 lladdr h2's router MAC on br-l3 (NOARP, extern_learn) and the FDB entry
#     h2's router MAC dst H2 on vx-l3 (self and master, extern_learn); h2 the same toward h1;
#   - the VMs ping each other, routed at each end (TTL 62);
#   - the anycast gateway's own address is never advertised as a VM's;
#   - each advertises its tenant's connected prefixes as type-5 routes (advertise = connected, the
#     default): h1 installs 10.2.0.0/24 and 192.0.2.0/24 via h2, never its own 10.1.0.0/24; h1's
#     VM pings 192.0.2.1; an address added at run time is advertised, and withdrawn when deleted;
#   - `evpnctl audit` finds no drift, then names what is done behind evpnd's back: a planted route
#     (tenant-route-extra), a router-MAC neighbour with another MAC (router-mac-wrong), a deleted
#     router-MAC FDB entry (router-mac-missing); a host route deleted by hand is put back at once;
#   - a reload changes a [vrf] in place: h2's new RD and export RT reach h1 (type-5 routes with the
#     new RD, the old-RD ones withdrawn, MAC+IP routes with the new RT) while h1's routes stay; h1
#     importing another RT only lets them go, importing the right one again brings them back;
#   - SIGKILL and restart of h1's evpnd while its VM pings h2's every 20 ms: not one lost; after
#     initial convergence a previous run's route and router-MAC pair (planted by hand) are swept,
#     the routes in use stay;
#   - when h2's VM goes (its FDB entry and neighbour flushed), h1's host route goes, the
#     router-MAC pair stays for the prefix routes, and goes with the last of them.
source "$(dirname "$0")/lib.sh"

require ip bridge python3
require_evpnd
t_init

if [ "${1:-}" != --inner ]; then
	step "the routed tenant inside scripts/vm.sh (Debian's kernel has VRF)"
	vm_run "the routed tenant" bash "$EVPND_SRC/tests/integration/test_routed_tenant.sh" --inner
fi

rmac() { tenant_rmac "$1"; }
vm_addr() { tenant_vm_ip "$1" "$1"; }

step "two hypervisors with tenant vrf-t: h1 has VNI 100 only in it, h2 VNI 200 only"
lab_up -n 2 --no-start --extra-global 'arp-snoop = yes'
tenant_host 1 100 1
tenant_host 2 200 2 --ext # h2's VM moves to VNI 200's bridge (br100 stays outside); ext0 192.0.2.1/24
lab start all >/dev/null || fail "lab start all"
lab_wait_mesh 30
for i in 1 2; do
	vrf_up() { lab_ctl "$1" show vrfs --json | jpy "d[0]['state'] == 'up'" >/dev/null; }
	wait_for 10 vrf_up "$i" || fail "h$i: vrf-t not up: $(lab_ctl "$i" show vrfs)"
done
for i in 1 2; do
	jcheck "$(lab_ctl "$i" show vrfs --json)" "(len(d) == 1 and d[0]['name'] == 'vrf-t' and
		d[0]['l3vni'] == 4000 and d[0]['state'] == 'up' and d[0]['why'] is None and d[0]['table'] == 1000 and
		d[0]['vxlan'] == 'vx-l3' and d[0]['bridge'] == 'br-l3' and d[0]['router_mac'] == '$(rmac "$i")' and
		d[0]['rd'] == '$(lab_ip "$i"):4000' and d[0]['export_rt'] == ['64512:4000'] and
		d[0]['l2vnis'] == [$((i * 100))])" "h$i: show vrfs: up, table 1000, its L2 VNI, router MAC, RD, RT"
done
log "h1: $(lab_ctl 1 show vrfs | tail -n 1)"

step "each VM talks to its gateway: its MAC+IP route goes out with the L3 VNI"
for i in 1 2; do
	ip netns exec "$(ns "h$i-vm1")" ping -c 1 -W 2 "10.$i.0.1" >/dev/null ||
		fail "h$i's VM cannot reach its anycast gateway"
done

host_route() { tenant_route "$@"; }
no_host_route() {
	local out
	out=$(ip -n "$(ns "h$1")" route show table 1000 2>/dev/null) || return 1
	! grep -qE "^$2 " <<<"$out"
}
# rmac_pair I J: hypervisor I has J's router MAC as the neighbour of J's VTEP on br-l3 and as the
# FDB entry toward it on vx-l3
rmac_pair() {
	local n neigh fdb
	n=$(ns "h$1")
	neigh=$(ip -n "$n" neigh show dev br-l3 2>/dev/null) || return 1
	fdb=$(bridge -n "$n" fdb show dev vx-l3 2>/dev/null) || return 1
	grep -qE "^$(lab_ip "$2") lladdr $(rmac "$2") extern_learn .*NOARP" <<<"$neigh" &&
		grep -qE "^$(rmac "$2") dst $(lab_ip "$2") self extern_learn" <<<"$fdb" &&
		grep -qE "^$(rmac "$2") (.* )?extern_learn (.* )?master br-l3" <<<"$fdb"
}
no_rmac_pair() {
	local n neigh fdb
	n=$(ns "h$1")
	neigh=$(ip -n "$n" neigh show dev br-l3 2>/dev/null) || return 1
	fdb=$(bridge -n "$n" fdb show dev vx-l3 2>/dev/null) || return 1
	! grep -qE "^$(lab_ip "$2") " <<<"$neigh" && ! grep -qE "^$(rmac "$2") " <<<"$fdb"
}

step "each hypervisor installs the other's VM as a host route through the L3 VNI"
for i in 1 2; do
	j=$((3 - i))
	wait_for 15 host_route "$i" "$(vm_addr "$j")" "$(lab_ip "$j")" ||
		fail "h$i: no host route for $(vm_addr "$j"): $(ip -n "$(ns "h$i")" route show table 1000)"
	rmac_pair "$i" "$j" || fail "h$i: no router-MAC pair toward h$j:
$(ip -n "$(ns "h$i")" neigh show dev br-l3)
$(bridge -n "$(ns "h$i")" fdb show dev vx-l3)"
	# only the VMs: the anycast gateway's address is not a VM's route
	no_host_route "$i" "10.$j.0.1" || fail "h$i: the anycast gateway became a host route"
done
for i in 1 2; do
	jcheck "$(lab_ctl "$i" show vrfs --json)" \
		"(d[0]['host_routes'] == 1 and d[0]['remote_vteps'] == 1)" \
		"h$i: show vrfs counts the one host route through one VTEP"
done
m=$(lab_ctl 1 metrics) || fail "h1: evpnctl metrics"
grep -qE '^evpnd_vrf_routes\{vrf="vrf-t",kind="host"\} 1$' <<<"$m" &&
	grep -qE '^evpnd_vrf_remote_vteps\{vrf="vrf-t"\} 1$' <<<"$m" ||
	fail "h1: the per-VRF metrics do not count the host route: $(grep -E '^evpnd_vrf' <<<"$m")"
log "h1 table 1000: $(ip -n "$(ns h1)" route show table 1000 | tr '\n' ';')"
log "h1 br-l3: $(ip -n "$(ns h1)" neigh show dev br-l3 | tr '\n' ';')"
jcheck "$(lab_ctl 2 show routes evpn --json)" "([(r['labels'], r['l3vni'], r.get('router_mac'),
	sorted(r['route_targets'])) for r in d if r.get('type') == 'macadv' and r.get('ip') == '10.1.0.11'] ==
	[([100, 4000], 4000, '$(rmac 1)', ['64512:100', '64512:4000'])])" \
	"h2 has h1's VM's MAC+IP route as FRR sends it: labels 100/4000, router MAC, both RTs"

step "type-5: each advertises its tenant's connected prefixes; the other installs them"
wait_for 15 host_route 1 192.0.2.0/24 "$(lab_ip 2)" || fail "h1: no route for h2's 192.0.2.0/24"
wait_for 5 host_route 1 10.2.0.0/24 "$(lab_ip 2)" || fail "h1: no route for h2's subnet 10.2.0.0/24"
wait_for 5 host_route 2 10.1.0.0/24 "$(lab_ip 1)" || fail "h2: no route for h1's subnet 10.1.0.0/24"
jcheck "$(ip -n "$(ns h1)" -j route show table 1000 proto bgp)" \
	"sorted(r['dst'] for r in d) == ['10.2.0.0/24', '10.2.0.12', '192.0.2.0/24']" \
	"h1: evpnd's routes in table 1000 are h2's VM and h2's two prefixes, not its own subnet"
jcheck "$(lab_ctl 1 show routes evpn --json)" "(sorted((r['prefix'], r['l3vni'], r.get('router_mac'))
	for r in d if r.get('type') == 'prefix') == [('10.1.0.0/24', 4000, '02:00:00:00:30:01'),
	('10.2.0.0/24', 4000, '02:00:00:00:30:02'), ('192.0.2.0/24', 4000, '02:00:00:00:30:02')])" \
	"h1: the type-5 routes in its RIB: its own and h2's, label 4000, each with its router MAC"
jcheck "$(lab_ctl 2 show vrfs --json)" "(d[0]['prefixes_advertised'] == 2 and d[0]['prefix_routes'] == 1)" \
	"h2 advertises two prefixes and installed h1's one"
out=$(ip netns exec "$(ns h1-vm1)" ping -c 2 -i 0.2 -W 2 192.0.2.1) ||
	fail "h1's VM cannot reach 192.0.2.1 behind h2's type-5 route: $out"
log "h1's VM reaches 192.0.2.1 (a prefix no VM owns) through h2's type-5 route"
jcheck "$(lab_ctl 1 show routes vrf vrf-t --json)" "([(r['prefix'], r['kind'], r['installed'], r['local'],
	r['via'], r['router_mac']) for r in d] == [
	('10.1.0.0/24', 'prefix', False, True, None, None),
	('10.1.0.11/32', 'host', False, True, None, None),
	('10.2.0.0/24', 'prefix', True, False, '$(lab_ip 2)', '$(rmac 2)'),
	('10.2.0.12/32', 'host', True, False, '$(lab_ip 2)', '$(rmac 2)'),
	('192.0.2.0/24', 'prefix', True, False, '$(lab_ip 2)', '$(rmac 2)')])" \
	"h1: show routes vrf vrf-t lists its own subnet and VM (local) and h2's three, installed"
log "h1 show routes vrf vrf-t: $(lab_ctl 1 show routes vrf vrf-t | tail -n +2 | tr -s ' ' | tr '\n' ';')"
out=$(lab_ctl 1 show routes vrf nope 2>&1) && fail "show routes vrf nope succeeded: $out"
grep -q 'no \[vrf nope\] section' <<<"$out" || fail "show routes vrf nope: $out"

step "an address added at run time is advertised; deleted, withdrawn"
ip -n "$(ns h2)" addr add 198.51.100.1/24 dev ext0
wait_for 10 host_route 1 198.51.100.0/24 "$(lab_ip 2)" || fail "h1 never got h2's new 198.51.100.0/24"
ip -n "$(ns h2)" addr del 198.51.100.1/24 dev ext0
wait_for 10 no_host_route 1 198.51.100.0/24 || fail "h1 kept 198.51.100.0/24 after h2 deleted it"
bridge -n "$(ns h1)" fdb show | grep -E '^02:00:00:00:02:01 ' &&
	fail "h1 has an FDB entry for h2's VM: it should exist there only as a host route"

step "the VMs ping each other across subnets, routed at both ends"
out=$(ip netns exec "$(ns h1-vm1)" ping -c 3 -i 0.2 -W 2 10.2.0.12) ||
	fail "h1's VM cannot ping h2's VM: $out"
grep -qE 'ttl=62' <<<"$out" || fail "the replies were not routed twice (TTL 62): $out"
ip netns exec "$(ns h2-vm1)" ping -c 3 -i 0.2 -W 2 10.1.0.11 >/dev/null || fail "h2's VM cannot ping h1's VM"
log "10.1.0.11 <-> 10.2.0.12: routed both ways, reply TTL 62"

step "dual stack: IPv6 host and prefix routes over the IPv4 underlay"
for i in 1 2; do
	n=$(ns "h$i")
	v=$((i * 100))
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.forwarding=1
	ip -n "$n" addr add "fd10:$i::1/64" dev "br$v" nodad
	ip -n "$(ns "h$i-vm1")" addr add "fd10:$i::1$i/64" dev eth0 nodad
	ip -n "$(ns "h$i-vm1")" -6 route add default via "fd10:$i::1"
	ip netns exec "$(ns "h$i-vm1")" ping -6 -c 1 -W 2 "fd10:$i::1" >/dev/null || fail "h$i's VM cannot reach its IPv6 gateway"
done
# an IPv6 route over an IPv4 VTEP goes via ::ffff:VTEP (the kernel takes no IPv4 gateway for IPv6)
route6() {
	local out
	out=$(ip -n "$(ns "h$1")" -6 route show table 1000 2>/dev/null) || return 1
	grep -qE "^$2 via ::ffff:$3 dev br-l3 proto bgp metric 20 onlink" <<<"$out"
}
for i in 1 2; do
	j=$((3 - i))
	wait_for 15 route6 "$i" "fd10:$j::1$j" "$(lab_ip "$j")" ||
		fail "h$i: no IPv6 host route for h$j's VM: $(ip -n "$(ns "h$i")" -6 route show table 1000)"
	wait_for 10 route6 "$i" "fd10:$j::/64" "$(lab_ip "$j")" || fail "h$i: no IPv6 prefix route for h$j's subnet"
	nb=$(ip -n "$(ns "h$i")" -6 neigh show dev br-l3)
	grep -qE "^::ffff:$(lab_ip "$j") lladdr $(rmac "$j") extern_learn" <<<"$nb" ||
		fail "h$i: no neighbour for ::ffff:$(lab_ip "$j"): $nb"
done
out=$(ip netns exec "$(ns h1-vm1)" ping -6 -c 3 -i 0.2 -W 2 fd10:2::12) || fail "IPv6: h1's VM cannot ping h2's: $out"
grep -q 'ttl=62' <<<"$out" || fail "IPv6 replies not routed twice (hop limit 62): $out"
log "IPv6: fd10:1::11 -> fd10:2::12 routed (hop limit 62) via ::ffff:$(lab_ip 2) on br-l3"
for i in 1 2; do
	ip -n "$(ns "h$i-vm1")" addr del "fd10:$i::1$i/64" dev eth0
	ip -n "$(ns "h$i")" -6 neigh flush dev "br$((i * 100))"
	ip -n "$(ns "h$i")" addr del "fd10:$i::1/64" dev "br$((i * 100))"
done
for i in 1 2; do
	j=$((3 - i))
	gone6() { ! ip -n "$(ns "h$1")" -6 route show table 1000 proto bgp | grep -q .; }
	wait_for 15 gone6 "$i" || fail "h$i kept IPv6 routes after h$j's went: $(ip -n "$(ns "h$i")" -6 route show table 1000 proto bgp)"
	nb=$(ip -n "$(ns "h$i")" -6 neigh show dev br-l3)
	grep -qE "^::ffff:" <<<"$nb" && fail "h$i kept the ::ffff: neighbour with no IPv6 route: $nb"
done
log "IPv6 withdrawn: no IPv6 route and no ::ffff: neighbour left; the IPv4 ones stay"

step "audit: clean, then what was done behind evpnd's back; a deleted route comes back"
n1=$(ns h1)
out=$(lab_ctl 1 audit --json) || fail "h1: audit found drift on a clean tenant: $out"
jcheck "$out" "d['drift'] == []" "h1: audit clean"
ip -n "$n1" route del 10.2.0.12/32 table 1000
wait_for 5 host_route 1 10.2.0.12 "$(lab_ip 2)" || fail "h1 did not put back the host route deleted by hand"
ip -n "$n1" route add 198.18.0.0/24 via "$(lab_ip 2)" dev br-l3 onlink table 1000 proto bgp metric 20
ip -n "$n1" neigh replace "$(lab_ip 2)" lladdr 02:00:00:00:30:99 dev br-l3 nud noarp extern_learn
bridge -n "$n1" fdb del "$(rmac 2)" dev vx-l3 dst "$(lab_ip 2)" self
rc=0
out=$(lab_ctl 1 audit --json) || rc=$?
[ "$rc" = 3 ] || fail "h1: audit exit status $rc with drift planted (want 3): $out"
jcheck "$out" "(sorted((x['kind'], x.get('prefix') or x.get('entry')) for x in d['drift']) ==
	[('router-mac-missing', 'fdb'), ('router-mac-wrong', 'neighbour'),
	 ('tenant-route-extra', '198.18.0.0/24')])" "h1: audit names the three tenant differences"
log "audit: $(lab_ctl 1 audit | tail -n +2 | tr -s ' ' | tr '\n' ';')"
ip -n "$n1" route del 198.18.0.0/24 table 1000
ip -n "$n1" neigh replace "$(lab_ip 2)" lladdr "$(rmac 2)" dev br-l3 nud noarp extern_learn
bridge -n "$n1" fdb add "$(rmac 2)" dev vx-l3 dst "$(lab_ip 2)" self extern_learn
jcheck "$(lab_ctl 1 audit --json)" "d['drift'] == []" "h1: audit clean again"

step "reload: a [vrf]'s RD and route targets change in place"
cp "$LAB_DIR/h2.conf" "$T_DIR/h2.conf.ok"
cp "$LAB_DIR/h1.conf" "$T_DIR/h1.conf.ok"
printf 'rd = 10.99.0.2:77\nexport-rt = 64512:4000 64512:4001\n' >>"$LAB_DIR/h2.conf" # [vrf vrf-t] is the last section
out=$(lab_ctl 2 reload 2>&1) || fail "h2: reload of a [vrf] rd/export-rt: $out"
new_rd() {
	lab_ctl 1 show routes evpn --json | jpy "(sorted(r['rd'] for r in d if r.get('type') == 'prefix' and
		r.get('prefix') in ('10.2.0.0/24', '192.0.2.0/24')) == ['10.99.0.2:77', '10.99.0.2:77'] and
		any(r.get('type') == 'macadv' and r.get('ip') == '10.2.0.12' and
		    '64512:4001' in r.get('route_targets', []) for r in d))" >/dev/null
}
wait_for 15 new_rd || fail "h1 did not get h2's type-5 routes with the new RD only and the new RT:
$(lab_ctl 1 show routes evpn)"
tenant_route 1 192.0.2.0/24 "$(lab_ip 2)" && tenant_route 1 10.2.0.12 "$(lab_ip 2)" ||
	fail "h1 lost h2's routes across h2's reload"
log "h2's reload: its type-5 routes now carry RD 10.99.0.2:77, the MAC+IP route RT 64512:4001; h1's routes stayed"
printf 'import-rt = 64512:9999\n' >>"$LAB_DIR/h1.conf"
out=$(lab_ctl 1 reload 2>&1) || fail "h1: reload of a [vrf] import-rt: $out"
none_from_h2() { ! ip -n "$(ns h1)" route show table 1000 proto bgp | grep -q .; }
wait_for 10 none_from_h2 || fail "h1 kept routes its [vrf] no longer imports: $(ip -n "$(ns h1)" route show table 1000 proto bgp)"
cp "$T_DIR/h1.conf.ok" "$LAB_DIR/h1.conf"
out=$(lab_ctl 1 reload 2>&1) || fail "h1: reload back: $out"
wait_for 10 tenant_route 1 192.0.2.0/24 "$(lab_ip 2)" && wait_for 10 tenant_route 1 10.2.0.12 "$(lab_ip 2)" ||
	fail "h1 did not take h2's routes back after importing them again"
cp "$T_DIR/h2.conf.ok" "$LAB_DIR/h2.conf"
out=$(lab_ctl 2 reload 2>&1) || fail "h2: reload back: $out"
log "h1 importing 64512:9999 dropped h2's routes; importing 64512:4000 again brought them back"

step "SIGKILL and restart of h1's evpnd under a routed flow: nothing lost, leftovers swept"
# what a previous run may leave: a route and a router-MAC pair that no route wants any more
ip -n "$n1" route add 203.0.113.0/24 via "$(lab_ip 2)" dev br-l3 onlink table 1000 proto bgp metric 20
ip -n "$n1" neigh add 10.99.0.77 lladdr 02:00:00:00:30:77 dev br-l3 nud noarp extern_learn
bridge -n "$n1" fdb add 02:00:00:00:30:77 dev vx-l3 dst 10.99.0.77 self extern_learn
ip netns exec "$(ns h1-vm1)" ping -i 0.02 -c 400 -W 1 10.2.0.12 >"$T_DIR/ping.out" 2>&1 &
ping_pid=$!
sleep 1
lab stop --kill 1 || fail "SIGKILL of h1's evpnd"
lab start 1 >/dev/null || fail "restarting h1's evpnd"
wait_for 30 lab_converged 1 || fail "h1 did not converge after its restart"
wait "$ping_pid" || true
grep -qE '^400 packets transmitted, 400 received' "$T_DIR/ping.out" ||
	fail "the routed flow lost packets across the restart: $(tail -n 2 "$T_DIR/ping.out")"
swept() {
	local r nb fdb
	r=$(ip -n "$n1" route show table 1000) && nb=$(ip -n "$n1" neigh show dev br-l3) &&
		fdb=$(bridge -n "$n1" fdb show dev vx-l3) || return 1
	! grep -qE '^203\.0\.113\.0/24 ' <<<"$r" && ! grep -qE '^10\.99\.0\.77 ' <<<"$nb" &&
		! grep -qE '^02:00:00:00:30:77 ' <<<"$fdb"
}
wait_for 10 swept || fail "h1 kept a previous run's route or router-MAC pair after convergence:
$(ip -n "$n1" route show table 1000)
$(ip -n "$n1" neigh show dev br-l3)
$(bridge -n "$n1" fdb show dev vx-l3)"
host_route 1 10.2.0.12 "$(lab_ip 2)" && host_route 1 192.0.2.0/24 "$(lab_ip 2)" && rmac_pair 1 2 ||
	fail "h1 lost a route in use across the restart"
grep -E 'stale tenant route' "$LAB_DIR/h1.log" | tail -n 1 | grep -qE ': 2 stale tenant routes' ||
	fail "h1's log does not count the two leftovers: $(grep -E 'stale tenant' "$LAB_DIR/h1.log")"
log "restart under a 20 ms routed flow: 400/400 replies; the planted route and router-MAC pair swept"

step "h2's VM goes: h1's host route goes; the router-MAC pair stays for the prefixes, then goes"
n2=$(ns h2)
bridge -n "$n2" fdb del "$(lab_mac 2)" dev vm1 master || fail "deleting h2's VM's FDB entry"
ip -n "$n2" neigh flush dev br200
ip -n "$(ns h2-vm1)" link set eth0 down
wait_for 15 no_host_route 1 10.2.0.12 || fail "h1 kept the host route of a VM that left"
rmac_pair 1 2 || fail "h1 dropped h2's router-MAC pair while h2's prefix routes still use it"
ip -n "$n2" addr del 10.2.0.1/24 dev br200
ip -n "$n2" link del ext0
wait_for 10 no_host_route 1 192.0.2.0/24 || fail "h1 kept 192.0.2.0/24 after h2's ext0 went"
wait_for 10 no_host_route 1 10.2.0.0/24 || fail "h1 kept 10.2.0.0/24 after h2's address went"
wait_for 10 no_rmac_pair 1 2 || fail "h1 kept the router-MAC pair of h2 with no route using it"
rmac_pair 2 1 || fail "h2 lost its router-MAC pair toward h1, whose VM is still there"
jcheck "$(lab_ctl 1 show vrfs --json)" "(d[0]['host_routes'] == 0 and d[0]['prefix_routes'] == 0 and
	d[0]['remote_vteps'] == 0)" "h1: show vrfs counts nothing left"
jcheck "$(ip -n "$(ns h1)" -j route show table 1000 proto bgp)" "d == []" "h1: no evpnd route left in table 1000"
log "withdrawn: h1's table 1000, br-l3 neighbours and vx-l3 router-MAC entries are clean"

lab_pass
