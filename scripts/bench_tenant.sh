# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# scripts/bench.sh --tenant (sourced by bench.sh, which sets ROOT, LAB, W, P, PF, LABS, FRR_DIRS,
# say, now, sub, rss_kb, frr_stop and the EXIT trap): routed VMs of a tenant (lab.sh --tenant: A =
# h1 with VNI 100, B = h2 with VNI 200, both in vrf-t, L3 VNI 4000). N VMs appear on A at once: N
# MACs on its VM port (`bridge -batch`) and N neighbours on its anycast gateway br100 (`ip -batch`),
# so A advertises N MAC+IP routes with the L3 VNI; B has no VNI 100 and installs each as a host
# route in table 1000. Per speaker (evpnd on both, then FRR 8.4 zebra+bgpd on both) and N:
#   install   from the batch until B's table 1000 holds the N host routes (counted with one route
#             dump every 0.2 s: a dump is linear in the table)
#   withdraw  the N neighbours and MACs deleted on A: until none is left on B
#   rss       B's growth per host route while holding them (evpnd; FRR: bgpd + zebra)
# Needs VRF: bench.sh runs this part inside scripts/vm.sh when this kernel has none.

# The VMs are 10.128.0.2 on (a /9 on A's gateway br100 beside the lab's 10.1.0.1/24: one subnet
# for a million).

