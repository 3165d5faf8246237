#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Session security with real peers, in network namespaces around evpnd E (ns e):
#   ns g: gobgpd G 10.77.0.1   ns f: FRR bgpd F 10.77.1.1 (no zebra)   ns p: test speakers P, Q
#   ns x: gobgpd X 10.77.3.2, one router (ns r) further away
# TCP MD5 (RFC 2385, `password`): right key with gobgpd (evpnd connects: the connecting socket's
# key) and FRR (FRR connects: the listening socket's key) establishes; a wrong or missing key never
# does, and the kernel's MD5 counters say why. GTSM (RFC 5082, `ttl-security`): gobgpd and FRR
# with GTSM establish; X one hop further and gobgpd without GTSM are refused. max-routes: warning
# at 90%, Cease/1 with AFI/SAFI and the limit on the wire, no session for max-routes-restart
# seconds, then back; with no restart delay, down for good. Remote errors are logged rate-limited.
source "$(dirname "$0")/lib.sh"

require gobgpd gobgp ip python3 nstat
require_evpnd
t_init

E=10.77.0.2 G=10.77.0.1 EF=10.77.1.2 F=10.77.1.1 ER=10.77.2.2 RE=10.77.2.1 RX=10.77.3.1 X=10.77.3.2
EP=10.77.4.2 P=10.77.4.1 Q=10.77.4.3
for n in e g f r x p; do ns_add $n; done
ns_link e $E/24 g $G/24
ns_link e $EF/24 f $F/24
ns_link e $ER/24 r $RE/24
ns_link r $RX/24 x $X/24
ns_link e $EP/24 p $P/24
ip -n "$(ns p)" addr add $Q/24 dev veth4
ip netns exec "$(ns r)" sysctl -qw net.ipv4.ip_forward=1
ip -n "$(ns e)" route add 10.77.3.0/24 via $RE
ip -n "$(ns x)" route add default via $RX
PW=evpn-md5-k3y
SPEAK="$EVPND_SRC/tests/integration/bgpspeak.py"

# e_conf NAME: start evpnd config NAME (listening everywhere); e_nbr NAME ADDR [KEY=VALUE...]
e_conf() {
	evpnd_conf "$T_DIR/$1.conf" E 64512 $E
	sed -i 's/^listen = .*/listen = */' "$T_DIR/$1.conf"
}
e_nbr() {
	local f="$T_DIR/$1.conf" a=$2 kv
	shift 2
	evpnd_neighbor "$f" "$a" 64512
	for kv in "$@"; do printf '%s = %s\n' "${kv%%=*}" "${kv#*=}" >>"$f"; done
}
# e_run NAME: (re)start evpnd E with config NAME; a stop must be clean.
e_run() {
	if [ -n "${T_EVPND_PID[E]:-}" ]; then
		stop_pid "${T_EVPND_PID[E]}"
		[ "$STOPPED_RC" = 0 ] || fail "evpnd E exited with status $STOPPED_RC on SIGTERM"
	fi
	evpnd_start E e "$T_DIR/$1.conf"
}
# g_run NAME NS ADDR PEER [passive] [password=K] [ttl] [ebgp]: (re)start gobgpd NAME (AS 64512, or
# 64513 with ebgp) toward evpnd (AS 64512) at PEER; ttl: with GTSM.
declare -A G_PID=()
g_run() {
	local name=$1 n=$2 addr=$3 peer=$4 f="$T_DIR/$1.toml" o
	shift 4
	local my_as=64512
	case " $* " in *" ebgp "*) my_as=64513 ;; esac
	[ -n "${G_PID[$name]:-}" ] && stop_pid "${G_PID[$name]}"
	gobgpd_conf "$f" $my_as "$addr" "$addr"
	gobgpd_neighbor "$f" "$peer" 64512 "$addr"
	for o in "$@"; do
		case $o in
		passive) sed -i "s/^    local-address = .*/&\n    passive-mode = true/" "$f" ;;
		password=*) sed -i "s/^    peer-as = .*/&\n    auth-password = \"${o#password=}\"/" "$f" ;;
		ttl) printf '  [neighbors.ttl-security.config]\n    enabled = true\n    ttl-min = 255\n' >>"$f" ;;
		esac
	done
	gobgpd_start "$name" "$n" "$f"
	G_PID[$name]=$SPAWNED_PID
}
# f_run [NEIGHBOR_OPTION...]: (re)start FRR F with one iBGP neighbor, evpnd.
f_run() {
	[ "${#T_FRR_PIDS[@]}" -gt 0 ] && stop_pid "${T_FRR_PIDS[-1]}"
	frr_bgpd_conf frr 64512 $F
	frr_bgpd_neighbor frr $EF 64512 "$@"
	frr_bgpd_start frr f
}
# counter NS NAME: a kernel TCP counter (nstat, absolute) in ns(NS).
counter() { ip netns exec "$(ns "$1")" nstat -az "$2" | awk -v n="$2" '$1 == n { print $2 }'; }
# never_established SECONDS ADDR...: none of evpnd E's sessions to ADDR comes up in SECONDS.
# A few seconds are several attempts from each side (evpnd and FRR retry after 1 s, gobgpd after
# 5 s), and a matching key or TTL establishes at the first; the kernel counters checked after each
# window show the attempts were made and dropped, which is what the window cannot show.
never_established() {
	local s=$1 a
	shift
	local end=$((SECONDS + s))
	while ((SECONDS < end)); do
		for a in "$@"; do
			evpnd_established E "$a" && fail "evpnd E: session to $a established (it must not be)"
		done
		sleep 0.5
	done
}

