#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Run a command as root inside a KVM virtual machine booted with Debian 12's own kernel, for kernel
# features this machine's kernel lacks (VLAN-aware bridges, 8021q). The VM's root filesystem is this
# machine's root, shared read-only over virtio 9p under a tmpfs overlay: every host tool and build is
# at the same path inside, writes inside are lost at power-off (the host is never written, except
# the per-run dir below). The kernel's modules are at /lib/modules/$(uname -r); modprobe works.
#
# Usage: scripts/vm.sh [--mem MB] [--cpus N] [--timeout S] [--env NAME]... [--share DIR]... [--systemd] -- CMD...
#        scripts/vm.sh --prepare      fetch the kernel and build the initramfs (cached), then exit
#        scripts/vm.sh --check-kvm    exit 0 if /dev/kvm can create a VM, 1 if not
# CMD runs in the current directory, with stdin from /dev/null, its stdout and stderr on ours; the
# exit status is CMD's. 124: --timeout passed (qemu killed); 125: the VM failed to run CMD.
# Environment passed through: PATH, TERM, LANG, LC_*, TZ, CI, EVPND*, EVPNCTL, LAB_*, ASAN_OPTIONS,
# UBSAN_OPTIONS, LSAN_OPTIONS, and every --env NAME. The host's /tmp is NOT visible inside (the VM
# has its own tmpfs there): --share DIR shares a host directory read-write at the same path.
# --systemd: the host's systemd is PID 1 (journald, udev; units enabled in the overlay's /etc start
# only when asked: the default target is one of vm.sh's own), and CMD runs as a service of it with
# VM_SYSTEMD=1 in its environment; without it CMD itself is PID 1 (no service manager, faster).
# Settings: EVPND_VM_CACHE (default /var/cache/evpnd-vm: kernel, modules, initramfs per version),
# EVPND_VM_KVER (a kernel version such as 6.1.0-56-amd64 instead of the newest cached/current one),
# EVPND_VM_TIMING=1 (print boot and run times to stderr), EVPND_VM_KEEP=1 (keep the run dir with the
# guest console log), EVPND_VM_DEBUG=1 (kernel messages, printed at the end), EVPND_VM_ACCEL=kvm|tcg (instead of auto-detection).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${EVPND_VM_CACHE:-/var/cache/evpnd-vm}
mem=1024 cpus=2 timeout=600 mode=run init=direct
extra_env=()
shares=()

say() { printf 'vm: %s\n' "$*" >&2; }
die() {
	say "$*"
	exit 125
}
usage() {
	sed -n '/^# Usage/,/^set -e/p' "${BASH_SOURCE[0]}" | sed -n 's/^# \{0,1\}//p' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--mem) mem=${2:?}; shift 2 ;;
	--cpus) cpus=${2:?}; shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--env) extra_env+=("${2:?}"); shift 2 ;;
	--share) shares+=("$(cd "${2:?}" && pwd)") || exit 2; shift 2 ;;
	--systemd) init=systemd; shift ;;
	--prepare) mode=prepare; shift ;;
	--check-kvm) mode=check; shift ;;
	--) shift; break ;;
	-h | --help) usage ;;
	*) usage ;;
	esac
done
[[ $mem =~ ^[0-9]+$ && $cpus =~ ^[0-9]+$ && $timeout =~ ^[0-9]+$ ]] || usage

# kvm_usable: KVM can run an unmodified kernel at hardware speed. /dev/kvm answering KVM_CREATE_VM
# is not enough: a kvm_pvm-only host (PVM, software nested virtualization) accepts it but runs a
# stock kernel's ring-0 code through its instruction emulator, slower than TCG and incomplete
# (it stops on cmpxchg16b), so that counts as unusable unless EVPND_VM_ACCEL=kvm forces it.
kvm_usable() {
	case ${EVPND_VM_ACCEL:-auto} in
	tcg) return 1 ;;
	kvm) return 0 ;;
	esac
	[ -c /dev/kvm ] && [ -w /dev/kvm ] || return 1
	[ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ] || return 1
	python3 - <<'PY' 2>/dev/null
