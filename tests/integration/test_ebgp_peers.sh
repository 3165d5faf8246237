#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# EVPN over eBGP with real peers other than a switch:
#   - a mixed fabric: h1 and h2 run evpnd (ASes 65001, 65002), h3 runs FRR 8.4 (zebra + bgpd,
#     advertise-all-vni) in AS 65003, all under an evpnd top-of-rack switch in AS 65100 with the
#     default automatic route targets on both kinds: the routes cross both ways (FRR installs h1's
#     MAC toward h1's VTEP, evpnd installs FRR's toward h3's) and the VMs ping;
#   - gobgpd 3.10 as a direct eBGP neighbor of evpnd, evpnd with local-as: routes both ways, EVPN
#     and opaque, with the AS paths and next hops an eBGP session gives; a test speaker
#     (bgpspeak.py) as another: its LOCAL_PREF is ignored, a path with evpnd's AS is a loop;
#   - ebgp-multihop: two evpnd peering over loopbacks with a router between: with the default TTL 1 their
#     SYNs die at the router (its ICMP time-exceeded counter grows; a ping with a normal TTL passes,
#     as the control), with ebgp-multihop = 2 the session comes up.
source "$(dirname "$0")/lib.sh"

require ip bridge ping python3 vtysh gobgpd gobgp nstat
require_evpnd
t_init
[ -x /usr/lib/frr/zebra ] && [ -x /usr/lib/frr/bgpd ] || fail "FRR not installed (Debian package frr)"

step "mixed fabric: evpnd h1 (AS 65001), h2 (AS 65002), FRR h3 (AS 65003), evpnd ToR (AS 65100)"
lab_up -n 3 --ebgp --skip 3 --debug
T_LOGS+=("$LAB_DIR/rr.log")
H1=$(lab_ip 1) H3=$(lab_ip 3) TOR=10.99.0.254
frr_conf frr 65003 "$H3" "$TOR=65100"
frr_start frr h3
lab_wait_mesh 30
wait_for 30 frr_established frr "$TOR" || fail "FRR h3: no session with the ToR"
# frr_remote MAC VTEP: FRR's zebra has MAC in VNI 100 as remote toward VTEP
frr_remote() {
	frr_vtysh frr 'show evpn mac vni 100 json' | jpy "d['macs']['$1']['type'] == 'remote' and d['macs']['$1']['remoteVtep'] == '$2'"
}
wait_for 20 fdb_remote 1 "$(lab_mac 3)" "$H3" || fail "h1 (evpnd) did not install FRR's VM MAC (auto RT 65003:100)"
wait_for 20 fdb_remote 2 "$(lab_mac 3)" "$H3" || fail "h2 (evpnd) did not install FRR's VM MAC"
wait_for 20 frr_remote "$(lab_mac 1)" "$H1" ||
	fail "FRR did not install h1's VM MAC toward h1: $(frr_vtysh frr 'show evpn mac vni 100')"
jr "$(lab_ctl 1 show routes evpn --json)" "one(d, type='macadv', mac='$(lab_mac 3)', best=True)" \
	"r['as_path'] == '65100 65003' and r['nexthop'] == '$H3' and r['route_targets'] == ['65003:100']" \
	"h1 holds FRR's route (AS path 65100 65003, next hop h3, RT 65003:100)"
vm_ping 1 1 3 1 || fail "h1's VM cannot ping FRR's VM across ASes"
vm_ping 3 1 2 1 || fail "FRR's VM cannot ping h2's VM across ASes"
for pid in "${T_FRR_PIDS[@]}"; do stop_pid "$pid"; done
T_FRR_PIDS=()
lab_down_now

step "gobgpd (AS 65002) as evpnd's eBGP neighbor; evpnd appears as AS 65009 (local-as)"
E=10.78.0.2 G=10.78.0.1 S=10.78.0.3
ns_add e
ns_add g
GDEV=veth$T_LINKS
ns_link e $E/24 g $G/24
ip -n "$(ns g)" addr add $S/24 dev "$GDEV"
evpnd_conf "$T_DIR/e.conf" E 65001 $E
evpnd_neighbor "$T_DIR/e.conf" $G 65002
printf 'local-as = 65009\n' >>"$T_DIR/e.conf"
evpnd_neighbor "$T_DIR/e.conf" $S 65003
gobgpd_conf "$T_DIR/g.toml" 65002 $G $G
gobgpd_neighbor "$T_DIR/g.toml" $E 65009 $G
gobgpd_start g g "$T_DIR/g.toml"
evpnd_start E e "$T_DIR/e.conf"
wait_for 30 evpnd_established E $G || fail "evpnd E: no eBGP session with gobgpd"
wait_for 10 gobgp_established g $E || fail "gobgpd: no session with evpnd"
MG=02:00:00:78:00:01 ME=02:00:00:78:00:02
gobgp_cli g global rib add macadv $MG 0.0.0.0 etag 0 label 100 rd $G:100 rt 65002:100 encap vxlan -a evpn ||
	fail "gobgp global rib add macadv"
ctl_ok E add macadv $ME vni 100 >/dev/null
ctl_ok E add key ebgp-key value v1 >/dev/null
e_has() { ctl E show routes evpn --json | jpy "one(d, type='macadv', mac='$MG', best=True)"; }
wait_for 10 e_has || fail "evpnd did not receive gobgpd's route"
jr "$(ctl E show routes evpn --json)" "one(d, type='macadv', mac='$MG', best=True)" \
	"r['as_path'] == '65002' and r['nexthop'] == '$G' and r['local_pref'] is None" \
	"evpnd holds gobgpd's route with AS path 65002, next hop $G, no LOCAL_PREF"