# ---------------------------------------------------------------------------------- TCP MD5
step "MD5: right key on both sides (evpnd connects to gobgpd; FRR connects to evpnd)"
e_conf md5
e_nbr md5 $G password=$PW
e_nbr md5 $F password=$PW passive=yes
g_run g g $G $E passive password=$PW
f_run "password $PW"
e_run md5
wait_for 30 evpnd_established E $G || fail "MD5: session with gobgpd not established"
wait_for 30 evpnd_established E $F || fail "MD5: session with FRR (incoming) not established"
wait_for 10 frr_established frr $EF || fail "MD5: FRR does not see the session"
ctl_ok E add macadv 02:00:00:00:00:01 10.0.0.1 vni 100 >/dev/null
wait_for 10 gobgp_evpn_check g "one(r, mac='02:00:00:00:00:01')" || fail "MD5: route did not reach gobgpd"
log "MD5 sessions up with gobgpd and FRR"

step "MD5: wrong key at evpnd"
e_conf md5bad
e_nbr md5bad $G password=wrong-key
e_nbr md5bad $F password=wrong-key passive=yes
g_fail0=$(counter g TcpExtTCPMD5Failure) e_fail0=$(counter e TcpExtTCPMD5Failure)
e_run md5bad
never_established 6 $G $F
g_fail1=$(counter g TcpExtTCPMD5Failure) e_fail1=$(counter e TcpExtTCPMD5Failure)
((g_fail1 > g_fail0)) || fail "gobgpd's kernel counted no MD5 failure for evpnd's SYNs ($g_fail0 -> $g_fail1)"
((e_fail1 > e_fail0)) || fail "evpnd's kernel counted no MD5 failure for FRR's SYNs ($e_fail0 -> $e_fail1)"
gobgp_established g $E && fail "gobgpd established with a wrong key"
[ "$(evpnd_log_count E 'peer '$G': .*(TCP MD5|password)')" -ge 1 ] ||
	fail "evpnd did not say the MD5 key is the likely reason"
log "wrong key: no session in 6 s; MD5 failures: gobgpd side +$((g_fail1 - g_fail0)), evpnd side +$((e_fail1 - e_fail0))"

step "MD5: no key at evpnd"
e_conf md5none
e_nbr md5none $G
e_nbr md5none $F passive=yes
g_nf0=$(counter g TcpExtTCPMD5NotFound)
e_run md5none
never_established 5 $G $F
g_nf1=$(counter g TcpExtTCPMD5NotFound)
((g_nf1 > g_nf0)) || fail "gobgpd's kernel counted no unsigned SYN from evpnd ($g_nf0 -> $g_nf1)"
log "missing key: no session in 5 s; unsigned segments dropped by gobgpd's kernel: $((g_nf1 - g_nf0))"

