#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A hypervisor's evpnd dies (SIGKILL) and comes back, in a 3-hypervisor lab (scripts/lab.sh) with
# graceful restart off (test_graceful_restart.sh covers it on, the default):
#   - when the session drops (TCP closed by the kernel, or at the latest the hold time, 9 s) the
#     others remove its VM's MAC and their flood entry toward it;
#   - its own kernel FDB keeps working meanwhile (evpnd killed: nobody removes anything);
#   - restarted, it re-advertises (its MAC and flood entry are back on the others), removes an
#     extern_learn entry that no route justifies (planted while it was down), and does not disturb
#     its correct entries: `bridge monitor fdb` across the restart shows none of them deleted.
source "$(dirname "$0")/lib.sh"

require ip bridge ping python3
require_evpnd
t_init

step "a converged 3-hypervisor lab, graceful-restart = no"
lab_up -n 3 --debug --extra-global 'graceful-restart = no'
lab_wait_mesh 30
for i in 1 2 3; do
	for j in 1 2 3; do
		[ "$i" = "$j" ] && continue
		wait_for 15 fdb_flood "$i" "$(lab_ip "$j")" || fail "h$i: no flood entry toward h$j"
		vm_ping "$i" 1 "$j" 1 || fail "VM on h$i cannot ping the VM on h$j"
	done
done
for i in 1 2 3; do
	for j in 1 2 3; do
		[ "$i" = "$j" ] && continue
		wait_for 10 fdb_remote "$i" "$(lab_mac "$j")" "$(lab_ip "$j")" || fail "h$i: h$j's VM MAC not installed"
	done
done

# Watch h3's FDB across the kill and the restart: a correct entry must never be deleted.
spawn_monitor mon3 h3 bridge -timestamp monitor fdb

step "SIGKILL h3's evpnd"
lab stop --kill 3
H3=$(lab_ip 3)
STALE=02:bb:00:00:00:99
# An entry evpnd owns (extern_learn on its VXLAN device) that no route will justify after restart.
ip netns exec "$(ns h3)" bridge fdb add $STALE dev vx100 dst "$(lab_ip 1)" self master extern_learn
for i in 1 2; do
	wait_for 25 fdb_no_mac "$i" "$(lab_mac 3)" || fail "h$i: h3's VM MAC still installed 25 s after h3's evpnd died"
	wait_for 5 not fdb_flood "$i" "$H3" || fail "h$i: flood entry toward h3 still there after its evpnd died"
done
log "h1 and h2 removed h3's MAC and flood entry after the hold time"
for j in 1 2; do
	fdb_remote 3 "$(lab_mac "$j")" "$(lab_ip "$j")" || fail "h3 lost h$j's VM MAC while its evpnd was down"
	fdb_flood 3 "$(lab_ip "$j")" || fail "h3 lost its flood entry toward h$j while its evpnd was down"
done
# (No ping now: h1 and h2 have, rightly, no path back to h3's VM.)

step "restart h3's evpnd"
lab start 3
lab_wait_mesh 30
for i in 1 2; do
	wait_for 15 fdb_remote "$i" "$(lab_mac 3)" "$H3" || fail "h$i: h3's VM MAC not back after the restart"
	wait_for 5 fdb_flood "$i" "$H3" || fail "h$i: flood entry toward h3 not back after the restart"
done
wait_for 30 fdb_no_mac 3 $STALE ||
	fail "h3: the unjustified extern_learn entry $STALE was not removed after convergence"
for j in 1 2; do
	fdb_remote 3 "$(lab_mac "$j")" "$(lab_ip "$j")" || fail "h3: h$j's VM MAC is not installed after the restart"
	fdb_flood 3 "$(lab_ip "$j")" || fail "h3: flood entry toward h$j missing after the restart"
done

step "no correct entry of h3 was deleted across the restart"
M=$T_DIR/mon3.log
grep -q "$STALE" "$M" || fail "bridge monitor fdb saw nothing (not even $STALE): the check would prove nothing"
for j in 1 2; do
	if grep -E "^Deleted ($(lab_mac "$j") |00:00:00:00:00:00 dev vx100 dst $(lab_ip "$j") )" "$M"; then
		fail "h3's correct entry for h$j was deleted across the restart (bridge monitor above)"
	fi
done
log "h3's monitor: $(grep -c . "$M") events, none deleting a correct entry"
vm_ping 3 1 1 1 && vm_ping 3 1 2 1 || fail "h3's VM cannot ping after the restart"
lab_pass
