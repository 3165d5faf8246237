#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Interop with FRR 8.4 (Debian's frr: zebra + bgpd, advertise-all-vni) as one hypervisor's VTEP:
# h1 and h2 run evpnd, h3 runs FRR (scripts/lab.sh --skip 3, lib.sh's lab_frr_h3), iBGP full mesh.
#   - VMs ping across in both directions; every route agrees between FRR (`show bgp l2vpn evpn
#     route detail json`) and each evpnd (`show routes --json`): same best routes, RD, RT, VNI,
#     next hop, PMSI (ingress replication, label = VNI) and MAC mobility sequence; FRR's MAC table
#     (`show evpn mac vni all json`) agrees with evpnd's routes (location and sequence);
#   - MAC mobility both ways: h1's VM moves onto FRR's bridge (FRR advertises seq 1, h1 withdraws,
#     every FDB follows h3), then back to h1 (seq 2, FRR withdraws, FRR's zebra installs it toward
#     h1); the sequences each side shows agree;
#   - ARP suppression across the two: evpnd h1 (arp-suppress = yes) and FRR h3 (neigh_suppress on
#     its VXLAN port, as FRR expects the operator to set) each learn their VM's IP from their bridge
#     and advertise it as a MAC+IP route; the other installs it as a NOARP neighbour, and neither
#     VM receives an ARP request from the other (h2, suppression off, is the control that floods).
source "$(dirname "$0")/lib.sh"

require ip bridge ping tcpdump python3 vtysh
require_evpnd
t_init

step "h1, h2 with evpnd (arp-suppress on h1); h3 with FRR zebra + bgpd"
lab_frr_h3 --extra-global-on 1 'arp-suppress = yes'
frr_vtysh frr 'show version' | sed -n 1p >&2

# ---- comparing FRR's view with evpnd's ----
# agree I: FRR's best EVPN routes and evpnd I's are the same set with the same attributes; FRR's
# MAC table agrees with evpnd I's MAC-only routes. Prints the differences (exit 1) if not.
cat >"$T_DIR/agree.py" <<'PY'
import json, sys
frr_rib, frr_macs, ev = (json.load(open(f)) for f in sys.argv[1:4])
h3 = sys.argv[4]
ev = ev.get("data", ev) if isinstance(ev, dict) else ev
bad = []

def frr_routes(d):
    out = {}
    for rd, rdv in d.items():
        if not isinstance(rdv, dict):
            continue
        for pfx, pv in rdv.items():
            if not isinstance(pv, dict) or "routeType" not in pv:
                continue
            best = [p for grp in pv.get("paths", []) for p in grp
                    if (p.get("bestpath") or {}).get("overall")]
            if not best:  # FRR keeps path-less placeholder entries: not routes
                continue
            p = best[0]
            comm = (p.get("extendedCommunity") or {}).get("string", "").replace(",", " ").split()
            t = {2: "macadv", 3: "multicast"}.get(pv["routeType"], pv["routeType"])
            key = (t, pv["rd"], pv.get("ethTag"), pv.get("mac") if t == "macadv" else None, pv.get("ip"))
            pmsi = p.get("pmsi")
            out[key] = {
                "nexthop": p["nexthops"][0]["ip"],
                "rt": sorted(c[3:] for c in comm if c.startswith("RT:")),
                "encap": "vxlan" if "ET:8" in comm else None,
                "seq": next((int(c[3:]) for c in comm if c.startswith("MM:")), 0),
                "vni": int(p["vni"]) if t == "macadv" else (pmsi or {}).get("label"),
                "pmsi": (pmsi["tunnelType"], pmsi["label"]) if pmsi else None,
            }
    return out

def ev_routes(d):
    out = {}
    for r in d:
        if r.get("family") != "evpn" or not r.get("best"):
            continue
        t = r["type"]
        key = (t, r["rd"], r["etag"], r.get("mac") if t == "macadv" else None,
               r["ip"] if t == "macadv" else r.get("originator"))
        pm = r.get("pmsi")
        if pm and pm.get("endpoint") != r.get("originator"):
            bad.append("evpnd %s: PMSI endpoint %s is not the originator" % (key, pm.get("endpoint")))
        out[key] = {
            "nexthop": r["nexthop"], "rt": sorted(r.get("route_targets") or []),
            "encap": r.get("encap"), "seq": r.get("seq", 0), "vni": r.get("vni"),
            "pmsi": ({"ingress-replication": "Ingress Replication"}.get(pm["type"], pm["type"]),
                     pm["label"]) if pm else None,
        }
    return out

