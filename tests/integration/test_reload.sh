#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Reload (SIGHUP and `evpnctl reload`) in a 3-hypervisor lab (scripts/lab.sh), evpnd never exiting:
#   - a neighbor removed from h1's file: Cease/Peer De-configured to it, its routes and FDB entries
#     gone from h1, the h1-h2 session untouched (same flap count, uptime still growing);
#   - the neighbor added back: its session comes up and its entries come back;
#   - h1's export route targets, then its RD, changed: h2 sees the new RT, then the new RD with the
#     old-RD route withdrawn, and `bridge monitor fdb` on h2 shows h1's entries never deleted;
#   - h2's import set changed: h3's routes (no longer imported) leave h2's FDB, h1's stay untouched;
#   - a bad file (unknown key) and a change that needs a restart (router-id): rejected with
#     FILE:LINE / the key in the log and in evpnctl's error, and everything runs as before.
source "$(dirname "$0")/lib.sh"

require ip bridge python3
require_evpnd
t_init

# nbr I ADDR EXPR: EXPR (Python, n = hypervisor I's neighbor ADDR, None if absent) is true.
nbr() {
	lab_ctl "$1" show neighbors --json 2>/dev/null | jpy "(lambda n: $3)(one(d, address='$2'))" >/dev/null
}
# nbr_field I ADDR FIELD: print one field of hypervisor I's neighbor ADDR.
nbr_field() {
	lab_ctl "$1" show neighbors --json | jpy "one(d, address='$2')['$3']" || true
}
# route_has I EXPR: some route r of hypervisor I's RIB satisfies EXPR.
route_has() {
	lab_ctl "$1" show routes --json 2>/dev/null | jpy "any(($2) for r in d)" >/dev/null
}
# conf_set I TEXT: hypervisor I's file becomes the lab's original plus TEXT.
conf_set() {
	cp "$LAB_DIR/h$1.conf.orig" "$LAB_DIR/h$1.conf"
	printf '%s\n' "$2" >>"$LAB_DIR/h$1.conf"
}
hup() { kill -HUP "$(cat "$LAB_DIR/h$1.pid")"; }
alive_all() {
	local i
	for i in 1 2 3; do
		kill -0 "$(cat "$LAB_DIR/h$i.pid")" 2>/dev/null || fail "h$i's evpnd exited"
	done
}
log_has() { grep -E "$2" "$LAB_DIR/h$1.log" >/dev/null; }

step "a converged 3-hypervisor lab"
lab_up -n 3 --debug
H1=$(lab_ip 1) H2=$(lab_ip 2) H3=$(lab_ip 3)
M1=$(lab_mac 1) M3=$(lab_mac 3)
lab_wait_mesh 30
for i in 1 2 3; do
	cp "$LAB_DIR/h$i.conf" "$LAB_DIR/h$i.conf.orig"
	for j in 1 2 3; do
		[ "$i" = "$j" ] && continue
		wait_for 15 fdb_remote "$i" "$(lab_mac "$j")" "$(lab_ip "$j")" || fail "h$i: h$j's VM MAC not installed"
		wait_for 5 fdb_flood "$i" "$(lab_ip "$j")" || fail "h$i: no flood entry toward h$j"
	done
done
# h2's FDB across every reload of h1 (and h2's own import change at the end)
spawn_monitor mon2 h2 bridge -timestamp monitor fdb
FLAPS12=$(nbr_field 1 "$H2" flaps)
[ -n "$FLAPS12" ] || fail "no flap count for h1's neighbor h2"

