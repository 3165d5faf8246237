#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The VLAN-aware model, beside the bridge-per-VNI one (run inside scripts/vm.sh by
# test_kernel_svd.sh: it needs a kernel with CONFIG_BRIDGE_VLAN_FILTERING).
# h1 and h2: br100 VLAN-aware, ONE external vnifilter VXLAN device vx100 with VLAN 100 <-> VNI 100
# and VLAN 200 <-> VNI 200 (vm1 on VLAN 100, vm2 on VLAN 200); h3: the classic br100/vx100 with
# VNI 100 only, vm1 on it. Checks:
#   - evpnd discovers both VNIs and their VLANs from the kernel (show vnis);
#   - flood entries carry the source VNI; remote MACs are installed with the VLAN on the bridge side
#     and the source VNI on the VXLAN side, in one request, toward the right VTEP;
#   - VMs of one VNI ping across both models; VLAN 200 does not reach VLAN 100;
#   - removing a VLAN's tunnel mapping withdraws its VNI and its routes; adding it back restores them;
#   - a restart keeps every entry (reconcile understands the shared device's entries).
source "$(dirname "$0")/lib.sh"

require ip bridge ping python3
require_evpnd
t_init

probe=$(ns probe)
ip netns add "$probe" && T_NS+=("$probe")
ip -n "$probe" link add br0 type bridge vlan_filtering 1 2>/dev/null ||
	skip "this kernel has no VLAN-aware bridges (CONFIG_BRIDGE_VLAN_FILTERING): run me in scripts/vm.sh"

step "3 hypervisors: h1, h2 VLAN-aware with one VXLAN device; h3 bridge per VNI"
lab_up -n 3 --vms 2 --svd --svd-except 3 --debug
lab_wait_mesh 30

step "VNIs and VLANs discovered from the kernel"
vnis_ok() {
	lab_ctl "$1" show vnis --json | jpy "sorted((v['vni'], v.get('vlan'), v['vxlan'], v['state']) for v in d) == [(100, 100, 'vx100', 'up'), (200, 200, 'vx100', 'up')]"
}
for i in 1 2; do
	wait_for 10 vnis_ok "$i" || fail "h$i: show vnis does not list VNI 100 (VLAN 100) and VNI 200 (VLAN 200) up on vx100: $(lab_ctl "$i" show vnis --json)"
done

# svd_fdb I MAC DST VLAN VNI: both halves of a remote MAC on a VLAN-aware hypervisor
svd_fdb() {
	local out
	out=$(ip netns exec "$(ns "h$1")" bridge fdb show dev vx100 2>/dev/null) || return 1
	grep -E "^$2 dst $4 src_vni $5 (.* )?self( .*)? extern_learn" <<<"$out" >/dev/null &&
		grep -E "^$2 vlan $3 (.* )?extern_learn (.* )?master br100" <<<"$out" >/dev/null
}
svd_flood() {
	local out
	out=$(ip netns exec "$(ns "h$1")" bridge fdb show dev vx100 2>/dev/null) || return 1
	grep -E "^00:00:00:00:00:00 dst $2 src_vni $3 (.* )?self" <<<"$out" >/dev/null
}

step "flood entries per VNI on the shared device"
for vni in 100 200; do
	wait_for 10 svd_flood 1 "$(lab_ip 2)" "$vni" || fail "h1: no flood entry toward h2 for VNI $vni"
done
wait_for 10 svd_flood 1 "$(lab_ip 3)" 100 || fail "h1: no flood entry toward h3 (VNI 100)"
svd_flood 1 "$(lab_ip 3)" 200 && fail "h1 floods VNI 200 toward h3, which has no VNI 200"
wait_for 10 fdb_flood 3 "$(lab_ip 1)" || fail "h3 (bridge per VNI): no flood entry toward h1"

step "VMs ping across both models, within their VNI"
vm_ping 1 1 2 1 || fail "h1 vm1 (VLAN 100) cannot ping h2 vm1 (VLAN 100)"
vm_ping 1 2 2 2 || fail "h1 vm2 (VLAN 200) cannot ping h2 vm2 (VLAN 200)"
vm_ping 1 1 3 1 || fail "h1 vm1 (VLAN 100, VNI 100) cannot ping h3 vm1 (classic VNI 100)"
vm_ping 3 1 2 1 || fail "h3 vm1 cannot ping h2 vm1 (VLAN 100)"
ip netns exec "$(ns h1-vm2)" ping -c 2 -i 0.2 -W 1 "$(lab_vmip 2 1)" >/dev/null 2>&1 &&
	fail "h1 vm2 (VLAN 200) reaches h2 vm1 (VLAN 100)"

