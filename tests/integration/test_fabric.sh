#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The scale lab in small: 8 hypervisors (scripts/lab.sh --reflector) peering only with a dedicated
# evpnd route reflector (no VNI, cluster-id, every hypervisor a client), 20 "VM MACs" each learned
# on the bridge (dynamic entries, as the bridge learns them) plus one real VM each.
#   - the reflector has all 8 sessions and every hypervisor's MAC routes; a reflected route carries
#     ORIGINATOR_ID (the originating hypervisor) and CLUSTER_LIST (the cluster id);
#   - every hypervisor has every other's 20 MACs on vx100 toward the right VTEP (self and master,
#     extern_learn), a flood entry toward each of the 7 others, none of its own, none misdirected;
#   - VM pings across the reflector;
#   - one hypervisor's MACs deleted from its bridge: every other removes them, and nothing else;
#   - one evpnd stopped (SIGTERM) and one killed (SIGKILL): every other removes their MACs, VM MACs
#     and flood entries; restarted, they come back everywhere.
# scripts/bench.sh --fabric is the 32-hypervisor version (timings and memory).
source "$(dirname "$0")/lib.sh"

require ip bridge ping python3
require_evpnd
t_init

N=8
M=20
step "$N hypervisors and a dedicated reflector, $M dynamic MACs each"
# graceful-restart = no: the cleanup step wants a stopped or killed hypervisor's routes gone at
# once, not after its restart time (test_graceful_restart.sh covers graceful restart)
lab_up -n "$N" --reflector --macs "$M" --debug --extra-global 'graceful-restart = no'
T_LOGS+=("$LAB_DIR/rr.log")
T_DIAG+=("$EVPNCTL -s $LAB_DIR/rr.sock show neighbors")
RR_IP=$(if [ "$LAB_FAMILY" = 6 ]; then echo fd99::fe; else echo 10.99.0.254; fi)
rr_ctl() { "$EVPNCTL" -s "$LAB_DIR/rr.sock" "$@"; }
rr_established() {
	rr_ctl show neighbors --json 2>/dev/null |
		jpy "len(d) == $N and all(n.get('state') == 'established' for n in d)" >/dev/null
}
fmac() { printf '02:fa:00:%02x:%02x:%02x' "$1" $(($2 >> 8)) $(($2 & 255)); }

IPS=
for ((j = 1; j <= N; j++)); do IPS+="$(lab_ip "$j") "; done

# fabric_summary I: one dump of hypervisor I's vx100, summarised per other hypervisor J as
# "J:SELF/MASTER/FLOOD" (its fabric MACs toward J's VTEP with extern_learn, their bridge entries
# with extern_learn, flood entries toward J), then "own=" (flood toward itself or elsewhere) and
# "bad=" (fabric MACs that are its own, toward a wrong VTEP, or not extern_learn).
fabric_summary() {
	ip netns exec "$(ns "h$1")" bridge fdb show dev vx100 | awk -v n="$N" -v me="$1" -v ips="$IPS" '
	BEGIN { split(ips, a, " "); for (j = 1; j <= n; j++) { hv[a[j]] = j; hx[sprintf("%02x", j)] = j } }
	$1 ~ /^02:fa:00:/ {
		split($1, b, ":"); j = hx[b[4]] + 0
		if (/ master br100/) { if (/extern_learn/ && j != me && j) m[j]++; else bad++; next }
		if ($2 == "dst" && / self/) { if (hv[$3] == j && j != me && j && /extern_learn/) s[j]++; else bad++ }
		next
	}
	$1 == "00:00:00:00:00:00" && $2 == "dst" { j = hv[$3] + 0; if (j && j != me) f[j]++; else own++ }
	END {
		for (j = 1; j <= n; j++) if (j != me) printf "%d:%d/%d/%d ", j, s[j], m[j], f[j]
		printf "own=%d bad=%d\n", own, bad
	}'
}

# fabric_expect I "MACS_FROM" "FLOOD_TO": the summary hypervisor I must show: M MACs from each
# hypervisor of MACS_FROM, a flood entry toward each of FLOOD_TO, nothing else.
fabric_expect() {
	local j s f out=
	for ((j = 1; j <= N; j++)); do
		[ "$j" = "$1" ] && continue
		s=0 f=0
		[[ " $2 " == *" $j "* ]] && s=$M
		[[ " $3 " == *" $j "* ]] && f=1
		out+="$j:$s/$s/$f "
	done
	printf '%sown=0 bad=0\n' "$out"
}