step "h1: neighbor h3 removed (SIGHUP)"
# the [neighbor h3] section is the last of h1's file (lab.sh writes them in order)
python3 - "$LAB_DIR/h1.conf" "$H3" <<'EOF'
import sys
p, a = sys.argv[1], sys.argv[2]
s = open(p).read()
open(p, "w").write(s[:s.index("[neighbor %s]" % a)])
EOF
grep -F "[neighbor $H3]" "$LAB_DIR/h1.conf" >/dev/null && fail "test bug: h3 still in h1.conf"
hup 1
wait_for 10 nbr 1 "$H3" "n is None" || fail "h1 still shows neighbor h3 after the reload"
wait_for 10 nbr 3 "$H1" "n and n['state'] != 'established' and 'Peer De-configured' in (n['last_error'] or '')" ||
	fail "h3 did not get Cease/Peer De-configured from h1"
wait_for 10 fdb_no_mac 1 "$M3" || fail "h1 kept h3's VM MAC after removing neighbor h3"
wait_for 5 not fdb_flood 1 "$H3" || fail "h1 kept its flood entry toward h3 after removing neighbor h3"
fdb_remote 1 "$M1" "$H1" 2>/dev/null && fail "test bug: h1 has its own MAC as remote"
fdb_remote 1 "$(lab_mac 2)" "$H2" || fail "h1 lost h2's VM MAC when removing neighbor h3"
nbr 1 "$H2" "n['state'] == 'established' and n['flaps'] == $FLAPS12" ||
	fail "h1's session with h2 was reset by the reload (flaps before: $FLAPS12)"
log_has 1 "reload: .*applied: 0 neighbors added, 1 removed" || fail "h1's log has no reload summary"

step "h1: neighbor h3 added back (evpnctl reload)"
UP12=$(nbr_field 1 "$H2" uptime)
cp "$LAB_DIR/h1.conf.orig" "$LAB_DIR/h1.conf"
out=$(lab_ctl 1 reload 2>&1) || fail "evpnctl reload failed: $out"
grep -F "1 neighbor added" <<<"$out" >/dev/null || fail "evpnctl reload said: $out"
wait_for 20 nbr 1 "$H3" "n and n['state'] == 'established'" || fail "h1: the re-added neighbor h3 did not come up"
wait_for 10 fdb_remote 1 "$M3" "$H3" || fail "h1: h3's VM MAC not back after re-adding neighbor h3"
wait_for 5 fdb_flood 1 "$H3" || fail "h1: flood entry toward h3 not back"
nbr 1 "$H2" "n['state'] == 'established' and n['flaps'] == $FLAPS12 and n['uptime'] >= $UP12" ||
	fail "h1's session with h2 was reset by the second reload"
vm_ping 1 1 3 1 || fail "VM on h1 cannot ping the VM on h3 after the reload"

step "h1: export route targets changed (64512:4242 added)"
conf_set 1 $'\n[vni 100]\nexport-rt = auto 64512:4242'
hup 1
wait_for 10 route_has 2 "r['source'] == '$H1' and r['type'] == 'macadv' and r['mac'] == '$M1' and '64512:4242' in r['route_targets']" ||
	fail "h2 did not get h1's MAC route with the new route target"
wait_for 10 route_has 2 "r['source'] == '$H1' and r['type'] == 'multicast' and '64512:4242' in r['route_targets']" ||
	fail "h2 did not get h1's type-3 route with the new route target"
fdb_remote 2 "$M1" "$H1" || fail "h2 lost h1's VM MAC after h1's route target change"

step "h1: RD changed (10.99.0.1:4242)"
conf_set 1 $'\n[vni 100]\nexport-rt = auto 64512:4242\nrd = 10.99.0.1:4242'
hup 1
wait_for 10 route_has 2 "r['source'] == '$H1' and r['type'] == 'macadv' and r['rd'] == '10.99.0.1:4242'" ||
	fail "h2 did not get h1's MAC route with the new RD"
wait_for 10 not route_has 2 "r['source'] == '$H1' and r['rd'] == '10.99.0.1:100'" ||
	fail "h1's routes with the old RD were not withdrawn"
