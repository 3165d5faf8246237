#!/usr/bin/env bash
# evpnd benchmark (not a test): two hypervisors A and B from scripts/lab.sh, MACs learned on A's
# bridge, measured until installed in B's VXLAN FDB. Prints a table and writes CSV.
#
# Usage: scripts/bench.sh [--big] [--sizes "10000 100000"] [--samples 200] [--out FILE.csv]
#                         [--vs-frr]
#   bulk-learn   N static MACs added to A's bridge (VM port) in one `bridge -batch`: until all N
#                are extern_learn entries on B's vx100
#   bulk-delete  the same N deleted: until none is left on B
#   bulk-sync    N MACs already on A, B's evpnd (re)started: until all N are installed on B
#   single-mac   learn-to-install latency, median and p99 of --samples adds (kernel event times from
#                `bridge -timestamp monitor fdb` on A and on B)
#   floor-batch  the kernel floor: the same N FRR-style entries (self+master extern_learn, dst A)
#                added with `bridge -batch` to a VXLAN device in a namespace of their own (and
#                floor-nl with tests/bench/nl_floor.c, the pipelined writer, when it exists)
#   rss          B's evpnd VmRSS before and after, per remote MAC
# --big adds N=1000000. --vs-frr: not implemented yet (reported as such).
# Targets (issue 3): single-MAC p99 < 5 ms; bulk install >= 80% of the pipelined floor (else of
# the bridge -batch floor, said so); < 300 B RSS per remote MAC.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LAB=$ROOT/scripts/lab.sh
sizes="10000 100000"
samples=200
out=
vs_frr=0
while [ $# -gt 0 ]; do
	case $1 in
	--big) sizes="$sizes 1000000" ;;
	--sizes) sizes=$2; shift ;;
	--samples) samples=$2; shift ;;
	--out) out=$2; shift ;;
	--vs-frr) vs_frr=1 ;;
	-h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" -eq 0 ] || { echo "bench: run me as root (network namespaces)" >&2; exit 1; }
[ -n "$out" ] || { mkdir -p "$ROOT/bench-results"; out=$ROOT/bench-results/bench-$(date +%Y%m%d-%H%M%S).csv; }

