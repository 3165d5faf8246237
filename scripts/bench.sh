#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# evpnd benchmark (not a test): two hypervisors A (h1) and B (h2) from scripts/lab.sh; MACs learned
# on A's bridge, measured until installed in B's VXLAN FDB. Prints a table and writes CSV.
#
# Usage: scripts/bench.sh [--big] [--sizes "10000 100000"] [--samples 200] [--out FILE.csv]
#                         [--vs-frr] [--frr-only]
#        scripts/bench.sh --fabric [-n N] [--macs M] [--out FILE.csv]
#        scripts/bench.sh --rr [--clients "100 500 1000"] [--routes 100] [--rr-only evpnd|frr|gobgp]
#        scripts/bench.sh --tenant [--sizes "10000 100000"] [--tenant-only evpnd|frr]
#   bulk-learn   N static MACs added to A's bridge (VM port) in one `bridge -batch`: seconds until
#                all N are NTF_SELF entries with dst A on B's vx100
#   bulk-delete  the same N deleted on A: until none is left on B
#   bulk-sync    N MACs on A, B's speaker stopped and its entries removed, then started: from the
#                start until all N are installed on B
#   restart      B's evpnd SIGKILLed while it holds the N MACs, then started: until its control
#                socket answers and until initial convergence, its longest loop iteration and
#                slowest `show status` answer meanwhile, B's FDB events for the N (none is right);
#                evpnd only (past fdb-dump-limit it reads its record, not a kernel dump)
#   audit        then `evpnctl audit` on B (past fdb-dump-limit it asks for each owned entry, a
#                GET each; below, a whole dump): its seconds, drift (none is right), B's loop turns
#                over 50 ms and slowest `show status` answer meanwhile; evpnd only
#   single-mac   from the add on A (A's `bridge -timestamp monitor fdb`) to the dst entry on B's
#                vx100 (B's monitor; same machine clock): median and p99 of --samples
#   mac-move     a VM's MAC moves: its frame on B's VM port after one on A's (both bridges learn
#                it as a real VM's frame makes them): from B's bridge learning it to A's vx100 entry
#                toward B (A's and B's monitors): median and p99 of --samples (RFC 7432 section 15;
#                the figure test_kernel_mobility only logs)
#   floor        the kernel floor for the same N FRR-style entries (self+master extern_learn):
#                `bridge -batch`, and tests/bench/nl_floor.c (evpnd's pipelined writer); the
#                ratio is bulk rate / pipelined floor rate
#   loop turns   B's evpnd iterations over 50 ms during bulk-learn, bulk-sync (the fresh process's
#                whole life, start-up included) and bulk-delete (`show status` loop.over_50ms, and
#                how many were over 50 ms on the CPU, over_50ms_cpu: the rest waited for the CPU;
#                target 0: keepalives, events and control requests never wait longer)
#   rss          B's evpnd VmRSS per remote MAC (a fresh process after bulk-sync vs at start; the
#                growth during bulk-learn too); with --vs-frr B's bgpd (and zebra) per route
# Completion on B is seen by tests/bench/fdb_watch.c (the kernel's neighbour events, counted per
# MAC; no FDB dumps while timing), for evpnd and FRR alike; evpnd's `show vnis` remote count and one
# kernel `fdb get` per MAC (not a dump: docs/kernel-costs.md) cross-check it. --big adds N=1000000.
# --vs-frr: the same scenarios with FRR 8.4 (zebra + bgpd per hypervisor namespace, iBGP EVPN with
# advertise-all-vni, written by frr_conf below) on an identical lab built with `lab.sh up --no-evpnd`.
# Targets (issue 3): single-MAC p99 < 5 ms; bulk install >= 80% of the pipelined floor rate;
# < 300 B RSS per remote MAC.
# --fabric: instead of all that, the scale lab (issue 5): N hypervisors (default 32, up to 64) and
# one dedicated evpnd route reflector, M MACs learned per hypervisor (default 100): fabric-up,
# mac-learn, cold-start and mac-withdraw convergence times and every evpnd's RSS; see
# scripts/bench_fabric.sh.
# --rr: instead, one route reflector and C load-generator clients (tests/bench/rr_load.c), each
# announcing M type-2 routes then withdrawing them: evpnd, FRR 8.4 bgpd and gobgpd 3.10 one after
# the other (times, CPU seconds, peak RSS per path); see scripts/bench_rr.sh.
# --tenant: instead, routed VMs (symmetric IRB): N MAC+IP routes from one hypervisor become N host
# routes in the other's VRF table, evpnd then FRR 8.4 on the same tenant lab (install and withdraw
# seconds, host routes per second, RSS per host route, the ratio to FRR); see
# scripts/bench_tenant.sh. It needs VRF: without it here, it runs itself inside scripts/vm.sh
# (Debian's kernel, emulated when there is no KVM: compare the ratio, not the absolute figures).
# --watch: instead, the control socket's watch stream on its own evpnd ($EVPND or build/evpnd; the
# last of --sizes changes, 50,000 by default here): live and snapshot events per second at a
# watcher, replay-window bytes per event, evpnd's CPU per change with no, 100 idle and 100 reading
# watchers; see scripts/bench_watch.py.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LAB=$ROOT/scripts/lab.sh
sizes="10000 100000"
samples=200
out=
vs_frr=0
run_evpnd=1
fabric=0
fab_n=32
fab_m=100
rr=0
rr_clients="100 500 1000"
rr_routes=100
rr_impls="evpnd frr gobgp"
tenant=0
tenant_impls="evpnd frr"
watch=0
while [ $# -gt 0 ]; do
	case $1 in
	--big) sizes="$sizes 1000000" ;;
	--sizes) sizes=$2; shift ;;
	--samples) samples=$2; shift ;;
	--out) out=$2; shift ;;
	--vs-frr) vs_frr=1 ;;
	--frr-only) vs_frr=1 run_evpnd=0 ;;
	--fabric) fabric=1 ;;
	-n) fab_n=$2; shift ;;
	--macs) fab_m=$2; shift ;;
	--rr) rr=1 ;;
	--clients) rr_clients=$2; shift ;;
	--routes) rr_routes=$2; shift ;;
	--rr-only) rr_impls=$2; shift ;;
	--tenant) tenant=1 ;;
	--tenant-only) tenant_impls=$2; shift ;;
	--watch) watch=1 ;;
	-h | --help) sed -n '2,59p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
