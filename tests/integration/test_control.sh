#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The control socket and evpnctl against a running evpnd (no BGP peers, loopback only): every
# command, text and JSON output, error messages and exit codes, the watch stream, and hostile
# clients (garbage, over-long lines, half-closes, a watcher that never reads), after which the
# daemon must still answer. Needs EVPND and EVPNCTL (set by ctest) and python3 for the raw socket.
# "A && ok ... || bad ..." is safe here: ok only echoes and never fails.
# shellcheck disable=SC2015
set -u

EVPND=${EVPND:?set EVPND to the evpnd binary}
EVPNCTL=${EVPNCTL:?set EVPNCTL to the evpnctl binary}
command -v python3 >/dev/null || { echo "FAIL - python3 is needed (scripts/deps.sh installs it)"; exit 1; }
# shellcheck source=tap.sh
source "$(dirname "$0")/tap.sh"
tap_init control

S=$T/run/sub/evpnd.sock
ctl() { "$EVPNCTL" -s "$S" "$@"; }

# expect NAME WANT_RC WANT_STDERR CMD...: exit code and stderr must match
expect() {
	local name=$1 rc=$2 want=$3 err got
	shift 3
	err=$("$@" 2>&1 >/dev/null)
	got=$?
	if [ "$got" = "$rc" ] && [ "$err" = "$want" ]; then
		ok "$name"
	else
		bad "$name: exit $got (want $rc), stderr [$err], want [$want]"
	fi
}

cat >"$T/evpnd.conf" <<EOF
[global]
asn = 64512
router-id = 10.0.0.1
listen = none
vtep-ip = 192.0.2.1
watch-replay-window = 1048576

[neighbor 127.0.0.2]
remote-as = 64512
passive = yes

[vni 200]
rd = 65000:42
route-target = 65000:1 65000:2
EOF

expect "cannot connect" 1 "evpnctl: cannot connect to $S: No such file or directory" ctl show neighbors

"$EVPND" -f "$T/evpnd.conf" -s "$S" >"$T/evpnd.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$S" ] && break; sleep 0.1; done
[ -S "$S" ] && ok "socket created with its directory" || { bad "no socket"; cat "$T/evpnd.log"; exit 1; }
[ "$(stat -c %a "$S")" = 600 ] && ok "socket mode 0600" || bad "socket mode $(stat -c %a "$S")"

out=$(ctl show neighbors)
grep -q '^Neighbor  *AS  *State  *Up/Down  *Hold  *Rcvd  *Accepted  *Advertised$' <<<"$out" &&
	grep -q '^127.0.0.2  *64512 ' <<<"$out" && ok "show neighbors table" || bad "show neighbors: [$out]"
out=$(ctl show neighbors --json)
grep -q '"address":"127.0.0.2"' <<<"$out" && ok "show neighbors --json" || bad "neighbors json: [$out]"

ctl add key before-watch value 1 >/dev/null || bad "add key before-watch"
ctl watch >"$T/watch.out" 2>"$T/watch.err" &
WATCH=$!
PIDS+=($WATCH)
# the stream starts with what is there (a snapshot), then says "synced": no probe, no race
synced() { grep -q '"event":"synced"' "$T/watch.out"; }
if ! tap_wait 10 synced; then
	echo "FAIL - watch: not synced within 10 s [$(cat "$T/watch.out")]"
	exit 1
fi
[ "$(grep -c '"event":"snapshot"' "$T/watch.out")" = 1 ] && grep -q '"event":"snapshot".*"key":"before-watch"' "$T/watch.out" &&
	ok "watch: the snapshot has the key added before it" || bad "watch snapshot: [$(cat "$T/watch.out")]"

expect "add macadv" 0 "" ctl add macadv aa:bb:cc:dd:ee:01 vni 100
expect "add macadv with everything" 0 "" ctl add macadv aa:bb:cc:dd:ee:02 10.1.1.2 vni 200 seq 4 sticky etag 3
expect "add multicast" 0 "" ctl add multicast 192.0.2.1 vni 100 rt 64512:100 rt 1.2.3.4:7
expect "add key" 0 "" ctl add key key1 value value1

