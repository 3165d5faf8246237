# SPDX-License-Identifier: Apache-2.0
"""The Python client against a real evpnd (the binary EVPND names), each test class or test with its own.

Run: EVPND=/path/to/evpnd PYTHONPATH=python python3 -m unittest -v python/tests/test_client.py
(tests/integration/test_python_client.sh does, under ctest). evpnd runs as in
tests/integration/test_control.sh: loopback only, no BGP listener, a passive neighbor that never
comes, [vni 200]; the routes are the ones the tests originate.
"""

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
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


class TestRequests(unittest.TestCase):
    """Requests and their errors, against one evpnd for the class."""

    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        cls.c = evpnd.Client(cls.d.sock, timeout=10)

    @classmethod
    def tearDownClass(cls):
        cls.c.close()
        cls.d.close()

    def test_show_commands(self):
        c = self.c
        n = c.neighbors()
        self.assertIsInstance(n, list)
        self.assertEqual([x["address"] for x in n], ["127.0.0.2"])
        self.assertIsInstance(c.routes(), list)
        self.assertIsInstance(c.routes(family="evpn", vni=200), list)
        self.assertIsInstance(c.vnis(), list)
        vrfs = c.vrfs()
        self.assertEqual([(v["name"], v["l3vni"]) for v in vrfs], [("vrf-t", 4000)])
        self.assertIsInstance(c.vrf_routes("vrf-t"), list)
        st = c.status()
        self.assertIsInstance(st, dict)
        self.assertIn("converged", st)
        self.assertIsInstance(c.macs(), list)
        self.assertIsInstance(c.macs(vni=200), list)
        self.assertIsInstance(c.fdb(), list)
        a = c.audit()
        self.assertIsInstance(a, dict)
        self.assertIsInstance(a["drift"], list)
        m = c.metrics()
        self.assertIsInstance(m, str)
        self.assertIn("evpnd_build_info", m)
        r = c.reload()
        self.assertIsInstance(r, str)
        self.assertIn("neighbors added", r)
        self.assertIsNone(c.clear_neighbor("127.0.0.2"))
        self.assertEqual(c.clear_duplicate(), 0)
        self.assertEqual(c.clear_duplicate(vni=200, mac="aa:bb:cc:dd:ee:ff"), 0)

    def test_macadv_round_trip(self):
        c = self.c

        def find():
            return [r for r in c.routes(family="evpn", vni=200)
                    if r["type"] == "macadv" and r["mac"] == "aa:bb:cc:00:00:01"]

        c.add_macadv("aa:bb:cc:00:00:01", 200, ip="10.1.1.2", etag=3, seq=4, sticky=True)
        [r] = find()
        self.assertEqual((r["ip"], r["etag"], r["seq"], r["sticky"], r["rd"], r["source"], r["best"]),
                         ("10.1.1.2", 3, 4, True, "65000:42", "local", True))
        self.assertEqual(r["route_targets"], ["65000:1", "65000:2"])
        c.del_macadv("aa:bb:cc:00:00:01", 200, ip="10.1.1.2", etag=3)
        self.assertEqual(find(), [])
        with self.assertRaises(evpnd.NotFound):
            c.del_macadv("aa:bb:cc:00:00:01", 200, ip="10.1.1.2", etag=3)
        c.add_macadv("aa:bb:cc:00:00:02", 300, rd="65000:7", rt="64512:300", nexthop="192.0.2.9")
        [r] = [r for r in c.routes(family="evpn") if r.get("mac") == "aa:bb:cc:00:00:02"]
        self.assertEqual((r["vni"], r["rd"], r["route_targets"], r["nexthop"]),
                         (300, "65000:7", ["64512:300"], "192.0.2.9"))
        c.del_macadv("aa:bb:cc:00:00:02", 300, rd="65000:7")

    def test_multicast_round_trip(self):
        c = self.c

        def find():
            return [r for r in c.routes(family="evpn") if r["type"] == "multicast" and r["vni"] == 301]

        c.add_multicast("192.0.2.1", 301, rt=["64512:301", "1.2.3.4:7"])
        [r] = find()
        self.assertEqual((r["originator"], r["route_targets"]), ("192.0.2.1", ["64512:301", "1.2.3.4:7"]))
        c.del_multicast("192.0.2.1", 301)
        self.assertEqual(find(), [])
        with self.assertRaises(evpnd.NotFound):
            c.del_multicast("192.0.2.1", 301)

    def test_key_round_trip(self):
        c = self.c
        c.add_key("py/k1", "v1")
        self.assertEqual(opaque(c).get(b"py/k1"), b"v1")
        c.add_key("py/k1", "v2")
        self.assertEqual(opaque(c).get(b"py/k1"), b"v2")
        c.del_key("py/k1")
        self.assertNotIn(b"py/k1", opaque(c))
        with self.assertRaises(evpnd.NotFound):
            c.del_key("py/k1")

    def test_get_key(self):
        c = self.c
        c.add_key("py/get", "text")
        self.addCleanup(c.del_key, "py/get")
        self.assertEqual(c.get_key("py/get"), "text")
        self.assertEqual(c.get_key(b"py/get"), "text")
        paths = c.get_key_paths("py/get")
        self.assertEqual([(p["key"], p["value"], p["source"], p["best"]) for p in paths],
                         [("py/get", "text", "local", True)])
        self.assertIsNone(c.get_key("py/none"))
        self.assertEqual(c.get_key_paths("py/none"), [])

    def test_binary_keys_and_values(self):
        c = self.c
        key, value = b"py/\xff\xfe\x00bin", b"\x80\x00\x81value"
        c.add_key(key, value)
        [r] = [r for r in c.routes(family="opaque") if evpnd.key_bytes(r) == key]
        self.assertIsNone(r["key"])
        self.assertEqual(r["key_hex"], key.hex())
        self.assertIsNone(r["value"])
        self.assertEqual(evpnd.value_bytes(r), value)
        self.assertEqual(c.get_key(key), value)
        c.add_key("py/text-key", value)  # a text key with a binary value, and the reverse
        c.add_key(key, "text now")
        self.assertEqual(opaque(c)[b"py/text-key"], value)
        self.assertEqual(c.get_key(key), "text now")
        c.del_key(key)
        c.del_key("py/text-key")
        self.assertNotIn(key, opaque(c))

    def test_nul_in_text_is_hex(self):
        c = self.c  # valid UTF-8 with a NUL: evpnd shows it as hex, the helpers give the bytes back
        c.add_key("py/nul\x00key", "a\x00b")
        [r] = [r for r in c.routes(family="opaque") if evpnd.key_bytes(r) == b"py/nul\x00key"]
        self.assertEqual((r["key"], r["key_hex"], r["value"], r["value_hex"]),
                         (None, b"py/nul\x00key".hex(), None, b"a\x00b".hex()))
        c.del_key("py/nul\x00key")

    def test_errors(self):
        c = self.c
        with self.assertRaises(evpnd.RequestError) as cm:
            c.add_macadv("zz", 200)
        self.assertIs(type(cm.exception), evpnd.RequestError)
        self.assertEqual(cm.exception.text, 'bad MAC address "zz"')
        self.assertEqual(cm.exception.cmd, "add-macadv")
        with self.assertRaises(evpnd.NotFound) as cm:
            c.del_key("py/never-added")
        self.assertIsInstance(cm.exception, evpnd.RequestError)
        self.assertTrue(cm.exception.text.startswith("no such"), cm.exception.text)
        with self.assertRaises(evpnd.RequestError) as cm:
            c.request("no-such-command")
        self.assertEqual(cm.exception.text, 'unknown command "no-such-command"')
        with self.assertRaises(evpnd.RequestError):
            c.request("show-routes", bogus=1)
        with self.assertRaises(evpnd.RequestError):
            c.add_macadv("aa:bb:cc:00:00:09", 200, rt=[f"64512:{i}" for i in range(1, 40)])
        with self.assertRaises(evpnd.RequestError) as cm:  # refused here: evpnd would close the connection
            c.add_key("py/huge", "x" * 70000)
        self.assertIn("request too long", cm.exception.text)
        self.assertEqual(c.request("show-vnis"), c.vnis())  # the connection is still fine
        for e in (evpnd.Unavailable, evpnd.RequestError, evpnd.ProtocolError):
            self.assertTrue(issubclass(e, evpnd.Error))
        self.assertTrue(issubclass(evpnd.ConnectionLost, evpnd.Unavailable))

    def test_unavailable(self):
        c = evpnd.Client(os.path.join(self.d.dir, "nothing.sock"))  # lazy: no error yet
        with self.assertRaises(evpnd.Unavailable):
            c.neighbors()
        with self.assertRaises(evpnd.Unavailable):
            c.watch()
        with self.assertRaises(evpnd.Unavailable):
            evpnd.Client(self.d.conf).neighbors()  # not a socket at all

    def test_protocol_error(self):
        path = os.path.join(self.d.dir, "fake.sock")
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(path)
        srv.listen(4)
        self.addCleanup(srv.close)
        replies = (b"not json\n", b"[1,2]\n", b'{"ok":false}\n', b'{"data":1}\n')

        def serve():  # a fake evpnd: one garbled reply per connection
            for reply in replies:
                a = srv.accept()[0]
                a.recv(4096)
                a.sendall(reply)
                a.close()

        t = threading.Thread(target=serve)
        t.start()
        for reply in replies:
            c = evpnd.Client(path, timeout=5)
            with self.assertRaises(evpnd.ProtocolError, msg=reply):
                c.vnis()
            self.assertIsNone(c._conn)  # out of step: closed
        t.join()

    def test_timeout(self):
        path = os.path.join(self.d.dir, "mute.sock")
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(path)
        srv.listen(4)
        self.addCleanup(srv.close)
        c = evpnd.Client(path, timeout=0.3)
        with self.assertRaises(evpnd.Timeout):
            c.vnis()  # accepted by the backlog, never answered
        self.assertIsNone(c._conn)

    def test_context_manager(self):
        with evpnd.Client(self.d.sock) as c:
            self.assertIsNone(c._conn)  # lazy
            c.vnis()
            self.assertIsNotNone(c._conn)
        self.assertIsNone(c._conn)

    @unittest.skipUnless(os.geteuid() == 0, "needs root to run a client as another user")
    def test_permission_denied(self):
        code = ("import evpnd, sys\n"
                "try:\n    evpnd.Client(sys.argv[1]).vnis()\n"
                "except evpnd.PermissionDenied as e:\n    print('denied:', e.text)\n")
        os.chmod(self.d.dir, 0o755)
        os.chmod(os.path.dirname(self.d.sock), 0o755)

        def world_runnable(path):
            path = os.path.realpath(path)
            dirs = [os.path.dirname(path)]
            while dirs[-1] != "/":
                dirs.append(os.path.dirname(dirs[-1]))
            return os.stat(path).st_mode & 0o001 and all(os.stat(d).st_mode & 0o001 for d in dirs)

        python = next((p for p in (sys.executable, "/usr/bin/python3") if os.path.exists(p) and world_runnable(p)),
                      None)
        if python is None or not world_runnable(EXAMPLE):
            self.skipTest("no python3 and package that another user may run")

        def as_nobody():
            r = subprocess.run([python, "-c", code, self.d.sock], user=65534, env=child_env(),
                               cwd="/", capture_output=True, text=True, timeout=20)
            self.assertEqual(r.returncode, 0, r.stderr)
            return r.stdout

        out = as_nobody()  # mode 0600: the kernel says no
        self.assertTrue(out.startswith("denied: permission denied"), out)
        os.chmod(self.d.sock, 0o666)  # the kernel lets it through: evpnd says no (SO_PEERCRED)
        try:
            out = as_nobody()
        finally:
            os.chmod(self.d.sock, 0o600)
        self.assertEqual(out, "denied: permission denied: root or the control-group only\n")


