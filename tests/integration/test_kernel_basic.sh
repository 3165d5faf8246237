#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Two hypervisors (namespaces h1, h2), each a bridge br100 with a VXLAN device vx100 (nolearning)
# and a VM port, evpnd on each in an iBGP session. Checks the whole loop once: the type-3 routes
# give flood entries; a static MAC added to h1's bridge is an extern_learn entry pointing at h1's
# VTEP on h2 (and in h2's bridge); deleting it removes it; `show vnis` reports the VNI; and a
# restart of h2's evpnd does not delete the entries that are right.
source "$(dirname "$0")/lib.sh"
require ip bridge python3
require_evpnd
t_init

ns_add h1
ns_add h2
ns_link h1 10.88.0.1/24 h2 10.88.0.2/24 # veth0 in both

for i in 1 2; do
	n=$(ns h$i)
	ip -n "$n" link add br100 type bridge
	ip -n "$n" link add vx100 type vxlan id 100 local 10.88.0.$i dstport 4789 nolearning
	ip -n "$n" link set vx100 master br100
	ip -n "$n" link add vmp type veth peer name vmq
	ip -n "$n" link set vmp master br100
	for d in vmp vmq vx100 br100; do ip -n "$n" link set "$d" up; done
	evpnd_conf "$T_DIR/h$i.conf" "h$i" 64512 "10.88.0.$i"
	evpnd_neighbor "$T_DIR/h$i.conf" "10.88.0.$((3 - i))" 64512
done
T_DIAG+=("ip netns exec $(ns h1) bridge fdb show dev vx100" "ip netns exec $(ns h2) bridge fdb show dev vx100")

step "start evpnd on both"
evpnd_start h1 h1 "$T_DIR/h1.conf"
evpnd_start h2 h2 "$T_DIR/h2.conf"
wait_for 20 evpnd_established h1 10.88.0.2 || fail "session h1-h2 not established"

fdb() { ip netns exec "$(ns "$1")" bridge fdb show dev vx100; }
# grep without -q reads to the end: an early exit would SIGPIPE bridge and fail the pipeline
has() { fdb "$1" | grep -E "$2" >/dev/null; }

step "flood entries from the type-3 routes"
wait_for 5 has h2 '^00:00:00:00:00:00 dst 10\.88\.0\.1 self permanent' || fail "no flood entry for h1 on h2"
wait_for 5 has h1 '^00:00:00:00:00:00 dst 10\.88\.0\.2 self permanent' || fail "no flood entry for h2 on h1"

step "a static MAC on h1's bridge appears on h2"
MAC=02:00:00:aa:00:01
ip netns exec "$(ns h1)" bridge fdb add $MAC dev vmp master static
wait_for 5 has h2 "^$MAC dst 10\.88\.0\.1 self extern_learn" || fail "$MAC not installed on h2"
has h2 "^$MAC extern_learn master br100" || fail "$MAC has no bridge entry on h2"
ctl h1 show vnis --json | jpy 'one(d, vni=100)["local_macs"] >= 1 and one(d, vni=100)["state"] == "up"' >/dev/null ||
	fail "h1 show vnis: $(ctl h1 show vnis --json)"
ctl h2 show vnis --json | jpy 'one(d, vni=100)["remote_macs"] >= 1 and one(d, vni=100)["flood"] == ["10.88.0.1"]' >/dev/null ||
	fail "h2 show vnis: $(ctl h2 show vnis --json)"
evpnd_routes_check h2 evpn "[r for r in d if r.get('mac') == '$MAC' and r.get('sticky')]" ||
	log "note: the route of a static MAC is not shown sticky in show routes"

step "restart h2's evpnd: the right entries are left alone"
spawn_monitor monitor h2 bridge monitor fdb
MON="$T_DIR/monitor.log" MONPID=$SPAWNED_PID
stop_pid "${T_EVPND_PID[h2]}"
# the control: an entry evpnd owns that no route justifies, removed once h2 has reconciled; its
# deletion in the monitor shows the monitor would have seen a correct entry's
STALE=02:bb:00:00:00:99
ip netns exec "$(ns h2)" bridge fdb add $STALE dev vx100 dst 10.88.0.1 self extern_learn
# passive: h1 sits in Idle between retries and refuses connections there (peer.c), so h2 waits for
# h1's next retry (backoff 2, 4, 8 s) instead of knocking in step with it; the timeout covers that
sed -e 's/^connect-retry = 1$/&\nconverge-timeout = 40/' -e 's/^families = .*/&\npassive = yes/' \
	"$T_DIR/h2.conf" >"$T_DIR/h2b.conf"
evpnd_start h2 h2 "$T_DIR/h2b.conf"
wait_for 40 evpnd_established h2 10.88.0.1 || fail "session h2-h1 not re-established"
wait_for 5 bash -c "grep -q 'initial convergence' '$T_DIR/h2.log'" || fail "h2 did not converge"
wait_for 10 grep -q "^Deleted $STALE " "$MON" || fail "the monitor did not see the unjustified $STALE deleted"
stop_pid "$MONPID"
if grep -E "^Deleted .*($MAC|00:00:00:00:00:00 dst 10\.88\.0\.1)" "$MON"; then
	fail "the restart deleted a correct entry"
fi
has h2 "^$MAC dst 10\.88\.0\.1 self extern_learn" || fail "$MAC gone from h2 after the restart"

step "h2's VXLAN device deleted and re-created: the remote MAC comes back"
ip -n "$(ns h2)" link del vx100
ip -n "$(ns h2)" link add vx100 type vxlan id 100 local 10.88.0.2 dstport 4789 nolearning
ip -n "$(ns h2)" link set vx100 master br100
ip -n "$(ns h2)" link set vx100 up
wait_for 5 has h2 "^$MAC dst 10\.88\.0\.1 self extern_learn" || fail "$MAC not back on the new vx100"
wait_for 5 has h2 '^00:00:00:00:00:00 dst 10\.88\.0\.1 self permanent' || fail "flood entry not back"
ctl h2 show vnis | grep -E '^ *100 +vx100 +br100 +10\.88\.0\.2 ' >/dev/null || fail "show vnis: $(ctl h2 show vnis)"

step "deleting the MAC on h1 removes it from h2"
ip netns exec "$(ns h1)" bridge fdb del $MAC dev vmp master
wait_for 5 not has h2 "^$MAC " || fail "$MAC still on h2 after its deletion on h1"

step "a learned MAC: traffic from the VM port"
ip -n "$(ns h1)" addr add 192.168.100.1/24 dev vmq
ip -n "$(ns h2)" addr add 192.168.100.2/24 dev vmq
VMQ1=$(ip -n "$(ns h1)" -br link show vmq | awk '{ print $3 }')
ip netns exec "$(ns h1)" ping -c 1 -W 1 192.168.100.2 >/dev/null 2>&1 || true
wait_for 5 has h2 "^$VMQ1 dst 10\.88\.0\.1 self extern_learn" || fail "learned $VMQ1 not installed on h2"
wait_for 5 ip netns exec "$(ns h1)" ping -c 1 -W 1 192.168.100.2 || fail "no ping across the VXLAN"

pass
