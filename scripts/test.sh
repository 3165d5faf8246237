#!/usr/bin/env bash
# Install what is missing, build, and run every test with ctest: once plainly, once under ASan+UBSan.
# Usage: scripts/test.sh [--plain-only|--asan-only] [extra ctest args, e.g. -R rib]
# Integration tests (network namespaces, gobgpd, frr) need root; without root they are skipped.
# Then every fuzz harness runs 60 s (EVPND_FUZZ_SECONDS=N to change, EVPND_NO_FUZZ=1 to skip).
set -euo pipefail
cd "$(dirname "$0")/.."

modes=(plain asan)
case "${1:-}" in
--plain-only) modes=(plain); shift ;;
--asan-only) modes=(asan); shift ;;
esac

scripts/deps.sh test

jobs=$(nproc 2>/dev/null || echo 2)
label_args=()
if [ "$(id -u)" -ne 0 ]; then
	echo "test: not root: skipping integration tests (they create network namespaces)" >&2
	label_args=(-LE integration)
fi

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
	if ! (cd "$dir" && ctest --output-on-failure "${label_args[@]}" "$@"); then
		status=1
	fi
done

# Every libFuzzer harness for 60 s (scripts/fuzz.sh: clang, build-fuzz); EVPND_NO_FUZZ=1 skips it.
if [ "${EVPND_NO_FUZZ:-0}" != 1 ]; then
	echo "=== fuzz (scripts/fuzz.sh ${EVPND_FUZZ_SECONDS:-60}) ==="
	scripts/fuzz.sh "${EVPND_FUZZ_SECONDS:-60}" || status=1
fi
exit $status