f, e = frr_routes(frr_rib), ev_routes(ev)
for k in sorted(set(f) | set(e), key=str):
    if k not in e:
        bad.append("only FRR has %s %s" % (k, f[k]))
    elif k not in f:
        bad.append("only evpnd has %s %s" % (k, e[k]))
    elif f[k] != e[k]:
        bad.append("%s: FRR %s, evpnd %s" % (k, f[k], e[k]))
    elif k[0] == "multicast" and f[k]["pmsi"] != ("Ingress Replication", f[k]["vni"]):
        bad.append("%s: PMSI %s is not ingress replication with label = VNI" % (k, f[k]["pmsi"]))

# RFC 7432 15: a MAC+IP route carries the sequence of its MAC's route (FRR ignores a lower one)
for k, v in e.items():
    mo = e.get(("macadv", k[1], k[2], k[3], None))
    if k[0] == "macadv" and k[4] is not None and mo and mo["seq"] != v["seq"]:
        bad.append("%s: MAC+IP route seq %s, its MAC's route seq %s" % (k, v["seq"], mo["seq"]))

# FRR's MAC table against evpnd's best MAC-only routes: where, and with which sequence
ev_mac = {k[3]: v for k, v in e.items() if k[0] == "macadv" and k[4] is None}
macs = (frr_macs.get("100") or {}).get("macs") or {}
for mac, m in macs.items():
    r = ev_mac.get(mac)
    want_nh, want_seq = ((h3, m["localSequence"]) if m["type"] == "local"
                         else (m.get("remoteVtep"), m["remoteSequence"]))
    if r is None:
        bad.append("FRR's MAC table has %s (%s), evpnd has no route for it" % (mac, m["type"]))
    elif (r["nexthop"], r["seq"]) != (want_nh, want_seq):
        bad.append("%s: FRR's MAC table says %s seq %s, evpnd's route %s seq %s"
                   % (mac, want_nh, want_seq, r["nexthop"], r["seq"]))
for mac in set(ev_mac) - set(macs):
    bad.append("evpnd has a route for %s, FRR's MAC table does not" % mac)
print("\n".join(bad) if bad else "%d routes, %d MACs agree" % (len(e), len(macs)))
sys.exit(1 if bad else 0)
PY
agree() {
	frr_vtysh frr 'show bgp l2vpn evpn route detail json' >"$T_DIR/frr-rib.json" 2>/dev/null &&
		frr_vtysh frr 'show evpn mac vni all json' >"$T_DIR/frr-macs.json" 2>/dev/null &&
		lab_ctl "$1" show routes evpn --json >"$T_DIR/ev-h$1.json" 2>/dev/null &&
		python3 "$T_DIR/agree.py" "$T_DIR/frr-rib.json" "$T_DIR/frr-macs.json" "$T_DIR/ev-h$1.json" "$H3"
}
# check_agree WHAT: both evpnd agree with FRR (waiting up to 10 s for convergence), else fail.
check_agree() {
	local i out
	for i in 1 2; do
		wait_for 10 agree "$i" || { out=$(agree "$i" 2>&1) || true; fail "$1: FRR and h$i's evpnd disagree: $out"; }
	done
	log "$1: FRR and both evpnd agree ($(agree 1))"
}

