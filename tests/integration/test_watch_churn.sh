#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The watch stream holds its promise under churn (docs/control-protocol.md, "Watching"): two evpnd
# clients of a GoBGP 3.10 route reflector, in three network namespaces,
#   ns a: evpnd A 10.77.0.1 <--> ns r: gobgpd RR 10.77.0.2 | 10.77.1.2 <--> ns b: evpnd B 10.77.1.3
# keys and MAC routes come and go at A, at B (reaching A through the reflector, so one key's best
# path moves between A's own and B's) and at the reflector itself (gobgp CLI), while watchers of A
# join late, disconnect and resume, read too slowly for a small replay window and lag, and filter
# by family, key prefix, VNI and source. watch_churn.py checks every view at every "synced" against
# a reference watcher at that sequence number, and every final view against A's RIB. Then the
# ephemeral keys: withdrawn at the reflector when their connection closes or its process is killed.
source "$(dirname "$0")/lib.sh"

require gobgpd gobgp ip python3
require_evpnd
t_init

# a small window, so that the slow watchers fall out of it and take the lag path
rr_pair_up "watch-replay-window = 262144"

step "churn at A, B and the reflector while A's watchers come, go, lag and resume"
# the reflector's own MAC routes, added and withdrawn by the gobgp CLI meanwhile
(
	for i in $(seq 0 59); do
		m=$(printf '02:00:00:bb:00:%02x' $((i % 12)))
		if [ $((i % 3)) = 2 ]; then op=del; else op=add; fi
		gobgp --target "unix://$T_DIR/rr.sock" global rib $op macadv "$m" 0.0.0.0 etag 0 label 100 \
			rd $R1:100 rt 64512:100 encap vxlan -a evpn >/dev/null 2>&1 || true
		sleep 0.1
	done
) &
GOBGP_LOOP=$!
out=$(python3 "$(dirname "$0")/watch_churn.py" "$T_DIR/A.ctl" "$T_DIR/B.ctl" 12 "$RANDOM") ||
	{ wait "$GOBGP_LOOP"; fail "watch under churn: $out"; }
wait "$GOBGP_LOOP"
log "$out"
grep -q '"peer-only"' <<<"$out" || fail "no figures from the churn run: $out"
# slow and lagging watchers never held the loop long enough to cost a session (hold time 9 s)
jcheck "$(ctl_ok A show neighbors --json)" "(one(d, address='$R1')['state'] == 'established' and
	one(d, address='$R1')['flaps'] == 0)" "A's session to the reflector stayed up through the churn"

step "ephemeral keys: withdrawn when their connection closes, or its process is killed"
opaque_at_rr() { gobgp_opaque_check rr "$1"; }
python3 - "$T_DIR/A.ctl" <<'PY' || fail "an ephemeral key outlived its connection"
import json, socket, subprocess, sys, time
S = sys.argv[1]
def req(f, **o):
    f.write(json.dumps(o).encode() + b"\n"); f.flush(); return json.loads(f.readline())
def at_a(key):
    s = socket.socket(socket.AF_UNIX); s.connect(S); f = s.makefile("rwb")
    r = req(f, cmd="show-routes", family="opaque", key=key); s.close()
    return [p for p in r["data"] if p["source"] == "local"]
s = socket.socket(socket.AF_UNIX); s.connect(S); f = s.makefile("rwb")
assert req(f, cmd="add-key", key="eph/closed", value="up", ephemeral=True)["ok"]
assert at_a("eph/closed")
f.close(); s.close()
for _ in range(50):
    if not at_a("eph/closed"): break
    time.sleep(0.1)
else:
    sys.exit("eph/closed still at A after its connection closed")
# a child that publishes and is then killed with SIGKILL: the kernel closes its socket
child = subprocess.Popen([sys.executable, "-c", """
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rwb")
f.write(b'{"cmd":"add-key","key":"eph/killed","value":"up","ephemeral":true}\\n'); f.flush()
assert json.loads(f.readline())["ok"]
print("published", flush=True)
time.sleep(600)
""", S], stdout=subprocess.PIPE)
assert child.stdout.readline().strip() == b"published"
assert at_a("eph/killed")
child.kill(); child.wait()
for _ in range(50):
    if not at_a("eph/killed"): break
    time.sleep(0.1)
else:
    sys.exit("eph/killed still at A after its process was killed")
PY
wait_for 10 opaque_at_rr "not any(k.startswith('eph/') for k in d)" ||
	fail "the reflector still has an ephemeral key: $(gobgp_cli rr global rib -a opaque -j)"
grep -q "ephemeral key withdrawn" "$T_DIR/A.log" || fail "A's log does not say it withdrew the ephemeral keys"

pass "snapshot+stream equal to the RIB under churn, resume, lag and filters; ephemeral keys withdrawn"