out=$(ctl show routes)
grep -qF '*>  [type:macadv][rd:10.0.0.1:100][etag:0][mac:aa:bb:cc:dd:ee:01][ip:<nil>] vni 100  192.0.2.1  00:00:0' <<<"$out" &&
	grep -qF 'local   [rt:64512:100 encap:vxlan seq:0]' <<<"$out" && ok "show routes: macadv row" ||
	bad "show routes: [$out]"
grep -qF '[type:macadv][rd:65000:42][etag:3][mac:aa:bb:cc:dd:ee:02][ip:10.1.1.2] vni 200' <<<"$out" &&
	grep -qF '[rt:65000:1 rt:65000:2 encap:vxlan seq:4 sticky]' <<<"$out" &&
	ok "show routes: [vni 200] rd and route targets" || bad "show routes vni 200: [$out]"
grep -qF '[rt:64512:100 rt:1.2.3.4:7 encap:vxlan pmsi:ingress-replication:100:192.0.2.1]' <<<"$out" &&
	ok "show routes: multicast with PMSI" || bad "show routes multicast: [$out]"
grep -qE '^\*>  key1  +value1  192.0.2.1  local$' <<<"$out" && ok "show routes: opaque table" ||
	bad "show routes opaque: [$out]"
out=$(ctl show routes vni 200 --json)
[ "$(grep -c '"family":"evpn"' <<<"$out")" = 1 ] && grep -q '"seq":4' <<<"$out" &&
	ok "show routes vni 200 --json" || bad "vni filter: [$out]"

expect "bad MAC" 1 'evpnctl: bad MAC address "zz"' ctl add macadv zz vni 1
expect "bad VNI" 1 'evpnctl: bad VNI "16777216" (1..16777215)' ctl add macadv aa:bb:cc:dd:ee:01 vni 16777216
expect "usage" 2 "evpnctl: missing vni N
usage: evpnctl add macadv MAC [IP] vni N [rd RD] [rt RT]... [nexthop IP] [etag N] [seq N] [sticky]" \
	ctl add macadv aa:bb:cc:dd:ee:01
expect "daemon error" 1 "evpnctl: no such local key \"nokey\"" ctl del key nokey
expect "del macadv" 0 "" ctl del macadv aa:bb:cc:dd:ee:01 vni 100
expect "del again" 1 "evpnctl: no such local route: [type:macadv][rd:10.0.0.1:100][etag:0][mac:aa:bb:cc:dd:ee:01][ip:<nil>][labels:[100]]" \
	ctl del macadv aa:bb:cc:dd:ee:01 vni 100
expect "auto RD needs 16 bits" 1 "evpnctl: VNI 70000 needs an rd: the automatic router-id:VNI holds 16 bits" \
	ctl add macadv aa:bb:cc:dd:ee:01 vni 70000
out=$(ctl --help) && grep -q 'watch \[evpn|opaque\]' <<<"$out" && ok "--help" || bad "--help"

# the last change (the withdrawal of aa:bb:cc:dd:ee:01) streamed
withdrawn() { grep '"event":"withdraw"' "$T/watch.out" | grep aa:bb:cc:dd:ee:01 >/dev/null; }
tap_wait 5 withdrawn
w=$(cat "$T/watch.out")
[ "$(grep -c '"event":"update"' <<<"$w")" = 4 ] && [ "$(grep -c '"event":"withdraw"' <<<"$w")" = 1 ] &&
	ok "watch: 4 updates and a withdraw" || bad "watch: [$w]"
# sequence numbers: the changes count up by one from the snapshot's, synced included
python3 - "$T/watch.out" <<'PY' && ok "watch: sequence numbers in order, no gap" || bad "watch seq: [$w]"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
snap = [e["seq"] for e in ev if e["event"] == "snapshot"]
ch = [e["seq"] for e in ev if e["event"] in ("update", "withdraw")]
sync = [e for e in ev if e["event"] == "synced"]
assert len(sync) == 1 and sync[0]["seq"] == snap[0] and len(sync[0]["epoch"]) == 16, ev
assert ch == list(range(snap[0] + 1, snap[0] + 1 + len(ch))), ch
assert all(len(e["id"]) > 0 and e["route"]["best"] for e in ev if e["event"] in ("snapshot", "update")), ev
PY

