#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Build the libFuzzer harnesses (tests/fuzz, clang with ASan+UBSan, in build-fuzz) and run each for
# SECONDS (default 60; as many at once as there are cores, up to 2) on a scratch copy of its seed
# corpus plus its regression inputs. Fails when
# any harness finds a crash, a leak or a broken invariant; the input is left in build-fuzz/findings/
# (keep it as tests/fuzz/regress/<target>/NAME once fixed). One summary line per harness.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (targets: the fuzz_<target>.c names, default all)
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-60}
[ $# -gt 0 ] && shift
case $secs in '' | *[!0-9]*) echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2 ;; esac

scripts/deps.sh fuzz
dir=${EVPND_FUZZ_BUILD:-build-fuzz}
jobs=$(nproc 2>/dev/null || echo 2)
[ "$jobs" -gt 2 ] && jobs=2

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for f in tests/fuzz/fuzz_*.c; do
		t=${f##*/fuzz_}
		targets+=("${t%.c}")
	done
fi

# The longest input worth trying, per target: a BGP session's worth of messages, one netlink
# datagram, one snooped frame (SNOOP_SNAPLEN and some), a config file, a few control requests.
max_len() {
	case $1 in
	bgp_msg) echo 16384 ;;
	netlink) echo 8192 ;;
	snoop) echo 512 ;;
	config) echo 4096 ;;
	control) echo 4096 ;;
	krecord) echo 4096 ;;
	*) echo 4096 ;;
	esac
}

CC=${CC_FUZZ:-clang} cmake -S . -B "$dir" -DEVPND_FUZZ=ON -DEVPND_TESTS=OFF -DEVPND_SANITIZE=OFF \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$dir" -j"$jobs" --target "${targets[@]/#/fuzz_}" >/dev/null

export ASAN_OPTIONS=${ASAN_OPTIONS_FUZZ:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS_FUZZ:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$dir/findings"
# run_one TARGET: one harness for SECONDS; its exit status goes to $dir/fuzz-TARGET.rc. Harnesses
# are single-threaded, so $jobs of them run at once, each with a core of its own: the same
# seconds of fuzzing per harness in half the wall time on two cores.
run_one() {
	local t=$1 scratch rc=0
	scratch=$(mktemp -d "$dir/corpus-$t.XXXXXX")
	cp -r tests/fuzz/corpus/"$t"/. "$scratch"/ 2>/dev/null || true
	# the scratch copy grows; the committed corpus and regression inputs are only read
	"$dir/fuzz_$t" -max_total_time="$secs" -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$dir/findings/$t-" "$scratch" "tests/fuzz/regress/$t" \
		>"$dir/fuzz-$t.log" 2>&1 || rc=$?
	echo $rc >"$dir/fuzz-$t.rc"
	rm -rf "$scratch"
}
running=0
for t in "${targets[@]}"; do
	rm -f "$dir/fuzz-$t.rc"
	if [ "$running" -ge "$jobs" ]; then
		wait -n || true
		running=$((running - 1))
	fi
	run_one "$t" &
	running=$((running + 1))
done
wait

status=0
for t in "${targets[@]}"; do
	log=$dir/fuzz-$t.log
	rc=$(cat "$dir/fuzz-$t.rc" 2>/dev/null || echo "none")
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	newu=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	if [ "$rc" = 0 ]; then
		verdict=ok
	else
		verdict="FAILED (exit $rc; input: $(grep -o "Test unit written to [^ ]*" "$log" | tail -1 | cut -d' ' -f5); log: $log)"
		status=1
	fi
	printf 'fuzz %-8s %4ss  %9s execs  %6s execs/s  cov %5s  ft %6s  new units %4s  %s\n' "$t" "$secs" \
		"${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${newu:-?}" "$verdict"
done
exit $status
