#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A hypervisor whose BGP speaker is gobgpd (routes added by hand, as operators do with GoBGP) among
# two evpnd hypervisors (scripts/lab.sh --skip 3): gobgpd's type-2 routes become extern_learn
# entries toward its VTEP on both evpnd hypervisors, its type-3 route with PMSI a flood entry;
# withdrawing them removes them; VMs ping across (h3's kernel FDB is set by hand).
source "$(dirname "$0")/lib.sh"

require gobgpd gobgp ip bridge ping python3
require_evpnd
t_init

step "h1, h2 with evpnd; h3 with gobgpd"
lab_gobgp_h3
for j in 1 2; do
	ip netns exec "$(ns h3)" bridge fdb append 00:00:00:00:00:00 dev vx100 dst "$(lab_ip "$j")" self permanent
done

M3=$(lab_mac 3)
step "gobgpd advertises h3's VM MAC and its flood-list route (PMSI ingress replication)"
mac_args=(macadv "$M3" 0.0.0.0 etag 0 label 100 rd "$H3:100" rt 64512:100 encap vxlan -a evpn)
mc_args=(multicast "$H3" etag 0 rd "$H3:100" rt 64512:100 encap vxlan pmsi ingress-repl 100 "$H3" -a evpn)
gobgp_cli g global rib add "${mac_args[@]}" || fail "gobgp rib add macadv"
gobgp_cli g global rib add "${mc_args[@]}" || fail "gobgp rib add multicast"
for i in 1 2; do
	wait_for 10 fdb_remote "$i" "$M3" "$H3" || fail "h$i: gobgpd's $M3 not installed as dst $H3 extern_learn"
	wait_for 10 fdb_flood "$i" "$H3" || fail "h$i: no flood entry toward gobgpd's VTEP $H3"
done

step "VMs on the evpnd hypervisors reach the VM behind gobgpd"
vm_ping 1 1 3 1 || fail "VM on h1 cannot ping the VM on h3"
vm_ping 2 1 3 1 || fail "VM on h2 cannot ping the VM on h3"
wait_for 10 gobgp_evpn_check g "find(r, type='macadv', mac='$(lab_mac 1)', nexthop='$H1')" ||
	fail "gobgpd did not receive h1's VM MAC with next hop $H1"

step "gobgpd withdraws them"
gobgp_cli g global rib del "${mac_args[@]}" || fail "gobgp rib del macadv"
gobgp_cli g global rib del "${mc_args[@]}" || fail "gobgp rib del multicast"
for i in 1 2; do
	wait_for 10 fdb_no_mac "$i" "$M3" || fail "h$i: $M3 still installed after gobgpd withdrew it"
	wait_for 10 not fdb_flood "$i" "$H3" || fail "h$i: flood entry toward $H3 still there after the withdraw"
	fdb_flood "$i" "$(lab_ip $((3 - i)))" || fail "h$i lost its flood entry toward the other evpnd"
done
lab_pass
