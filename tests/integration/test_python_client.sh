#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The Python client (python/evpnd) against real evpnds: python/tests/test_client.py (unittest, each
# class or test with its own evpnd on a temp socket: every request and its errors, opaque keys binary
# and ephemeral, watch with its snapshot, resume, restarts and lags), then the package as users get it:
# pip installs it offline into a venv (no build isolation, no index), and that venv's python imports
# it and talks to an evpnd. Debian's python3 (/usr/bin/python3, which python3-evpnd serves and for
# which scripts/deps.sh installs venv, pip and wheel) runs it all. Needs EVPND (set by ctest).
# "A && ok ... || bad ..." is safe here: ok only echoes and never fails.
# shellcheck disable=SC2015
set -u

EVPND=${EVPND:?set EVPND to the evpnd binary}
export EVPND
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || { echo "FAIL - python3 is needed (scripts/deps.sh installs it)"; exit 1; }
# shellcheck source=tap.sh
source "$(dirname "$0")/tap.sh"
tap_init python_client
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in the clone

# the unit tests: one line each, then unittest's account of the failures (or its last words)
if (cd "$ROOT/python" && PYTHONPATH=$ROOT/python "$PY" -m unittest discover -v -s tests 2>&1) >"$T/unittest.out"; then
	ok "python/tests: $(grep -E '^Ran [0-9]+ tests' "$T/unittest.out")"
else
	bad "python/tests: $(grep -E '^(Ran [0-9]+ tests|FAILED)' "$T/unittest.out" | tr '\n' ' ')"
fi
grep -E ' \.\.\. ' "$T/unittest.out" | sed 's/^/    /'
if [ "$fails" != 0 ]; then
	if grep -qE '^={70}$' "$T/unittest.out"; then
		sed -n '/^=\{70\}$/,$p' "$T/unittest.out"
	else
		tail -n 30 "$T/unittest.out"
	fi
fi

# pip install, offline: from a copy, since setuptools builds in the source tree
cp -r "$ROOT/python" "$T/src"
rm -rf "$T/src/build" "$T/src/"*.egg-info
if "$PY" -m venv --system-site-packages "$T/venv" >"$T/venv.log" 2>&1; then
	ok "python3 -m venv"
else
	bad "python3 -m venv: $(tail -n 3 "$T/venv.log") (python3-venv: scripts/deps.sh)"
fi
if "$T/venv/bin/pip" install --no-build-isolation --no-index --no-deps "$T/src" >"$T/pip.log" 2>&1; then
	ok "pip install --no-build-isolation --no-index ./python"
else
	bad "pip install: $(tail -n 5 "$T/pip.log")"
fi
out=$("$T/venv/bin/pip" show evpnd 2>&1)
grep -qx 'Version: 0.1.0' <<<"$out" && grep -qx 'License: Apache-2.0' <<<"$out" &&
	ok "pip show evpnd: 0.1.0, Apache-2.0" || bad "pip show evpnd: [$out]"

# the installed package (not the clone's: no PYTHONPATH, run from elsewhere) against an evpnd
cat >"$T/evpnd.conf" <<EOF
[global]
asn = 64512
router-id = 10.0.0.1
listen = none
vtep-ip = 192.0.2.1

[neighbor 127.0.0.2]
remote-as = 64512
passive = yes
EOF
S=$T/run/evpnd.sock
"$EVPND" -f "$T/evpnd.conf" -s "$S" >"$T/evpnd.log" 2>&1 &
PIDS+=($!)
tap_wait 10 test -S "$S" || bad "evpnd made no socket: $(cat "$T/evpnd.log")"
out=$(cd / && env -u PYTHONPATH "$T/venv/bin/python" - "$S" "$T/venv" 2>&1 <<'PY'
import sys
import evpnd
assert evpnd.__file__.startswith(sys.argv[2] + "/"), evpnd.__file__
with evpnd.Client(sys.argv[1]) as c:
    c.add_key("installed/k", b"\xff\x00v", ephemeral=True)
    print(evpnd.__version__, c.get_key("installed/k"), [n["address"] for n in c.neighbors()])
PY
)
[ "$out" = "0.1.0 b'\xff\x00v' ['127.0.0.2']" ] && ok "the venv's evpnd package talks to evpnd" ||
	bad "the installed package: [$out]"

kill "${PIDS[0]}" && wait "${PIDS[0]}"
rc=$?
PIDS=()
[ "$rc" = 0 ] && ok "evpnd stops cleanly" || bad "evpnd exit $rc"
[ "$fails" = 0 ] || { echo "--- evpnd log"; cat "$T/evpnd.log"; }
echo "$fails failed"
exit $((fails > 0))
