#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The fleet's VM inventory over BGP, with evpnd's opaque keys.

On each hypervisor:  fleet_inventory.py                 publishes its running VMs, one ephemeral key
                                                        vm/<hostname>/<vm> each (a JSON value), and
                                                        keeps them current every --interval seconds
Anywhere:            fleet_inventory.py --watch         prints the fleet's live map as it changes
                     fleet_inventory.py --watch --once  prints it once and exits

The keys are ephemeral: they live as long as the publisher's connection to evpnd, so a hypervisor
whose publisher dies (or that goes down: its BGP session then withdraws its routes) leaves the map
by itself, with no clean-up job. The VMs come from libvirt's running domains
(/run/libvirt/qemu/*.xml, read as root), or from --inventory FILE: a JSON object {"vm": {...}},
read again at every interval, for any other VM manager.
"""

import argparse
import glob
import json
import os
import socket
import sys
import time
import xml.etree.ElementTree as ET

try:
    import evpnd
except ImportError:  # run from a clone: the package is beside this directory
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import evpnd

PREFIX = "vm/"


def libvirt_vms(run_dir="/run/libvirt/qemu"):
    """{name: facts} of the running libvirt domains, from their status files."""
    if not os.path.isdir(run_dir):
        raise SystemExit(f"fleet_inventory: no {run_dir} (libvirt's running domains): use --inventory FILE")
    vms = {}
    for path in sorted(glob.glob(os.path.join(run_dir, "*.xml"))):
        try:
            root = ET.parse(path).getroot()
        except (ET.ParseError, OSError):
            continue  # being rewritten: the next round reads it
        dom = root if root.tag == "domain" else root.find("domain")
        if dom is None or dom.findtext("name") is None:
            continue
        mem = dom.find("currentMemory")
        if mem is None:
            mem = dom.find("memory")  # KiB, libvirt's unit in status files
        vms[dom.findtext("name")] = {
            "uuid": dom.findtext("uuid"),
            "vcpus": int(dom.findtext("vcpu") or 0),
            "memory_mib": int(mem.text) // 1024 if mem is not None and mem.text else None,
            "macs": [i.get("address") for i in dom.findall("devices/interface/mac")],
        }
    return vms


def file_vms(path):
    """{name: facts} from a JSON file (an object of objects)."""
    with open(path, encoding="utf-8") as f:
        vms = json.load(f)
    if not isinstance(vms, dict):
        raise SystemExit(f"fleet_inventory: {path}: not a JSON object of VMs")
    return vms


def publish(args):
    """Keep this hypervisor's VMs published as ephemeral keys, for as long as this runs."""
    c = evpnd.Client(args.socket)
    published = {}  # key -> value as published on the current connection
    while True:
        vms = file_vms(args.inventory) if args.inventory else libvirt_vms()
        want = {f"{PREFIX}{args.host}/{name}": json.dumps(facts, sort_keys=True, separators=(",", ":"))
                for name, facts in vms.items()}
        try:
            # a request every round, changes or not: after a restart of evpnd it raises ConnectionLost
            # (the keys went with the connection), and the next round publishes them all again
            c.vnis()
            for key, value in want.items():
                if published.get(key) != value:
                    c.add_key(key, value, ephemeral=True)
                    published[key] = value
                    print(f"published {key}", flush=True)
            for key in set(published) - set(want):
                try:
                    c.del_key(key)
                except evpnd.NotFound:
                    pass
                del published[key]
                print(f"withdrew {key}", flush=True)
        except evpnd.Unavailable as e:  # evpnd restarted, or stopped: the keys went with the connection
            print(f"fleet_inventory: {e}; publishing again", file=sys.stderr, flush=True)
            published.clear()
            time.sleep(min(args.interval, 1.0))
            continue
        time.sleep(args.interval)


def print_map(view, seq, out=sys.stdout):
    """The fleet as a table: one line per VM, by hypervisor."""
    rows = []
    for route in view.values():
        key = (evpnd.key_bytes(route) or b"").decode("utf-8", "replace")
        host, _, vm = key[len(PREFIX):].partition("/")
        raw = evpnd.value_bytes(route) or b""
        try:
            facts = json.loads(raw)
        except ValueError:
            facts = {"value": raw.decode("utf-8", "replace")}
        if not isinstance(facts, dict):
            facts = {"value": facts}
        rows.append((host, vm, facts))
    rows.sort(key=lambda r: (r[0], r[1]))
    hosts = len({r[0] for r in rows})
    print(f"fleet: {hosts} hypervisor{'s' * (hosts != 1)}, {len(rows)} VM{'s' * (len(rows) != 1)} (seq {seq})",
          file=out)
    for host, vm, f in rows:
        mem = f"{f['memory_mib']} MiB" if f.get("memory_mib") is not None else "-"
        print(f"  {host:<16} {vm:<24} {f.get('vcpus', '-')!s:>3} vCPU {mem:>10}  {' '.join(f.get('macs') or [])}",
              file=out)
    out.flush()


def watch(args):
    """Print the map at each synced and after each burst of changes; --once: the first map, then exit."""
    c = evpnd.Client(args.socket)
    w = c.watch(family="opaque", key_prefix=PREFIX)
    synced = dirty = False
    while True:
        ch = w.next_change(0.2 if dirty else None)
        if ch is None:  # the burst is over
            print_map(w.view, w.seq)
            dirty = False
            continue
        if ch.kind == "synced":
            print_map(w.view, w.seq)
            if args.once:
                w.close()
                return
            synced, dirty = True, False
            continue
        if synced:  # the first snapshot shows as the first map, not line by line
            key = (evpnd.key_bytes(ch.route) or b"").decode("utf-8", "replace")
            print({"add": "+", "update": "~", "remove": "-"}[ch.kind], key, flush=True)
            dirty = True


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-s", "--socket", default=evpnd.DEFAULT_SOCKET, help="evpnd's control socket")
    p.add_argument("--watch", action="store_true", help="print the fleet's live map as it changes")
    p.add_argument("--once", action="store_true", help="with --watch: print the map once and exit")
    p.add_argument("--host", default=socket.gethostname().split(".")[0], help="this hypervisor's name")
    p.add_argument("--inventory", help="a JSON file {vm: facts} instead of libvirt's running domains")
    p.add_argument("--interval", type=float, default=10.0, help="seconds between two looks at the VMs")
    args = p.parse_args(argv)
    try:
        watch(args) if args.watch else publish(args)
    except KeyboardInterrupt:
        pass
    except evpnd.Error as e:
        raise SystemExit(f"fleet_inventory: {e}")


if __name__ == "__main__":
    main()
