# SPDX-License-Identifier: Apache-2.0
"""The Python client against a real evpnd (the binary EVPND names), each test class or test with its own.

Run: EVPND=/path/to/evpnd PYTHONPATH=python python3 -m unittest -v python/tests/test_client.py
(tests/integration/test_python_client.sh does, under ctest). evpnd runs as in
tests/integration/test_control.sh: loopback only, no BGP listener, a passive neighbor that never
comes, [vni 200]; the routes are the ones the tests originate.
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import unittest

import evpnd

from fixture import EVPND, EXAMPLE, Daemon, wait_until, best, opaque, drain, synced, child_env, DaemonTest


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

if __name__ == "__main__":
    unittest.main()