route_has 1 "r['source'] == 'local' and r['rd'] == '10.99.0.1:100'" && fail "h1 still has local routes with the old RD"
wait_for 5 log_has 1 "reload: [1-9][0-9]* routes? with a previous RD withdrawn" || fail "h1 did not log the old-RD sweep"
fdb_remote 2 "$M1" "$H1" && fdb_flood 2 "$H1" || fail "h2 lost h1's entries after h1's RD change"
vm_ping 2 1 1 1 || fail "VM on h2 cannot ping the VM on h1 after h1's RD change"

step "h2: import set changed (64512:4242 only): h3's routes leave h2's FDB, h1's stay"
conf_set 2 $'\n[vni 100]\nimport-rt = 64512:4242'
hup 2
wait_for 10 fdb_no_mac 2 "$M3" || fail "h2 still has h3's MAC, which no longer matches its import set"
wait_for 5 not fdb_flood 2 "$H3" || fail "h2 still floods to h3, whose type-3 route it no longer imports"
fdb_remote 2 "$M1" "$H1" && fdb_flood 2 "$H1" || fail "h2 lost h1's entries, which still match its import set"

step "a bad file and a change that needs a restart: rejected, nothing changes"
FLAPS21=$(nbr_field 2 "$H1" flaps)
conf_set 2 $'\n[vni 100]\nimport-rt = 64512:4242\nbogus-key = 1'
BADLINE=$(grep -n '^bogus-key' "$LAB_DIR/h2.conf" | cut -d: -f1)
hup 2
wait_for 5 log_has 2 "reload: $LAB_DIR/h2.conf:$BADLINE: .*bogus-key.*running configuration stays" ||
	fail "h2 did not log the bad key with FILE:LINE"
out=$(lab_ctl 2 reload 2>&1) && fail "evpnctl reload accepted a bad file: $out"
grep -F "h2.conf:$BADLINE" <<<"$out" >/dev/null || fail "evpnctl reload's error has no FILE:LINE: $out"
sed -i "s/^router-id = .*/router-id = 10.99.0.222/; /^bogus-key/d" "$LAB_DIR/h2.conf"
out=$(lab_ctl 2 reload 2>&1) && fail "evpnctl reload accepted a router-id change: $out"
grep -F "router-id changed: needs a restart" <<<"$out" >/dev/null || fail "evpnctl reload said: $out"
# (a refused reload is answered after it was refused: nothing of it is left to happen)
alive_all
lab_established 2 || fail "h2's sessions are not all established after the rejected reloads"
nbr 2 "$H1" "n['flaps'] == $FLAPS21" || fail "a rejected reload reset h2's session with h1"
fdb_no_mac 2 "$M3" || fail "a rejected reload changed h2's import set"
fdb_remote 2 "$M1" "$H1" || fail "h2 lost h1's MAC across the rejected reloads"

step "h2: back to the original file: h3's entries return"
cp "$LAB_DIR/h2.conf.orig" "$LAB_DIR/h2.conf"
hup 2
wait_for 10 fdb_remote 2 "$M3" "$H3" || fail "h2: h3's MAC not back with the original import set"
wait_for 5 fdb_flood 2 "$H3" || fail "h2: flood entry toward h3 not back"

step "h2's FDB never lost h1's entries across all of it"
M=$T_DIR/mon2.log
grep -E "^(\[[^]]*\])?Deleted $M3 " "$M" >/dev/null ||
	{ cat "$M" >&2; fail "bridge monitor saw no deletion of h3's MAC: the check would prove nothing"; }
if grep -E "Deleted ($M1 |00:00:00:00:00:00 dev vx100 dst $H1 )" "$M"; then
	fail "h2's entry toward h1 was deleted during h1's reloads (bridge monitor above)"
fi
log "h2's monitor: $(grep -c . "$M") events, none deleting an entry toward h1"
alive_all
for i in 1 2 3; do
	log_has "$i" "received SIGHUP|reload:" || [ "$i" = 3 ] || fail "h$i logged no reload"
done
lab_pass
