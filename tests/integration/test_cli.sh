#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# evpnd's command line: --check-config, --help, --version, bad options, and one start/stop cycle
# on loopback with a control-socket query through evpnctl. Needs EVPND and EVPNCTL (set by ctest).
# "A && ok ... || bad ..." is safe here: ok only echoes and never fails.
# shellcheck disable=SC2015
set -u

EVPND=${EVPND:?set EVPND to the evpnd binary}
EVPNCTL=${EVPNCTL:?set EVPNCTL to the evpnctl binary}
[ -x "$EVPND" ] || { echo "FAIL - $EVPND is not an executable"; exit 1; }
[ -x "$EVPNCTL" ] || { echo "FAIL - $EVPNCTL is not an executable"; exit 1; }
command -v python3 >/dev/null || { echo "FAIL - python3 is needed (scripts/deps.sh installs it)"; exit 1; }
# shellcheck source=tap.sh
source "$(dirname "$0")/tap.sh"
tap_init cli

# expect_check NAME WANT_RC WANT_TEXT: run --check-config on $T/NAME.conf; output must equal WANT_TEXT
expect_check() {
	local f="$T/$1.conf" out rc
	out=$("$EVPND" --check-config -f "$f" 2>&1)
	rc=$?
	if [ "$rc" = "$2" ] && [ "$out" = "$3" ]; then
		ok "check-config $1: exit $rc"
	else
		bad "check-config $1: exit $rc (want $2), output [$out], want [$3]"
	fi
}

cat >"$T/good.conf" <<EOF
# a good file
[global]
asn = 64512
router-id = 10.0.0.1
listen = none
control-socket = $T/unused.sock

[neighbor 10.0.0.2]
remote-as = 64512
families = evpn, opaque ; both

[vni 100]
route-target = 64512:100
route-target = 64512:101
EOF
expect_check good 0 "$T/good.conf: ok"

printf '[global]\nasn = 64512\nrouter-id = 10.0.0.1\n\n[neighbor 10.0.0.2]\nremote-as = abc\n' >"$T/badas.conf"
expect_check badas 1 "$T/badas.conf:6: [neighbor 10.0.0.2] remote-as: \"abc\" is not an AS number (1-4294967295)"

printf '[global]\nasn = 64512\nhold-time = 2\nrouter-id = 10.0.0.1\n' >"$T/badhold.conf"
expect_check badhold 1 "$T/badhold.conf:3: [global] hold-time: \"2\" is not a hold time (0 or 3-65535 seconds)"

printf '[global]\nasn = 64512\nrouter-id = 10.0.0.1\n[vni 10]\n[vni 10]\n' >"$T/dupvni.conf"
expect_check dupvni 1 "$T/dupvni.conf:5: [vni 10] duplicate section (first on line 4)"

printf '[global]\nasn = 64512\n' >"$T/norid.conf"
expect_check norid 1 "$T/norid.conf:1: [global] router-id is required"

printf '[global]\nasn = 64512\nrouter-id = 10.0.0.1\nmtu = 9000\n' >"$T/unknown.conf"
expect_check unknown 1 "$T/unknown.conf:4: [global] unknown key \"mtu\""

expect_check missing 1 "$T/missing.conf: No such file or directory"

# --help: exit 0, every option named
out=$("$EVPND" --help 2>&1)
rc=$?
[ "$rc" = 0 ] && ok "--help exits 0" || bad "--help exits $rc"
for opt in -f --config -d --debug -s --socket --check-config -h --help -V --version; do
	grep -q -- "$opt\b" <<<"$out" || bad "--help does not mention $opt"
done
out=$("$EVPND" -h 2>&1) && [ -n "$out" ] && ok "-h exits 0" || bad "-h"
out=$("$EVPND" --version 2>&1)
rc=$?
[ "$rc" = 0 ] && [[ "$out" =~ ^evpnd\ [0-9]+\.[0-9]+\.[0-9]+$ ]] && ok "--version: $out" || bad "--version: exit $rc [$out]"
out=$("$EVPND" -V 2>&1) && [[ "$out" =~ ^evpnd\  ]] && ok "-V" || bad "-V [$out]"

# bad usage: exit 2 (as --help says), and says why on stderr
for args in "--no-such-option" "-x" "-f" "stray-argument"; do
	# shellcheck disable=SC2086
	out=$("$EVPND" $args 2>&1 </dev/null)
	rc=$?
	if [ "$rc" = 2 ] && [ -n "$out" ]; then ok "evpnd $args: exit $rc"; else bad "evpnd $args: exit $rc"; fi
done

