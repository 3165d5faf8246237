#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# MAC mobility (RFC 7432 section 15) between evpnd and gobgpd (scripts/lab.sh --skip 3: h1 and h2
# run evpnd, h3's BGP speaker is gobgpd, routes added with its CLI as operators do):
#   (a) a MAC advertised by gobgpd (no mobility community) shows up behind h1 (a frame from h1's VM
#       with that source MAC): h1 advertises it with sequence 1, gobgpd's RIB shows that sequence,
#       both evpnd FDBs point to h1 (h1: the learned entry on vm1), and gobgpd withdraws its own
#       route, as RFC 7432 15.1 requires of a PE that sees a higher sequence for a MAC it advertised;
#   (b) the same MAC then added again on gobgpd: GoBGP 3.10's CLI cannot set a sequence, but gobgpd
#       gives a local route for a known MAC the highest known sequence + 1 (2 here): h1 withdraws its
#       route and drops the bridge's learned entry, both FDBs point to h3;
#   (c) the MAC back behind h1 (another frame): seq 3, gobgpd withdraws its route again;
#   (d) a MAC learned on h1 (no community: never moved) then added on gobgpd, which gives it
#       sequence 0 (GoBGP counts a route without the community as -1). RFC 7432 15.1 says a
#       received route without the community counts as 0, so the first move should get 1: gobgpd's
#       0 is not conformant. evpnd yields to it on purpose (agent/evpn/mobility.h: an explicit 0 beats no
#       community), or GoBGP hosts could never take a MAC over from evpnd: h1 withdraws too.
# What gobgpd 3.10 did in (a), as seen here: its local path left its RIB once h1's seq 1 arrived,
# and it sent the withdraw to h1 and h2 (conformant). The JSON name of the sequence is "sequence".
# Everything is driven by one frame or one CLI command and polled: about 5 s in all.
source "$(dirname "$0")/lib.sh"

require gobgpd gobgp ip bridge ping python3
require_evpnd
t_init

step "h1, h2 with evpnd; h3 with gobgpd"
lab_gobgp_h3

# send_from I MAC: one frame with source MAC from VM 1 of hypervisor I (its bridge learns MAC on
# vm1, a dynamic entry: what a VM that moved there does). Broadcast, local experimental ethertype.
send_from() {
	ip netns exec "$(ns "h$1-vm1")" python3 - "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
src = bytes.fromhex(sys.argv[1].replace(":", ""))
s.send(b"\xff" * 6 + src + b"\x88\xb5" + b"evpnd mobility test".ljust(46, b"\0"))
PY
}

# local_seq I MAC: the sequence of h I's local route for MAC ("none" without a route).
local_seq() {
	lab_ctl "$1" show routes evpn --json 2>/dev/null |
		jpy "str((one(d, type='macadv', mac='$2', source='local') or {}).get('seq', 'none'))"
}
# seq_is I MAC N: local_seq is N now (a predicate for wait_for, evaluated on every try)
seq_is() { [ "$(local_seq "$1" "$2")" = "$3" ]; }

# evpnd_has_from I MAC NH: h I holds a received route for MAC with next hop NH.
evpnd_has_from() {
	lab_ctl "$1" show routes evpn --json 2>/dev/null |
		jpy "len([r for r in find(d, type='macadv', mac='$2', nexthop='$3') if r.get('source') != 'local']) > 0"
}

# g_paths MAC: gobgpd's paths for MAC as JSON: [{nexthop, local, seq}] (seq: the MAC mobility
# community's "sequence", None without the community). A local path has no neighbor-ip.
g_paths() {
	gobgp_cli g global rib -a evpn -j 2>/dev/null | python3 -c '
import json, sys
mac, out = sys.argv[1], []
for key, paths in (json.loads(sys.stdin.read() or "{}") or {}).items():
    for p in paths:
        v = p["nlri"]["value"]
        if p["nlri"]["type"] != 2 or v.get("mac") != mac:
            continue
        r = {"nexthop": None, "local": not p.get("neighbor-ip") or p.get("neighbor-ip") == "<nil>",
             "seq": None, "best": p.get("best", False)}
        for a in p.get("attrs", []):
            if a["type"] == 14:
                r["nexthop"] = a.get("nexthop")
            elif a["type"] == 16:
                for c in a.get("value", []):
                    if c.get("type") == 6 and c.get("subtype") == 0:
                        r["seq"] = c.get("sequence")
        out.append(r)
print(json.dumps(out))' "$1"
}

# g_check MAC EXPR: EXPR (Python, `p` = g_paths MAC) is true.
g_check() {
	g_paths "$1" | python3 -c 'import json, sys; p = json.load(sys.stdin); sys.exit(not eval(sys.argv[1]))' "$2"
}

# moved_to WHERE MAC: both evpnd FDBs agree MAC is at h WHERE (1: h1's bridge has it on vm1 and
# no vx100 entry, h2 points to h1; 3: both point to h3 and h1 has no entry on vm1).
learned_on_vm1() { ip netns exec "$(ns h1)" bridge fdb show br br100 | grep -E "^$1 dev vm1 " >/dev/null; }
moved_to() {
	if [ "$1" = 1 ]; then
		fdb_no_mac 1 "$2" && learned_on_vm1 "$2" && fdb_remote 2 "$2" "$H1"
	else
		fdb_remote 1 "$2" "$H3" && fdb_remote 2 "$2" "$H3" && ! learned_on_vm1 "$2"
	fi
}

