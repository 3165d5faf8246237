#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A VXLAN device deleted and re-created at runtime (two hypervisors, scripts/lab.sh):
#   - deleted on h2: h2's routes for VNI 100 (its VM's MAC, its flood-list route) are withdrawn, and
#     h1 removes the matching FDB entries;
#   - re-created (same VNI, enslaved to the same bridge): the routes come back without new traffic,
#     h1 re-installs them, and h2 re-installs h1's MAC and flood entry on the new device; VMs ping.
source "$(dirname "$0")/lib.sh"

require ip bridge ping python3
require_evpnd
t_init

step "a converged 2-hypervisor lab"
lab_up -n 2 --debug
lab_wait_mesh 30
H1=$(lab_ip 1) H2=$(lab_ip 2)
wait_for 15 fdb_flood 1 "$H2" || fail "h1: no flood entry toward h2"
wait_for 15 fdb_flood 2 "$H1" || fail "h2: no flood entry toward h1"
vm_ping 1 1 2 1 || fail "VM on h1 cannot ping the VM on h2"
wait_for 10 fdb_remote 1 "$(lab_mac 2)" "$H2" || fail "h1: h2's VM MAC not installed"
wait_for 10 fdb_remote 2 "$(lab_mac 1)" "$H1" || fail "h2: h1's VM MAC not installed"

step "delete h2's vx100"
ip -n "$(ns h2)" link del vx100
wait_for 10 fdb_no_mac 1 "$(lab_mac 2)" || fail "h1: h2's VM MAC still installed after h2's VXLAN device went"
wait_for 5 not fdb_flood 1 "$H2" || fail "h1: flood entry toward h2 still there after h2's VXLAN device went"
evpnd_h1_has_h2() { lab_ctl 1 show routes evpn --json 2>/dev/null | jpy "len(find(d, nexthop='$H2')) > 0" >/dev/null; }
wait_for 5 not evpnd_h1_has_h2 || fail "h1 still holds routes with next hop h2"
jcheck "$(lab_ctl 2 show routes evpn --json)" "not find(d, source='local', vni=100)" \
	"h2 still originates VNI 100 routes without its VXLAN device"

step "re-create it"
ip -n "$(ns h2)" link add vx100 type vxlan id 100 local "$H2" dstport 4789 nolearning
ip -n "$(ns h2)" link set vx100 master br100
ip netns exec "$(ns h2)" bridge link set dev vx100 learning off
ip -n "$(ns h2)" link set vx100 up
wait_for 10 fdb_flood 1 "$H2" || fail "h1: flood entry toward h2 not back"
wait_for 10 fdb_remote 1 "$(lab_mac 2)" "$H2" ||
	fail "h1: h2's VM MAC (still in h2's bridge) not re-advertised when the device came back"
wait_for 10 fdb_flood 2 "$H1" || fail "h2: flood entry toward h1 not re-installed on the new vx100"
wait_for 10 fdb_remote 2 "$(lab_mac 1)" "$H1" || fail "h2: h1's VM MAC not re-installed on the new vx100"
vm_ping 1 1 2 1 && vm_ping 2 1 1 1 || fail "VMs cannot ping after the re-creation"
lab_pass
