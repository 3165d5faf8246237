#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Route reflection (RFC 4456) with evpnd in every role, in network namespaces around a hub:
#   ns a: evpnd A 10.77.1.1 --+                              +-- ns g: gobgpd G 10.77.3.1
#   ns b: evpnd B 10.77.2.1 --+-- ns r: the reflector R -----+-- ns p: test speaker P 10.77.4.1
# R is in turn gobgpd, FRR's bgpd (no zebra) and evpnd (`route-reflector-client = yes`,
# `cluster-id`); each time a route from client A reaches client B (and back) with ORIGINATOR_ID =
# the originating client's router id and CLUSTER_LIST = [R's cluster id]. With evpnd as R, the
# loop checks: P (tests/integration/bgpspeak.py) sends routes whose ORIGINATOR_ID is R's router id
# or whose CLUSTER_LIST holds R's cluster id (R discards them), one whose ORIGINATOR_ID is A's
# router id (R reflects it, A discards it), and a clean one (accepted and reflected everywhere).
source "$(dirname "$0")/lib.sh"

require gobgpd gobgp ip python3
require_evpnd
t_init

A=10.77.1.1 RA=10.77.1.2 B=10.77.2.1 RB=10.77.2.2 G=10.77.3.1 RG=10.77.3.2 P=10.77.4.1 RP=10.77.4.2
ns_add r
for c in a b g p; do ns_add $c; done
ns_link a $A/24 r $RA/24
ns_link b $B/24 r $RB/24
ns_link g $G/24 r $RG/24
ns_link p $P/24 r $RP/24
SPEAK="$EVPND_SRC/tests/integration/bgpspeak.py"
MA=02:00:00:00:00:0a MB=02:00:00:00:00:0b MG=aa:bb:cc:dd:ee:01

evpnd_conf "$T_DIR/a.conf" A 64512 $A
evpnd_neighbor "$T_DIR/a.conf" $RA 64512
evpnd_conf "$T_DIR/b.conf" B 64512 $B
evpnd_neighbor "$T_DIR/b.conf" $RB 64512
evpnd_start A a "$T_DIR/a.conf"
evpnd_start B b "$T_DIR/b.conf"
ctl_ok A add macadv $MA 10.0.0.10 vni 100 >/dev/null
ctl_ok B add macadv $MB 10.0.0.11 vni 100 >/dev/null

# reflected CLIENT ROUTE_MAC FROM_ID CLUSTER_LIST(python list) SOURCE: evpnd CLIENT has the MAC's
# route from SOURCE with ORIGINATOR_ID FROM_ID and exactly that CLUSTER_LIST.
reflected() {
	evpnd_routes_check "$1" evpn "(lambda r: r is not None and r['source'] == '$5' and \
r['originator_id'] == '$3' and r['cluster_list'] == $4)(one(d, mac='$2'))"
}
# both_ways CLUSTER: A's route at B and B's at A, reflected by a reflector with cluster id CLUSTER.
both_ways() {
	wait_for 20 reflected B $MA $A "['$1']" $RB ||
		fail "A's route did not reach B with ORIGINATOR_ID $A, CLUSTER_LIST [$1]"
	wait_for 10 reflected A $MB $B "['$1']" $RA ||
		fail "B's route did not reach A with ORIGINATOR_ID $B, CLUSTER_LIST [$1]"
	evpnd_routes_check A evpn "not find(d, mac='$MA', source='$RA')" ||
		fail "A holds its own route back from the reflector"
	jr "$(ctl_ok B show routes evpn --json)" "one(d, mac='$MA')" \
		"r['nexthop'] == '$A' and r['vni'] == 100 and r['rd'] == '$A:100'" "reflected route's next hop, VNI, RD"
}

# ---- 1: gobgpd reflects ----
step "gobgpd as the reflector (cluster id $RA)"
gobgpd_conf "$T_DIR/rr.toml" 64512 $RA "$RA,$RB"
gobgpd_neighbor "$T_DIR/rr.toml" $A 64512 $RA rr $RA
gobgpd_neighbor "$T_DIR/rr.toml" $B 64512 $RB rr $RA
gobgpd_start rr r "$T_DIR/rr.toml"
both_ways $RA
log "gobgpd reflected both ways"
stop_pid "$GOBGPD_PID_rr"
wait_for 20 evpnd_routes_check B evpn "not find(d, mac='$MA')" || fail "B kept A's route after the reflector left"

# ---- 2: FRR reflects ----
step "FRR bgpd as the reflector (cluster id 10.77.9.9)"
frr_bgpd_conf frr 64512 $RA "bgp cluster-id 10.77.9.9"
frr_bgpd_neighbor frr $A 64512 rr
frr_bgpd_neighbor frr $B 64512 rr
frr_bgpd_start frr r
both_ways 10.77.9.9
jcheck "$(frr_vtysh frr 'show bgp l2vpn evpn json')" "'$MA' in json.dumps(d) and '$MB' in json.dumps(d)" \
	"FRR holds both clients' routes"
log "FRR reflected both ways"
stop_pid "${T_FRR_PIDS[0]}"
wait_for 20 evpnd_routes_check B evpn "not find(d, mac='$MA')" || fail "B kept A's route after FRR left"

