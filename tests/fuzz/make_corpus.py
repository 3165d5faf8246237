#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the seed corpora of tests/fuzz/corpus/<target>/ (run from anywhere; as root for netlink).

bgp_msg: every message of the GoBGP 3.10 capture (tests/data/gobgp-3.10-capture.tsv), one file
each, plus each sender's whole stream. snoop: ARP and IPv6 NS/NA frames, tagged and not.
config: docs/configuration.md's example and the configs lab.sh writes. control: the control protocol's
requests. krecord: the records of installed entries (agent/evpn/krecord.c) after its header.
netlink (root, --netlink): links, bridge ports with VLAN tunnels, FDB entries and
neighbours dumped from the kernel in a network namespace this script creates and deletes.
"""
import hashlib
import os
import re
import socket
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def put(target, data, name=None):
    d = os.path.join(HERE, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    name = name or hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def bgp():
    streams = {}
    with open(os.path.join(ROOT, 'tests/data/gobgp-3.10-capture.tsv')) as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            frame, sender, _typ, hx = line.split('\t')
            msg = bytes.fromhex(hx.strip())
            put('bgp_msg', msg, 'capture-frame%s' % frame)
            streams.setdefault(sender, b'')
            streams[sender] += msg
    for sender, s in streams.items():
        put('bgp_msg', s, 'capture-stream-%s' % sender)
    # FRR 8.4's routed-tenant UPDATEs (docs/wire.md, "Symmetric IRB"): a MAC+IP route with the L3
    # VNI as label 2 and the Router's MAC, a type-5 route, and their withdrawals (label 0)
    frr = {
        'frr-macip-l3vni': 'ffffffffffffffffffffffffffffffff00800200000069900e0033001946040a5d000200022800010a5d00020003000000000000000000000000000030020000000212200a02000c0000c8000fa0400101005002000040050400000064c01020030c0000000000080002fde9000000c80002fde900000fa00603020000003002',
        'frr-type5': 'ffffffffffffffffffffffffffffffff00790200000062900e002d001946040a5d000200052200010a5d00020002000000000000000000000000000018c000020000000000000fa040010102500200008004040000000040050400000064c01018030c0000000000080002fde900000fa00603020000003002',
        'frr-macip-withdraw': 'ffffffffffffffffffffffffffffffff00680200000051900f004d001946022500010a5d00020003000000000000000000000000000030020000000212200a02000c000000022100010a5d0002000300000000000000000000000000003002000000021200000000',
        'frr-type5-withdraw': 'ffffffffffffffffffffffffffffffff0042020000002b900f0027001946052200010a5d00020002000000000000000000000000000018c000020000000000000000',
    }
    for name, hx in frr.items():
        put('bgp_msg', bytes.fromhex(hx), name)
    put('bgp_msg', b''.join(bytes.fromhex(frr[k]) for k in sorted(frr)), 'frr-tenant-stream')


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def eth(dst, src, etype, payload, vlan=None):
    h = dst + src
    if vlan is not None:
        h += struct.pack('!HH', 0x8100, vlan)
    return h + struct.pack('!H', etype) + payload


def snoop():
    mac = bytes.fromhex('020000000001')
    peer = bytes.fromhex('020000000002')
    bcast = b'\xff' * 6
    ip1, ip2 = socket.inet_aton('10.0.0.1'), socket.inet_aton('10.0.0.2')
    for op, tha, tip, vlan in ((1, b'\0' * 6, ip2, None), (2, peer, ip2, None), (1, b'\0' * 6, ip2, 10),
                               (1, b'\0' * 6, ip1, None)):  # the last one is a gratuitous ARP
        arp = struct.pack('!HHBBH', 1, 0x0800, 6, 4, op) + mac + ip1 + tha + tip
        put('snoop', eth(bcast if op == 1 else peer, mac, 0x0806, arp, vlan))
    src = socket.inet_pton(socket.AF_INET6, 'fd00::1')
    tgt = socket.inet_pton(socket.AF_INET6, 'fd00::2')
    for typ, s, d, opt_type, vlan in ((135, src, b'\xff\x02' + b'\0' * 9 + b'\x01\xff' + tgt[-3:], 1, None),
                                     (136, tgt, src, 2, None), (135, src, tgt, 1, 20)):
        flags = 0x60000000 if typ == 136 else 0
        body = struct.pack('!BBHI', typ, 0, 0, flags) + tgt + struct.pack('!BB', opt_type, 1) + mac
        pseudo = s + d + struct.pack('!I', len(body)) + b'\0\0\0\x3a'
        body = body[:2] + struct.pack('!H', csum(pseudo + body)) + body[4:]
        ip6 = struct.pack('!IHBB', 0x60000000, len(body), 58, 255) + s + d + body
        put('snoop', eth(b'\x33\x33\xff' + tgt[-3:] if typ == 135 else peer, mac, 0x86dd, ip6, vlan))


def config():
    with open(os.path.join(ROOT, 'docs', 'configuration.md')) as f:
        readme = f.read()
    m = re.search(r'```ini\n(.*?)```', readme, re.S)
    if m:
        put('config', m.group(1).encode(), 'readme-example.conf')
    lab = """; hypervisor 1 of a lab (as scripts/lab.sh writes it)
