"""Which ``Host`` headers a dashboard answers: its own names, never a stranger's domain.

A DNS-rebinding page reaches a server on the robot or on a developer's
machine under a domain name of its own choosing, so that the browser treats
it as that page's origin and lets it read the answers. Refusing every Host
that is not an IP literal, ``localhost`` or one of the machine's own names
shuts such a page out, whatever address the dashboard listens on.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable


def own_names() -> tuple[str, ...]:
    """The machine's host name and its mDNS name (``petcat`` and ``petcat.local``)."""
    name = socket.gethostname().strip().lower()
    if not name:
        return ()
    short = name.split(".", 1)[0]
    return tuple(dict.fromkeys((name, short, f"{short}.local")))


def host_allowed(host_header: str | None, names: Iterable[str] = ()) -> bool:
    """True when the Host header is an IP literal, ``localhost`` or one of ``names``."""
    if not host_header:
        return False
    host = host_header.strip()
    if host.startswith("["):  # [v6]:port
        host = host[1 : host.find("]")] if "]" in host else ""
    elif host.count(":") == 1:
        host, port = host.split(":")
        if not port.isdigit():
            return False
    host = host.lower().rstrip(".")
    if host == "localhost" or host in {name.lower().rstrip(".") for name in names}:
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
