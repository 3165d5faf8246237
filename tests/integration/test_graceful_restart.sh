#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Graceful restart (RFC 4724), evpnd on both sides: a VM-to-VM ping at 100 packets/s runs while
# evpnd is killed with SIGKILL and restarted, first on h1, then on h2, then stopped with SIGTERM
# and restarted on h1: not one packet may be lost (the kernel FDB stays as it is, the neighbor
# keeps the restarting one's routes as stale, and End-of-RIB sweeps only what is still stale).
# Then h1's evpnd is killed and left down: h2 keeps its routes and FDB entries for h1's
# restart time, then removes them.
source "$(dirname "$0")/lib.sh"

require ip bridge ping python3
require_evpnd
t_init

RT=8 # restart-time: short, so the last part does not wait two minutes
step "a 2-hypervisor lab, graceful restart on (the default), restart-time $RT"
lab_up -n 2 --debug --extra-global "restart-time = $RT"
lab_wait_mesh 30
vm_ping 1 1 2 1 || fail "h1's VM cannot ping h2's VM"
for i in 1 2; do
	j=$((3 - i))
	wait_for 10 fdb_remote "$i" "$(lab_mac "$j")" "$(lab_ip "$j")" || fail "h$i: h$j's VM MAC not installed"
	wait_for 10 fdb_flood "$i" "$(lab_ip "$j")" || fail "h$i: no flood entry toward h$j"
done

# nbr I FIELD: hypervisor I's only neighbor's FIELD in show neighbors --json
nbr() { lab_ctl "$1" show neighbors --json | jpy "d[0]['$2']"; }
restarting() { lab_ctl "$1" show neighbors --json | jpy "d[0]['restarting']" >/dev/null; }
converged() { # I: its neighbor is established, has sent End-of-RIB, and nothing is stale
	lab_ctl "$1" show neighbors --json |
		jpy "d[0]['state'] == 'established' and d[0]['stale_routes'] == 0 and 'evpn' in d[0]['eor_received']" >/dev/null
}

step "a flow of 100 packets/s from h1's VM to h2's VM"
PING_OUT=$T_DIR/ping.out
ip netns exec "$(ns h1-vm1)" ping -i 0.01 -W 1 "$(lab_vmip 2)" >"$PING_OUT" 2>&1 &
PING_PID=$!
T_PIDS+=("$PING_PID")
T_PIDNAME[$PING_PID]=ping
wait_for 5 grep -q "icmp_seq=" "$PING_OUT" || fail "the flow does not pass before the restarts: $(cat "$PING_OUT")"

restart() { # I SIG: kill hypervisor I's evpnd with SIG, restart it, wait for both to converge
	local i=$1 sig=$2 j=$((3 - $1))
	if [ "$sig" = KILL ]; then lab stop --kill "$i"; else lab stop "$i" || fail "h$i: unclean stop"; fi
	wait_for 5 restarting "$j" ||
		fail "h$j does not treat h$i's departure as a graceful restart: $(lab_ctl "$j" show neighbors --json)"
	[ "$(nbr "$j" stale_routes)" -gt 0 ] || fail "h$j keeps no stale routes of h$i"
	fdb_remote "$j" "$(lab_mac "$i")" "$(lab_ip "$i")" || fail "h$j removed h$i's VM MAC while h$i restarts"
	fdb_flood "$j" "$(lab_ip "$i")" || fail "h$j removed its flood entry toward h$i while h$i restarts"
	sleep 1 # a second down (a duration, not a wait for anything): the flow must cross it
	lab start "$i"
	wait_for 20 converged "$i" || fail "h$i did not converge after its restart"
	wait_for 20 converged "$j" || fail "h$j still holds stale routes of h$i after its End-of-RIB"
	fdb_remote "$j" "$(lab_mac "$i")" "$(lab_ip "$i")" || fail "h$j lost h$i's VM MAC"
	fdb_remote "$i" "$(lab_mac "$j")" "$(lab_ip "$j")" || fail "h$i lost h$j's VM MAC"
	log "h$i restarted after SIG$sig: h$j kept its routes, both converged"
	sleep 1 # a second of flow after the restart, within the loss count below
}
step "SIGKILL and restart h1's evpnd"
restart 1 KILL
step "SIGKILL and restart h2's evpnd"
restart 2 KILL
step "SIGTERM and restart h1's evpnd (a planned restart: sessions close without a NOTIFICATION)"
restart 1 TERM

kill -INT "$PING_PID"
wait "$PING_PID" 2>/dev/null || true
forget_pid "$PING_PID"
stats=$(grep -E 'packets transmitted' "$PING_OUT") || fail "no ping summary: $(tail -3 "$PING_OUT")"
tx=$(sed -E 's/^([0-9]+) packets transmitted.*/\1/' <<<"$stats")
rx=$(sed -E 's/.* ([0-9]+) received.*/\1/' <<<"$stats")
log "ping: $stats"
[ "$tx" -ge 500 ] || fail "the flow sent only $tx packets"
# Every echo request has its reply but, at most, the very last one: ping was interrupted while it
# may have been in flight. By sequence number, so that no loss in the middle hides behind it.
lost=$(python3 - "$PING_OUT" "$tx" <<'PY'
import re, sys
seen = {int(m.group(1)) for m in re.finditer(r"icmp_seq=(\d+) ", open(sys.argv[1]).read())}
tx = int(sys.argv[2])
print(" ".join(str(q) for q in range(1, tx) if q not in seen))
PY
) || fail "cannot read the ping output"
[ -z "$lost" ] || fail "echo requests lost across the restarts: icmp_seq $lost ($stats)"

step "h1's evpnd killed and left down: h2 keeps its routes for restart-time ($RT s), then removes them"
t0=$(date +%s.%N) # before the kill: h2's removal comes RT s after the kill, so >= t0 + RT
lab stop --kill 1
sleep 2
fdb_remote 2 "$(lab_mac 1)" "$(lab_ip 1)" || fail "h2 removed h1's VM MAC within 2 s (restart time $RT s)"
wait_for $((RT + 10)) fdb_no_mac 2 "$(lab_mac 1)" || fail "h2 still has h1's VM MAC $((RT + 12)) s after h1 went"
t1=$(date +%s.%N)
wait_for 5 not fdb_flood 2 "$(lab_ip 1)" || fail "h2 still floods toward h1 after its restart time"
took=$(python3 -c "print(round($t1 - $t0, 1))")
log "h1's routes removed from h2 after $took s (restart time $RT s)"
python3 -c "import sys; sys.exit(0 if $t1 - $t0 >= $RT - 0.5 else 1)" ||
	fail "h2 removed h1's routes after $took s, before h1's restart time ($RT s)"
[ "$(nbr 2 stale_routes)" = 0 ] || fail "h2 still counts stale routes"
lab start 1
lab_wait_mesh 30
wait_for 10 fdb_remote 2 "$(lab_mac 1)" "$(lab_ip 1)" || fail "h1's VM MAC did not come back on h2"
lab_pass
