"""``robot.yaml``: one validated description of a physical pet.

Loaded with :func:`behaviors.yamlfile.load_model`, so every problem is a
located ``file:line:col: path: message`` line. The file says which serial
port the body is on, which firmware profile it runs, the servo calibration
(-> :class:`brain.body.joints.RobotConfig`), the pad-to-zone map
(-> :class:`sensors.touch.layout.PadLayout`), the camera, microphone and
speaker, touch thresholds and the dashboard. ``docs/robot.md`` is the
reference for every field. The camera, microphone and speaker sections are in
:mod:`brain.setup.media`, the ``network`` section in :mod:`brain.setup.network`.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from behaviors.vocabulary import JOINTS
from behaviors.yamlfile import load_model
from brain.body.joints import Joint, RobotConfig
from brain.setup.media import CameraSection, MicrophoneSection, SpeakerSection
from brain.setup.network import NetworkSection
from sensors.touch.classifier import TouchThresholds
from sensors.touch.layout import ZONES, Pad, PadLayout
from sensors.touch.pads import PadThresholds
from sensors.touch.skin import TaxelGrid

BOARDS = ("pico", "esp32s3", "pico_grid")
# A LAN-reachable dashboard must be behind a token at least this long.
MIN_TOKEN_CHARS = 16
MAX_SERVO_CHANNELS = 16


def _unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} '{value}' appears twice")
        seen.add(value)


def board_capacity(board: str) -> tuple[int, int | None]:
    """(servo channels, touch pads) of a firmware board profile (``firmware/boards.py``)."""
    from firmware import boards

    profile: dict[str, Any] = boards.PROFILES[board]
    servos: dict[str, Any] = profile["servos"]
    channels = int(servos["count"]) if "count" in servos else len(servos["pins"])
    touch: dict[str, Any] = profile["touch"]
    pad_source = touch.get("pad_map") or touch.get("pins")
    return channels, (len(pad_source) if pad_source is not None else None)


# Largest angle CONFIG and SERVO_TARGETS can carry (int16 centidegrees).
WIRE_MAX_DEG = 327.67


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BodySection(_Strict):
    """The serial link to the body (the microcontroller running ``firmware/``)."""

    # Prefer a stable name: /dev/serial/by-id/... or /dev/petbody (udev rule from
    # `petbrain service install`); /dev/ttyACM0 may change between boots.
    port: str = Field(min_length=1)
    # Firmware profile the body was flashed with (pico_grid: a pressure mat on the back).
    board: Literal["pico", "esp32s3", "pico_grid"] = "pico"
    # UART speeds a Pico or ESP32-S3 runs (USB CDC ignores it); 1e20 is a typo.
    baudrate: int = Field(115200, gt=0, le=4_000_000)
    # The body ends the session after 120 ms without a frame (firmware/body.py
    # LINK_TIMEOUT_MS): beats at most 60 ms apart keep it through one lost frame.
    heartbeat_period_ms: int = Field(40, ge=10, le=60)
    body_timeout_ms: int = Field(1000, ge=200, le=10_000)  # silent body: handshake again
    reconnect_period_ms: int = Field(500, ge=50, le=60_000)  # retry a missing port this often


class ServoSection(_Strict):
    """One servo joint: its channel on the body and its calibrated range."""

    name: str  # a joint of behaviors/vocabulary.py (head_yaw, ear_left, ...)
    channel: int = Field(ge=0, lt=MAX_SERVO_CHANNELS)
    # Calibrated mechanical limits: the body never goes below min_deg nor above
    # max_deg. CONFIG carries angles as int16 hundredths of a degree, so
    # anything past +-327.67 (or inf, nan) could not reach the body intact.
    min_deg: float = Field(ge=-WIRE_MAX_DEG, le=WIRE_MAX_DEG, allow_inf_nan=False)
    max_deg: float = Field(ge=-WIRE_MAX_DEG, le=WIRE_MAX_DEG, allow_inf_nan=False)
    # Where the joint eases to when the brain goes quiet.
    rest_deg: float = Field(ge=-WIRE_MAX_DEG, le=WIRE_MAX_DEG, allow_inf_nan=False)
    max_speed_deg_per_s: float = Field(300.0, gt=0, le=2000)  # slew cap the body enforces

    @field_validator("name")
    @classmethod
    def _known_joint(cls, name: str) -> str:
        if name not in JOINTS:
            raise ValueError(f"unknown joint '{name}' (known: {', '.join(JOINTS)})")
        return name

    @model_validator(mode="after")
    def _ordered(self) -> ServoSection:
        if not self.min_deg < self.max_deg:
            raise ValueError(f"min_deg {self.min_deg:g} must be below max_deg {self.max_deg:g}")
        if not self.min_deg <= self.rest_deg <= self.max_deg:
            raise ValueError(
                f"rest_deg {self.rest_deg:g} outside [{self.min_deg:g}, {self.max_deg:g}]"
            )
        return self

    def joint(self) -> Joint:
        """As the runtime's :class:`Joint`."""
        return Joint(
            self.name,
            self.channel,
            self.min_deg,
            self.max_deg,
            self.rest_deg,
            self.max_speed_deg_per_s,
        )


