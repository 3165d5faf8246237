# SPDX-License-Identifier: Apache-2.0
"""A minimal BGP speaker for the integration tests: sends hand-built messages an ordinary peer will
not (routes carrying our own ORIGINATOR_ID or CLUSTER_LIST, malformed attributes) to an evpnd.

Run it inside a test namespace with `ip netns exec`: python3 bgpspeak.py ACTION ARGS (see main).
Messages are built from the field layouts of RFC 4271 (OPEN, UPDATE), RFC 4760 (MP_REACH_NLRI),
RFC 4456 (ORIGINATOR_ID 9, CLUSTER_LIST 10) and RFC 7432 (EVPN type 2), the same bytes as the
GoBGP capture in tests/data/gobgp-3.10-capture.tsv (frames 19+: MAC advertisement UPDATEs).
"""
import ipaddress
import json
import socket
import struct
import sys
import time

MARKER = b"\xff" * 16


def msg(typ, body):
    return MARKER + struct.pack("!HB", 19 + len(body), typ) + body


def open_msg(asn, rid, hold=90, opaque=False):
    caps = (b"\x01\x04\x00\x19\x00\x46"              # MP: AFI 25 (L2VPN), SAFI 70 (EVPN)
            + (b"\x01\x04\x40\x0d\x00\xf1" if opaque else b"")  # MP: GoBGP's opaque, AFI 16397 SAFI 241
            + b"\x02\x00"                                # route refresh (RFC 2918)
            + b"\x41\x04" + struct.pack("!I", asn))  # 4-octet AS
    opt = b"\x02" + bytes([len(caps)]) + caps
    my_as = asn if asn < 65536 else 23456
    return msg(1, struct.pack("!BHH4sB", 4, my_as, hold, ipaddress.IPv4Address(rid).packed,
                              len(opt)) + opt)


def attr(flags, typ, val):
    if len(val) > 255:
        return struct.pack("!BBH", flags | 0x10, typ, len(val)) + val
    return struct.pack("!BBB", flags, typ, len(val)) + val


def mac_nlri(rd_admin, rd_num, mac, label):
    rd = struct.pack("!HHI", 1, 0, 0)[:2] + ipaddress.IPv4Address(rd_admin).packed + struct.pack("!H", rd_num)
    body = (rd + b"\x00" * 10 + b"\x00\x00\x00\x00" + b"\x30" + bytes.fromhex(mac.replace(":", ""))
            + b"\x00" + struct.pack("!I", label)[1:])  # label: the VNI, raw 24 bits
    return b"\x02" + bytes([len(body)]) + body


def update(nexthop, nlris, originator=None, clusters=(), rt=(64512, 100), bad_cluster=False,
           aspath=(), local_pref=100):
    mp = (struct.pack("!HBB", 25, 70, 4) + ipaddress.IPv4Address(nexthop).packed + b"\x00"
          + b"".join(nlris))
    seq = (bytes([2, len(aspath)]) + b"".join(struct.pack("!I", a) for a in aspath)) if aspath else b""
    attrs = (attr(0x40, 1, b"\x00")                     # ORIGIN IGP
             + attr(0x40, 2, seq))                      # AS_PATH: empty (iBGP) or one AS_SEQUENCE
    if local_pref is not None:
        attrs += attr(0x40, 5, struct.pack("!I", local_pref))  # LOCAL_PREF
    if originator:
        attrs += attr(0x80, 9, ipaddress.IPv4Address(originator).packed)
    if clusters or bad_cluster:
        cl = b"".join(ipaddress.IPv4Address(c).packed for c in clusters)
        attrs += attr(0x80, 10, cl + (b"\x01\x02" if bad_cluster else b""))  # not a multiple of 4: RFC 7606 withdraw
    ext = (struct.pack("!BBHI", 0x00, 0x02, rt[0], rt[1])         # route target AS:N
           + bytes.fromhex("030c000000000008"))                   # encapsulation VXLAN
    attrs += attr(0xc0, 16, ext) + attr(0x80, 14, mp)
    return msg(2, struct.pack("!H", 0) + struct.pack("!H", len(attrs)) + attrs)


