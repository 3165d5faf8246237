# SPDX-License-Identifier: Apache-2.0
"""evpnd.Client: requests over evpnd's control socket (docs/control-protocol.md), one connection."""

import socket
import threading

from . import _conn
from .errors import ConnectionLost, ProtocolError, Timeout
from .opaque import bytes_field, value_bytes

__all__ = ["Client", "DEFAULT_SOCKET"]

DEFAULT_SOCKET = "/run/evpnd/evpnd.sock"


def _rts(rt):
    """Route targets as the list evpnd takes: one string, or an iterable of them."""
    if rt is None:
        return None
    return [rt] if isinstance(rt, str) else list(rt)


class Client:
    """A connection to evpnd's control socket, opened at the first request; a context manager that closes it.

    A request returns the reply's "data" or raises an evpnd.Error. When evpnd closed the connection
    while it was idle (control-idle-timeout, or a restart), the next request reconnects once,
    transparently; unless this connection held ephemeral keys: those were withdrawn with it, and the
    request raises ConnectionLost (the next one connects anew). Thread-safe: requests take turns.
    """

    def __init__(self, path=DEFAULT_SOCKET, timeout=60.0):
        """Remember the socket and how long (seconds; None: for ever) to wait for a reply; connect nothing yet."""
        self.path = path
        self.timeout = timeout
        self._conn = None
        self._ephemeral = set()  # keys (bytes) this connection added as ephemeral and still holds
        self._lock = threading.RLock()
        self._connects = 0

    def __repr__(self):
        return f"<evpnd.Client {self.path!r} {'connected' if self._conn else 'not connected'}>"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Close the connection (evpnd withdraws the ephemeral keys it held); a later request connects again."""
        with self._lock:
            self._drop()

    def _drop(self):
        conn, self._conn = self._conn, None
        self._ephemeral.clear()
        if conn is not None:
            conn.close()

    def _connect(self):
        self._conn = _conn.Conn(self.path, self.timeout)
        self._connects += 1

    def _lost(self, what):
        held = len(self._ephemeral)
        self._drop()
        if held:
            what += f"; the ephemeral keys it held ({held}) were withdrawn"
        return ConnectionLost(what)

    # ---- the raw request ----

    def request(self, cmd, **fields):
        """Send one request (fields whose value is None are left out) and return its reply's "data", or raise."""
        req = {"cmd": cmd}
        req.update((k, v) for k, v in fields.items() if v is not None)
        line = _conn.encode(req)
        with self._lock:
            try:
                return self._exchange(cmd, line)
            except (Timeout, ProtocolError):
                self._drop()  # out of step: a late or garbled reply would answer the next request
                raise

    def _exchange(self, cmd, line):
        fresh = False
        if self._conn is not None and self._conn.peer_closed():
            if self._ephemeral:
                raise self._lost(f"evpnd at {self.path} closed the connection")
            self._drop()  # closed while idle: reconnect once, below
        if self._conn is None:
            self._connect()
            fresh = True
        try:
            self._conn.send(line)
        except _conn.Closed as e:
            # refused at the door ("too many control clients", "permission denied") and closed?
            first = self._conn.pending_reply()
            if first is not None:
                self._drop()
                _conn.decode(first, cmd)  # raises the error it carries
            if fresh or self._ephemeral:
                raise self._lost(f"evpnd at {self.path} closed the connection: {e}") from e
            self._drop()
            self._connect()  # the one transparent retry: the request was not taken
            try:
                self._conn.send(line)
            except _conn.Closed as e2:
                raise self._lost(f"evpnd at {self.path} closed the connection: {e2}") from e2
        try:
            reply = self._conn.read_line()
        except socket.timeout as e:
            raise Timeout(f"{cmd}: no reply from evpnd at {self.path} within {self.timeout} s") from e
        except _conn.Closed as e:
            raise self._lost(f"{cmd}: evpnd at {self.path} closed the connection before replying ({e})") from e
        return _conn.decode(reply, cmd)

    # ---- show ----

    def neighbors(self):
        """The BGP neighbors: a list of neighbor objects (address, state, counters...)."""
        return self.request("show-neighbors")

    def routes(self, family=None, vni=None):
        """Every path of every route (family "evpn"/"opaque", vni: EVPN routes of that VNI); "best" marks the best."""
        return self.request("show-routes", family=family, vni=vni)

    def vnis(self):
        """The VNIs evpnd serves: a list of VNI objects (devices, RD, route targets, MAC counts, flood list)."""
        return self.request("show-vnis")

    def vrfs(self):
        """The routed tenants: one object per [vrf] section, in file order."""
        return self.request("show-vrfs")

    def vrf_routes(self, vrf):
        """The routed tenant vrf's prefixes and the routes installed for them (a list)."""
        return self.request("show-vrf-routes", vrf=vrf)

    def status(self):
        """The engine's state: adopted, converged, dumps, resyncs, the loop's health (a dict)."""
        return self.request("show-status")

    def macs(self, vni=None, mac=None):
        """The MAC table (local, remote and duplicate MACs), optionally of one VNI and/or one MAC."""
        return self.request("show-macs", vni=vni, mac=mac)

    def fdb(self, vni=None, force=False):
        """The kernel's FDB entries from a dump (force: even past fdb-dump-limit installed entries)."""
        return self.request("show-fdb", vni=vni, force=True if force else None)

    def audit(self, force=False):
        """evpnd's tables against the kernel's: a dict whose "drift" list is empty when they agree."""
        return self.request("audit", force=True if force else None)

    def metrics(self):
        """The Prometheus metrics, as text."""
        return self.request("metrics")

    def reload(self):
        """Read the configuration file again and apply it (as SIGHUP); returns what was applied, as text."""
        return self.request("reload")["applied"]

    # ---- operations ----

    def clear_neighbor(self, address):
        """Reset the BGP session with the configured neighbor address."""
        self.request("clear-neighbor", address=address)

    def clear_duplicate(self, vni=None, mac=None):
        """Clear duplicate-address state (of a VNI, a MAC, or every one); returns how many MACs were cleared."""
        return self.request("clear-duplicate", vni=vni, mac=mac)["cleared"]

    # ---- local EVPN routes ----

    def add_macadv(self, mac, vni, ip=None, rd=None, rt=None, nexthop=None, etag=None, seq=None, sticky=False):
        """Originate a type-2 (MAC/IP advertisement) route; rt: one route target or a list."""
        self.request("add-macadv", mac=mac, vni=vni, ip=ip, rd=rd, rt=_rts(rt), nexthop=nexthop, etag=etag,
                     seq=seq, sticky=True if sticky else None)

    def del_macadv(self, mac, vni, ip=None, rd=None, etag=None):
        """Withdraw a type-2 route this evpnd originated (NotFound when there is none)."""
        self.request("del-macadv", mac=mac, vni=vni, ip=ip, rd=rd, etag=etag)

    def add_multicast(self, ip, vni, rd=None, rt=None, nexthop=None, etag=None):
        """Originate a type-3 (inclusive multicast) route for VTEP address ip; rt: one route target or a list."""
        self.request("add-multicast", ip=ip, vni=vni, rd=rd, rt=_rts(rt), nexthop=nexthop, etag=etag)

    def del_multicast(self, ip, vni, rd=None, etag=None):
        """Withdraw a type-3 route this evpnd originated (NotFound when there is none)."""
        self.request("del-multicast", ip=ip, vni=vni, rd=rd, etag=etag)

    # ---- opaque keys ----

    def add_key(self, key, value, ephemeral=False):
        """Publish key=value (str or bytes each); ephemeral: withdrawn when this connection closes."""
        kf = bytes_field("key", key)
        with self._lock:
            self.request("add-key", **kf, **bytes_field("value", value), ephemeral=True if ephemeral else None)
            kb = key.encode("utf-8") if isinstance(key, str) else bytes(key)
            if ephemeral:
                self._ephemeral.add(kb)
            else:
                self._ephemeral.discard(kb)

    def del_key(self, key):
        """Withdraw a key this evpnd publishes (NotFound when it publishes none such)."""
        kb = key.encode("utf-8") if isinstance(key, str) else bytes(key)
        with self._lock:
            try:
                self.request("del-key", **bytes_field("key", key))
            finally:
                self._ephemeral.discard(kb)

    def get_key_paths(self, key):
        """Every path of key (every source's, best first), as route dicts with "best" and "source"."""
        return self.request("show-routes", **bytes_field("key", key))

    def get_key(self, key):
        """key's best value: str when evpnd shows it as text (UTF-8, no NUL), else bytes; None when nobody has key."""
        for r in self.get_key_paths(key):
            if r.get("best"):
                v = r.get("value")
                return v if isinstance(v, str) else value_bytes(r)
        return None

    # ---- watch ----

    def watch(self, family=None, vni=None, key_prefix=None, source=None, reconnect_timeout=30.0):
        """A Watch of the best routes passing the filters, on a connection of its own (see evpnd.Watch)."""
        from .watch import Watch

        filters = {"family": family, "vni": vni, "source": source}
        if key_prefix is not None:
            filters.update(bytes_field("key_prefix", key_prefix))
        return Watch(self.path, self.timeout, {k: v for k, v in filters.items() if v is not None},
                     reconnect_timeout=reconnect_timeout)