# ---- 3: evpnd reflects ----
step "evpnd as the reflector (cluster-id 10.77.8.8), gobgpd G and speaker P among its clients"
CID=10.77.8.8
evpnd_conf "$T_DIR/r.conf" R 64512 $RA
sed -i "s/^listen = .*/listen = */" "$T_DIR/r.conf"
echo "cluster-id = $CID" >>"$T_DIR/r.conf"
for c in $A $B $G $P; do
	evpnd_neighbor "$T_DIR/r.conf" $c 64512
	echo "route-reflector-client = yes" >>"$T_DIR/r.conf"
done
gobgpd_conf "$T_DIR/g.toml" 64512 $G $G
gobgpd_neighbor "$T_DIR/g.toml" $RG 64512 $G
evpnd_start R r "$T_DIR/r.conf"
gobgpd_start g g "$T_DIR/g.toml"
both_ways $CID
wait_for 10 gobgp_established g $RG || fail "gobgpd G: session to evpnd R not established"
gobgp_cli g global rib add macadv $MG 0.0.0.0 etag 0 label 100 rd $G:100 rt 64512:100 encap vxlan -a evpn ||
	fail "gobgp global rib add"
wait_for 10 reflected A $MG $G "['$CID']" $RA || fail "G's route did not reach A reflected by evpnd"
# gobgpd's view of A's route: ORIGINATOR_ID A, CLUSTER_LIST [CID] (attribute types 9 and 10)
g_has_a() {
	gobgp_cli g global rib -a evpn -j | jpy "(lambda ps: any(a.get('type') == 10 and a.get('value') == ['$CID'] \
for p in ps for a in p['attrs']) and any(a.get('type') == 9 and a.get('value') == '$A' for p in ps for a in p['attrs']))\
([p for k, v in d.items() for p in v if '$MA' in k])"
}
wait_for 10 g_has_a || fail "gobgpd G did not get A's route with ORIGINATOR_ID $A and CLUSTER_LIST [$CID]"
jr "$(ctl_ok R show routes evpn --json)" "one(d, mac='$MA')" "r['originator_id'] is None and r['cluster_list'] == []" \
	"R holds A's route as A sent it (no reflection attributes yet)"
log "evpnd reflected between evpnd and gobgpd clients"

step "loop checks (RFC 4456 section 8) with a test speaker"
# P: loop1 carries R's router id as ORIGINATOR_ID, loop2 R's cluster id in its CLUSTER_LIST (after
# another), loopA A's router id as ORIGINATOR_ID (fine at R, a loop at A), clean another cluster.
L1=02:00:00:00:01:01 L2=02:00:00:00:01:02 LA=02:00:00:00:01:0a CL=02:00:00:00:01:0c
spawn speaker p python3 "$SPEAK" routes $P $RP 64512 $P $P 60 \
	"$L1,originator=$RA" "$L2,cluster=10.1.1.1+$CID" "$LA,originator=$A,cluster=10.1.1.1" "$CL,cluster=10.1.1.1"
SPEAKER_PID=$SPAWNED_PID
wait_for 15 evpnd_established R $P || fail "speaker P not established with evpnd R"
wait_for 10 evpnd_routes_check R evpn "(lambda r: r is not None and r['source'] == '$P' and \
r['originator_id'] is None and r['cluster_list'] == ['10.1.1.1'])(one(d, mac='$CL'))" ||
	fail "R did not accept P's clean route"
wait_for 10 reflected B $CL $P "['$CID', '10.1.1.1']" $RB ||
	fail "P's clean route not reflected to B with CLUSTER_LIST [$CID, 10.1.1.1] and ORIGINATOR_ID $P"
wait_for 10 reflected R $LA $A "['10.1.1.1']" $P || fail "R did not accept P's route with ORIGINATOR_ID $A"
wait_for 10 reflected B $LA $A "['$CID', '10.1.1.1']" $RB || fail "route with ORIGINATOR_ID $A not reflected to B"
# P sent its routes in order over one session and evpnd handles them in that order: its clean
# route, sent last, has arrived (above), so the looped ones before it have been handled too
rr_routes=$(ctl_ok R show routes evpn --json)
jcheck "$rr_routes" "not find(d, mac='$L1')" "R kept a route whose ORIGINATOR_ID is its own router id"
jcheck "$rr_routes" "not find(d, mac='$L2')" "R kept a route whose CLUSTER_LIST holds its cluster id"
for c in A B; do
	jcheck "$(ctl_ok $c show routes evpn --json)" "not find(d, mac='$L1') and not find(d, mac='$L2')" \
		"client $c got a looped route"
done
jcheck "$(ctl_ok A show routes evpn --json)" "not find(d, mac='$LA')" \
	"A kept a reflected route whose ORIGINATOR_ID is A's own router id"
[ "$(evpnd_log_count R 'peer '$P': routing loop')" -ge 2 ] || fail "R did not log the two loops from P"
[ "$(evpnd_log_count A 'peer '$RA': routing loop')" -ge 1 ] || fail "A did not log the loop of its own ORIGINATOR_ID"
log "looped routes discarded (R: own ORIGINATOR_ID, own cluster id; A: own ORIGINATOR_ID)"
alive "$SPEAKER_PID" || fail "the speaker's session ended early"
stop_pid "$SPEAKER_PID"
wait_for 10 evpnd_routes_check B evpn "not find(d, mac='$CL')" || fail "P's routes stayed at B after P left"

pass