# frr_mac NAME MAC FIELD: one field of FRR's MAC table entry for MAC in VNI 100 ("none" if absent).
frr_mac() {
	frr_vtysh frr 'show evpn mac vni all json' 2>/dev/null |
		jpy "str(((d.get('100') or {}).get('macs') or {}).get('$1', {}).get('$2', 'none'))"
}
frr_mac_is() { [ "$(frr_mac "$1" "$2")" = "$3" ]; }
# local_seq I MAC: the sequence of hypervisor I's local route for MAC ("none" without one).
local_seq() {
	lab_ctl "$1" show routes evpn --json 2>/dev/null |
		jpy "str((one(d, type='macadv', mac='$2', ip=None, source='local') or {}).get('seq', 'none'))"
}
local_seq_is() { [ "$(local_seq "$1" "$2")" = "$3" ]; }
# best_is I MAC NH SEQ: evpnd I's best MAC-only route for MAC has next hop NH and sequence SEQ.
best_is() {
	lab_ctl "$1" show routes evpn --json 2>/dev/null |
		jpy "(lambda r: r is not None and r['nexthop'] == '$3' and r['seq'] == $4)(one(d, type='macadv', mac='$2', ip=None, best=True))" >/dev/null
}
# on_port I MAC PORT: hypervisor I's bridge has MAC on PORT (and no extern_learn entry for it there).
on_port() {
	local out
	out=$(ip netns exec "$(ns "h$1")" bridge fdb show br br100 2>/dev/null) || return 1
	grep -E "^$2 dev $3 (.* )?master br100" <<<"$out" >/dev/null &&
		! grep -E "^$2 dev vx100 (.* )?master br100" <<<"$out" >/dev/null
}
vm_ping_ok() { ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1; }

step "VMs ping across evpnd and FRR hypervisors"
for i in 1 2; do
	wait_for 10 fdb_remote "$i" "$(lab_mac 3)" "$H3" || fail "h$i: FRR's VM MAC not installed toward $H3"
	wait_for 10 fdb_flood "$i" "$H3" || fail "h$i: no flood entry toward FRR's VTEP (type-3 + PMSI)"
	wait_for 10 fdb_remote 3 "$(lab_mac "$i")" "$(lab_ip "$i")" ||
		fail "h3 (FRR): h$i's VM MAC not installed toward $(lab_ip "$i") as self+master extern_learn"
	wait_for 10 fdb_flood 3 "$(lab_ip "$i")" || fail "h3 (FRR): no flood entry toward h$i"
	vm_ping "$i" 1 3 1 || fail "h$i's VM cannot ping FRR's VM"
	vm_ping 3 1 "$i" 1 || fail "FRR's VM cannot ping h$i's VM"
done
check_agree "at start"

# move_away I J: VM 1 of hypervisor I gets a new veth (mv1) on hypervisor J's bridge, the same MAC
# and IP, and sends from there (one ping to h2's or h3's VM); its old eth0 stays, silent.
move_away() {
	local vm mac ip
	vm=$(ns "h$1-vm1") mac=$(lab_mac "$1") ip=$(lab_vmip "$1")
	ip -n "$(ns "h$2")" link add mv1 type veth peer name eth1 netns "$vm"
	ip netns exec "$vm" sysctl -qw net.ipv6.conf.eth1.disable_ipv6=1
	# the old interface keeps the MAC but loses the address: it must not answer ARP for it (Linux
	# answers on any interface by default), or the old bridge relearns the MAC at once
	ip netns exec "$vm" sysctl -qw net.ipv4.conf.all.arp_ignore=1
	ip -n "$vm" link set eth1 address "$mac" mtu 1450
	ip -n "$(ns "h$2")" link set mv1 master br100 up
	ip -n "$vm" addr del "$ip/24" dev eth0
	ip netns exec "$vm" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
	ip -n "$vm" neigh flush dev eth0
	ip -n "$vm" addr add "$ip/24" dev eth1
	ip -n "$vm" link set eth1 up
	wait_for 5 link_up "h$2" mv1 || fail "h$2's mv1 has no carrier"
	ip netns exec "$vm" ping -c 1 -W 1 -I eth1 "$(lab_vmip $((5 - $1)))" >/dev/null 2>&1 || true
}
# move_back I J: the reverse (the address back on eth0; J's mv1 deleted once the move converged)
move_back() {
	local vm ip
	vm=$(ns "h$1-vm1") ip=$(lab_vmip "$1")
	ip -n "$vm" addr del "$ip/24" dev eth1
	ip -n "$vm" neigh flush dev eth1
	ip -n "$vm" addr add "$ip/24" dev eth0
	ip netns exec "$vm" ping -c 1 -W 1 -I eth0 "$(lab_vmip $((5 - $1)))" >/dev/null 2>&1 || true
}

M=$(lab_mac 1) VM=$(ns h1-vm1)
step "h1's VM (evpnd) moves onto FRR's bridge (new veth mv1 on h3, same MAC and IP)"
move_away 1 3
wait_for 5 frr_mac_is "$M" type local || fail "FRR did not learn $M as local (type $(frr_mac "$M" type))"
wait_for 5 frr_mac_is "$M" localSequence 1 ||
	fail "FRR advertises $M with local sequence $(frr_mac "$M" localSequence), not 1"
