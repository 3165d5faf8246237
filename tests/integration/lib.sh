# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Shared helpers for the integration tests: network namespaces, gobgpd and evpnd as real peers,
# polling, JSON assertions, and a cleanup that always runs. Source it; it sets `set -euo pipefail`.
#
# Everything a test creates is tracked here and undone on exit (even on failure or Ctrl-C):
# only the PIDs the test started are killed, only the namespaces it created are deleted, and its
# temp dir is removed (set EVPND_TEST_KEEP=1 to keep the temp dir with its logs and configs).
# Nothing is configured in the default namespace: every address lives inside a test namespace.

set -euo pipefail

T_NAME=$(basename "${0%.sh}")
# Short per-run prefix: namespace names stay well under the 15 characters of an interface name.
T_PREFIX="ev$(($$ % 100000))-"
T_DIR=
T_PIDS=()
declare -A T_PIDNAME=()
T_EVPND=()
declare -A T_EVPND_PID=()
T_NS=()
T_LOGS=()
T_DIAG=()   # commands run by fail() to show the state of the peers
T_CLEANED=0
T_LINKS=0

: "${EVPND_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${EVPND:=$EVPND_SRC/build/evpnd}"
: "${EVPNCTL:=$EVPND_SRC/build/evpnctl}"

log() { printf '%s: %s\n' "$T_NAME" "$*" >&2; }
step() { printf '\n=== %s: %s\n' "$T_NAME" "$*" >&2; }

# This test cannot run here. Allowed only to tests that tests/allowed-skips.txt lists: then exit 77
# (ctest: skipped) and record why for scripts/test.sh's summary; any other skip is a failure.
skip() {
	local name
	name=$(basename "$0" .sh)
	if [ -n "${EVPND_ALLOWED_SKIPS:-}" ] && grep -q "^$name[[:space:]]" "$EVPND_ALLOWED_SKIPS" 2>/dev/null; then
		log "SKIP: $*"
		[ -n "${EVPND_SKIP_LOG:-}" ] && printf '%s: %s\n' "$name" "$*" >>"$EVPND_SKIP_LOG"
		exit 77
	fi
	log "FAIL: cannot run here ($*), and tests/allowed-skips.txt does not allow $name to skip"
	exit 1
}

# Print every log file and the peers' state, then exit 1 (cleanup runs from the EXIT trap).
fail() {
	set +e
	T_FAILED=1
	log "FAIL: $*"
	local f c pid
	for pid in "${T_PIDS[@]}"; do
		alive "$pid" && continue
		wait "$pid" 2>/dev/null
		log "note: ${T_PIDNAME[$pid]} (pid $pid) is not running (exit status $?)"
		forget_pid "$pid"
	done
	for c in "${T_DIAG[@]}"; do
		printf '\n--- %s\n' "$c" >&2
		timeout 5 bash -c "$c" 2>&1 | head -n 60 >&2
	done
	for f in "${T_LOGS[@]}"; do
		[ -f "$f" ] || continue
		printf '\n--- %s (last 80 lines)\n' "$f" >&2
		tail -n 80 "$f" >&2
	done
	printf '\n%s: FAIL: %s\n' "$T_NAME" "$*" >&2
	exit 1
}

# pass: stop every evpnd (SIGTERM) and require a clean exit: status 0 and no sanitizer report
# (under ASan a leak only shows at exit), then report success.
pass() {
	local name pid bad=
	for name in "${T_EVPND[@]}"; do
		pid=${T_EVPND_PID[$name]}
		alive "$pid" || bad+=" $name(died before the end)"
		stop_pid "$pid"
		[ "$STOPPED_RC" = 0 ] || bad+=" $name(exit status $STOPPED_RC after SIGTERM)"
		grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T_DIR/$name.log" &&
			bad+=" $name(sanitizer report in $name.log)"
	done
	[ -z "$bad" ] || fail "evpnd did not stop cleanly:$bad"
	printf '\n%s: PASS\n' "$T_NAME" >&2
	exit 0
}

# alive PID: 0 if PID runs (a zombie, dead but not yet reaped, does not count).
alive() {
	local st
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

# Kill one of our PIDs: TERM, up to 5 s grace (ASan's leak check takes time), then KILL; reap it.
# Sets STOPPED_RC to its exit status.
stop_pid() {
	local pid=$1 i
	STOPPED_RC=0
	if alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do
			alive "$pid" || break
			sleep 0.1
		done
		alive "$pid" && kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null || STOPPED_RC=$?
	forget_pid "$pid"
}

# forget_pid PID: drop a reaped PID from the kill list, so a later reuse of the number is never hit.
forget_pid() {
	local p keep=()
	for p in "${T_PIDS[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	T_PIDS=("${keep[@]}")
}

cleanup() {
	local rc=$? pid ns
	[ "$T_CLEANED" = 1 ] && return 0
	T_CLEANED=1
	set +e
	if [ "$rc" != 0 ] && [ "${T_FAILED:-0}" = 0 ] && [ -n "${T_ERR_LINE:-}" ]; then
		# set -e ended the test on a command nobody checked: say which, or the failure is silent
		printf '%s: FAIL: exit status %s: "%s" failed at %s\n' "${T_NAME:-test}" "$rc" \
			"${T_ERR_CMD:-?}" "$T_ERR_LINE" >&2
	fi
	trap - INT TERM
	# TERM everyone first so they stop in parallel, then reap each with a grace period.
	for pid in "${T_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
	for pid in "${T_PIDS[@]}"; do stop_pid "$pid"; done # reaps each; forgets it
	for ns in "${T_NS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	if [ -n "$T_DIR" ] && [ -d "$T_DIR" ]; then
		if [ "${EVPND_TEST_KEEP:-0}" = 1 ]; then
			log "kept $T_DIR"
		else
			rm -rf "$T_DIR"
		fi
	fi
	return "$rc"
}

trap cleanup EXIT
# where set -e stops a test (functions too: errtrace), for cleanup's message
set -o errtrace
trap 'T_ERR_LINE="${BASH_SOURCE[0]##*/}:$LINENO"; T_ERR_CMD=$BASH_COMMAND' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

# Exit unless we are root and every named command exists.
require() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			fail "'$c' not found: install it (scripts/deps.sh test installs gobgpd, iproute2, python3)"
	done
}

