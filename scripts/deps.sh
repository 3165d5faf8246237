#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Install the Debian packages evpnd needs to build, test and demo, only those that are missing.
# Usage: scripts/deps.sh [build|test|demo|fuzz]   (default: test, the superset of build and demo;
# fuzz: the build set plus clang and libFuzzer for scripts/fuzz.sh)
set -euo pipefail

what=${1:-test}
pkgs=(cmake gcc make pkg-config libmnl-dev libnl-3-dev libnl-route-3-dev libev-dev libinih-dev
      libjson-c-dev libmicrohttpd-dev iproute2 python3 iputils-ping)
case "$what" in
build) ;;
demo) ;;
# qemu-system-x86, busybox-static and kmod: scripts/vm.sh (tests that need Debian's kernel in a VM).
# debhelper, dh-python, lintian, groff-base: tests/integration/test_package.sh (packaging/build-deb.sh).
# python3-venv, -pip, -setuptools, -wheel: tests/integration/test_python_client.sh (pip install, offline).
test) pkgs+=(libcmocka-dev gobgpd frr tcpdump procps qemu-system-x86 busybox-static kmod
      debhelper dh-python dpkg-dev lintian groff-base python3-venv python3-pip python3-setuptools python3-wheel) ;;
# clang-14's libFuzzer and sanitizer runtimes are in libclang-rt-14-dev (Debian 12).
fuzz) pkgs+=(clang libclang-rt-14-dev) ;;
*) echo "usage: $0 [build|test|demo|fuzz]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]} (run as root, or install them with apt-get)" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
