#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A neighbor that reads nothing must cost evpnd a bounded amount of memory and only its own session.
# evpnd E (ns e) originates 20,000 opaque keys of 1 KiB (a 22 MB table); test speakers in ns p:
#   - Q reads everything: it gets the whole table and End-of-RIB, and keeps its session throughout;
#   - P (a 4 KiB receive window) establishes, then sends 800 ROUTE-REFRESH requests and a KEEPALIVE
#     every second (so its hold timer never expires) but reads nothing.
# Each refresh asked for the whole table again: E must coalesce them into one walk that waits for
# P's socket to drain (its RSS grows by far less than one table, not by 800), and reset P's
# session when it has read nothing for send-hold-time (RFC 9687, NOTIFICATION code 8).
source "$(dirname "$0")/lib.sh"

require ip python3
require_evpnd
t_init

E=10.78.0.1 P=10.78.0.2 Q=10.78.0.3 KEYS=20000 SEND_HOLD=6
SPEAK="$EVPND_SRC/tests/integration/bgpspeak.py"
ns_add e
ns_add p
ns_link e $E/24 p $P/24
ip -n "$(ns p)" addr add $Q/24 dev veth0

step "E originates $KEYS keys of 1 KiB; send-hold-time $SEND_HOLD"
evpnd_conf "$T_DIR/e.conf" e 64512 $E
echo "send-hold-time = $SEND_HOLD" >>"$T_DIR/e.conf"
for n in $P $Q; do
	evpnd_neighbor "$T_DIR/e.conf" $n 64512
	printf 'passive = yes\nhold-time = 90\n' >>"$T_DIR/e.conf"
done
evpnd_start e e "$T_DIR/e.conf"
python3 - "$T_DIR/e.ctl" "$KEYS" <<'PY' || fail "cannot add the keys"
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
n = int(sys.argv[2])
for i in range(n):  # pipelined: every request first, then every reply
    f.write(json.dumps({"cmd": "add-key", "key": "bp/%05d" % i, "value": "v" * 1024}) + "\n")
f.flush()
bad = [r for r in (json.loads(f.readline()) for _ in range(n)) if not r["ok"]]
sys.exit(1 if bad else 0)
PY
routes=$(ctl e show routes opaque --json | jpy "len(d)")
[ "$routes" = "$KEYS" ] || fail "E holds $routes opaque routes, not $KEYS"
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$EVPND_PID_e/status"; }

step "Q reads the whole table"
spawn q p python3 "$SPEAK" reader $Q $E 64512 $Q 300
wait_for 60 grep -q eor_after "$T_DIR/q.log" || fail "Q did not get End-of-RIB: $(tail -3 "$T_DIR/q.log")"
log "Q: $(grep eor_after "$T_DIR/q.log")"
rss0=$(rss)

step "P: 800 ROUTE-REFRESH, then reads nothing"
spawn p p python3 "$SPEAK" stall $P $E 64512 $P 800 120
peak=$rss0
reset_seen() { grep -q reset_after "$T_DIR/p.log"; }
while ! reset_seen; do
	r=$(rss)
	((r > peak)) && peak=$r
	kill -0 "$SPAWNED_PID" 2>/dev/null || break
	sleep 0.2
done
wait_for 5 reset_seen || fail "P's speaker ended without a report: $(tail -3 "$T_DIR/p.log")"
report=$(grep reset_after "$T_DIR/p.log")
log "P: $report; E's RSS $rss0 kB before, at most $peak kB while P stalled"
jpy "d['reset_after'] is not None" <<<"$report" >/dev/null ||
	fail "E never reset P's session though P read nothing for 120 s: $report"
grep -q "peer $P: send hold timer expired" "$T_DIR/e.log" || fail "E's log does not say why P's session was reset"
table_kb=$((KEYS * 1100 / 1024))
# The whole table once is ~$table_kb kB; unpaced, 800 refreshes would queue 800 of them.
((peak - rss0 < table_kb / 2)) ||
	fail "E's RSS grew by $((peak - rss0)) kB while P stalled: more than half a table ($table_kb kB)"
log "E's growth while P stalled: $((peak - rss0)) kB (one table is ~$table_kb kB; 800 were asked for)"

step "Q kept its session and nothing else changed"
nb=$(ctl e show neighbors --json)
jpy "one(d, address='$Q')['state'] == 'established' and one(d, address='$Q')['flaps'] == 0" <<<"$nb" >/dev/null ||
	fail "Q's session did not stay up: $nb"
jpy "'Send Hold Timer Expired' in one(d, address='$P')['last_error']" <<<"$nb" >/dev/null ||
	fail "show neighbors does not give P's last error: $(jpy "one(d, address='$P')" <<<"$nb")"

step "a control client that does not read its show-routes reply costs little; others are answered"
rss1=$(rss)
python3 - "$T_DIR/e.ctl" "$EVPNCTL" "$EVPND_PID_e" "$KEYS" >"$T_DIR/slow.out" <<'PY' || fail "slow control client: $(cat "$T_DIR/slow.out")"
import json, socket, subprocess, sys, time
sock, ctl, pid, keys = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def rss():
    for l in open("/proc/%s/status" % pid):
        if l.startswith("VmRSS"):
            return int(l.split()[1])
s = socket.socket(socket.AF_UNIX)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(sock)
s.sendall(b'{"cmd":"show-routes","family":"opaque"}\n')
peak, answered = rss(), 0
for _ in range(10):  # not reading for a while: others must still be answered
    time.sleep(0.2)
    r = subprocess.run([ctl, "-s", sock, "show", "status"], capture_output=True, timeout=10)
    answered += r.returncode == 0
    peak = max(peak, rss())
buf = b""
while not buf.endswith(b"\n"):
    d = s.recv(1 << 20)
    if not d:
        break
    buf += d
routes = json.loads(buf)["data"]
print(json.dumps({"routes": len(routes), "bytes": len(buf), "answered": answered, "peak_kb": peak}))
sys.exit(0 if len(routes) == keys and answered == 10 else 1)
PY
slow=$(cat "$T_DIR/slow.out")
log "slow reader: $slow (E's RSS before: $rss1 kB)"
peak=$(jpy "d['peak_kb']" <<<"$slow")
((peak - rss1 < table_kb / 2)) ||
	fail "E's RSS grew by $((peak - rss1)) kB while a client did not read its reply (one table is ~$table_kb kB)"
pass