require_evpnd() {
	[ -x "$EVPND" ] || fail "evpnd binary not found at '$EVPND' (build it, or set EVPND)"
	[ -x "$EVPNCTL" ] || fail "evpnctl binary not found at '$EVPNCTL' (build it, or set EVPNCTL)"
}

t_init() {
	T_DIR=$(mktemp -d "/tmp/${T_NAME}.XXXXXX")
	chmod 755 "$T_DIR"
}

# ns NAME: the full namespace name of a test namespace.
ns() { printf '%s%s' "$T_PREFIX" "$1"; }

# ns_add NAME: create namespace ns(NAME) with lo up.
ns_add() {
	local n
	n=$(ns "$1")
	ip netns add "$n" || fail "ip netns add $n"
	T_NS+=("$n")
	ip -n "$n" link set lo up
}

# ns_link NAME_A ADDR_A/LEN NAME_B ADDR_B/LEN: a veth pair between two test namespaces, addressed
# and up. Created directly inside the namespaces (ip -n) so the default namespace never sees it.
ns_link() {
	local a b i
	a=$(ns "$1") b=$(ns "$3")
	i=$T_LINKS
	T_LINKS=$((T_LINKS + 1))
	ip -n "$a" link add "veth$i" type veth peer name "veth$i" netns "$b" || fail "veth $a <-> $b"
	ip -n "$a" addr add "$2" dev "veth$i"
	ip -n "$b" addr add "$4" dev "veth$i"
	ip -n "$a" link set "veth$i" up
	ip -n "$b" link set "veth$i" up
}

# spawn LOGNAME NS CMD...: start CMD inside ns(NS) in the background, output to $T_DIR/LOGNAME.log.
# Sets SPAWNED_PID. `ip netns exec` execs CMD, so the PID is CMD's own.
spawn() {
	local name=$1 n
	n=$(ns "$2")
	shift 2
	ip netns exec "$n" "$@" >>"$T_DIR/$name.log" 2>&1 &
	SPAWNED_PID=$!
	T_PIDS+=("$SPAWNED_PID")
	T_PIDNAME[$SPAWNED_PID]=$name
	case " ${T_LOGS[*]} " in *" $T_DIR/$name.log "*) ;; *) T_LOGS+=("$T_DIR/$name.log") ;; esac
}