# tenant_batches N: $W/t-fdb (bridge -batch) and $W/t-neigh (ip -batch) adding N VMs on A, and
# their deletions
tenant_batches() {
	python3 - "$1" "$W" <<'PY'
import sys
n, w = int(sys.argv[1]), sys.argv[2]
macs = ['02:ee:%02x:%02x:%02x:%02x' % ((i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255) for i in range(n)]
ips = ['10.%d.%d.%d' % (128 + (i + 2) // 65536, ((i + 2) >> 8) & 255, (i + 2) & 255) for i in range(n)]
with open(w + '/t-fdb', 'w') as f:
    f.writelines('fdb add %s dev vm1 master static\n' % m for m in macs)
with open(w + '/t-neigh', 'w') as f:
    f.writelines('neigh replace %s lladdr %s dev br100 nud reachable\n' % (ip, m) for ip, m in zip(ips, macs))
with open(w + '/t-fdb-del', 'w') as f:
    f.writelines('fdb del %s dev vm1 master\n' % m for m in macs)
with open(w + '/t-neigh-del', 'w') as f:
    f.writelines('neigh del %s dev br100\n' % ip for ip in ips)
PY
}

# tenant_count NS: host routes of the bench's VMs in NS's table 1000 (proto bgp)
tenant_count() {
	ip -n "$1" route show table 1000 proto bgp 2>/dev/null | grep -cE '^10\.1[2-9][0-9]\.[0-9]+\.[0-9]+ ' || true
}

# tenant_wait NS WANT TIMEOUT T0: seconds from T0 until NS holds WANT host routes, or timeout(...)
tenant_wait() {
	local ns=$1 want=$2 to=$3 t0=$4 n=0 end
	end=$(awk -v t="$t0" -v d="$to" 'BEGIN { printf "%.0f", t + d }')
	while :; do
		n=$(tenant_count "$ns")
		[ "$n" = "$want" ] && { sub "$(now)" "$t0"; return; }
		[ "$(printf '%.0f' "$(now)")" -ge "$end" ] && { echo "timeout($n/$want)"; return; }
		sleep 0.2
	done
}

# tenant_lab NAME MODE: a two-hypervisor tenant lab (MODE evpnd: lab.sh's evpnd; frr: zebra + bgpd
# with the tenant's VRF in each); A's neighbour table sized for the bench
tenant_lab() {
	local name=$1 mode=$2 i d
	LABS+=("$name")
	if [ "$mode" = evpnd ]; then
		"$LAB" up -q -n 2 --tenant --prefix "$name" >/dev/null
	else
		"$LAB" up -q -n 2 --tenant --no-evpnd --prefix "$name" >/dev/null
	fi
	ip -n "$name-h1" addr add 10.128.0.1/9 dev br100
	[ "$mode" = evpnd ] && return 0
	for i in 1 2; do
		d=/tmp/evpnd-lab-$name/frr-h$i
		mkdir -p "$d"
		FRR_DIRS+=("$d")
		PF=$name frr_conf "$i" $((3 - i)) "$d"
		printf 'vrf vrf-t\n vni 4000\nexit-vrf\n!\n' >>"$d/zebra.conf"
		printf 'router bgp 64512 vrf vrf-t\n bgp router-id 10.99.0.%d\n no bgp default ipv4-unicast\n' "$i" >>"$d/bgpd.conf"
		printf ' address-family l2vpn evpn\n  advertise ipv4 unicast\n exit-address-family\n!\n' >>"$d/bgpd.conf"
		chown -R frr:frr "$d"
		PF=$name frr_start "$i" "$d"
	done
}

# tenant_run MODE N: one size on a fresh lab; appends a CSV row
tenant_run() {
	local mode=$1 n=$2 name=$P${1:0:1}$2 a b t0 inst wd r0 r1 pidb per
	# A's neighbour table must hold every VM: the limit (gc_thresh3, 1024 by default) is the whole
	# kernel's, so only the VM bench.sh starts raises it
	if [ "$(sysctl -n net.ipv4.neigh.default.gc_thresh3)" -lt "$((n + 1000))" ]; then
		if [ "${EVPND_BENCH_IN_VM:-0}" = 1 ]; then
			for f in 1 2 3; do sysctl -qw "net.ipv4.neigh.default.gc_thresh$f=$((n + 100000))"; done
		else
			say "tenant N=$n: skipped: net.ipv4.neigh.default.gc_thresh3 is below N (a kernel-wide setting)"
			TROWS+=("$mode,$n,skipped,skipped,-")
			return 0
		fi
	fi
	tenant_batches "$n"
	tenant_lab "$name" "$mode"
	a=$name-h1 b=$name-h2
	# up: the gateway subnets cross (type-5 routes), so both sides have the session and the tenant
	for ((t = 0; t < 600; t++)); do
		ip -n "$b" route show table 1000 proto bgp | grep -q '^10\.1\.0\.0/' && break
		sleep 0.1
	done
	if [ "$mode" = evpnd ]; then
		pidb=$(cat "/tmp/evpnd-lab-$name/h2.pid")
		r0=$(rss_kb "$pidb")
	else
		r0=$(($(rss_kb "$(cat "/tmp/evpnd-lab-$name/frr-h2/bgpd.pid")") + $(rss_kb "$(cat "/tmp/evpnd-lab-$name/frr-h2/zebra.pid")")))
	fi
	t0=$(now)
	ip netns exec "$a" bridge -force -batch "$W/t-fdb" >/dev/null 2>&1
	ip -n "$a" -force -batch "$W/t-neigh" >/dev/null 2>&1
	inst=$(tenant_wait "$b" "$n" $((60 + n / 50)) "$t0")
	if [ "$mode" = evpnd ]; then
		r1=$(rss_kb "$pidb")
	else
		r1=$(($(rss_kb "$(cat "/tmp/evpnd-lab-$name/frr-h2/bgpd.pid")") + $(rss_kb "$(cat "/tmp/evpnd-lab-$name/frr-h2/zebra.pid")")))
	fi
	per=$(awk -v a="$r0" -v b="$r1" -v n="$n" 'BEGIN { printf "%.0f", (b - a) * 1024 / n }')
	t0=$(now)
	ip -n "$a" -force -batch "$W/t-neigh-del" >/dev/null 2>&1
	ip netns exec "$a" bridge -force -batch "$W/t-fdb-del" >/dev/null 2>&1
	wd=$(tenant_wait "$b" 0 $((60 + n / 50)) "$t0")
	say "tenant $mode N=$n: install $inst s, withdraw $wd s, B's RSS +$per B per host route"
	TROWS+=("$mode,$n,$inst,$wd,$per")
	"$LAB" down -q --prefix "$name" >/dev/null 2>&1 || true
	if [ "$mode" = frr ]; then
		for d in /tmp/evpnd-lab-$name/frr-h1 /tmp/evpnd-lab-$name/frr-h2; do frr_stop "$d"; done
	fi
}

# tenant_main SIZES IMPLS: every size for every speaker, then the table (host routes per second and
# the ratio against FRR from the same run)
tenant_main() {
	local sizes=$1 impls=$2 n m row e f
	TROWS=()
	for n in $sizes; do
		for m in $impls; do tenant_run "$m" "$n"; done
	done
	printf 'speaker,n,install_s,withdraw_s,rss_per_route_b\n' >"$OUT_CSV"
	printf '%s\n' "${TROWS[@]}" >>"$OUT_CSV"
	printf '\n%-8s %8s %10s %12s %10s %12s %14s\n' speaker N install_s routes_per_s withdraw_s B_per_route evpnd_vs_frr
	for row in "${TROWS[@]}"; do
		IFS=, read -r m n e f per <<<"$row"
		local rate=- ratio=-
		[[ $e =~ ^[0-9.]+$ ]] && rate=$(awk -v n="$n" -v s="$e" 'BEGIN { printf "%.0f", n / (s > 1e-3 ? s : 1e-3) }')
		if [ "$m" = evpnd ]; then
			local fr
			fr=$(printf '%s\n' "${TROWS[@]}" | awk -F, -v n="$n" '$1 == "frr" && $2 == n { print $3 }')
			[[ $e =~ ^[0-9.]+$ && $fr =~ ^[0-9.]+$ ]] && ratio=$(awk -v a="$fr" -v b="$e" 'BEGIN { printf "%.2fx faster", a / b }')
		fi
		printf '%-8s %8s %10s %12s %10s %12s %14s\n' "$m" "$n" "$e" "$rate" "$f" "$per" "$ratio"
	done
	echo "CSV: $OUT_CSV"
}
