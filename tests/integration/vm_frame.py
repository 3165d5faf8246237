# SPDX-License-Identifier: Apache-2.0
"""Send one Ethernet frame with a given source MAC from eth0 of the namespace it runs in (a VM's):
the VM's bridge learns that MAC on its port, as from a live-migrated VM's first frame.

Usage (inside the VM's namespace): python3 vm_frame.py MAC
"""
import socket
import sys

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
src = bytes.fromhex(sys.argv[1].replace(":", ""))
s.send(b"\xff" * 6 + src + b"\x88\xb5" + b"\0" * 46)  # broadcast, local experimental EtherType