# subscribed PID: PID holds a netlink socket bound to multicast groups, so a monitor (bridge or ip
# monitor) sees every event from now on: the readiness a fixed sleep would only guess at.
subscribed() {
	local ino
	for ino in $(readlink /proc/"$1"/fd/* 2>/dev/null | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p'); do
		awk -v i="$ino" 'NR > 1 && $NF == i && $4 != "00000000" { f = 1 } END { exit !f }' \
			/proc/"$1"/net/netlink && return 0
	done
	return 1
}

# spawn_monitor LOGNAME NS CMD...: spawn a netlink monitor and return once it is subscribed.
spawn_monitor() {
	spawn "$@"
	wait_for 5 subscribed "$SPAWNED_PID" || fail "$1 (${*:3}) did not subscribe to netlink events"
}

# spawn_capture LOGNAME NS tcpdump ARGS...: spawn a capture and return once tcpdump reports its
# filter attached ("listening on"), so the first packet after this is in the file.
spawn_capture() {
	local before
	before=$(grep -c 'listening on' "$T_DIR/$1.log" 2>/dev/null) || before=0
	spawn "$@"
	wait_for 5 capturing "$T_DIR/$1.log" "$before" || fail "$1 did not start capturing: $(cat "$T_DIR/$1.log")"
}
capturing() { [ "$(grep -c 'listening on' "$1")" -gt "$2" ]; }

# link_up NS DEV: DEV in ns(NS) has its carrier (LOWER_UP): frames sent now leave.
link_up() { grep -q 'LOWER_UP' <<<"$(ip -n "$(ns "$1")" link show "$2")"; }

# not CMD...: invert CMD's status (for wait_for).
not() { ! "$@"; }

# spawn_host LOGNAME CMD...: like spawn, in the default namespace (for clients such as evpnctl watch,
# which reach their daemon through a UNIX socket). Output goes to $T_DIR/LOGNAME.out, errors to .log.
spawn_host() {
	local name=$1
	shift
	"$@" >>"$T_DIR/$name.out" 2>>"$T_DIR/$name.log" &
	SPAWNED_PID=$!
	T_PIDS+=("$SPAWNED_PID")
	T_PIDNAME[$SPAWNED_PID]=$name
	T_LOGS+=("$T_DIR/$name.log")
}

# wait_for TIMEOUT CMD...: run CMD every 0.1 s until it succeeds (0) or TIMEOUT (whole) seconds pass (1).
wait_for() {
	local timeout=$1 deadline
	shift
	# EPOCHREALTIME without its decimal separator: microseconds as an integer.
	deadline=$((${EPOCHREALTIME//[.,]/} + ${timeout%.*} * 1000000))
	while true; do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		((${EPOCHREALTIME//[.,]/} >= deadline)) && return 1
		sleep 0.1
	done
}

# ---- JSON assertions (python3: jq is not guaranteed) ----
# jpy EXPR: read JSON on stdin, evaluate the Python expression EXPR with `d` bound to it (an evpnctl
# reply {"ok":..,"data":X} is unwrapped to X). Helpers: find(lst, **kw) -> matching dicts,
# one(lst, **kw) -> the single match or None, gobgp_evpn(d) -> flat list of gobgp -j EVPN paths.
# Exit 0 if the result is truthy; prints non-boolean results.
jpy() {
	python3 -c '
import json, os, sys
expr = sys.argv[1]
raw = sys.stdin.read().strip()
if not raw:
    d = None
elif os.environ.get("JPY_LINES"):
    # a stream of JSON lines (evpnctl watch), without its {"ok":..} acknowledgement
    d = [x for x in (json.loads(l) for l in raw.splitlines() if l.strip())
         if not (isinstance(x, dict) and "ok" in x)]
else:
    try:
        d = json.loads(raw)
    except ValueError:
        # several JSON documents, one per line (watch output)
        d = [json.loads(l) for l in raw.splitlines() if l.strip()]
if isinstance(d, dict) and "ok" in d and ("data" in d or "error" in d):
    if not d["ok"]:
        sys.exit(3)
    d = d.get("data")
def find(lst, **kw):
    return [x for x in (lst or []) if isinstance(x, dict) and all(x.get(k) == v for k, v in kw.items())]
def one(lst, **kw):
    m = find(lst, **kw)
    return m[0] if len(m) == 1 else None
def rd_str(rd):
    return "%s:%s" % (rd.get("admin"), rd.get("assigned"))
def gobgp_evpn(dd):
    """gobgp global rib -a evpn -j: {prefix: [path...]} -> flat list of dicts."""
    out = []
    for key, paths in (dd or {}).items():
        for p in paths:
            v = p["nlri"]["value"]
            r = {"key": key, "type": {2: "macadv", 3: "multicast"}.get(p["nlri"]["type"], p["nlri"]["type"]),
                 "rd": rd_str(v["rd"]), "etag": v.get("etag"), "mac": v.get("mac"),
                 "ip": None if v.get("ip") in (None, "<nil>") else v.get("ip"),
                 "labels": v.get("labels"), "best": p.get("best"),
                 "source": p.get("neighbor-ip"), "rt": [], "encap": None, "pmsi": None,
                 "originator_id": None, "nexthop": None, "as_path": []}
            for a in p.get("attrs", []):
                if a["type"] == 14:
                    r["nexthop"] = a.get("nexthop")
                elif a["type"] == 16:
                    for c in a.get("value", []):
                        if c.get("subtype") == 2:
                            r["rt"].append(c.get("value"))
                        elif c.get("subtype") == 12:
                            r["encap"] = c.get("tunnel_type")
                elif a["type"] == 22:
                    r["pmsi"] = a
                elif a["type"] == 9:
                    r["originator_id"] = a.get("value")
                elif a["type"] == 2:
                    r["as_path"] = [n for seg in a.get("as_paths") or [] for n in seg.get("asns") or []]
            out.append(r)
    return out
res = eval(expr)
if not isinstance(res, bool) and res is not None:
    print(res if not isinstance(res, (dict, list)) else json.dumps(res))
sys.exit(0 if res else 1)
' "$1"
}

# jcheck JSON EXPR MSG: fail with MSG (and the JSON) unless EXPR (see jpy) is truthy on JSON.
jcheck() {
	local out
	if ! out=$(printf '%s' "$1" | jpy "$2" 2>&1); then
		printf '%s\n' "$1" | python3 -m json.tool >&2 2>/dev/null || printf '%s\n' "$1" >&2
		[ -n "$out" ] && printf '%s\n' "$out" >&2
		fail "$3 (failed: $2)"
	fi
}

# jr JSON SELECT EXPR MSG: like jcheck, with `r` bound to SELECT (e.g. one(d, mac='...')), which
# must find something.
jr() {
	jcheck "$1" "(lambda r: r is not None and bool($3))($2)" "$4"
}

# ---- gobgpd ----
# gobgpd_start NAME NS CONF: start gobgpd in ns(NS) with its API on $T_DIR/NAME.sock; waits until
# its API answers. Sets NAME's PID in GOBGPD_PID_<NAME>.
gobgpd_start() {
	local name=$1 sock="$T_DIR/$1.sock"
	rm -f "$sock"
	spawn "$name" "$2" gobgpd -f "$3" --api-hosts "unix://$sock" --pprof-disable -p
	printf -v "GOBGPD_PID_$name" '%s' "$SPAWNED_PID"
	case " ${T_DIAG[*]} " in *"$sock neighbor"*) ;; *)
		T_DIAG+=("gobgp --target unix://$sock neighbor" "gobgp --target unix://$sock global rib -a evpn")
	esac
	wait_for 15 gobgp_cli "$name" global ||
		fail "gobgpd $name did not answer on $sock"
}

# gobgp_cli NAME ARGS...: the gobgp CLI against gobgpd NAME (a UNIX socket: works from any netns).
gobgp_cli() {
	local name=$1
	shift
	gobgp --target "unix://$T_DIR/$name.sock" "$@"
}

# gobgp_established NAME NEIGHBOR: 0 if gobgpd NAME has NEIGHBOR Established (session_state 6).
gobgp_established() {
	gobgp_cli "$1" neighbor "$2" -j 2>/dev/null | jpy 'd["state"].get("session_state") == 6' >/dev/null
}

# gobgp_evpn_check NAME EXPR: EXPR (jpy) over r = gobgp_evpn(rib) of gobgpd NAME.
gobgp_evpn_check() {
	gobgp_cli "$1" global rib -a evpn -j 2>/dev/null | jpy "(lambda r: $2)(gobgp_evpn(d))" >/dev/null
}

# gobgp_opaque_check NAME EXPR: EXPR (jpy) over `gobgp global rib -a opaque -j` of gobgpd NAME, a
# {key: [path...]} map (3.10 cannot print opaque routes as text, but -j lists the keys).
gobgp_opaque_check() {
	gobgp_cli "$1" global rib -a opaque -j 2>/dev/null | jpy "$2" >/dev/null
}

# gobgpd_conf FILE ASN ROUTER_ID LOCAL_ADDRS(comma list): write the [global] part of a gobgpd config.
gobgpd_conf() {
	local addrs
	addrs=$(printf '%s' "$4" | sed 's/[^,][^,]*/"&"/g; s/,/, /g')
	cat >"$1" <<EOF
[global.config]
  as = $2
  router-id = "$3"
  port = 179
  local-address-list = [$addrs]
EOF
}

# gobgpd_neighbor FILE ADDR PEER_AS LOCAL_ADDR [rr]: append an iBGP neighbor with evpn and opaque.
gobgpd_neighbor() {
	cat >>"$1" <<EOF

[[neighbors]]
  [neighbors.config]
    neighbor-address = "$2"
    peer-as = $3
  [neighbors.transport.config]
    local-address = "$4"
  [neighbors.timers.config]
    connect-retry = 5
EOF
	if [ "${5:-}" = rr ]; then
		cat >>"$1" <<EOF
  [neighbors.route-reflector.config]
    route-reflector-client = true
    route-reflector-cluster-id = "$6"
EOF
	fi
	cat >>"$1" <<EOF
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "l2vpn-evpn"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "opaque"
EOF
}

# rr_pair_up [A_LINE...]: two evpnd route-reflector clients of a gobgpd reflector, in three
# namespaces, started and established both ways:
#   ns a: evpnd A 10.77.0.1 <--> ns r: gobgpd rr 10.77.0.2 | 10.77.1.2 <--> ns b: evpnd B 10.77.1.3
# Sets A R1 R2 B; A_LINEs go into A's [global] section. The reflector leaves next hops unchanged,
# so A and B reach each other through r.
rr_pair_up() {
	A=10.77.0.1 R1=10.77.0.2 R2=10.77.1.2 B=10.77.1.3
	ns_add a
	ns_add r
	ns_add b
	ns_link a $A/24 r $R1/24
	ns_link r $R2/24 b $B/24
	ip netns exec "$(ns r)" sysctl -qw net.ipv4.ip_forward=1
	ip -n "$(ns a)" route add 10.77.1.0/24 via $R1
	ip -n "$(ns b)" route add 10.77.0.0/24 via $R2
	gobgpd_conf "$T_DIR/rr.toml" 64512 $R1 "$R1,$R2"
	gobgpd_neighbor "$T_DIR/rr.toml" $A 64512 $R1 rr $R1
	gobgpd_neighbor "$T_DIR/rr.toml" $B 64512 $R2 rr $R1
	evpnd_conf "$T_DIR/a.conf" A 64512 $A
	local line
	for line in "$@"; do
		printf '%s\n' "$line" >>"$T_DIR/a.conf"
	done
	evpnd_neighbor "$T_DIR/a.conf" $R1 64512
	evpnd_conf "$T_DIR/b.conf" B 64512 $B
	evpnd_neighbor "$T_DIR/b.conf" $R2 64512
	step "start the reflector and both evpnd"
	gobgpd_start rr r "$T_DIR/rr.toml"
	evpnd_start A a "$T_DIR/a.conf"
	evpnd_start B b "$T_DIR/b.conf"
	wait_for 30 evpnd_established A $R1 || fail "evpnd A: session to the reflector not established in 30 s"
	wait_for 30 evpnd_established B $R2 || fail "evpnd B: session to the reflector not established in 30 s"
	wait_for 10 gobgp_established rr $A || fail "reflector: session to A not established"
	wait_for 10 gobgp_established rr $B || fail "reflector: session to B not established"
	log "A and B established with the reflector"
}

# ---- evpnd ----
# evpnd_conf FILE NAME ASN ROUTER_ID: write the [global] part of an evpnd config (socket
# $T_DIR/NAME.ctl); append neighbors with evpnd_neighbor.
evpnd_conf() {
	cat >"$1" <<EOF
[global]
asn = $3
router-id = $4
listen = $4
control-socket = $T_DIR/$2.ctl
hold-time = 9
connect-retry = 1
EOF
}

# evpnd_neighbor FILE ADDR REMOTE_AS
evpnd_neighbor() {
	cat >>"$1" <<EOF

[neighbor $2]
remote-as = $3
families = evpn opaque
EOF
}

# evpnd_start NAME NS CONF: start evpnd (debug logging) in ns(NS); waits for its control socket.
evpnd_start() {
	local name=$1
	rm -f "$T_DIR/$name.ctl"
	spawn "$name" "$2" "$EVPND" -f "$3" -d
	printf -v "EVPND_PID_$name" '%s' "$SPAWNED_PID"
	case " ${T_EVPND[*]} " in *" $name "*) ;; *) T_EVPND+=("$name") ;; esac
	T_EVPND_PID[$name]=$SPAWNED_PID
	case " ${T_DIAG[*]} " in *"$T_DIR/$name.ctl show neighbors"*) ;; *)
		T_DIAG+=("$EVPNCTL -s $T_DIR/$name.ctl show neighbors" "$EVPNCTL -s $T_DIR/$name.ctl show routes")
	esac
	wait_for 10 ctl "$name" show neighbors --json ||
		fail "evpnd $name: control socket $T_DIR/$name.ctl does not answer"
}

