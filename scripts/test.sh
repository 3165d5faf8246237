#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Install what is missing, build, and run every test with ctest: once plainly, once under ASan+UBSan.
# Usage: scripts/test.sh [--plain-only|--asan-only] [extra ctest args, e.g. -R rib]
# Then every fuzz harness runs 60 s (EVPND_FUZZ_SECONDS=N to change, EVPND_NO_FUZZ=1 to skip).
#
# Nothing passes without running: a test that skips fails, unless tests/allowed-skips.txt lists it
# with the reason (every skip is printed at the end). The tests labelled "root" need network
# namespaces: as another user the rest runs, and the script then fails, naming what it left out.
set -euo pipefail
cd "$(dirname "$0")/.."

modes=(plain asan)
case "${1:-}" in
--plain-only) modes=(plain); shift ;;
--asan-only) modes=(asan); shift ;;
esac

# knobs that make a test smaller are for running one test by hand, never for the suite
for knob in FLAP_N OVERFLOW_N RFC7606_ONLY; do
	if [ -n "${!knob:-}" ]; then
		echo "test: $knob is set: it shrinks a test; unset it to run the suite" >&2
		exit 2
	fi
done

scripts/deps.sh test

jobs=$(nproc 2>/dev/null || echo 2)
label_args=()
not_root=0
if [ "$(id -u)" -ne 0 ]; then
	not_root=1
	label_args=(-LE root)
fi

skips=$(mktemp "${TMPDIR:-/tmp}/evpnd-skips.XXXXXX")
trap 'rm -f "$skips"' EXIT
export EVPND_SKIP_LOG=$skips

status=0
for mode in "${modes[@]}"; do
	case $mode in
	plain) dir=build; opts=(-DEVPND_WERROR=ON -DEVPND_SANITIZE=OFF) ;;
	asan) dir=build-asan; opts=(-DEVPND_WERROR=ON -DEVPND_SANITIZE=ON) ;;
	esac
	echo "=== $mode build ($dir) ==="
	cmake -S . -B "$dir" "${opts[@]}" >/dev/null
	cmake --build "$dir" -j"$jobs"
	echo "=== $mode tests ==="
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
	# the tests that run in an emulated VM (label vm) run with the plain build only
	mode_args=("${label_args[@]}")
	if [ "$mode" = asan ] && [ "$not_root" = 0 ]; then
		mode_args=(-LE vm)
	fi
	if ! (cd "$dir" && ctest --output-on-failure "${mode_args[@]}" "$@"); then
		status=1
	fi
done

# Every libFuzzer harness for 60 s (scripts/fuzz.sh: clang, build-fuzz); EVPND_NO_FUZZ=1 skips it.
if [ "${EVPND_NO_FUZZ:-0}" != 1 ]; then
	echo "=== fuzz (scripts/fuzz.sh ${EVPND_FUZZ_SECONDS:-60}) ==="
	scripts/fuzz.sh "${EVPND_FUZZ_SECONDS:-60}" || status=1
fi

echo "=== summary ==="
if [ -s "$skips" ]; then
	echo "skipped (allowed by tests/allowed-skips.txt):"
	sort -u "$skips" | sed 's/^/  /'
else
	echo "skipped: none"
fi
if [ "$not_root" = 1 ]; then
	left=$(cd build && ctest -N -L root | sed -n 's/^ *Test *#[0-9]*: //p' | tr '\n' ' ')
	echo "not run: the tests labelled \"root\" (they need network namespaces; run as root): $left" >&2
	status=1
fi
[ "$status" = 0 ] && echo "all tests passed" || echo "some tests failed or were not run" >&2
exit $status
