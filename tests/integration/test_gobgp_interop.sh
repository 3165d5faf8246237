#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# evpnd against a real GoBGP 3.10 peer (iBGP, AS 64512) in two network namespaces:
#   ns g: gobgpd 10.77.0.1  <-- veth -->  ns e: evpnd 10.77.0.2
# Session up on both sides; EVPN type 2 (MAC only, MAC+IP) and type 3 (with PMSI) routes both ways
# with RD, RT, MAC, IP, VNI and next hop checked field by field; withdraws both ways; gobgpd stopped
# (its routes leave evpnd) and restarted (session and routes come back).
source "$(dirname "$0")/lib.sh"

require gobgpd gobgp ip python3
require_evpnd
t_init

G=10.77.0.1 E=10.77.0.2
ns_add g
ns_add e
ns_link g $G/24 e $E/24

gobgpd_conf "$T_DIR/gobgpd.toml" 64512 $G $G
gobgpd_neighbor "$T_DIR/gobgpd.toml" $E 64512 $G
evpnd_conf "$T_DIR/evpnd.conf" evpnd 64512 $E
evpnd_neighbor "$T_DIR/evpnd.conf" $G 64512

step "start gobgpd ($G) and evpnd ($E)"
gobgpd_start gobgpd g "$T_DIR/gobgpd.toml"
evpnd_start evpnd e "$T_DIR/evpnd.conf"

wait_for 30 evpnd_established evpnd $G || fail "evpnd: session to gobgpd $G not established in 30 s"
wait_for 10 gobgp_established gobgpd $E || fail "gobgpd: session to evpnd $E not established"
nb=$(ctl_ok evpnd show neighbors --json)
jcheck "$nb" "one(d, address='$G')['remote_as'] == 64512" "neighbor remote_as"
jcheck "$nb" "one(d, address='$G')['router_id'] == '$G'" "neighbor router_id"
jcheck "$nb" "one(d, address='$G')['hold_time'] == 9" "negotiated hold time (min of 9 and gobgpd's 90)"
jcheck "$nb" "set(one(d, address='$G')['families']) >= {'evpn', 'opaque'}" "negotiated families"
log "established both ways"

# ---- gobgpd -> evpnd ----
step "gobgpd originates type 2 (MAC only, MAC+IP) and type 3 with PMSI"
gobgp_add() { gobgp_cli gobgpd global rib add "$@" -a evpn || fail "gobgp global rib add $*"; }
gobgp_del() { gobgp_cli gobgpd global rib del "$@" -a evpn || fail "gobgp global rib del $*"; }
MAC_ONLY=(macadv aa:bb:cc:dd:ee:04 0.0.0.0 etag 0 label 10 rd 64512:10 rt 64512:10 encap vxlan)
MAC_IP=(macadv aa:bb:cc:dd:ee:05 192.168.10.5 etag 0 label 10 rd 64512:10 rt 64512:10 encap vxlan)
MCAST=(multicast "$G" etag 0 rd 64512:11 rt 64512:11 encap vxlan pmsi ingress-repl 11 "$G")
add_gobgp_routes() {
	gobgp_add "${MAC_ONLY[@]}"
	gobgp_add "${MAC_IP[@]}"
	gobgp_add "${MCAST[@]}"
}
add_gobgp_routes

from_g="find(d, source='$G')"
wait_for 10 evpnd_routes_check evpnd evpn "len($from_g) == 3" ||
	fail "evpnd did not receive gobgpd's 3 routes"
rt=$(ctl_ok evpnd show routes --json)
r2a="one(d, source='$G', type='macadv', mac='aa:bb:cc:dd:ee:04')"
jr "$rt" "$r2a" "True" "MAC-only route present once"
jr "$rt" "$r2a" "r['ip'] is None" "MAC-only route has ip null"
jr "$rt" "$r2a" "r['rd'] == '64512:10'" "MAC-only rd"
jr "$rt" "$r2a" "r['route_targets'] == ['64512:10']" "MAC-only route targets"
jr "$rt" "$r2a" "r['vni'] == 10" "MAC-only vni (raw 24-bit label)"
jr "$rt" "$r2a" "r['nexthop'] == '$G'" "MAC-only next hop"
jr "$rt" "$r2a" "r['encap'] == 'vxlan'" "MAC-only encapsulation"
jr "$rt" "$r2a" "r['etag'] == 0" "MAC-only ethernet tag"
jr "$rt" "$r2a" "r['family'] == 'evpn'" "family"
r2b="one(d, source='$G', type='macadv', mac='aa:bb:cc:dd:ee:05')"
jr "$rt" "$r2b" "r['ip'] == '192.168.10.5'" "MAC+IP route ip"
jr "$rt" "$r2b" "r['rd'] == '64512:10' and r['vni'] == 10" "MAC+IP rd, vni"
jr "$rt" "$r2b" "r['route_targets'] == ['64512:10']" "MAC+IP route targets"
jr "$rt" "$r2b" "r['nexthop'] == '$G'" "MAC+IP next hop"
r3="one(d, source='$G', type='multicast')"
jr "$rt" "$r3" "r['rd'] == '64512:11'" "multicast rd"
jr "$rt" "$r3" "r['originator'] == '$G'" "multicast originator"
jr "$rt" "$r3" "r['route_targets'] == ['64512:11']" "multicast route targets"
jr "$rt" "$r3" "r['nexthop'] == '$G'" "multicast next hop"
jr "$rt" "$r3" "r['pmsi'] is not None and r['pmsi']['label'] == 11" "multicast PMSI label = VNI 11"
jr "$rt" "$r3" "r['pmsi']['endpoint'] == '$G'" "multicast PMSI tunnel endpoint"
jr "$rt" "$r3" "'ingress' in str(r['pmsi']['type'])" "multicast PMSI type ingress replication"
log "gobgpd's routes arrived with the right fields"

