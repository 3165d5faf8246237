# SPDX-License-Identifier: Apache-2.0
"""Watchers of one evpnd (A) under churn, checked against each other and against A's RIB.

Usage: watch_churn.py A_SOCK B_SOCK SECONDS SEED

While local keys and MAC routes come and go at A and B (B's reach A through the reflector, so a key
published at both moves its best path between a local and a peer path) and a gobgpd peer adds and
withdraws MAC routes (the caller's loop), watchers of A connect, disconnect and resume, read too
slowly and lag, and filter. A reference watcher reads everything as it comes; at every "synced"
another watcher reaches, its view must equal the reference's view at that sequence number (filtered
the same way), and when the churn is over every view must equal A's best paths (show-routes).
Prints one line of figures; exits non-zero with the first difference.
"""
import json
import random
import select
import socket
import sys
import threading
import time

A_SOCK, B_SOCK, SECONDS, SEED = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(SEED)
errors = []


def conn(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.settimeout(30)
    return s, s.makefile("rwb")


class Ctl:
    def __init__(self, path):
        self.s, self.f = conn(path)

    def req(self, **o):
        self.f.write(json.dumps(o).encode() + b"\n")
        self.f.flush()
        r = json.loads(self.f.readline())
        return r


def key_of(route):
    return route.get("key") if route.get("key") is not None else "hex:" + route.get("key_hex", "")


class Filter:
    def __init__(self, family=None, key_prefix=None, source=None, vni=None):
        self.family, self.key_prefix, self.source, self.vni = family, key_prefix, source, vni

    def request(self):
        o = {}
        if self.family:
            o["family"] = self.family
        if self.key_prefix:
            o["key_prefix"] = self.key_prefix
        if self.source:
            o["source"] = self.source
        if self.vni:
            o["vni"] = self.vni
        return o

    def wants(self, fam, route):
        if self.family and fam != self.family:
            return False
        if self.key_prefix and (fam != "opaque" or not key_of(route).startswith(self.key_prefix)):
            return False
        if self.vni and (fam != "evpn" or route.get("vni") != self.vni):
            return False
        if self.source and (route["source"] == "local") != (self.source == "local"):
            return False
        return True


def strip(route):
    """A route as a view compares it: without what changes by itself (age, installed)."""
    return {k: v for k, v in route.items() if k not in ("age", "installed")}


class Watcher(threading.Thread):
    """One watch of A following the protocol's client rule; behaviour: 'steady', 'resume', 'slow'."""

    def __init__(self, name, flt, behaviour, history=None):
        super().__init__(daemon=True)
        self.name, self.flt, self.behaviour = name, flt, behaviour
        self.view, self.new = {}, None
        self.epoch, self.last = None, None
        self.synced_views = []      # (seq, view copy) at every synced
        self.history = history      # the reference keeps every change: [(seq, fam, id, route|None)]
        self.events = {"snapshot": 0, "update": 0, "withdraw": 0, "synced": 0, "lagged": 0}
        self.resumed = self.resyncs = 0
        self.stop = threading.Event()
        self.done = threading.Event()

    def open(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(A_SOCK)
        self.buf = b""
        o = {"cmd": "watch", **self.flt.request()}
        if self.last is not None:
            o.update(since=self.last, epoch=self.epoch)
        s.sendall(json.dumps(o).encode() + b"\n")
        r = json.loads(self.readline(s, 30))
        assert r["ok"], r
        if self.last is not None and r["data"]["resumed"]:
            self.resumed += 1
        else:
            if self.last is not None:
                self.resyncs += 1
            self.new = {}
        self.epoch = r["data"]["epoch"]
        return s

    def readline(self, s, timeout):
        """The next line, or None when nothing came for timeout seconds."""
        while b"\n" not in self.buf:
            if not select.select([s], [], [], timeout)[0]:
                return None
            d = s.recv(1 << 16)
            if not d:
                raise RuntimeError("%s: evpnd closed the watch" % self.name)
            self.buf += d
        line, self.buf = self.buf.split(b"\n", 1)
        return line

    def apply(self, e):
        kind = e["event"]
        self.events[kind] += 1
        target = self.new if self.new is not None else self.view
        if kind in ("snapshot", "update"):
            assert self.flt.wants(e["family"], e["route"]), ("filter let through", self.name, e)
            assert e["route"]["best"], e
            target[(e["family"], e["id"])] = strip(e["route"])
        elif kind == "withdraw":
            target.pop((e["family"], e["id"]), None)
        elif kind == "lagged":
            self.new = {}
        elif kind == "synced":
            if self.new is not None:
                self.view, self.new = self.new, None
            self.synced_views.append((e["seq"], dict(self.view)))
        if kind in ("update", "withdraw"):
            assert self.last is None or e["seq"] > self.last, ("seq went back", self.name, e, self.last)
            if self.history is not None:
                self.history.append((e["seq"], e["family"], e["id"],
                                     strip(e["route"]) if kind == "update" else None))
        if kind in ("update", "withdraw", "synced"):
            self.last = e["seq"]

    def run(self):
        try:
            s = self.open()
            opened = time.monotonic()
            while True:
                if self.stop.is_set() and self.new is None:
                    # the end: a resume reads what is left and a synced at evpnd's last change
                    s.close()
                    s = self.open()
                    while True:
                        e = json.loads(self.readline(s, 30))
                        self.apply(e)
                        if e["event"] == "synced":
                            break
                    if self.last < END_SEQ[0]:
                        raise RuntimeError("%s: synced at %d before the end %d" % (self.name, self.last, END_SEQ[0]))
                    break
                line = self.readline(s, 0.2)
                if line is None:
                    continue
                self.apply(json.loads(line))
                if self.behaviour == "slow":
                    time.sleep(0.006)
                if self.behaviour == "resume" and self.new is None and time.monotonic() - opened > rnd.uniform(0.3, 1.2):
                    s.close()
                    time.sleep(rnd.uniform(0, 0.3))
                    s = self.open()
                    opened = time.monotonic()
            s.close()
        except Exception as ex:  # noqa: BLE001 - reported by the main thread
            errors.append("%s: %r" % (self.name, ex))
        finally:
            self.done.set()


END_SEQ = [1 << 62]


def churn(ctl_a, ctl_b, until):
    n = 0
    while time.monotonic() < until:
        ctl = ctl_a if rnd.random() < 0.6 else ctl_b
        k = rnd.randrange(60)
        what = rnd.random()
        if what < 0.45:
            r = ctl.req(cmd="add-key", key=("a%d" if k % 2 else "b%d") % k, value="v%d" % rnd.randrange(1000))
        elif what < 0.7:
            r = ctl.req(cmd="del-key", key=("a%d" if k % 2 else "b%d") % k)
        elif what < 0.9:
            r = ctl.req(cmd="add-macadv", mac="02:00:00:aa:00:%02x" % k, vni=100 if k % 3 else 200,
                        seq=rnd.randrange(5))
        else:
            r = ctl.req(cmd="del-macadv", mac="02:00:00:aa:00:%02x" % k, vni=100 if k % 3 else 200)
        assert r["ok"] or "no such local" in r.get("error", ""), r
        n += 1
        time.sleep(0.001)
    return n


def main():
    a, b = Ctl(A_SOCK), Ctl(B_SOCK)
    ref = Watcher("reference", Filter(), "steady", history=[])
    ref.start()
    while not ref.synced_views:
        time.sleep(0.01)
    base_seq, base = ref.synced_views[0]
    others = [Watcher("resume", Filter(), "resume"), Watcher("slow", Filter(), "slow"),
              Watcher("opaque-a", Filter(family="opaque", key_prefix="a"), "resume"),
              Watcher("peer-only", Filter(source="peer"), "steady"),
              Watcher("vni-100", Filter(vni=100), "resume"),
              Watcher("local-only", Filter(source="local"), "slow")]
    t0 = time.monotonic()
    started = []
    changes = 0
    for w in others:  # they join while the churn runs
        changes += churn(a, b, time.monotonic() + SECONDS / (2 * len(others)))
        w.start()
        started.append(w)
    changes += churn(a, b, t0 + SECONDS)
    # quiet; the last change's sequence number ends the run
    time.sleep(1)
    st = a.req(cmd="show-status")
    assert st["ok"], st
    END_SEQ[0] = st["data"]["control"]["last_seq"]
    for w in [ref] + started:
        w.stop.set()
    for w in [ref] + started:
        if not w.done.wait(90):
            errors.append("%s never caught up (last %s, end %s)" % (w.name, w.last, END_SEQ[0]))
    if errors:
        raise SystemExit("FAIL " + "; ".join(errors))
    # every synced view of every watcher equals the reference's at that point: one walk of the
    # reference's changes, the checks in sequence order
    checks = sorted(((seq, i, w) for w in started for i, (seq, _) in enumerate(w.synced_views)
                     if seq >= base_seq), key=lambda c: c[0])
    ref_view, h, checked = dict(base), 0, 0
    for seq, i, w in checks:
        while h < len(ref.history) and ref.history[h][0] <= seq:
            _, fam, rid, route = ref.history[h]
            if route is None:
                ref_view.pop((fam, rid), None)
            else:
                ref_view[(fam, rid)] = route
            h += 1
        want = {k: r for k, r in ref_view.items() if w.flt.wants(k[0], r)}
        view = w.synced_views[i][1]
        if view != want:
            diff = (set(view) ^ set(want)) or {k for k in view if view[k] != want.get(k)}
            raise SystemExit("FAIL %s: view at synced seq %d differs from the reference's: %s"
                             % (w.name, seq, sorted(diff)[:5]))
        checked += 1
    # and at the end every view equals A's best paths
    rib = a.req(cmd="show-routes")["data"]
    best = {}
    for r in rib:
        if r["best"]:
            best.setdefault(r["family"], []).append(r)
    for w in [ref] + started:
        want = {}
        for fam, routes in best.items():
            for r in routes:
                if w.flt.wants(fam, r):
                    want[(fam, key_of(r) if fam == "opaque" else json.dumps(
                        [r["type"], r["rd"], r["etag"], r["mac"], r["ip"], r.get("prefix"), r.get("originator")]))] = strip(r)
        got = {}
        for (fam, rid), r in w.view.items():
            got[(fam, key_of(r) if fam == "opaque" else json.dumps(
                [r["type"], r["rd"], r["etag"], r["mac"], r["ip"], r.get("prefix"), r.get("originator")]))] = r
        if got != want:
            raise SystemExit("FAIL %s: the final view differs from A's best paths: only in view %s, only in RIB %s, "
                             "different %s" % (w.name, sorted(set(got) - set(want))[:3], sorted(set(want) - set(got))[:3],
                                               [k for k in got if k in want and got[k] != want[k]][:3]))
    lagged = sum(w.events["lagged"] for w in started)
    print("ok %d changes, %d synced views checked against the reference, final views equal the RIB; "
          "resumes %d, resyncs %d, lagged %d, events %s" % (
              changes, checked, sum(w.resumed for w in started), sum(w.resyncs for w in started), lagged,
              json.dumps({w.name: w.events for w in [ref] + started})))
    if ref.resyncs:
        raise SystemExit("FAIL the reference watcher had to resync: its history has a hole")
    if sum(w.resumed for w in started) == 0:
        raise SystemExit("FAIL no watcher resumed: the resume path went untested")
    if lagged == 0:
        raise SystemExit("FAIL no watcher lagged: the lag path went untested")


main()
