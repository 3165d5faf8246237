#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Route targets decide what a hypervisor installs (RFC 7432 section 7.10), in a 3-hypervisor lab
# (scripts/lab.sh) where every evpnd exports the automatic 64512:100 for VNI 100:
#   - h2 restarted with [vni 100] import-rt = 64512:999 only: h1's VM MAC stays in h2's RIB
#     (`show routes`, "installed": false) but leaves h2's vx100 (the entry installed before the
#     restart goes at convergence); h3 (defaults) keeps it installed; h2's own export is unchanged,
#     so h1 still installs h2's VM MAC (and h3's MAC leaves h2 too); `show vnis` lists both sets;
#   - h2 restarted importing 64512:100 as well: h1's VM MAC is installed again.
source "$(dirname "$0")/lib.sh"

require ip bridge python3
require_evpnd
t_init

step "a converged 3-hypervisor lab, default route targets"
lab_up -n 3 --debug
lab_wait_mesh 30
M1=$(lab_mac 1)
H1=$(lab_ip 1)
for i in 2 3; do
	wait_for 15 fdb_remote "$i" "$M1" "$H1" || fail "h$i: h1's VM MAC not installed with default RTs"
done

# h2_import RTS...: restart h2's evpnd with [vni 100] import-rt = RTS.
h2_import() {
	local conf=$LAB_DIR/h2.conf
	lab stop 2 || fail "h2's evpnd did not stop cleanly"
	python3 - "$conf" "$*" <<'EOF'
import re, sys
path, rts = sys.argv[1], sys.argv[2]
text = re.sub(r"\n\[vni 100\]\nimport-rt = [^\n]*\n", "\n", open(path).read())
open(path, "w").write(text.rstrip("\n") + "\n\n[vni 100]\nimport-rt = %s\n" % rts)
EOF
	lab start 2 || fail "h2's evpnd did not start with import-rt = $*"
	lab_wait_mesh 30
}

step "h2 imports 64512:999 only"
h2_import 64512:999
jcheck "$(lab_ctl 2 show vnis --json)" \
	"one(d, vni=100)['import_rt'] == ['64512:999'] and one(d, vni=100)['export_rt'] == ['64512:100'] and one(d, vni=100)['rt'] == ['64512:100']" \
	"h2's show vnis: import_rt [64512:999], export_rt and rt [64512:100]"
h2_route() { lab_ctl 2 show routes evpn --json 2>/dev/null | jpy "one(d, type='macadv', mac='$M1', best=True)" >/dev/null; }
wait_for 15 h2_route || fail "h2: h1's VM MAC route is not in its RIB"
jr "$(lab_ctl 2 show routes evpn --json)" "one(d, type='macadv', mac='$M1', best=True)" \
	"r['route_targets'] == ['64512:100'] and r['installed'] is False" \
	"h2 keeps h1's route (RT 64512:100) and shows it not installed"
wait_for 25 fdb_no_mac 2 "$M1" || fail "h2: h1's VM MAC still on vx100 though no import RT matches"
fdb_remote 3 "$M1" "$H1" || fail "h3 (default RTs) lost h1's VM MAC"
jr "$(lab_ctl 3 show routes evpn --json)" "one(d, type='macadv', mac='$M1', best=True)" \
	"r['installed'] is True" "h3 shows h1's route installed"
wait_for 15 fdb_remote 1 "$(lab_mac 2)" "$(lab_ip 2)" ||
	fail "h1: h2's VM MAC not installed (h2's export set is still 64512:100)"
# h3 exports 64512:100 too: its VM MAC is kept out of h2 as well
wait_for 10 fdb_no_mac 2 "$(lab_mac 3)" || fail "h2: h3's VM MAC on vx100 though no import RT matches"
jcheck "$(lab_ctl 2 show vnis --json)" "one(d, vni=100)['remote_macs'] == 0" "h2's remote_macs is not 0"

step "h2 imports 64512:999 and 64512:100"
h2_import 64512:999 64512:100
wait_for 15 fdb_remote 2 "$M1" "$H1" || fail "h2: h1's VM MAC not installed once 64512:100 is imported"
jr "$(lab_ctl 2 show routes evpn --json)" "one(d, type='macadv', mac='$M1', best=True)" \
	"r['installed'] is True" "h2 shows h1's route installed"
jcheck "$(lab_ctl 2 show vnis --json)" "one(d, vni=100)['import_rt'] == ['64512:999', '64512:100']" \
	"h2's show vnis: import_rt [64512:999, 64512:100]"
lab_pass
