#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ctest-labels: vm (boots scripts/vm.sh; scripts/test.sh runs it with the plain build only)
# The path an operator takes on a real hypervisor, on a VM whose PID 1 is systemd (scripts/vm.sh
# --systemd, Debian's kernel, this machine's root under a throw-away overlay):
#   - the kernel side from docs/host-setup.md's files, read from that page: systemd-networkd brings
#     up this host's bridge and VXLAN device; a second hypervisor (a namespace) gets its own from
#     the ifupdown2 file; VMs are namespaces on the bridges;
#   - `apt install` of the freshly built .deb, the shipped conffile edited, `systemctl enable --now`:
#     READY=1, the session up, VMs ping across, `systemctl status` and the journal as the docs say,
#     `systemd-analyze security` (the score docs/install.md gives);
#   - `systemctl reload`: a neighbor added to the file is applied; a bad file is refused (file:line
#     in the journal) and the service keeps running;
#   - under a 100 packets/s VM-to-VM flow: `apt install` of a second build (an upgrade, which
#     restarts evpnd), `systemctl stop` + `start`, `kill -9` of the main PID (Restart=on-failure
#     brings it back): 0 packets lost in each; networkd reloads and ifupdown2's `ifreload -a` leave
#     the FDB alone;
#   - `apt purge`: the files gone, the kernel FDB as it was, VMs still forwarding.
# The host side builds the package (packaging/build-deb.sh), repacks it as a higher version and
# fetches ifupdown2's .deb (apt, cached beside scripts/vm.sh's kernels); the same file runs inside
# the VM with --inner DIR.
source "$(dirname "$0")/lib.sh"

H1=10.0.0.1 H2=10.0.0.2 VM1=10.100.0.1 VM2=10.100.0.2
DOC=$EVPND_SRC/docs/host-setup.md