step "remote MACs: VLAN on the bridge side, source VNI on the VXLAN side"
wait_for 10 svd_fdb 2 "$(lab_mac 1 1)" 100 "$(lab_ip 1)" 100 || fail "h2: h1 vm1's MAC not installed (vlan 100, src_vni 100)"
wait_for 10 svd_fdb 2 "$(lab_mac 1 2)" 200 "$(lab_ip 1)" 200 || fail "h2: h1 vm2's MAC not installed (vlan 200, src_vni 200)"
wait_for 10 svd_fdb 1 "$(lab_mac 3 1)" 100 "$(lab_ip 3)" 100 || fail "h1: h3 vm1's MAC not installed (vlan 100, src_vni 100)"
wait_for 10 fdb_remote 3 "$(lab_mac 1 1)" "$(lab_ip 1)" || fail "h3: h1 vm1's MAC not installed"
jr "$(lab_ctl 3 show routes evpn --json)" "one(d, type='macadv', mac='$(lab_mac 1 2)')" \
	"r['vni'] == 200 and r['nexthop'] == '$(lab_ip 1)'" "h3's route for h1 vm2 (VNI 200, not installed there)"
fdb_no_mac 3 "$(lab_mac 1 2)" || fail "h3 installed a VNI 200 MAC though it has no VNI 200"
log "h2's vx100: $(ip netns exec "$(ns h2)" bridge fdb show dev vx100 | tr '\n' ';')"

step "a restart of h2's evpnd keeps every entry"
before=$(ip netns exec "$(ns h2)" bridge fdb show dev vx100 | sort)
lab stop 2 || fail "h2's evpnd did not stop cleanly"
lab start 2
lab_wait_mesh 30
wait_for 30 lab_converged 2 || fail "h2 did not converge after its restart"
after=$(ip netns exec "$(ns h2)" bridge fdb show dev vx100 | sort)
[ "$before" = "$after" ] || fail "h2's vx100 changed across a restart: before [$before] after [$after]"
vm_ping 2 2 1 2 || fail "h2 vm2 cannot ping h1 vm2 after the restart"

step "removing VLAN 200's tunnel mapping on h1 withdraws VNI 200 there"
ip netns exec "$(ns h1)" bridge vlan del dev vx100 vid 200 tunnel_info id 200
gone200() { ! lab_ctl 2 show routes evpn --json | jpy "find(d, type='macadv', mac='$(lab_mac 1 2)')" >/dev/null; }
wait_for 10 gone200 || fail "h2 still has h1 vm2's route after VLAN 200's mapping went on h1"
wait_for 10 fdb_no_mac 2 "$(lab_mac 1 2)" || fail "h2 still has h1 vm2's MAC installed"
wait_for 10 not svd_flood 2 "$(lab_ip 1)" 200 || fail "h2 still floods VNI 200 toward h1"
svd_flood 2 "$(lab_ip 1)" 100 || fail "h2 lost its VNI 100 flood entry toward h1"
lab_ctl 1 show vnis --json | jpy "[v['vni'] for v in d] == [100]" >/dev/null ||
	fail "h1 still lists VNI 200: $(lab_ctl 1 show vnis --json)"

step "...and adding it back restores it"
ip netns exec "$(ns h1)" bridge vlan add dev vx100 vid 200 tunnel_info id 200
wait_for 10 vnis_ok 1 || fail "h1: VNI 200 did not come back: $(lab_ctl 1 show vnis --json)"
ip netns exec "$(ns h1-vm2)" ping -c 1 -W 1 "$(lab_vmip 2 2)" >/dev/null 2>&1 || true # relearn
wait_for 10 svd_fdb 2 "$(lab_mac 1 2)" 200 "$(lab_ip 1)" 200 || fail "h2: h1 vm2's MAC not installed again"
vm_ping 1 2 2 2 || fail "h1 vm2 cannot ping h2 vm2 after the mapping came back"

lab_pass
