#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""What the watch stream costs and delivers (scripts/bench.sh --watch runs it).

Starts its own evpnd (no BGP peers, loopback only, a temporary socket) and measures, for N changes
(opaque keys, then local EVPN MAC routes, added over one pipelined control connection):
  - the live rate one watcher receives the changes at (events/s, first to last), and the snapshot
    rate of a watcher that joins with N routes in the table;
  - the replay window's bytes per event (show-status);
  - evpnd's CPU per change with no watcher, 100 idle watchers (watching a family that does not
    change) and 100 watchers reading every event.
Prints one line per figure and writes them to --out as CSV.
"""
import argparse
import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("--evpnd", required=True)
ap.add_argument("-n", type=int, default=50000)
ap.add_argument("--out")
args = ap.parse_args()
tmp = tempfile.mkdtemp(prefix="evpnd-bench-watch.")
sock = os.path.join(tmp, "evpnd.sock")
conf = os.path.join(tmp, "evpnd.conf")
open(conf, "w").write("""[global]
asn = 64512
router-id = 10.0.0.1
listen = none
vtep-ip = 192.0.2.1
watch-max = 256
control-max-clients = 512
control-max-clients-per-user = 512
watch-replay-window = 268435456
""")
proc = subprocess.Popen([args.evpnd, "-f", conf, "-s", sock], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
rows = []


def cpu():
    f = open("/proc/%d/stat" % proc.pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock)
    return s


def req(s, f, **o):
    s.sendall(json.dumps(o).encode() + b"\n")
    return json.loads(f.readline())


def pipeline(reqs):
    """Send every request on one connection while reading the replies; all must succeed."""
    s = conn()
    f = s.makefile("rb")
    def send():
        for i in range(0, len(reqs), 500):
            s.sendall(b"".join(reqs[i:i + 500]))
    t = threading.Thread(target=send)
    t.start()
    for _ in reqs:
        r = json.loads(f.readline())
        assert r["ok"], r
    t.join()
    s.close()


class Reader(threading.Thread):
    """Reads watchers' streams (many sockets in one thread) until `want` lines each; first and last
    are when the first watcher passed `skip` lines (the reply, an empty snapshot's synced) and when
    the last one got all."""

    def __init__(self, socks, want, skip):
        super().__init__(daemon=True)
        self.socks, self.want, self.skip = socks, want, skip
        self.count = {s: 0 for s in socks}
        self.first = self.last = None

    def run(self):
        live = set(self.socks)
        while live:
            ready = select.select(list(live), [], [], 60)[0]
            if not ready:
                return
            for s in ready:
                d = s.recv(1 << 20)
                if not d:
                    live.discard(s)
                    continue
                self.count[s] += d.count(b"\n")
                if self.first is None and self.count[s] > self.skip:
                    self.first = time.monotonic()
                if self.count[s] >= self.want:
                    self.last = time.monotonic()
                    live.discard(s)


def watch(family, n_watchers, want, skip):
    socks = []
    for _ in range(n_watchers):
        s = conn()
        s.sendall(json.dumps({"cmd": "watch", "family": family}).encode() + b"\n")
        socks.append(s)
    r = Reader(socks, want, skip)
    return socks, r


def figure(name, value, unit):
    rows.append((name, value, unit))
    print("%-58s %12.1f %s" % (name, value, unit), flush=True)


try:
    for _ in range(100):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    n = args.n
    adm = conn()
    admf = adm.makefile("rb")
    keys = [b'{"cmd":"add-key","key":"bench/%d","value":"host-%d"}\n' % (i, i) for i in range(n)]
    macs = [b'{"cmd":"add-macadv","mac":"02:00:%02x:%02x:%02x:01","vni":100}\n' % (i >> 16, (i >> 8) & 255, i & 255)
            for i in range(n)]

    # the live rate, one watcher, opaque then EVPN
    for fam, reqs in (("opaque", keys), ("evpn", macs)):
        socks, r = watch(fam, 1, n + 2, 2)  # the reply, synced (nothing yet), n updates
        time.sleep(0.3)
        r.start()
        t0, c0 = time.monotonic(), cpu()
        pipeline(reqs)
        r.join(120)
        figure("%s: %d changes, live events/s at one watcher" % (fam, n), n / (r.last - r.first), "events/s")
        figure("%s: evpnd CPU per change, 1 watcher" % fam, (cpu() - c0) / n * 1e6, "us")
        for s in socks:
            s.close()
    st = req(adm, admf, cmd="show-status")["data"]["control"]
    figure("replay window: bytes per event (%d events)" % st["replay_window_events"],
           st["replay_window_bytes"] / max(1, st["replay_window_events"]), "B")

    # the snapshot rate of a watcher joining with the table full
    for fam in ("opaque", "evpn"):
        socks, r = watch(fam, 1, n + 2, 1)  # the reply, n snapshot events, synced
        r.start()
        r.join(120)
        figure("%s: snapshot of %d routes, events/s" % (fam, n), n / (r.last - r.first), "events/s")
        socks[0].close()

    # CPU per change: no watcher, 100 idle (watching EVPN while keys change), 100 reading; the
    # watchers join an empty key table, then n keys are added
    dels = [b'{"cmd":"del-key","key":"bench/%d"}\n' % i for i in range(n)]
    pipeline(dels)
    pipeline([m.replace(b"add-macadv", b"del-macadv") for m in macs])
    for label, nw, fam in (("no watcher", 0, None), ("100 idle watchers", 100, "evpn"),
                           ("100 watchers reading", 100, "opaque")):
        # the reply, an empty snapshot's synced, n updates (none for the idle ones)
        socks, r = watch(fam, nw, n + 2 if fam == "opaque" else 2, 0) if nw else ([], None)
        if nw:
            r.start()
            time.sleep(1)
        c0 = cpu()
        t0 = time.monotonic()
        pipeline(keys)
        took = time.monotonic() - t0
        if nw and fam == "opaque":
            r.join(300)
            took = max(took, r.last - t0)
        used = cpu() - c0
        figure("%d keys added, %s: evpnd CPU per change" % (n, label), used / n * 1e6, "us")
        figure("%d keys added, %s: wall time (watchers have all)" % (n, label), took, "s")
        for s in socks:
            s.close()
        time.sleep(0.5)
        pipeline(dels)
    if args.out:
        with open(args.out, "w") as f:
            f.write("figure,value,unit\n")
            for row in rows:
                f.write('"%s",%.3f,%s\n' % row)
finally:
    proc.terminate()
    proc.wait()
