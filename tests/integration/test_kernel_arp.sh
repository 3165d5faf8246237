#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ARP suppression (arp-suppress = yes on h1 only, scripts/lab.sh): remote MAC+IP routes become
# NUD_NOARP extern_learn neighbours on the bridge and the VXLAN port gets neigh_suppress, so the
# bridge answers ARP for remote VMs and no ARP request crosses the underlay from h1; h2 (off) floods
# its ARP requests as before. A restart keeps the wanted entries and removes an unwanted one after
# convergence. Then local learning: a neighbour h1's bridge learns for its VM
# becomes a MAC+IP route, withdrawn when the neighbour goes.
source "$(dirname "$0")/lib.sh"

require ip bridge ping tcpdump python3
require_evpnd
t_init

step "a 2-hypervisor lab, arp-suppress on h1 only"
lab_up -n 2 --debug --extra-global-on 1 'arp-suppress = yes' --extra-global-on 1 'arp-snoop = no'
lab_wait_mesh 30

port_suppress() { ip -n "$(ns "h$1")" -d link show dev vx100 | grep "neigh_suppress $2" >/dev/null; }
wait_for 10 port_suppress 1 on || fail "h1: vx100 has no neigh_suppress on"
port_suppress 2 off || fail "h2: vx100 has neigh_suppress on though arp-suppress is off there"

# neigh_has I IP MAC: hypervisor I's br100 has IP -> MAC as evpnd installs it.
neigh_has() {
	local out
	out=$(ip -n "$(ns "h$1")" neigh show dev br100 to "$2" 2>/dev/null) || return 1
	grep -qE "^$2 lladdr $3 .*extern_learn.*NOARP" <<<"$out"
}
neigh_none() { [ -z "$(ip -n "$(ns "h$1")" neigh show dev br100 to "$2" 2>/dev/null)" ]; }

step "MAC+IP routes for the VMs become neighbour entries on h1's bridge (not on h2's)"
lab_ctl 1 add macadv "$(lab_mac 1)" "$(lab_vmip 1)" vni 100 nexthop "$(lab_ip 1)" >/dev/null ||
	fail "h1: add macadv"
lab_ctl 2 add macadv "$(lab_mac 2)" "$(lab_vmip 2)" vni 100 nexthop "$(lab_ip 2)" >/dev/null ||
	fail "h2: add macadv"
wait_for 10 neigh_has 1 "$(lab_vmip 2)" "$(lab_mac 2)" ||
	fail "h1: no neighbour $(lab_vmip 2) lladdr $(lab_mac 2) extern_learn NOARP on br100"
wait_for 10 fdb_remote 1 "$(lab_mac 2)" "$(lab_ip 2)" || fail "h1: the MAC+IP route installed no FDB entry"
neigh_none 2 "$(lab_vmip 1)" || fail "h2 (arp-suppress off) installed a neighbour for h1's VM"
neigh_none 1 "$(lab_vmip 1)" || fail "h1 installed a neighbour for its own VM"

step "VM-to-VM ping: no ARP request crosses the underlay from h1 nor reaches h2's VM; h2's do"
cap() { printf '%s/arp-h%s.pcap' "$T_DIR" "$1"; }
ucap() { printf '%s/underlay-h%s.pcap' "$T_DIR" "$1"; }
for i in 1 2; do
	ip netns exec "$(ns "h$i-vm1")" ip neigh flush all
	spawn_capture "tcpdump-h$i" "h$i-vm1" tcpdump -i eth0 -Q in -n -U -w "$(cap "$i")" 'arp and arp[6:2] == 1'
	TCPDUMP[i]=$SPAWNED_PID
	# the underlay: VXLAN (UDP 4789) packets this hypervisor sends whose inner frame is an ARP
	# request (UDP header 8 + VXLAN header 8: the inner EtherType at udp[28], ARP op at udp[36])
	spawn_capture "tcpdump-u$i" "h$i" tcpdump -i eth0 -Q out -n -U -w "$(ucap "$i")" \
		'udp dst port 4789 and udp[28:2] = 0x0806 and udp[36:2] = 1'
	UTCPDUMP[i]=$SPAWNED_PID
done
vm_ping 1 1 2 1 || fail "h1's VM cannot ping h2's VM"
vm_ping 2 1 1 1 || fail "h2's VM cannot ping h1's VM"
# the controls came last (h2's requests, on its underlay and at h1's VM): once the captures hold
# them, they hold anything sent before
pcap_has() { [ "$(tcpdump -r "$1" -n 2>/dev/null | grep -c "$2")" -ge 1 ]; }
wait_for 5 pcap_has "$(ucap 2)" . && wait_for 5 pcap_has "$(cap 1)" Request ||
	fail "h2's ARP requests were not captured on its underlay and at h1's VM: the test would prove nothing"