wait_for 5 local_seq_is 1 "$M" none || fail "h1 still advertises $M (seq $(local_seq 1 "$M"))"
for i in 1 2; do
	wait_for 5 best_is "$i" "$M" "$H3" 1 || fail "h$i: best route for $M is not FRR's with seq 1"
	wait_for 5 fdb_remote "$i" "$M" "$H3" || fail "h$i: the FDB does not follow $M to h3"
done
on_port 3 "$M" mv1 || fail "h3: the bridge does not have $M on mv1 (local)"
ip netns exec "$(ns h1)" bridge fdb show br br100 | grep -E "^$M dev vm1 " >/dev/null &&
	fail "h1 kept its learned entry for $M on vm1"
# FRR's zebra leaves the old `self` entry toward h1 on vx100 (the bridge's own entry moved to mv1,
# so it is never used); noted, not asserted
ip netns exec "$(ns h3)" bridge fdb show dev vx100 | grep -E "^$M dst " >/dev/null &&
	log "note: FRR's zebra kept a stale vx100 self entry for $M: $(ip netns exec "$(ns h3)" bridge fdb show dev vx100 | grep -E "^$M dst ")"
wait_for 5 vm_ping_ok "$VM" "$(lab_vmip 2)" || fail "the VM, moved to h3, cannot ping h2's VM"
check_agree "after h1's VM moved to FRR"

step "...and back to h1: h1 advertises seq 2, FRR withdraws and installs it toward h1"
move_back 1 3
wait_for 5 local_seq_is 1 "$M" 2 || fail "h1 advertises $M with seq $(local_seq 1 "$M"), not 2"
wait_for 5 frr_mac_is "$M" type remote || fail "FRR still has $M as $(frr_mac "$M" type), not remote"
frr_mac_is "$M" remoteVtep "$H1" || fail "FRR has $M behind $(frr_mac "$M" remoteVtep), not h1"
frr_mac_is "$M" remoteSequence 2 || fail "FRR has $M with remote sequence $(frr_mac "$M" remoteSequence), not 2"
wait_for 5 best_is 2 "$M" "$H1" 2 || fail "h2: best route for $M is not h1's with seq 2"
wait_for 5 fdb_remote 2 "$M" "$H1" || fail "h2: the FDB does not follow $M back to h1"
wait_for 5 fdb_remote 3 "$M" "$H1" || fail "h3 (FRR): the FDB does not follow $M back to h1"
on_port 3 "$M" mv1 && fail "h3 kept the bridge's entry for $M on mv1"
wait_for 5 on_port 1 "$M" vm1 || fail "h1: the bridge does not have $M on vm1"
fdb_no_mac 1 "$M" || fail "h1 has a vx100 entry for its own VM's $M"
wait_for 5 vm_ping_ok "$VM" "$(lab_vmip 3)" || fail "the VM, back on h1, cannot ping FRR's VM"
check_agree "after h1's VM moved back"
ip -n "$(ns h3)" link del mv1

M3=$(lab_mac 3) VM3=$(ns h3-vm1)
step "FRR's VM moves onto h2's bridge (evpnd): FRR's route had no mobility community, h2 gives seq 1"
move_away 3 2
wait_for 5 local_seq_is 2 "$M3" 1 || fail "h2 advertises $M3 with seq $(local_seq 2 "$M3"), not 1"
wait_for 5 frr_mac_is "$M3" type remote || fail "FRR still has $M3 as $(frr_mac "$M3" type), not remote"
frr_mac_is "$M3" remoteVtep "$H2" || fail "FRR has $M3 behind $(frr_mac "$M3" remoteVtep), not h2"
frr_mac_is "$M3" remoteSequence 1 || fail "FRR has $M3 with remote sequence $(frr_mac "$M3" remoteSequence), not 1"
wait_for 5 best_is 1 "$M3" "$H2" 1 || fail "h1: best route for $M3 is not h2's with seq 1"
wait_for 5 fdb_remote 1 "$M3" "$H2" || fail "h1: the FDB does not follow $M3 to h2"
wait_for 5 fdb_remote 3 "$M3" "$H2" || fail "h3 (FRR): the FDB does not follow $M3 to h2"
on_port 3 "$M3" vm1 && fail "h3 kept the bridge's entry for $M3 on vm1"
wait_for 5 on_port 2 "$M3" mv1 || fail "h2: the bridge does not have $M3 on mv1"
wait_for 5 fdb_no_mac 2 "$M3" || fail "h2 kept a vx100 entry for $M3, now its own"
wait_for 5 vm_ping_ok "$VM3" "$(lab_vmip 1)" || fail "FRR's VM, moved to h2, cannot ping h1's VM"
check_agree "after FRR's VM moved to h2"