# ctl NAME ARGS...: evpnctl against evpnd NAME.
ctl() {
	local name=$1
	shift
	"$EVPNCTL" -s "$T_DIR/$name.ctl" "$@"
}

# ctl_ok NAME ARGS...: ctl, failing the test (with evpnctl's output) if it does not succeed.
ctl_ok() {
	local out
	out=$(ctl "$@" 2>&1) || fail "evpnctl $* failed: $out"
	printf '%s' "$out"
}

# evpnd_established NAME NEIGHBOR: 0 if evpnd NAME shows NEIGHBOR "established".
evpnd_established() {
	ctl "$1" show neighbors --json 2>/dev/null | jpy "(one(d, address='$2') or {}).get('state') == 'established'" >/dev/null
}

# file_has_hex FILE HEX...: 0 if FILE contains every byte string (e.g. BGP attributes in a pcap).
file_has_hex() {
	python3 -c 'import sys
b = open(sys.argv[1], "rb").read()
sys.exit(not all(bytes.fromhex(h) in b for h in sys.argv[2:]))' "$@"
}

# lines_check FILE EXPR: EXPR (jpy) over the JSON lines of FILE (evpnctl watch output), as a list.
lines_check() {
	JPY_LINES=1 jpy "$2" <"$1" >/dev/null
}