# fabric_ok "MACS_FROM" "FLOOD_TO" [SKIP...]: every hypervisor but SKIP shows what fabric_expect says
# (a hypervisor's own number is left out of both lists); the first mismatch is in FABRIC_WHY.
fabric_ok() {
	local i got want
	for ((i = 1; i <= N; i++)); do
		[[ " ${*:3} " == *" $i "* ]] && continue
		got=$(fabric_summary "$i")
		want=$(fabric_expect "$i" "$1" "$2")
		if [ "$got" != "$want" ]; then
			FABRIC_WHY="h$i: has  $got
      wants $want"
			return 1
		fi
	done
}

# await_fabric SECONDS MSG "MACS_FROM" "FLOOD_TO" [SKIP...]
await_fabric() {
	local t=$1 msg=$2
	shift 2
	FABRIC_WHY=
	wait_for "$t" fabric_ok "$@" || { fabric_ok "$@" || true; fail "$msg: $FABRIC_WHY"; }
}

ALL=$(seq -s ' ' 1 "$N")
without() { local x out=; for x in $ALL; do [[ " $* " == *" $x "* ]] || out+="$x "; done; echo "$out"; }

step "sessions: the reflector with all $N, each hypervisor with the reflector only"
wait_for 30 rr_established || fail "the reflector does not have all $N sessions established"
lab_wait_mesh 30
for ((i = 1; i <= N; i++)); do
	jcheck "$(lab_ctl "$i" show neighbors --json)" "len(d) == 1 and d[0]['address'] == '$RR_IP'" \
		"h$i peers with the reflector only"
done

step "full convergence: every hypervisor has every other's $M MACs toward its VTEP, floods to all $((N - 1))"
await_fabric 30 "no full convergence" "$ALL" "$ALL"
for ((i = 1; i <= N; i++)); do
	for ((j = 1; j <= N; j++)); do
		[ "$i" = "$j" ] && continue
		fdb_remote "$i" "$(lab_mac "$j")" "$(lab_ip "$j")" || fail "h$i: h$j's VM MAC not installed toward h$j"
	done
done
log "every hypervisor: $((M * (N - 1))) fabric MACs and $((N - 1)) flood entries; h1: $(fabric_summary 1)"

step "the reflector: all MAC routes, reflected with ORIGINATOR_ID and CLUSTER_LIST"
jcheck "$(rr_ctl show routes evpn --json)" \
	"len([r for r in d if r.get('type') == 'macadv' and r.get('mac', '').startswith('02:fa:00:')]) == $((N * M))" \
	"the reflector holds $((N * M)) fabric MAC routes"
jr "$(lab_ctl 1 show routes evpn --json)" "one(d, type='macadv', mac='$(fmac 2 7)')" \
	"r['nexthop'] == '$(lab_ip 2)' and r['originator_id'] == '10.99.0.2' and r['cluster_list'] == ['10.99.0.254']" \
	"h1's route for h2's MAC, reflected (originator h2, cluster 10.99.0.254)"
jr "$(rr_ctl show vnis --json 2>/dev/null || echo '[]')" "d" "len(r) == 0" "the reflector has no VNI"

step "VM pings across the reflector"
for p in "1 2" "3 8" "8 5"; do
	set -- $p
	vm_ping "$1" 1 "$2" 1 || fail "VM on h$1 cannot ping the VM on h$2"
done

step "h3's MACs deleted from its bridge: withdrawn everywhere, nothing else"
lab macs del 3 "$M"
await_fabric 15 "h3's MACs not withdrawn everywhere" "$(without 3)" "$ALL"
fdb_remote 1 "$(lab_mac 3)" "$(lab_ip 3)" || fail "h1 lost h3's VM MAC with h3's fabric MACs"
lab macs add 3 "$M"
await_fabric 15 "h3's MACs not back everywhere" "$ALL" "$ALL"

step "h5's evpnd stopped (SIGTERM), h6's killed (SIGKILL): the others clean up"
lab stop 5 || fail "h5's evpnd did not stop cleanly"
lab stop --kill 6
await_fabric 30 "h5's and h6's routes not cleaned up" "$(without 5 6)" "$(without 5 6)" 5 6
for i in 1 4 8; do
	fdb_no_mac "$i" "$(lab_mac 5)" && fdb_no_mac "$i" "$(lab_mac 6)" ||
		fail "h$i still has h5's or h6's VM MAC"
done
jcheck "$(rr_ctl show routes evpn --json)" \
	"len([r for r in d if r.get('type') == 'macadv' and r.get('mac', '').startswith('02:fa:00:')]) == $(((N - 2) * M))" \
	"the reflector dropped h5's and h6's MAC routes"

step "h5 and h6 restarted: the fabric converges again"
lab start 5
lab start 6
await_fabric 30 "no convergence after h5 and h6 restarted" "$ALL" "$ALL"
vm_ping 5 1 6 1 || fail "VM on h5 cannot ping the VM on h6 after their restart"

lab_pass