A=02:aa:00:00:00:61
madv() { gobgp_cli g global rib "$1" macadv "$2" 0.0.0.0 etag 0 label 100 rd "$H3:100" rt 64512:100 encap vxlan -a evpn; }

step "(a) gobgpd advertises $A, then it shows up behind h1"
madv add $A || fail "gobgp rib add macadv $A"
for i in 1 2; do
	wait_for 10 fdb_remote "$i" $A "$H3" || fail "h$i: gobgpd's $A not installed toward $H3"
done
g_check $A "any(r['local'] and r['seq'] is None for r in p)" || fail "gobgpd's own $A: $(g_paths $A)"
send_from 1 $A
wait_for 5 seq_is 1 $A 1 || fail "h1 advertises $A with seq $(local_seq 1 $A), not 1"
wait_for 5 moved_to 1 $A || fail "the FDBs do not follow $A to h1"
wait_for 5 g_check $A "any(r['nexthop'] == '$H1' and r['seq'] == 1 for r in p)" ||
	fail "gobgpd's RIB has no route for $A from h1 with MAC mobility seq 1: $(g_paths $A)"
# RFC 7432 15.1: a PE that receives a higher sequence for a MAC it advertised withdraws its route.
# GoBGP 3.10 does (wire.md): its local path leaves the RIB and h1, h2 no longer hold it.
wait_for 5 g_check $A "not any(r['local'] for r in p)" ||
	fail "gobgpd kept its own route for $A after h1's seq 1: $(g_paths $A)"
for i in 1 2; do
	wait_for 5 not evpnd_has_from "$i" $A "$H3" || fail "h$i still holds gobgpd's route for $A"
done
moved_to 1 $A || fail "the FDBs no longer point to h1 for $A after gobgpd's withdraw"
jr "$(lab_ctl 2 show routes evpn --json)" "one(d, type='macadv', mac='$A', best=True)" \
	"r['seq'] == 1 and r['nexthop'] == '$H1'" "h2's best route for $A"
log "(a) gobgpd's RIB: $(g_paths $A)"

step "(b) gobgpd adds $A again: its mobility gives it seq 2, h1 yields"
madv add $A || fail "gobgp rib add macadv $A (again)"
wait_for 5 g_check $A "any(r['local'] and r['seq'] == 2 for r in p)" ||
	fail "gobgpd did not give its new route for $A seq 2: $(g_paths $A)"
wait_for 5 seq_is 1 $A none || fail "h1 still advertises $A (seq $(local_seq 1 $A))"
wait_for 5 moved_to 3 $A || fail "the FDBs do not follow $A to h3 (h1's learned entry dropped?)"
wait_for 5 g_check $A "not any(r['nexthop'] == '$H1' for r in p)" ||
	fail "gobgpd still has h1's route for $A: $(g_paths $A)"
jr "$(lab_ctl 2 show routes evpn --json)" "one(d, type='macadv', mac='$A', best=True)" \
	"r['seq'] == 2 and r['nexthop'] == '$H3'" "h2's best route for $A"
grep -q "$A moved to $H3 (seq 2): withdrawing ours" "$LAB_DIR/h1.log" || fail "h1 did not log the move of $A to h3"
log "(b) gobgpd's RIB: $(g_paths $A)"

step "(c) $A back behind h1: seq 3, gobgpd withdraws its seq-2 route"
send_from 1 $A
wait_for 5 seq_is 1 $A 3 || fail "h1 advertises $A with seq $(local_seq 1 $A), not 3"
wait_for 5 moved_to 1 $A || fail "the FDBs do not follow $A back to h1"
wait_for 5 g_check $A "not any(r['local'] for r in p) and any(r['nexthop'] == '$H1' and r['seq'] == 3 for r in p)" ||
	fail "gobgpd did not take h1's seq 3 over its own route for $A: $(g_paths $A)"
for i in 1 2; do
	wait_for 5 not evpnd_has_from "$i" $A "$H3" || fail "h$i still holds gobgpd's route for $A"
done

B=02:aa:00:00:00:62
step "(d) $B learned on h1 (never moved), then added on gobgpd (seq 0)"
send_from 1 $B
wait_for 5 seq_is 1 $B 0 || fail "h1 does not advertise $B without a sequence (seq $(local_seq 1 $B))"
wait_for 5 moved_to 1 $B || fail "the FDBs do not point to h1 for $B"
wait_for 5 g_check $B "any(r['nexthop'] == '$H1' and r['seq'] is None for r in p)" ||
	fail "gobgpd did not receive h1's $B without a community: $(g_paths $B)"
madv add $B || fail "gobgp rib add macadv $B"
wait_for 5 g_check $B "any(r['local'] and r['seq'] == 0 for r in p)" ||
	fail "gobgpd did not give its route for $B seq 0: $(g_paths $B)"
wait_for 5 seq_is 1 $B none || fail "h1 still advertises $B (seq $(local_seq 1 $B))"
wait_for 5 moved_to 3 $B || fail "the FDBs do not follow $B to h3"
grep -q "$B moved to $H3 (seq 0): withdrawing ours" "$LAB_DIR/h1.log" || fail "h1 did not log the move of $B to h3"
log "(d) gobgpd's RIB: $(g_paths $B)"
lab_pass