# evpnd_routes_check NAME FAMILY EXPR: EXPR (jpy, `d` = the route array) over evpnd NAME's routes.
evpnd_routes_check() {
	local fam=()
	[ -n "$2" ] && fam=("$2")
	ctl "$1" show routes "${fam[@]}" --json 2>/dev/null | jpy "$3" >/dev/null
}

# ---- labs of hypervisors built by scripts/lab.sh (the kernel tests) ----
# lab_up ARGS...: `scripts/lab.sh up ARGS` with this test's prefix (namespaces ns(h1), ns(h1-vm1),
# ns(sw)...), torn down by the EXIT trap before cleanup; sources its lab.env (LAB_DIR, LAB_N...),
# adds its logs and each hypervisor's sessions, routes and VXLAN FDB to what fail() prints.
LAB_SH=$EVPND_SRC/scripts/lab.sh
LAB_PREFIX=
lab_up() {
	local i out
	LAB_PREFIX=${T_PREFIX%-}
	trap lab_exit EXIT
	out=$(EVPND=$EVPND EVPNCTL=$EVPNCTL "$LAB_SH" up --prefix "$LAB_PREFIX" "$@" 2>&1) ||
		{ printf '%s\n' "$out" >&2; fail "scripts/lab.sh up $* failed"; }
	# shellcheck disable=SC1091
	source "/tmp/evpnd-lab-$LAB_PREFIX/lab.env"
	for ((i = 1; i <= LAB_N; i++)); do
		T_LOGS+=("$LAB_DIR/h$i.log")
		T_DIAG+=("$EVPNCTL -s $LAB_DIR/h$i.sock show neighbors"
			"$EVPNCTL -s $LAB_DIR/h$i.sock show routes"
			"ip netns exec $(ns "h$i") bridge fdb show dev vx100")
	done
}

# lab_exit: the EXIT trap of a lab test: the lab down (by its recorded PIDs), then lib.sh's cleanup.
lab_exit() {
	local rc=$? pid
	# FRR first (lab_frr_h3), while its namespace and devices still exist
	for pid in "${T_FRR_PIDS[@]}"; do stop_pid "$pid"; done
	if [ -n "$LAB_PREFIX" ] && [ -d "/tmp/evpnd-lab-$LAB_PREFIX" ]; then
		LAB_KEEP=${EVPND_TEST_KEEP:-0} "$LAB_SH" down -q --prefix "$LAB_PREFIX" >/dev/null 2>&1
	fi
	(exit "$rc")
	cleanup
}

# lab_down_now: take this test's lab down now (to bring up another with lab_up).
lab_down_now() {
	LAB_KEEP=${EVPND_TEST_KEEP:-0} "$LAB_SH" down -q --prefix "$LAB_PREFIX" >/dev/null 2>&1 ||
		fail "scripts/lab.sh down --prefix $LAB_PREFIX failed"
}

# lab ARGS...: scripts/lab.sh CMD with this test's prefix (lab start 3, lab stop --kill 3, ...).
lab() {
	local c=$1
	shift
	EVPND=$EVPND EVPNCTL=$EVPNCTL "$LAB_SH" "$c" -q --prefix "$LAB_PREFIX" "$@"
}

