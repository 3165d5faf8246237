# SPDX-License-Identifier: Apache-2.0
"""evpnd's control socket from Python: requests (Client), the live routing table (Client.watch), opaque keys.

    import evpnd
    with evpnd.Client() as c:                    # /run/evpnd/evpnd.sock: root or the control group
        c.add_key("vm/h1/web", '{"ip":"10.1.0.5"}', ephemeral=True)
        for ch in c.watch(family="opaque", key_prefix="vm/"):
            print(ch.kind, ch.id, ch.route and evpnd.value_bytes(ch.route))

The protocol is docs/control-protocol.md in evpnd's sources. Standard library only.
"""

from .client import DEFAULT_SOCKET, Client
from .errors import (Busy, ConnectionLost, Error, NotFound, PermissionDenied, ProtocolError, RequestError, Timeout,
                     Unavailable)
from .opaque import key_bytes, value_bytes
from .watch import Change, Watch

__version__ = "0.1.0"

__all__ = ["Client", "DEFAULT_SOCKET", "Watch", "Change", "key_bytes", "value_bytes", "Error", "Unavailable",
           "ConnectionLost", "Timeout", "ProtocolError", "RequestError", "PermissionDenied", "Busy", "NotFound",
           "__version__"]
