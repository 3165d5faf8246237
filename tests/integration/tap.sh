# SPDX-License-Identifier: Apache-2.0
# Shared by the loopback-only tests that count their checks (test_cli.sh, test_control.sh):
# tap_init NAME makes the temp dir $T and a trap that kills the PIDs in $PIDS (only those) and
# removes $T on exit; ok/bad print one line per check and bad counts failures in $fails.
# shellcheck shell=bash

tap_cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}

tap_init() {
	T=$(mktemp -d "/tmp/evpnd-$1.XXXXXX")
	PIDS=()
	fails=0
	trap tap_cleanup EXIT
}

ok() { echo "ok   - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

# tap_wait SECONDS CMD...: run CMD every 0.1 s until it succeeds (0) or SECONDS pass (1).
tap_wait() {
	local deadline=$((${EPOCHREALTIME//[.,]/} + $1 * 1000000))
	shift
	until "$@" >/dev/null 2>&1; do
		((${EPOCHREALTIME//[.,]/} >= deadline)) && return 1
		sleep 0.1
	done
}