# lab_ctl I ARGS...: evpnctl against hypervisor I's evpnd.
lab_ctl() {
	local i=$1
	shift
	"$EVPNCTL" -s "$LAB_DIR/h$i.sock" "$@"
}

# lab_ip I: hypervisor I's underlay (VTEP) address; lab_mac I [K], lab_vmip I [K]: VM K's (default 1).
lab_ip() { if [ "$LAB_FAMILY" = 6 ]; then printf 'fd99::%d' "$1"; else printf '10.99.0.%d' "$1"; fi; }
lab_mac() { printf '02:00:00:00:%02x:%02x' "$1" "${2:-1}"; }
lab_vmip() { printf '192.168.100.%d' $(($1 + 32 * (${2:-1} - 1))); }

# lab_pass: stop every evpnd with SIGTERM, requiring exit status 0 and no sanitizer report; pass.
lab_pass() {
	lab stop all || fail "an evpnd did not stop cleanly (see above)"
	pass
}

# lab_established I: 0 if hypervisor I's evpnd has every configured neighbor established.
lab_established() {
	lab_ctl "$1" show neighbors --json 2>/dev/null |
		jpy "len(d) > 0 and all(n.get('state') == 'established' for n in d)" >/dev/null
}

# lab_gobgp_h3: a 3-hypervisor lab where h1 and h2 run evpnd and h3's BGP speaker is gobgpd
# (instance "g", iBGP AS 64512, peered with both); returns once every session is established.
# Sets H1, H2, H3 to the hypervisors' underlay addresses.
lab_gobgp_h3() {
	lab_up -n 3 --skip 3 --debug
	H1=$(lab_ip 1) H2=$(lab_ip 2) H3=$(lab_ip 3)
	gobgpd_conf "$T_DIR/g.toml" 64512 "$H3" "$H3"
	gobgpd_neighbor "$T_DIR/g.toml" "$H1" 64512 "$H3"
	gobgpd_neighbor "$T_DIR/g.toml" "$H2" 64512 "$H3"
	gobgpd_start g h3 "$T_DIR/g.toml"
	lab_wait_mesh 30
	wait_for 10 gobgp_established g "$H1" && wait_for 10 gobgp_established g "$H2" ||
		fail "gobgpd: sessions to h1 and h2 not established"
}

# ---- FRR 8.4 (Debian's frr) as a hypervisor's BGP speaker ----
# Each instance runs zebra + bgpd in the foreground (no -d: the PIDs are ours, killed by PID by
# lab_exit) with every path under $T_DIR/NAME (pid files, zserv socket, vty sockets, logs), so no
# system FRR state is touched and `vtysh --vty_socket $T_DIR/NAME` reaches this instance only.
T_FRR_PIDS=()

