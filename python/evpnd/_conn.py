# SPDX-License-Identifier: Apache-2.0
"""One connection to evpnd's control socket: line-delimited JSON over a UNIX stream socket."""

import json
import select
import socket

from .errors import PermissionDenied, ProtocolError, RequestError, Timeout, Unavailable, error_for

MAX_REQUEST = 65536  # bytes of one request line, its newline aside (docs/control-protocol.md)
_RECV = 1 << 18


class Closed(Exception):
    """Internal: the peer closed the connection (or reset it) while we sent or read."""


def encode(req):
    """One request line (bytes, newline included); RequestError, unsent, when evpnd would refuse its length."""
    try:
        line = json.dumps(req, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError) as e:  # UnicodeEncodeError is a ValueError
        raise ValueError(f"cannot send {req.get('cmd')!r} as JSON: {e}") from e
    if len(line) > MAX_REQUEST:
        raise RequestError(f"request too long ({len(line)} bytes, at most {MAX_REQUEST})", req.get("cmd"))
    return line + b"\n"


def decode(line, cmd):
    """The reply's data, or the error it carries raised (RequestError and subclasses, ProtocolError)."""
    try:
        msg = json.loads(line)
    except ValueError as e:
        raise ProtocolError(f"{cmd}: a reply that is not JSON: {line[:200]!r}") from e
    if not isinstance(msg, dict) or not isinstance(msg.get("ok"), bool):
        raise ProtocolError(f"{cmd}: a reply without \"ok\": {line[:200]!r}")
    if msg["ok"]:
        return msg.get("data")
    err = msg.get("error")
    if not isinstance(err, str):
        raise ProtocolError(f"{cmd}: an error reply without \"error\": {line[:200]!r}")
    raise error_for(err, cmd)


class Conn:
    """A connected socket with its read buffer. Not thread-safe: its owner serialises."""

    def __init__(self, path, timeout):
        self.path = path
        self._buf = bytearray()
        self._scan = 0  # where the search for the next newline goes on from
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # close-on-exec (PEP 446)
        sock.settimeout(timeout)
        try:
            sock.connect(path)
        except PermissionError as e:
            sock.close()
            raise PermissionDenied(f"permission denied: cannot connect to {path}: {e.strerror}") from e
        except socket.timeout as e:
            sock.close()
            raise Unavailable(f"cannot connect to {path}: timed out") from e
        except OSError as e:
            sock.close()
            raise Unavailable(f"cannot connect to {path}: {e.strerror or e}") from e
        self.sock = sock

    def close(self):
        """Close the socket (evpnd sees the connection end: its ephemeral keys are withdrawn)."""
        sock, self.sock = self.sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def settimeout(self, timeout):
        self.sock.settimeout(timeout)

    def send(self, data):
        """Send all of data; Closed when evpnd has closed the connection, Timeout when it takes no more."""
        try:
            self.sock.sendall(data)
        except socket.timeout as e:
            raise Timeout(f"evpnd at {self.path} took no request for {self.sock.gettimeout()} s") from e
        except OSError as e:  # EPIPE, ECONNRESET, EBADF after a close from another thread
            raise Closed(str(e)) from e

    def has_line(self):
        """Whether a whole line is already read and waits in the buffer."""
        return self._buf.find(b"\n", self._scan) >= 0

    def read_line(self):
        """The next line without its newline; Closed at the end of the stream, socket.timeout as set."""
        while True:
            i = self._buf.find(b"\n", self._scan)
            if i >= 0:
                line = bytes(self._buf[:i])
                del self._buf[:i + 1]  # cheap: a bytearray drops its head in place
                self._scan = 0
                return line
            self._scan = len(self._buf)
            try:
                data = self.sock.recv(_RECV)
            except socket.timeout:
                raise
            except BlockingIOError as e:  # a timeout of 0: nothing waiting
                raise socket.timeout("nothing to read") from e
            except OSError as e:
                raise Closed(str(e)) from e
            if not data:
                raise Closed("end of stream" + (" in the middle of a line" if self._buf else ""))
            self._buf += data

    def pending_reply(self):
        """A line evpnd sent before closing (its "too many" or "permission denied"), or None."""
        try:
            self.sock.settimeout(0.2)
            return self.read_line()
        except (Closed, OSError):
            return None

    def peer_closed(self):
        """Whether evpnd has closed this idle connection; lines it sent unasked (none are replies) are dropped."""
        try:
            while select.select([self.sock], [], [], 0)[0]:
                data = self.sock.recv(_RECV, socket.MSG_DONTWAIT)
                if not data:
                    return True
                self._buf += data
        except BlockingIOError:
            pass
        except OSError:
            return True
        i = self._buf.rfind(b"\n")
        if i >= 0:  # no request is in flight: nothing read now can be a reply
            del self._buf[:i + 1]
            self._scan = 0
        return False

