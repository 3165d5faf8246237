#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# MAC mobility (RFC 7432 section 15) in a 3-hypervisor lab (scripts/lab.sh):
#   - live move: h1's VM gets a new veth on h2 (same MAC, same namespace) and sends a frame from it;
#     every hypervisor's FDB follows h2's VTEP within 100 ms of the frame (the measured time is
#     printed), h2 advertises it with sequence 1, h1 withdrew its route and its learned entry;
#   - the move back: sequence 2, every FDB follows h1 again;
#   - a static (sticky) MAC on h1 claimed by h2 with a higher sequence stays on h1 everywhere, and h1
#     logs the claim once.
source "$(dirname "$0")/lib.sh"

require ip bridge ping python3
require_evpnd
t_init

step "a 3-hypervisor lab"
lab_up -n 3 --debug
lab_wait_mesh 30
M=$(lab_mac 1) VMIP=$(lab_vmip 1) VM=$(ns h1-vm1)
H1=$(lab_ip 1) H2=$(lab_ip 2)
for j in 2 3; do
	wait_for 10 fdb_remote "$j" "$M" "$H1" || fail "h$j: h1's VM MAC not installed toward h1"
done

# local_seq I MAC: the sequence of hypervisor I's local route for MAC ("none" without a route).
local_seq() {
	lab_ctl "$1" show routes evpn --json 2>/dev/null |
		jpy "str((one(d, type='macadv', mac='$2', source='local') or {}).get('seq', 'none'))"
}
# seq_is I MAC N: local_seq is N now (a predicate for wait_for, evaluated on every try)
seq_is() { [ "$(local_seq "$1" "$2")" = "$3" ]; }

# moved_to I MAC: every hypervisor but I installs MAC toward I's VTEP; I has no entry on vx100.
moved_to() {
	local j
	for j in 1 2 3; do
		if [ "$j" = "$1" ]; then
			fdb_no_mac "$j" "$2" || return 1
		else
			fdb_remote "$j" "$2" "$(lab_ip "$1")" || return 1
		fi
	done
}

# watch_move TAG: one `bridge -timestamp monitor fdb` per hypervisor (blocking: no CPU while idle,
# and the kernel's event order and times, not a poller's).
watch_move() {
	local j
	for j in 1 2 3; do
		spawn_monitor "mon-$1-h$j" "h$j" bridge -timestamp monitor fdb
		WATCH[$j]=$SPAWNED_PID
	done
}

# move_ms TAG I MAC PORT: from the moment hypervisor I's bridge learned MAC on PORT (the frame), the
# milliseconds until the last FDB agreed: the others have MAC on vx100 toward I (self and master),
# I removed its own vx100 entry. Empty when one never did (waits up to 5 s).
move_ms() {
	local j
	for ((j = 0; j < 50; j++)); do
		move_calc "$@" >/dev/null && break
		sleep 0.1
	done
	for j in 1 2 3; do stop_pid "${WATCH[$j]}"; done
	move_calc "$@"
}
move_calc() {
	python3 - "$T_DIR" "$1" "$2" "$3" "$4" "$(lab_ip "$2")" <<'PY'
import sys, datetime
d, tag, tgt, mac, port, vtep = sys.argv[1:]
def events(j):
    ts, out = None, []
    for line in open(f"{d}/mon-{tag}-h{j}.log"):
        line = line.strip()
        if line.startswith("Timestamp:"):
            f = line.split()
            t = datetime.datetime.strptime(" ".join(f[1:6]), "%a %b %d %H:%M:%S %Y")
            ts = t.timestamp() * 1000 + int(f[6]) / 1000
        elif ts is not None:
            out.append((ts, line))
    return out
t0 = [t for t, l in events(tgt) if l.startswith(f"{mac} dev {port} master br100") ]
if not t0:
    sys.exit(1)
t0, last = t0[0], None
for j in "123":
    ev = [(t, l) for t, l in events(j) if t >= t0 - 1]
    if j == tgt:
        done = [t for t, l in ev if l.startswith(f"Deleted {mac} dev vx100 dst ") and " self" in l]
    else:
        s = [t for t, l in ev if l.startswith(f"{mac} dev vx100 dst {vtep} ") and " self" in l]
        m = [t for t, l in ev if l.startswith(f"{mac} dev vx100 ") and " master br100" in l and
             "extern_learn" in l and " dst " not in l]
        # the master half changes only where it pointed to a local port (h3's stays on vx100)
        done = [max(s[-1], m[-1] if m else 0)] if s else []
    if not done:
        sys.exit(1)
    last = max(last or 0, done[-1])
print(f"{last - t0:.2f}")
PY
}
declare -A WATCH

