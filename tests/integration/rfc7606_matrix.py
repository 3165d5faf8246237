# SPDX-License-Identifier: Apache-2.0
"""RFC 7606 matrix for evpnd: malformed UPDATEs sent by a raw speaker (bgpspeak.py), one case per row.

Each row names the outcome evpnd owes and the text that says so:
  ok        the UPDATE is taken as is (an unknown attribute, say): its route is there
  discard   attribute discard: the UPDATE stands without the bad attribute, its route is there
  withdraw  treat-as-withdraw: the row's route, announced cleanly first, is gone; session kept
  ignore    the NLRI is dropped (RFC 7606 5.4: unknown EVPN route type); session kept
  reset     session reset: NOTIFICATION UPDATE Message Error/subcode, routes of the session go; the
            driver reconnects and re-announces the baseline
Every row also checks: evpnd's PID alive, the baseline routes unchanged (unless reset), and a probe
route sent after the bad UPDATE arrives (the session really is up and the UPDATE was processed).

Sources: RFC 4271 6.3 (subcodes), RFC 7606 (3.c flags, 3.d missing, 3.g repeats, 3.j/5.3 NLRI,
4 attribute length, 5.2 no reachable NLRI, 5.4 typed NLRI, 7.x per attribute), RFC 4760 7 (MP
attribute errors: Optional Attribute Error), RFC 7432 7 / RFC 9136 3.1 (EVPN NLRI fields),
RFC 6514 5 (PMSI_TUNNEL), GoBGP's opaque encoding (docs/wire.md). evpnd does not implement
"AFI/SAFI disable": where RFC 7606 offers it beside session reset, evpnd resets.

Run as: python3 rfc7606_matrix.py run --local A --remote B --asn N --ebgp-local A2 --ebgp-asn N2
        --ctl SOCK --evpnctl PATH --pid PID [--capture TSV]   (inside the speaker's namespace)
or:     python3 rfc7606_matrix.py list     (prints the matrix)
"""
import argparse
import ipaddress
import json
import os
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bgpspeak  # noqa: E402

UPD = 3  # NOTIFICATION code UPDATE Message Error
ATTRLIST, UNKWN_WK, MISSING_WK, FLAGS, LENGTH, ORIGIN_E, NEXTHOP_E, OPTATTR, NETWORK, ASPATH = \
    1, 2, 3, 4, 5, 6, 8, 9, 10, 11

# ---- wire builders (RFC 4271 4.3, RFC 4760 3-4, RFC 7432 7, RFC 9136 3.1) ----


def attr(flags, typ, val, declared=None):
    """One path attribute; declared overrides the length field (extended length when > 255)."""
    n = len(val) if declared is None else declared
    if n > 255 or flags & 0x10:
        return struct.pack("!BBH", flags | 0x10, typ, n) + val
    return struct.pack("!BBB", flags, typ, n) + val


def v4(a):
    return ipaddress.ip_address(a).packed


class Ctx:
    rid = "10.0.0.1"
    asn = 64512
    ebgp = False


def rd(ctx):
    return struct.pack("!H", 1) + v4(ctx.rid) + struct.pack("!H", 100)  # RD type 1 rid:100


def evpn(typ, body, declared=None):
    return bytes([typ, len(body) if declared is None else declared]) + body


def mac_body(ctx, mac, ip=None, labels=(100,), maclen=48, iplen=None, tail=b""):
    ipb = v4(ip) if ip else b""
    return (rd(ctx) + b"\0" * 10 + b"\0\0\0\0" + bytes([maclen]) + bytes.fromhex(mac.replace(":", ""))
            + bytes([len(ipb) * 8 if iplen is None else iplen]) + ipb
            + b"".join(struct.pack("!I", l)[1:] for l in labels) + tail)


def macip(ctx, mac, ip=None, labels=(100,), **kw):
    return evpn(2, mac_body(ctx, mac, ip, labels, **kw))


def imet(ctx, orig, iplen=32, tail=b""):
    return evpn(3, rd(ctx) + b"\0\0\0\0" + bytes([iplen]) + v4(orig) + tail)


def opaque(key, val):
    return struct.pack("!H", len(key)) + key + val


def mp_reach(nlri, afi=25, safi=70, nh="10.77.0.9", nhlen=None, declared=None, flags=0x80):
    nhb = v4(nh)
    val = struct.pack("!HBB", afi, safi, len(nhb) if nhlen is None else nhlen) + nhb + b"\0" + nlri
    return attr(flags, 14, val, declared)


def mp_unreach(nlri, afi=25, safi=70, declared=None, flags=0x80):
    return attr(flags, 15, struct.pack("!HB", afi, safi) + nlri, declared)


def base_attrs(ctx, mp, pmsi=None):
    """type -> attribute, the way GoBGP sends them (ascending type), for an UPDATE carrying mp."""
    a = {1: attr(0x40, 1, b"\0"),
         2: attr(0x40, 2, struct.pack("!BBI", 2, 1, ctx.peer_as) if ctx.ebgp else b"")}
    if not ctx.ebgp:
        a[5] = attr(0x40, 5, struct.pack("!I", 100))
    a[14] = mp
    a[16] = attr(0xc0, 16, struct.pack("!HHI", 0x0002, 64512, 100) + bytes.fromhex("030c000000000008"))
    if pmsi:
        a[22] = pmsi
    return a