# ---- evpnd -> gobgpd ----
step "evpnd originates type 2 (MAC+IP, MAC only) and type 3"
ctl_ok evpnd add macadv 02:00:00:00:00:01 10.0.0.5 vni 100 rt 64512:100 >/dev/null
ctl_ok evpnd add macadv 02:00:00:00:00:02 vni 100 >/dev/null
ctl_ok evpnd add multicast $E vni 100 >/dev/null

from_e="[x for x in r if x['source'] == '$E']"
wait_for 10 gobgp_evpn_check gobgpd "len($from_e) == 3" || fail "gobgpd did not receive evpnd's 3 routes"
grib=$(gobgp_cli gobgpd global rib -a evpn -j)
g2a="one(gobgp_evpn(d), source='$E', type='macadv', mac='02:00:00:00:00:01')"
jr "$grib" "$g2a" "True" "gobgpd has evpnd's MAC+IP route"
jr "$grib" "$g2a" "r['ip'] == '10.0.0.5'" "MAC+IP ip at gobgpd"
jr "$grib" "$g2a" "r['rd'] == '10.77.0.2:100'" "auto RD router-id:VNI at gobgpd"
jr "$grib" "$g2a" "r['rt'] == ['64512:100']" "route target at gobgpd"
jr "$grib" "$g2a" "r['labels'] == [100]" "label = VNI 100 at gobgpd"
jr "$grib" "$g2a" "r['nexthop'] == '$E'" "next hop at gobgpd"
jr "$grib" "$g2a" "r['encap'] == 8" "VXLAN encapsulation community at gobgpd"
g2b="one(gobgp_evpn(d), source='$E', type='macadv', mac='02:00:00:00:00:02')"
jr "$grib" "$g2b" "r['ip'] is None" "MAC-only route (ip <nil>) at gobgpd"
jr "$grib" "$g2b" "r['rd'] == '10.77.0.2:100' and r['labels'] == [100]" "MAC-only rd, label"
jr "$grib" "$g2b" "r['rt'] == ['64512:100']" "auto route target ASN:VNI at gobgpd"
g3="one(gobgp_evpn(d), source='$E', type='multicast')"
jr "$grib" "$g3" "r['ip'] == '$E'" "multicast originator at gobgpd"
jr "$grib" "$g3" "r['rd'] == '10.77.0.2:100' and r['rt'] == ['64512:100']" "multicast rd, rt"
jr "$grib" "$g3" "r['nexthop'] == '$E'" "multicast next hop at gobgpd"
jr "$grib" "$g3" "r['pmsi'] is not None and r['pmsi']['label'] == 100" "PMSI label = VNI at gobgpd"
jr "$grib" "$g3" "r['pmsi']['tunnel-id'] == '$E' and r['pmsi']['tunnel-type'] == 6" "PMSI tunnel"
log "evpnd's routes arrived at gobgpd with the right fields"

# ---- withdraws both ways ----
step "withdraws both ways"
gobgp_del "${MAC_ONLY[@]}"
wait_for 10 evpnd_routes_check evpnd evpn "len($from_g) == 2 and not find(d, mac='aa:bb:cc:dd:ee:04')" ||
	fail "gobgpd's withdraw of aa:bb:cc:dd:ee:04 did not reach evpnd"
ctl_ok evpnd del macadv 02:00:00:00:00:01 10.0.0.5 vni 100 >/dev/null
wait_for 10 gobgp_evpn_check gobgpd "len($from_e) == 2 and not find(r, mac='02:00:00:00:00:01')" ||
	fail "evpnd's withdraw of 02:00:00:00:00:01 did not reach gobgpd"
ctl_ok evpnd del multicast $E vni 100 >/dev/null
wait_for 10 gobgp_evpn_check gobgpd "len($from_e) == 1 and not find(r, type='multicast', source='$E')" ||
	fail "evpnd's withdraw of its multicast route did not reach gobgpd"
