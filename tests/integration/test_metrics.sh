#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Metrics (issue 7): a 2-hypervisor lab, h1 with [global] metrics-listen on loopback, h2 without.
#   - GET /metrics inside h1's namespace (python3 urllib; libmicrohttpd serves it): valid
#     Prometheus text (HELP/TYPE before samples, histogram buckets cumulative, +Inf = _count);
#   - evpnctl metrics gives the same families; every metric the Grafana dashboard
#     (packaging/grafana/evpnd.json) queries is among them;
#   - sessions established = 1; routes per family/VNI equal `show routes`; installed remote MACs
#     equal what `bridge fdb` holds; the learn-to-install histogram has samples once h2's VM MAC
#     is installed; counters grow after activity (a MAC originated on h2);
#   - h2 (no metrics-listen) listens on nothing but BGP; other paths 404, POST 405;
#   - show fdb and monitor against a live kernel FDB; a non-loopback metrics-listen is refused.
source "$(dirname "$0")/lib.sh"

require ip bridge python3 ss
require_evpnd
t_init

PORT=$((20000 + RANDOM % 20000))
step "a 2-hypervisor lab, h1 serving metrics on 127.0.0.1:$PORT"
lab_up -n 2 --extra-global-on 1 "metrics-listen = 127.0.0.1:$PORT"
lab_wait_mesh 30
wait_for 15 fdb_remote 1 "$(lab_mac 2)" "$(lab_ip 2)" || fail "h1: h2's VM MAC not installed"

# scrape I [PATH] [METHOD]: the body of http://127.0.0.1:PORT/PATH from inside hypervisor I's namespace
scrape() {
	ip netns exec "$(ns "h$1")" python3 - "$PORT" "${2:-/metrics}" "${3:-GET}" <<'EOF'
import sys, urllib.request, urllib.error
req = urllib.request.Request("http://127.0.0.1:%s%s" % (sys.argv[1], sys.argv[2]), method=sys.argv[3])
try:
    with urllib.request.urlopen(req, timeout=5) as r:
        assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4"), r.headers
        sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    print("HTTP %d" % e.code)
EOF
}

# check_text FILE: parse the exposition, assert its format, print "name{labels} value" as JSON
PARSE='
import json, re, sys
text = open(sys.argv[1]).read()
assert text.endswith("\n"), "no final newline"
fam_type, samples, seen_help = {}, {}, set()
line_re = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$")
lab_re = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?")
for l in text.splitlines():
    if l.startswith("# HELP "):
        seen_help.add(l.split()[2]); continue
    if l.startswith("# TYPE "):
        _, _, n, t = l.split(); assert n in seen_help, "TYPE before HELP: " + n
        assert n not in fam_type, "family twice: " + n
        fam_type[n] = t; continue
    m = line_re.match(l); assert m, "bad line: " + l
    name, labels, value = m.group(1), m.group(3) or "", float(m.group(4))
    base = re.sub(r"_(bucket|sum|count)$", "", name) if name not in fam_type else name
    assert base in fam_type, "sample before its TYPE: " + l
    lab = dict(lab_re.findall(labels))
    key = name + "{" + ",".join("%s=%s" % kv for kv in sorted(lab.items())) + "}"
    assert key not in samples, "duplicate sample " + key
    samples[key] = value
# histograms: cumulative buckets, +Inf equal to _count
for n, t in fam_type.items():
    if t != "histogram": continue
    b = sorted(((float(k.split("le=")[1].rstrip("}")), v) for k, v in samples.items()
               if k.startswith(n + "_bucket{")), key=lambda x: x[0])
    assert b and b[-1][0] == float("inf"), "no +Inf bucket: " + n
    assert all(b[i][1] <= b[i + 1][1] for i in range(len(b) - 1)), "not cumulative: " + n
    assert b[-1][1] == samples[n + "_count{}"], "+Inf != count: " + n
json.dump({"types": fam_type, "s": samples}, sys.stdout)
'
check_text() { python3 -c "$PARSE" "$1"; }
# val JSON KEY: one sample's value (fails when absent)
val() { python3 -c 'import json,sys; print(int(json.loads(sys.argv[1])["s"][sys.argv[2]]))' "$1" "$2"; }

step "scrape h1 over HTTP and through evpnctl metrics"
scrape 1 >"$T_DIR/m1.txt" || fail "GET /metrics on h1 failed"
M1=$(check_text "$T_DIR/m1.txt") || fail "h1's /metrics is not valid Prometheus text: $(head -50 "$T_DIR/m1.txt")"
lab_ctl 1 metrics >"$T_DIR/c1.txt" || fail "evpnctl metrics failed"
C1=$(check_text "$T_DIR/c1.txt") || fail "evpnctl metrics is not valid Prometheus text"
python3 -c 'import json,sys; a=json.loads(sys.argv[1])["types"]; b=json.loads(sys.argv[2])["types"]; assert a == b, (a, b)' \
	"$M1" "$C1" || fail "HTTP and evpnctl metrics differ in their families"