step "...and back to h3: FRR advertises seq 2, h2 withdraws"
move_back 3 2
wait_for 5 frr_mac_is "$M3" type local || fail "FRR did not relearn $M3 as local (type $(frr_mac "$M3" type))"
wait_for 5 frr_mac_is "$M3" localSequence 2 ||
	fail "FRR advertises $M3 with local sequence $(frr_mac "$M3" localSequence), not 2"
wait_for 5 local_seq_is 2 "$M3" none || fail "h2 still advertises $M3 (seq $(local_seq 2 "$M3"))"
for i in 1 2; do
	wait_for 5 best_is "$i" "$M3" "$H3" 2 || fail "h$i: best route for $M3 is not FRR's with seq 2"
	wait_for 5 fdb_remote "$i" "$M3" "$H3" || fail "h$i: the FDB does not follow $M3 back to h3"
done
wait_for 5 on_port 3 "$M3" vm1 || fail "h3: the bridge does not have $M3 on vm1"
ip netns exec "$(ns h2)" bridge fdb show br br100 | grep -E "^$M3 dev mv1 " >/dev/null &&
	fail "h2 kept its learned entry for $M3 on mv1"
wait_for 5 vm_ping_ok "$VM3" "$(lab_vmip 1)" || fail "FRR's VM, back on h3, cannot ping h1's VM"
check_agree "after FRR's VM moved back"
ip -n "$(ns h2)" link del mv1

step "ARP suppression: each side learns its VM's IP and advertises it as MAC+IP"
# FRR leaves neigh_suppress to the operator (evpnd sets it itself with arp-suppress = yes)
ip netns exec "$(ns h3)" bridge link set dev vx100 neigh_suppress on
wait_for 10 bash -c "ip -n $(ns h1) -d link show dev vx100 | grep 'neigh_suppress on'" ||
	fail "h1: vx100 has no neigh_suppress on"
# neigh_has I IP MAC: hypervisor I's br100 has IP -> MAC as a remote (NOARP extern_learn) neighbour.
neigh_has() {
	local out
	out=$(ip -n "$(ns "h$1")" neigh show dev br100 to "$2" 2>/dev/null) || return 1
	grep -E "^$2 lladdr $3 .*extern_learn.*NOARP" <<<"$out" >/dev/null
}
ip -n "$(ns h1)" addr add 192.168.100.251/24 dev br100
ip -n "$(ns h3)" addr add 192.168.100.253/24 dev br100
ip netns exec "$(ns h1)" ping -c 1 -W 1 "$(lab_vmip 1)" >/dev/null || fail "h1 cannot ping its VM"
ip netns exec "$(ns h3)" ping -c 1 -W 1 "$(lab_vmip 3)" >/dev/null || fail "h3 cannot ping its VM"
wait_for 10 neigh_has 1 "$(lab_vmip 3)" "$(lab_mac 3)" ||
	fail "h1: FRR's MAC+IP route for $(lab_vmip 3) is no NOARP extern_learn neighbour on br100"
# RFC 7432 15: a MAC+IP route carries its MAC's sequence (2 after the moves); FRR ignores a MAC+IP
# route whose sequence is below the one it knows for the MAC
wait_for 10 neigh_has 3 "$(lab_vmip 1)" "$(lab_mac 1)" ||
	fail "h3 (FRR): h1's MAC+IP route for $(lab_vmip 1) is no NOARP extern_learn neighbour on br100"
check_agree "with MAC+IP routes"

