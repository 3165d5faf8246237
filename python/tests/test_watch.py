# SPDX-License-Identifier: Apache-2.0
"""watch() against a real evpnd: the snapshot, then changes; filters; resume, restarts and lags.

Run: EVPND=/path/to/evpnd PYTHONPATH=python python3 -m unittest -v python/tests/test_watch.py
"""
import random
import socket
import threading
import time
import unittest

import evpnd

from fixture import EVPND, canon, best, opaque, hexid, apply, drain, synced, DaemonTest


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
