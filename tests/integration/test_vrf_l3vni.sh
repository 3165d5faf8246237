#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A routed tenant's L3 VNI is not an L2 VNI, and `evpnctl show vrfs` shows what the kernel has of
# the tenant (docs/wire.md, "Symmetric IRB": FRR sends no type-3 route for an L3 VNI, keeps no flood entry
# on its device, and ignores one evpnd would send). Two hypervisors with [vrf vrf-t] l3vni = 4000,
# each with the L3 VNI's pieces FRR and Proxmox build (br-l3 with a fixed MAC, the router MAC,
# holding vx-l3, VNI 4000, nolearning) beside the lab's L2 VNI 100:
#   - neither originates a type-3 route for VNI 4000, neither has a flood entry on vx-l3, both
#     still flood VNI 100 to each other; vx-l3's FDB holds no extern_learn entry;
#   - a VM's MAC+IP route (arp-snoop) carries the tenant's L3 part once the tenant is up (in the
#     VM): label 2 = 4000, the RT 64512:4000 beside 64512:100 and the Router's MAC community
#     (h1's br-l3 MAC), as FRR sends it; here (no VRF) none of it;
#   - `show vrfs` names vx-l3, br-l3 and its MAC as the router MAC, the RD router-id:4000 and the
#     RT 64512:4000, and says what is missing: this kernel has no VRF device, so "no VRF device
#     vrf-t" here; inside scripts/vm.sh (Debian's kernel, VRF built in) the same lab with vrf-t
#     (table 1000) holding br-l3 and br100 is "up", table 1000, L2 VNIs [100] (--inner);
#   - a reload that adds a [vrf] section is refused (it would turn an L2 VNI into an L3 one).
source "$(dirname "$0")/lib.sh"

require ip bridge python3
require_evpnd
t_init
INNER=0
[ "${1:-}" = --inner ] && INNER=1

step "two hypervisors, each with an L3 VNI 4000 (vx-l3 in br-l3) beside VNI 100$([ $INNER = 1 ] && echo ', in VRF vrf-t')"
lab_up -n 2 --no-start --extra-global 'arp-snoop = yes'
for i in 1 2; do
	n=$(ns "h$i")
	printf '\n[vrf vrf-t]\nl3vni = 4000\n' >>"$LAB_DIR/h$i.conf"
	ip -n "$n" link add br-l3 address "02:00:00:00:30:0$i" type bridge || fail "br-l3 on h$i"
	ip -n "$n" link add vx-l3 type vxlan id 4000 local "$(lab_ip "$i")" dstport 4789 nolearning ||
		fail "vx-l3 on h$i"
	ip -n "$n" link set vx-l3 master br-l3
	if [ $INNER = 1 ]; then
		ip -n "$n" link add vrf-t type vrf table 1000 || fail "VRF vrf-t on h$i"
		ip -n "$n" link set br-l3 master vrf-t
		ip -n "$n" link set br100 master vrf-t
		ip -n "$n" link set vrf-t up
	fi
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

step "a VM's MAC+IP route$([ $INNER = 1 ] && echo ': label 2 the L3 VNI, the VRF RT, the router MAC' || echo ' without a VRF: no L3 part')"
vm_ping 1 1 2 1 || fail "h1's VM cannot ping h2's VM"
# h1's VM's MAC+IP route, as h2 received it (arp-snoop learned the binding from the VM's ARP)
macip() {
	lab_ctl 2 show routes evpn --json | jpy "[r for r in d if r.get('type') == 'macadv' and
		r.get('mac') == '$(lab_mac 1)' and r.get('ip') == '$(lab_vmip 1)' and r.get('source') != 'local']"
}
has_macip() { [ "$(macip)" != "[]" ]; }
wait_for 15 has_macip || fail "h2 never received h1's VM's MAC+IP route"
if [ $INNER = 1 ]; then
	tenant_route() { macip | jpy "(len(d) == 1 and d[0]['l3vni'] == 4000 and d[0]['labels'] == [100, 4000] and
		d[0].get('router_mac') == '02:00:00:00:30:01' and
		sorted(d[0]['route_targets']) == ['64512:100', '64512:4000'])" >/dev/null; }
	wait_for 10 tenant_route || fail "h1's MAC+IP route lacks the tenant's L3 part: $(macip)"
	log "h1's VM's MAC+IP route at h2: labels [100, 4000], router MAC 02:00:00:00:30:01, RTs 64512:100 and 64512:4000"
