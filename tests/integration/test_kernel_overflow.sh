#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Lost netlink events (ENOBUFS) lose nothing: two hypervisors (scripts/lab.sh), 20000 static MACs
# added to A's bridge port in one `bridge -batch`, with `netlink-buffer` so small that the burst
# overflows the event socket:
#   phase 1: B's buffer is tiny (its own 40000 install notifications overflow it): every MAC is
#            still advertised by A and installed on B (self and master extern_learn), and deleting
#            them all removes them all from B;
#   phase 2: A restarted with a tiny buffer too (its learning burst overflows), and B reloaded with
#            fdb-dump-limit = 0, so its resyncs ask the kernel for each entry instead of dumping
#            (the path of a table past 100,000): the same.
# Each phase checks that the overflow really happened (the ENOBUFS log line) and prints how long the
# convergence took. OVERFLOW_N overrides the 20000.
# Then a kernel refusal: B's vx100 re-created with `maxaddress` and filled with foreign entries, so
# installing a new MAC of A fails (ENOSPC): the refusal is logged once with the entry, counted in
# `show vnis` (kernel_refusals), and the MAC is installed by a retry once the foreign entries go
# (B's retries ask for each entry too: the GET finds the MAC missing and the retry installs it).
source "$(dirname "$0")/lib.sh"

require ip bridge python3 awk
require_evpnd
t_init

N=${OVERFLOW_N:-20000}
BUF=${OVERFLOW_BUF:-4096}
LIMIT=6
A=1 B=2
RESYNC='netlink events lost (ENOBUFS)'

# MACs 02:dd:00:HH:LL:01, one per line, and the batch files that add and delete them on A's VM port.
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) printf "02:dd:00:%02x:%02x:01\n", int(i / 256), i % 256 }' \
	>"$T_DIR/macs"
awk '{ print "fdb add " $1 " dev vm1 master static" }' "$T_DIR/macs" >"$T_DIR/add"
awk '{ print "fdb del " $1 " dev vm1 master static" }' "$T_DIR/macs" >"$T_DIR/del"

# b_installed: how many of the MACs B has as `dst A self extern_learn` and as `extern_learn master`.
b_installed() {
	ip netns exec "$(ns "h$B")" bridge fdb show dev vx100 | awk -v dst="$(lab_ip "$A")" '
		/^02:dd:00:/ && / extern_learn/ {
			if ($0 ~ (" dst " dst " ") && / self/) s++
			else if (/ master br100/) m++
		}
		END { printf "%d %d\n", s, m }'
}
b_all() { [ "$(b_installed)" = "$N $N" ]; }
b_none() { [ "$(b_installed)" = "0 0" ]; }

# a_advertised: A's local MACs of VNI 100 (show vnis) and B's routes for the test MACs from A.
a_local() {
	lab_ctl "$A" show vnis --json | jpy "sum(x['local_macs'] for x in d if x['vni'] == 100)"
}
b_routes() {
	lab_ctl "$B" show routes evpn --json |
		jpy "len([r for r in d if r['type'] == 'macadv' and (r['mac'] or '').startswith('02:dd:00:') and r['nexthop'] == '$(lab_ip "$A")'])"
}
a_base=0
a_all() { [ "$(a_local)" -ge $((a_base + N)) ] && [ "$(b_routes)" = "$N" ]; }
a_none() { [ "$(a_local)" -le "$a_base" ] && [ "$(b_routes)" = 0 ]; }

