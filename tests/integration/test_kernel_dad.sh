#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Duplicate address detection in a 3-hypervisor lab (scripts/lab.sh) with dad-max-moves = 3 in a
# 60 s window: h1's VM moves to h2, back to h1 and to h2 again (as test_kernel_mobility.sh moves
# it: a second veth on h2 in the VM's namespace, the address moved between them, a frame sent).
#   - the third move makes it duplicate on h2: `show macs --json` says so (moves 3, location local
#     on mv1), h2 logs it once at warning level and does not advertise it, so h1 and h3 keep h1's;
#   - `clear duplicate vni 100 MAC` on h2 recovers it: decided again, h2's route (sequence 3) goes
#     out and every FDB follows h2; show macs shows it no longer duplicate.
source "$(dirname "$0")/lib.sh"

require ip bridge ping python3
require_evpnd
t_init

step "a 3-hypervisor lab, dad-max-moves 3 in 60 s"
lab_up -n 3 --debug --extra-global 'dad-max-moves = 3' --extra-global 'dad-window = 60'
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
# mac_row I: hypervisor I's `show macs --json` row for the VM's MAC that is local, as JSON.
macs() { lab_ctl "$1" show macs vni 100 --json; }
is_dup() { macs "$1" | jpy "any(r['duplicate'] for r in find(d, mac='$M'))" >/dev/null; }

# the second interface, as test_kernel_mobility.sh: no ARP answers or IPv6 from the idle one
ip -n "$(ns h2)" link add mv1 type veth peer name eth1 netns "$VM"
ip netns exec "$VM" sysctl -qw net.ipv6.conf.eth1.disable_ipv6=1
ip netns exec "$VM" sysctl -qw net.ipv4.conf.all.arp_ignore=1
ip netns exec "$VM" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
ip -n "$VM" link set eth1 address "$M" mtu 1450
ip -n "$(ns h2)" link set mv1 master br100 up
ip -n "$VM" link set eth1 up
wait_for 5 link_up h2 mv1 || fail "h2's mv1 has no carrier"

# go FROM TO I: the VM's address moves from interface FROM to TO (on hypervisor I); a frame from it.
go() {
	ip -n "$VM" addr del "$VMIP/24" dev "$1"
	ip -n "$VM" neigh flush dev "$1"
	ip -n "$VM" addr add "$VMIP/24" dev "$2"
	ip netns exec "$VM" ping -c 1 -W 1 -I "$2" "$(lab_vmip 3)" >/dev/null 2>&1 || true
}

step "move 1: to h2 (sequence 1)"
go eth0 eth1
wait_for 5 seq_is 2 "$M" 1 || fail "h2 advertises $M with seq $(local_seq 2 "$M"), not 1"
wait_for 5 fdb_remote 1 "$M" "$H2" || fail "h1 did not follow $M to h2"
step "move 2: back to h1 (sequence 2)"
go eth1 eth0
wait_for 5 seq_is 1 "$M" 2 || fail "h1 advertises $M with seq $(local_seq 1 "$M"), not 2"
wait_for 5 fdb_remote 2 "$M" "$H1" || fail "h2 did not follow $M back to h1"
jr "$(macs 2)" "one(d, mac='$M')" "r['moves'] == 2 and not r['duplicate'] and r['vtep'] == '$H1'" \
	"h2's show macs after two moves"

step "move 3: to h2 again: duplicate on h2, not advertised"
go eth0 eth1
wait_for 5 is_dup 2 || fail "h2 does not show $M duplicate"
OUT=$(macs 2)
jr "$OUT" "one(d, mac='$M')" "r['duplicate'] and not r['frozen'] and r['moves'] == 3 and
	r['location'] == 'local' and r['port'] == 'mv1' and r['vtep'] is None and r['age'] is not None" \
	"h2's show macs row for the duplicate"
jcheck "$OUT" "all(set(r) == {'vni', 'mac', 'location', 'vtep', 'port', 'seq', 'sticky', 'duplicate',
	'frozen', 'moves', 'age'} for r in d)" "show macs --json fields"
lab_ctl 2 show macs | grep -E "^ *100 +$M +local mv1 .*duplicate" >/dev/null ||
	{ lab_ctl 2 show macs >&2; fail "h2's text show macs lacks the duplicate flag"; }
# h2's own RIB: marking the MAC duplicate and not advertising it are one decision, already made
# when show macs says duplicate (above)
[ "$(local_seq 2 "$M")" = none ] || fail "h2 advertises the duplicate $M"
for j in 1 3; do
	jr "$(lab_ctl "$j" show routes evpn --json)" "one(d, type='macadv', mac='$M', best=True)" \
		"r['nexthop'] == '$H1' and r['seq'] == 2" "h$j's best route for $M"
done
fdb_remote 3 "$M" "$H1" || fail "h3 no longer points $M to h1"
# another frame from the VM: no second log line
ip netns exec "$VM" ping -c 2 -i 0.2 -W 1 -I eth1 "$(lab_vmip 3)" >/dev/null 2>&1 || true
N=$(grep -c "warning VNI 100: duplicate MAC $M: 3 moves in 60 s, last from $H1 to local (br100)" \
	"$LAB_DIR/h2.log")
[ "$N" = 1 ] || fail "h2 logged the duplicate $N times, not once"

step "clear duplicate on h2: decided again, advertised with sequence 3"
lab_ctl 2 clear duplicate vni 100 "$M" --json | jpy "d['cleared'] == 1" >/dev/null ||
	fail "clear duplicate did not clear one MAC"
wait_for 5 seq_is 2 "$M" 3 || fail "h2 advertises $M with seq $(local_seq 2 "$M"), not 3"
for j in 1 3; do
	wait_for 5 fdb_remote "$j" "$M" "$H2" || fail "h$j did not follow $M to h2 after the clear"
done
jr "$(macs 2)" "one(d, mac='$M')" "not r['duplicate'] and r['moves'] == 0 and r['seq'] == 3" \
	"h2's show macs after the clear"
grep -q "duplicate MAC $M recovered" "$LAB_DIR/h2.log" || fail "h2 did not log the recovery"
lab_ctl 2 clear duplicate | grep "^0 duplicate" >/dev/null || fail "a second clear found something"
lab_pass
