#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A routed tenant's L3 VNI is not an L2 VNI, and `evpnctl show vrfs` shows what the kernel has of
# the tenant (docs/wire.md, "Symmetric IRB": FRR sends no type-3 route for an L3 VNI, keeps no flood entry
# on its device, and ignores one evpnd would send). Two hypervisors with [vrf vrf-t] l3vni = 4000,
# each with the L3 VNI's pieces FRR and Proxmox build (br-l3 with a fixed MAC, the router MAC,
# holding vx-l3, VNI 4000, nolearning) beside the lab's L2 VNI 100:
#   - neither originates a type-3 route for VNI 4000, neither has a flood entry on vx-l3, both
#     still flood VNI 100 to each other; vx-l3's FDB holds no extern_learn entry;
#   - a VM's MAC+IP route (arp-snoop) has no L3 part while the tenant is incomplete (no VRF device
#     on this kernel): one label, the L2 VNI's RT, no Router's MAC;
#   - `show vrfs` names vx-l3, br-l3 and its MAC as the router MAC, the RD router-id:4000 and the
#     RT 64512:4000, and says what is missing: "no VRF device vrf-t";
#   - a reload that adds a [vrf] section is refused (it would turn an L2 VNI into an L3 one).
# With a VRF (test_routed_tenant.sh, in scripts/vm.sh) the same tenant is "up" and its routes carry
# the L3 VNI, the VRF's RT and the router MAC.
source "$(dirname "$0")/lib.sh"

require ip bridge python3
require_evpnd
t_init

step "two hypervisors, each with an L3 VNI 4000 (vx-l3 in br-l3) beside VNI 100"
lab_up -n 2 --no-start --extra-global 'arp-snoop = yes'
for i in 1 2; do
	n=$(ns "h$i")
	printf '\n[vrf vrf-t]\nl3vni = 4000\n' >>"$LAB_DIR/h$i.conf"
	ip -n "$n" link add br-l3 address "02:00:00:00:30:0$i" type bridge || fail "br-l3 on h$i"
	ip -n "$n" link add vx-l3 type vxlan id 4000 local "$(lab_ip "$i")" dstport 4789 nolearning ||
		fail "vx-l3 on h$i"
	ip -n "$n" link set vx-l3 master br-l3
	for d in br-l3 vx-l3; do ip -n "$n" link set "$d" up; done
done
lab start all >/dev/null || fail "lab start all"
lab_wait_mesh 30
for i in 1 2; do
	j=$((3 - i))
	wait_for 10 fdb_flood "$i" "$(lab_ip "$j")" || fail "h$i: no VNI 100 flood entry toward h$j"
done

step "no type-3 route and no flood entry for the L3 VNI"
for i in 1 2; do
	routes=$(lab_ctl "$i" show routes evpn --json) || fail "h$i: show routes"
	jcheck "$routes" "[r for r in d if r.get('type') == 'multicast' and str(r.get('rd', '')).endswith(':4000')] == []" \
		"h$i: no type-3 route for VNI 4000 in its RIB"
	jcheck "$routes" "len([r for r in d if r.get('type') == 'multicast']) == 2" \
		"h$i: the two type-3 routes of VNI 100 (its own and its neighbor's)"
	fdb=$(ip netns exec "$(ns "h$i")" bridge fdb show dev vx-l3)
	grep -E '^00:00:00:00:00:00 ' <<<"$fdb" && fail "h$i: a flood entry on vx-l3"
	grep -E 'extern_learn' <<<"$fdb" && fail "h$i: an extern_learn entry on vx-l3"
	jcheck "$(lab_ctl "$i" show vnis --json)" "[v['vni'] for v in d] == [100]" "h$i: VNI 100 only"
done
log "h1 and h2: type-3 routes only for VNI 100; vx-l3 holds no flood and no extern_learn entry"

step "a VM's MAC+IP route without a VRF: no L3 part"
vm_ping 1 1 2 1 || fail "h1's VM cannot ping h2's VM"
# h1's VM's MAC+IP route, as h2 received it (arp-snoop learned the binding from the VM's ARP)
macip() {
	lab_ctl 2 show routes evpn --json | jpy "[r for r in d if r.get('type') == 'macadv' and
		r.get('mac') == '$(lab_mac 1)' and r.get('ip') == '$(lab_vmip 1)' and r.get('source') != 'local']"
}
has_macip() { [ "$(macip)" != "[]" ]; }
wait_for 15 has_macip || fail "h2 never received h1's VM's MAC+IP route"
jcheck "$(macip)" "(len(d) == 1 and d[0]['l3vni'] is None and d[0]['labels'] == [100] and
	'router_mac' not in d[0] and d[0]['route_targets'] == ['64512:100'])" \
	"h1's MAC+IP route with its tenant incomplete: no L3 part"

step "show vrfs"
for i in 1 2; do
	out=$(lab_ctl "$i" show vrfs --json) || fail "h$i: show vrfs"
	common="len(d) == 1 and d[0]['name'] == 'vrf-t' and d[0]['l3vni'] == 4000 and
		d[0]['vxlan'] == 'vx-l3' and d[0]['bridge'] == 'br-l3' and
		d[0]['router_mac'] == '02:00:00:00:30:0$i' and d[0]['rd'] == '$(lab_ip "$i"):4000' and
		d[0]['export_rt'] == ['64512:4000'] and d[0]['advertise'] == 'connected'"
	jcheck "$out" "($common and d[0]['state'] == 'incomplete' and
		d[0]['why'] == 'no VRF device vrf-t' and d[0]['table'] is None and d[0]['l2vnis'] == [])" \
		"h$i: show vrfs without a VRF device"
	text=$(lab_ctl "$i" show vrfs) || fail "h$i: show vrfs (text)"
	grep -E "^vrf-t +4000 .*vx-l3 +br-l3 +02:00:00:00:30:0$i " <<<"$text" >/dev/null ||
		fail "h$i: show vrfs text: $text"
done
log "h1: $(lab_ctl 1 show vrfs | tail -n 1)"


step "a reload that adds a [vrf] is refused, the running one stays"
cp "$LAB_DIR/h1.conf" "$T_DIR/h1.conf.ok"
printf '\n[vrf blue]\nl3vni = 4001\n' >>"$LAB_DIR/h1.conf"
out=$(lab_ctl 1 reload 2>&1) && fail "reload adding [vrf blue] was applied: $out"
grep -q "\[vrf blue\] added: needs a restart" <<<"$out" || fail "reload's refusal does not say why: $out"
cp "$T_DIR/h1.conf.ok" "$LAB_DIR/h1.conf"
jcheck "$(lab_ctl 1 show vrfs --json)" "[v['name'] for v in d] == ['vrf-t']" "h1 keeps its one [vrf]"
lab_established 1 || fail "h1's sessions did not stay up"

lab_pass