def notification(code, sub):
    return msg(3, bytes([code, sub]))


KEEPALIVE = msg(4, b"")
REFRESH_OPAQUE = msg(5, struct.pack("!HBB", 16397, 0, 241))  # RFC 2918: AFI, reserved, SAFI


def is_eor(body, afi, safi):
    """An UPDATE that is only an End-of-RIB for (afi, safi): no withdrawn routes, one attribute,
    MP_UNREACH_NLRI holding just the AFI and SAFI (RFC 4724 section 2)."""
    if len(body) < 4 or struct.unpack("!H", body[:2])[0] != 0:
        return False
    attrs = body[4:4 + struct.unpack("!H", body[2:4])[0]]
    return (len(attrs) >= 6 and attrs[1] == 15 and
            attrs[3 if not attrs[0] & 0x10 else 4:] == struct.pack("!HB", afi, safi))


class Peer:
    def __init__(self, local, remote, asn, rid, port=179, opaque=False, rcvbuf=0):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:  # before connect: the window it advertises stays small
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.settimeout(10)
        self.s.bind((local, 0))
        self.s.connect((remote, port))
        self.buf = b""
        self.s.sendall(open_msg(asn, rid, opaque=opaque))

    def read(self, timeout=10):
        """One message as (type, body); None on close."""
        self.s.settimeout(timeout)
        while True:
            if len(self.buf) >= 19:
                ln = struct.unpack("!H", self.buf[16:18])[0]
                if len(self.buf) >= ln:
                    m, self.buf = self.buf[:ln], self.buf[ln:]
                    return m[18], m[19:]
            d = self.s.recv(65536)
            if not d:
                return None
            self.buf += d

    def establish(self):
        """Wait for the OPEN, answer KEEPALIVE, wait for its KEEPALIVE."""
        t, _ = self.read()
        assert t == 1, "expected OPEN, got %r" % t
        self.s.sendall(KEEPALIVE)
        while True:
            t, b = self.read()
            if t == 4:
                return
            assert t != 3, "NOTIFICATION %r" % b.hex()

    def send(self, m):
        self.s.sendall(m)

    def outcome(self, timeout):
        """After sending something evpnd may refuse: wait up to timeout for a NOTIFICATION or a
        close. Returns {"notification": [code, subcode] or None, "closed": bool}; other messages
        (KEEPALIVE, UPDATE) are skipped."""
        end = time.time() + timeout
        while True:
            left = end - time.time()
            if left <= 0:
                return {"notification": None, "closed": False}
            try:
                r = self.read(timeout=left)
            except socket.timeout:
                return {"notification": None, "closed": False}
            except OSError:
                return {"notification": None, "closed": True}
            if r is None:
                return {"notification": None, "closed": True}
            if r[0] == 3:
                return {"notification": [r[1][0], r[1][1] if len(r[1]) > 1 else 0], "closed": True}

    def pump(self, seconds):
        """Keep the session alive (answer nothing, send KEEPALIVEs) for seconds."""
        end = time.time() + seconds
        while time.time() < end:
            self.s.sendall(KEEPALIVE)
            try:
                r = self.read(timeout=min(1.0, max(0.05, end - time.time())))
            except socket.timeout:
                continue
            if r is None:
                raise SystemExit("session closed by evpnd")
            if r[0] == 3:
                raise SystemExit("NOTIFICATION from evpnd: %s" % r[1].hex())