else
	jcheck "$(macip)" "(len(d) == 1 and d[0]['l3vni'] is None and d[0]['labels'] == [100] and
		'router_mac' not in d[0] and d[0]['route_targets'] == ['64512:100'])" 		"h1's MAC+IP route with its tenant incomplete: no L3 part"
fi

step "show vrfs"
for i in 1 2; do
	out=$(lab_ctl "$i" show vrfs --json) || fail "h$i: show vrfs"
	common="len(d) == 1 and d[0]['name'] == 'vrf-t' and d[0]['l3vni'] == 4000 and
		d[0]['vxlan'] == 'vx-l3' and d[0]['bridge'] == 'br-l3' and
		d[0]['router_mac'] == '02:00:00:00:30:0$i' and d[0]['rd'] == '$(lab_ip "$i"):4000' and
		d[0]['export_rt'] == ['64512:4000'] and d[0]['advertise'] == 'connected'"
	if [ $INNER = 1 ]; then
		jcheck "$out" "($common and d[0]['state'] == 'up' and d[0]['why'] is None and
			d[0]['table'] == 1000 and d[0]['l2vnis'] == [100])" "h$i: show vrfs, VRF up"
	else
		jcheck "$out" "($common and d[0]['state'] == 'incomplete' and
			d[0]['why'] == 'no VRF device vrf-t' and d[0]['table'] is None and d[0]['l2vnis'] == [])" \
			"h$i: show vrfs without a VRF device"
	fi
	text=$(lab_ctl "$i" show vrfs) || fail "h$i: show vrfs (text)"
	grep -E "^vrf-t +4000 .*vx-l3 +br-l3 +02:00:00:00:30:0$i " <<<"$text" >/dev/null ||
		fail "h$i: show vrfs text: $text"
done
log "h1: $(lab_ctl 1 show vrfs | tail -n 1)"

if [ $INNER = 1 ]; then
	lab_pass
	exit 0
fi

step "a reload that adds a [vrf] is refused, the running one stays"
cp "$LAB_DIR/h1.conf" "$T_DIR/h1.conf.ok"
printf '\n[vrf blue]\nl3vni = 4001\n' >>"$LAB_DIR/h1.conf"
out=$(lab_ctl 1 reload 2>&1) && fail "reload adding [vrf blue] was applied: $out"
grep -q "\[vrf blue\] added: needs a restart" <<<"$out" || fail "reload's refusal does not say why: $out"
cp "$T_DIR/h1.conf.ok" "$LAB_DIR/h1.conf"
jcheck "$(lab_ctl 1 show vrfs --json)" "[v['name'] for v in d] == ['vrf-t']" "h1 keeps its one [vrf]"
lab_established 1 || fail "h1's sessions did not stay up"

lab stop all || fail "an evpnd did not stop cleanly (see above)"
lab_down_now

step "the same inside scripts/vm.sh, with a VRF device (Debian's kernel has VRF)"
share=()
case $EVPND in "$EVPND_SRC"/*) ;; /tmp/* | /run/* | /var/tmp/*) share=(--share "$(dirname "$EVPND")") ;; esac
rc=0
EVPND=$EVPND EVPNCTL=$EVPNCTL "$EVPND_SRC/scripts/vm.sh" --timeout 900 "${share[@]}" -- \
	bash "$EVPND_SRC/tests/integration/test_vrf_l3vni.sh" --inner || rc=$?
case $rc in
0) pass ;;
124) fail "the VM run timed out" ;;
125) fail "scripts/vm.sh could not run the command in a VM" ;;
*) fail "the VRF lab failed inside the VM (exit $rc)" ;;
esac
