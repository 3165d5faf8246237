#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# RFC 7606 matrix: a raw speaker (bgpspeak.py, driven by rfc7606_matrix.py) peers with one evpnd over
# iBGP and over eBGP and sends every row of the matrix (each path attribute with a bad length, bad
# flags, truncated and duplicated; EVPN types 1-5 and opaque NLRI with bad lengths and fields; the
# GoBGP 3.10 crasher, a type-2 length byte shorter than its fields). Per row: the outcome the row
# cites (treat-as-withdraw, attribute discard, session reset with its NOTIFICATION code/subcode,
# discard of an unknown route type), evpnd's PID alive, the session's baseline routes unchanged
# (re-announced after a reset), and for treat-as-withdraw the row's route, announced cleanly
# first, gone. `python3 rfc7606_matrix.py list` prints the matrix with its sources.
#   ns e: evpnd 10.76.0.1 ----- ns s: speaker 10.76.0.2 (iBGP, AS 64512), 10.76.0.3 (eBGP, AS 65001)
source "$(dirname "$0")/lib.sh"

require ip python3
require_evpnd
t_init

E=10.76.0.1 S=10.76.0.2 SX=10.76.0.3
ns_add e
ns_add s
ns_link e $E/24 s $S/24
ip -n "$(ns s)" addr add $SX/24 dev veth0

evpnd_conf "$T_DIR/e.conf" E 64512 $E
evpnd_neighbor "$T_DIR/e.conf" $S 64512
echo "passive = yes" >>"$T_DIR/e.conf"
evpnd_neighbor "$T_DIR/e.conf" $SX 65001
echo "passive = yes" >>"$T_DIR/e.conf"
evpnd_start E e "$T_DIR/e.conf"
PID=${T_EVPND_PID[E]}

step "matrix: $(python3 "$EVPND_SRC/tests/integration/rfc7606_matrix.py" list | wc -l) rows"
ip netns exec "$(ns s)" python3 "$EVPND_SRC/tests/integration/rfc7606_matrix.py" run \
	--local $S --remote $E --asn 64512 --ebgp-local $SX --ebgp-asn 65001 \
	--ctl "$T_DIR/E.ctl" --evpnctl "$EVPNCTL" --pid "$PID" --out "$T_DIR/results.json" \
	${RFC7606_ONLY:+--only "$RFC7606_ONLY"} >&2 || {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for r in d["summary"]["failed"]:
    print("FAILED row %s (%s, %s): %s; observed %s" % (r["n"], r["session"], r["name"], r.get("why"), r.get("observed")))' \
		"$T_DIR/results.json" >&2 || true
	fail "RFC 7606 matrix: rows failed (see above)"
}
jcheck "$(cat "$T_DIR/results.json")" "d['summary']['cases'] >= 100 or '${RFC7606_ONLY:-}' != ''" "every row ran"
alive "$PID" || fail "evpnd died"
# each refusal is logged with its reason, and rate-limited: at least one line per class
for what in "treating as withdraw" "sending NOTIFICATION"; do
	[ "$(evpnd_log_count E "$what")" -gt 0 ] || fail "no '$what' line in evpnd's log"
done
log "$(python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))["summary"]; print("%d rows in %s s" % (s["cases"], s["seconds"]))' "$T_DIR/results.json")"
pass
