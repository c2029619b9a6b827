"""``robot.yaml``'s ``network`` section: roles and the Zenoh session of each board.

Absent, the pet runs all in one process as it always did and opens no
socket. ``docs/robot.md`` ("Splitting the brain over boards") explains each
field with a two-board and a household example.
"""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ROLES = ("all", "core", "perception", "dashboard")
PROTOCOLS = ("tcp", "tls", "udp", "quic")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def check_endpoint(endpoint: str) -> str:
    """``tcp/127.0.0.1:7447``-style Zenoh locator: protocol, host and port are all required."""
    protocol, sep, address = endpoint.partition("/")
    host, colon, port = address.rpartition(":")
    if not sep or protocol not in PROTOCOLS or not colon or not host or not port.isdigit():
        raise ValueError(
            f"endpoint '{endpoint}' is not PROTOCOL/HOST:PORT "
            f"(protocol one of {', '.join(PROTOCOLS)}), e.g. tcp/192.168.1.20:7447"
        )
    if not 0 <= int(port) < 65536:
        raise ValueError(f"endpoint '{endpoint}': port out of range")
    return endpoint


def is_loopback(endpoint: str) -> bool:
    """True when ``endpoint`` names this machine only (127.x, ::1, localhost)."""
    host = endpoint.partition("/")[2].rpartition(":")[0].strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class AuthSection(_Strict):
    """Zenoh's user-password authentication (``transport/auth/usrpwd``)."""

    user: str | None = None  # who this board is when it connects
    password_file: str | None = None  # a file holding only this board's password
    # "user:password" lines: who may connect to this board. Set on the board that
    # listens (the core, or a router); a peer without a listed pair is refused.
    dictionary_file: str | None = None

    @model_validator(mode="after")
    def _pairs(self) -> AuthSection:
        if (self.user is None) != (self.password_file is None):
            raise ValueError("user and password_file go together")
        return self

    @property
    def enabled(self) -> bool:
        """True when this board authenticates or checks others."""
        return self.user is not None or self.dictionary_file is not None


class TlsSection(_Strict):
    """Zenoh's TLS links (``transport/link/tls``); endpoints then start with ``tls/``."""

    root_ca_certificate: str  # the CA that signed the other boards' certificates
    certificate: str | None = None  # this board's certificate (needed to listen)
    private_key: str | None = None  # and its key
    # mTLS, set on every board: a connecting board must show a certificate of that CA too.
    mutual: bool = False

    @model_validator(mode="after")
    def _key_and_certificate(self) -> TlsSection:
        if (self.certificate is None) != (self.private_key is None):
            raise ValueError("certificate and private_key go together")
        if self.mutual and self.certificate is None:
            raise ValueError("mutual TLS needs this board's certificate and private_key")
        return self


class NetworkSection(_Strict):
    """Which part of the brain this board runs, and how it reaches the others."""

    # all: everything in one process (no network at all); core: body link, behaviours,
    # memory, fusion; perception: camera and microphone, publishing observations;
    # dashboard: a read-only household view of every pet it hears.
    role: Literal["all", "core", "perception", "dashboard"] = "all"
    pet_id: str | None = None  # in key expressions; default: from `name` (lower case)
    mode: Literal["peer", "client"] = "peer"  # client: through a zenohd router in `connect`
    listen: list[str] = Field(default_factory=list)  # e.g. ["tcp/0.0.0.0:7447"] on the core
    connect: list[str] = Field(default_factory=list)  # e.g. ["tcp/192.168.1.20:7447"]
    # Multicast scouting finds peers by itself on the LAN; off, only `connect` is used.
    multicast_scouting: bool = False
    # No observation and no liveliness token from perception this long: its
    # modalities count as absent (confidence 0) until it returns.
    perception_timeout_ms: int = Field(2000, ge=100, le=60_000)
    # A lost TCP peer is noticed at once; a cut cable after this lease (Zenoh default 10 s).
    lease_ms: int = Field(3000, ge=500, le=60_000)
    state_period_ms: int = Field(1000, ge=100, le=60_000)  # state summaries for household views
    household: list[str] = Field(default_factory=list)  # pet ids a household view shows; []: all
    auth: AuthSection = AuthSection()
    tls: TlsSection | None = None

    @field_validator("listen", "connect")
    @classmethod
    def _endpoints(cls, endpoints: list[str]) -> list[str]:
        return [check_endpoint(e) for e in endpoints]

    @field_validator("pet_id")
    @classmethod
    def _pet_id(cls, value: str | None) -> str | None:
        from brain.net.schema import PET_ID

        if value is not None and not PET_ID.match(value):
            raise ValueError("pet_id must be 1-32 of a-z 0-9 _ - (starting with a letter or digit)")
        return value

    @model_validator(mode="after")
    def _reachable(self) -> NetworkSection:
        if self.role != "all" and not (self.listen or self.connect or self.multicast_scouting):
            raise ValueError(f"role {self.role} needs listen or connect endpoints")
        if self.mode == "client" and not self.connect:
            raise ValueError("mode client needs the router's endpoint in connect")
        uses_tls = any(e.startswith("tls/") for e in [*self.listen, *self.connect])
        if uses_tls and self.tls is None:
            raise ValueError("tls/ endpoints need a tls section (root_ca_certificate, ...)")
        return self

    @property
    def loopback_only(self) -> bool:
        """True when every endpoint is on this machine (nothing on the LAN)."""
        return not self.multicast_scouting and all(
            is_loopback(e) for e in [*self.listen, *self.connect]
        )
