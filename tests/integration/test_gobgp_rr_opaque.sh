#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Two evpnd route-reflector clients of a GoBGP 3.10 route reflector, in three network namespaces:
#   ns a: evpnd A 10.77.0.1 <--> ns r: gobgpd RR 10.77.0.2 | 10.77.1.2 <--> ns b: evpnd B 10.77.1.3
# GoBGP 3.10's CLI cannot originate opaque key-values, so the opaque family is tested A -> RR -> B:
# add/replace/delete of a key at A shows at B (and in B's `evpnctl watch opaque` stream); EVPN routes
# reflected with ORIGINATOR_ID/CLUSTER_LIST are accepted both ways.
source "$(dirname "$0")/lib.sh"

require gobgpd gobgp ip python3
require_evpnd
t_init

rr_pair_up

# B's watch stream: started before any change so it sees the add and the delete.
spawn_host watch "$EVPNCTL" -s "$T_DIR/B.ctl" watch opaque
WATCH_PID=$SPAWNED_PID
# subscribed once a change shows in the stream: a probe key of B's own, published again until it
# does, then withdrawn (the checks below leave the probe out)
probe_seen() { ctl B add key watch-probe value "$EPOCHREALTIME" >/dev/null && grep -q watch-probe "$T_DIR/watch.out"; }
wait_for 10 probe_seen || fail "B's watch shows no change within 10 s"
ctl_ok B del key watch-probe >/dev/null

# ---- opaque A -> RR -> B ----
step "opaque key added at A"
ctl_ok A add key key1 value value1 >/dev/null
key1_at_b="one(d, key='key1')"
wait_for 10 evpnd_routes_check B opaque "$key1_at_b" || fail "key1 did not reach B through the reflector"
op=$(ctl_ok B show routes opaque --json)
jr "$op" "$key1_at_b" "r['value'] == 'value1'" "key1's value at B"
jr "$op" "$key1_at_b" "r['source'] == '$R2'" "key1's source at B is the reflector"
jr "$op" "$key1_at_b" "r['family'] == 'opaque'" "family opaque"
wait_for 10 gobgp_opaque_check rr "list(d) == ['key1'] and d['key1'][0]['neighbor-ip'] == '$A'" ||
	fail "the reflector does not hold key1 from A (and nothing else)"
jcheck "$(ctl_ok A show routes opaque --json)" "one(d, key='key1', source='local')" "A lists its own key"

W=$T_DIR/watch.out
wait_for 5 lines_check "$W" "[e['route']['key'] for e in find(d, event='update', family='opaque')
	if e['route']['key'] != 'watch-probe'] == ['key1']" ||
	fail "evpnctl watch opaque at B did not print the add (got: $(head -c 2000 "$T_DIR/watch.out"))"
jcheck "$(grep -m1 key1 "$T_DIR/watch.out")" "d['route']['value'] == 'value1'" "watch line carries the value"

step "opaque key replaced at A"
ctl_ok A add key key1 value value2 >/dev/null
wait_for 10 evpnd_routes_check B opaque "[x['value'] for x in find(d, key='key1')] == ['value2']" ||
	fail "key1's new value did not reach B"

step "opaque key deleted at A"
ctl_ok A add key key2 value v2 >/dev/null
wait_for 10 evpnd_routes_check B opaque "one(d, key='key2')" || fail "key2 did not reach B"
ctl_ok A del key key1 >/dev/null
wait_for 10 evpnd_routes_check B opaque "not find(d, key='key1') and one(d, key='key2')" ||
	fail "key1's delete did not reach B (or took key2 with it)"
wait_for 5 lines_check "$W" "[e['route']['key'] for e in find(d, event='withdraw', family='opaque')
	if e['route']['key'] != 'watch-probe'] == ['key1']" ||
	fail "evpnctl watch opaque at B did not print the delete"
stop_pid "$WATCH_PID"

# ---- EVPN through the reflector, both ways ----
step "EVPN routes reflected A -> B and B -> A"
# Capture what the reflector sends B, to see the reflection attributes on the wire.
capture=0
if command -v tcpdump >/dev/null 2>&1; then
	spawn tcpdump b tcpdump -i veth1 -U -n -w "$T_DIR/rr-b.pcap" tcp port 179
	if wait_for 5 grep -q 'listening on' "$T_DIR/tcpdump.log"; then
		capture=1
	fi
else
	log "tcpdump not installed: ORIGINATOR_ID/CLUSTER_LIST not checked on the wire"
fi
ctl_ok A add macadv 02:00:00:00:00:0a 10.0.0.10 vni 100 >/dev/null
ctl_ok B add multicast $B vni 100 >/dev/null
mac_at_b="one(d, type='macadv', mac='02:00:00:00:00:0a')"
wait_for 10 evpnd_routes_check B evpn "$mac_at_b" ||
	fail "A's MAC route did not reach B (reflected with ORIGINATOR_ID $A, CLUSTER_LIST $R1)"
rt=$(ctl_ok B show routes evpn --json)
jr "$rt" "$mac_at_b" "r['source'] == '$R2'" "reflected route's source at B"
jr "$rt" "$mac_at_b" "r['nexthop'] == '$A'" "reflected route keeps A's next hop"
jr "$rt" "$mac_at_b" "r['rd'] == '$A:100' and r['vni'] == 100 and r['ip'] == '10.0.0.10'" "rd, vni, ip at B"
jr "$rt" "$mac_at_b" "r['route_targets'] == ['64512:100']" "route targets at B"
if [ "$capture" = 1 ]; then
	# ORIGINATOR_ID = A's router id (80 09 04 0a4d0001), CLUSTER_LIST = the cluster id (80 0a 04 0a4d0002)
	wait_for 5 file_has_hex "$T_DIR/rr-b.pcap" 8009040a4d0001 800a040a4d0002 ||
		fail "no UPDATE with ORIGINATOR_ID $A and CLUSTER_LIST $R1 seen from the reflector to B"
	log "B accepted a route carrying ORIGINATOR_ID $A and CLUSTER_LIST $R1"
fi
mc_at_a="one(d, type='multicast', originator='$B')"
wait_for 10 evpnd_routes_check A evpn "$mc_at_a" || fail "B's multicast route did not reach A"
jr "$(ctl_ok A show routes evpn --json)" "$mc_at_a" "r['pmsi'] is not None and r['pmsi']['endpoint'] == '$B'" \
	"PMSI of B's multicast route at A"
# The reflector must not send a route back to its originator, and an evpnd must not keep its own.
evpnd_routes_check A evpn "not find(d, mac='02:00:00:00:00:0a', source='$R1')" ||
	fail "A accepted its own route back from the reflector"

ctl_ok A del macadv 02:00:00:00:00:0a 10.0.0.10 vni 100 >/dev/null
wait_for 10 evpnd_routes_check B evpn "not find(d, mac='02:00:00:00:00:0a')" ||
	fail "A's MAC withdraw did not reach B"
log "EVPN reflected both ways, withdraw too"

pass