class PadCalibration(_Strict):
    """What ``petbrain calibrate pads`` measured on one pad (body delta counts)."""

    noise_counts: float = Field(ge=0)  # standard deviation of the untouched delta
    touched_counts: float = Field(gt=0)  # median delta under a resting palm


class PadSection(_Strict):
    """One capacitive pad, in TOUCH_FRAME order."""

    name: str = Field(min_length=1)
    zone: str  # one of sensors/touch/layout.py ZONES
    position_mm: float = Field(ge=0, le=2000)  # along the spine from the nose
    calibration: PadCalibration | None = None

    @field_validator("zone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        if zone not in ZONES:
            raise ValueError(f"unknown zone '{zone}' (known: {', '.join(ZONES)})")
        return zone


class TouchSection(_Strict):
    """Touch classifier thresholds, in the body's delta counts."""

    frame_rate_hz: float = Field(100.0, gt=0, le=1000)
    touch_counts: int = Field(60, gt=0)  # a pad above its floor + this is touched ...
    touch_noise_sigmas: float = Field(5.0, gt=0, le=50)  # ... or above this many noise sigmas
    release_fraction: float = Field(0.6, gt=0, lt=1)  # free again below this x the threshold
    full_scale_counts: int = Field(420, gt=0)  # a firm palm: intensity 1.0
    # Taxel grids (pressure mats), in the body's TOUCH_GRID numbering: zone, rows,
    # cols, pitch_mm, rate_hz, along, head_at, full_scale, origin_mm (docs/touch.md).
    grids: list[dict[str, Any]] = Field(default_factory=list, max_length=8)

    @field_validator("grids")
    @classmethod
    def _grids_valid(cls, grids: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for i, raw in enumerate(grids):
            try:
                TaxelGrid.from_json(raw)
            except ValueError as error:
                raise ValueError(f"grid {i}: {error}") from None
        return grids

    def taxel_grids(self) -> tuple[TaxelGrid, ...]:
        """The grids as the runtime uses them."""
        return tuple(TaxelGrid.from_json(raw) for raw in self.grids)

    @model_validator(mode="after")
    def _hysteresis(self) -> TouchSection:
        if self.full_scale_counts <= self.touch_counts:
            raise ValueError("full_scale_counts must be above touch_counts")
        return self


class DashboardSection(_Strict):
    """The local web dashboard: loopback only unless a LAN address and a token are set."""

    enabled: bool = True
    # 127.0.0.1 keeps it on the robot; 0.0.0.0 or a LAN address needs `token`.
    bind: str = "127.0.0.1"
    port: int = Field(8765, gt=0, lt=65536)
    token: str | None = None  # required (>= 16 characters) when bind is not loopback

    @field_validator("bind")
    @classmethod
    def _address(cls, bind: str) -> str:
        if bind == "localhost":
            return bind
        try:
            ipaddress.ip_address(bind)
        except ValueError as error:
            raise ValueError(f"bind must be an IP address, got '{bind}'") from error
        return bind

    @property
    def loopback(self) -> bool:
        """True when only this machine can reach the dashboard."""
        return self.bind == "localhost" or ipaddress.ip_address(self.bind).is_loopback

    @model_validator(mode="after")
    def _lan_needs_token(self) -> DashboardSection:
        if not self.loopback and (self.token is None or len(self.token) < MIN_TOKEN_CHARS):
            raise ValueError(
                f"bind {self.bind} exposes the dashboard on the network: set a token of at "
                f"least {MIN_TOKEN_CHARS} characters (or bind 127.0.0.1)"
            )
        return self


class BehavioursSection(_Strict):
    """Which behaviour files the pet runs, and whether edits are picked up live."""

    # Folders (or files) of behaviour YAML; empty: the shipped library.
    paths: list[str] = Field(default_factory=list)
    hot_reload: bool = True  # a valid edit is swapped in; a broken one is reported, old one kept
    reload_interval_ms: int = Field(1000, ge=100, le=600_000)


class MemorySection(_Strict):
    """Owner memory (docs/memory.md): what the pet learns of its owner, on this device only."""

    enabled: bool = True
    # The SQLite file; relative paths are relative to robot.yaml.
    path: str = "owner-memory.db"
    # Raw episodes and presence older than this are folded into summaries and deleted.
    retention_days: int = Field(30, ge=1, le=3650)

    def file(self, base: Path) -> Path:
        """The database path, resolved against ``base`` (robot.yaml's folder)."""
        path = Path(self.path).expanduser()
        return path if path.is_absolute() else base / path


class RobotFile(_Strict):
    """The whole ``robot.yaml``."""

    name: str = "pet"
    body: BodySection
    servos: list[ServoSection] = Field(min_length=1)
    pads: list[PadSection] = Field(min_length=1, max_length=32)
    touch: TouchSection = TouchSection()
    camera: CameraSection = CameraSection(type="none")
    microphone: MicrophoneSection = MicrophoneSection(type="none")
    speaker: SpeakerSection = SpeakerSection()
    dashboard: DashboardSection = DashboardSection()
    behaviours: BehavioursSection = BehavioursSection()
    memory: MemorySection = MemorySection()
    network: NetworkSection = NetworkSection()  # absent: all in one process, no network

    @field_validator("servos")
    @classmethod
    def _servos_fit(cls, servos: list[ServoSection], info: ValidationInfo) -> list[ServoSection]:
        _unique([s.name for s in servos], "servo name")
        _unique([str(s.channel) for s in servos], "servo channel")
        body = info.data.get("body")
        if isinstance(body, BodySection):
            channels, _ = board_capacity(body.board)
            beyond = [f"{s.name} ({s.channel})" for s in servos if s.channel >= channels]
            if beyond:
                raise ValueError(
                    f"board {body.board} drives servo channels 0-{channels - 1}; "
                    f"not: {', '.join(beyond)}"
                )
        return servos

    @model_validator(mode="after")
    def _grids_fit(self) -> RobotFile:
        from firmware import boards

        profile: dict[str, Any] = boards.PROFILES[self.body.board]
        scanned: tuple[dict[str, Any], ...] = tuple(profile.get("grids", ()))
        grids = self.touch.taxel_grids()
        if len(grids) > len(scanned):
            raise ValueError(
                f"touch.grids: board {self.body.board} scans {len(scanned)} taxel grid(s), "
                f"the config declares {len(grids)}"
            )
        for i, grid in enumerate(grids):
            board = scanned[i]
            where = f"touch.grids[{i}]: board {self.body.board}"
            if (board["rows"], board["cols"]) != grid.shape:
                raise ValueError(
                    f"{where} scans {board['rows']} x {board['cols']} taxels, "
                    f"the config says {grid.rows} x {grid.cols}"
                )
            # The features' timing and pressure scale come from these: they must be the body's.
            if abs(float(board["rate_hz"]) - grid.rate_hz) > 1e-6:
                raise ValueError(
                    f"{where} sends {board['rate_hz']} frames/s, the config says {grid.rate_hz:g}"
                )
            top = int(board.get("max_value", 255))
            if grid.full_scale > top:
                raise ValueError(
                    f"{where} sends cells of at most {top}; full_scale {grid.full_scale:g} "
                    "could never be reached"
                )
        pad_zones = {p.zone for p in self.pads}
        both = sorted(pad_zones & {g.zone for g in grids})
        if both:
            raise ValueError(f"zone(s) {', '.join(both)} have pads and a taxel grid: give one")
        return self

    @field_validator("pads")
    @classmethod
    def _pads_fit(cls, pads: list[PadSection], info: ValidationInfo) -> list[PadSection]:
        _unique([p.name for p in pads], "pad name")
        body = info.data.get("body")
        if isinstance(body, BodySection):
            _, count = board_capacity(body.board)
            if count is not None and len(pads) != count:
                raise ValueError(
                    f"board {body.board} scans {count} pads, this list has {len(pads)}"
                )
        return pads

    def robot_config(self) -> RobotConfig:
        """Joints and pads as the runtime uses them."""
        layout = PadLayout(
            tuple(Pad(i, p.name, p.zone, p.position_mm) for i, p in enumerate(self.pads)),
            frame_rate_hz=self.touch.frame_rate_hz,
        )
        return RobotConfig(tuple(s.joint() for s in self.servos), layout, self.touch.taxel_grids())

    def touch_thresholds(self) -> TouchThresholds:
        """The classifier's thresholds from the ``touch`` section."""
        t = self.touch
        pads = PadThresholds(
            touch_counts=float(t.touch_counts),
            touch_noise_sigmas=t.touch_noise_sigmas,
            release_fraction=t.release_fraction,
        )
        return TouchThresholds(full_scale_counts=float(t.full_scale_counts), pads=pads)

    def library_paths(self, base: Path) -> list[Path] | None:
        """Behaviour folders, relative ones taken from ``base`` (robot.yaml's folder)."""
        if not self.behaviours.paths:
            return None
        return [p if p.is_absolute() else base / p for p in map(Path, self.behaviours.paths)]

    def warnings(self) -> list[str]:
        """Things that are valid but probably wrong (said by ``config check``)."""
        out = []
        for pad in self.pads:
            cal = pad.calibration
            if cal is None:
                continue
            if cal.touched_counts <= self.touch.touch_counts:
                out.append(
                    f"pad {pad.name}: a palm reads {cal.touched_counts:g} counts, not above "
                    f"touch_counts {self.touch.touch_counts}: it will never feel a touch"
                )
            release = self.touch.touch_counts * self.touch.release_fraction
            if cal.noise_counts * 4 >= release:
                out.append(
                    f"pad {pad.name}: noise {cal.noise_counts:g} counts is close to the "
                    f"release level {release:g}: expect phantom touches"
                )
        return out


def load_robot_file(path: Path) -> RobotFile:
    """Load and validate ``path``; problems raise :class:`behaviors.yamlfile.YamlError`."""
    return load_model(path, RobotFile)