def w(attrs, upd):
    """attrs with the types in upd replaced or added."""
    d = dict(attrs)
    d.update(upd)
    return d


def body(attrs, last=None, first=None):
    """UPDATE body from type -> attribute bytes (or a list of bytes): ascending type, with `last`
    moved to the end and `first` to the front."""
    order = sorted(attrs)
    if last is not None:
        order.remove(last)
        order.append(last)
    if first is not None:
        order.remove(first)
        order.insert(0, first)
    parts = []
    for t in order:
        v = attrs[t]
        parts.extend(v if isinstance(v, list) else [v])
    blob = b"".join(parts)
    return struct.pack("!HH", 0, len(blob)) + blob


def pmsi_attr(ctx, label=100, ep=None, declared=None, flags=0xc0, val=None):
    v = val if val is not None else b"\x00\x06" + struct.pack("!I", label)[1:] + v4(ep or ctx.rid)
    return attr(flags, 22, v, declared)


# ---- the matrix ----

def case(name, expect, src, build, sub=None, target=None, check=None, session="ibgp"):
    """build(ctx) -> UPDATE body; target(ctx) -> route selector dict (announced cleanly first for
    withdraw rows); check(route) -> extra assertion on the row's route after the UPDATE."""
    return dict(name=name, expect=expect, src=src, build=build, sub=sub, target=target, check=check,
                session=session)


def mac_of(i):
    return "02:76:06:%02x:%02x:01" % (i >> 8, i & 255)


# Per attribute: (type, good value flags, bad length value, wrong flags, RFC for the value rule,
# outcome for a malformed value, outcome for wrong flags)
ATTRS = [
    # type, name, flags, good value, bad-length value, bad-flags flags, value outcome, flag outcome, rule
    (1, "ORIGIN", 0x40, b"\0", b"\0\0", 0xc0, ("withdraw", LENGTH), ("withdraw", FLAGS), "RFC 7606 7.1"),
    (2, "AS_PATH", 0x40, b"\x02\x01\x00\x00\xfd\xe8", b"\x02\x02\x00\x00\xfd\xe8", 0x80,
     ("withdraw", ASPATH), ("withdraw", FLAGS), "RFC 7606 7.2"),
    (3, "NEXT_HOP", 0x40, v4("10.77.0.9"), v4("10.77.0.9") + b"\1", 0xc0, ("withdraw", LENGTH),
     ("withdraw", FLAGS), "RFC 7606 7.3"),
    (4, "MED", 0x80, struct.pack("!I", 5), b"\0\0\5", 0x40, ("withdraw", LENGTH), ("withdraw", FLAGS),
     "RFC 7606 7.4"),
    (5, "LOCAL_PREF", 0x40, struct.pack("!I", 100), b"\0\x64", 0xc0, ("withdraw", LENGTH),
     ("withdraw", FLAGS), "RFC 7606 7.5"),
    (6, "ATOMIC_AGGREGATE", 0x40, b"", b"\0", 0xc0, ("discard", 0), ("discard", 0),
     "RFC 7606 7.6 (flags: 3.c's exception, informational attribute, as FRR)"),
    (7, "AGGREGATOR", 0xc0, struct.pack("!I", 64512) + v4("10.0.0.1"), struct.pack("!H", 64512) + v4("10.0.0.1"),
     0x40, ("discard", 0), ("discard", 0), "RFC 7606 7.7 (flags: as 7.6)"),
    (8, "COMMUNITIES", 0xc0, struct.pack("!I", 0xfc000001), b"\xfc\0\0", 0x80, ("withdraw", LENGTH),
     ("withdraw", FLAGS), "RFC 7606 7.8"),
    (9, "ORIGINATOR_ID", 0x80, v4("10.77.0.77"), v4("10.77.0.77") + b"\0", 0xc0, ("withdraw", LENGTH),
     ("withdraw", FLAGS), "RFC 7606 7.9"),
    (10, "CLUSTER_LIST", 0x80, v4("10.9.9.9"), v4("10.9.9.9") + b"\0\0", 0xc0, ("withdraw", LENGTH),
     ("withdraw", FLAGS), "RFC 7606 7.10"),
    (16, "EXT_COMMUNITIES", 0xc0, struct.pack("!HHI", 2, 64512, 100), struct.pack("!HHI", 2, 64512, 100) + b"\3\x0c\0\0",
     0x80, ("withdraw", LENGTH), ("withdraw", FLAGS), "RFC 7606 7.14"),
    (22, "PMSI_TUNNEL", 0xc0, None, b"\x00\x06\x00\x00", 0x80, ("withdraw", OPTATTR), ("withdraw", FLAGS),
     "RFC 6514 5 (no RFC 7606 rule: treat-as-withdraw as 7606 3.c and 8 advise)"),
    (99, "unknown optional transitive", 0xc0, b"\xab\xcd", None, 0x80, None, ("ok", 0),
     "RFC 4271 5/9: kept with PARTIAL; flagged non-transitive: dropped quietly"),
]