overflows() { grep -cF "$RESYNC" "$LAB_DIR/h$1.log" || true; }
now_ms() { echo $((${EPOCHREALTIME//[.,]/} / 1000)); }

# phase NAME HV...: add the MACs, wait for all of them on B, delete, wait for none; the named
# hypervisors must have logged at least one more overflow than before.
phase() {
	local name=$1 h t0 t1 t2 before=()
	shift
	for h in "$@"; do before[$h]=$(overflows "$h"); done
	a_base=$(a_local)
	step "$name: $N static MACs in one bridge -batch on h$A"
	t0=$(now_ms)
	ip netns exec "$(ns "h$A")" bridge -batch "$T_DIR/add" >/dev/null || fail "bridge -batch add"
	wait_for 40 b_all || fail "$name: B has $(b_installed) (self master) of $N; A advertises $(a_local), B has $(b_routes) routes"
	t1=$(now_ms)
	a_all || fail "$name: A's count $(a_local) (base $a_base), B's routes $(b_routes), want $N"
	log "$name: all $N installed on B (self and master) $((t1 - t0)) ms after the batch started; $(b_routes) routes"
	step "$name: deleting them all"
	ip netns exec "$(ns "h$A")" bridge -batch "$T_DIR/del" >/dev/null || fail "bridge -batch del"
	wait_for 40 b_none || fail "$name: B still has $(b_installed) (self master) after the deletion"
	t2=$(now_ms)
	wait_for 10 a_none || fail "$name: A still advertises $(a_local) (base $a_base), B has $(b_routes) routes"
	log "$name: all $N gone from B $((t2 - t1)) ms after the deletion started"
	for h in "$@"; do
		local n
		n=$(overflows "$h")
		((n > before[h])) || fail "$name: h$h never overflowed (netlink-buffer = $BUF too large for the burst?)"
		log "$name: h$h logged $((n - before[h])) ENOBUFS resync(s)"
	done
	grep -E 'kernel refused' "$LAB_DIR/h$B.log" | grep -v ' dst - ' | head -n 5 >&2 || true
}

step "a 2-hypervisor lab, h$B with netlink-buffer = $BUF"
lab_up -n 2 --extra-global-on "$B" "netlink-buffer = $BUF"
lab_wait_mesh 30
phase "phase 1 (B tiny)" "$B"

step "h$A restarted with netlink-buffer = $BUF too"
lab stop "$A" || fail "h$A did not stop cleanly"
sed -i "/^\[global\]/a netlink-buffer = $BUF" "$LAB_DIR/h$A.conf"
lab start "$A" || fail "h$A did not start"
sed -i "/^\[global\]/a fdb-dump-limit = 0" "$LAB_DIR/h$B.conf"
lab_ctl "$B" reload >/dev/null || fail "h$B: reload with fdb-dump-limit = 0 refused"
lab_wait_mesh 30
probes() { grep -c "asking for each of .* remote MAC entries (no full FDB dump)" "$LAB_DIR/h$B.log" || true; }
p0=$(probes)
phase "phase 2 (A and B tiny)" "$A" "$B"
((p0 < $(probes))) || fail "phase 2: h$B's resyncs dumped the whole FDB instead of asking for each entry"
log "phase 2: h$B resynced $(($(probes) - p0)) time(s) by asking for each entry"
p0=$(probes)

step "a kernel refusal: h$B's vx100 re-created with maxaddress $LIMIT and filled"
b() { ip netns exec "$(ns "h$B")" "$@"; }
b ip link del vx100
b ip link add vx100 type vxlan id 100 local "$(lab_ip "$B")" dstport 4789 nolearning maxaddress "$LIMIT"
b ip link set vx100 master br100
b bridge link set dev vx100 learning off
b ip link set vx100 up
wait_for 10 fdb_flood "$B" "$(lab_ip "$A")" || fail "h$B: no flood entry toward h$A on the new vx100"
sleep 0.5 # anything else h$B installs at the re-attach (A's VM MAC, if A learned it) goes in first
used=$(b bridge fdb show dev vx100 | grep -c ' self' || true)
((used < LIMIT)) || fail "h$B's vx100 already has $used entries of $LIMIT"
for ((k = used; k < LIMIT; k++)); do
	b bridge fdb add "02:ee:00:00:00:$(printf %02x "$k")" dev vx100 dst 10.99.0.77 self permanent
done
M=02:cc:00:00:00:01
ref0=$(lab_ctl "$B" show vnis --json | jpy "str(sum(x['kernel_refusals'] for x in d))")
ip netns exec "$(ns "h$A")" bridge fdb add $M dev vm1 master static
refused_logged() { grep -E "kernel refused FDB replace $M dev vx100 .*dst $(lab_ip "$A") .*No space left on device" "$LAB_DIR/h$B.log"; }
wait_for 10 refused_logged || fail "h$B: no log line for the refused install of $M"
log "h$B logged: $(refused_logged | sed -n 1p | cut -d' ' -f3-)"
ref1=$(lab_ctl "$B" show vnis --json | jpy "str(sum(x['kernel_refusals'] for x in d))")
((ref1 > ref0)) || fail "h$B: kernel_refusals did not grow ($ref0 -> $ref1)"
sleep 3.5 # two retry rounds (1 s, then 2 s) are refused again: still one line naming $M
n=$(refused_logged | wc -l)
[ "$n" = 1 ] || fail "h$B: the refusal of $M logged $n times at warning level"
grep -q "kernel refused .* since the last retry (first: replace $M " "$LAB_DIR/h$B.log" ||
	fail "h$B: no retry-round summary naming $M"
fdb_remote "$B" $M "$(lab_ip "$A")" && fail "h$B: $M installed although vx100 is full"
step "the cause goes (the foreign entries are deleted): the retry installs $M"
t0=$(now_ms)
for ((k = used; k < LIMIT; k++)); do
	b bridge fdb del "02:ee:00:00:00:$(printf %02x "$k")" dev vx100 self
done
wait_for 40 fdb_remote "$B" $M "$(lab_ip "$A")" || fail "h$B: $M not installed after the cause went"
((p0 < $(probes))) || fail "h$B's retries dumped the whole FDB instead of asking for each entry"
log "h$B: $M installed $(($(now_ms) - t0)) ms after the cause went; kernel_refusals $ref0 -> $(lab_ctl "$B" show vnis --json | jpy "str(sum(x['kernel_refusals'] for x in d))")"

lab_pass
