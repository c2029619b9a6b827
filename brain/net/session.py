"""Zenoh sessions built from ``robot.yaml``'s ``network`` section, and nothing else.

Multicast scouting is off unless asked for, so a board finds no one by
itself: it connects to the endpoints it was given, and (Zenoh's gossip) to
the listening endpoints those peers tell it about; a board that only connects
listens nowhere. Access is
Zenoh's own: user-password authentication (``transport/auth/usrpwd``) and TLS
links with certificates (``transport/link/tls``, mutual if asked).
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from brain.errors import UserError
from brain.setup.network import NetworkSection

if TYPE_CHECKING:
    import zenoh


def zenoh_settings(net: NetworkSection, base: Path | None = None) -> dict[str, Any]:
    """The Zenoh configuration keys (``a/b/c`` paths) for ``net``; files relative to ``base``."""

    def path(name: str) -> str:
        p = Path(name)
        return str(p if p.is_absolute() or base is None else base / p)

    settings: dict[str, Any] = {
        "mode": net.mode,
        "listen/endpoints": list(net.listen),
        "connect/endpoints": list(net.connect),
        "scouting/multicast/enabled": net.multicast_scouting,
        "transport/link/tx/lease": net.lease_ms,
        # A peer that is not there yet (the other board still booting) is retried in
        # the background every 0.1-1 s, never a failure: each board can start first.
        "connect/timeout_ms": 1000,
        "connect/exit_on_failure": False,
        "connect/retry": {
            "period_init_ms": 100,
            "period_max_ms": 1000,
            "period_increase_factor": 2,
        },
    }
    auth = net.auth
    if auth.user is not None and auth.password_file is not None:
        try:
            password = Path(path(auth.password_file)).read_text().strip()
        except OSError as error:
            raise UserError(f"network.auth.password_file: {error}") from error
        settings["transport/auth/usrpwd/user"] = auth.user
        settings["transport/auth/usrpwd/password"] = password
    if auth.dictionary_file is not None:
        if not Path(path(auth.dictionary_file)).is_file():
            raise UserError(f"network.auth.dictionary_file: {auth.dictionary_file} not found")
        settings["transport/auth/usrpwd/dictionary_file"] = path(auth.dictionary_file)
    tls = net.tls
    if tls is not None:
        settings["transport/link/tls/root_ca_certificate"] = path(tls.root_ca_certificate)
        if tls.certificate is not None and tls.private_key is not None:
            for side in ("listen", "connect"):
                settings[f"transport/link/tls/{side}_certificate"] = path(tls.certificate)
                settings[f"transport/link/tls/{side}_private_key"] = path(tls.private_key)
        settings["transport/link/tls/enable_mtls"] = tls.mutual
    return settings


def open_session(net: NetworkSection, base: Path | None = None) -> zenoh.Session:
    """A Zenoh session configured by ``net``; a bad setting is one clear UserError."""
    import zenoh

    config = zenoh.Config()
    for name, value in zenoh_settings(net, base).items():
        try:
            config.insert_json5(name, json.dumps(value))
        except Exception as error:  # zenoh's own error type: one line for the user
            raise UserError(f"network: zenoh refused {name}={value!r}: {error}") from error
    try:
        return zenoh.open(config)
    except Exception as error:  # a busy port, an unreadable certificate, ...
        raise UserError(f"network: cannot open the Zenoh session: {error}") from error


def free_loopback_port() -> int:
    """A TCP port free on 127.0.0.1 now (for the core's Zenoh listener)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def loopback_network(
    role: Literal["all", "core", "perception", "dashboard"], port: int, *, listen: bool
) -> NetworkSection:
    """A peer on 127.0.0.1 with an explicit endpoint and no scouting (nothing leaves the host)."""
    endpoint = f"tcp/127.0.0.1:{port}"
    if listen:
        return NetworkSection(role=role, listen=[endpoint])
    return NetworkSection(role=role, connect=[endpoint])