log "withdraws propagated"

# ---- types 1, 4 and 5: GoBGP is the independent encoder of the vectors test_evpn.c decodes ----
step "gobgpd originates types 1 (a-d), 4 (esi) and 5 (prefix): evpnd decodes GoBGP's bytes"
AD=(a-d esi ARBITRARY 11:22:33:44:55:66:77:88:99 etag 7 label 1000 rd 64512:21 rt 64512:21)
ES=(esi "$G" esi ARBITRARY 11:22:33:44:55:66:77:88:99 rd 64512:22 rt 64512:22)
PFX=(prefix 10.55.0.0/24 gw 0.0.0.0 etag 0 label 4000 rd 64512:23 rt 64512:23 encap vxlan
	router-mac 52:54:00:aa:bb:cc)
gobgp_add "${AD[@]}"
gobgp_add "${ES[@]}"
gobgp_add "${PFX[@]}"
wait_for 10 evpnd_routes_check evpnd evpn "(len(find(d, source='$G', type='a-d')) == 1 and
	len(find(d, source='$G', type='esi')) == 1 and len(find(d, source='$G', type='prefix')) == 1)" ||
	fail "evpnd did not receive gobgpd's type 1, 4 and 5 routes"
rt=$(ctl_ok evpnd show routes --json)
ESI=00:11:22:33:44:55:66:77:88:99
jr "$rt" "one(d, source='$G', type='a-d')" "r['rd'] == '64512:21' and r['esi'] == '$ESI' and
	r['etag'] == 7 and r['labels'] == [1000] and r['route_targets'] == ['64512:21']" "type 1 fields"
jr "$rt" "one(d, source='$G', type='esi')" "r['rd'] == '64512:22' and r['esi'] == '$ESI' and
	r['originator'] == '$G' and r['route_targets'] == ['64512:22']" "type 4 fields"
jr "$rt" "one(d, source='$G', type='prefix')" "r['rd'] == '64512:23' and r['esi'] == '0' and
	r['etag'] == 0 and r['ip'] == '10.55.0.0' and r['labels'] == [4000] and
	r['router_mac'] == '52:54:00:aa:bb:cc' and r['encap'] == 'vxlan'" "type 5 fields"
gobgp_del "${AD[@]}"
gobgp_del "${ES[@]}"
gobgp_del "${PFX[@]}"
wait_for 10 evpnd_routes_check evpnd evpn "(not find(d, source='$G', type='a-d') and
	not find(d, source='$G', type='esi') and not find(d, source='$G', type='prefix'))" ||
	fail "gobgpd's withdraws of its type 1, 4 and 5 routes did not reach evpnd"
log "types 1, 4 and 5 from GoBGP decoded field by field, and withdrawn"

# ---- opaque evpnd -> gobgpd (3.10's CLI cannot originate it; `global rib -a opaque -j` lists keys) ----
step "opaque key-value from evpnd to gobgpd"
ctl_ok evpnd add key evpnd-key value '{"vms":3}' >/dev/null
wait_for 10 gobgp_opaque_check gobgpd "d and d['evpnd-key'][0]['neighbor-ip'] == '$E'" || fail "gobgpd did not receive evpnd's key"
ctl_ok evpnd del key evpnd-key >/dev/null
wait_for 10 gobgp_opaque_check gobgpd "not d or 'evpnd-key' not in d" || fail "gobgpd still has evpnd's key after its delete"
log "opaque key added and removed at gobgpd"

# ---- gobgpd goes away and comes back ----
step "gobgpd stopped"
# shellcheck disable=SC2154 # set by gobgpd_start
stop_pid "$GOBGPD_PID_gobgpd"
wait_for 15 evpnd_routes_check evpnd evpn "not $from_g" || fail "gobgpd's routes still in evpnd after it stopped"
wait_for 5 not evpnd_established evpnd $G ||
	fail "evpnd still shows $G established after gobgpd stopped"
log "session down, gobgpd's routes gone"

step "gobgpd restarted"
gobgpd_start gobgpd g "$T_DIR/gobgpd.toml"
wait_for 30 evpnd_established evpnd $G || fail "evpnd: session not re-established after gobgpd restart"
wait_for 10 gobgp_established gobgpd $E || fail "gobgpd: session not re-established"
wait_for 10 gobgp_evpn_check gobgpd "len($from_e) == 1 and find(r, mac='02:00:00:00:00:02')" ||
	fail "evpnd did not re-advertise its remaining route to the restarted gobgpd"
add_gobgp_routes
wait_for 10 evpnd_routes_check evpnd evpn "len($from_g) == 3" || fail "re-added gobgpd routes did not reach evpnd"
nb=$(ctl_ok evpnd show neighbors --json)
jcheck "$nb" "one(d, address='$G')['flaps'] >= 1" "neighbor flap counted"
log "session and routes back"

pass