# ---------------------------------------------------------------------------------- GTSM
step "GTSM: gobgpd and FRR with GTSM one hop away; gobgpd X two hops away"
e_conf gtsm
e_nbr gtsm $G ttl-security=yes
e_nbr gtsm $F ttl-security=yes
e_nbr gtsm $X ttl-security=yes
# X's count from before anything connects: the first attempts come at once, the later ones after
# evpnd's backoff, which may be longer than the window below once G and F took a while (CI failed
# with 0 -> 0 that way)
x_drop0=$(counter x TcpExtTCPMinTTLDrop)
# evpnd first: a peer with GTSM on drops the old evpnd's FIN (TTL 64) and would wait for its hold
# timer before trying again
e_run gtsm
g_run g g $G $E ttl
g_run x x $X $ER ttl
f_run "ttl-security hops 1"
wait_for 30 evpnd_established E $G || fail "GTSM: session with gobgpd not established"
wait_for 30 evpnd_established E $F || fail "GTSM: session with FRR not established"
never_established 6 $X
x_drop1=$(counter x TcpExtTCPMinTTLDrop)
# both ends enforce GTSM: X drops evpnd's SYN-ACKs (TTL 254 on arrival), evpnd X's SYN-ACKs
((x_drop1 > x_drop0)) || fail "X's kernel dropped nothing for the minimum TTL ($x_drop0 -> $x_drop1)"
grep -E "peer $X: connection not answered; ttl-security drops a peer further than one hop" "$T_DIR/E.log" \
	>/dev/null || fail "evpnd did not say ttl-security is the likely reason X does not answer"
log "GTSM: one hop away established (gobgpd, FRR); two hops away never (X dropped $((x_drop1 - x_drop0)) segments with TTL 254)"

step "GTSM: gobgpd as an eBGP peer without GTSM (TTL 1; for iBGP it sends 255 anyway)"
e_conf gtsm2
# passive: gobgpd connects, and its SYN is what evpnd checks
e_nbr gtsm2 $G ttl-security=yes passive=yes
sed -i "s/^remote-as = 64512/remote-as = 64513/" "$T_DIR/gtsm2.conf"
e_run gtsm2
g_run g g $G $E ebgp
# gobgpd's first attempt may come a while after its start: wait for it, then for nothing more
wait_for 30 grep -E "peer $G: connection refused by ttl-security: SYN arrived with TTL 1, 255 required" \
	"$T_DIR/E.log" || fail "evpnd did not log the refusal of gobgpd's SYN without TTL 255"
never_established 6 $G
stop_pid "${G_PID[x]}"
log "GTSM: a peer without GTSM refused"

# ---------------------------------------------------------------------------------- max-routes
step "max-routes 10, max-routes-restart 6"
spawn tcpdump e tcpdump -i veth0 -U -n -w "$T_DIR/maxr.pcap" tcp port 179
wait_for 5 grep -q 'listening on' "$T_DIR/tcpdump.log" || fail "tcpdump did not start"
e_conf maxr
e_nbr maxr $G max-routes=10 max-routes-restart=6
e_run maxr
g_run g g $G $E
wait_for 30 evpnd_established E $G || fail "max-routes: session not established"
g_add() {
	gobgp_cli g global rib add macadv "02:00:00:00:10:$(printf %02x "$1")" 0.0.0.0 etag 0 label 100 \
		rd $G:100 rt 64512:100 encap vxlan -a evpn || fail "gobgp global rib add"
}
for i in $(seq 1 9); do g_add "$i"; done
wait_for 10 grep -E "peer $G: 9 evpn routes received, 90% of max-routes 10" "$T_DIR/E.log" ||
	fail "no 90% warning at 9 routes of 10"
evpnd_established E $G || fail "session dropped below the limit"
g_add 10
received10() { ctl E show neighbors --json | jpy "[n for n in d if n['address'] == '$G' and n['routes']['evpn']['received'] == 10]"; }
wait_for 10 received10 || fail "the 10th route did not arrive: $(ctl E show neighbors --json)"
evpnd_established E $G || fail "session dropped at exactly the limit (10 of 10 are allowed)"
g_add 11
wait_for 10 grep -E "peer $G: more than max-routes 10 evpn routes, sending Cease/Maximum Number of Prefixes Reached; restart in 6 s" "$T_DIR/E.log" ||
	fail "no Cease/1 at the 11th route"
