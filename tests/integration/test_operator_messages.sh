#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What the docs (docs/operations.md) promise an operator sees, each checked against a positive control:
#   - the warnings for a VXLAN device with learning on and for one without a local address (no
#     [global] vtep-ip), and arp-snoop turning itself off with a warning without CAP_NET_RAW, while
#     evpnd runs on;
#   - -l warning keeps the info lines out (and lets those warnings through);
#   - a reload applies log-level (info, then debug lines after SIGHUP);
#   - the delay before reconnecting doubles after each failed session, up to 30 s (a neighbor that
#     accepts the connection and closes it at once; from the debug lines);
#   - metrics-allow-remote = yes lets metrics-listen serve a non-loopback address (test_metrics
#     checks the refusal without it);
#   - --log syslog writes to /dev/log (a private one, in a mount namespace of the test's own).
source "$(dirname "$0")/lib.sh"

require ip bridge python3 capsh
require_evpnd
t_init

N=$(ns h)
ns_add h
ip -n "$N" link add up0 type veth peer name up1 # this kernel may have no dummy devices
ip -n "$N" addr add 10.123.0.1/24 dev up0
ip -n "$N" link set up0 up
ip -n "$N" link set up1 up
ip -n "$N" link add br0 type bridge
ip -n "$N" link add vxl type vxlan id 100 local 10.123.0.1 dstport 4789 # learning on
ip -n "$N" link set vxl master br0
ip -n "$N" link add br1 type bridge
ip -n "$N" link add vxn type vxlan id 200 dstport 4789 nolearning # no local address
ip -n "$N" link set vxn master br1
for l in br0 vxl br1 vxn; do ip -n "$N" link set "$l" up; done

# conf FILE [EXTRA-GLOBAL-LINE...]: no vtep-ip, one neighbor on this namespace's loopback
conf() {
	local f=$1 l
	shift
	cat >"$f" <<EOF
[global]
asn = 64512
router-id = 10.123.0.1
listen = none
control-socket = $T_DIR/e.ctl
connect-retry = 1
EOF
	for l in "$@"; do echo "$l" >>"$f"; done
	cat >>"$f" <<EOF

[neighbor 127.0.0.2]
remote-as = 64512
EOF
}

# start NAME CMD...: evpnd (CMD: evpnd and its arguments, perhaps under capsh) in the namespace,
# logging to $T_DIR/NAME.log; waits for its control socket
start() {
	local name=$1
	shift
	rm -f "$T_DIR/e.ctl"
	spawn "$name" h "$@"
	E_PID=$SPAWNED_PID
	wait_for 10 "$EVPNCTL" -s "$T_DIR/e.ctl" show vnis --json ||
		fail "evpnd ($name) does not answer on its control socket"
}
has() { grep -q -- "$2" "$T_DIR/$1.log"; }

step "-l warning, without CAP_NET_RAW, arp-snoop on: the three warnings, no info line"
conf "$T_DIR/a.conf" "arp-snoop = yes"
start a capsh --drop=cap_net_raw -- -c "exec $EVPND -f $T_DIR/a.conf -l warning"
wait_for 10 has a "VXLAN device vxl (VNI 100) has learning on" || fail "no warning for learning on"
wait_for 10 has a "VXLAN device vxn (VNI 200) has no local address" ||
	fail "no warning for a VXLAN device without a local address"
wait_for 10 has a "arp-snoop: cannot open a packet socket: .*not snooping" ||
	fail "no warning that arp-snoop is off without CAP_NET_RAW"
"$EVPNCTL" -s "$T_DIR/e.ctl" show vnis --json | jpy "sorted(v['vni'] for v in d) == [100, 200]" ||
	fail "evpnd without CAP_NET_RAW does not run on: show vnis"
has a " info " && fail "-l warning let info lines through: $(grep -m2 ' info ' "$T_DIR/a.log")"
stop_pid "$E_PID"

