#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ctest-labels: vm (boots scripts/vm.sh; scripts/test.sh runs it with the plain build only)
# scripts/vm.sh boots Debian's kernel and the VLAN-aware pieces evpnd needs work inside it: a
# bridge with vlan_filtering, one VXLAN device in external vnifilter mode with vlan_tunnel, a
# VLAN-to-VNI map, and an extern_learn FDB entry seen on both the bridge (vlan) and the VXLAN (src_vni)
# sides. The same file runs inside the VM with --inner. Also checks that the command's exit status,
# stdout, stderr, directory and environment get through, so a failure inside is never masked.
# Under TCG (no usable KVM) it still runs (a boot takes ~5 s here); EVPND_VM_NO_TCG=1 makes it skip.
source "$(dirname "$0")/lib.sh"

if [ "${1:-}" = --inner ]; then
	require ip bridge
	step "inside the VM: kernel $(uname -r)"
	[[ $(uname -r) =~ ^[0-9]+\.[0-9]+\.[0-9]+-[0-9]+-amd64$ ]] || fail "not a Debian kernel: $(uname -r)"
	[ "${LAB_VMTEST:-}" = "passed through" ] || fail "LAB_VMTEST not passed into the VM"

	ns_add h
	n=$(ns h)
	T_DIAG+=("bridge -n $n -d link show" "bridge -n $n vlan show" "bridge -n $n vni show" "bridge -n $n fdb show")

	step "VLAN-aware bridge"
	ip -n "$n" link add br0 type bridge vlan_filtering 1 vlan_default_pvid 0 || fail "bridge with vlan_filtering 1"
	[ "$(ip netns exec "$n" cat /sys/class/net/br0/bridge/vlan_filtering)" = 1 ] || fail "vlan_filtering is not 1"

	step "VXLAN external vnifilter, vlan_tunnel, VLAN 10 <-> VNI 1010"
	ip -n "$n" link add vx0 type vxlan dstport 4789 local 192.0.2.1 nolearning external vnifilter ||
		fail "vxlan external vnifilter"
	ip -n "$n" link set vx0 master br0 || fail "enslave vx0"
	for d in vx0 br0; do ip -n "$n" link set "$d" up; done
	bridge -n "$n" link set dev vx0 vlan_tunnel on || fail "vlan_tunnel on"
	bridge -n "$n" vlan add dev br0 vid 10 self || fail "vlan 10 on br0"
	bridge -n "$n" vlan add dev vx0 vid 10 || fail "vlan 10 on vx0"
	bridge -n "$n" vlan add dev vx0 vid 10 tunnel_info id 1010 || fail "tunnel_info id 1010"
	bridge -n "$n" vni add dev vx0 vni 1010 || fail "bridge vni add 1010"
	bridge -n "$n" -d link show dev vx0 | grep -E 'vlan_tunnel on' >/dev/null || fail "vlan_tunnel not on"
	bridge -n "$n" vlan tunnelshow dev vx0 | grep -E '\b10\b.*\b1010\b' >/dev/null || fail "no tunnel map 10 -> 1010"
	bridge -n "$n" vni show dev vx0 | grep -E '\b1010\b' >/dev/null || fail "VNI 1010 not in the vni filter"

	step "extern_learn FDB entry on both sides"
	mac=52:54:00:$(printf '%02x:%02x:%02x' $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)))
	bridge -n "$n" fdb add "$mac" dev vx0 vlan 10 dst 192.0.2.2 src_vni 1010 self master extern_learn ||
		fail "fdb add with src_vni"
	fdb=$(bridge -n "$n" fdb show dev vx0)
	printf '%s\n' "$fdb" >&2
	grep -E "^$mac vlan 10 .*extern_learn.*master br0|^$mac vlan 10 master br0 .*extern_learn" <<<"$fdb" >/dev/null ||
		fail "no bridge entry for $mac vlan 10"
	grep -E "^$mac dst 192\.0\.2\.2 src_vni 1010 self.*extern_learn" <<<"$fdb" >/dev/null ||
		fail "no VXLAN entry for $mac with src_vni 1010"
	echo "inner-stdout-marker $PWD"
	echo "inner-stderr-marker" >&2
	pass
fi

require ip
VM=$EVPND_SRC/scripts/vm.sh
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 not found (scripts/deps.sh test installs it)"
if ! "$VM" --check-kvm 2>/dev/null && [ "${EVPND_VM_NO_TCG:-0}" = 1 ]; then
	skip "KVM is not usable here and EVPND_VM_NO_TCG=1 (TCG would be too slow)"
fi
t_init

step "the VLAN-aware checks inside the VM"
rc=0
(cd "$EVPND_SRC/tests" && LAB_VMTEST="passed through" EVPND_VM_TIMING=1 \
	"$VM" --timeout 300 -- "$EVPND_SRC/tests/integration/test_vm_kernel.sh" --inner) \
	>"$T_DIR/out" 2>"$T_DIR/err" || rc=$?
cat "$T_DIR/err" >&2
[ "$rc" = 0 ] || fail "inner checks failed (vm.sh exit status $rc)"
grep -E "^inner-stdout-marker $EVPND_SRC/tests\$" "$T_DIR/out" >/dev/null || fail "stdout or the working directory did not come through: $(cat "$T_DIR/out")"
grep -E '^inner-stderr-marker$' "$T_DIR/err" >/dev/null || fail "stderr did not come through"

step "a failing command fails vm.sh with its own status"
rc=0
"$VM" --timeout 120 -- bash -c 'echo going to fail; exit 7' >"$T_DIR/out2" 2>&1 || rc=$?
[ "$rc" = 7 ] || fail "vm.sh returned $rc for a command that exited 7: $(cat "$T_DIR/out2")"
pass
