#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `evpnctl audit` reads the kernel in the background, and its answer holds under concurrent changes
# (two hypervisors; h2 with fdb-dump-limit = 1000 so that N = 30,000 remote MACs are past it):
#   - a plain audit past the limit reads only what evpnd owns (each bridge port's entries, a GET
#     for each half of every remote MAC): clean, "scope": "owned", every half read; it still finds
#     a bridge half deleted behind evpnd's back (remote-no-master) and, by its scope, not an entry
#     someone else put on vx100, which `audit force` (a whole dump) finds;
#   - `audit force` while FOREIGN entries that are not evpnd's are deleted from h2's vx100 one
#     after the other: whenever the read ends, what it reports is a state the kernel was in (the
#     events during the read settle what the dump reported before it changed, and the read ends
#     once the events queued until its last reply are in); after the deletes, no drift;
#   - every audit left h2's sessions up.
source "$(dirname "$0")/lib.sh"

require ip bridge python3 awk
require_evpnd
t_init

N=${AUDIT_READ_N:-30000}
FOREIGN=${AUDIT_READ_FOREIGN:-3000}
A=1 B=2

step "two hypervisors; h$A's VM port gets $N static MACs; h$B (fdb-dump-limit = 1000) installs them"
lab_up -n 2 --extra-global-on $B 'fdb-dump-limit = 1000'
lab_wait_mesh 30
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++)
	printf "fdb add 02:ad:%02x:%02x:%02x:01 dev vm1 master static\n", int(i / 65536), int(i / 256) % 256, i % 256 }' \
	>"$T_DIR/add"
ip netns exec "$(ns "h$A")" bridge -batch "$T_DIR/add" >/dev/null || fail "bridge -batch add on h$A"
b_remote() { lab_ctl $B show vnis --json | jpy "[v['remote_macs'] for v in d if v['vni'] == 100][0]"; }
b_has_all() { [ "$(b_remote)" = $((N + 1)) ]; }
b_idle() { lab_ctl $B show status --json | jpy "d['pending_requests'] == 0" >/dev/null; }
wait_for 60 b_has_all || fail "h$B has $(b_remote) remote MACs, want $((N + 1))"
wait_for 10 b_idle || fail "h$B still has requests in flight"

step "plain audit past fdb-dump-limit: what evpnd owns, entry by entry"
out=$(lab_ctl $B audit --json) || fail "owned audit: exit status $? (want 0): $(head -c 2000 <<<"$out")"
jcheck "$out" "(d['scope'] == 'owned' and d['drift'] == [] and d['checked']['remote_macs'] == $((N + 1)) and
	d['checked']['kernel_entries'] >= 2 * $((N + 1)) and d['checked']['flood_entries'] is None)" \
	"owned audit: clean, both halves of every remote MAC read"
log "owned audit: $(jpy "'%d kernel entries read in %.2f s' % (d['checked']['kernel_entries'], d['read_seconds'])" <<<"$out")"
x() { ip netns exec "$(ns "h$B")" "$@"; }
M=02:ad:00:00:07:01 F=02:ae:ff:00:00:01
x bridge fdb del $M dev vx100 master || fail "deleting the bridge half of $M on h$B"
x bridge fdb add $F dev vx100 dst 10.99.0.77 self extern_learn || fail "planting $F on h$B"
rc=0
out=$(lab_ctl $B audit --json) || rc=$?
[ "$rc" = 3 ] || fail "owned audit with drift: exit status $rc, want 3: $(head -c 2000 <<<"$out")"
jcheck "$out" "len(d['drift']) == 1 and one(d['drift'], kind='remote-no-master', mac='$M', vtep='$(lab_ip $A)')" \
	"owned audit: the missing bridge half found, the planted entry out of its scope"
rc=0
out=$(lab_ctl $B audit force --json) || rc=$?
[ "$rc" = 3 ] || fail "audit force with drift: exit status $rc, want 3"
jcheck "$out" "(d['scope'] == 'all' and len(d['drift']) == 2 and
	one(d['drift'], kind='remote-no-master', mac='$M') and
	one(d['drift'], kind='remote-unowned', mac='$F', kernel_vtep='10.99.0.77'))" "audit force: both found"
