"""What the body link reports: its health counters and what the body announced in HELLO_ACK."""

from __future__ import annotations

from dataclasses import dataclass, field

from firmware import wire


@dataclass
class LinkStats:
    """Counters a developer or owner can read to judge the link's health."""

    frames_in: int = 0
    frames_out: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    crc_errors: int = 0
    framing_errors: int = 0
    unknown_type: int = 0
    version_errors: int = 0
    resends: int = 0
    commands_failed: int = 0
    connects: int = 0
    disconnects: int = 0
    last_rtt_ms: float | None = None
    rtt_samples_ms: list[float] = field(default_factory=list)

    @property
    def dropped(self) -> int:
        """Frames from the body dropped for any reason (CRC, framing, version, unknown type)."""
        return self.crc_errors + self.framing_errors + self.unknown_type + self.version_errors

    def as_json(self) -> dict[str, object]:
        """Plain dict for JSON reports and the dashboard."""
        samples = self.rtt_samples_ms
        return {
            "frames_in": self.frames_in,
            "frames_out": self.frames_out,
            "bytes_in": self.bytes_in,
            "bytes_out": self.bytes_out,
            "crc_errors": self.crc_errors,
            "framing_errors": self.framing_errors,
            "unknown_type": self.unknown_type,
            "version_errors": self.version_errors,
            "dropped": self.dropped,
            "resends": self.resends,
            "commands_failed": self.commands_failed,
            "connects": self.connects,
            "disconnects": self.disconnects,
            "rtt_ms": None if not samples else sum(samples) / len(samples),
        }


@dataclass(frozen=True)
class BodyInfo:
    """What the body announced in HELLO_ACK."""

    protocol: tuple[int, int]
    firmware: tuple[int, int, int]
    board: str
    capabilities: int
    schema_hash: int
    pad_count: int
    servo_count: int

    @property
    def schema_matches(self) -> bool:
        """True when the body was built from the same message set as this brain."""
        return self.schema_hash == wire.schema_hash()
