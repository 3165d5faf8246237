#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# EVPN over an eBGP fabric (RFC 7938; scripts/lab.sh --ebgp): one AS per hypervisor, each peering
# only with its top-of-rack switch (AS 65100), with the default route-target = auto.
#   FRR 8.4's bgpd as the ToR, h1 AS 65001, h2 AS 65002, h3 AS 65001 (sharing h1's):
#   - h1 and h2 import each other's auto route targets (65001:100 and 65002:100: auto imports
#     match the VNI whatever the AS, as FRR's do): MACs, flood entries, VM pings; the routes show
#     the AS path through the ToR and the originating VTEP as next hop;
#   - a MAC that moves from h1 to h2 follows on every hypervisor, with its sequence number;
#   - h3 drops h1's routes as a loop (its own AS 65001 in the path) while it takes h2's; with
#     allowas-in = 1 (a reload) it takes them, and its VM reaches h1's;
#   evpnd itself as the ToR (h1 AS 65001, h2 AS 65002): it passes the routes on with the VTEP as
#   next hop (RFC 8365: the VTEP must not change) and its AS in the path; the VMs ping.
source "$(dirname "$0")/lib.sh"

require ip bridge ping python3 vtysh
require_evpnd
t_init
[ -x /usr/lib/frr/bgpd ] || fail "FRR not installed (Debian package frr: /usr/lib/frr/bgpd)"

# route I MAC: hypervisor I's best route for MAC, as JSON (empty when none)
route() { lab_ctl "$1" show routes evpn --json | jpy "one(d, type='macadv', mac='$2', best=True)"; }
# seq_is I MAC SEQ: hypervisor I's best route for MAC carries sequence SEQ
seq_is() { lab_ctl "$1" show routes evpn --json | jpy "one(d, type='macadv', mac='$2', best=True)['seq'] == $3"; }
tor() { vtysh --vty_socket "$LAB_DIR/rr-frr" -c "$1"; }
tor_up() { tor 'show bgp l2vpn evpn summary json' | jpy "all(p['state'] == 'Established' for p in d['peers'].values()) and len(d['peers']) == 3"; }

step "three hypervisors in ASes 65001, 65002, 65001 behind an FRR ToR in AS 65100"
lab_up -n 3 --ebgp --tor-frr --as 3=65001 --debug
T_LOGS+=("$LAB_DIR/rr-frr/bgpd.log")
T_DIAG+=("vtysh --vty_socket $LAB_DIR/rr-frr -c 'show bgp l2vpn evpn'")
lab_wait_mesh 30
wait_for 30 tor_up || fail "FRR's ToR does not have its 3 sessions: $(tor 'show bgp l2vpn evpn summary')"
for i in 1 2 3; do
	jcheck "$(lab_ctl "$i" show neighbors --json)" "d[0]['remote_as'] == 65100" "h$i's neighbor is the ToR in AS 65100"
done

step "auto route targets across ASes: h1 and h2 install each other's MACs and flood entries"
wait_for 15 fdb_remote 1 "$(lab_mac 2)" "$(lab_ip 2)" || fail "h1 did not install h2's VM MAC (auto RT 65002:100)"
wait_for 15 fdb_remote 2 "$(lab_mac 1)" "$(lab_ip 1)" || fail "h2 did not install h1's VM MAC (auto RT 65001:100)"
wait_for 5 fdb_flood 1 "$(lab_ip 2)" || fail "h1 has no flood entry toward h2"
wait_for 5 fdb_flood 2 "$(lab_ip 1)" || fail "h2 has no flood entry toward h1"
jr "$(lab_ctl 2 show routes evpn --json)" "one(d, type='macadv', mac='$(lab_mac 1)', best=True)" \
	"r['route_targets'] == ['65001:100'] and r['as_path'] == '65100 65001' and r['nexthop'] == '$(lab_ip 1)' and r['installed'] is True and r['local_pref'] is None" \
	"h2 holds h1's MAC route with RT 65001:100, AS path 65100 65001, next hop h1's VTEP"
jcheck "$(lab_ctl 2 show vnis --json)" "one(d, vni=100)['import_rt'] == ['*:100'] and one(d, vni=100)['export_rt'] == ['65002:100']" \
	"h2's VNI 100 imports *:100 and exports 65002:100"
vm_ping 1 1 2 1 || fail "h1's VM cannot ping h2's VM across the eBGP fabric"
vm_ping 2 1 1 1 || fail "h2's VM cannot ping h1's VM across the eBGP fabric"

