#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ENOBUFS then `evpnctl audit`: two hypervisors (scripts/lab.sh), both with `netlink-buffer` so
# small that their event sockets overflow; OVERFLOW_AUDIT_N (default 100000) static MACs added to
# h1's VM port in one `bridge -batch` and deleted in another: 2N FDB events on h1 (each one a
# local MAC to advertise or withdraw) and 2N installs and removals on h2 (self and master halves).
# After each burst, once the dust settles:
#   - both evpnd logged ENOBUFS and count it (audit's netlink_overflows);
#   - `evpnctl audit` reports no drift on either hypervisor (exit status 0, empty drift list);
#   - the remote FDB agrees: h2 has every MAC toward h1 (self and master extern_learn), then none.
# Then drift made behind evpnd's back is reported: an unowned extern_learn entry, an extra flood
# entry, a missing master half (exit status 3 and one entry of each kind).
source "$(dirname "$0")/lib.sh"

require ip bridge python3 awk
require_evpnd
t_init

N=${OVERFLOW_AUDIT_N:-100000}
BUF=${OVERFLOW_AUDIT_BUF:-4096}
A=1 B=2
SETTLE=${OVERFLOW_AUDIT_SETTLE:-60}

awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++)
	printf "fdb add 02:de:%02x:%02x:%02x:01 dev vm1 master static\n", int(i / 65536), int(i / 256) % 256, i % 256 }' \
	>"$T_DIR/add"
sed 's/^fdb add/fdb del/' "$T_DIR/add" >"$T_DIR/del"

now_ms() { echo $((${EPOCHREALTIME//[.,]/} / 1000)); }

# b_installed: how many test MACs h2's vx100 has toward h1 as self extern_learn, and as master.
b_installed() {
	ip netns exec "$(ns "h$B")" bridge fdb show dev vx100 | awk -v dst="$(lab_ip "$A")" '
		/^02:de:/ && / extern_learn/ {
			if ($0 ~ (" dst " dst " ") && / self/) s++
			else if (/ master br100/) m++
		}
		END { printf "%d %d\n", s + 0, m + 0 }'
}

b_is() { [ "$(b_installed)" = "$1" ]; }
# Every audit here is "audit force": with N = 100,000 h2 holds more entries than fdb-dump-limit,
# where a plain audit reads only evpnd's own entries (a GET each); a whole dump also sees flood lists
# and others' entries, at this size it takes seconds, and comparing with it is the point of the test.
# audit_json I: hypervisor I's audit (exit status 3 with drift is not an error here).
audit_json() { lab_ctl "$1" audit force --json || [ $? = 3 ]; }
# audit_clean I: no drift, nothing in flight, no resync pending on hypervisor I.
audit_clean() {
	local out
	out=$(lab_ctl "$1" audit force --json) || return 1
	jpy "d['drift'] == [] and d['pending_requests'] == 0 and not d['resync_pending']" <<<"$out"
}
overflows() { audit_json "$1" | jpy "str(d['netlink_overflows'])"; }
a_local() { lab_ctl "$A" show vnis --json | jpy "str(sum(x['local_macs'] for x in d if x['vni'] == 100))"; }

# settle NAME WANT: wait until h2 has WANT ("S M") and both audits are clean, within SETTLE s
settle() {
	local name=$1 want=$2 t0=$3 h
	wait_for "$SETTLE" b_is "$want" ||
		fail "$name: h$B has $(b_installed) (self master) of the test MACs, want $want"
	for h in $A $B; do
		wait_for 20 audit_clean "$h" || {
			audit_json "$h" | head -c 3000 >&2
			fail "$name: h$h's audit is not clean"
		}
	done
	log "$name: h$B has $want (self master), audits clean on h$A and h$B $(($(now_ms) - t0)) ms after the batch started"
}

step "a 2-hypervisor lab with netlink-buffer = $BUF on both"
lab_up -n 2 --extra-global "netlink-buffer = $BUF"
lab_wait_mesh 30
for h in $A $B; do
	wait_for 10 audit_clean "$h" || { audit_json "$h" >&2; fail "h$h: audit not clean before the test"; }
done
log "before: audit clean on h$A and h$B"
lab_ctl $A audit force
declare -A ov0
for h in $A $B; do ov0[$h]=$(overflows "$h"); done
base=$(a_local)

step "$N static MACs added on h$A's vm1 in one bridge -batch"
t0=$(now_ms)
ip netns exec "$(ns "h$A")" bridge -batch "$T_DIR/add" >/dev/null || fail "bridge -batch add"
settle "add" "$N $N" "$t0"
[ "$(a_local)" = $((base + N)) ] || fail "h$A advertises $(a_local) local MACs, want $((base + N))"

step "the $N MACs deleted in one bridge -batch"
t0=$(now_ms)
ip netns exec "$(ns "h$A")" bridge -batch "$T_DIR/del" >/dev/null || fail "bridge -batch del"
settle "delete" "0 0" "$t0"
[ "$(a_local)" = "$base" ] || fail "h$A advertises $(a_local) local MACs, want $base"

for h in $A $B; do
	ov=$(overflows "$h")
	((ov > ov0[$h])) || fail "h$h never overflowed (netlink-buffer = $BUF too large for $((2 * N)) events?)"
	log "h$h: $((ov - ov0[$h])) ENOBUFS overflow(s) during $((2 * N)) FDB events, $(grep -cF 'netlink events lost (ENOBUFS)' "$LAB_DIR/h$h.log") logged"
done
lab_ctl $B audit force

step "drift made behind evpnd's back is reported"
x() { ip netns exec "$(ns "h$B")" "$@"; }
M=02:df:00:00:00:02
ip netns exec "$(ns "h$A")" bridge fdb add $M dev vm1 master static
wait_for 10 fdb_remote "$B" "$M" "$(lab_ip "$A")" || fail "h$B: no remote entry for h$A's $M"
x bridge fdb add 02:df:00:00:00:01 dev vx100 dst 10.99.0.77 self extern_learn
x bridge fdb append 00:00:00:00:00:00 dev vx100 dst 10.99.0.78 self permanent
x bridge fdb del "$M" dev vx100 master
out=$(lab_ctl "$B" audit --json) && fail "audit exit status 0 with drift"
rc=$?
[ "$rc" = 3 ] || fail "audit exit status $rc with drift, want 3"
jcheck "$out" "(len(d['drift']) == 3 and
	one(d['drift'], kind='remote-unowned', mac='02:df:00:00:00:01', kernel_vtep='10.99.0.77', vni=100, device='vx100') and
	one(d['drift'], kind='flood-extra', kernel_vtep='10.99.0.78', vtep=None) and
	one(d['drift'], kind='remote-no-master', mac='$M', vtep='$(lab_ip "$A")'))" "h$B: audit drift"
lab_ctl "$B" audit >"$T_DIR/text" && fail "text audit exit status 0 with drift"
grep -E '^audit: 3 differences' "$T_DIR/text" >/dev/null || { cat "$T_DIR/text" >&2; fail "text audit header"; }
grep -E '^remote-unowned +100 +vx100 +02:df:00:00:00:01 +- +10\.99\.0\.77$' "$T_DIR/text" >/dev/null ||
	{ cat "$T_DIR/text" >&2; fail "text audit row"; }
x bridge fdb del 02:df:00:00:00:01 dev vx100 self
x bridge fdb del 00:00:00:00:00:00 dev vx100 dst 10.99.0.78 self
x bridge fdb replace "$M" dev vx100 master extern_learn
wait_for 5 audit_clean "$B" || { audit_json "$B" >&2; fail "h$B: audit not clean after the repair"; }

lab_pass