def attribute_rows():
    rows = []
    for typ, nm, fl, good, badlen, badfl, vout, flout, rule in ATTRS:
        def val(ctx, good=good, typ=typ):
            return good if typ != 22 else b"\x00\x06" + struct.pack("!I", 100)[1:] + v4(ctx.rid)

        def target(ctx, key):
            return dict(family="evpn", mac=mac_of(key))

        def with_attr(ctx, key, a, last=None, first=None, typ=typ):
            at = base_attrs(ctx, mp_reach(macip(ctx, mac_of(key))))
            at[typ] = a
            return body(at, last=last, first=first)

        k = len(rows) + 1
        if vout is not None:
            rows.append(case("%s bad length" % nm, vout[0], rule, sub=vout[1],
                             build=lambda c, k=k, fl=fl, typ=typ, badlen=badlen, wa=with_attr: wa(c, k, attr(fl, typ, badlen)),
                             target=lambda c, k=k, t=target: t(c, k)))
        k = len(rows) + 1
        rows.append(case("%s bad flags 0x%02x" % (nm, badfl), flout[0], "RFC 7606 3.c; " + rule, sub=flout[1],
                         build=lambda c, k=k, badfl=badfl, typ=typ, v=val, wa=with_attr: wa(c, k, attr(badfl, typ, v(c))),
                         target=lambda c, k=k, t=target: t(c, k)))
        k = len(rows) + 1
        # the attribute last, its length running 4 bytes past the block: MP_REACH (type 14) was located
        rows.append(case("%s truncated (length past the attributes, after MP_REACH)" % nm, "withdraw",
                         "RFC 7606 4", sub=ATTRLIST,
                         build=lambda c, k=k, fl=fl, typ=typ, v=val, wa=with_attr:
                         wa(c, k, attr(fl, typ, v(c), declared=len(v(c)) + 4), last=typ),
                         target=lambda c, k=k, t=target: t(c, k)))
        k = len(rows) + 1
        rows.append(case("%s duplicated" % nm, "discard", "RFC 7606 3.g",
                         build=lambda c, k=k, fl=fl, typ=typ, v=val, wa=with_attr:
                         wa(c, k, [attr(fl, typ, v(c)), attr(fl, typ, v(c))]),
                         target=lambda c, k=k, t=target: t(c, k)))
    return rows


