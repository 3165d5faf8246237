# SPDX-License-Identifier: Apache-2.0
"""The errors evpnd's client raises: every one is an evpnd.Error."""

__all__ = ["Error", "Unavailable", "ConnectionLost", "Timeout", "ProtocolError", "RequestError",
           "PermissionDenied", "Busy", "NotFound", "error_for"]


class Error(Exception):
    """The base of every error this package raises."""


class Unavailable(Error):
    """evpnd cannot be reached: no socket at the path, or nobody accepting on it."""


class ConnectionLost(Unavailable):
    """The connection closed under a request or a watch (evpnd stopped, restarted or closed it)."""


class Timeout(ConnectionLost):
    """No reply within the client's timeout; the connection was closed, as a late reply would be out of step."""


class ProtocolError(Error):
    """evpnd's reply was not the protocol's JSON (the connection is closed: it is out of step)."""


class RequestError(Error):
    """evpnd answered {"ok":false}: .text is its one line of error, .cmd the command refused."""

    def __init__(self, text, cmd=None):
        super().__init__(text if cmd is None else f"{cmd}: {text}")
        self.text = text
        self.cmd = cmd


class PermissionDenied(RequestError):
    """Not allowed: evpnd's "permission denied" (not root, nor in the control group), or no access to the socket."""


class Busy(RequestError):
    """evpnd is at a limit ("too many ..."): control clients, clients of this user, or watchers."""


class NotFound(RequestError):
    """What the request names does not exist ("no such ..."): a local route or key to delete."""


def error_for(text, cmd=None):
    """The RequestError subclass for evpnd's error line text (by its first words)."""
    if text.startswith("permission denied"):
        return PermissionDenied(text, cmd)
    # a limit of evpnd's ("too many control clients", "too many watchers"), not of the request's own
    # content ("too many route targets (at most 8)", which no retry cures)
    if text.startswith("too many") and not text.startswith("too many route targets"):
        return Busy(text, cmd)
    if text.startswith("no such"):
        return NotFound(text, cmd)
    return RequestError(text, cmd)
