#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ctest-labels: vm (boots scripts/vm.sh; scripts/test.sh runs it with the plain build only)
# Symmetric IRB between evpnd and FRR 8.4 (zebra + bgpd, Debian's frr) on a third hypervisor
# configured the same way, in scripts/vm.sh (VRF; docs/wire.md "Symmetric IRB"). Tenant vrf-t,
# L3 VNI 4000, iBGP full mesh in AS 64512:
#   h1 evpnd: VNI 100, VM 10.1.0.11.   h2 evpnd: VNI 200, VM 10.2.0.12, dummy 192.0.2.1/24 in vrf-t.
#   h3 FRR:   VNI 300, VM 10.3.0.13    (zebra.conf `vrf vrf-t / vni 4000`; bgpd `router bgp 64512
#             vrf vrf-t` with redistribute connected and advertise ipv4 unicast).
# No hypervisor has another's L2 VNI of the tenant, so everything between them is routed:
#   - FRR installs evpnd's routes: h1's VM as 10.1.0.11 via h1 on br-l3, h2's 192.0.2.0/24 via h2,
#     with h1's and h2's router MACs as its neighbours on br-l3: labels, RTs and Router's MAC as
#     FRR reads them;
#   - FRR's BGP table has evpnd's MAC+IP route with labels 100/4000 and the RTs 64512:100 and
#     64512:4000 (FRR's auto RTs), and its type-5 routes;
#   - evpnd installs FRR's: 10.3.0.13 and 10.3.0.0/24 via h3 with h3's router MAC;
#   - the VMs ping across both ways (evpnd -> FRR and FRR -> evpnd), and h3's VM reaches 192.0.2.1.
source "$(dirname "$0")/lib.sh"

require ip bridge python3
require_evpnd
t_init

if [ "${1:-}" != --inner ]; then
	step "evpnd and FRR in one routed tenant, inside scripts/vm.sh (Debian's kernel has VRF)"
	vm_run "the evpnd/FRR routed tenant" bash "$EVPND_SRC/tests/integration/test_routed_frr.sh" --inner
fi

[ -x /usr/lib/frr/zebra ] && [ -x /usr/lib/frr/bgpd ] && command -v vtysh >/dev/null ||
	fail "FRR not installed (Debian package frr: /usr/lib/frr/zebra, bgpd, vtysh)"

step "h1, h2 (evpnd) and h3 (FRR) in tenant vrf-t, each with its own L2 VNI"
lab_up -n 3 --skip 3 --no-start
H1=$(lab_ip 1) H2=$(lab_ip 2) H3=$(lab_ip 3)
tenant_host 1 100 1
tenant_host 2 200 2 --ext
tenant_host 3 300 3
frr_conf frr 64512 "$H3" "$H1" "$H2"
printf 'vrf vrf-t\n vni 4000\nexit-vrf\n!\n' >>"$T_DIR/frr/zebra.conf"
cat >>"$T_DIR/frr/bgpd.conf" <<EOF
router bgp 64512 vrf vrf-t
 bgp router-id $H3
 no bgp default ipv4-unicast
 address-family ipv4 unicast
  redistribute connected
 exit-address-family
 address-family l2vpn evpn
  advertise ipv4 unicast
 exit-address-family
!
EOF
lab start all >/dev/null || fail "lab start all"
frr_start frr h3
lab_wait_mesh 30
wait_for 30 frr_established frr "$H1" && wait_for 10 frr_established frr "$H2" ||
	fail "FRR: sessions to h1 and h2 not established"

step "each VM talks to its gateway: MAC+IP routes go out"
for i in 1 2 3; do
	ip netns exec "$(ns "h$i-vm1")" ping -c 1 -W 2 "10.$i.0.1" >/dev/null ||
		fail "h$i's VM cannot reach its anycast gateway"
done

step "FRR installs evpnd's routes: host and prefix, router MACs as neighbours"
wait_for 30 tenant_route 3 10.1.0.11 "$H1" || fail "FRR (h3) did not install h1's VM: $(ip -n "$(ns h3)" route show table 1000)"
wait_for 15 tenant_route 3 192.0.2.0/24 "$H2" || fail "FRR (h3) did not install h2's 192.0.2.0/24"
wait_for 5 tenant_route 3 10.2.0.0/24 "$H2" || fail "FRR (h3) did not install h2's subnet"
nb=$(ip -n "$(ns h3)" neigh show dev br-l3)
grep -qE "^$H1 lladdr $(tenant_rmac 1) " <<<"$nb" && grep -qE "^$H2 lladdr $(tenant_rmac 2) " <<<"$nb" ||
	fail "FRR (h3) lacks evpnd's router MACs on br-l3: $nb"