def more_attribute_rows(start):
    rows = []

    def r(name, expect, src, build, sub=None, session="ibgp", check=None, pre=True):
        k = start + len(rows)
        rows.append(case(name, expect, src, sub=sub, session=session, check=check,
                         build=lambda c, k=k: build(c, k),
                         target=(lambda c, k=k: dict(family="evpn", mac=mac_of(k))) if pre else None))

    def std(c, k, **kw):
        return base_attrs(c, mp_reach(macip(c, mac_of(k))), **kw)

    r("ORIGIN value 3", "withdraw", "RFC 7606 7.1", sub=ORIGIN_E,
      build=lambda c, k: body(w(std(c, k), {1: attr(0x40, 1, b"\3")})))
    r("AS_PATH segment type 7", "withdraw", "RFC 7606 7.2", sub=ASPATH,
      build=lambda c, k: body(w(std(c, k), {2: attr(0x40, 2, b"\x07\x01\x00\x00\xfc\x00")})))
    r("missing ORIGIN", "withdraw", "RFC 7606 3.d", sub=MISSING_WK,
      build=lambda c, k: body({t: v for t, v in std(c, k).items() if t != 1}))
    r("missing AS_PATH", "withdraw", "RFC 7606 3.d", sub=MISSING_WK,
      build=lambda c, k: body({t: v for t, v in std(c, k).items() if t != 2}))
    r("unknown well-known attribute 99", "reset", "RFC 4271 6.3 (RFC 7606 does not revise it)", sub=UNKWN_WK,
      build=lambda c, k: body(w(std(c, k), {99: attr(0x40, 99, b"\xab")})), pre=False)
    r("unknown optional transitive 99 of 0 bytes", "ok", "RFC 4271 5",
      build=lambda c, k: body(w(std(c, k), {99: attr(0xc0, 99, b"")})))
    r("lone flags byte after MP_REACH (under 3 bytes left)", "withdraw", "RFC 7606 4",
      build=lambda c, k: body(w(std(c, k), {200: b"\x40"})))
    r("ORIGIN truncated before MP_REACH (MP_REACH swallowed)", "reset",
      "RFC 7606 4 and 5.2: no reachable NLRI located", sub=ATTRLIST, pre=False,
      build=_swallow)
    r("MED bad length beside withdraws only", "reset", "RFC 7606 5.2: no reachable NLRI", sub=LENGTH, pre=False,
      build=lambda c, k: body({1: attr(0x40, 1, b"\0"), 2: attr(0x40, 2, b""), 4: attr(0x80, 4, b"\0\0\5"),
                               15: mp_unreach(macip(c, mac_of(k)))}))
    r("MED bad length with an MP_REACH of no NLRI", "reset", "RFC 7606 5.2", sub=LENGTH, pre=False,
      build=lambda c, k: body(w(base_attrs(c, mp_reach(b"")), {4: attr(0x80, 4, b"\0\0\5")})))
    r("total path attribute length past the message", "reset", "RFC 4271 6.3 (Malformed Attribute List)",
      sub=ATTRLIST, pre=False, build=lambda c, k: struct.pack("!HH", 0, 400) + body(std(c, k))[4:])
    # MP_REACH_NLRI (RFC 4760 7, RFC 7606 3.g, 3.j, 7.11)
    r("MP_REACH bad length (one short: NLRI cut)", "reset", "RFC 7606 3.j/5.3, RFC 4760 7", sub=OPTATTR, pre=False,
      build=lambda c, k: body(w(std(c, k), {14: _mp_short(c, k)})))
    r("MP_REACH next hop length 5", "reset", "RFC 7606 7.11", sub=OPTATTR, pre=False,
      build=lambda c, k: body(w(std(c, k), {14: mp_reach(macip(c, mac_of(k)), nhlen=5)})))
    r("MP_REACH bad flags 0xc0", "withdraw", "RFC 7606 3.c (NLRI still located)", sub=FLAGS,
      build=lambda c, k: body(w(std(c, k), {14: mp_reach(macip(c, mac_of(k)), flags=0xc0)})))
    r("MP_REACH truncated (length past the attributes)", "reset", "RFC 7606 3.j/4", sub=ATTRLIST, pre=False,
      build=lambda c, k: body(w(std(c, k), {14: mp_reach(macip(c, mac_of(k)), declared=200)}), last=14))
    r("MP_REACH duplicated", "reset", "RFC 7606 3.g", sub=ATTRLIST, pre=False,
      build=lambda c, k: body(w(std(c, k), {14: [mp_reach(macip(c, mac_of(k)))] * 2})))
    # MP_UNREACH_NLRI
    r("MP_UNREACH bad length (2 bytes: no SAFI)", "reset", "RFC 7606 3.j, RFC 4760 7", sub=OPTATTR, pre=False,
      build=lambda c, k: body({15: attr(0x80, 15, b"\0\x19")}))
    r("MP_UNREACH bad flags 0xc0 (alone)", "withdraw", "RFC 7606 3.c; 5.2 does not apply (only MP_UNREACH)",
      build=lambda c, k: body({15: mp_unreach(macip(c, mac_of(k)), flags=0xc0)}))
    r("MP_UNREACH truncated", "reset", "RFC 7606 3.j/4", sub=ATTRLIST, pre=False,
      build=lambda c, k: body({15: mp_unreach(macip(c, mac_of(k)), declared=100)}))
    r("MP_UNREACH duplicated", "reset", "RFC 7606 3.g", sub=ATTRLIST, pre=False,
      build=lambda c, k: body({15: [mp_unreach(macip(c, mac_of(k)))] * 2}))
    # EVPN-specific attribute content
    r("PMSI_TUNNEL ingress replication, endpoint of 5 bytes", "withdraw", "RFC 6514 5", sub=OPTATTR,
      build=lambda c, k: body(w(std(c, k), {22: pmsi_attr(c, val=b"\x00\x06\x00\x00\x64" + v4(c.rid) + b"\0")})))
    r("two MAC mobility communities (fixed 8-byte values: no length to get wrong)", "ok",
      "RFC 4360 2 (extended communities are 8 bytes); RFC 7432 7.7",
      build=lambda c, k: body(w(std(c, k), {16: attr(0xc0, 16, struct.pack("!HHI", 2, 64512, 100)
                                                       + bytes.fromhex("0600000000000001 0600000000000002"))})))
    # eBGP-specific rules
    r("eBGP: LOCAL_PREF", "discard", "RFC 7606 7.5", session="ebgp",
      build=lambda c, k: body(w(std(c, k), {5: attr(0x40, 5, struct.pack("!I", 100))})))
    r("eBGP: LOCAL_PREF of bad length", "discard", "RFC 7606 7.5 (from an external peer: discard)",
      session="ebgp", build=lambda c, k: body(w(std(c, k), {5: attr(0x40, 5, b"\1")})))
    r("eBGP: ORIGINATOR_ID", "discard", "RFC 4456 8 (iBGP only); evpnd discards", session="ebgp",
      check=lambda rt: rt.get("originator_id") is None,
      build=lambda c, k: body(w(std(c, k), {9: attr(0x80, 9, v4("10.77.0.77"))})))
    r("eBGP: CLUSTER_LIST", "discard", "RFC 4456 8 (iBGP only); evpnd discards", session="ebgp",
      check=lambda rt: rt.get("cluster_list") == [],
      build=lambda c, k: body(w(std(c, k), {10: attr(0x80, 10, v4("10.9.9.9"))})))
    r("eBGP: MED bad length", "withdraw", "RFC 7606 7.4", sub=LENGTH, session="ebgp",
      build=lambda c, k: body(w(std(c, k), {4: attr(0x80, 4, b"\0\0\5")})))
    r("eBGP: AS_PATH count past its ASNs", "withdraw", "RFC 7606 7.2", sub=ASPATH, session="ebgp",
      build=lambda c, k: body(w(std(c, k), {2: attr(0x40, 2, b"\x02\x02\x00\x00\xfd\xe9")})))
    r("eBGP: AGGREGATOR of 6 bytes", "discard", "RFC 7606 7.7", session="ebgp",
      build=lambda c, k: body(w(std(c, k), {7: attr(0xc0, 7, b"\xfd\xe9" + v4("10.0.0.1"))})))
    r("eBGP: MP_REACH duplicated", "reset", "RFC 7606 3.g", sub=ATTRLIST, session="ebgp", pre=False,
      build=lambda c, k: body(w(std(c, k), {14: [mp_reach(macip(c, mac_of(k)))] * 2})))
    return rows