# A config error at start-up: exit 1 and the FILE:LINE message in the log line.
out=$("$EVPND" -f "$T/badas.conf" 2>&1)
rc=$?
if [ "$rc" = 1 ] && grep -q "evpnd\[[0-9]*\]: err $T/badas.conf:6: \[neighbor 10.0.0.2\] remote-as" <<<"$out"; then
	ok "start with a bad file: exit 1"
else
	bad "start with a bad file: exit $rc [$out]"
fi

# --- one real start on loopback -------------------------------------------------------------
# A free high port (port 0 would mean "do not listen").
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null)
[ -n "$PORT" ] || PORT=$((20000 + RANDOM % 30000))
SOCK="$T/run/evpnd.sock"
cat >"$T/run.conf" <<EOF
[global]
asn = 64512
router-id = 10.0.0.1
listen = 127.0.0.1:$PORT
control-socket = $T/not-this-one.sock
hold-time = 30

[neighbor 127.0.0.99]
remote-as = 64512
passive = yes
EOF

# wait_for COND_CMD...: up to 5 s
wait_for() {
	local _
	for _ in $(seq 50); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

"$EVPND" -f "$T/run.conf" -s "$SOCK" -d 2>"$T/evpnd.log" &
PID=$!
PIDS+=("$PID")
if wait_for test -S "$SOCK"; then
	ok "evpnd started (pid $PID), control socket $SOCK (-s overrides the file)"
else
	bad "control socket $SOCK did not appear"
	cat "$T/evpnd.log"
fi
kill -0 "$PID" 2>/dev/null && ok "evpnd running" || bad "evpnd exited early"
grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z evpnd\['"$PID"'\]: notice evpnd [0-9.]+ starting: AS 64512 router-id 10.0.0.1, 1 neighbor$' "$T/evpnd.log" &&
	ok "start-up log line" || { bad "start-up log line"; cat "$T/evpnd.log"; }
[ -e "$T/not-this-one.sock" ] && bad "control-socket from the file used despite -s"

# A second instance on the same port must fail clearly.
out=$("$EVPND" -f "$T/run.conf" -s "$T/second.sock" 2>&1)
rc=$?
if [ "$rc" = 1 ] && grep -q "err cannot listen on 127.0.0.1:$PORT: Address already in use" <<<"$out"; then
	ok "second instance: exit 1, cannot listen"
else
	bad "second instance: exit $rc [$out]"
fi
# A control socket that cannot be created must fail clearly too.
touch "$T/plainfile"
sed "s/^listen = .*/listen = none/" "$T/run.conf" >"$T/nolisten.conf"
out=$("$EVPND" -f "$T/nolisten.conf" -s "$T/plainfile/evpnd.sock" 2>&1)
rc=$?
if [ "$rc" = 1 ] && grep -q "err cannot open control socket $T/plainfile/evpnd.sock: " <<<"$out"; then
	ok "unusable control socket: exit 1"
else
	bad "unusable control socket: exit $rc [$out]"
fi

# The protocol itself, without evpnctl: one request line, one reply line.
if python3 - "$SOCK" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(b'{"cmd":"show-neighbors"}\n')
buf = b""
while not buf.endswith(b"\n"):
    chunk = s.recv(65536)
    assert chunk, "connection closed"
    buf += chunk
r = json.loads(buf)
assert r["ok"] is True, r
assert [n["address"] for n in r["data"]] == ["127.0.0.99"], r
EOF
then
	ok "show-neighbors over the control socket"
else
	bad "show-neighbors over the control socket"
fi

"$EVPNCTL" --help >/dev/null 2>&1 && ok "evpnctl --help" || bad "evpnctl --help fails"
out=$("$EVPNCTL" -s "$SOCK" show neighbors --json 2>&1)
rc=$?
if [ "$rc" = 0 ] && python3 - "$out" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
n = d if isinstance(d, list) else d.get("data", d)
assert isinstance(n, list) and len(n) == 1, n
assert n[0]["address"] == "127.0.0.99", n[0]
assert n[0]["remote_as"] == 64512, n[0]
assert n[0]["state"] in ("idle", "active", "connect"), n[0]
EOF
then
	ok "evpnctl show neighbors --json"
else
	bad "evpnctl show neighbors --json: exit $rc [$out]"
fi

# ---- issue 7: every evpnctl command's help, completion, metrics, show fdb, monitor, log keys ----
for c in "show neighbors" "show routes" "show vnis" "show macs" "show fdb" "clear duplicate" \
	"clear neighbor" audit reload "add macadv" "del macadv" "add multicast" "del multicast" \
	"add key" "del key" watch monitor metrics help; do
	# shellcheck disable=SC2086
	a=$("$EVPNCTL" help $c 2>&1) && b=$("$EVPNCTL" $c --help 2>&1) &&
		grep -q "^usage: evpnctl $c" <<<"$a" && [ "$(wc -l <<<"$a")" -ge 3 ] && [ "$a" = "$b" ] &&
		ok "help: evpnctl help $c = evpnctl $c --help" || bad "help for \"$c\": [$a] [$b]"
done
"$EVPNCTL" help nosuch >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] && ok "help for an unknown command: exit 2" || bad "help nosuch: exit $rc"
comp="$(dirname "$0")/../../packaging/bash-completion/evpnctl"
out=$(bash -c 'source "$1" && complete -p evpnctl && COMP_WORDS=(evpnctl show f) COMP_CWORD=2 &&
	_evpnctl && echo "${COMPREPLY[*]}" && COMP_WORDS=(evpnctl mo) COMP_CWORD=1 && _evpnctl &&
	echo "${COMPREPLY[*]}"' _ "$comp" 2>&1)
[ "$out" = "complete -F _evpnctl evpnctl
fdb
monitor" ] && ok "bash completion: sourced, complete -p evpnctl, completes show f -> fdb, mo -> monitor" ||
	bad "bash completion: [$out]"
out=$("$EVPNCTL" -s "$SOCK" metrics 2>&1); rc=$?
[ "$rc" = 0 ] && grep -q '^# TYPE evpnd_bgp_sessions_established gauge$' <<<"$out" &&
	grep -q '^evpnd_bgp_neighbors{state="established"} 0$' <<<"$out" &&
	grep -q '^evpnd_bgp_neighbor_established{peer="127.0.0.99"} 0$' <<<"$out" &&
	ok "evpnctl metrics: Prometheus text" || bad "evpnctl metrics: exit $rc [$out]"
out=$("$EVPNCTL" -s "$SOCK" show fdb --json 2>&1); rc=$?
[ "$rc" = 0 ] && python3 -c 'import json,sys; assert isinstance(json.loads(sys.argv[1]), list)' "$out" &&
	ok "evpnctl show fdb --json: a list" || bad "evpnctl show fdb --json: exit $rc [$out]"
out=$("$EVPNCTL" -s "$SOCK" show fdb vni 100 2>&1); rc=$?
[ "$rc" = 0 ] && grep -q '^VNI ' <<<"$out" && ok "evpnctl show fdb vni 100: a table" ||
	bad "evpnctl show fdb vni 100: exit $rc [$out]"
"$EVPNCTL" -s "$SOCK" show fdb vni 0 >/dev/null 2>&1; rc=$?
[ "$rc" = 1 ] && ok "show fdb vni 0: refused" || bad "show fdb vni 0: exit $rc"
"$EVPNCTL" -s "$SOCK" monitor >"$T/monitor.out" 2>&1 &
mpid=$!
PIDS+=("$mpid")
# subscribed once a change shows: a probe key, published again until it does
probe_seen() {
	"$EVPNCTL" -s "$SOCK" add key monitor-probe value "$EPOCHREALTIME" >/dev/null 2>&1 &&
		grep -q monitor-probe "$T/monitor.out"
}
if tap_wait 10 probe_seen && kill -0 "$mpid" 2>/dev/null; then
	"$EVPNCTL" -s "$SOCK" add macadv 02:00:00:00:07:01 vni 100 >/dev/null 2>&1
	tap_wait 5 grep -q 02:00:00:00:07:01 "$T/monitor.out"
	kill "$mpid" 2>/dev/null; wait "$mpid" 2>/dev/null
	grep -Eq '^[0-9:]{8} update   evpn macadv vni 100 02:00:00:00:07:01 rd [^ ]+ nexthop [^ ]+ from local$' \
		"$T/monitor.out" && ok "evpnctl monitor: one line per change" ||
		bad "evpnctl monitor: [$(cat "$T/monitor.out")]"
else
	bad "evpnctl monitor exited at once: [$(cat "$T/monitor.out")]"
fi

kill -TERM "$PID"
wait "$PID"
rc=$?
PIDS=()
[ "$rc" = 0 ] && ok "SIGTERM: exit 0" || { bad "SIGTERM: exit $rc"; cat "$T/evpnd.log"; }
grep -q "notice received .*, stopping" "$T/evpnd.log" && ok "stop logged" || bad "stop not logged"
[ -e "$SOCK" ] && bad "control socket left behind after exit"

if [ "$fails" -gt 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all checks passed"