P=bench$$
W=$(mktemp -d /tmp/evpnd-bench.XXXXXX)
MON_PIDS=()
finish() {
	local pid
	for pid in "${MON_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	"$LAB" down -q --prefix "$P" >/dev/null 2>&1 || true
	rm -rf "$W"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() { printf '\n== %s\n' "$*" >&2; }
now() { printf '%s' "$EPOCHREALTIME"; }
A=$P-h1 B=$P-h2 F=$P-floor
AIP=10.99.0.1
inA() { ip netns exec "$A" "$@"; }
inB() { ip netns exec "$B" "$@"; }

say "lab: two hypervisors (prefix $P)"
"$LAB" up -q -n 2 --prefix "$P" >/dev/null
source "/tmp/evpnd-lab-$P/lab.env"
for ((t = 0; t < 300; t++)); do
	"$LAB_EVPNCTL" -s "$LAB_DIR/h2.sock" show neighbors --json 2>/dev/null | grep -q '"established"' && break
	sleep 0.1
done

# The floor's own namespace (recorded in the lab's list, so `lab.sh down` removes it too).
ip netns add "$F"
echo "$F" >>"$LAB_DIR/namespaces"
ip -n "$F" link add br100 type bridge
ip -n "$F" link add u0 type veth peer name u1
ip -n "$F" addr add 10.98.0.1/24 dev u0
ip -n "$F" link set u0 up
ip -n "$F" link set u1 up
ip -n "$F" link add vx100 type vxlan id 100 local 10.98.0.1 dstport 4789 nolearning
ip -n "$F" link set vx100 master br100
ip -n "$F" link set vx100 up
ip -n "$F" link set br100 up

# count_b: the bulk MACs (02:dd:...) from A on B's vx100
count_b() { inB bridge fdb show dev vx100 2>/dev/null | grep -c "^02:dd:.* dst $AIP self.* extern_learn" || true; }
# wait_count WANT TIMEOUT: poll count_b until it equals WANT; prints the seconds since T0 or "timeout"
wait_count() {
	local want=$1 deadline c
	deadline=$(python3 -c "print(${T0} + $2)")
	while true; do
		c=$(count_b)
		if [ "$c" = "$want" ]; then python3 -c "print('%.3f' % ($(now) - $T0))"; return 0; fi
		if python3 -c "import sys; sys.exit(not ($(now) > $deadline))"; then echo "timeout($c/$want)"; return 1; fi
		sleep 0.05
	done
}
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$(cat "$LAB_DIR/h2.pid")/status" 2>/dev/null || echo 0; }
macs() { # macs N PREFIXBYTE: N MACs 02:PP:xx:xx:xx:xx
	python3 -c "
import sys
n, p = int(sys.argv[1]), int(sys.argv[2], 16)
for i in range(n):
    print('02:%02x:%02x:%02x:%02x:%02x' % (p, (i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255))" "$1" "$2"
}

ROWS=()
row() { ROWS+=("$1,$2,$3,$4,$5,$6"); } # scenario,N,seconds,rate,ratio,note

# The pipelined floor: tests/bench/nl_floor (CMake target nl_floor, evpnd's own netlink writer; it
# makes its own private namespace), next to evpnd, built there if missing.
floor_nl=${NL_FLOOR:-$(dirname "$LAB_EVPND")/nl_floor}
if [ ! -x "$floor_nl" ] && [ -f "$(dirname "$LAB_EVPND")/CMakeCache.txt" ]; then
	cmake --build "$(dirname "$LAB_EVPND")" --target nl_floor >"$W/nl_floor.err" 2>&1 ||
		echo "bench: cannot build nl_floor: $(grep -m3 error "$W/nl_floor.err")" >&2
fi
[ -x "$floor_nl" ] || floor_nl=

for N in $sizes; do
	say "N=$N: kernel floor (bridge -batch, FRR-style entries on a VXLAN device)"
	macs "$N" cc | awk -v d=10.98.0.2 '{ print "fdb add " $1 " dev vx100 dst " d " self master extern_learn" }' >"$W/floor.add"
	macs "$N" cc | awk '{ print "fdb del " $1 " dev vx100 self master" }' >"$W/floor.del"
	T0=$(now); ip netns exec "$F" bridge -batch "$W/floor.add" >/dev/null; fa=$(python3 -c "print('%.3f' % ($(now) - $T0))")
	T0=$(now); ip netns exec "$F" bridge -batch "$W/floor.del" >/dev/null; fd=$(python3 -c "print('%.3f' % ($(now) - $T0))")
	row floor-batch-add "$N" "$fa" "" "1.00" "bridge -batch"
	row floor-batch-del "$N" "$fd" "" "1.00" "bridge -batch"
	floor_add=$fa floor_del=$fd floor_kind=batch
	if [ -n "$floor_nl" ]; then
		if "$floor_nl" "$N" >"$W/nl.out" 2>&1; then
			fn=$(sed -n 's/^nl_floor N=.* seconds=\([0-9.]*\).*/\1/p' "$W/nl.out")
			fnd=$(sed -n 's/^nl_floor_del N=.* seconds=\([0-9.]*\).*/\1/p' "$W/nl.out")
			row floor-nl-add "$N" "$fn" "" "1.00" "nl_floor (pipelined; evpnd's writer)"
			row floor-nl-del "$N" "$fnd" "" "1.00" "nl_floor (pipelined; evpnd's writer)"
			floor_add=$fn floor_del=$fnd floor_kind=pipelined
		else
			echo "bench: nl_floor failed: $(head -3 "$W/nl.out")" >&2
		fi
	fi

	say "N=$N: bulk learn on A, until installed on B"
	rss0=$(rss_kb)
	macs "$N" dd | awk '{ print "fdb add " $1 " dev vm1 master static" }' >"$W/a.add"
	macs "$N" dd | awk '{ print "fdb del " $1 " dev vm1 master static" }' >"$W/a.del"
	T0=$(now)
	inA bridge -batch "$W/a.add" >/dev/null
	s=$(wait_count "$N" "${BENCH_TIMEOUT:-$((30 + N / 2000))}") || true
	row bulk-learn "$N" "$s" "" "$floor_add" "vs floor-$floor_kind-add"
	rss1=$(rss_kb)
	row rss "$N" "" "" "" "evpnd B VmRSS ${rss0} kB -> ${rss1} kB: $(((rss1 - rss0) * 1024 / N)) B per remote MAC (target < 300)"

	say "N=$N: bulk sync: B's evpnd restarted with N MACs on A"
	"$LAB" stop -q --prefix "$P" 2 || true
	# Whatever B's evpnd left behind is removed, so the sync installs everything.
	macs "$N" dd | awk '{ print "fdb del " $1 " dev vx100 self master" }' >"$W/b.del"
	inB bridge -force -batch "$W/b.del" >/dev/null 2>&1 || true
	T0=$(now)
	"$LAB" start -q --prefix "$P" 2
	s=$(wait_count "$N" "${BENCH_TIMEOUT:-$((30 + N / 2000))}") || true
	row bulk-sync "$N" "$s" "" "$floor_add" "from evpnd start; vs floor-$floor_kind-add"

	say "N=$N: bulk delete on A, until gone from B"
	T0=$(now)
	inA bridge -batch "$W/a.del" >/dev/null
	s=$(wait_count 0 "${BENCH_TIMEOUT:-$((30 + N / 2000))}") || true
	row bulk-delete "$N" "$s" "" "$floor_del" "vs floor-$floor_kind-del"
done

say "single-MAC learn-to-install latency, $samples samples"
inA bridge -timestamp monitor fdb >"$W/monA" 2>&1 &
MON_PIDS+=($!)
inB bridge -timestamp monitor fdb >"$W/monB" 2>&1 &
MON_PIDS+=($!)
sleep 0.3
macs "$samples" ee >"$W/single"
miss=0
while read -r m; do
	inA bridge fdb add "$m" dev vm1 master static
	for ((t = 0; t < 1000; t++)); do
		grep -q "^$m dev vx100 dst" "$W/monB" && break
		sleep 0.002
	done
	[ "$t" = 1000 ] && miss=$((miss + 1))
done <"$W/single"
sleep 0.2
lat=$(python3 - "$W/monA" "$W/monB" "$W/single" <<'EOF'
import sys, time
def events(path):
    ts, out = None, {}
    for line in open(path):
        line = line.rstrip()
        if line.startswith("Timestamp: "):
            # "Timestamp: Wed Nov 25 20:54:06 2026 77512 usec"
            p = line[len("Timestamp: "):].split()
            ts = time.mktime(time.strptime(" ".join(p[:5]), "%a %b %d %H:%M:%S %Y")) + int(p[5]) / 1e6
        elif ts is not None and not line.startswith("Deleted"):
            out.setdefault((line.split() or [""])[0], []).append((ts, line))
    return out
a, b = events(sys.argv[1]), events(sys.argv[2])
lat = []
for m in open(sys.argv[3]).read().split():
    ta = [t for t, l in a.get(m, []) if "dev vm1" in l]
    tb = [t for t, l in b.get(m, []) if "dev vx100" in l]
    if ta and tb:
        lat.append((min(tb) - min(ta)) * 1000)
lat.sort()
if not lat:
    print("none none 0")
else:
    med = lat[len(lat) // 2]
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
    print("%.3f %.3f %d" % (med, p99, len(lat)))
EOF
)
read -r med p99 got <<<"$lat"
ms_to_s() { [[ $1 =~ ^[0-9.]+$ ]] && python3 -c "print('%.6f' % ($1 / 1000))" || echo "$1"; }
row single-mac-median 1 "$(ms_to_s "$med")" "" "" "median $med ms of $got/$samples samples; $miss not installed within 2 s"
row single-mac-p99 1 "$(ms_to_s "$p99")" "" "" "p99 $p99 ms (target < 5 ms)"

if [ "$vs_frr" = 1 ]; then
	row vs-frr "" "" "" "" "not implemented yet in bench.sh"
fi

# ---- the table and the CSV ----
{
	echo "scenario,n,seconds,rate_per_s,ratio_to_floor,note"
	for r in "${ROWS[@]}"; do
		IFS=, read -r sc n s _ fl note <<<"$r"
		rate= ratio=
		if [[ $s =~ ^[0-9.]+$ ]] && [[ $n =~ ^[0-9]+$ ]] && [[ $sc != single-mac* ]]; then
			rate=$(python3 -c "print('%.0f' % ($n / max($s, 1e-6)))")
			if [[ $fl =~ ^[0-9.]+$ ]] && [ "$fl" != 1.00 ]; then
				ratio=$(python3 -c "print('%.2f' % ($fl / max($s, 1e-6)))") # floor time / our time
			elif [ "$fl" = 1.00 ]; then ratio=1.00; fi
		fi
		echo "$sc,$n,$s,$rate,$ratio,$note"
	done
} >"$out"
printf '\n'
column -s, -t <"$out" 2>/dev/null || cat "$out"
printf '\nratio_to_floor = floor seconds / scenario seconds (1.00 = as fast as the kernel floor; target bulk >= 0.80)\n'
echo "CSV: $out"