for i in 1 2; do
	for pid in "${TCPDUMP[$i]}" "${UTCPDUMP[$i]}"; do
		kill -INT "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
done
ucount() { tcpdump -r "$(ucap "$1")" -n 2>/dev/null | wc -l; }
u1=$(ucount 1)
u2=$(ucount 2)
log "VXLAN-encapsulated ARP requests sent on the underlay: by h1 $u1, by h2 $u2"
[ "$u1" = 0 ] || fail "$u1 ARP request(s) crossed the underlay from h1 (arp-suppress on)"
[ "$u2" -ge 1 ] || fail "no ARP request crossed the underlay from h2 (arp-suppress off): the capture proves nothing"
count() { tcpdump -r "$(cap "$1")" -n 2>/dev/null | grep -c "Request" || true; }
n2=$(count 2)
n1=$(count 1)
log "ARP requests received: by h1's VM $n1, by h2's VM $n2"
[ "$n2" = 0 ] || fail "$n2 ARP request(s) crossed from h1 (arp-suppress on) to h2's VM"
[ "$n1" -ge 1 ] || fail "no ARP request crossed from h2 (arp-suppress off): the test proves nothing"

step "restart h1's evpnd: its neighbour stays; one that no route wants goes after convergence"
spawn mon1 h1 ip monitor neigh
# the monitor must be seen to see a deletion before its silence means anything: a probe
# neighbour of its own, added and deleted again until the monitor (subscribing) shows it
probe_seen() {
	ip -n "$(ns h1)" neigh replace 192.168.100.250 lladdr 02:bb:00:00:00:fa dev br100 nud permanent
	ip -n "$(ns h1)" neigh del 192.168.100.250 dev br100
	grep -q "192.168.100.250 " "$T_DIR/mon1.log"
}
wait_for 10 probe_seen || fail "ip monitor neigh sees nothing on h1"
lab stop 1 || fail "h1's evpnd did not stop cleanly"
STALE_IP=192.168.100.77
ip -n "$(ns h1)" neigh add $STALE_IP lladdr 02:bb:00:00:00:77 dev br100 nud noarp extern_learn
lab start 1
lab_wait_mesh 30
wait_for 30 neigh_none 1 $STALE_IP || fail "h1: the unwanted neighbour $STALE_IP was not removed after convergence"
neigh_has 1 "$(lab_vmip 2)" "$(lab_mac 2)" || fail "h1: neighbour $(lab_vmip 2) lost across the restart"
port_suppress 1 on || fail "h1: vx100 lost neigh_suppress across the restart"
grep -q "^Deleted $(lab_vmip 2) " "$T_DIR/mon1.log" &&
	fail "h1: the wanted neighbour $(lab_vmip 2) was deleted during the restart"

step "a neighbour deleted behind evpnd's back is put back"
ip -n "$(ns h1)" neigh del "$(lab_vmip 2)" dev br100
wait_for 10 neigh_has 1 "$(lab_vmip 2)" "$(lab_mac 2)" || fail "h1: neighbour $(lab_vmip 2) not put back"

step "the route withdrawn: the neighbour goes"
lab_ctl 2 del macadv "$(lab_mac 2)" "$(lab_vmip 2)" vni 100 >/dev/null || fail "h2: del macadv"
wait_for 10 neigh_none 1 "$(lab_vmip 2)" || fail "h1: neighbour $(lab_vmip 2) still there after the withdrawal"

step "local learning: a neighbour on h1's bridge becomes a MAC+IP route at h2"
# (h1's evpnctl route went with its restart: control-added routes are not kept)
route_at_h2() {
	lab_ctl 2 show routes evpn --json 2>/dev/null |
		jpy "any(r.get('type') == 'macadv' and r.get('mac') == '$(lab_mac 1)' and
			 r.get('ip') == '$(lab_vmip 1)' and r.get('nexthop') == '$(lab_ip 1)' for r in d)" >/dev/null
}
wait_for 10 not route_at_h2 || fail "h2 still has h1's MAC+IP route after its deletion"
ip -n "$(ns h1)" addr add 192.168.100.250/24 dev br100
ip netns exec "$(ns h1)" ping -c 1 -W 1 "$(lab_vmip 1)" >/dev/null || fail "h1 cannot ping its VM"
wait_for 10 route_at_h2 || fail "h2 has no MAC+IP route for h1's VM ($(lab_vmip 1)) learned by h1's bridge"
ip -n "$(ns h1)" neigh del "$(lab_vmip 1)" dev br100
wait_for 10 not route_at_h2 || fail "h2 still has the MAC+IP route after h1's neighbour was deleted"
lab_pass