import fcntl, os
fd = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
assert fcntl.ioctl(fd, 0xAE00) == 12          # KVM_GET_API_VERSION
vm = fcntl.ioctl(fd, 0xAE01, 0)               # KVM_CREATE_VM
os.close(vm)
PY
}

# kvm_why: one line on why kvm_usable said no.
kvm_why() {
	if [ "${EVPND_VM_ACCEL:-auto}" = tcg ]; then echo "EVPND_VM_ACCEL=tcg"
	elif [ ! -c /dev/kvm ]; then echo "no /dev/kvm"
	elif [ -d /sys/module/kvm_pvm ] && [ ! -d /sys/module/kvm_intel ] && [ ! -d /sys/module/kvm_amd ]; then
		echo "this kernel's KVM is kvm_pvm (software nested virtualization), which cannot run a stock kernel"
	else echo "/dev/kvm cannot create a VM"
	fi
}

# current_kver: the kernel version Debian's linux-image-amd64 points at now (apt's view).
current_kver() {
	local pkg
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ && !p { p = $2 } END { print p }')
	if [ -z "$pkg" ]; then
		apt-get update -qq >/dev/null 2>&1 || true
		pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ && !p { p = $2 } END { print p }')
	fi
	[ -n "$pkg" ] || return 1
	echo "${pkg#linux-image-}"
}