for f in evpnd_bgp_sessions_established evpnd_bgp_neighbors evpnd_bgp_messages_received_total \
	evpnd_bgp_messages_sent_total evpnd_routes evpnd_fdb_entries evpnd_netlink_refused_total \
	evpnd_netlink_resyncs_total evpnd_netlink_overflows_total evpnd_mac_moves_total \
	evpnd_mac_duplicates_total evpnd_fdb_install_latency_seconds evpnd_vni_remote_macs; do
	grep -q "^# TYPE $f " "$T_DIR/m1.txt" || fail "family $f missing"
done
log "every family present, format valid, HTTP = evpnctl"

# the Grafana dashboard (packaging/grafana/evpnd.json) queries only what evpnd exposes
python3 - "$EVPND_SRC/packaging/grafana/evpnd.json" "$T_DIR/m1.txt" <<'EOF' || fail "the Grafana dashboard queries metrics evpnd does not expose (above)"
import json, re, sys
d = json.load(open(sys.argv[1]))
have = set()
for line in open(sys.argv[2]):
    if line.startswith("# TYPE "):
        name, kind = line.split()[2:4]
        have.add(name)
        if kind == "histogram":
            have.update(name + s for s in ("_bucket", "_sum", "_count"))
queried, missing, n = set(), [], 0
exprs = [(t["expr"], "panel %r" % p["title"]) for p in d["panels"] for t in p["targets"]]
exprs += [(v.get("query", ""), "variable %s" % v["name"]) for v in d["templating"]["list"]]
for e, where in exprs:
    for m in re.findall(r"\b(evpnd_[a-z0-9_]+)", e):
        queried.add(m)
        if m not in have:
            missing.append("%s (%s)" % (m, where))
if missing or len(exprs) < 10:
    print("missing:", ", ".join(missing), "queries:", len(exprs))
    sys.exit(1)
print("dashboard: %d panels, %d queries of %d metrics, all exposed" % (len(d["panels"]), len(exprs), len(queried)))
EOF

step "values agree with show neighbors, show routes and the kernel"
H2=$(lab_ip 2)
[ "$(val "$M1" 'evpnd_bgp_sessions_established{}')" = 1 ] || fail "sessions established != 1"
[ "$(val "$M1" 'evpnd_bgp_neighbors{state=established}')" = 1 ] || fail "neighbors{established} != 1"
[ "$(val "$M1" "evpnd_bgp_neighbor_established{peer=$H2}")" = 1 ] || fail "neighbor h2 not established"
[ "$(val "$M1" "evpnd_bgp_messages_received_total{peer=$H2,type=open}")" -ge 1 ] || fail "no OPEN counted"
nroutes=$(lab_ctl 1 show routes evpn vni 100 --json | jpy 'len(d)')
[ "$(val "$M1" 'evpnd_routes{family=evpn,vni=100}')" = "$nroutes" ] ||
	fail "evpnd_routes{vni=100} != show routes vni 100 ($nroutes)"
nremote=$(ip netns exec "$(ns h1)" bridge fdb show dev vx100 | grep -Ec '^([0-9a-f]{2}:){5}[0-9a-f]{2} dst .* self( .*)? extern_learn' || true)
nremote=$((nremote - $(ip netns exec "$(ns h1)" bridge fdb show dev vx100 | grep -c '^00:00:00:00:00:00 dst .*extern_learn' || true)))
[ "$(val "$M1" 'evpnd_fdb_entries{kind=remote_mac}')" = "$nremote" ] ||
	fail "evpnd_fdb_entries{remote_mac} != bridge fdb's extern_learn self entries ($nremote)"
nflood=$(ip netns exec "$(ns h1)" bridge fdb show dev vx100 | grep -c '^00:00:00:00:00:00 dst ' || true)
[ "$(val "$M1" 'evpnd_fdb_entries{kind=flood}')" = "$nflood" ] || fail "flood entries != bridge fdb ($nflood)"
[ "$(val "$M1" 'evpnd_vni_remote_macs{vni=100}')" = "$nremote" ] || fail "vni_remote_macs{100} != $nremote"
lat0=$(val "$M1" 'evpnd_fdb_install_latency_seconds_count{}')
[ "$lat0" -ge 1 ] || fail "no learn-to-install latency sample after h2's VM MAC was installed"
log "sessions 1, routes $nroutes, remote MACs $nremote, flood $nflood, latency samples $lat0"

step "counters grow after activity: a MAC originated on h2"
upd0=$(val "$M1" "evpnd_bgp_messages_received_total{peer=$H2,type=update}")
lab_ctl 2 add macadv 02:00:00:00:77:01 vni 100 || fail "add macadv on h2"
wait_for 10 fdb_remote 1 02:00:00:00:77:01 "$H2" || fail "h1: h2's new MAC not installed"
scrape 1 >"$T_DIR/m2.txt"
M2=$(check_text "$T_DIR/m2.txt") || fail "second scrape invalid"
[ "$(val "$M2" "evpnd_bgp_messages_received_total{peer=$H2,type=update}")" -gt "$upd0" ] ||
	fail "UPDATEs received from h2 did not grow"