def _swallow(c, k):
    """ORIGIN first whose length runs to past the end: it swallows MP_REACH, which is then never
    located."""
    at = base_attrs(c, mp_reach(macip(c, mac_of(k))))
    rest = b"".join(at[t] for t in sorted(at) if t != 1)
    blob = attr(0x40, 1, b"\0" + rest, declared=min(255, len(rest) + 1 + 8))
    return struct.pack("!HH", 0, len(blob)) + blob


def _mp_short(c, k):
    n = macip(c, mac_of(k))
    full = mp_reach(n)
    return attr(0x80, 14, full[3:-1])  # the value minus its last byte: the NLRI runs past it


def nlri_rows(start):
    """EVPN route types 1-5 and opaque: each broken NLRI inside an otherwise good MP_REACH (RFC 7606
    3.j and 5.3, RFC 4760 7: session reset, Optional Attribute Error)."""
    rows = []
    src = "RFC 7606 3.j/5.3, RFC 4760 7; fields: "

    def r(name, nlri_fn, expect="reset", s="RFC 7432 7", fam="evpn", unreach=False):
        def build(c, nf=nlri_fn):
            if fam == "opaque":
                return body({1: attr(0x40, 1, b"\0"), 2: attr(0x40, 2, b""),
                             5: attr(0x40, 5, struct.pack("!I", 100)),
                             14: mp_reach(nf(c), afi=16397, safi=241)})
            if unreach:
                return body({15: mp_unreach(nf(c))})
            return body(base_attrs(c, mp_reach(nf(c))))
        rows.append(case(name, expect, (src + s) if expect == "reset" else s, build, sub=OPTATTR if expect == "reset" else None))

    rdz = lambda c: rd(c)  # noqa: E731
    esi = b"\0" * 10
    # type 1: RD ESI etag label = 25
    r("type 1 route length too short (24)", lambda c: evpn(1, rdz(c) + esi + b"\0" * 4 + b"\0\0"))
    r("type 1 route length too long (26)", lambda c: evpn(1, rdz(c) + esi + b"\0" * 4 + b"\0\0\x64\0"))
    # type 2
    good2 = lambda c, **kw: mac_body(c, "02:76:06:ff:00:02", "192.168.1.2", **kw)  # noqa: E731
    r("type 2 route length too short (GoBGP 3.10 crasher: length byte 0x10)",
      lambda c: evpn(2, good2(c), declared=0x10))
    r("type 2 route length too long (length byte past the field)", lambda c: evpn(2, good2(c), declared=0x40))
    r("type 2 MAC length 47", lambda c: evpn(2, good2(c, maclen=47)))
    r("type 2 MAC length 0", lambda c: evpn(2, good2(c, maclen=0)))
    r("type 2 MAC length 96", lambda c: evpn(2, good2(c, maclen=96)))
    r("type 2 IP length 31", lambda c: evpn(2, good2(c, iplen=31)))
    r("type 2 IP length 64 (8 address bytes)", lambda c: evpn(2, mac_body(c, "02:76:06:ff:00:02", None, iplen=64,
                                                                         labels=()) + b"\0" * 8 + b"\0\0\x64"))
    r("type 2 IP length 128 with 4 address bytes", lambda c: evpn(2, good2(c, iplen=128)))
    r("type 2 trailing byte inside the route", lambda c: evpn(2, good2(c, tail=b"\0")))
    r("type 2 three labels", lambda c: evpn(2, good2(c, labels=(100, 101, 102))))
    r("type 2 no label", lambda c: evpn(2, good2(c, labels=())))
    r("type 2 trailing byte after the NLRI in MP_REACH", lambda c: evpn(2, good2(c)) + b"\x02")
    r("type 2 withdraw with length byte 0x10 (GoBGP crasher in MP_UNREACH)",
      lambda c: evpn(2, good2(c), declared=0x10), unreach=True)
    # type 3
    r("type 3 route length too short", lambda c: evpn(3, (rdz(c) + b"\0" * 4 + b"\x20" + v4("10.77.0.3")), declared=12))
    r("type 3 IP length 0", lambda c: evpn(3, rdz(c) + b"\0" * 4 + b"\x00"))
    r("type 3 IP length 31", lambda c: imet(c, "10.77.0.3", iplen=31))
    r("type 3 trailing byte", lambda c: imet(c, "10.77.0.3", tail=b"\0"))
    # type 4: RD ESI IP-len IP
    r("type 4 IP length 24", lambda c: evpn(4, rdz(c) + esi + b"\x18" + v4("10.77.0.4")[:3]))
    r("type 4 route length too short", lambda c: evpn(4, rdz(c) + esi))
    r("type 4 trailing byte", lambda c: evpn(4, rdz(c) + esi + b"\x20" + v4("10.77.0.4") + b"\0"))
    # type 5: RD ESI etag plen prefix gw label = 34 / 58
    s5 = "RFC 9136 3.1"
    r("type 5 route length 35", lambda c: evpn(5, rdz(c) + esi + b"\0" * 4 + b"\x18" + v4("10.1.0.0") + v4("0.0.0.0")
                                              + b"\0\0\x64\0"), s=s5)
    r("type 5 prefix length 33", lambda c: evpn(5, rdz(c) + esi + b"\0" * 4 + b"\x21" + v4("10.1.0.0") + v4("0.0.0.0")
                                               + b"\0\0\x64"), s=s5)
    r("type 5 route length too short", lambda c: evpn(5, rdz(c) + esi + b"\0" * 4), s=s5)
    # unknown route types: RFC 7606 5.4
    r("unknown route type 6 (SMET), well framed", lambda c: evpn(6, rdz(c) + b"\0" * 4 + b"\x20" + v4("10.77.0.6")
                                                               + b"\x20" + v4("10.77.0.6") + b"\0"),
      expect="ignore", s="RFC 7606 5.4: unknown type of a typed family is discarded")
    r("unknown route type 6, length past the field", lambda c: evpn(6, b"\0" * 4, declared=40))
    # opaque (GoBGP: 2 B key length, key, value to the end)
    r("opaque key length past the NLRI", lambda c: struct.pack("!H", 40) + b"key1val", fam="opaque",
      s="GoBGP opaque encoding (wire.md)")
    r("opaque key length cut (1 byte NLRI)", lambda c: b"\x00", fam="opaque", s="GoBGP opaque encoding (wire.md)")
    return rows


CAPTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "gobgp-3.10-capture.tsv")


def captured_update():
    """GoBGP 3.10's first MAC advertisement UPDATE body from the capture, and the offset of its
    first EVPN NLRI's length byte (inside MP_REACH, after AFI, SAFI, next hop and reserved)."""
    with open(CAPTURE) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 4 or p[0].startswith("#") or p[2] != "2" or "800e" not in p[3]:
                continue
            b = bytes.fromhex(p[3])[19:]
            i = 4 + struct.unpack("!H", b[:2])[0]
            while i < len(b):
                fl, typ = b[i], b[i + 1]
                hl = 4 if fl & 0x10 else 3
                n = struct.unpack("!H", b[i + 2:i + 4])[0] if fl & 0x10 else b[i + 2]
                v = i + hl
                t = v + 4 + b[v + 3] + 1 if typ == 14 else 0  # AFI SAFI nhlen next hop reserved
                if typ == 14 and b[t] == 2:
                    return b, t + 1
                i += hl + n
    raise SystemExit("no MP_REACH UPDATE in " + CAPTURE)


def capture_rows():
    """Real bytes: GoBGP 3.10's own UPDATE, accepted as is, then mutated into the NLRI that crashes
    GoBGP 3.10 (a type-2 length byte shorter than its fields)."""
    def clean(c):
        return captured_update()[0]

    def crasher(c):
        b, at = captured_update()
        return b[:at] + b"\x10" + b[at + 1:]

    mac = "aa:bb:cc:dd:ee:04"
    return [case("GoBGP 3.10 capture, frame as sent", "ok", "tests/data/gobgp-3.10-capture.tsv", clean,
                 target=lambda c: dict(family="evpn", mac=mac)),
            case("GoBGP 3.10 capture, type-2 length byte 0x21 -> 0x10 (the GoBGP crasher)", "reset",
                 "RFC 7606 3.j/5.3, RFC 4760 7", crasher, sub=OPTATTR)]


def all_rows():
    rows = attribute_rows()
    rows += more_attribute_rows(len(rows) + 1)
    rows += nlri_rows(len(rows) + 1)
    rows += capture_rows()
    return rows


# ---- the driver ----

class Evpnd:
    def __init__(self, evpnctl, sock, pid):
        self.cmd = [evpnctl, "-s", sock]
        self.pid = pid

    def alive(self):
        try:
            with open("/proc/%d/stat" % self.pid) as f:
                return f.read().split()[2] != "Z"
        except OSError:
            return False

    def routes(self, source=None):
        out = subprocess.run(self.cmd + ["show", "routes", "--json"], capture_output=True, text=True,
                             timeout=10).stdout
        d = json.loads(out) if out.strip() else None
        if isinstance(d, dict) and "data" in d:
            d = d["data"]
        return [r for r in (d or []) if source is None or r.get("source") == source]


