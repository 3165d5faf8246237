# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# scripts/bench.sh --fabric (sourced by bench.sh, which sets ROOT, LAB, W, P, LABS, BG_PIDS, say,
# now, sub, rss_kb, EVPNCTL and the EXIT trap that tears every lab down): N hypervisors and one
# dedicated evpnd route reflector (`lab.sh up --reflector`), M "VM MACs" per hypervisor learned on
# its bridge (`lab.sh macs`: dynamic entries, as the bridge learns them). Scenarios, each timed by
# tests/bench/fabric_watch.c (every hypervisor's vx100 events in one process: no FDB dumps, no
# polling while evpnd works):
#   fabric-up     all N+1 evpnd started at once (reflector first) until every hypervisor floods to
#                 all N-1 others (every session up, every type-3 route installed)
#   mac-learn     M MACs added on every hypervisor (one `bridge -batch` each, all at once) until every
#                 hypervisor has all (N-1)*M others' MACs on vx100, extern_learn, toward the right
#                 VTEP; also when the median and the last hypervisor got there
#   cold-start    every evpnd stopped (SIGTERM), the remote entries removed from every vx100, all
#                 started at once: until full convergence again (MACs already on the bridges)
#   mac-withdraw  the MACs deleted on every hypervisor until none is left on any vx100
#   rss           VmRSS of every hypervisor's evpnd (min / median / max) and the reflector's, at
#                 full convergence
# A kernel dump per hypervisor cross-checks the count after mac-learn and cold-start.