[ "$(val "$M2" 'evpnd_fdb_install_latency_seconds_count{}')" -gt "$lat0" ] || fail "latency count did not grow"
[ "$(val "$M2" 'evpnd_fdb_entries{kind=remote_mac}')" = $((nremote + 1)) ] || fail "remote MACs did not grow by 1"
[ "$(val "$M2" 'evpnd_routes{family=evpn,vni=100}')" = $((nroutes + 1)) ] || fail "routes did not grow by 1"
log "UPDATEs, latency samples, remote MACs and routes all grew"

step "HTTP details: 404, 405; h2 listens on nothing for metrics (off by default)"
[ "$(scrape 1 /nothing)" = "HTTP 404" ] || fail "GET /nothing is not a 404"
[ "$(scrape 1 /metrics POST)" = "HTTP 405" ] || fail "POST /metrics is not a 405"
ss_out=$(ip netns exec "$(ns h2)" ss -Hltn)
grep -q ":$PORT " <<<"$ss_out" && fail "h2 listens on $PORT without metrics-listen"
grep -vq ':179 ' <<<"$ss_out" && fail "h2 listens on something besides BGP: $ss_out"
ip netns exec "$(ns h1)" ss -Hltn | grep "127.0.0.1:$PORT " >/dev/null || fail "h1 does not listen on 127.0.0.1:$PORT"

step "evpnctl show fdb and monitor against the kernel"
fdbj=$(lab_ctl 1 show fdb vni 100 --json) || fail "show fdb failed"
	python3 -c '
import json, sys
d = json.loads(sys.argv[1]); mac, h2 = sys.argv[2], sys.argv[3]
r = [e for e in d if e["mac"] == mac and e["kind"] == "remote" and e["dst"] == h2]
assert r and "self" in r[0]["flags"] and "extern_learn" in r[0]["flags"], d
assert any(e["kind"] == "flood" and e["dst"] == h2 for e in d), d
assert any(e["kind"] == "local" and e["mac"] == sys.argv[4] for e in d), d
' "$fdbj" "$(lab_mac 2)" "$H2" "$(lab_mac 1)" || fail "show fdb vni 100 lacks h2's MAC, flood entry or h1's VM: $fdbj"
lab_ctl 1 show fdb | grep -E "^100 +$(lab_mac 2) +vx100 .* remote " >/dev/null || fail "show fdb table"
lab_ctl 1 monitor >"$T_DIR/mon.txt" 2>&1 &
mpid=$!
T_PIDS+=("$mpid")
# subscribed once a change shows: a probe key, published again until it does
probe_seen() { lab_ctl 1 add key monitor-probe value "$EPOCHREALTIME" && grep -q monitor-probe "$T_DIR/mon.txt"; }
wait_for 10 probe_seen || fail "evpnctl monitor printed no probe: $(cat "$T_DIR/mon.txt")"
lab_ctl 1 del key monitor-probe || fail "del key monitor-probe"
lab_ctl 2 del macadv 02:00:00:00:77:01 vni 100 || fail "del macadv on h2"
wait_for 10 grep -E "withdraw evpn macadv vni 100 02:00:00:00:77:01" "$T_DIR/mon.txt" ||
	fail "monitor printed no withdraw line: $(cat "$T_DIR/mon.txt")"
stop_pid "$mpid"

step "a non-loopback metrics-listen is refused unless allowed; bad values name file and line"
cf="$T_DIR/bad.conf"
chk() { "$EVPND" --check-config -f "$cf" 2>&1 || true; }
printf '[global]\nasn = 64512\nrouter-id = 10.0.0.1\nlisten = none\nmetrics-listen = 10.1.2.3\n' >"$cf"
grep 'bad.conf:5: \[global\] metrics-listen: "10.1.2.3" is not a metrics address' <<<"$(chk)" >/dev/null ||
	fail "metrics-listen without a port accepted"
sed -i 's/^metrics-listen = .*/log-level = loud/' "$cf"
grep 'bad.conf:5: \[global\] log-level: "loud" is not a log level' <<<"$(chk)" >/dev/null ||
	fail "log-level loud accepted"
sed -i 's/^log-level = .*/log = journal/' "$cf"
grep 'log: "journal" is not a log target' <<<"$(chk)" >/dev/null || fail "log = journal accepted"
sed -i 's/^log = .*/metrics-listen = 192.0.2.1:9469/' "$cf"
ns_add x
rc=0
out=$(ip netns exec "$(ns x)" timeout 10 "$EVPND" -f "$cf" -s "$T_DIR/x.sock" 2>&1) || rc=$?
[ "$rc" = 1 ] && grep 'is not a loopback address' <<<"$out" >/dev/null || fail "non-loopback metrics-listen: exit $rc [$out]"
lab_pass