if [ "$watch" = 1 ]; then
	# the control socket's watch stream: no peers, no namespaces (scripts/bench_watch.py)
	evpnd_bin=${EVPND:-$ROOT/build/evpnd}
	[ -x "$evpnd_bin" ] || { echo "bench: no $evpnd_bin: build first (cmake -B build && cmake --build build)" >&2; exit 1; }
	mkdir -p "$ROOT/bench-results"
	[ "$sizes" = "10000 100000" ] && sizes=50000
	exec python3 "$ROOT/scripts/bench_watch.py" --evpnd "$evpnd_bin" -n "${sizes##* }" \
		--out "${out:-$ROOT/bench-results/watch-$(date +%Y%m%d-%H%M%S).csv}"
fi
[ "$(id -u)" -eq 0 ] || { echo "bench: run me as root (network namespaces)" >&2; exit 1; }
if [ -z "$out" ]; then
	mkdir -p "$ROOT/bench-results"
	out=$ROOT/bench-results/$([ "$fabric" = 1 ] && echo fabric || { [ "$rr" = 1 ] && echo rr; } || { [ "$tenant" = 1 ] && echo tenant; } || echo bench)-$(date +%Y%m%d-%H%M%S).csv
fi
if [ "$tenant" = 1 ] && [ "${EVPND_BENCH_IN_VM:-0}" != 1 ]; then
	probe=bench$$-vrfprobe
	ip netns add "$probe"
	if ! ip -n "$probe" link add probe type vrf table 1 2>/dev/null; then
		ip netns del "$probe"
		echo "bench: this kernel has no VRF: running --tenant inside scripts/vm.sh (Debian's kernel)" >&2
		mkdir -p "$(dirname "$out")"
		exec "$ROOT/scripts/vm.sh" --timeout 5400 --mem 6144 --share "$(dirname "$out")" -- \
			env EVPND_BENCH_IN_VM=1 bash "$ROOT/scripts/bench.sh" --tenant --sizes "$sizes" \
			--tenant-only "$tenant_impls" --out "$out"
	fi
	ip netns del "$probe"
fi

P=bench$$          # every namespace of this run starts with it
PF=${P}f           # the FRR lab
F=$P-floor
W=$(mktemp -d /tmp/evpnd-bench.XXXXXX)
BG_PIDS=()         # monitors and watchers this script started
FRR_DIRS=()        # per-namespace FRR state dirs (their pid files name daemons we started)
LABS=()

