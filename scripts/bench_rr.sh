# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# scripts/bench.sh --rr (sourced by bench.sh, which sets ROOT, W, P, BG_PIDS, FRR_DIRS, say, now,
# sub, rss_kb, EVPNCTL and the EXIT trap): one route reflector, C iBGP clients from
# tests/bench/rr_load.c (one process, one address each, in a namespace of their own), each
# announcing M EVPN type-2 routes and then withdrawing them, for evpnd, FRR 8.4 bgpd (-Z: no
# zebra) and gobgpd 3.10, one after the other on the same namespaces. Per reflector and C:
#   established  every session up
#   announce     from the first UPDATE until every client holds the (C-1)*M routes of the others
#                (C*(C-1)*M route-sends)
#   withdraw     until no client holds any
#   cpu          the reflector's user+system CPU seconds over the whole run
#   rss          its RSS before the clients came, its peak (VmHWM) and RSS at the end, and the
#                growth to the peak per path held (C*M paths)
# The reflectors' configurations are written here (explicit passive neighbors, clients of one
# cluster); nothing outside the repository is read.

RR_ADDR=10.90.0.1
RR_FIRST=10.90.1.0

# rr_ns: the reflector's and the generator's namespaces, a veth between them, the clients'
# addresses (the first 1000 above RR_FIRST: the largest C) on the generator's side
rr_ns() {
	local n=$1 i
	RNS=$P-rrR GNS=$P-rrG
	ip netns add "$RNS"
	ip netns add "$GNS"
	ip -n "$RNS" link set lo up
	ip -n "$GNS" link set lo up
	ip -n "$RNS" link add r0 type veth peer name g0 netns "$GNS"
	ip -n "$RNS" addr add $RR_ADDR/16 dev r0
	ip -n "$RNS" link set r0 up
	ip -n "$GNS" link set g0 up
	for ((i = 0; i < n; i++)); do
		printf 'addr add 10.90.%d.%d/16 dev g0\n' $((1 + i / 256)) $((i % 256))
	done >"$W/rr-addrs"
	ip -n "$GNS" -batch "$W/rr-addrs"
	ip netns exec "$RNS" sysctl -qw net.core.somaxconn=4096
}

rr_ns_down() {
	ip netns del "$RNS" 2>/dev/null || true
	ip netns del "$GNS" 2>/dev/null || true
}

client_addr() { printf '10.90.%d.%d' $((1 + $1 / 256)) $(($1 % 256)); }

# rr_start IMPL C: start the reflector IMPL for C clients in RNS; sets RR_PID; waits until it answers
rr_start() {
	local impl=$1 c=$2 i d=$W/rr-$1 k
	rm -rf "$d"
	mkdir -p "$d"
	case $impl in
	evpnd)
		{
			printf '[global]\nasn = 64512\nrouter-id = %s\nlisten = %s\ncluster-id = %s\n' \
				$RR_ADDR $RR_ADDR $RR_ADDR
			printf 'control-socket = %s/ctl\nhold-time = 180\nlog = stderr\n' "$d"
			for ((i = 0; i < c; i++)); do
				printf '\n[neighbor %s]\nremote-as = 64512\npassive = yes\n' "$(client_addr $i)"
				printf 'route-reflector-client = yes\nfamilies = evpn\n'
			done
		} >"$d/evpnd.conf"
		# RR_WRAP: a profiler to run evpnd under (e.g. "heaptrack -o /tmp/rr"); figures are then its
		# shellcheck disable=SC2086
		ip netns exec "$RNS" ${RR_WRAP:-} "$EVPND_BUILD/evpnd" -f "$d/evpnd.conf" -l warning >"$d/log" 2>&1 &
		RR_PID=$!
		BG_PIDS+=("$RR_PID")
		for ((k = 0; k < 100; k++)); do "$EVPNCTL" -s "$d/ctl" show status >/dev/null 2>&1 && return 0; sleep 0.1; done
		;;
	frr)
		{
			printf 'hostname rr\nlog file %s/bgpd.log warnings\n!\nrouter bgp 64512\n' "$d"
			printf ' bgp router-id %s\n no bgp default ipv4-unicast\n no bgp ebgp-requires-policy\n' $RR_ADDR
			printf ' bgp cluster-id %s\n neighbor CL peer-group\n neighbor CL remote-as 64512\n' $RR_ADDR
			printf ' neighbor CL timers 60 180\n'
			for ((i = 0; i < c; i++)); do
				printf ' neighbor %s peer-group CL\n neighbor %s passive\n' "$(client_addr $i)" "$(client_addr $i)"
			done
			printf ' !\n address-family l2vpn evpn\n  neighbor CL activate\n'
			printf '  neighbor CL route-reflector-client\n exit-address-family\n!\n'
		} >"$d/bgpd.conf"
		: >"$d/vtysh.conf"
		chown -R frr:frr "$d"
		FRR_DIRS+=("$d")
		ip netns exec "$RNS" /usr/lib/frr/bgpd -u frr -g frr -A 127.0.0.1 -P 0 -Z -i "$d/bgpd.pid" \
			--vty_socket "$d" -f "$d/bgpd.conf" >"$d/log" 2>&1 &
		RR_PID=$!
		BG_PIDS+=("$RR_PID")
		for ((k = 0; k < 100; k++)); do vtysh --vty_socket "$d" -c 'show bgp summary' >/dev/null 2>&1 && return 0; sleep 0.1; done
		;;
	gobgp)
		{
			printf '[global.config]\n  as = 64512\n  router-id = "%s"\n  port = 179\n' $RR_ADDR
			printf '  local-address-list = ["%s"]\n' $RR_ADDR
			for ((i = 0; i < c; i++)); do
				printf '\n[[neighbors]]\n  [neighbors.config]\n    neighbor-address = "%s"\n' "$(client_addr $i)"
				printf '    peer-as = 64512\n  [neighbors.transport.config]\n    passive-mode = true\n'
				printf '    local-address = "%s"\n  [neighbors.timers.config]\n    hold-time = 180\n' $RR_ADDR
				printf '  [neighbors.route-reflector.config]\n    route-reflector-client = true\n'
				printf '    route-reflector-cluster-id = "%s"\n' $RR_ADDR
				printf '  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n'
				printf '      afi-safi-name = "l2vpn-evpn"\n'
			done
		} >"$d/gobgpd.toml"
		ip netns exec "$RNS" gobgpd -f "$d/gobgpd.toml" --api-hosts "unix://$d/sock" --pprof-disable \
			-l warn >"$d/log" 2>&1 &
		RR_PID=$!
		BG_PIDS+=("$RR_PID")
		for ((k = 0; k < 300; k++)); do gobgp --target "unix://$d/sock" global >/dev/null 2>&1 && return 0; sleep 0.1; done
		;;
	esac
	echo "bench: the $impl reflector does not answer ($d/log)" >&2
	tail -5 "$d/log" >&2
	return 1
}