# frr_conf NAME ASN ROUTER_ID NEIGHBOR...: zebra.conf and bgpd.conf for instance NAME: iBGP to every
# NEIGHBOR (NEIGHBOR=AS: eBGP to that AS) with l2vpn evpn and advertise-all-vni, timers as lab.sh
# gives evpnd (3/9, connect 1).
frr_conf() {
	local name=$1 asn=$2 rid=$3 d="$T_DIR/$1" n
	shift 3
	mkdir -p "$d"
	printf 'hostname %s\nlog file %s/zebra.log informational\n!\n' "$name" "$d" >"$d/zebra.conf"
	{
		printf 'hostname %s\nlog file %s/bgpd.log informational\n!\n' "$name" "$d"
		printf 'router bgp %s\n bgp router-id %s\n no bgp default ipv4-unicast\n' "$asn" "$rid"
		printf ' no bgp ebgp-requires-policy\n'
		for n in "$@"; do
			printf ' neighbor %s remote-as %s\n neighbor %s timers 3 9\n neighbor %s timers connect 1\n' \
				"${n%%=*}" "$(if [[ $n == *=* ]]; then echo "${n#*=}"; else echo "$asn"; fi)" "${n%%=*}" "${n%%=*}"
		done
		printf ' !\n address-family l2vpn evpn\n'
		for n in "$@"; do printf '  neighbor %s activate\n' "${n%%=*}"; done
		printf '  advertise-all-vni\n exit-address-family\n!\n'
	} >"$d/bgpd.conf"
	: >"$d/vtysh.conf"
	chown -R frr:frr "$d"
}

# frr_start NAME NS: zebra, then (once its zserv socket exists) bgpd, in ns(NS), from frr_conf's
# files; their logs join what fail() prints.
frr_start() {
	local name=$1 d="$T_DIR/$1" a=(-u frr -g frr -A 127.0.0.1 -P 0)
	rm -f "$d/zserv.api" "$d"/*.pid
	spawn "$name-zebra" "$2" /usr/lib/frr/zebra "${a[@]}" -i "$d/zebra.pid" -z "$d/zserv.api" \
		--vty_socket "$d" -f "$d/zebra.conf" -s 67108864
	T_FRR_PIDS+=("$SPAWNED_PID")
	wait_for 10 test -S "$d/zserv.api" || fail "FRR $name: zebra did not open $d/zserv.api"
	spawn "$name-bgpd" "$2" /usr/lib/frr/bgpd "${a[@]}" -i "$d/bgpd.pid" -z "$d/zserv.api" \
		--vty_socket "$d" -f "$d/bgpd.conf"
	T_FRR_PIDS+=("$SPAWNED_PID")
	T_LOGS+=("$d/zebra.log" "$d/bgpd.log")
	T_DIAG+=("vtysh --vty_socket $d -c 'show bgp l2vpn evpn summary'"
		"vtysh --vty_socket $d -c 'show bgp l2vpn evpn'" "vtysh --vty_socket $d -c 'show evpn mac vni all'"
		"vtysh --vty_socket $d -c 'show evpn arp-cache vni all'")
}

# frr_vtysh NAME CMD: one vtysh command against instance NAME.
frr_vtysh() { vtysh --vty_socket "$T_DIR/$1" -c "$2"; }

# frr_established NAME NEIGHBOR: 0 if FRR instance NAME has its l2vpn evpn session to NEIGHBOR up.
frr_established() {
	frr_vtysh "$1" 'show bgp l2vpn evpn summary json' 2>/dev/null |
		jpy "d['peers']['$2']['state'] == 'Established'" >/dev/null
}

# frr_alive NAME: 0 if every zebra/bgpd this test started still runs (NAME's logs say why not).
frr_alive() {
	local pid
	for pid in "${T_FRR_PIDS[@]}"; do alive "$pid" || return 1; done
}

# lab_frr_h3 [LAB_UP_ARGS...]: a 3-hypervisor lab where h1 and h2 run evpnd and h3's BGP speaker is
# FRR (instance "frr": zebra + bgpd, advertise-all-vni, iBGP AS 64512 with both); returns once
# every session is established. Sets H1, H2, H3 to the hypervisors' underlay addresses.
lab_frr_h3() {
	[ -x /usr/lib/frr/zebra ] && [ -x /usr/lib/frr/bgpd ] && command -v vtysh >/dev/null ||
		fail "FRR not installed (Debian package frr: /usr/lib/frr/zebra, bgpd, vtysh)"
	lab_up -n 3 --skip 3 --debug "$@"
	H1=$(lab_ip 1) H2=$(lab_ip 2) H3=$(lab_ip 3)
	frr_conf frr 64512 "$H3" "$H1" "$H2"
	frr_start frr h3
	lab_wait_mesh 30
	wait_for 10 frr_established frr "$H1" && wait_for 10 frr_established frr "$H2" ||
		fail "FRR: sessions to h1 and h2 not established"
}

# lab_wait_mesh [SECONDS]: every evpnd of the lab has all its sessions up.
# lab_converged I: hypervisor I adopted its kernel entries and reached initial convergence (what
# was stale is gone)
lab_converged() { lab_ctl "$1" show status --json | jpy "d['adopted'] and d['converged']"; }

lab_wait_mesh() {
	local i
	for ((i = 1; i <= LAB_N; i++)); do
		[ -f "$LAB_DIR/h$i.conf" ] || continue
		wait_for "${1:-30}" lab_established "$i" || fail "h$i: not every BGP session established"
	done
}

# fdb_remote I MAC DST: 0 if hypervisor I's vx100 has MAC toward DST as an extern_learn entry (self)
# and the bridge has MAC on vx100 as extern_learn (master).
fdb_remote() {
	local out
	out=$(ip netns exec "$(ns "h$1")" bridge fdb show dev vx100 2>/dev/null) || return 1
	grep -qE "^$2 dst $3 (.* )?self( .*)? extern_learn" <<<"$out" &&
		grep -qE "^$2 (.* )?extern_learn (.* )?master br100" <<<"$out"
}

# fdb_no_mac I MAC: 0 if hypervisor I's vx100 has no entry (self or master) for MAC.
fdb_no_mac() {
	local out
	out=$(ip netns exec "$(ns "h$1")" bridge fdb show dev vx100 2>/dev/null) || return 1
	! grep -qE "^$2 " <<<"$out"
}

# fdb_flood I DST: 0 if hypervisor I's vx100 floods to DST (00:00:00:00:00:00 dst DST).
fdb_flood() {
	local out # captured first: grep -q closing the pipe early would fail it under pipefail
	out=$(ip netns exec "$(ns "h$1")" bridge fdb show dev vx100 2>/dev/null) || return 1
	grep -qE "^00:00:00:00:00:00 dst $2 (.* )?self" <<<"$out"
}

# vm_ping I K J L: 0 if VM K of hypervisor I pings VM L of hypervisor J (3 tries, 1 s each).
vm_ping() {
	ip netns exec "$(ns "h$1-vm$2")" ping -c 1 -W 1 "$(lab_vmip "$3" "$4")" >/dev/null 2>&1 ||
		ip netns exec "$(ns "h$1-vm$2")" ping -c 2 -i 0.2 -W 1 "$(lab_vmip "$3" "$4")" >/dev/null 2>&1
}

# ---- bgpd-only FRR (a route reflector or a plain BGP peer: no zebra, no kernel state) ----
# frr_bgpd_conf NAME ASN ROUTER_ID [GLOBAL_LINE...]: start bgpd.conf for instance NAME (router bgp
# ASN, extra lines such as "bgp cluster-id X" under it); add neighbors with frr_bgpd_neighbor, then
# frr_bgpd_start (which closes the file).
frr_bgpd_conf() {
	local name=$1 asn=$2 rid=$3 d="$T_DIR/$1" l
	shift 3
	mkdir -p "$d"
	: >"$d/vtysh.conf"
	{
		printf 'hostname %s\nlog file %s/bgpd.log informational\n!\n' "$name" "$d"
		printf 'router bgp %s\n bgp router-id %s\n no bgp default ipv4-unicast\n' "$asn" "$rid"
		printf ' no bgp ebgp-requires-policy\n'
		for l in "$@"; do printf ' %s\n' "$l"; done
	} >"$d/bgpd.conf"
	: >"$d/af.conf"
}

# frr_bgpd_neighbor NAME ADDR ASN [rr] [NEIGHBOR_OPTION...]: a neighbor with l2vpn evpn (rr: as a
# route-reflector client), timers as evpnd's tests use (3/9, connect 1); each option becomes
# " neighbor ADDR OPTION" (e.g. "password k", "ttl-security hops 1").
frr_bgpd_neighbor() {
	local name=$1 addr=$2 asn=$3 d="$T_DIR/$1" rr= o
	shift 3
	if [ "${1:-}" = rr ]; then
		rr=1
		shift
	fi
	{
		printf ' neighbor %s remote-as %s\n neighbor %s timers 3 9\n' "$addr" "$asn" "$addr"
		printf ' neighbor %s timers connect 1\n' "$addr"
		for o in "$@"; do printf ' neighbor %s %s\n' "$addr" "$o"; done
	} >>"$d/bgpd.conf"
	printf '  neighbor %s activate\n' "$addr" >>"$d/af.conf"
	[ -n "$rr" ] && printf '  neighbor %s route-reflector-client\n' "$addr" >>"$d/af.conf"
	return 0
}

# frr_bgpd_start NAME NS: bgpd alone (-Z: no zebra) in ns(NS) with NAME's configuration.
frr_bgpd_start() {
	local name=$1 d="$T_DIR/$1"
	[ -x /usr/lib/frr/bgpd ] && command -v vtysh >/dev/null ||
		fail "FRR not installed (Debian package frr: /usr/lib/frr/bgpd, vtysh)"
	{
		printf ' !\n address-family l2vpn evpn\n'
		cat "$d/af.conf"
		printf ' exit-address-family\n!\n'
	} >>"$d/bgpd.conf"
	chown -R frr:frr "$d"
	rm -f "$d"/*.pid
	spawn "$name-bgpd" "$2" /usr/lib/frr/bgpd -u frr -g frr -A 127.0.0.1 -P 0 -Z \
		-i "$d/bgpd.pid" --vty_socket "$d" -f "$d/bgpd.conf"
	T_FRR_PIDS+=("$SPAWNED_PID")
	T_LOGS+=("$d/bgpd.log")
	T_DIAG+=("vtysh --vty_socket $d -c 'show bgp l2vpn evpn summary'" "vtysh --vty_socket $d -c 'show bgp l2vpn evpn'")
	wait_for 10 frr_vtysh "$name" 'show bgp summary' || fail "FRR $name: bgpd does not answer on $d"
}

# evpnd_log_count NAME REGEX: how many lines of evpnd NAME's log match REGEX (grep -E).
evpnd_log_count() {
	grep -cE "$2" "$T_DIR/$1.log" 2>/dev/null || true
}

# vm_run WHAT CMD...: run CMD inside scripts/vm.sh (Debian's kernel) and pass or fail on its exit
# status; the directory of an evpnd built outside the repository is shared with the VM.
vm_run() {
	local what=$1 share=() rc=0
	shift
	[ -x "$EVPND_SRC/scripts/vm.sh" ] || fail "scripts/vm.sh is missing"
	case $EVPND in "$EVPND_SRC"/*) ;; /tmp/* | /run/* | /var/tmp/*) share=(--share "$(dirname "$EVPND")") ;; esac
	EVPND=$EVPND EVPNCTL=$EVPNCTL "$EVPND_SRC/scripts/vm.sh" --timeout 900 "${share[@]}" -- "$@" || rc=$?
	case $rc in
	0) pass ;;
	124) fail "the VM run timed out" ;;
	125) fail "scripts/vm.sh could not run the command in a VM" ;;
	*) fail "$what failed inside the VM (exit $rc)" ;;
	esac
}

# ---- routed tenants (scripts/vm.sh: this machine's kernel has no VRF) ----
# The kernel model of docs/configuration.md "Routed tenants", as FRR and Proxmox build it.
tenant_rmac() { printf '02:00:00:00:30:%02x' "$1"; }
# tenant_vm_ip I S: VM 1 of hypervisor I in subnet 10.S.0.0/24
tenant_vm_ip() { printf '10.%d.0.%d' "$2" $((10 + $1)); }

# tenant_host I VNI S [--ext]: hypervisor I of the lab joins tenant vrf-t with VNI's bridge as the
# anycast gateway of 10.S.0.0/24 (scripts/lab.sh tenant: the layout of lab.sh --tenant); VM K is
# tenant_vm_ip I S for K = 1.
tenant_host() { lab tenant "$@" || fail "scripts/lab.sh tenant $* failed"; }

# tenant_route I PREFIX VTEP: hypervisor I has PREFIX (an address: its /32) via VTEP on br-l3 in
# table 1000, as FRR's zebra and evpnd install it (FRR's line has "nhid N" before "via"; an IPv6
# VTEP for an IPv4 prefix prints "via inet6 VTEP")
tenant_route() {
	local out
	out=$(ip -n "$(ns "h$1")" route show table 1000 2>/dev/null) || return 1
	grep -qE "^$2 (nhid [0-9]+ )?via (inet6 )?$3 dev br-l3 proto bgp metric 20 onlink" <<<"$out"
}
