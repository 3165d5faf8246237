#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# arp-snoop: the lab's bridges have no IP address, so the kernel's neighbour table learns nothing;
# h1 (arp-snoop = yes, arp-suppress off) learns its VMs' IP-to-MAC bindings from their ARP and
# NS/NA frames on its bridge ports and advertises them as MAC+IP routes; h2 (arp-suppress = yes)
# installs them as neighbour entries on its bridge. ARP arriving over the VXLAN port is never
# learned as local; a VM that changes its IP (GARP) gets the new route and loses the old one (the
# old binding ages out: arp-snoop-age = 4 on h1); removing the VM's MAC from h1's FDB withdraws
# its MAC+IP routes at once.
source "$(dirname "$0")/lib.sh"

require ip bridge ping python3
require_evpnd
t_init

step "a 2-hypervisor lab: h1 snoops (arp-suppress off), h2 suppresses"
lab_up -n 2 --debug --extra-global-on 1 'arp-snoop = yes' --extra-global-on 1 'arp-snoop-age = 4' \
	--extra-global-on 2 'arp-suppress = yes' --extra-global-on 2 'arp-snoop = no'
lab_wait_mesh 30
for i in 1 2; do
	[ -z "$(ip -n "$(ns "h$i")" -o addr show dev br100 scope global)" ] ||
		fail "h$i: br100 has an IP address: the test would prove nothing"
done
H1LOG=$LAB_DIR/h1.log
grep -q "arp-snoop: learning" "$H1LOG" || fail "h1: the snooper did not start"
grep -q "arp-snoop: learning" "$LAB_DIR/h2.log" && fail "h2: snooping though arp-snoop = no"

MAC1=$(lab_mac 1)
# route_at_h2 IP: h2 has h1's MAC+IP route for h1's VM with IP
route_at_h2() {
	lab_ctl 2 show routes evpn --json 2>/dev/null |
		jpy "any(r.get('type') == 'macadv' and r.get('mac') == '$MAC1' and r.get('ip') == '$1' and
			 r.get('nexthop') == '$(lab_ip 1)' for r in d)" >/dev/null
}
# local_at_h1 IP: h1 advertises a MAC+IP route of its own with IP (any MAC)
local_at_h1() {
	lab_ctl 1 show routes evpn --json 2>/dev/null |
		jpy "any(r.get('type') == 'macadv' and r.get('ip') == '$1' and
			 r.get('nexthop') == '$(lab_ip 1)' for r in d)" >/dev/null
}
neigh_at_h2() {
	local out
	out=$(ip -n "$(ns h2)" neigh show dev br100 to "$1" 2>/dev/null) || return 1
	grep -E "^$1 lladdr $2 .*extern_learn.*NOARP" <<<"$out" >/dev/null
}
# garp I K IP COUNT: VM K of hypervisor I sends COUNT gratuitous ARP requests for IP, 0.5 s apart
cat >"$T_DIR/garp.py" <<'EOF'
import socket, sys, time
ip, count = socket.inet_aton(sys.argv[1]), int(sys.argv[2])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
mac = s.getsockname()[4]
frame = b"\xff" * 6 + mac + b"\x08\x06" + bytes.fromhex("0001080006040001") + mac + ip + b"\0" * 6 + ip
for i in range(count):
    s.send(frame)
    if i + 1 < count:
        time.sleep(0.5)
EOF
garp() { ip netns exec "$(ns "h$1-vm$2")" python3 "$T_DIR/garp.py" "$3" "$4"; }

step "h1's VM ARPs (a ping): its MAC+IP route reaches h2 and becomes a neighbour there"
IP1=$(lab_vmip 1)
vm_ping 1 1 2 1 || fail "h1's VM cannot ping h2's VM"
wait_for 10 route_at_h2 "$IP1" || fail "h2 has no MAC+IP route $MAC1 $IP1 snooped by h1"
wait_for 10 neigh_at_h2 "$IP1" "$MAC1" || fail "h2: no neighbour $IP1 lladdr $MAC1 on br100"
grep -q "arp-snoop: learned $IP1 at $MAC1 on vm1\|arp-snoop: waiting for its MAC: $IP1 at $MAC1 on vm1" \
	"$H1LOG" || fail "h1's log does not show the binding learned on vm1"

step "IPv6: an address added in h1's VM (unsolicited NA) becomes a MAC+IP route"
IP6=fd00:100::11
ip netns exec "$(ns h1-vm1)" sysctl -qw net.ipv6.conf.eth0.ndisc_notify=1 ||
	fail "cannot set ndisc_notify in h1's VM"
ip -n "$(ns h1-vm1)" addr add "$IP6/64" dev eth0 || fail "cannot add $IP6 to h1's VM"
wait_for 10 route_at_h2 "$IP6" || fail "h2 has no MAC+IP route $MAC1 $IP6 (NA snooped by h1)"

step "ARP from h2's VM arrives over h1's VXLAN port: seen, and not learned as local"
UNKNOWN=192.168.100.200 # nobody has it: h2 floods the request to h1
ip netns exec "$(ns h2-vm1)" ping -c 2 -i 0.2 -W 1 $UNKNOWN >/dev/null 2>&1 || true
wait_for 5 grep -q "arp-snoop: ignored (VXLAN port) $(lab_vmip 2) at $(lab_mac 2) on vx100" "$H1LOG" ||
	fail "h1 did not see h2's VM's ARP on vx100: the check below would prove nothing"
local_at_h1 "$(lab_vmip 2)" && fail "h1 advertises h2's VM's IP $(lab_vmip 2) as its own"

step "h1's VM changes its IP (GARPs): the new route replaces the old one"
IP1B=192.168.100.41
ip -n "$(ns h1-vm1)" addr del "$IP1/24" dev eth0
ip -n "$(ns h1-vm1)" addr add "$IP1B/24" dev eth0
spawn garp1 h1-vm1 python3 "$T_DIR/garp.py" $IP1B 40
wait_for 10 route_at_h2 "$IP1B" || fail "h2 has no MAC+IP route for the new IP $IP1B"
wait_for 10 neigh_at_h2 "$IP1B" "$MAC1" || fail "h2: no neighbour for the new IP $IP1B"
wait_for 10 not route_at_h2 "$IP1" || fail "h2 still has the route for the old IP $IP1"
grep -q "arp-snoop: forgetting $IP1 at $MAC1: not seen again" "$H1LOG" ||
	fail "h1's log does not say why $IP1 went"
route_at_h2 "$IP1B" || fail "the refreshed route for $IP1B went with the old one"
stop_pid "$SPAWNED_PID"

step "the VM's MAC removed from h1's FDB: its MAC+IP routes are withdrawn"
garp 1 1 "$IP1B" 1 # fresh, so ageing cannot be what removes it
bridge -n "$(ns h1)" fdb del "$MAC1" dev vm1 master || fail "cannot delete $MAC1 from h1's FDB"
wait_for 5 not route_at_h2 "$IP1B" || fail "h2 still has the route for $IP1B after the MAC went"
grep -q "arp-snoop: forgetting $IP1B at $MAC1: its MAC was withdrawn" "$H1LOG" ||
	fail "h1 did not forget $IP1B because its MAC was withdrawn"

step "the VM speaks again (GARP): the bridge relearns its MAC and the route comes back"
# the frame reaches the snooper before the bridge's FDB event: the binding waits for its MAC
garp 1 1 "$IP1B" 1
wait_for 5 route_at_h2 "$IP1B" || fail "h2 has no route for $IP1B after the VM's MAC came back"
lab_pass