python3 - "$S" <<'PY' && ok "hostile clients" || bad "hostile clients"
import json, socket, sys
S = sys.argv[1]
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(S); s.settimeout(10); return s
def lines(s, n):
    buf, out = b'', []
    while len(out) < n:
        d = s.recv(1 << 20)
        if not d: break
        buf += d
        while b'\n' in buf:
            l, buf = buf.split(b'\n', 1); out.append(json.loads(l))
    return out
s = conn()  # pipelined requests; errors keep the connection
s.sendall(b'{"cmd":"show-neighbors"}\n{"cmd":"nope"}\n\n{"cmd":"add-key","key":"k","vlue":1}\n[1]\n{"cmd":"show-routes","family":"opaque"}\n')
r = lines(s, 5)
assert r[0]["ok"] and r[1]["error"] == 'unknown command "nope"', r
assert r[2]["error"] == 'unknown field "vlue" for add-key' and not r[3]["ok"] and r[4]["ok"], r
s.sendall(b'{"cmd": nope\n{"cmd":"show-neighbors"}\n')  # garbage: error, then closed
r = lines(s, 5)
assert len(r) == 1 and not r[0]["ok"], r
s = conn()  # over-long line: error, then closed
s.sendall(b'{"cmd":"x' + b'a' * 70000)
r = lines(s, 5)
assert r == [{"ok": False, "error": "request too long (at most 65536 bytes)"}], r
s = conn()  # half-close still gets its reply
s.sendall(b'{"cmd":"show-routes","family":"evpn","vni":100}\n'); s.shutdown(socket.SHUT_WR)
assert len(lines(s, 5)) == 1
for i in range(300):  # requests cut short
    s = conn(); s.sendall(b'{"cmd":"show-rou'); s.close()
w = conn(); w.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
w.sendall(b'{"cmd":"watch"}\n')  # and does not read while 24 MB of changes go by
c = conn()
for r in range(40):
    c.sendall(b''.join(b'{"cmd":"add-key","key":"k%d","value":"%d%s"}\n' % (i % 50, r * 1000 + i, b'x' * 3000)
                       for i in range(200)))
    assert all(x["ok"] for x in lines(c, 200))
# the watcher is not cut: it reads on and is told it fell behind the 1 MiB replay window, then
# gets a fresh snapshot (50 keys, resync) and synced: what evpnd has, nothing lost in silence
w.settimeout(10)
wf = w.makefile("rb")
ev = json.loads(wf.readline())
assert ev["ok"], ev
kinds, keys = [], {}
while True:
    e = json.loads(wf.readline())
    kinds.append(e["event"])
    if e["event"] == "snapshot" and e["resync"] and e["family"] == "opaque":
        keys[e["route"]["key"]] = e["route"]["value"]
    if e["event"] == "synced" and e["resync"]:
        break
assert "lagged" in kinds, kinds[:20]
churned = [k for k in keys if k[1:].isdigit()]
assert len(churned) == 50 and keys["k49"].startswith("39199"), sorted(keys)
PY
out=$(ctl show neighbors --json) && grep -q 127.0.0.2 <<<"$out" && ok "daemon still answers" || bad "daemon gone"

kill "${PIDS[0]}" && wait "${PIDS[0]}"
rc=$?
[ "$rc" = 0 ] && ok "evpnd stops cleanly" || bad "evpnd exit $rc"
wait "$WATCH"
rc=$?
[ "$rc" = 0 ] && ok "watch exits 0 when the daemon closes" || bad "watch exit $rc"
grep -q '^evpnctl: the watch ended; resume with: since [0-9a-f]\{16\}:[0-9][0-9]*$' "$T/watch.err" &&
	ok "watch says how to resume" || bad "watch's last words: [$(cat "$T/watch.err")]"
[ ! -e "$S" ] && ok "socket removed" || bad "socket left behind"
PIDS=()
[ "$fails" = 0 ] || { echo "--- evpnd log"; cat "$T/evpnd.log"; }
exit $((fails > 0))
