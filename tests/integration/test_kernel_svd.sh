#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ctest-labels: vm (boots scripts/vm.sh; scripts/test.sh runs it with the plain build only)
# The VLAN-aware bridge with one VXLAN device, beside the bridge-per-VNI model: svd_lab.sh runs a
# 3-hypervisor lab of both inside a VM booted with Debian's kernel (scripts/vm.sh), because the
# kernel evpnd is developed on lacks VLAN-aware bridges. Everything it creates lives in the VM.
source "$(dirname "$0")/lib.sh"

require_evpnd
[ -x "$EVPND_SRC/scripts/vm.sh" ] || fail "scripts/vm.sh is missing"
t_init
# vm.sh shares the repository when it lives on a path the VM has a tmpfs on; a build elsewhere
# there is shared too
share=()
case $EVPND in "$EVPND_SRC"/*) ;; /tmp/* | /run/* | /var/tmp/*) share=(--share "$(dirname "$EVPND")") ;; esac

step "svd_lab.sh inside a VM (Debian's kernel, this machine's root read-only)"
rc=0
EVPND=$EVPND EVPNCTL=$EVPNCTL "$EVPND_SRC/scripts/vm.sh" --timeout 900 "${share[@]}" -- \
	bash "$EVPND_SRC/tests/integration/svd_lab.sh" || rc=$?
case $rc in
0) pass ;;
77) skip "svd_lab.sh skipped inside the VM" ;;
124) fail "the VM run timed out" ;;
125) fail "scripts/vm.sh could not run the command in a VM" ;;
*) fail "svd_lab.sh failed inside the VM (exit $rc)" ;;
esac
