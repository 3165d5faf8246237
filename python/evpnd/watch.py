# SPDX-License-Identifier: Apache-2.0
"""evpnd.Watch: the best routes as evpnd has them, and their changes, over a watch connection of its own."""

import collections
import dataclasses
import json
import socket
import time

from . import _conn
from .errors import Busy, ConnectionLost, ProtocolError, Unavailable

__all__ = ["Change", "Watch"]


@dataclasses.dataclass(frozen=True)
class Change:
    """One change of the view: kind "add", "update", "remove" (route: the one removed) or "synced" (no route)."""

    kind: str
    family: str | None
    id: str | None
    route: dict | None
    seq: int | None


def _same(a, b):
    """Whether two route objects are the same route but for their "age"."""
    if a.keys() != b.keys():
        return False
    return all(a[k] == b[k] for k in a if k != "age")


class Watch:
    """Iterate for Change objects; .view is {(family, id): route}, the best routes as of the last change yielded.

    The protocol stays inside: the first snapshot comes as an "add" per route, then "synced". After a
    lagged event, or a reconnection evpnd could not resume (a restart: a new epoch), the new snapshot
    comes as the difference from the old view ("add", "update", "remove") and then "synced". A lost
    connection is opened again (retried with a growing pause for up to reconnect_timeout seconds, then
    ConnectionLost; iterating again retries anew) and resumed where it stopped: no change is lost or
    repeated. A "synced" also follows a resume's replay. Made by Client.watch(); close() ends it.
    """

    def __init__(self, path, timeout, filters, reconnect_timeout=30.0):
        """Open the watch connection and send the watch request (Client.watch() does; errors raise here)."""
        self.path = path
        self.timeout = timeout
        self.filters = dict(filters)
        self.reconnect_timeout = reconnect_timeout
        self.epoch = None      # the run of evpnd the view is of (set at each "synced")
        self.seq = None        # the last sequence number applied: where a resume starts
        self.resumed = None    # whether the last (re)connection was resumed
        self.reconnects = 0    # connections opened again after a loss
        self.resyncs = 0       # times a new snapshot replaced a view (lagged, or not resumed)
        self._view = {}
        self._building = None  # the new view while a snapshot comes in, else None
        self._queue = collections.deque()
        self._conn = None
        self._closed = False
        self._epoch_now = None  # the epoch the connection's reply named
        self._lost_at = None   # when the connection was lost (monotonic), while it is
        self._backoff = 0.05
        self._open()

    def __repr__(self):
        return f"<evpnd.Watch {self.path!r} {self.filters} {len(self._view)} routes seq {self.seq}>"

    @property
    def view(self):
        """{(family, id): route dict}: the current best routes, as evpnd has them (do not modify it)."""
        return self._view

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __iter__(self):
        return self

    def __next__(self):
        ch = self.next_change(None)
        if ch is None:
            raise StopIteration
        return ch

    def close(self):
        """End the watch (its connection closes); iteration stops. Safe from another thread."""
        self._closed = True
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    # ---- the connection ----

    def _open(self):
        conn = _conn.Conn(self.path, self.timeout)
        try:
            req = {"cmd": "watch", **self.filters}
            if self.epoch is not None and self.seq is not None:
                req["since"] = self.seq
                req["epoch"] = self.epoch
            try:
                conn.send(_conn.encode(req))
                line = conn.read_line()
            except _conn.Closed as e:
                first = conn.pending_reply()
                if first is not None:
                    _conn.decode(first, "watch")
                raise ConnectionLost(f"watch: evpnd at {self.path} closed the connection ({e})") from e
            except socket.timeout as e:
                raise ConnectionLost(f"watch: no reply from evpnd at {self.path} within {self.timeout} s") from e
            data = _conn.decode(line, "watch")
            if (not isinstance(data, dict) or not isinstance(data.get("resumed"), bool)
                    or not isinstance(data.get("epoch"), str)):
                raise ProtocolError(f"watch: a reply without epoch, seq and resumed: {line[:200]!r}")
        except BaseException:
            conn.close()
            raise
        self.resumed = data["resumed"]
        self._epoch_now = data["epoch"]
        # resumed: the replay applies to the view as of self.seq (a snapshot cut short is dropped);
        # else a fresh snapshot follows, and the view it makes replaces ours at its synced
        self._building = None if self.resumed else {}
        conn.settimeout(None)
        self._conn = conn

    def _lose(self):
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
        if self._lost_at is None:
            self._lost_at = time.monotonic()
            self._backoff = 0.05

    def _reconnect(self, deadline):
        """Open the connection again: True when open, False when deadline (the caller's) passed first."""
        if self._lost_at is None:  # a new round of tries (the last one gave up)
            self._lost_at = time.monotonic()
            self._backoff = 0.05
        while True:
            if self._closed:
                return False
            try:
                self._open()
                self._lost_at = None
                self.reconnects += 1
                if self._closed:  # closed by another thread meanwhile
                    self.close()
                return True
            except (Unavailable, Busy):  # not there yet (restarting), or full for now
                pass
            now = time.monotonic()
            give_up = self._lost_at + self.reconnect_timeout
            if now >= give_up:
                self._lost_at = None  # a later call tries again, for as long
                raise ConnectionLost(f"watch: evpnd at {self.path} did not come back within "
                                     f"{self.reconnect_timeout} s")
            pause = min(self._backoff, give_up - now)
            if deadline is not None:
                if now >= deadline:
                    return False
                pause = min(pause, deadline - now)
            time.sleep(max(pause, 0))
            self._backoff = min(self._backoff * 2, 1.0)

    # ---- events ----

    def next_change(self, timeout=None):
        """The next Change; None when timeout seconds pass first (None: wait for ever) or when closed."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if self._queue:
                return self._queue.popleft()
            if self._closed:
                return None
            if self._conn is None:
                if not self._reconnect(deadline):
                    return None
                continue
            conn = self._conn
            try:
                if not conn.has_line():
                    wait = None if deadline is None else max(deadline - time.monotonic(), 0)
                    conn.settimeout(wait)
                line = conn.read_line()
            except socket.timeout:
                return None
            except (_conn.Closed, OSError, AttributeError):  # AttributeError: closed by another thread
                if self._closed:
                    return None
                self._lose()
                continue
            self._event(line)

    def _event(self, line):
        try:
            ev = json.loads(line)
        except ValueError as e:
            raise ProtocolError(f"watch: an event that is not JSON: {line[:200]!r}") from e
        if not isinstance(ev, dict) or not isinstance(ev.get("event"), str):
            raise ProtocolError(f"watch: not an event: {line[:200]!r}")
        kind, seq = ev["event"], ev.get("seq")
        if kind in ("snapshot", "update", "withdraw"):
            fam, rid = ev.get("family"), ev.get("id")
            if not isinstance(fam, str) or not isinstance(rid, str):
                raise ProtocolError(f"watch: a {kind} without family and id: {line[:200]!r}")
            key, route = (fam, rid), ev.get("route")
            if kind == "snapshot" and self._building is None:
                self._building = {}  # unannounced, but a snapshot makes a new view all the same
            if self._building is not None:
                if kind == "withdraw":
                    self._building.pop(key, None)
                else:
                    self._building[key] = route
                return
            if kind == "withdraw":
                old = self._view.pop(key, None)
                if old is not None:  # a withdrawal of a route we do not have is no change
                    self._queue.append(Change("remove", fam, rid, old, seq))
            else:
                old = self._view.get(key)
                self._view[key] = route
                self._queue.append(Change("add" if old is None else "update", fam, rid, route, seq))
            self.seq = seq
        elif kind == "synced":
            if self._building is not None:
                new, old = self._building, self._view
                self._building = None
                if self.epoch is not None:
                    self.resyncs += 1
                for key, route in old.items():
                    if key not in new:
                        self._queue.append(Change("remove", key[0], key[1], route, seq))
                for key, route in new.items():
                    was = old.get(key)
                    if was is None:
                        self._queue.append(Change("add", key[0], key[1], route, seq))
                    elif not _same(was, route):
                        self._queue.append(Change("update", key[0], key[1], route, seq))
                self._view = new
            self.seq = seq
            self.epoch = ev["epoch"] if isinstance(ev.get("epoch"), str) else self._epoch_now
            self._queue.append(Change("synced", None, None, None, seq))
        elif kind == "lagged":
            self._building = {}  # a new snapshot follows (resync): it replaces the view at synced
        # other events: a later protocol's, ignored