class TestEphemeral(DaemonTest):
    """Ephemeral keys: withdrawn when the connection that added them closes, however it closes."""

    def test_close_withdraws(self):
        c2 = self.client()
        c2.add_key("eph/a", "1", ephemeral=True)
        c2.add_key("eph/b", "2")  # not ephemeral
        self.assertEqual(self.c.get_key("eph/a"), "1")
        c2.close()
        self.assertTrue(wait_until(lambda: b"eph/a" not in opaque(self.c)), "eph/a outlived its connection")
        self.assertEqual(opaque(self.c)[b"eph/b"], b"2")

    def test_sigkill_withdraws(self):
        code = ("import evpnd, sys, time\n"
                "c = evpnd.Client(sys.argv[1])\n"
                "c.add_key('eph/child', b'\\xffalive', ephemeral=True)\n"
                "print('ready', flush=True)\n"
                "time.sleep(60)\n")
        p = subprocess.Popen([sys.executable, "-c", code, self.d.sock], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, env=child_env())
        self.addCleanup(p.stdout.close)
        self.addCleanup(p.wait)
        self.addCleanup(p.kill)
        line = p.stdout.readline()
        if line != b"ready\n":
            self.fail(f"the child did not add its key: {line + p.stdout.read()!r}")
        self.assertEqual(opaque(self.c).get(b"eph/child"), b"\xffalive")
        p.kill()
        p.wait()
        self.assertTrue(wait_until(lambda: b"eph/child" not in opaque(self.c)), "eph/child outlived its process")

    def test_add_again_takes_ownership(self):
        c2, c3 = self.client(), self.client()
        c2.add_key("eph/own", "2", ephemeral=True)
        c3.add_key("eph/own", "3")  # now c3's, permanently
        c2.close()
        time.sleep(0.3)
        self.assertEqual(self.c.get_key("eph/own"), "3")
        c3.add_key("eph/own", "3e", ephemeral=True)  # c3's, ephemeral
        c2.add_key("eph/other", "x", ephemeral=True)
        c3.close()
        self.assertTrue(wait_until(lambda: b"eph/own" not in opaque(self.c)))
        self.assertEqual(opaque(self.c)[b"eph/other"], b"x")
        c2.del_key("eph/other")  # del-key withdraws an ephemeral key at once
        self.assertNotIn(b"eph/other", opaque(self.c))

    def test_restart_with_keys_raises(self):
        self.c.add_key("eph/r", "1", ephemeral=True)
        self.d.restart()
        with self.assertRaises(evpnd.ConnectionLost) as cm:
            self.c.vnis()
        self.assertIn("ephemeral", str(cm.exception))
        self.assertIsInstance(self.c.vnis(), list)  # the next request connects anew
        self.assertNotIn(b"eph/r", opaque(self.c))

    def test_example_fleet_inventory(self):
        inv = os.path.join(self.d.dir, "inventory.json")
        with open(inv, "w") as f:
            json.dump({"web1": {"vcpus": 2, "memory_mib": 2048, "macs": ["52:54:00:00:00:01"]},
                       "db1": {"vcpus": 4, "memory_mib": 8192, "macs": []}}, f)
        p = subprocess.Popen([sys.executable, EXAMPLE, "-s", self.d.sock, "--host", "hv-test", "--inventory", inv,
                              "--interval", "0.1"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             env=child_env())
        self.addCleanup(p.stderr.close)
        self.addCleanup(p.wait)
        self.addCleanup(p.kill)
        keys = {b"vm/hv-test/web1", b"vm/hv-test/db1"}
        self.assertTrue(wait_until(lambda: keys <= set(opaque(self.c)) or p.poll() is not None),
                        "the publisher published nothing")
        self.assertIsNone(p.poll(), p.stderr.read() if p.poll() is not None else "")
        self.assertEqual(json.loads(opaque(self.c)[b"vm/hv-test/web1"])["memory_mib"], 2048)
        r = subprocess.run([sys.executable, EXAMPLE, "-s", self.d.sock, "--watch", "--once"], env=child_env(),
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("fleet: 1 hypervisor, 2 VMs", r.stdout)
        self.assertRegex(r.stdout, r"hv-test +web1 +2 vCPU +2048 MiB  52:54:00:00:00:01")
        with open(inv, "w") as f:  # a VM gone: its key withdrawn
            json.dump({"web1": {"vcpus": 2, "memory_mib": 2048, "macs": ["52:54:00:00:00:01"]}}, f)
        self.assertTrue(wait_until(lambda: b"vm/hv-test/db1" not in opaque(self.c)))
        self.d.restart()  # evpnd restarted: the publisher notices and publishes again
        self.assertTrue(wait_until(lambda: b"vm/hv-test/web1" in opaque(self.c)), "not published again")
        p.kill()  # the publisher dies: the fleet forgets its VMs
        self.assertTrue(wait_until(lambda: not keys & set(opaque(self.c))))


class TestReconnect(DaemonTest):
    """The request connection across evpnd's restarts and idle closes."""

    extra = "control-idle-timeout = 1"

    def test_restart_reconnects_transparently(self):
        self.assertIsInstance(self.c.vnis(), list)
        self.d.restart()
        self.assertIsInstance(self.c.vnis(), list)
        self.assertEqual(self.c._connects, 2)

    def test_stopped_is_unavailable(self):
        self.c.vnis()
        self.d.stop()
        with self.assertRaises(evpnd.Unavailable):
            self.c.vnis()

    def test_idle_close(self):
        self.c.vnis()
        holder = self.client()
        holder.add_key("idle/eph", "1", ephemeral=True)
        w = self.watch(family="opaque", key_prefix="idle/")
        drain(self, w, synced)
        # evpnd closes the idle connection; not the one holding an ephemeral key, nor the watcher
        # (it looks every 5 s)
        self.assertTrue(wait_until(self.c._conn.peer_closed, 8), "evpnd did not close an idle connection")
        self.assertIsInstance(self.c.vnis(), list)
        self.assertEqual(self.c._connects, 2)
        self.assertFalse(holder._conn.peer_closed(), "evpnd closed a connection holding an ephemeral key")
        self.assertEqual(self.c.get_key("idle/eph"), "1")
        holder.add_key("idle/eph2", "2", ephemeral=True)
        self.assertEqual(holder._connects, 1)
        [ch] = drain(self, w, lambda ch: ch.kind == "add")
        self.assertEqual(evpnd.key_bytes(ch.route), b"idle/eph2")
        self.assertEqual(w.reconnects, 0)


class TestBusy(DaemonTest):
    extra = "control-max-clients = 8\nwatch-max = 1"

    def test_too_many(self):
        w = self.watch()
        with self.assertRaises(evpnd.Busy):  # watch-max
            self.c.watch()
        w.close()
        held = []
        for _ in range(16):  # fill every slot (the watcher's is freed at its close, maybe a little later)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(self.d.sock)
            s.sendall(b'{"cmd":"show-vnis"}\n')
            held.append(s)
            if not s.recv(4096).startswith(b'{"ok":true'):
                break
        else:
            self.fail("no limit after 16 clients")
        self.addCleanup(lambda: [s.close() for s in held])
        c = self.client()
        with self.assertRaises(evpnd.Busy) as cm:
            c.vnis()
        self.assertTrue(cm.exception.text.startswith("too many control clients"), cm.exception.text)
        for s in held:
            s.close()

        def admitted():
            try:
                return isinstance(self.client().vnis(), list)
            except evpnd.Busy:
                return False

        self.assertTrue(wait_until(admitted, 3))


class TestWatch(DaemonTest):
    """Client.watch(): the view and its changes, across bursts, restarts, lost connections and lags."""

    def test_snapshot_then_changes(self):
        c = self.c
        c.add_key("w/a", "1")
        c.add_key("w/b", "2")
        c.add_macadv("aa:bb:cc:00:00:01", 100)
        w = self.watch()
        first = drain(self, w, synced)
        self.assertEqual([ch.kind for ch in first], ["add"] * (len(first) - 1) + ["synced"])
        self.assertEqual(canon(w.view.values()), best(c))
        self.assertIn(("opaque", hexid("w/a")), w.view)
        self.assertEqual(w.view[("opaque", hexid("w/b"))]["value"], "2")
        self.assertIsNotNone(w.epoch)
        self.assertFalse(w.resumed)
        base = first[-1].seq

        c.add_key("w/c", "3")
        c.add_key("w/a", "1b")
        c.del_key("w/b")
        c.del_macadv("aa:bb:cc:00:00:01", 100)
        got = [drain(self, w, lambda ch: True)[0] for _ in range(4)]
        self.assertEqual([(ch.kind, ch.family) for ch in got],
                         [("add", "opaque"), ("update", "opaque"), ("remove", "opaque"), ("remove", "evpn")])
        self.assertEqual([ch.id for ch in got[:3]], [hexid("w/c"), hexid("w/a"), hexid("w/b")])
        self.assertEqual(got[1].route["value"], "1b")
        self.assertEqual(got[2].route["value"], "2")  # a removal carries the route removed
        seqs = [ch.seq for ch in got]
        self.assertEqual(seqs, sorted(set(seqs)))
        self.assertGreater(seqs[0], base)
        self.assertEqual(w.seq, seqs[-1])
        self.assertEqual(canon(w.view.values()), best(c))
        self.assertIsNone(w.next_change(0.2))  # nothing more
        self.assertIsNone(w.next_change(0))
        self.assertEqual(w.reconnects, 0)

    def test_filters(self):
        c = self.c
        c.add_key("vm/h1/a", "1")
        c.add_key("other", "x")
        c.add_macadv("aa:bb:cc:00:00:01", 100)
        c.add_macadv("aa:bb:cc:00:00:02", 200)
        wk, we, wv, wp = (self.watch(key_prefix="vm/"), self.watch(family="evpn"), self.watch(vni=200),
                          self.watch(source="peer"))
        for w, want in ((wk, {"vm/h1/a"}), (we, {"aa:bb:cc:00:00:01", "aa:bb:cc:00:00:02"}),
                        (wv, {"aa:bb:cc:00:00:02"}), (wp, set())):
            drain(self, w, synced)
            self.assertEqual({r.get("key") or r.get("mac") for r in w.view.values()}, want, w.filters)
        c.add_key("other2", "y")
        c.add_key(b"vm/h\xff/b", "2")
        [ch] = drain(self, wk, lambda ch: True)
        self.assertEqual((ch.kind, evpnd.key_bytes(ch.route)), ("add", b"vm/h\xff/b"))
        for w in (we, wp):  # nothing for these ("synced" aside, which says nothing changed)
            ch = w.next_change(0.2)
            while ch is not None and ch.kind == "synced":
                ch = w.next_change(0.1)
            self.assertIsNone(ch, w.filters)

    def test_view_equals_routes_after_burst(self):
        c = self.c
        w = self.watch()
        drain(self, w, synced)
        applied = dict(w.view)
        rnd = random.Random(14)
        keys, macs = set(), {}  # what is published: keys, and MAC -> VNI
        for i in range(400):  # adds, updates and deletes of keys and MAC routes, at random
            k = f"burst/{rnd.randrange(30)}"
            m = "aa:bb:cc:00:01:%02x" % rnd.randrange(20)
            op = rnd.randrange(4)
            if op == 0:
                c.add_key(k, f"v{i}")
                keys.add(k)
            elif op == 1 and k in keys:
                c.del_key(k)
                keys.discard(k)
            elif op == 2 or m not in macs:
                vni = macs.setdefault(m, 100 + rnd.randrange(2))
                c.add_macadv(m, vni, seq=i)
            else:
                c.del_macadv(m, macs.pop(m))
        c.add_key("burst/zz-end", "end")
        changes = drain(self, w, lambda ch: ch.id == hexid("burst/zz-end"))
        for ch in changes:
            apply(applied, ch)
        self.assertEqual(applied, w.view)
        self.assertEqual(canon(w.view.values()), best(c))
        live = [ch.seq for ch in changes if ch.kind != "synced"]
        self.assertEqual(live, sorted(set(live)))

    def test_restart_resyncs_the_difference(self):
        c = self.c
        c.add_key("r/1", "a")
        c.add_key("r/2", "b")
        w = self.watch()
        drain(self, w, synced)
        epoch = w.epoch
        self.d.restart()  # a new run: its routes are what is added to it now
        c.add_key("r/2", "b")
        c.add_key("r/3", "c")
        changes = drain(self, w, synced)
        self.assertNotEqual(w.epoch, epoch)
        self.assertFalse(w.resumed)
        self.assertEqual((w.reconnects, w.resyncs), (1, 1))
        self.assertEqual(sorted((ch.kind, ch.id) for ch in changes[:-1]),
                         sorted([("remove", hexid("r/1")), ("add", hexid("r/3"))]))
        self.assertEqual(canon(w.view.values()), best(c))
        c.del_key("r/3")  # and live again
        [ch] = drain(self, w, lambda ch: True)
        self.assertEqual((ch.kind, ch.id), ("remove", hexid("r/3")))

    def test_resume_loses_and_repeats_nothing(self):
        c = self.c
        w = self.watch(family="opaque")
        applied = {}
        for ch in drain(self, w, synced):
            apply(applied, ch)
        c.add_key("s/1", "a")
        for ch in drain(self, w, lambda ch: True):
            apply(applied, ch)
        before = w.seq
        epoch = w.epoch
        w._conn.sock.shutdown(socket.SHUT_RDWR)  # the watch's socket closed under it
        c.add_key("s/2", "b")
        c.add_key("s/1", "a2")
        c.del_key("s/1")
        c.add_key("s/3", "c")
        c.add_key("s/end", "end")
        changes = drain(self, w, lambda ch: ch.id == hexid("s/end"))
        for ch in changes:
            apply(applied, ch)
        self.assertEqual((w.reconnects, w.resumed, w.resyncs, w.epoch), (1, True, 0, epoch))
        self.assertEqual([(ch.kind, ch.id) for ch in changes if ch.kind != "synced"],
                         [("add", hexid("s/2")), ("update", hexid("s/1")), ("remove", hexid("s/1")),
                          ("add", hexid("s/3")), ("add", hexid("s/end"))])
        seqs = [ch.seq for ch in changes if ch.kind != "synced"]
        self.assertEqual(seqs, sorted(set(seqs)))
        self.assertGreater(seqs[0], before)
        self.assertEqual(applied, w.view)
        self.assertEqual(canon(w.view.values()), best(c, family="opaque"))

    def test_resume_under_churn(self):
        w = self.watch(family="opaque")
        applied = {}
        for ch in drain(self, w, synced):
            apply(applied, ch)

        def writer():  # another connection changes keys all along
            with evpnd.Client(self.d.sock, timeout=10) as c2:
                have = set()
                for i in range(600):
                    k = f"churn/{i % 40}"
                    if i % 3 == 2 and k in have:
                        c2.del_key(k)
                        have.discard(k)
                    else:
                        c2.add_key(k, str(i))
                        have.add(k)
                c2.add_key("churn/end", "end")

        t = threading.Thread(target=writer)
        t.start()
        self.addCleanup(t.join)
        last, n, cuts = w.seq, 0, 0
        while True:
            ch = w.next_change(10)
            self.assertIsNotNone(ch, "the watch stalled")
            apply(applied, ch)
            if ch.kind != "synced":
                self.assertGreater(ch.seq, last, "a change repeated or out of order")
                last = ch.seq
                n += 1
                if n % 50 == 0 and cuts < 8:  # the connection cut under the watch, again and again
                    w._conn.sock.shutdown(socket.SHUT_RDWR)
                    cuts += 1
            if ch.id == hexid("churn/end"):
                break
        t.join()
        self.assertEqual((w.reconnects, w.resyncs, cuts), (8, 0, 8))
        self.assertEqual(applied, w.view)
        self.assertEqual(canon(applied.values()), best(self.c, family="opaque"))

    def test_gives_up_after_reconnect_timeout(self):
        w = self.c.watch(reconnect_timeout=0.5)
        self.addCleanup(w.close)
        drain(self, w, synced)
        self.d.stop()
        t0 = time.monotonic()
        self.assertIsNone(w.next_change(0.1))  # the caller's timeout first: None, still trying
        with self.assertRaises(evpnd.ConnectionLost):
            w.next_change()
        self.assertLess(time.monotonic() - t0, 5)
        self.assertIsNone(w.next_change(0.1))  # a new round of tries
        self.assertIsNone(w.next_change(0))
        self.d.start()  # trying again works, and resyncs
        ch = drain(self, w, synced)[-1]
        self.assertEqual(ch.kind, "synced")

    def test_close_from_another_thread_ends_iteration(self):
        w = self.watch()
        drain(self, w, synced)
        threading.Timer(0.2, w.close).start()
        self.assertEqual(list(w), [])


class TestWatchLagged(DaemonTest):
    """A watcher that falls behind the replay window gets a new snapshot: the difference, no gap."""

    extra = "control-client-buffer = 65536\nwatch-replay-window = 65536"

    def test_lagged_resyncs(self):
        c = self.c
        w = self.watch(family="opaque")
        applied = {}
        for ch in drain(self, w, synced):
            apply(applied, ch)
        c.add_key("lag/gone", "x")
        big = "v" * 3000
        for i in range(400):  # some 1.3 MB of events while the watcher reads nothing
            c.add_key(f"lag/{i % 100}", f"{i}{big}")
        c.del_key("lag/gone")
        c.add_key("lag/end", "end")
        changes = drain(self, w, lambda ch: ch.id == hexid("lag/end"), timeout=20)
        for ch in changes:
            apply(applied, ch)
        self.assertGreaterEqual(w.resyncs, 1, "the watcher never lagged")
        self.assertEqual(w.reconnects, 0)
        self.assertEqual(applied, w.view)
        self.assertNotIn(("opaque", hexid("lag/gone")), w.view)
        self.assertEqual(canon(w.view.values()), best(c, family="opaque"))


if __name__ == "__main__":
    unittest.main()