# cached_kver: the newest kernel already unpacked in the cache.
cached_kver() {
	local d
	for d in "$cache"/*/ready; do
		if [ -e "$d" ]; then basename "$(dirname "$d")"; fi
	done | sort -V | tail -n 1
}

# fetch_kernel KVER: download linux-image-KVER with apt (not installed: no maintainer scripts, no
# /boot), unpack the kernel and its modules into $cache/KVER, and index the modules with depmod.
fetch_kernel() {
	local kver=$1 tmp
	[ -e "$cache/$kver/ready" ] && return 0
	command -v depmod >/dev/null || die "depmod not found: scripts/deps.sh test installs kmod"
	tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
	say "fetching linux-image-$kver into $cache"
	(cd "$tmp" && apt-get download -q=2 -o APT::Sandbox::User=root "linux-image-$kver") >&2 ||
		{ rm -rf "$tmp"; die "apt-get download linux-image-$kver failed"; }
	dpkg-deb -x "$tmp"/linux-image-*.deb "$tmp/root" || { rm -rf "$tmp"; die "dpkg-deb -x failed"; }
	rm -f "$tmp"/linux-image-*.deb
	depmod -b "$tmp/root" "$kver" || { rm -rf "$tmp"; die "depmod failed"; }
	extract_vmlinux "$tmp/root/boot/vmlinuz-$kver" "$tmp/vmlinux" ||
		say "warning: cannot unpack vmlinux from vmlinuz-$kver: booting the compressed image (slower)"
	chmod 755 "$tmp"
	touch "$tmp/ready"
	rm -rf "${cache:?}/$kver"
	mv "$tmp" "$cache/$kver"
}

# extract_vmlinux BZIMAGE OUT: the uncompressed ELF kernel inside BZIMAGE (Debian's is xz). qemu
# boots it straight at its PVH entry, skipping the decompressor, which takes seconds under TCG.
extract_vmlinux() {
	python3 - "$1" "$2" <<'PY'
import lzma, sys
data = open(sys.argv[1], "rb").read()
at = data.find(b"\xfd7zXZ\x00")
if at < 0:
    sys.exit(1)
elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[at:])
if elf[:4] != b"\x7fELF":
    sys.exit(1)
with open(sys.argv[2], "wb") as f:
    f.write(elf)
PY
}

# The modules the initramfs loads to reach the shares and the consoles (dependencies added).
INITRD_MODULES=(virtio_pci 9pnet_virtio 9p overlay virtio_console)

# build_initrd KVER: print the path of the initramfs for KVER, building it if missing. Its name
# carries a hash of what goes in, so a changed init script or busybox gives a new one.
build_initrd() {
	local kver=$1 root=$cache/$1/root bb key out tmp m
	bb=$(command -v busybox) || die "busybox not found: scripts/deps.sh test installs busybox-static"
	ldd "$bb" >/dev/null 2>&1 && die "$bb is dynamically linked: install busybox-static"
	key=$({ cat "$here/vm/init"; echo "${INITRD_MODULES[*]}"; cksum <"$bb"; } | sha256sum | cut -c1-12)
	out=$cache/$kver/initrd-$key.gz
	if [ ! -e "$out" ]; then
		tmp=$(mktemp -d "$cache/.initrd.XXXXXX")
		mkdir -p "$tmp/bin" "$tmp/modules"
		cp "$bb" "$tmp/bin/busybox"
		cp "$here/vm/init" "$tmp/init"
		chmod 755 "$tmp/init" "$tmp/bin/busybox"
		for m in "${INITRD_MODULES[@]}"; do
			modprobe -d "$root" -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
		done | awk '!seen[$0]++' | while read -r m; do
			cp "$m" "$tmp/modules/"
			basename "$m" >>"$tmp/modules/order"
		done
		[ -s "$tmp/modules/order" ] || { rm -rf "$tmp"; die "no modules for the initramfs"; }
		(cd "$tmp" && find . -mindepth 1 | busybox cpio -o -H newc 2>/dev/null | gzip -1) >"$out.tmp"
		rm -f "$cache/$kver"/initrd-*.gz # older init scripts' (the key changed)
		mv "$out.tmp" "$out"
		rm -rf "$tmp"
	fi
	echo "$out"
}

# prepare: make sure a kernel and an initramfs are cached; sets KVER and INITRD.
prepare() {
	local fresh=$1
	mkdir -p "$cache"
	exec 9>"$cache/.lock"
	flock 9
	KVER=${EVPND_VM_KVER:-}
	[ -n "$KVER" ] || [ "$fresh" = 1 ] || KVER=$(cached_kver)
	[ -n "$KVER" ] || KVER=$(current_kver) || die "cannot tell the current Debian kernel (apt-cache depends linux-image-amd64)"
	fetch_kernel "$KVER"
	INITRD=$(build_initrd "$KVER")
	exec 9>&-
}

case $mode in
check)
	kvm_usable && exit 0
	say "KVM not usable: $(kvm_why)"
	exit 1
	;;
prepare)
	prepare 1
	say "ready: kernel $KVER, $INITRD"
	exit 0
	;;
esac
[ $# -gt 0 ] || usage
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found: scripts/deps.sh test installs it"

t0=${EPOCHREALTIME/[.,]/}
prepare 0
t_prep=${EPOCHREALTIME/[.,]/}

if kvm_usable; then
	# without arch-capabilities: a nested KVM that cannot set MSR 0x10a makes qemu abort
	accel=(-accel kvm -cpu "host,-arch-capabilities")
else
	say "KVM not usable ($(kvm_why)): using TCG emulation (slower)"
	accel=(-accel tcg -cpu max)
fi

kernel=$cache/$KVER/vmlinux
[ -s "$kernel" ] || kernel=$cache/$KVER/root/boot/vmlinuz-$KVER
klog="quiet loglevel=3 mitigations=off tsc=reliable no_timer_check audit=0 nowatchdog ${EVPND_VM_APPEND:-}"
[ "${EVPND_VM_DEBUG:-0}" = 1 ] && klog="loglevel=7 printk.time=1"
if [ "$init" = systemd ]; then
	[ -x /lib/systemd/systemd ] || die "--systemd: /lib/systemd/systemd not found (the package systemd)"
	klog+=" vminit=systemd systemd.unit=evpnd-vm.target systemd.show_status=error"
fi

# The VM has tmpfs of its own on /tmp, /run and /var/tmp: a repository (a CI clone, say) under
# one of them is shared into the VM at the same path, or nothing of it (stage2.sh included) is seen.
root=$(cd "$here/.." && pwd)
case $root/ in /tmp/* | /run/* | /var/tmp/*)
	case " ${shares[*]} " in *" $root "*) ;; *) shares=("$root" "${shares[@]}") ;; esac ;;
esac
run=$(mktemp -d "${TMPDIR:-/tmp}/evpnd-vm.XXXXXX")
for p in "$run" "$here" "${shares[@]}"; do
	case $p in *[[:space:]]* | *:*) die "paths with spaces or colons are not supported: $p" ;; esac
done
share_args=()
share_list=
for i in "${!shares[@]}"; do
	share_args+=(-virtfs "local,path=${shares[$i]},mount_tag=share$i,security_model=none")
	share_list+=${share_list:+:}${shares[$i]}
done
pids=()
qpid=
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	local p
	[ -z "$qpid" ] || kill "$qpid" 2>/dev/null || true
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	if [ "${EVPND_VM_KEEP:-0}" = 1 ]; then say "kept $run"; else rm -rf "$run"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# What stage2.sh sources inside: the passed-through environment, the command and the directory.
{
	while read -r name; do
		case $name in
		PATH | TERM | LANG | LC_* | TZ | CI | EVPND* | EVPNCTL | LAB_* | ASAN_OPTIONS | UBSAN_OPTIONS | LSAN_OPTIONS) ;;
		*) continue ;;
		esac
		printf 'export %s=%q\n' "$name" "${!name}"
	done < <(compgen -e)
	for name in "${extra_env[@]}"; do
		[ -n "${!name+x}" ] && printf 'export %s=%q\n' "$name" "${!name}"
	done
	printf 'VM_CWD=%q\n' "$PWD"
	printf 'VM_CMD=('
	printf '%q ' "$@"
	printf ')\n'
} >"$run/env"

# The guest's hvc0/hvc1 write into fifos that cat copies to our stdout/stderr (works whatever they
# are: tty, pipe, file, socket).
mkfifo "$run/out" "$run/err"
cat "$run/out" &
pids+=($!)
cat "$run/err" >&2 &
pids+=($!)

timeout --kill-after=5 "$timeout" qemu-system-x86_64 \
	-nodefaults -no-user-config -display none -no-reboot \
	-M pc "${accel[@]}" -m "$mem" -smp "$cpus" \
	-kernel "$kernel" -initrd "$INITRD" \
	-append "console=ttyS0 $klog panic=-1 vmrun=$run vmstage2=$here/vm/stage2.sh${share_list:+ vmshares=$share_list}" \
	-serial "file:$run/console.log" \
	-device virtio-serial-pci \
	-chardev "file,id=out,path=$run/out" -device virtconsole,chardev=out \
	-chardev "file,id=err,path=$run/err" -device virtconsole,chardev=err \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,path=$cache/$KVER/root/lib/modules/$KVER,mount_tag=modules,security_model=none,readonly=on" \
	-virtfs "local,path=$run,mount_tag=vmrun,security_model=none" "${share_args[@]}" \
	</dev/null >"$run/qemu.log" 2>&1 &
qpid=$!
qrc=0
wait "$qpid" || qrc=$?
qpid=
t_end=${EPOCHREALTIME/[.,]/}

# qemu has closed the fifos: let the copies drain; one still blocked in open() (qemu died before
# opening its end) is killed.
for _ in $(seq 20); do
	kill -0 "${pids[0]}" 2>/dev/null || kill -0 "${pids[1]}" 2>/dev/null || break
	sleep 0.1
done

if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	say "timed out after ${timeout}s: qemu killed; last lines of the guest console:"
	tail -n 30 "$run/console.log" >&2 2>/dev/null
	exit 124
fi
if [ ! -s "$run/status" ]; then
	say "the VM stopped without running the command to its end (qemu exit status $qrc)"
	tail -n 20 "$run/qemu.log" >&2 2>/dev/null
	say "last lines of the guest console:"
	tail -n 40 "$run/console.log" >&2 2>/dev/null
	exit 125
fi
rc=$(cat "$run/status")
[ "${EVPND_VM_DEBUG:-0}" = 1 ] && cat "$run/console.log" >&2
if [ "${EVPND_VM_TIMING:-0}" = 1 ]; then
	read -r tb <"$run/t_boot" || tb="?"
	read -r te <"$run/t_end" || te="?"
	say "$(awk -v k="$KVER" -v p=$((t_prep - t0)) -v q=$((t_end - t_prep)) -v tb="$tb" -v te="$te" 'BEGIN {
		printf "kernel %s; prepare %.3fs, qemu %.3fs (guest: command started at %ss of uptime, ended at %ss), total %.3fs",
			k, p / 1e6, q / 1e6, tb, te, (p + q) / 1e6 }')"
fi
exit "$rc"