[global]
asn = 64512
router-id = 10.99.0.1
listen = 10.99.0.1
control-socket = /tmp/lab/h1.sock
hold-time = 9
connect-retry = 1

[neighbor 10.99.0.2]
remote-as = 64512
families = evpn opaque
local-address = 10.99.0.1
route-reflector-client = yes
"""
    put('config', lab.encode(), 'lab-h1.conf')
    put('config', b"[global]\nasn = 4200000001\nrouter-id = 192.0.2.1\nlisten = [fd00::1]:1179\n"
        b"vtep-ip = fd00::1\n[neighbor fd00::2]\nremote-as = 65001\npassive = yes\nfamilies = evpn\n"
        b"ttl-security = yes\nmax-routes = 1000\n[vni 4096]\nrd = 192.0.2.1:7\nroute-target = 65001:7 auto\n"
        b"import-rt = auto\nexport-rt = 1.2.3.4:5\n", 'ebgp-v6.conf')
    put('config', b"[global]\nasn = 65001\nrouter-id = 10.93.0.1\n[neighbor 10.93.0.2]\nremote-as = 65001\n"
        b"[vrf vrf-t]\nl3vni = 4000\nadvertise = connected\n[vrf blue]\nl3vni = 4001\nrd = 10.93.0.1:4001\n"
        b"route-target = 65001:4001\nimport-rt = *:4001\nexport-rt = 65001:9\nadvertise = none\n[vni 100]\n",
        'vrf.conf')


def control():
    reqs = [
        b'{"cmd":"show-neighbors"}\n',
        b'{"cmd":"show-routes","family":"evpn","vni":100}\n{"cmd":"show-routes","family":"opaque"}\n',
        b'{"cmd":"show-vnis"}\n{"cmd":"show-macs","vni":100,"mac":"02:00:00:00:00:01"}\n',
        b'{"cmd":"show-vrfs"}\n{"cmd":"audit"}\n{"cmd":"show-status"}\n',
        b'{"cmd":"add-macadv","mac":"02:00:00:00:00:01","ip":"10.0.0.1","vni":100,"rd":"10.0.0.1:100",'
        b'"rt":["64512:100"],"nexthop":"10.0.0.9","etag":0,"seq":3,"sticky":true}\n'
        b'{"cmd":"show-routes","family":"evpn"}\n'
        b'{"cmd":"del-macadv","mac":"02:00:00:00:00:01","ip":"10.0.0.1","vni":100,"rd":"10.0.0.1:100"}\n',
        b'{"cmd":"watch","family":"evpn"}\n{"cmd":"add-multicast","ip":"10.0.0.1","vni":100}\n'
        b'{"cmd":"del-multicast","ip":"10.0.0.1","vni":100}\n',
        b'{"cmd":"watch"}\n{"cmd":"add-key","key":"k","value":"v"}\n{"cmd":"del-key","key":"k"}\n',
        b'{"cmd":"clear-duplicate","vni":100,"mac":"02:00:00:00:00:01"}\n',
        b'{"cmd":"show-neighbors"}\n{"cmd":"nope"}\n\n{"cmd":"add-key","key":"k","vlue":1}\n[1]\n'
        b'{"cmd":"show-routes","family":"opaque"}\n',
        b'{"cmd": nope\n{"cmd":"show-neighbors"}\n',
        b'{"cmd":"add-macadv","mac":"02:00:00:00:00:02","ip":"fd00::2","vni":16777215}\n',
        # issue 14: binary and ephemeral keys, one key's paths, and watches with every filter and a
        # resume (a watch takes no requests after it, so the changes come first)
        b'{"cmd":"add-key","key_hex":"ff00fe","value_hex":"c0af","ephemeral":true}\n'
        b'{"cmd":"add-key","key":"vm/a","value":"x"}\n{"cmd":"show-routes","key_hex":"ff00fe"}\n'
        b'{"cmd":"watch","family":"opaque","key_prefix":"vm/","source":"local"}\n',
        b'{"cmd":"add-macadv","mac":"02:00:00:00:00:03","vni":100}\n'
        b'{"cmd":"watch","vni":100,"since":1,"epoch":"0011223344556677"}\n',
        b'{"cmd":"watch","since":2}\n{"cmd":"watch","key_prefix_hex":"0g"}\n{"cmd":"get-key"}\n'
        b'{"cmd":"del-key","key":"k","key_hex":"6b"}\n{"cmd":"add-key","key_hex":"6","value":""}\n',
        b'{"cmd":"add-macadv","mac":"00:00:00:00:00:00","vni":1}\n{"cmd":"add-macadv","mac":"02:00:00:00:00:04",'
        b'"ip":"0.0.0.0","vni":1}\n{"cmd":"add-multicast","ip":"224.0.0.1","vni":1}\n',
    ]
    for r in reqs:
        put('control', r)


# ---- netlink: a real kernel's messages ----
NLM_F_REQUEST, NLM_F_DUMP = 1, 0x300
RTM_GETLINK, RTM_GETNEIGH, RTM_GETADDR, RTM_GETROUTE = 18, 30, 22, 26
IFLA_EXT_MASK = 29
RTEXT_FILTER_BRVLAN = 2


def dump(sock, typ, family, ext_mask=None):
    body = struct.pack('=BxHiII', family, 0, 0, 0, 0) if typ == RTM_GETLINK else struct.pack('=BxxxiHBB', family, 0, 0, 0, 0)
    if ext_mask is not None:
        body += struct.pack('=HHI', 8, IFLA_EXT_MASK, ext_mask)
    sock.send(struct.pack('=IHHII', 16 + len(body), typ, NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + body)
    out = []
    while True:
        data = sock.recv(65536)
        off = 0
        done = False
        while off + 16 <= len(data):
            ln, t = struct.unpack_from('=IH', data, off)
            if t == 3:  # NLMSG_DONE
                done = True
                break
            out.append(data[off:off + ln])
            off += (ln + 3) & ~3
        if done:
            return out


def netlink():
    ns = 'evpnd-fuzz-corpus-%d' % os.getpid()
    sh = lambda c: subprocess.run(['ip', 'netns', 'exec', ns, 'sh', '-ec', c], check=True)
    subprocess.run(['ip', 'netns', 'add', ns], check=True)
    try:
        sh('ip link set lo up; ip link add br100 type bridge; '
           'ip link add vx100 type vxlan id 100 local 10.0.0.1 dstport 4789 nolearning; '
           'ip link set vx100 master br100; ip link add vm1 type veth peer name vm1p; ip link set vm1 master br100; '
           'ip link add vx6 type vxlan id 600 local fd00::1 dstport 4789 nolearning; '
           'for d in br100 vx100 vm1 vx6; do ip link set $d up; done; '
           'bridge fdb append 00:00:00:00:00:00 dev vx100 dst 10.0.0.2 self permanent; '
           'bridge fdb add 02:00:00:00:01:02 dev vx100 dst 10.0.0.2 self static; '
           'bridge fdb add 02:00:00:00:01:03 dev vx100 master static; '
           'bridge fdb add 02:00:00:00:01:04 dev vm1 master static; '
           'bridge fdb add 02:00:00:00:01:06 dev vx6 dst fd00::2 self static; '
           'ip addr add 10.0.0.1/24 dev br100; ip -6 addr add fd00::1/64 dev br100 nodad; '
           'ip neigh add 10.0.0.7 lladdr 02:00:00:00:01:07 dev br100 nud permanent; '
           'ip -6 neigh add fd00::7 lladdr 02:00:00:00:01:07 dev br100 nud reachable; '
           # a routed tenant's routes as evpnd installs them (a table of their own, onlink)
           'ip route add 10.9.0.12/32 via 10.0.0.2 dev br100 onlink table 1000 proto bgp metric 20; '
           'ip -6 route add 2001:db8:9::/48 via fd00::2 dev br100 onlink table 1000 proto bgp metric 20')
        # VLAN-aware bridges with VLAN tunnels: not every kernel has them
        subprocess.run(['ip', 'netns', 'exec', ns, 'sh', '-ec',
                        'ip link add br0 type bridge vlan_filtering 1; '
                        'ip link add vxe type vxlan external local 10.0.0.1 dstport 4789 nolearning; '
                        'ip link set vxe master br0; bridge link set dev vxe vlan_tunnel on; '
                        'bridge vlan add dev vxe vid 10 tunnel_info id 1010; '
                        'bridge vlan add dev vxe vid 20-22 tunnel_info id 2020-2022; '
                        'ip link set br0 up; ip link set vxe up; '
                        'bridge fdb add 02:00:00:00:01:05 dev vxe dst 10.0.0.3 src_vni 1010 self static'])
        subprocess.run(['ip', 'netns', 'exec', ns, 'python3', '-c',
                              'import sys; sys.path.insert(0, %r); import make_corpus as m; m.netlink_dump()' % HERE],
                             check=True)
    finally:
        subprocess.run(['ip', 'netns', 'del', ns])


def netlink_dump():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    s.bind((0, 0))
    msgs = dump(s, RTM_GETLINK, socket.AF_UNSPEC)
    msgs += dump(s, RTM_GETLINK, socket.AF_BRIDGE, RTEXT_FILTER_BRVLAN)
    msgs += dump(s, RTM_GETNEIGH, socket.AF_BRIDGE)
    msgs += dump(s, RTM_GETNEIGH, socket.AF_INET)
    msgs += dump(s, RTM_GETNEIGH, socket.AF_INET6)
    msgs += dump(s, RTM_GETADDR, socket.AF_UNSPEC)
    msgs += dump(s, RTM_GETROUTE, socket.AF_INET)
    msgs += dump(s, RTM_GETROUTE, socket.AF_INET6)
    for m in msgs:
        put('netlink', m)
    put('netlink', b''.join(msgs[:6]), 'several')


def krecord():
    slot = lambda b: b + bytes(12 - len(b))
    mac = lambda okey, m: slot(struct.pack('>BI', 1, okey & 0xffffffff) + bytes(m))
    v4 = lambda okey, a: slot(struct.pack('>BIB', 2, okey & 0xffffffff, socket.AF_INET) +
                              socket.inet_aton(a))
    def v6(okey, a):
        b = socket.inet_pton(socket.AF_INET6, a)
        return slot(struct.pack('>BI', 3, okey & 0xffffffff) + b[:7]) + slot(b'\x04' + b[7:])
    m1 = mac(7, [2, 0, 0, 0, 1, 1])
    put('krecord', m1, 'one-mac')
    put('krecord', v4(7, '10.0.0.2') + v6(-100, 'fd00::2'), 'flood')
    put('krecord', m1 + mac(-100, [2, 0xfa, 0, 1, 0, 1]) + v4(7, '10.0.0.3') + m1, 'mixed')
    put('krecord', m1 + m1[:5], 'cut-short')
    put('krecord', b'\x09' + m1[1:] + m1, 'bad-type')
    put('krecord', v6(5, 'fd00::9')[:12] + m1, 'v6-without-tail')


if __name__ == '__main__':
    krecord()
    bgp()
    snoop()
    config()
    control()
    if '--netlink' in sys.argv:
        netlink()