# doc_file NAME: the code block docs/host-setup.md puts under "<!-- file: NAME -->".
doc_file() {
	awk -v n="<!-- file: $1 -->" '
		$0 == n { want = 1; next }
		want && /^```/ { if (inside) exit; inside = 1; next }
		inside { print; found = 1 }
		END { exit !found }' "$DOC"
}

if [ "${1:-}" = --inner ]; then
	PKG=${2:?}
	require ip bridge ping systemctl journalctl apt-get dpkg networkctl
	if [ "${VM_SYSTEMD:-}" != 1 ] || [ "$(ps -p 1 -o comm=)" != systemd ]; then
		fail "PID 1 is not systemd: $(ps -p 1 -o comm=)"
	fi
	t_init
	EVPNCTL_SYS=/usr/bin/evpnctl
	DEB1=$(ls "$PKG"/v1/evpnd_*.deb) DEB2=$(ls "$PKG"/v2/evpnd_*.deb)
	V1=$(dpkg-deb -f "$DEB1" Version) V2=$(dpkg-deb -f "$DEB2" Version)
	FIG=$PKG/figures
	: >"$FIG"
	figure() { log "$*"; echo "$*" >>"$FIG"; }
	T_DIAG+=("systemctl status evpnd --no-pager" "journalctl -u evpnd --no-pager -n 40"
		"bridge fdb show dev vx100" "$EVPNCTL_SYS show neighbors" "networkctl list --no-pager")

	step "a clean slate: no evpnd package in the VM, no container policy-rc.d, no mandb on every dpkg run"
	if dpkg -s evpnd >/dev/null 2>&1; then apt-get purge -y -q evpnd >/dev/null 2>&1 || fail "purge the host's evpnd in the VM"; fi
	# man-db's trigger rebuilds its index after each install: seconds of emulated CPU for nothing
	rm -f /var/lib/man-db/auto-update
	# A container image's policy-rc.d forbids maintainer scripts to start or stop services (exit
	# 101): a real host has none, and the upgrade's restart and the removal's stop are under test.
	rm -f /usr/sbin/policy-rc.d
	export DEBIAN_FRONTEND=noninteractive

	step "the underlay: eno1 here, eno1 in hypervisor h2 (a namespace)"
	ns_add h2
	n2=$(ns h2)
	ip link add eno1 type veth peer name eno1 netns "$n2" || fail "veth eno1"

	step "udev (a real host's, missing from a container image's root)"
	if ! systemctl is-active -q systemd-udevd; then
		dpkg -i "$PKG/udev.deb" >"$T_DIR/udev.log" 2>&1 || fail "dpkg -i udev: $(tail -n 5 "$T_DIR/udev.log")"
		systemctl start systemd-udevd || fail "systemctl start systemd-udevd"
		udevadm trigger --action=add --subsystem-match=net && udevadm settle -t 30 || fail "udevadm trigger/settle"
	fi

	step "systemd-networkd: docs/host-setup.md's files bring up br100 and vx100"
	mkdir -p /etc/systemd/network
	for f in 10-eno1.network 20-br100.netdev 20-vx100.netdev 20-br100.network 20-vx100.network; do
		doc_file "networkd/$f" >"/etc/systemd/network/$f" || fail "docs/host-setup.md has no file networkd/$f"
	done
	systemctl enable --now systemd-networkd >"$T_DIR/networkd.log" 2>&1 || fail "systemctl enable --now systemd-networkd: $(cat "$T_DIR/networkd.log")"
	configured() { networkctl list --no-pager --no-legend | awk -v l="$1" '$2 == l && $5 == "configured" { f = 1 } END { exit !f }'; }
	for l in br100 vx100; do
		wait_for 30 configured "$l" || fail "networkd did not configure $l: $(networkctl list --no-pager)"
	done
	ip -d link show vx100 >"$T_DIR/vx100"
	for want in "vxlan id 100 " "local $H1 " "dstport 4789 " "nolearning "; do
		grep -qF -- "$want" "$T_DIR/vx100" || fail "vx100 from networkd lacks '$want': $(cat "$T_DIR/vx100")"
	done
	bridge -d link show dev vx100 >"$T_DIR/vx100port"
	for want in "master br100" "learning off" "neigh_suppress on"; do
		grep -qF -- "$want" "$T_DIR/vx100port" || fail "vx100's bridge port lacks '$want': $(cat "$T_DIR/vx100port")"
	done

	step "ifupdown2 on h2: docs/host-setup.md's interfaces file, in h2's own /etc/network/interfaces"
	dpkg -i "$PKG/ifupdown2.deb" >"$T_DIR/ifupdown2.log" 2>&1 || fail "dpkg -i ifupdown2: $(tail -n 5 "$T_DIR/ifupdown2.log")"
	mkdir -p "$T_DIR/h2-run" "$T_DIR/h2-state"
	doc_file ifupdown2/interfaces >"$T_DIR/h2-interfaces" || fail "docs/host-setup.md has no file ifupdown2/interfaces"
	# h2: its own interfaces file and ifupdown2 state, in a mount namespace of its own
	h2_if() {
		# shellcheck disable=SC2016 # $1.. are the inner shell's
		ip netns exec "$n2" unshare -m sh -c 'mount --bind "$1" /etc/network/interfaces &&
			mount --bind "$2" /run/network && mount --bind "$3" /var/tmp/network && shift 3 && exec "$@"' \
			h2_if "$T_DIR/h2-interfaces" "$T_DIR/h2-run" "$T_DIR/h2-state" "$@"
	}
	mkdir -p /run/network /var/tmp/network
	h2_if ifup -a >"$T_DIR/ifup.log" 2>&1 || fail "ifup -a on h2: $(cat "$T_DIR/ifup.log")"
	h2_if ifquery -a -c >"$T_DIR/ifquery.log" 2>&1 || fail "ifquery -a -c on h2 does not pass: $(cat "$T_DIR/ifquery.log")"
	ip -n "$n2" -d link show vx100 >"$T_DIR/h2vx100"
	for want in "vxlan id 100 " "local $H2 " "dstport 4789 " "nolearning "; do
		grep -qF -- "$want" "$T_DIR/h2vx100" || fail "h2's vx100 from ifupdown2 lacks '$want': $(cat "$T_DIR/h2vx100")"
	done
	bridge -n "$n2" -d link show dev vx100 | grep -F "learning off" | grep -qF "neigh_suppress on" ||
		fail "h2's vx100 port: $(bridge -n "$n2" -d link show dev vx100)"
	# eno1 waited for its carrier: h2's end is up now
	wait_for 30 configured eno1 || fail "networkd did not configure eno1: $(networkctl list --no-pager)"
	ip addr show dev eno1 | grep -qF "inet $H1/24" || fail "eno1 has no $H1/24 from networkd"
	wait_for 10 ping -c 1 -W 1 "$H2" || fail "the underlay: $H2 does not answer"

	step "VMs: vm1 on this host's br100, vm2 on h2's (veths, as libvirt's taps)"
	ns_add vm1
	ns_add vm2
	ip link add vnet1 type veth peer name eth0 netns "$(ns vm1)"
	ip link set vnet1 master br100 up
	ip -n "$n2" link add vnet2 type veth peer name eth0 netns "$(ns vm2)"
	ip -n "$n2" link set vnet2 master br100 up
	ip -n "$(ns vm1)" addr add "$VM1/24" dev eth0
	ip -n "$(ns vm2)" addr add "$VM2/24" dev eth0
	ip -n "$(ns vm1)" link set eth0 up
	ip -n "$(ns vm2)" link set eth0 up
	VM2MAC=$(ip -n "$(ns vm2)" -br link show eth0 | awk '{ print $3 }')

	step "apt install the package ($V1), edit the conffile, systemctl enable --now evpnd"
	t0=${EPOCHREALTIME/[.,]/}
	apt-get install -y -q "$DEB1" >"$T_DIR/apt1.log" 2>&1 || fail "apt-get install $DEB1: $(tail -n 20 "$T_DIR/apt1.log")"
	log "apt-get install took $(((${EPOCHREALTIME/[.,]/} - t0) / 1000)) ms"
	[ "$(systemctl is-enabled evpnd 2>&1)" = disabled ] || fail "the unit is enabled on installation: $(systemctl is-enabled evpnd 2>&1)"
	systemctl is-active -q evpnd && fail "evpnd runs before it is configured"
	# the operator's edit: the shipped examples uncommented, asn and remote-as made to match
	sed -i -e 's/^;asn = 64512$/asn = 64512/' -e 's/^;router-id = 10\.0\.0\.1$/router-id = 10.0.0.1/' \
		-e 's/^;\[neighbor 10\.0\.0\.2\]$/[neighbor 10.0.0.2]/' -e '0,/^;remote-as = 64512$/s//remote-as = 64512/' \
		-e '0,/^;arp-suppress = no$/s//arp-suppress = yes/' /etc/evpnd/evpnd.conf
	[ "$(grep -cE '^(asn = |router-id = |\[neighbor 10\.0\.0\.2\]|remote-as = |arp-suppress = )' /etc/evpnd/evpnd.conf)" = 5 ] ||
		fail "the shipped conffile no longer has the lines this edit uncomments: $(grep -vE '^;|^$' /etc/evpnd/evpnd.conf)"
	evpnd --check-config >"$T_DIR/check" 2>&1 || fail "evpnd --check-config: $(cat "$T_DIR/check")"
	systemctl enable --now evpnd >"$T_DIR/enable.log" 2>&1 || fail "systemctl enable --now evpnd: $(cat "$T_DIR/enable.log")"
	# Type=notify: `systemctl start` returned once READY=1 came
	[ "$(systemctl show -p ActiveState,SubState --value evpnd | paste -sd/)" = active/running ] ||
		fail "evpnd is not active/running after enable --now: $(systemctl show -p ActiveState,SubState --value evpnd)"

	step "h2's evpnd, the session, VMs pinging across"
	evpnd_conf "$T_DIR/h2.conf" h2 64512 "$H2"
	echo "arp-suppress = yes" >>"$T_DIR/h2.conf"
	evpnd_neighbor "$T_DIR/h2.conf" "$H1" 64512
	evpnd_start h2 h2 "$T_DIR/h2.conf"
	sys_established() { "$EVPNCTL_SYS" show neighbors --json | jpy "(one(d, address='$1') or {}).get('state') == 'established'"; }
	sys_converged() { "$EVPNCTL_SYS" show status --json | jpy "d['adopted'] and d['converged']"; }
	wait_for 60 sys_established "$H2" || fail "the session to h2 did not come up"
	wait_for 30 evpnd_established h2 "$H1" || fail "h2 does not see the session"
	wait_for 30 ip netns exec "$(ns vm1)" ping -c 1 -W 1 "$VM2" || fail "vm1 cannot ping vm2 across"
	fdb_has_vm2() { bridge fdb show dev vx100 | grep -qE "^$VM2MAC dst $H2 self extern_learn"; }
	wait_for 20 fdb_has_vm2 || fail "vm2's MAC is not installed toward $H2: $(bridge fdb show dev vx100)"
	# arp-suppress: h2 snooped vm2's address; its MAC+IP route became a neighbour on br100 here
	neigh_vm2() { ip neigh show dev br100 "$VM2" | grep -qF "lladdr $VM2MAC"; }
	wait_for 20 neigh_vm2 || fail "no suppression neighbour for vm2 on br100: $(ip neigh show dev br100)"
	wait_for 30 sys_converged || fail "evpnd never converged"

	step "systemctl status, the journal, systemd-analyze security"
	systemctl status evpnd --no-pager >"$T_DIR/status" 2>&1 || fail "systemctl status evpnd: $(cat "$T_DIR/status")"
	grep -qE 'Loaded: loaded \(/lib/systemd/system/evpnd\.service; enabled' "$T_DIR/status" || fail "status: not loaded+enabled: $(cat "$T_DIR/status")"
	grep -qE 'Active: active \(running\)' "$T_DIR/status" || fail "status: not active (running): $(cat "$T_DIR/status")"
	grep -qE 'Main PID: [0-9]+ \(evpnd\)' "$T_DIR/status" || fail "status: no main PID: $(cat "$T_DIR/status")"
	# the log reaches the journal with its priorities (operations.md "Logging"): an established
	# session at notice or info, no "<N>" prefix left in the text, and no warning on a healthy start
	journalctl -u evpnd -o json --no-pager >"$T_DIR/journal.json"
	python3 - "$T_DIR/journal.json" "$H2" <<'PY' || fail "the journal of a healthy start is not as docs/operations.md says"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
msgs = [(int(j.get("PRIORITY", 6)), j.get("MESSAGE", "")) for j in lines if j.get("_COMM") == "evpnd"]
assert msgs, "no evpnd lines in the journal"
bad = [m for p, m in msgs if isinstance(m, str) and m.startswith("<")]
assert not bad, "priority prefixes left in the text: %r" % bad[:3]
est = [(p, m) for p, m in msgs if isinstance(m, str) and sys.argv[2] in m and "established" in m]
assert est and all(p in (5, 6) for p, _ in est), "no established line at notice/info: %r" % msgs[-10:]
warn = [m for p, m in msgs if p <= 4]
assert not warn, "warnings on a healthy start: %r" % warn
print("journal: %d evpnd lines, none at warning or above" % len(msgs))
PY
	systemd-analyze security evpnd --no-pager >"$T_DIR/security" 2>&1 || true
	score=$(sed -n 's/.*Overall exposure level for evpnd\.service: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p' "$T_DIR/security")
	[ -n "$score" ] || fail "systemd-analyze security evpnd: $(tail -n 5 "$T_DIR/security")"
	figure "systemd-analyze security evpnd: $score"
	grep -qF "(\`systemd-analyze security evpnd\`: ${score% *}, \"${score#* }\"," "$EVPND_SRC/docs/install.md" ||
		fail "docs/install.md does not give the measured score ${score% *} \"${score#* }\""

	# ---- a flow of 100 packets/s from vm1 to vm2 (ICMP echo: both directions) ----
	# Loss is counted up to the last reply: every operation is followed by 100 more replies (a
	# second of flow at full speed), so a loss cannot hide at the end.
	FLOW_PID=
	flow_start() {
		FLOW_LOG=$T_DIR/flow-$1.log
		spawn "flow-$1" vm1 ping -n -i 0.01 "$VM2"
		FLOW_PID=$SPAWNED_PID
		wait_for 10 grep -q 'icmp_seq=' "$FLOW_LOG" || fail "the flow ($1) does not start: $(cat "$FLOW_LOG")"
	}
	flow_seq() { grep -o 'icmp_seq=[0-9]*' "$FLOW_LOG" | cut -d= -f2 | sort -n | tail -n 1; }
	flow_past() { [ "$(flow_seq)" -ge "$1" ]; }
	# flow_end WHAT: 100 more replies, stop the flow, record and require 0 lost
	flow_end() {
		local until=$(($(flow_seq) + 100))
		wait_for 60 flow_past "$until" || fail "$1: the flow stopped being answered at $(flow_seq) packets"
		kill -INT "$FLOW_PID"
		wait "$FLOW_PID" || true
		forget_pid "$FLOW_PID"
		read -r sent got < <(grep -o 'icmp_seq=[0-9]*' "$FLOW_LOG" | cut -d= -f2 | sort -un |
			awk '{ n++; if ($1 > m) m = $1 } END { print m + 0, n + 0 }')
		figure "$1: $sent packets (up to the last reply), $((sent - got)) lost"
		[ "$got" = "$sent" ] || fail "$1: $((sent - got)) of $sent packets lost: $(grep -vE 'icmp_seq=[0-9]+ ttl' "$FLOW_LOG" | head -n 20)"
	}
	wait_back() { # OLD_PID: a new main PID, active, the session up, converged
		local old=$1
		new_main() { local p; p=$(systemctl show -p MainPID --value evpnd); [ "$p" != 0 ] && [ "$p" != "$old" ] && systemctl is-active -q evpnd; }
		wait_for 60 new_main || fail "evpnd did not come back: $(systemctl status evpnd --no-pager 2>&1 | head -n 12)"
		wait_for 60 sys_established "$H2" || fail "the session did not come back"
		wait_for 60 sys_converged || fail "evpnd did not converge after its restart"
	}
	fdb_snapshot() { bridge fdb show dev vx100 | grep -E 'extern_learn|^00:00:00:00:00:00' | sort; }

	step "networkd reloading and restarting, ifreload on h2: the FDB stays"
	fdb_snapshot >"$T_DIR/fdb.before"
	bridge -n "$n2" fdb show dev vx100 | sort >"$T_DIR/h2fdb.before"
	# what networkd and ifupdown2 do to the links, printed if a flow loses packets
	spawn_host monitor ip monitor link address
	spawn_host fdbmon bridge monitor fdb
	T_LOGS+=("$T_DIR/monitor.out" "$T_DIR/fdbmon.out")
	T_DIAG+=("journalctl -u systemd-networkd --no-pager -n 40")
	flow_start networkd
	networkctl reload || fail "networkctl reload"
	systemctl restart systemd-networkd || fail "systemctl restart systemd-networkd"
	wait_for 30 configured vx100 || fail "vx100 not configured after networkd's restart"
	flow_end "networkctl reload, systemctl restart systemd-networkd"
	flow_start ifreload
	h2_if ifreload -a >"$T_DIR/ifreload.log" 2>&1 || fail "ifreload -a on h2: $(cat "$T_DIR/ifreload.log")"
	flow_end "ifreload -a on h2"
	ip -n "$n2" link show vnet2 | grep -qF "master br100" || fail "ifreload -a took vm2's port out of h2's bridge"
	fdb_snapshot | diff "$T_DIR/fdb.before" - >&2 || fail "networkd changed the FDB of vx100"
	bridge -n "$n2" fdb show dev vx100 | sort | diff "$T_DIR/h2fdb.before" - >&2 || fail "ifreload -a changed h2's FDB"

	step "systemctl reload: a neighbor added to the file is applied"
	pid=$(systemctl show -p MainPID --value evpnd)
	printf '\n[neighbor 10.0.0.3]\nremote-as = 64512\n' >>/etc/evpnd/evpnd.conf
	systemctl reload evpnd || fail "systemctl reload evpnd"
	has_n3() { "$EVPNCTL_SYS" show neighbors --json | jpy "one(d, address='10.0.0.3') is not None"; }
	wait_for 20 has_n3 || fail "the neighbor added to the file is not there after the reload"
	[ "$(systemctl show -p MainPID --value evpnd)" = "$pid" ] || fail "the reload restarted evpnd"

	step "systemctl reload with a bad file: refused, with its line, and evpnd keeps running"
	echo "hold-time = 1" >>/etc/evpnd/evpnd.conf
	badline=$(wc -l </etc/evpnd/evpnd.conf)
	since=$(date '+%Y-%m-%d %H:%M:%S')
	systemctl reload evpnd || fail "systemctl reload evpnd (bad file)"
	refused() { journalctl -u evpnd -p err --since "$since" --no-pager -q | grep -qF "evpnd.conf:$badline"; }
	wait_for 20 refused || fail "no error naming evpnd.conf:$badline: $(journalctl -u evpnd --since "$since" --no-pager -q)"
	figure "bad reload: $(journalctl -u evpnd -p err --since "$since" --no-pager -q -o cat | head -n 1)"
	systemctl is-active -q evpnd || fail "evpnd stopped after a bad reload"
	[ "$(systemctl show -p MainPID --value evpnd)" = "$pid" ] || fail "a bad reload restarted evpnd"
	sys_established "$H2" || fail "the session dropped after a bad reload"
	has_n3 || fail "the bad reload undid the previous one"
	sed -i '$d' /etc/evpnd/evpnd.conf
	evpnd --check-config >/dev/null 2>&1 || fail "the file is still bad after removing the bad line"

	step "upgrade under traffic: apt install $V2 over $V1"
	flow_start upgrade
	apt-get install -y -q "$DEB2" >"$T_DIR/apt2.log" 2>&1 || fail "apt-get install $DEB2: $(tail -n 20 "$T_DIR/apt2.log")"
	[ "$(dpkg-query -W -f '${Version}' evpnd)" = "$V2" ] || fail "the installed version is not $V2"
	wait_back "$pid"
	flow_end "upgrade $V1 -> $V2 (apt install; the unit restarted)"
	[ "$(systemctl show -p NRestarts --value evpnd)" = 0 ] || fail "the upgrade's restart counted as a failure"

	step "systemctl stop, then start, under traffic"
	pid=$(systemctl show -p MainPID --value evpnd)
	flow_start stopstart
	systemctl stop evpnd || fail "systemctl stop evpnd"
	systemctl is-active -q evpnd && fail "evpnd still active after stop"
	fdb_has_vm2 || fail "stopping evpnd removed vm2's entry from the FDB"
	sleep 2 # forwarding goes on with evpnd down
	systemctl start evpnd || fail "systemctl start evpnd"
	wait_back "$pid"
	flow_end "systemctl stop, 2 s down, start"

	step "kill -9 of the main PID: Restart=on-failure, under traffic"
	pid=$(systemctl show -p MainPID --value evpnd)
	flow_start kill9
	kill -9 "$pid"
	wait_back "$pid"
	[ "$(systemctl show -p NRestarts --value evpnd)" = 1 ] || fail "NRestarts is $(systemctl show -p NRestarts --value evpnd), not 1"
	flow_end "kill -9 of the main PID, restarted by systemd"
	journalctl -u evpnd --no-pager -q | grep -qE 'Main process exited, code=killed, status=9/KILL' ||
		fail "the journal does not show the SIGKILL"

	step "apt purge: the files go, the kernel FDB stays as it was"
	fdb_snapshot >"$T_DIR/fdb.before"
	grep -qE "^$VM2MAC dst $H2 self extern_learn" "$T_DIR/fdb.before" || fail "vm2's entry is missing before the purge"
	apt-get purge -y -q evpnd >"$T_DIR/purge.log" 2>&1 || fail "apt-get purge evpnd: $(tail -n 20 "$T_DIR/purge.log")"
	systemctl is-active -q evpnd && fail "evpnd runs after the purge"
	for f in /etc/evpnd /lib/systemd/system/evpnd.service /usr/sbin/evpnd /usr/bin/evpnctl /run/evpnd; do
		[ ! -e "$f" ] || fail "$f is still there after apt purge"
	done
	fdb_snapshot | diff "$T_DIR/fdb.before" - >&2 || fail "apt purge changed the FDB of vx100"
	flow_start purged
	flow_end "after the purge (the FDB left as it was)"
	pass
fi

require ip python3 dpkg-buildpackage apt-get
VM=$EVPND_SRC/scripts/vm.sh
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 not found (scripts/deps.sh test installs it)"
require_evpnd
t_init

step "build the package ($(dpkg-parsechangelog -l "$EVPND_SRC/packaging/debian/changelog" -S Version)), and the same as a higher version for the upgrade"
v1=$(dpkg-parsechangelog -l "$EVPND_SRC/packaging/debian/changelog" -S Version)
"$EVPND_SRC/packaging/build-deb.sh" "$T_DIR/v1" >"$T_DIR/build1.log" 2>&1 || fail "build-deb.sh: $(tail -n 20 "$T_DIR/build1.log")"
# The upgrade runs the maintainer scripts and the restart of a real one; its binaries being the
# same build changes nothing of that, and repacking costs seconds where a second build (also
# possible: EVPND_DEB_VERSION=... packaging/build-deb.sh) took half a minute of CI.
v2=$v1+rebuild1
dpkg --compare-versions "$v2" gt "$v1" || fail "$v2 does not sort after $v1"
mkdir -p "$T_DIR/v2"
dpkg-deb -R "$T_DIR"/v1/evpnd_"$v1"_*.deb "$T_DIR/repack" || fail "dpkg-deb -R of the $v1 package"
sed -i "s/^Version: .*/Version: $v2/" "$T_DIR/repack/DEBIAN/control"
dpkg-deb -b "$T_DIR/repack" "$T_DIR/v2/evpnd_${v2}_$(dpkg-architecture -qDEB_HOST_ARCH).deb" >"$T_DIR/repack.log" 2>&1 ||
	fail "dpkg-deb -b as $v2: $(cat "$T_DIR/repack.log")"
[ "$(dpkg-deb -f "$T_DIR"/v2/evpnd_*.deb Version)" = "$v2" ] || fail "the repacked package is not version $v2"

step "udev and ifupdown2 .debs (downloaded by apt, cached; installed in the VM only)"
# This machine's root may come from a container image without udev, which every real host has and
# networkd waits for (links stay "pending"): the VM gets the udev of this machine's systemd.
debs=${EVPND_VM_CACHE:-/var/cache/evpnd-vm}/debs
mkdir -p "$debs"
# fetch_deb PKG VERSION: $T_DIR/PKG.deb, from the cache or apt
fetch_deb() {
	local f=$debs/${1}_${2//:/%3a}_$3.deb
	if [ ! -s "$f" ]; then
		(cd "$debs" && apt-get download -q=2 -o APT::Sandbox::User=root "$1=$2") >"$T_DIR/fetch.log" 2>&1 ||
			fail "apt-get download $1=$2: $(cat "$T_DIR/fetch.log")"
	fi
	[ -s "$f" ] || fail "apt-get download $1=$2 did not give $f: $(ls "$debs")"
	cp "$f" "$T_DIR/$1.deb"
}
fetch_deb udev "$(dpkg-query -W -f '${Version}' systemd)" "$(dpkg --print-architecture)"
fetch_deb ifupdown2 "$(apt-cache policy ifupdown2 | awk '$1 == "Candidate:" { print $2 }')" all

step "the VM: systemd as PID 1"
share=(--share "$T_DIR")
case $EVPND in "$EVPND_SRC"/*) ;; /tmp/* | /run/* | /var/tmp/*) share+=(--share "$(dirname "$EVPND")") ;; esac
rc=0
EVPND=$EVPND EVPNCTL=$EVPNCTL EVPND_VM_TIMING=1 "$VM" --systemd --mem 1536 --timeout 1200 "${share[@]}" -- \
	"$EVPND_SRC/tests/integration/test_systemd_host.sh" --inner "$T_DIR" || rc=$?
[ -s "$T_DIR/figures" ] && { step "figures"; cat "$T_DIR/figures" >&2; }
case $rc in
0) pass ;;
124) fail "the VM run timed out" ;;
125) fail "scripts/vm.sh could not run the command in a VM" ;;
*) fail "the systemd host test failed inside the VM (exit $rc)" ;;
esac