t0=$EPOCHREALTIME
wait_for 5 not evpnd_established E $G || fail "session still up after Cease/1"
evpnd_routes_check E evpn "not find(d, source='$G')" || fail "the peer's routes stayed after Cease/1"
[ "$(grep -c 'warning.*90% of max-routes' "$T_DIR/E.log")" = 1 ] || fail "the 90% warning was not logged exactly once"
# NOTIFICATION Cease(6)/1 with AFI 25, SAFI 70 and the limit 10 (RFC 4486 section 4)
wait_for 5 file_has_hex "$T_DIR/maxr.pcap" 0306010019460000000a ||
	fail "no NOTIFICATION Cease/1 with AFI/SAFI 25/70 and limit 10 on the wire"
# gobgpd keeps its routes: back under the limit, so the session stays up once it is back
g_del() { gobgp_cli g global rib del macadv "02:00:00:00:10:$(printf %02x "$1")" 0.0.0.0 etag 0 label 100 \
	rd $G:100 -a evpn || fail "gobgp global rib del"; }
g_del 11
g_del 10
wait_for 20 evpnd_established E $G || fail "session not back after max-routes-restart"
elapsed=$(python3 -c "print(round($EPOCHREALTIME - $t0, 1))")
# the restart delay was kept (how soon after it the session came back is the wait above's concern)
python3 -c "import sys; sys.exit(not $elapsed >= 5.0)" ||
	fail "session came back after $elapsed s, before max-routes-restart (6 s) had passed"
log "Cease/1 on the 11th route; back after $elapsed s (max-routes-restart 6)"

step "max-routes without a restart delay: down until evpnd restarts"
e_conf maxr0
e_nbr maxr0 $G max-routes=10
e_run maxr0
wait_for 30 evpnd_established E $G || fail "max-routes: session not established with 9 routes"
g_add 10
g_add 11
wait_for 30 grep -E "peer $G: more than max-routes 10 evpn routes, .*down until evpnd restarts" "$T_DIR/E.log" ||
	fail "no Cease/1 at gobgpd's 11th route"
t1=$SECONDS
never_established 7 $G
log "no session for $((SECONDS - t1)) s after Cease/1 (max-routes-restart 0)"
stop_pid "${G_PID[g]}"

# ---------------------------------------------------------------------------------- log limits
step "remote errors logged at most once per 10 s per peer, with the count held back"
e_conf rl
e_nbr rl $P passive=yes
e_nbr rl $Q passive=yes
e_run rl
# P: 30 UPDATEs with a 2-byte CLUSTER_LIST (RFC 7606: treat-as-withdraw), 10.5 s, one more.
spawn speakP p python3 "$SPEAK" badattr $P $EP 64512 $P 30 10.5 1
SP=$SPAWNED_PID
# Q: 5 sessions in a row, each closed with a NOTIFICATION.
spawn speakQ p python3 "$SPEAK" notify $Q $EP 64512 $Q 5
SQ=$SPAWNED_PID
wait_for 30 not alive $SP || fail "speaker P did not finish"
wait_for 30 not alive $SQ || fail "speaker Q did not finish"
n=$(evpnd_log_count E "peer $P: malformed UPDATE \(CLUSTER_LIST length 2\), treating as withdraw")
[ "$n" = 2 ] || fail "31 malformed UPDATEs in 10.5 s gave $n log lines, expected 2"
grep -E "peer $P: malformed UPDATE .*\(29 similar messages suppressed in the last 10 s\)" "$T_DIR/E.log" >/dev/null ||
	fail "the second line does not count the 29 held back"
n=$(evpnd_log_count E "peer $Q: received NOTIFICATION")
[ "$n" = 1 ] || fail "5 NOTIFICATIONs in 3 s gave $n log lines, expected 1"
log "31 malformed UPDATEs -> 2 lines; 5 NOTIFICATIONs -> 1 line"

pass
