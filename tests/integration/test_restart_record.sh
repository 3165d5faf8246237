#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A restart that reads evpnd's record of what it installed instead of the kernel's whole FDB (the
# path a restart above fdb-dump-limit takes; set to 0 on h3 here so a small lab takes it):
#   - every install is in h3's record (h3.fdb beside h3.sock) before it reaches the kernel;
#   - h3's evpnd is killed (SIGKILL); meanwhile h2 goes away, a MAC is learned on h3's VM port
#     and an extern_learn entry is planted on h3's vx100 by hand;
#   - restarted, h3 says it read the bridge ports only, advertises the MAC learned meanwhile
#     (the ports' dump found it), and after initial convergence removes h2's MAC and flood entry
#     (recorded, no longer wanted) and nothing else: h1's entries are never deleted or re-added,
#     the planted entry (not evpnd's: not in the record) stays, and `evpnctl audit force` reports
#     it (past fdb-dump-limit a plain audit reads only evpnd's own entries: clean, scope owned).
source "$(dirname "$0")/lib.sh"

require ip bridge ping python3
require_evpnd
t_init

step "a converged 3-hypervisor lab; h3 with fdb-dump-limit = 0"
lab_up -n 3 --extra-global-on 3 'fdb-dump-limit = 0'
lab_wait_mesh 30
for j in 1 2; do
	wait_for 15 fdb_remote 3 "$(lab_mac "$j")" "$(lab_ip "$j")" || fail "h3: h$j's VM MAC not installed"
	wait_for 5 fdb_flood 3 "$(lab_ip "$j")" || fail "h3: no flood entry toward h$j"
done
REC=$LAB_DIR/h3.fdb
[ -s "$REC" ] || fail "h3 keeps no record of its installs ($REC)"
grep -q "kernel: .* remote MAC entr.* adopted" "$LAB_DIR/h3.log" ||
	fail "h3's first start (no record yet) should have dumped the kernel's FDB"
log "h3's record: $(stat -c %s "$REC") bytes"

step "SIGKILL h3's evpnd; h2 goes away, h3's VM port learns a MAC, a foreign entry is planted"
spawn_monitor mon3 h3 bridge -timestamp monitor fdb
lab stop --kill 3
lab stop 2
NEW=02:cc:00:00:00:01
FOREIGN=02:bb:00:00:00:99
ip netns exec "$(ns h3)" bridge fdb add $NEW dev vm1 master dynamic
ip netns exec "$(ns h3)" bridge fdb add $FOREIGN dev vx100 dst "$(lab_ip 1)" self master extern_learn
wait_for 5 grep -q "$FOREIGN" "$T_DIR/mon3.log" ||
	fail "bridge monitor fdb on h3 did not see the planted entry: the checks below would prove nothing"

step "restart h3: the bridge ports are read, the record stands in for the rest"
lab start 3
grep -q "no full FDB dump" "$LAB_DIR/h3.log" || fail "h3 dumped the whole FDB instead of reading its record"
wait_for 15 fdb_remote 1 $NEW "$(lab_ip 3)" || fail "h1: the MAC h3 learned while its evpnd was down never arrived"
wait_for 40 grep -q "of the previous run's record no longer wanted" "$LAB_DIR/h3.log" ||
	fail "h3 never swept its previous run's record (initial convergence: $(grep -c 'initial convergence' "$LAB_DIR/h3.log") lines)"
swept=$(grep "of the previous run's record no longer wanted" "$LAB_DIR/h3.log")
[[ $swept == *": 1 MAC entry and 1 flood entry of the previous run's record"* ]] ||
	fail "h3 should have removed h2's MAC and flood entry and nothing else: \"$swept\""
wait_for 10 fdb_no_mac 3 "$(lab_mac 2)" || fail "h3 kept h2's MAC after the sweep"
wait_for 10 not fdb_flood 3 "$(lab_ip 2)" || fail "h3 kept its flood entry toward h2 after the sweep"
fdb_remote 3 "$(lab_mac 1)" "$(lab_ip 1)" || fail "h3 lost h1's VM MAC"
fdb_flood 3 "$(lab_ip 1)" || fail "h3 lost its flood entry toward h1"
# captured first: grep -q closing the pipe early (bridge flushes per entry) fails it under pipefail
grep -q "^$FOREIGN " <<<"$(ip netns exec "$(ns h3)" bridge fdb show dev vx100)" ||
	fail "h3 removed $FOREIGN, which its record does not name: not evpnd's to remove"

step "nothing of h1 touched; the foreign entry is reported by audit"
M=$T_DIR/mon3.log
grep -qE "^Deleted $(lab_mac 2) " "$M" || fail "the monitor did not see h2's MAC deleted: $(grep -c . "$M") events"
if grep -E "^(Deleted )?($(lab_mac 1) |00:00:00:00:00:00 dev vx100 dst $(lab_ip 1) )" "$M"; then
	fail "h3's correct entries for h1 were touched across the restart (bridge monitor above)"
fi
# past fdb-dump-limit (0 here) a plain audit reads only what evpnd owns (its entries one by one):
# clean, and it says its scope; the foreign entry is found by a whole dump (force)
owned=$(lab_ctl 3 audit --json) || fail "owned audit: exit status $? (want 0, no drift): $owned"
jpy "d['scope'] == 'owned' and d['drift'] == [] and d['checked']['remote_macs'] >= 1 and \
	d['checked']['kernel_entries'] >= 2 * d['checked']['remote_macs']" <<<"$owned" >/dev/null ||
	fail "owned audit: not clean, not scope owned, or not every remote MAC's two halves read: $owned"
grep -q "$FOREIGN" <<<"$owned" && fail "owned audit named $FOREIGN: it does not read others' entries"
refusal=$(lab_ctl 3 show fdb 2>&1) && fail "show fdb dumped past fdb-dump-limit without force"
grep -q "fdb-dump-limit 0) its dump costs the kernel minutes" <<<"$refusal" ||
	fail "show fdb's refusal does not say why: $refusal"
rc=0
audit=$(lab_ctl 3 audit force 2>&1) || rc=$?
[ "$rc" = 3 ] || fail "audit force: exit status $rc, not 3 (drift): $audit"
grep -q "$FOREIGN" <<<"$audit" || fail "audit did not name $FOREIGN: $audit"
grep -q "$FOREIGN" <<<"$(lab_ctl 3 show fdb force)" || fail "show fdb force does not list $FOREIGN"
vm_ping 3 1 1 1 || fail "h3's VM cannot ping h1's VM after the restart"
log "h3's monitor: $(grep -c . "$M") events, none for h1's entries; audit names $FOREIGN"
lab_pass