def main():
    # routes LOCAL REMOTE ASN RID NEXTHOP SECONDS ROUTE...: ROUTE is MAC[,originator=IP][,cluster=IP+IP]
    #   [,aspath=AS+AS][,lp=N] (AS_PATH as one AS_SEQUENCE; LOCAL_PREF, default 100)
    # badattr LOCAL REMOTE ASN RID COUNT PAUSE COUNT2: COUNT malformed UPDATEs, PAUSE s, COUNT2 more
    # notify LOCAL REMOTE ASN RID COUNT: COUNT sessions, each closed by a NOTIFICATION Cease/4
    # raw LOCAL REMOTE ASN RID WAIT HEX...: each HEX an UPDATE body (after the 19-byte header), sent
    #   in order; then WAIT s for a NOTIFICATION; prints {"notification": [code, sub]|null, "closed": b}
    # stall LOCAL REMOTE ASN RID COUNT SECONDS: a neighbor that reads nothing once established: a
    #   small receive window, COUNT ROUTE-REFRESH (opaque), KEEPALIVEs every second, for up to
    #   SECONDS; prints {"refreshes": COUNT, "reset_after": s or null} (when its sends started failing)
    # reader LOCAL REMOTE ASN RID SECONDS: reads everything; prints {"eor_after": s, "bytes": n} once
    #   End-of-RIB for opaque arrives, then keeps the session up for SECONDS
    act, local, remote, asn, rid = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    if act == "stall":
        n, secs = int(sys.argv[6]), float(sys.argv[7])
        p = Peer(local, remote, asn, rid, opaque=True, rcvbuf=4096)
        p.establish()
        t0 = time.time()
        for _ in range(n):
            p.send(REFRESH_OPAQUE)
        reset = None
        while time.time() - t0 < secs:
            try:
                p.send(KEEPALIVE)
            except OSError:
                reset = round(time.time() - t0, 1)
                break
            time.sleep(1)
        print(json.dumps({"refreshes": n, "reset_after": reset}), flush=True)
        return
    if act == "reader":
        p = Peer(local, remote, asn, rid, opaque=True)
        p.establish()
        t0, total = time.time(), 0
        while True:
            r = p.read(timeout=120)
            if r is None:
                raise SystemExit("session closed by evpnd")
            total += len(r[1]) + 19
            if r[0] == 3:
                raise SystemExit("NOTIFICATION from evpnd: %s" % r[1].hex())
            if r[0] == 2 and is_eor(r[1], 16397, 241):
                break
        print(json.dumps({"eor_after": round(time.time() - t0, 2), "bytes": total}), flush=True)
        p.pump(float(sys.argv[6]))
        return
    if act == "raw":
        p = Peer(local, remote, asn, rid, opaque=True)
        p.establish()
        for h in sys.argv[7:]:
            p.send(msg(2, bytes.fromhex(h)))
        print(json.dumps(p.outcome(float(sys.argv[6]))), flush=True)
        return
    if act == "notify":
        for _ in range(int(sys.argv[6])):
            p = Peer(local, remote, asn, rid)
            p.establish()
            p.send(notification(6, 4))
            time.sleep(0.2)
            p.s.close()
            time.sleep(0.3)
        return
    p = Peer(local, remote, asn, rid)
    p.establish()
    if act == "routes":
        nh, secs = sys.argv[6], float(sys.argv[7])
        for i, spec in enumerate(sys.argv[8:]):
            parts = spec.split(",")
            kw = dict(x.split("=", 1) for x in parts[1:])
            p.send(update(nh, [mac_nlri(rid, 100, parts[0], 100)], originator=kw.get("originator"),
                          clusters=[c for c in kw.get("cluster", "").split("+") if c],
                          aspath=[int(a) for a in kw.get("aspath", "").split("+") if a],
                          local_pref=int(kw.get("lp", 100))))
        print("sent", flush=True)
        p.pump(secs)
    elif act == "badattr":
        n1, pause, n2 = int(sys.argv[6]), float(sys.argv[7]), int(sys.argv[8])
        for i in range(n1 + n2):
            if i == n1:
                p.pump(pause)
            p.send(update(rid, [mac_nlri(rid, 100, "02:00:00:00:%02x:%02x" % (i >> 8, i & 255), 100)],
                          bad_cluster=True))
        print("sent", flush=True)
        p.pump(2)


if __name__ == "__main__":
    main()
