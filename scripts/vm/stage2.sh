#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# PID 1 inside the VM (after the initramfs's switch_root), or with vm.sh --systemd a service that
# systemd (PID 1) starts: runs the command that scripts/vm.sh left in the run dir ($vmrun: env,
# cwd, cmd), with stdout on /dev/hvc0 and stderr on /dev/hvc1 (the host's stdout and stderr),
# writes its exit status to $vmrun/status, then powers off.
# PID 1 must never exit (the kernel would panic), so every path ends in poweroff.

poweroff_now() {
	sync
	echo o >/proc/sysrq-trigger
	while :; do sleep 1; done
}

run=${vmrun:?}
exec </dev/null >/dev/hvc0 2>/dev/hvc1 || poweroff_now
# The consoles are ttys: without this, every \n would reach the host as \r\n.
stty -F /dev/hvc0 raw -echo -opost
stty -F /dev/hvc1 raw -echo -opost
export HOME=/root USER=root LOGNAME=root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
echo evpnd-vm >/proc/sys/kernel/hostname
ip link set lo up
# Kernel requests for modules (ip link add ... type vxlan) use this path; say it explicitly.
echo /sbin/modprobe >/proc/sys/kernel/modprobe

# shellcheck source=/dev/null
source "$run/env" # exports chosen by vm.sh, and VM_CMD=(...) and VM_CWD
if ! cd "$VM_CWD" 2>/dev/null; then
	echo "vm: $VM_CWD does not exist inside the VM (the host's /tmp is not shared; see --share): running in /" >&2
	cd / || true
fi

read -r up _ </proc/uptime
echo "$up" >"$run/t_boot"
(exec "${VM_CMD[@]}")
rc=$?
read -r up _ </proc/uptime
echo "$up" >"$run/t_end"
echo "$rc" >"$run/status.tmp" && mv "$run/status.tmp" "$run/status"
poweroff_now