wait_for 10 gobgp_evpn_check g "[x for x in r if x['mac'] == '$ME' and x['as_path'] == [65009] and x['nexthop'] == '$E']" ||
	fail "gobgpd has no route for $ME with AS path [65009] and next hop $E: $(gobgp_cli g global rib -a evpn)"
wait_for 10 gobgp_opaque_check g "'ebgp-key' in d" || fail "gobgpd did not receive the opaque key over eBGP"
# evpnd's own routes do not come back (gobgpd sends them with 65009 in the path: a loop)
jcheck "$(ctl E show routes evpn --json)" "not [r for r in d if r['mac'] == '$ME' and r['source'] != 'local']" \
	"evpnd took its own route back from gobgpd"

step "a test speaker in AS 65003: LOCAL_PREF from eBGP ignored, our AS in a path is a loop"
# in one session, in order: a route with LOCAL_PREF 500, one whose path holds evpnd's AS 65001,
# one whose path holds its local-as toward G (no loop from S), and a clean one last
SL=02:00:00:78:00:11 SX=02:00:00:78:00:12 SY=02:00:00:78:00:13 SC=02:00:00:78:00:14
spawn speaker g python3 "$EVPND_SRC/tests/integration/bgpspeak.py" routes $S $E 65003 $S $S 60 \
	"$SL,aspath=65003,lp=500" "$SX,aspath=65003+65001+65010" "$SY,aspath=65003+65009" "$SC,aspath=65003"
SPEAKER_PID=$SPAWNED_PID
wait_for 15 evpnd_established E $S || fail "the speaker is not established with evpnd E"
s_has() { ctl E show routes evpn --json | jpy "one(d, type='macadv', mac='$1', best=True)"; }
wait_for 10 s_has $SC || fail "evpnd did not take the speaker's clean route"
routes=$(ctl E show routes evpn --json)
jr "$routes" "one(d, type='macadv', mac='$SL', best=True)" "r['local_pref'] is None and r['as_path'] == '65003'" \
	"evpnd keeps an eBGP neighbor's LOCAL_PREF (RFC 4271 5.1.5: ignored)"
jcheck "$routes" "not find(d, mac='$SX')" "evpnd took a route whose AS path holds its own AS 65001"
jr "$routes" "one(d, type='macadv', mac='$SY', best=True)" "r['as_path'] == '65003 65009'" \
	"evpnd refused a path with its local-as toward another neighbor"
[ "$(evpnd_log_count E "peer $S: routing loop")" -ge 1 ] || fail "evpnd E did not log the loop"
stop_pid "$SPEAKER_PID"

step "ebgp-multihop: two evpnd peering over loopbacks, a router between them"
A=10.78.1.2 RA=10.78.1.1 RB=10.78.2.1 B=10.78.2.2 LA=10.78.9.1 LB=10.78.9.2
ns_add a
ns_add r
ns_add b
ns_link a $A/24 r $RA/24
ns_link r $RB/24 b $B/24
ip -n "$(ns a)" addr add $LA/32 dev lo
ip -n "$(ns b)" addr add $LB/32 dev lo
ip netns exec "$(ns r)" sysctl -qw net.ipv4.ip_forward=1
ip -n "$(ns a)" route add $LB/32 via $RA
ip -n "$(ns b)" route add $LA/32 via $RB
ip -n "$(ns r)" route add $LA/32 via $A
ip -n "$(ns r)" route add $LB/32 via $B
ip netns exec "$(ns a)" ping -c 1 -W 2 -I $LA $LB >/dev/null ||
	fail "A's loopback cannot ping B's through the router: the check below would prove nothing"
exceeded() { ip netns exec "$(ns r)" nstat -az IcmpOutTimeExcds | awk '$1 == "IcmpOutTimeExcds" { print $2 }'; }
x0=$(exceeded)
evpnd_conf "$T_DIR/a.conf" A 65001 $LA
evpnd_neighbor "$T_DIR/a.conf" $LB 65002
printf 'local-address = %s\n' $LA >>"$T_DIR/a.conf"
evpnd_conf "$T_DIR/b.conf" B 65002 $LB
evpnd_neighbor "$T_DIR/b.conf" $LA 65001
printf 'local-address = %s\n' $LB >>"$T_DIR/b.conf"
evpnd_start A a "$T_DIR/a.conf"
evpnd_start B b "$T_DIR/b.conf"
wait_for 15 eval '[ "$(exceeded)" -gt "$x0" ]' ||
	fail "the router sent no ICMP time-exceeded: evpnd's eBGP SYNs did not leave with TTL 1"
evpnd_established A $LB && fail "a session two hops away came up with TTL 1"
log "TTL 1: $(($(exceeded) - x0)) time-exceeded from the router, no session"
for n in a b; do printf 'ebgp-multihop = 2\n' >>"$T_DIR/$n.conf"; done
ctl_ok A reload >/dev/null
ctl_ok B reload >/dev/null
wait_for 30 evpnd_established A $LB || fail "no session over the loopbacks with ebgp-multihop = 2"
wait_for 10 evpnd_established B $LA || fail "B: no session with ebgp-multihop = 2"
pass
