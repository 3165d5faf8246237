#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Three hypervisors (scripts/lab.sh), a full iBGP mesh of evpnd, VXLAN devices with `nolearning` and
# learning off on their bridge ports: evpnd alone makes VMs reach each other.
#   - every evpnd installs a flood entry (00:00:00:00:00:00 dst VTEP) for each other VTEP;
#   - VM-to-VM ping across every pair of hypervisors;
#   - every remote VM MAC is on each VXLAN device as `dst <its VTEP> self extern_learn`, and in the
#     bridge as `extern_learn master br100`; no hypervisor installs its own VM's MAC;
#   - a static MAC added on one hypervisor's bridge port appears on all others, and goes when deleted.
# MESH_IPV6=1 (test_kernel_mesh6.sh): the same over an IPv6 underlay.
source "$(dirname "$0")/lib.sh"

require ip bridge ping python3
require_evpnd
t_init

lab_args=(-n 3 --debug)
[ "${MESH_IPV6:-0}" = 1 ] && lab_args+=(--ipv6)
step "a 3-hypervisor lab: ${lab_args[*]}"
lab_up "${lab_args[@]}"
lab_wait_mesh 30
log "every session established"

step "flood entries toward every other VTEP"
for i in 1 2 3; do
	for j in 1 2 3; do
		[ "$i" = "$j" ] && continue
		wait_for 15 fdb_flood "$i" "$(lab_ip "$j")" ||
			fail "h$i: no flood entry toward h$j ($(lab_ip "$j")) on vx100"
	done
	fdb_flood "$i" "$(lab_ip "$i")" && fail "h$i floods toward itself"
done

step "VM-to-VM ping across every pair of hypervisors"
for i in 1 2 3; do
	for j in 1 2 3; do
		[ "$i" = "$j" ] && continue
		vm_ping "$i" 1 "$j" 1 || fail "VM on h$i cannot ping the VM on h$j ($(lab_vmip "$j"))"
	done
done

step "every remote VM MAC in each VXLAN FDB, extern_learn, toward the right VTEP"
for i in 1 2 3; do
	for j in 1 2 3; do
		[ "$i" = "$j" ] && continue
		wait_for 10 fdb_remote "$i" "$(lab_mac "$j")" "$(lab_ip "$j")" ||
			fail "h$i: $(lab_mac "$j") is not on vx100 as dst $(lab_ip "$j") extern_learn (self and master)"
	done
	fdb_no_mac "$i" "$(lab_mac "$i")" || fail "h$i installed its own VM's MAC on vx100"
done
# The routes behind them: h1 holds h2's VM MAC as a type-2 route from h2, next hop h2's VTEP.
jr "$(lab_ctl 1 show routes evpn --json)" "one(d, type='macadv', mac='$(lab_mac 2)')" \
	"r['nexthop'] == '$(lab_ip 2)' and r['vni'] == 100" "h1's route for h2's VM MAC"

step "the unicast path: ping again now that every MAC is known"
for i in 1 2 3; do
	for j in 1 2 3; do
		[ "$i" = "$j" ] && continue
		vm_ping "$i" 1 "$j" 1 || fail "VM on h$i cannot ping the VM on h$j after the MACs are installed"
	done
done

step "a MAC added on h2's bridge port (static) appears on h1 and h3"
M=02:aa:00:00:00:42
ip netns exec "$(ns h2)" bridge fdb add $M dev vm1 master static
for i in 1 3; do
	wait_for 10 fdb_remote "$i" $M "$(lab_ip 2)" || fail "h$i: $M (static on h2) not installed toward h2"
done
fdb_no_mac 2 $M || fail "h2 installed its own static MAC on vx100"
ip netns exec "$(ns h1)" bridge fdb show dev vx100 | grep -E "^$M .*sticky" >/dev/null ||
	log "note: $M (static on h2) is not sticky on h1"

step "...and disappears from them when deleted"
ip netns exec "$(ns h2)" bridge fdb del $M dev vm1 master static
for i in 1 3; do
	wait_for 10 fdb_no_mac "$i" $M || fail "h$i: $M still on vx100 after its deletion on h2"
done
# The VM MACs are untouched by that.
for i in 1 3; do
	fdb_remote "$i" "$(lab_mac 2)" "$(lab_ip 2)" || fail "h$i lost h2's VM MAC"
done

if lab_ctl 1 show vnis --json >/dev/null 2>&1; then
	log "h1's VNIs: $(lab_ctl 1 show vnis --json)"
fi
lab_pass