step "h3 shares AS 65001 with h1: h1's routes are a loop there (h2's are not)"
wait_for 15 fdb_remote 3 "$(lab_mac 2)" "$(lab_ip 2)" || fail "h3 did not install h2's VM MAC: the check below would prove nothing"
wait_for 10 route 3 "$(lab_mac 2)" || fail "h3 has no route for h2's MAC"
route 3 "$(lab_mac 1)" >/dev/null && fail "h3 accepted h1's MAC route though its AS path holds h3's own AS"
fdb_no_mac 3 "$(lab_mac 1)" || fail "h3 installed h1's VM MAC though its route is a loop"
grep -q "routing loop in UPDATE" "$LAB_DIR/h3.log" || fail "h3 did not log the loop"
grep -qi "$(lab_mac 1)" <<<"$(tor "show bgp l2vpn evpn")" || fail "the ToR has no route for h1's MAC (it would send it to h3)"

step "allowas-in = 1 on h3's and h1's ToR neighbors (a reload): h3 and h1 take each other's routes"
for i in 1 3; do
	printf 'allowas-in = 1\n' >>"$LAB_DIR/h$i.conf"
	out=$(lab_ctl "$i" reload 2>&1) || fail "h$i: reload with allowas-in failed: $out"
done
wait_for 30 fdb_remote 3 "$(lab_mac 1)" "$(lab_ip 1)" || fail "h3 did not install h1's VM MAC with allowas-in 1"
wait_for 30 fdb_remote 1 "$(lab_mac 3)" "$(lab_ip 3)" || fail "h1 did not install h3's VM MAC with allowas-in 1"
jr "$(lab_ctl 3 show routes evpn --json)" "one(d, type='macadv', mac='$(lab_mac 1)', best=True)" \
	"r['as_path'] == '65100 65001' and r['nexthop'] == '$(lab_ip 1)'" "h3 holds h1's route (65100 65001, next hop h1)"
wait_for 10 vm_ping 3 1 1 1 || fail "h3's VM cannot ping h1's VM with allowas-in"

step "a MAC moves from h1 to h2: every hypervisor follows it, with its sequence number"
# frame I MAC: one frame with source MAC from hypervisor I's VM (its bridge learns MAC on vm1)
frame() { ip netns exec "$(ns "h$1-vm1")" python3 "$EVPND_SRC/tests/integration/vm_frame.py" "$2"; }
MM=02:00:00:ee:00:01
frame 1 $MM
for i in 2 3; do
	wait_for 15 fdb_remote "$i" $MM "$(lab_ip 1)" || fail "h$i did not install $MM toward h1"
done
frame 2 $MM # the VM behind MM now talks from h2: h2 learns it while h1 still advertises it
for i in 1 3; do
	wait_for 15 fdb_remote "$i" $MM "$(lab_ip 2)" || fail "h$i did not follow $MM to h2"
done
wait_for 10 seq_is 3 $MM 1 || fail "h3's route for $MM does not carry sequence 1 after the move: $(route 3 $MM)"
lab_down_now

step "evpnd as the ToR: the VTEP stays the next hop across ASes"
lab_up -n 2 --ebgp --debug
T_LOGS+=("$LAB_DIR/rr.log")
lab_wait_mesh 30
wait_for 15 fdb_remote 1 "$(lab_mac 2)" "$(lab_ip 2)" || fail "h1 did not install h2's VM MAC through evpnd's ToR"
wait_for 15 fdb_remote 2 "$(lab_mac 1)" "$(lab_ip 1)" || fail "h2 did not install h1's VM MAC through evpnd's ToR"
jr "$(lab_ctl 1 show routes evpn --json)" "one(d, type='macadv', mac='$(lab_mac 2)', best=True)" \
	"r['as_path'] == '65100 65002' and r['nexthop'] == '$(lab_ip 2)'" "h1 holds h2's route (65100 65002, next hop h2's VTEP)"
jr "$("$EVPNCTL" -s "$LAB_DIR/rr.sock" show routes evpn --json)" "one(d, type='macadv', mac='$(lab_mac 1)', best=True)" \
	"r['as_path'] == '65001' and r['installed'] is False" "the ToR holds h1's route (AS path 65001), installs nothing"
vm_ping 1 1 2 1 || fail "h1's VM cannot ping h2's VM through evpnd's ToR"
lab_pass