log "h3 (FRR) table 1000: $(ip -n "$(ns h3)" route show table 1000 proto bgp | tr '\n' ';')"

step "FRR's BGP table agrees on labels, route targets and router MAC"
# FRR's detail of h1's VM's MAC+IP route (one vtysh call: each costs seconds under emulation): the
# labels as it reads them (L2 VNI / L3 VNI), both route targets and the Router's MAC
frr_vtysh frr 'show bgp l2vpn evpn route detail type macip' >"$T_DIR/frr-macip.txt" || fail "vtysh: show ... macip"
python3 - "$T_DIR/frr-macip.txt" "$H1" "$(tenant_rmac 1)" <<'PY' || fail "FRR's view of h1's MAC+IP route differs (above)"
import re, sys
text, h1, rmac = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
blocks = [b for b in re.split(r'\n(?=Route Distinguisher:|BGP routing table entry)', text) if '10.1.0.11' in b]
hit = [b for b in blocks if re.search(r'\b100/4000\b', b) and 'RT:64512:100' in b and
       'RT:64512:4000' in b and ('Rmac:' + rmac) in b and h1 in b]
print('\n'.join(hit[:1]) if hit else '\n'.join(blocks[:2]) or text[:1500])
sys.exit(0 if hit else 1)
PY
frr_vtysh frr 'show bgp vrf vrf-t ipv4 unicast json' >"$T_DIR/frr-vrf.json" || fail "vtysh: show bgp vrf vrf-t"
jcheck "$(cat "$T_DIR/frr-vrf.json")" "(all(p in d['routes'] for p in ('10.1.0.11/32', '10.2.0.12/32',
	'10.1.0.0/24', '10.2.0.0/24', '192.0.2.0/24')))" "FRR's vrf-t table has evpnd's host and prefix routes"

step "evpnd installs FRR's routes"
for i in 1 2; do
	wait_for 30 tenant_route "$i" 10.3.0.13 "$H3" || fail "h$i did not install h3's VM: $(ip -n "$(ns "h$i")" route show table 1000)"
	wait_for 15 tenant_route "$i" 10.3.0.0/24 "$H3" || fail "h$i did not install FRR's type-5 10.3.0.0/24"
	nb=$(ip -n "$(ns "h$i")" neigh show dev br-l3)
	grep -qE "^$H3 lladdr $(tenant_rmac 3) extern_learn" <<<"$nb" || fail "h$i: no router-MAC neighbour for h3: $nb"
done
jcheck "$(lab_ctl 1 show routes evpn --json)" "(len([r for r in d if r.get('type') == 'macadv' and
	r.get('ip') == '10.3.0.13' and r.get('l3vni') == 4000 and r.get('router_mac') == '$(tenant_rmac 3)' and
	'64512:4000' in r.get('route_targets', [])]) == 1)" "h1 reads FRR's MAC+IP route: L3 VNI, router MAC, VRF RT"

step "pings across evpnd and FRR, routed at both ends"
out=$(ip netns exec "$(ns h1-vm1)" ping -c 3 -i 0.2 -W 2 10.3.0.13) || fail "h1's VM -> h3's VM (FRR): $out"
grep -q 'ttl=62' <<<"$out" || fail "h1 -> h3 not routed twice: $out"
ip netns exec "$(ns h3-vm1)" ping -c 3 -i 0.2 -W 2 10.2.0.12 >/dev/null || fail "h3's VM (FRR) -> h2's VM"
ip netns exec "$(ns h3-vm1)" ping -c 2 -i 0.2 -W 2 192.0.2.1 >/dev/null || fail "h3's VM (FRR) -> 192.0.2.1 on h2"
log "routed both ways between evpnd and FRR; FRR's VM reaches h2's type-5 prefix"
frr_alive || fail "an FRR daemon died"
lab_pass
