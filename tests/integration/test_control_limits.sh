#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The control socket against hostile or careless clients (issue 14's hostile-input pass): one member
# of the control-group opening 128 idle connections must not lock root (or anyone) out for good,
# refused connections must not flood the log, a stuck watcher costs a bounded amount whatever the
# churn, a 10 MB request still reads its error, bytes that are not UTF-8 never make invalid JSON,
# and routes with zero or non-unicast addresses are refused with a reason. A running evpnd with no
# BGP peers (loopback only); needs EVPND, EVPNCTL (set by ctest), python3 and setpriv.
# shellcheck disable=SC2015
set -u

EVPND=${EVPND:?set EVPND to the evpnd binary}
EVPNCTL=${EVPNCTL:?set EVPNCTL to the evpnctl binary}
# the member's scripts run as nobody: the system's python, not one under root's home
for c in /usr/bin/python3 setpriv; do
	command -v $c >/dev/null || { echo "FAIL - $c is needed (scripts/deps.sh installs it)"; exit 1; }
done
getent passwd nobody >/dev/null && getent group nogroup >/dev/null ||
	{ echo "FAIL - no nobody user or nogroup group"; exit 1; }
# shellcheck source=tap.sh
source "$(dirname "$0")/tap.sh"
tap_init control-limits

S=$T/evpnd.sock
ctl() { "$EVPNCTL" -s "$S" "$@"; }
NOBODY=$(id -u nobody) NOGROUP=$(getent group nogroup | cut -d: -f3)
as_member() { setpriv --reuid="$NOBODY" --regid="$NOGROUP" --clear-groups "$@"; }

conf() {
	cat >"$T/evpnd.conf" <<CONF
[global]
asn = 64512
router-id = 10.0.0.1
listen = none
vtep-ip = 192.0.2.1
control-group = nogroup
control-idle-timeout = $1
control-max-clients-per-user = $2
watch-max = 110
watch-replay-window = 1048576

[neighbor 127.0.0.2]
remote-as = 64512
passive = yes
CONF
}
conf 0 32
chmod 755 "$T"
# under ASan, freed memory waits in a 256 MB quarantine and would read as growth: keep it small
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4 "$EVPND" -f "$T/evpnd.conf" -s "$S" >"$T/evpnd.log" 2>&1 &
PIDS+=($!)
EVPND_PID=$!
tap_wait 5 test -S "$S" && ok "evpnd started" || { bad "no socket"; cat "$T/evpnd.log"; exit 1; }

# holds N connections of the control-group member open (idle) until its stdin closes; prints how
# many evpnd kept and the first refusal
cat >"$T/hold.py" <<'PY'
import json, socket, sys
S, n = sys.argv[1], int(sys.argv[2])
kept, refusal = [], None
for i in range(n):
    s = socket.socket(socket.AF_UNIX); s.connect(S); s.settimeout(0.05)
    try:
        d = s.recv(4096)  # a refused one is told why and closed; a kept one says nothing
    except socket.timeout:
        kept.append(s); continue
    refusal = refusal or json.loads(d.split(b"\n")[0])["error"]
print(len(kept), refusal, flush=True)
sys.stdin.read()  # until the test closes the pipe
PY
hold() { as_member /usr/bin/python3 "$T/hold.py" "$S" "$1"; }

coproc HOLD { hold 128; }
read -r kept refusal <&"${HOLD[0]}"
[ "$kept" = 32 ] && ok "a member's 128 connections: 32 kept (control-max-clients-per-user)" ||
	bad "a member kept $kept of 128 connections"
grep -q "too many control clients of uid $NOBODY (32, control-max-clients-per-user)" <<<"$refusal" &&
	ok "the refused ones are told why" || bad "refusal: [$refusal]"
out=$(ctl show neighbors --json) && grep -q 127.0.0.2 <<<"$out" && ok "root still gets in" || bad "root locked out: $out"
out=$(as_member "$EVPNCTL" -s "$S" show neighbors 2>&1)
grep -q "too many control clients of uid $NOBODY" <<<"$out" && ok "the member's 33rd is refused" || bad "member: $out"