rr_stop() {
	kill "$RR_PID" 2>/dev/null || true
	for ((k = 0; k < 100; k++)); do [ -d "/proc/$RR_PID" ] || break; sleep 0.1; done
	kill -KILL "$RR_PID" 2>/dev/null || true
	wait "$RR_PID" 2>/dev/null || true
}

cpu_s() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat"; } # USER_HZ is 100 on Linux
hwm_kb() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }

rr_main() {
	local clist=$1 m=$2 impls=$3 gen impl c cpu0 rss0 res max=0 rows=()
	# a descriptor per session and more: the default 1024 stops FRR's bgpd near 500 clients
	ulimit -n 16384
	gen=$W/rr_load
	chmod 755 "$W" # FRR's bgpd runs as frr: its state dir is below
	cc -O2 -o "$gen" "$ROOT/tests/bench/rr_load.c" || { echo "bench: cannot compile rr_load" >&2; exit 1; }
	for c in $clist; do ((c > max)) && max=$c; done
	rr_ns "$max"
	printf 'reflector,clients,routes_per_client,established_s,announce_s,withdraw_s,cpu_s,rss_start_kb,rss_peak_kb,rss_end_kb,growth_bytes_per_path\n' >"$out"
	for c in $clist; do
		for impl in $impls; do
			say "rr: $impl, $c clients x $m routes"
			rr_start "$impl" "$c" || { rows+=("$impl $c failed to start"); continue; }
			cpu0=$(cpu_s "$RR_PID")
			rss0=$(rss_kb "$RR_PID")
			if res=$(ip netns exec "$GNS" "$gen" $RR_ADDR "$c" "$m" $RR_FIRST 900 2>"$W/rr_load.err"); then
				local cpu1 hwm rss est ann wd
				cpu1=$(cpu_s "$RR_PID")
				hwm=$(hwm_kb "$RR_PID")
				rss=$(rss_kb "$RR_PID")
				read -r est ann wd < <(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["established_s"], d["announce_s"], d["withdraw_s"])' "$res")
				local cpu per
				cpu=$(sub "$cpu1" "$cpu0")
				per=$(awk -v h="$hwm" -v s="$rss0" -v n=$((c * m)) 'BEGIN { printf "%.0f", (h - s) * 1024 / n }')
				printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$impl" "$c" "$m" "$est" "$ann" "$wd" "$cpu" "$rss0" "$hwm" "$rss" "$per" >>"$out"
				rows+=("$(printf '%-6s %5s x %-5s  up %6.2f s  announce %7.2f s  withdraw %7.2f s  cpu %7.2f s  rss %6s -> peak %7s kB (end %7s), %5s B/path' \
					"$impl" "$c" "$m" "$est" "$ann" "$wd" "$cpu" "$rss0" "$hwm" "$rss" "$per")")
			else
				rows+=("$impl $c: $res $(tail -2 "$W/rr_load.err" | tr '\n' ' ')")
			fi
			rr_stop
		done
	done
	rr_ns_down
	printf '\nRoute reflector, %s route-sends per run (C*(C-1)*M), same machine, one after the other:\n' "C*(C-1)*$m"
	printf '%s\n' "${rows[@]}"
	printf '\nCSV: %s\n' "$out"
}