step "log-level = info, then debug by reload; failed sessions: the delay doubles up to 30 s"
# a "neighbor" that accepts every connection and closes it at once: each session fails
spawn closer h python3 -c '
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.2", 179))
s.listen(8)
while True:
    c, _ = s.accept()
    c.close()
'
conf "$T_DIR/b.conf" "log-level = info"
start b "$EVPND" -f "$T_DIR/b.conf"
wait_for 10 has b " info " || fail "log-level = info: no info line"
has b " debug " && fail "log-level = info let debug lines through"
sed -i 's/^log-level = info$/log-level = debug/' "$T_DIR/b.conf"
kill -HUP "$E_PID"
wait_for 10 has b " debug " || fail "reload did not apply log-level = debug"
# from 1 s: 2, 4, 8, 16, then 30 (not 32), about 31 s after the start
wait_for 45 has b "peer 127.0.0.2: restart in 30 s" || fail "the restart delay never reached 30 s"
seq=$(sed -n 's/.*peer 127.0.0.2: restart in \([0-9]*\) s.*/\1/p' "$T_DIR/b.log" | tr '\n' ' ')
python3 - "$seq" <<'PY' || fail "restart delays after the reload: $seq (want doubling, capped at 30)"
import sys
s = [int(x) for x in sys.argv[1].split()]
assert len(s) >= 2 and s[-1] == 30, s
assert all(b == min(2 * a, 30) for a, b in zip(s, s[1:])), s
PY
log "restart delays seen after the reload: $seq"
stop_pid "$E_PID"

step "metrics-allow-remote = yes: metrics served on a non-loopback address"
PORT=$((20000 + RANDOM % 20000))
conf "$T_DIR/c.conf" "metrics-listen = 10.123.0.1:$PORT" "metrics-allow-remote = yes"
start c "$EVPND" -f "$T_DIR/c.conf"
ip netns exec "$N" python3 - "$PORT" <<'PY' || fail "no metrics on 10.123.0.1:$PORT"
import sys, urllib.request
with urllib.request.urlopen("http://10.123.0.1:%s/metrics" % sys.argv[1], timeout=5) as r:
    assert r.status == 200 and "evpnd_build_info" in r.read().decode()
PY
stop_pid "$E_PID"

step "--log syslog: the messages go to /dev/log, facility daemon"
# A mount namespace with a /dev of its own (the host's is never touched): a receiver binds its
# /dev/log, then evpnd starts with --log syslog.
cat >"$T_DIR/syslog.sh" <<EOF
mount -t tmpfs -o mode=755 evpnd-test /dev || exit 1
mknod -m 666 /dev/null c 1 3
python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)
with open(sys.argv[1], "a") as f:
    while True:
        f.write(s.recv(4096).decode(errors="replace") + "\\n")
        f.flush()
' "$T_DIR/syslog.out" &
echo \$! >"$T_DIR/rx.pid"
for _ in \$(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
exec "$EVPND" -f "$T_DIR/c.conf" --log syslog
EOF
sed -i '/^metrics-listen\|^metrics-allow-remote/d' "$T_DIR/c.conf"
start d unshare --mount --propagation private bash "$T_DIR/syslog.sh"
T_PIDS+=("$(cat "$T_DIR/rx.pid")")
# <29>: facility daemon (3), priority notice (5), as RFC 3164 frames it
wait_for 10 grep -q '^<29>.*evpnd\[[0-9]*\]: notice evpnd .* starting' "$T_DIR/syslog.out" ||
	fail "no daemon.notice 'starting' line on /dev/log: $(head -c 600 "$T_DIR/syslog.out" 2>/dev/null)"
grep -q ' info \| notice ' "$T_DIR/d.log" && fail "--log syslog still wrote log lines to stderr"
stop_pid "$E_PID"
stop_pid "$(cat "$T_DIR/rx.pid")"
pass
