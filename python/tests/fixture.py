# SPDX-License-Identifier: Apache-2.0
"""What the client's tests share: an evpnd of their own (the binary EVPND names), and helpers.

evpnd runs as in tests/integration/test_control.sh: loopback only, no BGP listener, a passive
neighbor that never comes, [vni 200]; the routes are the ones the tests originate.
"""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

import evpnd

EVPND = os.environ.get("EVPND")
HERE = os.path.dirname(os.path.abspath(__file__))
PYDIR = os.path.dirname(HERE)
EXAMPLE = os.path.join(PYDIR, "examples", "fleet_inventory.py")

CONF = """[global]
asn = 64512
router-id = 10.0.0.1
listen = none
vtep-ip = 192.0.2.1
{extra}

[neighbor 127.0.0.2]
remote-as = 64512
passive = yes

[vni 200]
rd = 65000:42
route-target = 65000:1 65000:2

[vrf vrf-t]
l3vni = 4000
"""


class Daemon:
    """One evpnd with a temp config and socket; stopped (by its PID) and removed by close()."""

    def __init__(self, extra=""):
        if not EVPND:
            raise RuntimeError("set EVPND to the evpnd binary (tests/integration/test_python_client.sh does)")
        self.dir = tempfile.mkdtemp(prefix="evpnd-py.")
        self.conf = os.path.join(self.dir, "evpnd.conf")
        self.sock = os.path.join(self.dir, "run", "evpnd.sock")
        self.logpath = os.path.join(self.dir, "evpnd.log")
        with open(self.conf, "w") as f:
            f.write(CONF.format(extra=extra))
        self.proc = None
        self.problems = []
        self.start()

    def start(self):
        with open(self.logpath, "ab") as log:
            self.proc = subprocess.Popen([EVPND, "-f", self.conf, "-s", self.sock], stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"evpnd exited with status {self.proc.returncode}:\n{self.log()}")
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(self.sock)
                return
            except OSError:
                time.sleep(0.02)
            finally:
                s.close()
        raise RuntimeError(f"evpnd made no socket at {self.sock} within 10 s:\n{self.log()}")

    def stop(self):
        """SIGTERM, and a clean exit required (status 0: under ASan a leak shows only at exit)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.problems.append("evpnd did not stop within 10 s of SIGTERM")
        if self.proc.returncode != 0:
            self.problems.append(f"evpnd (pid {self.proc.pid}) exited with status {self.proc.returncode}")
        self.proc = None

    def restart(self):
        self.stop()
        self.start()

    def log(self, tail=6000):
        try:
            with open(self.logpath, errors="replace") as f:
                text = f.read()
            return text if tail is None else text[-tail:]
        except OSError:
            return ""

    def close(self):
        """Stop evpnd and remove its directory; AssertionError when it did not exit cleanly or a sanitizer spoke."""
        try:
            self.stop()
            log = self.log(tail=None)
            if any(m in log for m in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")):
                self.problems.append("a sanitizer report")
            if self.problems:
                raise AssertionError(f"{'; '.join(self.problems)}; evpnd's log:\n{log[-6000:]}")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def wait_until(pred, timeout=5.0):
    """Poll pred every 20 ms until it is true (True) or timeout seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while True:
        if pred():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)


def canon(routes):
    """Routes as a sorted list of JSON texts without their "age": comparable whatever the order or time."""
    return sorted(json.dumps({k: v for k, v in r.items() if k != "age"}, sort_keys=True) for r in routes)


def best(c, **filters):
    return canon(r for r in c.routes(**filters) if r["best"])


def opaque(c):
    """{key bytes: value bytes} of the best opaque routes."""
    return {evpnd.key_bytes(r): evpnd.value_bytes(r) for r in c.routes(family="opaque") if r["best"]}


def hexid(key):
    return (key.encode() if isinstance(key, str) else key).hex()


def apply(d, ch):
    """A change applied to a dict {(family, id): route}, as a user of the iterator would."""
    if ch.kind in ("add", "update"):
        d[(ch.family, ch.id)] = ch.route
    elif ch.kind == "remove":
        del d[(ch.family, ch.id)]


def drain(test, w, until, timeout=10.0):
    """Changes from w up to and including the first for which until(change) is true."""
    out = []
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        ch = w.next_change(max(left, 0)) if left > 0 else None
        if ch is None:
            test.fail(f"no such change within {timeout} s; had {[(c.kind, c.id, c.seq) for c in out]}")
        out.append(ch)
        if until(ch):
            return out


def synced(ch):
    return ch.kind == "synced"


def child_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = PYDIR + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


class DaemonTest(unittest.TestCase):
    """A test with an evpnd of its own (extra: more [global] lines)."""

    extra = ""

    def setUp(self):
        self.d = Daemon(self.extra)
        self.addCleanup(self.d.close)
        self.c = evpnd.Client(self.d.sock, timeout=10)
        self.addCleanup(self.c.close)

    def client(self):
        c = evpnd.Client(self.d.sock, timeout=10)
        self.addCleanup(c.close)
        return c

    def watch(self, **filters):
        w = self.c.watch(reconnect_timeout=10, **filters)
        self.addCleanup(w.close)
        return w