fabric_main() {
	local n=$1 m=$2 fw D t0 i r sorted nroutes left rows=() macs_total
	fw=$W/fabric_watch
	cc -O2 -o "$fw" "$ROOT/tests/bench/fabric_watch.c" || { echo "bench: cannot compile fabric_watch" >&2; exit 1; }
	macs_total=$((n * (n - 1) * m))

	say "fabric: $n hypervisors + reflector (prefix $P), $m MACs each"
	LABS+=("$P")
	t0=$(now)
	"$LAB" up -q -n "$n" --reflector --no-start --prefix "$P" >/dev/null
	R[topo]=$(sub "$(now)" "$t0")
	D=/tmp/evpnd-lab-$P
	say "fabric: topology in ${R[topo]} s"

	# fwatch MODE M TIMEOUT CMD...: watcher started and subscribed, CMD run; FW_T0 = just before
	# CMD, FW_CMD = CMD's own seconds, FW_OUT = the watcher's output
	fwatch() {
		local mode=$1 mm=$2 to=$3 pid k
		shift 3
		"$fw" "$P" "$n" "$mm" "$mode" "$to" >"$W/fw.out" 2>&1 &
		pid=$!
		BG_PIDS+=("$pid")
		for ((k = 0; k < 500; k++)); do grep -q '^ready' "$W/fw.out" && break; sleep 0.02; done
		FW_T0=$(now)
		"$@" >"$W/cmd.out" 2>&1 || echo "bench: '$*' failed: $(head -3 "$W/cmd.out")" >&2
		FW_CMD=$(sub "$(now)" "$FW_T0")
		wait "$pid" || true
		FW_OUT=$(cat "$W/fw.out")
	}
	# fw_done: seconds from FW_T0 to the watcher's done, or timeout(...)
	fw_done() {
		local l
		l=$(grep '^done ' <<<"$FW_OUT") || { echo "timeout($(grep -c '^missing' <<<"$FW_OUT") hv: $(grep '^missing' <<<"$FW_OUT" | head -3 | tr '\n' ' '))"; return; }
		set -- $l
		sub "$2" "$FW_T0"
	}
	# fw_hv_stats: "median max" of the per-hypervisor completion times (last "hv I T" of each)
	fw_hv_stats() {
		awk -v t0="$FW_T0" '$1 == "hv" { t[$2] = $3 - t0 } END { k = 0; for (i in t) v[++k] = t[i];
			if (!k) { print "- -"; exit } for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] < v[i]) { x = v[i]; v[i] = v[j]; v[j] = x }
			printf "%.3f %.3f\n", (k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2), v[k] }' <<<"$FW_OUT"
	}
	# kdump_ok: one dump per hypervisor: every one has (N-1)*M extern_learn fabric MACs on vx100
	kdump_ok() {
		local i c bad=0
		for ((i = 1; i <= n; i++)); do
			c=$(ip netns exec "$P-h$i" bridge fdb show dev vx100 | grep -c '^02:fa:00:.* dst .* self extern_learn' || true)
			[ "$c" = $(((n - 1) * m)) ] || { bad=$((bad + 1)); note "fabric: h$i has $c of $(((n - 1) * m)) MACs in a dump"; }
		done
		echo "$((n - bad))/$n"
	}
	rss_all() { # "min median max" of the hypervisors' evpnd VmRSS, then the reflector's (kB)
		local i v=()
		for ((i = 1; i <= n; i++)); do v+=("$(rss_kb "$(cat "$D/h$i.pid")")"); done
		sorted=$(printf '%s\n' "${v[@]}" | sort -n)
		printf '%s %s %s %s\n' "$(head -1 <<<"$sorted")" "$(sed -n "$(((n + 1) / 2))p" <<<"$sorted")" \
			"$(tail -1 <<<"$sorted")" "$(rss_kb "$(cat "$D/rr.pid")")"
	}

	say "fabric-up: $((n + 1)) evpnd started at once"
	fwatch full 0 120 "$LAB" start -q --prefix "$P" all
	R[up]=$(fw_done) R[up_cmd]=$FW_CMD
	read -r 'R[up_hv_med]' 'R[up_hv_max]' <<<"$(fw_hv_stats)"
	say "fabric-up: ${R[up]} s (lab.sh start all itself ${R[up_cmd]} s)"
	sleep 1
	read -r 'R[rss0_min]' 'R[rss0_med]' 'R[rss0_max]' 'R[rss0_rr]' <<<"$(rss_all)"

	say "mac-learn: $m MACs on each of $n hypervisors ($macs_total installs fabric-wide)"
	fwatch full "$m" 300 "$LAB" macs -q --prefix "$P" add all "$m"
	R[learn]=$(fw_done) R[learn_cmd]=$FW_CMD
	read -r 'R[learn_hv_med]' 'R[learn_hv_max]' <<<"$(fw_hv_stats)"
	say "mac-learn: ${R[learn]} s (the adds themselves ${R[learn_cmd]} s)"
	sleep 1
	read -r 'R[rss_min]' 'R[rss_med]' 'R[rss_max]' 'R[rss_rr]' <<<"$(rss_all)"
	R[learn_dump]=$(kdump_ok)
	say "rss: hypervisors min/median/max ${R[rss_min]}/${R[rss_med]}/${R[rss_max]} kB, reflector ${R[rss_rr]} kB; dump check ${R[learn_dump]}"

	say "cold-start: every evpnd stopped, remote entries removed, all started"
	"$LAB" stop -q --prefix "$P" all || note "fabric: an evpnd did not stop cleanly"
	for ((i = 1; i <= n; i++)); do
		awk -v n="$n" -v me="$i" -v m="$m" 'BEGIN {
			for (r = 1; r <= n; r++) {
				if (r == me) continue
				printf "fdb del 00:00:00:00:00:00 dev vx100 dst 10.99.0.%d self\n", r
				printf "fdb del 02:00:00:00:%02x:01 dev vx100 self master\n", r
				for (j = 0; j < m; j++)
					printf "fdb del 02:fa:00:%02x:%02x:%02x dev vx100 self master\n", r, int(j / 256), j % 256
			}
		}' >"$W/clear.batch"
		ip netns exec "$P-h$i" bridge -force -batch "$W/clear.batch" >/dev/null 2>&1 || true
	done
	left=$(ip netns exec "$P-h1" bridge fdb show dev vx100 | grep -c '^02:fa:00:' || true)
	[ "$left" = 0 ] || note "fabric: $left fabric MACs left on h1 before the cold start"
	fwatch full "$m" 300 "$LAB" start -q --prefix "$P" all
	R[cold]=$(fw_done) R[cold_cmd]=$FW_CMD
	read -r 'R[cold_hv_med]' 'R[cold_hv_max]' <<<"$(fw_hv_stats)"
	R[cold_flood]=$(awk -v t0="$FW_T0" '$1 == "flood" { printf "%.3f", $2 - t0 }' <<<"$FW_OUT")
	R[cold_dump]=$(kdump_ok)
	say "cold-start: ${R[cold]} s (every flood entry at ${R[cold_flood]} s); dump check ${R[cold_dump]}"

	say "mac-withdraw: the MACs deleted on every hypervisor"
	fwatch empty "$m" 300 "$LAB" macs -q --prefix "$P" del all "$m"
	R[del]=$(fw_done) R[del_cmd]=$FW_CMD
	read -r 'R[del_hv_med]' 'R[del_hv_max]' <<<"$(fw_hv_stats)"
	say "mac-withdraw: ${R[del]} s"

	nroutes=$("$EVPNCTL" -s "$D/rr.sock" show neighbors --json 2>/dev/null |
		jq '[.[] | select(.state == "established")] | length' 2>/dev/null || echo '?')
	R[warn]=$(cat "$D"/*.log | grep -vE 'Cease/(Administrative Shutdown|Connection Collision)' | grep -cE ' (warning|err|error) ' || true)
	[ "${R[warn]}" = 0 ] || note "fabric: ${R[warn]} warning/error lines in the evpnd logs, e.g. $(cat "$D"/*.log | grep -vE 'Cease/(Administrative Shutdown|Connection Collision)' | grep -E ' (warning|err|error) ' | head -2 | tr '\n' ' ')"
	"$LAB" down -q --prefix "$P" >/dev/null 2>&1 || note "fabric lab: unclean shutdown"
	LABS=()

	# the table, as bench.sh's: scenario,hypervisors,macs_each,seconds,installs_per_s,hv_median_s,hv_max_s,note
	frow() { local IFS=,; rows+=("$*"); }
	frate() { num "$1" && awk -v n="$2" -v s="$1" 'BEGIN { printf "%.0f", n / (s > 1e-6 ? s : 1e-6) }'; }
	frow "topology (lab.sh up --no-start) [s]" "$n" "$m" "${R[topo]}" "" "" "" "$((n + 2)) namespaces"
	frow "fabric-up [s]" "$n" "$m" "${R[up]}" "" "${R[up_hv_med]}" "${R[up_hv_max]}" \
		"all evpnd started -> every hypervisor floods to $((n - 1)) others (start all itself ${R[up_cmd]} s); reflector sessions up: $nroutes at the end"
	frow "mac-learn [s]" "$n" "$m" "${R[learn]}" "$(frate "${R[learn]}" "$macs_total")" "${R[learn_hv_med]}" "${R[learn_hv_max]}" \
		"first add -> all $macs_total installed; the adds (all hypervisors at once) took ${R[learn_cmd]} s; dump check ${R[learn_dump]}"
	frow "cold-start [s]" "$n" "$m" "${R[cold]}" "$(frate "${R[cold]}" "$macs_total")" "${R[cold_hv_med]}" "${R[cold_hv_max]}" \
		"all evpnd started (MACs on the bridges) -> all installed; floods at ${R[cold_flood]} s; dump check ${R[cold_dump]}"
	frow "mac-withdraw [s]" "$n" "$m" "${R[del]}" "$(frate "${R[del]}" "$macs_total")" "${R[del_hv_med]}" "${R[del_hv_max]}" \
		"first del -> none left; the dels took ${R[del_cmd]} s"
	frow "rss hypervisor min/median/max [kB]" "$n" "$m" "${R[rss_min]}/${R[rss_med]}/${R[rss_max]}" "" "" "" \
		"evpnd VmRSS at full convergence ($(((n - 1) * m + n - 1)) remote MACs each); before the MACs ${R[rss0_min]}/${R[rss0_med]}/${R[rss0_max]}"
	frow "rss reflector [kB]" "$n" "$m" "${R[rss_rr]}" "" "" "" "$((n * m + n)) MAC routes from $n clients; before the MACs ${R[rss0_rr]}"
	{
		echo "scenario,hypervisors,macs_each,value,installs_per_s,hv_median_s,hv_max_s,note"
		for r in "${rows[@]}"; do echo "$r"; done
	} >"$out"
	printf '\n'
	cut -d, -f1-7 "$out" | column -s, -t -o '  '
	printf '\nseconds from the first command of a scenario; hv_median/hv_max: when the median and the last\n'
	printf 'hypervisor had everything; installs_per_s: N*(N-1)*M MAC installs fabric-wide per second.\n'
	printf 'notes:\n'
	tail -n +2 "$out" | while IFS=, read -r sc _ _ _ _ _ _ nt; do printf '  %s: %s\n' "$sc" "$nt"; done
	for r in "${NOTES[@]}"; do echo "note: $r"; done
	echo "CSV: $out"
}