# frr_stop DIR: SIGTERM the zebra/bgpd whose pid files are in DIR, if they are still those daemons
frr_stop() {
	local d=$1 f pid n
	for f in bgpd zebra; do
		pid=$(cat "$d/$f.pid" 2>/dev/null) || continue
		{ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -F -- "$d/" >/dev/null || continue
		kill "$pid" 2>/dev/null || true
		for ((n = 0; n < 50; n++)); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
		[ -d "/proc/$pid" ] && kill -KILL "$pid" 2>/dev/null || true
	done
	rm -f "$d"/*.pid
}
finish() {
	local pid d l
	for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for d in "${FRR_DIRS[@]}"; do frr_stop "$d"; done
	for l in "${LABS[@]}"; do "$LAB" down -q --prefix "$l" >/dev/null 2>&1 || true; done
	[ -e "/run/netns/$F" ] && ip netns del "$F"
	for l in "$P-rrR" "$P-rrG"; do [ -e "/run/netns/$l" ] && ip netns del "$l"; done # --rr
	rm -rf "$W"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() { printf '== %s\n' "$*" >&2; }
now() { printf '%s' "$EPOCHREALTIME"; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
AIP=10.99.0.1
BIP=10.99.0.2

macs() { # macs N PREFIXBYTE: N MACs 02:PP:xx:xx:xx:xx (fdb_watch indexes the low 24 bits)
	python3 -c "
import sys
n, p = int(sys.argv[1]), int(sys.argv[2], 16)
sys.stdout.write(''.join('02:%02x:%02x:%02x:%02x:%02x\n' % (p, (i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255) for i in range(n)))" "$1" "$2"
}
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
per_mac() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.0f", (b - a) * 1024 / n }'; }

# ---- tools ----
EVPND_BUILD=${EVPND_BUILD_DIR:-$ROOT/build}
case $EVPND_BUILD in /*) ;; *) EVPND_BUILD=$ROOT/$EVPND_BUILD ;; esac
EVPNCTL=${EVPNCTL:-$EVPND_BUILD/evpnctl}
floor_nl=${NL_FLOOR:-$EVPND_BUILD/nl_floor}
if [ "$rr" = 1 ]; then
	for c in $rr_clients; do
		[[ $c =~ ^[0-9]+$ ]] && ((c >= 2 && c <= 1000)) || { echo "bench: --clients: each 2..1000" >&2; exit 2; }
	done
	[[ $rr_routes =~ ^[0-9]+$ ]] && ((rr_routes >= 1 && rr_routes <= 65535)) ||
		{ echo "bench: --routes: 1..65535" >&2; exit 2; }
	# shellcheck source=scripts/bench_rr.sh
	source "$ROOT/scripts/bench_rr.sh"
	rr_main "$rr_clients" "$rr_routes" "$rr_impls"
	exit 0
fi
if [ "$fabric" = 1 ]; then
	[[ $fab_n =~ ^[0-9]+$ ]] && ((fab_n >= 2 && fab_n <= 64)) || { echo "bench: -n: 2..64" >&2; exit 2; }
	[[ $fab_m =~ ^[0-9]+$ ]] && ((fab_m >= 1 && fab_m <= 65536)) || { echo "bench: --macs: 1..65536" >&2; exit 2; }
	export EVPND_BUILD_DIR=$EVPND_BUILD # lab.sh's evpnd and evpnctl: this build's
elif [ "$tenant" = 0 ] && [ ! -x "$floor_nl" ] && [ -f "$EVPND_BUILD/CMakeCache.txt" ]; then
	cmake --build "$EVPND_BUILD" --target nl_floor >"$W/nl_floor.err" 2>&1 ||
		echo "bench: cannot build nl_floor: $(grep -m3 error "$W/nl_floor.err")" >&2
fi
if [ "$fabric" = 0 ] && [ "$tenant" = 0 ]; then
	[ -x "$floor_nl" ] || { echo "bench: no nl_floor at $floor_nl (build the nl_floor target)" >&2; exit 1; }
	WATCH=$W/fdb_watch
	cc -O2 -o "$WATCH" "$ROOT/tests/bench/fdb_watch.c" || { echo "bench: cannot compile fdb_watch" >&2; exit 1; }
fi

# timed NS MODE N PREFIX TIMEOUT CMD...: start fdb_watch in NS, run CMD, wait for the watcher;
# prints the seconds from just before CMD to the event that completed the count, or "timeout(...)"
timed() {
	local ns=$1 mode=$2 n=$3 pfx=$4 to=$5 t0 res pid i
	shift 5
	ip netns exec "$ns" "$WATCH" vx100 "$AIP" "$pfx" "$n" "$mode" "$to" >"$W/watch.out" 2>&1 &
	pid=$!
	BG_PIDS+=("$pid")
	for ((i = 0; i < 100; i++)); do grep -q '^ready' "$W/watch.out" && break; sleep 0.02; done
	t0=$(now)
	"$@" >"$W/cmd.out" 2>&1 || { echo "bench: '$*' failed: $(head -3 "$W/cmd.out")" >&2; }
	sub "$(now)" "$t0" >"$W/cmd.seconds"
	echo - >"$W/first.seconds"
	wait "$pid" || true
	res=$(tail -n 1 "$W/watch.out")
	case $res in
	done\ *)
		set -- ${res#done }
		sub "$2" "$t0" >"$W/first.seconds"
		sub "$1" "$t0"
		;;
	timeout\ *) echo "timeout(${res#timeout }/$n)" ;;
	*) echo "failed($res)" ;;
	esac
}
# kcount NS N: how many of the bench's N remote entries (self, dst A, extern_learn) NS's vx100 has,
# by one `fdb get` each in one `bridge -batch`: a dump of 1M entries costs the kernel minutes
# (docs/kernel-costs.md), a get each about 20 s
kcount() {
	macs "$2" dd | awk '{ print "fdb get " $1 " dev vx100 self" }' >"$W/kget"
	ip netns exec "$1" bridge -force -batch "$W/kget" 2>/dev/null | grep -c "^02:dd:.* dst $AIP self.*extern_learn" || true
}
num() { [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]]; }

# ---- results: R[key]=value; the table is assembled at the end ----
declare -A R
NOTES=()
note() { NOTES+=("$*"); say "$*"; }

if [ "$fabric" = 1 ]; then
	# shellcheck source=scripts/bench_fabric.sh
	source "$ROOT/scripts/bench_fabric.sh"
	fabric_main "$fab_n" "$fab_m"
	exit 0
fi

# ---- FRR ----
# frr_conf I J DIR: zebra.conf and bgpd.conf for hypervisor I (peer J): iBGP AS 64512 with EVPN
# and advertise-all-vni, with the lab's addresses and timers (hold 9, connect-retry 1, as lab.sh
# gives evpnd)
frr_conf() {
	local i=$1 j=$2 d=$3
	cat >"$d/zebra.conf" <<-EOF
		hostname $PF-h$i
		log file $d/zebra.log informational
		!
	EOF
	cat >"$d/bgpd.conf" <<-EOF
		hostname $PF-h$i
		log file $d/bgpd.log informational
		!
		router bgp 64512
		 bgp router-id 10.99.0.$i
		 no bgp default ipv4-unicast
		 neighbor 10.99.0.$j remote-as 64512
		 neighbor 10.99.0.$j timers 3 9
		 neighbor 10.99.0.$j timers connect 1
		 !
		 address-family l2vpn evpn
		  neighbor 10.99.0.$j activate
		  advertise-all-vni
		 exit-address-family
		!
	EOF
	touch "$d/vtysh.conf"
	chown -R frr:frr "$d"
}
# frr_start I DIR: zebra (large netlink buffer) then bgpd in hypervisor I's namespace
frr_start() {
	local i=$1 d=$2 n
	rm -f "$d/zserv.api" "$d"/*.pid
	ip netns exec "$PF-h$i" /usr/lib/frr/zebra -d -u frr -g frr -A 127.0.0.1 -P 0 \
		-i "$d/zebra.pid" -z "$d/zserv.api" --vty_socket "$d" -f "$d/zebra.conf" -s 268435456 \
		>>"$d/zebra.out" 2>&1
	for ((n = 0; n < 100; n++)); do [ -S "$d/zserv.api" ] && break; sleep 0.02; done
	ip netns exec "$PF-h$i" /usr/lib/frr/bgpd -d -u frr -g frr -A 127.0.0.1 -P 0 \
		-i "$d/bgpd.pid" -z "$d/zserv.api" --vty_socket "$d" -f "$d/bgpd.conf" >>"$d/bgpd.out" 2>&1
}
if [ "$tenant" = 1 ]; then
	export EVPND_BUILD_DIR=$EVPND_BUILD # lab.sh's evpnd and evpnctl: this build's
	# shellcheck source=scripts/bench_tenant.sh
	source "$ROOT/scripts/bench_tenant.sh"
	OUT_CSV=$out
	tenant_main "$sizes" "$tenant_impls"
	exit 0
fi

# ---- the kernel floor ----
ip netns add "$F"
ip -n "$F" link add br100 type bridge
ip -n "$F" link add vx100 type vxlan id 100 local 10.98.0.1 dstport 4789 nolearning
ip -n "$F" link set vx100 master br100
ip -n "$F" link set vx100 up
ip -n "$F" link set br100 up
for N in $sizes; do
	say "N=$N: kernel floor"
	macs "$N" cc | awk '{ print "fdb add " $1 " dev vx100 dst 10.98.0.2 self master extern_learn" }' >"$W/floor.add"
	macs "$N" cc | awk '{ print "fdb del " $1 " dev vx100 self master" }' >"$W/floor.del"
	t0=$(now); ip netns exec "$F" bridge -batch "$W/floor.add" >/dev/null; R[fb_add_$N]=$(sub "$(now)" "$t0")
	t0=$(now); ip netns exec "$F" bridge -batch "$W/floor.del" >/dev/null; R[fb_del_$N]=$(sub "$(now)" "$t0")
	if "$floor_nl" "$N" >"$W/nl.out" 2>&1; then
		R[fn_add_$N]=$(sed -n 's/^nl_floor N=.* seconds=\([0-9.]*\).*/\1/p' "$W/nl.out")
		R[fn_del_$N]=$(sed -n 's/^nl_floor_del N=.* seconds=\([0-9.]*\).*/\1/p' "$W/nl.out")
	else
		note "nl_floor N=$N failed: $(head -3 "$W/nl.out" | tr '\n' ' ')"
	fi
	rm -f "$W/floor.add" "$W/floor.del"
done
ip netns del "$F"

# ---- the scenarios, for one speaker kind (evpnd or frr) ----
# Hooks set per kind: b_stop, b_start (B's speaker), b_rss (B's VmRSS in kB: evpnd, or "bgpd zebra"),
# b_count (B's remote MAC count as the speaker itself reports it: a cross-check only).
# slow_delta "COUNT0 MAX0 CPUCOUNT0 CPUMAX0" "COUNT1 MAX1 CPUCOUNT1 CPUMAX1": loop iterations over
# 50 ms between two b_slow readings, with the process's longest when it grew meanwhile, and how
# many of them were over 50 ms on the CPU (the rest waited for the CPU or a kernel lock: the
# machine's load, not evpnd's work) ("-" without b_slow: FRR)
slow_delta() {
	local c0 m0 cc0 cm0 c1 m1 cc1 cm1
	read -r c0 m0 cc0 cm0 <<<"$1"
	read -r c1 m1 cc1 cm1 <<<"$2"
	num "$c0" && num "$c1" || { echo -; return; }
	awk -v c0="$c0" -v m0="$m0" -v c1="$c1" -v m1="$m1" -v cc0="${cc0:-0}" -v cc1="${cc1:-0}" \
		-v cm0="${cm0:-0}" -v cm1="${cm1:-0}" \
		'BEGIN { printf "%d", c1 - c0; if (m1 > m0) printf " (longest %.3f s)", m1
			 printf "; on the CPU %d", cc1 - cc0; if (cm1 > cm0) printf " (most %.3f s)", cm1 }'
}

run_scenarios() {
	local k=$1 A=$2 B=$3 N to s r1 rpre rpost c slow0
	for N in $sizes; do
		to=$((60 + N / 1000))
		macs "$N" dd | awk '{ print "fdb add " $1 " dev vm1 master static" }' >"$W/a.add"
		macs "$N" dd | awk '{ print "fdb del " $1 " dev vm1 master static" }' >"$W/a.del"
		macs "$N" dd | awk '{ print "fdb del " $1 " dev vx100 self master" }' >"$W/b.del"

		say "$k N=$N: bulk learn on A, until installed on B"
		rpre=$(b_rss)
		slow0=$(b_slow)
		s=$(timed "$B" add "$N" dd "$to" ip netns exec "$A" bridge -batch "$W/a.add")
		R[${k}_learn_$N]=$s
		R[${k}_learn_slow_$N]=$(slow_delta "$slow0" "$(b_slow)")
		R[${k}_learn_cmd_$N]=$(cat "$W/cmd.seconds")
		rpost=$(b_rss)
		c=$(b_count)
		say "$k N=$N: learn $s s (A's bridge -batch itself ${R[${k}_learn_cmd_$N]} s); speaker's own count $c; RSS $rpre -> $rpost kB; loop turns > 50 ms: ${R[${k}_learn_slow_$N]}"
		R[${k}_rss_learn_$N]=$(per_mac "${rpre%% *}" "${rpost%% *}" "$N")

		say "$k N=$N: bulk sync: B's speaker stopped, its entries removed, started"
		b_stop
		ip netns exec "$B" bridge -force -batch "$W/b.del" >/dev/null 2>&1 || true
		c=$(kcount "$B" "$N")
		[ "$c" = 0 ] || note "$k N=$N: $c entries left on B before the sync"
		s=$(timed "$B" add "$N" dd "$to" b_start)
		R[${k}_sync_$N]=$s
		R[${k}_sync_first_$N]=$(cat "$W/first.seconds")
		R[${k}_sync_slow_$N]=$(slow_delta "0 0 0 0" "$(b_slow)") # a fresh process: its whole life
		sleep 1 # let the fresh process settle before its RSS is read
		r1=$(b_rss)
		R[${k}_rss_sync_$N]=$(per_mac "${RSS_BASE%% *}" "${r1%% *}" "$N")
		if [ "$k" = frr ]; then
			R[frr_zrss_sync_$N]=$(per_mac "${RSS_BASE##* }" "${r1##* }" "$N")
		fi
		c=$(kcount "$B" "$N")
		R[${k}_kcount_$N]=$c
		say "$k N=$N: sync $s s (first entry at ${R[${k}_sync_first_$N]} s); RSS fresh $RSS_BASE -> $r1 kB; kernel dump: $c of $N on B; speaker's count $(b_count); loop turns > 50 ms: ${R[${k}_sync_slow_$N]}"
		[ "$c" = "$N" ] || note "$k N=$N: kernel dump after sync shows $c of $N entries on B"

		if declare -F b_kill >/dev/null; then
			say "$k N=$N: SIGKILL of B's speaker holding $N MACs, restart"
			restart_kill "$k" "$B" "$N"
			audit_check "$k" "$N"
		fi

		say "$k N=$N: bulk delete on A, until gone from B"
		slow0=$(b_slow)
		s=$(timed "$B" del "$N" dd "$to" ip netns exec "$A" bridge -batch "$W/a.del")
		R[${k}_del_$N]=$s
		R[${k}_del_slow_$N]=$(slow_delta "$slow0" "$(b_slow)")
		R[${k}_del_cmd_$N]=$(cat "$W/cmd.seconds")
		say "$k N=$N: delete $s s; loop turns > 50 ms: ${R[${k}_del_slow_$N]}"
	done
	single_mac "$k" "$A" "$B"
	mac_move "$k" "$A" "$B"
}

# restart_kill KIND B N: B's speaker SIGKILLed while it holds the N MACs, then started: seconds until
# its control socket answers and until initial convergence, its slowest `show status` answer meanwhile
# (every 0.1 s), its longest loop iteration (the process's own, start-up included), how it read the
# kernel, and B's FDB events for the N MACs (bridge monitor: none is right)
restart_kill() {
	local k=$1 B=$2 N=$3 t0 st l0
	l0=$(wc -l <"$ED/h2.log")
	ip netns exec "$B" bridge -timestamp monitor fdb >"$W/restart.mon" 2>&1 &
	BG_PIDS+=($!)
	sleep 0.5
	b_kill
	t0=$(now)
	b_start
	R[${k}_rs_up_$N]=$(sub "$(now)" "$t0")
	st=$(python3 - "$EVPNCTL" "$ED/h2.sock" "$((120 + N / 2000))" <<'EOF'
import json, subprocess, sys, time
ctl, sock, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
t0 = time.monotonic()
worst = 0.0
while time.monotonic() - t0 < limit:
    t = time.monotonic()
    r = subprocess.run([ctl, "-s", sock, "--json", "show", "status"], capture_output=True, text=True)
    worst = max(worst, time.monotonic() - t)
    if r.returncode == 0:
        s = json.loads(r.stdout)
        if s["converged"]:
            print("%.2f %.3f %.3f %.3f" % (time.monotonic() - t0, worst, s["loop"]["max_seconds"],
                                           s["loop"]["max_cpu_seconds"]))
            sys.exit(0)
    time.sleep(0.1)
print("- %.3f - -" % worst)
EOF
)
	R[${k}_rs_conv_$N]=$(awk -v u="${R[${k}_rs_up_$N]}" -v c="${st%% *}" 'BEGIN { if (c == "-") print "-"; else printf "%.2f", u + c }')
	read -r _ R[${k}_rs_slow_$N] R[${k}_rs_loop_$N] R[${k}_rs_loopcpu_$N] <<<"$st"
	# the sweep of the previous run's leftovers runs after convergence: let it end before counting
	for ((t = 0; t < 100; t++)); do
		grep -qE "previous run's record no longer wanted|initial convergence: [0-9]+ stale" < <(tail -n +"$((l0 + 1))" "$ED/h2.log") && break
		sleep 0.1
	done
	sleep 0.5
	kill "${BG_PIDS[-1]}" 2>/dev/null || true
	R[${k}_rs_touched_$N]=$(grep -c " 02:dd:" "$W/restart.mon" || true)
	R[${k}_rs_how_$N]=$(grep -q "no full FDB dump" < <(tail -n +"$((l0 + 1))" "$ED/h2.log") && echo "by its record" || echo "by a full FDB dump")
	say "$k N=$N: restart: control socket ${R[${k}_rs_up_$N]} s, converged ${R[${k}_rs_conv_$N]} s, slowest status answer ${R[${k}_rs_slow_$N]} s, longest loop iteration ${R[${k}_rs_loop_$N]} s (most CPU in one: ${R[${k}_rs_loopcpu_$N]} s), kernel read ${R[${k}_rs_how_$N]}, FDB events for the $N MACs: ${R[${k}_rs_touched_$N]}"
}

# audit_check KIND N: `evpnctl audit` on B holding the N MACs (past fdb-dump-limit: scope owned, a
# GET per entry; below it a whole dump), while `show status` is asked every 0.1 s: the audit's
# seconds, its drift (none is right), B's loop turns over 50 ms meanwhile and the slowest answer
audit_check() {
	local k=$1 N=$2 slow0 st
	slow0=$(b_slow)
	st=$(python3 - "$EVPNCTL" "$ED/h2.sock" <<'EOF'
import json, subprocess, sys, time
ctl, sock = sys.argv[1], sys.argv[2]
t0 = time.monotonic()
a = subprocess.Popen([ctl, "-s", sock, "--json", "audit"], stdout=subprocess.PIPE, text=True)
worst = 0.0
while a.poll() is None:
    t = time.monotonic()
    subprocess.run([ctl, "-s", sock, "--json", "show", "status"], capture_output=True)
    worst = max(worst, time.monotonic() - t)
    time.sleep(0.1)
took = time.monotonic() - t0
try:
    d = json.loads(a.stdout.read())
    print("%.2f %d %s %.3f" % (took, len(d["drift"]), d["scope"], worst))
except ValueError:
    print("%.2f - - %.3f" % (took, worst))
EOF
)
	read -r R[${k}_au_s_$N] R[${k}_au_drift_$N] R[${k}_au_scope_$N] R[${k}_au_worst_$N] <<<"$st"
	R[${k}_au_slow_$N]=$(slow_delta "$slow0" "$(b_slow)")
	say "$k N=$N: audit (scope ${R[${k}_au_scope_$N]}): ${R[${k}_au_s_$N]} s, drift ${R[${k}_au_drift_$N]}, loop turns > 50 ms: ${R[${k}_au_slow_$N]}, slowest status answer meanwhile ${R[${k}_au_worst_$N]} s"
}

# single_mac KIND A B: $samples adds on A, each awaited on B (2 s at most)
# latency FROM_MON FROM_TEXT TO_MON TO_TEXT MACS: per MAC of the file MACS, the milliseconds from
# its first event holding FROM_TEXT in the `bridge -timestamp monitor fdb` output FROM_MON to its
# first holding TO_TEXT in TO_MON (same machine clock); prints "median p99 kept"
latency() {
	python3 - "$@" <<'EOF'
import sys, time
def events(path, want):
    # "Timestamp: Wed Nov 25 21:16:58 2026 446 usec" precedes each event; usec is not zero-padded
    ts, out = None, {}
    for line in open(path):
        line = line.rstrip()
        if line.startswith("Timestamp: "):
            p = line[len("Timestamp: "):].split()
            ts = time.mktime(time.strptime(" ".join(p[:5]), "%a %b %d %H:%M:%S %Y")) + int(p[5]) / 1e6
        elif ts is not None and not line.startswith("Deleted") and want in line:
            out.setdefault(line.split()[0], ts)   # the first such event of each MAC
    return out
a = events(sys.argv[1], sys.argv[2])
b = events(sys.argv[3], sys.argv[4])
lat = sorted((b[m] - a[m]) * 1000 for m in open(sys.argv[5]).read().split() if m in a and m in b)
if not lat:
    print("none none 0")
else:
    med = lat[len(lat) // 2] if len(lat) % 2 else (lat[len(lat) // 2 - 1] + lat[len(lat) // 2]) / 2
    p99 = lat[min(len(lat) - 1, -(-len(lat) * 99 // 100) - 1)]   # nearest rank
    print("%.3f %.3f %d" % (med, p99, len(lat)))
EOF
}

# monitors A B OUT_A OUT_B: `bridge -timestamp monitor fdb` in A and in B (stop with monitors_stop)
monitors() {
	ip netns exec "$1" bridge -timestamp monitor fdb >"$3" 2>&1 &
	BG_PIDS+=($!)
	ip netns exec "$2" bridge -timestamp monitor fdb >"$4" 2>&1 &
	BG_PIDS+=($!)
	sleep 0.5
}
monitors_stop() {
	sleep 0.3
	kill "${BG_PIDS[-1]}" "${BG_PIDS[-2]}" 2>/dev/null || true
}

# seen MON PATTERN: wait up to 2 s for a line starting with PATTERN in the monitor output MON
seen() {
	local t
	for ((t = 0; t < 400; t++)); do
		grep -q "^$2" "$1" && return 0
		sleep 0.005
	done
	return 1
}

single_mac() {
	local k=$1 A=$2 B=$3 m miss=0 res
	say "$k: single-MAC learn-to-install latency, $samples samples"
	monitors "$A" "$B" "$W/monA" "$W/monB"
	macs "$samples" ee >"$W/single"
	while read -r m; do
		ip netns exec "$A" bridge fdb add "$m" dev vm1 master static
		seen "$W/monB" "$m dev vx100 dst $AIP" || miss=$((miss + 1))
	done <"$W/single"
	monitors_stop
	res=$(latency "$W/monA" "dev vm1 " "$W/monB" "dev vx100 dst $AIP " "$W/single")
	read -r R[${k}_med] R[${k}_p99] R[${k}_kept] <<<"$res"
	R[${k}_miss]=$miss
	say "$k: single-MAC median ${R[${k}_med]} ms, p99 ${R[${k}_p99]} ms, ${R[${k}_kept]}/$samples samples kept, $miss not installed within 2 s"
	ip netns exec "$A" bridge -batch <(awk '{ print "fdb del " $1 " dev vm1 master static" }' "$W/single") >/dev/null 2>&1 || true
}

# frame NS MAC: one Ethernet frame with source MAC from NS's eth0 (a VM's frame: its bridge learns
# MAC on the VM's port, as a live-migrated VM's first frame makes it)
frame() { ip netns exec "$1" python3 "$ROOT/tests/integration/vm_frame.py" "$2"; }

# mac_move KIND A B: --samples MACs, each first heard from A's VM, then from B's: the time from
# B's bridge learning it on vm1 to A's vx100 entry toward B
mac_move() {
	local k=$1 A=$2 B=$3 m miss=0 res
	say "$k: MAC move latency (a frame on A's VM port, then on B's), $samples samples"
	monitors "$A" "$B" "$W/mvA" "$W/mvB"
	macs "$samples" ef >"$W/moves"
	while read -r m; do
		frame "$A-vm1" "$m"
		seen "$W/mvB" "$m dev vx100 dst $AIP" || true # B learned it from A (or the move times it)
		frame "$B-vm1" "$m"
		seen "$W/mvA" "$m dev vx100 dst $BIP" || miss=$((miss + 1))
	done <"$W/moves"
	monitors_stop
	res=$(latency "$W/mvB" "dev vm1 " "$W/mvA" "dev vx100 dst $BIP " "$W/moves")
	read -r R[${k}_mvmed] R[${k}_mvp99] R[${k}_mvkept] <<<"$res"
	say "$k: MAC move median ${R[${k}_mvmed]} ms, p99 ${R[${k}_mvp99]} ms, ${R[${k}_mvkept]}/$samples samples kept, $miss not moved within 2 s"
}

# ---- evpnd ----
if [ "$run_evpnd" = 1 ]; then
	say "evpnd lab: two hypervisors (prefix $P)"
	LABS+=("$P")
	"$LAB" up -q -n 2 --prefix "$P" >/dev/null
	source "/tmp/evpnd-lab-$P/lab.env"
	ED=$LAB_DIR
	for ((t = 0; t < 300; t++)); do
		"$EVPNCTL" -s "$ED/h2.sock" show neighbors --json 2>/dev/null | grep '"established"' >/dev/null && break
		sleep 0.1
	done
	b_pid() { cat "$ED/h2.pid"; }
	b_rss() { rss_kb "$(b_pid)"; }
	b_stop() { "$LAB" stop -q --prefix "$P" 2 || note "evpnd B did not stop cleanly"; }
	b_start() { "$LAB" start -q --prefix "$P" 2; }
	b_kill() { "$LAB" stop -q --kill --prefix "$P" 2 || true; }
	# B's loop iterations over 50 ms so far, and its longest (`show status`)
	b_slow() {
		"$EVPNCTL" -s "$ED/h2.sock" --json show status 2>/dev/null |
			jq -r '"\(.loop.over_50ms) \(.loop.max_seconds) \(.loop.over_50ms_cpu) \(.loop.max_cpu_seconds)"' \
				2>/dev/null || echo '- - - -'
	}
	b_count() {
		"$EVPNCTL" -s "$ED/h2.sock" show vnis --json 2>/dev/null | jq -r '.[] | select(.vni == 100) | .remote_macs' 2>/dev/null || echo '?'
	}
	sleep 1
	RSS_BASE=$(b_rss)
	say "evpnd B: VmRSS $RSS_BASE kB at start (1 remote MAC: A's VM)"
	run_scenarios evpnd "$P-h1" "$P-h2"
	R[evpnd_log_warn]=$(grep -hvE 'Cease/(Administrative Shutdown|Connection Collision)' "$ED/h1.log" "$ED/h2.log" | grep -cE ' (warning|err|error) ' || true)
	[ "${R[evpnd_log_warn]}" = 0 ] || note "evpnd logs: ${R[evpnd_log_warn]} warning/error lines, e.g. $(grep -hvE 'Cease/(Administrative Shutdown|Connection Collision)' "$ED/h1.log" "$ED/h2.log" | grep -E ' (warning|err|error) ' | head -2 | tr '\n' ' ')"
	"$LAB" down -q --prefix "$P" >/dev/null 2>&1 || note "evpnd lab: unclean shutdown"
	LABS=()
	# the restart scenario is evpnd's only: FRR's run must not find its hook
	unset -f b_kill
fi

if [ "$vs_frr" = 1 ]; then
	[ -x /usr/lib/frr/zebra ] && [ -x /usr/lib/frr/bgpd ] || { echo "bench: FRR not installed" >&2; exit 1; }
	say "FRR lab: two hypervisors, zebra + bgpd each (prefix $PF)"
	LABS+=("$PF")
	"$LAB" up -q -n 2 --no-evpnd --prefix "$PF" >/dev/null
	FDIR=/tmp/evpnd-lab-$PF
	for i in 1 2; do
		mkdir -p "$FDIR/frr-h$i"
		FRR_DIRS+=("$FDIR/frr-h$i")
		frr_conf "$i" $((3 - i)) "$FDIR/frr-h$i"
		frr_start "$i" "$FDIR/frr-h$i"
	done
	FB=$FDIR/frr-h2
	# up: A's VM MAC installed on B (session established, VNI known on both sides)
	for ((t = 0; t < 600; t++)); do
		ip netns exec "$PF-h2" bridge fdb show dev vx100 | grep "^02:00:00:00:01:01 .*dst $AIP" >/dev/null && break
		sleep 0.1
	done
	[ "$t" -lt 600 ] || { echo "bench: FRR lab did not converge in 60 s (logs in $FDIR)" >&2; tail -5 "$FB/bgpd.log" >&2; exit 1; }
	b_rss() { echo "$(rss_kb "$(cat "$FB/bgpd.pid")") $(rss_kb "$(cat "$FB/zebra.pid")")"; }
	b_slow() { echo '- - - -'; }
	b_stop() { frr_stop "$FB"; }
	b_start() { frr_start 2 "$FB"; }
	b_count() {
		vtysh --vty_socket "$FB" -c 'show evpn vni 100 json' 2>/dev/null | jq -r '.numRemoteMacs // .numMacs // "?"' 2>/dev/null || echo '?'
	}
	sleep 1
	RSS_BASE=$(b_rss)
	say "FRR B: bgpd/zebra VmRSS $RSS_BASE kB at start"
	run_scenarios frr "$PF-h1" "$PF-h2"
fi

# ---- the table and the CSV ----
rate() { num "$2" || return 0; awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / (s > 1e-6 ? s : 1e-6) }'; }
div() { { num "$1" && num "$2"; } || return 0; awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b }'; }
lt() { num "$1" && awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
ge() { num "$1" && awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
ROWS=()
# row scenario n evpnd rate floor ratio frr evpnd/frr target met note
row() { local IFS=,; ROWS+=("$*"); }
yn() { if "$@"; then echo yes; else echo NO; fi; }
g() { printf '%s' "${R[$1]:-}"; }
for N in $sizes; do
	fb=$(rate "$N" "$(g fb_add_$N)") fbd=$(rate "$N" "$(g fb_del_$N)")
	fn=$(rate "$N" "$(g fn_add_$N)") fnd=$(rate "$N" "$(g fn_del_$N)")
	row "floor bridge-batch add [s]" "$N" "$(g fb_add_$N)" "$fb" "" "" "" "" "" "" "one bridge -batch"
	row "floor pipelined add [s]" "$N" "$(g fn_add_$N)" "$fn" "" "" "" "" "" "" "nl_floor: evpnd's writer"
	row "floor bridge-batch del [s]" "$N" "$(g fb_del_$N)" "$fbd" "" "" "" "" "" "" ""
	row "floor pipelined del [s]" "$N" "$(g fn_del_$N)" "$fnd" "" "" "" "" "" "" ""
	for sc in learn sync del; do
		e=$(g evpnd_${sc}_$N) f=$(g frr_${sc}_$N)
		er=$(rate "$N" "$e") fl=$fn
		[ "$sc" = del ] && fl=$fnd
		ratio=$(div "$er" "$fl")
		target= met=
		case $sc in
		learn) name="bulk-learn [s]"; nt="A bridge -batch -> all on B (A's batch alone: evpnd $(g evpnd_learn_cmd_$N) s FRR $(g frr_learn_cmd_$N) s)" ;;
		sync) name="bulk-sync [s]"; nt="B's speaker started -> all on B (first entry at: evpnd $(g evpnd_sync_first_$N) s FRR $(g frr_sync_first_$N) s)" ;;
		del) name="bulk-delete [s]"; nt="A bridge -batch del -> none on B (A's batch alone: evpnd $(g evpnd_del_cmd_$N) s FRR $(g frr_del_cmd_$N) s)" ;;
		esac
		if [ "$sc" != del ] && [ "$run_evpnd" = 1 ]; then target=">= 0.80 floor"; met=$(yn ge "$ratio" 0.80); fi
		row "$name" "$N" "$e" "$er" "$fl" "$ratio" "$f" "$(div "$e" "$f")" "$target" "$met" "$nt"
	done
	if [ "$run_evpnd" = 1 ]; then
		e=$(g evpnd_rss_sync_$N)
		row "rss B fresh after sync [B/MAC]" "$N" "$e" "" "" "" "$(g frr_rss_sync_$N)" "$(div "$e" "$(g frr_rss_sync_$N)")" "< 300" "$(yn lt "$e" 300)" "evpnd VmRSS; FRR: bgpd (zebra $(g frr_zrss_sync_$N) B/MAC more)"
		row "rss B growth in learn [B/MAC]" "$N" "$(g evpnd_rss_learn_$N)" "" "" "" "$(g frr_rss_learn_$N)" "" "" "" "same process before/after bulk-learn (FRR: bgpd)"
		for sc in learn sync del; do
			e=$(g evpnd_${sc}_slow_$N)
			row "$sc: loop turns > 50 ms" "$N" "${e%%[!0-9]*}" "" "" "" "" "" "= 0" "$(yn test "${e%%[!0-9]*}" = 0)" "B's evpnd (show status loop.over_50ms)$([ "$sc" = sync ] && echo ", the fresh process's whole life")${e#"${e%%[!0-9]*}"}"
		done
		row "kernel get check" "$N" "$(g evpnd_kcount_$N)" "" "" "" "$(g frr_kcount_$N)" "" "= $N" "$(yn test "$(g evpnd_kcount_$N)" = "$N")" "entries on B's vx100 after sync (a get each)"
		row "restart: control answers [s]" "$N" "$(g evpnd_rs_up_$N)" "" "" "" "" "" "" "" "SIGKILL of B's evpnd holding N, start -> control socket answers"
		row "restart: converged [s]" "$N" "$(g evpnd_rs_conv_$N)" "" "" "" "" "" "" "" "start -> initial convergence (kernel read $(g evpnd_rs_how_$N)); slowest status answer $(g evpnd_rs_slow_$N) s"
		row "restart: longest loop turn [s]" "$N" "$(g evpnd_rs_loop_$N)" "" "" "" "" "" "< 0.05" "$(yn lt "$(g evpnd_rs_loop_$N)" 0.05)" "the restarted process's evpnd_loop_max_seconds at convergence; the most CPU time of one turn $(g evpnd_rs_loopcpu_$N) s (evpnd_loop_max_cpu_seconds)"
		e=$(g evpnd_au_slow_$N)
		row "audit [s]" "$N" "$(g evpnd_au_s_$N)" "" "" "" "" "" "" "" "evpnctl audit on B after the restart (scope $(g evpnd_au_scope_$N)); drift $(g evpnd_au_drift_$N); slowest status answer meanwhile $(g evpnd_au_worst_$N) s"
		row "audit: loop turns > 50 ms" "$N" "${e%%[!0-9]*}" "" "" "" "" "" "= 0" "$(yn test "${e%%[!0-9]*}" = 0)" "B's evpnd during the audit${e#"${e%%[!0-9]*}"}"
		row "restart: FDB events for the N" "$N" "$(g evpnd_rs_touched_$N)" "" "" "" "" "" "= 0" "$(yn test "$(g evpnd_rs_touched_$N)" = 0)" "B's bridge monitor fdb: a correct entry deleted or re-added"
	fi
done
for q in med p99; do
	e=$(g evpnd_$q) f=$(g frr_$q)
	target= met=
	[ "$q" = p99 ] && [ "$run_evpnd" = 1 ] && { target="< 5 ms"; met=$(yn lt "$e" 5); }
	row "single-mac $q [ms]" 1 "$e" "" "" "" "$f" "$(div "$e" "$f")" "$target" "$met" \
		"kept evpnd $(g evpnd_kept)/$samples$([ "$vs_frr" = 1 ] && echo " FRR $(g frr_kept)/$samples") samples (dropped: a monitor missed the event or not installed in 2 s)"
done
for q in med p99; do
	e=$(g evpnd_mv$q) f=$(g frr_mv$q)
	row "mac-move $q [ms]" 1 "$e" "" "" "" "$f" "$(div "$e" "$f")" "" "" \
		"kept evpnd $(g evpnd_mvkept)/$samples$([ "$vs_frr" = 1 ] && echo " FRR $(g frr_mvkept)/$samples") samples"
done
{
	echo "scenario,n,evpnd,rate_per_s,floor_rate_per_s,ratio_to_floor,frr,evpnd_per_frr,target,met,note"
	for r in "${ROWS[@]}"; do echo "$r"; done
} >"$out"
printf '\n'
cut -d, -f1-10 "$out" | column -s, -t -o '  '
printf '\nratio_to_floor = bulk rate / rate of the pipelined kernel floor (nl_floor) for the same N.\n'
printf 'evpnd/FRR = evpnd value / FRR value (< 1: evpnd faster / smaller).\n'
for n in "${NOTES[@]}"; do echo "note: $n"; done
echo "CSV: $out"