step "the VM moves to h2: a new veth in its namespace, the same MAC, a frame from it"
ip -n "$(ns h2)" link add mv1 type veth peer name eth1 netns "$VM"
ip netns exec "$VM" sysctl -qw net.ipv6.conf.eth1.disable_ipv6=1
# the old interface keeps the MAC but loses the address: it must not answer ARP for it (Linux
# answers on any interface by default), or h1 relearns the MAC and it moves back at once
ip netns exec "$VM" sysctl -qw net.ipv4.conf.all.arp_ignore=1
ip -n "$VM" link set eth1 address "$M" mtu 1450
ip -n "$(ns h2)" link set mv1 master br100 up
ip -n "$VM" addr del "$VMIP/24" dev eth0
ip netns exec "$VM" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1 # no MLD/ND from the old place
ip -n "$VM" neigh flush dev eth0 # no ARP probes either
ip -n "$VM" addr add "$VMIP/24" dev eth1
ip -n "$VM" link set eth1 up
wait_for 5 link_up h2 mv1 || fail "h2's mv1 has no carrier"
fdb_remote 1 "$M" "$H2" && fail "h1 pointed to h2 before the VM sent anything"
watch_move there
ip netns exec "$VM" ping -c 1 -W 1 -I eth1 "$(lab_vmip 3)" >/dev/null 2>&1 || true
MS=$(move_ms there 2 "$M" mv1) || fail "the FDBs did not follow the VM to h2 within 5 s"
moved_to 2 "$M" || fail "the FDBs do not all point to h2"
log "every FDB points to h2 ${MS} ms after the frame (a figure, not a test: speed is the bench's)"
wait_for 5 seq_is 2 "$M" 1 || fail "h2 advertises $M with seq $(local_seq 2 "$M"), not 1"
wait_for 5 seq_is 1 "$M" none || fail "h1 still advertises $M"
ip netns exec "$(ns h1)" bridge fdb show br br100 | grep -E "^$M dev vm1 " &&
	fail "h1 kept its learned entry for $M on vm1"
jr "$(lab_ctl 3 show routes evpn --json)" "one(d, type='macadv', mac='$M', best=True)" \
	"r['seq'] == 1 and r['nexthop'] == '$H2'" "h3's best route for $M"
vm_ping_ok() { ip netns exec "$VM" ping -c 1 -W 1 "$(lab_vmip "$1")" >/dev/null 2>&1; }
wait_for 5 vm_ping_ok 3 || fail "the moved VM cannot ping h3's VM"

step "...and back to h1: sequence 2"
ip -n "$VM" addr del "$VMIP/24" dev eth1
ip -n "$VM" neigh flush dev eth1
ip -n "$VM" addr add "$VMIP/24" dev eth0
watch_move back
ip netns exec "$VM" ping -c 1 -W 1 -I eth0 "$(lab_vmip 3)" >/dev/null 2>&1 || true
MS=$(move_ms back 1 "$M" vm1) || fail "the FDBs did not follow the VM back to h1 within 5 s"
moved_to 1 "$M" || fail "the FDBs do not all point to h1"
log "every FDB points to h1 ${MS} ms after the frame (a figure, not a test: speed is the bench's)"
wait_for 5 seq_is 1 "$M" 2 || fail "h1 advertises $M with seq $(local_seq 1 "$M"), not 2"
wait_for 5 seq_is 2 "$M" none || fail "h2 still advertises $M"
wait_for 5 vm_ping_ok 2 || fail "the VM, back on h1, cannot ping h2's VM"

step "a static MAC on h1, claimed by h2 with a higher sequence, stays on h1"
S=02:aa:00:00:00:51
ip netns exec "$(ns h1)" bridge fdb add $S dev vm1 master static
for j in 2 3; do
	wait_for 10 fdb_remote "$j" $S "$H1" || fail "h$j: static $S not installed toward h1"
done
lab_ctl 2 add macadv $S vni 100 seq 5 >/dev/null || fail "h2: add macadv $S seq 5"
# the claim must have reached h1 and h3 before "nothing moved" means anything
claim_seen() {
	lab_ctl "$1" show routes evpn --json |
		jpy "any(r.get('seq') == 5 for r in find(d, type='macadv', mac='$S', nexthop='$H2'))"
}
for j in 1 3; do
	wait_for 10 claim_seen "$j" || fail "h$j never received h2's claim on $S (seq 5)"
done
for j in 2 3; do
	fdb_remote "$j" $S "$H1" || fail "h$j: static $S moved away from h1 after h2's claim"
done
ip netns exec "$(ns h1)" bridge fdb show br br100 | grep -E "^$S dev vm1 .*static" >/dev/null ||
	fail "h1 lost its static entry for $S"
fdb_no_mac 1 $S || fail "h1 installed h2's claim on $S"
grep -q "static MAC $S claimed by $H2" "$LAB_DIR/h1.log" || fail "h1 did not log h2's claim on $S"
[ "$(grep -c "static MAC $S claimed" "$LAB_DIR/h1.log")" = 1 ] || fail "h1 logged the claim more than once"
lab_pass