def ident(r):
    return (r.get("family"), r.get("type"), r.get("rd"), r.get("mac"), r.get("ip"), r.get("originator"),
            r.get("key"))


def strip(r):
    return {k: v for k, v in r.items() if k not in ("age",)}


def match(r, sel):
    return all(r.get(k) == v for k, v in sel.items())


class Session:
    """One speaker session (iBGP or eBGP) with its baseline routes and a probe route."""

    def __init__(self, ctx, args, ev):
        self.ctx, self.args, self.ev = ctx, args, ev
        self.peer = None
        self.probe_n = 0
        self.last_ka = 0
        self.snapshot = None

    def connect(self):
        deadline = time.time() + 20
        while True:
            try:
                p = bgpspeak.Peer(self.ctx.local, self.args.remote, self.ctx.asn, self.ctx.rid, opaque=True)
                p.establish()
                self.peer = p
                return
            except (OSError, AssertionError, TypeError):
                if time.time() > deadline:
                    raise
                time.sleep(0.2)

    def send(self, b):
        self.peer.send(bgpspeak.msg(2, b))

    def keepalive(self):
        if time.time() - self.last_ka > 1.0:
            self.last_ka = time.time()
            try:
                self.peer.send(bgpspeak.KEEPALIVE)
            except OSError:
                pass  # closed after a reset: the caller reconnects

    def baseline_msgs(self):
        c = self.ctx
        m = [body(base_attrs(c, mp_reach(macip(c, c.base_mac1, "192.168.7.1")))),
             body(base_attrs(c, mp_reach(macip(c, c.base_mac2, labels=(100, 200))))),
             body(base_attrs(c, mp_reach(imet(c, c.rid)), pmsi=pmsi_attr(c)))]
        if not c.ebgp:
            m.append(body({1: attr(0x40, 1, b"\0"), 2: attr(0x40, 2, b""), 5: attr(0x40, 5, struct.pack("!I", 100)),
                           14: mp_reach(opaque(b"rfc7606-base", b"value"), afi=16397, safi=241)}))
        return m

    def wait(self, cond, timeout=5.0):
        end = time.time() + timeout
        while time.time() < end:
            self.keepalive()
            v = cond()
            if v:
                return v
            time.sleep(0.02)
        return None

    def announce_baseline(self):
        for b in self.baseline_msgs():
            self.send(b)
        n = len(self.baseline_msgs())
        got = self.wait(lambda: len(self.mine()) >= n and self.mine())
        if not got:
            raise SystemExit("%s: baseline not installed: %r" % (self.ctx.name, self.mine()))
        base = sorted((strip(r) for r in got), key=lambda r: json.dumps(r, sort_keys=True))
        if self.snapshot is None:
            self.snapshot = base
        return base

    def mine(self):
        return [r for r in self.ev.routes(self.ctx.local) if r.get("mac") != self.ctx.probe_mac]

    def baseline_now(self):
        keys = {json.dumps(ident(r)) for r in self.snapshot}
        now = [strip(r) for r in self.ev.routes(self.ctx.local) if json.dumps(ident(r)) in keys]
        return sorted(now, key=lambda r: json.dumps(r, sort_keys=True))

    def probe(self):
        """Announce the probe route with a new label and wait for it: the session is up and every
        UPDATE sent before it has been processed."""
        self.probe_n += 1
        n = self.probe_n
        c = self.ctx
        self.send(body(base_attrs(c, mp_reach(macip(c, c.probe_mac, labels=(n,))))))
        return self.wait(lambda: any(r.get("mac") == c.probe_mac and r.get("vni") == n
                                     for r in self.ev.routes(c.local)), timeout=4.0)