step "VM-to-VM ARP: none crosses between h1 and h3; h2 (suppression off) floods as the control"
cap() { printf '%s/arp-h%s.pcap' "$T_DIR" "$1"; }
for i in 1 3; do
	ip netns exec "$(ns "h$i-vm1")" ip neigh flush all
	spawn_capture "tcpdump-h$i" "h$i-vm1" tcpdump -i eth0 -Q in -n -U -w "$(cap "$i")" 'arp and arp[6:2] == 1'
	TCPDUMP[i]=$SPAWNED_PID
done
ip netns exec "$(ns h2-vm1)" ip neigh flush all
vm_ping 1 1 3 1 || fail "h1's VM cannot ping FRR's VM"
vm_ping 3 1 1 1 || fail "FRR's VM cannot ping h1's VM"
vm_ping 2 1 1 1 || fail "h2's VM cannot ping h1's VM"
vm_ping 2 1 3 1 || fail "h2's VM cannot ping FRR's VM"
# h2's requests came last: once both captures hold one, they hold everything sent before it
asked_any() { tcpdump -r "$(cap "$1")" -n 2>/dev/null | grep "tell $2," >/dev/null; }
wait_for 5 asked_any 1 "$(lab_vmip 2)" && wait_for 5 asked_any 3 "$(lab_vmip 2)" ||
	fail "h2's VM's ARP requests did not reach h1's and FRR's VMs: the test would prove nothing"
for i in 1 3; do
	kill -INT "${TCPDUMP[$i]}" 2>/dev/null
	wait "${TCPDUMP[$i]}" 2>/dev/null
done
# asked I FROM_IP: ARP requests VM I received that FROM_IP sent
asked() { tcpdump -r "$(cap "$1")" -n 2>/dev/null | grep -c "tell $2," || true; }
n13=$(asked 3 "$(lab_vmip 1)") n31=$(asked 1 "$(lab_vmip 3)")
n21=$(asked 1 "$(lab_vmip 2)") n23=$(asked 3 "$(lab_vmip 2)")
log "ARP requests received: FRR's VM from h1's $n13, h1's VM from FRR's $n31, from h2's VM: h1's $n21, FRR's $n23"
[ "$n13" = 0 ] || fail "$n13 ARP request(s) crossed from h1 (evpnd, arp-suppress) to FRR's VM"
[ "$n31" = 0 ] || fail "$n31 ARP request(s) crossed from h3 (FRR, neigh_suppress) to h1's VM"
[ "$n21" -ge 1 ] && [ "$n23" -ge 1 ] ||
	fail "h2's VM's ARP requests did not reach h1's ($n21) and FRR's ($n23) VMs: the test proves nothing"

step "h1's VM, now with a MAC+IP route, moves to FRR and back: FRR installs its MAC+IP again"
# RFC 7432 15: the MAC+IP route carries its MAC's new sequence; FRR's zebra ignores a MAC+IP route
# whose sequence is below the MAC's. evpnd once re-originated it with the sequence from before
# the move back; agent/evpn/macs.c resolve() now stores the new sequence before local_advertise
# re-originates the MAC+IP routes.
move_away 1 3
wait_for 5 frr_mac_is "$M" localSequence 3 ||
	fail "FRR advertises $M with local sequence $(frr_mac "$M" localSequence), not 3"
wait_for 5 local_seq_is 1 "$M" none || fail "h1 still advertises $M (seq $(local_seq 1 "$M"))"
move_back 1 3
wait_for 5 local_seq_is 1 "$M" 4 || fail "h1 advertises $M with seq $(local_seq 1 "$M"), not 4"
# h1's bridge still has the neighbour: its MAC+IP route comes back with the MAC, seq 4
wait_for 5 frr_mac_is "$M" remoteSequence 4 || fail "FRR has $M with remote sequence $(frr_mac "$M" remoteSequence), not 4"
wait_for 10 neigh_has 3 "$(lab_vmip 1)" "$(lab_mac 1)" ||
	fail "h3 (FRR): no neighbour for $(lab_vmip 1) after the move back: FRR ignored h1's MAC+IP route (its sequence: $(lab_ctl 1 show routes evpn --json | jpy "[r['seq'] for r in find(d, type='macadv', mac='$M', ip='$(lab_vmip 1)', source='local')]"))"
check_agree "after h1's VM with its MAC+IP route moved to FRR and back"
ip -n "$(ns h3)" link del mv1

frr_alive || fail "an FRR daemon died during the test"
lab_pass
