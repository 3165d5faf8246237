#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ctest-labels: vm (boots scripts/vm.sh; scripts/test.sh runs it with the plain build only)
# Mobility of a routed VM (RFC 7432 section 15 with symmetric IRB, RFC 9135), in scripts/vm.sh
# (VRF), over an IPv6 underlay (VTEPs fd99::I: IPv4 host routes `via inet6 VTEP dev br-l3 onlink`,
# the router-MAC neighbours and FDB entries IPv6). Tenant vrf-t on three hypervisors: h1 carries VNI 100 (10.1.0.0/24), h2 and h3 VNI 200
# (10.2.0.0/24). The VM 10.2.0.12 lives on h2, then moves to h3 (same MAC and IP: the copy on h2
# pauses with its MAC still in h2's bridge, the one on h3 comes up and speaks, as a live migration
# does):
#   - h1, which has no VNI 200, routes to the VM by a host route: first via h2, then via h3 once h3
#     advertises the VM with a higher mobility sequence number, while h1's VM pings it every 20 ms;
#     the flow resumes through h3 (the gap is the migration's, counted and logged);
#   - h3 has the VM locally: no host route toward h2 for it (its own route wins);
#   - h2 yields (its bridge's entry goes, the MAC points to h3 on vx200) and routes the VM via h3,
#     as any hypervisor of the subnet without it does.
source "$(dirname "$0")/lib.sh"

require ip bridge python3
require_evpnd
t_init

if [ "${1:-}" != --inner ]; then
	step "a routed VM moves between hypervisors, inside scripts/vm.sh (Debian's kernel has VRF)"
	vm_run "routed mobility" bash "$EVPND_SRC/tests/integration/test_routed_mobility.sh" --inner
fi

step "h1: VNI 100; h2 and h3: VNI 200; the VM 10.2.0.12 on h2"
lab_up -n 3 --ipv6 --no-start
tenant_host 1 100 1
tenant_host 2 200 2
tenant_host 3 200 2
H1=$(lab_ip 1) H2=$(lab_ip 2) H3=$(lab_ip 3)
VM_MAC=$(lab_mac 2)
# h3's VM becomes the moving VM's copy, down until the move
vm3=$(ns h3-vm1)
ip -n "$vm3" link set eth0 down
ip -n "$vm3" link set eth0 address "$VM_MAC"
ip -n "$vm3" addr flush dev eth0
ip -n "$vm3" addr add 10.2.0.12/24 dev eth0
lab start all >/dev/null || fail "lab start all"
lab_wait_mesh 30
for i in 1 2; do
	ip netns exec "$(ns "h$i-vm1")" ping -c 1 -W 2 "10.$i.0.1" >/dev/null || fail "h$i's VM cannot reach its gateway"
done
wait_for 20 tenant_route 1 10.2.0.12 "$H2" || fail "h1: no host route via h2: $(ip -n "$(ns h1)" route show table 1000)"
host_routes() { ip -n "$(ns "h$1")" route show table 1000 proto bgp | grep -E '^10\.2\.0\.12 ' || true; }
wait_for 10 tenant_route 3 10.2.0.12 "$H2" ||
	fail "h3 (same subnet, VM elsewhere) does not route the VM via h2 as FRR does: $(host_routes 3)"
log "before: h1 $(host_routes 1); h3 $(host_routes 3)"

step "the VM moves from h2 to h3 while h1's VM pings it every 20 ms"
ip netns exec "$(ns h1-vm1)" ping -i 0.02 -c 600 -W 1 10.2.0.12 >"$T_DIR/ping.out" 2>&1 &
ping_pid=$!
sleep 2
t0=$EPOCHREALTIME
# the copy on h2 pauses: its MAC stays learned on h2's bridge (as after a live migration's last
# frame; a port going down would flush it, and h2 would withdraw first), so h3 must win by the
# sequence number (RFC 7432 section 15) and h2 must yield
ip -n "$(ns h2-vm1)" addr flush dev eth0
ip netns exec "$(ns h2-vm1)" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
bridge -n "$(ns h2)" link set dev vm1 learning off
ip -n "$vm3" link set eth0 up
ip -n "$vm3" route add default via 10.2.0.1
# the migrated VM speaks (to its gateway: the bridge learns its MAC, the gateway its address)
ip netns exec "$vm3" ping -c 1 -W 1 10.2.0.1 >/dev/null || true
wait_for 15 tenant_route 1 10.2.0.12 "$H3" || fail "h1's host route did not move to h3: $(host_routes 1)"
log "h1's host route moved to h3 $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }') s after the VM left h2"
wait "$ping_pid" || true
sent=$(awk '/packets transmitted/ { print $1 }' "$T_DIR/ping.out")
got=$(awk '/packets transmitted/ { print $4 }' "$T_DIR/ping.out")
[ -n "$got" ] && [ "$got" -gt 0 ] || fail "no reply at all across the move: $(tail -n 2 "$T_DIR/ping.out")"
out=$(ip netns exec "$(ns h1-vm1)" ping -c 3 -i 0.2 -W 2 10.2.0.12) || fail "h1's VM cannot reach the moved VM: $out"
log "across the move: $got of $sent replies (the gap is the migration's); after it, replies through h3"

step "after the move"
jcheck "$(lab_ctl 1 show routes vrf vrf-t --json)" "([(r['via'], r['seq']) for r in d if r['prefix'] == '10.2.0.12/32'] ==
	[('$H3', 1)])" "h1: the host route via h3 with the VM's sequence number 1"
[ -z "$(host_routes 3)" ] || fail "h3 routes its own local VM elsewhere: $(host_routes 3)"
jcheck "$(lab_ctl 3 show routes vrf vrf-t --json)" "([(r['local'], r['installed']) for r in d
	if r['prefix'] == '10.2.0.12/32'] == [(True, False)])" "h3: the VM's prefix is local"
wait_for 10 tenant_route 2 10.2.0.12 "$H3" || fail "h2 does not route the VM that left it via h3: $(host_routes 2)"
fdb=$(bridge -n "$(ns h2)" fdb show dev vx200)
grep -qE "^$VM_MAC dst $H3 .*self.*extern_learn" <<<"$fdb" || fail "h2 did not yield the VM's MAC to h3: $fdb"
tenant_route 1 10.2.0.0/24 "$H2" || tenant_route 1 10.2.0.0/24 "$H3" || fail "h1 lost the subnet's prefix route"
log "h1 $(host_routes 1); h2 $(host_routes 2); h3 none (local)"
lab_pass