def run_case(s, i, row):
    c = s.ctx
    res = dict(n=i, name=row["name"], session=row["session"], expect=row["expect"], src=row["src"],
               want_sub=row["sub"], ok=False)
    sel = row["target"](c) if row["target"] else None
    before = {json.dumps(ident(r)) for r in s.mine()}
    if row["expect"] == "withdraw" and sel:
        # the same NLRI announced cleanly first, so treat-as-withdraw has something to remove
        s.send(body(base_attrs(c, mp_reach(macip(c, sel["mac"])))))
        if not s.wait(lambda: any(match(r, sel) for r in s.mine())):
            res["why"] = "clean announcement of the row's route not installed"
            return res
    s.send(row["build"](c))
    if row["expect"] == "reset":
        out = s.peer.outcome(5.0)
        res["observed"] = out
        res["alive"] = s.ev.alive()
        want = [UPD, row["sub"]]
        s.peer.s.close()
        gone = s.wait(lambda: not s.ev.routes(c.local), timeout=10.0) is not None
        if out["notification"] != want:
            res["why"] = "wanted NOTIFICATION %s, got %r" % (want, out)
        elif not gone:
            res["why"] = "routes of the reset session still present"
        elif not res["alive"]:
            res["why"] = "evpnd died"
        else:
            res["ok"] = True
        s.connect()
        s.announce_baseline()
        res["baseline_back"] = s.baseline_now() == s.snapshot
        if not res["baseline_back"]:
            res["ok"] = False
            res["why"] = "baseline not re-established after the reset"
        return res
    up = s.probe()
    res["alive"] = s.ev.alive()
    if not up:
        res["observed"] = s.peer.outcome(1.0)
        res["why"] = "session not kept (probe route never arrived)"
        if res["observed"]["closed"]:  # carry on with the next rows on a new session
            s.peer.s.close()
            s.wait(lambda: not s.ev.routes(c.local), timeout=10.0)
            s.connect()
            s.announce_baseline()
        return res
    res["observed"] = {"notification": None, "closed": False}
    mine = s.mine()
    present = [r for r in mine if sel and match(r, sel)]
    intact = s.baseline_now() == s.snapshot
    if not res["alive"]:
        res["why"] = "evpnd died"
    elif not intact:
        res["why"] = "baseline routes changed: %r" % s.baseline_now()
    elif row["expect"] == "withdraw" and present:
        res["why"] = "route not withdrawn: %r" % present
    elif row["expect"] in ("ok", "discard") and sel and not present:
        res["why"] = "route not accepted"
    elif row["expect"] in ("ok", "discard") and row["check"] and not row["check"](present[0]):
        res["why"] = "discarded attribute still applied: %r" % present[0]
    elif row["expect"] == "ignore" and {json.dumps(ident(r)) for r in mine} != before:
        res["why"] = "routes changed for an ignored NLRI: %r" % mine
    else:
        res["ok"] = True
    # leave the table as it was: the row's route goes again
    if present:
        for r in present:  # withdraw it as evpnd shows it (the RD may be another speaker's, as in the capture)
            rdv = r.get("rd", "")
            if rdv.startswith(c.rid + ":"):
                n = macip(c, sel["mac"])
            else:
                asn, num = rdv.split(":")
                n = evpn(2, struct.pack("!HHI", 0, int(asn), int(num)) + mac_body(c, sel["mac"])[8:])
            s.send(body({15: mp_unreach(n)}))
    return res


def run(args):
    ev = Evpnd(args.evpnctl, args.ctl, args.pid)
    rows = all_rows()
    if args.only:
        rows = [r for r in rows if args.only in r["name"]]
    results = []
    t0 = time.time()
    for kind in ("ibgp", "ebgp"):
        mine = [(i, r) for i, r in enumerate(rows, 1) if r["session"] == kind or
                (kind == "ibgp" and r["session"] not in ("ibgp", "ebgp"))]
        if not mine:
            continue
        c = Ctx()
        c.name = kind
        c.ebgp = kind == "ebgp"
        c.local = args.local if kind == "ibgp" else args.ebgp_local
        c.rid = c.local
        c.asn = args.asn if kind == "ibgp" else args.ebgp_asn
        c.peer_as = c.asn
        c.base_mac1, c.base_mac2 = ("02:b0:00:00:00:01", "02:b0:00:00:00:02") if kind == "ibgp" else \
            ("02:b1:00:00:00:01", "02:b1:00:00:00:02")
        c.probe_mac = "02:7e:00:00:00:01" if kind == "ibgp" else "02:7e:00:00:00:02"
        s = Session(c, args, ev)
        s.connect()
        s.announce_baseline()
        for i, row in mine:
            r = run_case(s, i, row)
            results.append(r)
            print("%-4s %-5s %-8s %-70s %s" % (r["n"], kind, row["expect"], row["name"][:70],
                                              "ok" if r["ok"] else "FAIL: " + r.get("why", "")), flush=True)
        s.peer.s.close()
    summary = dict(cases=len(results), failed=[r for r in results if not r["ok"]],
                   seconds=round(time.time() - t0, 1), alive=ev.alive())
    with open(args.out, "w") as f:
        json.dump(dict(summary=summary, results=results), f, indent=1, default=str)
    print(json.dumps({k: (len(v) if k == "failed" else v) for k, v in summary.items()}), flush=True)
    return 0 if not summary["failed"] and summary["alive"] else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("action", choices=("run", "list"))
    ap.add_argument("--local")
    ap.add_argument("--remote")
    ap.add_argument("--asn", type=int, default=64512)
    ap.add_argument("--ebgp-local")
    ap.add_argument("--ebgp-asn", type=int, default=65001)
    ap.add_argument("--ctl")
    ap.add_argument("--evpnctl")
    ap.add_argument("--pid", type=int)
    ap.add_argument("--out", default="/dev/null")
    ap.add_argument("--only")
    args = ap.parse_args()
    if args.action == "list":
        for i, r in enumerate(all_rows(), 1):
            print("%3d %-5s %-8s %-6s %-75s %s" % (i, r["session"], r["expect"],
                                                  "3/%d" % r["sub"] if r["expect"] == "reset" else "",
                                                  r["name"], r["src"]))
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