# an outsider (not in the group) through a socket whose mode was widened: each of its 200
# connections is told "permission denied" and none may take root's slots while it drains
chmod 0666 "$S"
OUTSIDER=$((NOBODY - 1))
coproc OUT { setpriv --reuid="$OUTSIDER" --regid="$OUTSIDER" --clear-groups /usr/bin/python3 -c '
import socket, sys
held, denied = [], 0
for i in range(200):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(2)
    denied += b"permission denied" in s.recv(4096); held.append(s)
print(denied, flush=True)
sys.stdin.read()' "$S"; }
read -r denied <&"${OUT[0]}"
[ "$denied" = 200 ] && ok "an outsider's 200 connections: each told permission denied" || bad "outsider: $denied denied"
out=$(ctl show neighbors --json) && grep -q 127.0.0.2 <<<"$out" && ok "root still gets in past the outsider's flood" ||
	bad "root locked out by an outsider: $out"
out_pid=${OUT_PID:-}
eval "exec ${OUT[1]}>&-"
[ -z "$out_pid" ] || wait "$out_pid" 2>/dev/null
chmod 0660 "$S"

# 2,000 refused connects: a handful of log lines, not 2,000
before=$(grep -c "control: refused" "$T/evpnd.log")
as_member /usr/bin/python3 - "$S" <<'PY'
import socket, sys
for i in range(2000):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.recv(4096); s.close()
PY
sleep 0.2
after=$(grep -c "control: refused" "$T/evpnd.log")
[ $((after - before)) -le 2 ] && ok "2000 refused connects: $((after - before)) log line(s)" ||
	bad "2000 refused connects wrote $((after - before)) log lines"
tap_wait 20 grep -q "control: refused [0-9][0-9]* clients (the last: pid" "$T/evpnd.log" &&
	ok "the refusals are counted in one line" || bad "no counted refusal line: $(grep refused "$T/evpnd.log" | tail -3)"

# the limits are reloadable: no per-user cap left but 4 slots that only root gets; then a 2 s idle
# timeout frees the member's idle connections
hold_pid=${HOLD_PID:-}
eval "exec ${HOLD[1]}>&-"
[ -z "$hold_pid" ] || wait "$hold_pid" 2>/dev/null
conf 0 1000
ctl reload >/dev/null && ok "reload with new limits" || bad "reload refused"
coproc HOLD2 { hold 200; }
read -r kept refusal <&"${HOLD2[0]}"
[ "$kept" = 124 ] && ok "a member with no per-user cap: 124 of 200 kept (the last 4 are root's)" ||
	bad "a member kept $kept of 200"
grep -q "the last 4 are root's" <<<"$refusal" && ok "told the rest are root's" || bad "refusal: [$refusal]"
out=$(ctl show status --json 2>&1; ctl show neighbors --json) && grep -q 127.0.0.2 <<<"$out" &&
	ok "root still gets in with 124 member connections" || bad "root: $out"
conf 2 1000
ctl reload >/dev/null || bad "reload with an idle timeout refused"
clients() { ctl show status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["control"]["clients"])'; }
idle_closed() { [ "$(clients)" = 1 ] && grep -q "control: closed [0-9]* clients idle for 2 s" "$T/evpnd.log"; }
tap_wait 15 idle_closed && ok "idle connections closed after control-idle-timeout" ||
	bad "idle: $(clients) clients; $(grep -i idle "$T/evpnd.log" | tail -2)"
out=$(as_member "$EVPNCTL" -s "$S" show neighbors --json 2>&1) && grep -q 127.0.0.2 <<<"$out" &&
	ok "the member gets in again" || bad "member after idle: $out"
hold_pid=${HOLD2_PID:-}
eval "exec ${HOLD2[1]}>&-"
[ -z "$hold_pid" ] || wait "$hold_pid" 2>/dev/null
conf 300 32
ctl reload >/dev/null || bad "reload back"

python3 - "$S" "$EVPND_PID" <<'PY' && ok "hostile clients contained" || bad "hostile clients"
import json, os, socket, sys, time
S, pid = sys.argv[1], sys.argv[2]
def conn():
    s = socket.socket(socket.AF_UNIX); s.connect(S); s.settimeout(10); return s, s.makefile("rwb")
def req(f, **o):
    f.write(json.dumps(o).encode() + b"\n"); f.flush()
    return json.loads(f.readline())  # bytes: json.loads decodes UTF-8 strictly
def rss():
    return int([l for l in open("/proc/%s/status" % pid) if l.startswith("VmRSS")][0].split()[1]) * 1024

# a 10 MB request without a newline: the reply is readable, not lost to EPIPE/ECONNRESET
s, f = conn()
s.sendall(b'{"cmd":"' + b"x" * (10 << 20))
r = json.loads(f.readline())
assert r == {"ok": False, "error": "request too long (at most 65536 bytes)"}, r
s.close()

# keys and values that are not UTF-8 come out as _hex; every line is strict JSON
s, f = conn()
assert req(f, cmd="add-key", key_hex="ff00fe", value_hex="c0af80")["ok"]
assert req(f, cmd="add-key", key="caf\u00e9", value="na\u00efve")["ok"]
w, wf = conn()
wf.write(b'{"cmd":"watch","family":"opaque"}\n'); wf.flush()
assert json.loads(wf.readline())["ok"]
seen = {}
while True:
    e = json.loads(wf.readline())
    if e["event"] == "synced": break
    seen[e["route"]["key"] if e["route"]["key"] is not None else "hex:" + e["route"]["key_hex"]] = e["route"]
assert seen["hex:ff00fe"]["value"] is None and seen["hex:ff00fe"]["value_hex"] == "c0af80", seen
assert seen["caf\u00e9"]["value"] == "na\u00efve" and "key_hex" not in seen["caf\u00e9"], seen
wf.close()
r = req(f, cmd="show-routes", family="opaque", key_hex="ff00fe")
assert len(r["data"]) == 1 and r["data"][0]["best"], r
r = req(f, cmd="del-key", key_hex="ff01")  # the error quotes the bytes, still valid JSON
assert not r["ok"] and r["error"] == 'no such local key "\\xff\\x01"', r
w.close()

# 100 watchers that never read while 24 MB of changes go by: each costs its buffer, not a copy of
# every event (they used to cost 16 MiB each); the 111th watcher is refused (watch-max 110)
ws = []
for i in range(100):
    x = socket.socket(socket.AF_UNIX); x.connect(S)
    x.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    x.sendall(b'{"cmd":"watch"}\n'); ws.append(x)
time.sleep(0.5)
base = rss()
for r in range(40):
    f.write(b"".join(b'{"cmd":"add-key","key":"k%d","value":"%d%s"}\n' % (i % 50, r * 1000 + i, b"x" * 3000)
                     for i in range(200))); f.flush()
    for i in range(200):
        assert json.loads(f.readline())["ok"]
grown = rss() - base
assert grown < (64 << 20), "100 stuck watchers grew evpnd by %d MB" % (grown >> 20)
extra = []
for i in range(15):
    x, xf = conn(); xf.write(b'{"cmd":"watch"}\n'); xf.flush(); extra.append((x, xf))
errs = [json.loads(xf.readline()) for x, xf in extra]
assert sum(1 for e in errs if not e["ok"] and e["error"] == "too many watchers (watch-max 110)") == 5, errs
assert sum(1 for e in errs if e["ok"]) == 10, errs
st = req(f, cmd="show-status")
print("ok   - 100 stuck watchers: evpnd grew %.1f MB under 24 MB of changes" % (grown / 1e6))
for x in ws: x.close()
PY

for bad_args in "macadv 00:00:00:00:00:00 vni 100|MAC address 00:00:00:00:00:00 is not a host's" \
	"macadv aa:bb:cc:dd:ee:01 0.0.0.0 vni 100|ip 0.0.0.0 is no host address (leave ip out for a MAC-only route)" \
	"macadv aa:bb:cc:dd:ee:01 :: vni 100|ip :: is no host address (leave ip out for a MAC-only route)" \
	"macadv aa:bb:cc:dd:ee:01 vni 100 nexthop 0.0.0.0|next hop 0.0.0.0 is not a VTEP's address (leave nexthop out for ours)" \
	"macadv aa:bb:cc:dd:ee:01 vni 100 nexthop ::|next hop :: is not a VTEP's address (leave nexthop out for ours)" \
	"multicast 224.0.0.1 vni 100|the originator IP address 224.0.0.1 is not a unicast address (a VTEP's)" \
	"multicast 255.255.255.255 vni 100|the originator IP address 255.255.255.255 is not a unicast address (a VTEP's)"; do
	args=${bad_args%%|*} want=${bad_args#*|}
	# shellcheck disable=SC2086
	err=$(ctl add $args 2>&1 >/dev/null)
	[ "$err" = "evpnctl: $want" ] && ok "add $args refused" || bad "add $args: [$err]"
done
out=$(ctl show routes evpn --json) && [ "$(tr -d ' \n' <<<"$out")" = "[]" ] && ok "none of them reached the RIB" ||
	bad "RIB: $out"

out=$(ctl show neighbors --json) && grep -q 127.0.0.2 <<<"$out" && ok "daemon still answers" || bad "daemon gone"
kill "$EVPND_PID" && wait "$EVPND_PID"
rc=$?
[ "$rc" = 0 ] && ok "evpnd stops cleanly" || bad "evpnd exit $rc"
PIDS=()
[ "$fails" = 0 ] || { echo "--- evpnd log"; tail -50 "$T/evpnd.log"; }
exit $((fails > 0))