x bridge fdb replace $M dev vx100 master extern_learn
x bridge fdb del $F dev vx100 self

step "audit force while $FOREIGN foreign entries on h$B's vx100 are deleted one after the other"
awk -v n="$FOREIGN" 'BEGIN { for (i = 0; i < n; i++)
	printf "fdb add 02:af:00:%02x:%02x:01 dev vx100 dst 10.99.0.%d self extern_learn\n", int(i / 256), i % 256, 100 + i % 50 }' \
	>"$T_DIR/foreign.add"
# the deletes in order, in batches of 50 so that they spread over the read
awk -v n="$FOREIGN" 'BEGIN { for (i = 0; i < n; i++)
	printf "fdb del 02:af:00:%02x:%02x:01 dev vx100 self\n", int(i / 256), i % 256 }' | split -l 50 - "$T_DIR/del."
churn() { for f in "$T_DIR"/del.*; do x bridge -batch "$f" >/dev/null || return 1; done; }
# The foreign entries an audit reports, by number, must be a state the kernel was in: the deletes
# go in order, so every state is j..F-1. A read whose older reports were not settled by the events
# during it reports some other set: an entry deleted after the dump passed its slot stays in it.
consistent() {
	jpy "(lambda s: d['scope'] == 'all' and all(x['kind'] == 'remote-unowned' for x in d['drift']) and
	     s == set(range($FOREIGN - len(s), $FOREIGN)))(
	     set(int(x['mac'].split(':')[3], 16) * 256 + int(x['mac'].split(':')[4], 16) for x in d['drift']))"
}
mid=0
for round in 1 2 3 4 5; do
	x bridge -batch "$T_DIR/foreign.add" >/dev/null || fail "adding the foreign entries on h$B"
	churn &
	cpid=$!
	sleep 0.$((round * 4))
	rc=0
	lab_ctl $B audit force --json >"$T_DIR/audit.$round" || rc=$?
	wait "$cpid" || fail "round $round: the deletes on h$B failed"
	[ "$rc" = 3 ] || [ "$rc" = 0 ] || fail "round $round: audit force exit status $rc"
	consistent <"$T_DIR/audit.$round" >/dev/null || {
		cat "$T_DIR/audit.$round" >&2
		fail "round $round: the audit reports foreign entries the kernel never held together"
	}
	n=$(jpy "str(len(d['drift']))" <"$T_DIR/audit.$round") # a string: "0" is truthy, 0 would fail jpy
	[ "$n" != "$FOREIGN" ] && [ "$n" != 0 ] && mid=$((mid + 1))
	log "round $round: $n foreign entries reported (a state the kernel was in); read $(jpy "'%.2f s' % d['read_seconds']" <"$T_DIR/audit.$round")"
	jcheck "$(lab_ctl $B audit force --json)" "d['drift'] == []" "round $round, after the deletes: no drift"
done
log "$mid of 5 audits ended while the deletes ran (the others before or after them: consistent all the same)"
step "a client that asks for a whole dump and goes away frees the read for the next one"
ctl_b() { "$EVPNCTL" -s "$LAB_DIR/h$B.sock" "$@"; }
timeout -s KILL 0.03 "$EVPNCTL" -s "$LAB_DIR/h$B.sock" audit force >/dev/null 2>&1 || true
audit_ok() { ctl_b --json audit >/dev/null; }
wait_for 20 audit_ok || fail "no audit answered after a client left its own: $(ctl_b audit 2>&1 | head -3)"
st=$(lab_ctl $B show status --json) || fail "show status"
jcheck "$st" "d['loop']['iterations'] > 0" "h$B answers"
lab_established $B || fail "h$B's sessions did not stay up through the audits"
jcheck "$(lab_ctl $B audit --json)" "d['drift'] == []" "h$B: clean owned audit at the end"
lab_pass
